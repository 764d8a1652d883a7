//! Friday's meeting list (周例会议题) and the digest per county leader.

use super::{LeaderDigest, Problem, ProblemStatus};
use crate::rules::weekly::Weekly;
use std::collections::BTreeMap;

pub(super) fn meeting_reasons(rules: &Weekly, p: &Problem, status: ProblemStatus) -> Vec<String> {
    let m = &rules.meeting;
    let mut reasons = Vec::new();
    if p.solved {
        return reasons;
    }
    if m.by_status && status == ProblemStatus::Meeting {
        reasons.push(m.reason_status.clone());
    }
    if p.weeks_open >= m.min_weeks_open {
        reasons.push(m.reason_weeks.replace("{n}", &m.min_weeks_open.to_string()));
    }
    reasons
}

/// Open problems with a reason to go to Friday's meeting, longest open first.
pub(super) fn meeting_list(problems: &[Problem]) -> Vec<Problem> {
    problems.iter().filter(|p| p.decides()).cloned().collect()
}

/// Open problems and those solved this week, per leader (sorted by leader). A leader's open
/// problems that need his decision (on the meeting list) come first, in the list's order.
pub(super) fn digest(rules: &Weekly, problems: &[Problem]) -> Vec<LeaderDigest> {
    let mut by: BTreeMap<String, LeaderDigest> = BTreeMap::new();
    for p in problems {
        let d = by.entry(p.leader.clone()).or_insert_with(|| LeaderDigest {
            leader: p.leader.clone(),
            open: Vec::new(),
            decide: 0,
            solved: Vec::new(),
        });
        if p.solved {
            d.solved.push(p.clone());
        } else {
            d.open.push(p.clone());
        }
    }
    let mut out: Vec<LeaderDigest> = by.into_values().collect();
    for d in &mut out {
        d.open.sort_by_key(|p| !p.decides());
        d.decide = d.open.iter().filter(|p| p.decides()).count();
    }
    // The group without a leader goes last.
    out.sort_by_key(|d| (d.leader == rules.digest.no_leader, d.leader.clone()));
    out
}
