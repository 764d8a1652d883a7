//! 下月预警 of `samples/2026-10`: the open start and procedure deadlines due by next month's
//! assessment day and the units whose bottom streak reaches 表态发言 if they stay in the bottom
//! three — computed here from `truth.json` and the working-day facts, and compared with run.json,
//! the workbook's 下月预警 sheet read back cell by cell, and the report. Edited rules change them.

use crate::common::hand::hand_scores_without_history;
use crate::common::*;
use crate::lights::{MONTH, between, cell, monthly, opt_date, run};
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use serde_json::Value as J;
use std::collections::BTreeSet;
use std::path::Path;

/// Next month's assessment day of the shipped rules (`as_of_day = 25`).
const UNTIL: &str = "2026-11-25";

/// (project, due date) of every start or procedure deadline still open on `as_of` and due from
/// `as_of` to `until`.
fn expected_deadlines(t: &J, as_of: NaiveDate, until: NaiveDate) -> BTreeSet<(String, NaiveDate)> {
    let monthly = monthly(t);
    let open = |met: Option<NaiveDate>| met.is_none_or(|m| m > as_of);
    let mut out = BTreeSet::new();
    for p in t["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap().to_string();
        let start = monthly.get(&id).and_then(|m| opt_date(&m["start"]));
        let (from, days) = if p["kind"] == "重大招商项目" {
            (&p["sign"], 90)
        } else {
            (&p["land"], 50)
        };
        let mut dues = Vec::new();
        if let Some(from) = opt_date(from) {
            dues.push((add_workdays(from, days), start));
        }
        for q in p["procs"].as_array().unwrap() {
            dues.push((procedure_due(q), opt_date(&q["finished"])));
        }
        for (due, met) in dues {
            if open(met) && due >= as_of && due <= until {
                out.insert((id.clone(), due));
            }
        }
    }
    out
}

fn warned_deadlines(json: &J) -> BTreeSet<(String, NaiveDate)> {
    json["outlook"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["project"].as_str().unwrap().into(),
                date(w["due"].as_str().unwrap()),
            )
        })
        .collect()
}

fn warned_units(json: &J) -> Vec<String> {
    json["outlook"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap().into())
        .collect()
}

/// The rows of the workbook's 下月预警 sheet below its header (`类别` in the first column).
fn sheet_rows(out: &Path) -> Vec<Vec<Data>> {
    let path = out.join(MONTH).join("2026年10月重点项目考核排名.xlsx");
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let sheet = wb.worksheet_range("下月预警").unwrap();
    let header = (0..sheet.height() as u32)
        .find(|r| cell(&sheet, (*r, 0)) == Data::String("类别".into()))
        .expect("a header row");
    (header + 1..sheet.height() as u32)
        .map(|r| (0..8).map(|c| cell(&sheet, (r, c))).collect())
        .filter(|r: &Vec<Data>| r.iter().any(|c| *c != Data::Empty))
        .collect()
}

#[test]
fn deadlines_due_by_next_assessment_day_are_warned_of() {
    let t = Samples::own().truth();
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-10", None);
    assert_eq!(json["outlook"]["until"], UNTIL);
    let expected = expected_deadlines(&t, date("2026-10-10"), date(UNTIL));
    assert!(!expected.is_empty(), "the sample has an open deadline then");
    assert_eq!(warned_deadlines(&json), expected);

    // The sheet: one row per warning, with its unit, project, due date and reason.
    let rows = sheet_rows(out.path());
    let ws = json["outlook"]["deadlines"].as_array().unwrap();
    for (w, row) in ws.iter().zip(&rows) {
        assert_eq!(row[1], Data::String(w["unit"].as_str().unwrap().into()));
        assert_eq!(row[2], Data::String(w["project"].as_str().unwrap().into()));
        let due = date(w["due"].as_str().unwrap());
        match &row[5] {
            Data::DateTime(d) => assert_eq!(d.as_datetime().unwrap().date(), due),
            Data::String(s) => assert_eq!(s, &due.to_string()),
            other => panic!("due date cell: {other:?}"),
        }
        let Data::String(reason) = &row[7] else {
            panic!("reason {:?}", row[7])
        };
        assert!(reason.contains(&due.to_string()), "{reason}");
    }
    let html = std::fs::read_to_string(
        out.path()
            .join(MONTH)
            .join("2026年10月重点项目推进情况报告.html"),
    )
    .unwrap();
    let section = between(&html, "六、下月预警", "七、");
    for (p, due) in &expected {
        assert!(section.contains(p.as_str()) && section.contains(&due.to_string()));
    }
}

#[test]
fn units_that_would_reach_the_streak_penalty_are_warned_of() {
    let t = Samples::own().truth();
    let out = tempfile::tempdir().unwrap();
    let json = run(out.path(), "2026-10-25", None);
    // No earlier month in history: this month's bottom three have a streak of 1, and staying
    // there next month makes 2 — the shipped 表态发言 (bottom_streak = 2).
    let scores = hand_scores_without_history(&t, MONTH);
    let mut by_score: Vec<(&String, &f64)> = scores.iter().collect();
    by_score.sort_by(|a, b| a.1.total_cmp(b.1));
    let bottom: BTreeSet<String> = by_score.iter().take(3).map(|(u, _)| (*u).clone()).collect();
    let warned = warned_units(&json);
    assert_eq!(warned.iter().cloned().collect::<BTreeSet<_>>(), bottom);
    for u in json["outlook"]["units"].as_array().unwrap() {
        assert_eq!(u["next"], 2);
        let reason = u["reason"].as_str().unwrap();
        assert!(reason.contains("表态发言"), "{u}");
        // One month is no streak: `streak_reason_first` of lights.toml words it.
        assert!(reason.contains("位，排名后3位；如下月仍排名后3位"), "{u}");
        assert!(!reason.contains("居后"), "{u}");
        assert!(!reason.contains("已连续1个月"), "{u}");
    }
    let rows = sheet_rows(out.path());
    let units: Vec<String> = rows
        .iter()
        .filter(|r| r[0] == Data::String("表态发言".into()))
        .map(|r| match &r[1] {
            Data::String(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(units, warned);
    // The month's bulletin carries them under its own heading.
    let bulletin = std::fs::read_to_string(
        out.path()
            .join(MONTH)
            .join("2026年10月重点项目考核情况通报.html"),
    )
    .unwrap();
    let part = &bulletin[bulletin.find("下月预警").expect("a 下月预警 part")..];
    for u in &warned {
        assert!(part.contains(&format!("{u}本月排名第")), "{u}: {part}");
    }
    assert!(!part.contains("已连续1个月"), "{part}");
}

#[test]
fn edited_outlook_rules_change_the_warnings() {
    let out = tempfile::tempdir().unwrap();
    let (_dir, rules) = edited_rules(&[
        (
            "lights.toml",
            "deadline_status = [\"pending\", \"due_soon\"]",
            "deadline_status = [\"pending\"]",
        ),
        // The bottom units have a streak of one: `streak_reason_first` words them.
        (
            "lights.toml",
            "将连续{next}个月排名后{bottom_n}位，按规定{penalty}\"\nstreak_reason_again",
            "将连续{next}个月排名后{bottom_n}位，届时{penalty}（改）\"\nstreak_reason_again",
        ),
        ("scoring.toml", "as_of_day = 25", "as_of_day = 20"),
    ]);
    let json = run(out.path(), "2026-10-10", Some(&rules));
    assert_eq!(json["outlook"]["until"], "2026-11-20");
    // The one open deadline then is within its warning window (due soon), no longer listed.
    assert!(warned_deadlines(&json).is_empty());
    let units = json["outlook"]["units"].as_array().unwrap();
    assert!(!units.is_empty());
    assert!(
        units
            .iter()
            .all(|u| u["reason"].as_str().unwrap().contains("届时表态发言（改）"))
    );

    let (_dir, rules) = edited_rules(&[("scoring.toml", "bottom_streak = 2", "bottom_streak = 3")]);
    let json = run(out.path().join("b").as_path(), "2026-10-25", Some(&rules));
    assert!(
        warned_units(&json).is_empty(),
        "a streak of 2 next month is not yet 3"
    );
}
