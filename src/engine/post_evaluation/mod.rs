//! Post-evaluation of completed projects (亩均效益综合评价): indicators from each row, benchmarks
//! over the evaluated set, score = Σ weight × min(value ÷ benchmark, cap), classes by bands or
//! percentile shares, vetoes, exemptions, 待核实 for figures that cannot be used, and the
//! 应统未统 statistics list.

mod grade;

use crate::expr::to_jinja;
use crate::ingest::{Dataset, Record, Value};
use crate::rules::Rules;
use crate::rules::post_evaluation::{Benchmark, Condition, Evaluation, Formula, Grading, Method};
use grade::{benchmarks, counts, grade, project};
use serde::Serialize;
use std::collections::BTreeMap;

/// The problem of a field left empty.
const EMPTY: &str = "为空";

/// How a project came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Scored and classed.
    Graded,
    /// A veto gave the class.
    Vetoed,
    /// A figure needs checking: no score, no class.
    Verify,
    /// Exempted by a rule: not graded.
    Exempt,
}

/// One indicator of one project.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndicatorResult {
    pub(crate) id: String,
    pub(crate) value: Option<f64>,
    pub(crate) ratio: Option<f64>,
    pub(crate) points: Option<f64>,
}

/// A figure that must be checked before the project can be scored (待核实).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct VerifyItem {
    pub(crate) field: String,
    pub(crate) label: String,
    /// `file!sheet!D7`.
    pub(crate) cell: String,
    /// What is wrong: `为 0`, `为空`.
    pub(crate) problem: String,
    /// What cannot be computed or judged because of it.
    pub(crate) affects: Vec<String>,
}

impl VerifyItem {
    pub(crate) fn message(&self) -> String {
        format!(
            "“{}”{}（{}），无法计算或判断{}",
            self.label,
            self.problem,
            self.cell,
            self.affects.join("、")
        )
    }
}

/// The result of one project.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProjectEval {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) source: String,
    pub(crate) indicators: Vec<IndicatorResult>,
    pub(crate) score: Option<f64>,
    pub(crate) status: Status,
    /// The class, or the 待核实 / 不参评 label.
    pub(crate) class: String,
    /// Last year's recorded class, if any.
    pub(crate) last_class: Option<String>,
    pub(crate) reasons: Vec<String>,
    pub(crate) verify: Vec<VerifyItem>,
}

/// A project for the Statistics Bureau (应统未统).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatisticsRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) output: Option<f64>,
    pub(crate) source: String,
}

/// The benchmark used for an indicator.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BenchmarkUsed {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) weight: f64,
    pub(crate) cap: f64,
    pub(crate) mean: bool,
    pub(crate) value: Option<f64>,
    /// Projects the mean was taken over.
    pub(crate) over: usize,
}

/// The evaluation of a year.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Evaluated {
    pub(crate) year: i32,
    pub(crate) projects: Vec<ProjectEval>,
    pub(crate) benchmarks: Vec<BenchmarkUsed>,
    /// Each class (best first) with its count, then 待核实 and 不参评.
    pub(crate) counts: Vec<(String, usize)>,
    pub(crate) statistics: Vec<StatisticsRow>,
    /// Problems found reading the post-evaluation files (rows not used, cells unreadable).
    pub(crate) diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

/// Evaluates the rows of the post-evaluation table; `last_year` holds last year's classes by
/// project id.
pub(crate) fn evaluate(
    rules: &Rules,
    data: &Dataset,
    year: i32,
    last_year: &BTreeMap<String, String>,
) -> Evaluated {
    let e = &rules.post_evaluation;
    let label = field_label(rules);
    let records = data.records(&e.setup.table);
    let mut rows: Vec<Row> = records.iter().map(|r| row(rules, r)).collect();
    let mut projects = Vec::new();
    let mut statistics = Vec::new();
    for r in &mut rows {
        exemptions(e, r, &label);
        if r.exempt.is_empty() {
            r.values = e
                .indicators
                .iter()
                .map(|ind| match value_of(&ind.formula, r.record, &r.ctx) {
                    Ok(v) => Some(v),
                    Err(fields) => {
                        add_verify(r, &fields, &ind.name, &label);
                        None
                    }
                })
                .collect();
            vetoes(e, r, &label);
        }
        if let Some(s) = statistics_row(e, r, &label) {
            statistics.push(s);
        }
    }
    unreadable_cells(data, &mut rows);
    let benchmarks = benchmarks(e, &rows);
    for r in &rows {
        projects.push(project(e, r, &benchmarks, last_year));
    }
    grade(&e.grading, &mut projects);
    let counts = counts(e, &projects);
    let files: Vec<&str> = data
        .files
        .iter()
        .filter(|f| f.table.as_deref() == Some(e.setup.table.as_str()))
        .map(|f| f.file.as_str())
        .collect();
    Evaluated {
        year,
        projects,
        benchmarks,
        counts,
        statistics,
        diagnostics: data
            .diagnostics
            .iter()
            .filter(|d| files.contains(&d.location.file.as_str()))
            .cloned()
            .collect(),
    }
}

/// A record with its evaluation context and what was found on it.
pub(super) struct Row<'a> {
    pub(super) record: &'a Record,
    pub(super) ctx: BTreeMap<String, minijinja::Value>,
    pub(super) values: Vec<Option<f64>>,
    pub(super) exempt: Vec<String>,
    pub(super) vetoes: Vec<(String, String)>,
    pub(super) verify: Vec<VerifyItem>,
    /// 待核实 items that do not stop grading (the statistics list).
    pub(super) other_verify: Vec<VerifyItem>,
}

fn row<'a>(rules: &Rules, record: &'a Record) -> Row<'a> {
    let mut ctx = BTreeMap::new();
    if let Some(t) = rules.table(&rules.post_evaluation.setup.table) {
        for f in &t.fields {
            ctx.insert(
                f.id.clone(),
                record
                    .get(&f.id)
                    .map(to_jinja)
                    .unwrap_or(minijinja::Value::from(())),
            );
        }
    }
    ctx.insert(
        "threshold".into(),
        minijinja::Value::from(rules.post_evaluation.statistics.threshold),
    );
    Row {
        record,
        ctx,
        values: Vec::new(),
        exempt: Vec::new(),
        vetoes: Vec::new(),
        verify: Vec::new(),
        other_verify: Vec::new(),
    }
}

fn field_label(rules: &Rules) -> impl Fn(&str) -> String + '_ {
    move |id: &str| {
        rules
            .table(&rules.post_evaluation.setup.table)
            .and_then(|t| t.field(id))
            .map(|f| f.label.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

/// A formula's value, or the fields that keep it from being computed (empty, or zero divisors):
/// `(field, problem)`.
fn value_of(
    f: &Formula,
    record: &Record,
    ctx: &BTreeMap<String, minijinja::Value>,
) -> Result<f64, Vec<(String, &'static str)>> {
    let missing: Vec<(String, &'static str)> = f
        .vars()
        .iter()
        .filter(|v| is_empty(ctx, v))
        .map(|v| (v.clone(), EMPTY))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    if let Some(v) = finite(f, ctx.clone()) {
        return Ok(v);
    }
    let zeros: Vec<&String> = f
        .vars()
        .iter()
        .filter(|v| record.number(v) == Some(0.0))
        .collect();
    // The divisors: zero fields that, set to 1, let the formula compute.
    let divisors: Vec<(String, &'static str)> = zeros
        .iter()
        .filter(|v| {
            let mut c = ctx.clone();
            c.insert((**v).clone(), minijinja::Value::from(1));
            finite(f, c).is_some()
        })
        .map(|v| ((*v).clone(), "为 0"))
        .collect();
    if !divisors.is_empty() {
        return Err(divisors);
    }
    Err(if zeros.is_empty() {
        f.vars().iter().map(|v| (v.clone(), "无法使用")).collect()
    } else {
        zeros.into_iter().map(|v| (v.clone(), "为 0")).collect()
    })
}

/// Whether the row has no value for `var` (a field left empty).
fn is_empty(ctx: &BTreeMap<String, minijinja::Value>, var: &str) -> bool {
    ctx.get(var).is_none_or(|v| v.is_none() || v.is_undefined())
}

fn finite(f: &Formula, ctx: BTreeMap<String, minijinja::Value>) -> Option<f64> {
    f.eval(minijinja::Value::from(ctx))
        .ok()
        .and_then(|v| f64::try_from(v).ok())
        .filter(|v| v.is_finite())
}

fn add_verify(
    r: &mut Row,
    fields: &[(String, &'static str)],
    what: &str,
    label: &dyn Fn(&str) -> String,
) {
    for (field, problem) in fields {
        match r
            .verify
            .iter_mut()
            .find(|v| &v.field == field && v.problem == *problem)
        {
            Some(v) => v.affects.push(what.to_string()),
            None => r.verify.push(VerifyItem {
                field: field.clone(),
                label: label(field),
                cell: r.record.cell_ref(field),
                problem: problem.to_string(),
                affects: vec![what.to_string()],
            }),
        }
    }
}

/// A field left empty because its cell could not be read is “无法识别”, not “为空”: the
/// diagnostic on that cell says why; one whose file has no column for it is “无此列”.
fn unreadable_cells(data: &Dataset, rows: &mut [Row]) {
    let bad: std::collections::BTreeSet<String> = data
        .diagnostics
        .iter()
        .filter_map(|d| {
            let l = &d.location;
            Some(format!(
                "{}!{}!{}",
                l.file,
                l.sheet.as_ref()?,
                l.cell.as_ref()?
            ))
        })
        .collect();
    for r in rows {
        let record = r.record;
        for v in r.verify.iter_mut().chain(r.other_verify.iter_mut()) {
            if v.problem == EMPTY && bad.contains(&v.cell) {
                v.problem = "无法识别（见数据问题）".into();
            } else if v.problem == EMPTY && !record.cells.contains_key(&v.field) {
                // No column for it in the file: said once at its header (W071).
                v.problem = "无此列（见数据问题）".into();
            }
        }
    }
}

/// Whether `c` holds on the row; a field it needs that is empty gives a 待核实 item.
fn holds(c: &Condition, r: &mut Row, label: &dyn Fn(&str) -> String) -> bool {
    let missing: Vec<(String, &'static str)> = c
        .when
        .vars()
        .iter()
        .filter(|v| is_empty(&r.ctx, v))
        .map(|v| (v.clone(), EMPTY))
        .collect();
    if !missing.is_empty() {
        add_verify(r, &missing, &c.name, label);
        return false;
    }
    match c.when.eval(minijinja::Value::from(r.ctx.clone())) {
        Ok(v) => v.is_true(),
        Err(_) => {
            let all: Vec<(String, &'static str)> = c
                .when
                .vars()
                .iter()
                .map(|v| (v.clone(), "无法使用"))
                .collect();
            add_verify(r, &all, &c.name, label);
            false
        }
    }
}

fn exemptions(e: &Evaluation, r: &mut Row, label: &dyn Fn(&str) -> String) {
    for c in &e.exemptions {
        if holds(c, r, label) {
            let reason = crate::rules::post_evaluation::render_reason(
                &c.reason,
                minijinja::Value::from(r.ctx.clone()),
            );
            r.exempt.push(format!("【{}】{}", c.name, reason));
        }
    }
}

fn vetoes(e: &Evaluation, r: &mut Row, label: &dyn Fn(&str) -> String) {
    for c in &e.vetoes {
        if holds(c, r, label) {
            let reason = crate::rules::post_evaluation::render_reason(
                &c.reason,
                minijinja::Value::from(r.ctx.clone()),
            );
            r.vetoes.push((
                c.class.clone().unwrap_or_default(),
                format!("【{}】{}", c.name, reason),
            ));
        }
    }
}

fn statistics_row(
    e: &Evaluation,
    r: &mut Row,
    label: &dyn Fn(&str) -> String,
) -> Option<StatisticsRow> {
    let c = Condition {
        id: "statistics".into(),
        name: e.statistics.name.clone(),
        when: e.statistics.when.clone(),
        class: None,
        reason: String::new(),
        at: String::new(),
    };
    // What keeps the list from being judged does not keep the project from being graded.
    let before = r.verify.len();
    let listed = holds(&c, r, label);
    let found: Vec<VerifyItem> = r.verify.drain(before..).collect();
    r.other_verify.extend(found);
    listed.then(|| StatisticsRow {
        id: r
            .record
            .project
            .clone()
            .unwrap_or_else(|| r.record.text(&e.setup.id_field).unwrap_or("").to_string()),
        name: r.record.text(&e.setup.name_field).unwrap_or("").to_string(),
        output: r.record.get(&e.statistics.field).and_then(Value::as_f64),
        source: r.record.row_ref(),
    })
}
#[cfg(test)]
mod tests;
