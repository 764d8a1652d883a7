//! Rules of the weekly cycle (`rules/weekly.toml`) and of the office calendar
//! (`rules/office_calendar.toml`): problem identity, statuses, the meeting-list threshold, the
//! reporting due day (taken from a deadline rule), and the dates the notice sets each month.

use super::{Deadline, Due, RuleFile, Rules, RulesError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeekly {
    weekly: Setup,
    status: StatusWords,
    meeting: Meeting,
    discipline: DisciplineLabels,
    digest: DigestLabels,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Setup {
    table: String,
    report_deadline: String,
    identity: Vec<String>,
    #[serde(default)]
    no_problem: Vec<String>,
    #[serde(default)]
    missing_report: bool,
}

/// The words of the status column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusWords {
    pub solved: String,
    pub coordinating: String,
    pub meeting: String,
    pub not_updated: String,
    pub unknown: String,
}

/// Which open problems go to the Friday meeting, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub min_weeks_open: i64,
    pub by_status: bool,
    pub reason_status: String,
    pub reason_weeks: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisciplineLabels {
    pub on_time: String,
    pub late: String,
    pub no_problem: String,
    pub not_sent: String,
    pub missing: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestLabels {
    pub no_leader: String,
}

/// Fields a problem's identity can use.
pub const IDENTITY_FIELDS: &[&str] = &[
    "project",
    "project_name",
    "category",
    "problem",
    "unit",
    "leader",
];

/// The validated weekly rules.
#[derive(Debug, Clone)]
pub struct Weekly {
    pub table: String,
    pub identity: Vec<String>,
    pub no_problem: Vec<String>,
    pub missing_report: bool,
    /// Weekday (1 = Monday) reports are due, and whether it moves to the next working day.
    pub due_weekday: u32,
    pub next_working_day: bool,
    pub deadline_name: String,
    pub status: StatusWords,
    pub meeting: Meeting,
    pub discipline: DisciplineLabels,
    pub digest: DigestLabels,
    pub file: String,
}

impl Weekly {
    /// Loads `weekly.toml` of the rule set, checked against its tables and deadlines.
    pub fn load(rules: &Rules) -> Result<Self, RulesError> {
        let file = rules.source.get("weekly.toml")?;
        let raw: RawWeekly = file.parse()?;
        let w = raw.weekly;
        if rules.table(&w.table).is_none() {
            return Err(file.error_near(&w.table, format!("没有表格 {}", w.table)));
        }
        let deadline = find_deadline(file, rules, &w.report_deadline)?;
        let Due::Weekday(due_weekday) = deadline.due else {
            return Err(file
                .error_near(
                    &w.report_deadline,
                    format!("期限 {} 不是按星期的报送期限", w.report_deadline),
                )
                .with_hint("report_deadline 应指向 deadlines.toml 中写有 weekday 的期限"));
        };
        if w.identity.is_empty() {
            return Err(file
                .error_near("identity", "identity 不能为空")
                .with_hint(format!("可用: {}", IDENTITY_FIELDS.join(", "))));
        }
        for f in &w.identity {
            if !IDENTITY_FIELDS.contains(&f.as_str()) {
                return Err(file
                    .error_near(&format!("\"{f}\""), format!("identity 中的字段 {f} 不可用"))
                    .with_hint(format!("可用: {}", IDENTITY_FIELDS.join(", "))));
            }
        }
        if raw.meeting.min_weeks_open < 0 {
            return Err(file.error_near("min_weeks_open", "min_weeks_open 不能为负数"));
        }
        Ok(Weekly {
            table: w.table,
            identity: w.identity,
            no_problem: w.no_problem.iter().map(|s| crate::text::key(s)).collect(),
            missing_report: w.missing_report,
            due_weekday,
            next_working_day: deadline.next_working_day,
            deadline_name: deadline.name.clone(),
            status: raw.status,
            meeting: raw.meeting,
            discipline: raw.discipline,
            digest: raw.digest,
            file: file.display.clone(),
        })
    }
}

fn find_deadline<'a>(
    file: &RuleFile,
    rules: &'a Rules,
    id: &str,
) -> Result<&'a Deadline, RulesError> {
    rules
        .deadlines
        .rules
        .iter()
        .find(|d| d.id == id)
        .ok_or_else(|| {
            file.error_near(id, format!("deadlines.toml 中没有期限 {id}"))
                .with_hint("report_deadline 写 deadlines.toml 中某个 [[deadline]] 的 id")
        })
}

/// Checks `weekly.toml` and `office_calendar.toml` of a loaded rule set (for `rules check`).
pub fn check(rules: &Rules) -> Result<(), RulesError> {
    Weekly::load(rules)?;
    OfficeCalendar::load(rules)?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    labels: OfficeLabels,
    event: Vec<RawEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeLabels {
    pub provisional: String,
    pub moved: String,
    pub calendar_name: String,
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
}

/// How a date that is not a working day moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shift {
    Next,
    Previous,
    None,
}

/// When an event falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    DayOfMonth(u32),
    Weekday(u32),
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub who: String,
    pub when: When,
    pub shift: Shift,
    pub check_new_projects: bool,
}

/// The validated office calendar.
#[derive(Debug, Clone)]
pub struct OfficeCalendar {
    pub labels: OfficeLabels,
    pub events: Vec<Event>,
    pub file: String,
}

impl OfficeCalendar {
    pub fn load(rules: &Rules) -> Result<Self, RulesError> {
        let file = rules.source.get("office_calendar.toml")?;
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
            events.push(Event {
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
