//! What history holds of earlier months, as the engine reads it: runs, unit results, project
//! results, notices and deadline findings (rows of the history file, read by `history`).

use super::deadlines::Status;
use super::results::{Input, PartScore};

/// A recorded run of a month.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub(crate) month: String,
    pub(crate) revision: i64,
    pub(crate) as_of: String,
    pub(crate) source: String,
}

/// One unit's recorded result, for `history show`.
#[derive(Debug, Clone)]
pub(crate) struct UnitRow {
    pub(crate) month: String,
    pub(crate) revision: i64,
    pub(crate) unit: String,
    pub(crate) score: f64,
    pub(crate) rank: i64,
    pub(crate) bottom: bool,
    pub(crate) streak: i64,
    /// Penalty ids (the rules' `[[penalty]] id`), in the order given.
    pub(crate) penalties: Vec<String>,
}

/// A numbered notice as recorded.
#[derive(Debug, Clone)]
pub(crate) struct NoticeRow {
    pub(crate) month: String,
    pub(crate) recipient: String,
    pub(crate) kind: String,
    pub(crate) number: String,
}

/// A project's recorded result of one month.
#[derive(Debug, Clone)]
pub struct ProjectRow {
    pub month: String,
    pub project: String,
    pub unit: String,
    pub score: f64,
    pub reported: bool,
    pub cum_invest: Option<f64>,
    pub started: Option<bool>,
    pub actual_start: Option<String>,
    pub completed: Option<bool>,
    pub completed_date: Option<String>,
}

/// A recorded deadline finding. Months recorded by release 0.1.0 have only `rule`, `status`,
/// `subject`, `recipient`, `due` and `workdays`; the rest is `None` there.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub rule: String,
    pub status: Status,
    /// Project and item, space-separated.
    pub subject: String,
    pub recipient: Option<String>,
    pub due: Option<String>,
    pub workdays: Option<i64>,
    pub rule_name: Option<String>,
    pub project: Option<String>,
    pub item: Option<String>,
    pub from: Option<String>,
    pub met_on: Option<String>,
    pub status_label: Option<String>,
    /// Where the start date came from.
    pub source: Option<String>,
}

/// A project's recorded result of one month with what explains it.
#[derive(Debug, Clone)]
pub(crate) struct ProjectDetail {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) total: f64,
    pub(crate) notes: Vec<String>,
    pub(crate) inputs: Vec<Input>,
    pub(crate) parts: Vec<PartScore>,
}

/// A unit's recorded result of one month with its evidence.
#[derive(Debug, Clone)]
pub(crate) struct UnitDetail {
    pub(crate) unit: String,
    pub(crate) projects: usize,
    pub(crate) score: f64,
    pub(crate) rank: i64,
    pub(crate) bottom: bool,
    pub(crate) streak: i64,
    pub(crate) evidence: Vec<String>,
}

/// A month's recorded results as `explain` reads them (latest revision), in the order assessed.
#[derive(Debug, Clone)]
pub(crate) struct MonthDetail {
    pub(crate) projects: Vec<ProjectDetail>,
    pub(crate) units: Vec<UnitDetail>,
    pub(crate) findings: Vec<FindingRow>,
}
