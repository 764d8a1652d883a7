//! `sanyipi deadlines --input DIR [--month YYYY-MM] [--as-of DATE] [--rules DIR] [--open]`:
//! the deadline table of a month — per project, procedure and submission.

use super::{OK, table};
use crate::engine::{DeadlineRow, Month, Status, evaluate_deadlines};
use crate::ingest::ingest;
use crate::rules::Rules;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 本月报送材料所在目录（如 samples/2026-10）
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// 考核月份 YYYY-MM（默认取目录名，否则取 --as-of 所在月）
    #[arg(long, value_name = "YYYY-MM")]
    month: Option<String>,
    /// 统计截止日期（默认今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 只列出逾期、逾期完成和即将到期的
    #[arg(long)]
    open: bool,
}

/// `--as-of`, or today when not given (the only place the clock is read).
pub fn as_of_date(arg: Option<&str>) -> anyhow::Result<NaiveDate> {
    match arg {
        Some(s) => crate::ingest::value::parse_date_text(s)
            .ok_or_else(|| anyhow::anyhow!("--as-of “{s}”不是有效日期，请写成 2026-10-25")),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

/// `--month`, else the input folder's name, else the as-of month.
pub fn month_of(arg: Option<&str>, input: &Path, as_of: NaiveDate) -> anyhow::Result<Month> {
    if let Some(s) = arg {
        return Month::parse(s)
            .ok_or_else(|| anyhow::anyhow!("--month “{s}”格式不对，请写成 2026-10"));
    }
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok(Month::parse(&name).unwrap_or_else(|| Month::of(as_of)))
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let as_of = as_of_date(args.as_of.as_deref())?;
    let month = month_of(args.month.as_deref(), &args.input, as_of)?;
    let data = ingest(&args.input, &rules).context("无法计算期限")?;
    let (rows, problems) = evaluate_deadlines(&rules, &data, month, as_of, &Default::default());
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
            args.input.display()
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
