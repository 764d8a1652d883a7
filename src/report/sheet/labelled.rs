//! Dates with words (`Cell::Labelled`): their number format, the cap on how many such formats a
//! workbook holds, and which of them become their text where their words would not print.

use super::super::print_layout::{Layout, fit_lines, overflows};
use super::{Cell, DATE, SheetSpec, longest, wants};
use std::collections::HashSet;

/// A date between words that its number format shows (see `Cell::Labelled`).
#[derive(Debug, Clone)]
pub(crate) struct Labelled {
    pub(crate) date: chrono::NaiveDate,
    pub(crate) before: String,
    pub(crate) after: String,
}

impl Labelled {
    /// The words and the date as the report shows them.
    pub(super) fn shown(&self) -> String {
        format!("{}{}{}", self.before, self.date, self.after)
    }

    /// The cell of its text (which wraps).
    fn as_text(&self) -> Cell {
        Cell::Text(self.shown())
    }
}

/// A date with `mark` after it in brackets (`2027-01-28（暂定）`), as the notice shows it.
pub(crate) fn marked_date(date: chrono::NaiveDate, mark: &str) -> Cell {
    labelled(date, "", &format!("（{mark}）"))
}

/// A date between `before` and `after`: a date cell, unless the words would make a number format
/// longer than Excel takes (255 characters), hold a control or invisible character (a line break
/// of a note, a U+FFFF) or be wider than a column is made (a date does not wrap: Excel would
/// show `####`), when it is their text.
pub(crate) fn labelled(date: chrono::NaiveDate, before: &str, after: &str) -> Cell {
    let l = Labelled {
        date,
        before: before.to_string(),
        after: after.to_string(),
    };
    // A control character or a noncharacter (U+FFFF) has no place in a number format's XML.
    let control = |w: &str| {
        w.chars()
            .any(|c| c.is_control() || crate::text::is_invisible(c))
    };
    if labelled_format(&l).chars().count() > FORMAT_CODE_MAX
        || control(before)
        || control(after)
        || Cell::Labelled(l.clone()).width() > super::super::print_layout::COLUMN_CAP
    {
        l.as_text()
    } else {
        Cell::Labelled(l)
    }
}

/// The longest number format Excel opens.
const FORMAT_CODE_MAX: usize = 255;

/// The most distinct labelled-date number formats one workbook gets. Number formats belong to
/// the workbook (styles.xml), and Excel documents a limit of about 200 to 250 custom ones: past
/// it, it drops formats or reports them lost on opening. Every distinct feedback note is a
/// format of its own, and a year's register can hold hundreds; 150 leaves room for the
/// workbook's other formats.
pub(super) const LABELLED_FORMATS_CAP: usize = 150;

/// Keeps the labelled dates of the sheets of one workbook (`specs`, in their order) within
/// `LABELLED_FORMATS_CAP` distinct number formats: sheet by sheet, row by row, a labelled date
/// whose format is not one of the first `LABELLED_FORMATS_CAP` distinct ones is its text (the
/// same inputs give the same cells).
pub(crate) fn cap_formats(specs: &mut [SheetSpec]) {
    let mut seen: HashSet<String> = HashSet::new();
    for cell in specs.iter_mut().flat_map(|s| s.rows.iter_mut().flatten()) {
        if let Cell::Labelled(l) = cell {
            let format = labelled_format(l);
            if !seen.contains(&format) {
                if seen.len() >= LABELLED_FORMATS_CAP {
                    *cell = l.as_text();
                    continue;
                }
                seen.insert(format);
            }
        }
    }
}

/// The number format of a labelled date: the words as quoted literal text (a `"` in them, which
/// cannot stand inside quotes, as an escaped `\"` between quoted parts).
pub(super) fn labelled_format(l: &Labelled) -> String {
    let quoted = |words: &str| {
        if words.is_empty() {
            return String::new();
        }
        words
            .split('"')
            .map(|part| format!("\"{part}\""))
            .collect::<Vec<_>>()
            .join("\\\"")
    };
    format!("{}{DATE}{}", quoted(&l.before), quoted(&l.after))
}

/// The layout of `spec`, and `spec` with the labelled dates of some columns as their text when
/// their words widen the columns past what the page holds at 8 pt (text wraps): the columns of
/// the widest words first, one at a time, until the page holds the sheet. When even all of them
/// as text would not make it fit, none is converted (they would lose their date cells for
/// nothing); nor are the columns the page holds without converting them (a 暂定 date).
pub(super) fn fit_words(spec: &SheetSpec) -> (Option<SheetSpec>, Layout) {
    let layout = fit_lines(&wants(spec), &longest(spec));
    if !overflows(&layout) {
        return (None, layout);
    }
    let mut columns: Vec<(usize, usize)> = (0..spec.headers.len())
        .filter_map(|c| {
            let widths = spec.rows.iter().filter_map(|r| match r.get(c) {
                Some(x @ Cell::Labelled(_)) => Some(x.width()),
                _ => None,
            });
            widths.max().map(|w| (c, w))
        })
        .collect();
    columns.sort_by_key(|&(c, w)| (std::cmp::Reverse(w), c));
    let mut converted = spec.clone();
    for (c, _) in columns {
        for row in &mut converted.rows {
            if let Some(cell) = row.get_mut(c)
                && let Cell::Labelled(l) = cell
            {
                *cell = l.as_text();
            }
        }
        let fitted = fit_lines(&wants(&converted), &longest(&converted));
        if !overflows(&fitted) {
            return (Some(converted), fitted);
        }
    }
    (None, layout)
}
