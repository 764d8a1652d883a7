//! Writes one province-sized month (`<OUT>/2026-10`) for speed tests: `--units N` reporting
//! units, about five projects each in the ledger, about four procedures per project, a signed
//! list and one monthly report per unit under `月报/`, in the layouts of the bundled samples and
//! with their quirks (title and 填报 lines, two-row merged headers, a 说明 sheet first, a blank
//! row, 合计 and note rows, "3,500", "7640万元", full-width digits, dotted and Chinese dates, √).
//! Deliberate problems, each a warning of `sanyipi check`: about 0.5% of units send no report,
//! about 0.2% of start dates are "待定", about 0.3% of reports list a project not in the ledger.
//! About one report in forty is an `.ods` (written here as a minimal OpenDocument zip); no `.xls`
//! is produced (no BIFF writer is available from Rust).
//!
//! Run: `cargo run --release --example gen_scale -- --units 2000 [--seed N] OUT`.
//! Deterministic: the same units and seed give the same files, byte for byte.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The month written (the assessment month of the bundled samples).
const MONTH: u32 = 10;

/// splitmix64: a tiny deterministic generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "青", "白", "黄", "红", "石", "金", "银", "东", "西", "南", "北", "上", "下", "大", "小", "新",
    "老", "长", "高", "平", "安", "永", "太", "龙", "凤", "马", "牛", "羊", "柳", "杨", "桃", "李",
    "梅", "松", "竹", "花", "清", "明", "双", "三", "五", "七", "九", "万", "丰", "富", "宁", "和",
    "兴", "盛",
];
const SECOND: &[&str] = &[
    "山", "河", "水", "湖", "林", "庄", "店", "桥", "集", "坪", "岭", "寨", "沟", "口", "营", "屯",
    "湾", "坡", "岗", "寺", "堡", "台", "塘", "园", "泉", "洲", "阳", "城", "峪", "溪", "滩", "埠",
    "铺", "垣", "陂", "冈", "湘", "源", "川", "原", "田", "甸", "村", "浦", "渡", "关", "里", "坊",
    "墩", "岩",
];
const SUFFIX: &[&str] = &["镇", "镇", "镇", "乡", "街道"];

const TEMPLATES: &[(&str, &str, &str)] = &[
    ("新能源电池材料", "重大招商项目", "二产"),
    ("供热管网改造", "重大建设项目", "三产"),
    ("生态渔业养殖", "重大招商项目", "一产"),
    ("年产3万吨饲料", "重大招商项目", "二产"),
    ("山地光伏电站", "重大建设项目", "二产"),
    ("农产品冷链仓储", "重大招商项目", "三产"),
    ("智慧物流园", "重大招商项目", "三产"),
    ("老旧小区改造", "重大建设项目", "三产"),
    ("中药饮片加工", "重大招商项目", "二产"),
    ("精密模具制造", "重大招商项目", "二产"),
    ("汽车零部件产业园", "重大招商项目", "二产"),
    ("高标准农田建设", "重大建设项目", "一产"),
    ("污水处理厂提标改造", "重大建设项目", "三产"),
    ("电子信息产业园", "重大招商项目", "二产"),
    ("乡村振兴示范区", "重大建设项目", "一产"),
    ("纺织服装产业园", "重大招商项目", "二产"),
    ("文旅康养综合体", "重大招商项目", "三产"),
    ("农村公路提升", "重大建设项目", "三产"),
    ("食品加工产业园", "重大招商项目", "二产"),
    ("标准化厂房", "重大建设项目", "二产"),
    ("中医院综合楼", "重大建设项目", "三产"),
    ("职业教育实训基地", "重大建设项目", "三产"),
    ("风力发电", "重大招商项目", "二产"),
    ("食用菌种植基地", "重大招商项目", "一产"),
    ("新型建材", "重大招商项目", "二产"),
    ("商贸物流中心", "重大招商项目", "三产"),
    ("水系连通治理", "重大建设项目", "三产"),
    ("生物医药", "重大招商项目", "二产"),
    ("智能装备制造", "重大招商项目", "二产"),
    ("城市更新片区", "重大建设项目", "三产"),
];

const PROCEDURES: &[(&str, &str, u32)] = &[
    ("企业投资项目备案", "发改委", 3),
    ("建设用地规划许可证", "自然资源局", 10),
    ("环境影响评价", "生态环境局", 30),
    ("建筑工程施工许可证", "住建局", 7),
    ("节能审查", "发改委", 15),
    ("建设工程规划许可证", "自然资源局", 10),
];

const LEADERS: &[&str] = &[
    "王明", "李华", "赵强", "刘洋", "陈静", "杨帆", "周涛", "吴军",
];

/// How a unit writes its figures in the monthly report.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Numbers,
    Thousands,
    WanSuffix,
    FullWidth,
}

struct Unit {
    name: String,
    style: Style,
    two_rows: bool,
    note_sheet: bool,
    blank_row: bool,
    total_row: bool,
    ods: bool,
    sends: bool,
    submitted: u32,
    date_style: u8,
}

struct Project {
    id: String,
    name: String,
    kind: &'static str,
    industry: &'static str,
    unit: usize,
    total: f64,
    annual: f64,
    sign: Option<NaiveDate>,
    land: Option<NaiveDate>,
    planned_start: NaiveDate,
    planned_done: NaiveDate,
    start: Option<NaiveDate>,
    leader: &'static str,
    cum: f64,
    inc: f64,
}

struct Procedure {
    project: usize,
    name: &'static str,
    dept: &'static str,
    limit: u32,
    assigned: NaiveDate,
    finished: Option<NaiveDate>,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn units(n: usize, rng: &mut Rng) -> Vec<Unit> {
    let mut names: Vec<String> = Vec::with_capacity(FIRST.len() * SECOND.len() * 2);
    for a in FIRST {
        for b in SECOND {
            names.push(format!("{a}{b}"));
        }
    }
    // Fisher–Yates, then a suffix; beyond 2,500 units the stems repeat with another suffix.
    for i in (1..names.len()).rev() {
        names.swap(i, rng.below(i as u64 + 1) as usize);
    }
    (0..n)
        .map(|i| {
            let stem = &names[i % names.len()];
            let suffix = if i < names.len() {
                rng.pick(SUFFIX)
            } else {
                SUFFIX[(i / names.len()) % SUFFIX.len()]
            };
            let style = match rng.below(10) {
                0 => Style::Thousands,
                1 => Style::WanSuffix,
                2 => Style::FullWidth,
                _ => Style::Numbers,
            };
            Unit {
                name: format!("{stem}{suffix}"),
                style,
                two_rows: rng.chance(0.15),
                note_sheet: rng.chance(0.1),
                blank_row: rng.chance(0.1),
                total_row: rng.chance(0.2),
                ods: rng.chance(0.025),
                sends: !rng.chance(0.005),
                submitted: if rng.chance(0.05) {
                    24
                } else {
                    18 + rng.below(4) as u32
                },
                date_style: rng.below(4) as u8,
            }
        })
        .collect()
}

fn projects(units: &[Unit], rng: &mut Rng) -> Vec<Project> {
    let mut out = Vec::new();
    for (ui, unit) in units.iter().enumerate() {
        let count = 3 + rng.below(5) as usize; // 3..=7, mean 5
        let first = rng.below(TEMPLATES.len() as u64) as usize;
        for k in 0..count {
            let (what, kind, industry) = TEMPLATES[(first + k * 7) % TEMPLATES.len()];
            let annual = (5 + rng.below(300)) as f64 * 100.0;
            let total = annual * (1 + rng.below(4)) as f64;
            let signed_on = day(2025, 10, 1) + chrono::Duration::days(rng.below(330) as i64);
            let planned_start = signed_on + chrono::Duration::days(20 + rng.below(45) as i64);
            let planned_done = planned_start + chrono::Duration::days(180 + rng.below(500) as i64);
            let start = (planned_start < day(2026, 10, 1) && rng.chance(0.96))
                .then(|| planned_start + chrono::Duration::days(rng.below(20) as i64 - 10));
            let cum = if start.is_some() {
                (annual * (20 + rng.below(70)) as f64 / 100.0 * 10.0).round() / 10.0
            } else {
                0.0
            };
            let inc = (cum * rng.below(20) as f64 / 100.0 * 10.0).round() / 10.0;
            let invest = kind == "重大招商项目";
            out.push(Project {
                id: format!("SJ2026-{:05}", out.len() + 1),
                name: format!("{}{what}项目", unit.name),
                kind,
                industry,
                unit: ui,
                total,
                annual,
                sign: invest.then_some(signed_on),
                land: (!invest).then_some(signed_on),
                planned_start,
                planned_done,
                start,
                leader: rng.pick(LEADERS),
                cum,
                inc,
            });
        }
    }
    out
}

fn procedures(projects: &[Project], rng: &mut Rng) -> Vec<Procedure> {
    let cutoff = day(2026, 10, 20);
    let mut out = Vec::new();
    for (pi, p) in projects.iter().enumerate() {
        let count = 3 + rng.below(3) as usize; // 3..=5, mean 4
        let first = rng.below(PROCEDURES.len() as u64) as usize;
        let assigned = p.sign.or(p.land).expect("sign or land");
        for k in 0..count {
            let (name, dept, limit) = PROCEDURES[(first + k) % PROCEDURES.len()];
            let done =
                assigned + chrono::Duration::days(1 + rng.below(u64::from(limit) + 5) as i64);
            // Mostly finished in time; a few stay open past their limit.
            let finished = (!rng.chance(0.03) && done <= cutoff).then_some(done);
            out.push(Procedure {
                project: pi,
                name,
                dept,
                limit,
                assigned,
                finished,
            });
        }
    }
    out
}

fn xdate(d: NaiveDate) -> ExcelDateTime {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).expect("date")
}

fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).expect("date");
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("sanyipi 规模测试数据"),
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
    let f = Format::new().set_bold();
    for (c, l) in labels.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *l, &f)?;
    }
    Ok(())
}

fn write_ledger(dir: &Path, units: &[Unit], projects: &[Project]) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("台账")?;
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    title(ws, "2026年拟开工重大项目管理台账（截至10月）", 14)?;
    ws.write_string(1, 0, "编制单位：省重点项目办    编制日期：2026年10月3日")?;
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
    for (i, p) in projects.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, &p.id)?;
        ws.write_string(r, 2, &p.name)?;
        ws.write_string(r, 3, p.kind)?;
        ws.write_string(r, 4, p.industry)?;
        ws.write_number(r, 5, p.total)?;
        ws.write_number(r, 6, p.annual)?;
        if let Some(d) = p.sign {
            ws.write_datetime_with_format(r, 7, xdate(d), &datef)?;
        }
        if let Some(d) = p.land {
            ws.write_datetime_with_format(r, 8, xdate(d), &datef)?;
        }
        ws.write_datetime_with_format(r, 9, xdate(p.planned_start), &datef)?;
        ws.write_datetime_with_format(r, 10, xdate(p.planned_done), &datef)?;
        ws.write_string(r, 11, p.leader)?;
        ws.write_string(r, 12, &units[p.unit].name)?;
        ws.write_string(r, 13, &units[p.unit].name)?;
    }
    let r = 4 + projects.len() as u32;
    ws.write_string(r, 0, "合计")?;
    ws.write_number(r, 5, projects.iter().map(|p| p.total).sum::<f64>())?;
    ws.write_number(r, 6, projects.iter().map(|p| p.annual).sum::<f64>())?;
    ws.write_string(
        r + 2,
        0,
        "备注：项目类型分重大招商项目、重大建设项目；金额单位为万元。",
    )?;
    wb.save(dir.join("重大项目管理台账.xlsx"))
}

fn write_procedures(
    dir: &Path,
    projects: &[Project],
    procs: &[Procedure],
) -> Result<(), XlsxError> {
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
    for (i, q) in procs.iter().enumerate() {
        let r = 2 + i as u32;
        let p = &projects[q.project];
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, &p.id)?;
        ws.write_string(r, 2, &p.name)?;
        ws.write_string(r, 3, q.name)?;
        ws.write_string(r, 4, q.dept)?;
        ws.write_datetime_with_format(r, 5, xdate(q.assigned), &datef)?;
        ws.write_number(r, 6, f64::from(q.limit))?;
        match q.finished {
            Some(d) => {
                ws.write_datetime_with_format(r, 7, xdate(d), &datef)?;
                ws.write_string(r, 8, "已办结")?;
            }
            None => {
                ws.write_string(r, 8, "办理中")?;
            }
        }
    }
    wb.save(dir.join("前期手续办理清单.xlsx"))
}

fn write_signed(dir: &Path, units: &[Unit], rng: &mut Rng) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let ws = wb.add_worksheet().set_name("签约项目")?;
    title(ws, "2026年9月份签约项目情况表", 8)?;
    ws.write_string(1, 0, "报送单位：省招商服务中心    报送日期：2026年10月1日")?;
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
    let rows = units.len().div_ceil(10);
    for i in 0..rows {
        let r = 3 + i as u32;
        let unit = &units[rng.below(units.len() as u64) as usize].name;
        let (what, _, industry) = rng.pick(TEMPLATES);
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, format!("{unit}{what}二期项目"))?;
        ws.write_string(r, 2, format!("主要建设{what}生产线及配套设施"))?;
        ws.write_number(r, 3, (1 + rng.below(50)) as f64 / 10.0)?;
        ws.write_string(r, 4, format!("2026年9月{}日", 1 + rng.below(30)))?;
        ws.write_string(r, 5, unit)?;
        ws.write_string(r, 6, unit)?;
        ws.write_string(r, 7, industry)?;
    }
    wb.save(dir.join("签约项目.xlsx"))
}

/// One cell of a monthly report, written the same way to xlsx and ods.
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

/// A monthly report as a grid: (sheet name, rows), plus the merged ranges of its first sheet.
struct Sheets {
    sheets: Vec<(&'static str, Vec<Vec<Cell>>)>,
    merges: Vec<(u32, u16, u32, u16)>,
}

const MONTHLY_HEADER: [&str; 12] = [
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
];

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn monthly_sheets(unit: &Unit, projects: &[&Project], rng: &mut Rng) -> Sheets {
    let mut sheets = Vec::new();
    if unit.note_sheet {
        sheets.push((
            "说明",
            vec![vec![text(
                "填表说明：1.金额单位为万元；2.本表于每月22日前报省重点项目办。",
            )]],
        ));
    }
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![text("重点项目推进情况月报表（2026年10月）")],
        vec![text(format!(
            "填报单位（盖章）：{}    填报人：张三    填报日期：2026年{MONTH}月{}日",
            unit.name, unit.submitted
        ))],
    ];
    let mut merges = vec![(0, 0, 0, 11)];
    if unit.two_rows {
        let mut top: Vec<Cell> = MONTHLY_HEADER[..3].iter().map(|s| text(*s)).collect();
        top.extend([text("投资情况（万元）"), Cell::Empty, Cell::Empty]);
        top.extend([text("建设进度"), Cell::Empty, Cell::Empty, Cell::Empty]);
        top.extend([text("形象进度"), text("存在问题")]);
        let mut second: Vec<Cell> = (0..3).map(|_| Cell::Empty).collect();
        second.extend(
            [
                "年度计划",
                "本月完成",
                "累计完成",
                "是否开工",
                "实际开工日期",
                "是否竣工",
                "竣工日期",
            ]
            .map(text),
        );
        rows.push(top);
        rows.push(second);
        merges.push((2, 3, 2, 5));
        merges.push((2, 6, 2, 9));
    } else {
        rows.push(MONTHLY_HEADER.iter().map(|s| text(*s)).collect());
    }
    for (i, p) in projects.iter().enumerate() {
        rows.push(monthly_row(unit, i, p, rng));
        if unit.blank_row && i == 0 {
            rows.push(Vec::new());
        }
    }
    if rng.chance(0.003) {
        // A project that is not in the ledger: reported, not scored (a deliberate warning).
        rows.push(vec![
            Cell::Number((projects.len() + 1) as f64),
            Cell::Empty,
            text(format!("{}城东商业综合体项目", unit.name)),
            text("5,000"),
            Cell::Empty,
            text("0"),
            text("否"),
        ]);
    }
    if unit.total_row {
        rows.push(vec![
            text("合计"),
            Cell::Empty,
            text(format!("共{}个项目", projects.len())),
        ]);
    }
    rows.push(Vec::new());
    rows.push(vec![text("备注：本表数据经乡镇（街道）主要负责人审核。")]);
    sheets.push(("月报", rows));
    Sheets { sheets, merges }
}

fn monthly_row(unit: &Unit, i: usize, p: &Project, rng: &mut Rng) -> Vec<Cell> {
    let mut row = vec![Cell::Number((i + 1) as f64)];
    let id = if unit.style == Style::FullWidth {
        Cell::Empty
    } else {
        text(&p.id)
    };
    row.push(id);
    row.push(match unit.style {
        Style::FullWidth => text(format!(" {}\u{3000}", p.name)),
        _ => text(&p.name),
    });
    for v in [p.annual, p.inc, p.cum] {
        row.push(match unit.style {
            Style::Numbers => Cell::Number(v),
            Style::Thousands => text(thousands(v)),
            Style::WanSuffix => text(format!("{v}万元")),
            Style::FullWidth => text(fullwidth(&format!("{v}"))),
        });
    }
    match p.start {
        Some(d) => {
            row.push(text(if unit.style == Style::WanSuffix {
                "√"
            } else {
                "是"
            }));
            // Rarely the start date is "待定" (a deliberate warning).
            row.push(match unit.date_style {
                _ if rng.chance(0.002) => text("待定"),
                0 => text(format!("{}.{}.{}", d.year(), d.month(), d.day())),
                1 => text(format!("{}年{}月{}日", d.year(), d.month(), d.day())),
                _ => Cell::Date(d),
            });
        }
        None => {
            row.push(text(if unit.date_style == 1 {
                "未开工"
            } else {
                "否"
            }));
            row.push(Cell::Empty);
        }
    }
    row.push(text("否"));
    row.push(Cell::Empty);
    row.push(text(if p.start.is_some() {
        "主体施工"
    } else {
        "前期手续办理中"
    }));
    row.push(if rng.chance(0.1) {
        text("用地指标未落实")
    } else {
        Cell::Empty
    });
    row
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

fn save_xlsx(path: &Path, s: &Sheets) -> Result<(), XlsxError> {
    let mut wb = workbook();
    let datef = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    for (name, rows) in &s.sheets {
        let ws = wb.add_worksheet().set_name(*name)?;
        let main = *name == "月报";
        if main {
            for &(r1, c1, r2, c2) in &s.merges {
                let label = match &rows[r1 as usize][c1 as usize] {
                    Cell::Text(t) => t.clone(),
                    _ => String::new(),
                };
                ws.merge_range(r1, c1, r2, c2, &label, &bold)?;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if main && s.merges.iter().any(|m| m.0 == r && m.1 == c) {
                    continue;
                }
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        ws.write_string(r, c, t)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c, *n)?;
                    }
                    Cell::Date(d) => {
                        ws.write_datetime_with_format(r, c, xdate(*d), &datef)?;
                    }
                }
            }
        }
    }
    wb.save(path)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A minimal OpenDocument spreadsheet: `mimetype` (stored, first), the manifest and
/// `content.xml` (no styles; merges are not written).
fn save_ods(path: &Path, s: &Sheets) -> std::io::Result<()> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in &s.sheets {
        content.push_str(&format!(r#"<table:table table:name="{name}">"#));
        for row in rows {
            content.push_str("<table:table-row>");
            if row.is_empty() {
                content.push_str("<table:table-cell/>");
            }
            for cell in row {
                content.push_str(&match cell {
                    Cell::Empty => "<table:table-cell/>".to_string(),
                    Cell::Text(t) => format!(
                        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                        xml_escape(t)
                    ),
                    Cell::Number(n) => format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    ),
                    Cell::Date(d) => format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{d}"><text:p>{d}</text:p></table:table-cell>"#
                    ),
                });
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let file = std::fs::File::create(path)?;
    let mut zip = zip::ZipWriter::new(file);
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::DEFAULT);
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(manifest.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content.as_bytes())?;
    zip.finish()?;
    Ok(())
}

struct Args {
    units: usize,
    seed: u64,
    out: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        units: 2000,
        seed: 2026,
        out: PathBuf::from("scale"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--units" => a.units = it.next().and_then(|v| v.parse().ok()).expect("--units N"),
            "--seed" => a.seed = it.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            _ => a.out = PathBuf::from(arg),
        }
    }
    a
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args();
    let s = generate(a.units, a.seed, &a.out)?;
    println!(
        "已生成 {}：{} 个单位，{} 个项目，{} 条前期手续，{} 个文件",
        s.dir.display(),
        s.units,
        s.projects,
        s.procedures,
        s.files
    );
    Ok(())
}

/// What [`generate`] wrote.
pub struct Summary {
    pub dir: PathBuf,
    pub units: usize,
    pub projects: usize,
    pub procedures: usize,
    pub files: usize,
}

/// Writes `<out>/2026-10` for `units` units from `seed` (replacing an older one); also used by
/// `benches/scale.rs`.
pub fn generate(
    units: usize,
    seed: u64,
    out: &Path,
) -> Result<Summary, Box<dyn std::error::Error>> {
    let mut rng = Rng(seed);
    let units = self::units(units, &mut rng);
    let projects = projects(&units, &mut rng);
    let procs = procedures(&projects, &mut rng);
    let dir = out.join(format!("2026-{MONTH:02}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(dir.join("月报"))?;
    write_ledger(&dir, &units, &projects)?;
    write_procedures(&dir, &projects, &procs)?;
    write_signed(&dir, &units, &mut rng)?;
    let mut by_unit: Vec<Vec<&Project>> = (0..units.len()).map(|_| Vec::new()).collect();
    for p in &projects {
        by_unit[p.unit].push(p);
    }
    let mut files = 3;
    for (unit, own) in units.iter().zip(&by_unit) {
        if !unit.sends {
            continue;
        }
        let sheets = monthly_sheets(unit, own, &mut rng);
        if unit.ods {
            save_ods(
                &dir.join("月报").join(format!("{}.ods", unit.name)),
                &sheets,
            )?;
        } else {
            save_xlsx(
                &dir.join("月报").join(format!("{}.xlsx", unit.name)),
                &sheets,
            )?;
        }
        files += 1;
    }
    Ok(Summary {
        dir,
        units: units.len(),
        projects: projects.len(),
        procedures: procs.len(),
        files,
    })
}
