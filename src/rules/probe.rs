//! Trying rule formulas before any input is read: each score formula is evaluated on synthetic
//! projects (every number 1, then every number 0), so that a division by zero, a result that is
//! not a number, or a formula that runs out of fuel is a rules error at `file:line:col` — from
//! `rules check` and before a run — not a month scored 0.

use super::{FieldType, RuleFile, RulesError, Scoring, TableSchema};
use minijinja::Value as V;
use std::collections::BTreeMap;

/// The synthetic project: every known field with a plausible value of its type.
fn synthetic(tables: &[TableSchema], number: f64) -> BTreeMap<String, V> {
    let mut ctx = BTreeMap::new();
    for t in tables {
        for f in &t.fields {
            let v = match f.kind {
                FieldType::Amount | FieldType::Number => V::from(number),
                FieldType::Integer => V::from(number as i64),
                FieldType::Date => V::from("2026-06-15"),
                FieldType::Bool => V::from(number != 0.0),
                FieldType::Text => V::from("示例"),
                FieldType::Enum => V::from(f.values.first().cloned().unwrap_or_default()),
            };
            ctx.entry(f.id.clone()).or_insert(v);
        }
    }
    let derived: [(&str, V); 8] = [
        ("month", V::from(6)),
        ("as_of", V::from("2026-06-25")),
        ("start_status", V::from("met")),
        ("report_status", V::from("met")),
        ("reported", V::from(true)),
        ("procedures_total", V::from(number as i64)),
        ("procedures_ok", V::from(number as i64)),
        ("procedures_ok_share", V::from(number)),
    ];
    for (k, v) in derived {
        ctx.insert(k.to_string(), v);
    }
    ctx
}

/// Evaluates every score formula on the synthetic projects; a part with `on_error` says how it
/// is scored when it fails, so it is not probed.
pub(crate) fn scoring_formulas(
    file: &RuleFile,
    scoring: &Scoring,
    tables: &[TableSchema],
) -> Result<(), RulesError> {
    for (label, number) in [("数值均为 1", 1.0), ("数值均为 0", 0.0)] {
        let mut ctx = synthetic(tables, number);
        for part in scoring.parts.iter().filter(|p| p.on_error.is_none()) {
            ctx.insert("points".into(), V::from(part.points));
            if let Err(why) = try_eval(&part.formula, &ctx) {
                return Err(file
                    .error_near(
                        part.formula.src(),
                        format!("评分项 {} 的公式在示例项目（{label}）上无法计算：{why}", part.id),
                    )
                    .with_hint(
                        "用 if 排除除数为 0 等情况（如 x / y if y else 0），或为此评分项写 on_error = 0 说明无法计算时的得分",
                    ));
            }
        }
    }
    Ok(())
}

fn try_eval(expr: &crate::expr::Expr, ctx: &BTreeMap<String, V>) -> Result<(), String> {
    let v = expr
        .eval(V::from(ctx.clone()))
        .map_err(crate::diagnostic::tech_info)?;
    if v.is_none() || v.is_undefined() {
        return Ok(());
    }
    match f64::try_from(v) {
        Ok(n) if n.is_finite() => Ok(()),
        Ok(n) => Err(format!("结果不是有限的数（{n}）")),
        Err(e) => Err(format!("结果不是数。{}", crate::diagnostic::tech_info(e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_by_zero_and_runaway_formulas_are_caught() {
        let rules = crate::rules::Rules::load(None).unwrap();
        let ctx = synthetic(&rules.tables, 0.0);
        let expr = |src: &str| crate::expr::Expr::compile(src, None).unwrap();
        assert!(try_eval(&expr("points * cum_invest / annual_plan"), &ctx).is_err());
        assert!(try_eval(&expr("points"), &ctx).is_ok());
        let sort = "range(100000) | list | sort | length";
        let slow = format!("{sort} + {sort} + {sort} + {sort} + {sort}");
        assert!(try_eval(&expr(&slow), &ctx).is_err(), "fuel stops it");
        let long = vec!["1"; 100_000].join(" + ");
        assert!(crate::expr::check_size(&long).is_err());
        let deep = format!("{}1{}", "(".repeat(1000), ")".repeat(1000));
        assert!(crate::expr::check_size(&deep).is_err());
    }
}
