//! The layouts offices really send (tests/fixtures/make_layouts.py): values merged down the rows,
//! 合计 first and 小计 inside, a sheet per month, units named as they sign, the procedure list in
//! wide form, pre-numbered empty rows. Each has a fixture with its expected records; the
//! project's own month laid out all these ways must give exactly the plain month's results.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use sanyipi::diagnostic::{Code, Severity};
use sanyipi::engine::Month;
use sanyipi::ingest::{Dataset, ingest, ingest_month};
use sanyipi::rules::{Due, Rules};
use serde_json::Value as J;
use std::path::Path;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn layout(name: &str) -> String {
    format!("layouts/{name}")
}

fn errors(data: &Dataset) -> Vec<String> {
    data.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

/// A folder holding only `fixture` as `name` (a ledger on its own).
fn only(fixture: &str, name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(crate::common::fixture(fixture), dir.path().join(name)).unwrap();
    dir
}

fn assert_merged_down_ledger(ext: &str) {
    let dir = only(
        &layout(&format!("merged_down.{ext}")),
        &format!("台账.{ext}"),
    );
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    assert!(errors(&data).is_empty(), "{ext}: {:#?}", data.diagnostics);
    let rows = data.records("ledger");
    assert_eq!(rows.len(), 2, "{ext}");
    for (r, (id, leader)) in rows.iter().zip([("P-001", "张领导"), ("P-002", "李领导")]) {
        assert_eq!(r.project.as_deref(), Some(id), "{ext}");
        assert_eq!(r.text("responsible_unit"), Some("甲镇"), "{ext} {id}");
        assert_eq!(r.text("county_leader"), Some(leader), "{ext} {id}");
    }
    assert_eq!(rows[1].number("annual_plan"), Some(2000.0));
    assert_eq!(rows[1].date("land_delisting_date"), Some(d(2026, 4, 1)));
}

#[test]
fn merged_down_xlsx_fills_every_row() {
    assert_merged_down_ledger("xlsx");
}

#[test]
fn merged_down_xls_fills_every_row() {
    assert_merged_down_ledger("xls");
}

#[test]
fn merged_down_ods_reads_the_spans() {
    assert_merged_down_ledger("ods");
}

#[test]
fn total_first_subtotal_inside_hidden_and_numbered_rows() {
    let dir = input_with(&[(&layout("totals_first.xlsx"), "月报/甲镇.xlsx")]);
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
    let rows = data.records("monthly");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].project.as_deref(), Some("P-001"));
    assert_eq!(rows[0].number("cum_invest"), Some(500.0));
    assert_eq!(rows[0].date("actual_start"), Some(d(2026, 3, 5)));
    assert_eq!(rows[1].project.as_deref(), Some("P-002"));
    assert_eq!(rows[1].number("cum_invest"), Some(0.0));
    assert_eq!(rows[1].row, 7);
    let f = data
        .files
        .iter()
        .find(|f| f.file == "月报/甲镇.xlsx")
        .unwrap();
    assert_eq!(f.rows.total, 1, "{f:?}");
    assert_eq!(f.rows.subtotal_rows, vec![6]);
    assert_eq!(f.rows.hidden_rows, vec![7]);
    // 13 pre-numbered rows (3–15).
    assert_eq!(f.rows.blank, 13, "{f:?}");
    assert_eq!(f.rows.note, 1);
    assert!(f.balanced(), "{f:?}");
    let remarks = f.remarks().join("\n");
    assert!(remarks.contains("隐藏行 1 行（第7行）"), "{remarks}");
    assert!(
        remarks.contains("小计行 1 行（第6行），已跳过"),
        "{remarks}"
    );
}

fn september() -> Option<Month> {
    Some(Month {
        year: 2026,
        month: 9,
    })
}

#[test]
fn year_workbook_reads_the_assessed_months_sheet() {
    let dir = input_with(&[(&layout("year_workbook.xlsx"), "月报/甲镇.xlsx")]);
    let data = ingest_month(dir.path(), &Rules::load(None).unwrap(), september()).unwrap();
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
    let rows = data.records("monthly");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.sheet == "9月"));
    assert_eq!(rows[0].number("cum_invest"), Some(500.0));
    let f = data
        .files
        .iter()
        .find(|f| f.file == "月报/甲镇.xlsx")
        .unwrap();
    assert_eq!(
        f.unused_sheets,
        vec!["工作表“8月”为8月，非考核月份，未使用"]
    );
    // October has no sheet: said so, nothing of September scored for October.
    let october = Some(Month {
        year: 2026,
        month: 10,
    });
    let data = ingest_month(dir.path(), &Rules::load(None).unwrap(), october).unwrap();
    assert!(data.records("monthly").is_empty());
    assert!(
        data.diagnostics
            .iter()
            .any(|d| d.code == Code::NoMonthSheet && d.message.contains("8月、9月")),
        "{:#?}",
        data.diagnostics
    );
}

#[test]
fn month_sheet_patterns_are_rules() {
    let dir = input_with(&[(&layout("year_workbook.xlsx"), "月报/甲镇.xlsx")]);
    // Without patterns, both months' sheets are read: August's is caught by its title (E033).
    let (_keep, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "patterns = [\"{y}年{m}月\", \"{y}.{m}\", \"{m}月\"]",
        "patterns = []",
    )]);
    let data = ingest_month(dir.path(), &Rules::load(Some(&rules)).unwrap(), september()).unwrap();
    assert!(
        data.diagnostics
            .iter()
            .any(|d| d.code == Code::OtherMonth && d.location.sheet.as_deref() == Some("8月")),
        "{:#?}",
        data.diagnostics
    );
    // September's sheet is still read.
    assert_eq!(data.records("monthly").len(), 2);
    // And without the title check either, September's rows repeat August's.
    let (_keep, rules) = edited_rules(&[
        (
            "tables/monthly.toml",
            "patterns = [\"{y}年{m}月\", \"{y}.{m}\", \"{m}月\"]",
            "patterns = []",
        ),
        ("tables/monthly.toml", "title = 0\n", ""),
    ]);
    let data = ingest_month(dir.path(), &Rules::load(Some(&rules)).unwrap(), september()).unwrap();
    assert!(
        data.diagnostics
            .iter()
            .any(|d| d.code == Code::DuplicateRow),
        "{:#?}",
        data.diagnostics
    );
}

#[test]
fn units_named_as_they_sign() {
    let dir = input_with(&[(
        &layout("甲镇人民政府9月报表.xlsx"),
        "月报/甲镇人民政府9月报表.xlsx",
    )]);
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
    let rows = data.records("monthly");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.unit.as_deref() == Some("甲镇")));
    assert_eq!(data.files[1].reporting_unit.as_deref(), Some("甲镇"));
}

#[test]
fn a_unit_named_only_in_the_file_name() {
    let dir = input_with(&[(&layout("甲镇政府9月报表.xlsx"), "月报/甲镇政府9月报表.xlsx")]);
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
    assert_eq!(data.records("monthly").len(), 2);
    assert!(
        data.records("monthly")
            .iter()
            .all(|r| r.unit.as_deref() == Some("甲镇"))
    );
}

/// A report signed with a name no unit has: W044 names the closest units; its projects, all of
/// one unit, make it that unit's report (a second W044 says so); an alias in the rules makes
/// the name known.
#[test]
fn an_unknown_unit_names_the_closest_and_an_alias_in_the_rules_fixes_it() {
    let dir = input_with(&[(&layout("signed_unknown.xlsx"), "月报/signed_unknown.xlsx")]);
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    let unknown: Vec<_> = data
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownUnit)
        .collect();
    assert_eq!(unknown.len(), 2, "{:#?}", data.diagnostics);
    assert!(unknown[0].message.contains("“甲镇便民服务中心”"));
    assert!(
        unknown[0].hint.as_deref().unwrap().contains("“甲镇”"),
        "{:?}",
        unknown[0].hint
    );
    // Its projects are all 甲镇's: the report is 甲镇's, not one 甲镇 did not send.
    assert!(
        unknown[1]
            .message
            .contains("本表所报项目均属甲镇，按甲镇的报送计"),
        "{}",
        unknown[1].message
    );
    assert!(
        !data
            .diagnostics
            .iter()
            .any(|d| d.code == Code::MissingSubmission)
    );
    let (_keep, rules) = edited_rules(&[(
        "units.toml",
        "[[unit]]\nname = \"马庄乡\"",
        "[[unit]]\nname = \"甲镇\"\naliases = [\"甲镇便民服务中心\"]\n\n[[unit]]\nname = \"马庄乡\"",
    )]);
    let data = ingest(dir.path(), &Rules::load(Some(&rules)).unwrap()).unwrap();
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
    assert!(
        data.records("monthly")
            .iter()
            .all(|r| r.unit.as_deref() == Some("甲镇"))
    );
}

#[test]
fn wide_procedure_table_unpivots_into_the_long_lists_records() {
    let dir = input_with(&[(&layout("wide_procedures.xlsx"), "前期手续办理进度表.xlsx")]);
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    // The fixture ledger's unit sent no monthly report here; nothing else to say.
    assert!(
        data.diagnostics
            .iter()
            .all(|d| d.code == Code::MissingSubmission),
        "{:#?}",
        data.diagnostics
    );
    let got: Vec<_> = data
        .records("procedures")
        .iter()
        .map(|r| {
            (
                r.project.clone().unwrap(),
                r.text("procedure").unwrap().to_string(),
                r.text("department").unwrap().to_string(),
                r.date("assigned_date"),
                r.number("limit_workdays"),
                r.date("finished_date"),
                r.text("status").map(str::to_string),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (
                s("P-001"),
                s("企业投资项目备案"),
                s("县发改委"),
                Some(d(2026, 2, 10)),
                None,
                Some(d(2026, 2, 12)),
                None
            ),
            (
                s("P-001"),
                s("环境影响评价"),
                s("市生态环境局镇平分局"),
                Some(d(2026, 2, 10)),
                Some(30.0),
                None,
                Some(s("办理中"))
            ),
            (
                s("P-001"),
                s("林地手续"),
                s("县林业局"),
                Some(d(2026, 3, 1)),
                None,
                Some(d(2026, 3, 20)),
                None
            ),
            (
                s("P-002"),
                s("企业投资项目备案"),
                s("县发改委"),
                Some(d(2026, 4, 1)),
                None,
                None,
                None
            ),
            (
                s("P-002"),
                s("环境影响评价"),
                s("市生态环境局镇平分局"),
                Some(d(2026, 4, 1)),
                None,
                Some(d(2026, 4, 20)),
                Some(s("已办结"))
            ),
        ]
    );
    // 环评 is 环境影响评价 (rules' [wide.aliases]), whose time limit deadlines.toml sets.
    let rules = Rules::load(None).unwrap();
    let limit = rules.deadlines.rules.iter().find_map(|d| match &d.due {
        Due::After { limits, .. } => limits.get("环境影响评价").copied(),
        _ => None,
    });
    assert_eq!(limit, Some(30));
    let procedure_cell = data.records("procedures")[1].cell_ref("procedure");
    assert_eq!(procedure_cell, "前期手续办理进度表.xlsx!进度表!F2");
    let f = &data.files[1];
    assert!(f.balanced(), "{f:?}");
}

// --- the project's own month, laid out every way at once --------------------------------------

/// run.json without what names files, cells or the rules' origin.
fn results(out: &Path) -> J {
    fn strip(v: &J) -> J {
        match v {
            J::Object(m) => J::Object(
                m.iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "source" | "location" | "rules_hash" | "diagnostics" | "files"
                        )
                    })
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            J::Array(a) => J::Array(a.iter().map(strip).collect()),
            // A file's name (the item of a submission deadline) differs with the layout.
            J::String(s) if [".xlsx", ".xls", ".ods"].iter().any(|e| s.ends_with(e)) => {
                J::String("（文件）".into())
            }
            other => other.clone(),
        }
    }
    let json: J =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026-10/run.json")).unwrap())
            .unwrap();
    strip(&json)
}

fn run_month(input: &Path, rules: &Path) -> (tempfile::TempDir, J) {
    let out = tempfile::tempdir().unwrap();
    let r = Sanyipi::month(input, "2026-10")
        .out(out.path())
        .rules(rules)
        .run();
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let j = results(out.path());
    (out, j)
}

fn diagnostics(out: &Path, severity: &str) -> Vec<(String, String)> {
    let json: J =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026-10/run.json")).unwrap())
            .unwrap();
    let mut v: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == severity)
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_layout_gives_the_plain_months_results() {
    // The samples name their environment office 市生态环境局分局: the procedure → department
    // table of the rules says who handles 环境影响评价 in the wide form.
    let (_keep, rules) = edited_rules(&[(
        "tables/procedures.toml",
        "\"市生态环境局镇平分局\" =",
        "\"市生态环境局分局\" =",
    )]);
    let plain = root().join("samples/2026-10");
    let laid_out = fixture("layouts/2026-10");
    let (plain_out, plain_json) = run_month(&plain, &rules);
    let (laid_out_out, laid_out_json) = run_month(&laid_out, &rules);
    for key in [
        "units",
        "projects",
        "deadlines",
        "notices",
        "escalations",
        "missing_years",
    ] {
        assert_eq!(plain_json[key], laid_out_json[key], "{key}");
    }
    assert_eq!(plain_json["units"].as_array().unwrap().len(), 6);
    // No error the plain month does not have; the same warnings.
    assert_eq!(
        diagnostics(plain_out.path(), "Error"),
        diagnostics(laid_out_out.path(), "Error")
    );
    assert_eq!(
        diagnostics(plain_out.path(), "Warning"),
        diagnostics(laid_out_out.path(), "Warning")
    );
    // The workbook's 数据核对 says what was hidden, skipped and left out.
    let mut wb: Xlsx<_> = open_workbook(
        laid_out_out
            .path()
            .join("2026-10/2026年10月重点项目考核排名.xlsx"),
    )
    .unwrap();
    let recon = wb.worksheet_range("数据核对").unwrap();
    let remark = |file: &str| -> String {
        recon
            .rows()
            .find(|r| r[0] == Data::String(file.into()))
            .map(|r| r[11].to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        remark("月报/城关镇.xlsx"),
        "隐藏行 1 行（第7行），已照常读取；小计行 1 行（第6行），已跳过"
    );
    assert_eq!(
        remark("月报/东湖镇.xlsx"),
        "工作表“9月”为9月，非考核月份，未使用"
    );
    assert_eq!(remark("签约项目.xlsx"), "");
    // With the shipped table the department is the notice's own name: the rule decides.
    let (_keep2, shipped) = edited_rules(&[]);
    let (_o, shipped_json) = run_month(&laid_out, &shipped);
    assert_ne!(plain_json["deadlines"], shipped_json["deadlines"]);
    assert!(
        shipped_json["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["recipient"] == "市生态环境局镇平分局")
    );
}

#[test]
fn check_shows_hidden_subtotal_rows_and_unused_sheets() {
    let input = fixture("layouts/2026-10");
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--month",
        "2026-10",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for line in [
        "重大项目管理台账.xlsx: 隐藏行 1 行（第8行），已照常读取",
        "月报/东湖镇.xlsx: 工作表“9月”为9月，非考核月份，未使用",
        "月报/县经开区管委会.xlsx: 工作表“2026年9月”为2026年9月，非考核月份，未使用",
        "月报/城关镇.xlsx: 隐藏行 1 行（第7行），已照常读取",
        "月报/城关镇.xlsx: 小计行 1 行（第6行），已跳过",
    ] {
        assert!(r.stdout.contains(line), "{line}\n{}", r.stdout);
    }
    assert!(r.stdout.contains("月报/南阳街道办事处10月报表.xlsx"));
    assert!(!r.stdout.contains("W040] 月报/*: 南阳街道"), "{}", r.stdout);
    insta::assert_snapshot!(r.stdout.replace(input.to_str().unwrap(), "<input>"));
}

#[test]
fn unit_and_month_sheet_messages() {
    let dir = input_with(&[
        (&layout("signed_unknown.xlsx"), "月报/signed_unknown.xlsx"),
        (&layout("year_workbook.xlsx"), "月报/甲镇.xlsx"),
    ]);
    let october = Some(Month {
        year: 2026,
        month: 10,
    });
    let data = ingest_month(dir.path(), &Rules::load(None).unwrap(), october).unwrap();
    let shown: Vec<String> = data
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::UnknownUnit | Code::NoMonthSheet))
        .map(|d| d.to_string())
        .collect();
    insta::assert_snapshot!(shown.join("\n"));
}

/// 南阳街道's October report rewritten as towns lay it out: section headings (`一、签约一批`,
/// `（二）` beside `开工一批`), totals and subtotals in other words (`开工一批小计`,
/// `其中：续建项目`, `全镇合计`, `合计（2个）`) and a signature line under the table
/// (`单位负责人：… 填表人：… 联系电话：…`), none with a project code. Each is read as what it is,
/// not as a project missing from the ledger (E030) or a ledger row missing its values (E020):
/// the month gives the plain month's results and problems.
#[test]
fn headings_totals_in_other_words_and_signature_lines_are_not_projects() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    let path = input.join("月报/南阳街道.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    drop(wb);
    // The title and 填报 lines, the header, then the projects (rows with a 项目编号).
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == &Data::String("项目编号".into())))
        .unwrap();
    let code_col = rows[header]
        .iter()
        .position(|c| c == &Data::String("项目编号".into()))
        .unwrap();
    let projects: Vec<&Vec<Data>> = rows[header + 1..]
        .iter()
        .filter(|r| !matches!(r.get(code_col), None | Some(Data::Empty)))
        .collect();
    assert_eq!(projects.len(), 2);
    let text = |s: &str| Data::String(s.into());
    let mut out: Vec<Vec<Data>> = rows[..=header].to_vec();
    out.push(vec![text("一、签约一批")]);
    out.push(vec![text("（二）"), Data::Empty, text("开工一批")]);
    out.push(projects[0].clone());
    out.push(vec![
        Data::Empty,
        Data::Empty,
        text("开工一批小计"),
        Data::Float(1.0),
    ]);
    out.push(vec![
        Data::Empty,
        Data::Empty,
        text("其中：续建项目"),
        Data::Float(1.0),
    ]);
    out.push(vec![text("三、投产一批")]);
    out.push(projects[1].clone());
    out.push(vec![
        text("全镇合计"),
        Data::Empty,
        Data::Empty,
        Data::Float(2.0),
    ]);
    out.push(vec![
        Data::Empty,
        Data::Empty,
        text("合计（2个）"),
        Data::Float(2.0),
    ]);
    out.push(vec![
        text("单位负责人：王五"),
        Data::Empty,
        Data::Empty,
        text("填表人：李四"),
        Data::Empty,
        Data::Empty,
        text("联系电话：13800000000"),
    ]);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name(&name).unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in out.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match v {
                Data::String(s) => drop(sheet.write_string(r, c, s)),
                Data::Float(f) => drop(sheet.write_number(r, c, *f)),
                Data::Int(i) => drop(sheet.write_number(r, c, *i as f64)),
                Data::DateTime(d) => drop(sheet.write_number_with_format(r, c, d.as_f64(), &date)),
                Data::Bool(b) => drop(sheet.write_boolean(r, c, *b)),
                _ => {}
            }
        }
    }
    book.save(&path).unwrap();
    let (_keep, rules) = edited_rules(&[]);
    let plain = root().join("samples/2026-10");
    let (plain_out, plain_json) = run_month(&plain, &rules);
    let (laid_out_out, laid_out_json) = run_month(&input, &rules);
    for key in ["units", "projects", "notices"] {
        assert_eq!(plain_json[key], laid_out_json[key], "{key}");
    }
    assert_eq!(
        diagnostics(plain_out.path(), "Error"),
        diagnostics(laid_out_out.path(), "Error")
    );
    assert_eq!(
        diagnostics(plain_out.path(), "Warning"),
        diagnostics(laid_out_out.path(), "Warning")
    );
}

#[test]
fn a_remark_after_a_ledger_units_name_is_no_part_of_it() {
    let s = Samples::own();
    let input = tempfile::tempdir().unwrap();
    copy_dir(&s.month("2026-10"), input.path());
    let ledger = input.path().join("重大项目管理台账.xlsx");
    let bytes = crate::hostile::patched_file(&ledger, "xl/sharedStrings.xml", |t| {
        assert!(t.contains("<t>东湖镇</t>"), "{t}");
        t.replace("<t>东湖镇</t>", "<t>东湖镇人民政府（盖章）</t>")
    });
    std::fs::write(&ledger, bytes).unwrap();
    let check = |dir: &Path| {
        let r = sanyipi(&[
            "check",
            "--input",
            dir.to_str().unwrap(),
            "--month",
            "2026-10",
        ]);
        (r.code, r.stdout.replace(dir.to_str().unwrap(), "<input>"))
    };
    assert_eq!(check(input.path()), check(&s.month("2026-10")));
}

/// A report whose hidden column F carries last month's 累计完成投资 beside the visible G of this
/// month's: the visible column is read, and the warning at F says it is hidden.
fn hidden_column_report(kind: &str) -> Vec<u8> {
    let head = [
        "序号",
        "项目编号",
        "项目名称",
        "年度计划投资（万元）",
        "本月完成投资（万元）",
        "累计完成投资",
        "累计完成投资（万元）",
        "是否开工",
    ];
    let rows: [[&str; 8]; 2] = [
        [
            "1",
            "P-001",
            "测试甲项目",
            "1000",
            "100",
            "400",
            "500",
            "是",
        ],
        ["2", "P-002", "测试乙项目", "2000", "0", "7", "0", "否"],
    ];
    match kind {
        "xlsx" => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("月报").unwrap();
            ws.write(0, 0, "重点项目推进情况月报表（2026年10月）")
                .unwrap();
            ws.write(1, 0, "填报单位：甲镇    填报日期：2026年10月18日")
                .unwrap();
            for (c, h) in head.iter().enumerate() {
                ws.write(2, c as u16, *h).unwrap();
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    match v.parse::<f64>() {
                        Ok(x) => ws.write(3 + r as u32, c as u16, x).unwrap(),
                        Err(_) => ws.write(3 + r as u32, c as u16, *v).unwrap(),
                    };
                }
            }
            ws.set_column_hidden(5).unwrap();
            wb.save_to_buffer().unwrap()
        }
        _ => {
            let cell = |v: &str| match v.parse::<f64>() {
                Ok(x) => format!(
                    r#"<table:table-cell office:value-type="float" office:value="{x}"><text:p>{v}</text:p></table:table-cell>"#
                ),
                Err(_) => format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
                ),
            };
            let row = |cells: &[&str]| {
                let inner: String = cells.iter().map(|v| cell(v)).collect();
                format!("<table:table-row>{inner}</table:table-row>")
            };
            let mut xml = String::from(
                r#"<table:table table:name="月报"><table:table-column table:number-columns-repeated="5"/><table:table-column table:visibility="collapse"/><table:table-column table:number-columns-repeated="2"/>"#,
            );
            xml.push_str(&row(&["重点项目推进情况月报表（2026年10月）"]));
            xml.push_str(&row(&["填报单位：甲镇    填报日期：2026年10月18日"]));
            xml.push_str(&row(&head));
            for r in &rows {
                xml.push_str(&row(r));
            }
            xml.push_str("</table:table>");
            crate::hostile_readers::ods(&xml)
        }
    }
}

#[test]
fn a_hidden_column_under_a_fields_name_gives_way_to_the_visible_one() {
    for kind in ["xlsx", "ods"] {
        let dir = input_with(&[]);
        let file = dir.path().join(format!("月报/甲镇.{kind}"));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, hidden_column_report(kind)).unwrap();
        let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
        let rows = data.records("monthly");
        assert_eq!(rows.len(), 2, "{kind}");
        assert_eq!(rows[0].number("cum_invest"), Some(500.0), "{kind}");
        assert_eq!(rows[1].number("cum_invest"), Some(0.0), "{kind}");
        let said: Vec<String> = data.diagnostics.iter().map(|d| d.to_string()).collect();
        let w066 = said
            .iter()
            .find(|d| d.contains("W066"))
            .unwrap_or_else(|| panic!("{kind}: {said:#?}"));
        assert!(
            w066.contains("!F3") && w066.contains("隐藏列") && w066.contains("只读取 G3"),
            "{kind}: {w066}"
        );
    }
}
