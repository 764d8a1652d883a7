//! W078: a project the year's 三个一批 figure counted under one unit in the latest earlier month
//! of the year and still counts, under another unit now (its 责任单位 changed). The county's
//! figures do not change; the unit that counted it has it taken off (its month's `moved_out`,
//! not its `dropped`: the year still counts it), the unit it is under now has it in its year
//! (its month's `moved_in`, not its month's `count`: it did not sign, start or complete it this
//! month), so that each unit's months still add up to its year, and the warning says which
//! project went from which unit to which, at the cell of its 责任单位.

use super::{Entry, STAGES, same};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::engine::continuity::month_zh;
use crate::engine::overview::StageKey;
use chrono::NaiveDate;

/// A project an earlier month counted in a stage's year figure under one unit, counted this
/// month under another.
pub(super) struct Moved {
    pub(super) key: StageKey,
    /// The unit that counted it.
    pub(super) from: String,
    /// Its unit now.
    pub(super) to: String,
    label: String,
    /// Its 责任单位's cell, else the cell of the stage's date.
    at: Option<Location>,
}

/// What `before` (the latest earlier month's counts) counted under a unit (format 8 and later
/// keep it) that `entries` still count in the year under another.
pub(super) fn moved(
    before: &[StageKey],
    entries: &[Entry],
    in_year: &dyn Fn(Option<NaiveDate>) -> bool,
) -> Vec<Moved> {
    let mut out = Vec::new();
    for k in before {
        let (Some(from), Some(i)) = (&k.unit, STAGES.iter().position(|s| *s == k.stage)) else {
            continue;
        };
        let Some(e) = entries.iter().find(|e| same(k, e) && in_year(e.date(i))) else {
            continue;
        };
        if e.unit == *from {
            continue;
        }
        out.push(Moved {
            key: k.clone(),
            from: from.clone(),
            to: e.unit.clone(),
            label: e.label.clone(),
            at: e.unit_at.clone().or_else(|| e.at[i].clone()),
        });
    }
    out
}

/// The warning of `m`; `labels` are the stages' labels, in `STAGES` order.
pub(super) fn warning(m: &Moved, labels: [&str; 3]) -> Diagnostic {
    let i = STAGES
        .iter()
        .position(|s| *s == m.key.stage)
        .unwrap_or_default();
    let stage = labels[i];
    let since = month_zh(&m.key.since);
    let (from, to) = (&m.from, &m.to);
    Diagnostic::new(
        Code::StageMoved,
        m.at
            .clone()
            .unwrap_or_else(|| Location::file(format!("{since}考核记录"))),
        format!(
            "“{}”上次考核时计入{from}本年累计{stage}项目，本月责任单位为{to}：自{from}核减，计入{to}本年累计{stage}数（全县合计不变）",
            m.label
        ),
    )
    .with_hint(format!(
        "责任单位调整的，请核实调整无误（报告和排名表已注明{from}核减、{to}调入）；责任单位填写有误的，请更正"
    ))
}
