//! Screening rules (`rules/screening.toml`): 两守、两防、四关 over project leads, with derived
//! values, thresholds per industry, and the outcome of each rule.

use super::{RuleFile, RulesError, TableSchema};
use crate::expr::Expr;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    screening: Setup,
    outcome: OutcomeLabels,
    #[serde(default)]
    derived: Vec<RawDerived>,
    threshold: BTreeMap<String, toml::Value>,
    rule: Vec<RawRule>,
}

/// Which table holds the leads and which fields name and classify them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Setup {
    pub(crate) table: String,
    pub(crate) industry_field: String,
    pub(crate) name_field: String,
    /// A file given as the leads list whose header names less than this share (%) of the
    /// table's fields is refused as not being one; none: only a better-fitting table refuses it.
    #[serde(default)]
    pub(crate) min_header_share: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeLabels {
    pub(crate) pass: String,
    pub(crate) fail: String,
    pub(crate) verify: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    id: String,
    name: String,
    formula: String,
}

/// A value computed from a lead's fields.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) formula: Expr,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    group: String,
    name: String,
    #[serde(default)]
    industries: Vec<String>,
    #[serde(default)]
    needs: Vec<String>,
    fails_when: String,
    outcome: String,
    reason: String,
}

/// The outcome of a failed rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Outcome {
    Fail,
    Verify,
    Pass,
}

#[derive(Debug, Clone)]
pub(crate) struct ScreenRule {
    pub(crate) id: String,
    pub(crate) group: String,
    pub(crate) name: String,
    /// Empty: every industry.
    pub(crate) industries: Vec<String>,
    pub(crate) needs: Vec<String>,
    pub(crate) fails_when: Expr,
    pub(crate) outcome: Outcome,
    pub(crate) reason: String,
    pub(crate) at: String,
}

#[derive(Debug, Clone)]
pub struct Screening {
    pub(crate) setup: Setup,
    pub(crate) labels: OutcomeLabels,
    pub(crate) derived: Vec<Derived>,
    /// Default thresholds, then overrides per industry.
    pub(crate) thresholds: BTreeMap<String, f64>,
    pub(crate) by_industry: BTreeMap<String, BTreeMap<String, f64>>,
    pub(crate) rules: Vec<ScreenRule>,
    pub(crate) file: String,
}

impl Screening {
    pub(crate) fn label(&self, o: Outcome) -> &str {
        match o {
            Outcome::Pass => &self.labels.pass,
            Outcome::Fail => &self.labels.fail,
            Outcome::Verify => &self.labels.verify,
        }
    }

    pub(crate) fn load(file: &RuleFile, tables: &[TableSchema]) -> Result<Self, RulesError> {
        let raw: RawFile = file.parse()?;
        let Some(table) = tables.iter().find(|t| t.id == raw.screening.table) else {
            return Err(file.error_near(
                &raw.screening.table,
                format!("没有表格 {}", raw.screening.table),
            ));
        };
        let (thresholds, by_industry) = load_thresholds(file, &raw.threshold)?;
        check_overrides(file, table, &raw.screening, &thresholds, &by_industry)?;
        let mut known: Vec<String> = table.fields.iter().map(|f| f.id.clone()).collect();
        known.extend(
            table
                .fields
                .iter()
                .filter(|f| f.kind == super::FieldType::Date)
                .map(|f| format!("years_since_{}", f.id)),
        );
        let derived = load_derived(file, raw.derived, &mut known)?;
        known.extend(thresholds.keys().cloned());
        for m in by_industry.values() {
            known.extend(m.keys().cloned());
        }
        let rules = raw
            .rule
            .into_iter()
            .enumerate()
            .map(|(i, r)| load_rule(file, table, &raw.outcome, (i, r), &known))
            .collect::<Result<Vec<_>, _>>()?;
        let domains = super::domains::Domains::of_tables(std::slice::from_ref(table));
        let formulas = derived.iter().map(|d| &d.formula);
        for e in formulas.chain(rules.iter().map(|r| &r.fails_when)) {
            domains.check(file, e.src())?;
        }
        Ok(Screening {
            setup: raw.screening,
            labels: raw.outcome,
            derived,
            thresholds,
            by_industry,
            rules,
            file: file.display.clone(),
        })
    }
}

/// Thresholds for every industry, and those of each industry.
type Thresholds = (
    BTreeMap<String, f64>,
    BTreeMap<String, BTreeMap<String, f64>>,
);

/// The `[threshold]` table: a number applies to every industry, a table to one industry.
fn load_thresholds(
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
                    m.insert(
                        kk.clone(),
                        number(vv)
                            .ok_or_else(|| file.error_near(kk, format!("阈值 {kk} 应为数字")))?,
                    );
                }
                by_industry.insert(k.clone(), m);
            }
            other => {
                thresholds.insert(
                    k.clone(),
                    number(other).ok_or_else(|| {
                        file.error_near(k, format!("阈值 {k} 应为数字"))
                            .with_hint("如 intensity_min = 300")
                    })?,
                );
            }
        }
    }
    Ok((thresholds, by_industry))
}

/// Checks each `[threshold."<产业>"]`: an industry the industry field can hold, overriding
/// thresholds `[threshold]` has (anything else would be silently ignored).
fn check_overrides(
    file: &RuleFile,
    table: &TableSchema,
    setup: &Setup,
    thresholds: &BTreeMap<String, f64>,
    by_industry: &BTreeMap<String, BTreeMap<String, f64>>,
) -> Result<(), RulesError> {
    let industries = table
        .fields
        .iter()
        .find(|f| f.id == setup.industry_field && f.kind == super::FieldType::Enum);
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
                .with_hint(format!("此处可用的键: {}", general.join(", "))));
        }
    }
    Ok(())
}

/// The derived values, each compiled over `known` and then known to those after it.
fn load_derived(
    file: &RuleFile,
    raw: Vec<RawDerived>,
    known: &mut Vec<String>,
) -> Result<Vec<Derived>, RulesError> {
    let mut derived = Vec::new();
    for d in raw {
        let formula = super::deadline::compile_condition(&d.formula, known)
            .map_err(|m| file.error_near(&d.formula, format!("派生值 {}: {m}", d.id)))?;
        known.push(d.id.clone());
        derived.push(Derived {
            id: d.id,
            name: d.name,
            formula,
        });
    }
    Ok(derived)
}

/// One screening rule (the `index`-th `[[rule]]`): its condition over `known`, its needs among
/// `table`'s fields, its outcome by the rules' labels, its reason template and where it is.
fn load_rule(
    file: &RuleFile,
    table: &TableSchema,
    labels: &OutcomeLabels,
    (index, r): (usize, RawRule),
    known: &[String],
) -> Result<ScreenRule, RulesError> {
    let fails_when = super::deadline::compile_condition(&r.fails_when, known)
        .map_err(|m| file.error_near(&r.fails_when, format!("规则 {}: {m}", r.id)))?;
    for n in &r.needs {
        if !table.fields.iter().any(|f| &f.id == n) {
            return Err(file.error_near(
                &format!("\"{n}\""),
                format!("规则 {} 的 needs 中 {n} 不是 {} 表的字段", r.id, table.id),
            ));
        }
    }
    let outcome = if r.outcome == labels.fail {
        Outcome::Fail
    } else if r.outcome == labels.verify {
        Outcome::Verify
    } else {
        return Err(file.error_near(
            &format!("\"{}\"", r.outcome),
            format!(
                "规则 {} 的 outcome 应为“{}”或“{}”",
                r.id, labels.fail, labels.verify
            ),
        ));
    };
    let env = crate::expr::environment();
    env.template_from_str(&r.reason).map_err(|e| {
        file.error_near(
            &r.reason,
            format!("规则 {} 的 reason 模板有误。技术信息：{e}", r.id),
        )
    })?;
    // The rule's own `id` line, found by the parser: a `[[derived]]` value may share the id.
    let at = format!(
        "{}:{}",
        file.display,
        file.error_in_array("rule", index, "id", "").line
    );
    Ok(ScreenRule {
        id: r.id,
        group: r.group,
        name: r.name,
        industries: r.industries,
        needs: r.needs,
        fails_when,
        outcome,
        reason: r.reason,
        at,
    })
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}
