//! Header detection: find the header row(s) of a table under title and 填报 lines, join two-row
//! headers with merged group cells, and map columns to schema fields by their aliases.

use super::value::cell_text;
use super::workbook::Sheet;
use crate::rules::{TableSchema, Vocabulary};
use crate::text::split_unit;

/// A column that holds a field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    /// Index into `TableSchema::fields`.
    pub(crate) field: usize,
    pub(crate) col: usize,
    /// Factor to 万元 from a unit in the header (`总投资（亿元）`), or to a number field's own
    /// unit (`用地面积（平方米）`), if any.
    pub(crate) factor: Option<f64>,
    /// The unit the header names, as a matching key (`亿元`, `平方米`), if any.
    pub(crate) unit: Option<String>,
}

/// Where a table's header is and which columns hold which fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// Grid row of the (first) header row.
    pub(crate) row: usize,
    /// Grid row of the first data row.
    pub(crate) data_start: usize,
    pub(crate) columns: Vec<Column>,
    /// Required fields with no column (indices into `TableSchema::fields`).
    pub(crate) missing: Vec<usize>,
    /// Column groups of a wide table, each read as a record of its own (see `wide`).
    pub(crate) groups: Vec<Group>,
}

/// A column group of a wide table: its label (a procedure) over the columns of its fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub(crate) label: String,
    /// Grid (row, col) of the label.
    pub(crate) at: (usize, usize),
    pub(crate) columns: Vec<Column>,
}

impl Header {
    pub(crate) fn column_of(&self, field: usize) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == field)
    }
}

/// One header label of a column: its name key and unit.
#[derive(Clone)]
pub(super) struct Label {
    pub(super) name: String,
    pub(super) unit: Option<String>,
}

pub(super) fn label(text: &str) -> Option<Label> {
    if text.is_empty() {
        return None;
    }
    let (name, unit) = split_unit(text);
    Some(Label { name, unit })
}

/// Finds the best header in `sheet` for `schema`, if any row looks like one.
/// A header naming months reads as this month's or the year to date only for the assessed
/// `month` (`10月完成投资` in October; not `9月完成投资`, nor `1-9月累计` beside `1-10月累计`).
pub(crate) fn detect(
    sheet: &Sheet,
    schema: &TableSchema,
    vocab: &Vocabulary,
    month: Option<crate::calendar::Month>,
) -> Option<Header> {
    let width = sheet.width();
    let search = sheet
        .rows
        .len()
        .min(vocab.limits.header_search_rows as usize);
    // Each row's texts and labels, once: a row is the top of one try and the lower row of the
    // try before.
    let texts: Vec<Vec<String>> = (0..(search + 1).min(sheet.rows.len()))
        .map(|r| (0..width).map(|c| cell_text(sheet.cell(r, c))).collect())
        .collect();
    let labels: Vec<Vec<Option<Label>>> = texts
        .iter()
        .map(|row| row.iter().map(|t| label(t)).collect())
        .collect();
    let alone = |r: usize| -> Vec<Vec<Label>> {
        labels[r]
            .iter()
            .map(|l| with_month_forms(l.iter().cloned().collect(), vocab, month))
            .collect()
    };
    // A field named by a visible and a hidden column is read from the visible one.
    let hidden: Vec<bool> = (0..width).map(|c| sheet.col_hidden(c)).collect();
    let mut best: Option<Header> = None;
    for r in 0..search {
        let top = &texts[r];
        if top.iter().filter(|t| !t.is_empty()).count() < 2 {
            continue;
        }
        let mut header = map_columns(r, r + 1, &alone(r), &hidden, schema, vocab);
        if r + 1 < sheet.rows.len() {
            let sub = &texts[r + 1];
            let joined: Vec<Vec<Label>> = two_row_labels(top, sub, &labels[r], &labels[r + 1])
                .into_iter()
                .map(|ls| with_month_forms(ls, vocab, month))
                .collect();
            let two = map_columns(r, r + 2, &joined, &hidden, schema, vocab);
            let next = map_columns(r + 1, r + 2, &alone(r + 1), &hidden, schema, vocab);
            // Two rows only when the top row adds to what the lower row says on its own.
            if two.columns.len() > header.columns.len() && two.columns.len() > next.columns.len() {
                header = two;
            }
        }
        let better = best
            .as_ref()
            .is_none_or(|b| header.columns.len() > b.columns.len());
        if header.columns.len() >= 2 && better {
            best = Some(header);
        }
    }
    best
}

/// `labels` and, after each naming months, the label as `[headers]` reads it: `10月完成投资` →
/// 本月完成投资, `1-10月完成投资` and `1-10月累计完成投资` → 累计完成投资.
fn with_month_forms(
    labels: Vec<Label>,
    vocab: &Vocabulary,
    month: Option<crate::calendar::Month>,
) -> Vec<Label> {
    let words = &vocab.header_months;
    let Some(month) = month else {
        return labels;
    };
    let mut out = Vec::with_capacity(labels.len());
    for l in labels {
        let read = month_form(&l.name, month.month, &words.this_month, &words.year_to_date);
        out.push(l.clone());
        if let Some(name) = read {
            out.push(Label { name, unit: l.unit });
        }
    }
    out
}

/// The months a header names before its words: `1-10月累计完成投资` names months 1 to 10
/// (`first` 1) before `累计完成投资`, `10月份完成投资` month 10 (no `first`).
struct LeadingMonths<'a> {
    first: Option<u32>,
    last: u32,
    /// Byte range of `last`'s digits in the name.
    last_at: std::ops::Range<usize>,
    /// The months as written (`1-10月`, `10月份`).
    written: &'a str,
    /// The words after them.
    rest: &'a str,
}

/// The months `name` starts with (`10月`, `10月份`, `1-10月`, `1至10月`), if any.
fn leading_months(name: &str) -> Option<LeadingMonths<'_>> {
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n = digits(name);
    if n == 0 || n > 2 {
        return None;
    }
    let (first, after) = name.split_at(n);
    let (first, last_at) = match after.strip_prefix(['-', '~', '至', '到', '—']) {
        Some(r) => {
            let m = digits(r);
            if m == 0 || m > 2 {
                return None;
            }
            let start = name.len() - r.len();
            (Some(first.parse::<u32>().ok()?), start..start + m)
        }
        None => (None, 0..n),
    };
    let last = name[last_at.clone()].parse::<u32>().ok()?;
    let rest = name[last_at.end..].strip_prefix('月')?;
    let rest = rest.strip_prefix('份').unwrap_or(rest);
    Some(LeadingMonths {
        first,
        last,
        last_at,
        written: &name[..name.len() - rest.len()],
        rest,
    })
}

/// What a header naming `months` reads as by `[headers]`: `this_month` for one month,
/// `year_to_date` for the months from January, before the words after them; none for other
/// months, nothing after them, or the word not set.
fn months_read_as(months: &LeadingMonths, this_month: &str, year_to_date: &str) -> Option<String> {
    let word = match months.first {
        Some(1) => year_to_date,
        Some(_) => return None,
        None => this_month,
    };
    let rest = months.rest;
    if rest.is_empty() || word.is_empty() {
        return None;
    }
    Some(if rest.starts_with(word) {
        rest.to_string()
    } else {
        format!("{word}{rest}")
    })
}

/// `name` without its leading months (`10月`, `10月份`, `1-10月`, `1至10月`), read as
/// `this_month` or, for months from January, `year_to_date`; none when it names no months,
/// months ending elsewhere than `assessed`, or the word is not set.
fn month_form(name: &str, assessed: u32, this_month: &str, year_to_date: &str) -> Option<String> {
    let months = leading_months(name)?;
    if months.last != assessed {
        return None;
    }
    months_read_as(&months, this_month, year_to_date)
}

/// A header cell naming other months than the assessed one, that would read as a field for
/// its own months (`1-9月累计完成投资` in October).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OtherMonths {
    /// Grid (row, col) of the header cell.
    pub(crate) at: (usize, usize),
    /// The header as written.
    pub(crate) header: String,
    /// The months it names, as written (`1-9月`).
    pub(crate) named: String,
    /// The same months ending with the assessed one (`1-10月`).
    pub(crate) assessed: String,
    /// The header naming them (`1-10月累计完成投资`).
    pub(crate) suggested: String,
}

/// The header cell of `h` (not a mapped column) whose months end before or after the
/// assessed `month`, and which for its own months would read as `field` by `[headers]`: the
/// September header left in October's report.
pub(crate) fn other_months(
    sheet: &Sheet,
    h: &Header,
    field: &crate::rules::Field,
    vocab: &Vocabulary,
    month: crate::calendar::Month,
) -> Option<OtherMonths> {
    let words = &vocab.header_months;
    let rows = h.row..h.data_start.min(sheet.rows.len());
    let texts = |r: usize| -> Vec<String> {
        (0..sheet.width())
            .map(|c| cell_text(sheet.cell(r, c)))
            .collect()
    };
    // Each header cell on its own, and a lower cell with its group's name after it.
    let mut candidates: Vec<((usize, usize), String)> = Vec::new();
    for r in rows.clone() {
        for (c, t) in texts(r).into_iter().enumerate() {
            candidates.push(((r, c), t));
        }
    }
    if rows.len() == 2 {
        let (top, sub) = (texts(h.row), texts(h.row + 1));
        let labels = |v: &[String]| v.iter().map(|t| label(t)).collect::<Vec<_>>();
        let joined = two_row_labels(&top, &sub, &labels(&top), &labels(&sub));
        for (c, ls) in joined.into_iter().enumerate() {
            for l in ls.into_iter().skip(1) {
                candidates.push(((h.row + 1, c), l.name));
            }
        }
    }
    candidates.into_iter().find_map(|((r, c), text)| {
        if h.columns.iter().any(|k| k.col == c) {
            return None;
        }
        let name = label(&text)?.name;
        let months = leading_months(&name)?;
        if months.last == month.month {
            return None;
        }
        let read = months_read_as(&months, &words.this_month, &words.year_to_date)?;
        if !field.headers.contains(&read) {
            return None;
        }
        let assessed = format!(
            "{}{}{}",
            &name[..months.last_at.start],
            month.month,
            &name[months.last_at.end..name.len() - months.rest.len()]
        );
        Some(OtherMonths {
            at: (r, c),
            header: cell_text(sheet.cell(r, c)),
            named: months.written.to_string(),
            suggested: format!("{assessed}{}", months.rest),
            assessed,
        })
    })
}

/// Labels of each column for a two-row header: the lower label first, then the lower label
/// before its group's name (`本月` under `完成投资` reads 本月完成投资), then its group (the
/// nearest label to the left in the top row over a merged span), then the top label itself.
/// `top_labels` and `sub_labels` are the rows' own [`label`]s.
fn two_row_labels(
    top: &[String],
    sub: &[String],
    top_labels: &[Option<Label>],
    sub_labels: &[Option<Label>],
) -> Vec<Vec<Label>> {
    let mut group: Option<usize> = None;
    let mut out = Vec::with_capacity(top.len());
    for (c, (t, s)) in top.iter().zip(sub).enumerate() {
        if !t.is_empty() {
            group = Some(c);
        } else if s.is_empty() {
            group = None;
        }
        let mut labels = Vec::new();
        if let Some(l) = &sub_labels[c] {
            let mut l = l.clone();
            let parent = group.and_then(|g| top_labels[g].as_ref());
            if l.unit.is_none() {
                l.unit = parent.and_then(|g| g.unit.clone());
            }
            let within = parent.map(|g| Label {
                name: format!("{}{}", l.name, g.name),
                unit: l.unit.clone(),
            });
            labels.push(l);
            labels.extend(within);
        }
        if let Some(l) = &top_labels[c] {
            labels.push(l.clone());
        }
        out.push(labels);
    }
    out
}

/// A header cell not read that carries the name of a field another column holds.
pub(crate) struct Repeat {
    /// Index into `TableSchema::fields`.
    pub(crate) field: usize,
    /// Grid (row, col) of the header cell read.
    pub(crate) kept: (usize, usize),
    /// Grid (row, col) of the cell not read.
    pub(crate) other: (usize, usize),
}

/// The header cells of `h` not read that carry the name of a field another column holds.
pub(crate) fn repeated_columns(sheet: &Sheet, h: &Header, schema: &TableSchema) -> Vec<Repeat> {
    let rows = h.row..h.data_start.min(sheet.rows.len());
    let named = |r: usize, col: usize, field: usize| {
        label(&cell_text(sheet.cell(r, col)))
            .is_some_and(|l| schema.fields[field].headers.contains(&l.name))
    };
    let mut out = Vec::new();
    for r in rows.clone() {
        for col in 0..sheet.width() {
            if h.columns.iter().any(|c| c.col == col) {
                continue;
            }
            if let Some(c) = h.columns.iter().find(|c| named(r, col, c.field)) {
                let kept_row = rows.clone().find(|&k| named(k, c.col, c.field));
                out.push(Repeat {
                    field: c.field,
                    kept: (kept_row.unwrap_or(h.row), c.col),
                    other: (r, col),
                });
            }
        }
    }
    out
}

/// The column of each field: the first whose label names it, a visible one before a hidden one
/// (`hidden` by grid column).
fn map_columns(
    row: usize,
    data_start: usize,
    labels: &[Vec<Label>],
    hidden: &[bool],
    schema: &TableSchema,
    vocab: &Vocabulary,
) -> Header {
    let mut columns: Vec<Column> = Vec::new();
    let mut missing = Vec::new();
    let is_hidden = |col: usize| hidden.get(col).copied().unwrap_or(false);
    let visible_first = (0..labels.len())
        .filter(|&c| !is_hidden(c))
        .chain((0..labels.len()).filter(|&c| is_hidden(c)));
    let order: Vec<usize> = visible_first.collect();
    for (fi, field) in schema.fields.iter().enumerate() {
        let found = order.iter().find_map(|&col| {
            let ls = &labels[col];
            if columns.iter().any(|c| c.col == col) {
                return None;
            }
            ls.iter()
                .find(|l| field.headers.contains(&l.name))
                .map(|l| Column {
                    field: fi,
                    col,
                    factor: l.unit.as_deref().and_then(|u| match field.kind {
                        crate::rules::FieldType::Number => field.unit_factor(u),
                        _ => vocab.unit_factor(u),
                    }),
                    unit: l.unit.clone(),
                })
        });
        match found {
            Some(c) => columns.push(c),
            None if field.required => missing.push(fi),
            None => {}
        }
    }
    Header {
        row,
        data_start,
        columns,
        missing,
        groups: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_naming_months_read_as_this_month_or_the_year_to_date() {
        let read = |n: &str| month_form(n, 10, "本月", "累计");
        assert_eq!(read("10月完成投资").as_deref(), Some("本月完成投资"));
        assert_eq!(read("10月份完成投资").as_deref(), Some("本月完成投资"));
        assert_eq!(read("1-10月累计完成投资").as_deref(), Some("累计完成投资"));
        assert_eq!(read("1至10月完成投资").as_deref(), Some("累计完成投资"));
        assert_eq!(read("10月本月完成投资").as_deref(), Some("本月完成投资"));
        // Not months from January, no months, nothing after them, or no word set.
        assert_eq!(read("3-10月完成投资"), None);
        // Another month than the assessed one (October) is not this month's.
        assert_eq!(read("9月完成投资"), None);
        assert_eq!(read("1-9月累计完成投资"), None);
        assert_eq!(read("完成投资"), None);
        assert_eq!(read("10月"), None);
        assert_eq!(read("2026年完成投资"), None);
        assert_eq!(month_form("10月完成投资", 10, "", ""), None);
    }

    #[test]
    fn months_of_a_header_are_read_as_written() {
        let months = |n: &str| {
            leading_months(n).map(|m| (m.first, m.last, m.written.to_string(), m.rest.to_string()))
        };
        let some = |f, l, w: &str, r: &str| Some((f, l, w.to_string(), r.to_string()));
        assert_eq!(
            months("1-9月累计完成投资"),
            some(Some(1), 9, "1-9月", "累计完成投资")
        );
        assert_eq!(months("9月份完成投资"), some(None, 9, "9月份", "完成投资"));
        assert_eq!(months("1至12月完成"), some(Some(1), 12, "1至12月", "完成"));
        assert_eq!(months("2026年完成投资"), None);
        assert_eq!(months("累计完成投资"), None);
        // Read for their own months: 1-9月累计完成投资 would be 累计完成投资 in September.
        let read = |n: &str| months_read_as(&leading_months(n).unwrap(), "本月", "累计");
        assert_eq!(read("1-9月累计完成投资").as_deref(), Some("累计完成投资"));
        assert_eq!(read("9月完成投资").as_deref(), Some("本月完成投资"));
        assert_eq!(read("3-9月完成投资"), None);
    }

    #[test]
    fn a_lower_label_reads_with_its_groups_name_after_it() {
        let texts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let top = texts(&["项目名称", "完成投资（万元）", ""]);
        let sub = texts(&["", "本月", "自年初累计"]);
        let labels = |v: &[String]| v.iter().map(|t| label(t)).collect::<Vec<_>>();
        let joined = two_row_labels(&top, &sub, &labels(&top), &labels(&sub));
        let names = |c: usize| joined[c].iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(1), ["本月", "本月完成投资", "完成投资"]);
        assert_eq!(names(2), ["自年初累计", "自年初累计完成投资"]);
        assert_eq!(joined[2][1].unit.as_deref(), Some("万元"));
    }
}
