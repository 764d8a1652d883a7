//! Reports: render an `Assessment` as the ranking workbook, the HTML report and `run.json`.
//! Reports know nothing of rule semantics; they show what the engine computed.

pub mod annual;
pub(crate) mod cells;
pub mod evaluate;
pub mod html;
pub mod notice;
pub mod office_calendar;
pub mod pages;
pub mod ranking_workbook;
pub mod screening;
pub mod sheet;
pub mod template;
pub mod weekly;

use crate::engine::assess::Assessment;

/// `2026年10月`.
pub fn month_label(a: &Assessment) -> String {
    format!("{}年{}月", a.month.year, a.month.month)
}

/// File names of the outputs of a month.
pub fn workbook_name(a: &Assessment) -> String {
    format!("{}重点项目考核排名.xlsx", month_label(a))
}

pub fn html_name(a: &Assessment) -> String {
    format!("{}重点项目推进情况报告.html", month_label(a))
}

/// `run.json`: the same results, machine-readable.
pub fn json(a: &Assessment) -> String {
    serde_json::to_string_pretty(a).unwrap_or_default()
}
