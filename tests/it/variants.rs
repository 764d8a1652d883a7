//! Reports in words the shipped headers first did not know (tests/fixtures/make_variants.py):
//! another county's column names, a two-row header with 累计 under its group, a start date under
//! a header of no known name, a procedure list with 3个工作日 and 办结. Each must read as the
//! clerk meant it, or say at the header what was not read.

use crate::common::*;
use crate::test::Sanyipi;
use chrono::NaiveDate;
use sanyipi::diagnostic::{Code, Severity};
use sanyipi::engine::Month;
use sanyipi::ingest::{Dataset, ingest_month};
use sanyipi::rules::Rules;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn september(dir: &std::path::Path, rules: Option<&std::path::Path>) -> Dataset {
    let month = Some(Month {
        year: 2026,
        month: 9,
    });
    ingest_month(dir, &Rules::load(rules).unwrap(), month).unwrap()
}

fn errors(data: &Dataset) -> Vec<String> {
    data.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn other_names_and_a_two_row_header_read_every_figure() {
    let dir = input_with(&[("variants/other_names.xlsx", "月报/甲镇.xlsx")]);
    let data = september(dir.path(), None);
    assert!(errors(&data).is_empty(), "{:#?}", data.diagnostics);
    let w071: Vec<_> = data
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MissingOptionalColumn)
        .collect();
    assert!(w071.is_empty(), "{w071:#?}");
    let rows = data.records("monthly");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].project.as_deref(), Some("P-001"));
    assert_eq!(rows[0].number("cum_invest"), Some(600.0));
    assert_eq!(rows[0].number("month_invest"), Some(100.0));
    assert_eq!(rows[0].date("actual_start"), Some(d(2026, 3, 2)));
    assert_eq!(rows[1].number("cum_invest"), Some(1100.0));
    assert_eq!(rows[1].date("actual_start"), Some(d(2026, 6, 5)));
}

#[test]
fn a_start_date_header_of_no_known_name_is_said_at_the_header() {
    let dir = input_with(&[("variants/unknown_header.xlsx", "月报/甲镇.xlsx")]);
    let data = september(dir.path(), None);
    let w: Vec<String> = data
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MissingOptionalColumn)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(w.len(), 1, "{:#?}", data.diagnostics);
    assert!(w[0].contains("月报/甲镇.xlsx!Sheet1!A3"), "{}", w[0]);
    assert!(w[0].contains("“实际开工日期”"), "{}", w[0]);
    assert!(w[0].contains("H3“开工年月”"), "{}", w[0]);
    // The rule set's word for it makes the column read, and the warning goes.
    let (_tmp, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "\"实际开工时间\"",
        "\"实际开工时间\", \"开工年月\"",
    )]);
    let data = september(dir.path(), Some(&rules));
    assert!(
        !data
            .diagnostics
            .iter()
            .any(|d| d.code == Code::MissingOptionalColumn),
        "{:#?}",
        data.diagnostics
    );
    assert_eq!(
        data.records("monthly")[0].date("actual_start"),
        Some(d(2026, 3, 2))
    );
}

#[test]
fn the_warned_columns_are_the_rules_choice() {
    // Without `warn_absent`, a missing 实际开工日期 column is not said (as before the rule).
    let dir = input_with(&[("variants/unknown_header.xlsx", "月报/甲镇.xlsx")]);
    let (_tmp, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "type = \"date\"\nwarn_absent = true",
        "type = \"date\"",
    )]);
    let data = september(dir.path(), Some(&rules));
    assert!(
        !data
            .diagnostics
            .iter()
            .any(|d| d.code == Code::MissingOptionalColumn),
        "{:#?}",
        data.diagnostics
    );
}

#[test]
fn a_time_limit_with_its_unit_and_status_words_read_as_meant() {
    let dir = input_with(&[("variants/procedures_words.xlsx", "前期手续办理清单.xlsx")]);
    let data = september(dir.path(), None);
    assert!(errors(&data).is_empty(), "{:#?}", data.diagnostics);
    let rows = data.records("procedures");
    assert_eq!(rows.len(), 3);
    let limits: Vec<Option<f64>> = rows.iter().map(|r| r.number("limit_workdays")).collect();
    assert_eq!(limits, [Some(3.0), Some(10.0), Some(5.0)]);
    let status: Vec<Option<&str>> = rows.iter().map(|r| r.text("status")).collect();
    assert_eq!(status, [Some("已办结"), Some("办理中"), Some("未启动")]);
    assert_eq!(rows[0].date("finished_date"), Some(d(2026, 1, 7)));
    assert_eq!(rows[2].date("assigned_date"), Some(d(2026, 4, 1)));
}

#[test]
fn a_time_limit_unit_the_rules_do_not_list_is_an_error_at_its_cell() {
    let dir = input_with(&[("variants/procedures_words.xlsx", "前期手续办理清单.xlsx")]);
    let (_tmp, rules) = edited_rules(&[(
        "tables/procedures.toml",
        "units = { \"个工作日\" = 1, \"工作日\" = 1 }",
        "",
    )]);
    let data = september(dir.path(), Some(&rules));
    let errs = errors(&data);
    assert!(
        errs.iter()
            .any(|e| e.contains("前期手续办理清单.xlsx!Sheet1!G3") && e.contains("3个工作日")),
        "{errs:#?}"
    );
    // The run says the same to the clerk.
    let out = tempfile::tempdir().unwrap();
    Sanyipi::new()
        .args(["check", "--input"])
        .arg(dir.path())
        .args(["--month", "2026-09"])
        .rules(&rules)
        .arg("--out")
        .arg(out.path())
        .run()
        .expect_code(1);
}

#[test]
fn a_required_figure_written_as_none_is_said_as_written() {
    let dir = input_with(&[("variants/none_word.xlsx", "月报/甲镇.xlsx")]);
    let data = september(dir.path(), None);
    let e: Vec<_> = data
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MissingValue)
        .collect();
    assert_eq!(e.len(), 1, "{:#?}", data.diagnostics);
    let text = e[0].to_string();
    assert!(text.contains("月报/甲镇.xlsx!Sheet1!F4"), "{text}");
    assert!(
        text.contains("“累计完成投资”填的是“无”，按空值处理"),
        "{text}"
    );
    assert!(
        e[0].hint.as_deref().is_some_and(|h| h.contains("请填 0")),
        "{:?}",
        e[0].hint
    );
}
