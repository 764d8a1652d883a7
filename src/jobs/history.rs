//! What history holds: seeding it with the rankings made before the tool (`sanyipi history
//! import`), listing it (`sanyipi history show`), and the recorded runs for the page.

use super::{Place, table};
use crate::calendar::Month;
use crate::engine::recorded::RunInfo;
use crate::engine::streak::{StreakRule, rankings_from_import};
use crate::ingest::ingest_file;
use crate::progress::Progress;
use crate::rules::{Rules, TableRole};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use std::path::PathBuf;

/// A file of earlier rankings (考核月份, 单位, 得分, 名次) to record.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub file: PathBuf,
    pub place: Place,
    pub rules: Option<PathBuf>,
    /// Record months already recorded again (the old record is kept as a revision).
    pub force: bool,
    /// Today: no month after this one can have a ranking yet.
    pub today: NaiveDate,
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ShowRequest {
    pub place: Place,
    /// Only this unit.
    pub unit: Option<String>,
    /// The rules, for the names of penalties.
    pub rules: Option<PathBuf>,
}

/// Records the rankings of `req.file`; returns what `history import` prints.
pub fn import(req: &ImportRequest, progress: &dyn Progress) -> super::Result<String> {
    Ok(import_inner(req, progress)?)
}

/// Every recorded month's ranking (latest revision of each), as `history show` prints it.
pub fn show(req: &ShowRequest) -> super::Result<String> {
    Ok(show_inner(req)?)
}

/// Every recorded run of the history of `place` (none when there is no history yet).
pub fn runs(place: &Place) -> super::Result<Vec<RunInfo>> {
    let h = place.read()?;
    Ok(h.runs().map_err(anyhow::Error::from)?)
}

fn import_inner(req: &ImportRequest, progress: &dyn Progress) -> anyhow::Result<String> {
    let rules = Rules::load(req.rules.as_deref())?;
    let (file, out, force) = (&req.file, &req.place, req.force);
    let data = ingest_file(file, rules.roles.table(TableRole::History), &rules)
        .context("无法导入历史排名")?;
    let errors: Vec<String> = data
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    let table = rules.roles.table(TableRole::History);
    let refused = data.refused.get(table).map(Vec::as_slice).unwrap_or(&[]);
    let checked =
        super::history_rows::check(data.table(TableRole::History), refused, &rules, req.today);
    if !errors.is_empty() || !checked.errors.is_empty() {
        bail!(
            "历史排名文件有错误，未导入（历史记录未改动）:\n{}",
            errors
                .iter()
                .chain(&checked.errors)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    for w in &checked.warnings {
        progress.note(w);
    }
    let rows: Vec<(Month, String, f64, u32)> = checked
        .rows
        .into_iter()
        .map(|r| (r.month, r.unit, r.score, r.rank))
        .collect();
    let _lock = out.lock(progress)?;
    let mut history = out.open()?;
    let first = rows.iter().map(|r| r.0).min();
    let earlier = match first {
        Some(m) => history.rankings_before(m)?,
        None => Default::default(),
    };
    let rule = StreakRule::of(&rules);
    let months = rankings_from_import(&rows, rules.scoring.score.bottom_n, rule.as_ref(), &earlier);
    for m in months.keys() {
        history.check_not_recorded(*m, force, true)?;
    }
    let n = history.import(&months, &rules.source.fingerprint())?;
    let names: Vec<String> = months.keys().map(|m| m.to_string()).collect();
    if let Some(last) = names.last()
        && let Some(note) = later_months_note(&history, last, "已重新导入")?
    {
        progress.note(&note);
    }
    Ok(format!(
        "已导入 {} 共 {} 条单位排名到 {}\n",
        names.join("、"),
        n,
        out.history_path().display()
    ))
}

fn show_inner(req: &ShowRequest) -> anyhow::Result<String> {
    let rules = Rules::load(req.rules.as_deref())?;
    let (out, unit) = (&req.place, req.unit.clone());
    let path = out.history_path();
    if !path.exists() {
        bail!(
            "尚无历史记录 {}：先运行 sanyipi run 或 sanyipi history import",
            path.display()
        );
    }
    let history = out.read()?;
    let runs = history.runs()?;
    // A unit as the clerk may write it (an alias, 北山镇人民政府), matched to the recorded name.
    let unit = match unit {
        Some(typed) => {
            let all = history.units(None)?;
            let names = all.iter().map(|u| u.unit.as_str());
            Some(super::known_unit(&rules, &typed, names, "历史记录中")?)
        }
        None => None,
    };
    let units = history.units(unit.as_deref())?;
    if units.is_empty() {
        return Ok(format!(
            "没有记录{}。\n",
            unit.map(|u| format!("（单位 {u}）")).unwrap_or_default()
        ));
    }
    let rows: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            let source = runs
                .iter()
                .find(|r| r.month == u.month && r.revision == u.revision)
                .map(|r| {
                    if r.source == "import" {
                        "导入".to_string()
                    } else {
                        format!("截止 {}", r.as_of)
                    }
                })
                .unwrap_or_default();
            vec![
                u.month.clone(),
                format!("第{}版 {source}", u.revision),
                u.unit.clone(),
                format!("{:.2}", u.score),
                u.rank.to_string(),
                if u.bottom {
                    "是".into()
                } else {
                    String::new()
                },
                if u.streak > 0 {
                    u.streak.to_string()
                } else {
                    String::new()
                },
                penalty_names(&rules, &u.penalties),
            ]
        })
        .collect();
    let mut text = table::render(
        &[
            "月份", "版本", "单位", "得分", "名次", "后位", "连续", "处理",
        ],
        &rows,
    );
    // The earlier versions of months run again, which the table (the latest) does not show.
    let kept: Vec<String> = runs
        .iter()
        .filter(|r| r.revision > 1)
        .map(|r| {
            let older: Vec<String> = (1..r.revision).map(|v| v.to_string()).collect();
            format!("{} 第{}版", r.month, older.join("、"))
        })
        .collect();
    if !kept.is_empty() {
        text.push_str(&format!(
            "\n上表为各月最新版本；重新运行前的旧版本保留在历史记录中: {}\n",
            kept.join("；")
        ));
    }
    Ok(text)
}

/// The rules' names of penalty ids (an id the rules no longer know is shown as it is).
fn penalty_names(rules: &Rules, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            rules
                .scoring
                .penalties
                .iter()
                .find(|p| &p.id == id)
                .map_or(id.as_str(), |p| p.name.as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// After `month` was recorded (`done`: 已重新考核, 已重新导入 …): the later months computed
/// without it as it now is (their streaks, reminders and task dates read it), as a note asking
/// for them to be run again.
pub(crate) fn later_months_note(
    history: &crate::history::History,
    month: &str,
    done: &str,
) -> anyhow::Result<Option<String>> {
    let mut later: Vec<String> = history
        .runs()?
        .into_iter()
        .filter(|r| r.month.as_str() > month && r.source != "import")
        .map(|r| r.month)
        .collect();
    later.dedup();
    Ok((!later.is_empty()).then(|| {
        format!(
            "注意：历史中已有之后月份 {} 的考核记录，它们的连续排名、提醒和整改期限以 {month} 为依据；{month} {done}，请按月份顺序用 --force 重新运行这些月份。",
            later.join("、")
        )
    }))
}
