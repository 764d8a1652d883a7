//! A file's header against its table's columns: required columns missing (or found for another
//! month), figures in a unit that cannot be converted, columns under names not read, and a name
//! used twice.

use super::value::cell_text;
use super::{header, workbook};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::{Rules, TableSchema};

/// A header found without some required columns: one 错误 per column, at the header row, or
/// at the header cell that names the field for other months than the assessed one
/// (`1-9月累计完成投资` in October: last month's form).
pub(super) fn missing_columns(
    h: &header::Header,
    sheet: &workbook::Sheet,
    schema: &TableSchema,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
    file: &str,
) -> Vec<Diagnostic> {
    h.missing
        .iter()
        .map(|&fi| {
            let field = &schema.fields[fi];
            let other = month.and_then(|m| {
                header::other_months(sheet, h, field, &rules.vocab, m).map(|o| (o, m))
            });
            if let Some((o, m)) = other {
                return other_months_column(&o, m, field, sheet, file, &rules.vocab.limits);
            }
            let (r, c) = sheet.abs(h.row, 0);
            Diagnostic::new(
                Code::MissingColumn,
                Location::cell(file, &sheet.name, r, c),
                format!("表头缺少必填列“{}”，此表未读取", field.label),
            )
            .with_hint(format!(
                "可用的列名: {}（{}）",
                field.headers.join("、"),
                crate::rules::cited(&schema.file)
            ))
        })
        .collect()
}

/// A required field's column whose header names other months than the assessed `month`: an
/// 错误 at that header cell saying which months it names and which it should.
fn other_months_column(
    o: &header::OtherMonths,
    month: crate::calendar::Month,
    field: &crate::rules::Field,
    sheet: &workbook::Sheet,
    file: &str,
    limits: &crate::rules::Limits,
) -> Diagnostic {
    let (r, c) = sheet.abs(o.at.0, o.at.1);
    let (named, assessed) = (&o.named, &o.assessed);
    Diagnostic::new(
        Code::MissingColumn,
        Location::cell(file, &sheet.name, r, c),
        format!(
            "表头“{}”写的是{named}，本次考核的是{}年{assessed}，此列未读作必填列“{}”，此表未读取",
            o.header, month.year, field.label
        ),
    )
    .with_hint(format!(
        "如沿用了上月的表格，请填入截至{}月的数据，并把表头改为“{}”（或“{}”）；表头中的月份按 {} 的 [headers] 读取",
        month.month,
        o.suggested,
        field.label,
        limits.file
    ))
}

/// Columns whose header names a unit their figures cannot be converted from: an amount's unit
/// not of `[units]` that holds one of its words (万美元, 千港元), or a number field's unit not
/// among its `units`. Such a column is not read (its figures would be taken in the wrong unit):
/// an 错误 at its header cell; a required field's column goes missing.
pub(super) fn unconvertible_units(
    h: &mut header::Header,
    sheet: &workbook::Sheet,
    schema: &TableSchema,
    vocab: &crate::rules::Vocabulary,
    file: &str,
) -> Vec<Diagnostic> {
    use crate::rules::FieldType;
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for c in std::mem::take(&mut h.columns) {
        let field = &schema.fields[c.field];
        let known: Vec<String> = match field.kind {
            FieldType::Amount => vocab.units.iter().map(|(u, _)| u.clone()).collect(),
            FieldType::Number => field.units.iter().map(|(u, _)| u.clone()).collect(),
            _ => Vec::new(),
        };
        let bad = match (&c.unit, c.factor, field.kind) {
            (Some(u), None, FieldType::Amount) => known.iter().any(|k| u.contains(k.as_str())),
            (Some(_), None, FieldType::Number) => !known.is_empty(),
            _ => false,
        };
        if !bad {
            kept.push(c);
            continue;
        }
        let unit = c.unit.clone().unwrap_or_default();
        let (r, col) = sheet.abs(h.row, c.col);
        let header = cell_text(sheet.cell(h.row, c.col));
        let own = match field.kind {
            FieldType::Amount => "万元".to_string(),
            _ => field
                .units
                .first()
                .map(|(u, _)| u.clone())
                .unwrap_or_default(),
        };
        out.push(
            Diagnostic::new(
                Code::HeaderUnit,
                Location::cell(file, &sheet.name, r, col),
                format!("表头“{header}”的单位“{unit}”无法换算为{own}，此列未读取"),
            )
            .with_hint(format!(
                "请换算为{own}后填写，或把表头的单位改为可换算的单位：{}（{}）",
                known.join("、"),
                crate::rules::cited(&schema.file)
            )),
        );
        if field.required {
            h.missing.push(c.field);
        }
    }
    h.columns = kept;
    out
}

/// Fields of an `every_column` table (or marked `warn_absent`) without a column in the header: a
/// 警告 each, at the header row, naming the headers it is known by and the header cells not read.
pub(super) fn columns_not_found(
    h: &header::Header,
    sheet: &workbook::Sheet,
    schema: &TableSchema,
    file: &str,
) -> Vec<Diagnostic> {
    let (r, c) = sheet.abs(h.row, 0);
    schema
        .fields
        .iter()
        .enumerate()
        .filter(|(fi, f)| h.column_of(*fi).is_none() && (schema.every_column || f.warn_absent))
        .map(|(_, field)| {
            let unread = unread_headers(h, sheet);
            let unread = if unread.is_empty() {
                String::new()
            } else {
                format!("（表头中未识别的列：{}）", unread.join("、"))
            };
            Diagnostic::new(
                Code::MissingOptionalColumn,
                Location::cell(file, &sheet.name, r, c),
                format!(
                    "表头中没有“{}”列，各行的“{}”均按未填写处理{unread}",
                    field.label, field.label
                ),
            )
            .with_hint(format!(
                "如表中有此列，请把列名改为：{}（{}）",
                field.headers.join("、"),
                crate::rules::cited(&schema.file)
            ))
        })
        .collect()
}

/// The header cells of columns no field reads, as `C3“开工时间”`, left to right.
fn unread_headers(h: &header::Header, sheet: &workbook::Sheet) -> Vec<String> {
    let mut out = Vec::new();
    for col in 0..sheet.width() {
        if h.columns.iter().any(|c| c.col == col) {
            continue;
        }
        let cell = (h.row..h.data_start.min(sheet.rows.len()))
            .map(|r| (r, cell_text(sheet.cell(r, col))))
            .rfind(|(_, t)| !t.is_empty());
        if let Some((r, text)) = cell {
            let (ar, ac) = sheet.abs(r, col);
            out.push(format!(
                "{}“{}”",
                crate::diagnostic::a1(ar, ac),
                crate::text::display(&text)
            ));
        }
    }
    out
}

/// A header cell with the name of a field another column holds: a 警告 at the cell not read.
pub(super) fn repeated_columns(
    h: &header::Header,
    sheet: &workbook::Sheet,
    schema: &TableSchema,
    file: &str,
) -> Vec<Diagnostic> {
    header::repeated_columns(sheet, h, schema)
        .into_iter()
        .map(
            |header::Repeat {
                 field: fi,
                 kept: (kr, kc),
                 other: (r, c),
             }| {
                let field = &schema.fields[fi];
                let (ar, ac) = sheet.abs(r, c);
                let (kr, kc) = sheet.abs(kr, kc);
                let kept_at = crate::diagnostic::a1(kr, kc);
                let hidden = if sheet.col_hidden(c) { "（此列为隐藏列）" } else { "" };
                Diagnostic::new(
                    Code::RepeatedColumn,
                    Location::cell(file, &sheet.name, ar, ac),
                    format!(
                        "列名“{}”与 {kept_at} 重复{hidden}：只读取 {kept_at} 所在的列，此列的值未使用",
                        field.label
                    ),
                )
                .with_hint("删去重复的列，或把此列的列名改为它实际填写的内容")
            },
        )
        .collect()
}
