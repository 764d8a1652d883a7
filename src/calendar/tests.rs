//! Unit tests of the calendar: working days, moved days and years without a schedule.

use super::*;
use crate::rules::Rules;
use proptest::prelude::*;
use std::sync::OnceLock;

#[test]
fn months_shift_across_years() {
    let m = |year, month| Month { year, month };
    assert_eq!(m(2026, 1).shift(-1), m(2025, 12));
    assert_eq!(m(2025, 12).shift(1), m(2026, 1));
    assert_eq!(m(2026, 10).shift(0), m(2026, 10));
    assert_eq!(m(2026, 10).shift(-22), m(2024, 12));
    assert_eq!(m(2026, 10).next(), m(2026, 10).shift(1));
}

#[test]
fn a_folder_is_named_for_a_month_as_offices_write_it() {
    let cases = [
        ("2026-10", Some("2026-10")),
        ("2026年10月", Some("2026-10")),
        ("2026年1月", Some("2026-01")),
        ("2026年01月", Some("2026-01")),
        (" 2026.10 ", Some("2026-10")),
        ("2026.1", Some("2026-01")),
        ("202610", Some("2026-10")),
        ("2026年13月", None),
        ("26年10月", None),
        ("十月材料", None),
        ("2026年10月材料", None),
        ("20261", None),
        ("2026.10.25", None),
        ("后评估", None),
        ("１２３４５６", None),
    ];
    for (name, expected) in cases {
        let got = Month::of_folder_name(name).map(|m| m.to_string());
        assert_eq!(got.as_deref(), expected, "{name}");
    }
}

fn cal() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| Rules::load(None).unwrap().calendar)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn national_day_2026() {
    assert_eq!(cal().add(d("2026-09-28"), 4).value, d("2026-10-09"));
    assert_eq!(cal().add(d("2026-09-28"), 5).value, d("2026-10-10"));
    assert_eq!(cal().add(d("2026-09-28"), 6).value, d("2026-10-12"));
    assert_eq!(
        cal().kind(d("2026-10-10")),
        DayKind::Adjusted("国庆节".into())
    );
    assert!(!cal().add(d("2026-09-28"), 6).provisional());
}

/// Holiday edges of every year: (date, working?) from the State Council schedules.
#[test]
fn holiday_edges_every_year() {
    let cases = [
        ("2020-01-19", true),
        ("2020-01-24", false),
        ("2020-02-02", false),
        ("2020-02-03", true),
        ("2020-04-26", true),
        ("2020-05-05", false),
        ("2020-06-28", true),
        ("2020-10-08", false),
        ("2020-10-10", true),
        ("2021-02-07", true),
        ("2021-02-11", false),
        ("2021-02-17", false),
        ("2021-02-20", true),
        ("2021-04-25", true),
        ("2021-09-18", true),
        ("2021-10-09", true),
        ("2022-01-29", true),
        ("2022-01-30", true),
        ("2022-02-04", false),
        ("2022-04-02", true),
        ("2022-04-24", true),
        ("2022-05-07", true),
        ("2022-10-08", true),
        ("2023-01-27", false),
        ("2023-01-28", true),
        ("2023-04-23", true),
        ("2023-06-25", true),
        ("2023-10-06", false),
        ("2023-10-07", true),
        ("2024-02-04", true),
        ("2024-02-18", true),
        ("2024-02-16", false),
        ("2024-04-07", true),
        ("2024-05-11", true),
        ("2024-09-14", true),
        ("2024-10-12", true),
        ("2025-01-26", true),
        ("2025-02-04", false),
        ("2025-02-08", true),
        ("2025-04-27", true),
        ("2025-09-28", true),
        ("2025-10-08", false),
        ("2025-10-11", true),
        ("2026-01-04", true),
        ("2026-02-14", true),
        ("2026-02-23", false),
        ("2026-02-28", true),
        ("2026-05-09", true),
        ("2026-09-20", true),
        ("2026-10-07", false),
    ];
    for (date, working) in cases {
        assert_eq!(cal().is_working(d(date)), working, "{date}");
        assert_eq!(cal().kind(d(date)).is_working(), working, "{date}");
    }
}

#[test]
fn unknown_year_is_weekends_only_and_provisional() {
    let r = cal().add(d("2026-10-20"), 90);
    assert_eq!(r.missing_years, vec![2027]);
    assert!(
        cal().is_working(d("2027-01-01")),
        "2027 is not guessed: 01-01 is a plain Friday"
    );
    let r = cal().count(d("2026-12-30"), d("2027-01-05"));
    assert_eq!(r.value, 4);
    assert!(r.provisional());
}

#[test]
fn count_is_exclusive_of_start() {
    assert_eq!(cal().count(d("2026-09-28"), d("2026-10-12")).value, 6);
    assert_eq!(cal().count(d("2026-10-12"), d("2026-09-28")).value, -6);
    assert_eq!(cal().count(d("2026-10-01"), d("2026-10-01")).value, 0);
}

proptest! {
    #[test]
    fn add_and_count_agree(day in 0i64..2557, n in 0u32..400) {
        let start = d("2020-01-01") + chrono::Duration::days(day);
        let end = cal().add(start, n).value;
        prop_assert_eq!(cal().count(start, end).value, i64::from(n));
        if n > 0 {
            prop_assert!(cal().is_working(end));
            prop_assert_eq!(cal().count(start, end.pred_opt().unwrap()).value, i64::from(n) - 1);
        }
    }

    #[test]
    fn prefix_sums_match_day_by_day(day in 0i64..2557, len in 0i64..120) {
        let a = d("2020-01-01") + chrono::Duration::days(day);
        let b = a + chrono::Duration::days(len);
        let slow = a.iter_days().skip(1).take_while(|x| *x <= b).filter(|x| cal().kind(*x).is_working()).count() as i64;
        prop_assert_eq!(cal().count(a, b).value, slow);
    }
}
