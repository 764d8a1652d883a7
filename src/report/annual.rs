//! The annual summary (年度汇总) as a workbook (one sheet per view, with a line chart of each
//! unit's monthly rank) and a self-contained HTML page (inline SVG) for the 年度考核 meeting.

use super::pages::{TemplateError, Templates};
use super::sheet::{Cell, SheetSpec, cap_formats, formats, grouped, text, write_sheet};
use crate::engine::annual::{AnnualMonth, Summary};
use rust_xlsxwriter::{
    Chart, ChartLegendPosition, ChartType, DocProperties, ExcelDateTime, XlsxError,
};

/// Line colours of the rank chart, one per unit in turn.
const COLORS: &[&str] = &[
    "#C8102E", "#1F4E79", "#548235", "#BF8F00", "#7030A0", "#2E75B6", "#C55A11", "#00B0A0",
    "#7F7F7F", "#FF66CC", "#375623", "#833C0B",
];

pub(crate) fn title(s: &Summary) -> String {
    format!("{}年度重点项目考核汇总", s.year)
}

pub(crate) fn workbook_name(s: &Summary) -> String {
    format!("{}.xlsx", title(s))
}

pub(crate) fn html_name(s: &Summary) -> String {
    format!("{}.html", title(s))
}

fn month_header(m: &AnnualMonth) -> String {
    if m.imported {
        format!("{}（导入）", m.month)
    } else {
        m.month.clone()
    }
}

fn subtitle(s: &Summary) -> String {
    let imported: Vec<&str> = s
        .months
        .iter()
        .filter(|m| m.imported)
        .map(|m| m.month.as_str())
        .collect();
    let mut out = format!(
        "{}年共 {} 个月：{}",
        s.year,
        s.months.len(),
        s.months
            .iter()
            .map(|m| m.month.as_str())
            .collect::<Vec<_>>()
            .join("、")
    );
    if !imported.is_empty() {
        out.push_str(&format!("（其中导入 {}）", imported.join("、")));
    }
    if !s.missing.is_empty() {
        out.push_str(&format!(
            "；缺少 {} 的记录，年度结果只计已记录的月份",
            s.missing.join("、")
        ));
    }
    out
}

fn penalty_text(s: &Summary, unit: &crate::engine::annual::AnnualUnit, id: &str) -> String {
    let _ = s;
    unit.penalties
        .iter()
        .filter(|p| p.id == id)
        .map(|p| match &p.number {
            Some(n) => format!("{}（{}）", p.month, n),
            None => p.month.clone(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The penalty ids in the order of the rules, with their names.
fn penalty_columns(rules: &crate::rules::Rules) -> Vec<(String, String)> {
    rules
        .scoring
        .penalties
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect()
}

fn ranking(s: &Summary, rules: &crate::rules::Rules) -> SheetSpec {
    let n = s.bottom_n;
    let penalties = penalty_columns(rules);
    let mut headers: Vec<String> = vec![
        "年度名次".into(),
        "单位".into(),
        s.aggregate_label.clone(),
        "计入月数".into(),
        format!("后{n}位次数"),
        format!("最长连续后{n}位（月）"),
    ];
    headers.extend(penalties.iter().map(|(_, name)| name.clone()));
    headers.push("收到督查通知".into());
    let rows = s
        .units
        .iter()
        .map(|u| {
            let mut row = vec![
                u.rank.map(|r| Cell::Int(r.into())).unwrap_or(Cell::Empty),
                text(&u.unit),
                u.score.map(Cell::Num).unwrap_or(Cell::Empty),
                Cell::Int(u.counted as i64),
                Cell::Int(u.bottom_count as i64),
                Cell::Int(u.longest_streak.into()),
            ];
            row.extend(penalties.iter().map(|(id, _)| text(penalty_text(s, u, id))));
            row.push(text(
                u.notices
                    .iter()
                    .map(|n| n.number.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            ));
            row
        })
        .collect();
    SheetSpec {
        name: "年度排名".into(),
        title: format!("{}年度重点项目考核单位排名", s.year),
        headers,
        red: s.units.iter().map(|u| !u.penalties.is_empty()).collect(),
        rows,
    }
}

fn monthly(s: &Summary) -> SheetSpec {
    let mut headers = vec!["单位".to_string()];
    for m in &s.months {
        headers.push(grouped(&month_header(m), "得分"));
        headers.push(grouped(&month_header(m), "名次"));
    }
    let rows = s
        .units
        .iter()
        .map(|u| {
            let mut row = vec![text(&u.unit)];
            for r in &u.months {
                match r {
                    Some(r) => {
                        row.push(Cell::Num(r.score));
                        row.push(Cell::Int(r.rank.into()));
                    }
                    None => row.extend([Cell::Empty, Cell::Empty]),
                }
            }
            row
        })
        .collect();
    SheetSpec {
        name: "逐月得分".into(),
        title: format!("{}年度各单位逐月得分与名次", s.year),
        headers,
        red: vec![false; s.units.len()],
        rows,
    }
}

fn ranks(s: &Summary) -> SheetSpec {
    let mut headers = vec!["单位".to_string()];
    headers.extend(s.months.iter().map(month_header));
    SheetSpec {
        name: "名次走势".into(),
        title: format!("{}年度各单位月度名次走势", s.year),
        headers,
        red: vec![false; s.units.len()],
        rows: s
            .units
            .iter()
            .map(|u| {
                let mut row = vec![text(&u.unit)];
                row.extend(u.months.iter().map(|r| {
                    r.as_ref()
                        .map(|r| Cell::Int(r.rank.into()))
                        .unwrap_or(Cell::Empty)
                }));
                row
            })
            .collect(),
    }
}

fn opt(s: &Option<String>) -> Cell {
    s.clone().map(Cell::Text).unwrap_or(Cell::Empty)
}

/// A date kept as `YYYY-MM-DD` text in history, written as a date (other text as it is).
fn opt_date(s: &Option<String>) -> Cell {
    match s
        .as_deref()
        .map(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d"))
    {
        Some(Ok(d)) => Cell::Date(d),
        _ => opt(s),
    }
}

fn projects(s: &Summary) -> SheetSpec {
    let headers = [
        "项目编号",
        "项目名称",
        "责任单位",
        "年度计划投资（万元）",
        "累计完成投资（万元）",
        "完成年度计划（%）",
        "开工时限",
        "开工到期日",
        "开工情况",
        "实际开工日期",
        "计划竣工日期",
        "竣工日期",
        "竣工情况",
        "数据月份",
    ];
    SheetSpec {
        name: "项目推进".into(),
        title: format!("{}年度重点项目推进情况", s.year),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        red: s
            .projects
            .iter()
            .map(|p| p.share.is_some_and(|x| x < 1.0))
            .collect(),
        rows: s
            .projects
            .iter()
            .map(|p| {
                vec![
                    text(&p.id),
                    text(&p.name),
                    text(&p.unit),
                    p.annual_plan.map(Cell::Num).unwrap_or(Cell::Empty),
                    p.cum_invest.map(Cell::Num).unwrap_or(Cell::Empty),
                    p.share.map(|x| Cell::Num(x * 100.0)).unwrap_or(Cell::Empty),
                    opt(&p.start_rule),
                    opt_date(&p.start_due),
                    opt(&p.start_status),
                    opt_date(&p.actual_start),
                    opt_date(&p.planned_completion),
                    opt_date(&p.completed_date),
                    text(&p.completion_status),
                    text(&p.month),
                ]
            })
            .collect(),
    }
}

/// Every notice of the year as numbered (1号 before 10号), to whomever it went.
fn notices(s: &Summary) -> SheetSpec {
    let rows: Vec<_> = s
        .notices
        .iter()
        .map(|n| vec![text(&n.number), text(&n.month), text(&n.recipient)])
        .collect();
    SheetSpec {
        name: "督查通知".into(),
        title: format!("{}年度督查通知登记", s.year),
        headers: ["文号", "月份", "受文单位"]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        red: vec![false; rows.len()],
        rows,
    }
}

/// The workbook: 年度排名, 逐月得分, 名次走势 (with the chart), 项目推进, 督查通知.
pub(crate) fn workbook(
    s: &Summary,
    rules: &crate::rules::Rules,
    created: chrono::NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    use chrono::Datelike;
    let mut wb = super::print_layout::new_workbook()?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title(s))
            .set_author("sanyipi")
            .set_creation_datetime(&ExcelDateTime::from_ymd(
                created.year() as u16,
                created.month() as u8,
                created.day() as u8,
            )?),
    );
    let f = formats("本年无");
    let sub = subtitle(s);
    let mut specs = vec![
        ranking(s, rules),
        monthly(s),
        ranks(s),
        projects(s),
        notices(s),
    ];
    specs.extend(super::task_register::annual_sheet(s.year, &s.tasks, rules));
    cap_formats(&mut specs);
    for spec in &specs {
        let ws = wb.add_worksheet();
        write_sheet(ws, spec, &sub, &f)?;
        if spec.name == "名次走势" && !s.months.is_empty() && !s.units.is_empty() {
            let chart = rank_chart(s, &spec.name)?;
            ws.insert_chart(3 + s.units.len() as u32 + 1, 0, &chart)?;
        }
    }
    wb.save_to_buffer()
}

fn rank_chart(s: &Summary, sheet: &str) -> Result<Chart, XlsxError> {
    let mut chart = Chart::new(ChartType::Line);
    let last = s.months.len() as u16;
    for (i, _) in s.units.iter().enumerate() {
        let row = 3 + i as u32;
        chart
            .add_series()
            .set_name((sheet, row, 0))
            .set_categories((sheet, 2, 1, 2, last))
            .set_values((sheet, row, 1, row, last));
    }
    chart
        .title()
        .set_name(&format!("{}年度各单位月度名次", s.year));
    let units = s.units.len().max(1) as f64;
    chart
        .y_axis()
        .set_name("名次")
        .set_reverse()
        .set_min(1)
        .set_max(units)
        .set_major_unit(1);
    chart.legend().set_position(ChartLegendPosition::Right);
    // Narrower than the printed page, so that it does not shrink the sheet's type.
    chart.set_width(640).set_height(360);
    Ok(chart)
}

/// One unit's line in the SVG chart.
#[derive(serde::Serialize)]
struct Line {
    unit: String,
    color: String,
    points: String,
    dots: Vec<(f64, f64, u32)>,
}

fn svg_lines(s: &Summary, w: f64, h: f64, pad: f64) -> Vec<Line> {
    let n = s.months.len().max(2) as f64 - 1.0;
    let max_rank = s
        .units
        .iter()
        .flat_map(|u| u.months.iter().flatten().map(|r| r.rank))
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n;
    let y = |r: u32| pad + (h - 2.0 * pad) * (r as f64 - 1.0) / (max_rank - 1.0);
    s.units
        .iter()
        .enumerate()
        .map(|(k, u)| {
            let dots: Vec<(f64, f64, u32)> = u
                .months
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.as_ref().map(|r| (x(i), y(r.rank), r.rank)))
                .collect();
            Line {
                unit: u.unit.clone(),
                color: COLORS[k % COLORS.len()].to_string(),
                points: dots
                    .iter()
                    .map(|(a, b, _)| format!("{a:.1},{b:.1}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                dots,
            }
        })
        .collect()
}

/// The HTML page for the 年度考核 meeting.
pub(crate) fn html(
    s: &Summary,
    rules: &crate::rules::Rules,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let (w, h, pad) = (760.0, 320.0, 30.0);
    let n = s.months.len().max(2) as f64 - 1.0;
    let month_x: Vec<(String, f64)> = s
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| (month_header(m), pad + (w - 2.0 * pad) * i as f64 / n))
        .collect();
    let max_rank = s
        .units
        .iter()
        .flat_map(|u| u.months.iter().flatten().map(|r| r.rank))
        .max()
        .unwrap_or(1)
        .max(2);
    let rank_y: Vec<(u32, f64)> = (1..=max_rank)
        .map(|r| {
            let y = pad + (h - 2.0 * pad) * f64::from(r - 1) / f64::from(max_rank - 1);
            (r, y)
        })
        .collect();
    let penalties = penalty_columns(rules);
    let unit_penalties: Vec<Vec<String>> = s
        .units
        .iter()
        .map(|u| {
            penalties
                .iter()
                .map(|(id, _)| penalty_text(s, u, id))
                .collect()
        })
        .collect();
    let ctx = minijinja::context! {
        title => title(s),
        subtitle => subtitle(s),
        s => minijinja::Value::from(minijinja::value::Serde(s)),
        months => s.months.iter().map(month_header).collect::<Vec<_>>(),
        penalty_names => penalties.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>(),
        unit_penalties => unit_penalties,
        lines => minijinja::Value::from(minijinja::value::Serde(svg_lines(s, w, h, pad))),
        month_x => month_x,
        rank_y => rank_y,
        width => w,
        height => h,
        register => minijinja::Value::from(minijinja::value::Serde(super::task_register::annual_section(&s.tasks, rules))),
    };
    templates.render("annual.html", ctx)
}
