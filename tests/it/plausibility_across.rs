//! Plausibility across fields and files that testers found used in silence: a start planned
//! before the signing, a project signed twice, a signing outside the month its list reports, a
//! sheet's 办理时限 far above the rules' limit, and a start the unit could not yet know.

use crate::common::*;
use crate::plausibility::{SHEET, october_with};

#[test]
fn a_start_planned_before_the_signing_is_warned_of_at_the_planned_start() {
    let dir = tempfile::tempdir().unwrap();
    // DH2026-001 is signed 2026-02-10 (46063); its planned start becomes 2026-01-09.
    let input = october_with(
        dir.path(),
        &[(
            "重大项目管理台账.xlsx",
            SHEET,
            r#"<c r="J5" s="4"><v>46162</v>"#,
            r#"<c r="J5" s="4"><v>46031</v>"#,
        )],
    );
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "警告[W060] 重大项目管理台账.xlsx!台账!J5: 计划开工日期 2026-01-09 早于签约日期 2026-02-10"
        ),
        "{said}"
    );
    // The samples as shipped plan every start after its signing.
    let r = sanyipi(&["check", "--input", "samples/2026-10"]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("早于签约日期"));
    // The condition is the rules' own.
    let (_rules_dir, rules) = edited_rules(&[(
        "tables/ledger.toml",
        "planned_start < sign_date\"",
        "planned_start < sign_date and false\"",
    )]);
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("早于签约日期"));
}
