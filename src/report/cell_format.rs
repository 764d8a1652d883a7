//! The cell formats our workbooks share: the sheet title, the boxed table cell and the plain line
//! of text around a table. Equal formats are one style in the file, so a workbook that builds its
//! own from these writes the same bytes as before.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

/// A sheet's title: 黑体 16, centred both ways.
pub(crate) fn title() -> Format {
    Format::new()
        .set_font_name("黑体")
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

/// A cell of a table: 宋体 of `size` points, a thin border, centred vertically.
pub(crate) fn boxed(size: u8) -> Format {
    plain(size).set_border(FormatBorder::Thin)
}

/// A line of text above or below a table: 宋体 of `size` points, centred vertically.
pub(crate) fn plain(size: u8) -> Format {
    Format::new()
        .set_font_name("宋体")
        .set_font_size(size)
        .set_align(FormatAlign::VerticalCenter)
}
