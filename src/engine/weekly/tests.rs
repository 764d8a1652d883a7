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

fn weekly_rules() -> Weekly {
    crate::rules::Rules::load(None).unwrap().weekly
}

/// A problem row of project P1 reported in the week of `week`.
fn row(week: &str, category: &str, status: &str, first_raised: &str) -> WeekRow {
    WeekRow {
        week: d(week),
        project: Some("P1".into()),
        project_name: "项目一".into(),
        unit: "甲镇".into(),
        category: category.into(),
        problem: format!("{category}问题"),
        suggestion: String::new(),
        leader: "张三".into(),
        first_raised: Some(d(first_raised)),
        reported_on: Some(d(week)),
        status: status.into(),
        state: ProblemStatus::parse(status, &weekly_rules().status),
        source: format!("{week}周.xlsx!Sheet1!第2行"),
    }
}

/// (category, status, weeks reported, reported this week, new this week, solved, weeks open,
/// meeting reasons) of one problem.
type Want<'a> = (&'a str, &'a str, usize, bool, bool, bool, i64, Vec<&'a str>);
/// (name, earlier weeks' rows, this week's rows, the problems wanted).
type Case<'a> = (&'a str, Vec<WeekRow>, Vec<WeekRow>, Vec<Want<'a>>);
const WEEKS4: &str = "问题挂账已满4周";
const BY_STATUS: &str = "办理状态为“提交周例会”";

/// The carry-over cases of new, carried, solved and reported-again problems.
fn carry_over_cases() -> Vec<Case<'static>> {
    vec![
        (
            "new this week",
            vec![],
            vec![row("2026-11-16", "土地", "县领导协调中", "2026-11-16")],
            vec![("土地", "县领导协调中", 1, true, true, false, 0, vec![])],
        ),
        (
            "not reported this week: carried as not updated",
            vec![row("2026-11-09", "土地", "县领导协调中", "2026-11-09")],
            vec![],
            vec![("土地", "未更新", 1, false, false, false, 1, vec![])],
        ),
        (
            "solved in an earlier week: dropped",
            vec![row("2026-11-09", "土地", "已解决", "2026-11-02")],
            vec![],
            vec![],
        ),
        (
            "solved this week: kept as solved, never to the meeting",
            vec![row("2026-11-09", "土地", "提交周例会", "2026-10-01")],
            vec![row("2026-11-16", "土地", "已解决", "2026-10-01")],
            vec![("土地", "已解决", 2, true, false, true, 6, vec![])],
        ),
        (
            "reported again: not new, weeks counted from the first raised",
            vec![row("2026-11-09", "土地", "县领导协调中", "2026-11-09")],
            vec![row("2026-11-16", "土地", "县领导协调中", "2026-11-09")],
            vec![("土地", "县领导协调中", 2, true, false, false, 1, vec![])],
        ),
    ]
}

/// The carry-over cases of problems sent to the weekly meeting.
fn meeting_cases() -> Vec<Case<'static>> {
    vec![
        (
            "open four whole weeks: to the meeting",
            vec![
                row("2026-10-19", "资金", "县领导协调中", "2026-10-19"),
                row("2026-10-26", "资金", "县领导协调中", "2026-10-19"),
                row("2026-11-02", "资金", "县领导协调中", "2026-10-19"),
                row("2026-11-09", "资金", "县领导协调中", "2026-10-19"),
            ],
            vec![row("2026-11-16", "资金", "县领导协调中", "2026-10-19")],
            vec![(
                "资金",
                "县领导协调中",
                5,
                true,
                false,
                false,
                4,
                vec![WEEKS4],
            )],
        ),
        (
            "three weeks open is not yet four",
            vec![row("2026-11-02", "资金", "县领导协调中", "2026-10-27")],
            vec![],
            vec![("资金", "未更新", 1, false, false, false, 3, vec![])],
        ),
        (
            "the meeting status sends it to the meeting",
            vec![],
            vec![row("2026-11-16", "资金", "提交周例会", "2026-11-16")],
            vec![(
                "资金",
                "提交周例会",
                1,
                true,
                true,
                false,
                0,
                vec![BY_STATUS],
            )],
        ),
        (
            "both reasons",
            vec![],
            vec![row("2026-11-16", "资金", "提交周例会", "2026-10-01")],
            vec![(
                "资金",
                "提交周例会",
                1,
                true,
                false,
                false,
                6,
                vec![BY_STATUS, WEEKS4],
            )],
        ),
    ]
}

/// The carry-over cases of the first raised date, statuses, categories and history weeks.
fn other_cases() -> Vec<Case<'static>> {
    vec![
        (
            "first seen now but raised long ago is not new",
            vec![],
            vec![row("2026-11-16", "土地", "县领导协调中", "2026-11-01")],
            vec![("土地", "县领导协调中", 1, true, false, false, 2, vec![])],
        ),
        (
            "no status this week",
            vec![],
            vec![row("2026-11-16", "土地", "", "2026-11-16")],
            vec![("土地", "未填状态", 1, true, true, false, 0, vec![])],
        ),
        (
            "another category is another problem, longest open first",
            vec![row("2026-11-02", "土地", "县领导协调中", "2026-11-02")],
            vec![row("2026-11-16", "资金", "县领导协调中", "2026-11-16")],
            vec![
                ("土地", "未更新", 1, false, false, false, 2, vec![]),
                ("资金", "县领导协调中", 1, true, true, false, 0, vec![]),
            ],
        ),
        (
            "history rows of this week or later are not earlier weeks",
            vec![row("2026-11-16", "土地", "县领导协调中", "2026-11-16")],
            vec![],
            vec![],
        ),
    ]
}

/// Tracks the rows of one case of `carry_over_table` and checks the problems.
fn check_carry_over(rules: &Weekly, (name, earlier, this, want): Case) {
    let problems = track(rules, &earlier, &this, d("2026-11-16"), d("2026-11-17"));
    let got: Vec<Want> = problems
        .iter()
        .map(|p| {
            (
                p.category.as_str(),
                p.status.as_str(),
                p.weeks.len(),
                p.reported_this_week,
                p.new_this_week,
                p.solved,
                p.weeks_open,
                p.meeting_reasons.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(got, want, "{name}");
}

/// The weekly carry-over, table-driven: earlier weeks' rows and this week's (Monday
/// 2026-11-16) → the problems, each as (category, status, weeks reported, reported this
/// week, new this week, solved, weeks open, meeting reasons).
#[test]
fn carry_over_table() {
    let rules = weekly_rules();
    let cases = carry_over_cases()
        .into_iter()
        .chain(meeting_cases())
        .chain(other_cases());
    for case in cases {
        check_carry_over(&rules, case);
    }
}

/// The identity rule decides what is the same problem across weeks.
#[test]
fn identity_table() {
    let mut rules = weekly_rules();
    let a = row("2026-11-09", "土地", "县领导协调中", "2026-11-09");
    let mut other_problem = a.clone();
    other_problem.problem = "另一问题".into();
    let mut no_id = a.clone();
    no_id.project = None;
    let cases: &[(&[&str], &WeekRow, &str)] = &[
        (&["project", "category"], &a, "P1|土地"),
        (&["project", "category"], &no_id, "项目一|土地"),
        (&["project", "problem"], &other_problem, "P1|另一问题"),
        (&["unit", "leader"], &a, "甲镇|张三"),
        (&["no_such_field"], &a, ""),
    ];
    for (fields, r, want) in cases {
        rules.identity = fields.iter().map(|f| f.to_string()).collect();
        assert_eq!(identity(&rules, r), *want, "{fields:?}");
    }
}

#[test]
fn a_leaders_decision_items_lead_his_digest_and_open_problems_outlive_the_week() {
    let rules = weekly_rules();
    // 用地 is new and coordinated; 资金 goes to the meeting; 手续 is open 5 weeks; 规划 solved.
    let rows = vec![
        row("2026-10-12", "用地", "县领导协调中", "2026-10-12"),
        row("2026-10-12", "资金", "提交周例会", "2026-10-12"),
        row("2026-10-12", "手续", "县领导协调中", "2026-09-08"),
        row("2026-10-12", "规划", "已解决", "2026-10-01"),
    ];
    let monday = d("2026-10-12");
    let problems = track(&rules, &[], &rows, monday, monday + Duration::days(1));
    let digest = meeting::digest(&rules, &problems);
    assert_eq!(digest.len(), 1);
    let zhang = &digest[0];
    assert_eq!(zhang.decide, 2);
    let order: Vec<&str> = zhang.open.iter().map(|p| p.category.as_str()).collect();
    assert_eq!(order, ["手续", "资金", "用地"]);
    assert!(zhang.open[..2].iter().all(Problem::decides));
    // A week later with no report: the three open ones are still open, the solved one is not.
    let open = open_problems(&rules, &rows, d("2026-10-19"));
    let mut left: Vec<&str> = open.iter().map(|p| p.category.as_str()).collect();
    left.sort();
    assert_eq!(left, ["手续", "用地", "资金"]);
    assert!(open.iter().all(|p| p.status == rules.status.not_updated));
    assert_eq!(day_of_week(monday, rules.digest.weekday), d("2026-10-14"));
}
