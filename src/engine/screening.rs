//! Pre-screening of project leads (预审): each lead against the 两守、两防、四关 rules of its
//! industry, with derived values, giving 通过 / 不通过 / 待核实 and every reason with its figures.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::expr::to_jinja;
use crate::ingest::{Dataset, Value};
use crate::rules::Rules;
use crate::rules::screening::{Outcome, ScreenRule};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// Why a rule did not pass.
#[derive(Debug, Clone, Serialize)]
pub struct RuleFinding {
    pub rule: String,
    pub group: String,
    pub name: String,
    pub outcome: Outcome,
    pub outcome_label: String,
    pub reason: String,
    /// `rules/screening.toml:LINE`.
    pub at: String,
}

/// The screening result of one lead.
#[derive(Debug, Clone, Serialize)]
pub struct LeadResult {
    pub name: String,
    pub industry: String,
    pub source: String,
    pub outcome: Outcome,
    pub outcome_label: String,
    pub findings: Vec<RuleFinding>,
    /// Derived values (name, value) as computed.
    pub derived: Vec<(String, Option<f64>)>,
    /// Data problems of the lead found on screening (a date after the screening date), at
    /// their cells; such a value counts as not given.
    #[serde(skip)]
    pub problems: Vec<Diagnostic>,
}

/// Full calendar years from `from` to `to` (an age).
fn full_years(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut y = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

/// Screens every lead of the table named in `rules/screening.toml` as of `as_of`.
pub fn screen(rules: &Rules, data: &Dataset, as_of: NaiveDate) -> Vec<LeadResult> {
    let s = &rules.screening;
    let table = rules.table(&s.setup.table);
    let label = |id: &str| {
        table
            .and_then(|t| t.field(id))
            .map(|f| f.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let fields: Vec<String> = table
        .map(|t| t.fields.iter().map(|f| f.id.clone()).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for lead in data.records(&s.setup.table) {
        let industry = lead.text(&s.setup.industry_field).unwrap_or("").to_string();
        let (void, problems) = dates_after(lead, as_of, &label);
        let mut ctx: BTreeMap<String, minijinja::Value> = BTreeMap::new();
        for f in &fields {
            ctx.insert(
                f.clone(),
                lead.get(f)
                    .filter(|_| !void.contains(f))
                    .map(to_jinja)
                    .unwrap_or(minijinja::Value::from(())),
            );
        }
        for (k, v) in lead.values.iter().filter(|(k, _)| !void.contains(*k)) {
            if let Value::Date(d) = v {
                ctx.insert(
                    format!("years_since_{k}"),
                    minijinja::Value::from(full_years(*d, as_of)),
                );
            }
        }
        let mut derived = Vec::new();
        // Derived values that could not be computed (an input empty, a divisor 0): id → name.
        let mut derived_ids: BTreeMap<String, Option<String>> = BTreeMap::new();
        for d in &s.derived {
            let v = d
                .formula
                .eval(minijinja::Value::from(ctx.clone()))
                .ok()
                .and_then(|v| f64::try_from(v).ok())
                .filter(|f| f.is_finite());
            ctx.insert(
                d.id.clone(),
                v.map(minijinja::Value::from)
                    .unwrap_or(minijinja::Value::from(())),
            );
            derived_ids.insert(d.id.clone(), v.is_none().then(|| d.name.clone()));
            derived.push((d.name.clone(), v));
        }
        let mut thresholds = s.thresholds.clone();
        if let Some(over) = s.by_industry.get(&industry) {
            thresholds.extend(over.iter().map(|(k, v)| (k.clone(), *v)));
        }
        for (k, v) in &thresholds {
            ctx.insert(k.clone(), minijinja::Value::from(*v));
        }
        let ctx_value = minijinja::Value::from(ctx);
        let mut findings = Vec::new();
        for rule in s
            .rules
            .iter()
            .filter(|r| r.industries.is_empty() || r.industries.contains(&industry))
        {
            if let Some(f) = judge(
                rule,
                (lead, &void),
                (&ctx_value, &derived_ids),
                &label,
                rules,
            ) {
                findings.push(f);
            }
        }
        let outcome = findings
            .iter()
            .map(|f| f.outcome)
            .min()
            .unwrap_or(Outcome::Pass);
        out.push(LeadResult {
            name: lead.text(&s.setup.name_field).unwrap_or("").to_string(),
            industry,
            source: lead.row_ref(),
            outcome,
            outcome_label: s.label(outcome).to_string(),
            findings,
            derived,
            problems,
        });
    }
    out
}

/// The date fields of `lead` after the screening date (an investor founded later): each a
/// data problem at its cell, its value counting as not given.
fn dates_after(
    lead: &crate::ingest::Record,
    as_of: NaiveDate,
    label: &dyn Fn(&str) -> String,
) -> (Vec<String>, Vec<Diagnostic>) {
    lead.values
        .iter()
        .filter_map(|(k, v)| match v {
            Value::Date(d) if *d > as_of => Some((k, *d)),
            _ => None,
        })
        .map(|(k, d)| {
            let name = label(k);
            let at = Location {
                file: lead.file.clone(),
                sheet: Some(lead.sheet.clone()),
                cell: lead.cells.get(k).cloned(),
            };
            let problem = Diagnostic::new(
                Code::OutOfRange,
                at,
                format!("“{name}” {d} 晚于预审日期 {as_of}，按未填写处理，相关规则待核实"),
            )
            .with_hint(format!("核对并填写实际的{name}"));
            (k.clone(), problem)
        })
        .unzip()
}

fn judge(
    rule: &ScreenRule,
    (lead, void): (&crate::ingest::Record, &[String]),
    (ctx, derived): (&minijinja::Value, &BTreeMap<String, Option<String>>),
    label: &dyn Fn(&str) -> String,
    rules: &Rules,
) -> Option<RuleFinding> {
    let s = &rules.screening;
    let finding = |outcome: Outcome, reason: String| RuleFinding {
        rule: rule.id.clone(),
        group: rule.group.clone(),
        name: rule.name.clone(),
        outcome,
        outcome_label: s.label(outcome).to_string(),
        reason,
        at: rule.at.clone(),
    };
    let missing: Vec<String> = rule
        .needs
        .iter()
        .filter(|n| lead.get(n).is_none() || void.contains(n))
        .map(|n| format!("“{}”", label(n)))
        .collect();
    if !missing.is_empty() {
        return Some(finding(
            Outcome::Verify,
            format!("缺少{}，无法判断{}", missing.join("、"), rule.name),
        ));
    }
    // A derived value the rule reads that could not be computed: 待核实, never a guess.
    let uncomputed: Vec<String> = rule
        .fails_when
        .vars()
        .iter()
        .filter_map(|n| derived.get(n).cloned().flatten())
        .map(|name| format!("“{name}”"))
        .collect();
    if !uncomputed.is_empty() {
        return Some(finding(
            Outcome::Verify,
            format!(
                "{}无法计算（所需数据为 0 或不合理），无法判断{}",
                uncomputed.join("、"),
                rule.name
            ),
        ));
    }
    let fails = rule.fails_when.eval(ctx.clone());
    match fails {
        Ok(v) if v.is_true() => {
            let reason = crate::expr::render(&rule.reason, ctx.clone())
                .unwrap_or_else(|e| format!("{}（说明模板有误。技术信息：{e}）", rule.name));
            Some(finding(rule.outcome, reason))
        }
        Ok(_) => None,
        Err(e) => Some(finding(
            Outcome::Verify,
            format!(
                "无法计算{}（{}），请核实数据",
                rule.name,
                e.detail().unwrap_or("数据不全")
            ),
        )),
    }
}
