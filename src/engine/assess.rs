//! The monthly assessment: deadlines, then project scores from the formulas of
//! `rules/scoring.toml`, then the unit ranking (`ranking.rs`) and the notices (`notices.rs`).
//! Pure: rules, records, a history snapshot and the as-of date in; an `Assessment`
//! (`results.rs`) out.

use super::Month;
use super::deadlines::{DeadlineRow, RuleProblem, Status, evaluate_deadlines};
use super::evidence::{Evidence, name_notices};
use super::project::{ProjectView, project_views};
pub use super::rank::{in_bottom, shared_ranks};
use super::ranking::{first_seen, rank_units, round};
pub use super::results::{
    Assessment, Figures, Input, LastFigures, PartScore, ProjectScore, Snapshot, UnitScore,
};
pub use super::streak::UnitHistory;
use crate::expr::to_jinja;
use crate::ingest::{Dataset, Value};
use crate::rules::{FieldRole, Rules, TableRole};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The deadline rows a project's score reads, found by project or unit in one pass.
struct DeadlineIndex<'a> {
    /// The first start deadline of each project.
    start: HashMap<&'a str, &'a DeadlineRow>,
    /// The first report deadline of each unit.
    report: HashMap<&'a str, &'a DeadlineRow>,
    /// The procedure deadlines of each project, in order.
    procedures: HashMap<&'a str, Vec<&'a DeadlineRow>>,
}

impl<'a> DeadlineIndex<'a> {
    fn new(deadlines: &'a [DeadlineRow], score: &crate::rules::scoring::Score) -> Self {
        let mut index = DeadlineIndex {
            start: HashMap::new(),
            report: HashMap::new(),
            procedures: HashMap::new(),
        };
        for d in deadlines {
            if score.start_deadlines.contains(&d.rule)
                && let Some(p) = d.project.as_deref()
            {
                index.start.entry(p).or_insert(d);
            }
            if d.rule == score.report_deadline
                && let Some(u) = d.recipient.as_deref()
            {
                index.report.entry(u).or_insert(d);
            }
            if d.rule == score.procedure_deadline
                && let Some(p) = d.project.as_deref()
            {
                index.procedures.entry(p).or_default().push(d);
            }
        }
        index
    }
}

/// Carried fields for projects without a row this month.
pub fn carried_values(
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
    out
}

/// Runs the assessment of `month` as of `as_of`.
pub fn assess(
    rules: &Rules,
    data: &Dataset,
    snapshot: &Snapshot,
    month: Month,
    as_of: NaiveDate,
) -> Assessment {
    let carried = carried_values(data, snapshot);
    let (deadlines, mut rule_problems) = evaluate_deadlines(rules, data, month, as_of, &carried);
    let projects = score_projects(
        rules,
        data,
        snapshot,
        &carried,
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
    let (units, notices, escalations) = draft_notices(
        rules,
        snapshot,
        &deadlines,
        &projects,
        units,
        month,
        as_of,
        &mut rule_problems,
    );
    let missing_years = missing_years(&deadlines);
    Assessment {
        month,
        as_of,
        rules_hash: rules.source.fingerprint(),
        previous_month: snapshot.previous_month,
        projects,
        units,
        deadlines,
        diagnostics: data.diagnostics.clone(),
        files: data.files.clone(),
        rule_problems,
        missing_years,
        notices,
        escalations,
    }
}

/// Scores every project from its own rows alone: on every core, in the ledger's order.
/// The problems of the formulas are appended to `rule_problems` in that order.
#[allow(clippy::too_many_arguments)]
fn score_projects(
    rules: &Rules,
    data: &Dataset,
    snapshot: &Snapshot,
    carried: &BTreeMap<String, BTreeMap<String, Value>>,
    deadlines: &[DeadlineRow],
    month: Month,
    as_of: NaiveDate,
    rule_problems: &mut Vec<RuleProblem>,
) -> Vec<ProjectScore> {
    let index = DeadlineIndex::new(deadlines, &rules.scoring.score);
    let scored: Vec<(ProjectScore, Vec<RuleProblem>)> = project_views(data, carried)
        .into_par_iter()
        .map(|view| score_project(rules, snapshot, &index, month, as_of, &view))
        .collect();
    let mut projects = Vec::with_capacity(scored.len());
    for (p, problems) in scored {
        rule_problems.extend(problems);
        projects.push(p);
    }
    projects
}

/// The deadline rows and statuses one project's score reads.
struct ProjectDeadlines<'a> {
    /// The project's first start deadline.
    start: Option<&'a DeadlineRow>,
    /// The first report deadline of the project's unit.
    report: Option<&'a DeadlineRow>,
    /// Whether the project has a monthly row.
    reported: bool,
    /// The project's procedure deadlines, in order.
    procs: &'a [&'a DeadlineRow],
    /// How many of `procs` are met, pending or due soon.
    ok: usize,
}

impl<'a> ProjectDeadlines<'a> {
    fn new(index: &'a DeadlineIndex<'a>, view: &ProjectView<'_>, unit: &str) -> Self {
        let procs: &[&DeadlineRow] = index
            .procedures
            .get(view.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let ok = procs
            .iter()
            .filter(|d| matches!(d.status, Status::Met | Status::Pending | Status::DueSoon))
            .count();
        ProjectDeadlines {
            start: index.start.get(view.id.as_str()).copied(),
            report: index.report.get(unit).copied(),
            reported: view.monthly.is_some(),
            procs,
            ok,
        }
    }
}

/// Scores one project: its parts, figures, notes and inputs, and the problems of its formulas.
fn score_project(
    rules: &Rules,
    snapshot: &Snapshot,
    index: &DeadlineIndex<'_>,
    month: Month,
    as_of: NaiveDate,
    view: &ProjectView<'_>,
) -> (ProjectScore, Vec<RuleProblem>) {
    let mut rule_problems: Vec<RuleProblem> = Vec::new();
    let unit = view
        .text(&rules.scoring.score.entity)
        .unwrap_or("")
        .to_string();
    let dl = ProjectDeadlines::new(index, view, &unit);
    let ctx = formula_context(rules, view, &dl, month, as_of);
    let parts = score_parts(rules, view, ctx, &mut rule_problems);
    let total = round(parts.iter().map(|p| p.score).sum(), 4);
    let value = |role| view.values.get(rules.roles.field(role));
    let carried_from = (!dl.reported)
        .then(|| snapshot.last_figures.get(&view.id).map(|f| f.month.clone()))
        .flatten();
    let mut notes = Vec::new();
    if !dl.reported {
        notes.push(match &carried_from {
            Some(m) => {
                format!("本月未报送，累计完成投资沿用{m}报送的数据，报送情况按未报送计分")
            }
            None => {
                "本月未报送且此前无报送记录，累计完成投资按 0 计，报送情况按未报送计分".to_string()
            }
        });
    }
    let inputs = project_inputs(rules, view, &dl, carried_from.as_ref());
    let score = ProjectScore {
        id: view.id.clone(),
        name: view
            .text(rules.roles.field(FieldRole::ProjectName))
            .unwrap_or("")
            .to_string(),
        unit,
        annual_plan: value(FieldRole::AnnualPlan).and_then(Value::as_f64),
        figures: project_figures(rules, view),
        reported: dl.reported,
        carried_from,
        start_status: dl.start.map(|d| d.status_label.clone()).unwrap_or_default(),
        report_status: dl
            .report
            .map(|d| d.status_label.clone())
            .unwrap_or_default(),
        procedures_total: dl.procs.len(),
        procedures_ok: dl.ok,
        parts,
        total,
        inputs,
        notes,
    };
    (score, rule_problems)
}

/// The context the scoring formulas read: the project's fields and its deadline statuses.
fn formula_context(
    rules: &Rules,
    view: &ProjectView<'_>,
    dl: &ProjectDeadlines<'_>,
    month: Month,
    as_of: NaiveDate,
) -> BTreeMap<String, minijinja::Value> {
    let start_status = dl.start.map(|d| d.status.key()).unwrap_or("no_date");
    let report_status = if dl.reported {
        dl.report.map(|d| d.status.key()).unwrap_or("met")
    } else {
        "overdue"
    };
    let share = if dl.procs.is_empty() {
        1.0
    } else {
        dl.ok as f64 / dl.procs.len() as f64
    };
    let mut ctx: BTreeMap<String, minijinja::Value> = BTreeMap::new();
    for f in crate::rules::deadline::known_fields(
        crate::rules::Subject::Project,
        None,
        &rules.tables,
        &rules.roles,
    ) {
        ctx.insert(
            f.clone(),
            view.values
                .get(&f)
                .map(to_jinja)
                .unwrap_or(minijinja::Value::from(())),
        );
    }
    ctx.insert("month".into(), minijinja::Value::from(month.month));
    ctx.insert(
        "as_of".into(),
        minijinja::Value::from(as_of.format("%Y-%m-%d").to_string()),
    );
    ctx.insert("start_status".into(), minijinja::Value::from(start_status));
    ctx.insert(
        "report_status".into(),
        minijinja::Value::from(report_status),
    );
    ctx.insert("reported".into(), minijinja::Value::from(dl.reported));
    ctx.insert(
        "procedures_total".into(),
        minijinja::Value::from(dl.procs.len()),
    );
    ctx.insert("procedures_ok".into(), minijinja::Value::from(dl.ok));
    ctx.insert("procedures_ok_share".into(), minijinja::Value::from(share));
    ctx
}

/// Evaluates every scoring part's formula in `ctx`; a failing or non-finite formula scores
/// the part's `on_error` (or 0) and records a problem.
fn score_parts(
    rules: &Rules,
    view: &ProjectView<'_>,
    mut ctx: BTreeMap<String, minijinja::Value>,
    rule_problems: &mut Vec<RuleProblem>,
) -> Vec<PartScore> {
    let mut parts = Vec::new();
    for part in &rules.scoring.parts {
        ctx.insert("points".into(), minijinja::Value::from(part.points));
        let result = part
            .formula
            .eval(minijinja::Value::from(ctx.clone()))
            .map_err(|e| e.to_string())
            .and_then(|v| {
                if v.is_none() || v.is_undefined() {
                    Ok(0.0)
                } else {
                    f64::try_from(v).map_err(|e| e.to_string())
                }
            });
        let score = match result {
            Ok(s) if s.is_finite() => s,
            Ok(s) => {
                rule_problems.push(RuleProblem {
                    rule_file: part.at.clone(),
                    rule: part.id.clone(),
                    subject: view.id.clone(),
                    message: format!("结果不是有限数 {s}"),
                });
                part.on_error.unwrap_or(0.0)
            }
            Err(e) => {
                rule_problems.push(RuleProblem {
                    rule_file: part.at.clone(),
                    rule: part.id.clone(),
                    subject: view.id.clone(),
                    message: e,
                });
                part.on_error.unwrap_or(0.0)
            }
        };
        parts.push(PartScore {
            id: part.id.clone(),
            name: part.name.clone(),
            points: part.points,
            score: round(score, 4),
            formula: part.formula.src().to_string(),
            rule: part.at.clone(),
        });
    }
    parts
}

/// The project's figures as they stand this month (reported or carried).
fn project_figures(rules: &Rules, view: &ProjectView<'_>) -> Figures {
    let value = |role| view.values.get(rules.roles.field(role));
    let date_text = |role| {
        value(role)
            .and_then(Value::as_date)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    Figures {
        cum_invest: value(FieldRole::CumInvest).and_then(Value::as_f64),
        started: value(FieldRole::Started).and_then(Value::as_bool),
        actual_start: date_text(FieldRole::ActualStart),
        completed: value(FieldRole::Completed).and_then(Value::as_bool),
        completed_date: date_text(FieldRole::CompletedDate),
    }
}

/// The inputs a project's score shows, each with where it came from.
fn project_inputs(
    rules: &Rules,
    view: &ProjectView<'_>,
    dl: &ProjectDeadlines<'_>,
    carried_from: Option<&String>,
) -> Vec<Input> {
    let mut inputs = Vec::new();
    for role in [
        FieldRole::AnnualPlan,
        FieldRole::CumInvest,
        FieldRole::SignDate,
        FieldRole::LandDelistingDate,
        FieldRole::ActualStart,
        FieldRole::PlannedCompletion,
        FieldRole::Completed,
    ] {
        let field = rules.roles.field(role);
        if let Some(v) = view.values.get(field) {
            let source = if !dl.reported && !view.ledger.values.contains_key(field) {
                carried_from
                    .map(|m| format!("历史记录（{m}）"))
                    .unwrap_or_else(|| "默认值".into())
            } else {
                view.cell_ref(field)
            };
            inputs.push(Input {
                name: role.key().to_string(),
                value: v.to_string(),
                source,
            });
        }
    }
    if let Some(d) = dl.start {
        inputs.push(Input {
            name: "start_status".into(),
            value: format!(
                "{}（到期日 {}）",
                d.status_label,
                d.due.map(|x| x.to_string()).unwrap_or_default()
            ),
            source: format!(
                "{}（{}）",
                d.rule,
                rules
                    .deadlines
                    .rules
                    .iter()
                    .find(|r| r.id == d.rule)
                    .map(|r| r.file.as_str())
                    .unwrap_or("")
            ),
        });
    }
    inputs.push(Input {
        name: "report_status".into(),
        value: dl
            .report
            .map(|d| d.status_label.clone())
            .unwrap_or_default(),
        source: dl
            .report
            .and_then(|d| d.item.clone())
            .unwrap_or_else(|| "未报送".into()),
    });
    inputs.push(Input {
        name: "procedures".into(),
        value: format!("{}/{}", dl.ok, dl.procs.len()),
        source: rules.table_of(TableRole::Procedures).title.clone(),
    });
    inputs
}

/// Drafts and numbers this month's notices and escalations from the ranked units; the
/// units' evidence then names this month's notice by its number.
#[allow(clippy::too_many_arguments)]
fn draft_notices(
    rules: &Rules,
    snapshot: &Snapshot,
    deadlines: &[DeadlineRow],
    projects: &[ProjectScore],
    mut units: Vec<UnitScore>,
    month: Month,
    as_of: NaiveDate,
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
        deadlines,
        units: &facts,
        evidence: &evidence,
        unit_order: &unit_order,
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
