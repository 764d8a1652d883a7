//! History read under the units' present names: a unit renamed in `rules/units.toml` that keeps
//! its old name as an alias keeps its earlier months (上月名次, streaks, penalties, notices and
//! 整改任务) recorded under the old name.

use super::results::Snapshot;
use crate::ingest::units::resolve;
use crate::rules::units::Units;
use std::collections::BTreeMap;

/// The name `units` gives `name` now: its canonical name when it names a unit (its name, an
/// alias, either with a suffix), else `name` as recorded.
pub(crate) fn present_name(units: &Units, name: &str) -> String {
    resolve(units, &[], name).unwrap_or_else(|| name.to_string())
}

/// `map` with its keys under their present names; an entry recorded under a unit's present
/// name wins over one under its old name in the same map.
fn renamed<V>(units: &Units, map: BTreeMap<String, V>) -> BTreeMap<String, V> {
    let (present, old): (Vec<_>, Vec<_>) = map
        .into_iter()
        .partition(|(name, _)| present_name(units, name) == *name);
    let mut out: BTreeMap<String, V> = present.into_iter().collect();
    for (name, v) in old {
        out.entry(present_name(units, &name)).or_insert(v);
    }
    out
}

/// Puts every unit of `snapshot` under its present name.
pub(crate) fn follow_aliases(units: &Units, snapshot: &mut Snapshot) {
    let rename_month = |month: BTreeMap<String, super::streak::UnitHistory>| {
        let mut month = renamed(units, month);
        for (name, u) in month.iter_mut() {
            u.unit = name.clone();
        }
        month
    };
    let previous = std::mem::take(&mut snapshot.previous);
    snapshot.previous = rename_month(previous);
    for month in snapshot.rankings.values_mut() {
        *month = rename_month(std::mem::take(month));
    }
    let mut notices: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for (name, mut list) in std::mem::take(&mut snapshot.notices) {
        notices
            .entry(present_name(units, &name))
            .or_default()
            .append(&mut list);
    }
    for list in notices.values_mut() {
        list.sort();
    }
    snapshot.notices = notices;
    for t in &mut snapshot.tasks {
        t.unit = present_name(units, &t.unit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::streak::UnitHistory;

    fn units() -> Units {
        let mut u = Units::default();
        for (k, name) in [("卢医街道", "卢医街道"), ("卢医镇", "卢医街道")] {
            u.by_key.insert(crate::text::key(k), name.to_string());
        }
        u.names.push("卢医街道".into());
        u
    }

    fn unit(name: &str, rank: u32) -> UnitHistory {
        UnitHistory {
            unit: name.into(),
            score: 50.0,
            rank,
            bottom: true,
            streak: 2,
            penalties: vec![],
        }
    }

    #[test]
    fn a_renamed_units_months_follow_it() {
        let units = units();
        let mut s = Snapshot::default();
        let sep = crate::engine::Month::parse("2026-09").unwrap();
        let month: BTreeMap<String, UnitHistory> = [
            ("卢医镇".to_string(), unit("卢医镇", 5)),
            ("城关镇".to_string(), unit("城关镇", 1)),
        ]
        .into_iter()
        .collect();
        s.previous = month.clone();
        s.rankings.insert(sep, month);
        s.notices
            .insert("卢医镇".into(), vec![(sep, "镇督查〔2026〕3号".into())]);
        follow_aliases(&units, &mut s);
        let names: Vec<&str> = s.previous.keys().map(String::as_str).collect();
        assert_eq!(names, ["卢医街道", "城关镇"]);
        assert_eq!(s.previous["卢医街道"].unit, "卢医街道");
        assert_eq!(s.previous["卢医街道"].rank, 5);
        assert_eq!(s.rankings[&sep]["卢医街道"].streak, 2);
        assert_eq!(s.notices["卢医街道"].len(), 1);
        assert!(!s.notices.contains_key("卢医镇"));
    }

    #[test]
    fn a_month_holding_both_names_keeps_the_present_ones_result() {
        let units = units();
        let month: BTreeMap<String, UnitHistory> = [
            ("卢医镇".to_string(), unit("卢医镇", 5)),
            ("卢医街道".to_string(), unit("卢医街道", 2)),
        ]
        .into_iter()
        .collect();
        let out = renamed(&units, month);
        assert_eq!(out.len(), 1);
        assert_eq!(out["卢医街道"].rank, 2);
    }
}
