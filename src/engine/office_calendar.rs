//! The office calendar of a month: every date the notice sets (monthly days and weekly
//! weekdays), moved to working days by rule and provisional where a year's schedule is missing;
//! and the check of the assignment meeting: procedures of projects new in the month's ledger
//! that were assigned after the meeting.

use super::Month;
use crate::calendar::Calendar;
use crate::ingest::Dataset;
use crate::rules::office_calendar::{Event, OfficeCalendar, Shift, When};
use crate::rules::{FieldRole, TableRole};
use crate::text::display;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// One date of the month's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeDate {
    pub(crate) event: String,
    pub(crate) name: String,
    pub(crate) who: String,
    /// The day the notice names.
    pub(crate) nominal: NaiveDate,
    /// The day it falls on after moving off holidays and weekends.
    pub(crate) date: NaiveDate,
    pub(crate) moved: bool,
    /// A weekly event whose day is not a working day and that would move into a week holding
    /// the event anyway: not held on its own, and this is that week's own date (see `merged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) merged_into: Option<NaiveDate>,
    /// Why it moved (the holiday's name, or 周末).
    pub(crate) moved_because: Option<String>,
    /// Years without an official schedule that the date depends on (暂定 when non-empty).
    pub(crate) missing_years: Vec<i32>,
}

fn shifted(cal: &Calendar, d: NaiveDate, shift: Shift) -> NaiveDate {
    if shift == Shift::None || cal.is_working(d) {
        return d;
    }
    let step = if shift == Shift::Next { 1 } else { -1 };
    let mut x = d;
    for _ in 0..366 {
        x += Duration::days(step);
        if cal.is_working(x) {
            return x;
        }
    }
    d
}

/// When a weekly event moved off its day (`nominal`) to `date` lands in a week that holds the
/// event anyway, the date it is held that week: the moved one is that week's, not a second one
/// (Friday 2 October's meeting, in the 国庆节 week, is not held on Thursday 8 October, the day
/// before the next week's).
fn merged(cal: &Calendar, e: &Event, nominal: NaiveDate, date: NaiveDate) -> Option<NaiveDate> {
    let When::Weekday(w) = e.when else {
        return None;
    };
    if date == nominal {
        return None;
    }
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    let own = monday + Duration::days(i64::from(w) - 1);
    let held = shifted(cal, own, e.shift);
    (own != nominal && held.iso_week() == date.iso_week()).then_some(held)
}

/// The day event `e`, due on `nominal`, is held: moved by its shift, or the day of the meeting
/// it is held together with (see `merged`); with the years without a schedule that day depends
/// on.
pub(crate) fn held_on(cal: &Calendar, e: &Event, nominal: NaiveDate) -> (NaiveDate, Vec<i32>) {
    let moved_to = shifted(cal, nominal, e.shift);
    let day = merged(cal, e, nominal, moved_to).unwrap_or(moved_to);
    let mut missing: Vec<i32> = [nominal.year(), day.year()]
        .into_iter()
        .filter(|y| !cal.knows_year(*y))
        .collect();
    missing.dedup();
    (day, missing)
}

fn reason(cal: &Calendar, d: NaiveDate) -> String {
    match cal.kind(d) {
        crate::calendar::DayKind::Holiday(name) => name,
        _ => "周末".to_string(),
    }
}

fn nominal_days(e: &Event, month: Month) -> Vec<NaiveDate> {
    let first = month.day(1);
    let days = first
        .iter_days()
        .take_while(|d| d.month() == month.month && d.year() == month.year);
    match e.when {
        When::DayOfMonth(n) => {
            let d = month.day(n);
            if d.day() == n { vec![d] } else { Vec::new() }
        }
        When::Weekday(w) => days
            .filter(|d| d.weekday().number_from_monday() == w)
            .collect(),
    }
}

/// Every date of `month`, sorted by the day it falls on.
pub(crate) fn month_dates(cal: &Calendar, rules: &OfficeCalendar, month: Month) -> Vec<OfficeDate> {
    let mut out = Vec::new();
    for (i, e) in rules.events.iter().enumerate() {
        for nominal in nominal_days(e, month) {
            let moved_to = shifted(cal, nominal, e.shift);
            let merged_into = merged(cal, e, nominal, moved_to);
            // A merged date stays on its own day, where it is said not to be held.
            let date = if merged_into.is_some() {
                nominal
            } else {
                moved_to
            };
            let mut missing: Vec<i32> = [nominal.year(), date.year()]
                .into_iter()
                .filter(|y| !cal.knows_year(*y))
                .collect();
            missing.dedup();
            let moved = date != nominal;
            let off = moved || merged_into.is_some();
            out.push((
                i,
                OfficeDate {
                    event: e.id.clone(),
                    name: e.name.clone(),
                    who: e.who.clone(),
                    nominal,
                    date,
                    moved,
                    merged_into,
                    moved_because: off.then(|| reason(cal, nominal)),
                    missing_years: missing,
                },
            ));
        }
    }
    out.sort_by_key(|(i, d)| (d.date, d.nominal, *i));
    out.into_iter().map(|(_, d)| d).collect()
}

/// A procedure of a project new this month, assigned after the assignment meeting.
#[derive(Debug, Clone, Serialize)]
pub struct LateAssignment {
    pub(crate) project: String,
    pub(crate) project_name: String,
    pub(crate) procedure: String,
    pub(crate) department: String,
    pub(crate) assigned: NaiveDate,
    pub(crate) meeting: NaiveDate,
    /// `file!sheet!cell` of the 交办日期.
    pub(crate) source: String,
}

/// Projects in `data`'s ledger that are not in `previous`'s ledger.
pub(crate) fn new_projects(data: &Dataset, previous: &Dataset) -> Vec<String> {
    let before: Vec<&str> = previous
        .table(TableRole::Ledger)
        .iter()
        .filter_map(|r| r.project.as_deref())
        .collect();
    data.table(TableRole::Ledger)
        .iter()
        .filter_map(|r| r.project.clone())
        .filter(|p| !before.contains(&p.as_str()))
        .collect()
}

/// Procedures of `new` projects assigned after `meeting`.
pub(crate) fn late_assignments(
    data: &Dataset,
    new: &[String],
    meeting: NaiveDate,
) -> Vec<LateAssignment> {
    let field = |role| data.field(role);
    data.table(TableRole::Procedures)
        .iter()
        .filter(|r| !r.rejected)
        .filter_map(|r| {
            let project = r.project.clone()?;
            let assigned = r.date(field(FieldRole::AssignedDate))?;
            (new.contains(&project) && assigned > meeting).then(|| LateAssignment {
                project_name: data
                    .project(&project)
                    .and_then(|l| l.text(field(FieldRole::ProjectName)))
                    .map(display)
                    .unwrap_or_default(),
                project,
                procedure: r
                    .text(field(FieldRole::Procedure))
                    .map(display)
                    .unwrap_or_default(),
                department: r
                    .text(field(FieldRole::Department))
                    .map(display)
                    .unwrap_or_default(),
                assigned,
                meeting,
                source: r.cell_ref(field(FieldRole::AssignedDate)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    #[test]
    fn october_2026_moves_off_national_day() {
        let rules = Rules::load(None).unwrap();
        let oc = &rules.office_calendar;
        let m = Month::parse("2026-10").unwrap();
        let dates = month_dates(&rules.calendar, oc, m);
        let of = |id: &str, nominal: &str| {
            dates
                .iter()
                .find(|d| d.event == id && d.nominal.to_string() == nominal)
                .map(|d| d.date.to_string())
        };
        assert_eq!(
            of("signed_list", "2026-10-01").as_deref(),
            Some("2026-10-08")
        );
        assert_eq!(
            of("weekly_report", "2026-10-06").as_deref(),
            Some("2026-10-08")
        );
        assert_eq!(
            of("weekly_report", "2026-10-13").as_deref(),
            Some("2026-10-13")
        );
        assert!(dates.iter().all(|d| d.missing_years.is_empty()));
        // Friday 2 October's meeting would move to Thursday 8 October, in the week of Friday
        // 9 October's: that week holds one meeting, on its own day, and the 2nd's is not held.
        let second = dates
            .iter()
            .find(|d| d.event == "weekly_meeting" && d.nominal.to_string() == "2026-10-02")
            .unwrap();
        assert_eq!(second.merged_into, NaiveDate::from_ymd_opt(2026, 10, 9));
        assert_eq!((second.date, second.moved), (second.nominal, false));
        assert_eq!(second.moved_because.as_deref(), Some("国庆节"));
        let meetings: Vec<String> = dates
            .iter()
            .filter(|d| d.event == "weekly_meeting" && d.merged_into.is_none())
            .map(|d| d.date.to_string())
            .collect();
        assert_eq!(
            meetings,
            ["2026-10-09", "2026-10-16", "2026-10-23", "2026-10-30"]
        );
        // Tuesday 6 October's weekly report stays in its week, moved to Thursday.
        assert_eq!(
            of("weekly_report", "2026-10-06").as_deref(),
            Some("2026-10-08")
        );
    }
}
