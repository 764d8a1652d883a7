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

#[test]
fn a_sheet_limit_far_above_the_rules_limit_is_warned_of_and_still_used() {
    let dir = tempfile::tempdir().unwrap();
    // Row 3: 企业投资项目备案 of DH2026-001, 3 working days by the sheet and by the rules.
    let input = october_with(
        dir.path(),
        &[(
            "前期手续办理清单.xlsx",
            SHEET,
            r#"<c r="G3"><v>3</v></c>"#,
            r#"<c r="G3"><v>180</v></c>"#,
        )],
    );
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "警告[W072] 前期手续办理清单.xlsx!前期手续!G3: 手续“企业投资项目备案”的办理时限 180 个工作日，是规则时限 3 个工作日的 60 倍（超过 3 倍）；按表中时限计算办结期限"
        ),
        "{said}"
    );
    // The sheet's limit still wins: 180 working days after 2026-02-10.
    let out = dir.path().join("out");
    let run = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let json = run.json("2026-10/run.json");
    let row = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["project"] == "DH2026-001" && d["item"] == "企业投资项目备案")
        .unwrap_or_else(|| panic!("{}", json["deadlines"]));
    assert_eq!(row["days"], 180, "{row}");
    assert_eq!(
        row["due"].as_str(),
        Some(add_workdays(date("2026-02-10"), 180).to_string().as_str()),
        "{row}"
    );
    assert!(json["diagnostics"].to_string().contains("W072"));
    // The factor is the rules' own.
    let (_rules_dir, rules) = edited_rules(&[(
        "deadlines.toml",
        "days_field_warn_factor = 3",
        "days_field_warn_factor = 61",
    )]);
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("W072"));
    // And the samples as shipped are within it.
    let r = sanyipi(&["check", "--input", "samples/2026-10"]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("W072"));
}
