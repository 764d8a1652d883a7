//! Joining rows to the ledger: by 项目编号, else by normalised name. A row that matches no ledger
//! project is reported with the closest names, never scored or dropped silently.

use super::match_problems::{
    UnusedRow, files_of_one_unit, ledger_row_refused, location, not_in_ledger, row_not_used,
    superseded_problem, two_projects,
};
use super::record::{Dataset, Record, Refusal, RefusedRow};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::{Match, Rules, TableSchema};
use crate::text::key;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod keys;
use keys::*;

/// Finishes a table once all its files are read: key the ledger, or match rows against it,
/// then check expected submissions and fill in the per-file counts.
pub(crate) fn after_table(schema: &TableSchema, rules: &Rules, data: &mut Dataset) {
    if schema.one_file {
        super::versions::keep_latest(schema, data);
    }
    let referenced_by: Vec<&TableSchema> = rules
        .tables
        .iter()
        .filter(|t| t.matching.as_ref().is_some_and(|m| m.table == schema.id))
        .collect();
    if let Some(by) = referenced_by
        .iter()
        .find_map(|t| t.matching.as_ref().map(|m| &m.by))
        .filter(|by| !by.is_empty())
    {
        // The key, and the name that says whether two rows of one key are one project.
        let name = by.last().filter(|n| *n != &by[0]).map(String::as_str);
        key_target(schema, (&by[0], name), data);
    } else if let Some(field) = &schema.unique {
        // A value of the table's `unique` field in one row only (the 后评估 table's 项目编号).
        key_target(schema, (field, None), data);
    }
    if schema.matching.is_some() {
        let unused = match_rows(schema, data);
        super::repeated::repeated_per_project(schema, data);
        expect_units(schema, data, &unused);
    } else {
        settle(schema, data);
    }
    super::row_checks::row_checks(schema, data);
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for r in data.records(&schema.id) {
        *used.entry(r.file.clone()).or_default() += 1;
    }
    for s in data
        .files
        .iter_mut()
        .filter(|s| s.table.as_deref() == Some(schema.id.as_str()))
    {
        s.used = used.get(&s.file).copied().unwrap_or(0);
        s.rejected = s.rows.data - s.used;
    }
}

/// Where a row is, for a message naming it: `file!sheet!第N行`, and （隐藏行） when hidden.
/// For each row, where the row used for its project is when that row is of another version of
/// the same unit's report (another file of the unit with a later or the same 填报日期, as W042
/// names it), and whether that version is the later: this row is not used.
fn superseded_rows(
    records: &[Record],
    hits: &[Option<usize>],
    targets: &[Record],
    chosen: &HashMap<String, (usize, Rank, String)>,
) -> Vec<Option<(String, bool)>> {
    records
        .iter()
        .zip(hits)
        .enumerate()
        .map(|(i, (r, hit))| {
            let id = targets[(*hit)?].project.as_deref().unwrap_or_default();
            let (c, _, at) = chosen.get(id).filter(|c| c.0 != i)?;
            let used = &records[*c];
            let version = used.file != r.file
                && r.unit.is_some()
                && used.unit == r.unit
                && (used.submitted_on > r.submitted_on
                    || used.submitted_on.is_some() && used.submitted_on == r.submitted_on);
            version.then(|| (at.clone(), used.submitted_on > r.submitted_on))
        })
        .collect()
}

fn shown_row(r: &Record) -> String {
    if r.hidden {
        format!("{}（隐藏行）", r.row_ref())
    } else {
        r.row_ref()
    }
}

/// What a row is matched on for the field `by`: its value as normalised text.
/// A row's key for `by`: normalised, ASCII letters in upper case (`zp2025-001` is the ledger's
/// `ZP2025-001`, as a project code written otherwise is the same project across months).
fn match_key(r: &Record, by: &str) -> Option<String> {
    r.get(by).map(|v| key(&v.to_string()).to_ascii_uppercase())
}

/// Matches the table's rows to their projects, keeps the rows used and says the others' problems.
/// Returns, by project, the first of its rows not used for an error of its own (a wrong 累计).
fn match_rows(schema: &TableSchema, data: &mut Dataset) -> BTreeMap<String, UnusedRow> {
    let m = schema.matching.as_ref().expect("matched table");
    let mut records = data.tables.remove(&schema.id).unwrap_or_default();
    let targets: &[Record] = data.tables.get(&m.table).map(Vec::as_slice).unwrap_or(&[]);
    // The keys are normalised on every core; the first of a repeated key wins, as in one pass.
    let target_keys: Vec<Vec<Option<String>>> = targets
        .par_iter()
        .map(|t| m.by.iter().map(|by| match_key(t, by)).collect())
        .collect();
    let mut index: Vec<HashMap<String, usize>> = vec![HashMap::new(); m.by.len()];
    for (i, keys) in target_keys.into_iter().enumerate() {
        for (bi, k) in keys.into_iter().enumerate() {
            if let Some(k) = k {
                index[bi].entry(k).or_insert(i);
            }
        }
    }
    let found: Vec<(Option<usize>, Option<usize>)> = records
        .par_iter()
        .map(|r| {
            let by_field: Vec<Option<usize>> =
                m.by.iter()
                    .enumerate()
                    .map(|(bi, by)| index[bi].get(&match_key(r, by)?).copied())
                    .collect();
            let hit = by_field.iter().flatten().next().copied();
            // Another field naming another project (the 项目编号 of one, the name of another).
            let other = by_field
                .iter()
                .flatten()
                .find(|&&t| Some(t) != hit)
                .copied();
            (hit, other)
        })
        .collect();
    let (mut hits, mut others): (Vec<Option<usize>>, Vec<Option<usize>>) =
        found.into_iter().unzip();
    if let (true, Some(field)) = (schema.one_file_per_unit, &m.unit) {
        let said = super::unit_by_projects::units_by_projects(
            &mut records,
            &hits,
            targets,
            field,
            &mut data.files,
        );
        data.diagnostics.extend(said);
    }
    let owns = |r: &Record, ti: usize| match (&m.unit, &r.unit) {
        (Some(field), Some(unit)) => targets[ti].text(field).is_some_and(|o| key(o) == key(unit)),
        _ => false,
    };
    // A row of a unit the ledger does not make responsible for its project: never used for it.
    let foreign: Vec<bool> = records
        .iter()
        .zip(&hits)
        .map(|(r, hit)| hit.is_some_and(|ti| other_owner(r, &targets[ti], m).is_some()))
        .collect();
    // A project reported twice: the row of its responsible unit is used, whatever the order of
    // the files, then one whose 项目编号 and name agree, then the latest 填报日期 (a corrected
    // report sent after the first), then a visible row (a hidden one is often a stale copy);
    // otherwise the first row.
    // Project id → (row index, rank, where).
    let mut chosen: HashMap<String, (usize, Rank, String)> = HashMap::new();
    // Rows counted by their name, not their 项目编号 (see below).
    let mut by_name = vec![false; records.len()];
    if schema.one_file_per_unit {
        let agrees: Vec<bool> = others.iter().map(Option::is_none).collect();
        let rank = |i: usize, ti: usize| -> Rank {
            let r = &records[i];
            (owns(r, ti), agrees[i], r.submitted_on, !r.hidden)
        };
        for (i, (r, hit)) in records.iter().zip(&hits).enumerate() {
            let Some(ti) = *hit else { continue };
            if r.rejected || foreign[i] {
                continue;
            }
            let id = targets[ti].project.clone().unwrap_or_default();
            let rank = rank(i, ti);
            if chosen.get(&id).is_none_or(|c| rank.0 && rank > c.1) {
                chosen.insert(id, (i, rank, shown_row(r)));
            }
        }
        // A row whose 项目编号 is of a project another row of the same code and name reports
        // is a mistyped code: it counts as the project of its name, if that one has no row.
        for i in 0..records.len() {
            let (Some(ti), Some(oi)) = (hits[i], others[i]) else {
                continue;
            };
            let id = targets[ti].project.clone().unwrap_or_default();
            let name_id = targets[oi].project.clone().unwrap_or_default();
            let beaten = chosen.get(&id).is_some_and(|c| c.0 != i && c.1.1);
            let name_owned = !foreign[i] && other_owner(&records[i], &targets[oi], m).is_none();
            if !records[i].rejected && beaten && name_owned && !chosen.contains_key(&name_id) {
                (hits[i], others[i]) = (Some(oi), Some(ti));
                by_name[i] = true;
                chosen.insert(name_id, (i, rank(i, oi), shown_row(&records[i])));
            }
        }
        data.diagnostics.extend(files_of_one_unit(schema, &records));
    }
    let superseded = superseded_rows(&records, &hits, targets, &chosen);
    let mut kept = Vec::with_capacity(records.len());
    let mut unused: BTreeMap<String, UnusedRow> = BTreeMap::new();
    for (i, (mut r, hit)) in records.into_iter().zip(hits).enumerate() {
        if let (Some(ti), Some(oi)) = (hit, others[i]) {
            data.diagnostics.push(two_projects(
                &r,
                &m.by,
                (&targets[ti], &targets[oi]),
                by_name[i],
            ));
        }
        let Some(ti) = hit else {
            // The root cause: its other problems (empty figures of an unknown project) follow from it.
            let refused = data.refused.get(&m.table).and_then(|rows| {
                rows.iter().find(|row| {
                    m.by.iter().any(|by| {
                        match_key(&r, by).is_some_and(|k| {
                            row.keys
                                .get(by)
                                .is_some_and(|v| v.to_ascii_uppercase() == k)
                        })
                    })
                })
            });
            let d = match refused {
                Some(row) => ledger_row_refused(&r, &m.by, row),
                None => not_in_ledger(&r, &m.by, targets),
            };
            data.diagnostics.push(d);
            continue;
        };
        match &superseded[i] {
            // Not used, the unit's other version being: its problems are not the month's.
            Some((used, later)) => {
                let id = targets[ti].project.as_deref().unwrap_or_default();
                let said = r
                    .problems
                    .drain(..)
                    .map(|d| superseded_problem(d, id, used, *later));
                data.diagnostics.extend(said);
            }
            None => {
                if r.rejected && !foreign[i] {
                    let id = targets[ti].project.clone().unwrap_or_default();
                    unused.entry(id).or_insert_with(|| UnusedRow::of(&r));
                }
                data.diagnostics.append(&mut r.problems)
            }
        }
        if r.rejected {
            continue;
        }
        let target = &targets[ti];
        let project = target.project.clone();
        let id = project.clone().unwrap_or_default();
        if let Some((used, _, at)) = chosen.get(&id).filter(|c| c.0 != i) {
            let this = if r.hidden {
                "此行（隐藏行）未采用"
            } else {
                "此行未采用"
            };
            let message = if *used < i {
                format!("项目 {id} 重复报送，首次出现在 {at}，{this}")
            } else {
                format!(
                    "项目 {id} 重复报送，采用 {at} 的一行（责任单位报送、填报日期较晚、未隐藏者优先），{this}"
                )
            };
            data.diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateRow,
                    location(&r, &m.by[m.by.len() - 1]),
                    message,
                )
                .with_hint("同一项目每月只报一行"),
            );
            continue;
        }
        if let Some(owner) = other_owner(&r, target, m) {
            data.diagnostics
                .push(other_units_row(&r, (owner, target), m, &schema.title));
            continue;
        }
        r.project = project;
        kept.push(r);
    }
    data.tables.insert(schema.id.clone(), kept);
    unused
}

/// The responsible unit of the row's project in the ledger, when the row's unit is another one.
fn other_owner<'a>(r: &Record, target: &'a Record, m: &Match) -> Option<&'a str> {
    let owner = target.text(m.unit.as_deref()?)?;
    (key(owner) != key(r.unit.as_deref()?)).then_some(owner)
}

/// W043 at a row of a unit that reports a project the ledger gives to `owner`: not used, only
/// the responsible unit's figures counting for a project.
fn other_units_row(
    r: &Record,
    (owner, target): (&str, &Record),
    m: &Match,
    title: &str,
) -> Diagnostic {
    let unit = r.unit.as_deref().unwrap_or_default();
    let id = target.project.as_deref().unwrap_or_default();
    let name = m.by.last().and_then(|n| target.text(n)).unwrap_or_default();
    Diagnostic::new(
        Code::OtherUnitsProject,
        location(r, &m.by[m.by.len() - 1]),
        format!(
            "{unit}报送了台账中属于{owner}的项目 {id} {name}，此行未采用：项目只采用责任单位{owner}报送的数字"
        ),
    )
    .with_hint(format!(
        "由{owner}在其{title}中报送该项目；如该项目已改由{unit}负责，请先更正台账中的责任单位"
    ))
}

/// How a row of a project reported twice ranks: own unit's row, code and name agree, 填报日期,
/// visible.
type Rank = (bool, bool, Option<NaiveDate>, bool);

/// A project id and name of the ledger, by responsible unit.
type UnitProjects = BTreeMap<String, Vec<(String, String)>>;

/// The units of the ledger in order of first appearance, and each one's projects (id, name).
fn ledger_units(data: &Dataset, field: &str, m: &Match) -> (Vec<String>, UnitProjects) {
    let mut projects_by_unit: UnitProjects = BTreeMap::new();
    let mut unit_order: Vec<String> = Vec::new();
    for t in data.records(&m.table) {
        if let (Some(u), Some(p)) = (t.text(field), &t.project) {
            if !projects_by_unit.contains_key(u) {
                unit_order.push(u.to_string());
            }
            let name =
                m.by.last()
                    .and_then(|n| t.text(n))
                    .unwrap_or("")
                    .to_string();
            projects_by_unit
                .entry(u.to_string())
                .or_default()
                .push((p.clone(), name));
        }
    }
    (unit_order, projects_by_unit)
}

/// Units with ledger projects that sent no file; projects a unit's file leaves out, or holds
/// only in a row not used for its error (`unused`: said as that row, not as a row to add).
fn expect_units(schema: &TableSchema, data: &mut Dataset, unused: &BTreeMap<String, UnusedRow>) {
    let (Some(field), Some(m)) = (&schema.expect_units_from, &schema.matching) else {
        return;
    };
    let (unit_order, projects_by_unit) = ledger_units(data, field, m);
    let files: Vec<(String, Option<String>, bool)> = data
        .files
        .iter()
        .filter(|s| s.table.as_deref() == Some(schema.id.as_str()))
        .map(|s| {
            (
                s.file.clone(),
                s.reporting_unit
                    .clone()
                    .or_else(|| Some(crate::text::normalize(stem(&s.file)))),
                s.unreadable,
            )
        })
        .collect();
    let reported: BTreeSet<String> = data
        .records(&schema.id)
        .iter()
        .filter_map(|r| r.project.clone())
        .collect();
    // The first file of each reporting unit, by key; and the not-in-ledger messages by file.
    let mut file_of: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (_, u, _)) in files.iter().enumerate() {
        if let Some(u) = u {
            file_of.entry(key(u)).or_insert(i);
        }
    }
    let mut unmatched: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in data
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::NotInLedger)
    {
        unmatched
            .entry(d.location.file.as_str())
            .or_default()
            .push(d.message.as_str());
    }
    let mut diags = Vec::new();
    for unit in unit_order {
        let projects = &projects_by_unit[&unit];
        let Some((file, _, unreadable)) = file_of.get(&key(&unit)).map(|&i| &files[i]) else {
            let list: Vec<&str> = projects.iter().map(|(_, n)| n.as_str()).collect();
            diags.push(
                Diagnostic::new(
                    Code::MissingSubmission,
                    Location::file(schema.patterns.first().cloned().unwrap_or_default()),
                    format!(
                        "{unit}未报送{}（台账中有其项目 {} 个: {}）",
                        schema.title,
                        projects.len(),
                        list.join("、")
                    ),
                )
                .with_hint(format!("催报{unit}；如已报送，检查文件名与填报单位")),
            );
            continue;
        };
        if *unreadable {
            continue; // the file's own error says it all
        }
        for (p, name) in projects {
            if !reported.contains(p)
                && !unmatched
                    .get(file.as_str())
                    .is_some_and(|ms| ms.iter().any(|m| m.contains(name.as_str())))
            {
                if let Some(row) = unused.get(p) {
                    diags.push(row_not_used(row, (&unit, &schema.title), (p, name)));
                    continue;
                }
                diags.push(
                    Diagnostic::new(
                        Code::MissingRow,
                        Location::file(file.clone()),
                        format!("{unit}的{}中没有台账项目 {p} {name}", schema.title),
                    )
                    .with_hint("补报该项目一行；未报送的项目按上月累计计算、报送分为 0"),
                );
            }
        }
    }
    data.diagnostics.extend(diags);
}

fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
}
