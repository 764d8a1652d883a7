//! Reading the data rows under a detected header: classify each row (data, blank, 合计, note),
//! parse each mapped cell as its field's type, and report what cannot be read.

use super::header::Header;
use super::row::RowRead;
use super::value::cell_text;
use super::workbook::Sheet;
use crate::rules::{TableSchema, Vocabulary};
use rayon::prelude::*;

/// Row counts of one sheet, for reconciliation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCounts {
    pub read: usize,
    pub data: usize,
    pub blank: usize,
    pub total: usize,
    pub note: usize,
    /// 小计 rows inside the table, skipped.
    #[serde(skip_serializing_if = "is_zero")]
    pub subtotal: usize,
    /// One-based rows of the skipped 小计 rows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subtotal_rows: Vec<u32>,
    /// One-based rows of data rows that are hidden in the sheet (read like any other).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden_rows: Vec<u32>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl RowCounts {
    /// Adds another sheet's counts.
    pub(crate) fn add(&mut self, other: &RowCounts) {
        self.read += other.read;
        self.data += other.data;
        self.blank += other.blank;
        self.total += other.total;
        self.note += other.note;
        self.subtotal += other.subtotal;
        self.subtotal_rows.extend(&other.subtotal_rows);
        self.hidden_rows.extend(&other.hidden_rows);
    }
}

/// How a row below the header is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Total,
    Subtotal,
    Note,
    Data,
}

/// Reads every row below the header.
pub(crate) fn read_rows(
    sheet: &Sheet,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
    file: &str,
) -> (Vec<RowRead>, RowCounts) {
    let start = header.data_start.min(sheet.rows.len());
    // Classifying and reading a row depend on that row alone: both run on every core, and the
    // table's order (where a 合计 row ends it) is settled in one pass between them.
    let kinds: Vec<Kind> = (start..sheet.rows.len())
        .into_par_iter()
        .map(|r| classify(sheet, r, header, vocab))
        .collect();
    let follows = data_follows(sheet, start, &kinds, header, schema);
    let mut in_tail = false;
    let kinds: Vec<Kind> = kinds
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let kind = match k {
                Kind::Blank => Kind::Blank,
                _ if in_tail => Kind::Note,
                k => k,
            };
            match kind {
                // A total row ends the table only when no data row follows it.
                Kind::Total => in_tail = !follows[i],
                Kind::Note => in_tail = true,
                _ => {}
            }
            kind
        })
        .collect();
    let mut reads: Vec<Vec<RowRead>> = kinds
        .par_iter()
        .enumerate()
        .map(|(i, k)| match k {
            Kind::Data => super::wide::read_data_row(sheet, start + i, header, schema, vocab, file),
            _ => Vec::new(),
        })
        .collect();
    let mut rows = Vec::new();
    let mut counts = RowCounts::default();
    for (i, r) in (start..sheet.rows.len()).enumerate() {
        counts.read += 1;
        match kinds[i] {
            Kind::Blank => counts.blank += 1,
            Kind::Subtotal => {
                counts.subtotal += 1;
                counts.subtotal_rows.push(sheet.abs(r, 0).0 + 1);
            }
            Kind::Total => counts.total += 1,
            Kind::Note => counts.note += 1,
            Kind::Data => {
                let read = std::mem::take(&mut reads[i]);
                if read.is_empty() {
                    // A wide row with no group filled: a project with nothing assigned.
                    counts.blank += 1;
                    continue;
                }
                // A wide row counts once per record it holds.
                counts.read += read.len() - 1;
                counts.data += read.len();
                if sheet.hidden(r) {
                    counts.hidden_rows.push(sheet.abs(r, 0).0 + 1);
                }
                rows.extend(read);
            }
        }
    }
    (rows, counts)
}

/// The kind of a row from its own cells (not values filled in from merged regions).
fn classify(sheet: &Sheet, r: usize, header: &Header, vocab: &Vocabulary) -> Kind {
    let cells: Vec<(usize, String)> = sheet.rows[r]
        .iter()
        .enumerate()
        .map(|(c, d)| (c, cell_text(d)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    if cells.is_empty() || serial_only(&cells, header) {
        return Kind::Blank;
    }
    let lead: Vec<&String> = cells.iter().take(3).map(|(_, t)| t).collect();
    if lead.iter().any(|t| is_marker(t, &vocab.subtotal_rows)) {
        return Kind::Subtotal;
    }
    if lead.iter().any(|t| is_marker(t, &vocab.total_rows)) {
        return Kind::Total;
    }
    if cells.len() <= 2
        && vocab
            .note_rows
            .iter()
            .any(|m| cells[0].1.starts_with(m.as_str()))
    {
        return Kind::Note;
    }
    Kind::Data
}

/// A pre-numbered template row: nothing but a whole number outside the mapped columns (序号).
fn serial_only(cells: &[(usize, String)], header: &Header) -> bool {
    let [(col, text)] = cells else {
        return false;
    };
    !header.columns.iter().any(|c| c.col == *col)
        && !header
            .groups
            .iter()
            .any(|g| g.columns.iter().any(|c| c.col == *col))
        && text.parse::<u32>().is_ok()
}

/// For each row from grid row `start`: whether a data row (every required mapped column
/// filled) comes after it before the notes under the table. One pass from the bottom.
fn data_follows(
    sheet: &Sheet,
    start: usize,
    kinds: &[Kind],
    header: &Header,
    schema: &TableSchema,
) -> Vec<bool> {
    let required: Vec<usize> = header
        .columns
        .iter()
        .filter(|c| schema.fields[c.field].required)
        .map(|c| c.col)
        .collect();
    let data_like = |i: usize| {
        let r = start + i;
        required
            .iter()
            .all(|&c| !cell_text(sheet.filled(r, c, header.data_start)).is_empty())
    };
    let mut follows = vec![false; kinds.len()];
    for i in (0..kinds.len().saturating_sub(1)).rev() {
        follows[i] = match kinds[i + 1] {
            Kind::Note => false,
            Kind::Data if data_like(i + 1) => true,
            _ => follows[i + 1],
        };
    }
    follows
}

/// `合计`, `合 计`, `合计:` — a marker on its own, not a name that starts with one.
fn is_marker(text: &str, markers: &[String]) -> bool {
    let k = crate::text::key(text);
    let k = k.trim_end_matches([':', '：']);
    markers.iter().any(|m| m == k)
}
