//! Writes the example city template `rules/report_up/市重点项目月报表.xlsx`: the layout a city's
//! 重点项目办 sends its counties each month (a title row, a 填报单位/月份 line, a two-row header
//! with merged groups such as 投资（万元） over 年度计划 / 本月完成 / 累计完成, 序号, 项目名称,
//! 建设内容, 责任单位, 开工时间, 形象进度, 存在问题 …), for the example mapping beside it.
//!
//! Run: `cargo run --example report_up_template [OUT_FILE]`. Deterministic (fixed creation date).

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

/// A header column: its group (over two columns or more), its label, its width (149 characters
/// in all: fitted to A4 landscape, the type prints at 8 pt or more in LibreOffice).
const COLUMNS: [(&str, &str, f64); 14] = [
    ("", "序号", 4.0),
    ("", "项目名称", 16.0),
    ("", "建设内容及规模", 18.0),
    ("", "责任单位", 8.0),
    ("", "总投资\n（亿元）", 8.0),
    ("投资（万元）", "年度计划", 10.0),
    ("投资（万元）", "本月完成", 10.0),
    ("投资（万元）", "累计完成", 10.0),
    ("", "年度投资\n完成率（%）", 8.0),
    ("开工时间", "计划开工", 10.0),
    ("开工时间", "实际开工", 10.0),
    ("", "形象进度", 16.0),
    ("", "存在问题", 16.0),
    ("", "备注", 5.0),
];

fn main() -> Result<(), XlsxError> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "rules/report_up/市重点项目月报表.xlsx".into());
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("市重点项目月报表")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 1)?),
    );
    let ws = wb.add_worksheet();
    ws.set_name("月报表")?;
    let last = COLUMNS.len() as u16 - 1;
    let title = Format::new()
        .set_font_name("方正小标宋简体")
        .set_font_size(18)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let line = Format::new().set_font_name("仿宋").set_font_size(11);
    let header = Format::new()
        .set_font_name("黑体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    ws.merge_range(0, 0, 0, last, "南阳市重点项目建设进展情况月报表", &title)?;
    ws.set_row_height(0, 32)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        "填报单位（盖章）：                    月份：    年    月",
        &line,
    )?;
    let mut c = 0u16;
    while usize::from(c) < COLUMNS.len() {
        let (group, label, width) = COLUMNS[usize::from(c)];
        ws.set_column_width(c, width)?;
        if group.is_empty() {
            ws.merge_range(2, c, 3, c, label, &header)?;
            c += 1;
            continue;
        }
        let span = COLUMNS[usize::from(c)..]
            .iter()
            .take_while(|(g, _, _)| *g == group)
            .count() as u16;
        ws.merge_range(2, c, 2, c + span - 1, group, &header)?;
        for i in 0..span {
            let (_, label, width) = COLUMNS[usize::from(c + i)];
            ws.set_column_width(c + i, width)?;
            ws.write_with_format(3, c + i, label, &header)?;
        }
        c += span;
    }
    ws.set_row_height(3, 30)?;
    wb.save(&out)?;
    println!("{out}");
    Ok(())
}
