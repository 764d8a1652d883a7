//! A project as the engine sees it: its ledger row with this month's report merged in.

use crate::ingest::{Dataset, Record, Value};
use crate::rules::TableRole;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// One ledger project and its monthly row, if reported.
#[derive(Debug, Clone)]
pub(crate) struct ProjectView<'a> {
    pub(crate) id: String,
    pub(crate) ledger: &'a Record,
    pub(crate) monthly: Option<&'a Record>,
    /// Ledger fields, plus monthly fields the ledger does not have.
    pub(crate) values: BTreeMap<String, Value>,
    /// Fields of a reported project taken from an earlier month's report (history), because this
    /// month's row left them empty or unreadable.
    pub(crate) from_history: Vec<String>,
}

impl ProjectView<'_> {
    pub(crate) fn text(&self, field: &str) -> Option<&str> {
        self.values.get(field).and_then(Value::as_str)
    }

    /// `file!sheet!A1` of a field, from whichever row supplied it.
    pub(crate) fn cell_ref(&self, field: &str) -> String {
        if self.from_history.iter().any(|f| f == field) {
            return "历史记录（此前月报所报）".to_string();
        }
        if self.ledger.values.contains_key(field) {
            return self.ledger.cell_ref(field);
        }
        match self.monthly {
            Some(m) => m.cell_ref(field),
            None => self.ledger.cell_ref(field),
        }
    }
}

/// Every ledger project in ledger order; `carried` supplies fields (last reported figures) for
/// projects with no monthly row.
pub(crate) fn project_views<'a>(
    data: &'a Dataset,
    carried: &BTreeMap<String, BTreeMap<String, Value>>,
) -> Vec<ProjectView<'a>> {
    let monthly: BTreeMap<&str, &Record> = data
        .table(TableRole::Monthly)
        .iter()
        .filter_map(|r| r.project.as_deref().map(|p| (p, r)))
        .collect();
    // Each view copies its rows' values: done on every core, in ledger order.
    data.table(TableRole::Ledger)
        .par_iter()
        .filter_map(|l| {
            let id = l.project.clone()?;
            let m = monthly.get(id.as_str()).copied();
            let mut values = l.values.clone();
            if let Some(m) = m {
                for (k, v) in &m.values {
                    values.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            let mut from_history = Vec::new();
            for (k, v) in carried.get(&id).into_iter().flatten() {
                if !values.contains_key(k) {
                    values.insert(k.clone(), v.clone());
                    if m.is_some() {
                        from_history.push(k.clone());
                    }
                }
            }
            Some(ProjectView {
                id,
                ledger: l,
                monthly: m,
                values,
                from_history,
            })
        })
        .collect()
}
