//! The signed list against history and the ledger across two months (a copy of
//! `samples/2026-09` run first, then `samples/2026-10`): a signing of the month's first days
//! listed on the next month's list, the year's figure of a signing only the list dated, two
//! ledger projects of one name.

use crate::common::*;
use crate::hostile::patched_file;
use crate::plausibility::SHEET;
use crate::plausibility_across::{signed_list, signed_of};
use std::path::{Path, PathBuf};

/// The sample `month` copied under `dir`, with each (file, part, from, to) applied once.
fn month_with(dir: &Path, month: &str, edits: &[(&str, &str, &str, &str)]) -> PathBuf {
    let input = dir.join(month);
    copy_dir(&root().join("samples").join(month), &input);
    for (file, part, from, to) in edits {
        let path = input.join(file);
        let bytes = patched_file(&path, part, |t| {
            assert!(t.contains(from), "{from}");
            t.replacen(from, to, 1)
        });
        std::fs::write(&path, bytes).unwrap();
    }
    input
}

const LEDGER: &str = "重大项目管理台账.xlsx";

#[test]
fn a_signing_of_the_months_first_days_on_the_next_months_list_is_not_signed_before() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // DH2026-011 (汽车零部件产业园项目, 县经开区) signed 2026-09-02 instead of 2026-06-02: in
    // September's ledger (and history), and rightly on October's list of September's signings.
    let edit = [(
        LEDGER,
        SHEET,
        r#"<c r="H15" s="4"><v>46175</v>"#,
        r#"<c r="H15" s="4"><v>46267</v>"#,
    )];
    let september = month_with(dir.path(), "2026-09", &edit);
    Sanyipi::month(&september, "2026-09")
        .out(&out)
        .run()
        .expect_done();
    let october = month_with(dir.path(), "2026-10", &edit);
    signed_list(
        &october.join("签约项目.xlsx"),
        &[("汽车零部件产业园项目", 3.0, "2026年9月2日", "县经开区")],
    );
    let json = Sanyipi::month(&october, "2026-10")
        .out(&out)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let said = json["diagnostics"].to_string();
    assert!(!said.contains("W074"), "{said}");
    assert!(!said.contains("汽车零部件产业园项目"), "{said}");
}

/// An August signed list for September's folder (reported 2026-09-01), rows as `signed_list`.
fn august_list(path: &Path, rows: &[(&str, f64, &str, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("签约项目").unwrap();
    ws.write(0, 0, "2026年8月份签约项目情况表").unwrap();
    ws.write(1, 0, "报送单位：县招商服务中心    报送日期：2026年9月1日")
        .unwrap();
    for (c, h) in ["序号", "项目名称", "总投资（亿元）", "签约日期", "责任单位"]
        .iter()
        .enumerate()
    {
        ws.write(2, c as u16, *h).unwrap();
    }
    for (i, (name, yi, date, unit)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write(r, 0, (i + 1) as f64).unwrap();
        ws.write(r, 1, *name).unwrap();
        ws.write(r, 2, *yi).unwrap();
        ws.write(r, 3, *date).unwrap();
        ws.write(r, 4, *unit).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn a_signing_only_an_earlier_months_list_dated_stays_in_the_years_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // DH2026-002 (城区供热管网改造项目, 城关镇) has no 签约日期 in the ledger; September's list
    // of August's signings dates it.
    let september = month_with(dir.path(), "2026-09", &[]);
    august_list(
        &september.join("签约项目.xlsx"),
        &[("城区供热管网改造项目", 1.5, "2026年8月20日", "城关镇")],
    );
    let sep = Sanyipi::month(&september, "2026-09")
        .out(&out)
        .run()
        .json("2026-09/run.json");
    let oct = Sanyipi::month("samples/2026-10", "2026-10")
        .out(&out)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let (_, sep_year, sep_yi) = signed_of(&sep, "城关镇");
    let (oct_month, oct_year, oct_yi) = signed_of(&oct, "城关镇");
    // The months add up: October's year is September's and October's month.
    assert_eq!(
        oct_year,
        sep_year + oct_month,
        "{}\n{}",
        sep["stages"],
        oct["stages"]
    );
    assert!(oct_yi >= sep_yi, "{}\n{}", sep["stages"], oct["stages"]);
}
