//! The monthly assessment: project scores from the formulas of `rules/scoring.toml`, unit scores,
//! ranking with shared ranks, the bottom-N rule, streaks and penalties. Pure: rules, records,
//! a history snapshot and the as-of date in; an `Assessment` out.

use super::Month;
use super::condition::to_jinja;
use super::deadlines::{DeadlineRow, RuleProblem, Status, evaluate_deadlines};
use super::project::project_views;
use crate::diagnostic::Diagnostic;
use crate::ingest::{Dataset, FileSummary, Value};
use crate::rules::{Aggregate, Rules, Trigger};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A unit's result in an earlier month.
#[derive(Debug, Clone, Serialize)]
pub struct UnitHistory {
    pub unit: String,
    pub score: f64,
    pub rank: u32,
    pub bottom: bool,
    pub streak: u32,
    pub penalties: Vec<String>,
}

/// The last figures a project reported before this month.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LastFigures {
    pub month: String,
    pub cum_invest: Option<f64>,
    pub started: Option<bool>,
    pub actual_start: Option<String>,
    pub completed: Option<bool>,
    pub completed_date: Option<String>,
}

/// What the engine needs from history.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub previous_month: Option<Month>,
    pub previous: BTreeMap<String, UnitHistory>,
    pub last_figures: BTreeMap<String, LastFigures>,
    /// 督办 notices per unit: (month, number).
    pub notices: BTreeMap<String, Vec<(Month, String)>>,
}

/// One input of a score, with where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    pub name: String,
    pub value: String,
    pub source: String,
}

/// One part of a project's score.
#[derive(Debug, Clone, Serialize)]
pub struct PartScore {
    pub id: String,
    pub name: String,
    pub points: f64,
    pub score: f64,
    pub formula: String,
    /// `rules/scoring.toml:LINE`.
    pub rule: String,
}

/// A project's figures as used this month (reported or carried).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    pub cum_invest: Option<f64>,
    pub started: Option<bool>,
    pub actual_start: Option<String>,
    pub completed: Option<bool>,
    pub completed_date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectScore {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub annual_plan: Option<f64>,
    pub figures: Figures,
    pub reported: bool,
    /// The month whose figures were carried over when this month's row is missing.
    pub carried_from: Option<String>,
    pub start_status: String,
    pub report_status: String,
    pub procedures_total: usize,
    pub procedures_ok: usize,
    pub parts: Vec<PartScore>,
    pub total: f64,
    pub inputs: Vec<Input>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitScore {
    pub unit: String,
    pub projects: usize,
    pub score: f64,
    pub rank: u32,
    pub previous_rank: Option<u32>,
    /// Places gained since last month (positive = up).
    pub change: Option<i64>,
    pub bottom: bool,
    pub streak: u32,
    pub penalty_ids: Vec<String>,
    pub penalties: Vec<String>,
    /// Why each penalty applies: months and ranks, notice numbers.
    pub evidence: Vec<String>,
}

/// A month's full result: what every output renders.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub month: Month,
    pub as_of: NaiveDate,
    pub rules_hash: String,
    pub previous_month: Option<Month>,
    pub projects: Vec<ProjectScore>,
    pub units: Vec<UnitScore>,
    pub deadlines: Vec<DeadlineRow>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<FileSummary>,
    pub rule_problems: Vec<RuleProblem>,
    pub missing_years: Vec<i32>,
    /// 督查 notices, one per recipient, numbered from history before output.
    pub notices: Vec<super::notices::Notice>,
    pub escalations: Vec<super::notices::EscalationList>,
}

fn round(x: f64, precision: u32) -> f64 {
    let f = 10f64.powi(precision as i32);
    (x * f).round() / f
}

/// Carried fields for projects without a row this month.
pub fn carried_values(
    data: &Dataset,
    snapshot: &Snapshot,
) -> BTreeMap<String, BTreeMap<String, Value>> {
    let reported: Vec<&str> = data
        .records("monthly")
        .iter()
        .filter_map(|r| r.project.as_deref())
        .collect();
    let mut out = BTreeMap::new();
    for l in data.records("ledger") {
        let Some(id) = l.project.as_deref() else {
            continue;
        };
        if reported.contains(&id) {
            continue;
        }
        let mut v = BTreeMap::new();
        let last = snapshot.last_figures.get(id);
        v.insert(
            "cum_invest".to_string(),
            Value::Number(last.and_then(|f| f.cum_invest).unwrap_or(0.0)),
        );
        if let Some(f) = last {
            if let Some(b) = f.started {
                v.insert("started".into(), Value::Bool(b));
            }
            if let Some(d) = f
                .actual_start
                .as_deref()
                .and_then(crate::ingest::value::parse_date_text)
            {
                v.insert("actual_start".into(), Value::Date(d));
            }
            if let Some(b) = f.completed {
                v.insert("completed".into(), Value::Bool(b));
            }
            if let Some(d) = f
                .completed_date
                .as_deref()
                .and_then(crate::ingest::value::parse_date_text)
            {
                v.insert("completed_date".into(), Value::Date(d));
            }
        }
        out.insert(id.to_string(), v);
    }
    out
}

/// Runs the assessment of `month` as of `as_of`.
pub fn assess(
    rules: &Rules,
    data: &Dataset,
    snapshot: &Snapshot,
    month: Month,
    as_of: NaiveDate,
) -> Assessment {
    let carried = carried_values(data, snapshot);
    let (deadlines, mut rule_problems) = evaluate_deadlines(rules, data, month, as_of, &carried);
    let scoring = &rules.scoring;
    let env = crate::engine::condition::bounded_env();
    let formulas: Vec<_> = scoring
        .parts
        .iter()
        .map(|p| env.compile_expression(&p.formula))
        .collect();
    let entity = &scoring.score.entity;
    let mut projects = Vec::new();
    for view in project_views(data, &carried) {
        let unit = view.text(entity).unwrap_or("").to_string();
        let start = deadlines.iter().find(|d| {
            scoring.score.start_deadlines.contains(&d.rule)
                && d.project.as_deref() == Some(view.id.as_str())
        });
        let start_status = start.map(|d| d.status.key()).unwrap_or("no_date");
        let report = deadlines.iter().find(|d| {
            d.rule == scoring.score.report_deadline && d.recipient.as_deref() == Some(unit.as_str())
        });
        let reported = view.monthly.is_some();
        let report_status = if reported {
            report.map(|d| d.status.key()).unwrap_or("met")
        } else {
            "overdue"
        };
        let procs: Vec<&DeadlineRow> = deadlines
            .iter()
            .filter(|d| {
                d.rule == scoring.score.procedure_deadline
                    && d.project.as_deref() == Some(view.id.as_str())
            })
            .collect();
        let ok = procs
            .iter()
            .filter(|d| matches!(d.status, Status::Met | Status::Pending | Status::DueSoon))
            .count();
        let share = if procs.is_empty() {
            1.0
        } else {
            ok as f64 / procs.len() as f64
        };
        let mut ctx: BTreeMap<String, minijinja::Value> = BTreeMap::new();
        for f in crate::rules::deadline::known_fields(
            crate::rules::Subject::Project,
            None,
            &rules.tables,
        ) {
            ctx.insert(
                f.clone(),
                view.values
                    .get(&f)
                    .map(to_jinja)
                    .unwrap_or(minijinja::Value::from(())),
            );
        }
        ctx.insert("month".into(), minijinja::Value::from(month.month));
        ctx.insert(
            "as_of".into(),
            minijinja::Value::from(as_of.format("%Y-%m-%d").to_string()),
        );
        ctx.insert("start_status".into(), minijinja::Value::from(start_status));
        ctx.insert(
            "report_status".into(),
            minijinja::Value::from(report_status),
        );
        ctx.insert("reported".into(), minijinja::Value::from(reported));
        ctx.insert(
            "procedures_total".into(),
            minijinja::Value::from(procs.len()),
        );
        ctx.insert("procedures_ok".into(), minijinja::Value::from(ok));
        ctx.insert("procedures_ok_share".into(), minijinja::Value::from(share));
        let mut parts = Vec::new();
        for (part, compiled) in scoring.parts.iter().zip(&formulas) {
            ctx.insert("points".into(), minijinja::Value::from(part.points));
            let result = match compiled {
                Ok(expr) => expr
                    .eval(minijinja::Value::from(ctx.clone()))
                    .map_err(|e| e.to_string())
                    .and_then(|v| {
                        if v.is_none() || v.is_undefined() {
                            Ok(0.0)
                        } else {
                            f64::try_from(v).map_err(|e| e.to_string())
                        }
                    }),
                Err(e) => Err(e.to_string()),
            };
            let score = match result {
                Ok(s) if s.is_finite() => s,
                Ok(s) => {
                    rule_problems.push(RuleProblem {
                        rule_file: part.at.clone(),
                        rule: part.id.clone(),
                        subject: view.id.clone(),
                        message: format!("结果不是有限数 {s}"),
                    });
                    part.on_error.unwrap_or(0.0)
                }
                Err(e) => {
                    rule_problems.push(RuleProblem {
                        rule_file: part.at.clone(),
                        rule: part.id.clone(),
                        subject: view.id.clone(),
                        message: e,
                    });
                    part.on_error.unwrap_or(0.0)
                }
            };
            parts.push(PartScore {
                id: part.id.clone(),
                name: part.name.clone(),
                points: part.points,
                score: round(score, 4),
                formula: part.formula.clone(),
                rule: part.at.clone(),
            });
        }
        let total = round(parts.iter().map(|p| p.score).sum(), 4);
        let date_text = |f: &str| {
            view.values
                .get(f)
                .and_then(Value::as_date)
                .map(|d| d.format("%Y-%m-%d").to_string())
        };
        let figures = Figures {
            cum_invest: view.values.get("cum_invest").and_then(Value::as_f64),
            started: view.values.get("started").and_then(Value::as_bool),
            actual_start: date_text("actual_start"),
            completed: view.values.get("completed").and_then(Value::as_bool),
            completed_date: date_text("completed_date"),
        };
        let carried_from = (!reported)
            .then(|| snapshot.last_figures.get(&view.id).map(|f| f.month.clone()))
            .flatten();
        let mut notes = Vec::new();
        if !reported {
            notes.push(match &carried_from {
                Some(m) => {
                    format!("本月未报送，累计完成投资沿用{m}报送的数据，报送情况按未报送计分")
                }
                None => "本月未报送且此前无报送记录，累计完成投资按 0 计，报送情况按未报送计分"
                    .to_string(),
            });
        }
        let mut inputs = Vec::new();
        for field in [
            "annual_plan",
            "cum_invest",
            "sign_date",
            "land_delisting_date",
            "actual_start",
            "planned_completion",
            "completed",
        ] {
            if let Some(v) = view.values.get(field) {
                let source = if !reported && !view.ledger.values.contains_key(field) {
                    carried_from
                        .as_ref()
                        .map(|m| format!("历史记录（{m}）"))
                        .unwrap_or_else(|| "默认值".into())
                } else {
                    view.cell_ref(field)
                };
                inputs.push(Input {
                    name: field.to_string(),
                    value: v.to_string(),
                    source,
                });
            }
        }
        if let Some(d) = start {
            inputs.push(Input {
                name: "start_status".into(),
                value: format!(
                    "{}（到期日 {}）",
                    d.status_label,
                    d.due.map(|x| x.to_string()).unwrap_or_default()
                ),
                source: format!(
                    "{}（{}）",
                    d.rule,
                    rules
                        .deadlines
                        .rules
                        .iter()
                        .find(|r| r.id == d.rule)
                        .map(|r| r.file.as_str())
                        .unwrap_or("")
                ),
            });
        }
        inputs.push(Input {
            name: "report_status".into(),
            value: report.map(|d| d.status_label.clone()).unwrap_or_default(),
            source: report
                .and_then(|d| d.item.clone())
                .unwrap_or_else(|| "未报送".into()),
        });
        inputs.push(Input {
            name: "procedures".into(),
            value: format!("{ok}/{}", procs.len()),
            source: "前期手续办理清单".into(),
        });
        projects.push(ProjectScore {
            id: view.id.clone(),
            name: view.text("project_name").unwrap_or("").to_string(),
            unit,
            annual_plan: view.values.get("annual_plan").and_then(Value::as_f64),
            figures,
            reported,
            carried_from,
            start_status: start.map(|d| d.status_label.clone()).unwrap_or_default(),
            report_status: report.map(|d| d.status_label.clone()).unwrap_or_default(),
            procedures_total: procs.len(),
            procedures_ok: ok,
            parts,
            total,
            inputs,
            notes,
        });
    }
    let supervised = super::notices::supervised_by_deadlines(rules, &deadlines);
    let units = rank_units(rules, &projects, snapshot, month, &supervised);
    let mut unit_order: Vec<String> = Vec::new();
    for p in &projects {
        if !unit_order.contains(&p.unit) {
            unit_order.push(p.unit.clone());
        }
    }
    let facts: Vec<super::notices::UnitFacts> = unit_order
        .iter()
        .filter_map(|name| units.iter().find(|u| &u.unit == name))
        .map(|u| super::notices::UnitFacts {
            unit: &u.unit,
            bottom: u.bottom,
            score: u.score,
            rank: u.rank,
            streak: u.streak,
            penalty_ids: &u.penalty_ids,
        })
        .collect();
    let evidence: BTreeMap<String, Vec<String>> = units
        .iter()
        .map(|u| (u.unit.clone(), u.evidence.clone()))
        .collect();
    let input = super::notices::DraftInput {
        month,
        as_of,
        deadlines: &deadlines,
        units: &facts,
        evidence: &evidence,
        unit_order: &unit_order,
    };
    let (notices, escalations) = super::notices::draft(rules, &input);
    let mut missing_years: Vec<i32> = deadlines
        .iter()
        .flat_map(|d| d.missing_years.iter().copied())
        .collect();
    missing_years.sort();
    missing_years.dedup();
    Assessment {
        month,
        as_of,
        rules_hash: rules.source.fingerprint(),
        previous_month: snapshot.previous_month,
        projects,
        units,
        deadlines,
        diagnostics: data.diagnostics.clone(),
        files: data.files.clone(),
        rule_problems,
        missing_years,
        notices,
        escalations,
    }
}

/// Shared ranks (1, 2, 2, 4) by score, highest first.
pub fn shared_ranks(scores: &[f64]) -> Vec<u32> {
    scores
        .iter()
        .map(|s| 1 + scores.iter().filter(|t| *t > s).count() as u32)
        .collect()
}

/// Whether a rank falls among the last `n` places of `count`, ties at the boundary included.
pub fn in_bottom(rank: u32, ranks: &[u32], n: u32) -> bool {
    let count = ranks.len() as u32;
    let tied = ranks.iter().filter(|r| **r == rank).count() as u32;
    let last_place = rank + tied - 1;
    last_place + n > count
}

fn rank_units(
    rules: &Rules,
    projects: &[ProjectScore],
    snapshot: &Snapshot,
    month: Month,
    supervised: &[String],
) -> Vec<UnitScore> {
    let score_rules = &rules.scoring.score;
    let mut order: Vec<String> = Vec::new();
    for p in projects {
        if !order.contains(&p.unit) && !p.unit.is_empty() {
            order.push(p.unit.clone());
        }
    }
    let scores: Vec<f64> = order
        .iter()
        .map(|u| {
            let totals: Vec<f64> = projects
                .iter()
                .filter(|p| &p.unit == u)
                .map(|p| p.total)
                .collect();
            let s = match score_rules.aggregate {
                Aggregate::Mean => totals.iter().sum::<f64>() / totals.len() as f64,
                Aggregate::Sum => totals.iter().sum(),
                Aggregate::Min => totals.iter().copied().fold(f64::INFINITY, f64::min),
            };
            round(s, score_rules.precision)
        })
        .collect();
    let ranks = shared_ranks(&scores);
    let mut units = Vec::new();
    for (i, unit) in order.iter().enumerate() {
        let bottom = in_bottom(ranks[i], &ranks, score_rules.bottom_n);
        let prev = snapshot.previous.get(unit);
        let mut streak = 0;
        let mut penalty_ids = Vec::new();
        let mut penalties = Vec::new();
        let mut evidence = Vec::new();
        let streak_rule = rules
            .scoring
            .penalties
            .iter()
            .find(|p| matches!(p.trigger, Trigger::Streak { .. }));
        if bottom {
            let base = match (prev, streak_rule) {
                (Some(p), Some(rule))
                    if matches!(
                        rule.trigger,
                        Trigger::Streak {
                            restart_after: true,
                            ..
                        }
                    ) && p.penalties.contains(&rule.id) =>
                {
                    0
                }
                (Some(p), _) if p.bottom => p.streak,
                _ => 0,
            };
            streak = base + 1;
        }
        for pen in &rules.scoring.penalties {
            match &pen.trigger {
                Trigger::Streak { length, .. } => {
                    if bottom && streak >= *length {
                        penalty_ids.push(pen.id.clone());
                        penalties.push(pen.name.clone());
                        let mut e = format!(
                            "{}: 连续 {streak} 个月排名后{}位",
                            pen.name, score_rules.bottom_n
                        );
                        if let (Some(p), Some(pm)) = (prev, snapshot.previous_month) {
                            e.push_str(&format!(
                                "（{pm} 第 {} 名，{month} 第 {} 名）",
                                p.rank, ranks[i]
                            ));
                        }
                        evidence.push(e);
                    }
                }
                Trigger::Supervision {
                    notices,
                    months,
                    condition,
                } => {
                    let first = (0..months.saturating_sub(1)).fold(month, |m, _| m.previous());
                    // Notices of earlier months in the window, and this month's.
                    let recent: Vec<&(Month, String)> = snapshot
                        .notices
                        .get(unit)
                        .map(|v| {
                            v.iter()
                                .filter(|(m, _)| *m >= first && *m < month)
                                .collect()
                        })
                        .unwrap_or_default();
                    let facts = super::notices::UnitFacts {
                        unit,
                        bottom,
                        score: scores[i],
                        rank: ranks[i],
                        streak,
                        penalty_ids: &[],
                    };
                    let now = supervised.contains(unit)
                        || super::notices::supervised_by_results(rules, &facts, month);
                    let count = recent.len() as u32 + u32::from(now);
                    if count >= *notices {
                        let ctx: BTreeMap<&str, minijinja::Value> = BTreeMap::from([
                            ("bottom", minijinja::Value::from(bottom)),
                            ("score", minijinja::Value::from(scores[i])),
                            ("rank", minijinja::Value::from(ranks[i])),
                            ("streak", minijinja::Value::from(streak)),
                        ]);
                        let env = crate::engine::condition::bounded_env();
                        let holds = env
                            .compile_expression(condition)
                            .and_then(|e| e.eval(minijinja::Value::from(ctx)))
                            .map(|v| v.is_true())
                            .unwrap_or(false);
                        if holds {
                            penalty_ids.push(pen.id.clone());
                            penalties.push(pen.name.clone());
                            let mut numbers: Vec<String> =
                                recent.iter().map(|(_, n)| n.clone()).collect();
                            if now {
                                numbers.push(format!("{month} 本月通知"));
                            }
                            evidence.push(format!("{}: 近 {months} 个月督办 {count} 次（{}），本月得分 {:.2}、第 {} 名", pen.name, numbers.join("、"), scores[i], ranks[i]));
                        }
                    }
                }
            }
        }
        units.push(UnitScore {
            unit: unit.clone(),
            projects: projects.iter().filter(|p| &p.unit == unit).count(),
            score: scores[i],
            rank: ranks[i],
            previous_rank: prev.map(|p| p.rank),
            change: prev.map(|p| i64::from(p.rank) - i64::from(ranks[i])),
            bottom,
            streak,
            penalty_ids,
            penalties,
            evidence,
        });
    }
    units.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.unit.cmp(&b.unit)));
    units
}

/// Bottom flags and streaks of imported rankings, month by month.
pub fn history_from_rankings(
    rows: &[(Month, String, f64, u32)],
    bottom_n: u32,
) -> BTreeMap<Month, Vec<UnitHistory>> {
    let mut by_month: BTreeMap<Month, Vec<(String, f64, u32)>> = BTreeMap::new();
    for (m, u, s, r) in rows {
        by_month.entry(*m).or_default().push((u.clone(), *s, *r));
    }
    let mut out: BTreeMap<Month, Vec<UnitHistory>> = BTreeMap::new();
    let mut last: BTreeMap<String, u32> = BTreeMap::new();
    let mut prev_month: Option<Month> = None;
    for (m, units) in by_month {
        let ranks: Vec<u32> = units.iter().map(|u| u.2).collect();
        let consecutive =
            prev_month.is_some_and(|p| p.previous() == m.previous() && p == m.previous());
        let mut list = Vec::new();
        for (u, s, r) in units {
            let bottom = in_bottom(r, &ranks, bottom_n);
            let base = if consecutive {
                last.get(&u).copied().unwrap_or(0)
            } else {
                0
            };
            let streak = if bottom { base + 1 } else { 0 };
            last.insert(u.clone(), streak);
            list.push(UnitHistory {
                unit: u,
                score: s,
                rank: r,
                bottom,
                streak,
                penalties: Vec::new(),
            });
        }
        out.insert(m, list);
        prev_month = Some(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_ranks() {
        assert_eq!(shared_ranks(&[90.0, 80.0, 80.0, 70.0]), vec![1, 2, 2, 4]);
    }

    #[test]
    fn bottom_three_includes_boundary_ties() {
        let ranks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let bottom: Vec<u32> = ranks
            .iter()
            .copied()
            .filter(|r| in_bottom(*r, &ranks, 3))
            .collect();
        assert_eq!(bottom, vec![10, 11, 12]);
        let ranks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 11, 12];
        let bottom: Vec<u32> = ranks
            .iter()
            .copied()
            .filter(|r| in_bottom(*r, &ranks, 3))
            .collect();
        assert_eq!(
            bottom,
            vec![9, 9, 11, 12],
            "a tie across the boundary is included"
        );
        let ranks = [1, 2, 3, 4, 5, 6, 7, 8, 8, 10, 11, 12];
        assert!(!in_bottom(8, &ranks, 3));
    }
}
