//! The 办理单位 of a procedure row against the department the rules give its procedure
//! (`[wide.lookup]` of tables/procedures.toml): a name nobody knows is said (W075) and the
//! notice goes to the rules' department; a known other department is said and kept; a name
//! units.toml gives the rules' department is no warning.

use crate::common::*;
use serde_json::Value as J;

/// The bundled October sample names its environment office 市生态环境局分局; the county notice
/// and the rules say 市生态环境局镇平分局.
const WRITTEN: &str = "市生态环境局分局";
const RULES: &str = "市生态环境局镇平分局";

fn run(rules: Option<&std::path::Path>) -> (tempfile::TempDir, J) {
    let out = tempfile::tempdir().unwrap();
    let run = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .rules_opt(rules)
        .out(out.path())
        .run()
        .expect_done();
    let json = run.json("2026-10/run.json");
    (out, json)
}

fn w072(run: &J) -> Vec<&J> {
    run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W075")
        .collect()
}

/// The recipients of the procedure deadlines and of the notices.
fn recipients(run: &J) -> (Vec<String>, Vec<(String, String)>) {
    let mut deadlines: Vec<String> = run["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "procedure_time_limit")
        .filter_map(|d| d["recipient"].as_str().map(str::to_string))
        .collect();
    deadlines.sort();
    deadlines.dedup();
    let notices = run["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["recipient"].as_str().unwrap().to_string(),
                n["addressee"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (deadlines, notices)
}

#[test]
fn an_unknown_department_is_said_at_its_cell_and_the_notice_goes_to_the_rules_department() {
    let (_out, run) = run(None);
    let found = w072(&run);
    // The 11 环境影响评价 rows of the sample are said once, at the first row's 办理单位 cell,
    // naming the others.
    assert_eq!(found.len(), 1, "{found:#?}");
    let first = found[0];
    assert_eq!(first["severity"], "Warning");
    assert_eq!(
        first["location"],
        serde_json::json!({"file": "前期手续办理清单.xlsx", "sheet": "前期手续", "cell": "E5"})
    );
    let message = first["message"].as_str().unwrap();
    for part in [
        WRITTEN,
        RULES,
        "环境影响评价",
        "办理单位",
        "另有 10 行",
        "E9、",
        "E45",
    ] {
        assert!(message.contains(part), "{message}");
    }
    let hint = first["hint"].as_str().unwrap();
    assert!(
        hint.contains("units.toml") && hint.contains(RULES),
        "{hint}"
    );
    let (deadlines, notices) = recipients(&run);
    assert!(deadlines.contains(&RULES.to_string()), "{deadlines:?}");
    assert!(!deadlines.contains(&WRITTEN.to_string()), "{deadlines:?}");
    assert!(
        notices.iter().any(|(r, a)| r == RULES && a == RULES),
        "{notices:?}"
    );
    assert!(
        notices.iter().all(|(r, a)| r != WRITTEN && a != WRITTEN),
        "{notices:?}"
    );
}

#[test]
fn the_rules_department_decides_where_an_unknown_name_goes() {
    // The lookup names another department for 环境影响评价: the notice follows the rules.
    let (_keep, rules) = edited_rules(&[(
        "tables/procedures.toml",
        "\"市生态环境局镇平分局\" = [\"环评\", \"环境影响评价\"]",
        "\"县生态环境保护局\" = [\"环评\", \"环境影响评价\"]",
    )]);
    let (_out, run) = run(Some(&rules));
    let found = w072(&run);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("县生态环境保护局")
    );
    let (deadlines, notices) = recipients(&run);
    assert!(deadlines.contains(&"县生态环境保护局".to_string()));
    assert!(!deadlines.contains(&RULES.to_string()));
    assert!(notices.iter().any(|(r, _)| r == "县生态环境保护局"));
}

#[test]
fn an_alias_in_units_toml_is_no_warning_and_the_notice_takes_the_full_name() {
    let unit = format!(
        "[[unit]]\nname = \"{RULES}\"\nfull_name = \"南阳市生态环境局镇平分局\"\naliases = [\"{WRITTEN}\"]\n\n[[unit]]\nname = \"马庄乡\""
    );
    let (_keep, rules) = edited_rules(&[("units.toml", "[[unit]]\nname = \"马庄乡\"", &unit)]);
    let (_out, run) = run(Some(&rules));
    assert!(w072(&run).is_empty(), "{:#?}", w072(&run));
    let (deadlines, notices) = recipients(&run);
    assert!(deadlines.contains(&RULES.to_string()));
    assert!(!deadlines.contains(&WRITTEN.to_string()));
    assert!(
        notices
            .iter()
            .any(|(r, a)| r == RULES && a == "南阳市生态环境局镇平分局"),
        "{notices:?}"
    );
}

#[test]
fn a_known_other_department_is_said_and_kept() {
    // units.toml lists the sheet's name as a unit of its own: a real department, not the rules'.
    let unit = format!("[[unit]]\nname = \"{WRITTEN}\"\n\n[[unit]]\nname = \"马庄乡\"");
    let (_keep, rules) = edited_rules(&[("units.toml", "[[unit]]\nname = \"马庄乡\"", &unit)]);
    let (_out, run) = run(Some(&rules));
    let found = w072(&run);
    assert_eq!(found.len(), 1);
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains(WRITTEN) && message.contains(RULES) && message.contains("不同"),
        "{message}"
    );
    let (deadlines, notices) = recipients(&run);
    assert!(deadlines.contains(&WRITTEN.to_string()));
    assert!(!deadlines.contains(&RULES.to_string()));
    assert!(notices.iter().any(|(r, _)| r == WRITTEN));
}

#[test]
fn check_says_it_at_the_cell() {
    let out = tempfile::tempdir().unwrap();
    let run = Sanyipi::new()
        .args(["check", "--input"])
        .arg(root().join("samples/2026-10"))
        .out(out.path())
        .run();
    let text = &run.stdout;
    assert!(
        text.contains(&format!(
            "警告[W075] 前期手续办理清单.xlsx!前期手续!E5: 办理单位“{WRITTEN}”"
        )),
        "{text}"
    );
}
