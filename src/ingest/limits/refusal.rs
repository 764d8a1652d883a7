//! Why a workbook is refused by the limits, and the diagnostic that says so in the words of
//! the office.

use super::grid::Over;
use super::refs::{BadRef, RefKind};
use crate::diagnostic::{Code, Diagnostic, Location, a1, tech_info};
use crate::rules::Limits;
use std::collections::BTreeMap;

/// Why a zipped workbook is refused, before it is turned into a diagnostic.
#[derive(Debug)]
pub(super) enum Refusal {
    /// The zip container itself is broken.
    Corrupt(String),
    /// An entry or the whole workbook decompresses to more than allowed.
    Bytes {
        entry: String,
        limit_mb: u64,
        total: bool,
    },
    /// A sheet declares or holds a cell outside `max_rows` × `max_cols`, or a count the reader
    /// trusts is beyond the limits.
    Over { entry: String, over: Over },
    /// An entry's XML is truncated, unclosed or malformed.
    Xml { entry: String, detail: String },
    /// Two sheets of the workbook are one part: its rows would be read (and counted) twice.
    SameSheet { first: String, second: String },
    /// A cell names a shared string the table does not hold (`Ok(index)`), or names it with
    /// text that is no index (`Err(text)`, which calamine reads as the first string).
    Shared {
        entry: String,
        cell: (u32, u32),
        index: Result<u64, String>,
        strings: u64,
    },
    /// An ods cell of a value type (`float`, `date` …) without its value attribute: the reader
    /// reads it as empty, whatever the text shown.
    NoValue {
        sheet: String,
        cell: (u32, u32),
        value_type: String,
    },
    /// A cell, row or dimension reference the reader cannot parse.
    BadRef { entry: String, bad: BadRef },
    /// A part stored in a way the zip reader cannot open: encrypted, or compressed with a
    /// method other than deflate (`method` named in English for the technical line).
    Method {
        entry: String,
        encrypted: bool,
        method: String,
    },
}

pub(super) fn diagnostic(
    refusal: Refusal,
    name: &str,
    sheets: &BTreeMap<String, String>,
    limits: &Limits,
) -> Diagnostic {
    let sheet_loc = |entry: &str, cell: Option<String>| Location {
        file: name.to_string(),
        sheet: Some(
            sheets
                .get(entry)
                .cloned()
                .unwrap_or_else(|| entry.to_string()),
        ),
        cell,
    };
    match refusal {
        Refusal::Corrupt(detail) => Diagnostic::new(
            Code::Unreadable,
            Location::file(name),
            format!(
                "文件已损坏（压缩包不完整或数据出错），无法打开。{}",
                tech_info(detail)
            ),
        )
        .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送"),
        Refusal::Bytes {
            entry,
            limit_mb,
            total,
        } => {
            let what = if total {
                "整个文件解压后".to_string()
            } else {
                format!("其中的 {entry} 解压后")
            };
            Diagnostic::new(
                Code::TooLarge,
                Location::file(name),
                format!("文件过大：{what}超过 {limit_mb} MB，未读取"),
            )
            .with_hint(format!(
                "可能含有超长文本或大量无关内容：清理后另存，或调整 {} 的 max_entry_mb / max_unzipped_mb",
                limits.file
            ))
        }
        Refusal::Over {
            entry,
            over: Over::Cell(row, col),
        } => {
            let cell = (row <= u64::from(u32::MAX) && col <= u64::from(u32::MAX))
                .then(|| a1(row as u32, col as u32));
            Diagnostic::new(
                Code::TooLarge,
                sheet_loc(&entry, cell),
                format!(
                    "工作表过大（有内容的单元格超出 {} 行 × {} 列），此文件未读取",
                    limits.max_rows, limits.max_cols
                ),
            )
            .with_hint("可能有远处的零散单元格：删除表格以外的行列后另存")
        }
        Refusal::Over {
            entry,
            over: Over::Count(what, n),
        } => {
            let (message, key) = match what {
                "cells" => (
                    format!(
                        "工作簿过大（展开后的单元格合计超过 {} 个），此文件未读取",
                        limits.max_cells
                    ),
                    "max_cells",
                ),
                "mergeCell" | "mergeCells count" => (
                    format!(
                        "合并单元格过多（超过 {} 处），此文件未读取",
                        limits.max_merges
                    ),
                    "max_merges",
                ),
                "text:s" => (
                    format!(
                        "重复的空格展开后超过 {} MB，此文件未读取",
                        limits.max_entry_mb
                    ),
                    "max_entry_mb",
                ),
                _ => (
                    format!(
                        "文件声明的字符串个数异常（超过 {} 个），此文件未读取",
                        limits.max_cells
                    ),
                    "max_cells",
                ),
            };
            Diagnostic::new(
                Code::TooLarge,
                sheet_loc(&entry, None),
                format!("{message}。{}", tech_info(format!("{what} = {n}"))),
            )
            .with_hint(format!(
                "删除表格以外的行列和无关内容后另存为 .xlsx，或调整 {} 的 {key}",
                limits.file
            ))
        }
        Refusal::SameSheet { first, second } => Diagnostic::new(
            Code::Unreadable,
            Location {
                file: name.to_string(),
                sheet: Some(second.clone()),
                cell: None,
            },
            if first.to_lowercase() == second.to_lowercase() {
                same_name(&first, &second)
            } else {
                format!(
                    "工作表“{second}”与“{first}”是文件中的同一份数据（文件已损坏），为免重复计数，此文件未读取"
                )
            },
        )
        .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送"),
        Refusal::Shared {
            entry,
            cell: (row, col),
            index,
            strings,
        } => {
            let (message, tech) = match index {
                Ok(i) => (
                    format!("单元格的文字在文件中找不到（文字编号 {i} 超出文件所存的 {strings} 条）"),
                    format!("shared string index {i}, table of {strings}"),
                ),
                Err(text) => (
                    if text.is_empty() {
                        "单元格标为文字，但文字编号是空的".to_string()
                    } else if text.trim() != text && !text.trim().is_empty() {
                        format!("单元格的文字编号“{text}”前后带有空格，不是有效编号")
                    } else {
                        format!("单元格的文字编号“{text}”不是有效编号")
                    },
                    format!("shared string index {text:?}"),
                ),
            };
            Diagnostic::new(
                Code::Unreadable,
                sheet_loc(&entry, Some(a1(row, col))),
                format!(
                    "{message}，文件已损坏，为免读错数据，此文件未读取。{}",
                    tech_info(tech)
                ),
            )
            .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
        }
        Refusal::NoValue {
            sheet,
            cell: (row, col),
            value_type,
        } => Diagnostic::new(
            Code::Unreadable,
            Location {
                file: name.to_string(),
                sheet: Some(sheet),
                cell: Some(a1(row, col)),
            },
            format!(
                "单元格标为数值或日期，但文件中没有存它的值（只有显示的文字），文件已损坏，为免读错数据，此文件未读取。{}",
                tech_info(format!("office:value-type=\"{value_type}\" without its value"))
            ),
        )
        .with_hint("请报送单位用 WPS 或 LibreOffice 打开确认后另存重新发送"),
        Refusal::BadRef { entry, bad } if bad.kind == RefKind::Order => Diagnostic::new(
            Code::Unreadable,
            sheet_loc(&entry, Some(bad.text.clone())),
            format!(
                "此单元格在文件中重复出现或排列顺序错乱（Excel 打开时会提示修复），文件已损坏，为免读错数据，此文件未读取。{}",
                tech_info(format!("cell {} out of order", bad.text))
            ),
        )
        .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送"),
        Refusal::BadRef { entry, bad } => {
            let what = match bad.kind {
                RefKind::Cell => "单元格地址",
                RefKind::Row => "行号",
                RefKind::Dimension | RefKind::Order => "工作表范围",
            };
            let row = match (bad.kind, bad.row) {
                (RefKind::Cell, Some(r)) => format!("第 {} 行的", r.saturating_add(1)),
                (RefKind::Row, Some(r)) if r > 0 => format!("第 {r} 行之后的"),
                _ => String::new(),
            };
            let example = match bad.kind {
                RefKind::Cell => "应为列字母加行号，如 C5",
                RefKind::Row => "应为行号，如 5",
                RefKind::Dimension | RefKind::Order => "应如 A1:L8",
            };
            Diagnostic::new(
                Code::Unreadable,
                sheet_loc(&entry, None),
                format!(
                    "{row}{what}“{}”不是有效的写法（{example}），文件已损坏，为免读错数据，此文件未读取。{}",
                    bad.text,
                    tech_info(format!("{:?} reference {:?}", bad.kind, bad.text))
                ),
            )
            .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
        }
        Refusal::Method {
            entry,
            encrypted,
            method,
        } => {
            let what = if encrypted {
                "文件中的内容已加密"
            } else {
                "文件使用了不支持的压缩方式"
            };
            Diagnostic::new(
                Code::Unreadable,
                Location::file(name),
                format!(
                    "{what}，无法读取。{}",
                    tech_info(format!("{entry}: {method}"))
                ),
            )
            .with_hint("请用 Excel 或 WPS 打开后另存为 .xlsx（不设密码）重新报送")
        }
        Refusal::Xml { entry, detail } => Diagnostic::new(
            Code::Unreadable,
            sheet_loc(&entry, None),
            format!(
                "{}，为免丢失数据，此文件未读取。{}",
                xml_fault(&detail),
                tech_info(detail)
            ),
        )
        .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送"),
    }
}

/// What an XML part that cannot be read has: bytes that are no UTF-8 text (a broken encoding),
/// or anything else (most often a file cut short).
fn xml_fault(detail: &str) -> &'static str {
    let d = detail.to_ascii_lowercase();
    if d.contains("utf-8") || d.contains("utf8") || d.contains("decod") {
        "文件内容含有无法识别的字符（编码已损坏）"
    } else {
        "文件内容不完整（被截断或损坏）"
    }
}

/// Why two sheets of one name refuse the file; names differing only by case are shown both.
pub(crate) fn same_name(first: &str, second: &str) -> String {
    if first == second {
        format!("文件中有两个名为“{second}”的工作表（文件已损坏），为免重复计数，此文件未读取")
    } else {
        format!(
            "文件中的工作表“{first}”与“{second}”名称只差大小写，Excel 视为同名（文件已损坏），为免重复计数，此文件未读取"
        )
    }
}
