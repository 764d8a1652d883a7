//! Conditions and formulas of rules: minijinja expressions evaluated over a row's fields.

use crate::ingest::Value;
use std::collections::BTreeMap;

/// A field value as a minijinja value: dates as `YYYY-MM-DD` strings (which compare in order).
pub fn to_jinja(v: &Value) -> minijinja::Value {
    match v {
        Value::Text(s) => minijinja::Value::from(s.as_str()),
        Value::Int(i) => minijinja::Value::from(*i),
        Value::Number(n) => minijinja::Value::from(*n),
        Value::Date(d) => minijinja::Value::from(d.format("%Y-%m-%d").to_string()),
        Value::Bool(b) => minijinja::Value::from(*b),
    }
}

/// Evaluates `src` as a condition over `values`; every name in `known` is defined (none when
/// the row has no value for it).
pub fn holds(
    src: &str,
    values: &BTreeMap<String, Value>,
    known: &[String],
) -> Result<bool, String> {
    let env = minijinja::Environment::new();
    let expr = env.compile_expression(src).map_err(|e| e.to_string())?;
    let ctx: BTreeMap<&str, minijinja::Value> = known
        .iter()
        .map(|k| {
            (
                k.as_str(),
                values
                    .get(k)
                    .map(to_jinja)
                    .unwrap_or(minijinja::Value::from(())),
            )
        })
        .collect();
    expr.eval(minijinja::Value::from(ctx))
        .map(|v| v.is_true())
        .map_err(|e| e.to_string())
}

/// An environment for rule expressions and text templates, with the `num` filter (a number
/// rounded to two decimals, without trailing zeros).
pub fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.add_filter("num", |v: f64| {
        crate::ingest::value::format_number((v * 100.0).round() / 100.0)
    });
    env
}
