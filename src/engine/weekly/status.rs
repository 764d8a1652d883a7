//! The status word of a weekly problem row, read with the words of `rules/weekly.toml`.

use crate::text::key;

/// The status of a problem row, read from the words of `rules/weekly.toml` (`[status]`);
/// the row keeps its own text for display and history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemStatus {
    /// No (readable) status written.
    Blank,
    Solved,
    Coordinating,
    /// To go to Friday's meeting.
    Meeting,
    /// Any other word: the problem stays open.
    Other,
}

impl ProblemStatus {
    /// Reads `text` with the status words of the rules (spaces and width ignored).
    pub(crate) fn parse(text: &str, words: &crate::rules::weekly::StatusWords) -> ProblemStatus {
        let k = key(text);
        if text.trim().is_empty() {
            ProblemStatus::Blank
        } else if k == key(&words.solved) {
            ProblemStatus::Solved
        } else if k == key(&words.coordinating) {
            ProblemStatus::Coordinating
        } else if k == key(&words.meeting) {
            ProblemStatus::Meeting
        } else {
            ProblemStatus::Other
        }
    }
}
