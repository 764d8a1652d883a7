//! The register of open 整改任务 (督办台账): every task not closed (销号), this month's and
//! earlier months', with its state as of the as-of date; a sheet of the ranking workbook and a
//! section of the HTML report, headed and labelled from `[supervision]` of notices.toml.

use super::sheet::{Cell, SheetSpec, labelled, marked_date, text};
use crate::engine::assess::Assessment;
use crate::engine::supervision::{State, TaskState};
use crate::rules::Rules;
use serde::Serialize;

/// The register as rows of text, in the order of `register_headers`; the dates of a task counted
/// over a year without an official schedule are marked as the office calendar marks such dates
/// (`暂定`), as its notice marks them.
fn cells(t: &TaskState, rules: &Rules) -> Vec<String> {
    let provisional = rules.office_calendar.labels.provisional.as_str();
    let date = |d| t.task.date_shown(d, provisional, &rules.calendar);
    let feedback = t
        .feedback
        .as_ref()
        .map(|f| {
            let date = f.date.map(|d| d.to_string()).unwrap_or_default();
            [date, f.note.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    vec![
        t.task.id.clone(),
        t.task.month.clone(),
        t.task.notice.clone(),
        t.task.unit.clone(),
        t.task.project.clone().unwrap_or_default(),
        t.task.text.clone(),
        t.task.timing.clone(),
        date(t.task.feedback_due),
        date(t.due),
        match t.closed_on {
            Some(d) if t.state == State::Closed => format!("{}（{d}）", t.state_label),
            _ => t.state_label.clone(),
        },
        feedback,
    ]
}

/// The register as the sheet's cells: every date a date cell (the office sorts and filters
/// them), in the workbook's date format, the words around it in its number format, as the report
/// shows them: the 反馈时限 and 整改时限 (a provisional one with the mark after it,
/// `2027-01-28（暂定）`), the 销号 date in the state (`已销号（2026-10-20）`) and the date of
/// the feedback before its note (`2026-10-09 已开工`).
fn sheet_cells(t: &TaskState, rules: &Rules) -> Vec<Cell> {
    let provisional = &rules.office_calendar.labels.provisional;
    let date = |d| {
        if t.task.date_provisional(d, &rules.calendar) {
            marked_date(d, provisional)
        } else {
            Cell::Date(d)
        }
    };
    let mut row: Vec<Cell> = cells(t, rules).into_iter().map(text).collect();
    row[FEEDBACK_DUE] = date(t.task.feedback_due);
    row[DUE] = date(t.due);
    if let Some(d) = t.closed_on.filter(|_| t.state == State::Closed) {
        row[STATE] = labelled(d, &format!("{}（", t.state_label), "）");
    }
    if let Some(f) = &t.feedback
        && let Some(d) = f.date
    {
        let note = if f.note.is_empty() {
            String::new()
        } else {
            format!(" {}", f.note)
        };
        row[FEEDBACK] = if note.is_empty() {
            Cell::Date(d)
        } else {
            labelled(d, "", &note)
        };
    }
    row
}

/// The places of the dated columns in the register's columns (`register_headers`): the
/// 反馈时限, the 整改时限, the 整改状态 and the 反馈情况.
const FEEDBACK_DUE: usize = 7;
const DUE: usize = 8;
const STATE: usize = 9;
const FEEDBACK: usize = 10;

/// The register's sheet, when the rules have a `[supervision]`.
pub(crate) fn sheet(a: &Assessment, rules: &Rules) -> Option<SheetSpec> {
    let s = rules.notices.supervision.as_ref()?;
    Some(SheetSpec {
        name: s.register.clone(),
        title: format!("{}{}", super::month_label(a), s.register),
        headers: s.register_headers.clone(),
        red: a.register.iter().map(|t| t.state.is_late()).collect(),
        rows: a.register.iter().map(|t| sheet_cells(t, rules)).collect(),
    })
}

/// The register as the report shows it.
#[derive(Debug, Serialize)]
pub(crate) struct Section {
    pub(crate) title: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Row>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Row {
    pub(crate) cells: Vec<String>,
    pub(crate) overdue: bool,
}

pub(crate) fn section(a: &Assessment, rules: &Rules) -> Option<Section> {
    let s = rules.notices.supervision.as_ref()?;
    Some(Section {
        title: s.register.clone(),
        headers: s.register_headers.clone(),
        rows: a
            .register
            .iter()
            .map(|t| Row {
                cells: cells(t, rules),
                overdue: t.state.is_late(),
            })
            .collect(),
    })
}

/// The year's register for the annual summary: every task of the year's notices, closed ones
/// with their 销号 date.
pub(crate) fn annual_sheet(year: i32, tasks: &[TaskState], rules: &Rules) -> Option<SheetSpec> {
    let s = rules.notices.supervision.as_ref()?;
    Some(SheetSpec {
        name: s.register.clone(),
        title: format!("{year}年度{}", s.register),
        headers: s.register_headers.clone(),
        red: tasks.iter().map(|t| t.state.is_late()).collect(),
        rows: tasks.iter().map(|t| sheet_cells(t, rules)).collect(),
    })
}

/// The year's register as the annual page shows it.
pub(crate) fn annual_section(tasks: &[TaskState], rules: &Rules) -> Option<Section> {
    let s = rules.notices.supervision.as_ref()?;
    Some(Section {
        title: s.register.clone(),
        headers: s.register_headers.clone(),
        rows: tasks
            .iter()
            .map(|t| Row {
                cells: cells(t, rules),
                overdue: t.state.is_late(),
            })
            .collect(),
    })
}
