//! Which table a file is: by what it holds, not where it lies. A file whose name a table's
//! `files` patterns claim is read as that table when its header fits; otherwise (a monthly report
//! laid flat in the month folder, or in a folder of another name) every table's header is tried and
//! the one that fits best wins. Clutter (`~$` lock files, `Thumbs.db` …) is never a table.

use super::InputFile;
use super::workbook::Sheet;
use crate::diagnostic::Diagnostic;
use crate::rules::Rules;

/// Extensions of the files the content is looked at when no pattern claims them.
const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xls", "ods", "et", "ett", "xltx"];

/// What a file of the input folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claim {
    /// The table at this index of `rules.tables`.
    Table(usize),
    /// A spreadsheet or other file that no table fits.
    Unknown,
}

/// Whether the file's content is worth opening: a table's pattern claims it, or it is a
/// spreadsheet by its extension.
pub(super) fn worth_opening(f: &InputFile, rules: &Rules) -> bool {
    if rules.tables.iter().any(|t| t.matches(&f.rel)) {
        return true;
    }
    let ext = f.rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    ext.is_some_and(|e| SPREADSHEETS.contains(&e.as_str()))
}

/// The table `f` is read as. `sheets` is the opened workbook (an unreadable file goes to the table
/// its name says, where its problem is reported).
pub(super) fn claim(
    f: &InputFile,
    sheets: &Result<Vec<Sheet>, Diagnostic>,
    rules: &Rules,
) -> Claim {
    let by_name = rules.tables.iter().position(|t| t.matches(&f.rel));
    let Ok(sheets) = sheets else {
        return by_name.map_or(Claim::Unknown, Claim::Table);
    };
    if let Some(i) = by_name
        && fits(sheets, i, rules).is_some()
    {
        return Claim::Table(i);
    }
    let best = (0..rules.tables.len())
        .filter(|&i| Some(i) != by_name)
        .filter_map(|i| fits(sheets, i, rules).map(|score| (score, i)))
        // The most columns recognised wins; on a tie, the table listed first.
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    match (best, by_name) {
        (Some((_, i)), _) => Claim::Table(i),
        (None, Some(i)) => Claim::Table(i),
        (None, None) => Claim::Unknown,
    }
}

/// How many columns of table `i` a sheet's complete header names (every required column there).
fn fits(sheets: &[Sheet], i: usize, rules: &Rules) -> Option<usize> {
    let schema = &rules.tables[i];
    sheets
        .iter()
        .filter_map(|s| super::wide::detect(s, schema, &rules.vocab))
        .filter(|h| h.missing.is_empty())
        .map(|h| h.columns.len() + h.groups.iter().map(|g| g.columns.len()).sum::<usize>())
        .max()
}
