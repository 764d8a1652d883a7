//! Unit names as they sign (马庄乡人民政府, 涅阳街道办事处, a file named 马庄乡人民政府10月报表.xlsx)
//! read as the canonical names of `rules/units.toml` and the ledger. A name that matches no
//! known unit, or several, is reported with the closest units; it is never guessed.

use super::record::{Dataset, UnitDoubt};
use super::value::Value;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::{Rules, TableSchema, units::Units};
use crate::text::key;

/// What a name is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    Known(String),
    Unknown,
    /// A file name naming several units.
    Ambiguous(Vec<String>),
}

/// A known name (canonical or alias, with or without a suffix) → its canonical name.
fn lookup(units: &Units, known: &[(String, String)], k: &str) -> Option<String> {
    if let Some(c) = units.by_key.get(k) {
        return Some(c.clone());
    }
    known.iter().find(|(nk, _)| nk == k).map(|(_, n)| n.clone())
}

/// The canonical name of `name`, if it names a known unit.
pub(crate) fn resolve(units: &Units, known: &[(String, String)], name: &str) -> Option<String> {
    let k = key(name);
    lookup(units, known, &k).or_else(|| {
        units
            .suffixes
            .iter()
            .filter_map(|s| k.strip_suffix(s.as_str()))
            .filter(|stem| stem.chars().count() >= 2)
            .find_map(|stem| lookup(units, known, stem))
    })
}

/// A name as the ledger should hold it: its canonical name, else the name without a suffix.
pub(crate) fn canonical(units: &Units, name: &str) -> String {
    if let Some(c) = resolve(units, &[], name) {
        return c;
    }
    let k = key(name);
    units
        .suffixes
        .iter()
        .filter_map(|s| k.strip_suffix(s.as_str()))
        .find(|stem| stem.chars().count() >= 2)
        .map(str::to_string)
        .unwrap_or_else(|| crate::text::normalize(name))
}

/// The known units named somewhere in a file name (`马庄乡人民政府10月报表`).
pub(crate) fn in_file_name(units: &Units, known: &[(String, String)], stem: &str) -> Resolved {
    let k = key(stem);
    if let Some(c) = resolve(units, known, &k) {
        return Resolved::Known(c);
    }
    let names = units
        .by_key
        .iter()
        .map(|(a, c)| (a.clone(), c.clone()))
        .chain(known.iter().cloned());
    let found: Vec<(String, String)> = names.filter(|(a, _)| k.contains(a.as_str())).collect();
    // A match inside a longer match (乡 names inside 乡人民政府 names) is not a second unit.
    let mut units_found: Vec<String> = found
        .iter()
        .filter(|(a, _)| {
            !found
                .iter()
                .any(|(b, _)| b.len() > a.len() && b.contains(a.as_str()))
        })
        .map(|(_, c)| c.clone())
        .collect();
    units_found.sort();
    units_found.dedup();
    match units_found.len() {
        0 => Resolved::Unknown,
        1 => Resolved::Known(units_found.remove(0)),
        _ => Resolved::Ambiguous(units_found),
    }
}

/// Units known for this run as (key, name): the rules' table and the unit fields of the tables
/// read so far. Built again only when those tables have grown.
pub(crate) fn known(rules: &Rules, data: &mut Dataset) -> super::record::KnownUnits {
    let count: usize = rules
        .units
        .fields
        .keys()
        .map(|t| data.records(t).len())
        .sum();
    if let Some((n, known)) = &data.known_units
        && *n == count
    {
        return known.clone();
    }
    let mut out: Vec<(String, String)> = rules
        .units
        .names
        .iter()
        .map(|n| (key(n), n.clone()))
        .collect();
    let mut seen: std::collections::HashSet<&str> =
        rules.units.names.iter().map(String::as_str).collect();
    for (table, fields) in &rules.units.fields {
        for r in data.records(table) {
            for f in fields {
                if let Some(t) = r.text(f)
                    && seen.insert(t)
                {
                    out.push((key(t), t.to_string()));
                }
            }
        }
    }
    let known = std::sync::Arc::new(out);
    data.known_units = Some((count, known.clone()));
    known
}

/// Rewrites the unit fields of `schema`'s records (the ledger's 责任单位 …) to canonical names.
pub(crate) fn canonical_fields(schema: &TableSchema, rules: &Rules, data: &mut Dataset) {
    let Some(fields) = rules.units.fields.get(&schema.id) else {
        return;
    };
    let Some(records) = data.tables.get_mut(&schema.id) else {
        return;
    };
    // A remark after the name (东湖镇人民政府（盖章）, pasted from a signed form) is no part of it.
    let remarks = rules
        .vocab
        .meta
        .get("unit_remarks")
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for r in records {
        for f in fields {
            if let Some(Value::Text(t)) = r.values.get_mut(f) {
                *t = canonical(&rules.units, &super::meta::without_remark(t, remarks));
            }
        }
    }
}

/// The unit a one-file-per-unit file is from: the 填报单位 line, else the file name, as a
/// canonical name. A name matching no unit (or several) is reported and kept as written.
pub(crate) fn reporting_unit(
    signed: Option<&str>,
    rel: &str,
    sheet: &str,
    rules: &Rules,
    known: &[(String, String)],
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, UnitDoubt) {
    let stem = file_stem(rel);
    let signed_as = signed.map(|s| resolve(&rules.units, known, s));
    let from_name = in_file_name(&rules.units, known, stem);
    if let Some(Some(c)) = &signed_as {
        let doubt = match &from_name {
            Resolved::Known(n) if n != c => UnitDoubt::Conflict(c.clone(), n.clone()),
            _ => UnitDoubt::None,
        };
        return (c.clone(), doubt);
    }
    let loc = Location {
        file: rel.to_string(),
        sheet: Some(sheet.to_string()),
        cell: None,
    };
    if let Some(s) = signed {
        diagnostics.push(unknown(loc.clone(), "填报单位", s, known, &rules.units));
    }
    let unknown_name = |name: &str| {
        let name = crate::text::normalize(name);
        (name.clone(), UnitDoubt::Unknown(name))
    };
    match from_name {
        Resolved::Known(c) => (c, UnitDoubt::None),
        Resolved::Ambiguous(list) if signed.is_none() => {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownUnit,
                    loc,
                    format!(
                        "文件名“{stem}”含有多个单位（{}），无法确定报送单位",
                        list.join("、")
                    ),
                )
                .with_hint("在表格上方写明“填报单位：”，或文件名只写一个单位"),
            );
            unknown_name(stem)
        }
        _ if signed.is_some() => unknown_name(signed.unwrap_or_default()),
        _ => {
            diagnostics.push(unknown(loc, "文件名", stem, known, &rules.units));
            unknown_name(stem)
        }
    }
}

fn unknown(
    loc: Location,
    what: &str,
    name: &str,
    known: &[(String, String)],
    units: &Units,
) -> Diagnostic {
    let k = key(name);
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|(nk, n)| (strsim::normalized_levenshtein(&k, nk), n))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let close: Vec<String> = scored
        .into_iter()
        .take(3)
        .map(|(_, n)| format!("“{n}”"))
        .collect();
    let d = Diagnostic::new(
        Code::UnknownUnit,
        loc,
        format!("{what}“{name}”不是已知的单位"),
    );
    if close.is_empty() {
        d.with_hint(format!(
            "在 {} 中加入该单位或其别名",
            crate::rules::to_edit(&units.file)
        ))
    } else {
        d.with_hint(format!(
            "相近的单位: {}；如是别名，请加入 {}",
            close.join("、"),
            crate::rules::to_edit(&units.file)
        ))
    }
}

fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Units {
        let rules = Rules::load(None).unwrap();
        rules.units
    }

    #[test]
    fn reads_names_as_they_sign() {
        let u = units();
        assert_eq!(
            resolve(&u, &[], "马庄乡人民政府").as_deref(),
            Some("马庄乡")
        );
        assert_eq!(resolve(&u, &[], "马庄乡政府").as_deref(), Some("马庄乡"));
        assert_eq!(
            resolve(&u, &[], "涅阳街道办事处").as_deref(),
            Some("涅阳街道")
        );
        let known = vec![(key("东湖镇"), "东湖镇".to_string())];
        assert_eq!(
            resolve(&u, &known, "东湖镇人民政府").as_deref(),
            Some("东湖镇")
        );
        assert_eq!(resolve(&u, &known, "西湖镇"), None);
        assert_eq!(canonical(&u, "县经开区管委会"), "县经开区");
    }

    #[test]
    fn finds_the_unit_in_a_file_name() {
        let u = units();
        assert_eq!(
            in_file_name(&u, &[], "马庄乡人民政府10月报表"),
            Resolved::Known("马庄乡".into())
        );
        assert!(matches!(
            in_file_name(&u, &[], "马庄乡涅阳街道"),
            Resolved::Ambiguous(_)
        ));
        assert_eq!(in_file_name(&u, &[], "月报"), Resolved::Unknown);
    }
}
