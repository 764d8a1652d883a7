//! Tests of drafting and numbering the notices.
use super::*;
use crate::engine::deadlines::Status;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rules() -> Rules {
    Rules::load(None).unwrap()
}

#[test]
fn chinese_number_table() {
    let cases = [
        (0, "〇"),
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (31, "三十一"),
        (99, "九十九"),
        (100, "100"),
    ];
    for (n, want) in cases {
        assert_eq!(chinese_number(n), want, "{n}");
    }
}

#[test]
fn issue_date_text_table() {
    let cases = [
        ("2026-10-25", DateStyle::Chinese, "二〇二六年十月二十五日"),
        ("2026-01-01", DateStyle::Chinese, "二〇二六年一月一日"),
        ("2030-12-10", DateStyle::Chinese, "二〇三〇年十二月十日"),
        ("2027-11-30", DateStyle::Chinese, "二〇二七年十一月三十日"),
        ("2026-10-25", DateStyle::Arabic, "2026年10月25日"),
        ("2026-01-05", DateStyle::Arabic, "2026年1月5日"),
    ];
    for (date, style, want) in cases {
        assert_eq!(issue_date_text(d(date), style), want, "{date} {style:?}");
    }
}

#[test]
fn number_text_table() {
    let mut rules = rules();
    let cases = [
        (
            "镇督查〔{{ year }}〕{{ seq }}号",
            2026,
            1,
            "镇督查〔2026〕1号",
        ),
        (
            "镇督查〔{{ year }}〕{{ seq }}号",
            2027,
            12,
            "镇督查〔2027〕12号",
        ),
        (
            "督查通〔{{ year }}〕第{{ seq }}号",
            2026,
            3,
            "督查通〔2026〕第3号",
        ),
        ("{{ seq }}", 2026, 7, "7"),
        // A template that cannot be rendered still gives a usable number.
        ("〔{{ year", 2026, 4, "2026-4"),
    ];
    for (template, year, seq, want) in cases {
        rules.notices.setup.number = template.into();
        assert_eq!(number_text(&rules, year, seq), want, "{template}");
    }
}

fn blank_notice(recipient: &str, year: i32) -> Notice {
    Notice {
        kind: NoticeKind::Supervision,
        recipient: recipient.into(),
        addressee: recipient.into(),
        title: String::new(),
        intro: String::new(),
        matters: Vec::new(),
        closing: String::new(),
        issue_date: d("2026-10-25"),
        issue_date_text: String::new(),
        due: d("2026-11-01"),
        due_provisional: false,
        year,
        seq: 0,
        number: String::new(),
        imprint: None,
    }
}

/// Numbering, table-driven: numbers already given (this month's, by recipient, and the
/// highest of each year) and the notices in order → their sequence numbers.
#[test]
fn number_table() {
    type Case<'a> = (
        &'a str,
        &'a [(&'a str, i32, u32)],
        &'a [(i32, u32)],
        &'a [(&'a str, i32)],
        &'a [u32],
    );
    let cases: &[Case] = &[
        (
            "a fresh year starts at 1",
            &[],
            &[],
            &[("甲镇", 2026), ("乙镇", 2026)],
            &[1, 2],
        ),
        (
            "continues after the year's highest",
            &[],
            &[(2026, 14)],
            &[("甲镇", 2026), ("乙镇", 2026)],
            &[15, 16],
        ),
        (
            "a forced re-run keeps the recipient's number",
            &[("乙镇", 2026, 9)],
            &[(2026, 14)],
            &[("甲镇", 2026), ("乙镇", 2026), ("丙镇", 2026)],
            &[15, 9, 16],
        ),
        (
            "each year counts on its own",
            &[],
            &[(2025, 40), (2026, 2)],
            &[("甲镇", 2025), ("乙镇", 2026), ("丙镇", 2025)],
            &[41, 3, 42],
        ),
        (
            "a forced re-run keeps this month's number of another year",
            &[("甲镇", 2026, 41)],
            &[(2026, 41), (2027, 22)],
            &[("甲镇", 2027), ("乙镇", 2027)],
            &[41, 23],
        ),
    ];
    let rules = rules();
    for (name, this_month, max_seq, notices, want) in cases {
        let book = NoticeBook {
            this_month: this_month
                .iter()
                .map(|(r, y, s)| (r.to_string(), (*y, *s)))
                .collect(),
            max_seq: max_seq.iter().copied().collect(),
        };
        let mut list: Vec<Notice> = notices.iter().map(|(r, y)| blank_notice(r, *y)).collect();
        number(&rules, &book, &mut list);
        let seqs: Vec<u32> = list.iter().map(|n| n.seq).collect();
        assert_eq!(&seqs, want, "{name}");
        for n in &list {
            assert_eq!(
                n.number,
                format!("镇督查〔{}〕{}号", n.year, n.seq),
                "{name}"
            );
        }
    }
}

/// A deadline row as the deadline evaluation gives it.
fn deadline(rule: &str, recipient: Option<&str>, status: Status, workdays: i64) -> DeadlineRow {
    DeadlineRow {
        rule: rule.into(),
        rule_name: format!("{rule}的规则"),
        project: Some("P1".into()),
        project_name: Some("项目一".into()),
        item: Some("节能审查".into()),
        recipient: recipient.map(str::to_string),
        from: Some(d("2026-09-01")),
        days: Some(15),
        due: Some(d("2026-09-22")),
        met_on: (status == Status::MetLate).then(|| d("2026-09-24")),
        status,
        status_label: status.key().into(),
        workdays: Some(workdays),
        missing_years: Vec::new(),
        source: String::new(),
        reason: None,
    }
}

fn facts<'a>(
    unit: &'a str,
    rank: u32,
    bottom: bool,
    streak: u32,
    penalties: &'a [String],
) -> UnitFacts<'a> {
    UnitFacts {
        unit,
        bottom,
        score: 100.0 - f64::from(rank) * 10.5,
        rank,
        streak,
        penalty_ids: penalties,
    }
}

/// The notices drafted from four units and six deadline rows, their escalation matters
/// written as once numbered.
fn drafted_example() -> Drafted {
    let rules = rules();
    let tv = vec!["tv_statement".to_string()];
    let none: Vec<String> = Vec::new();
    let units = [
        facts("甲镇", 3, true, 2, &tv),
        facts("乙镇", 1, false, 0, &none),
        facts("丙镇", 2, true, 1, &none),
        facts("丁镇", 4, false, 0, &none),
    ];
    let deadlines = [
        deadline("start_after_signing", Some("丙镇"), Status::Overdue, 12),
        deadline("start_after_signing", Some("丁镇"), Status::Pending, 5),
        deadline("procedure_time_limit", Some("县发改委"), Status::Overdue, 3),
        deadline("procedure_time_limit", None, Status::Overdue, 3),
        deadline("monthly_report", Some("乙镇"), Status::MetLate, 2),
        deadline("monthly_report", Some("丁镇"), Status::Met, 0),
    ];
    let evidence = BTreeMap::from([(
        "甲镇".to_string(),
        vec![
            Evidence {
                penalty: "tv_statement".into(),
                label: "表态发言".into(),
                pieces: vec![crate::engine::evidence::Piece::Text(
                    "连续2个月排名后3位（2026年9月第3名、10月第3名）".into(),
                )],
            },
            Evidence::text("special_inspection", "专项巡察: 不属于这个名单".into()),
        ],
    )]);
    let order: Vec<String> = ["甲镇", "乙镇", "丙镇", "丁镇"].map(String::from).to_vec();
    let mut out = draft(
        &rules,
        &DraftInput {
            month: Month::parse("2026-10").unwrap(),
            as_of: d("2026-10-26"),
            issue_date: d("2026-10-26"),
            deadlines: &deadlines,
            units: &units,
            evidence: &evidence,
            unit_order: &order,
            tasks: &[],
        },
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    // The escalation notice's matters are written from the evidence once numbered.
    crate::engine::assess::name_notices(&mut [], &mut out.notices, &mut out.escalations);
    out
}

/// Drafting with the shipped notices.toml, on hand-built deadline rows and unit results:
/// who gets a notice, of which kind, with which matters, in which order.
#[test]
fn draft_gives_one_notice_per_recipient_with_its_matters() {
    let out = drafted_example();
    let got: Vec<(&str, &str, Vec<&str>)> = out
        .notices
        .iter()
        .map(|n| {
            (
                n.recipient.as_str(),
                n.kind.key(),
                n.matters.iter().map(|m| m.rule.as_str()).collect(),
            )
        })
        .collect();
    let want: Vec<(&str, &str, Vec<&str>)> = vec![
        ("甲镇", "supervision", vec!["bottom_three", "bottom_streak"]),
        ("乙镇", "reminder", vec!["late_report"]),
        ("丙镇", "supervision", vec!["overdue_start", "bottom_three"]),
        ("县发改委", "supervision", vec!["overdue_procedure"]),
        (
            "各乡镇人民政府、街道办事处，县直有关单位",
            "tv_statement",
            vec!["tv_statement"],
        ),
    ];
    assert_eq!(got, want);
    let text = |recipient: &str, rule: &str| {
        out.notices
            .iter()
            .find(|n| n.recipient == recipient)
            .and_then(|n| n.matters.iter().find(|m| m.rule == rule))
            .map(|m| m.text.clone())
            .unwrap()
    };
    let texts = [
        (
            "甲镇",
            "bottom_three",
            "2026年10月重点项目考核得分68.50分，排名第3位，位列后3位。",
        ),
        (
            "丙镇",
            "overdue_start",
            "项目一（P1）未按“start_after_signing的规则”的要求开工，应于2026年9月22日前开工，截至2026年10月26日已超期12个工作日。",
        ),
        (
            "乙镇",
            "late_report",
            "2026年10月重点项目推进情况月报应于2026年9月22日前报送，实际于2026年9月24日报送，迟报2个工作日。",
        ),
        (
            "各乡镇人民政府、街道办事处，县直有关单位",
            "tv_statement",
            "甲镇：连续2个月排名后3位（2026年9月第3名、10月第3名）。",
        ),
    ];
    for (recipient, rule, want) in texts {
        assert_eq!(text(recipient, rule), want, "{recipient} {rule}");
    }
    let first = &out.notices[0];
    assert_eq!(first.title, "关于督促甲镇加快重点项目推进的通知");
    assert_eq!(first.issue_date_text, "2026年10月26日");
    let imprint = first.imprint.as_ref().unwrap();
    assert_eq!(
        (imprint.office.as_str(), imprint.date.as_str()),
        ("镇平县重点项目办公室", "2026年10月26日印发")
    );
    assert_eq!(
        (first.seq, first.number.as_str()),
        (0, ""),
        "numbered later"
    );
    let lists: Vec<(&str, Vec<&str>)> = out
        .escalations
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.entries.iter().map(|x| x.unit.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        lists,
        vec![
            ("tv_statement", vec!["甲镇"]),
            ("special_inspection", vec![])
        ]
    );
}

/// The notice's date to report back by: the shipped rules' `feedback_workdays` (3) working days
/// after the issue date (not the as-of day), over weekends, holidays and worked weekend days;
/// provisional in a year without a schedule. The date is written in Arabic numerals
/// (GB/T 9704-2012 7.3.5.1).
#[test]
fn due_dates_of_drafted_notices_table() {
    let rules = rules();
    let none: Vec<String> = Vec::new();
    let units = [facts("甲镇", 1, true, 1, &none)];
    let cases = [
        ("2026-10-26", "2026-10-29", false, "2026年10月26日"),
        // 29, 30 September, then (after the 国庆节 holiday) 8 October.
        ("2026-09-28", "2026-10-08", false, "2026年9月28日"),
        // 31 December, then days of 2027, which has no schedule.
        ("2026-12-30", "2027-01-04", true, "2026年12月30日"),
        // December's notices issued in January are numbered in January's year.
        ("2027-01-04", "2027-01-07", true, "2027年1月4日"),
    ];
    for (issue, due, provisional, issued) in cases {
        // Facts as of three days before: the period runs from the issue date.
        let as_of = d(issue) - chrono::Days::new(3);
        let out = draft(
            &rules,
            &DraftInput {
                month: Month::of(as_of),
                as_of,
                issue_date: d(issue),
                deadlines: &[],
                units: &units,
                evidence: &BTreeMap::new(),
                tasks: &[],
                unit_order: &["甲镇".to_string()],
            },
        );
        let n = &out.notices[0];
        assert_eq!(
            (n.due, n.due_provisional, n.issue_date_text.as_str()),
            (d(due), provisional, issued),
            "{issue}"
        );
        assert_eq!((n.issue_date, n.year), (d(issue), d(issue).year()));
        assert!(n.closing.contains(&zh_date(d(due))), "{}", n.closing);
    }
}
