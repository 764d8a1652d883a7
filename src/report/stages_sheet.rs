//! The 三个一批 sheet of the ranking workbook: per unit and for the county (合计), the projects
//! signed, started and completed in the month and the year to date with their investment (亿元),
//! and the step from one stage to the next, and a 说明 column when a row's figures say more than
//! their numbers (of the month's, those dated earlier; of the year's, those taken off, those
//! another unit has from a unit and those a unit has from another, W078, and those an old
//! history kept with no unit or 总投资, W079): the same words as the 通报's, from
//! `[stages.notes]` of `rules/lights.toml`, as are the stage labels.

use super::month_label;
use super::sheet::{Cell, SheetSpec, grouped, text};
use crate::engine::assess::Assessment;
use crate::engine::lights::fill;
use crate::engine::overview::{Periods, Stage, UnitStages};
use crate::rules::Rules;

/// The labels of the stages with their figures, in order.
fn labelled<'a>(rules: &'a Rules, u: &'a UnitStages) -> [(&'a str, &'a Periods); 3] {
    let s = &rules.lights.stages;
    [
        (s.signed.as_str(), &u.signed),
        (s.started.as_str(), &u.started),
        (s.completed.as_str(), &u.completed),
    ]
}

/// `wording` with `{stage}` and `{key}` filled, when `count` is not zero.
fn note(wording: &str, label: &str, key: &str, count: usize) -> Option<String> {
    (count > 0).then(|| {
        fill(
            wording,
            &[("stage", label.to_string()), (key, count.to_string())],
        )
    })
}

/// Of a month's figure of stage `label`, those dated in an earlier month (`含此前签约、本月报送的1个`).
pub(crate) fn late_note(rules: &Rules, label: &str, month: &Stage) -> Option<String> {
    note(&rules.lights.stages.notes().late, label, "late", month.late)
}

/// Of the year's figure of stage `label`, those an earlier month counted and it no longer does.
pub(crate) fn dropped_note(rules: &Rules, label: &str, month: &Stage) -> Option<String> {
    note(
        &rules.lights.stages.notes().dropped,
        label,
        "dropped",
        month.dropped,
    )
}

/// What a row says of its year figure: those taken off, those moved out and in, those a
/// format-7 record gives, joined by `，`.
fn year_note(rules: &Rules, label: &str, month: &Stage) -> Option<String> {
    let n = rules.lights.stages.notes();
    // Of a unit's year: those another unit has now, those an earlier month counted under another
    // unit, and (of the signed) those only a format-7 record gives, with no unit or 总投资 (W079).
    let said: Vec<String> = [
        dropped_note(rules, label, month),
        note(n.moved_out(), label, "moved_out", month.moved_out),
        note(n.moved_in(), label, "moved_in", month.moved_in),
        note(n.undated(), label, "undated", month.undated),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!said.is_empty()).then(|| said.join("，"))
}

/// A row's 说明: its notes, stage by stage, joined by `；`; empty when it has none.
pub(crate) fn row_note(rules: &Rules, u: &UnitStages) -> String {
    let n = rules.lights.stages.notes();
    let mut out = Vec::new();
    for (label, p) in labelled(rules, u) {
        let said = [
            (
                &n.month_row,
                p.month.count,
                late_note(rules, label, &p.month),
            ),
            (&n.year_row, p.year.count, year_note(rules, label, &p.month)),
        ];
        for (template, count, note) in said {
            if let Some(note) = note {
                out.push(fill(
                    template,
                    &[
                        ("stage", label.to_string()),
                        ("count", count.to_string()),
                        ("note", note),
                    ],
                ));
            }
        }
    }
    out.join("；")
}

/// The rows' notes, the county's last, or none when no row has one (no 说明 column then).
pub(crate) fn row_notes(rules: &Rules, rows: &[&UnitStages]) -> Option<Vec<String>> {
    let notes: Vec<String> = rows.iter().map(|u| row_note(rules, u)).collect();
    notes.iter().any(|n| !n.is_empty()).then_some(notes)
}

/// The sheet of `a`'s 三个一批 figures.
pub(crate) fn stages(a: &Assessment, rules: &Rules) -> SheetSpec {
    let s = &rules.lights.stages;
    let mut headers = vec!["单位".to_string()];
    for label in [&s.signed, &s.started, &s.completed] {
        for period in ["本月", "本年累计"] {
            let group = format!("{label}（{period}）");
            headers.push(grouped(&group, "个数"));
            headers.push(grouped(&group, "投资（亿元）"));
        }
    }
    headers.push(format!("本年{}项目已{}", s.signed, s.started));
    headers.push(format!("本年{}项目已{}", s.started, s.completed));
    let mut rows: Vec<Vec<Cell>> = a.stages.units.iter().map(row).collect();
    let mut total = row(&a.stages.total);
    total[0] = text("合计");
    rows.push(total);
    let all: Vec<&UnitStages> = a.stages.units.iter().chain([&a.stages.total]).collect();
    if let Some(notes) = row_notes(rules, &all) {
        headers.push(s.notes().header.clone());
        for (r, note) in rows.iter_mut().zip(notes) {
            r.push(text(note));
        }
    }
    let red = vec![false; rows.len()];
    SheetSpec {
        name: "三个一批".into(),
        title: format!(
            "{}重点项目“{}一批、{}一批、{}一批”情况",
            month_label(a),
            s.signed,
            s.started,
            s.completed
        ),
        headers,
        rows,
        red,
    }
}

fn row(u: &UnitStages) -> Vec<Cell> {
    let mut r = vec![text(&u.unit)];
    for p in [&u.signed, &u.started, &u.completed] {
        r.extend(periods(p));
    }
    r.push(step(
        u.signed_then_started,
        u.signed.year.count,
        u.signed_to_started,
    ));
    r.push(step(
        u.started_then_completed,
        u.started.year.count,
        u.started_to_completed,
    ));
    r
}

fn periods(p: &Periods) -> [Cell; 4] {
    [
        Cell::Int(p.month.count as i64),
        Cell::Num(p.month.invest),
        Cell::Int(p.year.count as i64),
        Cell::Num(p.year.invest),
    ]
}

/// `part/whole（rate%）`, or `—` when there is nothing to step from.
fn step(part: usize, whole: usize, rate: Option<f64>) -> Cell {
    match rate {
        Some(r) => text(format!("{part}/{whole}（{r:.1}%）")),
        None => text("—"),
    }
}
