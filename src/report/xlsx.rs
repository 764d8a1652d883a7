//! The assessment ranking workbook (月度考核排名), formatted for A4 landscape printing in Chinese.
//! Every value from an input file is written as a string or number, never as a formula.

use super::cells::excel_text;
use super::month_label;
use crate::engine::Status;
use crate::engine::assess::Assessment;
use crate::rules::{Rules, Subject};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// One cell of a report sheet.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// 万元 or scores, two decimals.
    Num(f64),
    Int(i64),
    Empty,
}

impl Cell {
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.width_cjk(),
            Cell::Num(n) => format!("{n:.2}").len(),
            Cell::Int(i) => i.to_string().len(),
            Cell::Empty => 0,
        }
    }
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: &Option<String>) -> Cell {
    s.as_ref()
        .map(|s| Cell::Text(s.clone()))
        .unwrap_or(Cell::Empty)
}

fn date(d: Option<chrono::NaiveDate>) -> Cell {
    d.map(|d| Cell::Text(d.format("%Y-%m-%d").to_string()))
        .unwrap_or(Cell::Empty)
}

/// A sheet: title, header, rows, and which rows to show in red.
#[derive(Debug, Clone)]
pub struct SheetSpec {
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub red: Vec<bool>,
}

pub(crate) struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    num: Format,
    int: Format,
    red_text: Format,
    red_num: Format,
    red_int: Format,
}

pub(crate) fn formats() -> Formats {
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let red = Color::RGB(0xC00000);
    Formats {
        title: Format::new()
            .set_font_name("黑体")
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        subtitle: Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_align(FormatAlign::Right),
        header: base
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap()
            .set_background_color(Color::RGB(0xDDEBF7)),
        text: base.clone().set_text_wrap(),
        num: base.clone().set_num_format("0.00"),
        int: base.clone().set_num_format("0"),
        red_text: base.clone().set_text_wrap().set_font_color(red),
        red_num: base.clone().set_num_format("0.00").set_font_color(red),
        red_int: base.set_num_format("0").set_font_color(red),
    }
}

/// Column widths in Excel's character units: the widest cell (a Chinese character counts two),
/// between 6 and 48, plus 2.
fn column_widths(spec: &SheetSpec) -> Vec<usize> {
    (0..spec.headers.len())
        .map(|c| {
            let w = spec
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(Cell::width)
                .chain([spec.headers[c].width_cjk()])
                .max()
                .unwrap_or(8);
            w.clamp(6, 48) + 2
        })
        .collect()
}

/// Points per printed line of 10 pt 宋体, and the padding of a row.
const LINE_HEIGHT: f64 = 14.0;
const ROW_PADDING: f64 = 2.0;

/// Lines a wrapped text needs in a column `width` characters wide: one per explicit newline,
/// and as many more as its display width (a Chinese character counts two) needs.
pub fn wrapped_lines(s: &str, width: usize) -> usize {
    let usable = width.saturating_sub(2).max(1);
    s.split('\n')
        .map(|line| line.width_cjk().div_ceil(usable).max(1))
        .sum()
}

/// The height of a row whose cells wrap in columns of `widths`.
fn row_height(cells: &[Cell], widths: &[usize]) -> f64 {
    let lines = cells
        .iter()
        .zip(widths)
        .map(|(c, w)| match c {
            Cell::Text(s) => wrapped_lines(s, *w),
            _ => 1,
        })
        .max()
        .unwrap_or(1);
    lines as f64 * LINE_HEIGHT + ROW_PADDING
}

pub(crate) fn write_sheet(
    ws: &mut Worksheet,
    spec: &SheetSpec,
    subtitle: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let cols = spec.headers.len().max(1) as u16;
    ws.set_name(&spec.name)?;
    ws.merge_range(0, 0, 0, cols - 1, &excel_text(&spec.title), &f.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, cols - 1, &excel_text(subtitle), &f.subtitle)?;
    // Widths by display width: a Chinese character counts two.
    let widths = column_widths(spec);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64)?;
    }
    for (c, h) in spec.headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, excel_text(h).as_ref(), &f.header)?;
    }
    let header_cells: Vec<Cell> = spec.headers.iter().map(text).collect();
    ws.set_row_height(2, row_height(&header_cells, &widths))?;
    for (r, row) in spec.rows.iter().enumerate() {
        let red = spec.red.get(r).copied().unwrap_or(false);
        let rr = 3 + r as u32;
        // Neither Excel, WPS nor LibreOffice grows a wrapped row when the file opens.
        ws.set_row_height(rr, row_height(row, &widths))?;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(
                    rr,
                    c,
                    excel_text(s).as_ref(),
                    if red { &f.red_text } else { &f.text },
                )?,
                Cell::Num(n) => {
                    ws.write_number_with_format(rr, c, *n, if red { &f.red_num } else { &f.num })?
                }
                Cell::Int(i) => ws.write_number_with_format(
                    rr,
                    c,
                    *i as f64,
                    if red { &f.red_int } else { &f.int },
                )?,
                Cell::Empty => ws.write_blank(rr, c, if red { &f.red_text } else { &f.text })?,
            };
        }
    }
    ws.set_freeze_panes(3, 0)?;
    if !spec.rows.is_empty() {
        ws.autofilter(2, 0, 2 + spec.rows.len() as u32, cols - 1)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 2)?;
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_header(format!("&C{}", spec.title.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// A workbook of `specs`, each sheet under `subtitle`, with fixed metadata dated `as_of`.
pub fn book(
    title: &str,
    subtitle: &str,
    as_of: chrono::NaiveDate,
    specs: &[SheetSpec],
) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = Workbook::new();
    let created =
        ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("sanyipi")
            .set_creation_datetime(&created),
    );
    let f = formats();
    for spec in specs {
        let ws = wb.add_worksheet();
        write_sheet(ws, spec, subtitle, &f)?;
    }
    wb.save_to_buffer()
}

/// Builds the ranking workbook of `a` (with `extra` sheets before the data sheets).
pub fn workbook(a: &Assessment, rules: &Rules, extra: &[SheetSpec]) -> Result<Vec<u8>, XlsxError> {
    let subtitle = format!(
        "考核月份：{}    统计截止：{}",
        month_label(a),
        a.as_of.format("%Y年%-m月%-d日")
    );
    let mut specs = vec![units(a, rules), projects(a, rules)];
    specs.push(deadline_sheet(a, rules, "开工时限", Subject::Project));
    specs.push(deadline_sheet(a, rules, "前期手续", Subject::Procedure));
    specs.push(deadline_sheet(a, rules, "报送情况", Subject::Submission));
    specs.extend(extra.iter().cloned());
    specs.push(problems(a));
    specs.push(reconciliation(a, rules));
    book(
        &format!("{}重点项目考核排名", month_label(a)),
        &subtitle,
        a.as_of,
        &specs,
    )
}

fn units(a: &Assessment, rules: &Rules) -> SheetSpec {
    let n = rules.scoring.score.bottom_n;
    let rows: Vec<Vec<Cell>> = a
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::Int(i64::from(u.rank)),
                text(&u.unit),
                Cell::Num(u.score),
                Cell::Int(u.projects as i64),
                u.previous_rank
                    .map(|r| Cell::Int(i64::from(r)))
                    .unwrap_or(Cell::Empty),
                match u.change {
                    Some(c) if c > 0 => text(format!("↑{c}")),
                    Some(c) if c < 0 => text(format!("↓{}", -c)),
                    Some(_) => text("—"),
                    None => Cell::Empty,
                },
                text(if u.bottom { "是" } else { "" }),
                if u.streak > 0 {
                    Cell::Int(i64::from(u.streak))
                } else {
                    Cell::Empty
                },
                text(u.penalties.join("、")),
                text(u.evidence.join("；")),
            ]
        })
        .collect();
    SheetSpec {
        name: "单位排名".into(),
        title: format!("{}重点项目考核单位排名", month_label(a)),
        headers: [
            "名次",
            "单位",
            "得分",
            "项目数",
            "上月名次",
            "名次变化",
            &format!("后{n}位"),
            &format!("连续后{n}位（月）"),
            "处理",
            "依据",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        red: a.units.iter().map(|u| u.bottom).collect(),
        rows,
    }
}

fn projects(a: &Assessment, rules: &Rules) -> SheetSpec {
    let mut headers: Vec<String> = ["项目编号", "项目名称", "责任单位"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    headers.extend(
        rules
            .scoring
            .parts
            .iter()
            .map(|p| format!("{}（{}分）", p.name, p.points)),
    );
    headers.extend(
        [
            "总分",
            "年度计划投资（万元）",
            "累计完成投资（万元）",
            "开工情况",
            "报送情况",
            "前期手续（按时/总数）",
            "说明",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let rows = a
        .projects
        .iter()
        .map(|p| {
            let mut row = vec![text(&p.id), text(&p.name), text(&p.unit)];
            row.extend(p.parts.iter().map(|x| Cell::Num(x.score)));
            row.push(Cell::Num(p.total));
            row.push(p.annual_plan.map(Cell::Num).unwrap_or(Cell::Empty));
            row.push(p.figures.cum_invest.map(Cell::Num).unwrap_or(Cell::Empty));
            row.push(text(&p.start_status));
            row.push(text(if p.reported {
                p.report_status.clone()
            } else {
                "未报送".into()
            }));
            row.push(text(format!("{}/{}", p.procedures_ok, p.procedures_total)));
            row.push(text(p.notes.join("；")));
            row
        })
        .collect();
    SheetSpec {
        name: "项目得分明细".into(),
        title: format!("{}重点项目得分明细", month_label(a)),
        headers,
        red: a.projects.iter().map(|p| !p.reported).collect(),
        rows,
    }
}

fn deadline_sheet(a: &Assessment, rules: &Rules, name: &str, subject: Subject) -> SheetSpec {
    let ids: Vec<&str> = rules
        .deadlines
        .rules
        .iter()
        .filter(|r| r.subject == subject)
        .map(|r| r.id.as_str())
        .collect();
    let mut rows: Vec<&crate::engine::DeadlineRow> = a
        .deadlines
        .iter()
        .filter(|d| ids.contains(&d.rule.as_str()))
        .collect();
    rows.sort_by(|x, y| x.status.cmp(&y.status).then(x.due.cmp(&y.due)));
    let headers = [
        "期限",
        "项目编号",
        "项目名称",
        "事项",
        "责任单位",
        "起算日",
        "时限",
        "到期日",
        "完成日",
        "状态",
        "超期/剩余工作日",
        "备注",
    ];
    SheetSpec {
        name: name.into(),
        title: format!(
            "{}{}",
            month_label(a),
            match subject {
                Subject::Project => "开工时限情况",
                Subject::Procedure => "前期手续办理时限情况",
                Subject::Submission => "材料报送情况",
            }
        ),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        red: rows
            .iter()
            .map(|d| matches!(d.status, Status::Overdue | Status::MetLate))
            .collect(),
        rows: rows
            .iter()
            .map(|d| {
                vec![
                    text(&d.rule_name),
                    opt_text(&d.project),
                    opt_text(&d.project_name),
                    opt_text(&d.item),
                    opt_text(&d.recipient),
                    date(d.from),
                    d.days
                        .map(|x| Cell::Int(i64::from(x)))
                        .unwrap_or(Cell::Empty),
                    date(d.due),
                    date(d.met_on),
                    text(&d.status_label),
                    d.workdays.map(Cell::Int).unwrap_or(Cell::Empty),
                    text(if d.missing_years.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "暂定：缺少{}年节假日安排",
                            d.missing_years
                                .iter()
                                .map(|y| y.to_string())
                                .collect::<Vec<_>>()
                                .join("、")
                        )
                    }),
                ]
            })
            .collect(),
    }
}

fn problems(a: &Assessment) -> SheetSpec {
    let mut rows = Vec::new();
    let mut red = Vec::new();
    for d in &a.diagnostics {
        rows.push(vec![
            text(d.severity.label()),
            text(d.code.as_str()),
            text(&d.location.file),
            d.location.sheet.clone().map(text).unwrap_or(Cell::Empty),
            d.location.cell.clone().map(text).unwrap_or(Cell::Empty),
            text(&d.message),
            d.hint.clone().map(text).unwrap_or(Cell::Empty),
        ]);
        red.push(d.severity == crate::diagnostic::Severity::Error);
    }
    for p in &a.rule_problems {
        rows.push(vec![
            text("错误"),
            text(crate::diagnostic::Code::RuleFailed.as_str()),
            text(&p.rule_file),
            Cell::Empty,
            Cell::Empty,
            text(format!(
                "规则 {} 在 {} 上无法计算: {}",
                p.rule, p.subject, p.message
            )),
            text("检查规则中的公式或条件"),
        ]);
        red.push(true);
    }
    SheetSpec {
        name: "问题数据".into(),
        title: format!("{}报送材料问题清单", month_label(a)),
        headers: [
            "级别",
            "代码",
            "文件",
            "工作表",
            "单元格",
            "问题",
            "处理建议",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
        red,
    }
}

fn reconciliation(a: &Assessment, rules: &Rules) -> SheetSpec {
    let rows = a
        .files
        .iter()
        .map(|f| {
            vec![
                text(&f.file),
                text(
                    f.table
                        .as_deref()
                        .and_then(|t| rules.table(t))
                        .map(|t| t.title.clone())
                        .unwrap_or_default(),
                ),
                opt_text(&f.reporting_unit),
                date(f.submitted_on),
                Cell::Int(f.rows.read as i64),
                Cell::Int(f.used as i64),
                Cell::Int(f.rejected as i64),
                Cell::Int(f.rows.blank as i64),
                Cell::Int(f.rows.total as i64),
                Cell::Int(f.rows.note as i64),
                text(if f.unreadable {
                    "未能读取"
                } else if f.balanced() {
                    "平衡"
                } else {
                    "不平衡"
                }),
                text(f.remarks().join("；")),
            ]
        })
        .collect();
    SheetSpec {
        name: "数据核对".into(),
        title: format!("{}报送文件数据核对", month_label(a)),
        headers: [
            "文件",
            "表格",
            "填报单位",
            "填报日期",
            "读取行",
            "采用",
            "未采用",
            "空行",
            "合计行",
            "备注行",
            "核对",
            "说明",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        red: a
            .files
            .iter()
            .map(|f| f.unreadable || f.rejected > 0)
            .collect(),
        rows,
    }
}
