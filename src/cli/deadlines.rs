//! `sanyipi deadlines --input DIR [--month YYYY-MM] [--as-of DATE] [--rules DIR] [--open]`:
//! the deadline table of a month — per project, procedure and submission.

use super::{OK, table};
use crate::engine::{DeadlineRow, Month, Status, evaluate_deadlines};
use crate::ingest::ingest_month;
use crate::rules::Rules;
use anyhow::Context;
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    month_args: super::input::MonthArgs,
    /// 统计截止日期（默认：考核月的考核日，见 scoring.toml 的 as_of_day；未到则取今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 只列出逾期、逾期完成和即将到期的
    #[arg(long)]
    open: bool,
    /// 历史记录所在（未报送月报的项目沿用此前报送的开工日期）
    #[command(flatten)]
    out: super::run::OutArgs,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let a = &args.month_args;
    let rules = Rules::load(a.rules.as_deref())?;
    let (month, as_of) = a.month_and_as_of(args.as_of.as_deref(), &rules)?;
    let data = ingest_month(&a.input, &rules, Some(month)).context("无法计算期限")?;
    // Projects missing from this month's reports keep the start dates reported before.
    let history_file = args.out.history_path();
    let carried = if history_file.exists() {
        let snapshot = args.out.open()?.snapshot(month)?;
        crate::engine::assess::carried_values(&data, &snapshot)
    } else {
        Default::default()
    };
    let (rows, problems) = evaluate_deadlines(&rules, &data, month, as_of, &carried);
    print!("{}", render(&rules, &rows, month, as_of, args.open));
    for p in &problems {
        eprintln!(
            "规则错误: {} 的期限 {} 在 {} 上无法计算条件: {}",
            p.rule_file, p.rule, p.subject, p.message
        );
    }
    if data.error_count() > 0 {
        println!(
            "\n另有 {} 个数据错误，详见 sanyipi check --input {}",
            data.error_count(),
            a.input.display()
        );
    }
    Ok(OK)
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
pub fn render(
    rules: &Rules,
    rows: &[DeadlineRow],
    month: Month,
    as_of: NaiveDate,
    open_only: bool,
) -> String {
    let mut out = format!(
        "{}月期限情况（统计截止 {}）\n",
        month,
        as_of.format("%Y-%m-%d")
    );
    let mut missing: Vec<i32> = Vec::new();
    for rule in &rules.deadlines.rules {
        let mut shown: Vec<&DeadlineRow> = rows
            .iter()
            .filter(|r| r.rule == rule.id)
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
        out.push_str(&format!("\n【{}】\n", rule.name));
        let table_rows: Vec<Vec<String>> = shown
            .iter()
            .map(|r| {
                for y in &r.missing_years {
                    if !missing.contains(y) {
                        missing.push(*y);
                    }
                }
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
        out.push_str(&table::render(
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
        ));
    }
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let labels = &rules.deadlines.status;
    out.push_str(&format!(
        "\n合计: {} {}，{} {}，{} {}，{} {}，{} {}，{} {}\n",
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
    missing.sort();
    for y in missing {
        out.push_str(&format!(
            "注意: 标“暂定”的期限涉及尚未收录的 {y} 年节假日安排，仅按周末推算。{}\n",
            crate::calendar::how_to_add(y)
        ));
    }
    out
}
