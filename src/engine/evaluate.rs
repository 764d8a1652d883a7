//! Post-evaluation of completed projects (亩均效益综合评价): indicators from each row, benchmarks
//! over the evaluated set, score = Σ weight × min(value ÷ benchmark, cap), classes by bands or
//! percentile shares, vetoes, exemptions, 待核实 for figures that cannot be used, and the
//! 应统未统 statistics list.

use crate::expr::to_jinja;
use crate::ingest::{Dataset, Record, Value};
use crate::rules::Rules;
use crate::rules::evaluate::{Benchmark, Condition, Evaluation, Formula, Grading, Method};
use serde::Serialize;
use std::collections::BTreeMap;

/// The problem of a field left empty.
const EMPTY: &str = "为空";

/// How a project came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Status {
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
    let e = &rules.evaluate;
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
struct Row<'a> {
    record: &'a Record,
    ctx: BTreeMap<String, minijinja::Value>,
    values: Vec<Option<f64>>,
    exempt: Vec<String>,
    vetoes: Vec<(String, String)>,
    verify: Vec<VerifyItem>,
    /// 待核实 items that do not stop grading (the statistics list).
    other_verify: Vec<VerifyItem>,
}

fn row<'a>(rules: &Rules, record: &'a Record) -> Row<'a> {
    let mut ctx = BTreeMap::new();
    if let Some(t) = rules.table(&rules.evaluate.setup.table) {
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
        minijinja::Value::from(rules.evaluate.statistics.threshold),
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
            .table(&rules.evaluate.setup.table)
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
/// diagnostic on that cell says why.
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
        for v in r.verify.iter_mut().chain(r.other_verify.iter_mut()) {
            if v.problem == EMPTY && bad.contains(&v.cell) {
                v.problem = "无法识别（见数据问题）".into();
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
            let reason = crate::rules::evaluate::render_reason(
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
            let reason = crate::rules::evaluate::render_reason(
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
        id: r.record.text(&e.setup.id_field).unwrap_or("").to_string(),
        name: r.record.text(&e.setup.name_field).unwrap_or("").to_string(),
        output: r.record.get(&e.statistics.field).and_then(Value::as_f64),
        source: format!("{}!{}!第{}行", r.record.file, r.record.sheet, r.record.row),
    })
}

fn benchmarks(e: &Evaluation, rows: &[Row]) -> Vec<BenchmarkUsed> {
    e.indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let values: Vec<f64> = rows
                .iter()
                .filter(|r| r.exempt.is_empty())
                .filter_map(|r| r.values.get(i).copied().flatten())
                .collect();
            let (mean, value) = match ind.benchmark {
                Benchmark::Mean => (
                    true,
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
                ),
                Benchmark::Fixed(v) => (false, Some(v)),
            };
            BenchmarkUsed {
                id: ind.id.clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                weight: ind.weight,
                cap: ind.cap,
                mean,
                value,
                over: if mean { values.len() } else { 0 },
            }
        })
        .collect()
}

fn project(
    e: &Evaluation,
    r: &Row,
    benchmarks: &[BenchmarkUsed],
    last_year: &BTreeMap<String, String>,
) -> ProjectEval {
    let id = r.record.text(&e.setup.id_field).unwrap_or("").to_string();
    let mut reasons = Vec::new();
    let mut indicators = Vec::new();
    let mut all = r.exempt.is_empty();
    for (i, ind) in e.indicators.iter().enumerate() {
        let value = r.values.get(i).copied().flatten();
        let bench = benchmarks[i].value.filter(|b| *b > 0.0);
        if value.is_some() && bench.is_none() {
            reasons.push(format!("{}的基准值为 0 或无法确定，未计分", ind.name));
        }
        let ratio = value.zip(bench).map(|(v, b)| v / b);
        let points = ratio.map(|x| ind.weight * x.min(ind.cap));
        all &= points.is_some();
        indicators.push(IndicatorResult {
            id: ind.id.clone(),
            value,
            ratio,
            points,
        });
    }
    let factor = 10f64.powi(e.setup.precision as i32);
    let score = all.then(|| {
        let sum: f64 = indicators.iter().filter_map(|i| i.points).sum();
        (sum * factor).round() / factor
    });
    let (status, class) = if !r.exempt.is_empty() {
        reasons.extend(r.exempt.iter().cloned());
        (Status::Exempt, e.setup.not_graded.clone())
    } else if let Some((class, _)) = worst_veto(&e.grading, &r.vetoes) {
        (Status::Vetoed, class)
    } else if !r.verify.is_empty() || score.is_none() {
        (Status::Verify, e.setup.verify.clone())
    } else {
        (Status::Graded, String::new())
    };
    reasons.extend(r.vetoes.iter().map(|(_, why)| why.clone()));
    reasons.extend(
        r.verify
            .iter()
            .chain(&r.other_verify)
            .map(|v| format!("【{}】{}", e.setup.verify, v.message())),
    );
    ProjectEval {
        last_class: last_year.get(&id).cloned(),
        id,
        name: r.record.text(&e.setup.name_field).unwrap_or("").to_string(),
        source: format!("{}!{}!第{}行", r.record.file, r.record.sheet, r.record.row),
        indicators,
        score,
        status,
        class,
        reasons,
        verify: r.verify.iter().chain(&r.other_verify).cloned().collect(),
    }
}

/// The lowest class among the vetoes that apply.
fn worst_veto(g: &Grading, vetoes: &[(String, String)]) -> Option<(String, String)> {
    vetoes
        .iter()
        .max_by_key(|(c, _)| g.classes.iter().position(|k| k == c).unwrap_or(0))
        .cloned()
}

/// Gives the graded projects their class by bands or percentile shares.
fn grade(g: &Grading, projects: &mut [ProjectEval]) {
    let last = g.classes.len() - 1;
    let mut ranked: Vec<usize> = projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status == Status::Graded)
        .map(|(i, _)| i)
        .collect();
    match g.method {
        Method::Bands => {
            for i in ranked {
                let s = projects[i].score.unwrap_or(f64::MIN);
                let k = g.bands.iter().position(|b| s >= *b).unwrap_or(last);
                projects[i].class = g.classes[k].clone();
            }
        }
        Method::Percentiles => {
            let score = |i: usize| projects[i].score.unwrap_or(f64::MIN);
            ranked.sort_by(|a, b| score(*b).total_cmp(&score(*a)));
            let n = ranked.len() as f64;
            let mut cum = 0.0;
            let bounds: Vec<usize> = g
                .shares
                .iter()
                .map(|s| {
                    cum += s;
                    g.rounding.apply(cum * n / 100.0)
                })
                .collect();
            let scores: Vec<f64> = ranked.iter().map(|i| score(*i)).collect();
            for (pos, &i) in ranked.iter().enumerate() {
                // Ties share the position of the first of them.
                let first = scores.iter().position(|s| *s == scores[pos]).unwrap_or(pos);
                let k = bounds.iter().position(|b| first < *b).unwrap_or(last);
                projects[i].class = g.classes[k].clone();
            }
        }
    }
}

fn counts(e: &Evaluation, projects: &[ProjectEval]) -> Vec<(String, usize)> {
    let graded = |p: &&ProjectEval| matches!(p.status, Status::Graded | Status::Vetoed);
    let mut out: Vec<(String, usize)> = e
        .grading
        .classes
        .iter()
        .map(|c| {
            let n = projects
                .iter()
                .filter(graded)
                .filter(|p| &p.class == c)
                .count();
            (c.clone(), n)
        })
        .collect();
    for (status, label) in [
        (Status::Verify, &e.setup.verify),
        (Status::Exempt, &e.setup.not_graded),
    ] {
        out.push((
            label.clone(),
            projects.iter().filter(|p| p.status == status).count(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::evaluate::Rounding;

    fn record(values: &[(&str, Value)]) -> Record {
        Record {
            table: "post_eval".into(),
            file: "f.xlsx".into(),
            sheet: "s".into(),
            row: 4,
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            cells: values
                .iter()
                .map(|(k, _)| (k.to_string(), "D4".to_string()))
                .collect(),
            project: None,
            unit: None,
            submitted_on: None,
            problems: Vec::new(),
            rejected: false,
        }
    }

    fn ctx(r: &Record, fields: &[&str]) -> BTreeMap<String, minijinja::Value> {
        fields
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    r.get(f).map(to_jinja).unwrap_or(minijinja::Value::from(())),
                )
            })
            .collect()
    }

    #[test]
    fn the_zero_divisor_is_named_not_the_zero_numerator() {
        let fields = ["tax".to_string(), "land_mu".to_string()];
        let f = crate::rules::evaluate::formula("tax / land_mu", &fields).unwrap();
        let r = record(&[("tax", Value::Number(0.0)), ("land_mu", Value::Number(0.0))]);
        let err = value_of(&f, &r, &ctx(&r, &["tax", "land_mu"])).unwrap_err();
        assert_eq!(err, [("land_mu".to_string(), "为 0")]);
        let r = record(&[("tax", Value::Number(0.0)), ("land_mu", Value::Number(5.0))]);
        assert_eq!(value_of(&f, &r, &ctx(&r, &["tax", "land_mu"])), Ok(0.0));
        let r = record(&[("tax", Value::Number(3.0))]);
        let err = value_of(&f, &r, &ctx(&r, &["tax", "land_mu"])).unwrap_err();
        assert_eq!(err, [("land_mu".to_string(), EMPTY)]);
    }

    fn graded(score: f64) -> ProjectEval {
        ProjectEval {
            id: String::new(),
            name: String::new(),
            source: String::new(),
            indicators: Vec::new(),
            score: Some(score),
            status: Status::Graded,
            class: String::new(),
            last_class: None,
            reasons: Vec::new(),
            verify: Vec::new(),
        }
    }

    #[test]
    fn percentile_boundaries_round_and_ties_take_the_better_class() {
        let g = Grading {
            classes: ["A", "B", "C", "D"].map(String::from).to_vec(),
            method: Method::Percentiles,
            bands: vec![110.0, 90.0, 70.0],
            shares: vec![25.0, 45.0, 25.0],
            rounding: Rounding::Round,
        };
        // 6 projects: boundaries 1.5 → 2, 4.2 → 4, 5.7 → 6.
        let mut p: Vec<ProjectEval> = [90.0, 80.0, 70.0, 60.0, 50.0, 40.0].map(graded).to_vec();
        grade(&g, &mut p);
        let classes: Vec<&str> = p.iter().map(|p| p.class.as_str()).collect();
        assert_eq!(classes, ["A", "A", "B", "B", "C", "C"]);
        // A tie across the A/B boundary: both take A.
        let mut p: Vec<ProjectEval> = [90.0, 80.0, 80.0, 60.0, 50.0, 40.0].map(graded).to_vec();
        grade(&g, &mut p);
        assert_eq!(p[2].class, "A");
        let g = Grading {
            rounding: Rounding::Floor,
            ..g
        };
        let mut p: Vec<ProjectEval> = [90.0, 80.0, 70.0, 60.0, 50.0, 40.0].map(graded).to_vec();
        grade(&g, &mut p);
        let classes: Vec<&str> = p.iter().map(|p| p.class.as_str()).collect();
        assert_eq!(classes, ["A", "B", "B", "B", "C", "D"]);
    }
}
