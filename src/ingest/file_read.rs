//! One file read as one table: its sheets chosen, the header found in each, metadata and rows
//! read, every row counted in the file's summary, and the file's problems (a missing column, no
//! header, no or a bad 填报日期).

use super::classify::Headers;
use super::column_problems::{
    columns_not_found, missing_columns, repeated_columns, unconvertible_units,
};
use super::{Dataset, FileSummary, Record, workbook};
use super::{InputFile, Opened, meta, reader, report_month, sheet_select, units};
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
        "表头应包含如 {} 等列名（{}）",
        example_headers(schema),
        crate::rules::cited(&schema.file)
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
