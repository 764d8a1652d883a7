//! A 责任单位 in the ledger that no earlier month ranked and `rules/units.toml` does not list,
//! written like a unit an earlier month ranked (`东胡镇` for 东湖镇, `东湖` for 东湖镇,
//! `东湖镇、西岭乡` for two units): most likely a slip, which would rank a unit that does not
//! exist and send it notices. It is an 错误 at its first ledger cell, naming the units it is
//! like. A new unit unlike any ranked one is taken as new, in silence; so is every unit of the
//! first month recorded (nothing to compare with: place names one character apart, such as
//! 南阳街道 and 涅阳街道, are common). Listing a new unit in `units.toml` says it is meant.

use super::results::Snapshot;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::Dataset;
use crate::rules::{FieldRole, Rules, TableRole};
use crate::text::key;
use std::collections::BTreeSet;

/// Separators between two names in one cell (`东湖镇、西岭乡`).
const SEPARATORS: &[char] = &['、', '，', ',', '/', '／', ';', '；', ' '];

/// The ledger's new units like known ones, said at their first cell.
pub(crate) fn check(rules: &Rules, data: &mut Dataset, snapshot: &Snapshot) {
    let ranked: BTreeSet<String> = snapshot
        .rankings
        .values()
        .flat_map(|m| m.keys().cloned())
        .collect();
    if ranked.is_empty() {
        return;
    }
    let field = rules.roles.field(FieldRole::ResponsibleUnit);
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for r in data.table(TableRole::Ledger) {
        let Some(unit) = r.text(field) else {
            continue;
        };
        let listed = rules.units.names.iter().any(|n| n == unit);
        if listed || ranked.contains(unit) || !seen.insert(unit.to_string()) {
            continue;
        }
        let like = like(unit, &ranked);
        if like.is_empty() {
            continue;
        }
        let two = like.len() > 1 && unit.contains(SEPARATORS);
        let message = if two {
            format!(
                "台账中的责任单位“{unit}”写了多个单位（{}），将被当作一个新单位排名",
                like.join("、")
            )
        } else {
            format!(
                "台账中的责任单位“{unit}”是新出现的单位（以往月份的排名和 {} 中都没有），与以往排名中的“{}”相近，将被当作一个新单位排名、发通知",
                rules.units.file,
                like.join("”“")
            )
        };
        let hint = if two {
            "每个项目只写一个责任单位".to_string()
        } else {
            format!(
                "如是笔误，请改为已有单位的名称；如确是新单位，请加入 {}",
                crate::rules::to_edit(&rules.units.file)
            )
        };
        found.push(
            Diagnostic::new(
                Code::UnitLikeKnown,
                Location {
                    file: r.file.clone(),
                    sheet: Some(r.sheet.clone()),
                    cell: r.cells.get(field).cloned(),
                },
                message,
            )
            .with_hint(hint),
        );
    }
    data.diagnostics.extend(found);
}

/// The known units `unit` is written like: one character apart, one the other's start
/// (`东湖` and 东湖镇), or named in it with others (`东湖镇、西岭乡`).
fn like(unit: &str, known: &BTreeSet<String>) -> Vec<String> {
    let parts: Vec<&str> = unit.split(SEPARATORS).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        let named: Vec<String> = parts
            .iter()
            .filter(|p| known.contains(**p))
            .map(|p| p.to_string())
            .collect();
        if !named.is_empty() {
            return named;
        }
    }
    let k = key(unit);
    known
        .iter()
        .filter(|n| {
            let nk = key(n);
            one_apart(&k, &nk)
                || (k.chars().count() >= 2 && (nk.starts_with(&k) || k.starts_with(&nk)))
        })
        .cloned()
        .collect()
}

/// Two names of one length that differ in one character.
fn one_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.len() >= 2 && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        ["东湖镇", "西岭乡", "北山镇", "县经开区"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn slips_are_like_known_units() {
        assert_eq!(like("东胡镇", &known()), ["东湖镇"]);
        assert_eq!(like("东湖", &known()), ["东湖镇"]);
        assert_eq!(like("东湖镇、西岭乡", &known()), ["东湖镇", "西岭乡"]);
        assert_eq!(like("东湖镇 西岭乡", &known()), ["东湖镇", "西岭乡"]);
    }

    #[test]
    fn a_new_unit_unlike_the_known_ones_is_new() {
        assert!(like("南山街道", &known()).is_empty());
        assert!(like("高新区", &known()).is_empty());
        assert!(like("镇", &known()).is_empty());
    }
}
