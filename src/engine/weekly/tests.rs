use super::*;

#[test]
fn statuses_are_read_with_the_rules_words() {
    let words = crate::rules::weekly::StatusWords {
        solved: "已解决".into(),
        coordinating: "县领导协调中".into(),
        meeting: "提交周例会".into(),
        not_updated: "未更新".into(),
        unknown: "未填状态".into(),
    };
    for (text, status) in [
        ("已解决", ProblemStatus::Solved),
        (" 已 解决 ", ProblemStatus::Solved),
        ("县领导协调中", ProblemStatus::Coordinating),
        ("提交周例会", ProblemStatus::Meeting),
        ("正在办理", ProblemStatus::Other),
        ("", ProblemStatus::Blank),
    ] {
        assert_eq!(ProblemStatus::parse(text, &words), status, "{text}");
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn whole_weeks_counts_full_weeks_only() {
    assert_eq!(whole_weeks(d("2026-09-22"), d("2026-10-13")), 3);
    assert_eq!(whole_weeks(d("2026-09-22"), d("2026-10-20")), 4);
    assert_eq!(whole_weeks(d("2026-10-21"), d("2026-10-20")), 0);
}

#[test]
fn monday_and_label() {
    assert_eq!(monday_of(d("2026-10-08")), d("2026-10-05"));
    assert_eq!(week_label(d("2026-10-12")), "2026-10-12周");
}
