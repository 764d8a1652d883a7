//! How messages name the rules files, and the switches of the rules' checks.

use crate::common::*;
use crate::test::Sanyipi;

/// `sanyipi check` of the October samples, with the rules folder given.
fn check(rules: Option<&std::path::Path>) -> String {
    let r = Sanyipi::new()
        .args(["check", "--input", "samples/2026-10"])
        .rules_opt(rules)
        .run();
    assert!(
        r.stderr.is_empty() || !r.stderr.contains("panicked"),
        "{}",
        r.stderr
    );
    r.stdout
}

#[test]
fn a_hint_names_the_built_in_rules_as_such_and_a_rules_folder_by_its_path() {
    // With the built-in rules there is no rules/ folder to edit: the hint says how to get one.
    let built_in = check(None);
    assert!(
        built_in.contains("在 内置规则 units.toml（可用 sanyipi rules export 导出后修改） 中"),
        "{built_in}"
    );
    assert!(!built_in.contains("rules/units.toml"), "{built_in}");
    // A rules folder of the user's own is named by its path.
    let (_dir, rules) = edited_rules(&[]);
    let own = check(Some(&rules));
    let path = rules.join("units.toml").display().to_string();
    assert!(own.contains(&format!("在 {path} 中")), "{own}");
    assert!(!own.contains("内置规则 units.toml"), "{own}");
}

#[test]
fn the_department_check_has_a_switch_in_the_rules() {
    assert!(check(None).contains("警告[W075]"));
    let (_dir, rules) = edited_rules(&[(
        "tables/procedures.toml",
        "check_lookup = true",
        "check_lookup = false",
    )]);
    let off = check(Some(&rules));
    assert!(!off.contains("W075"), "{off}");
    // The rest is read as before.
    assert!(off.contains("前期手续办理清单.xlsx"), "{off}");
}
