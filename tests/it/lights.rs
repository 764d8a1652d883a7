//! 红黄绿灯 and 三个一批 of `samples/2026-10`: the expected lights, counts and stage figures are
//! computed here from the input rows (`truth.json`, the clean values the files encode, and the
//! signed list read with calamine) and the working-day facts — not by the engine's code — and
//! compared with run.json, the workbook read back cell by cell, and the report.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::{Datelike, NaiveDate};
use serde_json::Value as J;
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) const MONTH: &str = "2026-10";

/// The thresholds the expectation is computed with (the shipped ones: 30 / 10 points).
struct Thresholds {
    red_behind: f64,
    yellow_behind: f64,
    /// Whether procedure deadlines count (they do as shipped).
    procedures: bool,
    /// 序时进度 at the end of October, percent (shipped: 10 ÷ 12).
    october: f64,
}

const SHIPPED: Thresholds = Thresholds {
    red_behind: 30.0,
    yellow_behind: 10.0,
    procedures: true,
    october: 83.33,
};

/// A project's expected light (`red`, `yellow`, `green`) and what each reason must name: the
/// due date of a deadline, or `invest`.
type Expected = BTreeMap<String, (&'static str, Vec<String>)>;

/// Working days after `from` up to `due` (0 when `due` is `from` or earlier).
fn workdays_left(from: NaiveDate, due: NaiveDate) -> u32 {
    let mut n = 0;
    while add_workdays(from, n) < due {
        n += 1;
    }
    n
}

/// `Some(true)` overdue, `Some(false)` due soon, `None` neither.
fn deadline_state(
    due: NaiveDate,
    met: Option<NaiveDate>,
    as_of: NaiveDate,
    warn: u32,
) -> Option<bool> {
    if met.is_some() {
        return None;
    }
    if as_of > due {
        return Some(true);
    }
    (workdays_left(as_of, due) <= warn).then_some(false)
}

pub(crate) fn opt_date(v: &J) -> Option<NaiveDate> {
    v.as_str().map(date)
}

/// This month's monthly row of each project (truth), by project id.
pub(crate) fn monthly(t: &J) -> BTreeMap<String, J> {
    t["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["month"] == MONTH)
        .map(|m| (m["project"].as_str().unwrap().to_string(), m.clone()))
        .collect()
}

fn expected_lights(t: &J, as_of: NaiveDate, th: &Thresholds) -> Expected {
    let monthly = monthly(t);
    let mut out = Expected::new();
    for p in t["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let m = monthly.get(id);
        let start = m.and_then(|m| opt_date(&m["start"]));
        let (mut red, mut yellow) = (Vec::new(), Vec::new());
        let mut put = |state: Option<bool>, due: NaiveDate| match state {
            Some(true) => red.push(due.to_string()),
            Some(false) => yellow.push(due.to_string()),
            None => {}
        };
        let (from, days) = if p["kind"] == "重大招商项目" {
            (&p["sign"], 90)
        } else {
            (&p["land"], 50)
        };
        if let Some(from) = opt_date(from) {
            let due = add_workdays(from, days);
            put(deadline_state(due, start, as_of, 10), due);
        }
        if th.procedures {
            for q in p["procs"].as_array().unwrap() {
                let due = procedure_due(q);
                put(deadline_state(due, opt_date(&q["finished"]), as_of, 3), due);
            }
        }
        let started = m.is_some_and(|m| m["started"] == J::Bool(true) || start.is_some());
        let plan = p["annual"].as_f64().unwrap();
        if started && plan > 0.0 {
            let done = m.unwrap()["cum"].as_f64().unwrap() / plan * 100.0;
            assert_eq!(as_of.month(), 10, "the samples' month");
            let behind = th.october - done;
            if behind > th.red_behind {
                red.push("invest".into());
            } else if behind > th.yellow_behind {
                yellow.push("invest".into());
            }
        }
        let e = if !red.is_empty() {
            ("red", red)
        } else if !yellow.is_empty() {
            ("yellow", yellow)
        } else {
            ("green", Vec::new())
        };
        out.insert(id.to_string(), e);
    }
    out
}

/// Compares run.json's lights with the expectation, reason by reason.
fn assert_lights(json: &J, expected: &Expected) {
    let lights = json["lights"].as_array().unwrap();
    assert_eq!(lights.len(), expected.len());
    for l in lights {
        let id = l["project"].as_str().unwrap();
        let (light, names) = &expected[id];
        assert_eq!(l["light"], *light, "{id}: {l}");
        let reasons: Vec<&str> = l["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        if *light == "green" {
            assert_eq!(reasons.len(), 1, "{id}: the green reason");
            continue;
        }
        assert_eq!(reasons.len(), names.len(), "{id}: {reasons:?} vs {names:?}");
        // Chinese text joined without ASCII spaces: a procedure in brackets after its rule.
        for r in &reasons {
            assert!(!r.contains(' '), "{id}: {r}");
        }
        for n in names {
            let needle = if n == "invest" {
                "序时进度"
            } else {
                n.as_str()
            };
            assert!(
                reasons.iter().any(|r| r.contains(needle)),
                "{id}: {n} in {reasons:?}"
            );
        }
    }
}

pub(crate) fn run(out: &Path, as_of: &str, rules: Option<&Path>) -> J {
    Sanyipi::new()
        .arg("run")
        .input(Samples::own().month(MONTH))
        .args(["--month", MONTH])
        .as_of(as_of)
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_done()
        .json(&format!("{MONTH}/run.json"))
}

pub(crate) fn cell(range: &calamine::Range<Data>, a1: (u32, u32)) -> Data {
    range.get_value(a1).cloned().unwrap_or(Data::Empty)
}

#[test]
fn lights_follow_deadlines_and_investment() {
    let t = Samples::own().truth();
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-25", None);
    let expected = expected_lights(&t, date("2026-10-25"), &SHIPPED);
    assert!(
        ["red", "yellow"]
            .iter()
            .all(|l| expected.values().any(|(x, _)| x == l)),
        "the sample has red and yellow lights"
    );
    assert_lights(&json, &expected);

    // Counts per unit and for the county.
    let units: Vec<String> = t["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().into())
        .collect();
    let unit_of: BTreeMap<&str, &str> = t["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["unit"].as_str().unwrap()))
        .collect();
    let count = |unit: Option<&str>, light: &str| {
        expected
            .iter()
            .filter(|(id, (l, _))| *l == light && unit.is_none_or(|u| unit_of[id.as_str()] == u))
            .count() as u64
    };
    for u in json["unit_lights"].as_array().unwrap() {
        let name = u["unit"].as_str().unwrap();
        assert!(units.iter().any(|x| x == name));
        for c in u["counts"].as_array().unwrap() {
            assert_eq!(
                c["count"],
                count(Some(name), c["light"].as_str().unwrap()),
                "{name} {c}"
            );
        }
    }
    for c in json["county_lights"].as_array().unwrap() {
        assert_eq!(c["count"], count(None, c["light"].as_str().unwrap()));
    }

    // The workbook: 预警灯 beside 项目编号, with the label and the reasons; counts on 单位排名.
    let dir = out.path().join(MONTH);
    let mut wb: Xlsx<_> = open_workbook(dir.join("2026年10月重点项目考核排名.xlsx")).unwrap();
    let projects = wb.worksheet_range("项目得分明细").unwrap();
    assert_eq!(cell(&projects, (2, 0)), Data::String("项目编号".into()));
    assert_eq!(cell(&projects, (2, 1)), Data::String("预警灯".into()));
    let label = |l: &str| match l {
        "red" => "红灯",
        "yellow" => "黄灯",
        _ => "绿灯",
    };
    for (i, p) in json["projects"].as_array().unwrap().iter().enumerate() {
        // Title, data-date line, the header over two rows (得分, 投资 grouped).
        let row = 4 + i as u32;
        let id = p["id"].as_str().unwrap();
        assert_eq!(cell(&projects, (row, 0)), Data::String(id.into()));
        let Data::String(text) = cell(&projects, (row, 1)) else {
            panic!("no light for {id}");
        };
        let (light, names) = &expected[id];
        assert!(text.starts_with(label(light)), "{id}: {text}");
        for n in names.iter().filter(|n| *n != "invest") {
            assert!(text.contains(n.as_str()), "{id}: {n} in {text}");
        }
    }
    let book = dir.join("2026年10月重点项目考核排名.xlsx");
    for (i, p) in json["projects"].as_array().unwrap().iter().enumerate() {
        let (light, _) = &expected[p["id"].as_str().unwrap()];
        let want = match *light {
            "red" => "FFFF7C80",
            "yellow" => "FFFFE699",
            _ => "FFA9D08E",
        };
        assert_eq!(
            fill_of(&book, 2, &format!("B{}", 5 + i)).as_deref(),
            Some(want),
            "{p}"
        );
    }
    let ranking = wb.worksheet_range("单位排名").unwrap();
    assert_eq!(cell(&ranking, (2, 10)), Data::String("红灯".into()));
    assert_eq!(cell(&ranking, (2, 12)), Data::String("绿灯".into()));
    for row in 3..3 + units.len() as u32 {
        let Data::String(unit) = cell(&ranking, (row, 1)) else {
            panic!("row {row}")
        };
        for (k, l) in ["red", "yellow", "green"].iter().enumerate() {
            assert_eq!(
                cell(&ranking, (row, 10 + k as u32)),
                Data::Float(count(Some(&unit), l) as f64),
                "{unit} {l}"
            );
        }
    }

    // The report lists the projects red first, then yellow, then green.
    let html = std::fs::read_to_string(dir.join("2026年10月重点项目推进情况报告.html")).unwrap();
    let section = between(&html, "五、项目预警", "六、");
    let marks: Vec<usize> = section
        .match_indices("<tr><td style=\"background:")
        .map(|(i, _)| {
            let rest = &section[i..];
            ["红灯", "黄灯", "绿灯"]
                .iter()
                .position(|l| rest[..rest.find("</td>").unwrap()].contains(l))
                .unwrap()
        })
        .collect();
    assert_eq!(marks.len(), expected.len());
    assert!(marks.is_sorted(), "red first: {marks:?}");
}

/// The fill colour (`FFRRGGBB`) of cell `a1` of the `sheet`-th sheet (from 1) of an xlsx, from
/// its XML: the cell's style, that style's fill, that fill's foreground colour.
fn fill_of(book: &Path, sheet: usize, a1: &str) -> Option<String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let xml = read(&format!("xl/worksheets/sheet{sheet}.xml"));
    let styles = read("xl/styles.xml");
    let attr = |s: &str, name: &str| -> Option<String> {
        let i = s.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(s[i..i + s[i..].find('"')?].to_string())
    };
    let c = &xml[xml.find(&format!("<c r=\"{a1}\""))?..];
    let style: usize = attr(&c[..c.find('>')?], "s")?.parse().ok()?;
    let xfs = between(&styles, "<cellXfs", "</cellXfs>");
    let xf = xfs.split("<xf ").nth(style + 1)?;
    let fill: usize = attr(&format!(" {xf}"), "fillId")?.parse().ok()?;
    let fills = between(&styles, "<fills", "</fills>");
    let f = fills.split("<fill>").nth(fill + 1)?;
    attr(f, "rgb")
}

/// The text of `html` from `from` up to the next `to`.
pub(crate) fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap();
    let end = html[start..].find(to).map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn a_county_that_edits_a_threshold_sees_other_lights() {
    let t = Samples::own().truth();
    // Yellow only beyond 25 points behind 序时进度.
    let (_dir, rules) = edited_rules(&[
        ("lights.toml", "invest_behind = 10", "invest_behind = 25"),
        ("lights.toml", "color = \"#FF7C80\"", "color = \"#123456\""),
    ]);
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-25", Some(&rules));
    let th = Thresholds {
        yellow_behind: 25.0,
        ..SHIPPED
    };
    let expected = expected_lights(&t, date("2026-10-25"), &th);
    let shipped = expected_lights(&t, date("2026-10-25"), &SHIPPED);
    assert_ne!(expected, shipped, "the edit changes some light");
    assert_lights(&json, &expected);
    // The red cells take the county's colour.
    let book = out
        .path()
        .join(MONTH)
        .join("2026年10月重点项目考核排名.xlsx");
    let first_red = json["lights"]
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l["light"] == "red")
        .unwrap();
    assert_eq!(
        fill_of(&book, 2, &format!("B{}", 5 + first_red)).as_deref(),
        Some("FF123456")
    );

    // A front-loaded 序时进度 (95% due by October) turns other projects red or yellow.
    let (_dir, rules) = edited_rules(&[("lights.toml", "75, 83.33, 91.67", "90, 95, 98")]);
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-25", Some(&rules));
    let th = Thresholds {
        october: 95.0,
        ..SHIPPED
    };
    let expected = expected_lights(&t, date("2026-10-25"), &th);
    assert_ne!(expected, shipped, "the schedule changes some light");
    assert_lights(&json, &expected);

    // Without procedures, a start deadline three working days ahead is yellow (warn_within 10).
    let (_dir, rules) = edited_rules(&[("lights.toml", ", \"procedure_time_limit\"]", "]")]);
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-09", Some(&rules));
    let th = Thresholds {
        procedures: false,
        ..SHIPPED
    };
    let expected = expected_lights(&t, date("2026-10-09"), &th);
    assert!(
        expected
            .values()
            .any(|(l, n)| *l == "yellow" && n.iter().any(|x| x != "invest")),
        "a deadline due soon"
    );
    assert_lights(&json, &expected);
}

#[test]
fn report_sections_snapshot() {
    let out = tempfile::tempdir().unwrap();
    run(out.path(), "2026-10-25", None);
    let html = std::fs::read_to_string(
        out.path()
            .join(MONTH)
            .join("2026年10月重点项目推进情况报告.html"),
    )
    .unwrap();
    insta::assert_snapshot!(between(&html, "<h2>四、", "<h2>六、"));
}
