//! The generic report sheet writer of every workbook (month ranking, weekly, evaluate, screening,
//! annual): a title and subtitle, a header, rows with red ones, column widths measured in CJK
//! display width, frozen header, autofilter, A4 landscape printing and fixed workbook metadata.
//! Every value from an input file is written as a string or number, never as a formula.

use super::cells::excel_text;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// One cell of a report sheet.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    /// 万元 or scores, two decimals.
    Num(f64),
    Int(i64),
    /// Text on a fill of this `0xRRGGBB` colour (a project's light).
    Fill(String, u32),
    Empty,
}

impl Cell {
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::Fill(s, _) => s.width_cjk(),
            Cell::Num(n) => format!("{n:.2}").len(),
            Cell::Int(i) => i.to_string().len(),
            Cell::Empty => 0,
        }
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
    d.map(|d| Cell::Text(d.format("%Y-%m-%d").to_string()))
        .unwrap_or(Cell::Empty)
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
}

pub(crate) fn formats() -> Formats {
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
        num: base.clone().set_num_format("0.00"),
        int: base.clone().set_num_format("0"),
        red_text: base.clone().set_text_wrap().set_font_color(red),
        red_num: base.clone().set_num_format("0.00").set_font_color(red),
        red_int: base.set_num_format("0").set_font_color(red),
    }
}

/// Column widths in Excel's character units: the widest cell (a Chinese character counts two),
/// between 6 and 48, plus 2.
fn column_widths(spec: &SheetSpec) -> Vec<usize> {
    (0..spec.headers.len())
        .map(|c| {
            let w = spec
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(Cell::width)
                .chain([spec.headers[c].width_cjk()])
                .max()
                .unwrap_or(8);
            w.clamp(6, 48) + 2
        })
        .collect()
}

/// Points per printed line of 10 pt 宋体, and the padding of a row.
const LINE_HEIGHT: f64 = 14.0;
const ROW_PADDING: f64 = 2.0;

/// Lines a wrapped text needs in a column `width` characters wide: one per explicit newline,
/// and as many more as its display width (a Chinese character counts two) needs.
pub(crate) fn wrapped_lines(s: &str, width: usize) -> usize {
    let usable = width.saturating_sub(2).max(1);
    s.split('\n')
        .map(|line| line.width_cjk().div_ceil(usable).max(1))
        .sum()
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
    lines as f64 * LINE_HEIGHT + ROW_PADDING
}

pub(crate) fn write_sheet(
    ws: &mut Worksheet,
    spec: &SheetSpec,
    subtitle: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = spec.headers.len().max(1) as u16;
    ws.set_name(&spec.name)?;
    ws.merge_range(0, 0, 0, cols - 1, &excel_text(&spec.title), &f.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, cols - 1, &excel_text(subtitle), &f.subtitle)?;
    // Widths by display width: a Chinese character counts two.
    let widths = column_widths(spec);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64)?;
    }
    for (c, h) in spec.headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, excel_text(h).as_ref(), &f.header)?;
    }
    let header_cells: Vec<Cell> = spec.headers.iter().map(text).collect();
    ws.set_row_height(2, row_height(&header_cells, &widths))?;
    for (r, row) in spec.rows.iter().enumerate() {
        let red = spec.red.get(r).copied().unwrap_or(false);
        let rr = 3 + r as u32;
        // Neither Excel, WPS nor LibreOffice grows a wrapped row when the file opens.
        ws.set_row_height(rr, row_height(row, &widths))?;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(
                    rr,
                    c,
                    excel_text(s).as_ref(),
                    if red { &f.red_text } else { &f.text },
                )?,
                Cell::Num(n) => {
                    ws.write_number_with_format(rr, c, *n, if red { &f.red_num } else { &f.num })?
                }
                Cell::Int(i) => ws.write_number_with_format(
                    rr,
                    c,
                    *i as f64,
                    if red { &f.red_int } else { &f.int },
                )?,
                Cell::Fill(s, rgb) => ws.write_string_with_format(
                    rr,
                    c,
                    excel_text(s).as_ref(),
                    &if red { &f.red_text } else { &f.text }
                        .clone()
                        .set_background_color(Color::RGB(*rgb)),
                )?,
                Cell::Empty => ws.write_blank(rr, c, if red { &f.red_text } else { &f.text })?,
            };
        }
    }
    ws.set_freeze_panes(3, 0)?;
    if !spec.rows.is_empty() {
        ws.autofilter(2, 0, 2 + spec.rows.len() as u32, cols - 1)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 2)?;
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_header(format!("&C{}", spec.title.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// A workbook of `specs`, each sheet under `subtitle`, with fixed metadata dated `as_of`.
pub(crate) fn book(
    title: &str,
    subtitle: &str,
    as_of: chrono::NaiveDate,
    specs: &[SheetSpec],
) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = Workbook::new();
    let created =
        ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("sanyipi")
            .set_creation_datetime(&created),
    );
    let f = formats();
    for spec in specs {
        let ws = wb.add_worksheet();
        write_sheet(ws, spec, subtitle, &f)?;
    }
    wb.save_to_buffer()
}
