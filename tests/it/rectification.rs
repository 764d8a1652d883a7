//! 整改超期: a task reported as being fixed whose date to be fixed by has passed is late
//! (`rectify_overdue` of `[supervision.states]`), red in the register and brought back to its unit
//! in a 督办 notice; without the state in the rules it stays 整改中.

use crate::common::edited_rules;
use crate::supervision::{N2, october_with, returned_forms, september};
use crate::test::Sanyipi;
use serde_json::Value as J;
use std::path::Path;

/// October with the returned forms, assessed as of `as_of`, under `rules`.
fn october(out: &Path, rules: Option<&Path>, as_of: &str) -> J {
    september(out, rules);
    let input = october_with(returned_forms);
    Sanyipi::new()
        .arg("run")
        .input(input.path())
        .args(["--month", "2026-10"])
        .out(out)
        .rules_opt(rules)
        .as_of(as_of)
        .run()
        .expect_done()
        .json("2026-10/run.json")
}

/// The register row of task `id`.
fn task<'a>(run: &'a J, id: &str) -> &'a J {
    run["register"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

/// The notice kind and text of each matter of rule `rule` in the notices to `unit`.
fn matters(run: &J, unit: &str, rule: &str) -> Vec<(String, String)> {
    run["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["recipient"] == unit)
        .flat_map(|n| {
            n["matters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["rule"] == rule)
                .map(|m| {
                    (
                        n["kind"].as_str().unwrap().to_string(),
                        m["text"].as_str().unwrap().to_string(),
                    )
                })
        })
        .collect()
}

#[test]
fn a_task_being_fixed_past_its_date_is_late_and_comes_back_in_a_notice() {
    let id = format!("{N2}-1");
    // 西岭乡 answered 整改中 on 10-20; on 10-26 its 整改时限 is still ahead.
    let out = tempfile::tempdir().unwrap();
    let early = october(out.path(), None, "2026-10-26");
    let t = task(&early, &id);
    assert_eq!(t["state"], "in_progress");
    let due = t["due"].as_str().unwrap().to_string();
    assert!(due.as_str() < "2026-11-20", "{due}");
    assert!(matters(&early, "西岭乡", "overdue_rectification").is_empty());

    // As of 11-20 it is past: late, in the register and in a 督办 notice to 西岭乡.
    let out = tempfile::tempdir().unwrap();
    let late = october(out.path(), None, "2026-11-20");
    let t = task(&late, &id);
    assert_eq!(t["state"], "rectify_overdue");
    assert_eq!(t["state_label"], "逾期未整改");
    let found = matters(&late, "西岭乡", "overdue_rectification");
    assert_eq!(found.len(), 1, "{found:?}");
    let (kind, text) = &found[0];
    assert_eq!(kind, "supervision");
    assert!(text.contains(&format!("（任务编号：{id}）")), "{text}");
    assert!(text.contains("仍未整改到位"), "{text}");
    // The register sheet says so too.
    let book = out.path().join("2026-10/2026年10月重点项目考核排名.xlsx");
    let sheet = crate::supervision::sheet(&book, "督办台账");
    let row = sheet
        .rows()
        .find(|r| r.first().is_some_and(|c| c.to_string() == id))
        .expect("task row");
    assert!(row.iter().any(|c| *c == "逾期未整改"), "{row:?}");
}

#[test]
fn without_the_state_in_the_rules_a_late_task_stays_in_progress() {
    let (_keep, rules) = edited_rules(&[
        ("notices.toml", "rectify_overdue = \"逾期未整改\"\n", ""),
        (
            "notices.toml",
            "status = [\"rectify_overdue\"]",
            "status = [\"in_progress\"]",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let run = october(out.path(), Some(&rules), "2026-11-20");
    assert_eq!(task(&run, &format!("{N2}-1"))["state"], "in_progress");
}

#[test]
fn a_matter_naming_the_state_the_rules_do_not_name_is_a_rules_error_at_its_place() {
    let (dir, rules) = edited_rules(&[("notices.toml", "rectify_overdue = \"逾期未整改\"\n", "")]);
    let run = crate::common::sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    insta::assert_snapshot!(
        run.stderr
            .replace(rules.to_str().unwrap(), "<rules>")
            .replace(dir.path().to_str().unwrap(), "<tmp>")
    );
}
