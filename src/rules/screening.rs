//! Screening rules (`rules/screening.toml`): 两守、两防、四关 over project leads, with derived
//! values, thresholds per industry, and the outcome of each rule.

use super::screening_thresholds as thresholds;
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
            return Err(file
                .error_near(
                    &raw.screening.table,
                    format!("没有表格 {}", raw.screening.table),
                )
                .with_hint(super::condition::one_of(
                    &raw.screening.table,
                    tables.iter().map(|t| t.id.as_str()),
                )));
        };
        if let Some(share) = raw.screening.min_header_share
            && !(0.0..=100.0).contains(&share)
        {
            return Err(file
                .error_in_table(
                    "screening",
                    "min_header_share",
                    format!("min_header_share 为 {share}：应在 0 到 100（%）之间"),
                )
                .with_hint("写成 50 这样的百分数，不加 %；不按表头比例拒收时整行删去"));
        }
        let loaded = thresholds::load(file, &raw.threshold)?;
        thresholds::check_overrides(file, table, &raw.screening.industry_field, &loaded)?;
        let (thresholds, by_industry) = loaded;
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
        let mut used: Vec<String> = derived
            .iter()
            .map(|d| d.formula.vars())
            .chain(rules.iter().map(|r| r.fails_when.vars()))
            .flatten()
            .cloned()
            .collect();
        let env = crate::expr::environment();
        for r in &rules {
            if let Ok(t) = env.template_from_str(&r.reason) {
                used.extend(t.undeclared_variables(false));
            }
        }
        thresholds::check_used(file, &thresholds, &used)?;
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

/// The derived values, each compiled over `known` and then known to those after it.
fn load_derived(
    file: &RuleFile,
    raw: Vec<RawDerived>,
    known: &mut Vec<String>,
) -> Result<Vec<Derived>, RulesError> {
    let mut derived = Vec::new();
    for d in raw {
        let formula = super::deadline::compile_condition(&d.formula, known).map_err(|m| {
            m.clone()
                .hinted(file.error_near(&d.formula, format!("派生值 {}: {m}", d.id)))
        })?;
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
    let fails_when = super::deadline::compile_condition(&r.fails_when, known).map_err(|m| {
        m.clone()
            .hinted(file.error_near(&r.fails_when, format!("规则 {}: {m}", r.id)))
    })?;
    for n in &r.needs {
        if !table.fields.iter().any(|f| &f.id == n) {
            return Err(file
                .error_near(
                    &format!("\"{n}\""),
                    format!("规则 {} 的 needs 中 {n} 不是 {} 表的字段", r.id, table.id),
                )
                .with_hint(super::condition::one_of(
                    n,
                    table.fields.iter().map(|f| f.id.as_str()),
                )));
        }
    }
    let outcome = if r.outcome == labels.fail {
        Outcome::Fail
    } else if r.outcome == labels.verify {
        Outcome::Verify
    } else {
        return Err(file
            .error_near(
                &format!("\"{}\"", r.outcome),
                format!(
                    "规则 {} 的 outcome 应为“{}”或“{}”",
                    r.id, labels.fail, labels.verify
                ),
            )
            .with_hint("outcome 写 [outcome] 中 fail 或 verify 的文字，两处须一字不差"));
    };
    // A misspelt `{{ intensity_mn }}` would print as nothing in the lead's reason.
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    crate::expr::check_template_names(&r.reason, &names).map_err(|e| {
        file.error_near(&r.reason, format!("规则 {} 的 reason 模板有误：{e}", r.id))
            .with_hint("{{ }} 中写字段、派生值或阈值的名称，如 {{ total_invest | num }}")
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
