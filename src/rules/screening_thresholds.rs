//! The `[threshold]` tables of `rules/screening.toml`: numbers named by the rules' conditions,
//! for every industry or overridden for one (`[threshold."二产"]`). Each is checked at load: a
//! number, not negative (amounts, shares and figures per 亩 are never below 0), and read by
//! some rule (a misspelt or stray name would otherwise change nothing without a word).

use super::{RuleFile, RulesError, TableSchema};
use std::collections::BTreeMap;

/// Thresholds for every industry, and those of each industry.
pub(super) type Thresholds = (
    BTreeMap<String, f64>,
    BTreeMap<String, BTreeMap<String, f64>>,
);

/// The `[threshold]` table: a number applies to every industry, a table to one industry.
pub(super) fn load(
    file: &RuleFile,
    raw: &BTreeMap<String, toml::Value>,
) -> Result<Thresholds, RulesError> {
    let mut thresholds = BTreeMap::new();
    let mut by_industry = BTreeMap::new();
    for (k, v) in raw {
        match v {
            toml::Value::Table(t) => {
                let mut m = BTreeMap::new();
                for (kk, vv) in t {
                    m.insert(kk.clone(), number(file, &["threshold", k], kk, vv)?);
                }
                by_industry.insert(k.clone(), m);
            }
            other => {
                thresholds.insert(k.clone(), number(file, &["threshold"], k, other)?);
            }
        }
    }
    Ok((thresholds, by_industry))
}

/// The threshold `key` of the table at `path`: a finite number, 0 or more.
fn number(file: &RuleFile, path: &[&str], key: &str, v: &toml::Value) -> Result<f64, RulesError> {
    let n = match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        _ => {
            return Err(file
                .error_at_value(path, key, format!("阈值 {key} 应为数字"))
                .with_hint("写成 intensity_min = 300 这样的半角数字，不加引号和单位"));
        }
    };
    if !n.is_finite() {
        return Err(file
            .error_at_value(path, key, format!("阈值 {key} 不是一个数（{v}）"))
            .with_hint("写成 intensity_min = 300 这样的半角数字"));
    }
    if n < 0.0 {
        return Err(file
            .error_at_value(
                path,
                key,
                format!("阈值 {key} 为负数 {v}：金额、比例、亩均数等阈值不能小于 0"),
            )
            .with_hint("去掉负号，写 0 或正数（单位见此行 # 后的说明）"));
    }
    Ok(n)
}

/// Checks each `[threshold."<产业>"]`: an industry the industry field can hold, overriding
/// thresholds `[threshold]` has (anything else would be silently ignored).
pub(super) fn check_overrides(
    file: &RuleFile,
    table: &TableSchema,
    industry_field: &str,
    (thresholds, by_industry): &Thresholds,
) -> Result<(), RulesError> {
    let industries = table
        .fields
        .iter()
        .find(|f| f.id == industry_field && f.kind == super::FieldType::Enum);
    let general: Vec<&str> = thresholds.keys().map(String::as_str).collect();
    for (industry, overrides) in by_industry {
        if let Some(field) = industries
            && !field.values.contains(industry)
        {
            let synonym = field.synonyms.get(&crate::text::key(industry));
            let canonical =
                synonym.and_then(|v| field.values.iter().find(|x| &crate::text::key(x) == v));
            let hint = match canonical {
                Some(v) => format!("“{industry}”读入后为“{v}”，写成 [threshold.\"{v}\"]"),
                None => format!("写成 {} 中字段 {} 的 values 之一", table.file, field.id),
            };
            return Err(file
                .error_near(
                    &format!("\"{industry}\""),
                    format!(
                        "没有产业“{industry}”，这些阈值不会用于任何项目（可选: {}）",
                        field.values.join("、")
                    ),
                )
                .with_hint(hint));
        }
        if let Some(key) = overrides.keys().find(|k| !thresholds.contains_key(*k)) {
            let message = format!(
                "[threshold.\"{industry}\"] 中的 {key} 不是 [threshold] 中的阈值，不会起作用"
            );
            return Err(file
                .error_at_key(&["threshold", industry], key, message)
                .with_hint(available(key, &general)));
        }
    }
    Ok(())
}

/// Refuses a threshold of `[threshold]` that no rule reads (`used`: the names the conditions,
/// derived values and reasons read): a misspelt name, or one meant for a rule not written.
pub(super) fn check_used(
    file: &RuleFile,
    thresholds: &BTreeMap<String, f64>,
    used: &[String],
) -> Result<(), RulesError> {
    let read: Vec<&str> = thresholds
        .keys()
        .map(String::as_str)
        .filter(|k| used.iter().any(|u| u == k))
        .collect();
    let Some(key) = thresholds.keys().find(|k| !used.contains(k)) else {
        return Ok(());
    };
    Err(file
        .error_at_key(
            &["threshold"],
            key,
            format!(
                "未知的阈值 {key}：没有哪条规则的 fails_when、reason 或派生值用到它，写了不会起作用"
            ),
        )
        .with_hint(format!(
            "{}；新设的阈值须同时写进某条 [[rule]] 的 fails_when，不用的整行删去",
            available(key, &read)
        )))
}

/// The hint for a key not among `keys`: the closest one when it is close, and all of them.
fn available(key: &str, keys: &[&str]) -> String {
    let closest = keys
        .iter()
        .map(|k| (strsim::normalized_levenshtein(key, k), *k))
        .filter(|(s, _)| *s >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let all = format!("此处可用的键: {}", keys.join(", "));
    match closest {
        Some((_, k)) => format!("是否想写 {k}？{all}"),
        None => all,
    }
}
