//! 红黄绿灯 per project (`rules/lights.toml`): the first light whose conditions the project meets —
//! a listed deadline of the project or of its procedures in a given status, or a started project's
//! investment too far behind 序时进度 (`schedule` of the rules: the month's share of the annual plan) — with every reason found;
//! and the count of each light per unit.

use super::Month;
use super::deadlines::DeadlineRow;
use super::overview::{LightCount, ProjectLight, UnitLights};
use super::ranking::first_seen;
use super::results::ProjectScore;
use crate::rules::Rules;
use crate::rules::lights::Light;
use std::collections::HashMap;

/// Investment against 序时进度, in percent of the annual plan.
struct Progress {
    done: f64,
    schedule: f64,
}

impl Progress {
    /// Of a started project with an annual plan.
    fn of(p: &ProjectScore, month: Month, schedule: &[f64; 12]) -> Option<Progress> {
        let started = p.figures.started == Some(true) || p.figures.actual_start.is_some();
        let plan = p.annual_plan.filter(|x| *x > 0.0)?;
        if !started {
            return None;
        }
        Some(Progress {
            done: p.figures.cum_invest.unwrap_or(0.0) / plan * 100.0,
            schedule: schedule[month.month as usize - 1],
        })
    }

    fn behind(&self) -> f64 {
        self.schedule - self.done
    }
}

/// The light of every project, in project order.
pub(crate) fn project_lights(
    rules: &Rules,
    projects: &[ProjectScore],
    deadlines: &[DeadlineRow],
    month: Month,
) -> Vec<ProjectLight> {
    let cfg = &rules.lights;
    let mut by_project: HashMap<&str, Vec<&DeadlineRow>> = HashMap::new();
    for d in deadlines.iter().filter(|d| cfg.deadlines.contains(&d.rule)) {
        if let Some(p) = d.project.as_deref() {
            by_project.entry(p).or_default().push(d);
        }
    }
    projects
        .iter()
        .map(|p| {
            let rows = by_project.remove(p.id.as_str()).unwrap_or_default();
            let progress = Progress::of(p, month, &cfg.schedule);
            let (light, reasons) = cfg
                .lights
                .iter()
                .find_map(|l| {
                    let r = reasons(rules, l, &rows, progress.as_ref());
                    (!r.is_empty()).then_some((l, r))
                })
                .unwrap_or_else(|| {
                    let last = cfg.lights.last().expect("rules have a last light");
                    (last, last.reason.iter().cloned().collect())
                });
            ProjectLight {
                project: p.id.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                light: light.id.clone(),
                label: light.label.clone(),
                color: light.color.clone(),
                reasons,
            }
        })
        .collect()
}

/// The reasons `light` applies (none: it does not).
fn reasons(
    rules: &Rules,
    light: &Light,
    rows: &[&DeadlineRow],
    progress: Option<&Progress>,
) -> Vec<String> {
    let cfg = &rules.lights;
    let mut out: Vec<String> = rows
        .iter()
        .filter(|d| light.deadline_status.contains(&d.status))
        .map(|d| {
            fill(
                &cfg.deadline_reason,
                &[
                    ("rule", d.rule_name.clone()),
                    ("item", item_part(d.item.as_deref())),
                    ("status", d.status_label.clone()),
                    (
                        "due",
                        d.due
                            .map(|x| x.format("%Y-%m-%d").to_string())
                            .unwrap_or_else(|| "—".into()),
                    ),
                    (
                        "days",
                        d.workdays
                            .map(|x| x.to_string())
                            .unwrap_or_else(|| "—".into()),
                    ),
                ],
            )
        })
        .collect();
    if let (Some(limit), Some(p)) = (light.invest_behind, progress)
        && p.behind() > limit
    {
        out.push(fill(
            &cfg.invest_reason,
            &[
                ("done", format!("{:.1}", p.done)),
                ("schedule", format!("{:.1}", p.schedule)),
                ("behind", format!("{:.1}", p.behind())),
            ],
        ));
    }
    out
}

/// `template` with each `{name}` replaced.
pub(crate) fn fill(template: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

/// The count of each light per unit, units in project order.
pub(crate) fn unit_lights(rules: &Rules, lights: &[ProjectLight]) -> Vec<UnitLights> {
    let mut by_unit: HashMap<&str, Vec<ProjectLight>> = HashMap::new();
    for p in lights {
        by_unit.entry(p.unit.as_str()).or_default().push(p.clone());
    }
    first_seen(lights.iter().map(|p| p.unit.as_str()))
        .into_iter()
        .map(|u| UnitLights {
            counts: light_counts(rules, &by_unit[u.as_str()], None),
            unit: u,
        })
        .collect()
}

/// The count of each light among the projects of `unit`, or of all when `None`.
pub(crate) fn light_counts(
    rules: &Rules,
    lights: &[ProjectLight],
    unit: Option<&str>,
) -> Vec<LightCount> {
    rules
        .lights
        .lights
        .iter()
        .map(|l| LightCount {
            light: l.id.clone(),
            label: l.label.clone(),
            color: l.color.clone(),
            count: lights
                .iter()
                .filter(|p| p.light == l.id && unit.is_none_or(|u| p.unit == u))
                .count(),
        })
        .collect()
}

/// Projects sorted by light (in the rules' order: red first as shipped), then in project order.
pub(crate) fn by_light<'a>(rules: &Rules, lights: &'a [ProjectLight]) -> Vec<&'a ProjectLight> {
    let rank = |p: &ProjectLight| {
        rules
            .lights
            .lights
            .iter()
            .position(|l| l.id == p.light)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<&ProjectLight> = lights.iter().collect();
    out.sort_by_key(|p| rank(p));
    out
}

/// The `{item}` of a deadline's reason: its procedure in brackets after the deadline's name
/// ("前期手续按时限办结（企业投资项目备案）"), or nothing.
pub(crate) fn item_part(item: Option<&str>) -> String {
    item.map(|i| format!("（{i}）")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(
            fill("{a}与{b}，{a}", &[("a", "甲".into()), ("b", "乙".into())]),
            "甲与乙，甲"
        );
    }
}
