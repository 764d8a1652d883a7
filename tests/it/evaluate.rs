//! `sanyipi evaluate` (后评估, 亩均效益) end to end on the project's own sample
//! (`samples/后评估/2026/`, clean values in `samples/truth-evaluate.json`): scores, classes and the
//! 应统未统 list against an independent computation here; the workbook read back cell by cell; the
//! HTML page snapshot; benchmarks, classes and exemptions switched by editing the TOML alone.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value as J;
use std::path::{Path, PathBuf};

const WEIGHTS: [f64; 6] = [30.0, 20.0, 20.0, 10.0, 10.0, 10.0];
const CAP: f64 = 1.5;

/// The issue's indicators over a clean row: value, or None when a figure is empty or a divisor 0.
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

const FIXED: [f64; 6] = [20.0, 80.0, 3.0, 1000.0, 25.0, 4.0];

#[test]
fn fixed_benchmarks_by_rules_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut edited = String::new();
    let shipped = std::fs::read_to_string(root().join("rules/evaluate.toml")).unwrap();
    // Each indicator's `benchmark = "mean"` in turn becomes its fixed figure.
    let mut rest = shipped.as_str();
    for f in FIXED {
        let at = rest.find("\nbenchmark = \"mean\"").unwrap();
        edited.push_str(&rest[..at]);
        edited.push_str(&format!("\nbenchmark = {f}"));
        rest = &rest[at + "\nbenchmark = \"mean\"".len()..];
    }
    edited.push_str(rest);
    let rules = edited_rules(dir.path(), &[(&shipped, &edited)]);
    let out = dir.path().join("out");
    evaluate(
        &sample(),
        &out,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    let setup = Setup {
        fixed: Some(FIXED),
        percentiles: false,
    };
    let exp = expected(&truth(), setup);
    assert_ne!(exp, expected(&truth(), SHIPPED), "the edit changes results");
    check_results(&out, 2026, &exp);
    let mut wb = workbook(&out, 2026);
    let bench = wb.worksheet_range("评价基准").unwrap();
    assert_eq!(text(&bench, (3, 4)), "固定值");
    assert_eq!(cell(&bench, (3, 3)), Data::Float(FIXED[0]));
}

#[test]
fn percentile_classes_by_rules_alone() {
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[("method = \"bands\"", "method = \"percentiles\"")],
    );
    let out = dir.path().join("out");
    evaluate(
        &sample(),
        &out,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    let setup = Setup {
        fixed: None,
        percentiles: true,
    };
    let exp = expected(&truth(), setup);
    assert_ne!(exp, expected(&truth(), SHIPPED), "the edit changes classes");
    check_results(&out, 2026, &exp);
}

#[test]
fn an_exemption_in_the_rules_lists_the_project_as_not_graded() {
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[(
            "# [[exempt]]\n# id = \"first_year\"\n# name = \"投产不满一年\"\n# when = \"output == 0\"\n# reason = \"尚未形成产值，本年度不参评\"",
            "[[exempt]]\nid = \"small\"\nname = \"规模以下\"\nwhen = \"output < threshold\"\nreason = \"年产值 {{ output | num }} 万元，不足 {{ threshold | num }} 万元\"",
        )],
    );
    let out = dir.path().join("out");
    evaluate(
        &sample(),
        &out,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    // Independently: the small project leaves the set, and the means.
    let all = truth();
    let kept: Vec<J> = all
        .iter()
        .filter(|r| r["output"].as_f64().unwrap() >= 2000.0)
        .cloned()
        .collect();
    let exp_kept = expected(&kept, SHIPPED);
    let mut exp = Vec::new();
    for r in &all {
        let id = r["project_id"].as_str().unwrap();
        exp.push(match exp_kept.iter().find(|e| e.id == id) {
            Some(e) => Expected {
                id: e.id.clone(),
                score: e.score,
                class: e.class.clone(),
            },
            None => Expected {
                id: id.to_string(),
                score: None,
                class: "不参评".into(),
            },
        });
    }
    let results = check_results(&out, 2026, &exp);
    let r = FIRST
        + all
            .iter()
            .position(|r| r["output"].as_f64().unwrap() < 2000.0)
            .unwrap() as u32;
    assert_eq!(
        text(&results, (r, REASONS)),
        "【规模以下】年产值 1500 万元，不足 2000 万元"
    );
}

#[test]
fn last_years_class_is_shown_beside_this_years() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // 2025 graded by percentiles, 2026 by the shipped bands, into the same history.
    let rules = edited_rules(
        dir.path(),
        &[("method = \"bands\"", "method = \"percentiles\"")],
    );
    evaluate(
        &sample(),
        &out,
        &["--year", "2025", "--rules", rules.to_str().unwrap()],
    );
    evaluate(&sample(), &out, &["--year", "2026"]);
    let last = expected(
        &truth(),
        Setup {
            fixed: None,
            percentiles: true,
        },
    );
    let results = check_results(&out, 2026, &expected(&truth(), SHIPPED));
    for (i, e) in last.iter().enumerate() {
        assert_eq!(
            text(&results, (FIRST + i as u32, LAST)),
            e.class,
            "{}",
            e.id
        );
    }
    // 2025 has no 2024 behind it.
    let mut wb = workbook(&out, 2025);
    let r2025 = wb.worksheet_range("后评估结果").unwrap();
    assert_eq!(cell(&r2025, (3, LAST)), Data::Empty);
}

#[test]
fn the_year_comes_from_the_folder_name_or_must_be_given() {
    let out = tempfile::tempdir().unwrap();
    let r = evaluate(&root().join("samples/后评估/2026"), out.path(), &[]);
    assert!(
        r.stdout.starts_with("2026年度竣工投产项目后评估结果"),
        "{}",
        r.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("后评估基础数据.xlsx");
    std::fs::copy(sample(), &file).unwrap();
    let r = sanyipi(&[
        "evaluate",
        "--input",
        file.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("请用 --year 指定"), "{}", r.stderr);
}

#[test]
fn a_bad_formula_points_at_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[("formula = \"tax / land_mu\"", "formula = \"tax / land\"")],
    );
    let r = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!(r.stderr.replace(rules.to_str().unwrap(), "<rules>"));
}

#[test]
fn html_page_snapshot() {
    let out = tempfile::tempdir().unwrap();
    evaluate(&sample(), out.path(), &["--year", "2026"]);
    let html = std::fs::read_to_string(
        out.path()
            .join("2026年度后评估/2026年度竣工投产项目后评估结果.html"),
    )
    .unwrap();
    assert!(html.contains("<svg") && !html.contains("<script") && !html.contains("http"));
    insta::assert_snapshot!(html);
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    evaluate(&sample(), a.path(), &["--year", "2026"]);
    evaluate(&sample(), b.path(), &["--year", "2026"]);
    for ext in ["xlsx", "html"] {
        let name = format!("2026年度后评估/2026年度竣工投产项目后评估结果.{ext}");
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{ext}"
        );
    }
}

/// The shared sample, read from its month folder (matched to the ledger), against `truth.json`.
#[cfg(feature = "shared-samples")]
#[test]
fn shared_sample_matches_an_independent_computation() {
    let t: J = serde_json::from_str(
        &std::fs::read_to_string(shared_samples().join("truth.json")).unwrap(),
    )
    .unwrap();
    let key = |k: &str| -> &str {
        match k {
            "项目编号" => "project_id",
            "用地面积（亩）" => "land_mu",
            "年产值（万元）" => "output",
            "年增加值（万元）" => "value_added",
            "年税收（万元）" => "tax",
            "综合能耗（吨标准煤）" => "energy",
            "主要污染物排放当量（吨）" => "emissions",
            "安全生产事故（起）" => "accidents",
            "从业人员（人）" => "staff",
            "研发经费（万元）" => "rd_spend",
            _ => "",
        }
    };
    let rows: Vec<J> = t["post_eval"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            for (k, v) in r.as_object().unwrap() {
                if !key(k).is_empty() {
                    m.insert(key(k).to_string(), v.clone());
                }
            }
            m.insert(
                "in_statistics".into(),
                J::Bool(r["是否纳入统计（四上）"] == "是"),
            );
            J::Object(m)
        })
        .collect();
    let out = tempfile::tempdir().unwrap();
    evaluate(&shared_samples().join("2026-10"), out.path(), &[]);
    check_results(out.path(), 2026, &expected(&rows, SHIPPED));
    let mut wb = workbook(out.path(), 2026);
    let stats = wb.worksheet_range("应统未统").unwrap();
    let listed: Vec<String> = (3..)
        .map(|r| text(&stats, (r, 1)))
        .take_while(|s| !s.is_empty())
        .collect();
    assert_eq!(listed, expected_statistics(&rows));
    // Percentiles on the shared sample too.
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[("method = \"bands\"", "method = \"percentiles\"")],
    );
    let out2 = dir.path().join("out");
    evaluate(
        &shared_samples().join("2026-10/后评估基础数据.xlsx"),
        &out2,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    check_results(
        &out2,
        2026,
        &expected(
            &rows,
            Setup {
                fixed: None,
                percentiles: true,
            },
        ),
    );
}

/// A file with an unreadable land area and a formula-like company name.
fn messy_file(dir: &Path) -> PathBuf {
    post_eval_file(
        dir,
        &[
            ("ZP2026-901", "=HYPERLINK(\"http://x\")", "八十"),
            ("ZP2026-902", "正常企业有限公司", "50"),
        ],
    )
}

/// A post-evaluation file of `rows` (项目编号, 企业名称, 用地面积 as text), other figures fixed.
fn post_eval_file(dir: &Path, rows: &[(&str, &str, &str)]) -> PathBuf {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "项目编号",
        "企业名称",
        "用地面积（亩）",
        "年产值（万元）",
        "年增加值（万元）",
        "年税收（万元）",
        "综合能耗（吨标准煤）",
        "主要污染物排放当量（吨）",
        "安全生产事故（起）",
        "是否纳入统计（四上）",
        "从业人员（人）",
        "研发经费（万元）",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (id, name, land)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, *land).unwrap();
        for (c, v) in [
            (3, 3000.0),
            (4, 900.0),
            (5, 200.0),
            (6, 800.0),
            (7, 2.0),
            (8, 0.0),
            (10, 100.0),
            (11, 60.0),
        ] {
            ws.write_number(r, c, v).unwrap();
        }
        ws.write_string(r, 9, "是").unwrap();
    }
    let path = dir.join("后评估基础数据.xlsx");
    wb.save(&path).unwrap();
    path
}

#[test]
fn an_unreadable_figure_is_verified_and_reported_and_text_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = messy_file(dir.path());
    let out = dir.path().join("out");
    let r = evaluate(&file, &out, &["--year", "2026"]);
    assert!(
        r.stderr.contains("后评估基础数据.xlsx!Sheet1!C2"),
        "the cell problem is reported: {}",
        r.stderr
    );
    let mut wb = workbook(&out, 2026);
    let results = wb.worksheet_range("后评估结果").unwrap();
    assert_eq!(
        text(&results, (FIRST, REASONS)),
        "【待核实】“用地面积”无法识别（见数据问题）（后评估基础数据.xlsx!Sheet1!C2），无法计算或判断亩均税收、亩均增加值"
    );
    assert_eq!(text(&results, (FIRST, 2)), "=HYPERLINK(\"http://x\")");
    // Besides the columns the small file lacks (W071), the one cell problem.
    let problems = problem_rows(&mut wb);
    assert_eq!(
        problems,
        [(
            "E021".to_string(),
            "后评估基础数据.xlsx!Sheet1!C2".to_string()
        )]
    );
    // Alone at every mean: 100 points, class B (90 ≤ 100 < 110).
    assert_eq!(cell(&results, (FIRST + 1, SCORE)), Data::Float(100.0));
    assert_eq!(text(&results, (FIRST + 1, CLASS)), "B");
}

#[test]
fn in_a_folder_with_a_ledger_rows_are_matched_and_unknown_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026-10");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(
        root().join("samples/2026-10/重大项目管理台账.xlsx"),
        input.join("重大项目管理台账.xlsx"),
    )
    .unwrap();
    post_eval_file(
        &input,
        &[
            ("DH2026-001", "台账内企业", "50"),
            ("XX-999", "台账外企业", "40"),
            // The ledger's DH2026-002 in lower case: that project, shown as the ledger has it.
            ("dh2026-002", "台账内企业二", "60"),
        ],
    );
    let out = dir.path().join("out");
    let r = evaluate(&input, &out, &[]);
    assert!(r.stderr.contains("E030"), "{}", r.stderr);
    assert!(!r.stderr.contains("dh2026-002"), "{}", r.stderr);
    let mut wb = workbook(&out, 2026);
    let results = wb.worksheet_range("后评估结果").unwrap();
    assert_eq!(text(&results, (FIRST, 1)), "DH2026-001");
    assert_eq!(text(&results, (FIRST + 1, 1)), "DH2026-002");
    assert_eq!(text(&results, (FIRST + 2, 1)), "");
    let problems = wb.worksheet_range("问题数据").unwrap();
    let e030 = (3..)
        .take_while(|&r| !text(&problems, (r, 1)).is_empty())
        .filter(|&r| text(&problems, (r, 1)) != "W071")
        .collect::<Vec<u32>>();
    assert_eq!(e030.len(), 1);
    assert_eq!(text(&problems, (e030[0], 1)), "E030");
    assert!(text(&problems, (e030[0], 3)).contains("XX-999"));
}

/// The 问题数据 sheet's (code, place) rows, leaving out the columns a small test file lacks (W071).
fn problem_rows(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>) -> Vec<(String, String)> {
    let problems = wb.worksheet_range("问题数据").unwrap();
    (3..)
        .map(|r| (text(&problems, (r, 1)), text(&problems, (r, 2))))
        .take_while(|(code, _)| !code.is_empty())
        .filter(|(code, _)| code != "W071")
        .collect()
}

#[test]
fn the_letters_number_and_date_are_both_left_blank_or_both_dated() {
    let letter = |out: &Path| {
        let path = out.join("2026年度后评估/关于提请核实2026年度应统未统企业的函.docx");
        let mut z = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        xml
    };
    let undated = tempfile::tempdir().unwrap();
    evaluate(&sample(), undated.path(), &["--year", "2026"]);
    let xml = letter(undated.path());
    assert!(
        xml.contains("镇重点办函〔　　　　〕"),
        "the number's year is blank"
    );
    assert!(!xml.contains("〔2027〕"));
    // A Saturday is kept, with a warning, and numbers the letter with its year.
    let dated = tempfile::tempdir().unwrap();
    let r = evaluate(
        &sample(),
        dated.path(),
        &["--year", "2026", "--issue-date", "2026-12-12"],
    );
    assert!(
        r.stderr
            .contains("函的成文日期 2026-12-12（星期六，周末）不是工作日"),
        "{}",
        r.stderr
    );
    assert!(letter(dated.path()).contains("镇重点办函〔2026〕"));
}

#[test]
fn a_project_entered_twice_is_an_error_and_its_repeat_is_not_graded() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026");
    std::fs::create_dir_all(&input).unwrap();
    let source = sample();
    // Row 7 given the 项目编号 of row 4 (shared string 16 is ZP2025-101).
    let bytes = crate::hostile::patched_file(&source, "xl/worksheets/sheet1.xml", |t| {
        assert!(t.contains(r#"<c r="B7" t="s"><v>24</v></c>"#));
        t.replace(
            r#"<c r="B7" t="s"><v>24</v></c>"#,
            r#"<c r="B7" t="s"><v>16</v></c>"#,
        )
    });
    std::fs::write(input.join("后评估基础数据.xlsx"), bytes).unwrap();
    let out = dir.path().join("out");
    let r = evaluate(&input, &out, &[]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("数据问题: 错误 1 个"), "{}", r.stdout);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("后评估基础数据.xlsx!后评估数据!B7: 项目编号 ZP2025-101 重复，首次出现在 后评估基础数据.xlsx!后评估数据!B4，此行未采用"),
        "{said}"
    );
}

/// The sample's sheet rewritten with `header` (column, new header, factor applied to its figures).
fn sample_in_units(path: &Path, changes: &[(u32, &str, f64)]) {
    let mut wb: Xlsx<_> = open_workbook(sample()).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name(&name).unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let change = changes.iter().find(|(col, _, _)| u32::from(c) == *col);
            match (v, change) {
                (_, Some((_, h, _))) if r == 2 => ws.write(r, c, *h).map(|_| ()),
                (Data::Float(x), Some((_, _, k))) if r > 2 => ws.write(r, c, x * k).map(|_| ()),
                (Data::Float(x), _) => ws.write(r, c, *x).map(|_| ()),
                (Data::Int(x), _) => ws.write(r, c, *x as f64).map(|_| ()),
                (Data::Bool(b), _) => ws.write(r, c, *b).map(|_| ()),
                (Data::Empty, _) => Ok(()),
                (d, _) => ws.write(r, c, d.to_string()).map(|_| ()),
            }
            .unwrap();
        }
    }
    out.save(path).unwrap();
}

#[test]
fn a_unit_in_a_header_converts_the_figures_or_the_column_is_refused() {
    let rows = truth();
    let exp = expected(&rows, SHIPPED);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026");
    std::fs::create_dir_all(&input).unwrap();
    // 用地面积 in 平方米, 年税收 in 千元, 综合能耗 in 万吨标准煤: the same results.
    sample_in_units(
        &input.join("后评估基础数据.xlsx"),
        &[
            (3, "用地面积（平方米）", 2000.0 / 3.0),
            (7, "年税收（千元）", 10.0),
            (8, "综合能耗（万吨标准煤）", 0.0001),
        ],
    );
    let out = dir.path().join("out");
    let r = evaluate(&input, &out, &[]);
    assert!(!r.stderr.contains("E035"), "{}", r.stderr);
    let converted = check_results(&out, 2026, &exp);
    // The figures too, not only the classes (a benchmark of the county's mean scales with them):
    // 亩均税收 as from the sample in 亩 and 万元.
    let plain = tempfile::tempdir().unwrap();
    evaluate(&sample(), plain.path(), &["--year", "2026"]);
    let plain = check_results(plain.path(), 2026, &exp);
    for i in 0..exp.len() as u32 {
        assert_eq!(
            cell(&converted, (FIRST + i, 3)),
            cell(&plain, (FIRST + i, 3)),
            "{i}"
        );
    }
    // 年税收 in 万美元 cannot be converted: an error at the header, the column not read (every
    // project's 亩均税收 is to be verified), not figures taken as 万元.
    sample_in_units(
        &input.join("后评估基础数据.xlsx"),
        &[(7, "年税收（万美元）", 0.14)],
    );
    let r = evaluate(&input, &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "错误[E035] 后评估基础数据.xlsx!后评估数据!H3: 表头“年税收(万美元)”的单位“万美元”无法换算为万元，此列未读取"
        ),
        "{}",
        r.stderr
    );
    let mut wb = workbook(&out, 2026);
    let results = wb.worksheet_range("后评估结果").unwrap();
    for i in 0..exp.len() as u32 {
        let class = text(&results, (FIRST + i, CLASS));
        assert!(class == "待核实" || class == "D", "{i}: {class}");
    }
}

#[test]
fn a_column_under_another_name_is_said_once_not_blamed_on_every_cell() {
    let rows = truth();
    let exp = expected(&rows, SHIPPED);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026");
    std::fs::create_dir_all(&input).unwrap();
    let file = input.join("后评估基础数据.xlsx");
    // 占地面积 is another name of 用地面积 in the rules: the same results.
    sample_in_units(&file, &[(3, "占地面积（亩）", 1.0)]);
    let out = dir.path().join("out");
    let r = evaluate(&input, &out, &[]);
    assert!(!r.stderr.contains("W071"), "{}", r.stderr);
    check_results(&out, 2026, &exp);
    // 土地面积 is none: one warning at the header, and each project says the column is missing.
    sample_in_units(&file, &[(3, "土地面积（亩）", 1.0)]);
    let r = evaluate(&input, &out, &[]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(said.matches("W071").count(), 1, "{said}");
    assert!(
        said.contains("警告[W071] 后评估基础数据.xlsx!后评估数据!A3: 表头中没有“用地面积”列，各行的“用地面积”均按未填写处理")
            && said.contains("用地面积、占地面积"),
        "{said}"
    );
    let mut wb = workbook(&out, 2026);
    let results = wb.worksheet_range("后评估结果").unwrap();
    let reasons = text(&results, (FIRST, REASONS));
    assert!(
        reasons.contains("“用地面积”无此列（见数据问题）"),
        "{reasons}"
    );
    assert!(!said.contains("“用地面积”为空"), "{said}");
}
