//! How a sheet prints on A4 (issue 22): column widths bounded and fitted into the page width so
//! that the fitting scale keeps type at 8 pt or more, the orientation (landscape only when the
//! columns need it), row heights computed from the wrapped lines (Excel, WPS and LibreOffice do
//! not grow rows on open), and the page setup every workbook shares (A4, fit to one page wide,
//! header rows repeated, page numbers in the footer).

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The narrowest a wrapping text column is made to fit the page (in Excel's character units;
/// a Chinese character takes two).
const TEXT_FLOOR: usize = 12;
/// The widest any column is made before fitting.
pub(crate) const COLUMN_CAP: usize = 40;
/// The narrowest column.
const COLUMN_MIN: usize = 6;
/// The lowest scale the fitting may reach by this module's count: 10 pt body type × 0.86 ≥ 8 pt
/// with room for LibreOffice, which makes columns about 5 % wider than Excel's pixel rule
/// (measured: a sheet counted at 0.81 printed at 0.74).
pub(crate) const MIN_SCALE: f64 = 0.86;
/// The scale a landscape sheet is fitted to (see `fit_lines`).
const LANDSCAPE_SCALE: f64 = 0.88;

/// The printable width of A4 with the margins of `page_setup` (0.5 inch left and right), in
/// pixels at 96 dpi: portrait 7.27 in, landscape 10.69 in.
const PORTRAIT_PX: f64 = 7.27 * 96.0;
const LANDSCAPE_PX: f64 = 10.69 * 96.0;

/// Points per printed line of 10 pt 宋体, and the padding of a row.
pub(crate) const LINE_HEIGHT: f64 = 14.0;
const ROW_PADDING: f64 = 2.0;
/// Excel's highest row.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// A column before fitting: the width its content wants, and whether its text may wrap
/// narrower (numbers and dates may not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Want {
    pub(crate) width: usize,
    pub(crate) wraps: bool,
}

/// The fitted columns and the orientation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) widths: Vec<usize>,
    pub(crate) landscape: bool,
}

/// The pixels of a column `w` characters wide (Excel's rule for the default 11 pt Calibri).
fn pixels(w: usize) -> f64 {
    w as f64 * 7.0 + 5.0
}

fn total_pixels(widths: &[usize]) -> f64 {
    widths.iter().map(|w| pixels(*w)).sum()
}

/// The width a header label asks of its column: short labels whole, long ones wrapped on
/// up to three lines.
pub(crate) fn header_want(label: &str) -> usize {
    let w = label.split('\n').map(|l| l.width_cjk()).max().unwrap_or(0);
    if w <= 6 { w } else { w.div_ceil(3).max(6) }
}

/// Bounds each column, picks portrait when the columns fit it at `MIN_SCALE`, else landscape,
/// and narrows the widest wrapping columns (never below `TEXT_FLOOR`) until they fit.
pub(crate) fn fit(wants: &[Want]) -> Layout {
    fit_lines(wants, &[])
}

/// Lines the text of `line_widths` (display widths of its lines) takes in a column `width` wide.
fn lines_in(line_widths: &[usize], width: usize) -> usize {
    let usable = width.saturating_sub(2).max(1);
    line_widths.iter().map(|w| w.div_ceil(usable).max(1)).sum()
}

/// As `fit`, knowing the line widths of each column's longest text (`longest[c]`, where
/// known): the column narrowed at each step is the one whose longest text then takes the fewest
/// lines (a name that wraps to two lines gives way before a list of reasons would take twelve),
/// so that the page's width goes where the rows would be tallest.
pub(crate) fn fit_lines(wants: &[Want], longest: &[Vec<usize>]) -> Layout {
    let mut widths: Vec<usize> = wants
        .iter()
        .map(|w| w.width.clamp(COLUMN_MIN - 2, COLUMN_CAP) + 2)
        .collect();
    if total_pixels(&widths) <= PORTRAIT_PX / MIN_SCALE {
        return Layout {
            widths,
            landscape: false,
        };
    }
    // Landscape and short of width: a number or a date, which never wraps, keeps a margin of
    // one character instead of two (the column's own padding is in `pixels`) and the width goes
    // to the text; LibreOffice widens many narrow columns more than the count says, so the
    // page is counted at `LANDSCAPE_SCALE` (measured: 0.86 printed a sheet at 7.9 pt).
    for (w, want) in widths.iter_mut().zip(wants) {
        if !want.wraps && *w > COLUMN_MIN {
            *w -= 1;
        }
    }
    let budget = LANDSCAPE_PX / LANDSCAPE_SCALE;
    while total_pixels(&widths) > budget {
        let candidates = (0..widths.len()).filter(|c| wants[*c].wraps && widths[*c] > TEXT_FLOOR);
        let widest = if longest.is_empty() {
            candidates.max_by_key(|c| (widths[*c], usize::MAX - c))
        } else {
            candidates.min_by_key(|c| {
                let text = longest.get(*c).map_or(&[][..], Vec::as_slice);
                (lines_in(text, widths[*c] - 1), usize::MAX - widths[*c], *c)
            })
        };
        match widest {
            Some(c) => widths[c] -= 1,
            None => break,
        }
    }
    Layout {
        widths,
        landscape: true,
    }
}

/// Whether `layout`'s columns are still wider than a landscape page holds at 8 pt: its columns
/// that do not wrap (numbers, dates) take more than the page.
pub(crate) fn overflows(layout: &Layout) -> bool {
    layout.landscape && total_pixels(&layout.widths) > LANDSCAPE_PX / LANDSCAPE_SCALE
}

#[cfg(test)]
/// The scale at which LibreOffice fits `layout` to one page wide (1.0 when it fits).
pub(crate) fn scale(layout: &Layout) -> f64 {
    let page = if layout.landscape {
        LANDSCAPE_PX
    } else {
        PORTRAIT_PX
    };
    (page / total_pixels(&layout.widths)).min(1.0)
}

/// Lines a wrapped text needs in a column `width` characters wide: one per explicit newline,
/// and as many more as its display width (a Chinese character counts two) needs.
pub(crate) fn wrapped_lines(s: &str, width: usize) -> usize {
    let usable = width.saturating_sub(2).max(1);
    s.split('\n')
        .map(|line| line.width_cjk().div_ceil(usable).max(1))
        .sum()
}

/// The height in points of a row of `lines` lines.
pub(crate) fn height(lines: usize) -> f64 {
    (lines.max(1) as f64 * LINE_HEIGHT + ROW_PADDING).min(MAX_ROW_HEIGHT)
}

/// A new workbook whose default font is Arial 10: column widths are counted in its digit
/// width (7 pixels), which Excel, WPS and LibreOffice (Liberation Sans where Arial is missing)
/// all share; with the default Calibri, a machine without it (LibreOffice substitutes DejaVu
/// Sans) makes every column a third wider and the fitted page a third smaller.
pub(crate) fn new_workbook() -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let default = Format::new().set_font_name("Arial").set_font_size(10);
    wb.set_default_format(&default, 17, 64)?;
    Ok(wb)
}

/// A4, fit to one page wide (the height flows onto more pages), rows `repeat` on every page,
/// "第 N 页 共 M 页" in the footer.
pub(crate) fn page_setup(
    ws: &mut Worksheet,
    landscape: bool,
    repeat: (u32, u32),
) -> Result<(), XlsxError> {
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(repeat.0, repeat.1)?;
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(width: usize) -> Want {
        Want { width, wraps: true }
    }

    fn num(width: usize) -> Want {
        Want {
            width,
            wraps: false,
        }
    }

    #[test]
    fn lines_count_newlines_and_wrapping() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("项目", 10), 1);
        // 10 characters = 20 units in 8 usable units: 3 lines.
        assert_eq!(wrapped_lines(&"项".repeat(10), 10), 3);
        assert_eq!(wrapped_lines("一\n二\n三", 10), 3);
        assert_eq!(wrapped_lines(&format!("{}\n二", "项".repeat(5)), 8), 3);
    }

    #[test]
    fn row_height_grows_with_lines_and_stops_at_excels_limit() {
        assert_eq!(height(0), height(1));
        assert_eq!(height(1), 16.0);
        assert_eq!(height(5), 72.0);
        assert_eq!(height(1000), 409.0);
    }

    #[test]
    fn narrow_sheets_stay_portrait_at_full_size() {
        let l = fit(&[num(4), text(10), num(8)]);
        assert!(!l.landscape);
        assert_eq!(l.widths, vec![6, 12, 10]);
        assert_eq!(scale(&l), 1.0);
    }

    #[test]
    fn wide_sheets_go_landscape_and_their_text_columns_narrow_to_keep_8pt() {
        // The old 项目得分明细: 15 columns and a 50-wide 说明.
        let mut wants = vec![text(14), text(20), text(30), text(10)];
        wants.extend([num(6); 9]);
        wants.extend([text(12), text(60)]);
        let l = fit(&wants);
        assert!(l.landscape);
        assert!(scale(&l) >= MIN_SCALE, "{}", scale(&l));
        assert!(l.widths.iter().all(|w| *w <= COLUMN_CAP + 2));
        // Numbers keep their width; text narrows, not below the floor.
        assert!(l.widths[4..13].iter().all(|w| *w == 7));
        let text_columns = l.widths[..4].iter().chain(&l.widths[13..]);
        assert!(text_columns.clone().all(|w| *w >= TEXT_FLOOR));
        // The widest text gave up most.
        assert!(l.widths[14] < 42 && text_columns.max() == Some(&l.widths[14]));
    }

    #[test]
    fn long_headers_wrap_instead_of_widening_their_column() {
        assert_eq!(header_want("得分"), 4);
        assert_eq!(header_want("年度计划投资（万元）"), 7);
        assert_eq!(header_want(&"长".repeat(30)), 20);
    }
}
