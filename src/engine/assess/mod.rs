//! The monthly assessment: deadlines, then project scores from the formulas of
//! `rules/scoring.toml`, then the unit ranking (`ranking.rs`) and the notices (`notices.rs`).
//! Pure: rules, records, a history snapshot and the as-of date in; an `Assessment`
//! (`results.rs`) out.

mod score;

use super::Month;
use super::deadlines::{DeadlineRow, RuleProblem, deadline_rows_over};
use super::evidence::Evidence;
use super::notices::{EscalationList, Notice, NoticeKind};
use super::ranking::{first_seen, rank_units};
pub use super::results::{
    Assessment, Figures, Input, LastFigures, PartScore, ProjectScore, Snapshot, UnitScore,
};
pub use super::streak::UnitHistory;
pub(crate) use super::ties::shared_ranks;
use crate::ingest::{Dataset, Value};
use crate::rules::{FieldRole, Rules, TableRole};
use chrono::{Datelike, NaiveDate};
use score::score_projects;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Carried fields: the last reported figures for projects without a row this month, and the
/// start date reported earlier for a row that says started without a readable one.
pub(crate) fn carried_values(
    data: &Dataset,
    snapshot: &Snapshot,
) -> BTreeMap<String, BTreeMap<String, Value>> {
    let reported: HashSet<&str> = data
        .table(TableRole::Monthly)
        .iter()
        .filter_map(|r| r.project.as_deref())
        .collect();
    let field = |role| data.field(role).to_string();
    let mut out = BTreeMap::new();
    for l in data.table(TableRole::Ledger) {
        let Some(id) = l.project.as_deref() else {
            continue;
        };
        if reported.contains(id) {
            continue;
        }
        let mut v = BTreeMap::new();
        let last = snapshot.last_figures.get(id);
        v.insert(
            field(FieldRole::CumInvest),
            Value::Number(last.and_then(|f| f.cum_invest).unwrap_or(0.0)),
        );
        if let Some(f) = last {
            if let Some(b) = f.started {
                v.insert(field(FieldRole::Started), Value::Bool(b));
            }
            if let Some(d) = f
                .actual_start
                .as_deref()
                .and_then(crate::ingest::value::parse_date_text)
            {
                v.insert(field(FieldRole::ActualStart), Value::Date(d));
            }
            if let Some(b) = f.completed {
                v.insert(field(FieldRole::Completed), Value::Bool(b));
            }
            if let Some(d) = f
                .completed_date
                .as_deref()
                .and_then(crate::ingest::value::parse_date_text)
            {
                v.insert(field(FieldRole::CompletedDate), Value::Date(d));
            }
        }
        out.insert(id.to_string(), v);
    }
    // A reported row that says the project started but whose 实际开工日期 is empty or unreadable
    // (W060, E021) keeps the start date reported earlier: a past fact does not go away.
    let (start, started) = (field(FieldRole::ActualStart), field(FieldRole::Started));
    for r in data.table(TableRole::Monthly) {
        let Some(id) = r.project.as_deref() else {
            continue;
        };
        if r.values.contains_key(&start)
            || r.values.get(&started).and_then(Value::as_bool) != Some(true)
        {
            continue;
        }
        if let Some(d) = snapshot
            .last_figures
            .get(id)
            .and_then(|f| f.actual_start.as_deref())
            .and_then(crate::ingest::value::parse_date_text)
        {
            out.entry(id.to_string())
                .or_default()
                .insert(start.clone(), Value::Date(d));
        }
    }
    out
}

/// Runs the assessment of `month` as of `as_of`, its notices dated the first working day on or
/// after `as_of` (the shipped default of `run`).
pub fn assess(
    rules: &Rules,
    data: &Dataset,
    snapshot: &Snapshot,
    month: Month,
    as_of: NaiveDate,
) -> Assessment {
    let issue_date = rules.calendar.on_or_after(as_of).value;
    assess_issued(rules, data, snapshot, month, (as_of, issue_date))
}

/// Runs the assessment of `month` as of `as_of`, its notices dated `issue_date` (成文日期).
pub fn assess_issued(
    rules: &Rules,
    data: &Dataset,
    snapshot: &Snapshot,
    month: Month,
    (as_of, issue_date): (NaiveDate, NaiveDate),
) -> Assessment {
    let carried = carried_values(data, snapshot);
    let views = std::cell::OnceCell::new();
    let counted = deadline_rows_over(rules, data, month, as_of, &carried, &views);
    let (mut deadlines, mut rule_problems) = (counted.rows, counted.problems);
    let views = views
        .into_inner()
        .unwrap_or_else(|| super::project::project_views(data, &carried));
    let projects = score_projects(
        rules,
        snapshot,
        &views,
        &deadlines,
        month,
        as_of,
        &mut rule_problems,
    );
    let supervised = super::notices::supervised_by_deadlines(rules, &deadlines);
    let units = rank_units(
        rules,
        &projects,
        snapshot,
        month,
        &supervised,
        &mut rule_problems,
    );
    // Returned forms answer earlier months' tasks; those still overdue raise task matters.
    let read = super::supervision::feedback::read(rules, data, &snapshot.tasks, as_of, Some(as_of));
    let earlier = open_register(rules, snapshot, &snapshot.tasks, &read.feedback, as_of);
    let (units, notices, escalations) = draft_notices(
        rules,
        snapshot,
        &earlier,
        &deadlines,
        &projects,
        units,
        month,
        (as_of, issue_date),
        &mut rule_problems,
    );
    let tasks = super::supervision::tasks(rules, month, &notices);
    let known: Vec<_> = snapshot.tasks.iter().chain(&tasks).cloned().collect();
    let register = open_register(rules, snapshot, &known, &read.feedback, as_of);
    let task_findings = task_findings(rules, &projects, &register, as_of);
    let mut files = data.files.clone();
    read.reconcile(&mut files);
    let mut diagnostics = data.diagnostics.clone();
    diagnostics.extend(counted.diagnostics);
    diagnostics.extend(read.diagnostics);
    let lights = super::lights::project_lights(rules, &projects, &deadlines, month);
    // The city reports and the views below read the same finished results: they are made at
    // the same time; the city reports' rule problems come last, as before.
    let mut up_problems = Vec::new();
    let (report_up, overview) = rayon::join(
        || {
            super::report_up::reports(
                &rules.report_up,
                &super::report_up::UpInputs {
                    views: &views,
                    projects: &projects,
                    lights: &lights,
                    month,
                    as_of,
                },
                &mut up_problems,
            )
        },
        || {
            let unit_lights = super::lights::unit_lights(rules, &lights);
            let county_lights = super::lights::light_counts(rules, &lights, None);
            let stages = super::stages::stage_figures(
                rules,
                data,
                &projects,
                (month, as_of),
                &super::stages::Before {
                    signed: &snapshot.signed_before,
                    counted: snapshot.stages_before.as_deref(),
                },
            );
            let project_units: HashMap<&str, &str> = projects
                .iter()
                .map(|p| (p.id.as_str(), p.unit.as_str()))
                .collect();
            let outlook =
                super::outlook::outlook(rules, month, as_of, &deadlines, &units, &project_units);
            let cards = super::cards::project_cards(
                rules,
                &super::cards::CardInputs {
                    data,
                    carried: &carried,
                    snapshot,
                    month,
                    projects: &projects,
                    deadlines: &deadlines,
                    notices: &notices,
                },
            );
            Overview {
                unit_lights,
                county_lights,
                stages,
                outlook,
                cards,
            }
        },
    );
    rule_problems.extend(up_problems);
    let mut overview = overview;
    diagnostics.append(&mut overview.stages.diagnostics);
    // Overdue tasks join the findings last: after the scores, lights, cards and outlook.
    deadlines.extend(task_findings);
    let mut missing_years = missing_years(&deadlines);
    // The new tasks' dates (反馈时限, 整改时限) may reach a year not in the calendar too.
    let known = rules.calendar.years();
    for t in tasks.iter().filter(|t| t.provisional) {
        for y in [t.feedback_due.year(), t.rectify_due.year()] {
            if !known.contains(&y) && !missing_years.contains(&y) {
                missing_years.push(y);
            }
        }
    }
    missing_years.sort_unstable();
    Assessment {
        report_up,
        month,
        as_of,
        issue_date,
        rules_hash: rules.source.fingerprint(),
        previous_month: snapshot.previous_month,
        projects,
        units,
        deadlines,
        diagnostics,
        files,
        rule_problems,
        missing_years,
        notices,
        escalations,
        lights,
        unit_lights: overview.unit_lights,
        county_lights: overview.county_lights,
        stages: overview.stages,
        outlook: overview.outlook,
        cards: overview.cards,
        tasks,
        feedback: read.feedback,
        register,
    }
}

/// The views of the finished results made beside the city reports.
struct Overview {
    unit_lights: Vec<super::overview::UnitLights>,
    county_lights: Vec<super::overview::LightCount>,
    stages: super::overview::StageFigures,
    outlook: super::overview::Outlook,
    cards: Vec<super::overview::ProjectCard>,
}

/// The findings of the tasks overdue as of `as_of` (`[supervision.finding]`).
fn task_findings(
    rules: &Rules,
    projects: &[ProjectScore],
    register: &[super::supervision::TaskState],
    as_of: NaiveDate,
) -> Vec<DeadlineRow> {
    let Some(s) = &rules.notices.supervision else {
        return Vec::new();
    };
    let names: HashMap<&str, &str> = projects
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    super::supervision::finding::findings(s, &rules.calendar, register, &names, as_of)
}

/// The findings of earlier months' tasks overdue as of `as_of`, for a month not run yet
/// (`sanyipi deadlines`): the returned forms in `data` are read as `run` reads them; project
/// names come from the ledger.
pub(crate) fn earlier_task_findings(
    rules: &Rules,
    data: &Dataset,
    snapshot: &Snapshot,
    as_of: NaiveDate,
) -> Vec<DeadlineRow> {
    let Some(s) = &rules.notices.supervision else {
        return Vec::new();
    };
    let read = super::supervision::feedback::read(rules, data, &snapshot.tasks, as_of, Some(as_of));
    let register = open_register(rules, snapshot, &snapshot.tasks, &read.feedback, as_of);
    let name_field = rules.roles.field(FieldRole::ProjectName);
    let names: HashMap<&str, &str> = register
        .iter()
        .filter_map(|t| t.task.project.as_deref())
        .filter_map(|p| Some((p, data.project(p)?.text(name_field)?)))
        .collect();
    super::supervision::finding::findings(s, &rules.calendar, &register, &names, as_of)
}

/// The register of every task not closed, earlier months' first, as of `as_of`: the feedback
/// of earlier months, then this month's.
fn open_register(
    rules: &Rules,
    snapshot: &Snapshot,
    tasks: &[super::supervision::Task],
    feedback: &[super::supervision::Feedback],
    as_of: NaiveDate,
) -> Vec<super::supervision::TaskState> {
    let Some(s) = &rules.notices.supervision else {
        return Vec::new();
    };
    let all_feedback: Vec<_> = snapshot.feedback.iter().chain(feedback).cloned().collect();
    super::supervision::register(s, tasks, &all_feedback, &snapshot.closures, as_of)
        .into_iter()
        .filter(|t| t.state != super::supervision::State::Closed)
        .collect()
}

/// Drafts and numbers this month's notices and escalations from the ranked units; the
/// units' evidence then names this month's notice by its number.
#[allow(clippy::too_many_arguments)]
fn draft_notices(
    rules: &Rules,
    snapshot: &Snapshot,
    earlier: &[super::supervision::TaskState],
    deadlines: &[DeadlineRow],
    projects: &[ProjectScore],
    mut units: Vec<UnitScore>,
    month: Month,
    (as_of, issue_date): (NaiveDate, NaiveDate),
    rule_problems: &mut Vec<RuleProblem>,
) -> (
    Vec<UnitScore>,
    Vec<super::notices::Notice>,
    Vec<super::notices::EscalationList>,
) {
    let unit_order = first_seen(projects.iter().map(|p| p.unit.as_str()));
    let by_name: HashMap<&str, &UnitScore> = units.iter().map(|u| (u.unit.as_str(), u)).collect();
    let facts: Vec<super::notices::UnitFacts> = unit_order
        .iter()
        .filter_map(|name| by_name.get(name.as_str()).copied())
        .map(|u| super::notices::UnitFacts {
            unit: &u.unit,
            bottom: u.bottom,
            score: u.score,
            rank: u.rank,
            streak: u.streak,
            penalty_ids: &u.penalty_ids,
        })
        .collect();
    let evidence: BTreeMap<String, Vec<Evidence>> = units
        .iter()
        .map(|u| (u.unit.clone(), u.evidence.clone()))
        .collect();
    let input = super::notices::DraftInput {
        month,
        as_of,
        issue_date,
        deadlines,
        units: &facts,
        evidence: &evidence,
        unit_order: &unit_order,
        tasks: earlier,
    };
    let drafted = super::notices::draft(rules, &input);
    let (mut notices, mut escalations) = (drafted.notices, drafted.escalations);
    rule_problems.extend(drafted.problems);
    super::notices::number(rules, &snapshot.notice_book, &mut notices);
    // Evidence names this month's notice by its number, known once the notices are numbered.
    name_notices(&mut units, &mut notices, &mut escalations);
    (units, notices, escalations)
}

/// The years without a calendar that some deadline needed, sorted and without repeats.
fn missing_years(deadlines: &[DeadlineRow]) -> Vec<i32> {
    let mut missing_years: Vec<i32> = deadlines
        .iter()
        .flat_map(|d| d.missing_years.iter().copied())
        .collect();
    missing_years.sort();
    missing_years.dedup();
    missing_years
}

/// Once the notices are numbered: names each unit's supervision notice in its evidence and in
/// the escalation lists, and writes the escalation notices' matters from it.
pub(crate) fn name_notices(
    units: &mut [UnitScore],
    notices: &mut [Notice],
    escalations: &mut [EscalationList],
) {
    let number_of = |unit: &str| {
        notices
            .iter()
            .find(|n| n.recipient == unit && n.kind == NoticeKind::Supervision)
            .map(|n| n.number.clone())
    };
    for u in units.iter_mut() {
        if let Some(n) = number_of(&u.unit) {
            u.evidence.iter_mut().for_each(|e| e.name_notice(&n));
        }
    }
    for list in escalations.iter_mut() {
        for x in &mut list.entries {
            if let Some(n) = number_of(&x.unit) {
                x.evidence.iter_mut().for_each(|e| e.name_notice(&n));
            }
        }
    }
    for notice in notices.iter_mut() {
        let NoticeKind::Escalation(id) = &notice.kind else {
            continue;
        };
        let Some(list) = escalations.iter().find(|l| &l.id == id) else {
            continue;
        };
        for (m, x) in notice.matters.iter_mut().zip(&list.entries) {
            // The notice is about this one penalty (the list holds only its evidence): the
            // evidence without the penalty's name.
            let body: Vec<String> = x.evidence.iter().map(Evidence::body).collect();
            m.text = crate::text::sentence(&format!("{}：{}", x.unit, body.join("；")));
        }
    }
}
