//! The 督办 loop: every item of a 督办 or 提醒 notice is a 整改任务 with a stable id and dates
//! from `[supervision]` of notices.toml, stored in history (a re-run replaces the month's
//! tasks), listed with its state in the month's outputs. Expected tasks and dates are computed
//! here from run.json's notices and the State Council calendar, not by the program's code.

use crate::common::*;
use chrono::{Months, NaiveDate};
use serde_json::Value as J;
use std::path::Path;

/// The shipped timings, as the test reads them: (feedback, ordinary) working days, and the
/// matters with a month to be solved.
const FEEDBACK: u32 = 3;
const ORDINARY: u32 = 7;
const HARD: &[&str] = &["overdue_start", "bottom_streak", "repeated_supervision"];

/// A task as expected from one notice item.
#[derive(Debug, PartialEq)]
struct Expected {
    id: String,
    unit: String,
    project: Option<String>,
    feedback_due: NaiveDate,
    rectify_due: NaiveDate,
}

fn expected_tasks(run: &J, feedback: u32) -> Vec<Expected> {
    let mut out = Vec::new();
    for n in run["notices"].as_array().unwrap() {
        if n["kind"] != "supervision" && n["kind"] != "reminder" {
            continue;
        }
        let issued = date(n["issue_date"].as_str().unwrap());
        for (i, m) in n["matters"].as_array().unwrap().iter().enumerate() {
            let hard = HARD.contains(&m["rule"].as_str().unwrap());
            out.push(Expected {
                id: format!("{}-{}", n["number"].as_str().unwrap(), i + 1),
                unit: n["recipient"].as_str().unwrap().to_string(),
                project: m["project"].as_str().map(str::to_string),
                feedback_due: add_workdays(issued, feedback),
                rectify_due: if hard {
                    issued.checked_add_months(Months::new(1)).unwrap()
                } else {
                    add_workdays(issued, ORDINARY)
                },
            });
        }
    }
    out
}

fn got_tasks(run: &J) -> Vec<Expected> {
    run["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| Expected {
            id: t["id"].as_str().unwrap().to_string(),
            unit: t["unit"].as_str().unwrap().to_string(),
            project: t["project"].as_str().map(str::to_string),
            feedback_due: date(t["feedback_due"].as_str().unwrap()),
            rectify_due: date(t["rectify_due"].as_str().unwrap()),
        })
        .collect()
}

/// `(id, month)` of the tasks stored in the history of `out`, in month and notice order.
fn stored_tasks(out: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
    let mut st = conn
        .prepare("SELECT id, month FROM task ORDER BY month, seq")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn every_notice_item_is_a_task_with_its_dates_stored_in_history(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let mut all = Vec::new();
    for (run, month) in runs.iter().zip(s.months) {
        let expected = expected_tasks(run, FEEDBACK);
        assert!(!expected.is_empty(), "{month}: no notice items");
        assert_eq!(got_tasks(run), expected, "{month}");
        all.extend(expected.into_iter().map(|e| (e.id, month.to_string())));
    }
    assert_eq!(stored_tasks(out.path()), all);
    // A forced re-run of the last month replaces its tasks: the same ids, once each.
    let last = s.last_month();
    Sanyipi::month(s.month(last), last)
        .out(out.path())
        .arg("--force")
        .run()
        .expect_done();
    assert_eq!(stored_tasks(out.path()), all);
}
on_samples!(every_notice_item_is_a_task_with_its_dates_stored_in_history);

#[test]
fn editing_a_timing_changes_the_dates_without_recompiling() {
    let (_dir, rules) = edited_rules(&[
        (
            "notices.toml",
            "feedback_workdays = 3",
            "feedback_workdays = 5",
        ),
        ("notices.toml", "months = 1", "workdays = 20"),
    ]);
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    let run = Sanyipi::month(s.month("2026-09"), "2026-09")
        .out(out.path())
        .rules(&rules)
        .run()
        .expect_done()
        .json("2026-09/run.json");
    let got = got_tasks(&run);
    let shipped = expected_tasks(&run, FEEDBACK);
    let edited = expected_tasks(&run, 5);
    assert_eq!(got.len(), edited.len());
    let mut hard = 0;
    for ((g, e), was) in got.iter().zip(&edited).zip(&shipped) {
        assert_eq!(g.feedback_due, e.feedback_due, "{}", g.id);
        assert_ne!(g.feedback_due, was.feedback_due, "{}", g.id);
        let issued = date(run["notices"][0]["issue_date"].as_str().unwrap());
        if was.rectify_due == issued.checked_add_months(Months::new(1)).unwrap() {
            hard += 1;
            assert_eq!(g.rectify_due, add_workdays(issued, 20), "{}", g.id);
        } else {
            assert_eq!(g.rectify_due, was.rectify_due, "{}", g.id);
        }
    }
    assert!(hard > 0, "no hard matter in the samples");
}

#[test]
fn a_timing_naming_no_matter_is_a_rules_error_at_its_place() {
    let (dir, rules) = edited_rules(&[(
        "notices.toml",
        "matters = [\"overdue_start\",",
        "matters = [\"overdue_stat\",",
    )]);
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    insta::assert_snapshot!(
        run.stderr
            .replace(rules.to_str().unwrap(), "<rules>")
            .replace(dir.path().to_str().unwrap(), "<tmp>")
    );
}

#[test]
fn a_history_of_the_previous_format_gains_tasks_from_the_next_month() {
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("history-v3-2026-09.sqlite"),
        out.path().join("history.sqlite"),
    )
    .unwrap();
    let run = Sanyipi::month(s.month("2026-10"), "2026-10")
        .out(out.path())
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let expected = expected_tasks(&run, FEEDBACK);
    assert_eq!(got_tasks(&run), expected);
    // September's notices were recorded before tasks existed: none of theirs is invented.
    let stored = stored_tasks(out.path());
    assert!(stored.iter().all(|(_, m)| m == "2026-10"), "{stored:?}");
    assert_eq!(stored.len(), expected.len());
    let register: Vec<&str> = run["register"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["month"].as_str().unwrap())
        .collect();
    assert!(register.iter().all(|m| *m == "2026-10"));
}
