//! The 整改任务 and its state: what a notice item asks, what the unit reported, and where the
//! register stands on it.

use crate::calendar::Calendar;
use crate::rules::supervision::Supervision;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

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

impl Task {
    /// One of the task's dates as lists show it: `2027-01-28（暂定）` when it needed a year
    /// without a schedule (`provisional`, the office calendar's word), as its notice says.
    pub(crate) fn date_shown(&self, d: NaiveDate, provisional: &str, cal: &Calendar) -> String {
        if self.date_provisional(d, cal) {
            format!("{d}（{provisional}）")
        } else {
            d.to_string()
        }
    }

    /// Whether date `d` of the task was counted over a year without a schedule. The task keeps
    /// one mark for its dates; a date in the year of issue, whose schedule the rules hold, did
    /// not need a later year (a 反馈时限 of 12-30 beside a 整改时限 in January is not 暂定).
    pub(crate) fn date_provisional(&self, d: NaiveDate, cal: &Calendar) -> bool {
        self.provisional && (d.year() != self.issued.year() || !cal.knows_year(d.year()))
    }
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
    /// Reported as being fixed (or given an extension), and the date to be fixed by is past
    /// (整改超期): only when `[supervision.states]` names it.
    RectifyOverdue,
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
            State::RectifyOverdue => "rectify_overdue",
            State::Closed => "closed",
        }
    }

    /// Late: no feedback by the report-back date, or not fixed by the date to be fixed by (red in
    /// the register).
    pub(crate) fn is_late(self) -> bool {
        matches!(self, State::Overdue | State::RectifyOverdue)
    }

    /// The state's label from the rules.
    pub(crate) fn label(self, s: &Supervision) -> String {
        match self {
            State::Open => &s.states.open,
            State::Done => &s.states.done,
            State::InProgress => &s.states.in_progress,
            State::Overdue => &s.states.overdue,
            // Only given when the rules name it (`register`).
            State::RectifyOverdue => s
                .states
                .rectify_overdue
                .as_ref()
                .unwrap_or(&s.states.in_progress),
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
