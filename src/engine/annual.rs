//! The annual summary (年度汇总) from history: per unit each month's score and rank, the annual
//! score and rank by `rules/annual.toml`, bottom-N count, longest streak, penalties with their
//! months and notice numbers, notices received; per project, start and completion against their
//! deadlines and investment against the annual plan. Pure: history rows in, summary out.

use super::Month;
use super::assess::shared_ranks;
use super::deadlines::Status;
use super::recorded::{FindingRow, NoticeRow, ProjectRow, RunInfo, UnitRow};
use crate::rules::annual::Annual as AnnualRules;
use crate::rules::{Aggregate, Rules};
use serde::Serialize;
use std::collections::BTreeMap;

/// A month of the year in history.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnnualMonth {
    pub(crate) month: String,
    /// Imported with `history import` (else computed by `run`).
    pub(crate) imported: bool,
    /// Counts towards the annual score.
    pub(crate) counted: bool,
}

/// A unit's result of one month.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthResult {
    pub(crate) score: f64,
    pub(crate) rank: u32,
    pub(crate) bottom: bool,
    pub(crate) streak: u32,
}

/// A penalty a unit received, with the month and the number of that month's notice to it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PenaltyEntry {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) month: String,
    pub(crate) number: Option<String>,
}

/// A notice a unit received.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NoticeEntry {
    pub(crate) month: String,
    pub(crate) number: String,
    pub(crate) kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnnualUnit {
    pub(crate) unit: String,
    /// Aligned with `Summary::months`.
    pub(crate) months: Vec<Option<MonthResult>>,
    /// Months that count towards the annual score.
    pub(crate) counted: usize,
    pub(crate) score: Option<f64>,
    pub(crate) rank: Option<u32>,
    pub(crate) bottom_count: usize,
    /// The most months of the year in a row in the bottom places: a run that began the year
    /// before counts from January (the months' stored streaks carry over the year's start).
    pub(crate) longest_streak: u32,
    pub(crate) penalties: Vec<PenaltyEntry>,
    pub(crate) notices: Vec<NoticeEntry>,
}

/// Names and plans of projects (from the latest month's results), keyed by project id.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ProjectPlan {
    pub(crate) name: String,
    pub(crate) annual_plan: Option<f64>,
    pub(crate) planned_completion: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnnualProject {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    /// The latest month with a result.
    pub(crate) month: String,
    pub(crate) annual_plan: Option<f64>,
    pub(crate) cum_invest: Option<f64>,
    /// cum_invest ÷ annual_plan.
    pub(crate) share: Option<f64>,
    pub(crate) start_rule: Option<String>,
    pub(crate) start_due: Option<String>,
    pub(crate) start_status: Option<String>,
    pub(crate) actual_start: Option<String>,
    pub(crate) planned_completion: Option<String>,
    pub(crate) completed: bool,
    pub(crate) completed_date: Option<String>,
    pub(crate) completion_status: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Summary {
    pub(crate) year: i32,
    pub(crate) months: Vec<AnnualMonth>,
    pub(crate) units: Vec<AnnualUnit>,
    pub(crate) projects: Vec<AnnualProject>,
    pub(crate) bottom_n: u32,
    /// 月均分 / 各月得分之和 / 最低月得分.
    pub(crate) aggregate_label: String,
    /// Every 整改任务 of the year's notices with how it stands (set by the job from history).
    #[serde(skip)]
    pub(crate) tasks: Vec<super::supervision::TaskState>,
    /// Every notice of the year in the order of its numbers, to whomever it went (units,
    /// departments, the escalation lists).
    #[serde(skip)]
    pub(crate) notices: Vec<super::recorded::NoticeRow>,
    /// The months of the year with no record that should have one ([`missing_months`]).
    pub(crate) missing: Vec<String>,
}

/// The months of `year` that should be recorded and are not: from the first month `recorded`
/// to the last one, or to December when the year is over (`year_over`: a later year's month is
/// recorded, or the year has passed).
pub(crate) fn missing_months(recorded: &[AnnualMonth], year: i32, year_over: bool) -> Vec<String> {
    let months: Vec<Month> = recorded
        .iter()
        .filter_map(|m| Month::parse(&m.month))
        .filter(|m| m.year == year)
        .collect();
    let (Some(&first), Some(&last)) = (months.iter().min(), months.iter().max()) else {
        return Vec::new();
    };
    let last = if year_over {
        Month { year, month: 12 }
    } else {
        last
    };
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        if !months.contains(&m) {
            out.push(m.to_string());
        }
        m = m.next();
    }
    out
}

/// What `summarize` reads from history.
pub(crate) struct Inputs<'a> {
    pub(crate) year: i32,
    pub(crate) runs: &'a [RunInfo],
    pub(crate) units: &'a [UnitRow],
    pub(crate) notices: &'a [NoticeRow],
    pub(crate) projects: &'a [ProjectRow],
    /// Findings of the latest computed month.
    pub(crate) findings: &'a [FindingRow],
    pub(crate) plans: &'a BTreeMap<String, ProjectPlan>,
}

pub(crate) fn aggregate_label(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Mean => "月均得分",
        Aggregate::Sum => "各月得分合计",
        Aggregate::Min => "最低月得分",
    }
}

/// The annual summary of `inp.year`.
pub(crate) fn summarize(rules: &Rules, annual: &AnnualRules, inp: &Inputs) -> Summary {
    let prefix = format!("{}-", inp.year);
    let months = months(inp, annual, &prefix);
    let mut units: BTreeMap<String, Vec<Option<MonthResult>>> = BTreeMap::new();
    for u in inp.units.iter().filter(|u| u.month.starts_with(&prefix)) {
        let Some(i) = months.iter().position(|m| m.month == u.month) else {
            continue;
        };
        let slots = units
            .entry(u.unit.clone())
            .or_insert_with(|| vec![None; months.len()]);
        slots[i] = Some(MonthResult {
            score: u.score,
            rank: u.rank as u32,
            bottom: u.bottom,
            streak: u.streak as u32,
        });
    }
    let mut out: Vec<AnnualUnit> = units
        .into_iter()
        .map(|(unit, slots)| annual_unit(rules, annual, inp, &months, unit, slots))
        .collect();
    rank(&mut out);
    Summary {
        year: inp.year,
        projects: projects(rules, inp, &prefix),
        months,
        units: out,
        bottom_n: rules.scoring.score.bottom_n,
        aggregate_label: aggregate_label(annual.aggregate).to_string(),
        tasks: Vec::new(),
        notices: inp.notices.to_vec(),
        missing: Vec::new(),
    }
}

fn months(inp: &Inputs, annual: &AnnualRules, prefix: &str) -> Vec<AnnualMonth> {
    let mut latest: BTreeMap<&str, &RunInfo> = BTreeMap::new();
    for r in inp.runs.iter().filter(|r| r.month.starts_with(prefix)) {
        if latest
            .get(r.month.as_str())
            .is_none_or(|l| l.revision < r.revision)
        {
            latest.insert(&r.month, r);
        }
    }
    latest
        .into_values()
        .map(|r| {
            let imported = r.source == "import";
            AnnualMonth {
                month: r.month.clone(),
                imported,
                counted: !imported || annual.include_imported,
            }
        })
        .collect()
}

fn round(x: f64, precision: u32) -> f64 {
    let f = 10f64.powi(precision as i32);
    (x * f).round() / f
}

fn annual_unit(
    rules: &Rules,
    annual: &AnnualRules,
    inp: &Inputs,
    months: &[AnnualMonth],
    unit: String,
    slots: Vec<Option<MonthResult>>,
) -> AnnualUnit {
    let counted: Vec<f64> = slots
        .iter()
        .zip(months)
        .filter(|(_, m)| m.counted)
        .filter_map(|(s, _)| s.as_ref().map(|s| s.score))
        .collect();
    let score = (!counted.is_empty()).then(|| {
        let v = match annual.aggregate {
            Aggregate::Mean => counted.iter().sum::<f64>() / counted.len() as f64,
            Aggregate::Sum => counted.iter().sum(),
            Aggregate::Min => counted.iter().copied().fold(f64::INFINITY, f64::min),
        };
        round(v, annual.precision)
    });
    let received: Vec<NoticeEntry> = inp
        .notices
        .iter()
        .filter(|n| n.recipient == unit)
        .map(|n| NoticeEntry {
            month: n.month.clone(),
            number: n.number.clone(),
            kind: n.kind.clone(),
        })
        .collect();
    let mut penalties = Vec::new();
    for row in inp
        .units
        .iter()
        .filter(|u| u.unit == unit && months.iter().any(|m| m.month == u.month))
    {
        for id in &row.penalties {
            let name = rules
                .scoring
                .penalties
                .iter()
                .find(|p| &p.id == id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.to_string());
            let number = received
                .iter()
                .find(|n| n.month == row.month)
                .map(|n| n.number.clone());
            penalties.push(PenaltyEntry {
                id: id.to_string(),
                name,
                month: row.month.clone(),
                number,
            });
        }
    }
    AnnualUnit {
        counted: counted.len(),
        score,
        rank: None,
        bottom_count: slots.iter().flatten().filter(|s| s.bottom).count(),
        longest_streak: longest_run(months, &slots),
        penalties,
        notices: received,
        months: slots,
        unit,
    }
}

/// The most consecutive calendar months of `months` in which the unit was in the bottom places
/// (a month not recorded, or without the unit, ends a run).
fn longest_run(months: &[AnnualMonth], slots: &[Option<MonthResult>]) -> u32 {
    let (mut best, mut run) = (0, 0);
    let mut last: Option<Month> = None;
    for (m, slot) in months.iter().zip(slots) {
        let month = Month::parse(&m.month);
        let follows = last.zip(month).is_some_and(|(l, m)| l.next() == m);
        run = match slot {
            Some(s) if s.bottom && follows => run + 1,
            Some(s) if s.bottom => 1,
            _ => 0,
        };
        best = best.max(run);
        last = month;
    }
    best
}

/// Shared ranks by annual score, highest first; units without a counted month are unranked and
/// listed last.
fn rank(units: &mut [AnnualUnit]) {
    let scores: Vec<f64> = units.iter().filter_map(|u| u.score).collect();
    let ranks = shared_ranks(&scores);
    let mut it = ranks.into_iter();
    for u in units.iter_mut() {
        if u.score.is_some() {
            u.rank = it.next();
        }
    }
    units.sort_by(|a, b| {
        a.rank
            .unwrap_or(u32::MAX)
            .cmp(&b.rank.unwrap_or(u32::MAX))
            .then(a.unit.cmp(&b.unit))
    });
}

fn status_label(rules: &Rules, status: Status) -> String {
    let l = &rules.deadlines.status;
    match status {
        Status::Met => l.met.clone(),
        Status::MetLate => l.met_late.clone(),
        Status::Overdue => l.overdue.clone(),
        Status::DueSoon => l.due_soon.clone(),
        Status::Pending => l.pending.clone(),
        Status::NoDate => l.no_date.clone(),
    }
}

fn projects(rules: &Rules, inp: &Inputs, prefix: &str) -> Vec<AnnualProject> {
    let mut latest: BTreeMap<&str, &ProjectRow> = BTreeMap::new();
    for p in inp.projects.iter().filter(|p| p.month.starts_with(prefix)) {
        latest.insert(&p.project, p);
    }
    let start_rules = &rules.scoring.score.start_deadlines;
    latest
        .into_values()
        .map(|p| {
            let plan = inp.plans.get(&p.project).cloned().unwrap_or_default();
            let finding = inp
                .findings
                .iter()
                .find(|f| start_rules.contains(&f.rule) && f.subject == p.project);
            let rule = finding.and_then(|f| rules.deadlines.rules.iter().find(|d| d.id == f.rule));
            let completed = p.completed.unwrap_or(false);
            let completion_status = completion_status(
                rules,
                &plan,
                p.completed_date.as_deref(),
                completed,
                &p.month,
            );
            AnnualProject {
                id: p.project.clone(),
                name: if plan.name.is_empty() {
                    p.project.clone()
                } else {
                    plan.name.clone()
                },
                unit: p.unit.clone(),
                month: p.month.clone(),
                share: match (p.cum_invest, plan.annual_plan) {
                    (Some(c), Some(a)) if a > 0.0 => Some(c / a),
                    _ => None,
                },
                annual_plan: plan.annual_plan,
                cum_invest: p.cum_invest,
                start_rule: rule.map(|r| r.name.clone()),
                start_due: finding.and_then(|f| f.due.clone()),
                start_status: finding.map(|f| status_label(rules, f.status)),
                actual_start: p.actual_start.clone(),
                planned_completion: plan.planned_completion.clone(),
                completed,
                completed_date: p.completed_date.clone(),
                completion_status,
            }
        })
        .collect()
}

/// Completion against the planned date, as of the project's latest month: a planned date in an
/// earlier month that passed without completion is overdue.
fn completion_status(
    rules: &Rules,
    plan: &ProjectPlan,
    completed: Option<&str>,
    done: bool,
    month: &str,
) -> String {
    let l = &rules.deadlines.status;
    match (plan.planned_completion.as_deref(), done) {
        (Some(due), true) if completed.is_some_and(|c| c > due) => l.met_late.clone(),
        (_, true) => l.met.clone(),
        (Some(due), false) if due.get(..7).is_some_and(|m| m < month) => l.overdue.clone(),
        (Some(_), false) => l.pending.clone(),
        (None, false) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_months_table() {
        let cases: &[(&str, &[&str], bool, &[&str])] = &[
            ("none recorded", &[], true, &[]),
            (
                "a gap between",
                &["2026-07", "2026-09"],
                false,
                &["2026-08"],
            ),
            ("the year not over", &["2026-10", "2026-11"], false, &[]),
            (
                "the year over: up to December",
                &["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"],
                true,
                &["2026-12"],
            ),
            (
                "months before the first are not missing",
                &["2026-11", "2026-12"],
                true,
                &[],
            ),
        ];
        for (name, recorded, over, want) in cases {
            let months: Vec<AnnualMonth> = recorded
                .iter()
                .map(|m| AnnualMonth {
                    month: m.to_string(),
                    imported: false,
                    counted: true,
                })
                .collect();
            assert_eq!(missing_months(&months, 2026, *over), *want, "{name}");
        }
    }

    #[test]
    fn rounding_keeps_precision() {
        assert_eq!(round(81.234_9, 2), 81.23);
        assert_eq!(round(81.235_1, 2), 81.24);
    }
}
