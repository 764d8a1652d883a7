//! The deadline table of a month — per project, procedure and submission (`sanyipi deadlines`).

use super::{Place, table};
use crate::calendar::Month;
use crate::engine::{DeadlineRow, Status, deadline_rows};
use crate::ingest::ingest_month;
use crate::progress::Progress;
use crate::rules::Rules;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::PathBuf;

/// A month's folder whose deadlines to list.
#[derive(Debug, Clone)]
pub struct DeadlinesRequest {
    pub input: PathBuf,
    pub month: Option<String>,
    pub as_of: Option<NaiveDate>,
    /// Today, for the default as-of date.
    pub today: NaiveDate,
    /// Only the overdue, late and soon-due ones.
    pub open_only: bool,
    /// Where history is: projects missing from this month's reports keep the start dates
    /// recorded there.
    pub place: Place,
    pub rules: Option<PathBuf>,
}

/// The month's deadlines, and what `sanyipi deadlines` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Deadlines {
    pub month: Month,
    pub as_of: NaiveDate,
    pub rows: Vec<DeadlineRow>,
    /// The deadline table (standard output).
    pub table: String,
    /// Conditions that could not be computed, a line each (standard error).
    pub rule_problems: Vec<String>,
}

/// Lists the deadlines of the month of `req`.
pub fn deadlines(req: &DeadlinesRequest, progress: &dyn Progress) -> super::Result<Deadlines> {
    Ok(deadlines_inner(req, progress)?)
}

/// The job itself.
fn deadlines_inner(req: &DeadlinesRequest, progress: &dyn Progress) -> anyhow::Result<Deadlines> {
    // Said before the month, which a file's or a missing folder's name cannot give.
    if !req.input.is_dir() {
        let wrong = crate::ingest::IngestError::not_a_directory(&req.input);
        return Err(anyhow::Error::new(wrong).context("无法计算期限"));
    }
    let rules = Rules::load(req.rules.as_deref())?;
    let (month, as_of) = super::month_and_as_of(
        &req.input,
        req.month.as_deref(),
        req.as_of,
        req.today,
        &rules,
        progress,
    )?;
    let mut data = ingest_month(&req.input, &rules, Some(month)).context("无法计算期限")?;
    // Projects missing from this month's reports keep the start dates reported before.
    let mut snapshot = if req.place.history_path().exists() {
        Some(req.place.read()?.snapshot(month)?)
    } else {
        None
    };
    if let Some(s) = snapshot.as_mut() {
        crate::engine::join_history(&rules, &mut data, s, false);
    }
    let carried = snapshot
        .as_ref()
        .map(|s| crate::engine::assess::carried_values(&data, s))
        .unwrap_or_default();
    let counted = deadline_rows(&rules, &data, month, as_of, &carried);
    let (mut rows, problems) = (counted.rows, counted.problems);
    // Earlier notices' tasks overdue by the as-of date are findings too, as in `run`.
    if let Some(s) = &snapshot {
        rows.extend(crate::engine::assess::earlier_task_findings(
            &rules, &data, s, as_of,
        ));
    }
    let mut table = render(&rules, &rows, month, as_of, req.open_only);
    // Rows whose deadline cannot be counted are said with them.
    if !counted.diagnostics.is_empty() {
        table.push('\n');
        for d in &counted.diagnostics {
            table.push_str(&format!("{d}\n"));
        }
    }
    if data.error_count() > 0 {
        table.push_str(&format!(
            "\n另有 {} 个数据错误，详见 sanyipi check --input {}\n",
            data.error_count(),
            req.input.display()
        ));
    }
    let rule_problems = problems
        .iter()
        .map(|p| {
            format!(
                "规则错误: {} 的期限 {} 在 {} 上无法计算条件: {}",
                p.rule_file, p.rule, p.subject, p.message
            )
        })
        .collect();
    Ok(Deadlines {
        month,
        as_of,
        rows,
        table,
        rule_problems,
    })
}

/// The table of one rule's deadlines.
fn rule_table(shown: &[&DeadlineRow]) -> String {
    let table_rows: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            let subject = [
                r.project.as_deref(),
                r.project_name.as_deref(),
                r.item.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            vec![
                subject,
                r.recipient.clone().unwrap_or_else(|| "—".into()),
                date(r.from),
                r.days.map(|d| d.to_string()).unwrap_or_default(),
                date(r.due),
                date(r.met_on),
                r.status_label.clone(),
                span(r),
                if r.missing_years.is_empty() {
                    String::new()
                } else {
                    "暂定".into()
                },
            ]
        })
        .collect();
    table::render(
        &[
            "项目/事项",
            "责任单位",
            "起算日",
            "时限",
            "到期日",
            "完成日",
            "状态",
            "工作日",
            "备注",
        ],
        &table_rows,
    )
}

fn span(r: &DeadlineRow) -> String {
    match (r.status, r.workdays) {
        (Status::Overdue | Status::MetLate, Some(n)) => format!("超期 {n}"),
        (Status::DueSoon | Status::Pending, Some(n)) => format!("剩余 {n}"),
        _ => String::new(),
    }
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "—".into())
}

/// The printed deadline table, one section per rule.
fn render(
    rules: &Rules,
    rows: &[DeadlineRow],
    month: Month,
    as_of: NaiveDate,
    open_only: bool,
) -> String {
    let mut out = format!(
        "{}年{}月期限情况（统计截止 {}）\n",
        month.year,
        month.month,
        as_of.format("%Y-%m-%d")
    );
    let mut missing: Vec<i32> = Vec::new();
    let finding = rules
        .notices
        .supervision
        .as_ref()
        .and_then(|s| s.finding.as_ref())
        .map(|f| (f.id.as_str(), f.name.as_str()));
    let sections = rules
        .deadlines
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .chain(finding);
    for (id, name) in sections {
        let mut shown: Vec<&DeadlineRow> = rows
            .iter()
            .filter(|r| r.rule == id)
            .filter(|r| {
                !open_only
                    || matches!(
                        r.status,
                        Status::Overdue | Status::MetLate | Status::DueSoon
                    )
            })
            .collect();
        if shown.is_empty() {
            continue;
        }
        shown.sort_by(|a, b| a.status.cmp(&b.status).then(a.due.cmp(&b.due)));
        out.push_str(&format!("\n【{name}】\n"));
        for r in &shown {
            for y in &r.missing_years {
                if !missing.contains(y) {
                    missing.push(*y);
                }
            }
        }
        out.push_str(&rule_table(&shown));
    }
    // The totals are of the deadlines; overdue tasks are counted on their own.
    let is_task = |r: &&DeadlineRow| finding.is_some_and(|(id, _)| r.rule == id);
    let count = |s: Status| rows.iter().filter(|r| !is_task(r) && r.status == s).count();
    let labels = &rules.deadlines.status;
    // With --open the totals still count every deadline: said so, as the list shows fewer.
    let head = if open_only {
        "全部期限合计（上面只列出逾期、临近到期与逾期完成的）"
    } else {
        "合计"
    };
    out.push_str(&format!(
        "\n{head}: {} {}，{} {}，{} {}，{} {}，{} {}，{} {}",
        labels.overdue,
        count(Status::Overdue),
        labels.met_late,
        count(Status::MetLate),
        labels.due_soon,
        count(Status::DueSoon),
        labels.pending,
        count(Status::Pending),
        labels.met,
        count(Status::Met),
        labels.no_date,
        count(Status::NoDate)
    ));
    let tasks = rows.iter().filter(is_task).count();
    if let Some((_, name)) = finding.filter(|_| tasks > 0) {
        out.push_str(&format!("；{name} {tasks}"));
    }
    out.push('\n');
    missing.sort();
    for y in missing {
        out.push_str(&format!(
            "注意: 标“暂定”的期限涉及尚未收录的 {y} 年节假日安排，仅按周末推算。{}\n",
            crate::calendar::how_to_add(y)
        ));
    }
    out
}
