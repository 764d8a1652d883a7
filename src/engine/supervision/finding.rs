//! An overdue task as a finding: each task of the register whose state is 逾期未反馈 as of
//! the as-of date becomes a deadline-style row of its unit (`[supervision.finding]`), stored in
//! history and listed with the deadline findings.

use super::{State, TaskState};
use crate::calendar::{Calendar, zh_date};
use crate::engine::deadlines::{DeadlineRow, Status};
use crate::rules::supervision::Supervision;
use chrono::NaiveDate;
use std::collections::HashMap;

/// The findings of the overdue tasks of `register`, in its order; `names` gives project names.
pub(crate) fn findings(
    s: &Supervision,
    calendar: &Calendar,
    register: &[TaskState],
    names: &HashMap<&str, &str>,
    as_of: NaiveDate,
) -> Vec<DeadlineRow> {
    let Some(f) = &s.finding else {
        return Vec::new();
    };
    let env = crate::expr::environment();
    register
        .iter()
        .filter(|t| t.state == State::Overdue)
        .map(|t| {
            let task = &t.task;
            // 逾期未反馈 counts from the 反馈时限, also for an extension asked after the 整改时限
            // (not a valid answer): the one date the notices' reminders and `tasks` name.
            let (due, days) = (task.feedback_due, Some(s.feedback_workdays));
            let late = calendar.count(due, as_of);
            let ctx = minijinja::context! {
                task => task.id.clone(), notice => task.notice.clone(), index => task.index,
                unit => task.unit.clone(), project => task.project.clone(),
                matter => task.text.clone(), feedback_due => zh_date(task.feedback_due),
                due => zh_date(due), workdays => late.value, state => t.state_label.clone(),
                as_of => zh_date(as_of),
            };
            let reason = env
                .render_str(&f.reason, ctx)
                .unwrap_or_else(|e| format!("{}（{e}）", f.name));
            DeadlineRow {
                rule: f.id.clone(),
                rule_name: f.name.clone(),
                project: task.project.clone(),
                project_name: task
                    .project
                    .as_deref()
                    .and_then(|p| names.get(p))
                    .map(|n| n.to_string()),
                item: Some(task.id.clone()),
                recipient: Some(task.unit.clone()),
                from: Some(task.issued),
                days,
                due: Some(due),
                met_on: None,
                status: Status::Overdue,
                status_label: t.state_label.clone(),
                workdays: Some(late.value),
                missing_years: late.missing_years,
                // Where the start date comes from: the notice that gave the task.
                source: task.notice.clone(),
                reason: Some(reason),
            }
        })
        .collect()
}
