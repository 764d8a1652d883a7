//! The 督办 loop: each item of a month's 督办 and 提醒 notices becomes a 整改任务 with a
//! stable id, a report-back date and a date to be solved by (`[supervision]` of notices.toml);
//! the register (督办台账) gives every task its state as of a date from the units' feedback
//! and the office's 销号.

pub(crate) mod feedback;
pub(crate) mod finding;
pub(crate) mod task;

pub(crate) use task::{Feedback, State, Task, TaskState};

use super::Month;
use super::notices::{Notice, NoticeKind};
use crate::rules::Rules;
use crate::rules::supervision::Supervision;
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// The tasks of this month's numbered notices: every item of a 督办 or 提醒 notice.
pub(crate) fn tasks(rules: &Rules, month: Month, notices: &[Notice]) -> Vec<Task> {
    let Some(s) = &rules.notices.supervision else {
        return Vec::new();
    };
    let env = crate::expr::environment();
    let mut out = Vec::new();
    for n in notices
        .iter()
        .filter(|n| matches!(n.kind, NoticeKind::Supervision | NoticeKind::Reminder))
    {
        let feedback = rules.calendar.add(n.issue_date, s.feedback_workdays);
        for (i, m) in n.matters.iter().enumerate() {
            let index = i as u32 + 1;
            // A reminder of an earlier task is no task of its own: the earlier one stays open.
            if rules
                .notices
                .matters
                .iter()
                .any(|r| r.id == m.rule && r.source == crate::rules::notice::Source::Task)
            {
                continue;
            }
            let id = env
                .render_str(
                    &s.task_id,
                    minijinja::context! { number => n.number.clone(), seq => n.seq, year => n.year, index => index },
                )
                .unwrap_or_else(|_| format!("{}-{index}", n.number));
            let timing = s.timing_of(&m.rule);
            let (rectify, provisional) = match (timing.workdays, timing.months) {
                (Some(w), _) => {
                    let r = rules.calendar.add(n.issue_date, w);
                    (r.value, r.provisional())
                }
                (None, months) => {
                    let date = n
                        .issue_date
                        .checked_add_months(Months::new(months.unwrap_or(1)))
                        .unwrap_or(n.issue_date);
                    if timing.next_working_day {
                        let r = rules.calendar.on_or_after(date);
                        (r.value, r.provisional())
                    } else {
                        (date, false)
                    }
                }
            };
            out.push(Task {
                id,
                month: month.to_string(),
                notice: n.number.clone(),
                index,
                unit: n.recipient.clone(),
                project: m.project.clone(),
                matter: m.rule.clone(),
                text: m.text.clone(),
                timing: timing.label.clone(),
                issued: n.issue_date,
                feedback_due: feedback.value,
                rectify_due: rectify,
                provisional: provisional || feedback.provisional(),
            });
        }
    }
    out
}

/// The state of `task` as of `as_of`, given its latest feedback and its 销号 date; a task being
/// fixed past the date it had to be fixed by is `RectifyOverdue` when the rules name that state
/// (`rectify_overdue`), else it stays `InProgress`.
pub(crate) fn state_of(
    task: &Task,
    feedback: Option<&Feedback>,
    closed_on: Option<NaiveDate>,
    as_of: NaiveDate,
    rectify_overdue: bool,
) -> (State, NaiveDate) {
    let (state, due) = state_in_time(task, feedback, closed_on, as_of);
    match state {
        State::InProgress if rectify_overdue && as_of > due => (State::RectifyOverdue, due),
        _ => (state, due),
    }
}

/// `state_of` without 整改超期.
fn state_in_time(
    task: &Task,
    feedback: Option<&Feedback>,
    closed_on: Option<NaiveDate>,
    as_of: NaiveDate,
) -> (State, NaiveDate) {
    if closed_on.is_some_and(|d| d <= as_of) {
        return (State::Closed, task.rectify_due);
    }
    let late = as_of > task.feedback_due;
    let Some(f) = feedback else {
        return (
            if late { State::Overdue } else { State::Open },
            task.rectify_due,
        );
    };
    match f.status.as_str() {
        "done" => (State::Done, task.rectify_due),
        "extension" => match (f.filed, f.date) {
            // Asked for before the date: being fixed, by the new date.
            (Some(filed), Some(new)) if filed <= task.rectify_due => (State::InProgress, new),
            _ if as_of > task.rectify_due => (State::Overdue, task.rectify_due),
            _ => (State::InProgress, task.rectify_due),
        },
        _ => (State::InProgress, task.rectify_due),
    }
}

/// The register as of `as_of`: every task with its state, in month and id order of `tasks`.
/// Feedback is taken in order: the last row on a task counts.
pub(crate) fn register(
    s: &Supervision,
    tasks: &[Task],
    feedback: &[Feedback],
    closures: &BTreeMap<String, NaiveDate>,
    as_of: NaiveDate,
) -> Vec<TaskState> {
    let mut latest: BTreeMap<&str, &Feedback> = BTreeMap::new();
    for f in feedback {
        latest.insert(f.task.as_str(), f);
    }
    tasks
        .iter()
        .map(|t| {
            let fb = latest.get(t.id.as_str()).copied();
            // A closure after the as-of date is not yet one: the run as of that date shows none.
            let closed_on = closures.get(&t.id).copied().filter(|d| *d <= as_of);
            let late_fix = s.states.rectify_overdue.is_some();
            let (state, due) = state_of(t, fb, closed_on, as_of, late_fix);
            TaskState {
                task: t.clone(),
                state,
                state_label: state.label(s),
                due,
                feedback: fb.cloned(),
                closed_on,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
