//! 项目档案 (`[card]` of `rules/lights.toml`): per project, its dates on a time line (the ledger's
//! and the monthly report's, each start and procedure deadline's start, due date and meeting),
//! its 累计完成投资 month by month from history, and the notices that name it: earlier months'
//! from the stored 整改任务, then this month's.

use super::Month;
use super::deadlines::DeadlineRow;
use super::deadlines::Status;
use super::lights::fill;
use super::notices::Notice;
use super::overview::{CardInvest, CardNode, CardNotice, ProjectCard};
use super::results::{ProjectScore, Snapshot};
use crate::ingest::{Dataset, Record, Value};
use crate::rules::{Rules, Subject, TableRole};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// What a card is made of, besides the rules.
pub(crate) struct CardInputs<'a> {
    pub(crate) data: &'a Dataset,
    pub(crate) carried: &'a BTreeMap<String, BTreeMap<String, Value>>,
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) month: Month,
    pub(crate) projects: &'a [ProjectScore],
    pub(crate) deadlines: &'a [DeadlineRow],
    pub(crate) notices: &'a [Notice],
}

/// The card of every project, in project order.
pub(crate) fn project_cards(rules: &Rules, i: &CardInputs) -> Vec<ProjectCard> {
    let rows_of = |role| -> HashMap<&str, &Record> {
        i.data
            .table(role)
            .iter()
            .filter_map(|r| r.project.as_deref().map(|p| (p, r)))
            .collect()
    };
    let (ledger, monthly) = (rows_of(TableRole::Ledger), rows_of(TableRole::Monthly));
    let mut deadlines: HashMap<&str, Vec<&DeadlineRow>> = HashMap::new();
    for d in i.deadlines.iter().filter(|d| of_projects(rules, d)) {
        if let Some(p) = d.project.as_deref() {
            deadlines.entry(p).or_default().push(d);
        }
    }
    let mut notices = notices_by_project(&i.snapshot.tasks, i.notices);
    i.projects
        .iter()
        .map(|p| {
            let id = p.id.as_str();
            let value = |field: &str| {
                [
                    ledger.get(id).map(|r| &r.values),
                    monthly.get(id).map(|r| &r.values),
                ]
                .into_iter()
                .flatten()
                .chain(i.carried.get(id))
                .find_map(|v| v.get(field).and_then(Value::as_date))
            };
            let mut nodes: Vec<CardNode> = rules
                .lights
                .card
                .dates
                .iter()
                .filter_map(|d| Some(node(value(&d.field)?, d.label.clone())))
                .collect();
            for d in deadlines.remove(id).unwrap_or_default() {
                nodes.extend(deadline_nodes(rules, d));
            }
            nodes.sort_by_key(|n| n.date);
            ProjectCard {
                project: p.id.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                annual_plan: p.annual_plan,
                nodes,
                invest: invest(i, p),
                notices: notices.remove(id).unwrap_or_default(),
            }
        })
        .collect()
}

/// Whether a deadline row is about a project or one of its procedures.
fn of_projects(rules: &Rules, d: &DeadlineRow) -> bool {
    rules
        .deadlines
        .rules
        .iter()
        .any(|r| r.id == d.rule && r.subject != Subject::Submission)
}

fn node(date: NaiveDate, label: String) -> CardNode {
    CardNode {
        date,
        label,
        status: None,
        overdue: false,
    }
}

/// A deadline's due date (with its status), and a procedure's assignment and finish: those that
/// have a date. A start deadline's start and meeting are the project's own dates on the line.
fn deadline_nodes(rules: &Rules, d: &DeadlineRow) -> Vec<CardNode> {
    let card = &rules.lights.card;
    let what = d.item.clone().unwrap_or_else(|| d.rule_name.clone());
    let text = |template: &str| fill(template, &[("what", what.clone())]);
    let mut out = Vec::new();
    if let (Some(from), Some(_)) = (d.from, &d.item) {
        out.push(node(from, text(&card.assigned)));
    }
    if let Some(due) = d.due {
        out.push(CardNode {
            status: Some(d.status_label.clone()),
            overdue: d.status == Status::Overdue,
            ..node(due, text(&card.due))
        });
    }
    if let (Some(met), Some(_)) = (d.met_on, &d.item) {
        out.push(node(met, text(&card.met)));
    }
    out
}

/// The year's reported 累计完成投资, earlier months from history, then this month's.
fn invest(i: &CardInputs, p: &ProjectScore) -> Vec<CardInvest> {
    let share = |x: Option<f64>| {
        let plan = p.annual_plan.filter(|a| *a > 0.0)?;
        Some(x? / plan * 100.0)
    };
    let mut out: Vec<CardInvest> = i
        .snapshot
        .invest_series
        .get(&p.id)
        .into_iter()
        .flatten()
        .map(|(m, x)| CardInvest {
            month: m.clone(),
            cum_invest: *x,
            share: share(*x),
        })
        .collect();
    if p.reported {
        out.push(CardInvest {
            month: i.month.to_string(),
            cum_invest: p.figures.cum_invest,
            share: share(p.figures.cum_invest),
        });
    }
    out
}

/// Each project's notices: earlier months' (from the stored 整改任务) in the order they were
/// issued, then this month's, each with its matters about the project. Built in one pass over
/// the tasks and the notices, so a province's cards do not rescan every notice per project.
fn notices_by_project<'a>(
    tasks: &'a [super::supervision::Task],
    notices: &'a [Notice],
) -> HashMap<&'a str, Vec<CardNotice>> {
    let mut out: HashMap<&str, Vec<CardNotice>> = HashMap::new();
    let mut add = |project: &'a str, number: &str, recipient: &str, text: &str| {
        let list = out.entry(project).or_default();
        match list.last_mut() {
            Some(n) if n.number == number => n.matters.push(text.to_string()),
            _ => list.push(CardNotice {
                number: number.to_string(),
                recipient: recipient.to_string(),
                matters: vec![text.to_string()],
            }),
        }
    };
    for t in tasks {
        if let Some(p) = t.project.as_deref() {
            add(p, &t.notice, &t.unit, &t.text);
        }
    }
    for n in notices {
        for m in &n.matters {
            if let Some(p) = m.project.as_deref() {
                add(p, &n.number, &n.recipient, &m.text);
            }
        }
    }
    out
}
