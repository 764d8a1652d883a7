//! `sanyipi annual --year 2026 [--out DIR] [--history FILE] [--rules DIR] [--templates DIR]`:
//! the annual summary from history, for the 年度考核 meeting. Prints the annual ranking and
//! writes the workbook and the HTML page to `<out>/年度汇总/<year>/`.

use super::run::{OutArgs, publish};
use super::{OK, table};
use crate::engine::annual::{Inputs, ProjectPlan, summarize};
use crate::report;
use crate::rules::Rules;
use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 年度，如 2026
    #[arg(long, value_name = "YYYY")]
    year: i32,
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
    let annual = rules.annual.clone();
    let path = args.out.history_path();
    if !path.exists() {
        bail!(
            "尚无历史记录 {}：先运行 sanyipi run 或 sanyipi history import",
            path.display()
        );
    }
    let history = args.out.open()?;
    let runs = history.runs()?;
    let prefix = format!("{}-", args.year);
    let units: Vec<_> = history
        .units(None)?
        .into_iter()
        .filter(|u| u.month.starts_with(&prefix))
        .collect();
    if units.is_empty() {
        bail!(
            "历史记录 {} 中没有 {} 年的考核结果",
            path.display(),
            args.year
        );
    }
    let projects = history.projects_of_year(args.year)?;
    let computed = runs
        .iter()
        .filter(|r| r.month.starts_with(&prefix) && r.source != "import")
        .map(|r| r.month.clone())
        .max();
    let findings = match &computed {
        Some(m) => history.findings(m)?,
        None => Vec::new(),
    };
    let plans = computed
        .as_deref()
        .map(|m| plans_from_run_json(&args.out.out.join(m).join("run.json")))
        .unwrap_or_default();
    let notices = history.notices_of_year(args.year)?;
    let summary = summarize(
        &rules,
        &annual,
        &Inputs {
            year: args.year,
            runs: &runs,
            units: &units,
            notices: &notices,
            projects: &projects,
            findings: &findings,
            plans: &plans,
        },
    );
    // Metadata date: the last day of the last month in the summary (no clock).
    let created = summary
        .months
        .last()
        .and_then(|m| crate::engine::Month::parse(&m.month))
        .map(|m| m.day(31))
        .unwrap_or_default();
    let files = vec![
        (
            report::annual::workbook_name(&summary),
            report::annual::workbook(&summary, &rules, created).context("无法生成年度汇总表")?,
        ),
        (
            report::annual::html_name(&summary),
            report::annual::html(&summary, &rules, args.templates.as_deref())?.into_bytes(),
        ),
    ];
    let base = args.out.out.join("年度汇总");
    let dir = publish(&base, &args.year.to_string(), &files)
        .with_context(|| format!("无法写入 {}", base.display()))?;
    print!("{}", summary_text(&summary, &dir, &files));
    Ok(OK)
}

/// Project names, annual plans and planned completion dates from a month's `run.json` (the
/// history keeps results, not the ledger). Missing or unreadable: none.
fn plans_from_run_json(path: &Path) -> BTreeMap<String, ProjectPlan> {
    let Some(json) = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for p in json["projects"].as_array().into_iter().flatten() {
        let Some(id) = p["id"].as_str() else {
            continue;
        };
        let planned = p["inputs"].as_array().and_then(|inputs| {
            inputs
                .iter()
                .find(|i| i["name"] == crate::rules::FieldRole::PlannedCompletion.key())
                .and_then(|i| i["value"].as_str())
                .filter(|v| !v.is_empty() && *v != "—")
                .map(str::to_string)
        });
        out.insert(
            id.to_string(),
            ProjectPlan {
                name: p["name"].as_str().unwrap_or_default().to_string(),
                annual_plan: p["annual_plan"].as_f64(),
                planned_completion: planned,
            },
        );
    }
    out
}

fn summary_text(
    s: &crate::engine::annual::Summary,
    dir: &Path,
    files: &[(String, Vec<u8>)],
) -> String {
    let mut out = format!("{}\n{}\n\n", report::annual::title(s), {
        let months: Vec<String> = s
            .months
            .iter()
            .map(|m| {
                if m.imported {
                    format!("{}（导入）", m.month)
                } else {
                    m.month.clone()
                }
            })
            .collect();
        format!("月份: {}", months.join("、"))
    });
    let n = s.bottom_n;
    let rows: Vec<Vec<String>> = s
        .units
        .iter()
        .map(|u| {
            vec![
                u.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
                u.unit.clone(),
                u.score
                    .map(|x| format!("{x:.2}"))
                    .unwrap_or_else(|| "—".into()),
                u.counted.to_string(),
                u.bottom_count.to_string(),
                u.longest_streak.to_string(),
                u.penalties
                    .iter()
                    .map(|p| format!("{}({})", p.name, p.month))
                    .collect::<Vec<_>>()
                    .join("、"),
                u.notices.len().to_string(),
            ]
        })
        .collect();
    let bottom = format!("后{n}位次数");
    let streak = format!("最长连续后{n}位");
    out.push_str(&table::render(
        &[
            "年度名次",
            "单位",
            &s.aggregate_label,
            "计入月数",
            &bottom,
            &streak,
            "处理",
            "督查通知",
        ],
        &rows,
    ));
    out.push_str(&format!("\n输出目录: {}\n", dir.display()));
    for (name, _) in files {
        out.push_str(&format!("  {name}\n"));
    }
    out
}
