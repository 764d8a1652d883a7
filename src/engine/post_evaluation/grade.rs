//! Grading the evaluated set: benchmarks over the rows, each project's score against them,
//! classes by bands or shares (vetoes lowering a class), and the count of each class.

use super::*;

pub(super) fn benchmarks(e: &Evaluation, rows: &[Row]) -> Vec<BenchmarkUsed> {
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

pub(super) fn project(
    e: &Evaluation,
    r: &Row,
    benchmarks: &[BenchmarkUsed],
    last_year: &BTreeMap<String, String>,
) -> ProjectEval {
    let id = r
        .record
        .project
        .clone()
        .unwrap_or_else(|| r.record.text(&e.setup.id_field).unwrap_or("").to_string());
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
        source: r.record.row_ref(),
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
pub(super) fn grade(g: &Grading, projects: &mut [ProjectEval]) {
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

pub(super) fn counts(e: &Evaluation, projects: &[ProjectEval]) -> Vec<(String, usize)> {
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
