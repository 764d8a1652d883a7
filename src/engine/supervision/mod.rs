//! The 督办 loop: each item of a month's 督办 and 提醒 notices becomes a 整改任务 with a
//! stable id, a report-back date and a date to be solved by (`[supervision]` of notices.toml);
//! the register (督办台账) gives every task its state as of a date from the units' feedback
//! and the office's 销号.

pub(crate) mod feedback;

use super::Month;
use super::notices::{Notice, NoticeKind};
use crate::rules::Rules;
use crate::rules::supervision::Supervision;
use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// One 整改任务: an item of a notice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Task {
    pub(crate) id: String,
    /// The month whose notice raised it (`2026-09`).
    pub(crate) month: String,
    /// The notice's 发文字号 and the item's place in it (from 1).
    pub(crate) notice: String,
    pub(crate) index: u32,
    pub(crate) unit: String,
    pub(crate) project: Option<String>,
    /// The `[[matter]]` id and the item's text.
    pub(crate) matter: String,
    pub(crate) text: String,
    /// The label of its timing (一般问题, 复杂问题 …).
    pub(crate) timing: String,
    pub(crate) issued: NaiveDate,
    /// 反馈时限: the report-back date.
    pub(crate) feedback_due: NaiveDate,
    /// 整改时限: the date to be solved by.
    pub(crate) rectify_due: NaiveDate,
    /// A date needed a year without a working-day schedule.
    pub(crate) provisional: bool,
}

/// What a unit reported on a task (a row of a returned 整改反馈 form).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Feedback {
    pub(crate) task: String,
    /// `done`, `in_progress` or `extension`.
    pub(crate) status: String,
    /// The date of the row: when it was fixed, or the date asked for.
    pub(crate) date: Option<NaiveDate>,
    /// When the form was filled in (its 填报日期).
    pub(crate) filed: Option<NaiveDate>,
    pub(crate) note: String,
    /// `file!sheet!cell` of the row.
    pub(crate) source: String,
}

/// A task's state as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    Open,
    Done,
    InProgress,
    Overdue,
    Closed,
}

impl State {
    /// The stable key (`overdue` …), as notices.toml's task matters name it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Done => "done",
            State::InProgress => "in_progress",
            State::Overdue => "overdue",
            State::Closed => "closed",
        }
    }

    /// The state's label from the rules.
    pub(crate) fn label(self, s: &Supervision) -> String {
        match self {
            State::Open => &s.states.open,
            State::Done => &s.states.done,
            State::InProgress => &s.states.in_progress,
            State::Overdue => &s.states.overdue,
            State::Closed => &s.states.closed,
        }
        .clone()
    }
}

/// A row of the register: a task, its state and the date it now has to meet.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaskState {
    #[serde(flatten)]
    pub(crate) task: Task,
    pub(crate) state: State,
    pub(crate) state_label: String,
    /// The 整改时限, or the date of an extension asked for in time.
    pub(crate) due: NaiveDate,
    pub(crate) feedback: Option<Feedback>,
    pub(crate) closed_on: Option<NaiveDate>,
}

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
                (None, months) => (
                    n.issue_date
                        .checked_add_months(Months::new(months.unwrap_or(1)))
                        .unwrap_or(n.issue_date),
                    false,
                ),
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

/// The state of `task` as of `as_of`, given its latest feedback and its 销号 date.
pub(crate) fn state_of(
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
            let closed_on = closures.get(&t.id).copied();
            let (state, due) = state_of(t, fb, closed_on, as_of);
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
