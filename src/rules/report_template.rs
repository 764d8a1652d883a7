//! A city's report template (`rules/report_up/*.xlsx`), read once when the rules load: the cells
//! above the first data row (title, 填报单位/月份 line, header rows), their merges and the column
//! widths, and the header text of each column as a path (`投资（万元）/年度计划`), so that a
//! mapping names a column by its header and a moved column still maps.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// The deepest first data row a template may have (a bound of the program, not a rule: a
/// title and a header never take more).
pub(crate) const MAX_HEAD_ROWS: u32 = 50;
/// The most bytes a template may unpack to.
const MAX_UNZIPPED_BYTES: u64 = 100 * 1024 * 1024;
/// The widest template, in columns.
pub(crate) const MAX_COLUMNS: u32 = 200;

/// A value of a template cell, as written in it.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateValue {
    Text(String),
    Number(f64),
}

/// A merged area, 0-based and inclusive: first row, first column, last row, last column.
pub type Area = (u32, u16, u32, u16);

/// The head of a template sheet (everything above the first data row).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub sheet: String,
    /// Non-empty cells above the first data row: row, column (0-based), value.
    pub cells: Vec<(u32, u16, TemplateValue)>,
    /// Merged areas that end above the first data row.
    pub merges: Vec<Area>,
    /// Column widths set in the template (Excel character units), by column.
    pub widths: Vec<Option<f64>>,
    /// The header rows, 0-based, first and last.
    pub header: (u32, u32),
    /// The first data row, 0-based.
    pub first_data_row: u32,
    /// How many columns the header spans.
    pub columns: u16,
}

/// Why a template could not be used (the caller adds the file and position).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TemplateError {
    /// Not an xlsx workbook.
    NotXlsx(String),
    /// No sheet of that name; the sheets it has.
    NoSheet(Vec<String>),
    /// The header rows hold no text.
    EmptyHeader,
    /// It unpacks to more than the limit (in MB).
    TooLarge(u64),
}

impl Template {
    /// Reads the head of `sheet` of `bytes`: header rows `header` (0-based, inclusive) and data
    /// from `first_data_row` (0-based).
    pub(crate) fn read(
        bytes: &[u8],
        sheet: &str,
        header: (u32, u32),
        first_data_row: u32,
    ) -> Result<Template, TemplateError> {
        check_unzipped_size(bytes)?;
        let mut book = Xlsx::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| TemplateError::NotXlsx(e.to_string()))?;
        let names = book.sheet_names();
        if !names.iter().any(|n| n == sheet) {
            return Err(TemplateError::NoSheet(names));
        }
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| TemplateError::NotXlsx(e.to_string()))?;
        let mut cells = Vec::new();
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r as u32 + range.start().map_or(0, |s| s.0), c as u32);
            let c = c + range.start().map_or(0, |s| s.1);
            if r >= first_data_row || c >= MAX_COLUMNS {
                continue;
            }
            if let Some(v) = template_value(v) {
                cells.push((r, c as u16, v));
            }
        }
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        let merges: Vec<Area> = book
            .merge_cells_by_sheet_name(sheet)
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.end.0 < first_data_row && d.end.1 < MAX_COLUMNS)
            .map(|d| (d.start.0, d.start.1 as u16, d.end.0, d.end.1 as u16))
            .collect();
        let columns = cells
            .iter()
            .filter(|(r, _, _)| (header.0..=header.1).contains(r))
            .map(|(_, c, _)| c + 1)
            .chain(
                merges
                    .iter()
                    .filter(|m| m.0 <= header.1 && m.2 >= header.0)
                    .map(|m| m.3 + 1),
            )
            .max()
            .ok_or(TemplateError::EmptyHeader)?;
        let widths = super::report_widths::column_widths(bytes, sheet, columns);
        Ok(Template {
            sheet: sheet.to_string(),
            cells,
            merges,
            widths,
            header,
            first_data_row,
            columns,
        })
    }

    /// The value written at `row`, `col`, or in the merged area covering it.
    fn label(&self, row: u32, col: u16) -> Option<&str> {
        let (r, c) = self
            .merges
            .iter()
            .find(|m| (m.0..=m.2).contains(&row) && (m.1..=m.3).contains(&col))
            .map_or((row, col), |m| (m.0, m.1));
        self.cells.iter().find_map(|(cr, cc, v)| match v {
            TemplateValue::Text(s) if *cr == r && *cc == c => Some(s.as_str()),
            _ => None,
        })
    }

    /// The header of each column as its labels from the top header row down, without repeats
    /// (a label merged over two header rows counts once).
    pub(crate) fn header_paths(&self) -> Vec<Vec<String>> {
        (0..self.columns)
            .map(|c| {
                let mut path: Vec<String> = Vec::new();
                for r in self.header.0..=self.header.1 {
                    if let Some(l) = self.label(r, c).map(normalise).filter(|l| !l.is_empty())
                        && path.last() != Some(&l)
                    {
                        path.push(l);
                    }
                }
                path
            })
            .collect()
    }
}

/// Refuses a template whose parts unpack to more than [`MAX_UNZIPPED_BYTES`], as the zip's
/// directory declares them.
fn check_unzipped_size(bytes: &[u8]) -> Result<(), TemplateError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TemplateError::NotXlsx(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| TemplateError::NotXlsx(e.to_string()))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(TemplateError::TooLarge(MAX_UNZIPPED_BYTES / 1024 / 1024));
    }
    Ok(())
}

/// A header text as compared: without any white space (line breaks, full-width spaces).
pub(crate) fn normalise(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn template_value(v: &Data) -> Option<TemplateValue> {
    match v {
        Data::String(s) if !s.trim().is_empty() => Some(TemplateValue::Text(s.clone())),
        Data::Float(f) => Some(TemplateValue::Number(*f)),
        Data::Int(i) => Some(TemplateValue::Number(*i as f64)),
        Data::Bool(b) => Some(TemplateValue::Text(
            if *b { "TRUE" } else { "FALSE" }.into(),
        )),
        Data::DateTime(d) => Some(TemplateValue::Number(d.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(TemplateValue::Text(s.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TemplateValue {
        TemplateValue::Text(s.into())
    }

    /// 序号 over two rows; 投资 over 计划 / 完成; 开工 over 计划 / 实际; a title above.
    fn template() -> Template {
        Template {
            sheet: "s".into(),
            cells: vec![
                (0, 0, t("标题")),
                (1, 0, t("序 号")),
                (1, 1, t("投资")),
                (1, 3, t("开工")),
                (2, 1, t("计划")),
                (2, 2, t("完成")),
                (2, 3, t("计划")),
                (2, 4, t("实际\n开工")),
            ],
            merges: vec![(0, 0, 0, 4), (1, 0, 2, 0), (1, 1, 1, 2), (1, 3, 1, 4)],
            widths: vec![None; 5],
            header: (1, 2),
            first_data_row: 3,
            columns: 5,
        }
    }

    #[test]
    fn header_paths_follow_merges_and_ignore_white_space() {
        let paths = template().header_paths();
        let joined: Vec<String> = paths.iter().map(|p| p.join("/")).collect();
        assert_eq!(
            joined,
            [
                "序号",
                "投资/计划",
                "投资/完成",
                "开工/计划",
                "开工/实际开工"
            ]
        );
    }

    #[test]
    fn normalising_removes_line_breaks_and_full_width_spaces() {
        assert_eq!(normalise("总投资\n（亿元）"), "总投资（亿元）");
        assert_eq!(normalise("序\u{3000}号 "), "序号");
    }
}
