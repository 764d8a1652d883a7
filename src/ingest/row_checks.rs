//! The consistency checks of a table schema (`[[check]]`) on every used row.

use super::match_problems::location;
use super::record::{Dataset, Record};
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::TableSchema;
use crate::value::Value;
use rayon::prelude::*;
use std::collections::HashMap;

/// The consistency checks of the schema (`[[check]]`) on every used row. A check whose
/// condition cannot be evaluated on a row is reported at that row, naming the check. Rows are
/// checked on every core; the problems keep the rows' order.
pub(super) fn row_checks(schema: &TableSchema, data: &mut Dataset) {
    if schema.checks.is_empty() {
        return;
    }
    let ids: Vec<String> = schema
        .fields
        .iter()
        .map(|f| f.id.clone())
        .chain([
            crate::rules::SUBMITTED_ON.to_string(),
            crate::rules::FILED_MONTH_START.to_string(),
        ])
        .collect();
    // The first day of the month each file is filed in, by the month its title names.
    let offset = schema
        .report_month
        .as_ref()
        .and_then(|r| r.submitted)
        .unwrap_or(0);
    let filed: HashMap<&str, Value> = data
        .files
        .iter()
        .filter_map(|f| {
            Some((
                f.file.as_str(),
                Value::Date(f.report_month?.shift(offset).day(1)),
            ))
        })
        .collect();
    let found: Vec<(Vec<Diagnostic>, Vec<&str>)> = data
        .records(&schema.id)
        .par_iter()
        .map(|r| checks_of_row(schema, r, &ids, filed.get(r.file.as_str())))
        .collect();
    let mut diagnostics = Vec::new();
    let mut drops = Vec::new();
    for (d, dropped) in found {
        diagnostics.extend(d);
        drops.push(dropped);
    }
    // A check with `drop_value` holds: its field's value is not used, as if its cell were blank.
    if let Some(records) = data.tables.get_mut(&schema.id) {
        for (r, dropped) in records.iter_mut().zip(drops) {
            for field in dropped {
                r.values.remove(field);
            }
        }
    }
    data.diagnostics.extend(diagnostics);
}

/// The problems the schema's checks find in row `r`, whose fields are `ids`, and the fields
/// whose value a check that holds does not let be used (`drop_value`); `filed` is the first day
/// of the month its file is filed in.
fn checks_of_row<'s>(
    schema: &'s TableSchema,
    r: &Record,
    ids: &[String],
    filed: Option<&Value>,
) -> (Vec<Diagnostic>, Vec<&'s str>) {
    let mut found = Vec::new();
    let mut dropped = Vec::new();
    let submitted = r.submitted_on.map(Value::Date);
    let get = |k: &str| {
        if k == crate::rules::SUBMITTED_ON {
            submitted.as_ref()
        } else if k == crate::rules::FILED_MONTH_START {
            filed
        } else {
            r.values.get(k)
        }
    };
    for c in &schema.checks {
        match c.when.holds(c.when.context_by(get, ids)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                found.push(
                    Diagnostic::new(
                        Code::RuleFailed,
                        location(r, &c.field),
                        format!("检查 {} 的条件无法在此行计算：{e}", c.id),
                    )
                    .with_hint(format!(
                        "核对此行数据，或修正 {} 中检查 {} 的 when",
                        schema.file, c.id
                    )),
                );
                continue;
            }
        }
        let ctx = crate::expr::context_of(get, ids.iter());
        let message = crate::expr::render(&c.message, ctx)
            .unwrap_or_else(|e| format!("{}（提示模板有误。技术信息：{e}）", c.id));
        let mut d = Diagnostic::new(Code::RowCheck, location(r, &c.field), message);
        if let Some(h) = &c.hint {
            d = d.with_hint(h.clone());
        }
        found.push(d);
        if c.drop_value {
            dropped.push(c.field.as_str());
        }
    }
    (found, dropped)
}
