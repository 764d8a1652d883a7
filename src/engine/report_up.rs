//! Reporting up: the rows of each city report (`rules/report_up/*.toml`) from the same
//! project records the ranking reads (the ledger row with this month's report, or the last
//! reported figures carried), with the project's score, unit and light. Pure: the mapping's
//! filter, order and columns are evaluated here; `report/report_up.rs` writes the workbook.

use super::Month;
use super::deadlines::RuleProblem;
use super::overview::ProjectLight;
use super::project::ProjectView;
use super::results::ProjectScore;
use crate::expr::to_jinja;
use crate::ingest::Value;
use crate::rules::report_up::{Column, Mapping, Source};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

pub(crate) use super::up_report::{UpCell, UpReport};

/// What a row's values are made from.
pub(crate) struct UpInputs<'a> {
    pub(crate) views: &'a [ProjectView<'a>],
    pub(crate) projects: &'a [ProjectScore],
    pub(crate) lights: &'a [ProjectLight],
    pub(crate) month: Month,
    pub(crate) as_of: NaiveDate,
}

/// Every city report of the rules, with the failures of their expressions as rule problems.
pub(crate) fn reports(
    mappings: &[Mapping],
    inputs: &UpInputs,
    problems: &mut Vec<RuleProblem>,
) -> Vec<UpReport> {
    let rows = project_values(inputs);
    mappings
        .iter()
        .enumerate()
        .map(|(i, m)| report(i, m, &rows, inputs, problems))
        .collect()
}

/// Each project's values: its fields and the derived names, in ledger order.
fn project_values(inputs: &UpInputs) -> Vec<(String, BTreeMap<String, Value>)> {
    let scores: HashMap<&str, &ProjectScore> =
        inputs.projects.iter().map(|p| (p.id.as_str(), p)).collect();
    let lights: HashMap<&str, &ProjectLight> = inputs
        .lights
        .iter()
        .map(|l| (l.project.as_str(), l))
        .collect();
    inputs
        .views
        .par_iter()
        .map(|v| {
            let mut values = v.values.clone();
            if let Some(p) = scores.get(v.id.as_str()) {
                values.insert("unit".into(), Value::Text(p.unit.clone()));
                values.insert("score".into(), Value::Number(p.total));
                values.insert("reported".into(), Value::Bool(p.reported));
            }
            if let Some(l) = lights.get(v.id.as_str()) {
                values.insert("light".into(), Value::Text(l.label.clone()));
            }
            (v.id.clone(), values)
        })
        .collect()
}

fn report(
    index: usize,
    m: &Mapping,
    rows: &[(String, BTreeMap<String, Value>)],
    inputs: &UpInputs,
    problems: &mut Vec<RuleProblem>,
) -> UpReport {
    let mut problem = |rule: &str, subject: &str, message: String| {
        problems.push(RuleProblem {
            rule_file: m.file.clone(),
            rule: rule.to_string(),
            subject: subject.to_string(),
            message,
        })
    };
    // Rows are filtered and their cells computed on every core; the problems keep row order.
    let filtered: Vec<Result<bool, String>> = rows
        .par_iter()
        .map(|row| match &m.filter {
            None => Ok(true),
            Some(filter) => filter
                .holds(filter.row_context(&row.1, &m.known))
                .map_err(|e| e.to_string()),
        })
        .collect();
    let mut kept: Vec<&(String, BTreeMap<String, Value>)> = Vec::new();
    for (row, held) in rows.iter().zip(filtered) {
        match held {
            Ok(true) => kept.push(row),
            Ok(false) => {}
            Err(e) => problem("filter", &row.0, e),
        }
    }
    kept.sort_by(|a, b| compare(m, &a.1, &b.1));
    let computed: Vec<(&str, Vec<Result<UpCell, String>>)> = kept
        .into_par_iter()
        .enumerate()
        .map(|(seq, (id, values))| {
            let row = Row {
                values,
                seq: Value::Int(seq as i64 + 1),
            };
            let cells = m.columns.iter().map(|c| cell(c, &row, &m.known)).collect();
            (id.as_str(), cells)
        })
        .collect();
    let mut out = Vec::with_capacity(computed.len());
    for (id, cells) in computed {
        let cells = m
            .columns
            .iter()
            .zip(cells)
            .map(|(c, v)| {
                v.unwrap_or_else(|e| {
                    problem(&column_name(m, c), id, e);
                    UpCell::Empty
                })
            })
            .collect();
        out.push(cells);
    }
    let fills = fill_texts(m, inputs, out.len(), &mut problem);
    UpReport {
        mapping: index,
        fills,
        rows: out,
    }
}

/// The head texts of the mapping for this month.
fn fill_texts(
    m: &Mapping,
    inputs: &UpInputs,
    rows: usize,
    problem: &mut impl FnMut(&str, &str, String),
) -> Vec<String> {
    let ctx = minijinja::Value::from(BTreeMap::from([
        ("year", minijinja::Value::from(inputs.month.year)),
        ("month", minijinja::Value::from(inputs.month.month)),
        (
            "as_of",
            minijinja::Value::from(inputs.as_of.format("%Y-%m-%d").to_string()),
        ),
        ("rows", minijinja::Value::from(rows)),
    ]));
    m.fills
        .iter()
        .map(|f| {
            crate::expr::render(&f.text, ctx.clone()).unwrap_or_else(|e| {
                problem("fill", &m.name, e);
                String::new()
            })
        })
        .collect()
}

/// `header` of a column, for rule problems.
fn column_name(m: &Mapping, c: &Column) -> String {
    m.template
        .header_paths()
        .get(usize::from(c.col))
        .map(|p| p.join("/"))
        .unwrap_or_default()
}

/// Orders two rows by the mapping's keys; a row without a value comes last; ledger order
/// breaks ties (the sort is stable).
fn compare(m: &Mapping, a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Ordering {
    for o in &m.order {
        let ord = match (a.get(&o.field), b.get(&o.field)) {
            (Some(x), Some(y)) => {
                let ord = compare_values(x, y);
                if o.descending { ord.reverse() } else { ord }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn compare_values(x: &Value, y: &Value) -> Ordering {
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        _ => crate::text::natural_cmp(&x.to_string(), &y.to_string()),
    }
}

/// A kept row of a report: the project's values with its row number (`seq`, from 1) over them.
struct Row<'a> {
    values: &'a BTreeMap<String, Value>,
    seq: Value,
}

impl Row<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        if name == "seq" {
            Some(&self.seq)
        } else {
            self.values.get(name)
        }
    }
}

/// One cell: the field's value or the expression's, formatted as the column says.
fn cell(c: &Column, row: &Row, known: &[String]) -> Result<UpCell, String> {
    let value = match &c.source {
        Source::Blank => None,
        Source::Field(f) => row.get(f).cloned(),
        Source::Expr(e) => from_jinja(
            e.eval(e.context_by(|k| row.get(k), known))
                .map_err(|e| e.to_string())?,
        ),
    };
    if value
        .as_ref()
        .and_then(Value::as_f64)
        .is_some_and(|x| !x.is_finite())
    {
        return Err("结果不是有限的数字（如除以零）".into());
    }
    Ok(match value {
        None => UpCell::Empty,
        Some(v) => format(c, &v),
    })
}

/// An expression's result as a field value (none and undefined are no value).
fn from_jinja(v: minijinja::Value) -> Option<Value> {
    use minijinja::value::ValueKind;
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => None,
        ValueKind::Bool => Some(Value::Bool(v.is_true())),
        ValueKind::Number => match i64::try_from(v.clone()) {
            Ok(i) if v.as_i64().is_some() => Some(Value::Int(i)),
            _ => f64::try_from(v).ok().map(Value::Number),
        },
        _ => Some(Value::Text(v.to_string())),
    }
}

fn format(c: &Column, v: &Value) -> UpCell {
    if let Some(x) = v.as_f64() {
        let x = x * c.scale;
        let x = match c.decimals {
            Some(d) => {
                let p = 10f64.powi(d as i32);
                (x * p).round() / p
            }
            None => x,
        };
        return UpCell::Number(x, c.decimals);
    }
    let date = v.as_date().or_else(|| {
        let s = to_jinja(v).to_string();
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
    });
    match (date, &c.date) {
        (Some(d), Some(f)) => UpCell::Text(d.format(f).to_string()),
        (Some(d), None) => UpCell::Text(d.format("%Y-%m-%d").to_string()),
        _ => UpCell::Text(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::report_up::Source;

    fn column(scale: f64, decimals: Option<u32>, date: Option<&str>) -> Column {
        Column {
            col: 0,
            source: Source::Blank,
            scale,
            decimals,
            date: date.map(str::to_string),
        }
    }

    #[test]
    fn the_row_number_lies_over_the_rows_values_for_fields_and_expressions() {
        let known: Vec<String> = ["seq", "annual_plan"].map(String::from).to_vec();
        let values = BTreeMap::from([
            ("seq".to_string(), Value::Int(99)),
            ("annual_plan".to_string(), Value::Number(5000.0)),
        ]);
        let row = Row {
            values: &values,
            seq: Value::Int(3),
        };
        let field = Column {
            source: Source::Field("seq".into()),
            ..column(1.0, None, None)
        };
        assert_eq!(cell(&field, &row, &known), Ok(UpCell::Number(3.0, None)));
        let e = crate::expr::Expr::compile("seq * 10 + annual_plan", Some(&known)).unwrap();
        let expr = Column {
            source: Source::Expr(e),
            ..column(1.0, None, None)
        };
        assert_eq!(cell(&expr, &row, &known), Ok(UpCell::Number(5030.0, None)));
    }

    #[test]
    fn numbers_scale_and_round_dates_take_the_format() {
        let c = column(0.0001, Some(2), None);
        assert_eq!(
            format(&c, &Value::Number(12_345.0)),
            UpCell::Number(1.23, Some(2))
        );
        let c = column(1.0, None, Some("%Y.%m.%d"));
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(
            format(&c, &Value::Date(d)),
            UpCell::Text("2026.03.05".into())
        );
        assert_eq!(
            format(&c, &Value::Text("2026-03-05".into())),
            UpCell::Text("2026.03.05".into())
        );
        assert_eq!(format(&c, &Value::Bool(true)), UpCell::Text("是".into()));
    }

    #[test]
    fn expression_results_become_values() {
        assert_eq!(from_jinja(minijinja::Value::from(())), None);
        assert_eq!(from_jinja(minijinja::Value::from(3)), Some(Value::Int(3)));
        assert_eq!(
            from_jinja(minijinja::Value::from(2.5)),
            Some(Value::Number(2.5))
        );
        assert_eq!(
            from_jinja(minijinja::Value::from("x")),
            Some(Value::Text("x".into()))
        );
    }
}
