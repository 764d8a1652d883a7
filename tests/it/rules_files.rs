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

/// `check_lookup = false` silences W075 for a known other department only: the samples' 办理单位
/// 市生态环境局分局 (for 市生态环境局镇平分局 of 环评) is a name nobody knows, read as the rules'
/// department and still said; made known (a department of another procedure in the lookup), it
/// is kept as written, said with the switch on and not with it off.
#[test]
fn the_department_check_has_a_switch_in_the_rules() {
    let unknown = "办理单位“市生态环境局分局”不是已知的单位";
    let other = "办理单位“市生态环境局分局”与规则中";
    let on = check(None);
    assert!(on.contains("警告[W075]") && on.contains(unknown), "{on}");
    let off = "check_lookup = false";
    let known = (
        "tables/procedures.toml",
        "\"县林业局\" = [\"林地手续\"]",
        "\"县林业局\" = [\"林地手续\"]\n\"市生态环境局分局\" = [\"排污许可\"]",
    );
    let switch = ("tables/procedures.toml", "check_lookup = true", off);

    // Off, an unknown name is still said: the notices go to the rules' department.
    let (_dir, rules) = edited_rules(&[switch]);
    let said = check(Some(&rules));
    assert!(
        said.contains("警告[W075]") && said.contains(unknown),
        "{said}"
    );
    // The rest is read as before.
    assert!(said.contains("前期手续办理清单.xlsx"), "{said}");

    // A known other department: said with the switch on, kept in silence with it off.
    let (_dir, rules) = edited_rules(&[known]);
    let said = check(Some(&rules));
    assert!(said.contains(other) && !said.contains(unknown), "{said}");
    let (_dir, rules) = edited_rules(&[known, switch]);
    let said = check(Some(&rules));
    assert!(!said.contains("W075"), "{said}");
    assert!(said.contains("前期手续办理清单.xlsx"), "{said}");
}
