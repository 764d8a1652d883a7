//! One test per input quirk, each on a small fixture of its own (see tests/fixtures/).

use crate::common::*;
use chrono::NaiveDate;
use sanyipi::diagnostic::Code;
use sanyipi::ingest::{Dataset, ingest};
use sanyipi::rules::Rules;
use std::path::Path;

fn read(files: &[(&str, &str)]) -> Dataset {
    let dir = input_with(files);
    ingest(dir.path(), &Rules::load(None).unwrap()).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The values every monthly fixture encodes.
fn assert_standard_month(data: &Dataset, file: &str) {
    let rows: Vec<_> = data
        .records("monthly")
        .iter()
        .filter(|r| r.file == file)
        .collect();
    assert_eq!(rows.len(), 2, "{file}: {:#?}", data.diagnostics);
    let a = rows
        .iter()
        .find(|r| r.project.as_deref() == Some("P-001"))
        .unwrap();
    assert_eq!(a.number("annual_plan"), Some(1000.0));
    assert_eq!(a.number("month_invest"), Some(100.0));
    assert_eq!(a.number("cum_invest"), Some(500.0));
    assert_eq!(a.bool("started"), Some(true));
    assert_eq!(a.date("actual_start"), Some(d(2026, 3, 5)), "{file}");
    assert_eq!(a.bool("completed"), Some(false));
    let b = rows
        .iter()
        .find(|r| r.project.as_deref() == Some("P-002"))
        .unwrap();
    assert_eq!(b.number("cum_invest"), Some(0.0));
    assert_eq!(b.bool("started"), Some(false));
    assert_eq!(b.date("actual_start"), None);
    assert_eq!(a.unit.as_deref(), Some("甲镇"));
    assert_eq!(a.submitted_on, Some(d(2026, 9, 18)));
    let s = data.files.iter().find(|f| f.file == file).unwrap();
    assert!(s.balanced(), "{s:?}");
}

#[test]
fn plain_template() {
    let data = read(&[("plain.xlsx", "月报/甲镇.xlsx")]);
    assert_standard_month(&data, "月报/甲镇.xlsx");
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
}

#[test]
fn ledger_two_row_header_and_total_row() {
    let data = read(&[]);
    let ledger = data.records("ledger");
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0].number("total_invest"), Some(10000.0));
    assert_eq!(ledger[0].number("annual_plan"), Some(1000.0));
    assert_eq!(ledger[1].date("land_delisting_date"), Some(d(2026, 4, 1)));
    let s = &data.files[0];
    assert_eq!((s.rows.read, s.used, s.rows.total), (3, 2, 1));
}

#[test]
fn legacy_xls() {
    let data = read(&[("legacy.xls", "月报/甲镇.xls")]);
    assert_standard_month(&data, "月报/甲镇.xls");
}

#[test]
fn ods_from_wps() {
    let data = read(&[("wps.ods", "月报/甲镇.ods")]);
    assert_standard_month(&data, "月报/甲镇.ods");
}

#[test]
fn workbook_in_1904_date_mode() {
    let data = read(&[("date1904.xlsx", "月报/甲镇.xlsx")]);
    assert_standard_month(&data, "月报/甲镇.xlsx");
}

#[test]
fn data_on_second_sheet_with_total_and_note() {
    let data = read(&[("second_sheet.xlsx", "月报/甲镇.xlsx")]);
    assert_standard_month(&data, "月报/甲镇.xlsx");
    let s = &data
        .files
        .iter()
        .find(|f| f.file == "月报/甲镇.xlsx")
        .unwrap();
    assert_eq!((s.rows.total, s.rows.blank, s.rows.note), (1, 1, 1));
}

#[test]
fn two_row_header_with_merged_groups() {
    let data = read(&[("two_row_header.xlsx", "月报/甲镇.xlsx")]);
    assert_standard_month(&data, "月报/甲镇.xlsx");
}

#[test]
fn text_values_and_name_matching() {
    let data = read(&[("text_values.xlsx", "月报/甲镇.xlsx")]);
    let rows = data.records("monthly");
    assert_eq!(rows.len(), 2, "{:#?}", data.diagnostics);
    let a = &rows[0];
    assert_eq!(
        a.project.as_deref(),
        Some("P-001"),
        "matched by name despite U+3000"
    );
    assert_eq!(a.number("annual_plan"), Some(1000.0), "1,000");
    assert_eq!(a.number("month_invest"), Some(100.0), "full-width digits");
    assert_eq!(a.number("cum_invest"), Some(500.0), "0.05亿");
    assert_eq!(a.bool("started"), Some(true), "已开工");
    assert_eq!(a.date("actual_start"), Some(d(2026, 3, 5)), "2026.3.5");
    assert_eq!(a.bool("completed"), Some(false), "— is empty, empty is 否");
    let b = &rows[1];
    assert_eq!(b.project.as_deref(), Some("P-002"), "inner space ignored");
    assert_eq!(b.number("annual_plan"), Some(2000.0), "2000万元");
    assert_eq!(b.number("month_invest"), None, "— is empty");
    assert_eq!(b.bool("started"), Some(false), "未开工");
    let s = &data
        .files
        .iter()
        .find(|f| f.file == "月报/甲镇.xlsx")
        .unwrap();
    assert_eq!(
        s.rows.blank, 2,
        "blank row inside the table and before the note"
    );
    assert!(data.diagnostics.is_empty(), "{:#?}", data.diagnostics);
}

#[test]
fn unreadable_values_and_unknown_projects_are_reported_with_cells() {
    let data = read(&[("bad_values.xlsx", "月报/甲镇.xlsx")]);
    let bad = data
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BadValue)
        .unwrap();
    assert_eq!(bad.location.to_string(), "月报/甲镇.xlsx!月报!H5");
    assert!(bad.message.contains("待定"));
    let unknown = data
        .diagnostics
        .iter()
        .find(|d| d.code == Code::NotInLedger)
        .unwrap();
    assert_eq!(unknown.location.to_string(), "月报/甲镇.xlsx!月报!C6");
    assert_eq!(
        data.records("monthly").len(),
        2,
        "the 待定 row is used, the unknown one is not"
    );
    let s = &data
        .files
        .iter()
        .find(|f| f.file == "月报/甲镇.xlsx")
        .unwrap();
    assert_eq!((s.used, s.rejected), (2, 1));
    assert!(s.balanced());
}

fn single_problem(fixture: &str, name: &str) -> sanyipi::diagnostic::Diagnostic {
    let data = read(&[(fixture, name)]);
    let file: Vec<_> = data
        .diagnostics
        .iter()
        .filter(|d| d.location.file == name)
        .collect();
    assert_eq!(file.len(), 1, "{:#?}", data.diagnostics);
    assert!(
        data.records("ledger").len() == 2,
        "the run goes on with the other files"
    );
    file[0].clone()
}

#[test]
fn password_protected_file() {
    let d = single_problem("encrypted.xlsx", "月报/甲镇.xlsx");
    assert_eq!(d.code, Code::Encrypted);
    assert!(d.message.contains("密码"));
}

#[test]
fn html_saved_as_xls() {
    let d = single_problem("html_disguised.xls", "月报/甲镇.xls");
    assert_eq!(d.code, Code::Disguised);
    assert!(d.message.contains("网页"));
}

#[test]
fn corrupt_file() {
    let d = single_problem("corrupt.xlsx", "月报/甲镇.xlsx");
    assert_eq!(d.code, Code::Unreadable);
}

#[test]
fn xlsx_renamed_to_xls_is_read_by_content() {
    let data = read(&[("plain.xlsx", "月报/甲镇.xls")]);
    assert_standard_month(&data, "月报/甲镇.xls");
}

#[test]
fn missing_unit_report_is_reported() {
    let data = read(&[]);
    let d = data
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MissingSubmission)
        .unwrap();
    assert!(d.message.contains("甲镇未报送"), "{}", d.message);
}

#[test]
fn formula_without_cached_value_is_reported_not_zero() {
    let data = read(&[("formula_no_value.xlsx", "月报/甲镇.xlsx")]);
    let d = data
        .diagnostics
        .iter()
        .find(|d| d.code == Code::FormulaNoValue)
        .expect("reported");
    assert_eq!(d.location.to_string(), "月报/甲镇.xlsx!月报!F4");
    assert!(
        data.records("monthly")
            .iter()
            .all(|r| r.project.as_deref() != Some("P-001")),
        "not read as 0"
    );
    let s = &data
        .files
        .iter()
        .find(|f| f.file == "月报/甲镇.xlsx")
        .unwrap();
    assert!(s.balanced());
}

/// The ledger grouped under numbered headings of new and continuing projects (一、新建项目（1个）,
/// （二） in one cell and 续建项目 in another): the headings are notes, not projects with every
/// required value missing (the words are `section` of `[rows]`, ingest.toml).
#[test]
fn ledger_grouped_under_new_and_continuing_headings() {
    let rows = xlsx_rows(&fixture("ledger.xlsx"), "台账");
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "项目编号"))
        .unwrap();
    // The header's second row (投资情况 over 总投资 and 年度计划投资) ends it.
    let first = header + 2;
    assert!(rows[first][1].starts_with("P-"), "{:?}", rows[first]);
    let mut grouped: Vec<Vec<String>> = rows[..first].to_vec();
    let width = rows[header].len();
    let heading = |cells: &[(usize, &str)]| {
        let mut r = vec![String::new(); width];
        for (c, t) in cells {
            r[*c] = t.to_string();
        }
        r
    };
    grouped.push(heading(&[(0, "一、新建项目（1个）")]));
    grouped.push(rows[first].clone());
    grouped.push(heading(&[(0, "（二）"), (2, "续建项目")]));
    grouped.extend(rows[first + 1..].iter().cloned());
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    for (r, row) in grouped.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(x) if r >= first => ws.write(r as u32, c as u16, x).unwrap(),
                _ => ws.write(r as u32, c as u16, v.as_str()).unwrap(),
            };
        }
    }
    wb.save(dir.path().join("重大项目管理台账.xlsx")).unwrap();
    let data = ingest(dir.path(), &Rules::load(None).unwrap()).unwrap();
    let said: Vec<String> = data.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(said.iter().all(|d| !d.contains("E020")), "{said:#?}");
    let plain = read(&[]);
    assert_eq!(data.records("ledger").len(), plain.records("ledger").len());
    let (f, p) = (&data.files[0], &plain.files[0]);
    assert_eq!(f.rows.note, p.rows.note + 2, "{f:?}");
}

/// The sample October month in a temp folder with its 前期手续 list's rows changed by `edit`
/// (rows as text, numbers written back as numbers); the folder and the header row's index.
fn october_with_procedures(
    edit: impl FnOnce(&mut Vec<Vec<String>>, usize),
) -> (tempfile::TempDir, Vec<Vec<String>>, usize) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("samples/2026-10"), dir.path());
    let file = dir.path().join("前期手续办理清单.xlsx");
    let mut rows = xlsx_rows(&file, "前期手续");
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "项目编号"))
        .unwrap();
    edit(&mut rows, header);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("前期手续").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(x) if r > header => ws.write(r as u32, c as u16, x).unwrap(),
                _ => ws.write(r as u32, c as u16, v.as_str()).unwrap(),
            };
        }
    }
    wb.save(&file).unwrap();
    (dir, rows, header)
}

/// A procedure listed twice for one project in the 前期手续 list: the repeat is E031 at its
/// cell and not used (it was counted twice: two procedures, one of them on time).
#[test]
fn a_procedure_listed_twice_for_a_project_is_counted_once() {
    let (dir, rows, header) = october_with_procedures(|rows, header| {
        let repeat = rows[header + 1].clone();
        rows.push(repeat);
    });
    let rules = Rules::load(None).unwrap();
    let data = ingest(dir.path(), &rules).unwrap();
    let plain = ingest(&root().join("samples/2026-10"), &rules).unwrap();
    assert_eq!(
        data.records("procedures").len(),
        plain.records("procedures").len()
    );
    let said: Vec<String> = data
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::DuplicateProject)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(said.len(), 1, "{said:#?}");
    let last = rows.len();
    assert!(
        said[0].contains(&format!("!前期手续!D{last}:"))
            && said[0].contains(&format!(
                "已在 前期手续办理清单.xlsx!前期手续!第{}行 填报",
                header + 2
            )),
        "{}",
        said[0]
    );
}

/// A procedure's other name in the long form (环评, `[wide.aliases]`) takes its time limit as
/// the wide form does; a procedure with no time limit at all (W069) is not counted for or
/// against the project (it counted as late).
#[test]
fn procedures_by_another_name_or_without_a_limit() {
    let project = |dir: &Path| -> serde_json::Value {
        let out = tempfile::tempdir().unwrap();
        let r = Sanyipi::month(dir, "2026-10")
            .out(out.path())
            .run()
            .expect_done();
        let json = r.json("2026-10/run.json");
        json["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "DH2026-002")
            .unwrap()
            .clone()
    };
    let base = tempfile::tempdir().unwrap();
    copy_dir(&root().join("samples/2026-10"), base.path());
    let base = project(base.path());
    let rename = |to: &'static str, from: &'static str| {
        move |rows: &mut Vec<Vec<String>>, header: usize| {
            let name = rows[header].iter().position(|h| h == "手续名称").unwrap();
            let limit = rows[header]
                .iter()
                .position(|h| h.starts_with("办理时限"))
                .unwrap();
            let row = rows
                .iter_mut()
                .find(|r| r[1] == "DH2026-002" && r[name] == from)
                .unwrap();
            row[name] = to.into();
            row[limit] = String::new();
        }
    };
    let (alias, ..) = october_with_procedures(rename("环评", "环境影响评价"));
    let alias = project(alias.path());
    assert_eq!(alias["parts"], base["parts"], "{alias:#}");
    let (unknown, ..) = october_with_procedures(rename("规划许可", "建设用地规划许可证"));
    let unknown = project(unknown.path());
    let total = |p: &serde_json::Value| p["procedures_total"].as_u64().unwrap();
    let ok = |p: &serde_json::Value| p["procedures_ok"].as_u64().unwrap();
    assert_eq!(total(&unknown), total(&base) - 1, "{unknown:#}");
    assert_eq!(ok(&unknown), ok(&base) - 1, "{unknown:#}");
}
