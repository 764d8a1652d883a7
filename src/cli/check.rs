//! `sanyipi check --input DIR [--month YYYY-MM] [--rules DIR]`: read everything, print a
//! summary and every diagnostic, write nothing.

use super::{INPUT_ERRORS, OK, table};
use crate::ingest::Dataset;
use crate::rules::Rules;
use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    month_args: super::input::MonthArgs,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let a = &args.month_args;
    let rules = Rules::load(a.rules.as_deref())?;
    let month = a.month.as_deref().and_then(crate::engine::Month::parse);
    let bar = super::progress::Bar::new();
    let data = load_with(&a.input, &rules, month, &bar);
    bar.finish();
    let data = data?;
    print!("{}", report(&data, &rules, a.month.as_deref()));
    Ok(if data.error_count() > 0 {
        INPUT_ERRORS
    } else {
        OK
    })
}

/// Reads the folder `input` as `check` does (the month's sheets only when `month` is given).
pub(crate) fn load(
    input: &std::path::Path,
    rules: &Rules,
    month: Option<crate::engine::Month>,
) -> anyhow::Result<Dataset> {
    load_with(input, rules, month, &())
}

fn load_with(
    input: &std::path::Path,
    rules: &Rules,
    month: Option<crate::engine::Month>,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<Dataset> {
    match month {
        Some(m) => crate::ingest::ingest_month_with(input, rules, Some(m), progress),
        None => crate::ingest::ingest_with(input, rules, progress),
    }
    .context("无法检查")
}

/// The whole text `check` prints.
pub fn report(data: &Dataset, rules: &Rules, month: Option<&str>) -> String {
    let mut out = format!(
        "检查目录: {}（规则: {}）\n",
        data.input, rules.source.origin
    );
    if let Some(m) = month {
        out.push_str(&format!("考核月份: {m}\n"));
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = data
        .files
        .iter()
        .map(|f| {
            let title = f
                .table
                .as_deref()
                .and_then(|t| rules.table(t))
                .map(|t| t.title.clone())
                .unwrap_or_default();
            let (read, used, rejected, blank, total, note) = if f.unreadable && f.rows.read == 0 {
                (
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                )
            } else {
                (
                    f.rows.read.to_string(),
                    f.used.to_string(),
                    f.rejected.to_string(),
                    f.rows.blank.to_string(),
                    f.rows.total.to_string(),
                    f.rows.note.to_string(),
                )
            };
            vec![
                f.file.clone(),
                title,
                f.reporting_unit.clone().unwrap_or_else(|| "—".into()),
                f.submitted_on
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "—".into()),
                read,
                used,
                rejected,
                blank,
                total,
                note,
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "文件",
            "表格",
            "填报单位",
            "填报日期",
            "读取行",
            "采用",
            "未采用",
            "空行",
            "合计行",
            "备注行",
        ],
        &rows,
    ));
    out.push_str(&remarks(data));
    let used: usize = data.files.iter().map(|f| f.used).sum();
    out.push_str(&format!(
        "\n共 {} 个文件，采用数据 {} 行。\n",
        data.files.len(),
        used
    ));
    let (errors, warnings) = (data.error_count(), data.warning_count());
    if data.diagnostics.is_empty() {
        out.push_str("\n未发现问题。\n");
        return out;
    }
    out.push_str(&format!(
        "\n问题（错误 {errors} 个，警告 {warnings} 个）:\n"
    ));
    let mut diags: Vec<_> = data.diagnostics.iter().collect();
    diags.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.location.file.cmp(&b.location.file))
    });
    for d in diags {
        out.push_str(&format!("{d}\n"));
    }
    out.push_str(&if errors > 0 {
        format!("\n结论: 有 {errors} 个错误，请更正后重新检查。\n")
    } else {
        format!("\n结论: 无错误，有 {warnings} 个警告请核实。\n")
    });
    out
}

/// Lines on what the counts alone do not say (hidden rows, 小计 rows, other months' sheets).
fn remarks(data: &Dataset) -> String {
    let mut out = String::new();
    for f in &data.files {
        for r in f.remarks() {
            out.push_str(&format!("  {}: {r}\n", f.file));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("\n说明:\n{out}")
}
