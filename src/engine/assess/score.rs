//! Project scores of the assessment: each project's deadlines, formula context, scoring
//! parts, figures and inputs.

use super::super::Month;
use super::super::deadlines::{DeadlineRow, RuleProblem, Status};
use super::super::project::ProjectView;
use super::super::ranking::round;
use super::{Figures, Input, PartScore, ProjectScore, Snapshot};
use crate::expr::to_jinja;
use crate::ingest::Value;
use crate::rules::{FieldRole, Rules, TableRole};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

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

/// Scores every project from its own rows alone: on every core, in the ledger's order.
/// The problems of the formulas are appended to `rule_problems` in that order.
#[allow(clippy::too_many_arguments)]
pub(super) fn score_projects(
    rules: &Rules,
    snapshot: &Snapshot,
    views: &[ProjectView<'_>],
    deadlines: &[DeadlineRow],
    month: Month,
    as_of: NaiveDate,
    rule_problems: &mut Vec<RuleProblem>,
) -> Vec<ProjectScore> {
    let index = DeadlineIndex::new(deadlines, &rules.scoring.score);
    let scored: Vec<(ProjectScore, Vec<RuleProblem>)> = views
        .par_iter()
        .map(|view| score_project(rules, snapshot, &index, month, as_of, view))
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
    /// The project's procedure deadlines that can be counted, in order: one without a time
    /// limit (W069, `no_date`) is said, not counted for or against the project.
    procs: Vec<&'a DeadlineRow>,
    /// How many of `procs` are met, pending or due soon.
    ok: usize,
}

impl<'a> ProjectDeadlines<'a> {
    fn new(index: &'a DeadlineIndex<'a>, view: &ProjectView<'_>, unit: &str) -> Self {
        let procs: Vec<&DeadlineRow> = index
            .procedures
            .get(view.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|d| d.status != Status::NoDate)
            .copied()
            .collect();
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
    // Only this year's 累计 is carried (an earlier year's row keeps its dates, not its figure).
    let carried_from = (!dl.reported)
        .then(|| snapshot.last_figures.get(&view.id))
        .flatten()
        .filter(|f| f.cum_invest.is_some())
        .map(|f| f.month.clone());
    let mut notes = Vec::new();
    if !dl.reported {
        notes.push(match &carried_from {
            Some(m) => {
                format!("本月未报送，累计完成投资沿用{m}报送的数据，报送情况按未报送计分")
            }
            None => "本月未报送且本年此前无报送记录，累计完成投资按 0 计，报送情况按未报送计分"
                .to_string(),
        });
    }
    // Dates and states carry from the last report of any year (see `carried_values`).
    let last_report = (!dl.reported)
        .then(|| snapshot.last_figures.get(&view.id))
        .flatten()
        .map(|f| &f.month);
    let inputs = project_inputs(rules, view, &dl, carried_from.as_ref(), last_report);
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
        report_status: report_label(rules, &dl),
        procedures_total: dl.procs.len(),
        procedures_ok: dl.ok,
        parts,
        total,
        inputs,
        notes,
    };
    (score, rule_problems)
}

/// The project's report status as scored: its unit's report's, or the report rule's word for
/// not sent when the project is not in it (as the formulas read it: `overdue`).
fn report_label(rules: &Rules, dl: &ProjectDeadlines<'_>) -> String {
    if dl.reported {
        return dl
            .report
            .map(|d| d.status_label.clone())
            .unwrap_or_default();
    }
    let own = rules
        .deadlines
        .rules
        .iter()
        .find(|r| r.id == rules.scoring.score.report_deadline)
        .and_then(|r| r.status.overdue.clone());
    own.unwrap_or_else(|| rules.deadlines.status.overdue.clone())
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
    // Only the fields a formula reads: the others cannot change a part's score.
    let read = |f: &String| {
        rules
            .scoring
            .parts
            .iter()
            .any(|p| p.formula.vars().binary_search(f).is_ok())
    };
    for f in crate::rules::deadline::known_fields(
        crate::rules::Subject::Project,
        None,
        &rules.tables,
        &rules.roles,
    )
    .into_iter()
    .filter(read)
    {
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
        minijinja::Value::from(crate::expr::iso_date(as_of)),
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
        // The part's own names only (the rest cannot change its value).
        let own: BTreeMap<&str, minijinja::Value> = part
            .formula
            .vars()
            .iter()
            .filter_map(|v| ctx.get(v).map(|x| (v.as_str(), x.clone())))
            .collect();
        let result = part
            .formula
            .eval(minijinja::Value::from(own))
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
    last_report: Option<&String>,
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
                let from = if role == FieldRole::CumInvest {
                    carried_from
                } else {
                    last_report
                };
                from.map(|m| format!("历史记录（{m}）"))
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
        value: report_label(rules, dl),
        source: match dl.report.and_then(|d| d.item.clone()) {
            Some(file) if !dl.reported => format!("{file}（本项目未列入）"),
            Some(file) => file,
            None => "（无报送文件）".into(),
        },
    });
    inputs.push(Input {
        name: "procedures".into(),
        value: format!("{}/{}", dl.ok, dl.procs.len()),
        source: rules.table_of(TableRole::Procedures).title.clone(),
    });
    inputs
}
