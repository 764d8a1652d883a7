//! Reporting up (`rules/report_up/`): the city's 市重点项目月报表 filled by `run` from the
//! samples. The expected rows are computed here from `truth.json` (the values the sample files
//! encode): the projects with an annual plan of 5000 万元 or more, largest first, each cell in
//! the mapping's format; the workbook is read back with calamine cell by cell. Editing the
//! mapping or the template (a moved column, a scale, a filter, an order) changes the output
//! without recompiling; broken mappings and templates are rule errors, snapshotted.

use crate::common::*;
use crate::lights::{MONTH, cell, monthly};
use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value as J;
use std::path::Path;

const FILE: &str = "2026年10月市重点项目月报表.xlsx";
const MAPPING: &str = "report_up/市重点项目月报表.toml";
const TEMPLATE: &str = "report_up/市重点项目月报表.xlsx";

fn run(out: &Path, rules: Option<&Path>) -> String {
    crate::test::Sanyipi::month(Samples::own().month(MONTH), MONTH)
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_done()
        .stdout
}

/// The sheet `月报表` of the city report written under `out`.
fn sheet(out: &Path) -> (calamine::Range<Data>, Vec<calamine::Dimensions>) {
    let mut wb: Xlsx<_> = open_workbook(out.join(MONTH).join(FILE)).unwrap();
    let range = wb.worksheet_range("月报表").unwrap();
    let merges = wb.merge_cells_by_sheet_name("月报表").unwrap();
    (range, merges)
}

fn text(s: &str) -> Data {
    Data::String(s.to_string())
}

fn num(x: f64) -> Data {
    Data::Float(x)
}

fn round(x: f64, d: i32) -> f64 {
    let p = 10f64.powi(d);
    (x * p).round() / p
}

/// `2026-05-18` as the mapping writes it: `2026.05.18`.
fn dotted(d: &J) -> Data {
    d.as_str()
        .map_or(Data::Empty, |s| text(&s.replace('-', ".")))
}

/// The projects the shipped mapping lists, in its order: annual plan ≥ `min`, largest first,
/// ledger order between equals.
fn listed(t: &J, min: f64) -> Vec<J> {
    let mut ps: Vec<J> = t["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["annual"].as_f64().unwrap() >= min)
        .cloned()
        .collect();
    ps.sort_by(|a, b| {
        b["annual"]
            .as_f64()
            .unwrap()
            .total_cmp(&a["annual"].as_f64().unwrap())
    });
    ps
}

/// The expected cells of columns A..K of each row (L..N: 形象进度, 存在问题 and 备注 are not
/// in the truth file; 形象进度 is checked to be the reported text where there is one).
fn expected_rows(t: &J, min: f64, total_scale: f64) -> Vec<Vec<Data>> {
    let monthly = monthly(t);
    listed(t, min)
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let m = monthly.get(p["id"].as_str().unwrap());
            let annual = p["annual"].as_f64().unwrap();
            let cum = m.map(|m| m["cum"].as_f64().unwrap());
            let figure = |x: Option<f64>| x.map_or(Data::Empty, |x| num(round(x, 2)));
            vec![
                num((i + 1) as f64),
                text(p["name"].as_str().unwrap()),
                Data::Empty,
                text(p["unit"].as_str().unwrap()),
                num(round(p["total"].as_f64().unwrap() * total_scale, 2)),
                num(annual),
                figure(m.map(|m| m["month_inc"].as_f64().unwrap())),
                figure(cum),
                cum.map_or(Data::Empty, |c| num(round(c / annual * 100.0, 1))),
                dotted(&p["planned_start"]),
                m.map_or(Data::Empty, |m| dotted(&m["start"])),
            ]
        })
        .collect()
}

fn assert_rows(range: &calamine::Range<Data>, expected: &[Vec<Data>], columns: &[u32]) {
    for (i, row) in expected.iter().enumerate() {
        for (value, c) in row.iter().zip(columns) {
            let got = cell(range, (4 + i as u32, *c));
            assert_eq!(&got, value, "row {} column {c}", i + 5);
        }
    }
    assert_eq!(
        cell(range, (4 + expected.len() as u32, 1)),
        Data::Empty,
        "no row after the listed projects"
    );
}

#[test]
fn the_city_report_is_filled_from_the_months_records() {
    let t = Samples::own().truth();
    let out = tempfile::tempdir().unwrap();
    let stdout = run(out.path(), None);
    assert!(stdout.contains(&format!("  {FILE}\n")), "{stdout}");
    assert!(
        stdout.contains(
            "上报报表“市重点项目月报表”: 列入 8 个项目（内置规则 report_up/市重点项目月报表.toml）"
        ),
        "{stdout}"
    );
    let (range, merges) = sheet(out.path());
    // The head as the template has it, the month filled in.
    assert_eq!(
        cell(&range, (0, 0)),
        text("南阳市重点项目建设进展情况月报表")
    );
    assert_eq!(
        cell(&range, (1, 0)),
        text("填报单位（盖章）：镇平县重点项目办公室                    月份：2026年10月")
    );
    assert_eq!(cell(&range, (2, 5)), text("投资（万元）"));
    assert_eq!(cell(&range, (3, 5)), text("年度计划"));
    assert_eq!(cell(&range, (3, 7)), text("累计完成"));
    assert_eq!(cell(&range, (2, 9)), text("开工时间"));
    assert_eq!(cell(&range, (2, 12)), text("存在问题"));
    let has = |a: (u32, u32), b: (u32, u32)| merges.iter().any(|d| d.start == a && d.end == b);
    assert!(has((0, 0), (0, 13)) && has((2, 5), (2, 7)) && has((2, 0), (3, 0)));
    let expected = expected_rows(&t, 5000.0, 0.0001);
    assert_eq!(expected.len(), 8, "three projects plan less than 5000 万元");
    assert_rows(&range, &expected, &(0..11).collect::<Vec<_>>());
    // 形象进度: the text each project reported this month.
    let reported = cell(&range, (4, 11));
    assert!(
        matches!(&reported, Data::String(s) if !s.is_empty()),
        "{reported:?}"
    );
}

#[test]
fn the_city_report_is_the_same_bytes_on_every_run() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run(a.path(), None);
    run(b.path(), None);
    let read = |d: &Path| std::fs::read(d.join(MONTH).join(FILE)).unwrap();
    assert_eq!(read(a.path()), read(b.path()));
}

/// The shipped template with its columns in `order` (indices of the shipped order) and
/// `title` as its first row, as a city that moves its columns sends it.
fn write_template(path: &Path, order: &[usize], title: &str) {
    let columns: [(&str, &str); 14] = [
        ("", "序号"),
        ("", "项目名称"),
        ("", "建设内容及规模"),
        ("", "责任单位"),
        ("", "总投资\n（亿元）"),
        ("投资（万元）", "年度计划"),
        ("投资（万元）", "本月完成"),
        ("投资（万元）", "累计完成"),
        ("", "年度投资\n完成率（%）"),
        ("开工时间", "计划开工"),
        ("开工时间", "实际开工"),
        ("", "形象进度"),
        ("", "存在问题"),
        ("", "备注"),
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("月报表").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 13, title, &f).unwrap();
    ws.write(1, 0, "填报单位：").unwrap();
    let mut c = 0u16;
    let mut i = 0;
    while i < order.len() {
        let (group, label) = columns[order[i]];
        if group.is_empty() {
            ws.merge_range(2, c, 3, c, label, &f).unwrap();
            (c, i) = (c + 1, i + 1);
            continue;
        }
        let span = order[i..]
            .iter()
            .take_while(|k| columns[**k].0 == group)
            .count();
        if span > 1 {
            ws.merge_range(2, c, 2, c + span as u16 - 1, group, &f)
                .unwrap();
        } else {
            ws.write(2, c, group).unwrap();
        }
        for k in 0..span {
            ws.write(3, c + k as u16, columns[order[i + k]].1).unwrap();
        }
        (c, i) = (c + span as u16, i + span);
    }
    wb.save(path).unwrap();
}

#[test]
fn editing_the_mapping_or_moving_a_template_column_changes_the_output() {
    let t = Samples::own().truth();
    let (_dir, rules) = edited_rules(&[
        (MAPPING, "scale = 0.0001", "scale = 1"),
        (MAPPING, "annual_plan >= 5000", "annual_plan >= 10000"),
        (
            MAPPING,
            "header = \"备注\"\nblank = true",
            "header = \"备注\"\nexpr = \"'=1+1'\"",
        ),
    ]);
    // The city moved 责任单位 to the front and 投资 before 总投资; its title is formula-like.
    let order = [3, 0, 1, 2, 5, 6, 7, 4, 8, 9, 10, 11, 12, 13];
    write_template(&rules.join(TEMPLATE), &order, "=HYPERLINK(\"http://x\")");
    let out = tempfile::tempdir().unwrap();
    run(out.path(), Some(&rules));
    let (range, _) = sheet(out.path());
    assert_eq!(cell(&range, (0, 0)), text("=HYPERLINK(\"http://x\")"));
    // The month line is the mapping's, over the template's text.
    assert!(matches!(cell(&range, (1, 0)), Data::String(s) if s.ends_with("月份：2026年10月")));
    let expected = expected_rows(&t, 10000.0, 1.0);
    assert_eq!(expected.len(), 5);
    let columns: Vec<u32> = (0..11)
        .map(|k| order.iter().position(|o| *o == k).unwrap() as u32)
        .collect();
    assert_rows(&range, &expected, &columns);
    // A formula-looking value is written as text.
    assert_eq!(cell(&range, (4, 13)), text("=1+1"));
}

fn zip_text(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    z.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_city_report_prints_on_a4_with_the_templates_widths() {
    let out = tempfile::tempdir().unwrap();
    run(out.path(), None);
    let book = out.path().join(MONTH).join(FILE);
    let sheet = zip_text(&book, "xl/worksheets/sheet1.xml");
    for needle in [
        "paperSize=\"9\"",
        "fitToHeight=\"0\"",
        "<pageSetUpPr fitToPage=\"1\"/>",
    ] {
        assert!(sheet.contains(needle), "{needle} missing");
    }
    let workbook = zip_text(&book, "xl/workbook.xml");
    assert!(
        workbook.contains("月报表!$3:$4</definedName>"),
        "{workbook}"
    );
    // The widths of the shipped template (项目名称 16, 存在问题 16, 序号 4), as it stores them.
    let template = zip_text(
        &root().join("rules").join(TEMPLATE),
        "xl/worksheets/sheet1.xml",
    );
    let cols =
        |xml: &str| xml[xml.find("<cols>").unwrap()..xml.find("</cols>").unwrap()].to_string();
    assert_eq!(cols(&sheet), cols(&template));
    assert!(cols(&sheet).contains("<col min=\"2\" max=\"2\" width=\"16.7109375\""));
}

#[test]
fn the_order_follows_the_mapping() {
    let (_dir, rules) = edited_rules(&[(MAPPING, "descending = true", "descending = false")]);
    let out = tempfile::tempdir().unwrap();
    run(out.path(), Some(&rules));
    let (range, _) = sheet(out.path());
    let t = Samples::own().truth();
    let mut names: Vec<Data> = listed(&t, 5000.0)
        .iter()
        .map(|p| text(p["name"].as_str().unwrap()))
        .collect();
    names.reverse();
    let got: Vec<Data> = (0..names.len() as u32)
        .map(|r| cell(&range, (4 + r, 1)))
        .collect();
    assert_eq!(got, names);
}

#[test]
fn without_a_mapping_nothing_is_written_and_nothing_said() {
    let (_dir, rules) = edited_rules(&[]);
    std::fs::remove_dir_all(rules.join("report_up")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let stdout = run(out.path(), Some(&rules));
    assert!(!stdout.contains("市重点项目月报表"), "{stdout}");
    assert!(!out.path().join(MONTH).join(FILE).exists());
    assert!(out.path().join(MONTH).join("run.json").exists());
}

/// `rules check` of the shipped rules with `edits` to the mapping: its error, paths hidden.
fn check_error(edits: &[(&str, &str, &str)], template: Option<&[u8]>) -> String {
    let (_dir, rules) = edited_rules(edits);
    if let Some(bytes) = template {
        std::fs::write(rules.join(TEMPLATE), bytes).unwrap();
    }
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    run.stderr.replace(rules.to_str().unwrap(), "<rules>")
}

#[test]
fn an_unknown_field_is_a_rule_error() {
    insta::assert_snapshot!(check_error(
        &[(MAPPING, "field = \"progress\"", "field = \"progres\"")],
        None
    ));
}

#[test]
fn a_header_not_in_the_template_is_a_rule_error() {
    insta::assert_snapshot!(check_error(
        &[(MAPPING, "header = \"存在问题\"", "header = \"问题\"")],
        None
    ));
}

#[test]
fn a_bad_expression_is_a_rule_error() {
    insta::assert_snapshot!(check_error(
        &[(
            MAPPING,
            "cum_invest / annual_plan * 100",
            "cum_invest / plan * 100"
        )],
        None
    ));
}

#[test]
fn an_unmapped_template_column_is_a_rule_error() {
    insta::assert_snapshot!(check_error(
        &[(MAPPING, "[[column]]\nheader = \"备注\"\nblank = true", "")],
        None
    ));
}

#[test]
fn a_missing_sheet_is_a_rule_error() {
    insta::assert_snapshot!(check_error(
        &[(MAPPING, "sheet = \"月报表\"", "sheet = \"Sheet1\"")],
        None
    ));
}

#[test]
fn a_broken_template_is_a_clear_error() {
    insta::assert_snapshot!(check_error(&[], Some(b"PK\x03\x04 not really a workbook")));
}

#[test]
fn a_formula_that_fails_on_a_project_leaves_its_cell_empty_and_is_reported() {
    let (_dir, rules) = edited_rules(&[(
        MAPPING,
        "cum_invest / annual_plan * 100",
        "cum_invest / (annual_plan - annual_plan) * 100",
    )]);
    let out = tempfile::tempdir().unwrap();
    let stdout = run(out.path(), Some(&rules));
    assert!(
        stdout.contains("规则错误: ")
            && stdout.contains("年度投资完成率（%） 在 DH2026-011 上无法计算"),
        "{stdout}"
    );
    let (range, _) = sheet(out.path());
    assert_eq!(cell(&range, (4, 8)), Data::Empty);
    assert_eq!(cell(&range, (4, 1)), text("汽车零部件产业园项目"));
}

#[test]
fn header_rows_without_text_are_a_rule_error() {
    insta::assert_snapshot!(check_error(
        &[
            (MAPPING, "header_rows = [3, 4]", "header_rows = [6, 7]"),
            (MAPPING, "first_data_row = 5", "first_data_row = 8"),
        ],
        None
    ));
}

#[test]
fn the_output_name_is_sanitised() {
    let (_dir, rules) = edited_rules(&[(
        MAPPING,
        "name = \"市重点项目月报表\"",
        "name = \"../市:重点项目月报表\"",
    )]);
    let out = tempfile::tempdir().unwrap();
    run(out.path(), Some(&rules));
    let month = out.path().join(MONTH);
    assert!(
        month.join("2026年10月__市_重点项目月报表.xlsx").exists(),
        "{:?}",
        std::fs::read_dir(&month)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_city_report_named_as_another_output_stops_the_run_before_anything_is_written() {
    let (_dir, rules) = edited_rules(&[(
        MAPPING,
        "name = \"市重点项目月报表\"",
        "name = \"重点项目考核排名\"",
    )]);
    let out = tempfile::tempdir().unwrap();
    let r = crate::test::Sanyipi::month(Samples::own().month(MONTH), MONTH)
        .out(out.path())
        .rules_opt(Some(&rules))
        .run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    insta::assert_snapshot!(r.stderr.replace(&rules.display().to_string(), "<rules>"));
    assert!(!out.path().join(MONTH).exists());
    // Nothing recorded either.
    let history = out.path().join("history.sqlite");
    if history.exists() {
        let conn = rusqlite::Connection::open(&history).unwrap();
        let runs: i64 = conn
            .query_row("SELECT COUNT(*) FROM run", [], |r| r.get(0))
            .unwrap();
        assert_eq!(runs, 0);
    }
}
