//! Writes the bundled `samples/` folder: a small fictional county's submissions for two months,
//! with the quirks real departments produce (title and 填报 lines, two-row merged headers, a 说明
//! sheet first, 合计 and note rows, dotted and Chinese dates, "3,500", "7640万元", full-width
//! digits, √, stray spaces, a late and a missing report, an unknown project, a "待定" date).
//!
//! Run: `cargo run --example gen_samples [OUT_DIR]` (default `samples`). Deterministic.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};
use std::path::{Path, PathBuf};

struct Project {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    industry: &'static str,
    unit: &'static str,
    total: f64,
    annual: f64,
    sign: Option<(u16, u8, u8)>,
    land: Option<(u16, u8, u8)>,
    planned_start: (u16, u8, u8),
    planned_done: (u16, u8, u8),
    start: Option<(u16, u8, u8)>,
    leader: &'static str,
    /// Cumulative investment by month index (0 = 2026-09, 1 = 2026-10).
    cum: [f64; 2],
}

const PROJECTS: &[Project] = &[
    Project {
        id: "DH2026-001",
        name: "新能源电池材料项目",
        kind: "重大招商项目",
        industry: "二产",
        unit: "城关镇",
        total: 60000.0,
        annual: 24000.0,
        sign: Some((2026, 2, 10)),
        land: None,
        planned_start: (2026, 5, 20),
        planned_done: (2027, 6, 30),
        start: Some((2026, 5, 18)),
        leader: "王明",
        cum: [15200.5, 17650.0],
    },
    Project {
        id: "DH2026-002",
        name: "城区供热管网改造项目",
        kind: "重大建设项目",
        industry: "三产",
        unit: "城关镇",
        total: 8000.0,
        annual: 5000.0,
        sign: None,
        land: Some((2026, 3, 2)),
        planned_start: (2026, 5, 10),
        planned_done: (2026, 12, 30),
        start: Some((2026, 5, 22)),
        leader: "王明",
        cum: [3100.0, 3500.0],
    },
    Project {
        id: "DH2026-003",
        name: "生态渔业养殖项目",
        kind: "重大招商项目",
        industry: "一产",
        unit: "东湖镇",
        total: 12000.0,
        annual: 4000.0,
        sign: Some((2026, 4, 8)),
        land: None,
        planned_start: (2026, 8, 1),
        planned_done: (2027, 3, 30),
        start: None,
        leader: "李华",
        cum: [0.0, 0.0],
    },
    Project {
        id: "DH2026-004",
        name: "年产3万吨饲料项目",
        kind: "重大招商项目",
        industry: "二产",
        unit: "东湖镇",
        total: 15000.0,
        annual: 7640.0,
        sign: Some((2026, 1, 20)),
        land: None,
        planned_start: (2026, 4, 30),
        planned_done: (2027, 4, 30),
        start: Some((2026, 4, 28)),
        leader: "李华",
        cum: [5120.0, 5980.3],
    },
    Project {
        id: "DH2026-005",
        name: "山地光伏电站项目",
        kind: "重大建设项目",
        industry: "二产",
        unit: "西岭乡",
        total: 30000.0,
        annual: 11250.0,
        sign: None,
        land: Some((2026, 6, 15)),
        planned_start: (2026, 9, 1),
        planned_done: (2027, 8, 30),
        start: None,
        leader: "赵强",
        cum: [0.0, 0.0],
    },
    Project {
        id: "DH2026-006",
        name: "农产品冷链仓储项目",
        kind: "重大招商项目",
        industry: "三产",
        unit: "西岭乡",
        total: 9000.0,
        annual: 3000.0,
        sign: Some((2026, 3, 18)),
        land: None,
        planned_start: (2026, 7, 1),
        planned_done: (2027, 1, 30),
        start: Some((2026, 7, 3)),
        leader: "赵强",
        cum: [1125.1, 1480.6],
    },
    Project {
        id: "DH2026-007",
        name: "智慧物流园项目",
        kind: "重大招商项目",
        industry: "三产",
        unit: "南阳街道",
        total: 45000.0,
        annual: 18000.0,
        sign: Some((2026, 2, 26)),
        land: None,
        planned_start: (2026, 6, 15),
        planned_done: (2027, 12, 30),
        start: Some((2026, 6, 12)),
        leader: "王明",
        cum: [9800.0, 11020.7],
    },
    Project {
        id: "DH2026-008",
        name: "老旧小区改造项目",
        kind: "重大建设项目",
        industry: "三产",
        unit: "南阳街道",
        total: 6000.0,
        annual: 6000.0,
        sign: None,
        land: Some((2026, 4, 1)),
        planned_start: (2026, 6, 1),
        planned_done: (2026, 11, 30),
        start: Some((2026, 6, 5)),
        leader: "王明",
        cum: [3900.0, 4650.0],
    },
    Project {
        id: "DH2026-009",
        name: "中药饮片加工项目",
        kind: "重大招商项目",
        industry: "二产",
        unit: "北山镇",
        total: 10000.0,
        annual: 3500.0,
        sign: Some((2026, 5, 6)),
        land: None,
        planned_start: (2026, 9, 10),
        planned_done: (2027, 5, 30),
        start: None,
        leader: "李华",
        cum: [0.0, 0.0],
    },
    Project {
        id: "DH2026-010",
        name: "精密模具制造项目",
        kind: "重大招商项目",
        industry: "二产",
        unit: "县经开区",
        total: 80000.0,
        annual: 26000.0,
        sign: Some((2025, 12, 12)),
        land: None,
        planned_start: (2026, 4, 20),
        planned_done: (2027, 10, 30),
        start: Some((2026, 4, 16)),
        leader: "赵强",
        cum: [17800.0, 20150.2],
    },
    Project {
        id: "DH2026-011",
        name: "汽车零部件产业园项目",
        kind: "重大招商项目",
        industry: "二产",
        unit: "县经开区",
        total: 120000.0,
        annual: 35000.0,
        sign: Some((2026, 6, 2)),
        land: None,
        planned_start: (2026, 10, 8),
        planned_done: (2028, 6, 30),
        start: None,
        leader: "赵强",
        cum: [0.0, 0.0],
    },
];

const UNITS: &[&str] = &[
    "城关镇",
    "东湖镇",
    "西岭乡",
    "南阳街道",
    "北山镇",
    "县经开区",
];

const PROCEDURES: &[(&str, &str, u32)] = &[
    ("企业投资项目备案", "县发改委", 3),
    ("建设用地规划许可证", "县自然资源局", 10),
    ("环境影响评价", "市生态环境局镇平分局", 30),
    ("建筑工程施工许可证", "县住建局", 7),
];

/// October's 环评 rows name their department short, as a clerk may: the planted W075 (the
/// notices still go to the department of the rules).
const NEAR_MISS_DEPT: &str = "市生态环境局分局";

fn date(d: (u16, u8, u8)) -> ExcelDateTime {
    ExcelDateTime::from_ymd(d.0, d.1, d.2).expect("valid date")
}

fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).expect("date");
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("sanyipi 示例数据"),
    );
    wb
}

fn title(ws: &mut Worksheet, text: &str, cols: u16) -> Result<(), XlsxError> {
    let f = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, cols - 1, text, &f)?;
    Ok(())
}

fn header(ws: &mut Worksheet, row: u32, labels: &[&str]) -> Result<(), XlsxError> {
    let f = Format::new()
        .set_bold()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    for (c, l) in labels.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *l, &f)?;
        ws.set_column_width(c as u16, 14)?;
    }
    Ok(())
}

fn ledger(dir: &Path, month: u8) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("台账")?;
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    title(
        ws,
        &format!("东湖县2026年拟开工重大项目管理台账（截至{month}月）"),
        14,
    )?;
    ws.write_string(
        1,
        0,
        format!("编制单位：县重点项目办    编制日期：2026年{month}月3日"),
    )?;
    header(
        ws,
        2,
        &[
            "序号",
            "项目编号",
            "项目名称",
            "项目类型",
            "产业类别",
            "投资情况（万元）",
            "",
            "签约日期",
            "土地摘牌日期",
            "计划开工日期",
            "计划竣工日期",
            "分包县领导",
            "责任单位",
            "专班牵头单位",
        ],
    )?;
    ws.merge_range(2, 5, 2, 6, "投资情况（万元）", &Format::new().set_bold())?;
    ws.write_string(3, 5, "总投资")?;
    ws.write_string(3, 6, "年度计划投资")?;
    for (i, p) in PROJECTS.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, p.id)?;
        ws.write_string(r, 2, p.name)?;
        ws.write_string(r, 3, p.kind)?;
        ws.write_string(r, 4, p.industry)?;
        ws.write_number(r, 5, p.total)?;
        ws.write_number(r, 6, p.annual)?;
        if let Some(d) = p.sign {
            ws.write_datetime_with_format(r, 7, date(d), &datef)?;
        }
        if let Some(d) = p.land {
            ws.write_datetime_with_format(r, 8, date(d), &datef)?;
        }
        ws.write_datetime_with_format(r, 9, date(p.planned_start), &datef)?;
        ws.write_datetime_with_format(r, 10, date(p.planned_done), &datef)?;
        ws.write_string(r, 11, p.leader)?;
        ws.write_string(r, 12, p.unit)?;
        ws.write_string(r, 13, p.unit)?;
    }
    let total_row = 4 + PROJECTS.len() as u32;
    ws.write_string(total_row, 0, "合计")?;
    let sum_total: f64 = PROJECTS.iter().map(|p| p.total).sum();
    let sum_annual: f64 = PROJECTS.iter().map(|p| p.annual).sum();
    ws.write_formula(
        total_row,
        5,
        rust_xlsxwriter::Formula::new(format!("=SUM(F5:F{total_row})"))
            .set_result(sum_total.to_string()),
    )?;
    ws.write_formula(
        total_row,
        6,
        rust_xlsxwriter::Formula::new(format!("=SUM(G5:G{total_row})"))
            .set_result(sum_annual.to_string()),
    )?;
    ws.write_string(
        total_row + 2,
        0,
        "备注：项目类型分重大招商项目、重大建设项目；金额单位为万元。",
    )?;
    wb.save(dir.join("重大项目管理台账.xlsx"))
}

fn procedures(dir: &Path, month: u8) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("前期手续")?;
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    title(ws, "重大项目前期手续办理任务清单", 10)?;
    header(
        ws,
        1,
        &[
            "序号",
            "项目编号",
            "项目名称",
            "手续名称",
            "办理单位",
            "交办日期",
            "办理时限（工作日）",
            "办结日期",
            "办理状态",
            "备注",
        ],
    )?;
    let mut r = 2u32;
    for (pi, p) in PROJECTS.iter().enumerate() {
        let assigned = p.sign.or(p.land).expect("sign or land");
        for (qi, (name, dept, limit)) in PROCEDURES.iter().enumerate() {
            ws.write_number(r, 0, (r - 1) as f64)?;
            ws.write_string(r, 1, p.id)?;
            ws.write_string(r, 2, p.name)?;
            ws.write_string(r, 3, *name)?;
            let planted = month == 10 && qi == 2;
            ws.write_string(r, 4, if planted { NEAR_MISS_DEPT } else { dept })?;
            ws.write_datetime_with_format(r, 5, date(assigned), &datef)?;
            ws.write_number(r, 6, f64::from(*limit))?;
            // Most are finished a few days after assignment; some run late, some are open.
            match procedure_finished(pi, qi, assigned) {
                None => ws.write_string(r, 8, "办理中").map(|_| ())?,
                Some(done) => {
                    use chrono::Datelike;
                    ws.write_datetime_with_format(
                        r,
                        7,
                        date((done.year() as u16, done.month() as u8, done.day() as u8)),
                        &datef,
                    )?;
                    ws.write_string(r, 8, "已办结")?;
                }
            }
            r += 1;
        }
    }
    wb.save(dir.join("前期手续办理清单.xlsx"))
}

fn signed(dir: &Path, month: u8) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("签约项目")?;
    title(ws, &format!("2026年{}月份签约项目情况表", month - 1), 8)?;
    ws.write_string(
        1,
        0,
        format!("报送单位：县招商服务中心    报送日期：2026年{month}月1日"),
    )?;
    header(
        ws,
        2,
        &[
            "序号",
            "项目名称",
            "主要建设内容",
            "总投资（亿元）",
            "签约日期",
            "引进单位",
            "责任单位",
            "产业类别",
        ],
    )?;
    if month == 10 {
        ws.write_number(3, 0, 1.0)?;
        ws.write_string(3, 1, "高端装备制造项目")?;
        ws.write_string(3, 2, "主要建设高端装备生产线")?;
        ws.write_number(3, 3, 1.5)?;
        ws.write_string(3, 4, "2026年9月16日")?;
        ws.write_string(3, 5, "县经开区")?;
        ws.write_string(3, 6, "县经开区")?;
        ws.write_string(3, 7, "二产")?;
    }
    wb.save(dir.join("签约项目.xlsx"))
}

/// The monthly report of one unit, with that unit's quirk.
fn monthly(dir: &Path, month: u8, unit: &str, mi: usize) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    let submitted = submitted_day(unit, month);
    if unit == "西岭乡" {
        let note = wb.add_worksheet().set_name("说明")?;
        note.write_string(
            0,
            0,
            "填表说明：1.金额单位为万元；2.本表于每月22日前报县重点项目办。",
        )?;
    }
    let ws = wb.add_worksheet().set_name("月报")?;
    title(
        ws,
        &format!("东湖县重点项目推进情况月报表（2026年{month}月）"),
        12,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "填报单位（盖章）：{unit}    填报人：张三    填报日期：2026年{month}月{submitted}日"
        ),
    )?;
    let two_rows = unit == "东湖镇";
    let first = if two_rows {
        header(
            ws,
            2,
            &[
                "序号",
                "项目编号",
                "项目名称",
                "投资情况（万元）",
                "",
                "",
                "建设进度",
                "",
                "",
                "",
                "形象进度",
                "存在问题",
            ],
        )?;
        let bold = Format::new().set_bold();
        ws.merge_range(2, 3, 2, 5, "投资情况（万元）", &bold)?;
        ws.merge_range(2, 6, 2, 9, "建设进度", &bold)?;
        for (c, l) in [
            "年度计划",
            "本月完成",
            "累计完成",
            "是否开工",
            "实际开工日期",
            "是否竣工",
            "竣工日期",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(3, 3 + c as u16, *l)?;
        }
        4
    } else {
        header(
            ws,
            2,
            &[
                "序号",
                "项目编号",
                "项目名称",
                "年度计划投资（万元）",
                "本月完成投资（万元）",
                "累计完成投资（万元）",
                "是否开工",
                "实际开工日期",
                "是否竣工",
                "竣工日期",
                "形象进度",
                "存在问题",
            ],
        )?;
        3
    };
    let mut r = first;
    for (i, p) in PROJECTS.iter().filter(|p| p.unit == unit).enumerate() {
        let cum = p.cum[mi];
        let inc = if mi == 0 {
            cum * 0.1
        } else {
            p.cum[1] - p.cum[0]
        };
        ws.write_number(r, 0, (i + 1) as f64)?;
        match unit {
            "西岭乡" => {
                // No 项目编号, full-width digits and stray spaces.
                ws.write_string(r, 2, format!(" {}\u{3000}", p.name))?;
                ws.write_string(r, 3, fullwidth(&format!("{}", p.annual)))?;
                ws.write_string(r, 4, fullwidth(&format!("{:.1}", inc)))?;
                ws.write_string(r, 5, fullwidth(&format!("{}", cum)))?;
            }
            "城关镇" => {
                ws.write_string(r, 1, p.id)?;
                ws.write_string(r, 2, p.name)?;
                ws.write_string(r, 3, thousands(p.annual))?;
                ws.write_string(r, 4, thousands(inc))?;
                ws.write_string(r, 5, thousands(cum))?;
            }
            "县经开区" => {
                ws.write_string(r, 1, p.id)?;
                ws.write_string(r, 2, p.name)?;
                ws.write_string(r, 3, format!("{}万元", p.annual))?;
                ws.write_string(r, 4, format!("{:.1}万元", inc))?;
                ws.write_string(r, 5, format!("{}万元", cum))?;
            }
            _ => {
                ws.write_string(r, 1, p.id)?;
                ws.write_string(r, 2, p.name)?;
                ws.write_number(r, 3, p.annual)?;
                ws.write_number(r, 4, (inc * 10.0).round() / 10.0)?;
                ws.write_number(r, 5, cum)?;
            }
        }
        match (p.start, unit) {
            (Some(d), "城关镇") => {
                ws.write_string(r, 6, "是")?;
                ws.write_string(r, 7, format!("{}.{}.{}", d.0, d.1, d.2))?;
            }
            (Some(d), "南阳街道") => {
                ws.write_string(r, 6, "已开工")?;
                ws.write_string(r, 7, format!("{}年{}月{}日", d.0, d.1, d.2))?;
            }
            (Some(_), "县经开区") if p.id == "DH2026-010" && month == 10 => {
                ws.write_string(r, 6, "√")?;
                ws.write_string(r, 7, "待定")?;
            }
            (Some(d), _) => {
                ws.write_string(r, 6, if unit == "县经开区" { "√" } else { "是" })?;
                ws.write_datetime_with_format(r, 7, date(d), &datef)?;
            }
            (None, "南阳街道") => ws.write_string(r, 6, "未开工").map(|_| ())?,
            (None, "县经开区") => ws.write_string(r, 7, "—").map(|_| ())?,
            (None, _) => ws.write_string(r, 6, "否").map(|_| ())?,
        }
        if unit != "县经开区" {
            ws.write_string(r, 8, "否")?;
        }
        ws.write_string(
            r,
            10,
            if p.start.is_some() {
                "主体施工"
            } else {
                "前期手续办理中"
            },
        )?;
        r += 1;
        if unit == "南阳街道" && i == 0 {
            r += 1; // a blank row inside the table
        }
    }
    if unit == "城关镇" && month == 10 {
        // A project that is not in the ledger: reported, not scored.
        ws.write_number(r, 0, 3.0)?;
        ws.write_string(r, 2, "城东商业综合体项目")?;
        ws.write_string(r, 3, "5,000")?;
        ws.write_string(r, 5, "0")?;
        ws.write_string(r, 6, "否")?;
        r += 1;
    }
    if unit == "西岭乡" {
        ws.write_string(r, 0, "合计")?;
        ws.write_string(r, 2, "共2个项目")?;
        r += 1;
    }
    ws.write_string(r + 1, 0, "备注：本表数据经乡镇（街道）主要负责人审核。")?;
    std::fs::create_dir_all(dir.join("月报")).expect("create 月报");
    wb.save(dir.join("月报").join(format!("{unit}.xlsx")))
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
            '.' => '．',
            _ => c,
        })
        .collect()
}

fn thousands(n: f64) -> String {
    let whole = n.trunc() as i64;
    let frac = ((n - n.trunc()) * 10.0).round() as i64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if frac != 0 {
        format!("{out}.{frac}")
    } else {
        out
    }
}

fn weekly(dir: &Path, month: u8) -> Result<(), XlsxError> {
    std::fs::create_dir_all(dir.join("周报")).expect("create 周报");
    let mondays: &[u8] = if month == 9 { &[7, 14, 21] } else { &[12, 19] };
    for &day in mondays {
        let mut wb = workbook();
        let ws = wb.add_worksheet().set_name("问题清单")?;
        let datef = Format::new().set_num_format("yyyy-mm-dd");
        title(
            ws,
            &format!("重点项目需研究解决问题周报（{}月{}日）", month, day + 1),
            11,
        )?;
        header(
            ws,
            1,
            &[
                "序号",
                "项目编号",
                "项目名称",
                "报送单位",
                "问题类别",
                "存在问题",
                "意见建议",
                "分管县领导",
                "首次提出日期",
                "报送日期",
                "办理状态",
            ],
        )?;
        let rows = [
            (
                &PROJECTS[2],
                "用地",
                "用地指标未落实",
                "协调自然资源局调剂指标",
                "县领导协调中",
            ),
            (
                &PROJECTS[8],
                "手续",
                "环评审批滞后",
                "协调生态环境分局加快审批",
                "提交周例会",
            ),
        ];
        for (i, (p, cat, problem, suggestion, status)) in rows.iter().enumerate() {
            let r = 2 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64)?;
            ws.write_string(r, 1, p.id)?;
            ws.write_string(r, 2, p.name)?;
            ws.write_string(r, 3, p.unit)?;
            ws.write_string(r, 4, *cat)?;
            ws.write_string(r, 5, *problem)?;
            ws.write_string(r, 6, *suggestion)?;
            ws.write_string(r, 7, p.leader)?;
            ws.write_datetime_with_format(r, 8, date((2026, 8, 25)), &datef)?;
            ws.write_datetime_with_format(r, 9, date((2026, month, day + 1)), &datef)?;
            ws.write_string(r, 10, *status)?;
        }
        wb.save(
            dir.join("周报")
                .join(format!("2026-{month:02}-{day:02}周.xlsx")),
        )?;
    }
    Ok(())
}

/// Rankings from before the tool (历史排名.xlsx): (month, unit, score, rank).
const HISTORY: &[(&str, &str, f64, u32)] = &[
    ("2026-07", "县经开区", 92.4, 1),
    ("2026-07", "城关镇", 90.1, 2),
    ("2026-07", "南阳街道", 85.0, 3),
    ("2026-07", "东湖镇", 80.2, 4),
    ("2026-07", "西岭乡", 71.5, 5),
    ("2026-07", "北山镇", 66.3, 6),
    ("2026-08", "城关镇", 93.0, 1),
    ("2026-08", "县经开区", 90.8, 2),
    ("2026-08", "东湖镇", 84.6, 3),
    ("2026-08", "南阳街道", 83.1, 4),
    ("2026-08", "北山镇", 70.2, 5),
    ("2026-08", "西岭乡", 68.9, 6),
];

fn history(dir: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("历史排名")?;
    header(ws, 0, &["考核月份", "单位", "得分", "名次"])?;
    let rows = HISTORY;
    for (i, (m, u, s, k)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, *m)?;
        ws.write_string(r, 1, *u)?;
        ws.write_number(r, 2, *s)?;
        ws.write_number(r, 3, f64::from(*k))?;
    }
    wb.save(dir.join("历史排名.xlsx"))
}

fn ymd(d: (u16, u8, u8)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

/// The day a unit's monthly report is dated (南阳街道 is late in September).
fn submitted_day(unit: &str, month: u8) -> u8 {
    match (unit, month) {
        ("南阳街道", 9) => 24,
        ("城关镇", _) => 20,
        _ => 21,
    }
}

/// Whether a unit sends a monthly report (北山镇 sends nothing in 2026-10).
fn sends_report(unit: &str, month: u8) -> bool {
    !(unit == "北山镇" && month == 10)
}

/// The finished date of procedure `qi` of project `pi`, or `None` while it is open.
fn procedure_finished(pi: usize, qi: usize, assigned: (u16, u8, u8)) -> Option<chrono::NaiveDate> {
    if (pi + qi).is_multiple_of(5) {
        return None;
    }
    let extra = ((pi * 7 + qi * 3) % 40) as i64;
    let (y, m, d) = assigned;
    Some(
        chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)).expect("date")
            + chrono::Duration::days(extra),
    )
}

/// The clean values encoded in the files (`samples/truth.json`), in the layout of the shared
/// samples' truth: tests compute the expected results from it, independently of the engine.
fn truth(out: &Path) {
    use serde_json::json;
    let projects: Vec<_> = PROJECTS
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let assigned = p.sign.or(p.land).expect("sign or land");
            let procs: Vec<_> = PROCEDURES
                .iter()
                .enumerate()
                .map(|(qi, (name, dept, limit))| {
                    json!({
                        "name": name, "dept": dept, "limit": limit, "assigned": ymd(assigned),
                        "finished": procedure_finished(pi, qi, assigned).map(|d| d.to_string()),
                    })
                })
                .collect();
            json!({
                "id": p.id, "name": p.name, "kind": p.kind, "industry": p.industry,
                "unit": p.unit, "total": p.total, "annual": p.annual,
                "sign": p.sign.map(ymd), "land": p.land.map(ymd),
                "planned_start": ymd(p.planned_start), "planned_done": ymd(p.planned_done),
                "start": p.start.map(ymd), "leader": p.leader, "procs": procs,
            })
        })
        .collect();
    let mut monthly = Vec::new();
    let mut submissions = Vec::new();
    for (mi, month) in [9u8, 10].into_iter().enumerate() {
        let m = format!("2026-{month:02}");
        for unit in UNITS.iter().filter(|u| sends_report(u, month)) {
            let day = submitted_day(unit, month);
            submissions
                .push(json!({"month": m, "unit": unit, "submitted": format!("{m}-{day:02}")}));
            for p in PROJECTS.iter().filter(|p| p.unit == *unit) {
                // 县经开区 writes 待定 for DH2026-010's start date in October: no date reported.
                let start = if p.id == "DH2026-010" && month == 10 {
                    None
                } else {
                    p.start.map(ymd)
                };
                let inc = if mi == 0 {
                    p.cum[0] * 0.1
                } else {
                    p.cum[1] - p.cum[0]
                };
                monthly.push(json!({
                    "month": m, "unit": unit, "project": p.id, "annual": p.annual,
                    "month_inc": (inc * 10.0).round() / 10.0,
                    "cum": p.cum[mi], "started": p.start.is_some(), "start": start,
                    "done": false, "done_date": null,
                }));
            }
        }
    }
    let history: Vec<_> = HISTORY
        .iter()
        .map(|(m, u, s, k)| json!({"month": m, "unit": u, "score": s, "rank": k}))
        .collect();
    let truth = json!({
        "units": UNITS, "projects": projects, "monthly": monthly,
        "submissions": submissions, "history": history,
    });
    let text = serde_json::to_string_pretty(&truth).expect("json") + "\n";
    std::fs::write(out.join("truth.json"), text).expect("write truth.json");
}

fn main() -> Result<(), XlsxError> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "samples".into()));
    for (mi, month) in [9u8, 10].into_iter().enumerate() {
        let dir = out.join(format!("2026-{month:02}"));
        std::fs::create_dir_all(&dir).expect("create month folder");
        ledger(&dir, month)?;
        procedures(&dir, month)?;
        signed(&dir, month)?;
        weekly(&dir, month)?;
        for unit in UNITS {
            if !sends_report(unit, month) {
                continue;
            }
            monthly(&dir, month, unit, mi)?;
        }
    }
    history(&out)?;
    truth(&out);
    post_eval(&out)?;
    weekly_holiday_week(&out.join("2026-10"))?;
    println!("已生成示例数据: {}", out.display());
    Ok(())
}

/// One row of the post-evaluation sample: (项目编号, 企业名称, 用地面积, 固定资产投资, 年产值,
/// 年增加值, 年税收, 综合能耗, 排放当量, 安全事故, 是否纳入统计, 从业人员, 研发经费); None = empty.
type PostEvalRow = (
    &'static str,
    &'static str,
    Option<f64>,
    f64,
    f64,
    f64,
    f64,
    Option<f64>,
    Option<f64>,
    i64,
    &'static str,
    Option<i64>,
    f64,
);

#[rustfmt::skip]
const POST_EVAL_ROWS: [PostEvalRow; 12] = [
    ("ZP2025-101", "城关精密机械有限公司", Some(60.0), 18000.0, 32000.0, 8200.0, 1450.0, Some(5200.0), Some(6.5), 0, "是", Some(320), 1100.0),
    ("ZP2025-102", "东湖食品有限公司", Some(45.0), 6200.0, 9800.0, 3800.0, 1000.0, Some(2600.0), Some(5.0), 0, "否", Some(210), 400.0),
    ("ZP2025-103", "经开区电子材料有限公司", Some(120.0), 52000.0, 88000.0, 21500.0, 3900.0, Some(30500.0), Some(4.2), 0, "是", Some(460), 4100.0),
    ("ZP2025-104", "南阳纺织有限公司", Some(80.0), 9000.0, 1500.0, 420.0, 38.0, Some(900.0), Some(18.0), 0, "否", Some(150), 12.0),
    ("ZP2025-105", "西岭建材有限公司", Some(0.0), 7400.0, 12600.0, 2900.0, 480.0, Some(8800.0), Some(22.5), 0, "否", Some(190), 60.0),
    ("ZP2025-106", "北山新能源有限公司", Some(70.0), 31000.0, 46000.0, 11800.0, 2200.0, None, Some(2.1), 0, "是", Some(260), 2300.0),
    ("ZP2025-107", "城关冷链物流有限公司", Some(50.0), 8800.0, 7600.0, 1900.0, 520.0, Some(1500.0), Some(3.3), 0, "否", Some(0), 40.0),
    ("ZP2025-108", "东湖化工有限公司", Some(90.0), 26000.0, 41000.0, 9800.0, 1800.0, Some(21000.0), Some(35.0), 2, "否", Some(280), 900.0),
    ("ZP2025-109", "经开区智能装备有限公司", Some(40.0), 15000.0, 27000.0, 7600.0, 1250.0, Some(2400.0), Some(1.8), 0, "是", Some(230), 1650.0),
    ("ZP2025-110", "南阳农产品加工有限公司", Some(100.0), 5200.0, 6100.0, 3600.0, 1000.0, Some(1900.0), Some(4.0), 0, "是", Some(340), 300.0),
    ("ZP2025-111", "西岭医药有限公司", Some(55.0), 21000.0, 36000.0, 10400.0, 2050.0, Some(4300.0), Some(5.0), 0, "否", Some(300), 2600.0),
    ("ZP2025-112", "北山包装材料有限公司", Some(35.0), 4100.0, 5200.0, 1150.0, 210.0, Some(1700.0), None, 0, "是", Some(120), 50.0),
];

/// `后评估/2026/后评估基础数据.xlsx` in the shared sample's layout (title, 评估机构 line, one
/// header row with units), with a zero land area, an empty energy figure, zero staff and a
/// safety accident; its clean values go to `truth-evaluate.json`.
fn post_eval(out: &Path) -> Result<(), XlsxError> {
    let rows = POST_EVAL_ROWS;
    let dir = out.join("后评估").join("2026");
    std::fs::create_dir_all(&dir).expect("create 后评估 folder");
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("后评估数据")?;
    title(ws, "竣工投产项目后评估基础数据表", 14)?;
    ws.merge_range(
        1,
        0,
        1,
        13,
        "评估机构：某第三方评估有限公司",
        &Format::new(),
    )?;
    header(
        ws,
        2,
        &[
            "序号",
            "项目编号",
            "企业名称",
            "用地面积（亩）",
            "固定资产投资（万元）",
            "年产值（万元）",
            "年增加值（万元）",
            "年税收（万元）",
            "综合能耗（吨标准煤）",
            "主要污染物排放当量（吨）",
            "安全生产事故（起）",
            "是否纳入统计（四上）",
            "从业人员（人）",
            "研发经费（万元）",
        ],
    )?;
    let mut truth = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_number(row, 0, (i + 1) as f64)?;
        ws.write_string(row, 1, r.0)?;
        ws.write_string(row, 2, r.1)?;
        let numbers = [
            (3, r.2),
            (4, Some(r.3)),
            (5, Some(r.4)),
            (6, Some(r.5)),
            (7, Some(r.6)),
            (8, r.7),
            (9, r.8),
            (10, Some(r.9 as f64)),
            (12, r.11.map(|n| n as f64)),
            (13, Some(r.12)),
        ];
        for (c, v) in numbers {
            if let Some(v) = v {
                ws.write_number(row, c, v)?;
            }
        }
        ws.write_string(row, 11, r.10)?;
        truth.push(serde_json::json!({
            "project_id": r.0, "company": r.1, "land_mu": r.2, "fixed_invest": r.3,
            "output": r.4, "value_added": r.5, "tax": r.6, "energy": r.7, "emissions": r.8,
            "accidents": r.9, "in_statistics": r.10 == "是", "staff": r.11, "rd_spend": r.12,
            "cell_row": row + 1,
        }));
    }
    wb.save(dir.join("后评估基础数据.xlsx"))?;
    let json = serde_json::to_string_pretty(&serde_json::json!({
        "file": "后评估/2026/后评估基础数据.xlsx",
        "sheet": "后评估数据",
        "rows": truth,
    }))
    .expect("json");
    std::fs::write(out.join("truth-evaluate.json"), json + "\n")
        .expect("write truth-evaluate.json");
    Ok(())
}

/// The week of 2026-10-05 (Tuesday 10-06 is a National Day holiday; reports are due on Thursday
/// 10-08): reports sent on the 8th, one late on the 9th, a problem solved, a new problem, and a
/// 无问题 line.
fn weekly_holiday_week(dir: &Path) -> Result<(), XlsxError> {
    std::fs::create_dir_all(dir.join("周报")).expect("create 周报");
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("问题清单")?;
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    title(ws, "重点项目需研究解决问题周报（10月8日）", 11)?;
    header(
        ws,
        1,
        &[
            "序号",
            "项目编号",
            "项目名称",
            "报送单位",
            "问题类别",
            "存在问题",
            "意见建议",
            "分管县领导",
            "首次提出日期",
            "报送日期",
            "办理状态",
        ],
    )?;
    type Row = (
        usize,
        &'static str,
        &'static str,
        &'static str,
        (u16, u8, u8),
        (u16, u8, u8),
        &'static str,
    );
    let rows: [Row; 5] = [
        (
            2,
            "用地",
            "用地指标未落实",
            "协调自然资源局调剂指标",
            (2026, 8, 25),
            (2026, 10, 8),
            "县领导协调中",
        ),
        (
            8,
            "手续",
            "环评审批滞后",
            "协调生态环境分局加快审批",
            (2026, 8, 25),
            (2026, 10, 8),
            "提交周例会",
        ),
        (
            4,
            "要素",
            "电力增容未到位",
            "协调供电公司",
            (2026, 9, 29),
            (2026, 10, 9),
            "县领导协调中",
        ),
        (
            0,
            "资金",
            "企业融资困难",
            "协调金融办对接银行",
            (2026, 9, 15),
            (2026, 10, 8),
            "已解决",
        ),
        (9, "", "无问题", "", (2026, 10, 8), (2026, 10, 8), ""),
    ];
    for (i, (pi, cat, problem, suggestion, first, reported, status)) in rows.iter().enumerate() {
        let p = &PROJECTS[*pi];
        let r = 2 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, p.id)?;
        ws.write_string(r, 2, p.name)?;
        ws.write_string(r, 3, p.unit)?;
        ws.write_string(r, 4, *cat)?;
        ws.write_string(r, 5, *problem)?;
        ws.write_string(r, 6, *suggestion)?;
        ws.write_string(r, 7, p.leader)?;
        ws.write_datetime_with_format(r, 8, date(*first), &datef)?;
        ws.write_datetime_with_format(r, 9, date(*reported), &datef)?;
        ws.write_string(r, 10, *status)?;
    }
    wb.save(dir.join("周报").join("2026-10-05周.xlsx"))
}
