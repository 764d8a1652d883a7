//! 三个一批 figures: per unit and for the county, the projects signed (the ledger's signing dates
//! and the signed list), started (actual start) and completed (completion date) in the month and
//! in the year to the as-of date, their investment (总投资) in 亿元, and the step from one stage to
//! the next: of the year's signed projects, how many have started; of the year's started ones,
//! how many are completed.
//!
//! The month's figure is what the year's figure gains this month: with the latest earlier month
//! of the year in history, a project counts in the month when the year's figure first counts it,
//! even if dated in an earlier month (a signing of the 28th, reported on the list of the 1st,
//! after that month's assessment): the months' figures add up to the year's, and the month's
//! `late` says how many of them are dated earlier. Without such a month (the first of the year,
//! or a history that did not keep it) the month's figure is what is dated in the month. A
//! project that month counted and this month does not (`dropped.rs`) is a warning (W076), and
//! the month's `dropped` says how many, so that the sum still shows. One counted under a unit
//! that another unit counts now (`moved.rs`, W078) is taken off the one (its `moved_out`) and
//! added to the other's year (its `moved_in`): each unit's earlier year figure plus its month's
//! `count` less `dropped` and `moved_out` plus `moved_in` is its year's.
//!
//! A signing only the signed list had is counted, in the later months of the year, from what
//! history kept of it (unit, date, 总投资; history format 8). One a run of format 7 counted, which
//! kept none of them, stays counted in the county's year (under `no_unit`), not again in a month
//! and not as dropped; its unit's months and the county's 总投资 then cannot add up, which
//! `undated.rs` says (W079).

mod dropped;
mod moved;
mod undated;

use super::Month;
use super::overview::{StageFigures, StageKey, UnitStages};
use super::ranking::first_seen;
use super::results::ProjectScore;
use crate::diagnostic::Location;
use crate::ingest::Dataset;
use crate::ingest::value::parse_date_text;
use crate::rules::{FieldRole, Rules, TableRole};
use crate::text::key;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// 万元 in one 亿元.
const WAN_PER_YI: f64 = 10_000.0;

fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 10.0)
}

/// One project's dates on its way through the stages.
struct Entry {
    unit: String,
    /// The ledger id; none for a signed project only the signed list has.
    project: Option<String>,
    /// The key of its name.
    name: String,
    /// Its name as written.
    label: String,
    signed: Option<NaiveDate>,
    started: Option<NaiveDate>,
    completed: Option<NaiveDate>,
    /// 亿元.
    invest: f64,
    /// Counted as signed from a record of history format 7, which kept no date (nor, for a
    /// signing only the signed list had, its unit or 总投资): `signed` is the year's first day,
    /// standing in, and history goes on keeping no date (nor 总投资, for a list-only one).
    undated: bool,
    /// Where each stage's date is read in this month's files: the ledger's or the signed list's
    /// cell for the signing, the cell of the project's row of the month's report for its start
    /// and completion (the row, `第N行`, when that file has no such column).
    at: [Option<Location>; 3],
    /// Where its unit is read: the ledger's 责任单位 cell, the signed list's.
    unit_at: Option<Location>,
}

impl Entry {
    /// The date of stage `i` (of `STAGES`).
    fn date(&self, i: usize) -> Option<NaiveDate> {
        [self.signed, self.started, self.completed][i]
    }
}

/// The stages by their ids, as history keeps them.
const STAGES: [&str; 3] = ["signed", "started", "completed"];

/// What history knows of the earlier months: the signings recorded (normalised name → month,
/// date) and what the year's figures counted in the latest earlier month of the year.
pub(crate) struct Before<'a> {
    pub(crate) signed: &'a BTreeMap<String, (String, String)>,
    pub(crate) counted: Option<&'a [StageKey]>,
}

/// Whether `k` is entry `e`'s: by the ledger id when both have one, else by name.
fn same(k: &StageKey, e: &Entry) -> bool {
    match (&k.project, &e.project) {
        (Some(a), Some(b)) => a == b,
        _ => k.name == e.name,
    }
}

/// The figures of `month` as of `as_of`, from the projects as scored and the signed list, and
/// what history knows of the earlier months.
pub(crate) fn stage_figures(
    rules: &Rules,
    data: &Dataset,
    projects: &[ProjectScore],
    (month, as_of): (Month, NaiveDate),
    history: &Before,
) -> StageFigures {
    let before = history.counted;
    let month_from = month.day(1);
    let month_to = month.day(31).min(as_of);
    let year_from = Month {
        year: month.year,
        month: 1,
    }
    .day(1);
    let entries = entries(rules, data, projects, history, year_from);
    let in_month = |d: Option<NaiveDate>| d.is_some_and(|d| d >= month_from && d <= month_to);
    let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d >= year_from && d <= as_of);
    let by_now = |d: Option<NaiveDate>| d.is_some_and(|d| d <= as_of);
    let counted_before = |stage: &str, e: &Entry| {
        before.is_some_and(|b| b.iter().any(|k| k.stage == stage && same(k, e)))
    };
    let gone = dropped::dropped(before.unwrap_or(&[]), &entries, &in_year);
    let moves = moved::moved(before.unwrap_or(&[]), &entries, &in_year);
    // In the month: what the year's figure gains since the earlier month, else what is dated in
    // the month.
    let this_month = |stage: &str, e: &Entry, d: Option<NaiveDate>| match before {
        Some(_) => in_year(d) && !counted_before(stage, e),
        None => in_month(d),
    };
    // A unit's: what it counted and no longer counts (W076), what it counted and another unit
    // counts now (W078), and what it counts now that another unit counted (W078); the
    // county's: none moved.
    let figures = |unit: &str, entries: &[&Entry], gone: &[&dropped::Gone]| {
        let mut u = UnitStages {
            unit: unit.to_string(),
            ..UnitStages::default()
        };
        let position = |stage: &str| STAGES.iter().position(|s| *s == stage);
        for g in gone {
            let periods = [&mut u.signed, &mut u.started, &mut u.completed];
            if let Some(i) = position(&g.key.stage) {
                periods[i].month.dropped += 1;
            }
        }
        for m in moves.iter().filter(|_| !unit.is_empty()) {
            let periods = [&mut u.signed, &mut u.started, &mut u.completed];
            if let Some(i) = position(&m.key.stage) {
                if m.from == unit {
                    periods[i].month.moved_out += 1;
                }
                if m.to == unit {
                    periods[i].month.moved_in += 1;
                }
            }
        }
        for e in entries {
            for (stage, periods, date) in [
                (STAGES[0], &mut u.signed, e.signed),
                (STAGES[1], &mut u.started, e.started),
                (STAGES[2], &mut u.completed, e.completed),
            ] {
                if this_month(stage, e, date) {
                    periods.month.count += 1;
                    periods.month.invest += e.invest;
                    if date.is_some_and(|d| d < month_from) {
                        periods.month.late += 1;
                    }
                }
                if in_year(date) {
                    periods.year.count += 1;
                    periods.year.invest += e.invest;
                }
            }
            if e.undated && e.project.is_none() && in_year(e.signed) {
                u.signed.month.undated += 1;
            }
            if in_year(e.signed) && by_now(e.started) {
                u.signed_then_started += 1;
            }
            if in_year(e.started) && by_now(e.completed) {
                u.started_then_completed += 1;
            }
        }
        for p in [&mut u.signed, &mut u.started, &mut u.completed] {
            p.month.invest = round4(p.month.invest);
            p.year.invest = round4(p.year.invest);
        }
        u.signed_to_started = percent(u.signed_then_started, u.signed.year.count);
        u.started_to_completed = percent(u.started_then_completed, u.started.year.count);
        u
    };
    // Since when the year counts a project: the month that first counted it, else this one.
    let since = |stage: &str, e: &Entry| {
        before
            .and_then(|b| b.iter().find(|k| k.stage == stage && same(k, e)))
            .map(|k| k.since.clone())
            .unwrap_or_else(|| month.to_string())
    };
    let counted = entries
        .iter()
        .flat_map(|e| {
            [e.signed, e.started, e.completed]
                .into_iter()
                .zip(STAGES)
                .filter(|(d, _)| in_year(*d))
                .map(|(d, stage)| {
                    // A format-7 record's signing keeps no date, nor 总投资 for a list-only one;
                    // the unit is the one it is counted under (`no_unit`), which a later month
                    // takes it off if it drops.
                    let undated = e.undated && stage == STAGES[0];
                    StageKey {
                        stage: stage.to_string(),
                        project: e.project.clone(),
                        name: e.name.clone(),
                        unit: Some(e.unit.clone()),
                        date: d.filter(|_| !undated),
                        invest: (!(undated && e.project.is_none())).then_some(e.invest),
                        since: since(stage, e),
                    }
                })
        })
        .collect();
    let mut by_unit: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in &entries {
        by_unit.entry(e.unit.as_str()).or_default().push(e);
    }
    let mut gone_by_unit: BTreeMap<&str, Vec<&dropped::Gone>> = BTreeMap::new();
    for g in &gone {
        if let Some(u) = g.unit.as_deref() {
            gone_by_unit.entry(u).or_default().push(g);
        }
    }
    let units = first_seen(
        entries
            .iter()
            .map(|e| e.unit.as_str())
            .chain(gone.iter().filter_map(|g| g.unit.as_deref()))
            .chain(moves.iter().map(|m| m.from.as_str())),
    );
    let all: Vec<&Entry> = entries.iter().collect();
    let all_gone: Vec<&dropped::Gone> = gone.iter().collect();
    let labels = &rules.lights.stages;
    let labels = [
        labels.signed.as_str(),
        labels.started.as_str(),
        labels.completed.as_str(),
    ];
    let diagnostics = gone
        .iter()
        .map(|g| dropped::warning(g, labels, (year_from, as_of)))
        .chain(moves.iter().map(|m| moved::warning(m, labels)))
        .chain(undated::warnings(
            before.unwrap_or(&[]),
            &entries,
            labels[0],
            &rules.lights.stages.no_unit,
        ))
        .collect();
    StageFigures {
        month_from: Some(month_from),
        year_from: Some(year_from),
        to: Some(as_of),
        units: units
            .iter()
            .map(|u| {
                figures(
                    u,
                    by_unit.get(u.as_str()).map_or(&[][..], Vec::as_slice),
                    gone_by_unit.get(u.as_str()).map_or(&[][..], Vec::as_slice),
                )
            })
            .collect(),
        total: figures("", &all, &all_gone),
        counted,
        diagnostics,
    }
}

/// Sums of 亿元 to four decimals (one 万元), so that sums do not show float noise.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The ledger's projects (signed on the list's date when the ledger gives none, else on the date
/// history recorded), then the signed list's projects the ledger does not have (by normalised
/// name).
fn entries(
    rules: &Rules,
    data: &Dataset,
    projects: &[ProjectScore],
    history: &Before,
    year_from: NaiveDate,
) -> Vec<Entry> {
    let cfg = &rules.lights.stages;
    let ledger: BTreeMap<&str, &crate::ingest::Record> = data
        .table(TableRole::Ledger)
        .iter()
        .rev()
        .filter_map(|l| l.project.as_deref().map(|id| (id, l)))
        .collect();
    let sign_field = data.field(FieldRole::SignDate);
    let unit_field = data.field(FieldRole::ResponsibleUnit);
    // A ledger project without its 签约日期 takes the signed list's (the first row of its name).
    let mut listed: HashMap<String, (NaiveDate, Location)> = HashMap::new();
    for r in data.records(&cfg.signed_table) {
        if let (Some(name), Some(d)) = (r.text(&cfg.signed_name), r.date(&cfg.signed_date)) {
            listed
                .entry(key(name))
                .or_insert((d, r.field_location(&cfg.signed_date)));
        }
    }
    // Where a project's start and completion were read: its row of this month's report.
    let monthly: HashMap<&str, &crate::ingest::Record> = data
        .table(TableRole::Monthly)
        .iter()
        .filter_map(|r| r.project.as_deref().map(|id| (id, r)))
        .collect();
    let cell =
        |id: &str, role: FieldRole| monthly.get(id).map(|r| r.field_location(data.field(role)));
    let recorded = |stage: &str, e: &Entry| {
        history
            .counted
            .and_then(|b| b.iter().find(|k| k.stage == stage && same(k, e)))
    };
    let mut names: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for p in projects {
        names.insert(key(&p.name));
        let l = ledger.get(p.id.as_str());
        let from_ledger = l.and_then(|l| l.date(sign_field));
        let from_list = listed.get(&key(&p.name));
        let mut e = Entry {
            unit: p.unit.clone(),
            project: Some(p.id.clone()),
            name: key(&p.name),
            label: p.name.clone(),
            signed: from_ledger
                .or_else(|| from_list.map(|(d, _)| *d))
                .or_else(|| {
                    history
                        .signed
                        .get(&key(&p.name))
                        .and_then(|(_, d)| parse_date_text(d))
                }),
            started: p.figures.actual_start.as_deref().and_then(parse_date_text),
            completed: p
                .figures
                .completed_date
                .as_deref()
                .and_then(parse_date_text),
            invest: l.and_then(|l| l.number(&cfg.ledger_invest)).unwrap_or(0.0) / WAN_PER_YI,
            undated: false,
            at: [
                match (from_ledger, l) {
                    (Some(_), Some(l)) => Some(l.field_location(sign_field)),
                    _ => from_list.map(|(_, at)| at.clone()),
                },
                cell(&p.id, FieldRole::ActualStart),
                cell(&p.id, FieldRole::CompletedDate),
            ],
            unit_at: l.map(|l| l.field_location(unit_field)),
        };
        // Signed on an earlier month's list: the year's figure counted it, on the date history
        // kept; a run of history format 7 kept none, and it stays counted in the year from the
        // year's first day, and not again in the month.
        if e.signed.is_none()
            && let Some(k) = recorded(STAGES[0], &e)
        {
            e.signed = Some(k.date.unwrap_or(year_from));
            e.undated = k.date.is_none();
        }
        out.push(e);
    }
    for r in data.records(&cfg.signed_table) {
        let Some(name) = r.text(&cfg.signed_name) else {
            continue;
        };
        if !names.insert(key(name)) {
            continue;
        }
        let unit = r
            .text(&cfg.signed_unit)
            .map(|u| {
                rules
                    .units
                    .by_key
                    .get(&key(u))
                    .cloned()
                    .unwrap_or_else(|| crate::text::normalize(u))
            })
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| cfg.no_unit.clone());
        out.push(Entry {
            unit,
            project: None,
            name: key(name),
            label: name.to_string(),
            signed: r.date(&cfg.signed_date),
            started: None,
            completed: None,
            invest: r.number(&cfg.signed_invest).unwrap_or(0.0) / WAN_PER_YI,
            undated: false,
            at: [Some(r.field_location(&cfg.signed_date)), None, None],
            unit_at: Some(r.field_location(&cfg.signed_unit)),
        });
    }
    // Signed on an earlier month's list and in neither this month's ledger nor its list: counted
    // as history kept it; a run of format 7 kept no date, unit or 总投资, and it stays counted in
    // the county's year (under `no_unit`), not again in the month, and not as dropped (W076).
    for k in history.counted.unwrap_or(&[]) {
        if k.stage != STAGES[0] || k.project.is_some() || !names.insert(k.name.clone()) {
            continue;
        }
        out.push(Entry {
            unit: k.unit.clone().unwrap_or_else(|| cfg.no_unit.clone()),
            project: None,
            name: k.name.clone(),
            label: k.name.clone(),
            signed: Some(k.date.unwrap_or(year_from)),
            started: None,
            completed: None,
            invest: k.invest.unwrap_or(0.0),
            undated: k.date.is_none(),
            at: [None, None, None],
            unit_at: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_to_one_decimal_and_needs_a_whole() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
    }

    fn entry(project: Option<&str>, name: &str) -> Entry {
        Entry {
            unit: String::new(),
            project: project.map(str::to_string),
            name: name.to_string(),
            label: name.to_string(),
            signed: None,
            started: None,
            completed: None,
            invest: 0.0,
            undated: false,
            at: [None, None, None],
            unit_at: None,
        }
    }

    fn counted(project: Option<&str>, name: &str) -> StageKey {
        StageKey {
            stage: STAGES[0].to_string(),
            project: project.map(str::to_string),
            name: name.to_string(),
            unit: None,
            date: None,
            invest: None,
            since: "2026-09".to_string(),
        }
    }

    #[test]
    fn two_ledger_projects_of_one_name_are_told_apart_by_their_ids() {
        let e = entry(Some("DH2026-012"), "新能源电池材料项目");
        assert!(!same(
            &counted(Some("DH2026-001"), "新能源电池材料项目"),
            &e
        ));
        assert!(same(&counted(Some("DH2026-012"), "改名前的名称"), &e));
        // A list project without an id is known by its name.
        assert!(same(&counted(None, "新能源电池材料项目"), &e));
        assert!(same(
            &counted(Some("DH2026-001"), "光学镜片项目"),
            &entry(None, "光学镜片项目")
        ));
    }
}
