//! 三个一批 of `samples/2026-10`: the expected figures per unit and for the county are computed
//! here from the input rows (`truth.json` and the signed list read with calamine), and compared
//! with the workbook's 三个一批 sheet read back cell by cell and with run.json.

use crate::common::*;
use crate::lights::{MONTH, cell, monthly, opt_date, run};
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::{Datelike, NaiveDate};
use serde_json::Value as J;
use std::collections::BTreeMap;

/// A `2026年9月16日` or `2026-09-16` date of the signed list.
fn signed_date(d: &Data) -> NaiveDate {
    match d {
        Data::String(s) => {
            let parts: Vec<u32> = s
                .split(|c: char| !c.is_ascii_digit())
                .filter(|x| !x.is_empty())
                .map(|x| x.parse().unwrap())
                .collect();
            NaiveDate::from_ymd_opt(parts[0] as i32, parts[1], parts[2]).unwrap()
        }
        Data::DateTime(x) => x.as_datetime().unwrap().date(),
        other => panic!("date {other:?}"),
    }
}

/// Per unit: [signed, started, completed] × [month count, month 亿元, year count, year 亿元].
type Figures = BTreeMap<String, [f64; 12]>;

fn expected_stages(t: &J, as_of: NaiveDate) -> Figures {
    let monthly = monthly(t);
    let month_from = date(&format!("{MONTH}-01"));
    let year_from = date("2026-01-01");
    let mut out = Figures::new();
    let mut add = |unit: &str, stage: usize, d: Option<NaiveDate>, yi: f64| {
        let f = out.entry(unit.to_string()).or_insert([0.0; 12]);
        let Some(d) = d else { return };
        if d >= month_from && d <= as_of {
            f[stage * 4] += 1.0;
            f[stage * 4 + 1] += yi;
        }
        if d >= year_from && d <= as_of {
            f[stage * 4 + 2] += 1.0;
            f[stage * 4 + 3] += yi;
        }
    };
    let mut names = Vec::new();
    for p in t["projects"].as_array().unwrap() {
        let unit = p["unit"].as_str().unwrap();
        let yi = p["total"].as_f64().unwrap() / 10_000.0;
        let m = monthly.get(p["id"].as_str().unwrap());
        names.push(p["name"].as_str().unwrap().to_string());
        add(unit, 0, opt_date(&p["sign"]), yi);
        add(unit, 1, m.and_then(|m| opt_date(&m["start"])), yi);
        add(unit, 2, m.and_then(|m| opt_date(&m["done_date"])), yi);
    }
    // The signed list, as the file has it: 总投资 in 亿元.
    let mut wb: Xlsx<_> = open_workbook(Samples::own().month(MONTH).join("签约项目.xlsx")).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| {
            r.iter()
                .any(|c| matches!(c, Data::String(s) if s == "项目名称"))
        })
        .unwrap();
    let col = |name: &str| {
        rows[header]
            .iter()
            .position(|c| c.to_string().starts_with(name))
            .unwrap()
    };
    let (name, invest, signed, unit) = (
        col("项目名称"),
        col("总投资"),
        col("签约日期"),
        col("责任单位"),
    );
    for r in &rows[header + 1..] {
        let n = r[name].to_string();
        if n.is_empty() || names.contains(&n) {
            continue;
        }
        let yi = match &r[invest] {
            Data::Float(x) => *x,
            Data::Int(x) => *x as f64,
            other => panic!("{other:?}"),
        };
        add(&r[unit].to_string(), 0, Some(signed_date(&r[signed])), yi);
    }
    out
}

#[test]
fn three_batches_per_unit_and_for_the_county() {
    let t = Samples::own().truth();
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-25", None);
    let expected = expected_stages(&t, date("2026-10-25"));
    let mut total = [0.0; 12];
    for f in expected.values() {
        for (k, x) in f.iter().enumerate() {
            total[k] += x;
        }
    }
    assert!(
        total[2] > 0.0 && total[6] > 0.0,
        "some signed and started this year"
    );
    let dir = out.path().join(MONTH);
    let mut wb: Xlsx<_> = open_workbook(dir.join("2026年10月重点项目考核排名.xlsx")).unwrap();
    let sheet = wb.worksheet_range("三个一批").unwrap();
    assert_eq!(cell(&sheet, (2, 0)), Data::String("单位".into()));
    // Each stage and period over its 个数 and 投资: the header takes two rows.
    assert_eq!(cell(&sheet, (2, 1)), Data::String("签约（本月）".into()));
    assert_eq!(cell(&sheet, (3, 1)), Data::String("个数".into()));
    let units = json["stages"]["units"].as_array().unwrap();
    assert_eq!(units.len(), expected.len());
    for i in 0..=units.len() {
        let row = 4 + i as u32;
        let Data::String(unit) = cell(&sheet, (row, 0)) else {
            panic!("row {row}")
        };
        let want = if i == units.len() {
            assert_eq!(unit, "合计");
            total
        } else {
            expected[&unit]
        };
        for (k, x) in want.iter().enumerate() {
            let got = match cell(&sheet, (row, 1 + k as u32)) {
                Data::Float(f) => f,
                other => panic!("{unit} col {k}: {other:?}"),
            };
            assert!((got - x).abs() < 1e-6, "{unit} col {k}: {got} vs {x}");
        }
    }
    // The step from signed to started, for the county: the year's signed projects started by now.
    let monthly = monthly(&t);
    let started_of_signed = t["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| opt_date(&p["sign"]).is_some_and(|d| d.year() == 2026))
        .filter(|p| {
            monthly
                .get(p["id"].as_str().unwrap())
                .is_some_and(|m| opt_date(&m["start"]).is_some())
        })
        .count();
    assert_eq!(
        json["stages"]["total"]["signed_then_started"],
        started_of_signed as u64
    );
    assert_eq!(
        cell(&sheet, (4 + units.len() as u32, 13)),
        Data::String(format!(
            "{started_of_signed}/{}（{:.1}%）",
            total[2],
            started_of_signed as f64 / total[2] * 100.0
        ))
    );
}

/// (month count, late, year count) of `stage` for `unit` ("" for the county) in a run.json.
fn stage_of(run: &J, unit: &str, stage: &str) -> (u64, u64, u64) {
    let figures = if unit.is_empty() {
        &run["stages"]["total"]
    } else {
        run["stages"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == unit)
            .unwrap_or(&J::Null)
    };
    let n = |v: &J| v.as_u64().unwrap_or(0);
    let s = &figures[stage];
    (
        n(&s["month"]["count"]),
        n(&s["month"]["late"]),
        n(&s["year"]["count"]),
    )
}

/// Months run in sequence with one history: after the first month run, each month's figure is
/// what the year's figure gained, so the first month's 累计 plus the later months' 本月 is the
/// last month's 累计, per stage, for the county and for each unit (a signing of the 28th
/// reported on the 1st counts in the month it is reported, said as such in the 通报).
fn the_months_add_up_to_the_year(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let (first, last) = (&runs[0], &runs[runs.len() - 1]);
    let mut units: Vec<String> = vec![String::new()];
    for r in &runs {
        for u in r["stages"]["units"].as_array().unwrap() {
            let u = u["unit"].as_str().unwrap().to_string();
            if !units.contains(&u) {
                units.push(u);
            }
        }
    }
    for stage in ["signed", "started", "completed"] {
        for unit in &units {
            let months: u64 = runs[1..].iter().map(|r| stage_of(r, unit, stage).0).sum();
            assert_eq!(
                stage_of(first, unit, stage).2 + months,
                stage_of(last, unit, stage).2,
                "{} {stage} {unit:?}",
                s.name
            );
        }
    }
    if s.name == "own" {
        // 高端装备制造项目, signed 2026-09-16 and on October's list of the 1st, after September's
        // assessment: October's, dated earlier.
        assert_eq!(stage_of(first, "", "signed"), (0, 0, 7));
        assert_eq!(stage_of(last, "", "signed"), (1, 1, 8));
        let html = std::fs::read_to_string(
            out.path()
                .join("2026-10/2026年10月重点项目考核情况通报.html"),
        )
        .unwrap();
        assert!(
            html.contains(
                "签约项目：本月1个（含此前签约、本月报送的1个）、总投资1.50亿元，本年累计8个"
            ),
            "{html}"
        );
    }
}

on_samples!(the_months_add_up_to_the_year);

#[test]
fn a_month_without_an_earlier_month_of_the_year_counts_what_is_dated_in_it() {
    // October alone: nothing to gain from, the month's figure is what is dated in October.
    let out = tempfile::tempdir().unwrap();
    let run = run_one_month(&Samples::own().month("2026-10"), "2026-10", out.path());
    assert_eq!(stage_of(&run, "", "signed"), (0, 0, 8));
}

/// A ledger project without a 签约日期 whose signing the signed list gives (高端装备制造项目,
/// 2026-09-16): the list's row was dropped as the ledger's project and the ledger's empty date
/// counted no signing, so the year lost one. The project counts, signed on the list's date, as
/// the ledger's (its 责任单位).
#[test]
fn a_ledger_project_without_its_signing_date_takes_the_lists() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026-10");
    copy_dir(&Samples::own().month("2026-10"), &input);
    let ledger = input.join("重大项目管理台账.xlsx");
    let bytes = crate::hostile::patched_file(&ledger, "xl/sharedStrings.xml", |t| {
        t.replace("城区供热管网改造项目", "高端装备制造项目")
    });
    std::fs::write(&ledger, bytes).unwrap();
    let run = run_one_month(&input, "2026-10", &dir.path().join("out"));
    assert_eq!(stage_of(&run, "", "signed"), (0, 0, 8));
    let plain = run_one_month(
        &Samples::own().month("2026-10"),
        "2026-10",
        &dir.path().join("o2"),
    );
    let year = |r: &J, unit: &str| stage_of(r, unit, "signed").2;
    assert_eq!(year(&run, "城关镇"), year(&plain, "城关镇") + 1);
    assert_eq!(year(&run, "县经开区") + 1, year(&plain, "县经开区"));
}
