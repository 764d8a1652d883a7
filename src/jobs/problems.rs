//! The problem list of a check as a workbook to send back to the units (检查 on the page):
//! one sheet of every diagnostic, one of every unit's monthly report. Cells are written as text
//! (never formulas), so a unit's cell text cannot run in Excel.

use super::check::Checked;
use rust_xlsxwriter::{Format, Workbook};

/// The workbook's bytes.
pub fn problems_workbook(checked: &Checked) -> super::Result<Vec<u8>> {
    Ok(write(checked).map_err(|e| anyhow::anyhow!("无法生成问题清单工作簿（{e}）"))?)
}

fn write(checked: &Checked) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color("#F0E6E6");
    let ws = wb.add_worksheet().set_name("问题清单")?;
    let titles = ["类别", "文件", "工作表", "单元格", "问题", "建议"];
    for (c, t) in titles.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *t, &head)?;
    }
    for (r, d) in checked.diagnostics.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            Some(d.severity.as_str()),
            Some(d.file.as_str()),
            d.sheet.as_deref(),
            d.cell.as_deref(),
            Some(d.message.as_str()),
            d.hint.as_deref(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, v.unwrap_or(""))?;
        }
    }
    for (c, w) in [6, 30, 14, 8, 60, 40].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let ws = wb.add_worksheet().set_name("报送情况")?;
    for (c, t) in ["单位", "报送情况", "文件", "填报日期", "应报日期"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *t, &head)?;
    }
    for (r, s) in checked.submissions.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            Some(s.unit.as_str()),
            Some(s.status.as_str()),
            s.file.as_deref(),
            s.submitted_on.as_deref(),
            s.due.as_deref(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, v.unwrap_or(""))?;
        }
    }
    for (c, w) in [20, 10, 40, 12, 12].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
