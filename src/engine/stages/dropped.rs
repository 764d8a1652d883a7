//! W076: a project the year's 三个一批 figure counted in the latest earlier month of the year and
//! no longer counts (its date corrected out of the year, its date taken out, the project gone
//! from the month's files). The months then no longer add up to the year by themselves: the
//! month's `dropped` of the unit that counted it (and of the county) says by how many, and the
//! warning says which project, where: at the cell that gives its date now, else at the row of
//! the month's report that no longer does, else at the record of the month that counted it.

use super::{Entry, STAGES, same};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::engine::continuity::month_zh;
use crate::engine::overview::StageKey;
use chrono::NaiveDate;

/// A project an earlier month counted in a stage's year figure and this month does not.
pub(super) struct Gone {
    pub(super) key: StageKey,
    /// The unit that counted it, else its unit now (a format-7 record has no unit).
    pub(super) unit: Option<String>,
    label: String,
    /// Whether this month's files still have it, and the stage's date they give.
    present: bool,
    now: Option<NaiveDate>,
    at: Option<Location>,
}

/// What `before` (the latest earlier month's counts) has that `entries` no longer count in the
/// year.
pub(super) fn dropped(
    before: &[StageKey],
    entries: &[Entry],
    in_year: &dyn Fn(Option<NaiveDate>) -> bool,
) -> Vec<Gone> {
    let mut out = Vec::new();
    for k in before {
        let Some(i) = STAGES.iter().position(|s| *s == k.stage) else {
            continue;
        };
        if entries.iter().any(|e| same(k, e) && in_year(e.date(i))) {
            continue;
        }
        let e = entries.iter().find(|e| same(k, e));
        out.push(Gone {
            key: k.clone(),
            unit: k.unit.clone().or_else(|| e.map(|e| e.unit.clone())),
            label: e.map_or_else(|| k.name.clone(), |e| e.label.clone()),
            present: e.is_some(),
            now: e.and_then(|e| e.date(i)),
            at: e.and_then(|e| e.at[i].clone()),
        });
    }
    out
}

/// The warning of `g`; `labels` are the stages' labels, in `STAGES` order.
pub(super) fn warning(
    g: &Gone,
    labels: [&str; 3],
    (year_from, as_of): (NaiveDate, NaiveDate),
) -> Diagnostic {
    let i = STAGES
        .iter()
        .position(|s| *s == g.key.stage)
        .unwrap_or_default();
    let stage = labels[i];
    let since = month_zh(&g.key.since);
    let why = match (g.present, g.now) {
        (true, Some(d)) => {
            format!("其{stage}日期现为 {d}，不在本年 {year_from} 至 {as_of} 内")
        }
        (true, None) => format!("现无{stage}日期"),
        (false, _) => "本月的报表中已无此项目".to_string(),
    };
    let was = g
        .key
        .date
        .map(|d| format!("（当时{stage}日期 {d}）"))
        .unwrap_or_default();
    Diagnostic::new(
        Code::StageDropped,
        g.at
            .clone()
            .unwrap_or_else(|| Location::file(format!("{since}考核记录"))),
        format!(
            "“{}”{since}考核时已计入本年累计{stage}项目{was}，本月不再计入（{why}）：本年累计{stage}数核减1个，此前各月{stage}数与本月{stage}数之和比本年累计数多1个",
            g.label
        ),
    )
    .with_hint(format!(
        "{stage}日期更正的，请核实更正无误（通报、报告和排名表已注明核减）；项目撤销或调出的，请核实"
    ))
}
