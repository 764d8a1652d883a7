//! The weekly cycle: this week's problem rows, tracked with earlier weeks' rows into problems
//! (identity by rule), the Wednesday digest per county leader, the Friday meeting list and the
//! reporting discipline of each unit. Pure: history rows come in, results go out.

use crate::calendar::Calendar;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::{Dataset, Record};
use crate::rules::weekly::Weekly;
use crate::rules::{FieldRole as F, TableRole};
use crate::text::{display, key};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

mod against_ledger;
mod meeting;
mod status;
mod track;
use meeting::{digest, meeting_list};
pub(crate) use status::ProblemStatus;
pub(crate) use track::open_problems;
use track::track;

/// One problem row of one week, as read and as kept in history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct WeekRow {
    /// Monday of the week the row reports on.
    pub(crate) week: NaiveDate,
    pub(crate) project: Option<String>,
    pub(crate) project_name: String,
    pub(crate) unit: String,
    pub(crate) category: String,
    pub(crate) problem: String,
    pub(crate) suggestion: String,
    pub(crate) leader: String,
    pub(crate) first_raised: Option<NaiveDate>,
    pub(crate) reported_on: Option<NaiveDate>,
    /// The status as the unit wrote it (shown and kept in history).
    pub(crate) status: String,
    /// The status as read, once, with the rules' words when the row was read (from its file
    /// or from history).
    #[serde(skip)]
    pub(crate) state: ProblemStatus,
    /// `file!sheet!row` of the row.
    pub(crate) source: String,
}

/// A problem tracked across weeks, as it stands in the week run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Problem {
    pub(crate) key: String,
    pub(crate) project: Option<String>,
    pub(crate) project_name: String,
    pub(crate) unit: String,
    pub(crate) category: String,
    pub(crate) problem: String,
    pub(crate) suggestion: String,
    pub(crate) leader: String,
    pub(crate) first_raised: NaiveDate,
    /// Mondays of the weeks it was reported, oldest first.
    pub(crate) weeks: Vec<NaiveDate>,
    /// (week, status) for each week reported.
    pub(crate) history: Vec<(NaiveDate, String)>,
    /// The latest status word, or the not-updated label when not reported this week.
    pub(crate) status: String,
    pub(crate) reported_this_week: bool,
    pub(crate) new_this_week: bool,
    pub(crate) solved: bool,
    pub(crate) weeks_open: i64,
    pub(crate) source: String,
    /// Why it is on the meeting list (empty: it is not).
    pub(crate) meeting_reasons: Vec<String>,
}

impl Problem {
    /// Whether it needs a county leader's decision: it is on the meeting list.
    pub(crate) fn decides(&self) -> bool {
        !self.meeting_reasons.is_empty()
    }
}

/// A county leader's part of the Wednesday digest.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LeaderDigest {
    pub(crate) leader: String,
    /// Open problems, those that need the leader's decision first.
    pub(crate) open: Vec<Problem>,
    /// How many of `open` need his decision (they lead the list).
    pub(crate) decide: usize,
    pub(crate) solved: Vec<Problem>,
}

/// A unit's reporting this week.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitReport {
    pub(crate) unit: String,
    pub(crate) rows: usize,
    pub(crate) reported_on: Option<NaiveDate>,
    pub(crate) label: String,
    /// Late, or missing when the rule asks for a report from every unit.
    pub(crate) flagged: bool,
    pub(crate) late: bool,
    /// Working days after the due day.
    pub(crate) workdays_late: Option<i64>,
    pub(crate) source: String,
}

/// Everything the week's outputs show.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WeekResult {
    pub(crate) monday: NaiveDate,
    pub(crate) tuesday: NaiveDate,
    pub(crate) due: NaiveDate,
    pub(crate) due_missing_years: Vec<i32>,
    /// The day of the week's meeting (周例会): `meeting.weekday`, after a holiday when the rules
    /// say so.
    pub(crate) meeting_day: NaiveDate,
    /// Years without a holiday table that the meeting day was moved through: it is provisional.
    pub(crate) meeting_missing_years: Vec<i32>,
    pub(crate) as_of: NaiveDate,
    /// This week's problem rows (kept in history).
    pub(crate) rows: Vec<WeekRow>,
    /// This week's 无问题 lines.
    pub(crate) no_problem_rows: Vec<WeekRow>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) digest: Vec<LeaderDigest>,
    pub(crate) meeting: Vec<Problem>,
    pub(crate) reports: Vec<UnitReport>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Monday of the week of `d`.
pub(crate) fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The day `weekday` (1 = Monday) of the week starting `monday`.
pub(crate) fn day_of_week(monday: NaiveDate, weekday: u32) -> NaiveDate {
    monday + Duration::days(i64::from(weekday.clamp(1, 7)) - 1)
}

/// `2026-10-05周`.
pub(crate) fn week_label(monday: NaiveDate) -> String {
    format!("{}周", monday.format("%Y-%m-%d"))
}

/// The week a weekly record reports on: the date in its file name (`2026-10-05周.xlsx`), else
/// the week of its 报送日期 (the field `reported_on`).
pub(crate) fn record_week(r: &Record, reported_on: &str) -> Option<NaiveDate> {
    let stem = r.file.rsplit('/').next().unwrap_or(&r.file);
    stem.get(..10)
        .and_then(crate::ingest::value::parse_date_text)
        .or_else(|| r.date(reported_on))
        .map(monday_of)
}

/// The rows of `data` that report on the week of `monday`, with no-problem lines apart.
pub(crate) fn week_rows(
    rules: &Weekly,
    data: &Dataset,
    monday: NaiveDate,
) -> (Vec<WeekRow>, Vec<WeekRow>) {
    let mut rows = Vec::new();
    let mut none = Vec::new();
    let field = |role| data.field(role);
    for r in data.records(&rules.table) {
        if r.rejected || record_week(r, field(F::ReportedOn)) != Some(monday) {
            continue;
        }
        let ledger = r.project.as_deref().and_then(|id| data.project(id));
        let from_ledger = |f| ledger.and_then(|l| l.text(field(f))).map(display);
        let text = |f| r.text(field(f)).map(display).unwrap_or_default();
        let row = WeekRow {
            week: monday,
            project: r
                .project
                .clone()
                .or_else(|| r.text(field(F::ProblemProjectId)).map(display)),
            project_name: from_ledger(F::ProjectName)
                .unwrap_or_else(|| text(F::ProblemProjectName)),
            unit: r
                .text(field(F::ReportingUnit))
                .map(display)
                .or_else(|| from_ledger(F::ResponsibleUnit))
                .unwrap_or_default(),
            category: text(F::Category),
            problem: text(F::Problem),
            suggestion: text(F::Suggestion),
            leader: against_ledger::leader_of(data, r, ledger),
            first_raised: r.date(field(F::FirstRaised)),
            reported_on: r.date(field(F::ReportedOn)),
            status: text(F::ProblemStatus),
            state: ProblemStatus::parse(&text(F::ProblemStatus), &rules.status),
            source: r.row_ref(),
        };
        if rules.no_problem.contains(&key(&row.problem)) {
            none.push(row);
        } else {
            rows.push(row);
        }
    }
    (rows, none)
}

/// The identity key of a row under the rule's fields.
pub(crate) fn identity(rules: &Weekly, r: &WeekRow) -> String {
    rules
        .identity
        .iter()
        .map(|f| match f.as_str() {
            "project" => r.project.clone().unwrap_or_else(|| key(&r.project_name)),
            "project_name" => key(&r.project_name),
            "category" => key(&r.category),
            "problem" => key(&r.problem),
            "unit" => key(&r.unit),
            "leader" => key(&r.leader),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Whole weeks from `from` to `to` (0 when `from` is later).
pub(crate) fn whole_weeks(from: NaiveDate, to: NaiveDate) -> i64 {
    ((to - from).num_days() / 7).max(0)
}

/// Inputs of a week's evaluation.
pub(crate) struct WeekInput<'a> {
    pub(crate) rules: &'a Weekly,
    pub(crate) calendar: &'a Calendar,
    pub(crate) data: &'a Dataset,
    pub(crate) monday: NaiveDate,
    pub(crate) as_of: NaiveDate,
    /// Rows of earlier weeks from history (weeks before `monday`).
    pub(crate) earlier: &'a [WeekRow],
    /// The tables' rules, for the labels of the messages.
    pub(crate) tables: &'a [crate::rules::TableSchema],
}

/// Evaluates the week.
pub(crate) fn compile_week(input: &WeekInput) -> WeekResult {
    let rules = input.rules;
    let monday = input.monday;
    let tuesday = monday + Duration::days(1);
    let nominal_due = monday + Duration::days(i64::from(rules.due_weekday) - 1);
    let (due, due_missing_years) = match &rules.due_event {
        Some(e) => super::office_calendar::held_on(input.calendar, e, nominal_due),
        None if rules.next_working_day => {
            let r = input.calendar.on_or_after(nominal_due);
            (r.value, r.missing_years)
        }
        None => (nominal_due, Vec::new()),
    };
    let nominal_meeting = day_of_week(monday, rules.meeting.weekday);
    let (meeting_day, meeting_missing_years) = match &rules.meeting.office_event {
        Some(e) => super::office_calendar::held_on(input.calendar, e, nominal_meeting),
        None => (nominal_meeting, Vec::new()),
    };
    let (rows, none_rows) = week_rows(rules, input.data, monday);
    let problems = track(rules, input.earlier, &rows, monday, tuesday);
    let meeting = meeting_list(&problems);
    let digest = digest(rules, &problems);
    let reports = discipline(input, &rows, &none_rows, due);
    let diagnostics = diagnostics(input, monday);
    WeekResult {
        monday,
        tuesday,
        due,
        due_missing_years,
        meeting_day,
        meeting_missing_years,
        as_of: input.as_of,
        rows,
        no_problem_rows: none_rows,
        problems,
        digest,
        meeting,
        reports,
        diagnostics,
    }
}

/// Units in ledger order, then units seen only in the rows.
fn units(data: &Dataset, rows: &[&WeekRow]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for r in data.table(TableRole::Ledger) {
        if let Some(u) = r.text(data.field(F::ResponsibleUnit)).map(display)
            && !out.iter().any(|(x, _)| key(x) == key(&u))
        {
            out.push((u, true));
        }
    }
    for r in rows {
        if !r.unit.is_empty() && !out.iter().any(|(x, _)| key(x) == key(&r.unit)) {
            out.push((r.unit.clone(), false));
        }
    }
    out
}

fn discipline(
    input: &WeekInput,
    rows: &[WeekRow],
    none_rows: &[WeekRow],
    due: NaiveDate,
) -> Vec<UnitReport> {
    let labels = &input.rules.discipline;
    let all: Vec<&WeekRow> = rows.iter().chain(none_rows).collect();
    let mut out = Vec::new();
    for (unit, in_ledger) in units(input.data, &all) {
        let mine: Vec<&&WeekRow> = all.iter().filter(|r| key(&r.unit) == key(&unit)).collect();
        let latest = mine.iter().filter_map(|r| r.reported_on).max();
        let only_none = !mine.is_empty() && mine.iter().all(|r| none_rows.contains(r));
        let late = latest.is_some_and(|d| d > due);
        let missing = mine.is_empty() && in_ledger && input.rules.missing_report;
        let label = if late {
            &labels.late
        } else if mine.is_empty() {
            if missing {
                &labels.missing
            } else {
                &labels.not_sent
            }
        } else if only_none {
            &labels.no_problem
        } else {
            &labels.on_time
        };
        let last_row = mine
            .iter()
            .max_by_key(|r| r.reported_on)
            .map(|r| r.source.clone());
        out.push(UnitReport {
            unit,
            rows: mine.len(),
            reported_on: latest,
            label: label.clone(),
            flagged: late || missing,
            late,
            workdays_late: latest
                .filter(|_| late)
                .map(|d| input.calendar.count(due, d).value),
            source: last_row.unwrap_or_default(),
        });
    }
    out
}

/// Ingest problems of this week's weekly files and of the ledger, and leaders not in the ledger.
fn diagnostics(input: &WeekInput, monday: NaiveDate) -> Vec<Diagnostic> {
    let data = input.data;
    let table = &input.rules.table;
    let field = |role| data.field(role);
    let this_week = |r: &Record| record_week(r, field(F::ReportedOn)) == Some(monday);
    let week_files: Vec<&str> = data
        .records(table)
        .iter()
        .filter(|r| this_week(r))
        .map(|r| r.file.as_str())
        .collect();
    let ledger_files: Vec<&str> = data
        .files
        .iter()
        .filter(|f| f.table.as_deref() == Some(data.roles.table(TableRole::Ledger)))
        .map(|f| f.file.as_str())
        .collect();
    let week_named = |f: &str| {
        let stem = f.rsplit('/').next().unwrap_or(f);
        stem.get(..10)
            .and_then(crate::ingest::value::parse_date_text)
            .map(monday_of)
            == Some(monday)
    };
    let mut out: Vec<Diagnostic> = data
        .diagnostics
        .iter()
        .filter(|d| {
            let f = d.location.file.as_str();
            week_files.contains(&f) || ledger_files.contains(&f) || week_named(f)
        })
        .cloned()
        .collect();
    let labels = against_ledger::Labels::of(data, input.tables);
    let leaders: Vec<String> = data
        .table(TableRole::Ledger)
        .iter()
        .filter_map(|r| r.text(field(F::CountyLeader)))
        .map(key)
        .collect();
    for r in data.records(table) {
        if r.rejected || !this_week(r) {
            continue;
        }
        let (first, reported) = (field(F::FirstRaised), field(F::ReportedOn));
        if let (Some(first), Some(reported)) = (r.date(first), r.date(reported))
            && first > reported
        {
            out.push(
                Diagnostic::new(
                    Code::RowCheck,
                    cell_of(r, field(F::FirstRaised)),
                    format!("首次提出日期 {first} 晚于报送日期 {reported}"),
                )
                .with_hint("核对首次提出日期；问题挂账周数按首次提出日期计算"),
            );
        }
        let ledger = r.project.as_deref().and_then(|id| data.project(id));
        out.extend(against_ledger::against_ledger(
            data, r, ledger, &leaders, &labels,
        ));
    }
    out
}

fn cell_of(r: &Record, field: &str) -> Location {
    Location {
        file: r.file.clone(),
        sheet: Some(r.sheet.clone()),
        cell: r.cells.get(field).cloned(),
    }
}

#[cfg(test)]
mod tests;
