//! The engine: pure functions from rules, records and an as-of date to results. No I/O, no clock.

pub mod annual;
pub mod assess;
pub mod condition;
pub mod deadlines;
pub mod evaluate;
pub mod notices;
pub mod office_calendar;
pub mod project;
pub mod rank;
pub mod ranking;
pub mod results;
pub mod screening;
pub mod streak;
pub mod weekly;

pub use deadlines::{DeadlineRow, Status, evaluate_deadlines};
pub use project::{ProjectView, project_views};

use chrono::NaiveDate;

/// The assessed month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `2026-10`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (y.len() == 4 && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    pub fn of(d: NaiveDate) -> Month {
        use chrono::Datelike;
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The given day of this month, clamped to its last day.
    pub fn day(self, day: u32) -> NaiveDate {
        (1..=day.min(31))
            .rev()
            .find_map(|d| NaiveDate::from_ymd_opt(self.year, self.month, d))
            .expect("a valid month has a first day")
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}
