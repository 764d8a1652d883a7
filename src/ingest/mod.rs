//! Ingest: a month's folder of messy submissions → clean typed records and diagnostics.
//!
//! Files are opened (`workbook`) and assigned to table schemas by what they hold (`classify`;
//! the schemas' file patterns decide only between tables that fit); in each file (`file_read`)
//! the header is found (`header`), metadata read from above it (`meta`), rows parsed
//! (`reader`); then rows are matched to the ledger (`matching`). Every row read is counted in a
//! `FileSummary`.

mod classify;
mod column_problems;
mod departments;
mod file_read;
mod header;
mod limits;
mod match_problems;
mod matching;
mod merged;
mod meta;
mod misread;
mod nameless;
mod reader;
mod record;
mod repeated;
mod report_month;
mod row;
mod row_checks;
mod sheet_select;
mod unit_by_projects;
pub(crate) mod units;
pub mod value;
mod versions;
mod walk;
mod wide;
mod workbook;
pub mod worker;

pub use classify::TableFit;
pub use record::{Dataset, FileSummary, Record, Refusal, RefusedRow};
pub use value::Value;

/// A unit's name as a clerk may write it (an alias, or with a suffix such as 人民政府) as the
/// ledger should hold it: its canonical name, else the name without the suffix.
pub(crate) fn canonical_unit(rules: &crate::rules::units::Units, name: &str) -> String {
    units::canonical(rules, name)
}

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::progress::Progress;
use crate::rules::{Rules, TableSchema};
use file_read::{FileRead, read_file};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The input folder itself cannot be read: `check` exits with 2.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("输入目录 {0} 不存在或不是目录")]
    NotADirectory(String),
    #[error("无法读取输入目录 {0}。技术信息：{1}")]
    Unreadable(String, std::io::Error),
    #[error("输入目录 {0} 是一个文件，不是目录：请给出存放它的目录 {1}")]
    FileNotDirectory(String, String),
    #[error("文件 {0} 不存在")]
    NotAFile(String),
    #[error("{0} 是一个文件夹，不是文件：请给出其中的文件本身{1}")]
    DirectoryNotFile(String, String),
    #[error("规则中没有表格 {0}")]
    NoSchema(String),
}

impl IngestError {
    /// `input` is not a folder to read: missing, or a file (said with the folder holding it).
    pub(crate) fn not_a_directory(input: &Path) -> IngestError {
        let shown = input.display().to_string();
        if !input.is_file() {
            return IngestError::NotADirectory(shown);
        }
        let parent = match input.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(p) => p.display().to_string(),
            None => ".".to_string(),
        };
        IngestError::FileNotDirectory(shown, parent)
    }

    /// `path` is not a file to read with `schema`: missing, or a folder (said with a file in it
    /// the table's patterns name, if there is one).
    fn not_a_file(path: &Path, schema: Option<&TableSchema>) -> IngestError {
        let shown = path.display().to_string();
        if !path.is_dir() {
            return IngestError::NotAFile(shown);
        }
        let mut names: Vec<String> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| schema.is_some_and(|s| s.matches(n)))
            .collect();
        names.sort();
        let example = names
            .first()
            .map(|n| format!("，如 {}", path.join(n).display()))
            .unwrap_or_default();
        IngestError::DirectoryNotFile(shown, example)
    }
}

/// A file of the input folder with its path relative to it (`月报/曲屯镇.ods`).
struct InputFile {
    path: PathBuf,
    rel: String,
}

/// Parses the bytes of one submitted file as a run's reader does, in this process and without
/// catching panics, and finds the header of `rules`' first table in its sheets: the entry point of
/// the fuzz targets (`fuzz/`). Returns how many sheets were read.
#[doc(hidden)]
#[allow(clippy::result_large_err)]
pub fn read_bytes_uncaught(bytes: Vec<u8>, name: &str, rules: &Rules) -> Result<usize, Diagnostic> {
    let sheets = workbook::parse(bytes, name, &rules.vocab.limits)?;
    if let Some(schema) = rules.tables.first() {
        let selection = sheet_select::select(&sheets, schema, None, name);
        for sheet in selection.sheets {
            if let Some(h) = wide::detect(sheet, schema, &rules.vocab, None)
                && h.missing.is_empty()
            {
                let _ = reader::read_rows(sheet, &h, schema, &rules.vocab, name);
            }
        }
    }
    Ok(sheets.len())
}

/// Reads every file of `input` that a table schema of `rules` claims, for the month the
/// folder is named after (`2026-10`), if it is.
pub fn ingest(input: &Path, rules: &Rules) -> Result<Dataset, IngestError> {
    ingest_with(input, rules, &())
}

/// `ingest`, telling `progress` how far it has come.
pub(crate) fn ingest_with(
    input: &Path,
    rules: &Rules,
    progress: &dyn Progress,
) -> Result<Dataset, IngestError> {
    let month = input
        .file_name()
        .and_then(|n| crate::calendar::Month::of_folder_name(&n.to_string_lossy()));
    ingest_month_with(input, rules, month, progress)
}

/// Reads every file of `input` that a table schema of `rules` claims; `month` picks the sheet
/// of a workbook with a sheet per month.
pub fn ingest_month(
    input: &Path,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
) -> Result<Dataset, IngestError> {
    ingest_month_with(input, rules, month, &())
}

/// `ingest_month`, telling `progress` how far it has come. The files of a table are read in
/// parallel on every core and merged in the folder's order, so the result is the same as reading
/// them one by one.
pub(crate) fn ingest_month_with(
    input: &Path,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
    progress: &dyn Progress,
) -> Result<Dataset, IngestError> {
    let shown = input.display().to_string();
    if !input.is_dir() {
        return Err(IngestError::not_a_directory(input));
    }
    let (files, walk_problems) =
        walk::list(input).map_err(|e| IngestError::Unreadable(shown.clone(), e))?;
    let mut data = Dataset {
        input: shown,
        roles: rules.roles.clone(),
        ..Dataset::default()
    };
    data.diagnostics.extend(walk_problems);
    let (files, clutter): (Vec<InputFile>, Vec<InputFile>) = files
        .into_iter()
        .partition(|f| !rules.vocab.ignored(&f.rel));
    data.skipped = clutter.into_iter().map(|f| f.rel).collect();
    // Every file worth opening is opened once (in parallel), then claimed by what it holds.
    #[allow(clippy::result_large_err)] // one diagnostic per bad file
    let opened: Vec<(classify::Claim, Option<Opened>)> = largest_first(&files, |f| {
        let sheets = classify::worth_opening(f, rules)
            .then(|| worker::open(&f.path, &f.rel, &rules.vocab.limits));
        let claim = match &sheets {
            Some(s) => classify::claim(f, s, rules, month),
            None => classify::Claim::Unknown,
        };
        (claim, sheets)
    });
    let mut claimed: Vec<Vec<Claimed>> = vec![Vec::new(); rules.tables.len()];
    for (f, (claim, sheets)) in files.iter().zip(opened) {
        match (claim, sheets) {
            (classify::Claim::Table(i, headers), Some(s)) => claimed[i].push((f, s, headers)),
            (_, Some(Err(d))) => data.diagnostics.push(d),
            _ => data.diagnostics.push(unknown_file(&f.rel, rules)),
        }
    }
    progress.files(claimed.iter().map(Vec::len).sum());
    // A required table none is read as, though a file's name says it is: that file, named.
    let misread: Vec<Vec<String>> = rules
        .tables
        .iter()
        .zip(&claimed)
        .map(
            |(schema, files)| match files.is_empty() && schema.required {
                true => misread::named_but_read_as_other(schema, rules, month, &claimed),
                false => Vec::new(),
            },
        )
        .collect();
    for ((schema, files), misread) in rules.tables.iter().zip(claimed).zip(misread) {
        data.tables.entry(schema.id.clone()).or_default();
        if files.is_empty() && schema.required {
            let d = match misread.is_empty() {
                true => Diagnostic::new(
                    Code::MissingTable,
                    Location::file(&data.input),
                    format!("缺少{}", schema.title),
                )
                .with_hint(format!(
                    "文件名应符合 {}（{}）",
                    schema.patterns.join("、"),
                    crate::rules::cited(&schema.file)
                )),
                false => Diagnostic::new(
                    Code::MissingTable,
                    Location::file(&data.input),
                    format!("缺少{}：{}", schema.title, misread.join("；")),
                )
                .with_hint(format!(
                    "在该文件的表头中补上缺少的列（列名见 {}）",
                    crate::rules::to_edit(&schema.file)
                )),
            };
            data.diagnostics.push(d);
        }
        read_table_files(files, schema, rules, month, progress, &mut data);
        units::canonical_fields(schema, rules, &mut data);
        departments::check(schema, rules, &mut data);
        matching::after_table(schema, rules, &mut data);
    }
    report_month::whole_folder(&mut data, month);
    Ok(data)
}

/// A workbook's sheets, or why it cannot be read.
// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
type Opened = Result<Vec<workbook::Sheet>, Diagnostic>;

/// A file claimed by a table: the file, its sheets and the header of each sheet for the table.
type Claimed<'a> = (&'a InputFile, Opened, classify::Headers);

fn unknown_file(rel: &str, rules: &Rules) -> Diagnostic {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.starts_with("~$") {
        return Diagnostic::new(
            Code::UnknownFile,
            Location::file(rel),
            "Excel/WPS 的临时文件，已忽略",
        )
        .with_hint("关闭正在打开的表格后可删除此文件");
    }
    if let Some(ext) =
        classify::extension(rel).filter(|e| classify::NOT_SPREADSHEETS.contains(&e.as_str()))
    {
        let hint = if ["zip", "rar", "7z"].contains(&ext.as_str()) {
            "压缩包请先解压，再把其中的表格放入报送材料目录"
        } else {
            "报送材料目录中只需放报送的表格；说明、扫描件等可移出"
        };
        return Diagnostic::new(
            Code::UnknownFile,
            Location::file(rel),
            format!("不是电子表格文件（.{ext}），未读取"),
        )
        .with_hint(hint);
    }
    let known: Vec<String> = rules
        .tables
        .iter()
        .map(|t| format!("{}（{}）", t.title, t.patterns.join("、")))
        .collect();
    Diagnostic::new(
        Code::UnknownFile,
        Location::file(rel),
        "文件不属于任何已定义的表格，未读取",
    )
    .with_hint(format!("已定义的表格: {}", known.join("；")))
}

/// `open` of every file on every core, the largest files started first (a province's ledger
/// and procedure list would otherwise end the read on one core), in `files`' order.
fn largest_first<T: Send>(files: &[InputFile], open: impl Fn(&InputFile) -> T + Sync) -> Vec<T> {
    let mut order: Vec<(u64, usize)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (std::fs::metadata(&f.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // Each thread takes the next file of the list (rayon's halving would give one thread both
    // big files).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .with_max_len(1)
        .flat_map_iter(|_| {
            let mut mine = Vec::new();
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(_, i)) = order.get(k) else {
                    break mine;
                };
                mine.push((i, open(&files[i])));
            }
        })
        .collect();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Reads the files of one table. They are read in parallel, unless the table names reporting
/// units that the table itself makes known (then each file sees the ones read before it).
fn read_table_files(
    files: Vec<Claimed>,
    schema: &TableSchema,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
    progress: &dyn Progress,
    data: &mut Dataset,
) {
    let read = |(f, sheets, headers): Claimed, known: &[(String, String)]| {
        let r = read_file(f, sheets, headers, schema, rules, month, known);
        progress.file_read(&f.rel);
        r
    };
    if schema.one_file_per_unit && rules.units.fields.contains_key(&schema.id) {
        for file in files {
            let known = units::known(rules, data);
            read(file, &known).merge_into(data);
        }
        return;
    }
    let known = units::known(rules, data);
    let reads: Vec<FileRead> = files
        .into_par_iter()
        .map(|file| read(file, &known))
        .collect();
    for r in reads {
        r.merge_into(data);
    }
}

/// Reads one file as table `table` (e.g. `历史排名.xlsx` for `history import`).
pub fn ingest_file(path: &Path, table: &str, rules: &Rules) -> Result<Dataset, IngestError> {
    ingest_file_fit(path, table, rules).map(|(data, _)| data)
}

/// `ingest_file`, with how well the file's header fits the table and the other tables (none when
/// the file cannot be opened: its problem is in the diagnostics), so that a caller can refuse a
/// file that is another table (the ledger given as the leads list).
pub fn ingest_file_fit(
    path: &Path,
    table: &str,
    rules: &Rules,
) -> Result<(Dataset, Option<TableFit>), IngestError> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(IngestError::not_a_file(path, rules.table(table)));
    }
    let schema = rules
        .table(table)
        .ok_or_else(|| IngestError::NoSchema(table.to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| shown.clone());
    let mut data = Dataset {
        input: shown,
        roles: rules.roles.clone(),
        ..Dataset::default()
    };
    let known = units::known(rules, &mut data);
    let sheets = worker::open(path, &name, &rules.vocab.limits);
    let headers = match &sheets {
        Ok(s) => classify::headers(s, schema, &rules.vocab, None),
        Err(_) => Vec::new(),
    };
    let fit = sheets
        .as_deref()
        .ok()
        .map(|s| classify::fit(s, schema, &headers, rules));
    read_file(
        &InputFile {
            path: path.to_path_buf(),
            rel: name,
        },
        sheets,
        headers,
        schema,
        rules,
        None,
        &known,
    )
    .merge_into(&mut data);
    // Unit names as a month's reading writes them (城关镇人民政府 → 城关镇).
    units::canonical_fields(schema, rules, &mut data);
    departments::check(schema, rules, &mut data);
    matching::after_table(schema, rules, &mut data);
    Ok((data, fit))
}
