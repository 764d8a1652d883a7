//! Slips of a clerk's edit of the rules that the mutation campaign found loading without a word:
//! empty display texts, negative or stray screening thresholds, a stray key of `[meta]`. Each is
//! a rules error at `file:line:col` with the line and a hint; what may be empty still loads.

use crate::common::*;

/// What `rules check` says of the shipped rules with `edits`, the folder written `<rules>`.
pub(crate) fn said(edits: &[(&str, &str, &str)]) -> (i32, String) {
    let (_dir, rules) = edited_rules(edits);
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    let shown = rules.display().to_string();
    (run.code, run.stderr.replace(&shown, "<rules>"))
}

/// The error `edit` gives, checked to be at a place with a hint.
pub(crate) fn refused(edit: (&str, &str, &str)) -> String {
    let (code, err) = said(&[edit]);
    assert_eq!(code, 2, "{}: accepted", edit.2);
    assert!(
        err.contains(&format!("规则错误: <rules>/{}:", edit.0)),
        "{}: {err}",
        edit.2
    );
    assert!(err.contains("\n提示: "), "{}: {err}", edit.2);
    err
}

#[test]
fn an_empty_label_reason_or_heading_is_an_error_naming_its_key() {
    for (file, from, to, key) in [
        (
            "screening.toml",
            "group = \"两守\"",
            "group = \"\"",
            "group",
        ),
        ("screening.toml", "pass = \"通过\"", "pass = \"\"", "pass"),
        ("deadlines.toml", "met = \"按期完成\"", "met = \"\"", "met"),
        (
            "scoring.toml",
            "start_status = \"开工期限\"",
            "start_status = \"  \"",
            "start_status",
        ),
        (
            "units.toml",
            "full_name = \"马庄乡人民政府\"",
            "full_name = \"\"",
            "full_name",
        ),
        (
            "lights.toml",
            "invest_reason = \"投资完成{done}%，序时进度{schedule}%，落后{behind}个百分点\"",
            "invest_reason = \"\"",
            "invest_reason",
        ),
        (
            "office_calendar.toml",
            "calendar_name = \"重点项目工作日程\"",
            "calendar_name = \"\"",
            "calendar_name",
        ),
    ] {
        let err = refused((file, from, to));
        assert!(err.contains(&format!(": {key} 不能为空")), "{to}: {err}");
    }
    insta::assert_snapshot!(refused((
        "screening.toml",
        "group = \"两守\"",
        "group = \"\""
    )));
}

#[test]
fn a_text_whose_emptiness_says_something_may_still_be_empty() {
    let (code, err) = said(&[
        (
            "notices.toml",
            "cc = \"县委办公室，县政府办公室。\"",
            "cc = \"\"",
        ),
        (
            "office_calendar.toml",
            "who = \"县重点项目办\"",
            "who = \"\"",
        ),
        (
            "deadlines.toml",
            "applies = \"project_type == '重大招商项目'\"",
            "applies = \"\"",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_negative_screening_threshold_is_refused_at_its_value() {
    insta::assert_snapshot!(refused((
        "screening.toml",
        "intensity_min = 300 ",
        "intensity_min = -300"
    )));
    let err = refused((
        "screening.toml",
        "[threshold.\"二产\"]\n",
        "[threshold.\"二产\"]\nrd_share_min = -0.5\n",
    ));
    assert!(
        err.contains("阈值 rd_share_min 为负数 -0.5") && err.contains("rd_share_min = -0.5\n"),
        "{err}"
    );
    let err = refused((
        "screening.toml",
        "tax_per_mu_min = 15 ",
        "tax_per_mu_min = nan ",
    ));
    assert!(err.contains("阈值 tax_per_mu_min 不是一个数"), "{err}");
    let err = refused((
        "screening.toml",
        "min_header_share = 50",
        "min_header_share = -50",
    ));
    assert!(
        err.contains("min_header_share 为 -50：应在 0 到 100（%）之间"),
        "{err}"
    );
    // Zero is a threshold (no gate), not a slip.
    let (code, err) = said(&[("screening.toml", "rd_share_min = 3 ", "rd_share_min = 0 ")]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_threshold_no_rule_reads_is_an_unknown_key_with_the_closest_named() {
    insta::assert_snapshot!(refused((
        "screening.toml",
        "intensity_min = 300 ",
        "intensity_min = 300\nintensity_mn = 250 ",
    )));
    // A name like none of them: all are listed.
    let err = refused((
        "screening.toml",
        "[threshold]\n",
        "[threshold]\nmin_invst = 1\n",
    ));
    assert!(err.contains("未知的阈值 min_invst"), "{err}");
    assert!(!err.contains("是否想写"), "{err}");
    // A misspelt override says which threshold it meant.
    let err = refused((
        "screening.toml",
        "[threshold.\"二产\"]\n",
        "[threshold.\"二产\"]\nintensity_mn = 250\n",
    ));
    assert!(
        err.contains("是否想写 intensity_min？此处可用的键: "),
        "{err}"
    );
    // A threshold read only by a rule's reason is read.
    let (code, err) = said(&[
        (
            "screening.toml",
            "[threshold]\n",
            "[threshold]\nunit_note = 1\n",
        ),
        (
            "screening.toml",
            "reason = \"环境风险等级为“高”\"",
            "reason = \"环境风险等级为“高”{{ unit_note }}\"",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_unknown_key_of_the_meta_labels_is_an_error() {
    insta::assert_snapshot!(refused((
        "ingest.toml",
        "unit_remarks = [",
        "unit_remark = [",
    )));
}

#[test]
fn a_misspelt_name_in_a_screening_reason_is_an_error() {
    let err = refused((
        "screening.toml",
        "低于 {{ intensity_min | num }}",
        "低于 {{ intensity_mn | num }}",
    ));
    assert!(
        err.contains("的 reason 模板有误：模板中的 {{ intensity_mn }} 不是可用的名称"),
        "{err}"
    );
}
