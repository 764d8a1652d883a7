//! Where a deadline stands: the statuses the engine gives and the rules name (`deadlines.toml`
//! labels, `lights.toml` conditions), with the keys history stores.

use serde::{Deserialize, Serialize};

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
