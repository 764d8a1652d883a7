//! Input templates (填报模板): the workbook a unit fills in, generated from a table schema
//! (`rules/tables/*.toml`) so that `check` reads it back without a diagnostic: title, 填报单位 and
//! 填报日期 lines, the header from the schema's first aliases, pre-filled and locked cells, data
//! validation with Chinese messages, sheet protection without a password, A4 print setup, and a
//! 填表说明 sheet generated from the schema.

use crate::rules::{Field, FieldType, TableSchema, Vocabulary};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Grid row of the header; the title, 填报单位 and 填报日期 lines are above it.
pub const HEADER_ROW: u32 = 3;
/// Display width of the 填表说明 column, and where its lines wrap.
const NOTE_WIDTH: f64 = 72.0;
const WRAP_AT: usize = 68;

/// A pre-filled value.
#[derive(Debug, Clone, PartialEq)]
pub enum TplValue {
    Text(String),
    Num(f64),
    Date(NaiveDate),
}

/// One data row: pre-filled values and lower bounds by field id.
#[derive(Debug, Clone, Default)]
pub struct TemplateRow {
    pub values: BTreeMap<String, TplValue>,
    /// A number field may not go below this (累计完成投资 ≥ the last figure reported).
    pub minimums: BTreeMap<String, f64>,
}

/// Everything a template workbook is made of.
#[derive(Debug, Clone)]
pub struct Template<'a> {
    pub schema: &'a TableSchema,
    pub vocab: &'a Vocabulary,
    /// `2026年10月重点项目推进情况月报`.
    pub title: String,
    /// The 填报单位, when the template is for one unit.
    pub unit: Option<String>,
    /// Dates are limited to this year (none: any date).
    pub year: Option<i32>,
    /// Fields whose pre-filled cells are locked.
    pub locked: Vec<String>,
    pub rows: Vec<TemplateRow>,
    /// Empty rows to fill in after the pre-filled ones.
    pub blank_rows: usize,
    /// Extra lines for the 填表说明 sheet (reporting deadlines …).
    pub notes: Vec<String>,
    /// Workbook metadata date (fixed for byte-identical output).
    pub created: NaiveDate,
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
}

fn formats() -> Formats {
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let grey = Color::RGB(0xE7E6E6);
    let open = base.clone().set_unlocked();
    Formats {
        title: Format::new()
            .set_font_name("黑体")
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
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
            .set_num_format("0.00")
            .set_background_color(grey),
        open_text: open.clone().set_text_wrap().set_num_format("@"),
        open_num: open.clone().set_num_format("0.00"),
        open_int: open.clone().set_num_format("0"),
        open_date: open.set_num_format("yyyy-mm-dd"),
        note: Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter),
    }
}

/// The header label of a field: its first alias, with the unit for amounts.
pub fn header_label(field: &Field) -> String {
    if field.kind == FieldType::Amount && crate::text::split_unit(&field.label).1.is_none() {
        format!("{}（万元）", field.label)
    } else {
        field.label.clone()
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(s: &str) -> String {
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
pub fn workbook(t: &Template) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
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
    let long = long_lists(t.schema);
    if !long.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(LISTS_SHEET)?;
        for (c, field) in long.iter().enumerate() {
            for (r, v) in field.values.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
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

fn data_sheet(ws: &mut Worksheet, t: &Template, f: &Formats) -> Result<(), XlsxError> {
    let fields = &t.schema.fields;
    let cols = fields.len().max(2) as u16;
    ws.set_name(sheet_name(&t.schema.title))?;
    ws.merge_range(0, 0, 0, cols - 1, &t.title, &f.title)?;
    ws.set_row_height(0, 30)?;
    meta_lines(ws, t, f)?;
    for (c, field) in fields.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, header_label(field), &f.header)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    let total = t.rows.len() + t.blank_rows;
    for r in 0..total {
        let row = t.rows.get(r);
        let rr = HEADER_ROW + 1 + r as u32;
        for (c, field) in fields.iter().enumerate() {
            write_cell(ws, rr, c as u16, field, row, t, f)?;
        }
    }
    validations(ws, t, total)?;
    for (c, field) in fields.iter().enumerate() {
        let values = t.rows.iter().filter_map(|r| r.values.get(&field.id));
        let w = values
            .map(|v| match v {
                TplValue::Text(s) => s.width_cjk(),
                TplValue::Num(n) => format!("{n:.2}").len(),
                TplValue::Date(_) => 10,
            })
            .chain([header_label(field).width_cjk(), 10])
            .max()
            .unwrap_or(10);
        ws.set_column_width(c as u16, (w.min(40) + 2) as f64)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页，共 &N 页");
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
fn meta_lines(ws: &mut Worksheet, t: &Template, f: &Formats) -> Result<(), XlsxError> {
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
        Some(u) => ws.write_string_with_format(1, 1, u, &f.locked)?,
        None => ws.write_blank(1, 1, &f.open_text)?,
    };
    if t.schema.submission_date {
        ws.write_string_with_format(2, 0, label("submitted_on"), &f.label)?;
        ws.write_blank(2, 1, &f.open_date)?;
        let mut dv = date_rule(DataValidation::new(), t.year)?
            .set_input_title("填报日期")?
            .set_input_message("填写报送本表的日期，如 2026-10-20")?;
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
    row: Option<&TemplateRow>,
    t: &Template,
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
        (Some(TplValue::Text(s)), true) => ws.write_string_with_format(r, c, s, &f.locked)?,
        (Some(TplValue::Text(s)), false) => ws.write_string_with_format(r, c, s, open)?,
        (Some(TplValue::Num(n)), true) => ws.write_number_with_format(r, c, *n, &f.locked_num)?,
        (Some(TplValue::Num(n)), false) => ws.write_number_with_format(r, c, *n, open)?,
        (Some(TplValue::Date(d)), _) => {
            ws.write_datetime_with_format(r, c, excel_date(*d)?, &f.open_date)?
        }
        (None, _) => ws.write_blank(r, c, open)?,
    };
    Ok(())
}

fn error_alert(dv: DataValidation, message: &str) -> Result<DataValidation, XlsxError> {
    dv.set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("输入有误")?
        .set_error_message(message)
}

fn date_rule(dv: DataValidation, year: Option<i32>) -> Result<DataValidation, XlsxError> {
    Ok(match year {
        Some(y) => dv.allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(y as u16, 1, 1)?,
            ExcelDateTime::from_ymd(y as u16, 12, 31)?,
        )),
        None => dv.allow_date(DataValidationRule::GreaterThanOrEqualTo(
            ExcelDateTime::from_ymd(1990, 1, 1)?,
        )),
    })
}

/// The validation of a field's cells, with its Chinese input message and error alert; `min`
/// raises the lower bound of a number.
fn field_validation(
    field: &Field,
    t: &Template,
    min: Option<f64>,
) -> Result<Option<DataValidation>, XlsxError> {
    let label = field.label.as_str();
    let title: String = label.chars().take(30).collect();
    let required = if field.required { "（必填）" } else { "" };
    let (dv, input, error) = match field.kind {
        FieldType::Bool => {
            let yes = t.vocab.yes.first().map(String::as_str).unwrap_or("是");
            let no = t.vocab.no.first().map(String::as_str).unwrap_or("否");
            (
                DataValidation::new().allow_list_strings(&[yes, no])?,
                format!("请从下拉列表选择“{yes}”或“{no}”{required}"),
                format!("{label}只能填“{yes}”或“{no}”"),
            )
        }
        FieldType::Enum => {
            let values: Vec<&str> = field.values.iter().map(String::as_str).collect();
            let dv = match long_lists(t.schema).iter().position(|f| f.id == field.id) {
                // Lists over 255 characters corrupt the file: refer to the hidden sheet.
                Some(i) => DataValidation::new().allow_list_formula(Formula::new(format!(
                    "={LISTS_SHEET}!${col}$1:${col}${}",
                    values.len(),
                    col = column_letter(i)
                ))),
                None => DataValidation::new().allow_list_strings(&values)?,
            };
            (
                dv,
                format!("请从下拉列表选择{required}"),
                format!("{label}只能是：{}", values.join("、")),
            )
        }
        FieldType::Date => {
            let (input, error) = match t.year {
                Some(y) => (
                    format!("填写{y}年内的日期，如 {y}-10-20{required}"),
                    format!("{label}须为{y}年内的日期"),
                ),
                None => (
                    format!("填写日期，如 2026-10-20{required}"),
                    format!("{label}须为有效日期"),
                ),
            };
            (date_rule(DataValidation::new(), t.year)?, input, error)
        }
        FieldType::Amount | FieldType::Number => {
            let unit = if field.kind == FieldType::Amount {
                "（万元）"
            } else {
                ""
            };
            match min.filter(|m| *m > 0.0) {
                Some(m) => (
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(m)),
                    format!("填写数字{unit}，不小于上次已报的 {m:.2}{required}"),
                    format!("{label}不能小于上次已报的 {m:.2}"),
                ),
                None => (
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                    format!("填写不小于0的数字{unit}{required}"),
                    format!("{label}须为不小于0的数字"),
                ),
            }
        }
        FieldType::Integer => (
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            format!("填写不小于0的整数{required}"),
            format!("{label}须为不小于0的整数"),
        ),
        FieldType::Text if field.required => (
            DataValidation::new().allow_text_length(DataValidationRule::GreaterThan(0)),
            format!("填写{label}（必填）"),
            format!("{label}不能为空"),
        ),
        FieldType::Text => return Ok(None),
    };
    let dv = dv.set_input_title(title)?.set_input_message(clip(&input))?;
    Ok(Some(error_alert(dv, &clip(&error))?))
}

/// A validation message within Excel's 255 characters.
fn clip(s: &str) -> String {
    if s.chars().count() <= 250 {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(249).collect();
        out.push('…');
        out
    }
}

fn validations(ws: &mut Worksheet, t: &Template, total: usize) -> Result<(), XlsxError> {
    if total == 0 {
        return Ok(());
    }
    let first = HEADER_ROW + 1;
    let last = HEADER_ROW + total as u32;
    for (c, field) in t.schema.fields.iter().enumerate() {
        let c = c as u16;
        let locked_rows = t
            .rows
            .iter()
            .filter(|r| r.values.contains_key(&field.id))
            .count();
        if t.locked.contains(&field.id) && locked_rows == t.rows.len() && t.blank_rows == 0 {
            continue;
        }
        let has_min = t.rows.iter().any(|r| r.minimums.contains_key(&field.id));
        if has_min {
            for (i, row) in t.rows.iter().enumerate() {
                let r = first + i as u32;
                if let Some(dv) = field_validation(field, t, row.minimums.get(&field.id).copied())?
                {
                    ws.add_data_validation(r, c, r, c, &dv)?;
                }
            }
            let rest = first + t.rows.len() as u32;
            if rest <= last
                && let Some(dv) = field_validation(field, t, None)?
            {
                ws.add_data_validation(rest, c, last, c, &dv)?;
            }
        } else if let Some(dv) = field_validation(field, t, None)? {
            ws.add_data_validation(first, c, last, c, &dv)?;
        }
    }
    Ok(())
}

/// The lines of the 填表说明 sheet, generated from the schema.
pub fn instructions(t: &Template) -> Vec<String> {
    let mut out = vec![format!("{}填表说明", t.title)];
    let locked: Vec<String> = t
        .schema
        .fields
        .iter()
        .filter(|f| t.locked.contains(&f.id) && t.rows.iter().any(|r| r.values.contains_key(&f.id)))
        .map(|f| format!("“{}”", f.label))
        .collect();
    let mut n = 0;
    let mut item = |s: String, out: &mut Vec<String>| {
        n += 1;
        out.push(format!(
            "{}、{s}",
            crate::engine::notices::chinese_number(n)
        ));
    };
    if locked.is_empty() {
        item("请在表头下方逐行填写，一个项目一行。".into(), &mut out);
    } else {
        item(
            format!(
                "灰色单元格（{}）已按重大项目管理台账预填并锁定，请勿改动；请在白色单元格中填写。如确需修改，可撤销工作表保护（未设密码），并请说明原因。",
                locked.join("、")
            ),
            &mut out,
        );
    }
    item(
        "请勿增加、删除、合并或改名表头各列，请勿在表格中间插入合计行；备注请写在表格下方。".into(),
        &mut out,
    );
    if t.unit.is_none() {
        item("请在“填报单位：”右侧填写本单位全称。".into(), &mut out);
    }
    if t.schema.submission_date {
        item(
            "请在“填报日期：”右侧填写报送日期，据此判断是否按时报送。".into(),
            &mut out,
        );
    }
    for note in &t.notes {
        item(note.clone(), &mut out);
    }
    item("各列填写要求：".into(), &mut out);
    for (i, field) in t.schema.fields.iter().enumerate() {
        out.push(format!("  {}. {}", i + 1, field_rule(field, t)));
    }
    out
}

fn field_rule(field: &Field, t: &Template) -> String {
    let kind = field.kind.label().replace("（万元）", "");
    let mut s = format!("{}（{kind}", header_label(field));
    if field.required {
        s.push_str("，必填");
    }
    s.push_str("）：");
    s.push_str(&match field.kind {
        FieldType::Text => "填写文字。".to_string(),
        FieldType::Integer => "填写整数。".to_string(),
        FieldType::Number => "填写数字，不带单位。".to_string(),
        FieldType::Amount => "填写数字，单位万元，不要写“万元”“亿元”等文字。".to_string(),
        FieldType::Date => match t.year {
            Some(y) => format!("填写{y}年内的日期，如 {y}-10-20。"),
            None => "填写日期，如 2026-10-20。".to_string(),
        },
        FieldType::Bool => format!(
            "从下拉列表选择“{}”或“{}”。",
            t.vocab.yes.first().map(String::as_str).unwrap_or("是"),
            t.vocab.no.first().map(String::as_str).unwrap_or("否")
        ),
        FieldType::Enum => format!("从下拉列表选择：{}。", field.values.join("、")),
    });
    if t.rows.iter().any(|r| r.minimums.contains_key(&field.id)) {
        s.push_str("不得小于上次已报数（已设置为输入下限）。");
    }
    s
}

fn instructions_sheet(ws: &mut Worksheet, t: &Template, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("填表说明")?;
    ws.set_column_width(0, NOTE_WIDTH)?;
    for (r, line) in instructions(t).iter().enumerate() {
        let (format, height) = if r == 0 {
            (&f.title, 30.0)
        } else {
            // Wrapped lines need their height set: neither WPS nor LibreOffice grows the row.
            let lines = line.width_cjk().div_ceil(WRAP_AT).max(1);
            (&f.note, 18.0 * lines as f64)
        };
        ws.write_string_with_format(r as u32, 0, line, format)?;
        ws.set_row_height(r as u32, height)?;
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
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
        let t = Template {
            schema: &schema,
            vocab: &rules.vocab,
            title: "台账".into(),
            unit: None,
            year: Some(2026),
            locked: Vec::new(),
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
