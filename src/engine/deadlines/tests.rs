//! Tests of the deadline statuses.
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn status_keys_are_the_rules_names() {
    let cases = [
        (Status::Met, "met"),
        (Status::MetLate, "met_late"),
        (Status::Overdue, "overdue"),
        (Status::DueSoon, "due_soon"),
        (Status::Pending, "pending"),
        (Status::NoDate, "no_date"),
    ];
    for (status, key) in cases {
        assert_eq!(status.key(), key);
        assert_eq!(
            serde_json::to_value(status).unwrap(),
            serde_json::json!(key),
            "stored as its key"
        );
    }
}

/// One row of `procedure_deadline_status_table`.
struct Case {
    name: &'static str,
    assigned: Option<&'static str>,
    limit: Option<i64>,
    procedure: &'static str,
    finished: Option<&'static str>,
    as_of: &'static str,
    due: Option<&'static str>,
    status: Status,
    workdays: Option<i64>,
    missing: &'static [i32],
}
/// A case on the 节能审查 procedure, with an assignment date and a limit.
#[allow(clippy::too_many_arguments)]
fn case(
    name: &'static str,
    assigned: &'static str,
    limit: i64,
    finished: Option<&'static str>,
    as_of: &'static str,
    due: &'static str,
    status: Status,
    workdays: Option<i64>,
) -> Case {
    Case {
        name,
        assigned: Some(assigned),
        limit: Some(limit),
        procedure: "节能审查",
        finished,
        as_of,
        due: Some(due),
        status,
        workdays,
        missing: &[],
    }
}

/// 2026-11-02 is a Monday; November 2026 has no holiday.
const MONDAY: &str = "2026-11-02";

/// The cases on the 节能审查 procedure met or overdue.
fn met_and_overdue_cases() -> Vec<Case> {
    let a = MONDAY;
    vec![
        case(
            "met early",
            a,
            5,
            Some("2026-11-06"),
            "2026-11-20",
            "2026-11-09",
            Status::Met,
            None,
        ),
        case(
            "met on the due day",
            a,
            5,
            Some("2026-11-09"),
            "2026-11-20",
            "2026-11-09",
            Status::Met,
            None,
        ),
        case(
            "met late",
            a,
            5,
            Some("2026-11-11"),
            "2026-11-20",
            "2026-11-09",
            Status::MetLate,
            Some(2),
        ),
        case(
            "overdue over a weekend",
            a,
            5,
            None,
            "2026-11-16",
            "2026-11-09",
            Status::Overdue,
            Some(5),
        ),
        case(
            "overdue by one day",
            a,
            5,
            None,
            "2026-11-10",
            "2026-11-09",
            Status::Overdue,
            Some(1),
        ),
    ]
}

/// The cases on the 节能审查 procedure still open, and over holidays.
fn open_and_holiday_cases() -> Vec<Case> {
    let a = MONDAY;
    vec![
        case(
            "due today",
            a,
            5,
            None,
            "2026-11-09",
            "2026-11-09",
            Status::DueSoon,
            Some(0),
        ),
        case(
            "due within three days",
            a,
            5,
            None,
            "2026-11-04",
            "2026-11-09",
            Status::DueSoon,
            Some(3),
        ),
        case(
            "four days left",
            a,
            5,
            None,
            "2026-11-03",
            "2026-11-09",
            Status::Pending,
            Some(4),
        ),
        case(
            "a limit of 0 days",
            a,
            0,
            None,
            "2026-11-02",
            "2026-11-02",
            Status::DueSoon,
            Some(0),
        ),
        // 29, 30 September, then 8, 9 and (a worked Saturday) 10 October.
        case(
            "over National Day",
            "2026-09-28",
            5,
            None,
            "2026-10-12",
            "2026-10-10",
            Status::Overdue,
            Some(1),
        ),
        case(
            "met on a worked Saturday",
            "2026-09-28",
            5,
            Some("2026-10-10"),
            "2026-10-12",
            "2026-10-10",
            Status::Met,
            None,
        ),
    ]
}

/// The cases of a limit by name, a missing date or limit, and a year without a schedule.
fn special_cases() -> Vec<Case> {
    let a = MONDAY;
    vec![
        Case {
            name: "the limit by the procedure's name",
            limit: None,
            procedure: "企业投资项目备案",
            ..case(
                "",
                a,
                0,
                None,
                "2026-11-20",
                "2026-11-05",
                Status::Overdue,
                Some(11),
            )
        },
        Case {
            name: "the row's own limit before the name's",
            procedure: "企业投资项目备案",
            ..case(
                "",
                a,
                10,
                None,
                "2026-11-02",
                "2026-11-16",
                Status::Pending,
                Some(10),
            )
        },
        Case {
            name: "no assignment date",
            assigned: None,
            due: None,
            ..case(
                "",
                a,
                5,
                None,
                "2026-11-20",
                "2026-11-09",
                Status::NoDate,
                None,
            )
        },
        Case {
            name: "no limit at all",
            limit: None,
            procedure: "没有时限的手续",
            due: None,
            ..case(
                "",
                a,
                5,
                None,
                "2026-11-20",
                "2026-11-09",
                Status::NoDate,
                None,
            )
        },
        Case {
            name: "a year without a schedule is provisional",
            missing: &[2027],
            ..case(
                "",
                "2027-03-01",
                5,
                None,
                "2027-03-01",
                "2027-03-08",
                Status::Pending,
                Some(5),
            )
        },
    ]
}

/// Checks the deadline of `rule` on the row of case `c`.
fn check_procedure_case(rules: &Rules, rule: &Deadline, c: Case) {
    let mut values = BTreeMap::from([
        ("procedure".to_string(), Value::Text(c.procedure.into())),
        ("department".to_string(), Value::Text("县发改委".into())),
    ]);
    if let Some(a) = c.assigned {
        values.insert("assigned_date".into(), Value::Date(d(a)));
    }
    if let Some(n) = c.limit {
        values.insert("limit_workdays".into(), Value::Int(n));
    }
    if let Some(f) = c.finished {
        values.insert("finished_date".into(), Value::Date(d(f)));
    }
    let ctx = Ctx {
        rules,
        cal: &rules.calendar,
        as_of: d(c.as_of),
    };
    let row = ctx.after(rule, &values, "手续.xlsx!Sheet1!B2".into());
    assert_eq!(
        (
            row.due,
            row.status,
            row.workdays,
            row.missing_years.as_slice()
        ),
        (c.due.map(d), c.status, c.workdays, c.missing),
        "{}",
        c.name
    );
    assert_eq!(row.recipient.as_deref(), Some("县发改委"), "{}", c.name);
    let label = match c.status {
        Status::Met => "按期完成",
        Status::MetLate => "逾期完成",
        Status::Overdue => "逾期未完成",
        Status::DueSoon => "即将到期",
        Status::Pending => "未到期",
        // A start date without a limit is said as such (`no_limit`).
        Status::NoDate if c.assigned.is_some() => "缺少办理时限",
        Status::NoDate => "缺少起算日期",
    };
    assert_eq!(row.status_label, label, "{}", c.name);
}

/// A procedure deadline (`procedure_time_limit` of the shipped rules: N working days after
/// assignment, N from the row or by the procedure's name, due soon within 3 days), on
/// hand-built rows, table-driven: → due date, status, working days late or left, and the
/// years without an official schedule.
#[test]
fn procedure_deadline_status_table() {
    let rules = Rules::load(None).unwrap();
    let rule = rules
        .deadlines
        .rules
        .iter()
        .find(|r| r.id == "procedure_time_limit")
        .unwrap();
    for c in met_and_overdue_cases()
        .into_iter()
        .chain(open_and_holiday_cases())
        .chain(special_cases())
    {
        check_procedure_case(&rules, rule, c);
    }
}

/// The same deadline counted in calendar days: weekends and holidays count.
#[test]
fn calendar_day_deadlines_table() {
    let rules = Rules::load(None).unwrap();
    let mut rule = rules
        .deadlines
        .rules
        .iter()
        .find(|r| r.id == "procedure_time_limit")
        .unwrap()
        .clone();
    rule.due = Due::After {
        from: "assigned_date".into(),
        days: Some(10),
        days_field: None,
        limits: BTreeMap::new(),
        warn_factor: None,
        count: Count::Calendar,
    };
    let cases = [
        ("2026-09-28", "2026-10-08", "2026-10-08", Status::DueSoon, 0),
        ("2026-09-28", "2026-10-08", "2026-10-09", Status::Overdue, 1),
        ("2026-11-02", "2026-11-12", "2026-11-02", Status::Pending, 8),
    ];
    for (assigned, due, as_of, status, workdays) in cases {
        let values = BTreeMap::from([("assigned_date".to_string(), Value::Date(d(assigned)))]);
        let ctx = Ctx {
            rules: &rules,
            cal: &rules.calendar,
            as_of: d(as_of),
        };
        let row = ctx.after(&rule, &values, String::new());
        assert_eq!(
            (row.due, row.status, row.workdays),
            (Some(d(due)), status, Some(workdays)),
            "{assigned} as of {as_of}"
        );
    }
}
