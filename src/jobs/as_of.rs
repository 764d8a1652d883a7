//! The dates of a month: those the local page offers (the default as-of date, as on the
//! command line, the window an as-of date must lie in, a default day for the weekly report)
//! and the notices' issue date of a run.

use crate::calendar::Month;
use crate::rules::Rules;
use chrono::NaiveDate;
use std::path::PathBuf;

/// The dates of one month, as the page shows them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MonthDates {
    pub month: String,
    /// The default as-of date ([`super::default_as_of`]) and why (Chinese).
    pub as_of: NaiveDate,
    pub why: String,
    /// The first and the last as-of date accepted for the month ([`window`]).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// A day of the month for the weekly report: the as-of date, kept inside the month.
    pub week: NaiveDate,
}

/// The as-of dates that make sense for `month`: from its first day to the assessment day
/// (`as_of_day`) of the next month, or the next month's last day when the rule has none.
pub fn window(month: Month, day: Option<u32>) -> (NaiveDate, NaiveDate) {
    (month.day(1), month.next().assessment_day(day))
}

/// `as_of` for `month`, or why not (Chinese, without command-line words).
pub fn check_window(month: Month, as_of: NaiveDate, day: Option<u32>) -> anyhow::Result<()> {
    let (from, to) = window(month, day);
    if as_of < from || as_of > to {
        anyhow::bail!(
            "统计截止日期 {as_of} 不在 {month} 的考核期内：应在 {from} 至 {to} 之间\
             （考核月的第一天至次月的考核日）。请改选日期或考核月份。"
        );
    }
    Ok(())
}

/// The dates of `month` seen on `today` with the rules of `rules` (the shipped ones when None).
pub fn month_dates(
    rules: Option<&PathBuf>,
    month: Month,
    today: NaiveDate,
) -> super::Result<MonthDates> {
    let rules = Rules::load(rules.map(PathBuf::as_path))?;
    let day = rules.scoring.score.as_of_day;
    let (as_of, why) = super::default_as_of(month, today, day);
    let (from, to) = window(month, day);
    // A month not begun yet: today is outside its window, so its assessment day is offered.
    let (as_of, why) = if as_of < from {
        let due = month.day(day.unwrap_or(31));
        (due, format!("考核月尚未开始，取考核日 {due}"))
    } else {
        (as_of, why)
    };
    let week = as_of.clamp(month.day(1), month.day(31));
    Ok(MonthDates {
        month: month.to_string(),
        as_of,
        why,
        from,
        to,
        week,
    })
}

/// The as-of date of the page's `?as_of=` for `month`: checked against its window.
pub fn page_as_of(rules: Option<&PathBuf>, month: Month, text: &str) -> super::Result<NaiveDate> {
    let as_of = super::parse_date(text, "统计截止日期", "2026-10-25")?;
    let rules = Rules::load(rules.map(PathBuf::as_path))?;
    check_window(month, as_of, rules.scoring.score.as_of_day)?;
    Ok(as_of)
}

/// The notices' date: `requested`, or the first working day on or after `as_of`, with a note to
/// show when it is not what the user may expect. A requested date before `as_of` is refused
/// (the notices state facts as of `as_of`); one that is not a working day is kept with a
/// warning, as the office may have reason to sign on it.
pub(crate) fn issue_date(
    rules: &Rules,
    as_of: NaiveDate,
    requested: Option<NaiveDate>,
) -> anyhow::Result<(NaiveDate, Option<String>)> {
    let cal = &rules.calendar;
    let Some(d) = requested else {
        let d = cal.on_or_after(as_of).value;
        let note = (d != as_of).then(|| {
            format!(
                "通知成文日期：{d}（统计截止日期 {as_of} 为{}，取其后第一个工作日；可用 --issue-date 指定）",
                super::workdays::describe(cal, as_of)
            )
        });
        return Ok((d, note));
    };
    if d < as_of {
        anyhow::bail!(
            "--issue-date {d} 早于统计截止日期 {as_of}：通知所述情况截至 {as_of}，成文日期不能早于此日，请改为 {as_of} 或之后的日期"
        );
    }
    let note = (!cal.is_working(d)).then(|| {
        format!(
            "警告: 通知成文日期 {d}（{}）不是工作日，仍按此日期落款；如非有意，请用 --issue-date 改为工作日（如 {}）",
            super::workdays::describe(cal, d),
            cal.on_or_after(d).value
        )
    });
    Ok((d, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_window_runs_from_the_month_to_the_next_assessment_day() {
        let m = |s| Month::parse(s).unwrap();
        let cases = [
            ("2026-10", Some(25), "2026-10-01", "2026-11-25"),
            ("2026-12", Some(25), "2026-12-01", "2027-01-25"),
            ("2027-01", Some(31), "2027-01-01", "2027-02-28"),
            ("2027-03", None, "2027-03-01", "2027-04-30"),
        ];
        for (month, day, from, to) in cases {
            assert_eq!(window(m(month), day), (d(from), d(to)), "{month}");
        }
        let mar = m("2027-03");
        let err = check_window(mar, d("2020-01-01"), Some(25)).unwrap_err();
        assert!(
            err.to_string().contains("2027-03-01 至 2027-04-25"),
            "{err}"
        );
        assert!(!err.to_string().contains("--"));
        assert!(check_window(mar, d("2027-03-25"), Some(25)).is_ok());
        assert!(check_window(mar, d("2027-04-26"), Some(25)).is_err());
    }

    #[test]
    fn a_month_not_begun_offers_its_assessment_day_inside_its_window() {
        let jan = Month::parse("2027-01").unwrap();
        let dates = month_dates(None, jan, d("2026-12-03")).unwrap();
        assert_eq!(dates.as_of, d("2027-01-25"));
        assert!(check_window(jan, dates.as_of, Some(25)).is_ok());
        assert!(dates.why.contains("考核月尚未开始"), "{}", dates.why);
    }
}
