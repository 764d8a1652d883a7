//! The month's ranking workbook (月度考核排名): units, projects, deadlines by subject, the extra
//! sheets (notices), data problems and the reconciliation of reports.

use super::month_label;
use super::sheet::{Cell, SheetSpec, book, date, grouped, opt_text, text};
use crate::engine::Status;
use crate::engine::assess::Assessment;
use crate::rules::{Rules, Subject};
use rayon::prelude::*;
use rust_xlsxwriter::XlsxError;

/// Builds the ranking workbook of `a` (with `extra` sheets before the data sheets).
pub fn workbook(
    a: &Assessment,
    rules: &Rules,
    extra: Vec<SheetSpec>,
) -> Result<Vec<u8>, XlsxError> {
    let subtitle = format!(
        "考核月份：{}    统计截止：{}",
        month_label(a),
        a.as_of.format("%Y年%-m月%-d日")
    );
    // The sheets' rows are gathered on every core, in the workbook's order; `extra` goes
    // before the last two, the data sheets.
    type Build<'a> = Box<dyn Fn() -> SheetSpec + Send + Sync + 'a>;
    let builds: Vec<Build> = vec![
        Box::new(|| units(a, rules)),
        Box::new(|| projects(a, rules)),
        Box::new(|| super::stages_sheet::stages(a, rules)),
        Box::new(|| super::outlook_sheet::outlook(a)),
        Box::new(|| deadline_sheet(a, rules, "开工时限", Subject::Project)),
        Box::new(|| deadline_sheet(a, rules, "前期手续", Subject::Procedure)),
        Box::new(|| deadline_sheet(a, rules, "报送情况", Subject::Submission)),
        Box::new(|| problems(a)),
        Box::new(|| reconciliation(a, rules)),
    ];
    let mut specs: Vec<SheetSpec> = builds.par_iter().map(|b| b()).collect();
    let data = specs.split_off(specs.len() - 2);
    specs.extend(extra);
    specs.extend(data);
    book(
        &format!("{}重点项目考核排名", month_label(a)),
        &subtitle,
        a.as_of,
        specs,
        "本月无",
    )
}

fn units(a: &Assessment, rules: &Rules) -> SheetSpec {
    let n = rules.scoring.score.bottom_n;
    let rows: Vec<Vec<Cell>> = a
        .units
        .iter()
        .map(|u| {
            let mut row = vec![
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
                text(crate::engine::evidence::joined(&u.evidence)),
            ];
            let counts = a.unit_lights.iter().find(|l| l.unit == u.unit);
            row.extend(rules.lights.lights.iter().map(|l| {
                counts
                    .and_then(|c| c.counts.iter().find(|c| c.light == l.id))
                    .map(|c| Cell::Int(c.count as i64))
                    .unwrap_or(Cell::Int(0))
            }));
            row
        })
        .collect();
    let mut headers: Vec<String> = [
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
    .collect();
    headers.extend(rules.lights.lights.iter().map(|l| l.label.clone()));
    SheetSpec {
        name: "单位排名".into(),
        title: format!("{}重点项目考核单位排名", month_label(a)),
        headers,
        red: a.units.iter().map(|u| u.bottom).collect(),
        rows,
    }
}

fn projects(a: &Assessment, rules: &Rules) -> SheetSpec {
    let mut headers: Vec<String> = ["项目编号", "预警灯", "项目名称", "责任单位"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    headers.extend(
        rules
            .scoring
            .parts
            .iter()
            .map(|p| grouped("得分", &format!("{}（{}分）", p.name, p.points))),
    );
    headers.push(grouped("得分", "总分"));
    headers.extend(
        ["年度计划", "累计完成"]
            .iter()
            .map(|s| grouped("投资（万元）", s)),
    );
    headers.extend(
        ["开工情况", "报送情况", "前期手续（按时/总数）", "说明"]
            .iter()
            .map(|s| s.to_string()),
    );
    let rows = a
        .projects
        .iter()
        .zip(&a.lights)
        .map(|(p, l)| {
            let rgb = rules.lights.light(&l.light).map_or(0xFFFFFF, |x| x.rgb);
            let light = Cell::Fill(format!("{}\n{}", l.label, l.reasons.join("\n")), rgb);
            let mut row = vec![text(&p.id), light, text(&p.name), text(&p.unit)];
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
    let mut rows = crate::engine::deadlines::of_subject(&a.deadlines, rules, subject);
    if subject == Subject::Submission {
        // An overdue 整改反馈 is a submission missed.
        rows.extend(crate::engine::deadlines::task_findings(&a.deadlines, rules));
    }
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
                    text(remark(d)),
                ]
            })
            .collect(),
    }
}

/// The 备注 of a deadline row: why (a finding of the 督办 loop), and whether it is provisional.
fn remark(d: &crate::engine::deadlines::DeadlineRow) -> String {
    let provisional = (!d.missing_years.is_empty()).then(|| {
        format!(
            "暂定：缺少{}年节假日安排",
            d.missing_years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、")
        )
    });
    [d.reason.clone(), provisional]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("；")
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
                Cell::Int(f.rows.totals() as i64),
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
