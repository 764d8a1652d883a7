//! The 三个一批 sheet of the ranking workbook: per unit and for the county (合计), the projects
//! signed, started and completed in the month and the year to date with their investment (亿元),
//! and the step from one stage to the next. Stage labels come from `rules/lights.toml`.

use super::month_label;
use super::sheet::{Cell, SheetSpec, grouped, text};
use crate::engine::assess::Assessment;
use crate::engine::overview::{Periods, UnitStages};
use crate::rules::Rules;

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
