//! Bottom-N streaks: the one place that decides how many rankings in a row a unit has been in the
//! bottom places. Imported months (`history import`) and computed months (`run`) both go through
//! [`next_streak`], with one notion of "the previous month": the calendar month before. A month
//! with no ranking breaks every streak.

use super::Month;
use crate::rules::{Rules, Trigger};
use serde::Serialize;
use std::collections::BTreeMap;

/// A unit's result in an earlier month.
#[derive(Debug, Clone, Serialize)]
pub struct UnitHistory {
    pub(crate) unit: String,
    pub(crate) score: f64,
    pub(crate) rank: u32,
    pub(crate) bottom: bool,
    pub(crate) streak: u32,
    pub(crate) penalties: Vec<String>,
}

/// Earlier rankings: month → unit → result (latest revision of each month).
pub(crate) type Rankings = BTreeMap<Month, BTreeMap<String, UnitHistory>>;

/// The streak rule of `rules/scoring.toml` (the penalty with `bottom_streak`), if any.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StreakRule {
    pub(crate) id: String,
    pub(crate) length: u32,
    pub(crate) restart_after: bool,
}

impl StreakRule {
    pub(crate) fn of(rules: &Rules) -> Option<StreakRule> {
        rules
            .scoring
            .penalties
            .iter()
            .find_map(|p| match p.trigger {
                Trigger::Streak {
                    length,
                    restart_after,
                } => Some(StreakRule {
                    id: p.id.clone(),
                    length,
                    restart_after,
                }),
                Trigger::Supervision { .. } => None,
            })
    }

    /// Whether a unit with this streak this month gets the streak penalty.
    pub(crate) fn applies(&self, bottom: bool, streak: u32) -> bool {
        bottom && streak >= self.length
    }
}

/// This month's streak of a unit, from its result in the calendar month before (`None` when
/// that month has no ranking or the unit was not in it).
pub(crate) fn next_streak(
    previous: Option<&UnitHistory>,
    bottom: bool,
    rule: Option<&StreakRule>,
) -> u32 {
    if !bottom {
        return 0;
    }
    let base = match previous {
        Some(p) if p.bottom => {
            let restarted = rule.is_some_and(|r| r.restart_after && p.penalties.contains(&r.id));
            if restarted { 0 } else { p.streak }
        }
        _ => 0,
    };
    base + 1
}

/// The unit's result in the month before `month`, if that month was ranked.
pub(crate) fn previous_of<'a>(
    rankings: &'a Rankings,
    unit: &str,
    month: Month,
) -> Option<&'a UnitHistory> {
    rankings.get(&month.previous()).and_then(|m| m.get(unit))
}

/// The earlier months of a streak of `streak` ending in `month`: (month, rank), oldest first,
/// not including `month` itself.
pub(crate) fn streak_months(
    rankings: &Rankings,
    unit: &str,
    month: Month,
    streak: u32,
) -> Vec<(Month, u32)> {
    let mut out = Vec::new();
    let mut m = month;
    for _ in 1..streak {
        m = m.previous();
        match rankings.get(&m).and_then(|r| r.get(unit)) {
            Some(u) => out.push((m, u.rank)),
            None => break,
        }
    }
    out.reverse();
    out
}

/// Bottom flags, streaks and the streak penalty of imported rankings, month by month, continuing
/// from `earlier` (months already in history). `rows` are (month, unit, score, rank).
pub(crate) fn rankings_from_import(
    rows: &[(Month, String, f64, u32)],
    bottom_n: u32,
    rule: Option<&StreakRule>,
    earlier: &Rankings,
) -> Rankings {
    let mut by_month: BTreeMap<Month, Vec<(String, f64, u32)>> = BTreeMap::new();
    for (m, u, s, r) in rows {
        by_month.entry(*m).or_default().push((u.clone(), *s, *r));
    }
    let mut all = earlier.clone();
    let mut out = Rankings::new();
    for (m, units) in by_month {
        let ranks: Vec<u32> = units.iter().map(|u| u.2).collect();
        let mut list = BTreeMap::new();
        for (unit, score, rank) in units {
            let bottom = super::ties::in_bottom(rank, &ranks, bottom_n);
            let streak = next_streak(previous_of(&all, &unit, m), bottom, rule);
            let penalties = rule
                .filter(|r| r.applies(bottom, streak))
                .map(|r| vec![r.id.clone()])
                .unwrap_or_default();
            list.insert(
                unit.clone(),
                UnitHistory {
                    unit,
                    score,
                    rank,
                    bottom,
                    streak,
                    penalties,
                },
            );
        }
        all.insert(m, list.clone());
        out.insert(m, list);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn rule(restart_after: bool) -> StreakRule {
        StreakRule {
            id: "tv".into(),
            length: 2,
            restart_after,
        }
    }

    /// Four units each month; `last` is ranked 4th (the bottom one with n = 1).
    fn rows(months: &[&str], last: &str) -> Vec<(Month, String, f64, u32)> {
        let mut out = Vec::new();
        for mm in months {
            let others = ["A", "B", "C", "D"].into_iter().filter(|u| *u != last);
            for (i, u) in others.enumerate() {
                out.push((m(mm), u.to_string(), 90.0 - i as f64, i as u32 + 1));
            }
            out.push((m(mm), last.to_string(), 50.0, 4));
        }
        out
    }

    fn streaks(r: &Rankings, unit: &str) -> Vec<u32> {
        r.values().map(|m| m[unit].streak).collect()
    }

    #[test]
    fn consecutive_imported_months_carry_the_streak() {
        let r = rankings_from_import(
            &rows(&["2026-06", "2026-07", "2026-08"], "A"),
            1,
            Some(&rule(false)),
            &Rankings::new(),
        );
        assert_eq!(streaks(&r, "A"), vec![1, 2, 3]);
        assert_eq!(streaks(&r, "B"), vec![0, 0, 0]);
        assert_eq!(r[&m("2026-07")]["A"].penalties, vec!["tv".to_string()]);
    }

    #[test]
    fn a_gap_month_breaks_the_streak() {
        let r = rankings_from_import(
            &rows(&["2026-05", "2026-07", "2026-08"], "A"),
            1,
            Some(&rule(false)),
            &Rankings::new(),
        );
        assert_eq!(streaks(&r, "A"), vec![1, 1, 2]);
    }

    #[test]
    fn restart_after_the_penalty_starts_from_zero() {
        let months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"];
        let r = rankings_from_import(&rows(&months, "A"), 1, Some(&rule(true)), &Rankings::new());
        assert_eq!(streaks(&r, "A"), vec![1, 2, 1, 2, 1]);
        let r = rankings_from_import(&rows(&months, "A"), 1, Some(&rule(false)), &Rankings::new());
        assert_eq!(streaks(&r, "A"), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn import_continues_from_months_already_in_history() {
        let first = rankings_from_import(&rows(&["2026-06"], "A"), 1, None, &Rankings::new());
        let r = rankings_from_import(&rows(&["2026-07"], "A"), 1, None, &first);
        assert_eq!(streaks(&r, "A"), vec![2]);
    }

    #[test]
    fn streak_months_walks_back_over_the_streak() {
        let r = rankings_from_import(
            &rows(&["2026-07", "2026-08", "2026-09"], "A"),
            1,
            None,
            &Rankings::new(),
        );
        assert_eq!(
            streak_months(&r, "A", m("2026-10"), 3),
            vec![(m("2026-08"), 4), (m("2026-09"), 4)]
        );
        assert!(streak_months(&r, "A", m("2026-10"), 1).is_empty());
    }

    fn history(bottom: bool, streak: u32, penalties: &[&str]) -> UnitHistory {
        UnitHistory {
            unit: "A".into(),
            score: 50.0,
            rank: 4,
            bottom,
            streak,
            penalties: penalties.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// This month's streak from last month's result, table-driven.
    #[test]
    fn next_streak_table() {
        let len2 = rule(false);
        let len2_restart = rule(true);
        // (case, last month: (bottom, streak, penalties), bottom now, rule, streak now)
        type Case<'a> = (
            &'a str,
            Option<(bool, u32, &'a [&'a str])>,
            bool,
            Option<&'a StreakRule>,
            u32,
        );
        let cases: &[Case] = &[
            (
                "not bottom now",
                Some((true, 3, &[])),
                false,
                Some(&len2),
                0,
            ),
            ("first bottom month", None, true, Some(&len2), 1),
            ("last month not ranked", None, true, None, 1),
            (
                "last month not bottom",
                Some((false, 0, &[])),
                true,
                Some(&len2),
                1,
            ),
            (
                "second in a row",
                Some((true, 1, &[])),
                true,
                Some(&len2),
                2,
            ),
            (
                "third in a row",
                Some((true, 2, &["tv"])),
                true,
                Some(&len2),
                3,
            ),
            (
                "restart after the penalty",
                Some((true, 2, &["tv"])),
                true,
                Some(&len2_restart),
                1,
            ),
            (
                "restart only after this rule's penalty",
                Some((true, 2, &["other"])),
                true,
                Some(&len2_restart),
                3,
            ),
            (
                "no rule: never restarts",
                Some((true, 5, &["tv"])),
                true,
                None,
                6,
            ),
            (
                "a stale streak on a non-bottom month is ignored",
                Some((false, 4, &[])),
                true,
                Some(&len2),
                1,
            ),
        ];
        for (name, prev, bottom, rule, want) in cases {
            let prev = prev.map(|(b, s, p)| history(b, s, p));
            assert_eq!(next_streak(prev.as_ref(), *bottom, *rule), *want, "{name}");
        }
    }

    /// Streaks across imported months, table-driven: which unit is last in each month →
    /// unit A's streak in each month (bottom_n = 1, streak length 2).
    #[test]
    fn streaks_across_imported_months_table() {
        // (case, months with the unit ranked last, restart_after, A's streaks, A penalised)
        type Case<'a> = (
            &'a str,
            &'a [(&'a str, &'a str)],
            bool,
            &'a [u32],
            &'a [bool],
        );
        let cases: &[Case] = &[
            (
                "A last three months running",
                &[("2026-01", "A"), ("2026-02", "A"), ("2026-03", "A")],
                false,
                &[1, 2, 3],
                &[false, true, true],
            ),
            (
                "B last in between breaks A's streak",
                &[("2026-01", "A"), ("2026-02", "B"), ("2026-03", "A")],
                false,
                &[1, 0, 1],
                &[false, false, false],
            ),
            (
                "a month missing from the import breaks the streak",
                &[("2026-01", "A"), ("2026-03", "A"), ("2026-04", "A")],
                false,
                &[1, 1, 2],
                &[false, false, true],
            ),
            (
                "across the new year",
                &[("2025-11", "A"), ("2025-12", "A"), ("2026-01", "A")],
                false,
                &[1, 2, 3],
                &[false, true, true],
            ),
            (
                "restart after the penalty",
                &[
                    ("2026-01", "A"),
                    ("2026-02", "A"),
                    ("2026-03", "A"),
                    ("2026-04", "A"),
                ],
                true,
                &[1, 2, 1, 2],
                &[false, true, false, true],
            ),
        ];
        for (name, months, restart, want, penalised) in cases {
            let mut rows_all = Vec::new();
            for (mm, last) in *months {
                rows_all.extend(rows(&[mm], last));
            }
            let r = rankings_from_import(&rows_all, 1, Some(&rule(*restart)), &Rankings::new());
            assert_eq!(&streaks(&r, "A"), want, "{name}");
            let got: Vec<bool> = r.values().map(|m| !m["A"].penalties.is_empty()).collect();
            assert_eq!(&got, penalised, "{name}");
        }
    }

    /// Ties for last place share the bottom and both carry a streak.
    #[test]
    fn tied_last_places_both_carry_the_streak() {
        let month = |mm: &str| {
            [
                ("A", 90.0, 1),
                ("B", 80.0, 2),
                ("C", 50.0, 3),
                ("D", 50.0, 3),
            ]
            .into_iter()
            .map(|(u, s, r)| (m(mm), u.to_string(), s, r))
            .collect::<Vec<_>>()
        };
        let mut rows_all = month("2026-05");
        rows_all.extend(month("2026-06"));
        let r = rankings_from_import(&rows_all, 1, Some(&rule(false)), &Rankings::new());
        for (unit, want) in [("A", [0, 0]), ("B", [0, 0]), ("C", [1, 2]), ("D", [1, 2])] {
            assert_eq!(streaks(&r, unit), want, "{unit}");
        }
    }
}
