//! Indicator values from hand-built rows.

use super::*;
use crate::rules::post_evaluation::Rounding;

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
        hidden: false,
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
    let f = crate::rules::post_evaluation::formula("tax / land_mu", &fields).unwrap();
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
