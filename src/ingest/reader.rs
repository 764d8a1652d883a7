//! Reading the data rows under a detected header: classify each row (data, blank, 合计, note),
//! parse each mapped cell as its field's type, and report what cannot be read.

use super::header::Header;
use super::nameless::{Named, nameless_row, names};
use super::row::RowRead;
use super::value::cell_text;
use super::workbook::Sheet;
use crate::diagnostic::{Code, Diagnostic, Location};
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
    /// Grid rows of this sheet's note rows (the sign-off line under the table may hold the
    /// 填报日期); not added across sheets.
    #[serde(skip)]
    pub(crate) note_rows: Vec<usize>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl RowCounts {
    /// The 合计 and 小计 rows together, as the reconciliation counts them (合计行): with the
    /// rows used, not used, blank and notes, they add up to the rows read.
    pub fn totals(&self) -> usize {
        self.total + self.subtotal
    }

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

/// Reads every row below the header: the rows read, their counts, a 警告 for each row with
/// values below the table's end (not read as data) and an 错误 for each data row that names no
/// project (see `nameless`).
pub(crate) fn read_rows(
    sheet: &Sheet,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
    file: &str,
) -> (Vec<RowRead>, RowCounts, Vec<Diagnostic>) {
    let start = header.data_start.min(sheet.rows.len());
    // Classifying and reading a row depend on that row alone: both run on every core, and the
    // table's order (where a 合计 or note row ends it) is settled in one pass between them.
    let required = required_columns(header, schema);
    let id_col = id_column(header, schema);
    let own: Vec<Kind> = (start..sheet.rows.len())
        .into_par_iter()
        .map(|r| classify(sheet, r, header, vocab, (id_col, &required)))
        .collect();
    let mapped = mapped_columns(header);
    let follows = data_follows(sheet, start, &own, header, &required, &mapped);
    let mut in_tail = false;
    let mut after_table = Vec::new();
    let kinds: Vec<Kind> = own
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let kind = match k {
                Kind::Blank => Kind::Blank,
                _ if in_tail => {
                    if k == Kind::Data && !starts_as_note(sheet, start + i, vocab) {
                        after_table.push(start + i);
                    }
                    Kind::Note
                }
                k => k,
            };
            // A total or note row ends the table only when no data row follows it: a note
            // between the rows ("注：以下为续建项目") does not hide the rows under it.
            if matches!(kind, Kind::Total | Kind::Note) {
                in_tail = !follows[i];
            }
            kind
        })
        .collect();
    let mut problems: Vec<Diagnostic> = after_table
        .into_iter()
        .filter(|&r| own_values(sheet, r, &mapped) >= 2)
        .map(|r| row_after_table(sheet, r, file))
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
    // The nearest row above that names its project, for a row that names none.
    let mut above: Option<Named> = None;
    for (i, r) in (start..sheet.rows.len()).enumerate() {
        counts.read += 1;
        match kinds[i] {
            Kind::Blank => counts.blank += 1,
            Kind::Subtotal => {
                counts.subtotal += 1;
                counts.subtotal_rows.push(sheet.abs(r, 0).0 + 1);
            }
            Kind::Total => counts.total += 1,
            Kind::Note => {
                counts.note += 1;
                counts.note_rows.push(r);
            }
            Kind::Data => {
                let read = std::mem::take(&mut reads[i]);
                if read.is_empty() {
                    // A wide row with no group filled: a project with nothing assigned.
                    counts.blank += 1;
                    continue;
                }
                let Some(named) = names(sheet, r, header, schema, vocab) else {
                    // Neither 项目编号 nor 项目名称: not used, said as what it is.
                    counts.data += 1;
                    problems.push(nameless_row(sheet, r, header, schema, above.as_ref(), file));
                    continue;
                };
                if !named.names.is_empty() {
                    above = Some(named);
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
    (rows, counts, problems)
}

/// A row with values under the table's end, not read: said at its first value.
fn row_after_table(sheet: &Sheet, r: usize, file: &str) -> Diagnostic {
    let first = sheet.rows[r]
        .iter()
        .position(|d| !cell_text(d).is_empty())
        .unwrap_or(0);
    let (ar, ac) = sheet.abs(r, first);
    Diagnostic::new(
        Code::RowAfterTable,
        Location::cell(file, &sheet.name, ar, ac),
        "此行在表格的合计行或说明行之后，且缺少必填项，未作为数据读取".to_string(),
    )
    .with_hint("如是项目数据，请补全必填项或移到合计行之上；如是说明文字，可忽略")
}

/// The grid columns of the required fields.
fn required_columns(header: &Header, schema: &TableSchema) -> Vec<usize> {
    header
        .columns
        .iter()
        .filter(|c| schema.fields[c.field].required)
        .map(|c| c.col)
        .collect()
}

/// The grid columns of every mapped field, wide groups' included.
fn mapped_columns(header: &Header) -> Vec<usize> {
    let groups = header
        .groups
        .iter()
        .flat_map(|g| g.columns.iter().map(|c| c.col));
    header.columns.iter().map(|c| c.col).chain(groups).collect()
}

/// Values of the row's own cells (not filled in from merged regions) in `columns`.
fn own_values(sheet: &Sheet, r: usize, columns: &[usize]) -> usize {
    columns
        .iter()
        .filter(|&&c| {
            sheet.rows[r]
                .get(c)
                .is_some_and(|d| !cell_text(d).is_empty())
        })
        .count()
}

/// The row's first value starts as a note does (`填报人：…` with more cells after it).
fn starts_as_note(sheet: &Sheet, r: usize, vocab: &Vocabulary) -> bool {
    sheet.rows[r]
        .iter()
        .map(cell_text)
        .find(|t| !t.is_empty())
        .is_some_and(|t| vocab.note_rows.iter().any(|m| t.starts_with(m.as_str())))
}

/// The grid column of the table's project code (`TableSchema::code_field`), if the header
/// has it.
fn id_column(header: &Header, schema: &TableSchema) -> Option<usize> {
    let id = schema.code_field.as_deref()?;
    header
        .columns
        .iter()
        .find(|c| schema.fields[c.field].id == id)
        .map(|c| c.col)
}

/// The kind of a row from its own cells (not values filled in from merged regions). A row
/// without a project code may also be a total or subtotal in other words (`全镇合计`,
/// `合计（2个）`, `其中：续建项目`), a section heading (`一、签约一批`, `（二）开工一批`) or a
/// signature line under the table (`单位负责人：… 填表人：…`, not filling every required
/// column: a project named 说明书印刷包装项目 whose code went astray is still data).
fn classify(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    vocab: &Vocabulary,
    (id_col, required): (Option<usize>, &[usize]),
) -> Kind {
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
    let starts_as_note = |t: &str| vocab.note_rows.iter().any(|m| t.starts_with(m.as_str()));
    if cells.len() <= 2 && starts_as_note(&cells[0].1) {
        return Kind::Note;
    }
    // Without a project code the row names no project: looser words say what it is.
    let coded = id_col.is_some_and(|c| cells.iter().any(|(col, _)| *col == c));
    if id_col.is_none() || coded {
        return Kind::Data;
    }
    if lead.iter().any(|t| names_marker(t, &vocab.subtotal_rows)) {
        return Kind::Subtotal;
    }
    if lead.iter().any(|t| names_marker(t, &vocab.total_rows)) {
        return Kind::Total;
    }
    let fills_required = required
        .iter()
        .all(|c| cells.iter().any(|(col, _)| col == c));
    if (starts_as_note(&cells[0].1) && !fills_required)
        || section_heading(&cells, &vocab.section_rows)
    {
        return Kind::Note;
    }
    Kind::Data
}

/// A marker with words around it: `合计（2个）`, `其中：续建项目` (the marker, then a bracket or
/// colon), or `东湖镇合计`, `开工一批小计` (a short text ending with it).
fn names_marker(text: &str, markers: &[String]) -> bool {
    /// At most this many characters before a marker that ends a text (`县经济开发区合计`).
    const SHORT: usize = 12;
    let k = crate::text::key(text);
    markers.iter().any(|m| {
        k.strip_prefix(m.as_str())
            .is_some_and(|rest| rest.starts_with(['(', '（', ':', '：']))
            || (k.ends_with(m.as_str()) && k.chars().count() <= SHORT)
    })
}

/// A section heading: one text, or a Chinese ordinal and a text, with no figures, numbered
/// `一、`, `（一）` or `(一)` (`一、签约一批`, `（二）开工一批`, `三` `投产一批`), naming a
/// section (holding a word of `sections`): `一` beside a project's name is a project.
fn section_heading(cells: &[(usize, String)], sections: &[String]) -> bool {
    let names_section = |t: &str| sections.iter().any(|s| t.contains(s.as_str()));
    const NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let ordinal = |t: &str| !t.is_empty() && t.chars().all(|c| NUMERALS.contains(&c));
    let numbered = |t: &str| {
        let bracketed = t
            .strip_prefix(['（', '('])
            .and_then(|r| r.split_once(['）', ')']))
            .is_some_and(|(n, rest)| ordinal(n) && !rest.is_empty());
        let listed = t
            .split_once(['、', '.', '．'])
            .is_some_and(|(n, rest)| ordinal(n) && !rest.is_empty());
        bracketed || listed
    };
    // An ordinal on its own, as a 序号: `一`, `（一）`, `一、`.
    let mark = |t: &str| {
        let t = t.trim_end_matches(['、', '.', '．']);
        let t = t
            .strip_prefix(['（', '('])
            .and_then(|r| r.strip_suffix(['）', ')']))
            .unwrap_or(t);
        ordinal(t)
    };
    match cells {
        [(_, t)] => numbered(t) && names_section(t),
        [(_, n), (_, t)] => (mark(n) || numbered(n)) && names_section(t),
        _ => false,
    }
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

/// For each row from grid row `start`: whether a data row comes after it. A data row fills
/// every required mapped column, and two mapped columns with its own cells (a note merged
/// across the table fills them all with one). One pass from the bottom.
fn data_follows(
    sheet: &Sheet,
    start: usize,
    kinds: &[Kind],
    header: &Header,
    required: &[usize],
    mapped: &[usize],
) -> Vec<bool> {
    let data_like = |i: usize| {
        let r = start + i;
        required
            .iter()
            .all(|&c| !cell_text(sheet.filled(r, c, header.data_start)).is_empty())
            && own_values(sheet, r, mapped) >= 2
    };
    let mut follows = vec![false; kinds.len()];
    for i in (0..kinds.len().saturating_sub(1)).rev() {
        follows[i] = match kinds[i + 1] {
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
