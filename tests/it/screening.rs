//! Pre-screening of project leads against an independent computation from `truth.json`'s leads.

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
        format!("rules/screening.toml:{}", at + 1)
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

#[test]
fn a_share_formatted_as_a_percentage_reads_as_it_is_shown() {
    // 研发投入占比 stored as Excel stores a typed 3.1%: the fraction 0.031 in a cell whose
    // number format is 0.0% (a custom format), and 0.032 under the built-in 0.00% (id 10).
    let dir = tempfile::tempdir().unwrap();
    let styled = dir.path().join("styled.xlsx");
    let bytes = crate::hostile::patched_file(&leads_file(), "xl/styles.xml", |t| {
        assert!(t.contains(r#"<numFmt numFmtId="164" formatCode="yyyy-mm-dd" /></numFmts>"#));
        assert!(t.contains("</cellXfs>"));
        t.replace(
            "</numFmts>",
            r#"<numFmt numFmtId="165" formatCode="0.0%" /></numFmts>"#,
        )
        .replace(
            "</cellXfs>",
            r#"<xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" /><xf numFmtId="10" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" /></cellXfs>"#,
        )
    });
    std::fs::write(&styled, bytes).unwrap();
    let file = dir.path().join("招商项目.xlsx");
    let bytes = crate::hostile::patched_file(&styled, "xl/worksheets/sheet1.xml", |mut t| {
        let mut changed = 0;
        for row in 4..200 {
            let from = format!(r#"<c r="P{row}" s="2" t="n"><v>"#);
            let Some(at) = t.find(&from) else { continue };
            let start = at + from.len();
            let end = start + t[start..].find("</v>").unwrap();
            let percent: f64 = t[start..end].parse().unwrap();
            let style = if row % 2 == 0 { 4 } else { 5 };
            let to = format!(r#"<c r="P{row}" s="{style}" t="n"><v>{}"#, percent / 100.0);
            t = format!("{}{to}{}", &t[..at], &t[end..]);
            changed += 1;
        }
        assert!(changed > 10, "{changed}");
        t
    });
    std::fs::write(&file, bytes).unwrap();
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    let as_shown = screen(&rules, &data, date("2026-10-25"));
    let typed = run_screen(&rules);
    assert_eq!(as_shown.len(), typed.len());
    for (a, b) in as_shown.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}

/// The same in an ods file (LibreOffice, WPS): 研发投入占比 typed 3.1% is stored as a
/// percentage value 0.031 (`office:value-type="percentage"`), and read as shown.
#[test]
fn an_ods_share_of_the_percentage_type_reads_as_it_is_shown() {
    let rows = xlsx_rows(&leads_file(), "招商项目信息");
    let share = rows[2]
        .iter()
        .position(|h| h.starts_with("研发投入占比"))
        .unwrap();
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
    let mut xml = String::from(r#"<table:table table:name="招商项目信息">"#);
    let mut percent = 0;
    for (r, row) in rows.iter().enumerate() {
        xml.push_str("<table:table-row>");
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                _ if v.is_empty() => xml.push_str("<table:table-cell/>"),
                Ok(x) if r > 2 && c == share => {
                    percent += 1;
                    xml.push_str(&format!(
                        r#"<table:table-cell office:value-type="percentage" office:value="{}"><text:p>{v}%</text:p></table:table-cell>"#,
                        x / 100.0
                    ));
                }
                Ok(x) if r > 2 => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{x}"><text:p>{v}</text:p></table:table-cell>"#
                )),
                _ => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                    esc(v)
                )),
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table>");
    assert!(percent > 10, "{percent}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.ods");
    std::fs::write(&file, crate::hostile_readers::ods(&xml)).unwrap();
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    let as_shown = screen(&rules, &data, date("2026-10-25"));
    let typed = run_screen(&rules);
    assert_eq!(as_shown.len(), typed.len());
    for (a, b) in as_shown.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}

/// The same in an .xls (xlwt, as old WPS and Excel save): the fixture's 研发投入占比 of the
/// first lead is 0.031 under the format `0.0%`, shown 3.1%, read as shown.
#[test]
fn an_xls_share_formatted_as_a_percentage_reads_as_it_is_shown() {
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&fixture("leads_percent.xls"), "leads", &rules).unwrap();
    let share = data.records("leads")[0].number("rd_share");
    assert_eq!(share, Some(3.1));
    let as_shown = screen(&rules, &data, date("2026-10-25"));
    let typed = run_screen(&rules);
    assert_eq!(as_shown.len(), typed.len());
    for (a, b) in as_shown.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}

/// 拟用地面积 given in 平方米 (the header says so): converted to 亩 by the field's `units`, so
/// the screening is the same; before, the square metres were taken as 亩 and every lead failed
/// 投资强度关 and 税收贡献关.
#[test]
fn land_in_square_metres_converts_to_mu() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    leads_copy(&file, |rows| {
        let col = rows[2]
            .iter()
            .position(|h| h.starts_with("拟用地面积"))
            .unwrap();
        rows[2][col] = "拟用地面积（平方米）".into();
        for row in rows.iter_mut().skip(3) {
            if let Ok(mu) = row[col].parse::<f64>() {
                row[col] = format!("{}", mu / 0.0015);
            }
        }
    });
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    let typed = run_screen(&rules);
    let converted = screen(&rules, &data, date("2026-10-25"));
    assert_eq!(converted.len(), typed.len());
    for (a, b) in converted.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
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

#[test]
fn the_ledger_given_as_the_leads_list_is_refused_and_earlier_results_stay() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(screen_cli(&leads_file(), out.path()).code, 0);
    let written = out.path().join("预审/招商项目预审结果.xlsx");
    let before = std::fs::read(&written).unwrap();
    let r = screen_cli(&fixture("ledger.xlsx"), out.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("ledger.xlsx 不是招商项目信息表：它的表头更像重大项目管理台账"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("请用 --input 给出招商项目信息表（文件名如 *招商项目*）"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("待核实") && r.stdout.is_empty(),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read(&written).unwrap(), before);
}

#[test]
fn a_list_naming_few_of_the_leads_fields_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Only 序号, 项目名称, 信息来源单位, 产业类别, 所属行业, 总投资 (5 of 18 fields).
    leads_copy(&file, |rows| rows.iter_mut().for_each(|r| r.truncate(6)));
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("表头中只有招商项目信息表 18 个字段中的 5 个（项目名称、信息来源单位、产业类别、所属行业、总投资），缺少固定资产投资、"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

/// The names of the 会审名单 sheet of the workbook in `out`.
fn review_names(out: &Path) -> Vec<String> {
    let rows = result_sheet(out, "会审名单");
    let header = rows.iter().position(|r| r[0] == "产业类别").unwrap();
    rows[header + 1..].iter().map(|r| r[2].clone()).collect()
}

#[test]
fn a_lead_named_twice_is_an_error_at_its_cell_and_screened_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 15 (row 18, 不通过 on 小散乱污) given the name of lead 3 (row 6, 通过).
    leads_copy(&file, |rows| {
        assert_eq!(rows[5][1], "造纸加工项目（3）");
        rows[17][1] = "造纸加工项目（3）".into();
    });
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "错误[E031] 招商项目.xlsx!招商项目信息!B18: 项目名称 造纸加工项目（3） 重复，首次出现在 招商项目.xlsx!招商项目信息!B6，此行未采用"
        ),
        "{}",
        r.stderr
    );
    let results = result_sheet(&out, "预审结果");
    let named = results
        .iter()
        .filter(|r| r[1] == "造纸加工项目（3）")
        .count();
    assert_eq!(named, 1);
    assert_eq!(
        results.iter().filter(|r| r[1].contains("项目（")).count(),
        23
    );
    let review = review_names(&out);
    assert_eq!(
        review.iter().filter(|n| *n == "造纸加工项目（3）").count(),
        1
    );
    assert_eq!(review.len(), 3, "{review:?}");
}

#[test]
fn a_revised_copy_beside_the_list_is_said_and_only_the_latest_is_screened() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads");
    std::fs::create_dir(&input).unwrap();
    let old = input.join("招商项目信息汇总表.xlsx");
    let new = input.join("修订 招商项目信息汇总表.xlsx");
    std::fs::copy(leads_file(), &old).unwrap();
    // The revision: lead 3 (通过) now below the 小散乱污 line.
    leads_copy(&new, |rows| rows[5][5] = "3000".into());
    let saved = |path: &Path, at: u64| {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(at))
            .unwrap();
    };
    // The copy is saved later, though it comes first in the folder's order.
    saved(&new, 1_790_000_000);
    saved(&old, 1_780_000_000);
    let out = dir.path().join("out");
    let r = screen_cli(&input, &out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("警告[W042] 招商项目信息汇总表.xlsx: 读到 2 份招商项目信息："),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "采用最新的 修订 招商项目信息汇总表.xlsx，招商项目信息汇总表.xlsx 中的行均未采用"
        ),
        "{}",
        r.stderr
    );
    let results = result_sheet(&out, "预审结果");
    assert_eq!(
        results.iter().filter(|r| r[1].contains("项目（")).count(),
        24
    );
    let review = review_names(&out);
    assert_eq!(review.len(), 2, "{review:?}");
    assert!(!review.contains(&"造纸加工项目（3）".to_string()));
}

#[test]
fn the_review_list_follows_the_rules_order_of_industries() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 8 (三产, row 11) made to pass: a 一般 safety risk, capital equal to its investment.
    leads_copy(&file, |rows| {
        let lead = &mut rows[10];
        assert_eq!(lead[3], "三产");
        lead[17] = "一般".into();
        lead[12] = lead[5].clone();
    });
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let rows = result_sheet(&out, "会审名单");
    let header = rows.iter().position(|r| r[0] == "产业类别").unwrap();
    let industries: Vec<&str> = rows[header + 1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(industries, ["一产", "二产", "二产", "三产"]);
    let listed = r.stdout.split("会审名单").nth(1).unwrap();
    let said: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split_once(": "))
        .map(|(industry, _)| industry)
        .collect();
    assert_eq!(said, ["一产", "二产", "三产"], "{}", r.stdout);
}

/// The fixture leads list with every 产业类别 written as `words` says.
fn leads_with_industries(path: &Path, words: impl Fn(&str) -> String) {
    leads_copy(path, |rows| {
        for row in rows.iter_mut().skip(3) {
            row[3] = words(&row[3]);
        }
    });
}

#[test]
fn industries_written_in_full_are_read_as_the_rules_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    leads_with_industries(&file, |w| format!("第{w}业"));
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(r.stdout.contains("会审名单（3 个）"), "{}", r.stdout);
    assert!(
        r.stdout.contains("  二产: 造纸加工项目（3）"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_row_refused_says_so_and_points_at_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    leads_with_industries(&file, |_| "第二产业号".into());
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr.matches("[E021]").count(), 24, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(&format!(
            "错误: {} 中的 24 行招商项目均有错误未采用（见上方 E021 错误 24 个），未预审，输出目录未改动。请按上方各错误的提示更正后重新预审\n",
            file.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("没有读到"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn an_investor_founded_after_the_screening_date_is_a_data_problem_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 1 (row 4, 总投资 100000 万元): founded 2027-01-01, after the screening date.
    leads_copy(&file, |rows| rows[3][13] = "2027-01-01".into());
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "错误[E023] 招商项目.xlsx!招商项目信息!N4: “投资方成立日期” 2027-01-01 晚于预审日期 2026-10-25"
        ),
        "{}",
        r.stderr
    );
    let findings = result_sheet(&out, "规则明细");
    let lead: Vec<&Vec<String>> = findings
        .iter()
        .filter(|r| r[0] == "装备制造生产基地项目（1）" && r[3] == "防虚假投资（新设投资方）")
        .collect();
    assert_eq!(lead.len(), 1, "{findings:?}");
    assert_eq!(lead[0][4], "待核实");
    assert!(!lead[0][5].contains("不足一年"), "{:?}", lead[0]);
    assert!(lead[0][5].contains("投资方成立日期"), "{:?}", lead[0]);
}

#[test]
fn a_leads_column_under_another_name_is_said_at_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // 设备投资 headed 设备购置投资: no column of the rules' names.
    leads_copy(&file, |rows| {
        let header = rows
            .iter_mut()
            .find(|r| r.contains(&"项目名称".to_string()))
            .unwrap();
        let c = header
            .iter()
            .position(|h| h.starts_with("设备投资"))
            .unwrap();
        header[c] = "设备购置投资（万元）".into();
    });
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(said.matches("W071").count(), 1, "{said}");
    assert!(said.contains("表头中没有“设备投资”列"), "{said}");
}
