//! The unit ranking of a month: unit scores from project scores, shared ranks, the bottom-N
//! places, streaks and penalties with their evidence. Pure, like the rest of the engine.

mod penalty;

use super::Month;
use super::deadlines::RuleProblem;
use super::results::{ProjectScore, Snapshot, UnitScore};
use super::ties::{in_bottom, shared_ranks};
use crate::rules::{Aggregate, Rules};
use penalty::{PenaltyCtx, Place};
use std::collections::{HashMap, HashSet};

pub(crate) fn round(x: f64, precision: u32) -> f64 {
    let f = 10f64.powi(precision as i32);
    (x * f).round() / f
}

/// Distinct names in order of first appearance.
pub(crate) fn first_seen<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .filter(|n| seen.insert(*n))
        .map(str::to_string)
        .collect()
}

/// Ranks the units by the scores of their projects: shared ranks, the bottom places,
/// streaks and penalties, in rank order.
pub(crate) fn rank_units(
    rules: &Rules,
    projects: &[ProjectScore],
    snapshot: &Snapshot,
    month: Month,
    supervised: &HashSet<String>,
    problems: &mut Vec<RuleProblem>,
) -> Vec<UnitScore> {
    let score_rules = &rules.scoring.score;
    let order = first_seen(
        projects
            .iter()
            .map(|p| p.unit.as_str())
            .filter(|u| !u.is_empty()),
    );
    let mut totals_of: HashMap<&str, Vec<f64>> = HashMap::new();
    for p in projects {
        totals_of.entry(p.unit.as_str()).or_default().push(p.total);
    }
    let scores = unit_scores(rules, &order, &totals_of);
    let ranks = shared_ranks(&scores);
    let streak_rule = super::streak::StreakRule::of(rules);
    let ctx = PenaltyCtx {
        rules,
        snapshot,
        month,
        supervised,
    };
    let mut units = Vec::new();
    for (i, unit) in order.iter().enumerate() {
        let bottom = in_bottom(ranks[i], &ranks, score_rules.bottom_n);
        let prev = snapshot.previous.get(unit);
        let mut streak = 0;
        if bottom {
            streak = super::streak::next_streak(prev, bottom, streak_rule.as_ref());
        }
        let place = Place {
            unit,
            score: scores[i],
            rank: ranks[i],
            bottom,
            streak,
        };
        let mut penalty_ids = Vec::new();
        let mut penalties = Vec::new();
        let mut evidence = Vec::new();
        for pen in &rules.scoring.penalties {
            if let Some(e) = ctx.penalty(pen, &place, problems) {
                penalty_ids.push(pen.id.clone());
                penalties.push(pen.name.clone());
                evidence.push(e);
            }
        }
        units.push(UnitScore {
            unit: unit.clone(),
            projects: totals_of[unit.as_str()].len(),
            score: scores[i],
            rank: ranks[i],
            previous_rank: prev.map(|p| p.rank),
            change: prev.map(|p| i64::from(p.rank) - i64::from(ranks[i])),
            bottom,
            streak,
            penalty_ids,
            penalties,
            evidence,
        });
    }
    units.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.unit.cmp(&b.unit)));
    units
}

/// Each unit's score, in `order`: its projects' totals aggregated and rounded by the rules.
fn unit_scores(rules: &Rules, order: &[String], totals_of: &HashMap<&str, Vec<f64>>) -> Vec<f64> {
    let score_rules = &rules.scoring.score;
    order
        .iter()
        .map(|u| {
            let totals = &totals_of[u.as_str()];
            let s = match score_rules.aggregate {
                Aggregate::Mean => totals.iter().sum::<f64>() / totals.len() as f64,
                Aggregate::Sum => totals.iter().sum(),
                Aggregate::Min => totals.iter().copied().fold(f64::INFINITY, f64::min),
            };
            round(s, score_rules.precision)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::streak::UnitHistory;
    use std::collections::BTreeMap;

    fn project(unit: &str, total: f64) -> ProjectScore {
        ProjectScore {
            id: format!("{unit}-{total}"),
            name: String::new(),
            unit: unit.into(),
            annual_plan: None,
            figures: Default::default(),
            reported: true,
            carried_from: None,
            start_status: "met".into(),
            report_status: "met".into(),
            procedures_total: 0,
            procedures_ok: 0,
            parts: Vec::new(),
            total,
            inputs: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// `month`'s ranking of `units`: (unit, rank, bottom, streak).
    fn history(
        month: &str,
        units: &[(&str, u32, bool, u32)],
    ) -> (Month, BTreeMap<String, UnitHistory>) {
        let list = units
            .iter()
            .map(|(u, rank, bottom, streak)| {
                (
                    u.to_string(),
                    UnitHistory {
                        unit: u.to_string(),
                        score: 50.0,
                        rank: *rank,
                        bottom: *bottom,
                        streak: *streak,
                        penalties: Vec::new(),
                    },
                )
            })
            .collect();
        (Month::parse(month).unwrap(), list)
    }

    /// The month's unit ranking with the shipped rules (mean of project totals to 2 decimals,
    /// shared ranks, bottom 3 with boundary ties, 表态发言 after 2 bottom months in a row),
    /// table-driven: project totals and last month's ranking → (unit, score, rank, bottom,
    /// streak, penalties), in rank order.
    #[test]
    fn rank_units_table() {
        let rules = Rules::load(None).unwrap();
        let month = Month::parse("2026-10").unwrap();
        for case in rank_units_cases() {
            check_rank_units_case(&rules, month, case);
        }
    }

    type Want<'a> = (&'a str, f64, u32, bool, u32, Vec<&'a str>);
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, f64)>,
        Vec<(&'a str, u32, bool, u32)>,
        Vec<Want<'a>>,
    );

    /// The cases of `rank_units_table`: (name, project totals, last month's ranking, want).
    fn rank_units_cases() -> Vec<Case<'static>> {
        vec![
            (
                "five units, no ties",
                vec![
                    ("甲", 90.0),
                    ("乙", 80.0),
                    ("丙", 70.0),
                    ("丁", 60.0),
                    ("戊", 50.0),
                ],
                vec![],
                vec![
                    ("甲", 90.0, 1, false, 0, vec![]),
                    ("乙", 80.0, 2, false, 0, vec![]),
                    ("丙", 70.0, 3, true, 1, vec![]),
                    ("丁", 60.0, 4, true, 1, vec![]),
                    ("戊", 50.0, 5, true, 1, vec![]),
                ],
            ),
            (
                "a tie across the bottom-3 boundary: both in",
                vec![
                    ("甲", 90.0),
                    ("乙", 70.0),
                    ("丙", 70.0),
                    ("丁", 60.0),
                    ("戊", 50.0),
                ],
                vec![],
                vec![
                    ("甲", 90.0, 1, false, 0, vec![]),
                    ("丙", 70.0, 2, true, 1, vec![]),
                    ("乙", 70.0, 2, true, 1, vec![]),
                    ("丁", 60.0, 4, true, 1, vec![]),
                    ("戊", 50.0, 5, true, 1, vec![]),
                ],
            ),
            (
                "the mean of a unit's projects, rounded to 2 decimals before ranking",
                vec![
                    ("甲", 80.0),
                    ("甲", 90.0),
                    ("乙", 85.004),
                    ("丙", 84.996),
                    ("丁", 10.0),
                    ("戊", 20.0),
                    ("己", 5.0),
                ],
                vec![],
                vec![
                    ("丙", 85.0, 1, false, 0, vec![]),
                    ("乙", 85.0, 1, false, 0, vec![]),
                    ("甲", 85.0, 1, false, 0, vec![]),
                    ("戊", 20.0, 4, true, 1, vec![]),
                    ("丁", 10.0, 5, true, 1, vec![]),
                    ("己", 5.0, 6, true, 1, vec![]),
                ],
            ),
            (
                "bottom again: streak 2 and 表态发言",
                vec![
                    ("甲", 90.0),
                    ("乙", 80.0),
                    ("丙", 70.0),
                    ("丁", 60.0),
                    ("戊", 50.0),
                ],
                vec![
                    ("丙", 5, true, 1),
                    ("丁", 4, true, 2),
                    ("戊", 1, false, 0),
                    ("甲", 3, true, 1),
                ],
                vec![
                    ("甲", 90.0, 1, false, 0, vec![]),
                    ("乙", 80.0, 2, false, 0, vec![]),
                    ("丙", 70.0, 3, true, 2, vec!["tv_statement"]),
                    ("丁", 60.0, 4, true, 3, vec!["tv_statement"]),
                    ("戊", 50.0, 5, true, 1, vec![]),
                ],
            ),
        ]
    }

    /// Ranks the units of one case of `rank_units_table` and checks the result.
    fn check_rank_units_case(rules: &Rules, month: Month, (name, projects, previous, want): Case) {
        let projects: Vec<ProjectScore> = projects.iter().map(|(u, t)| project(u, *t)).collect();
        let (m, prev) = history("2026-09", &previous);
        let snapshot = Snapshot {
            previous_month: Some(m),
            previous: prev.clone(),
            rankings: BTreeMap::from([(m, prev)]),
            ..Default::default()
        };
        let mut problems = Vec::new();
        let units = rank_units(
            rules,
            &projects,
            &snapshot,
            month,
            &HashSet::new(),
            &mut problems,
        );
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let got: Vec<Want> = units
            .iter()
            .map(|u| {
                (
                    u.unit.as_str(),
                    u.score,
                    u.rank,
                    u.bottom,
                    u.streak,
                    u.penalty_ids.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}");
        for u in &units {
            let prev = snapshot.previous.get(&u.unit);
            assert_eq!(u.previous_rank, prev.map(|p| p.rank), "{name} {}", u.unit);
            assert_eq!(
                u.change,
                prev.map(|p| i64::from(p.rank) - i64::from(u.rank)),
                "{name} {}",
                u.unit
            );
        }
    }

    /// The 表态发言 evidence names each month of the streak with its rank.
    #[test]
    fn streak_evidence_names_the_months() {
        let rules = Rules::load(None).unwrap();
        let projects: Vec<ProjectScore> = [("甲", 90.0), ("乙", 80.0), ("丙", 70.0), ("丁", 60.0)]
            .iter()
            .map(|(u, t)| project(u, *t))
            .collect();
        let aug = history("2026-08", &[("丁", 4, true, 1)]);
        let sep = history("2026-09", &[("丁", 3, true, 2)]);
        let snapshot = Snapshot {
            previous_month: Some(sep.0),
            previous: sep.1.clone(),
            rankings: BTreeMap::from([aug, sep]),
            ..Default::default()
        };
        let units = rank_units(
            &rules,
            &projects,
            &snapshot,
            Month::parse("2026-10").unwrap(),
            &HashSet::new(),
            &mut Vec::new(),
        );
        let d = units.iter().find(|u| u.unit == "丁").unwrap();
        assert_eq!(d.streak, 3);
        assert_eq!(
            d.evidence
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["表态发言：连续3个月排名后3位（2026年8月第4名、9月第3名、10月第4名）"]
        );
    }
}
