//! The generic report sheet writer of every workbook (month ranking, weekly, evaluate, screening,
//! annual): a title and a data-date line, a header (on two rows where columns are grouped), rows
//! with red ones, amounts as `#,##0.00` and dates as dates, "本月无" for an empty list, column
//! widths measured in CJK display width and fitted to A4 (`print_layout`), frozen header,
//! autofilter and fixed workbook metadata. Every value from an input file is written as a string
//! or number, never as a formula.

use super::cells::excel_text;
use super::print_layout::{Want, header_want, height, page_setup, wrapped_lines};
use chrono::Datelike;
use rayon::prelude::*;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// One cell of a report sheet.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    /// 万元 or scores, two decimals.
    Num(f64),
    Int(i64),
    /// A date, written as a date with a date format.
    Date(chrono::NaiveDate),
    /// A date with words shown before and after it (`2027-01-28（暂定）`, `已销号（2026-10-20）`):
    /// still a date cell (it sorts and filters as a date); the words are part of its number
    /// format (`labelled`).
    Labelled(Labelled),
    /// Text on a fill of this `0xRRGGBB` colour (a project's light).
    Fill(String, u32),
    Empty,
}

impl Cell {
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::Fill(s, _) => {
                s.split('\n').map(|l| l.width_cjk()).max().unwrap_or(0)
            }
            // `#,##0.00`: the digits, a comma per thousand, the point and two decimals.
            Cell::Num(n) => {
                let whole = whole_digits(*n);
                whole + (whole - 1) / 3 + 3 + usize::from(*n < 0.0)
            }
            Cell::Date(_) => 10,
            Cell::Labelled(l) => l.before.width_cjk() + 10 + l.after.width_cjk(),
            Cell::Int(i) => digits(i.unsigned_abs()) + usize::from(*i < 0),
            Cell::Empty => 0,
        }
    }
}

/// Decimal digits of `n` (a sheet has tens of thousands of numbers: no string is made).
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Digits of the whole part of `|n|` as `{:.0}` prints it.
fn whole_digits(n: f64) -> usize {
    let whole = n.abs().trunc();
    if whole < 1e15 {
        digits(whole as u64)
    } else {
        format!("{whole:.0}").len()
    }
}

pub(crate) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

pub(crate) fn opt_text(s: &Option<String>) -> Cell {
    s.as_ref()
        .map(|s| Cell::Text(s.clone()))
        .unwrap_or(Cell::Empty)
}

pub(crate) fn date(d: Option<chrono::NaiveDate>) -> Cell {
    d.map(Cell::Date).unwrap_or(Cell::Empty)
}

/// A sheet: title, header, rows, and which rows to show in red.
#[derive(Debug, Clone)]
pub struct SheetSpec {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) red: Vec<bool>,
}

pub(crate) struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    num: Format,
    int: Format,
    red_text: Format,
    red_num: Format,
    red_int: Format,
    date: Format,
    red_date: Format,
    empty: Format,
    /// What an empty list prints ("本月无").
    empty_label: String,
}

/// Amounts (万元, 亿元) and scores.
const AMOUNT: &str = "#,##0.00";
const DATE: &str = "yyyy-mm-dd";

/// The formats of a workbook whose empty lists print `empty_label`.
pub(crate) fn formats(empty_label: &str) -> Formats {
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let red = Color::RGB(0xC00000);
    Formats {
        title: Format::new()
            .set_font_name("黑体")
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        subtitle: Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_align(FormatAlign::Right),
        header: base
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap()
            .set_background_color(Color::RGB(0xDDEBF7)),
        text: base.clone().set_text_wrap(),
        num: base.clone().set_num_format(AMOUNT),
        int: base.clone().set_num_format("0"),
        red_text: base.clone().set_text_wrap().set_font_color(red),
        red_num: base.clone().set_num_format(AMOUNT).set_font_color(red),
        red_int: base.clone().set_num_format("0").set_font_color(red),
        date: base.clone().set_num_format(DATE),
        red_date: base.clone().set_num_format(DATE).set_font_color(red),
        empty: base.set_align(FormatAlign::Center),
        empty_label: empty_label.to_string(),
    }
}

/// Separates a group label from its column's label in a header (`grouped`).
const GROUP: char = '\u{1f}';

/// A header under a group label: the columns of consecutive headers with the same group print
/// under one merged cell in a first header row (e.g. an indicator over its 值 and 得分).
pub(crate) fn grouped(group: &str, label: &str) -> String {
    format!("{group}{GROUP}{label}")
}

/// A header's group (if any) and its own label.
fn split_header(h: &str) -> (Option<&str>, &str) {
    match h.split_once(GROUP) {
        Some((g, l)) => (Some(g), l),
        None => (None, h),
    }
}

/// What each column's content asks of the page.
fn wants(spec: &SheetSpec) -> Vec<Want> {
    (0..spec.headers.len())
        .map(|c| {
            let cells = spec.rows.iter().filter_map(|r| r.get(c));
            let wraps = cells
                .clone()
                .all(|x| matches!(x, Cell::Text(_) | Cell::Fill(..) | Cell::Empty));
            let data = cells.map(Cell::width).max().unwrap_or(0);
            let header = header_want(split_header(&spec.headers[c]).1);
            Want {
                width: data.max(header),
                wraps,
            }
        })
        .collect()
}

/// The display widths of the lines of each column's longest text (the most display width in
/// all), for `fit_lines` to narrow the columns whose rows would grow least.
fn longest(spec: &SheetSpec) -> Vec<Vec<usize>> {
    (0..spec.headers.len())
        .map(|c| {
            let texts = spec.rows.iter().filter_map(|r| match r.get(c) {
                Some(Cell::Text(s) | Cell::Fill(s, _)) => Some(s),
                _ => None,
            });
            texts
                .map(|s| s.split('\n').map(|l| l.width_cjk()).collect::<Vec<_>>())
                .max_by_key(|w| w.iter().sum::<usize>())
                .unwrap_or_default()
        })
        .collect()
}

/// The height of a row whose cells wrap in columns of `widths`.
fn row_height(cells: &[Cell], widths: &[usize]) -> f64 {
    let lines = cells
        .iter()
        .zip(widths)
        .map(|(c, w)| match c {
            Cell::Text(s) | Cell::Fill(s, _) => wrapped_lines(s, *w),
            _ => 1,
        })
        .max()
        .unwrap_or(1);
    height(lines)
}

/// Writes the header, on two rows when some columns are grouped; returns the rows it took.
fn write_header(
    ws: &mut Worksheet,
    spec: &SheetSpec,
    widths: &[usize],
    f: &Formats,
) -> Result<u32, XlsxError> {
    let split: Vec<(Option<&str>, &str)> = spec.headers.iter().map(|h| split_header(h)).collect();
    let own = |c: usize, l: &str| wrapped_lines(l, widths[c]);
    if split.iter().all(|(g, _)| g.is_none()) {
        for (c, (_, l)) in split.iter().enumerate() {
            ws.write_string_with_format(HEADER, c as u16, excel_text(l).as_ref(), &f.header)?;
        }
        let lines = (0..split.len()).map(|c| own(c, split[c].1)).max();
        ws.set_row_height(HEADER, height(lines.unwrap_or(1)))?;
        return Ok(1);
    }
    let (top, sub) = (HEADER, HEADER + 1);
    let mut c = 0;
    let mut top_lines = 1;
    while c < split.len() {
        let (group, label) = split[c];
        let col = c as u16;
        match group {
            None => {
                ws.merge_range(top, col, sub, col, excel_text(label).as_ref(), &f.header)?;
                c += 1;
            }
            Some(g) => {
                let end = (c..split.len())
                    .take_while(|i| split[*i].0 == Some(g))
                    .last()
                    .unwrap_or(c);
                let span: usize = widths[c..=end].iter().sum();
                top_lines = top_lines.max(wrapped_lines(g, span));
                if end > c {
                    ws.merge_range(top, col, top, end as u16, excel_text(g).as_ref(), &f.header)?;
                } else {
                    ws.write_string_with_format(top, col, excel_text(g).as_ref(), &f.header)?;
                }
                for (i, (_, l)) in split.iter().enumerate().take(end + 1).skip(c) {
                    ws.write_string_with_format(sub, i as u16, excel_text(l).as_ref(), &f.header)?;
                }
                c = end + 1;
            }
        }
    }
    // A label standing over both rows may use both rows' lines.
    let whole = (0..split.len())
        .filter(|c| split[*c].0.is_none())
        .map(|c| own(c, split[c].1))
        .max()
        .unwrap_or(1);
    let grouped = (0..split.len())
        .filter(|c| split[*c].0.is_some())
        .map(|c| own(c, split[c].1))
        .max()
        .unwrap_or(1);
    let sub_lines = grouped.max(whole.saturating_sub(top_lines));
    ws.set_row_height(top, height(top_lines))?;
    ws.set_row_height(sub, height(sub_lines))?;
    Ok(2)
}

/// The row of the (first) header line: the title and the data-date line are above it.
const HEADER: u32 = 2;

pub(crate) fn write_sheet(
    ws: &mut Worksheet,
    spec: &SheetSpec,
    subtitle: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = spec.headers.len().max(1) as u16;
    ws.set_name(&spec.name)?;
    // Dates whose words (a feedback's note) widen their columns past what the page holds at
    // 8 pt are their text instead, which wraps (`fit_words`).
    let (words_as_text, layout) = labelled::fit_words(spec);
    let spec = words_as_text.as_ref().unwrap_or(spec);
    let widths = &layout.widths;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64)?;
    }
    let all: usize = widths.iter().sum();
    ws.merge_range(0, 0, 0, cols - 1, &excel_text(&spec.title), &f.title)?;
    ws.set_row_height(
        0,
        28.0f64.max(20.0 * wrapped_lines(&spec.title, all / 2 + 1) as f64),
    )?;
    ws.merge_range(1, 0, 1, cols - 1, &excel_text(subtitle), &f.subtitle)?;
    ws.set_row_height(1, height(wrapped_lines(subtitle, all)))?;
    let first = HEADER + write_header(ws, spec, widths, f)?;
    for (r, row) in spec.rows.iter().enumerate() {
        let red = spec.red.get(r).copied().unwrap_or(false);
        let rr = first + r as u32;
        ws.set_row_height(rr, row_height(row, widths))?;
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, rr, c as u16, cell, red, f)?;
        }
    }
    if spec.rows.is_empty() {
        ws.merge_range(first, 0, first, cols - 1, &f.empty_label, &f.empty)?;
    }
    ws.set_freeze_panes(first, 0)?;
    if !spec.rows.is_empty() {
        ws.autofilter(first - 1, 0, first - 1 + spec.rows.len() as u32, cols - 1)?;
    }
    // The title and data-date lines repeat with the header: no page header besides.
    page_setup(ws, layout.landscape, (0, first - 1))?;
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    red: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    let text_format = if red { &f.red_text } else { &f.text };
    match cell {
        Cell::Text(s) => ws.write_string_with_format(r, c, excel_text(s).as_ref(), text_format)?,
        Cell::Num(n) => {
            ws.write_number_with_format(r, c, *n, if red { &f.red_num } else { &f.num })?
        }
        Cell::Int(i) => {
            ws.write_number_with_format(r, c, *i as f64, if red { &f.red_int } else { &f.int })?
        }
        // A date Excel cannot hold (a due date computed from a wild 时限 under edited rules) is
        // written as its text, so the workbook is still made.
        Cell::Date(d) if !crate::calendar::Month::YEARS.contains(&d.year()) => {
            ws.write_string_with_format(r, c, d.to_string(), text_format)?
        }
        Cell::Labelled(l) if !crate::calendar::Month::YEARS.contains(&l.date.year()) => {
            ws.write_string_with_format(r, c, excel_text(&l.shown()).as_ref(), text_format)?
        }
        Cell::Date(d) => {
            let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(r, c, &x, if red { &f.red_date } else { &f.date })?
        }
        Cell::Labelled(l) => {
            let d = l.date;
            let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            let format = if red { &f.red_date } else { &f.date };
            let format = format.clone().set_num_format(labelled_format(l));
            ws.write_datetime_with_format(r, c, &x, &format)?
        }
        Cell::Fill(s, rgb) => ws.write_string_with_format(
            r,
            c,
            excel_text(s).as_ref(),
            &text_format.clone().set_background_color(Color::RGB(*rgb)),
        )?,
        Cell::Empty => ws.write_blank(r, c, text_format)?,
    };
    Ok(())
}

/// A workbook of `specs`, each sheet under `subtitle` (the data-date line), with fixed metadata
/// dated `as_of`; an empty list prints `empty` ("本月无"). Each spec is freed once its sheet is
/// filled, before the workbook is saved (at province scale they are tens of megabytes).
pub(crate) fn book(
    title: &str,
    subtitle: &str,
    as_of: chrono::NaiveDate,
    specs: Vec<SheetSpec>,
    empty: &str,
) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = super::print_layout::new_workbook()?;
    let created =
        ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("sanyipi")
            .set_creation_datetime(&created),
    );
    let f = formats(empty);
    let mut specs = specs;
    labelled::cap_formats(&mut specs);
    for _ in &specs {
        wb.add_worksheet();
    }
    // Each sheet keeps its own format table until the workbook is saved, so the sheets can be
    // filled on every core with the same bytes as one after the other.
    wb.worksheets_mut()
        .par_iter_mut()
        .zip(specs)
        .try_for_each(|(ws, spec)| write_sheet(ws, &spec, subtitle, &f))?;
    wb.save_to_buffer()
}

mod labelled;
use labelled::labelled_format;
pub(crate) use labelled::{Labelled, cap_formats, labelled, marked_date};

#[cfg(test)]
mod tests;
