//! Which table a file is: by what it holds, not where it lies. A file whose name a table's
//! `files` patterns claim is read as that table when its header fits; otherwise (a monthly report
//! laid flat in the month folder, or in a folder of another name) every table's header is tried and
//! the one that fits best wins. Clutter (`~$` lock files, `Thumbs.db` …) is never a table.

use super::InputFile;
use super::header::Header;
use super::workbook::Sheet;
use crate::diagnostic::Diagnostic;
use crate::rules::{Rules, TableSchema, Vocabulary};

/// Extensions of the files the content is looked at when no pattern claims them.
const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xls", "ods", "et", "ett", "xltx"];

/// What a file of the input folder is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Claim {
    /// The table at this index of `rules.tables`, with the header found in each sheet for it
    /// (so that reading the file does not look for them again; empty for an unreadable file).
    Table(usize, Headers),
    /// A spreadsheet or other file that no table fits.
    Unknown,
}

/// Whether the file's content is worth opening: a table's pattern claims it, or it is a
/// spreadsheet by its extension.
pub(super) fn worth_opening(f: &InputFile, rules: &Rules) -> bool {
    let ext = extension(&f.rel);
    if ext
        .as_deref()
        .is_some_and(|e| NOT_SPREADSHEETS.contains(&e))
    {
        return false;
    }
    if rules.tables.iter().any(|t| t.matches(&f.rel)) {
        return true;
    }
    ext.is_some_and(|e| SPREADSHEETS.contains(&e.as_str()))
}

/// Extensions of files that are surely no spreadsheet (a note, a scan, an archive beside the
/// reports): never opened, even where a table's pattern (`月报/*`) takes every name.
pub(super) const NOT_SPREADSHEETS: &[&str] = &[
    "txt", "md", "doc", "docx", "wps", "rtf", "pdf", "ofd", "jpg", "jpeg", "png", "gif", "bmp",
    "tif", "tiff", "zip", "rar", "7z",
];

/// The lower-case extension of a relative path's file name, if any.
pub(super) fn extension(rel: &str) -> Option<String> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())
}

/// The header of each sheet of a workbook for one table, in the workbook's order.
pub(super) type Headers = Vec<Option<Header>>;

/// The header of each sheet for `schema`.
pub(super) fn headers(
    sheets: &[Sheet],
    schema: &TableSchema,
    vocab: &Vocabulary,
    month: Option<crate::calendar::Month>,
) -> Headers {
    sheets
        .iter()
        .map(|s| super::wide::detect(s, schema, vocab, month))
        .collect()
}

/// The table `f` is read as. `sheets` is the opened workbook (an unreadable file goes to the table
/// its name says, where its problem is reported).
pub(super) fn claim(
    f: &InputFile,
    sheets: &Result<Vec<Sheet>, Diagnostic>,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
) -> Claim {
    let by_name = rules.tables.iter().position(|t| t.matches(&f.rel));
    let Ok(sheets) = sheets else {
        return by_name.map_or(Claim::Unknown, |i| Claim::Table(i, Vec::new()));
    };
    let fitting = |i: usize| {
        let found = headers(sheets, &rules.tables[i], &rules.vocab, month);
        (fits(&found), found)
    };
    let named = by_name.map(|i| (i, fitting(i)));
    if let Some((i, (Some(_), found))) = named {
        return Claim::Table(i, found);
    }
    let best = (0..rules.tables.len())
        .filter(|&i| Some(i) != by_name)
        .filter_map(|i| match fitting(i) {
            (Some(score), found) => Some((score, i, found)),
            (None, _) => None,
        })
        // The most columns recognised wins; on a tie, the table listed first.
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    match (best, named) {
        (Some((_, i, found)), _) => Claim::Table(i, found),
        (None, Some((i, (_, found)))) => Claim::Table(i, found),
        (None, None) => Claim::Unknown,
    }
}

/// How many columns a sheet's complete header names (every required column there), at best.
fn fits(headers: &Headers) -> Option<usize> {
    headers
        .iter()
        .flatten()
        .filter(|h| h.missing.is_empty())
        .map(|h| h.columns.len() + h.groups.iter().map(|g| g.columns.len()).sum::<usize>())
        .max()
}

/// How well a workbook's header fits the table it is given as (`ingest_file_fit`).
#[derive(Debug, Clone, PartialEq)]
pub struct TableFit {
    /// The labels of the table's fields its best sheet's header names.
    pub found: Vec<String>,
    /// The labels of the table's fields it does not name.
    pub absent: Vec<String>,
    /// Another table whose complete header it fits with more columns: its title and how many.
    pub better: Option<(String, usize)>,
}

/// How `sheets`, with `found` the headers for `schema`, fit `schema` and the other tables.
pub(super) fn fit(
    sheets: &[Sheet],
    schema: &TableSchema,
    found: &Headers,
    rules: &Rules,
) -> TableFit {
    let named: std::collections::BTreeSet<usize> = found
        .iter()
        .flatten()
        .max_by_key(|h| h.columns.len())
        .map(|h| h.columns.iter().map(|c| c.field).collect())
        .unwrap_or_default();
    let own = fits(found).unwrap_or(0);
    let better = rules
        .tables
        .iter()
        .filter(|t| t.id != schema.id)
        .filter_map(|t| Some((fits(&headers(sheets, t, &rules.vocab, None))?, t)))
        .filter(|(n, _)| *n > own)
        .max_by_key(|(n, _)| *n)
        .map(|(n, t)| (t.title.clone(), n));
    let label = |i: usize| schema.fields[i].label.clone();
    TableFit {
        found: named.iter().map(|&i| label(i)).collect(),
        absent: (0..schema.fields.len())
            .filter(|i| !named.contains(i))
            .map(label)
            .collect(),
        better,
    }
}
