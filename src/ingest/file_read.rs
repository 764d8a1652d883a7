//! One file read as one table: its sheets chosen, the header found in each, metadata and rows
//! read, every row counted in the file's summary, and the file's problems (a missing column, no
//! header, no or a bad 填报日期).

use super::classify::Headers;
use super::value::cell_text;
use super::{Dataset, FileSummary, Record, workbook};
use super::{InputFile, Opened, header, meta, reader, report_month, sheet_select, units};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::{Rules, TableSchema};

/// What reading one file gives: its summary, its problems and its rows.
pub(super) struct FileRead {
    summary: FileSummary,
    diagnostics: Vec<Diagnostic>,
    records: Vec<Record>,
}

impl FileRead {
    pub(super) fn merge_into(self, data: &mut Dataset) {
        data.diagnostics.extend(self.diagnostics);
        if let Some(first) = self.records.first() {
            data.tables
                .entry(first.table.clone())
                .or_default()
                .extend(self.records);
        }
        data.files.push(self.summary);
    }
}

/// Reads file `f`, opened as `sheets` with `headers` found in them for `schema`, as table
/// `schema`; `known` are the reporting units known so far.
pub(super) fn read_file(
    f: &InputFile,
    sheets: Opened,
    mut headers: Headers,
    schema: &TableSchema,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
    known: &[(String, String)],
) -> FileRead {
    let mut out = FileRead {
        summary: FileSummary {
            file: f.rel.clone(),
            table: Some(schema.id.clone()),
            ..FileSummary::default()
        },
        diagnostics: Vec::new(),
        records: Vec::new(),
    };
    let summary = &mut out.summary;
    let diagnostics = &mut out.diagnostics;
    let sheets = match sheets {
        Ok(s) => s,
        Err(d) => {
            summary.unreadable = true;
            diagnostics.push(d);
            return out;
        }
    };
    let selection = sheet_select::select(&sheets, schema, month, &f.rel);
    summary.unused_sheets = selection.unused;
    diagnostics.extend(selection.problem);
    let mut found_any = false;
    let (mut other_month_only, mut used_a_sheet) = (false, false);
    let mut incomplete: Vec<Diagnostic> = Vec::new();
    let position = |sheet: &workbook::Sheet| sheets.iter().position(|s| std::ptr::eq(s, sheet));
    // A hidden sheet holding the table (a leftover copy) gives way to a visible one that does.
    let visible_table = selection.sheets.iter().any(|s| {
        !s.hidden
            && position(s)
                .and_then(|k| headers.get(k))
                .is_some_and(|h| h.as_ref().is_some_and(|h| h.missing.is_empty()))
    });
    // The sheet whose 填报单位 and 填报日期 are the file's: of the sheets read, the one with the
    // most rows of the assessed month (the first of equals), never a summary sheet read last.
    let mut main: Option<Filed> = None;
    for sheet in selection.sheets {
        let at = position(sheet);
        let Some(mut h) = at.and_then(|k| headers.get_mut(k)).and_then(Option::take) else {
            continue;
        };
        if sheet.hidden && visible_table {
            summary.unused_sheets.push(format!(
                "工作表“{}”是隐藏的工作表，已读取可见的工作表，此表未使用",
                sheet.name
            ));
            continue;
        }
        diagnostics.extend(unconvertible_units(
            &mut h,
            sheet,
            schema,
            &rules.vocab,
            &f.rel,
        ));
        // "单位：亿元" above the table: the amounts whose header names no unit are in it.
        if let Some(f) = meta::amount_factor(sheet, h.row, &rules.vocab) {
            for c in h.columns.iter_mut().filter(|c| c.factor.is_none()) {
                if schema.fields[c.field].kind == crate::rules::FieldType::Amount {
                    c.factor = Some(f);
                }
            }
        }
        if !h.missing.is_empty() {
            incomplete.extend(missing_columns(&h, sheet, schema, rules, month, &f.rel));
            continue;
        }
        found_any = true;
        if h.groups.is_empty() {
            diagnostics.extend(repeated_columns(&h, sheet, schema, &f.rel));
        }
        if schema.every_column || schema.fields.iter().any(|f| f.warn_absent) {
            diagnostics.extend(columns_not_found(&h, sheet, schema, &f.rel));
        }
        let (rows, counts, problems) = reader::read_rows(sheet, &h, schema, &rules.vocab, &f.rel);
        let meta = meta::read(sheet, (h.row, &counts.note_rows), &rules.vocab.meta, month);
        diagnostics.extend(problems);
        summary.rows.add(&counts);
        let mut doubt = super::record::UnitDoubt::default();
        let unit = schema.one_file_per_unit.then(|| {
            let (unit, d) = units::reporting_unit(
                meta.reporting_unit.as_deref(),
                &f.rel,
                &sheet.name,
                rules,
                known,
                diagnostics,
            );
            doubt = d;
            unit
        });
        let mut filed = Filed {
            rank: (false, counts.data),
            sheet: sheet.name.clone(),
            reporting_unit: unit.clone().or_else(|| meta.reporting_unit.clone()),
            submitted_on: meta.submitted_on,
            submitted_at: meta.date_cell.map(|(r, c)| {
                let (r, c) = sheet.abs(r, c);
                crate::diagnostic::a1(r, c)
            }),
            doubt,
            problems: Vec::new(),
        };
        if schema.submission_date {
            submission_date_problems(&meta, sheet, &f.rel, month, &mut filed.problems);
        }
        if let Some(found) = report_month::check(sheet, h.row, &meta, schema, month, &f.rel) {
            summary.report_month = Some(found.month);
            diagnostics.extend(found.note);
            if let Some(problem) = found.problem {
                // Another month's figures are never scored: the rows are counted, not used.
                diagnostics.push(problem);
                other_month_only = true;
                main = Filed::main(main, filed);
                continue;
            }
        }
        filed.rank.0 = true;
        main = Filed::main(main, filed);
        used_a_sheet = true;
        let hidden: std::collections::HashSet<u32> = counts.hidden_rows.iter().copied().collect();
        for row in rows {
            let record = Record {
                table: schema.id.clone(),
                file: f.rel.clone(),
                sheet: sheet.name.clone(),
                row: row.row + 1,
                values: row.values,
                cells: row.cells,
                project: None,
                unit: unit.clone(),
                submitted_on: meta.submitted_on,
                problems: row.problems,
                rejected: row.rejected,
                hidden: hidden.contains(&(row.row + 1)),
            };
            out.records.push(record);
        }
    }
    if let Some(m) = main {
        m.file_into(summary, diagnostics, &mut out.records);
    }
    // A file all of whose sheets are another month's counts as that unit's file, unread.
    summary.unreadable |= other_month_only && !used_a_sheet;
    if !found_any {
        summary.unreadable = true;
        if incomplete.is_empty() && summary.unused_sheets.is_empty() {
            diagnostics.push(no_header(&sheets, schema, &f.rel));
        }
        diagnostics.extend(incomplete);
    }
    out
}

/// What a sheet read says of its file: its 填报单位, 填报日期 and their problems.
struct Filed {
    /// Whether its rows are of the assessed month, and how many data rows it has.
    rank: (bool, usize),
    sheet: String,
    reporting_unit: Option<String>,
    submitted_on: Option<chrono::NaiveDate>,
    submitted_at: Option<String>,
    doubt: super::record::UnitDoubt,
    /// No or an unreadable 填报日期: said for the file's main sheet only.
    problems: Vec<Diagnostic>,
}

impl Filed {
    /// The file's main sheet so far: `this` when it ranks above `best`.
    fn main(best: Option<Filed>, this: Filed) -> Option<Filed> {
        match best {
            Some(b) if b.rank >= this.rank => Some(b),
            _ => Some(this),
        }
    }

    /// Makes this sheet's 填报单位 and 填报日期 the file's; rows of a sheet without a 填报日期
    /// are filed on the file's.
    fn file_into(
        self,
        summary: &mut FileSummary,
        diagnostics: &mut Vec<Diagnostic>,
        records: &mut [Record],
    ) {
        for r in records.iter_mut().filter(|r| r.submitted_on.is_none()) {
            r.submitted_on = self.submitted_on;
        }
        summary.sheet = Some(self.sheet);
        summary.reporting_unit = self.reporting_unit;
        summary.submitted_on = self.submitted_on;
        summary.submitted_at = self.submitted_at;
        summary.unit_doubt = self.doubt;
        diagnostics.extend(self.problems);
    }
}

/// A header found without some required columns: one 错误 per column, at the header row, or
/// at the header cell that names the field for other months than the assessed one
/// (`1-9月累计完成投资` in October: last month's form).
fn missing_columns(
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
                "可用的列名: {}（规则 {}）",
                field.headers.join("、"),
                schema.file
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
fn unconvertible_units(
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
                "请换算为{own}后填写，或把表头的单位改为可换算的单位：{}（规则 {}）",
                known.join("、"),
                schema.file
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
fn columns_not_found(
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
                "如表中有此列，请把列名改为：{}（规则 {}）",
                field.headers.join("、"),
                schema.file
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
fn repeated_columns(
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

/// No sheet of the file has the table's header.
fn no_header(sheets: &[workbook::Sheet], schema: &TableSchema, file: &str) -> Diagnostic {
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    Diagnostic::new(
        Code::NoHeader,
        Location::file(file),
        format!(
            "在工作表（{}）中未找到{}的表头",
            names.join("、"),
            schema.title
        ),
    )
    .with_hint(format!(
        "表头应包含如 {} 等列名（规则 {}）",
        example_headers(schema),
        schema.file
    ))
}

fn submission_date_problems(
    meta: &meta::Meta,
    sheet: &workbook::Sheet,
    file: &str,
    month: Option<crate::calendar::Month>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // The example is a day of the assessed month (the 18th), as the clerk would write it.
    let (y, m) = month.map_or((2026, 9), |m| (m.year, m.month));
    if let Some((v, r, c)) = &meta.bad_date {
        let (ar, ac) = sheet.abs(*r, *c);
        diagnostics.push(
            Diagnostic::new(
                Code::BadValue,
                Location::cell(file, &sheet.name, ar, ac),
                format!("填报日期“{v}”无法识别"),
            )
            .with_hint(format!("填报日期请写成 {y}年{m}月18日 或 {y}-{m:02}-18")),
        );
    } else if meta.submitted_on.is_none() {
        diagnostics.push(
            Diagnostic::new(
                Code::NoSubmissionDate,
                Location {
                    file: file.into(),
                    sheet: Some(sheet.name.clone()),
                    cell: None,
                },
                "未找到填报日期，无法判断是否按时报送",
            )
            .with_hint(format!("在表格上方写“填报日期：{y}年{m}月18日”")),
        );
    }
}

fn example_headers(schema: &TableSchema) -> String {
    schema
        .fields
        .iter()
        .filter(|f| f.required)
        .chain(schema.fields.iter().filter(|f| !f.required))
        .take(4)
        .map(|f| format!("“{}”", f.label))
        .collect::<Vec<_>>()
        .join("、")
}
