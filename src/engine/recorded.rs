//! What history holds of earlier months, as the engine reads it: runs, unit results, project
//! results, notices and deadline findings (rows of the history file, read by `history`).

/// A recorded run of a month.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub month: String,
    pub revision: i64,
    pub as_of: String,
    pub source: String,
}

/// One unit's recorded result, for `history show`.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub month: String,
    pub revision: i64,
    pub unit: String,
    pub score: f64,
    pub rank: i64,
    pub bottom: bool,
    pub streak: i64,
    pub penalties: String,
}

/// A numbered notice as recorded.
#[derive(Debug, Clone)]
pub struct NoticeRow {
    pub month: String,
    pub recipient: String,
    pub kind: String,
    pub number: String,
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

/// A recorded deadline finding (`status` as the engine's status name, e.g. `Overdue`).
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub rule: String,
    pub status: String,
    pub subject: String,
    pub recipient: Option<String>,
    pub due: Option<String>,
    pub workdays: Option<i64>,
}
