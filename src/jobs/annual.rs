//! The annual summary from history, for the 年度考核 meeting (`sanyipi annual`): the annual
//! ranking, and the workbook and the HTML page in `<out>/年度汇总/<year>/`. It reads history
//! only, never an output folder.

use super::publish::publish;
use super::{Place, table};
use crate::engine::annual::{Inputs, missing_months, summarize};
use crate::progress::Progress;
use crate::report::{self, OutputFile, OutputKind};
use crate::rules::Rules;
use anyhow::{Context, bail};
use chrono::Datelike;
use std::path::{Path, PathBuf};

/// The year to sum up.
#[derive(Debug, Clone)]
pub struct AnnualRequest {
    pub year: i32,
    pub place: Place,
    pub rules: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    /// Today: once the year is over, its months up to December should all be recorded.
    pub today: chrono::NaiveDate,
}

/// The files written and what `sanyipi annual` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnnualDone {
    pub dir: PathBuf,
    pub files: Vec<String>,
    pub summary: String,
}

/// Sums up the year of `req` from history.
pub fn annual(req: &AnnualRequest, progress: &dyn Progress) -> super::Result<AnnualDone> {
    Ok(annual_inner(req, progress)?)
}

fn annual_inner(req: &AnnualRequest, progress: &dyn Progress) -> anyhow::Result<AnnualDone> {
    let rules = Rules::load(req.rules.as_deref())?;
    let annual = rules.annual.clone();
    let path = req.place.history_path();
    req.place.require_history()?;
    let history = req.place.read()?;
    let runs = history.runs()?;
    let prefix = format!("{}-", req.year);
    // Under the units' present names: a unit renamed in units.toml keeps its earlier months.
    let present = |name: &str| crate::engine::aliases::present_name(&rules.units, name);
    let units: Vec<_> = history
        .units(None)?
        .into_iter()
        .filter(|u| u.month.starts_with(&prefix))
        .map(|mut u| {
            u.unit = present(&u.unit);
            u
        })
        .collect();
    if units.is_empty() {
        bail!(
            "历史记录 {} 中没有 {} 年的考核结果",
            path.display(),
            req.year
        );
    }
    let projects = history.projects_of_year(req.year)?;
    let computed = runs
        .iter()
        .filter(|r| r.month.starts_with(&prefix) && r.source != "import")
        .map(|r| r.month.clone())
        .max();
    let findings = match &computed {
        Some(m) => history.findings(m)?,
        None => Vec::new(),
    };
    let plans = match &computed {
        Some(m) => history.plans(m)?,
        None => Default::default(),
    };
    let mut notices = history.notices_of_year(req.year)?;
    for n in &mut notices {
        n.recipient = present(&n.recipient);
    }
    let mut summary = summarize(
        &rules,
        &annual,
        &Inputs {
            year: req.year,
            runs: &runs,
            units: &units,
            notices: &notices,
            projects: &projects,
            findings: &findings,
            plans: &plans,
        },
    );
    let year_over = req.today.year() > req.year
        || runs
            .iter()
            .any(|r| r.month.as_str() > format!("{}-12", req.year).as_str());
    summary.missing = missing_months(&summary.months, req.year, year_over);
    if !summary.missing.is_empty() {
        progress.note(&format!(
            "注意：历史中没有 {} 的考核记录，{} 年度结果只计已记录的 {} 个月。如需计入，请先考核缺少的月份（run --month），再重新运行 annual。",
            summary.missing.join("、"),
            req.year,
            summary.months.len()
        ));
    }
    // Metadata date: the last day of the last month in the summary (no clock).
    let created = summary
        .months
        .last()
        .and_then(|m| crate::engine::Month::parse(&m.month))
        .map(|m| m.day(31))
        .unwrap_or_default();
    // The year's tasks as they stand at the end of its last month.
    if rules.notices.supervision.is_some() {
        let year = format!("{}-", req.year);
        summary.tasks = super::tasks::states(&req.place, &rules, created)?
            .into_iter()
            .filter(|t| t.task.month.starts_with(&year))
            .collect();
    }
    let files = vec![
        OutputFile::new(
            OutputKind::AnnualWorkbook,
            report::annual::workbook_name(&summary),
            report::annual::workbook(&summary, &rules, created).context("无法生成年度汇总表")?,
        ),
        OutputFile::new(
            OutputKind::AnnualPage,
            report::annual::html_name(&summary),
            report::annual::html(
                &summary,
                &rules,
                &report::html::environment(req.templates.as_deref())?,
            )?
            .into_bytes(),
        ),
    ];
    let out = &req.place.out;
    let dir = publish(out, &format!("年度汇总/{}", req.year), &files, progress)
        .with_context(|| format!("无法写入 {}", out.join("年度汇总").display()))?;
    Ok(AnnualDone {
        summary: summary_text(&summary, &dir, &files),
        dir,
        files: super::names(files),
    })
}

fn summary_text(s: &crate::engine::annual::Summary, dir: &Path, files: &[OutputFile]) -> String {
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
        let missing = if s.missing.is_empty() {
            String::new()
        } else {
            format!(
                "（缺少 {} 的记录，年度结果只计已记录的月份）",
                s.missing.join("、")
            )
        };
        format!("月份: {}{missing}", months.join("、"))
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
    out.push_str(&super::listing(dir, files));
    out
}
