//! `[stages.notes]` of `rules/lights.toml`: what a 三个一批 figure says besides its numbers.

use super::super::RulesError;
use serde::Deserialize;

/// What a month's 三个一批 figure says besides its numbers, in the 通报, the report and the
/// workbook alike.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageNotes {
    /// `{stage}`, `{late}`: of the month's figure, those dated in an earlier month.
    pub(crate) late: String,
    /// `{stage}`, `{dropped}`: counted in the year by an earlier month, no longer counted (W076).
    pub(crate) dropped: String,
    /// `{stage}`, `{moved_out}`: of a unit's year, counted by it in an earlier month and still
    /// counted, under another unit now (W078); none (a rules folder written before it existed):
    /// the shipped wording.
    #[serde(default)]
    pub(crate) moved_out: Option<String>,
    /// `{stage}`, `{moved_in}`: of a unit's year, counted by an earlier month under another unit
    /// (W078); none: the shipped wording.
    #[serde(default)]
    pub(crate) moved_in: Option<String>,
    /// `{stage}`, `{undated}`: of a year's signed figure, those only a record of history format
    /// 7 gives, with no unit or 总投资 (W079); none: the shipped wording.
    #[serde(default)]
    pub(crate) undated: Option<String>,
    /// A row's note on its month figure: `{stage}`, `{count}`, `{note}` (the `late` text).
    pub(crate) month_row: String,
    /// A row's note on its year figure: `{stage}`, `{count}`, `{note}` (the `dropped`,
    /// `moved_out`, `moved_in` and `undated` texts, joined by `，`).
    pub(crate) year_row: String,
    /// The header of the column of the row notes (shown when a row has one).
    pub(crate) header: String,
}

impl StageNotes {
    /// The `moved_out` wording.
    pub(crate) fn moved_out(&self) -> &str {
        self.moved_out
            .as_deref()
            .expect("loading fills the moved_out note")
    }

    /// The `moved_in` wording.
    pub(crate) fn moved_in(&self) -> &str {
        self.moved_in
            .as_deref()
            .expect("loading fills the moved_in note")
    }

    /// The `undated` wording.
    pub(crate) fn undated(&self) -> &str {
        self.undated
            .as_deref()
            .expect("loading fills the undated note")
    }

    /// The notes a rules folder written before them left out, in the wording of `shipped`.
    pub(super) fn fill_from(
        &mut self,
        shipped: impl Fn() -> Result<Option<StageNotes>, RulesError>,
    ) -> Result<(), RulesError> {
        if self.moved_out.is_none() {
            self.moved_out = shipped()?.and_then(|n| n.moved_out);
        }
        if self.moved_in.is_none() {
            self.moved_in = shipped()?.and_then(|n| n.moved_in);
        }
        if self.undated.is_none() {
            self.undated = shipped()?.and_then(|n| n.undated);
        }
        Ok(())
    }

    /// Each text with the placeholders it may use.
    pub(super) fn texts(&self) -> [(&str, &'static [&'static str]); 7] {
        [
            (&self.late, &["stage", "late"]),
            (&self.dropped, &["stage", "dropped"]),
            (self.moved_out(), &["stage", "moved_out"]),
            (self.moved_in(), &["stage", "moved_in"]),
            (self.undated(), &["stage", "undated"]),
            (&self.month_row, &["stage", "count", "note"]),
            (&self.year_row, &["stage", "count", "note"]),
        ]
    }
}
