//! Reading the data rows under a detected header: classify each row (data, blank, 合计, note),
//! parse each mapped cell as its field's type, and report what cannot be read.

use super::header::Header;
use super::value::{Value, cell_text, parse_cell};
use super::workbook::Sheet;
use crate::diagnostic::{Code, Diagnostic, Location, a1};
use crate::rules::{TableSchema, Vocabulary};
use std::collections::BTreeMap;

/// A data row as read, before it is matched to the ledger.
#[derive(Debug, Clone)]
pub struct RowRead {
    /// Absolute zero-based row.
    pub row: u32,
    pub values: BTreeMap<String, Value>,
    /// A1 cell of each field's value.
    pub cells: BTreeMap<String, String>,
    pub problems: Vec<Diagnostic>,
    /// A required value is missing or unreadable: the row cannot be used.
    pub rejected: bool,
}

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
    pub fn add(&mut self, other: &RowCounts) {
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
pub fn read_rows(
    sheet: &Sheet,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
    file: &str,
) -> (Vec<RowRead>, RowCounts) {
    let mut rows = Vec::new();
    let mut counts = RowCounts::default();
    let mut in_tail = false;
    let start = header.data_start.min(sheet.rows.len());
    let kinds: Vec<Kind> = (start..sheet.rows.len())
        .map(|r| classify(sheet, r, header, vocab))
        .collect();
    let follows = data_follows(sheet, start, &kinds, header, schema);
    for (i, r) in (start..sheet.rows.len()).enumerate() {
        counts.read += 1;
        let kind = match kinds[i] {
            Kind::Blank => Kind::Blank,
            _ if in_tail => Kind::Note,
            k => k,
        };
        match kind {
            Kind::Blank => counts.blank += 1,
            Kind::Subtotal => {
                counts.subtotal += 1;
                counts.subtotal_rows.push(sheet.abs(r, 0).0 + 1);
            }
            // A total row ends the table only when no data row follows it.
            Kind::Total => {
                counts.total += 1;
                in_tail = !follows[i];
            }
            Kind::Note => {
                counts.note += 1;
                in_tail = true;
            }
            Kind::Data => {
                let read = super::wide::read_data_row(sheet, r, header, schema, vocab, file);
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

pub(super) fn read_row(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
    file: &str,
) -> RowRead {
    let (abs_row, _) = sheet.abs(r, 0);
    let mut out = RowRead {
        row: abs_row,
        values: BTreeMap::new(),
        cells: BTreeMap::new(),
        problems: Vec::new(),
        rejected: false,
    };
    for (fi, field) in schema.fields.iter().enumerate() {
        let Some(col) = header.column_of(fi) else {
            continue;
        };
        let (ar, ac) = sheet.abs(r, col.col);
        let loc = Location::cell(file, &sheet.name, ar, ac);
        out.cells.insert(field.id.clone(), a1(ar, ac));
        if sheet.formulas_without_value.contains(&(r, col.col)) {
            out.problems.push(
                Diagnostic::new(
                    Code::FormulaNoValue,
                    loc,
                    format!("“{}”是公式但没有保存计算结果，无法读取其值", field.label),
                )
                .with_hint("请在 WPS 或 Excel 中打开该文件，重新计算后保存再报送"),
            );
            if field.required {
                out.rejected = true;
            }
            continue;
        }
        match parse_cell(
            sheet.filled(r, col.col, header.data_start),
            field,
            col.factor,
            vocab,
        ) {
            Ok(Some(v)) => match super::value::plausible(&v, field) {
                Ok(()) => {
                    long_text(&mut out, field, &loc, &v, vocab.limits.max_text_chars);
                    out.values.insert(field.id.clone(), v);
                }
                Err(why) => out_of_range(&mut out, field, loc, why),
            },
            Ok(None) if field.required => {
                out.rejected = true;
                out.problems.push(
                    Diagnostic::new(
                        Code::MissingValue,
                        loc,
                        format!("必填项“{}”为空，此行未采用", field.label),
                    )
                    .with_hint(format!("请补填“{}”", field.label)),
                );
            }
            Ok(None) => {}
            Err(why) => {
                let consequence = if field.required {
                    out.rejected = true;
                    "此行未采用"
                } else {
                    "按空值处理"
                };
                out.problems.push(
                    Diagnostic::new(
                        Code::BadValue,
                        loc,
                        format!(
                            "“{}”无法识别为{}: {why}，{consequence}",
                            field.label,
                            field.kind.label()
                        ),
                    )
                    .with_hint(hint_for(field.kind)),
                );
            }
        }
    }
    out
}

/// A text too long to be meant: a warning, the text kept.
fn long_text(
    out: &mut RowRead,
    field: &crate::rules::Field,
    loc: &Location,
    v: &Value,
    max: usize,
) {
    let n = v.as_str().map_or(0, |t| t.chars().count());
    if n > max {
        out.problems.push(
            Diagnostic::new(
                Code::LongText,
                loc.clone(),
                format!(
                    "“{}”长达 {n} 字（上限 {max} 字），可能是误填；已按原文采用",
                    field.label
                ),
            )
            .with_hint("排名表单元格最多容纳 32767 字，超出部分在表中截断，全文见 HTML 报告与通知"),
        );
    }
}

/// A value outside its field's range: an error at its cell, then what the rule says.
fn out_of_range(out: &mut RowRead, field: &crate::rules::Field, loc: Location, why: String) {
    let reject = field
        .plausible
        .as_ref()
        .is_some_and(|p| p.out_of_range == crate::rules::OutOfRange::RejectRow);
    out.rejected |= reject;
    let consequence = if reject {
        "此行未采用（按未报送计）"
    } else {
        "按空值处理"
    };
    out.problems.push(
        Diagnostic::new(
            Code::OutOfRange,
            loc,
            format!("“{}”{why}，{consequence}", field.label),
        )
        .with_hint("请核对此单元格；确实无误的请联系县重点项目办调整规则中的合理范围"),
    );
}

fn hint_for(kind: crate::rules::FieldType) -> &'static str {
    use crate::rules::FieldType::*;
    match kind {
        Date => "日期请写成 2026-09-15、2026.9.15 或 2026年9月15日；尚未确定的请留空",
        Amount => "金额请填数字，单位万元（如 3500、1.2亿、7640万元）",
        Integer | Number => "请填数字",
        Bool => "请填“是”或“否”",
        Enum => "请从规定的选项中选择",
        Text => "请检查此单元格",
    }
}
