//! Pre-screening of project leads against an independent computation from `truth.json`'s leads.

mod figures;
mod lists;

use crate::common::*;
use chrono::Datelike;
use sanyipi::engine::screening::{LeadResult, screen};
use sanyipi::ingest::ingest_file;
use sanyipi::rules::Rules;
use sanyipi::rules::screening::Outcome;
use serde_json::Value as J;
use std::collections::BTreeSet;
use std::path::Path;

fn leads_file() -> std::path::PathBuf {
    // A copy of the shared samples' 招商项目信息汇总表.xlsx.
    fixture("leads.xlsx")
}

fn run_screen(rules: &Rules) -> Vec<LeadResult> {
    let data = ingest_file(&leads_file(), "leads", rules).unwrap();
    screen(rules, &data, date("2026-10-25"))
}

/// The shipped defaults of the issue, computed by hand: (rule id, outcome) of every failed rule.
fn expected(lead: &J) -> BTreeSet<(&'static str, Outcome)> {
    let num = |k: &str| lead[k].as_f64();
    let text = |k: &str| lead[k].as_str().unwrap_or("");
    let mut out = BTreeSet::new();
    if text("环境风险等级") == "高" {
        out.insert(("env_red_line", Outcome::Fail));
    }
    if text("安全风险等级") == "重大" {
        out.insert(("safety_red_line", Outcome::Fail));
    }
    if text("是否属于限制或淘汰类") == "是" {
        out.insert(("restricted_industry", Outcome::Fail));
    }
    let secondary = text("产业类别") == "二产";
    let total = num("总投资（万元）").unwrap();
    if secondary && total < 5000.0 {
        out.insert(("small_scattered", Outcome::Fail));
    }
    if num("投资方注册资本（万元）").unwrap() / total * 100.0 < 10.0 {
        out.insert(("fake_investment_capital", Outcome::Verify));
    }
    let founded = date(text("投资方成立日期"));
    let as_of = date("2026-10-25");
    let years = as_of.year()
        - founded.year()
        - i32::from((as_of.month(), as_of.day()) < (founded.month(), founded.day()));
    if years < 1 && total >= 10000.0 {
        out.insert(("fake_investment_new_investor", Outcome::Verify));
    }
    if secondary {
        if !(text("是否高新技术企业") == "是" || num("研发投入占比（%）").unwrap() >= 3.0)
        {
            out.insert(("technology", Outcome::Fail));
        }
        let fixed = num("固定资产投资（万元）").unwrap();
        if num("设备投资（万元）").unwrap() / fixed * 100.0 < 30.0 {
            out.insert(("equipment", Outcome::Fail));
        }
        match num("拟用地面积（亩）") {
            None => {
                out.insert(("investment_intensity", Outcome::Verify));
                out.insert(("tax_contribution", Outcome::Verify));
            }
            Some(land) => {
                if fixed / land < 300.0 {
                    out.insert(("investment_intensity", Outcome::Fail));
                }
                if num("预计年税收（万元）").unwrap() / land < 15.0 {
                    out.insert(("tax_contribution", Outcome::Fail));
                }
            }
        }
    }
    out
}

fn got(l: &LeadResult) -> BTreeSet<(&str, Outcome)> {
    l.findings
        .iter()
        .map(|f| (f.rule.as_str(), f.outcome))
        .collect()
}

#[test]
fn outcomes_and_reasons_match_an_independent_computation() {
    let truth: J = serde_json::from_str(
        // The `leads` part of the shared samples' truth.json.
        &std::fs::read_to_string(fixture("leads-truth.json")).unwrap(),
    )
    .unwrap();
    let results = run_screen(&Rules::load(None).unwrap());
    let leads = truth["leads"].as_array().unwrap();
    assert_eq!(results.len(), leads.len());
    for (lead, r) in leads.iter().zip(&results) {
        let exp = expected(lead);
        let name = lead["项目名称"].as_str().unwrap();
        assert_eq!(
            got(r),
            exp.iter().map(|(a, b)| (*a, *b)).collect(),
            "{name}"
        );
        let outcome = exp.iter().map(|(_, o)| *o).min().unwrap_or(Outcome::Pass);
        assert_eq!(r.outcome, outcome, "{name}");
    }
    // Reasons carry the figures.
    let r = &results[4];
    let gate = r
        .findings
        .iter()
        .find(|f| f.rule == "investment_intensity")
        .unwrap();
    assert_eq!(gate.reason, "缺少“拟用地面积”，无法判断投资强度关");
    let r = &results[1];
    let eq = r.findings.iter().find(|f| f.rule == "equipment").unwrap();
    assert_eq!(eq.reason, "设备投资占固定资产投资 27.24%，低于 30%");
}

#[test]
fn secondary_lead_without_land_is_verified_on_per_mu_gates_and_judged_on_others() {
    let results = run_screen(&Rules::load(None).unwrap());
    // Lead 19: 二产, no land area.
    let r = &results[18];
    assert_eq!(r.industry, "二产");
    let per_mu: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "investment_intensity" || f.rule == "tax_contribution")
        .collect();
    assert_eq!(per_mu.len(), 2);
    assert!(
        per_mu
            .iter()
            .all(|f| f.outcome == Outcome::Verify && f.reason.contains("拟用地面积"))
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.rule != "technology" && f.rule != "equipment"),
        "high-tech with enough equipment: passes the other gates"
    );
    // Lead 8: 三产, no land area: the per-mu gates do not apply.
    let r = &results[7];
    assert_eq!(r.industry, "三产");
    assert!(r.findings.iter().all(|f| f.group != "四关"));
}

fn edited(edits: &[(&str, &str)]) -> (tempfile::TempDir, Rules) {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules_dir.to_str().unwrap()]).code,
        0
    );
    let path = rules_dir.join("screening.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&path, text).unwrap();
    let rules = Rules::load(Some(Path::new(&rules_dir))).unwrap();
    (dir, rules)
}

#[test]
fn changing_a_threshold_changes_results() {
    let shipped = run_screen(&Rules::load(None).unwrap());
    let (_d, rules) = edited(&[("equipment_share_min = 30", "equipment_share_min = 20")]);
    let changed = run_screen(&rules);
    assert!(shipped[1].findings.iter().any(|f| f.rule == "equipment"));
    assert!(
        changed[1].findings.iter().all(|f| f.rule != "equipment"),
        "27% passes a 20% gate"
    );
    assert_eq!(changed[1].outcome, Outcome::Pass);
}

#[test]
fn an_industry_threshold_overrides_the_default() {
    let (_d, rules) = edited(&[(
        "[threshold.\"二产\"]\n",
        "[threshold.\"二产\"]\nequipment_share_min = 20\n",
    )]);
    let changed = run_screen(&rules);
    assert_eq!(changed[1].outcome, Outcome::Pass);
}

#[test]
fn moving_a_rule_from_fail_to_verify_changes_outcomes() {
    let (_d, rules) = edited(&[(
        "fails_when = \"total_invest < small_scattered_min_invest\"\noutcome = \"不通过\"",
        "fails_when = \"total_invest < small_scattered_min_invest\"\noutcome = \"待核实\"",
    )]);
    let changed = run_screen(&rules);
    // Lead 15: only 小散乱污 failed.
    assert_eq!(changed[14].outcome, Outcome::Verify);
    assert_eq!(
        run_screen(&Rules::load(None).unwrap())[14].outcome,
        Outcome::Fail
    );
}

#[test]
fn screen_cli_writes_workbook_and_page() {
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "screen",
        "--input",
        leads_file().to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("会审名单（3 个）"), "{}", r.stdout);
    assert!(out.path().join("预审/招商项目预审结果.xlsx").exists());
    let html = std::fs::read_to_string(out.path().join("预审/招商项目预审结果.html")).unwrap();
    assert!(html.contains("提交领导小组会审名单"));
    assert!(!html.contains("<script") && !html.contains("http"));
}

/// Runs `screen` on `input` as of 2026-10-25 into `out`.
fn screen_cli(input: &Path, out: &Path) -> Run {
    sanyipi(&[
        "screen",
        "--input",
        input.to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.to_str().unwrap(),
    ])
}

/// A sheet of the screening workbook written to `out`.
fn result_sheet(out: &Path, sheet: &str) -> Vec<Vec<String>> {
    xlsx_rows(&out.join("预审/招商项目预审结果.xlsx"), sheet)
}

#[test]
fn findings_cite_the_rule_not_a_derived_value_of_the_same_id() {
    let out = tempfile::tempdir().unwrap();
    let r = screen_cli(&leads_file(), out.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The line of `id = "investment_intensity"` in a `[[rule]]`, not in a `[[derived]]`.
    let text = std::fs::read_to_string(root().join("rules/screening.toml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let rule_line = |id: &str| {
        let at = (1..lines.len())
            .find(|&i| lines[i] == format!("id = \"{id}\"") && lines[i - 1] == "[[rule]]")
            .unwrap();
        format!("内置规则 screening.toml:{}", at + 1)
    };
    let rows = result_sheet(out.path(), "规则明细");
    let header = rows.iter().position(|r| r[0] == "项目名称").unwrap();
    let col = rows[header].iter().position(|c| c == "规则位置").unwrap();
    let cited = |name: &str| -> BTreeSet<String> {
        rows[header + 1..]
            .iter()
            .filter(|r| r[3] == name)
            .map(|r| r[col].clone())
            .collect()
    };
    assert_eq!(
        cited("投资强度关"),
        BTreeSet::from([rule_line("investment_intensity")])
    );
    assert_eq!(
        cited("装备水平关"),
        BTreeSet::from([rule_line("equipment")])
    );
}

#[test]
fn screening_a_folder_without_leads_says_so_without_the_months_problems() {
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "screen",
        "--input",
        "samples/2026-10",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "错误: samples/2026-10 中没有读到招商项目（*招商项目*），未预审，输出目录未改动。请用 --input 给出招商项目信息表（文件名如 *招商项目*），或包含它的目录\n"
    );
}

#[test]
fn a_value_that_cannot_be_computed_or_a_negative_figure_is_verified_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 1: 拟用地面积 0 (no 投资强度, no 亩均税收) and 总投资 −100000 万元.
    let bytes = crate::hostile::patched_file(&leads_file(), "xl/worksheets/sheet1.xml", |t| {
        for from in [
            r#"<c r="I4" s="2" t="n"><v>155</v></c>"#,
            r#"<c r="F4" s="2" t="n"><v>100000</v></c>"#,
        ] {
            assert!(t.contains(from), "{from}");
        }
        t.replace(
            r#"<c r="I4" s="2" t="n"><v>155</v></c>"#,
            r#"<c r="I4" s="2" t="n"><v>0</v></c>"#,
        )
        .replace(
            r#"<c r="F4" s="2" t="n"><v>100000</v></c>"#,
            r#"<c r="F4" s="2" t="n"><v>-100000</v></c>"#,
        )
    });
    std::fs::write(&file, bytes).unwrap();
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    assert!(
        data.diagnostics
            .iter()
            .any(|d| d.to_string().contains("[E023]") && d.location.cell.as_deref() == Some("F4")),
        "{:?}",
        data.diagnostics
    );
    let results = screen(&rules, &data, date("2026-10-25"));
    let lead = &results[0];
    for rule in ["investment_intensity", "tax_contribution"] {
        let f = lead.findings.iter().find(|f| f.rule == rule).unwrap();
        assert_eq!(f.outcome, Outcome::Verify, "{f:?}");
        assert!(f.reason.contains("无法计算"), "{f:?}");
        assert!(!f.reason.contains("技术信息"), "{f:?}");
    }
    assert!(
        lead.findings.iter().all(|f| !f.reason.contains("-100000")),
        "{:?}",
        lead.findings
    );
}

#[test]
fn a_lead_whose_row_is_refused_is_said_and_the_exit_code_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    let from = r#"<c r="D4" s="2" t="inlineStr"><is><t>二产</t></is></c>"#;
    let bytes = crate::hostile::patched_file(&leads_file(), "xl/worksheets/sheet1.xml", |t| {
        assert!(t.contains(from));
        t.replace(
            from,
            r#"<c r="D4" s="2" t="inlineStr"><is><t>第二产业号</t></is></c>"#,
        )
    });
    std::fs::write(&file, bytes).unwrap();
    let out = dir.path().join("out");
    let r = sanyipi(&[
        "screen",
        "--input",
        file.to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("!D4: “产业类别”"), "{}", r.stderr);
    assert!(r.stdout.contains("数据问题: 错误 1 个"), "{}", r.stdout);
}

/// The fixture leads list as rows of text (dates as `YYYY-MM-DD`), changed by `edit`, written to
/// `path` (numbers stay numbers).
fn leads_copy(path: &Path, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    let mut rows = xlsx_rows(&leads_file(), "招商项目信息");
    edit(&mut rows);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("招商项目信息").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            match v.parse::<f64>() {
                Ok(x) if r > 2 => ws.write_number(r as u32, c as u16, x),
                _ => ws.write_string(r as u32, c as u16, v),
            }
            .unwrap();
        }
    }
    wb.save(path).unwrap();
}
