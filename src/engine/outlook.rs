//! 下月预警 (`[outlook]` of `rules/lights.toml`): what goes wrong by next month's assessment day
//! if nothing changes — open start and procedure deadlines that fall due by then, and units in the
//! bottom places whose streak reaches the streak penalty of `scoring.toml` if they stay there.

use super::Month;
use super::deadlines::DeadlineRow;
use super::lights::fill;
use super::overview::{DueWarning, Outlook, StreakWarning};
use super::results::UnitScore;
use super::streak::{StreakRule, UnitHistory, next_streak};
use crate::rules::Rules;
use chrono::NaiveDate;
use std::collections::HashMap;

/// The 下月预警 of `month`, assessed as of `as_of`.
pub(crate) fn outlook(
    rules: &Rules,
    month: Month,
    as_of: NaiveDate,
    deadlines: &[DeadlineRow],
    units: &[UnitScore],
    project_units: &HashMap<&str, &str>,
) -> Outlook {
    let until = month
        .next()
        .assessment_day(rules.scoring.score.as_of_day)
        .max(as_of);
    Outlook {
        until: Some(until),
        deadlines: due_warnings(rules, as_of, until, deadlines, project_units),
        units: streak_warnings(rules, units),
    }
}

/// Open deadlines of the lights' list due after `as_of` and by `until`, soonest first.
fn due_warnings(
    rules: &Rules,
    as_of: NaiveDate,
    until: NaiveDate,
    deadlines: &[DeadlineRow],
    project_units: &HashMap<&str, &str>,
) -> Vec<DueWarning> {
    let cfg = &rules.lights;
    let mut out: Vec<DueWarning> = deadlines
        .iter()
        .filter(|d| cfg.deadlines.contains(&d.rule))
        .filter(|d| cfg.outlook.deadline_status.contains(&d.status))
        .filter_map(|d| {
            let due = d.due.filter(|due| *due >= as_of && *due <= until)?;
            let project = d.project.clone()?;
            let unit = project_units.get(project.as_str())?.to_string();
            let days = d.workdays.map_or_else(|| "—".into(), |x| x.to_string());
            let reason = fill(
                &cfg.outlook.deadline_reason,
                &[
                    ("rule", d.rule_name.clone()),
                    ("item", super::lights::item_part(d.item.as_deref())),
                    ("due", due.format("%Y-%m-%d").to_string()),
                    ("days", days),
                ],
            );
            Some(DueWarning {
                name: d.project_name.clone().unwrap_or_default(),
                project,
                unit,
                rule_name: d.rule_name.clone(),
                item: d.item.clone(),
                due,
                workdays: d.workdays,
                status_label: d.status_label.clone(),
                reason,
            })
        })
        .collect();
    out.sort_by_key(|w| w.due);
    out
}

/// Units in the bottom places whose streak next month, if they stay there, gets the streak
/// penalty; in rank order.
fn streak_warnings(rules: &Rules, units: &[UnitScore]) -> Vec<StreakWarning> {
    let Some(rule) = StreakRule::of(rules) else {
        return Vec::new();
    };
    let Some(penalty) = rules.scoring.penalties.iter().find(|p| p.id == rule.id) else {
        return Vec::new();
    };
    units
        .iter()
        .filter(|u| u.bottom)
        .filter_map(|u| {
            let now = UnitHistory {
                unit: u.unit.clone(),
                score: u.score,
                rank: u.rank,
                bottom: u.bottom,
                streak: u.streak,
                penalties: u.penalty_ids.clone(),
            };
            let next = next_streak(Some(&now), true, Some(&rule));
            let again = u.penalty_ids.contains(&penalty.id);
            let o = &rules.lights.outlook;
            let text = match (&o.streak_reason_again, &o.streak_reason_first) {
                (Some(t), _) if again => t,
                (_, Some(t)) if u.streak == 1 => t,
                _ => &o.streak_reason,
            };
            rule.applies(true, next).then(|| StreakWarning {
                reason: fill(
                    text,
                    &[
                        ("rank", u.rank.to_string()),
                        ("bottom_n", rules.scoring.score.bottom_n.to_string()),
                        ("streak", u.streak.to_string()),
                        ("next", next.to_string()),
                        ("penalty", penalty.name.clone()),
                    ],
                ),
                unit: u.unit.clone(),
                rank: u.rank,
                score: u.score,
                streak: u.streak,
                next,
                penalty: penalty.name.clone(),
                again,
            })
        })
        .collect()
}
