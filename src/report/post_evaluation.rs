//! Outputs of `evaluate`: the post-evaluation workbook (results with last year's class, class
//! counts, benchmarks, 应统未统, 待核实) and the HTML page with a class chart.

use super::pages::{TemplateError, Templates};
use super::sheet::{Cell, SheetSpec, book, grouped, text};
use crate::engine::post_evaluation::{Evaluated, Status};
use crate::rules::Rules;
use chrono::NaiveDate;
use minijinja::context;
use minijinja::value::Serde;

/// `2026年度竣工投产项目后评估结果`.
pub(crate) fn title(ev: &Evaluated) -> String {
    format!("{}年度竣工投产项目后评估结果", ev.year)
}

fn opt_num(v: Option<f64>) -> Cell {
    v.map(Cell::Num).unwrap_or(Cell::Empty)
}

fn results_sheet(ev: &Evaluated, rules: &Rules) -> SheetSpec {
    let e = &rules.post_evaluation;
    let mut headers: Vec<String> = ["序号", "项目编号", "企业名称"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for ind in &e.indicators {
        let group = format!("{}（{}）", ind.name, ind.unit);
        headers.push(grouped(&group, "值"));
        headers.push(grouped(&group, "得分"));
    }
    headers.extend(
        ["综合得分", "等级", "上年等级", "原因说明"]
            .iter()
            .map(|s| s.to_string()),
    );
    let rows = ev
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![Cell::Int(i as i64 + 1), text(&p.id), text(&p.name)];
            for ind in &p.indicators {
                row.push(opt_num(ind.value));
                row.push(opt_num(ind.points));
            }
            row.push(opt_num(p.score));
            row.push(text(&p.class));
            row.push(p.last_class.as_deref().map(text).unwrap_or(Cell::Empty));
            row.push(text(p.reasons.join("\n")));
            row
        })
        .collect();
    SheetSpec {
        name: "后评估结果".into(),
        title: title(ev),
        headers,
        red: ev
            .projects
            .iter()
            .map(|p| p.status == Status::Vetoed || p.status == Status::Verify)
            .collect(),
        rows,
    }
}

fn counts_sheet(ev: &Evaluated) -> SheetSpec {
    let total: usize = ev.counts.iter().map(|(_, n)| n).sum();
    let mut rows: Vec<Vec<Cell>> = ev
        .counts
        .iter()
        .map(|(c, n)| vec![text(c), Cell::Int(*n as i64)])
        .collect();
    rows.push(vec![text("合计"), Cell::Int(total as i64)]);
    SheetSpec {
        name: "等级统计".into(),
        title: format!("{}年度后评估等级统计", ev.year),
        headers: vec!["等级".into(), "项目数".into()],
        red: vec![false; rows.len()],
        rows,
    }
}

fn benchmarks_sheet(ev: &Evaluated) -> SheetSpec {
    let rows: Vec<Vec<Cell>> = ev
        .benchmarks
        .iter()
        .map(|b| {
            vec![
                text(&b.name),
                text(&b.unit),
                Cell::Num(b.weight),
                opt_num(b.value),
                text(if b.mean {
                    format!("参评项目平均值（{} 个）", b.over)
                } else {
                    "固定值".to_string()
                }),
                Cell::Num(b.cap),
            ]
        })
        .collect();
    SheetSpec {
        name: "评价基准".into(),
        title: format!("{}年度后评估指标及基准值", ev.year),
        headers: ["指标", "单位", "权重", "基准值", "基准来源", "封顶倍数"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        red: vec![false; rows.len()],
        rows,
    }
}

fn output_label(rules: &Rules) -> String {
    let s = &rules.post_evaluation.statistics;
    rules
        .table(&rules.post_evaluation.setup.table)
        .and_then(|t| t.field(&s.field))
        .map(|f| f.label.clone())
        .unwrap_or_else(|| s.field.clone())
}

fn statistics_sheet(ev: &Evaluated, rules: &Rules) -> SheetSpec {
    let s = &rules.post_evaluation.statistics;
    let output = output_label(rules);
    let rows: Vec<Vec<Cell>> = ev
        .statistics
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::Int(i as i64 + 1),
                text(&r.id),
                text(&r.name),
                opt_num(r.output),
                text(&r.source),
            ]
        })
        .collect();
    SheetSpec {
        name: s.name.clone(),
        title: format!(
            "{}年度{}企业名单（{}达到 {} 万元、未纳入统计）",
            ev.year,
            s.name,
            output,
            crate::ingest::value::format_number(s.threshold)
        ),
        headers: vec![
            "序号".into(),
            "项目编号".into(),
            "企业名称".into(),
            format!("{output}（万元）"),
            "数据来源".into(),
        ],
        red: vec![false; rows.len()],
        rows,
    }
}

fn verify_sheet(ev: &Evaluated, rules: &Rules) -> SheetSpec {
    let mut rows = Vec::new();
    for p in &ev.projects {
        for v in &p.verify {
            rows.push(vec![
                text(&p.id),
                text(&p.name),
                text(&v.label),
                text(&v.problem),
                text(&v.cell),
                text(v.affects.join("、")),
            ]);
        }
    }
    SheetSpec {
        name: rules.post_evaluation.setup.verify.clone(),
        title: format!(
            "{}年度后评估{}数据",
            ev.year, rules.post_evaluation.setup.verify
        ),
        headers: ["项目编号", "企业名称", "字段", "问题", "单元格", "影响"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        red: vec![false; rows.len()],
        rows,
    }
}

fn problems_sheet(ev: &Evaluated) -> SheetSpec {
    let rows: Vec<Vec<Cell>> = ev
        .diagnostics
        .iter()
        .map(|d| {
            let l = &d.location;
            let at = [Some(&l.file), l.sheet.as_ref(), l.cell.as_ref()]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join("!");
            vec![
                text(d.severity.label()),
                text(d.code.as_str()),
                text(at),
                text(&d.message),
                text(d.hint.clone().unwrap_or_default()),
            ]
        })
        .collect();
    SheetSpec {
        name: "问题数据".into(),
        title: format!("{}年度后评估基础数据问题", ev.year),
        headers: ["级别", "代码", "位置", "问题", "提示"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        red: ev
            .diagnostics
            .iter()
            .map(|d| d.severity == crate::diagnostic::Severity::Error)
            .collect(),
        rows,
    }
}

pub(crate) fn workbook(
    ev: &Evaluated,
    rules: &Rules,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let dated = NaiveDate::from_ymd_opt(ev.year, 12, 31).unwrap_or_default();
    book(
        &title(ev),
        &format!("评价年度：{}年", ev.year),
        dated,
        vec![
            results_sheet(ev, rules),
            counts_sheet(ev),
            benchmarks_sheet(ev),
            statistics_sheet(ev, rules),
            verify_sheet(ev, rules),
            problems_sheet(ev),
        ],
        "本年度无",
    )
}

pub(crate) fn html(
    ev: &Evaluated,
    rules: &Rules,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let e = &rules.post_evaluation;
    let max = ev.counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let ctx = context! {
        title => title(ev),
        year => ev.year,
        projects => Serde(&ev.projects),
        indicators => e.indicators.iter().map(|i| context! {
            name => i.name.clone(), unit => i.unit.clone(),
        }).collect::<Vec<_>>(),
        benchmarks => Serde(&ev.benchmarks),
        counts => ev.counts.iter().map(|(c, n)| context! {
            class => c.clone(), count => *n, width => (*n as f64) * 400.0 / max as f64,
        }).collect::<Vec<_>>(),
        statistics => Serde(&ev.statistics),
        statistics_name => e.statistics.name.clone(),
        output_label => output_label(rules),
        threshold => crate::ingest::value::format_number(e.statistics.threshold),
        verify_label => e.setup.verify.clone(),
        rules_file => e.file.clone(),
        method => match e.grading.method {
            crate::rules::post_evaluation::Method::Bands => "bands",
            crate::rules::post_evaluation::Method::Percentiles => "percentiles",
        },
    };
    templates.render("evaluate.html", ctx)
}
