//! The city's reports as workbooks (`YYYY年M月<name>.xlsx`): the template's head reproduced
//! (title, 填报单位/月份 line, header rows with their merges and widths; every text written as
//! text, never as a formula), the `[[fill]]` texts, then one row per project as the engine
//! computed it (`engine/report_up.rs`), with the print setup of our other workbooks.

use super::cell_format;
use super::cells::excel_text;
use super::print_layout::{
    Want, fit, header_want, height, new_workbook, page_setup, wrapped_lines,
};
use crate::engine::assess::Assessment;
use crate::engine::report_up::{UpCell, UpReport};
use crate::rules::Rules;
use crate::rules::report_up::{Mapping, TemplateValue};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The file name of a city report of `a`'s month.
pub(crate) fn file_name(a: &Assessment, m: &Mapping) -> String {
    format!(
        "{}{}.xlsx",
        super::month_label(a),
        super::file_name::safe_file_name(&m.name)
    )
}

/// Every city report of the month: (file name, bytes).
pub(crate) fn workbooks(a: &Assessment, rules: &Rules) -> Result<Vec<UpWorkbook>, XlsxError> {
    a.report_up
        .iter()
        .map(|r| {
            let m = &rules.report_up[r.mapping];
            Ok(UpWorkbook {
                name: file_name(a, m),
                rule_file: m.file.clone(),
                bytes: workbook(a, m, r)?,
            })
        })
        .collect()
}

/// A city report's file: its name, the mapping it comes from, its bytes.
pub(crate) struct UpWorkbook {
    pub(crate) name: String,
    pub(crate) rule_file: String,
    pub(crate) bytes: Vec<u8>,
}

struct Formats {
    title: Format,
    head: Format,
    header: Format,
    text: Format,
}

fn formats() -> Formats {
    let boxed = cell_format::boxed(10).set_text_wrap();
    Formats {
        title: cell_format::title(),
        head: cell_format::plain(10),
        header: boxed.clone().set_bold().set_align(FormatAlign::Center),
        text: boxed,
    }
}

/// A number's cell format: its decimals, or as computed.
fn number_format(decimals: Option<u32>) -> Format {
    let f = cell_format::boxed(10);
    match decimals {
        Some(0) => f.set_num_format("#,##0"),
        Some(d) => f.set_num_format(format!("#,##0.{}", "0".repeat(d as usize))),
        None => f,
    }
}

fn workbook(a: &Assessment, m: &Mapping, r: &UpReport) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = new_workbook()?;
    let d = a.as_of;
    let created = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&m.name)
            .set_author("sanyipi")
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    if ws.set_name(&m.template.sheet).is_err() {
        ws.set_name("Sheet1")?;
    }
    let f = formats();
    let (widths, landscape) = widths(m, r);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    write_head(ws, m, r, &widths, &f)?;
    write_rows(ws, m, r, &widths, &f)?;
    let t = &m.template;
    ws.set_freeze_panes(t.first_data_row, 0)?;
    page_setup(ws, landscape, t.header)?;
    wb.save_to_buffer()
}

/// The template's widths where it sets them, else fitted to the content; and whether the
/// page is landscape.
fn widths(m: &Mapping, r: &UpReport) -> (Vec<f64>, bool) {
    let paths = m.template.header_paths();
    let wants: Vec<Want> = (0..usize::from(m.template.columns))
        .map(|c| match m.template.widths.get(c).copied().flatten() {
            Some(w) => Want {
                width: w.round() as usize,
                wraps: false,
            },
            None => {
                let header = paths[c].last().map_or(0, |l| header_want(l));
                let data = column_cells(m, r, c as u16)
                    .map(|cell| cell_text(cell).width_cjk())
                    .max()
                    .unwrap_or(0);
                Want {
                    width: header.max(data),
                    wraps: true,
                }
            }
        })
        .collect();
    let layout = fit(&wants);
    let widths = (0..wants.len())
        .map(|c| m.template.widths[c].unwrap_or(layout.widths[c] as f64))
        .collect();
    (widths, layout.landscape)
}

/// The cells of template column `col` in the data rows.
fn column_cells<'a>(m: &'a Mapping, r: &'a UpReport, col: u16) -> impl Iterator<Item = &'a UpCell> {
    let i = m.columns.iter().position(|c| c.col == col);
    r.rows
        .iter()
        .filter_map(move |row| i.and_then(|i| row.get(i)))
}

fn cell_text(c: &UpCell) -> String {
    match c {
        UpCell::Empty => String::new(),
        UpCell::Text(s) => s.clone(),
        UpCell::Number(x, Some(d)) => format!("{x:.*}", *d as usize),
        UpCell::Number(x, None) => x.to_string(),
    }
}

/// The head rows: the template's values and merges, the fills, the header boxed.
fn write_head(
    ws: &mut Worksheet,
    m: &Mapping,
    r: &UpReport,
    widths: &[f64],
    f: &Formats,
) -> Result<(), XlsxError> {
    let t = &m.template;
    let format_of = |row: u32| {
        if row >= t.header.0 {
            &f.header
        } else if row == 0 {
            &f.title
        } else {
            &f.head
        }
    };
    let mut texts: Vec<(u32, u16, String)> = t
        .cells
        .iter()
        .map(|(row, col, v)| (*row, *col, template_text(v)))
        .collect();
    for (fill, text) in m.fills.iter().zip(&r.fills) {
        texts.retain(|(row, col, _)| (*row, *col) != (fill.row, fill.col));
        texts.push((fill.row, fill.col, text.clone()));
    }
    for row in t.header.0..=t.header.1 {
        for col in 0..t.columns {
            ws.write_blank(row, col, &f.header)?;
        }
    }
    for (row, col, text) in &texts {
        let merged = t.merges.iter().find(|a| a.0 == *row && a.1 == *col);
        let number = t.cells.iter().find_map(|(cr, cc, v)| match v {
            TemplateValue::Number(x) if (cr, cc) == (row, col) => Some(*x),
            _ => None,
        });
        match (merged, number) {
            (Some(a), _) if (a.0, a.1) != (a.2, a.3) => {
                ws.merge_range(a.0, a.1, a.2, a.3, &excel_text(text), format_of(*row))?;
            }
            (_, Some(x)) if !m.fills.iter().any(|fl| (fl.row, fl.col) == (*row, *col)) => {
                ws.write_number_with_format(*row, *col, x, format_of(*row))?;
            }
            _ => {
                ws.write_string_with_format(
                    *row,
                    *col,
                    excel_text(text).as_ref(),
                    format_of(*row),
                )?;
            }
        }
    }
    for a in t.merges.iter().filter(|a| (a.0, a.1) != (a.2, a.3)) {
        if !texts.iter().any(|(row, col, _)| (*row, *col) == (a.0, a.1)) {
            ws.merge_range(a.0, a.1, a.2, a.3, "", format_of(a.0))?;
        }
    }
    for row in 0..t.first_data_row {
        let lines = texts
            .iter()
            .filter(|(r, _, _)| *r == row)
            .map(|(_, col, s)| wrapped_lines(s, span_width(m, row, *col, widths)))
            .max()
            .unwrap_or(1);
        let h = if row == 0 && row < t.header.0 {
            28.0
        } else {
            height(lines)
        };
        ws.set_row_height(row, h)?;
    }
    Ok(())
}

/// The width, in characters, of the cell at `row`, `col` with the columns its merge spans.
fn span_width(m: &Mapping, row: u32, col: u16, widths: &[f64]) -> usize {
    let (from, to) = m
        .template
        .merges
        .iter()
        .find(|a| a.0 == row && a.1 == col)
        .map_or((col, col), |a| (a.1, a.3));
    (from..=to)
        .map(|c| widths.get(usize::from(c)).copied().unwrap_or(8.0))
        .sum::<f64>() as usize
}

fn template_text(v: &TemplateValue) -> String {
    match v {
        TemplateValue::Text(s) => s.clone(),
        TemplateValue::Number(x) => crate::value::format_number(*x),
    }
}

fn write_rows(
    ws: &mut Worksheet,
    m: &Mapping,
    r: &UpReport,
    widths: &[f64],
    f: &Formats,
) -> Result<(), XlsxError> {
    let first = m.template.first_data_row;
    for (i, row) in r.rows.iter().enumerate() {
        let rr = first + i as u32;
        let mut lines = 1;
        for (c, cell) in m.columns.iter().zip(row) {
            let width = widths.get(usize::from(c.col)).copied().unwrap_or(8.0) as usize;
            match cell {
                UpCell::Empty => ws.write_blank(rr, c.col, &f.text)?,
                UpCell::Text(s) => {
                    lines = lines.max(wrapped_lines(s, width));
                    ws.write_string_with_format(rr, c.col, excel_text(s).as_ref(), &f.text)?
                }
                UpCell::Number(x, d) => {
                    ws.write_number_with_format(rr, c.col, *x, &number_format(*d))?
                }
            };
        }
        ws.set_row_height(rr, height(lines))?;
    }
    Ok(())
}
