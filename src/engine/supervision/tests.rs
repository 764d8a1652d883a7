use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn task() -> Task {
    Task {
        id: "N-1".into(),
        month: "2026-09".into(),
        notice: "N".into(),
        index: 1,
        unit: "东湖镇".into(),
        project: None,
        matter: "bottom_three".into(),
        text: String::new(),
        timing: "一般问题".into(),
        issued: d("2026-09-25"),
        feedback_due: d("2026-09-30"),
        rectify_due: d("2026-10-12"),
        provisional: false,
    }
}

fn fb(status: &str, filed: &str, date: &str) -> Feedback {
    Feedback {
        task: "N-1".into(),
        status: status.into(),
        date: Some(d(date)),
        filed: Some(d(filed)),
        note: String::new(),
        source: String::new(),
    }
}

#[test]
fn without_feedback_a_task_is_open_until_its_report_back_date_then_overdue() {
    let t = task();
    assert_eq!(
        state_of(&t, None, None, d("2026-09-30"), false).0,
        State::Open
    );
    assert_eq!(
        state_of(&t, None, None, d("2026-10-01"), false).0,
        State::Overdue
    );
}

#[test]
fn an_extension_asked_in_time_is_in_progress_by_its_new_date() {
    let t = task();
    let f = fb("extension", "2026-10-09", "2026-11-20");
    assert_eq!(
        state_of(&t, Some(&f), None, d("2026-10-25"), false),
        (State::InProgress, d("2026-11-20"))
    );
    let late = fb("extension", "2026-10-13", "2026-11-20");
    assert_eq!(
        state_of(&t, Some(&late), None, d("2026-10-25"), false),
        (State::Overdue, d("2026-10-12"))
    );
}

#[test]
fn done_and_closed() {
    let t = task();
    let f = fb("done", "2026-09-29", "2026-09-28");
    assert_eq!(
        state_of(&t, Some(&f), None, d("2026-10-25"), false).0,
        State::Done
    );
    assert_eq!(
        state_of(&t, Some(&f), Some(d("2026-10-20")), d("2026-10-25"), false).0,
        State::Closed
    );
    // Closed after the as-of date: not yet.
    assert_eq!(
        state_of(&t, Some(&f), Some(d("2026-10-26")), d("2026-10-25"), false).0,
        State::Done
    );
}

/// The register row of `task()` as of `as_of` with `feedback`.
fn row(feedback: Option<Feedback>, as_of: &str) -> TaskState {
    let s = shipped();
    let t = task();
    let (state, due) = state_of(&t, feedback.as_ref(), None, d(as_of), false);
    TaskState {
        task: t,
        state,
        state_label: state.label(&s),
        due,
        feedback,
        closed_on: None,
    }
}

fn shipped() -> Supervision {
    crate::rules::Rules::load(None)
        .unwrap()
        .notices
        .supervision
        .unwrap()
}

#[test]
fn only_an_overdue_task_is_a_finding_dated_by_the_date_it_missed() {
    let s = shipped();
    let cal = crate::rules::Rules::load(None).unwrap().calendar;
    let names = std::collections::HashMap::new();
    // (feedback, as of, expected: the date missed and working days overdue)
    let cases = [
        (None, "2026-09-30", None),
        (None, "2026-10-09", Some(("2026-09-30", 2))),
        (
            Some(fb("done", "2026-10-09", "2026-10-09")),
            "2026-10-25",
            None,
        ),
        (
            Some(fb("extension", "2026-10-09", "2026-11-20")),
            "2026-10-25",
            None,
        ),
        // Asked after the 整改时限 (10-12): no valid answer, overdue since the 反馈时限 (09-30),
        // the date the reminder names.
        (
            Some(fb("extension", "2026-10-13", "2026-11-20")),
            "2026-10-16",
            Some(("2026-09-30", 8)),
        ),
    ];
    for (feedback, as_of, expected) in cases {
        let register = [row(feedback.clone(), as_of)];
        let got = finding::findings(&s, &cal, &register, &names, d(as_of));
        let got: Vec<_> = got
            .iter()
            .map(|f| (f.due.unwrap().to_string(), f.workdays.unwrap()))
            .collect();
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(due, w)| (due.to_string(), w))
            .collect();
        assert_eq!(got, expected, "{feedback:?} as of {as_of}");
    }
}

#[test]
fn a_closure_after_the_as_of_date_is_not_in_the_register_as_of_it() {
    let s = shipped();
    let closures = std::collections::BTreeMap::from([(task().id, d("2026-10-27"))]);
    let before = register(&s, &[task()], &[], &closures, d("2026-10-25"));
    assert_eq!(before[0].closed_on, None);
    assert_ne!(before[0].state, State::Closed);
    let after = register(&s, &[task()], &[], &closures, d("2026-10-27"));
    assert_eq!(after[0].closed_on, Some(d("2026-10-27")));
    assert_eq!(after[0].state, State::Closed);
}

#[test]
fn a_task_being_fixed_past_its_date_is_rectify_overdue_only_when_the_rules_name_it() {
    let t = task();
    let fixing = fb("in_progress", "2026-09-29", "2026-10-10");
    // On the date to be fixed by it is still in time.
    assert_eq!(
        state_of(&t, Some(&fixing), None, d("2026-10-12"), true),
        (State::InProgress, d("2026-10-12"))
    );
    assert_eq!(
        state_of(&t, Some(&fixing), None, d("2026-10-13"), true),
        (State::RectifyOverdue, d("2026-10-12"))
    );
    assert_eq!(
        state_of(&t, Some(&fixing), None, d("2026-10-13"), false),
        (State::InProgress, d("2026-10-12"))
    );
    // An extension asked in time runs to its new date, then is late too.
    let extended = fb("extension", "2026-10-09", "2026-11-20");
    assert_eq!(
        state_of(&t, Some(&extended), None, d("2026-11-20"), true).0,
        State::InProgress
    );
    assert_eq!(
        state_of(&t, Some(&extended), None, d("2026-11-23"), true),
        (State::RectifyOverdue, d("2026-11-20"))
    );
    // Done and closed tasks are never late.
    let done = fb("done", "2026-09-29", "2026-10-10");
    assert_eq!(
        state_of(&t, Some(&done), None, d("2026-12-01"), true).0,
        State::Done
    );
}
