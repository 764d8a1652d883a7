//! A table that is one list (`one_file`, the 招商项目信息汇总表): several files of it in the
//! input are versions of that list (the list and a revised copy). The latest is read; the others
//! are said once (W042), their rows counted as not used, never read twice.

use super::record::{Dataset, FileSummary};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::TableSchema;
use chrono::NaiveDate;
use std::path::Path;
use std::time::SystemTime;

/// One file of the list: its name, 填报日期 and when it was last saved.
struct Version {
    file: String,
    submitted_on: Option<NaiveDate>,
    modified: Option<SystemTime>,
}

/// Keeps the rows of the latest version of `schema`'s list and says which file is used.
pub(super) fn keep_latest(schema: &TableSchema, data: &mut Dataset) {
    let dir = Path::new(&data.input);
    let versions: Vec<Version> = data
        .files
        .iter()
        .filter(|f| f.table.as_deref() == Some(schema.id.as_str()))
        .filter(|f| !f.unreadable && f.rows.data > 0)
        .map(|f: &FileSummary| Version {
            file: f.file.clone(),
            submitted_on: f.submitted_on,
            modified: std::fs::metadata(dir.join(&f.file))
                .and_then(|m| m.modified())
                .ok(),
        })
        .collect();
    if versions.len() < 2 {
        return;
    }
    // The latest 填报日期, then the latest saved; of equals, the last in the folder's order.
    let Some(used) = versions
        .iter()
        .max_by(|a, b| (a.submitted_on, a.modified).cmp(&(b.submitted_on, b.modified)))
        .map(|v| v.file.clone())
    else {
        return;
    };
    if let Some(rows) = data.tables.get_mut(&schema.id) {
        rows.retain(|r| r.file == used);
    }
    data.diagnostics.push(said(schema, &versions, &used));
}

/// The W042 at the first file not used: every version with its date, which one is used and why.
fn said(schema: &TableSchema, versions: &[Version], used: &str) -> Diagnostic {
    let shown = |v: &Version| {
        let mut when = Vec::new();
        if let Some(d) = v.submitted_on {
            when.push(format!("填报日期 {d}"));
        }
        if let Some(t) = v.modified {
            let t: chrono::DateTime<chrono::Local> = t.into();
            when.push(format!("保存于 {}", t.format("%Y-%m-%d %H:%M")));
        }
        match when.is_empty() {
            true => v.file.clone(),
            false => format!("{}（{}）", v.file, when.join("，")),
        }
    };
    let unused: Vec<&str> = versions
        .iter()
        .map(|v| v.file.as_str())
        .filter(|f| *f != used)
        .collect();
    let list: Vec<String> = versions.iter().map(shown).collect();
    Diagnostic::new(
        Code::DuplicateRow,
        Location::file(unused[0]),
        format!(
            "读到 {} 份{}：{}；视为同一清单的不同版本，采用最新的 {used}，{} 中的行均未采用",
            versions.len(),
            schema.title,
            list.join("、"),
            unused.join("、")
        ),
    )
    .with_hint(format!(
        "如应采用另一份，请只保留那一份{}后重新运行；如几份是不同的清单，请合并为一份",
        schema.title
    ))
}
