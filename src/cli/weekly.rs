//! `sanyipi weekly --input DIR --week DATE [--as-of DATE] [--out DIR] [--history FILE]
//! [--rules DIR] [--templates DIR]`: the weekly cycle. Reads the month folder (ledger and
//! `周报/`), tracks problems across weeks in the history file, writes the week's workbook and
//! page to `<out>/<monday>周/`, then replaces the week's rows in history (one transaction).

use super::input::as_of_date;
use super::run::{OutArgs, publish};
use super::{OK, table};
use crate::engine::weekly::{WeekInput, WeekResult, evaluate, monday_of, week_label};
use crate::ingest::ingest;
use crate::report;
use crate::rules::Rules;
use crate::rules::weekly::Weekly;
use crate::weekly_history::WeeklyHistory;
use anyhow::Context;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 本月报送材料所在目录（含台账与 周报/，如 samples/2026-10）
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// 本周任意一天（如 2026-10-12）
    #[arg(long, value_name = "DATE")]
    week: String,
    /// 统计截止日期（默认今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let done = week(
        &rules,
        &args.input,
        &args.week,
        args.as_of.as_deref(),
        &args.out,
        args.templates.as_deref(),
    )?;
    print!("{}", done.summary);
    Ok(OK)
}

/// What one weekly run wrote and says.
pub(crate) struct WeekDone {
    /// What `weekly` prints.
    pub summary: String,
    /// The folder of the week below `--out` (`<monday>周`).
    pub label: String,
    /// The files written there, by name.
    pub files: Vec<String>,
}

/// `sanyipi weekly` without the printing (also what the local page calls): the week of `week`
/// (any day of it) from the month folder `input`, written to `<out>/<monday>周/`, recorded in
/// the history file.
pub(crate) fn week(
    rules: &Rules,
    input: &Path,
    week: &str,
    as_of: Option<&str>,
    out: &OutArgs,
    templates: Option<&Path>,
) -> anyhow::Result<WeekDone> {
    let weekly = rules.weekly.clone();
    let day = crate::ingest::value::parse_date_text(week)
        .ok_or_else(|| anyhow::anyhow!("--week “{week}”不是有效日期，请写成 2026-10-12"))?;
    let monday = monday_of(day);
    let as_of = as_of_date(as_of)?;
    let env = report::html::environment(templates)?;
    let data = ingest(input, rules).context("无法生成周报")?;
    let _lock = out.lock()?;
    let mut history = WeeklyHistory::open(&out.history_path())?;
    let earlier = history.before(monday)?;
    let result = evaluate(&WeekInput {
        rules: &weekly,
        calendar: &rules.calendar,
        data: &data,
        monday,
        as_of,
        earlier: &earlier,
    });
    let label = week_label(monday);
    let name = report::weekly::title(&result);
    let files = vec![
        (
            format!("{name}.xlsx"),
            report::weekly::workbook(&result, &weekly).context("无法生成周报工作簿")?,
        ),
        (
            format!("{name}.html"),
            report::weekly::html(&result, &weekly, &env)?.into_bytes(),
        ),
    ];
    let dir = publish(&out.out, &label, &files)
        .with_context(|| format!("无法写入 {}", out.out.display()))?;
    history.record(
        monday,
        &result.rows,
        as_of,
        &input.display().to_string(),
        &rules.source.fingerprint(),
    )?;
    Ok(WeekDone {
        summary: summary(&result, &weekly, &dir, &files),
        label,
        files: files.into_iter().map(|(n, _)| n).collect(),
    })
}

fn summary(
    r: &WeekResult,
    rules: &Weekly,
    dir: &std::path::Path,
    files: &[(String, Vec<u8>)],
) -> String {
    let mut out = format!(
        "{}（应报日期 {}）: 本周报送问题 {} 条，在办问题 {} 个，本周已解决 {} 个\n",
        report::weekly::title(r),
        r.due,
        r.rows.len(),
        r.problems.iter().filter(|p| !p.solved).count(),
        r.problems.iter().filter(|p| p.solved).count()
    );
    for y in &r.due_missing_years {
        out.push_str(&format!(
            "注意: {y} 年节假日安排尚未收录，应报日期为暂定。{}\n",
            crate::calendar::how_to_add(*y)
        ));
    }
    out.push_str(&format!("\n周例会议题 {} 个:\n", r.meeting.len()));
    let rows: Vec<Vec<String>> = r
        .meeting
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                (i + 1).to_string(),
                p.project_name.clone(),
                p.category.clone(),
                p.leader.clone(),
                p.weeks_open.to_string(),
                p.meeting_reasons.join("；"),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "序号",
            "项目名称",
            "类别",
            "分管县领导",
            "挂账周数",
            "列入原因",
        ],
        &rows,
    ));
    let flagged: Vec<String> = r
        .reports
        .iter()
        .filter(|u| u.flagged)
        .map(|u| format!("{}（{}）", u.unit, u.label))
        .collect();
    out.push_str(&format!(
        "\n{}: {}\n",
        rules.deadline_name,
        if flagged.is_empty() {
            "无逾期".to_string()
        } else {
            flagged.join("、")
        }
    ));
    out.push_str(&format!(
        "数据问题 {} 个（详见“问题数据”页）\n",
        r.diagnostics.len()
    ));
    out.push_str(&format!("\n输出目录: {}\n", dir.display()));
    for (name, _) in files {
        out.push_str(&format!("  {name}\n"));
    }
    out
}
