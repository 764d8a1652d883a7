//! What history holds: seeding it with the rankings made before the tool (`sanyipi history
//! import`), listing it (`sanyipi history show`), and the recorded runs for the page.

use super::{Place, table};
use crate::calendar::Month;
use crate::engine::recorded::RunInfo;
use crate::engine::streak::{Rankings, StreakRule, UnitHistory, rankings_from_import};
use crate::ingest::ingest_file;
use crate::progress::Progress;
use crate::rules::{Rules, TableRole};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
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
    let in_file: BTreeSet<Month> = rows.iter().map(|r| r.0).collect();
    for m in &in_file {
        history.check_not_recorded(*m, force, true)?;
    }
    let again = in_file
        .iter()
        .map(|m| history.latest(&m.to_string()))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .any(Option::is_some);
    let first = in_file.first().copied();
    let earlier = match first {
        Some(m) => history.rankings_before(m)?,
        None => Default::default(),
    };
    // Imported months after the file's first month read it for their streaks: computed again
    // with it.
    let later = match first {
        Some(m) => later_imported(&history, m, &in_file)?,
        None => Default::default(),
    };
    let mut all_rows = rows;
    for (m, units) in &later {
        all_rows.extend(
            units
                .values()
                .map(|u| (*m, u.unit.clone(), u.score, u.rank)),
        );
    }
    let rule = StreakRule::of(&rules);
    let mut months = rankings_from_import(
        &all_rows,
        rules.scoring.score.bottom_n,
        rule.as_ref(),
        &earlier,
    );
    months
        .retain(|m, units| in_file.contains(m) || later.get(m).is_some_and(|l| changed(l, units)));
    let n = history.import(&months, &rules.source.fingerprint())?;
    let names: Vec<String> = in_file.iter().map(|m| m.to_string()).collect();
    let redone: Vec<String> = months
        .keys()
        .filter(|m| !in_file.contains(m))
        .map(|m| m.to_string())
        .collect();
    let done = match (redone.is_empty(), again) {
        (false, _) => format!("的后位与连续排名已随 {} 重新计算", names[0]),
        (true, true) => "已重新导入".to_string(),
        (true, false) => "已导入".to_string(),
    };
    let last = months.keys().next_back().map(|m| m.to_string());
    if let Some(last) = last
        && let Some(note) = later_months_note(&history, &last, &done)?
    {
        progress.note(&note);
    }
    let mut text = format!(
        "已导入 {} 共 {} 条单位排名到 {}\n",
        names.join("、"),
        in_file_count(&months, &in_file),
        out.history_path().display()
    );
    if !redone.is_empty() {
        text.push_str(&format!(
            "之后已导入的 {} 的后位、连续排名和处理依据 {} 重新计算，记为新版本（原记录保留在历史记录中），共 {} 条\n",
            redone.join("、"),
            names[0],
            n - in_file_count(&months, &in_file)
        ));
    }
    Ok(text)
}

/// How many unit rankings of `months` are of the file's months.
fn in_file_count(months: &Rankings, in_file: &BTreeSet<Month>) -> usize {
    months
        .iter()
        .filter(|(m, _)| in_file.contains(m))
        .map(|(_, u)| u.len())
        .sum()
}

/// The imported months after `first` that are not in the file, up to the first computed month
/// (whose own streaks are computed again only by running it): as recorded.
fn later_imported(
    history: &crate::history::History,
    first: Month,
    in_file: &BTreeSet<Month>,
) -> anyhow::Result<Rankings> {
    // The latest revision of each month, in month order.
    let mut latest: BTreeMap<String, RunInfo> = BTreeMap::new();
    for r in history.runs()? {
        latest.insert(r.month.clone(), r);
    }
    let mut chain = Vec::new();
    for (m, r) in &latest {
        let Some(m) = Month::parse(m).filter(|m| *m > first && !in_file.contains(m)) else {
            continue;
        };
        if r.source != "import" {
            break;
        }
        chain.push(m);
    }
    let Some(last) = chain.last() else {
        return Ok(Rankings::new());
    };
    let mut all = history.rankings_before(last.next())?;
    all.retain(|m, _| chain.contains(m));
    Ok(all)
}

/// Whether a month's bottom flags, streaks or penalties differ from those recorded.
fn changed(recorded: &BTreeMap<String, UnitHistory>, now: &BTreeMap<String, UnitHistory>) -> bool {
    now.iter().any(|(unit, u)| {
        recorded.get(unit).is_none_or(|r| {
            (r.bottom, r.streak, &r.penalties) != (u.bottom, u.streak, &u.penalties)
        })
    })
}

fn show_inner(req: &ShowRequest) -> anyhow::Result<String> {
    let rules = Rules::load(req.rules.as_deref())?;
    let (out, unit) = (&req.place, req.unit.clone());
    out.require_history()?;
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
    // A unit's months recorded under a name that is now its alias are the unit's.
    let present = |name: &str| crate::engine::aliases::present_name(&rules.units, name);
    let units: Vec<_> = match &unit {
        Some(u) => history
            .units(None)?
            .into_iter()
            .filter(|r| present(&r.unit) == present(u))
            .collect(),
        None => history.units(None)?,
    };
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
    let kept = older_revisions(&runs);
    if !kept.is_empty() {
        text.push_str(&format!(
            "\n上表为各月最新版本；重新运行前的旧版本保留在历史记录中: {}\n",
            kept.join("；")
        ));
    }
    Ok(text)
}

/// The months run more than once with their versions before the latest, one entry a month:
/// `2026-10 第1、2版`.
fn older_revisions(runs: &[RunInfo]) -> Vec<String> {
    let mut latest: BTreeMap<&str, i64> = BTreeMap::new();
    for r in runs {
        let v = latest.entry(r.month.as_str()).or_default();
        *v = (*v).max(r.revision);
    }
    latest
        .into_iter()
        .filter(|&(_, last)| last > 1)
        .map(|(month, last)| {
            let older: Vec<String> = (1..last).map(|v| v.to_string()).collect();
            format!("{month} 第{}版", older.join("、"))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(month: &str, revision: i64) -> RunInfo {
        RunInfo {
            month: month.into(),
            revision,
            as_of: format!("{month}-25"),
            source: "run".into(),
        }
    }

    #[test]
    fn older_revisions_are_listed_once_a_month() {
        let cases: [(&[RunInfo], &[&str]); 4] = [
            (&[run("2026-10", 1)], &[]),
            (
                &[run("2026-10", 1), run("2026-10", 2), run("2026-10", 3)],
                &["2026-10 第1、2版"],
            ),
            (
                &[run("2026-09", 1), run("2026-09", 2), run("2026-10", 1)],
                &["2026-09 第1版"],
            ),
            (
                &[run("2026-10", 2), run("2026-09", 2), run("2026-10", 1)],
                &["2026-09 第1版", "2026-10 第1版"],
            ),
        ];
        for (runs, expected) in cases {
            assert_eq!(older_revisions(runs), expected, "{runs:?}");
        }
    }
}
