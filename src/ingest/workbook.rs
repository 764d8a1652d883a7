//! Opening a submitted file: sniff what it really is, open it with calamine, return its sheets
//! as grids. Every failure becomes a diagnostic naming the file and saying what to do.

use crate::diagnostic::{Code, Diagnostic, Location, tech_info};
use crate::ingest::limits::{Flavour, inspect_zip};
use crate::rules::Limits;
use calamine::{Data, Ods, Reader, Sheets, Xls, Xlsx};
use std::io::Cursor;
use std::path::Path;

/// One sheet as a dense grid. `origin` is the absolute (row, col) of `rows[0][0]`.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Data>>,
    pub origin: (u32, u32),
    /// Grid positions of formula cells with no cached value (nothing to read, not a zero).
    pub formulas_without_value: Vec<(usize, usize)>,
    /// Merged regions and hidden rows (see `merged`).
    pub layout: super::merged::Layout,
}

impl Sheet {
    pub fn cell(&self, row: usize, col: usize) -> &Data {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Data::Empty)
    }

    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.len()).max().unwrap_or(0)
    }

    /// Absolute zero-based (row, col) of a grid position, for A1 references.
    pub fn abs(&self, row: usize, col: usize) -> (u32, u32) {
        (self.origin.0 + row as u32, self.origin.1 + col as u32)
    }
}

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Ole,
    Html,
    Text,
    Unknown,
}

fn sniff(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") {
        return Kind::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Kind::Ole;
    }
    let head = &bytes[..bytes.len().min(512)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let lower = String::from_utf8_lossy(head).to_lowercase();
    let lower = lower.trim_start();
    if lower.starts_with('<')
        && (lower.contains("<html") || lower.contains("<table") || lower.contains("<!doctype"))
    {
        return Kind::Html;
    }
    if !head.is_empty() && std::str::from_utf8(head).is_ok() && !head.contains(&0) {
        return Kind::Text;
    }
    Kind::Unknown
}

fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Opens the workbook at `path` (shown as `name`) and returns its sheets in order.
pub fn open(path: &Path, name: &str, limits: &Limits) -> Result<Vec<Sheet>, Diagnostic> {
    let loc = || Location::file(name);
    let size = std::fs::metadata(path).map(|m| m.len()).map_err(|e| {
        Diagnostic::new(
            Code::Unreadable,
            loc(),
            format!("无法读取文件。{}", tech_info(e)),
        )
    })?;
    if size > limits.max_file_mb * 1024 * 1024 {
        return Err(Diagnostic::new(
            Code::TooLarge,
            loc(),
            format!(
                "文件过大（{:.1} MB，上限 {} MB），未读取",
                size as f64 / 1048576.0,
                limits.max_file_mb
            ),
        )
        .with_hint("删除无关的工作表或图片后另存，或调整 rules/ingest.toml 的 max_file_mb"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(
            Code::Unreadable,
            loc(),
            format!("无法读取文件。{}", tech_info(e)),
        )
    })?;
    if bytes.is_empty() {
        return Err(
            Diagnostic::new(Code::Unreadable, loc(), "文件是空的（0 字节）")
                .with_hint("请报送单位重新发送"),
        );
    }
    let opened = match sniff(&bytes) {
        Kind::Zip
            if contains(
                &bytes[..bytes.len().min(200)],
                b"application/vnd.oasis.opendocument",
            ) =>
        {
            inspect_zip(&bytes, name, Flavour::Ods, limits)?;
            Ods::new(Cursor::new(bytes))
                .map(Sheets::Ods)
                .map_err(|e| e.to_string())
        }
        Kind::Zip => {
            inspect_zip(&bytes, name, Flavour::Xlsx, limits)?;
            Xlsx::new(Cursor::new(bytes))
                .map(Sheets::Xlsx)
                .map_err(|e| e.to_string())
        }
        Kind::Ole if contains(&bytes, &utf16("EncryptionInfo")) => {
            return Err(encrypted(name));
        }
        Kind::Ole => match Xls::new(Cursor::new(bytes)) {
            Ok(x) => Ok(Sheets::Xls(x)),
            Err(calamine::XlsError::Password) => return Err(encrypted(name)),
            Err(e) => Err(e.to_string()),
        },
        Kind::Html => {
            return Err(Diagnostic::new(
                Code::Disguised,
                loc(),
                "此文件实为网页（HTML）格式，不是电子表格",
            )
            .with_hint("请用 WPS 或 Excel 打开后另存为 .xlsx"));
        }
        Kind::Text => {
            return Err(Diagnostic::new(
                Code::Disguised,
                loc(),
                "此文件实为纯文本（如 CSV），不是电子表格",
            )
            .with_hint("请用 WPS 或 Excel 打开后另存为 .xlsx"));
        }
        Kind::Unknown => {
            return Err(Diagnostic::new(
                Code::Unreadable,
                loc(),
                "不是可识别的电子表格文件（xlsx、xls、ods）",
            )
            .with_hint("请报送单位用 WPS 或 Excel 另存为 .xlsx 后重新发送"));
        }
    };
    let mut workbook = opened.map_err(|e| {
        Diagnostic::new(
            Code::Unreadable,
            loc(),
            format!("文件已损坏，无法打开。{}", tech_info(e)),
        )
        .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
    })?;
    let mut sheets = read_sheets(&mut workbook, name, limits)?;
    super::merged::annotate(&mut workbook, path, &mut sheets);
    Ok(sheets)
}

fn encrypted(name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Encrypted,
        Location::file(name),
        "文件设置了打开密码，无法读取",
    )
    .with_hint("请报送单位取消密码（文件→信息→保护工作簿）后重新发送")
}

#[allow(clippy::result_large_err)]
fn read_sheets<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Sheets<RS>,
    name: &str,
    limits: &Limits,
) -> Result<Vec<Sheet>, Diagnostic> {
    let mut sheets = Vec::new();
    for sheet_name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet_name).map_err(|e| {
            Diagnostic::new(
                Code::Unreadable,
                Location {
                    file: name.into(),
                    sheet: Some(sheet_name.clone()),
                    cell: None,
                },
                format!("工作表无法读取，此文件未读取。{}", tech_info(e)),
            )
        })?;
        let (h, w) = range.get_size();
        if h as u64 > u64::from(limits.max_rows) || w as u64 > u64::from(limits.max_cols) {
            return Err(Diagnostic::new(
                Code::TooLarge,
                Location {
                    file: name.into(),
                    sheet: Some(sheet_name.clone()),
                    cell: None,
                },
                format!(
                    "工作表过大（{h} 行 × {w} 列，上限 {} 行 × {} 列），未读取",
                    limits.max_rows, limits.max_cols
                ),
            )
            .with_hint("可能有远处的零散单元格：删除表格以外的行列后另存"));
        }
        let origin = range.start().unwrap_or((0, 0));
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let mut formulas_without_value = Vec::new();
        if let Ok(formulas) = workbook.worksheet_formula(&sheet_name) {
            let (fr, fc) = formulas.start().unwrap_or((0, 0));
            for (r, c, f) in formulas.used_cells() {
                let (ar, ac) = (fr + r as u32, fc + c as u32);
                if f.is_empty() || ar < origin.0 || ac < origin.1 {
                    continue;
                }
                let (gr, gc) = ((ar - origin.0) as usize, (ac - origin.1) as usize);
                let empty = rows
                    .get(gr)
                    .and_then(|row| row.get(gc))
                    .is_none_or(|d| matches!(d, Data::Empty));
                if empty {
                    formulas_without_value.push((gr, gc));
                }
            }
        }
        sheets.push(Sheet {
            name: sheet_name,
            rows,
            origin,
            formulas_without_value,
            layout: Default::default(),
        });
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_content_not_extension() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Kind::Ole
        );
        assert_eq!(sniff(b"  <html><body><table>"), Kind::Html);
        assert_eq!(sniff("序号,项目名称\n1,a".as_bytes()), Kind::Text);
        assert_eq!(sniff(&[0, 1, 2, 3, 0xff]), Kind::Unknown);
    }
}
