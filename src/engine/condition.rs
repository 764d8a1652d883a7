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

/// Steps one evaluation of a rule expression or template may take (minijinja fuel). A safety
/// bound of the engine, like a stack size, not a county rule: rules that need more are broken.
pub const FUEL: u64 = 1_000_000;
/// Longest rule expression accepted at load, in characters.
pub const MAX_EXPR_CHARS: usize = 4_000;
/// Deepest nesting of brackets accepted at load.
pub const MAX_NESTING: usize = 32;

/// An environment whose evaluations cannot run away: fuel, and a low recursion limit.
pub fn bounded_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(MAX_NESTING * 2);
    env
}

/// Refuses an expression too long or too deeply nested to be a rule (before it is parsed, so a
/// 100,000-term formula cannot overflow the stack).
pub fn check_size(src: &str) -> Result<(), String> {
    let n = src.chars().count();
    if n > MAX_EXPR_CHARS {
        return Err(format!("表达式过长（{n} 字，上限 {MAX_EXPR_CHARS} 字）"));
    }
    let mut depth: usize = 0;
    let mut deepest = 0;
    for c in src.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "表达式嵌套过深（{deepest} 层，上限 {MAX_NESTING} 层）"
        ));
    }
    let terms = src.matches(['+', '-', '*', '/', '%', '~']).count()
        + src.matches(" and ").count()
        + src.matches(" or ").count();
    if terms > MAX_EXPR_CHARS / 8 {
        return Err(format!("表达式的运算过多（{terms} 个）"));
    }
    Ok(())
}

/// Evaluates `src` as a condition over `values`; every name in `known` is defined (none when
/// the row has no value for it).
pub fn holds(
    src: &str,
    values: &BTreeMap<String, Value>,
    known: &[String],
) -> Result<bool, String> {
    let env = bounded_env();
    check_size(src)?;
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
    let mut env = bounded_env();
    env.add_filter("num", |v: f64| {
        crate::ingest::value::format_number((v * 100.0).round() / 100.0)
    });
    env
}
