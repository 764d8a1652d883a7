//! What every template shares: the request, the blank form of a table (with optional drop-down
//! lists), its title, notes and example date. Used by the monthly templates (`forms.rs`) and the
//! weekly ones (`weekly_forms.rs`).

use super::Place;
use crate::calendar::Month;
use crate::report::file_name::safe_file_name;
use crate::report::forms::{Form, FormList, workbook};
use crate::report::{OutputFile, OutputKind};
use crate::rules::{Rules, TableSchema};
use anyhow::Context;
use std::path::PathBuf;

/// Empty rows of a blank template.
pub(super) const BLANK_ROWS: usize = 50;

/// The forms to make.
#[derive(Debug, Clone)]
pub struct FormsRequest {
    /// The ledger to pre-fill the units' monthly reports from.
    pub ledger: Option<PathBuf>,
    pub month: Month,
    /// Another table (id, title or part of its title) to write the blank form of.
    pub table: Option<String>,
    /// The output folder and the history (last month's cumulative figures).
    pub place: Place,
    pub rules: Option<PathBuf>,
}

/// The form's title: the month its table's titles name for `month` (`[report_month] title`: the
/// signed list of October's assessment is titled September), then the table.
pub(super) fn title(schema: &TableSchema, month: Month) -> String {
    let named = schema
        .report_month
        .as_ref()
        .and_then(|r| r.title)
        .map_or(month, |offset| month.shift(offset));
    format!("{}年{}月{}", named.year, named.month, schema.title)
}

pub(super) fn notes(rules: &Rules, schema: &TableSchema) -> Vec<String> {
    rules
        .deadlines
        .rules
        .iter()
        .filter(|d| d.table.as_deref() == Some(schema.id.as_str()))
        .map(|d| format!("报送时限：{}。", d.name))
        .collect()
}

/// The form of `schema` for `month` (for `unit`, or any), empty, with `BLANK_ROWS` rows to
/// fill in: callers add rows, lists and locks.
pub(super) fn form<'a>(
    rules: &'a Rules,
    schema: &'a TableSchema,
    month: Month,
    unit: Option<String>,
) -> Form<'a> {
    Form {
        schema,
        vocab: &rules.vocab,
        title: title(schema, month),
        unit,
        year: Some(month.year),
        example: example_day(rules, schema, month),
        lists: Vec::new(),
        locked: Vec::new(),
        filled_from: rules
            .table(rules.roles.table(crate::rules::TableRole::Ledger))
            .map(|t| t.title.clone())
            .unwrap_or_default(),
        rows: Vec::new(),
        blank_rows: BLANK_ROWS,
        notes: notes(rules, schema),
        created: month.day(1),
    }
}

/// The blank form of `schema`, with `lists` as drop-downs.
pub(super) fn blank_template_with(
    rules: &Rules,
    schema: &TableSchema,
    month: Month,
    lists: Vec<FormList>,
) -> anyhow::Result<OutputFile> {
    let t = Form {
        lists,
        ..form(rules, schema, month, None)
    };
    let bytes = workbook(&t).context("无法生成模板")?;
    Ok(OutputFile::new(
        OutputKind::Form,
        format!("{}.xlsx", safe_file_name(&t.title)),
        bytes,
    ))
}

/// The example date of a form's prompts: the day its reports are due in `month` (its deadline
/// rule: the day of the month, or the month's first such weekday), else the month's first day.
pub(super) fn example_day(rules: &Rules, schema: &TableSchema, month: Month) -> chrono::NaiveDate {
    use chrono::Datelike;
    let rule = rules
        .deadlines
        .rules
        .iter()
        .find(|d| d.table.as_deref() == Some(schema.id.as_str()));
    match rule.map(|d| (&d.due, d.next_working_day)) {
        // The due day as the deadline counts it: a day off moves to the next working day.
        Some((crate::rules::Due::DayOfMonth(day), true)) => {
            rules.calendar.on_or_after(month.day(*day)).value
        }
        Some((crate::rules::Due::DayOfMonth(day), false)) => month.day(*day),
        Some((crate::rules::Due::Weekday(w), _)) => (1..=7)
            .map(|d| month.day(d))
            .find(|d| d.weekday().number_from_monday() == *w)
            .unwrap_or(month.day(1)),
        _ => month.day(1),
    }
}
