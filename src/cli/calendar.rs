//! `sanyipi calendar --month YYYY-MM [--input DIR] [--out DIR] [--rules DIR] [--templates DIR]`:
//! the dates the notice sets in a month, moved to working days, as a printable page and an
//! `.ics` file in `<out>/<month>日程/`. With `--input` (the month folder), also lists procedures
//! of projects new in the month's ledger that were assigned after the assignment meeting.

use super::run::publish;
use super::{OK, table};
use crate::engine::Month;
use crate::engine::office_calendar::{LateAssignment, late_assignments, month_dates, new_projects};
use crate::ingest::ingest;
use crate::report;
use crate::rules::Rules;
use crate::rules::office_calendar::OfficeCalendar;
use anyhow::Context;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 月份 YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 本月报送材料目录（可选；给出时检查任务交办会后交办的新增项目手续，上月目录取同级 YYYY-MM）
    #[arg(long, value_name = "DIR")]
    input: Option<PathBuf>,
    /// 输出目录（默认 ./out）
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let office = rules.office_calendar.clone();
    let month = Month::parse(&args.month)
        .ok_or_else(|| anyhow::anyhow!("--month “{}”格式不对，请写成 2026-10", args.month))?;
    let env = report::html::environment(args.templates.as_deref())?;
    let dates = month_dates(&rules.calendar, &office, month);
    let late = match &args.input {
        Some(input) => Some(check_assignments(input, &rules, &office, &dates, month)?),
        None => None,
    };
    let title = report::office_calendar::title(month, &office);
    let files = vec![
        (
            format!("{title}.html"),
            report::office_calendar::html(&dates, month, &office, late.as_deref(), &env)?
                .into_bytes(),
        ),
        (
            format!("{title}.ics"),
            report::office_calendar::ics(&dates, month, &office).into_bytes(),
        ),
    ];
    let dir = publish(&args.out, &format!("{month}日程"), &files)
        .with_context(|| format!("无法写入 {}", args.out.display()))?;
    let rows: Vec<Vec<String>> = dates
        .iter()
        .map(|d| {
            vec![
                d.date.to_string(),
                crate::calendar::weekday_zh(d.date).to_string(),
                d.name.clone(),
                if d.moved {
                    format!(
                        "原定 {}（{}）",
                        d.nominal,
                        d.moved_because.clone().unwrap_or_default()
                    )
                } else {
                    String::new()
                },
                if d.missing_years.is_empty() {
                    String::new()
                } else {
                    office.labels.provisional.clone()
                },
            ]
        })
        .collect();
    println!("{title}\n");
    print!(
        "{}",
        table::render(&["日期", "星期", "事项", "顺延", "暂定"], &rows)
    );
    if let Some(late) = &late {
        println!("\n任务交办会后交办的新增项目手续: {} 项", late.len());
        for l in late {
            println!(
                "  {} {} {}（交办日期 {}，交办会 {}）{}",
                l.project, l.project_name, l.procedure, l.assigned, l.meeting, l.source
            );
        }
    }
    println!("\n输出目录: {}", dir.display());
    for (name, _) in &files {
        println!("  {name}");
    }
    Ok(OK)
}

/// Reads the month folder and its sibling previous-month folder.
fn check_assignments(
    input: &Path,
    rules: &Rules,
    office: &OfficeCalendar,
    dates: &[crate::engine::office_calendar::OfficeDate],
    month: Month,
) -> anyhow::Result<Vec<LateAssignment>> {
    let data = ingest(input, rules).context("无法读取本月材料")?;
    let prev_dir = input
        .parent()
        .map(|p| p.join(month.previous().to_string()))
        .filter(|p| p.is_dir())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "未找到上月目录 {}（与 {} 同级），无法判断本月新增项目",
                month.previous(),
                input.display()
            )
        })?;
    let previous = ingest(&prev_dir, rules).context("无法读取上月材料")?;
    let new = new_projects(&data, &previous);
    let meeting_ids: Vec<&str> = office
        .events
        .iter()
        .filter(|e| e.check_new_projects)
        .map(|e| e.id.as_str())
        .collect();
    let Some(meeting) = dates
        .iter()
        .find(|d| meeting_ids.contains(&d.event.as_str()))
        .map(|d| d.date)
    else {
        return Ok(Vec::new());
    };
    Ok(late_assignments(&data, &new, meeting))
}
