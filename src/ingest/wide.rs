//! Wide tables (前期手续办理进度表): one row per project, a two-row header with a column group
//! per procedure (its name over 交办日期 / 办结日期 …). Each filled group of a row becomes a record
//! of its own, exactly like a row of the long list; the group's label fills the schema's
//! `group_field` and the rules' lookup table fills `lookup_field` (the department).

use super::header::{self, Column, Group, Header, label};
use super::row::{RowRead, read_row};
use super::value::{Value, cell_text};
use super::workbook::Sheet;
use crate::diagnostic::{Code, Diagnostic, Location, a1};
use crate::rules::{TableSchema, Vocabulary, layout::Wide};

/// The header of a sheet: the long form, else the wide form the schema declares.
pub(crate) fn detect(
    sheet: &Sheet,
    schema: &TableSchema,
    vocab: &Vocabulary,
    month: Option<crate::calendar::Month>,
) -> Option<Header> {
    let long = header::detect(sheet, schema, vocab, month);
    let Some(wide) = &schema.wide else {
        return long;
    };
    if long.as_ref().is_some_and(|h| h.missing.is_empty()) {
        return long;
    }
    detect_wide(sheet, schema, wide, vocab).or(long)
}

fn detect_wide(
    sheet: &Sheet,
    schema: &TableSchema,
    wide: &Wide,
    vocab: &Vocabulary,
) -> Option<Header> {
    let width = sheet.width();
    let search = sheet
        .rows
        .len()
        .min(vocab.limits.header_search_rows as usize);
    let mut best: Option<Header> = None;
    for r in 0..search.saturating_sub(1) {
        let top: Vec<String> = (0..width).map(|c| cell_text(sheet.cell(r, c))).collect();
        let sub: Vec<String> = (0..width)
            .map(|c| cell_text(sheet.cell(r + 1, c)))
            .collect();
        let Some(header) = wide_header(r, &top, &sub, schema, wide) else {
            continue;
        };
        if best
            .as_ref()
            .is_none_or(|b| header.groups.len() > b.groups.len())
        {
            best = Some(header);
        }
    }
    best
}

/// The field a header label names, among the group fields (`in_group`) or the others.
fn field_of(text: &str, in_group: bool, schema: &TableSchema, wide: &Wide) -> Option<usize> {
    let l = label(text)?;
    schema
        .fields
        .iter()
        .position(|f| f.headers.contains(&l.name) && wide.group_fields.contains(&f.id) == in_group)
}

fn wide_header(
    r: usize,
    top: &[String],
    sub: &[String],
    schema: &TableSchema,
    wide: &Wide,
) -> Option<Header> {
    let mut columns: Vec<Column> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut c = 0;
    while c < top.len() {
        let own = field_of(&top[c], false, schema, wide).or_else(|| {
            top[c]
                .is_empty()
                .then(|| field_of(&sub[c], false, schema, wide))?
        });
        if let Some(fi) = own {
            if !columns.iter().any(|col| col.field == fi) {
                columns.push(Column {
                    field: fi,
                    col: c,
                    factor: None,
                    unit: None,
                });
            }
            c += 1;
            continue;
        }
        if top[c].is_empty() || field_of(&sub[c], true, schema, wide).is_none() {
            c += 1;
            continue;
        }
        let mut group = Group {
            label: top[c].clone(),
            at: (r, c),
            columns: Vec::new(),
        };
        let mut cc = c;
        while cc < top.len() && (cc == c || top[cc].is_empty()) {
            match field_of(&sub[cc], true, schema, wide) {
                Some(fi) if !group.columns.iter().any(|x| x.field == fi) => {
                    group.columns.push(Column {
                        field: fi,
                        col: cc,
                        factor: None,
                        unit: None,
                    });
                }
                _ => break,
            }
            cc += 1;
        }
        groups.push(group);
        c = cc;
    }
    groups.retain(|g| {
        schema.fields.iter().enumerate().all(|(fi, f)| {
            !(f.required && wide.group_fields.contains(&f.id))
                || g.columns.iter().any(|c| c.field == fi)
        })
    });
    if groups.is_empty() {
        return None;
    }
    let derived = |id: &String| {
        *id == wide.group_field
            || wide.lookup_field.as_ref() == Some(id)
            || wide.group_fields.contains(id)
    };
    let missing = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(fi, f)| f.required && !derived(&f.id) && !columns.iter().any(|c| c.field == *fi))
        .map(|(fi, _)| fi)
        .collect();
    Some(Header {
        row: r,
        data_start: r + 2,
        columns,
        missing,
        groups,
    })
}

/// The records of a data row: the row itself, or one per filled group of a wide row.
pub(crate) fn read_data_row(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
    file: &str,
) -> Vec<RowRead> {
    let Some(wide) = schema.wide.as_ref().filter(|_| !header.groups.is_empty()) else {
        return vec![read_row(sheet, r, header, schema, vocab, file)];
    };
    header
        .groups
        .iter()
        .filter(|g| {
            g.columns
                .iter()
                .any(|c| !cell_text(sheet.filled(r, c.col, header.data_start)).is_empty())
        })
        .map(|g| read_group(sheet, r, header, g, schema, wide, vocab, file))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn read_group(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    group: &Group,
    schema: &TableSchema,
    wide: &Wide,
    vocab: &Vocabulary,
    file: &str,
) -> RowRead {
    let h = Header {
        columns: header
            .columns
            .iter()
            .chain(&group.columns)
            .cloned()
            .collect(),
        groups: Vec::new(),
        ..header.clone()
    };
    let mut row = read_row(sheet, r, &h, schema, vocab, file);
    let (lr, lc) = sheet.abs(group.at.0, group.at.1);
    let name = wide.name_of(&group.label);
    row.values
        .insert(wide.group_field.clone(), Value::Text(name.clone()));
    row.cells.insert(wide.group_field.clone(), a1(lr, lc));
    let Some(lf) = &wide.lookup_field else {
        return row;
    };
    match wide.lookup.get(&crate::text::key(&name)) {
        Some(v) => {
            row.values.insert(lf.clone(), Value::Text(v.clone()));
        }
        None => {
            let field = schema.field(lf).map(|f| f.label.as_str()).unwrap_or(lf);
            let required = schema.field(lf).is_some_and(|f| f.required);
            let consequence = if required {
                "此行未采用"
            } else {
                "按空值处理"
            };
            row.rejected |= required;
            row.problems.push(
                Diagnostic::new(
                    Code::MissingValue,
                    Location::cell(file, &sheet.name, lr, lc),
                    format!("“{}”在规则中没有对应的{field}，{consequence}", group.label),
                )
                .with_hint(format!(
                    "在 {} 的 [wide.lookup] 中加入“{}”",
                    crate::rules::to_edit(&wide.file),
                    group.label
                )),
            );
        }
    }
    row
}
