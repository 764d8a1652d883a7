//! The office calendar (`rules/office_calendar.toml`): the dates the Key Project Office's notice
//! sets each month, and how a date that is not a working day moves.

use super::{RuleFile, RulesError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    labels: OfficeLabels,
    event: Vec<RawEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OfficeLabels {
    pub(crate) provisional: String,
    pub(crate) moved: String,
    /// The note of a weekly date not held because moving it would put it in a week that holds
    /// the event anyway: a template over `reason`, `held` (that week's date) and `name`. Rule
    /// folders exported before it was a rule take the shipped one.
    #[serde(default = "shipped_merged")]
    pub(crate) merged: String,
    pub(crate) calendar_name: String,
}

/// The shipped `[labels] merged`.
fn shipped_merged() -> String {
    #[derive(Deserialize)]
    struct Shipped {
        labels: ShippedLabels,
    }
    #[derive(Deserialize)]
    struct ShippedLabels {
        merged: String,
    }
    super::RuleSource::embedded()
        .get("office_calendar.toml")
        .ok()
        .and_then(|f| toml::from_str::<Shipped>(&f.text).ok())
        .map(|s| s.labels.merged)
        .expect("the shipped office_calendar.toml has [labels] merged")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    id: String,
    name: String,
    #[serde(default)]
    who: String,
    day_of_month: Option<u32>,
    weekday: Option<u32>,
    shift: Shift,
    #[serde(default)]
    check_new_projects: bool,
    /// A meeting's start ("09:00"); without it the event lasts the whole day.
    time: Option<String>,
    /// A meeting's length in minutes.
    minutes: Option<u32>,
    place: Option<String>,
    /// A reminder this many minutes before the start.
    reminder_minutes: Option<u32>,
}

/// How a date that is not a working day moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Shift {
    Next,
    Previous,
    None,
}

/// When an event falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    DayOfMonth(u32),
    Weekday(u32),
}

#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) who: String,
    pub(crate) when: When,
    pub(crate) shift: Shift,
    pub(crate) check_new_projects: bool,
    /// The start time and length of a meeting; `None` for an all-day date.
    pub(crate) meeting: Option<(chrono::NaiveTime, u32)>,
    pub(crate) place: Option<String>,
    pub(crate) reminder_minutes: Option<u32>,
}

/// The validated office calendar.
#[derive(Debug, Clone)]
pub struct OfficeCalendar {
    pub(crate) labels: OfficeLabels,
    pub(crate) events: Vec<Event>,
    pub(crate) file: String,
}

impl OfficeCalendar {
    /// Loads `office_calendar.toml`.
    pub(crate) fn load(file: &RuleFile) -> Result<Self, RulesError> {
        let raw: RawOffice = file.parse()?;
        let mut events: Vec<Event> = Vec::new();
        for e in raw.event {
            if events.iter().any(|x| x.id == e.id) {
                return Err(
                    file.error_near(&format!("\"{}\"", e.id), format!("日程 id {} 重复", e.id))
                );
            }
            let when = match (e.day_of_month, e.weekday) {
                (Some(d), None) if (1..=31).contains(&d) => When::DayOfMonth(d),
                (None, Some(w)) if (1..=7).contains(&w) => When::Weekday(w),
                _ => {
                    return Err(file
                        .error_near(
                            &format!("\"{}\"", e.id),
                            format!(
                                "日程 {} 需要 day_of_month（1–31）或 weekday（1–7）之一",
                                e.id
                            ),
                        )
                        .with_hint("如 day_of_month = 5 表示每月5日，weekday = 2 表示每周二"));
                }
            };
            let meeting = match &e.time {
                None => None,
                Some(t) => match chrono::NaiveTime::parse_from_str(t, "%H:%M") {
                    Ok(start) => Some((start, e.minutes.unwrap_or(60))),
                    Err(_) => {
                        return Err(file
                            .error_near(t, format!("日程 {} 的时间“{t}”无法识别", e.id))
                            .with_hint("时间写成 24 小时制，如 time = \"09:00\""));
                    }
                },
            };
            events.push(Event {
                meeting,
                place: e.place,
                reminder_minutes: e.reminder_minutes,
                id: e.id,
                name: e.name,
                who: e.who,
                when,
                shift: e.shift,
                check_new_projects: e.check_new_projects,
            });
        }
        Ok(OfficeCalendar {
            labels: raw.labels,
            events,
            file: file.display.clone(),
        })
    }
}
