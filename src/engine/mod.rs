//! The engine: pure functions from rules, records and an as-of date to results. No I/O, no clock.

pub(crate) mod aliases;
pub mod annual;
pub mod assess;
pub(crate) mod cards;
pub(crate) mod continuity;
pub mod deadlines;
pub mod evidence;
pub mod lights;
pub(crate) mod new_units;
pub mod notices;
pub mod office_calendar;
pub mod outlook;
pub mod overview;
pub mod post_evaluation;
pub mod project;
pub mod ranking;
pub mod recorded;
pub(crate) mod report_up;
pub mod results;
pub mod screening;
pub(crate) mod signings;
pub mod stages;
pub mod streak;
pub(crate) mod supervision;
pub mod ties;
pub(crate) mod up_report;
pub mod weekly;

pub use deadlines::{DeadlineRow, Status, deadline_rows};

pub use crate::calendar::Month;

/// The history's snapshot read against this month's rows, as every job that reads both does
/// it: units renamed in `units.toml` keep their history (aliases), project ids the ledger writes
/// otherwise keep their figures, and units new to the list are said (`check` and `run`; not
/// `deadlines`, which lists dates only: `new_units = false`).
pub(crate) fn join_history(
    rules: &crate::rules::Rules,
    data: &mut crate::ingest::Dataset,
    snapshot: &mut results::Snapshot,
    new_units: bool,
) {
    aliases::follow_aliases(&rules.units, snapshot);
    continuity::align_ids(data, snapshot);
    if new_units {
        new_units::check(rules, data, snapshot);
    }
}
