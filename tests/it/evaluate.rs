//! `sanyipi evaluate` (后评估, 亩均效益) end to end on the project's own sample
//! (`samples/后评估/2026/`, clean values in `samples/truth-evaluate.json`): scores, classes and the
//! 应统未统 list against an independent computation here; the workbook read back cell by cell; the
//! HTML page snapshot; benchmarks, classes and exemptions switched by editing the TOML alone.

mod by_rules;
mod inputs;

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value as J;
use std::path::{Path, PathBuf};

const WEIGHTS: [f64; 6] = [30.0, 20.0, 20.0, 10.0, 10.0, 10.0];
const CAP: f64 = 1.5;

/// The indicators over a clean row: value, or None when a figure is empty or a divisor 0.
fn indicators(r: &J) -> [Option<f64>; 6] {
    let n = |k: &str| r[k].as_f64();
    let ratio = |a: &str, b: &str, k: f64| match (n(a), n(b)) {
        (Some(x), Some(y)) if y != 0.0 => Some(x / y * k),
        _ => None,
    };
    [
        ratio("tax", "land_mu", 1.0),
        ratio("value_added", "land_mu", 1.0),
        ratio("value_added", "energy", 1.0),
        ratio("value_added", "emissions", 1.0),
        ratio("value_added", "staff", 1.0),
        ratio("rd_spend", "output", 100.0),
    ]
}

/// How the rules were set for a run.
#[derive(Clone, Copy)]
struct Setup {
    fixed: Option<[f64; 6]>,
    percentiles: bool,
}

const SHIPPED: Setup = Setup {
    fixed: None,
    percentiles: false,
};

#[derive(Debug, PartialEq)]
struct Expected {
    id: String,
    score: Option<f64>,
    class: String,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores and classes as the issue defines them, computed here from the clean values.
fn expected(rows: &[J], setup: Setup) -> Vec<Expected> {
    let values: Vec<[Option<f64>; 6]> = rows.iter().map(indicators).collect();
    let bench: Vec<f64> = (0..6)
        .map(|i| match setup.fixed {
            Some(f) => f[i],
            None => {
                let v: Vec<f64> = values.iter().filter_map(|x| x[i]).collect();
                v.iter().sum::<f64>() / v.len() as f64
            }
        })
        .collect();
    let mut out: Vec<Expected> = rows
        .iter()
        .zip(&values)
        .map(|(r, v)| {
            let score = v.iter().all(Option::is_some).then(|| {
                round2(
                    (0..6)
                        .map(|i| WEIGHTS[i] * (v[i].unwrap() / bench[i]).min(CAP))
                        .sum(),
                )
            });
            let class = if r["accidents"].as_i64().unwrap() >= 1 {
                "D"
            } else if score.is_none() {
                "待核实"
            } else {
                ""
            };
            Expected {
                id: r["project_id"].as_str().unwrap().to_string(),
                score,
                class: class.to_string(),
            }
        })
        .collect();
    let classes = ["A", "B", "C", "D"];
    if setup.percentiles {
        let mut pool: Vec<usize> = (0..out.len())
            .filter(|i| out[*i].class.is_empty())
            .collect();
        pool.sort_by(|a, b| out[*b].score.unwrap().total_cmp(&out[*a].score.unwrap()));
        let n = pool.len() as f64;
        let bounds: Vec<usize> = [25.0, 70.0, 95.0]
            .iter()
            .map(|c: &f64| (c * n / 100.0 + 0.5).floor() as usize)
            .collect();
        let scores: Vec<f64> = pool.iter().map(|i| out[*i].score.unwrap()).collect();
        for (pos, &i) in pool.iter().enumerate() {
            let first = scores.iter().position(|s| *s == scores[pos]).unwrap();
            let k = bounds.iter().position(|b| first < *b).unwrap_or(3);
            out[i].class = classes[k].to_string();
        }
    } else {
        for e in out.iter_mut().filter(|e| e.class.is_empty()) {
            let s = e.score.unwrap();
            e.class = if s >= 110.0 {
                "A"
            } else if s >= 90.0 {
                "B"
            } else if s >= 70.0 {
                "C"
            } else {
                "D"
            }
            .to_string();
        }
    }
    out
}

/// 应统未统: annual output ≥ 2000 万元 and not in the statistics.
fn expected_statistics(rows: &[J]) -> Vec<String> {
    rows.iter()
        .filter(|r| r["output"].as_f64().unwrap() >= 2000.0 && r["in_statistics"] == false)
        .map(|r| r["project_id"].as_str().unwrap().to_string())
        .collect()
}

fn truth() -> Vec<J> {
    let t: J = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples/truth-evaluate.json")).unwrap(),
    )
    .unwrap();
    t["rows"].as_array().unwrap().clone()
}

fn sample() -> PathBuf {
    root().join("samples/后评估/2026/后评估基础数据.xlsx")
}

fn evaluate(input: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let r = sanyipi(&args);
    // 1: done, with errors in the data (said on stderr), as `run` exits.
    let errors = r.stderr.contains("错误[");
    assert_eq!(r.code, i32::from(errors), "{}", r.stderr);
    r
}

fn workbook(out: &Path, year: i32) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(out.join(format!(
        "{year}年度后评估/{year}年度竣工投产项目后评估结果.xlsx"
    )))
    .unwrap()
}

fn cell(range: &calamine::Range<Data>, a1: (u32, u32)) -> Data {
    range.get_value(a1).cloned().unwrap_or(Data::Empty)
}

fn text(range: &calamine::Range<Data>, a1: (u32, u32)) -> String {
    match cell(range, a1) {
        Data::Empty => String::new(),
        d => d.to_string(),
    }
}

/// Score column, class column, last-year column and reasons column of the results sheet.
const SCORE: u32 = 3 + 12;
const CLASS: u32 = SCORE + 1;
const LAST: u32 = SCORE + 2;
const REASONS: u32 = SCORE + 3;
/// The first data row of 后评估结果: title, data-date line and two header rows (each
/// indicator over its 值 and 得分) above it.
const FIRST: u32 = 4;

/// Checks the results sheet against `exp`, row by row; returns the sheet.
fn check_results(out: &Path, year: i32, exp: &[Expected]) -> calamine::Range<Data> {
    let mut wb = workbook(out, year);
    let results = wb.worksheet_range("后评估结果").unwrap();
    assert_eq!(text(&results, (2, 1)), "项目编号");
    assert_eq!(text(&results, (2, 3)), "亩均税收（万元/亩）");
    assert_eq!(text(&results, (3, 3)), "值");
    assert_eq!(text(&results, (3, 4)), "得分");
    assert_eq!(text(&results, (2, SCORE)), "综合得分");
    assert_eq!(text(&results, (2, CLASS)), "等级");
    assert_eq!(text(&results, (2, LAST)), "上年等级");
    for (i, e) in exp.iter().enumerate() {
        let r = FIRST + i as u32;
        assert_eq!(text(&results, (r, 1)), e.id);
        match e.score {
            Some(s) => assert_eq!(cell(&results, (r, SCORE)), Data::Float(s), "{}", e.id),
            None => assert_eq!(cell(&results, (r, SCORE)), Data::Empty, "{}", e.id),
        }
        assert_eq!(text(&results, (r, CLASS)), e.class, "{}", e.id);
    }
    assert_eq!(cell(&results, (FIRST + exp.len() as u32, 1)), Data::Empty);
    results
}

#[test]
fn scores_classes_and_statistics_match_an_independent_computation() {
    let rows = truth();
    let exp = expected(&rows, SHIPPED);
    let out = tempfile::tempdir().unwrap();
    let run = evaluate(&sample(), out.path(), &["--year", "2026"]);
    let results = check_results(out.path(), 2026, &exp);
    // Indicator values and points, cell by cell, for a graded project.
    let values = indicators(&rows[0]);
    for (i, v) in values.iter().enumerate() {
        let Data::Float(got) = cell(&results, (FIRST, 3 + 2 * i as u32)) else {
            panic!("indicator {i}")
        };
        assert!((got - v.unwrap()).abs() < 1e-9, "indicator {i}: {got}");
    }
    // The veto is named.
    let vetoed = rows.iter().position(|r| r["accidents"] == 2).unwrap();
    assert_eq!(
        text(&results, (FIRST + vetoed as u32, REASONS)),
        "【安全生产事故一票否决】发生安全生产事故 2 起"
    );
    // Class counts.
    let mut wb = workbook(out.path(), 2026);
    let counts = wb.worksheet_range("等级统计").unwrap();
    for (i, class) in ["A", "B", "C", "D", "待核实", "不参评"].iter().enumerate() {
        let n = exp.iter().filter(|e| e.class == *class).count();
        assert_eq!(text(&counts, (3 + i as u32, 0)), *class);
        assert_eq!(
            cell(&counts, (3 + i as u32, 1)),
            Data::Float(n as f64),
            "{class}"
        );
    }
    // 应统未统.
    let stats = wb.worksheet_range("应统未统").unwrap();
    let listed: Vec<String> = (3..)
        .map(|r| text(&stats, (r, 1)))
        .take_while(|s| !s.is_empty())
        .collect();
    assert_eq!(listed, expected_statistics(&rows));
    assert_eq!(text(&stats, (2, 3)), "年产值（万元）");
    let first = rows
        .iter()
        .find(|r| r["project_id"] == listed[0].as_str())
        .unwrap();
    assert_eq!(
        cell(&stats, (3, 3)),
        Data::Float(first["output"].as_f64().unwrap())
    );
    assert!(
        run.stdout
            .contains(&format!("应统未统（{} 个）", listed.len()))
    );
}

#[test]
fn zero_or_missing_figures_are_verified_with_the_field_named() {
    let rows = truth();
    let out = tempfile::tempdir().unwrap();
    evaluate(&sample(), out.path(), &["--year", "2026"]);
    let mut wb = workbook(out.path(), 2026);
    let results = wb.worksheet_range("后评估结果").unwrap();
    let row_of = |id: &str| FIRST + rows.iter().position(|r| r["project_id"] == id).unwrap() as u32;
    let file = "后评估基础数据.xlsx!后评估数据";
    let cases = [
        (
            "ZP2025-105",
            format!("【待核实】“用地面积”为 0（{file}!D8），无法计算或判断亩均税收、亩均增加值"),
        ),
        (
            "ZP2025-106",
            format!("【待核实】“综合能耗”为空（{file}!I9），无法计算或判断单位能耗增加值"),
        ),
        (
            "ZP2025-107",
            format!("【待核实】“从业人员”为 0（{file}!M10），无法计算或判断全员劳动生产率"),
        ),
        (
            "ZP2025-112",
            format!(
                "【待核实】“主要污染物排放当量”为空（{file}!J15），无法计算或判断单位排放增加值"
            ),
        ),
    ];
    for (id, reason) in &cases {
        let r = row_of(id);
        assert_eq!(text(&results, (r, REASONS)), *reason);
        assert_eq!(text(&results, (r, CLASS)), "待核实");
        assert_eq!(cell(&results, (r, SCORE)), Data::Empty, "no silent zero");
    }
    // The indicators that can be computed are still shown; the others are empty, not 0.
    let r = row_of("ZP2025-105");
    assert_eq!(cell(&results, (r, 3)), Data::Empty);
    assert_eq!(cell(&results, (r, 4)), Data::Empty);
    assert!(matches!(cell(&results, (r, 7)), Data::Float(_)));
    // The 待核实 sheet lists each with its cell.
    let verify = wb.worksheet_range("待核实").unwrap();
    let listed: Vec<(String, String, String)> = (3..)
        .map(|r| {
            (
                text(&verify, (r, 0)),
                text(&verify, (r, 2)),
                text(&verify, (r, 4)),
            )
        })
        .take_while(|t| !t.0.is_empty())
        .collect();
    assert_eq!(
        listed,
        [
            ("ZP2025-105", "用地面积", "D8"),
            ("ZP2025-106", "综合能耗", "I9"),
            ("ZP2025-107", "从业人员", "M10"),
            ("ZP2025-112", "主要污染物排放当量", "J15"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), format!("{file}!{c}")))
    );
    // Benchmarks are means over the projects that have the value.
    let bench = wb.worksheet_range("评价基准").unwrap();
    assert_eq!(text(&bench, (3, 4)), "参评项目平均值（11 个）");
    assert_eq!(text(&bench, (5, 4)), "参评项目平均值（11 个）");
    let tax: Vec<f64> = rows.iter().filter_map(|r| indicators(r)[0]).collect();
    let Data::Float(b) = cell(&bench, (3, 3)) else {
        panic!()
    };
    assert!((b - tax.iter().sum::<f64>() / tax.len() as f64).abs() < 1e-9);
}

/// Exports the shipped rules, applies `edits` to `evaluate.toml`, returns the folder.
fn edited_rules(dir: &Path, edits: &[(&str, &str)]) -> PathBuf {
    let rules = dir.join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let path = rules.join("evaluate.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    std::fs::write(&path, text).unwrap();
    rules
}
