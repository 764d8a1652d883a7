//! Problems across weeks: earlier and this week's rows grouped by the problem they report, and
//! each problem's state settled (open, solved, not updated, new this week, weeks open).

use super::meeting::meeting_reasons;
use super::{Problem, ProblemStatus, WeekRow, identity, whole_weeks};
use crate::rules::weekly::Weekly;
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// The problems still open after the weeks of `earlier` before `monday`, as a week with no
/// report would show them: what the units are asked about next.
pub(crate) fn open_problems(
    rules: &Weekly,
    earlier: &[WeekRow],
    monday: NaiveDate,
) -> Vec<Problem> {
    track(rules, earlier, &[], monday, monday + Duration::days(1))
        .into_iter()
        .filter(|p| !p.solved)
        .collect()
}

/// Groups earlier and this week's rows into problems and settles each one's state.
pub(super) fn track(
    rules: &Weekly,
    earlier: &[WeekRow],
    rows: &[WeekRow],
    monday: NaiveDate,
    tuesday: NaiveDate,
) -> Vec<Problem> {
    let mut groups: BTreeMap<String, Vec<&WeekRow>> = BTreeMap::new();
    for r in earlier.iter().filter(|r| r.week < monday).chain(rows) {
        groups.entry(identity(rules, r)).or_default().push(r);
    }
    let mut out = Vec::new();
    for (k, mut group) in groups {
        group.sort_by_key(|r| r.week);
        let last = *group.last().expect("non-empty group");
        let this_week = last.week == monday;
        let last_status = last.state;
        let solved = last_status == ProblemStatus::Solved;
        if solved && !this_week {
            continue;
        }
        let first_raised = group
            .iter()
            .filter_map(|r| r.first_raised)
            .min()
            .unwrap_or_else(|| group[0].reported_on.unwrap_or(group[0].week));
        let mut weeks: Vec<NaiveDate> = group.iter().map(|r| r.week).collect();
        weeks.dedup();
        let status = if !this_week {
            rules.status.not_updated.clone()
        } else if last.status.is_empty() {
            rules.status.unknown.clone()
        } else {
            last.status.clone()
        };
        let mut p = Problem {
            key: k,
            project: last.project.clone(),
            project_name: last.project_name.clone(),
            unit: last.unit.clone(),
            category: last.category.clone(),
            problem: last.problem.clone(),
            suggestion: last.suggestion.clone(),
            leader: if last.leader.is_empty() {
                rules.digest.no_leader.clone()
            } else {
                last.leader.clone()
            },
            first_raised,
            // Not reported before, and raised since the last report was due (a fresh history
            // does not make an old problem new).
            new_this_week: this_week
                && weeks.len() == 1
                && first_raised >= tuesday - Duration::days(7),
            weeks,
            history: group.iter().map(|r| (r.week, r.status.clone())).collect(),
            status,
            reported_this_week: this_week,
            solved,
            weeks_open: whole_weeks(first_raised, tuesday),
            source: last.source.clone(),
            meeting_reasons: Vec::new(),
        };
        p.meeting_reasons = meeting_reasons(rules, &p, last_status);
        out.push(p);
    }
    out.sort_by(|a, b| {
        b.weeks_open
            .cmp(&a.weeks_open)
            .then_with(|| a.project.cmp(&b.project))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}
