//! Rules of the weekly cycle (`rules/weekly.toml`): problem identity, statuses, the meeting-list
//! threshold and the reporting due day (taken from a deadline rule).

use super::{Deadline, Deadlines, Due, Roles, RuleFile, RulesError, TableRole};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeekly {
    weekly: Setup,
    status: StatusWords,
    meeting: Meeting,
    discipline: DisciplineLabels,
    digest: DigestLabels,
    agenda: Agenda,
    template: TemplateLists,
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
pub(crate) struct StatusWords {
    pub(crate) solved: String,
    pub(crate) coordinating: String,
    pub(crate) meeting: String,
    pub(crate) not_updated: String,
    pub(crate) unknown: String,
}

/// Which open problems go to the Friday meeting, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meeting {
    pub(crate) min_weeks_open: i64,
    pub(crate) by_status: bool,
    pub(crate) reason_status: String,
    pub(crate) reason_weeks: String,
    /// The meeting's weekday (1 = Monday).
    pub(crate) weekday: u32,
    /// The office calendar's event (`office_calendar.toml`) the meeting is: its day moves off
    /// holidays as the calendar moves it. Without it the meeting is on `weekday` as is.
    #[serde(default)]
    pub(crate) event: Option<String>,
    /// That event, checked to be weekly on `weekday`.
    #[serde(skip)]
    pub(crate) office_event: Option<crate::rules::office_calendar::Event>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisciplineLabels {
    pub(crate) on_time: String,
    pub(crate) late: String,
    pub(crate) no_problem: String,
    pub(crate) not_sent: String,
    pub(crate) missing: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DigestLabels {
    /// The digest's weekday (1 = Monday): the default 统计截止 of the week.
    pub(crate) weekday: u32,
    /// A 统计截止 on a holiday moves to the next working day (as the reports' due day does).
    #[serde(default)]
    pub(crate) next_working_day: bool,
    pub(crate) no_leader: String,
    pub(crate) decide_heading: String,
    pub(crate) decide_mark: String,
    pub(crate) others_heading: String,
}

/// The wording of the Friday meeting agenda (.docx).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Agenda {
    pub(crate) title: String,
    pub(crate) date_line: String,
    pub(crate) lead: String,
    pub(crate) item_detail: String,
    pub(crate) suggestion: String,
    pub(crate) none: String,
}

/// The drop-down lists of the weekly template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateLists {
    pub(crate) categories: Vec<String>,
    #[serde(default)]
    pub(crate) leaders: Vec<String>,
}

/// Fields a problem's identity can use.
pub(crate) const IDENTITY_FIELDS: &[&str] = &[
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
    pub(crate) table: String,
    pub(crate) identity: Vec<String>,
    pub(crate) no_problem: Vec<String>,
    pub(crate) missing_report: bool,
    /// Weekday (1 = Monday) reports are due, and whether it moves to the next working day.
    pub(crate) due_weekday: u32,
    pub(crate) next_working_day: bool,
    /// The office calendar's event the due day is (the deadline's `event`): due the day the
    /// calendar holds it, as `sanyipi calendar` shows.
    pub(crate) due_event: Option<crate::rules::office_calendar::Event>,
    pub(crate) deadline_name: String,
    pub(crate) status: StatusWords,
    pub(crate) meeting: Meeting,
    pub(crate) discipline: DisciplineLabels,
    pub(crate) digest: DigestLabels,
    pub(crate) agenda: Agenda,
    pub(crate) template: TemplateLists,
    pub(crate) file: String,
}

impl Weekly {
    /// Loads `weekly.toml`, checked against the tables and deadlines of the rule set.
    pub(crate) fn load(
        file: &RuleFile,
        roles: &Roles,
        deadlines: &Deadlines,
        office: &crate::rules::office_calendar::OfficeCalendar,
    ) -> Result<Self, RulesError> {
        let mut raw: RawWeekly = file.parse()?;
        let w = raw.weekly;
        let role_table = roles.table(TableRole::Weekly);
        if w.table != role_table {
            return Err(file
                .error_near(
                    &format!("\"{}\"", w.table),
                    format!("table 应为问题周报表 {role_table}"),
                )
                .with_hint("与 roles.toml 中 [weekly] 的 table 写同一个表 id"));
        }
        let deadline = find_deadline(file, deadlines, &w.report_deadline)?;
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
            return Err(file
                .error_near("min_weeks_open", "min_weeks_open 不能为负数")
                .with_hint("写 0 或正整数（周数），如 min_weeks_open = 2"));
        }
        for (name, day) in [
            ("weekday = ", raw.meeting.weekday),
            ("weekday = ", raw.digest.weekday),
        ] {
            if !(1..=7).contains(&day) {
                return Err(file
                    .error_near(&format!("{name}{day}"), format!("weekday {day} 不是星期几"))
                    .with_hint("写 1（星期一）至 7（星期日）"));
            }
        }
        if let Some(id) = &raw.meeting.event {
            use crate::rules::office_calendar::When;
            let event = office.events.iter().find(|e| &e.id == id).ok_or_else(|| {
                file.error_near(
                    &format!("\"{id}\""),
                    format!("{} 中没有事项 {id}", office.file),
                )
                .with_hint("event 写 office_calendar.toml 中某个 [[event]] 的 id，或删去这一行")
            })?;
            if event.when != When::Weekday(raw.meeting.weekday) {
                return Err(file
                    .error_near(
                        &format!("\"{id}\""),
                        format!(
                            "事项 {id} 不是每周星期{}的事项，与 [meeting] 的 weekday 不一致",
                            raw.meeting.weekday
                        ),
                    )
                    .with_hint("[meeting] 的 weekday 与该事项的 weekday 写同一天"));
            }
            raw.meeting.office_event = Some(event.clone());
        }
        Ok(Weekly {
            table: w.table,
            identity: w.identity,
            no_problem: w.no_problem.iter().map(|s| crate::text::key(s)).collect(),
            missing_report: w.missing_report,
            due_weekday,
            next_working_day: deadline.next_working_day,
            due_event: deadline.office_event.clone(),
            deadline_name: deadline.name.clone(),
            status: raw.status,
            meeting: raw.meeting,
            discipline: raw.discipline,
            digest: raw.digest,
            agenda: raw.agenda,
            template: raw.template,
            file: file.display.clone(),
        })
    }
}

fn find_deadline<'a>(
    file: &RuleFile,
    deadlines: &'a Deadlines,
    id: &str,
) -> Result<&'a Deadline, RulesError> {
    deadlines.rules.iter().find(|d| d.id == id).ok_or_else(|| {
        file.error_near(id, format!("deadlines.toml 中没有期限 {id}"))
            .with_hint("report_deadline 写 deadlines.toml 中某个 [[deadline]] 的 id")
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::{RuleSource, Rules};

    fn load_with(from: &str, to: &str) -> String {
        let mut source = RuleSource::embedded();
        let f = source
            .files
            .iter_mut()
            .find(|f| f.rel == "weekly.toml")
            .unwrap();
        assert!(f.text.contains(from), "{from}");
        f.text = f.text.replacen(from, to, 1);
        Rules::from_source(source).unwrap_err().to_string()
    }

    #[test]
    fn the_meetings_event_is_a_weekly_event_of_the_office_calendar_on_its_weekday() {
        let source = RuleSource::embedded();
        let file = source.files.iter().find(|f| f.rel == "weekly.toml");
        let line = file
            .unwrap()
            .text
            .lines()
            .position(|l| l == "event = \"weekly_meeting\"")
            .unwrap()
            + 1;
        for (from, to, needle) in [
            ("\"weekly_meeting\"", "\"meeting\"", "没有事项 meeting"),
            (
                "\"weekly_meeting\"",
                "\"monthly_report\"",
                "不是每周星期5的事项",
            ),
        ] {
            let e = load_with(from, to);
            assert!(e.contains(needle), "{e}");
            assert!(e.contains(&format!("weekly.toml:{line}:")), "{e}");
        }
        let e = load_with("weekday = 5", "weekday = 4");
        assert!(e.contains("不是每周星期4的事项"), "{e}");
    }
}
