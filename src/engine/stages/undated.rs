//! W079: a signing only the signed list had, counted by a run of history format 7, which kept
//! no unit, date or 总投资 of it. It stays counted in the county's year (under `no_unit`), but
//! the unit that signed it cannot be known: that unit's earlier year figure plus its months no
//! longer add up (its year lacks it, `no_unit`'s year has it with no month), and the county's
//! signed 总投资 lacks its investment. The figures cannot be repaired from history; the warning
//! says so for each such signing, every month history carries it undated, at the record of the
//! month that first counted it (no cell of this month's files gives it).

use super::{Entry, STAGES};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::engine::continuity::month_zh;
use crate::engine::overview::StageKey;

/// The warnings of the signings of `entries` that only a format-7 record gives (undated, not in
/// the ledger); `before` is what the latest earlier month counted, `signed` the signing stage's
/// label, `no_unit` the label of the unit they are counted under.
pub(super) fn warnings(
    before: &[StageKey],
    entries: &[Entry],
    signed: &str,
    no_unit: &str,
) -> Vec<Diagnostic> {
    entries
        .iter()
        .filter(|e| e.undated && e.project.is_none())
        .map(|e| {
            let since = before
                .iter()
                .find(|k| k.stage == STAGES[0] && k.project.is_none() && k.name == e.name)
                .map(|k| month_zh(&k.since))
                .unwrap_or_default();
            Diagnostic::new(
                Code::StageUndated,
                Location::file(format!("{since}考核记录")),
                format!(
                    "“{}”为旧版历史记录（格式7）计入的{signed}项目，未保存其责任单位和总投资：本年累计计入{no_unit}，原单位本年累计{signed}数少计1个，{signed}总投资未计入",
                    e.label
                ),
            )
            .with_hint(format!(
                "请将该项目连同其责任单位、{signed}日期和总投资补入项目台账，以后各月即按其责任单位和总投资计入；本年此前各月的数字请人工核对"
            ))
        })
        .collect()
}
