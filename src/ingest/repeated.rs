//! Rows of a table matched to the ledger that repeat an earlier row's project and the table's
//! `unique_per_project` fields (a procedure listed twice for one project): the repeat is an
//! error at its cell (E031) and not used, so nothing is counted twice.

use super::match_problems::location;
use super::record::Dataset;
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::TableSchema;
use crate::text::key;
use std::collections::HashMap;

/// Drops the rows of `schema` repeating an earlier row's project and `unique_per_project`
/// values, each said at its cell.
pub(super) fn repeated_per_project(schema: &TableSchema, data: &mut Dataset) {
    let fields = &schema.unique_per_project;
    if fields.is_empty() {
        return;
    }
    let records = data.tables.remove(&schema.id).unwrap_or_default();
    let mut seen: HashMap<(String, Vec<String>), String> = HashMap::new();
    let mut kept = Vec::with_capacity(records.len());
    for r in records {
        let Some(project) = r.project.clone() else {
            kept.push(r);
            continue;
        };
        let values: Vec<String> = fields
            .iter()
            .map(|f| r.get(f).map(|v| key(&v.to_string())).unwrap_or_default())
            .collect();
        if values.iter().all(String::is_empty) {
            kept.push(r);
            continue;
        }
        let k = (project.clone(), values);
        let Some(first) = seen.get(&k) else {
            seen.insert(k, r.row_ref());
            kept.push(r);
            continue;
        };
        let label = |f: &str| schema.field(f).map_or(f.to_string(), |x| x.label.clone());
        let named: Vec<String> = fields
            .iter()
            .map(|f| {
                let v = r.get(f).map(|v| v.to_string()).unwrap_or_default();
                format!("{}“{v}”", label(f))
            })
            .collect();
        let what: Vec<String> = fields.iter().map(|f| label(f)).collect();
        data.diagnostics.push(
            Diagnostic::new(
                Code::DuplicateProject,
                location(&r, &fields[0]),
                format!(
                    "项目 {project} 的{}已在 {first} 填报，此行重复，未采用",
                    named.join("、")
                ),
            )
            .with_hint(format!(
                "每个项目的每项{}只填一行；办理情况有变化时改在原行，删去重复的一行",
                what.join("、")
            )),
        );
    }
    data.tables.insert(schema.id.clone(), kept);
}
