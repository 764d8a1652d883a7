//! Input templates (填报模板): the workbook a unit fills in, generated from a table schema
//! (`rules/tables/*.toml`) so that `check` reads it back without a diagnostic: title, 填报单位 and
//! 填报日期 lines, the header from the schema's first aliases, pre-filled and locked cells, data
//! validation with Chinese messages, sheet protection without a password, A4 print setup, and a
//! 填表说明 sheet generated from the schema.

mod instructions;
mod validation;

use instructions::instructions_sheet;
use validation::{date_rule, error_alert, validations};

use crate::report::cell_format;
use crate::report::cells::excel_text;
use crate::report::print_layout::{Want, fit, header_want, page_setup, wrapped_lines};
use crate::rules::{Field, FieldType, TableSchema, Vocabulary};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, Formula, ProtectionOptions, Worksheet, XlsxError,
};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Grid row of the header; the title, 填报单位 and 填报日期 lines are above it.
pub(crate) const HEADER_ROW: u32 = 3;
/// Display width of the 填表说明 column, and where its lines wrap.
const NOTE_WIDTH: f64 = 72.0;
const WRAP_AT: usize = 68;

/// A pre-filled value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FormValue {
    Text(String),
    Num(f64),
    Date(NaiveDate),
}

/// One data row: pre-filled values and lower bounds by field id.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormRow {
    pub(crate) values: BTreeMap<String, FormValue>,
    /// A number field may not go below this (累计完成投资 ≥ the last figure reported).
    pub(crate) minimums: BTreeMap<String, f64>,
}

/// A drop-down list for a field's column beyond its schema (the weekly template's 问题类别,
/// the unit's projects, the county leaders); kept on the hidden options sheet.
#[derive(Debug, Clone)]
pub(crate) struct FormList {
    pub(crate) field: String,
    pub(crate) values: Vec<String>,
    /// A value not in the list is refused (else only warned about).
    pub(crate) strict: bool,
    /// The form asks for it on every row (必填) though its table reads a blank as a value left
    /// out (a 整改反馈 form's 整改状态: blank is a task not answered, a warning).
    pub(crate) required: bool,
}

impl Form<'_> {
    /// `field` must be filled in: its table requires it, or this form's list for it does.
    pub(crate) fn required(&self, field: &Field) -> bool {
        field.required || self.lists.iter().any(|l| l.field == field.id && l.required)
    }
}

/// Everything a template workbook is made of.
#[derive(Debug, Clone)]
pub(crate) struct Form<'a> {
    pub(crate) schema: &'a TableSchema,
    pub(crate) vocab: &'a Vocabulary,
    /// `2026年10月重点项目推进情况月报`.
    pub(crate) title: String,
    /// The 填报单位, when the template is for one unit.
    pub(crate) unit: Option<String>,
    /// Dates are limited to the years around this one (`[template]` of `rules/ingest.toml`;
    /// none: any date).
    pub(crate) year: Option<i32>,
    /// The example date of the prompts: a day of the month being prepared.
    pub(crate) example: NaiveDate,
    /// Drop-down lists of fields beyond their schema.
    pub(crate) lists: Vec<FormList>,
    /// Fields whose pre-filled cells are locked.
    pub(crate) locked: Vec<String>,
    /// What the pre-filled cells were filled from, as the 填表说明 names it (the ledger's title,
    /// a notice's number).
    pub(crate) filled_from: String,
    pub(crate) rows: Vec<FormRow>,
    /// Empty rows to fill in after the pre-filled ones.
    pub(crate) blank_rows: usize,
    /// Extra lines for the 填表说明 sheet (reporting deadlines …).
    pub(crate) notes: Vec<String>,
    /// Workbook metadata date (fixed for byte-identical output).
    pub(crate) created: NaiveDate,
}

struct Formats {
    title: Format,
    label: Format,
    header: Format,
    locked: Format,
    locked_num: Format,
    open_text: Format,
    open_num: Format,
    open_int: Format,
    open_date: Format,
    note: Format,
    signoff: Format,
}

fn formats() -> Formats {
    let base = cell_format::boxed(11);
    let grey = Color::RGB(0xE7E6E6);
    let open = base.clone().set_unlocked();
    Formats {
        title: cell_format::title(),
        label: Format::new().set_font_name("宋体").set_font_size(11),
        header: base
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(0xDDEBF7)),
        locked: base.clone().set_text_wrap().set_background_color(grey),
        locked_num: base
            .clone()
            .set_num_format("#,##0.00")
            .set_background_color(grey),
        open_text: open.clone().set_text_wrap().set_num_format("@"),
        open_num: open.clone().set_num_format("#,##0.00"),
        open_int: open.clone().set_num_format("0"),
        open_date: open.set_num_format("yyyy-mm-dd"),
        note: cell_format::plain(11).set_text_wrap(),
        signoff: cell_format::plain(11).set_unlocked(),
    }
}

/// The header label of a field: its first alias, with the unit for amounts.
pub(crate) fn header_label(field: &Field) -> String {
    if field.kind == FieldType::Amount && crate::text::split_unit(&field.label).1.is_none() {
        format!("{}（万元）", field.label)
    } else {
        field.label.clone()
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub(crate) fn sheet_name(s: &str) -> String {
    let name: String = s
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if name.is_empty() {
        "数据".into()
    } else {
        name
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// Builds the template workbook.
pub(crate) fn workbook(t: &Form) -> Result<Vec<u8>, XlsxError> {
    let mut wb = crate::report::print_layout::new_workbook()?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&t.title)
            .set_author("sanyipi")
            .set_creation_datetime(&excel_date(t.created)?),
    );
    let f = formats();
    let ws = wb.add_worksheet();
    data_sheet(ws, t, &f)?;
    let ws = wb.add_worksheet();
    instructions_sheet(ws, t, &f)?;
    let lists = hidden_lists(t);
    if !lists.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(LISTS_SHEET)?;
        for (c, (_, values)) in lists.iter().enumerate() {
            for (r, v) in values.iter().enumerate() {
                ws.write_string(r as u32, c as u16, excel_text(v).as_ref())?;
            }
        }
        ws.set_hidden(true);
    }
    wb.save_to_buffer()
}

/// The hidden sheet holding option lists too long for a validation's inline list.
const LISTS_SHEET: &str = "选项";

/// Enum fields whose options do not fit an inline list (255 characters).
fn long_lists(schema: &TableSchema) -> Vec<&Field> {
    schema
        .fields
        .iter()
        .filter(|f| f.kind == FieldType::Enum && f.values.join(",").chars().count() > 250)
        .collect()
}

/// The lists on the hidden sheet, one a column: long enum lists, then the form's own lists.
fn hidden_lists<'a>(t: &'a Form) -> Vec<(&'a str, &'a [String])> {
    long_lists(t.schema)
        .into_iter()
        .map(|f| (f.id.as_str(), f.values.as_slice()))
        .chain(
            t.lists
                .iter()
                .filter(|l| !l.values.is_empty())
                .map(|l| (l.field.as_str(), l.values.as_slice())),
        )
        .collect()
}

/// The sign-off line under the table: `填报人：　　…　联系电话：　　…　审核人：`, labels from
/// `[template] signoff` of the rules.
pub(crate) fn signoff_text(vocab: &Vocabulary) -> String {
    let gap = "\u{3000}".repeat(8);
    vocab
        .template
        .signoff
        .iter()
        .map(|l| format!("{l}：{gap}"))
        .collect::<Vec<_>>()
        .join("")
        .trim_end()
        .to_string()
}

/// `A`, `B`, … `Z`, `AA` for a zero-based column.
fn column_letter(c: usize) -> String {
    let mut s = String::new();
    let mut n = c + 1;
    while n > 0 {
        s.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

fn data_sheet(ws: &mut Worksheet, t: &Form, f: &Formats) -> Result<(), XlsxError> {
    let fields = &t.schema.fields;
    let cols = fields.len().max(2) as u16;
    ws.set_name(sheet_name(&t.schema.title))?;
    ws.merge_range(0, 0, 0, cols - 1, &excel_text(&t.title), &f.title)?;
    ws.set_row_height(0, 30)?;
    meta_lines(ws, t, f)?;
    for (c, field) in fields.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, header_label(field), &f.header)?;
    }
    let total = t.rows.len() + t.blank_rows;
    for r in 0..total {
        let row = t.rows.get(r);
        let rr = HEADER_ROW + 1 + r as u32;
        for (c, field) in fields.iter().enumerate() {
            write_cell(ws, rr, c as u16, field, row, t, f)?;
        }
    }
    validations(ws, t, total)?;
    if !t.vocab.template.signoff.is_empty() {
        // One empty row, then the line the unit signs in (one cell: read back as a note).
        let r = HEADER_ROW + 2 + total as u32;
        ws.merge_range(r, 0, r, cols - 1, &signoff_text(t.vocab), &f.signoff)?;
    }
    let wants: Vec<Want> = fields
        .iter()
        .map(|field| {
            let values = t.rows.iter().filter_map(|r| r.values.get(&field.id));
            let data = values
                .map(|v| match v {
                    FormValue::Text(s) => s.width_cjk(),
                    FormValue::Num(n) => format!("{n:.2}").len(),
                    FormValue::Date(_) => 10,
                })
                .chain([10])
                .max()
                .unwrap_or(10);
            // The template's type is 11 pt: a tenth wider than the 10 pt the units count.
            Want {
                width: (data.max(header_want(&header_label(field))) * 11).div_ceil(10),
                wraps: !matches!(field.kind, FieldType::Amount | FieldType::Number),
            }
        })
        .collect();
    let layout = fit(&wants);
    for (c, w) in layout.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64)?;
    }
    // The header wraps in its column: a row as high as its longest label's lines (11 pt).
    let lines = fields
        .iter()
        .zip(&layout.widths)
        .map(|(field, w)| wrapped_lines(&header_label(field), *w * 10 / 11))
        .max()
        .unwrap_or(1);
    ws.set_row_height(HEADER_ROW, 16.0 * lines as f64 + 4.0)?;
    for (r, row) in t.rows.iter().enumerate() {
        let lines = fields
            .iter()
            .zip(&layout.widths)
            .filter_map(|(field, w)| match row.values.get(&field.id) {
                Some(FormValue::Text(s)) => Some(wrapped_lines(s, *w * 10 / 11)),
                _ => None,
            })
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(HEADER_ROW + 1 + r as u32, 16.0 * lines as f64 + 4.0)?;
        }
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    page_setup(ws, layout.landscape, (HEADER_ROW, HEADER_ROW))?;
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
    Ok(())
}

/// 填报单位 on the second line, 填报日期 on the third (each label in its own cell, the value
/// beside it) so that an empty value never borrows the next label.
fn meta_lines(ws: &mut Worksheet, t: &Form, f: &Formats) -> Result<(), XlsxError> {
    let label = |key: &str| {
        t.vocab
            .meta
            .get(key)
            .and_then(|l| l.first())
            .map(|l| format!("{l}："))
            .unwrap_or_default()
    };
    ws.write_string_with_format(1, 0, label("reporting_unit"), &f.label)?;
    match &t.unit {
        Some(u) => ws.write_string_with_format(1, 1, excel_text(u).as_ref(), &f.locked)?,
        None => ws.write_blank(1, 1, &f.open_text)?,
    };
    if t.schema.submission_date {
        ws.write_string_with_format(2, 0, label("submitted_on"), &f.label)?;
        ws.write_blank(2, 1, &f.open_date)?;
        let mut dv = date_rule(DataValidation::new(), t, None)?
            .set_input_title("填报日期")?
            .set_input_message(format!(
                "填写报送本表的日期，如 {}",
                t.example.format("%Y-%m-%d")
            ))?;
        dv = error_alert(dv, "填报日期须为有效日期")?;
        ws.add_data_validation(2, 1, 2, 1, &dv)?;
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    field: &Field,
    row: Option<&FormRow>,
    t: &Form,
    f: &Formats,
) -> Result<(), XlsxError> {
    let value = row.and_then(|row| row.values.get(&field.id));
    let locked = value.is_some() && t.locked.contains(&field.id);
    let open = match field.kind {
        FieldType::Amount | FieldType::Number => &f.open_num,
        FieldType::Integer => &f.open_int,
        FieldType::Date => &f.open_date,
        _ => &f.open_text,
    };
    match (value, locked) {
        (Some(FormValue::Text(s)), true) => {
            ws.write_string_with_format(r, c, excel_text(s).as_ref(), &f.locked)?
        }
        (Some(FormValue::Text(s)), false) => {
            ws.write_string_with_format(r, c, excel_text(s).as_ref(), open)?
        }
        (Some(FormValue::Num(n)), true) => ws.write_number_with_format(r, c, *n, &f.locked_num)?,
        (Some(FormValue::Num(n)), false) => ws.write_number_with_format(r, c, *n, open)?,
        (Some(FormValue::Date(d)), _) => {
            ws.write_datetime_with_format(r, c, excel_date(*d)?, &f.open_date)?
        }
        (None, _) => ws.write_blank(r, c, open)?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_drop_forbidden_characters_and_stay_short() {
        assert_eq!(sheet_name("月报[2026]/10"), "月报202610");
        assert_eq!(sheet_name("?*"), "数据");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn long_option_lists_go_to_the_hidden_sheet() {
        let rules = crate::rules::Rules::load(None).unwrap();
        let mut schema = rules.table("ledger").unwrap().clone();
        let industry = schema
            .fields
            .iter_mut()
            .find(|f| f.id == "industry")
            .unwrap();
        industry.values = (0..60).map(|i| format!("产业类别{i}")).collect();
        assert_eq!(long_lists(&schema).len(), 1);
        let t = Form {
            schema: &schema,
            vocab: &rules.vocab,
            title: "台账".into(),
            unit: None,
            year: Some(2026),
            example: NaiveDate::from_ymd_opt(2026, 10, 22).unwrap(),
            lists: Vec::new(),
            locked: Vec::new(),
            filled_from: String::new(),
            rows: Vec::new(),
            blank_rows: 3,
            notes: Vec::new(),
            created: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        };
        let bytes = workbook(&t).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut out = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut out).unwrap();
            out
        };
        assert!(read("xl/worksheets/sheet1.xml").contains("选项!$A$1:$A$60"));
        assert!(read("xl/workbook.xml").contains("name=\"选项\" sheetId=\"3\" state=\"hidden\""));
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn amount_headers_carry_the_unit_once() {
        let rules = crate::rules::Rules::load(None).unwrap();
        let monthly = rules.table("monthly").unwrap();
        let label = |id: &str| header_label(monthly.field(id).unwrap());
        assert_eq!(label("cum_invest"), "累计完成投资（万元）");
        assert_eq!(label("project_name"), "项目名称");
    }
}
