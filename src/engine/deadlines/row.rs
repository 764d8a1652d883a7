//! One deadline of one subject, as the deadline tables, findings and notices read it.

use super::Status;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One deadline of one subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeadlineRow {
    pub rule: String,
    pub rule_name: String,
    pub project: Option<String>,
    pub project_name: Option<String>,
    /// The procedure, or the file, the deadline is about.
    pub item: Option<String>,
    pub recipient: Option<String>,
    pub from: Option<NaiveDate>,
    pub days: Option<u32>,
    pub due: Option<NaiveDate>,
    pub met_on: Option<NaiveDate>,
    pub status: Status,
    pub status_label: String,
    /// Working days late (overdue, met late) or remaining (due soon, pending).
    pub workdays: Option<i64>,
    /// Years the result depends on that have no official schedule (provisional when non-empty).
    pub missing_years: Vec<i32>,
    /// Where the start date came from.
    pub source: String,
    /// Why a finding of the 督办 loop is one (`[supervision.finding]`); none for deadlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl DeadlineRow {
    /// Adds the years without an official schedule in `years` that the row does not name yet.
    pub(super) fn add_missing_years(&mut self, years: &[i32]) {
        for &y in years {
            if !self.missing_years.contains(&y) {
                self.missing_years.push(y);
            }
        }
    }
}
