//! Why a workbook's sheets are refused once opened, said in the words of the office.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::limits::same_name;
use crate::rules::Limits;

/// The workbook's grids hold more cells than reading one file may cost.
pub(super) fn too_many_cells(name: &str, sheet: &str, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        Code::TooLarge,
        Location {
            file: name.into(),
            sheet: Some(sheet.to_string()),
            cell: None,
        },
        format!(
            "工作簿过大（各工作表单元格合计超过 {} 个），此文件未读取",
            limits.max_cells
        ),
    )
    .with_hint(format!(
        "删除表格以外的行列和无关的工作表后另存，或调整 {} 的 max_cells",
        limits.file
    ))
}

/// Two sheets of one name (Excel compares sheet names without case, so `Data` and `data` are
/// one name): a reader finds the first by that name for both, so its rows would be read (and
/// counted) twice.
pub(super) fn two_sheets_named(name: &str, first: &str, sheet: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Unreadable,
        Location {
            file: name.into(),
            sheet: Some(sheet.into()),
            cell: None,
        },
        same_name(first, sheet),
    )
    .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
}
