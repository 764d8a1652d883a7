//! The default monthly scoring of domain.md computed by hand from a data set's `truth.json`:
//! independent of the engine and its rules (used by tests/assessment.rs and tests/browser.rs).

use super::{add_workdays, date as d, procedure_due};
use chrono::NaiveDate;
use serde_json::Value as J;
use std::collections::BTreeMap;

/// The default scoring table of domain.md, by hand: unit → score (2 decimals), with the earlier
/// months of the data set run before (in history).
pub fn hand_scores(truth: &J, month: &str) -> BTreeMap<String, f64> {
    scores(truth, month, 50.0, true)
}

/// `hand_scores` of a month run with no earlier month in history.
pub fn hand_scores_without_history(truth: &J, month: &str) -> BTreeMap<String, f64> {
    scores(truth, month, 50.0, false)
}

/// `hand_scores` with `invest` points for the investment part.
pub fn hand_scores_weighted(truth: &J, month: &str, invest_points: f64) -> BTreeMap<String, f64> {
    scores(truth, month, invest_points, true)
}

fn scores(truth: &J, month: &str, invest_points: f64, history: bool) -> BTreeMap<String, f64> {
    let as_of = d(&format!("{month}-25"));
    let mn: f64 = month[5..].parse().unwrap();
    let monthly: Vec<&J> = truth["monthly"].as_array().unwrap().iter().collect();
    let submitted = |unit: &str| -> Option<NaiveDate> {
        truth["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["month"] == month && s["unit"] == unit)
            .and_then(|s| s["submitted"].as_str())
            .map(d)
    };
    let mut by_unit: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for p in truth["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let unit = p["unit"].as_str().unwrap();
        let row = monthly
            .iter()
            .find(|m| m["month"] == month && m["project"] == id);
        // The last row reported before, for a project with none this month.
        let last = monthly
            .iter()
            .filter(|m| m["project"] == id && m["month"].as_str().unwrap() < month)
            .max_by_key(|m| m["month"].as_str().unwrap().to_string());
        let used = row.or(last);
        let cum = used.map(|r| r["cum"].as_f64().unwrap()).unwrap_or(0.0);
        let annual = p["annual"].as_f64().unwrap();
        let invest = invest_points * ((cum / annual) / (mn / 12.0)).min(1.0);
        let due = match p["kind"].as_str().unwrap() {
            "重大招商项目" => add_workdays(d(p["sign"].as_str().unwrap()), 90),
            _ => add_workdays(d(p["land"].as_str().unwrap()), 50),
        };
        // A row that says started without a (readable) date keeps the date reported earlier.
        let earlier_start = monthly
            .iter()
            .filter(|m| {
                m["project"] == id && m["month"].as_str().unwrap() < month && m["start"].is_string()
            })
            .max_by_key(|m| m["month"].as_str().unwrap().to_string())
            .and_then(|m| m["start"].as_str());
        let start = match row {
            Some(r) if r["start"].is_null() && r["started"].as_bool() == Some(true) => {
                earlier_start.filter(|_| history)
            }
            _ => used.and_then(|r| r["start"].as_str()),
        }
        .map(d);
        let start_pts = match start {
            Some(s) if s <= due => 20.0,
            Some(_) => 10.0,
            None if as_of > due => 0.0,
            None => 20.0,
        };
        let done = used.map(|r| r["done"].as_bool().unwrap()).unwrap_or(false);
        let completion = if done || as_of <= d(p["planned_done"].as_str().unwrap()) {
            10.0
        } else {
            0.0
        };
        let procs = p["procs"].as_array().unwrap();
        let ok = procs
            .iter()
            .filter(|q| {
                let due = procedure_due(q);
                match q["finished"].as_str().map(d).filter(|f| *f <= as_of) {
                    Some(f) => f <= due,
                    None => as_of <= due,
                }
            })
            .count();
        let procedures = if procs.is_empty() {
            10.0
        } else {
            10.0 * ok as f64 / procs.len() as f64
        };
        let reporting = match (row, submitted(unit)) {
            (Some(_), Some(s)) if s <= d(&format!("{month}-22")) => 10.0,
            (Some(_), Some(_)) => 5.0,
            _ => 0.0,
        };
        by_unit
            .entry(unit.to_string())
            .or_default()
            .push(invest + start_pts + completion + procedures + reporting);
    }
    by_unit
        .into_iter()
        .map(|(u, v)| {
            (
                u,
                ((v.iter().sum::<f64>() / v.len() as f64) * 100.0).round() / 100.0,
            )
        })
        .collect()
}
