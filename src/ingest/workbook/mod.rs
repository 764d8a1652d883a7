//! Opening a submitted file: sniff what it really is, open it with calamine, return its sheets
//! as grids. Every failure becomes a diagnostic naming the file and saying what to do.

use crate::diagnostic::{Code, Diagnostic, Location, tech_info};
use crate::ingest::limits::{Flavour, SheetFacts, XlsFacts, inspect_xls, inspect_zip};
use crate::rules::Limits;
use calamine::{Data, Ods, Reader, Sheets, Xls, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

/// One sheet as a dense grid. `origin` is the absolute (row, col) of `rows[0][0]`.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub(crate) name: String,
    /// The sheet is hidden in the workbook (a leftover copy, a list for drop-downs).
    pub(crate) hidden: bool,
    pub(crate) rows: Vec<Vec<Data>>,
    pub(crate) origin: (u32, u32),
    /// Grid positions of formula cells with no cached value (nothing to read, not a zero).
    pub(crate) formulas_without_value: Vec<(usize, usize)>,
    /// Merged regions and hidden rows (see `merged`).
    pub(crate) layout: super::merged::Layout,
}

impl Sheet {
    pub(crate) fn cell(&self, row: usize, col: usize) -> &Data {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Data::Empty)
    }

    pub(crate) fn width(&self) -> usize {
        self.rows.iter().map(|r| r.len()).max().unwrap_or(0)
    }

    /// Absolute zero-based (row, col) of a grid position, for A1 references.
    pub(crate) fn abs(&self, row: usize, col: usize) -> (u32, u32) {
        (self.origin.0 + row as u32, self.origin.1 + col as u32)
    }

    /// The value shown at a grid position: the cell itself, or, for an empty cell inside a
    /// region merged down the rows that starts at or below grid row `from`, the region's value.
    pub(crate) fn filled(&self, row: usize, col: usize, from: usize) -> &Data {
        let own = self.cell(row, col);
        if !matches!(own, Data::Empty) {
            return own;
        }
        let (ar, ac) = self.abs(row, col);
        let (first, _) = self.abs(from, 0);
        self.layout
            .down_at(ar, ac)
            .filter(|&(sr, _)| sr >= first)
            .and_then(|(sr, sc)| {
                let r = sr.checked_sub(self.origin.0)? as usize;
                let c = sc.checked_sub(self.origin.1)? as usize;
                Some(self.cell(r, c))
            })
            .unwrap_or(own)
    }

    /// Whether grid column `col` is hidden.
    pub(crate) fn col_hidden(&self, col: usize) -> bool {
        let (_, ac) = self.abs(0, col);
        self.layout
            .hidden_cols
            .iter()
            .any(|&(a, b)| a <= ac && ac <= b)
    }

    /// Whether grid row `row` is hidden.
    pub(crate) fn hidden(&self, row: usize) -> bool {
        let (ar, _) = self.abs(row, 0);
        let h = &self.layout.hidden;
        let i = h.partition_point(|&(a, _)| a <= ar);
        i > 0 && h[i - 1].1 >= ar
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
    if looks_like_text(head) {
        return Kind::Text;
    }
    Kind::Unknown
}

mod text_file;
use text_file::looks_like_text;
mod refused;
use refused::{too_many_cells, two_sheets_named};
mod percent;
use percent::{as_shown_in_percent, as_shown_in_percent_ranges};

fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Parses the bytes of a workbook (shown as `name`): what a reader, in this process or in a
/// worker process, does with a file.
pub(crate) fn parse(bytes: Vec<u8>, name: &str, limits: &Limits) -> Result<Vec<Sheet>, Diagnostic> {
    if bytes.is_empty() {
        return Err(Diagnostic::new(
            Code::Unreadable,
            Location::file(name),
            "文件是空的（0 字节）",
        )
        .with_hint("请报送单位重新发送"));
    }
    // An ods file's spans and hidden rows come from its XML, read before calamine takes it.
    let ods = is_ods(&bytes).then(|| super::merged::ods_layout(&bytes));
    // For xlsx, what the inspection saw of each sheet (hidden rows, formula cells).
    let (mut workbook, facts, mut xls_facts) = open_bytes(bytes, name, limits)?;
    let mut sheets = read_sheets(&mut workbook, name, limits, facts.as_ref())?;
    for sheet in &mut sheets {
        // Percentage cells of an ods (from its XML) or an xls (from its records).
        if let Some(l) = ods.as_ref().and_then(|o| o.get(&sheet.name)) {
            as_shown_in_percent_ranges(&mut sheet.rows, sheet.origin, &l.percent);
        }
        if let Some(f) = xls_facts.get(&sheet.name) {
            as_shown_in_percent(&mut sheet.rows, sheet.origin, &f.percent);
        }
    }
    lay_out(
        &mut sheets,
        &mut workbook,
        ods.unwrap_or_default(),
        facts.as_ref(),
    );
    for sheet in &mut sheets {
        if let Some(f) = xls_facts.get_mut(&sheet.name) {
            sheet.layout.hidden_cols = std::mem::take(&mut f.hidden_cols);
        }
    }
    Ok(sheets)
}

fn is_ods(bytes: &[u8]) -> bool {
    sniff(bytes) == Kind::Zip
        && contains(
            &bytes[..bytes.len().min(200)],
            b"application/vnd.oasis.opendocument",
        )
}

/// Opens `path` for reading without waiting: a named pipe put in place of a file after the
/// walk must not block the open.
fn open_handle(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// The bytes of the file at `path`, read from one handle (what was checked is what is read), if
/// it is a regular file no larger than the limit. Reading stops at the limit.
pub(crate) fn read_bytes(path: &Path, name: &str, limits: &Limits) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let loc = || Location::file(name);
    let unreadable = |e: std::io::Error| {
        Diagnostic::new(
            Code::Unreadable,
            loc(),
            format!("无法读取文件。{}", tech_info(e)),
        )
    };
    let file = open_handle(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Diagnostic::new(
            Code::UnknownFile,
            loc(),
            "不是普通文件（如管道、设备），未读取",
        )
        .with_hint("请只在输入目录中放报送的表格文件"));
    }
    let cap = limits.max_file_mb * 1024 * 1024;
    let too_large = |size: u64| {
        Diagnostic::new(
            Code::TooLarge,
            loc(),
            format!(
                "文件过大（{:.1} MB，上限 {} MB），未读取",
                size as f64 / 1048576.0,
                limits.max_file_mb
            ),
        )
        .with_hint(format!(
            "删除无关的工作表或图片后另存，或调整 {} 的 max_file_mb",
            limits.file
        ))
    };
    if meta.len() > cap {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What an xlsx inspection saw of each sheet, by sheet name.
type Facts = BTreeMap<String, SheetFacts>;

/// An opened workbook read from memory.
type Opened = Sheets<Cursor<Vec<u8>>>;

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Recognises the bytes (xlsx, ods, xls; not HTML, text or encrypted), inspects a zipped one
/// against the limits and opens it.
fn open_bytes(
    bytes: Vec<u8>,
    name: &str,
    limits: &Limits,
) -> Result<(Opened, Option<Facts>, XlsFacts), Diagnostic> {
    let loc = || Location::file(name);
    let mut facts: Option<BTreeMap<String, SheetFacts>> = None;
    let mut xls_facts = XlsFacts::new();
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
            facts = Some(inspect_zip(&bytes, name, Flavour::Xlsx, limits)?);
            Xlsx::new(Cursor::new(bytes))
                .map(Sheets::Xlsx)
                .map_err(|e| e.to_string())
        }
        Kind::Ole if contains(&bytes, &utf16("EncryptionInfo")) => {
            return Err(encrypted(name));
        }
        Kind::Ole => {
            // The container and records are checked before calamine trusts them.
            xls_facts = inspect_xls(&bytes, name, limits)?;
            match Xls::new(Cursor::new(bytes)) {
                Ok(x) => Ok(Sheets::Xls(x)),
                Err(calamine::XlsError::Password) => return Err(encrypted(name)),
                Err(e) => Err(e.to_string()),
            }
        }
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
    let workbook = opened.map_err(|e| {
        Diagnostic::new(
            Code::Unreadable,
            loc(),
            format!("文件已损坏，无法打开。{}", tech_info(e)),
        )
        .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
    })?;
    Ok((workbook, facts, xls_facts))
}

/// Gives each sheet its layout: hidden rows and merged regions (for xlsx as the inspection saw
/// them, else from the workbook).
fn lay_out(
    sheets: &mut [Sheet],
    workbook: &mut Opened,
    from_xml: BTreeMap<String, super::merged::Layout>,
    facts: Option<&Facts>,
) {
    match facts {
        // xlsx: the inspection saw the hidden rows and merged regions.
        Some(facts) => {
            for sheet in sheets.iter_mut() {
                let mut layout = super::merged::Layout::default();
                if let Some(f) = facts.get(&sheet.name) {
                    layout.hidden = f.hidden.clone();
                    layout.hidden_cols = f.hidden_cols.clone();
                    layout.merges = f.merges.clone();
                }
                layout.index(sheet.origin, sheet.rows.len(), sheet.width());
                sheet.layout = layout;
            }
        }
        None => {
            for sheet in sheets.iter_mut() {
                let grid = (sheet.origin, sheet.rows.len(), sheet.width());
                sheet.layout =
                    super::merged::layout(workbook, from_xml.get(&sheet.name), &sheet.name, grid);
            }
        }
    }
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
    facts: Option<&BTreeMap<String, SheetFacts>>,
) -> Result<Vec<Sheet>, Diagnostic> {
    let mut sheets = Vec::new();
    let mut cells: u64 = 0;
    let hidden: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|m| m.visible != calamine::SheetVisible::Visible)
        .map(|m| m.name.clone())
        .collect();
    let names = workbook.sheet_names();
    if let Some((first, twice)) = names.iter().enumerate().find_map(|(i, n)| {
        names[..i]
            .iter()
            .find(|m| m.to_lowercase() == n.to_lowercase())
            .map(|m| (m, n))
    }) {
        return Err(two_sheets_named(name, first, twice));
    }
    for sheet_name in names {
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
        cells += h as u64 * w as u64;
        if cells > limits.max_cells {
            return Err(too_many_cells(name, &sheet_name, limits));
        }
        let origin = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        if let Some(f) = facts.and_then(|f| f.get(&sheet_name)) {
            as_shown_in_percent(&mut rows, origin, &f.percent);
        }
        // Absolute positions of the cells with a formula: seen by the inspection (xlsx), else
        // read by calamine.
        let formula_cells: Vec<(u32, u32)> = match facts {
            Some(f) => f
                .get(&sheet_name)
                .map(|f| f.formulas.clone())
                .unwrap_or_default(),
            None => match workbook.worksheet_formula(&sheet_name) {
                Ok(formulas) => {
                    let (fr, fc) = formulas.start().unwrap_or((0, 0));
                    formulas
                        .used_cells()
                        .filter(|(_, _, f)| !f.is_empty())
                        .map(|(r, c, _)| (fr + r as u32, fc + c as u32))
                        .collect()
                }
                Err(_) => Vec::new(),
            },
        };
        let mut formulas_without_value = Vec::new();
        for (ar, ac) in formula_cells {
            if ar < origin.0 || ac < origin.1 {
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
        sheets.push(Sheet {
            hidden: hidden.contains(&sheet_name),
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
mod tests;
