//! The unit ranking of a month: unit scores from project scores, shared ranks, the bottom-N
//! places, streaks and penalties with their evidence. Pure, like the rest of the engine.

use super::Month;
use super::deadlines::RuleProblem;
use super::rank::{in_bottom, shared_ranks};
use super::results::{ProjectScore, Snapshot, UnitScore};
use crate::rules::{Aggregate, Rules, Trigger};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Stands for this month's notice number in evidence until the notices are numbered.
const THIS_MONTH_NOTICE: &str = "\u{1}本月通知\u{1}";

pub(crate) fn round(x: f64, precision: u32) -> f64 {
    let f = 10f64.powi(precision as i32);
    (x * f).round() / f
}

/// Replaces the stand-in for this month's notice in each unit's evidence by the number of the
/// notice the unit receives this month.
pub(crate) fn name_this_months_notices(
    mut units: Vec<UnitScore>,
    notices: &[super::notices::Notice],
) -> Vec<UnitScore> {
    for u in &mut units {
        let number = notices
            .iter()
            .find(|n| n.recipient == u.unit && n.kind == super::notices::NoticeKind::Supervision)
            .map(|n| n.number.as_str())
            .unwrap_or("本月督查通知");
        for e in &mut u.evidence {
            *e = e.replace(THIS_MONTH_NOTICE, number);
        }
    }
    units
}

/// Distinct names in order of first appearance.
pub(crate) fn first_seen<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .filter(|n| seen.insert(*n))
        .map(str::to_string)
        .collect()
}

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
    let scores: Vec<f64> = order
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
        .collect();
    let ranks = shared_ranks(&scores);
    let streak_rule = super::streak::StreakRule::of(rules);
    let mut units = Vec::new();
    for (i, unit) in order.iter().enumerate() {
        let bottom = in_bottom(ranks[i], &ranks, score_rules.bottom_n);
        let prev = snapshot.previous.get(unit);
        let mut streak = 0;
        let mut penalty_ids = Vec::new();
        let mut penalties = Vec::new();
        let mut evidence = Vec::new();
        if bottom {
            streak = super::streak::next_streak(prev, bottom, streak_rule.as_ref());
        }
        for pen in &rules.scoring.penalties {
            match &pen.trigger {
                Trigger::Streak { length, .. } => {
                    if bottom && streak >= *length {
                        penalty_ids.push(pen.id.clone());
                        penalties.push(pen.name.clone());
                        let mut months: Vec<String> =
                            super::streak::streak_months(&snapshot.rankings, unit, month, streak)
                                .iter()
                                .map(|(m, r)| format!("{m} 第 {r} 名"))
                                .collect();
                        months.push(format!("{month} 第 {} 名", ranks[i]));
                        let e = format!(
                            "{}: 连续 {streak} 个月排名后{}位（{}）",
                            pen.name,
                            score_rules.bottom_n,
                            months.join("，")
                        );
                        evidence.push(e);
                    }
                }
                Trigger::Supervision {
                    notices,
                    months,
                    condition,
                } => {
                    let first = (0..months.saturating_sub(1)).fold(month, |m, _| m.previous());
                    // Notices of earlier months in the window, and this month's.
                    let recent: Vec<&(Month, String)> = snapshot
                        .notices
                        .get(unit)
                        .map(|v| {
                            v.iter()
                                .filter(|(m, _)| *m >= first && *m < month)
                                .collect()
                        })
                        .unwrap_or_default();
                    let facts = super::notices::UnitFacts {
                        unit,
                        bottom,
                        score: scores[i],
                        rank: ranks[i],
                        streak,
                        penalty_ids: &[],
                    };
                    let now = supervised.contains(unit)
                        || super::notices::supervised_by_results(rules, &facts, month, problems);
                    let count = recent.len() as u32 + u32::from(now);
                    if count >= *notices {
                        let ctx: BTreeMap<&str, minijinja::Value> = BTreeMap::from([
                            ("bottom", minijinja::Value::from(bottom)),
                            ("score", minijinja::Value::from(scores[i])),
                            ("rank", minijinja::Value::from(ranks[i])),
                            ("streak", minijinja::Value::from(streak)),
                        ]);
                        let holds = match condition.holds(minijinja::Value::from(ctx)) {
                            Ok(b) => b,
                            Err(e) => {
                                problems.push(RuleProblem {
                                    rule_file: rules.scoring.file.clone(),
                                    rule: pen.id.clone(),
                                    subject: unit.clone(),
                                    message: e.to_string(),
                                });
                                false
                            }
                        };
                        if holds {
                            penalty_ids.push(pen.id.clone());
                            penalties.push(pen.name.clone());
                            let mut numbers: Vec<String> =
                                recent.iter().map(|(_, n)| n.clone()).collect();
                            if now {
                                numbers.push(THIS_MONTH_NOTICE.to_string());
                            }
                            evidence.push(format!("{}: 近 {months} 个月督办 {count} 次（{}），本月得分 {:.2}、第 {} 名", pen.name, numbers.join("、"), scores[i], ranks[i]));
                        }
                    }
                }
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
