//! Rule expressions that compile but cannot be evaluated on some row or unit are reported,
//! naming the rule and the row or unit: never a silent `false`.

use crate::common::{root, sanyipi};

/// The built-in rules exported to a folder, with `edit` applied to one file.
fn rules_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("rules");
    let run = sanyipi(&["rules", "export", target.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = target.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(&path, edited).unwrap();
    dir
}

#[test]
fn a_check_that_cannot_be_evaluated_is_reported_at_each_row() {
    // Integer division by zero: compiles, fails on every row that has a 本月完成投资.
    let dir = rules_with("tables/monthly.toml", |t| {
        t.replace(
            "when = \"month_invest and cum_invest is not none and month_invest > cum_invest + 0.05\"",
            "when = \"month_invest and (month_invest | int) // 0 > 0\"",
        )
    });
    let rules = dir.path().join("rules");
    let input = root().join("samples/2026-10");
    let run = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--month",
        "2026-10",
        "--rules",
        rules.to_str().unwrap(),
    ]);
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("[R001]"))
        .collect();
    let expected = monthly_rows_with_month_invest();
    assert!(expected > 0);
    assert_eq!(failed.len(), expected, "{}", run.stdout);
    for line in failed {
        assert!(
            line.contains("检查 month_exceeds_cumulative 的条件无法在此行计算"),
            "{line}"
        );
        // file!sheet!cell of the row's 本月完成投资.
        assert!(
            line.contains("月报/") && line.matches('!').count() >= 2,
            "{line}"
        );
    }
}

/// Rows of the month whose 本月完成投资 has a non-zero whole part, from the clean values of the
/// bundled samples (`samples/truth.json`).
fn monthly_rows_with_month_invest() -> usize {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("samples/truth.json")).unwrap())
            .unwrap();
    truth["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["month"] == "2026-10")
        .filter(|m| m["month_inc"].as_f64().is_some_and(|v| v.trunc() != 0.0))
        .count()
}

#[test]
fn a_penalty_condition_that_cannot_be_evaluated_is_a_rule_problem_per_unit() {
    // Every unit reaches the condition (notices = 0); it fails for each unit not in the bottom.
    let dir = rules_with("scoring.toml", |t| {
        t.replace("notices = 3", "notices = 0").replace(
            "condition = \"bottom or score < 60\"",
            "condition = \"bottom or (rank // 0) > 1\"",
        )
    });
    let rules = dir.path().join("rules");
    let out = dir.path().join("out");
    let run = sanyipi(&[
        "run",
        "--input",
        root().join("samples/2026-10").to_str().unwrap(),
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-26",
        "--rules",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    run.assert_done();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026-10/run.json")).unwrap())
            .unwrap();
    let not_bottom: Vec<&str> = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["bottom"] == false)
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert!(!not_bottom.is_empty());
    for unit in &not_bottom {
        let line = format!("规则 special_inspection 在 {unit} 上无法计算");
        assert!(run.stdout.contains(&line), "{line}\n{}", run.stdout);
    }
    assert_eq!(
        run.stdout.matches("规则 special_inspection 在").count(),
        not_bottom.len(),
        "{}",
        run.stdout
    );
}
