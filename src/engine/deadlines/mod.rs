//! Deadlines for a month: per project, per procedure and per expected submission, the due date,
//! the status as of a date, working days overdue or remaining, and whether the result is
//! provisional because a year's official schedule is missing.

use super::Month;
use super::project::{ProjectView, project_views};
use crate::calendar::Calendar;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::{Dataset, Record, Value};
use crate::rules::{
    Count, Deadline, Due, FieldRole, Rules, Subject, TableRole, deadline::known_fields,
};
use crate::text::key;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::rules::status::Status;
pub use row::DeadlineRow;

mod own_limit;
mod row;
mod submission;

/// The rows of deadlines counted for `subject` (开工时限, 前期手续, 报送情况), in their order.
pub(crate) fn of_subject<'a>(
    rows: &'a [DeadlineRow],
    rules: &Rules,
    subject: Subject,
) -> Vec<&'a DeadlineRow> {
    rows.iter()
        .filter(|d| {
            rules
                .deadlines
                .rules
                .iter()
                .any(|r| r.subject == subject && r.id == d.rule)
        })
        .collect()
}

/// The overdue rows of deadlines counted for `subject`.
pub(crate) fn overdue_of_subject<'a>(
    rows: &'a [DeadlineRow],
    rules: &Rules,
    subject: Subject,
) -> Vec<&'a DeadlineRow> {
    let mut out = of_subject(rows, rules, subject);
    out.retain(|d| d.status == Status::Overdue);
    out
}

/// Monthly reports late or missing: rows of the scoring's report deadline, overdue or met late.
pub(crate) fn report_problems<'a>(rows: &'a [DeadlineRow], rules: &Rules) -> Vec<&'a DeadlineRow> {
    let id = &rules.scoring.score.report_deadline;
    rows.iter()
        .filter(|d| &d.rule == id && matches!(d.status, Status::Overdue | Status::MetLate))
        .collect()
}

/// The findings of overdue 整改任务 (`[supervision.finding]`), listed with the submissions.
pub(crate) fn task_findings<'a>(rows: &'a [DeadlineRow], rules: &Rules) -> Vec<&'a DeadlineRow> {
    let Some(f) = rules
        .notices
        .supervision
        .as_ref()
        .and_then(|s| s.finding.as_ref())
    else {
        return Vec::new();
    };
    rows.iter().filter(|d| d.rule == f.id).collect()
}

/// Problems evaluating a rule's condition on a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleProblem {
    pub(crate) rule_file: String,
    pub(crate) rule: String,
    pub(crate) subject: String,
    pub(crate) message: String,
}

/// What counting a month's deadlines gives.
#[derive(Debug, Default)]
pub struct Counted {
    /// One row per deadline and subject, in the rules' and the subjects' order.
    pub rows: Vec<DeadlineRow>,
    /// A rule's condition that could not be evaluated on a subject.
    pub problems: Vec<RuleProblem>,
    /// Subjects whose deadline cannot be counted although they have a start date (W069 a
    /// procedure with no time limit), said at their cell.
    pub diagnostics: Vec<Diagnostic>,
}

/// Evaluates every deadline rule for `month` as of `as_of`; `carried` holds the last reported
/// figures of projects with no row this month.
pub fn deadline_rows(
    rules: &Rules,
    data: &Dataset,
    month: Month,
    as_of: NaiveDate,
    carried: &BTreeMap<String, BTreeMap<String, Value>>,
) -> Counted {
    let views = std::cell::OnceCell::new();
    deadline_rows_over(rules, data, month, as_of, carried, &views)
}

/// `deadline_rows` over the projects with their reports merged in `views`, built there on first
/// need when empty (the assessment builds them once for the deadlines, the scores and the
/// city report).
pub(crate) fn deadline_rows_over<'a>(
    rules: &Rules,
    data: &'a Dataset,
    month: Month,
    as_of: NaiveDate,
    carried: &BTreeMap<String, BTreeMap<String, Value>>,
    views: &std::cell::OnceCell<Vec<ProjectView<'a>>>,
) -> Counted {
    let mut out = Counted::default();
    let ctx = Ctx {
        rules,
        cal: &rules.calendar,
        as_of,
    };
    let field = |role| rules.roles.field(role);
    for rule in &rules.deadlines.rules {
        let known = known_fields(
            rule.subject,
            rule.table.as_deref(),
            &rules.tables,
            &rules.roles,
        );
        match rule.subject {
            Subject::Project => {
                let found: Vec<Found> = views
                    .get_or_init(|| project_views(data, carried))
                    .par_iter()
                    .map(|p| {
                        let mut found = Found::default();
                        if !applies(rule, &p.values, &known, &p.id, &mut found.problems) {
                            return found;
                        }
                        let mut row = ctx.after(rule, &p.values, p.cell_ref(from_field(rule)));
                        row.project = Some(p.id.clone());
                        row.project_name =
                            p.text(field(FieldRole::ProjectName)).map(str::to_string);
                        found.row = Some(row);
                        found
                    })
                    .collect();
                keep(found, &mut out);
            }
            Subject::Procedure => {
                let ledger: std::collections::HashMap<&str, &Record> = data
                    .table(TableRole::Ledger)
                    .iter()
                    .rev()
                    .filter_map(|l| l.project.as_deref().map(|id| (id, l)))
                    .collect();
                let found: Vec<Found> = data
                    .table(TableRole::Procedures)
                    .par_iter()
                    .map(|r| procedure_row(&ctx, rule, r, &ledger, &known))
                    .collect();
                keep(found, &mut out);
            }
            Subject::Submission => out.rows.extend(ctx.submissions(rule, data, month)),
        }
    }
    out
}

/// What one subject gave: its deadline row, if the rule applies, the problems of its condition
/// and why its deadline cannot be counted.
#[derive(Default)]
struct Found {
    row: Option<DeadlineRow>,
    problems: Vec<RuleProblem>,
    diagnostics: Vec<Diagnostic>,
}

/// Appends what the subjects gave, in their order.
fn keep(found: Vec<Found>, out: &mut Counted) {
    for f in found {
        out.problems.extend(f.problems);
        out.rows.extend(f.row);
        out.diagnostics.extend(f.diagnostics);
    }
}

/// The deadline of one procedure row, read with its project's ledger fields.
fn procedure_row(
    ctx: &Ctx<'_>,
    rule: &Deadline,
    r: &Record,
    ledger: &std::collections::HashMap<&str, &Record>,
    known: &[String],
) -> Found {
    let field = |role| ctx.rules.roles.field(role);
    let mut values = r.values.clone();
    if let Some(l) = r.project.as_deref().and_then(|id| ledger.get(id)) {
        for (k, v) in &l.values {
            values.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    let mut found = Found::default();
    let subject = format!(
        "{} {}",
        r.project.as_deref().unwrap_or(""),
        r.text(field(FieldRole::Procedure)).unwrap_or("")
    );
    if !applies(rule, &values, known, &subject, &mut found.problems) {
        return found;
    }
    let mut row = ctx.after(rule, &values, r.cell_ref(from_field(rule)));
    row.project = r.project.clone();
    row.project_name = values
        .get(field(FieldRole::ProcedureProjectName))
        .or_else(|| values.get(field(FieldRole::ProjectName)))
        .map(|v| v.to_string());
    row.item = r.text(field(FieldRole::Procedure)).map(str::to_string);
    if row.from.is_some() && row.days.is_none() {
        found.diagnostics.push(no_limit(ctx.rules, rule, r));
    }
    found
        .diagnostics
        .extend(own_limit::far_above(ctx.rules, rule, r));
    found.row = Some(row);
    found
}

/// W069: a procedure row with a start date and no time limit, neither its own nor by its name.
fn no_limit(rules: &Rules, rule: &Deadline, r: &Record) -> Diagnostic {
    let name_field = rules.roles.field(FieldRole::Procedure);
    let name = r.text(name_field).unwrap_or("");
    let (own, names) = match &rule.due {
        Due::After {
            days_field, limits, ..
        } => (
            days_field.as_deref().and_then(|f| {
                rules
                    .table_of(TableRole::Procedures)
                    .fields
                    .iter()
                    .find(|x| x.id == f)
                    .map(|x| x.label.clone())
            }),
            limits.keys().cloned().collect::<Vec<_>>(),
        ),
        _ => (None, Vec::new()),
    };
    let own = own
        .map(|label| format!("本行未填“{label}”，"))
        .unwrap_or_default();
    let mut d = Diagnostic::new(
        Code::NoTimeLimit,
        Location {
            file: r.file.clone(),
            sheet: Some(r.sheet.clone()),
            cell: r.cells.get(name_field).cloned(),
        },
        format!(
            "手续“{name}”没有办理时限：{own}{} 的期限 {} 的时限表中也没有“{name}”，无法计算办结期限",
            crate::rules::cited(&rule.file),
            rule.id
        ),
    );
    d = if names.is_empty() {
        d.with_hint("在表中填写办理时限")
    } else {
        d.with_hint(format!(
            "在表中填写办理时限，或核对手续名称；时限表中有：{}",
            names.join("、")
        ))
    };
    d
}

fn from_field(rule: &Deadline) -> &str {
    match &rule.due {
        Due::After { from, .. } => from,
        _ => &rule.met_by,
    }
}

fn applies(
    rule: &Deadline,
    values: &BTreeMap<String, Value>,
    known: &[String],
    subject: &str,
    problems: &mut Vec<RuleProblem>,
) -> bool {
    let Some(cond) = &rule.applies else {
        return true;
    };
    match cond.holds(cond.row_context(values, known)) {
        Ok(b) => b,
        Err(e) => {
            problems.push(RuleProblem {
                rule_file: rule.file.clone(),
                rule: rule.id.clone(),
                subject: subject.to_string(),
                message: e.to_string(),
            });
            false
        }
    }
}

struct Ctx<'a> {
    rules: &'a Rules,
    cal: &'a Calendar,
    as_of: NaiveDate,
}

impl Ctx<'_> {
    fn blank(&self, rule: &Deadline, source: String) -> DeadlineRow {
        DeadlineRow {
            rule: rule.id.clone(),
            rule_name: rule.name.clone(),
            project: None,
            project_name: None,
            item: None,
            recipient: None,
            from: None,
            days: None,
            due: None,
            met_on: None,
            status: Status::NoDate,
            status_label: rule
                .status
                .no_date
                .as_ref()
                .unwrap_or(&self.rules.deadlines.status.no_date)
                .clone(),
            workdays: None,
            missing_years: Vec::new(),
            source,
            reason: None,
        }
    }

    /// A deadline N days after a date field.
    fn after(
        &self,
        rule: &Deadline,
        values: &BTreeMap<String, Value>,
        source: String,
    ) -> DeadlineRow {
        let mut row = self.blank(rule, source);
        row.recipient = values.get(&rule.recipient).map(|v| v.to_string());
        let Due::After {
            from,
            days,
            days_field,
            limits,
            count,
            ..
        } = &rule.due
        else {
            return row;
        };
        row.from = values.get(from).and_then(Value::as_date);
        let own = days_field
            .as_ref()
            .and_then(|f| values.get(f))
            .and_then(Value::as_f64)
            .map(|n| n as u32);
        let by_name = values
            .get(self.rules.roles.field(FieldRole::Procedure))
            .map(|v| key(&v.to_string()))
            .and_then(|k| limits.get(&k).copied());
        row.days = own.or(by_name).or(*days);
        let (Some(start), Some(n)) = (row.from, row.days) else {
            // A start date and no limit: the rule's words for that, where it has them.
            let labels = &self.rules.deadlines.status;
            if let Some(l) = row
                .from
                .and(rule.status.no_limit.as_ref().or(labels.no_limit.as_ref()))
            {
                row.status_label = l.clone();
            }
            return row;
        };
        let due = match count {
            Count::Working => {
                let r = self.cal.add(start, n);
                row.missing_years = r.missing_years;
                r.value
            }
            Count::Calendar => start + chrono::Duration::days(i64::from(n)),
        };
        row.due = Some(due);
        row.met_on = values.get(&rule.met_by).and_then(Value::as_date);
        self.settle(rule, &mut row, due);
        row
    }

    /// `settle` for a submission, `sent` when its file is there: one without a readable date
    /// counts as sent on time where the rule says so (`undated_met`).
    fn settle_sent(&self, rule: &Deadline, row: &mut DeadlineRow, due: NaiveDate, sent: bool) {
        if sent && row.met_on.is_none() && rule.undated_met {
            row.status = Status::Met;
            row.status_label = rule
                .status
                .met
                .as_ref()
                .unwrap_or(&self.rules.deadlines.status.met)
                .clone();
            return;
        }
        self.settle(rule, row, due);
    }

    /// Sets status and working days once the due date is known.
    fn settle(&self, rule: &Deadline, row: &mut DeadlineRow, due: NaiveDate) {
        let labels = &self.rules.deadlines.status;
        // Done after the as-of date is not done as of it.
        let (status, span) = match row.met_on.filter(|&met| met <= self.as_of) {
            Some(met) if met <= due => (Status::Met, None),
            Some(met) => (Status::MetLate, Some(self.cal.count(due, met))),
            None if self.as_of > due => (Status::Overdue, Some(self.cal.count(due, self.as_of))),
            None => {
                let left = self.cal.count(self.as_of, due);
                let s = if left.value <= i64::from(rule.warn_within) {
                    Status::DueSoon
                } else {
                    Status::Pending
                };
                (s, Some(left))
            }
        };
        row.status = status;
        let own = &rule.status;
        let (own, shared) = match status {
            Status::Met => (&own.met, &labels.met),
            Status::MetLate => (&own.met_late, &labels.met_late),
            Status::Overdue => (&own.overdue, &labels.overdue),
            Status::DueSoon => (&own.due_soon, &labels.due_soon),
            Status::Pending => (&own.pending, &labels.pending),
            Status::NoDate => (&own.no_date, &labels.no_date),
        };
        row.status_label = own.as_ref().unwrap_or(shared).clone();
        if let Some(s) = span {
            row.workdays = Some(s.value);
            row.add_missing_years(&s.missing_years);
        }
    }

    /// `due`, or the next working day when the rule moves due days off holidays and weekends.
    fn moved(&self, rule: &Deadline, due: NaiveDate) -> crate::calendar::Reckoned<NaiveDate> {
        if rule.next_working_day {
            self.cal.on_or_after(due)
        } else {
            crate::calendar::Reckoned {
                value: due,
                missing_years: Vec::new(),
            }
        }
    }

    /// A weekly report row: due on `weekday` of the week named in the file (`2026-10-05周`),
    /// else of the week it was reported in.
    fn weekly(&self, rule: &Deadline, r: &Record, weekday: u32) -> DeadlineRow {
        let mut row = self.blank(rule, r.cell_ref(&rule.met_by));
        row.met_on = r.get(&rule.met_by).and_then(Value::as_date);
        row.recipient = r.get(&rule.recipient).map(|v| v.to_string());
        row.project = r.project.clone();
        row.project_name = r
            .text(self.rules.roles.field(FieldRole::ProblemProjectName))
            .map(str::to_string);
        row.item = Some(r.file.clone());
        let stem = r.file.rsplit('/').next().unwrap_or(&r.file);
        let week_of = stem
            .get(..10)
            .and_then(crate::ingest::value::parse_date_text)
            .or(row.met_on);
        let Some(day) = week_of else { return row };
        let monday = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let nominal = monday + chrono::Duration::days(i64::from(weekday) - 1);
        let due = match &rule.office_event {
            Some(e) => crate::engine::office_calendar::held_on(self.cal, e, nominal),
            None => {
                let r = self.moved(rule, nominal);
                (r.value, r.missing_years)
            }
        };
        row.missing_years = due.1;
        let due = due.0;
        row.due = Some(due);
        self.settle(rule, &mut row, due);
        row
    }
}

#[cfg(test)]
mod tests;
