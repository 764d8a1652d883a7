//! Where a deadline stands: the statuses the engine gives and the rules name (`deadlines.toml`
//! labels, `lights.toml` conditions), with the keys history stores.

use serde::{Deserialize, Serialize};

/// The status ids the rules may name (`met`, `overdue` …), as `Status::key` gives them.
pub(crate) const STATUSES: &[&str] = &[
    "met", "met_late", "overdue", "due_soon", "pending", "no_date",
];

/// Labels of each deadline status, as reports show them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusLabels {
    pub(crate) met: String,
    pub(crate) met_late: String,
    pub(crate) overdue: String,
    pub(crate) due_soon: String,
    pub(crate) pending: String,
    pub(crate) no_date: String,
    /// A start date but no time limit (a procedure neither its row nor `limits` give days for);
    /// `no_date`'s words when not given.
    #[serde(default)]
    pub(crate) no_limit: Option<String>,
}

/// A deadline's own words for some statuses (a report 未报送 rather than 逾期未完成); the others
/// are the file's `[status]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnLabels {
    pub(crate) met: Option<String>,
    pub(crate) met_late: Option<String>,
    pub(crate) overdue: Option<String>,
    pub(crate) due_soon: Option<String>,
    pub(crate) pending: Option<String>,
    pub(crate) no_date: Option<String>,
    pub(crate) no_limit: Option<String>,
}

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Overdue,
    MetLate,
    DueSoon,
    Pending,
    Met,
    NoDate,
}

impl Status {
    /// The name rules use for this status (`met`, `met_late`, `overdue`, …).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::MetLate => "met_late",
            Status::Overdue => "overdue",
            Status::DueSoon => "due_soon",
            Status::Pending => "pending",
            Status::NoDate => "no_date",
        }
    }

    /// The status of a key written by `key` (as history stores it).
    pub fn from_key(key: &str) -> Option<Status> {
        [
            Status::Overdue,
            Status::MetLate,
            Status::DueSoon,
            Status::Pending,
            Status::Met,
            Status::NoDate,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}
