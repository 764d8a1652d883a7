//! Outputs of `calendar`: the month's dates as a printable HTML page and as an iCalendar file
//! (`.ics`) that phones and Outlook import. Deterministic: UIDs and DTSTAMP derive from the
//! dates and the month, never from the clock.

use super::pages::{TemplateError, Templates};
use crate::calendar::zh_date;
use crate::engine::Month;
use crate::engine::office_calendar::{LateAssignment, OfficeDate};
use crate::rules::office_calendar::OfficeCalendar;
use chrono::{Duration, TimeZone, Utc};
use icalendar::{Component, EventLike};
use minijinja::context;

/// `2026年10月重点项目工作日程`.
pub(crate) fn title(month: Month, rules: &OfficeCalendar) -> String {
    format!(
        "{}年{}月{}",
        month.year, month.month, rules.labels.calendar_name
    )
}

fn summary(d: &OfficeDate, rules: &OfficeCalendar) -> String {
    if d.missing_years.is_empty() {
        d.name.clone()
    } else {
        format!("{}（{}）", d.name, rules.labels.provisional)
    }
}

fn description(d: &OfficeDate, rules: &OfficeCalendar) -> String {
    let mut parts = Vec::new();
    if !d.who.is_empty() {
        parts.push(format!("责任单位：{}", d.who));
    }
    if d.moved {
        parts.push(format!(
            "原定 {}（{}），{}",
            zh_date(d.nominal),
            d.moved_because.clone().unwrap_or_default(),
            rules.labels.moved
        ));
    }
    if d.merged_into.is_some() {
        parts.push(note(d, rules));
    }
    for y in &d.missing_years {
        parts.push(format!(
            "{}：{y} 年节假日安排尚未收录",
            rules.labels.provisional
        ));
    }
    parts.join("\n")
}

/// The `.ics` text: an all-day event per date, or a meeting at its time and place, each with an
/// optional reminder. A phone that imported an earlier version updates its events: the UID names
/// the event's rule and the date the notice gives (not the day it moved to), and SEQUENCE rises
/// as a date goes from provisional to official and from its nominal day to the one it moved to.
pub(crate) fn ics(dates: &[OfficeDate], month: Month, rules: &OfficeCalendar) -> String {
    let stamp = Utc.from_utc_datetime(&month.day(1).and_hms_opt(0, 0, 0).expect("midnight"));
    let mut cal = icalendar::Calendar::empty();
    cal.append_property(("VERSION", "2.0"));
    cal.append_property((
        "PRODID",
        format!(
            "-//sanyipi {}//{}//ZH",
            env!("CARGO_PKG_VERSION"),
            rules.labels.calendar_name
        )
        .as_str(),
    ));
    cal.append_property(("CALSCALE", "GREGORIAN"));
    cal.name(&title(month, rules));
    for d in dates {
        let rule = rules.events.iter().find(|e| e.id == d.event);
        let official = d.missing_years.is_empty();
        let mut event = icalendar::Event::new();
        event
            .uid(&format!(
                "{}-{}@sanyipi",
                d.event,
                d.nominal.format("%Y%m%d")
            ))
            .sequence(2 * u32::from(official) + u32::from(d.moved || d.merged_into.is_some()))
            .timestamp(stamp)
            .summary(&summary(d, rules))
            .description(&description(d, rules));
        if d.merged_into.is_some() {
            // A phone that has the date from an earlier file removes it.
            event.status(icalendar::EventStatus::Cancelled);
        }
        match rule.and_then(|r| r.meeting) {
            Some((start, minutes)) => {
                let from = d.date.and_time(start);
                event
                    .starts(icalendar::CalendarDateTime::Floating(from))
                    .ends(icalendar::CalendarDateTime::Floating(
                        from + Duration::minutes(i64::from(minutes)),
                    ));
            }
            None => {
                event.starts(d.date).ends(d.date + Duration::days(1));
            }
        }
        if let Some(place) = rule.and_then(|r| r.place.as_deref()) {
            event.location(place);
        }
        if let Some(m) = rule
            .and_then(|r| r.reminder_minutes)
            .filter(|_| d.merged_into.is_none())
        {
            // UID and DTSTAMP set here, or the crate fills them with a random id and the clock.
            let alarm =
                icalendar::Alarm::display(&summary(d, rules), -Duration::minutes(i64::from(m)))
                    .uid(&format!(
                        "{}-{}-alarm@sanyipi",
                        d.event,
                        d.nominal.format("%Y%m%d")
                    ))
                    .timestamp(stamp)
                    .done();
            event.alarm(alarm);
        }
        cal.push(event.done());
    }
    cal.done().to_string()
}

/// The printable page.
pub(crate) fn html(
    dates: &[OfficeDate],
    month: Month,
    rules: &OfficeCalendar,
    late: Option<&[LateAssignment]>,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let rows: Vec<minijinja::Value> = dates
        .iter()
        .map(|d| {
            context! {
                date => d.date.format("%Y-%m-%d").to_string(),
                weekday => crate::calendar::weekday_zh(d.date),
                name => d.name.clone(),
                who => d.who.clone(),
                note => note(d, rules),
                provisional => !d.missing_years.is_empty(),
            }
        })
        .collect();
    let mut missing: Vec<i32> = dates.iter().flat_map(|d| d.missing_years.clone()).collect();
    missing.sort();
    missing.dedup();
    let ctx = context! {
        title => title(month, rules),
        rows => rows,
        provisional => rules.labels.provisional.clone(),
        missing_years => missing.iter().map(|y| format!("{y} 年节假日安排尚未收录，相关日期为暂定。{}", crate::calendar::how_to_add(*y))).collect::<Vec<_>>(),
        checked => late.is_some(),
        late => minijinja::Value::from(minijinja::value::Serde(late.unwrap_or(&[]))),
        rules_file => rules.file.clone(),
    };
    templates.render("office_calendar.html", ctx)
}

/// The note of a date that moved or is not held on its own, as the page shows it.
pub(crate) fn note(d: &OfficeDate, rules: &OfficeCalendar) -> String {
    if let Some(held) = d.merged_into {
        return rules
            .labels
            .merged
            .replace("{reason}", d.moved_because.as_deref().unwrap_or_default())
            .replace("{held}", &held.format("%-m月%-d日").to_string())
            .replace("{name}", &d.name);
    }
    if d.moved {
        format!(
            "原定 {}（{}），{}",
            d.nominal.format("%-m月%-d日"),
            d.moved_because.clone().unwrap_or_default(),
            rules.labels.moved
        )
    } else {
        String::new()
    }
}
