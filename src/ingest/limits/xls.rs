//! The pre-check of an .xls before calamine opens it: its CFB container (`cfb`) gives the
//! Workbook stream exactly as calamine will read it, whose BIFF records (`biff`) are then
//! walked. What calamine would panic on, loop on or allocate without bound for becomes a
//! diagnostic naming the file (and sheet and cell where known): E001 for a broken structure,
//! E004 for a sheet or workbook beyond the limits, as for xlsx and ods.

use super::{Refusal, biff, cfb, diagnostic};
use crate::diagnostic::{Code, Diagnostic, Location, tech_info};
use crate::rules::Limits;
use std::collections::BTreeMap;

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Checks the .xls `bytes` (shown as `name`) against `limits` before calamine reads them;
/// gives each sheet's number cells shown as a percentage and its hidden columns.
pub(crate) fn inspect_xls(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
) -> Result<biff::XlsFacts, Diagnostic> {
    let stream = cfb::workbook_stream(bytes).map_err(|f| broken(name, None, f.to_string()))?;
    biff::check(&stream, limits).map_err(|f| match f {
        biff::Fault::Corrupt { sheet, detail } => broken(name, sheet, detail),
        biff::Fault::Over { sheet, over } => {
            let entry = sheet.clone();
            let mut d = diagnostic(
                Refusal::Over { entry, over },
                name,
                &BTreeMap::new(),
                limits,
            );
            if sheet.is_empty() {
                d.location.sheet = None;
            }
            d
        }
        biff::Fault::MissingString {
            sheet,
            cell,
            index,
            strings,
        } => {
            let refusal = Refusal::Shared {
                entry: sheet,
                cell,
                index: Ok(index),
                strings,
            };
            diagnostic(refusal, name, &BTreeMap::new(), limits)
        }
    })
}

fn broken(name: &str, sheet: Option<String>, detail: String) -> Diagnostic {
    let location = Location {
        file: name.to_string(),
        sheet,
        cell: None,
    };
    Diagnostic::new(
        Code::Unreadable,
        location,
        format!(
            "文件已损坏（xls 文件的内部结构出错），为免读取时出错，此文件未读取。{}",
            tech_info(detail)
        ),
    )
    .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
}
