//! What matching rows to the ledger says about a row: a project not in the ledger (with the
//! closest names), one whose ledger row was refused, a row naming two projects, a unit that
//! sent two files.

use super::record::{Record, Refusal, RefusedRow};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::TableSchema;
use crate::text::key;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A row whose 项目编号 and name are of two ledger projects (`used`, the one it counts as, and
/// `other`): counted by the first field of `by` that matches (the 项目编号), or by its name when
/// another row reports the code's project with its own name (`by_name`); said at the row.
pub(super) fn two_projects(
    r: &Record,
    by: &[String],
    (used, other): (&Record, &Record),
    by_name: bool,
) -> Diagnostic {
    let name_field = by.last().map(String::as_str).unwrap_or("");
    let shown = |t: &Record| {
        let id = t.project.clone().unwrap_or_default();
        match t.text(name_field) {
            Some(n) => format!("{id}“{n}”"),
            None => id,
        }
    };
    let (code, name) = if by_name {
        (other, used)
    } else {
        (used, other)
    };
    let counted = if by_name {
        format!(
            "项目 {} 另有编号与名称一致的一行，本行按项目名称计入 {}",
            other.project.as_deref().unwrap_or(""),
            used.project.as_deref().unwrap_or("")
        )
    } else {
        format!("按项目编号计入 {}", used.project.as_deref().unwrap_or(""))
    };
    Diagnostic::new(
        Code::TwoProjects,
        location(r, name_field),
        format!(
            "本行的项目编号与项目名称分属台账中的两个项目：{} 与 {}，{counted}",
            shown(code),
            shown(name),
        ),
    )
    .with_hint("核对本行的项目编号与项目名称，改为台账中同一项目的编号和名称")
}

/// A unit that sent more than one file of a one-file-per-unit table: said once, at its files.
pub(super) fn files_of_one_unit(schema: &TableSchema, records: &[Record]) -> Vec<Diagnostic> {
    let mut files: BTreeMap<&str, BTreeMap<&str, Option<NaiveDate>>> = BTreeMap::new();
    for r in records {
        if let Some(unit) = &r.unit {
            files
                .entry(unit)
                .or_default()
                .insert(&r.file, r.submitted_on);
        }
    }
    files
        .into_iter()
        .filter(|(_, f)| f.len() > 1)
        .map(|(unit, f)| {
            let list: Vec<String> = f
                .iter()
                .map(|(file, on)| match on {
                    Some(d) => format!("{file}（填报日期 {d}）"),
                    None => format!("{file}（无填报日期）"),
                })
                .collect();
            let first = f.keys().next().copied().unwrap_or_default();
            // The rows of the latest 填报日期 are used; of files of one date, the first file's.
            let latest = f.values().max().copied().flatten();
            let tied: Vec<&str> = f
                .iter()
                .filter(|(_, on)| **on == latest)
                .map(|(file, _)| *file)
                .collect();
            let used = match (tied.as_slice(), latest) {
                ([one], _) => format!("同一项目采用填报日期较晚的 {one} 中的一行"),
                (all, Some(_)) => format!(
                    "其中 {} 的填报日期相同，同一项目采用 {} 中的一行",
                    all.join("、"),
                    all[0]
                ),
                (all, None) => format!("均无填报日期，同一项目采用 {} 中的一行", all[0]),
            };
            Diagnostic::new(
                Code::DuplicateRow,
                Location::file(first),
                format!(
                    "{unit}报送了 {} 份{}：{}；{used}",
                    f.len(),
                    schema.title,
                    list.join("、")
                ),
            )
            .with_hint("如有更正，请只保留更正后的文件，或核对各文件的填报单位")
        })
        .collect()
}

/// A problem of a row not used because the unit sent another version of its report (`later`,
/// or of the same 填报日期), whose row `used` of project `id` is used: said at its cell as W042,
/// a warning, since it is not a problem of the month's data; the problem's own code and words
/// follow.
pub(super) fn superseded_problem(d: Diagnostic, id: &str, used: &str, later: bool) -> Diagnostic {
    let (which, hint) = match later {
        true => (
            "填报日期较晚的",
            "此行已由填报日期较晚的报表取代，无需更正；如应以此文件为准，请删去较晚的文件后重新检查",
        ),
        false => (
            "同一单位、同一填报日期的另一份报表",
            "同一单位报送了两份填报日期相同的报表，同一项目只采用其中一行；如应以此文件为准，请删去另一份后重新检查",
        ),
    };
    Diagnostic::new(
        Code::DuplicateRow,
        d.location,
        format!(
            "此行未采用：项目 {id} 采用{which} {used} 的一行，此处的问题不计入本月错误。原问题（{}）：{}",
            d.code.as_str(),
            d.message
        ),
    )
    .with_hint(hint)
}

/// A row of a ledger project not used for its own errors (a required value empty or
/// unreadable, a 累计 out of range): where it is and which errors, for the project's 警告.
#[derive(Debug, Clone)]
pub(crate) struct UnusedRow {
    /// The cell of its first error (the row, without one).
    at: Location,
    /// One-based row.
    row: u32,
    /// Its errors: `F6（E021）`.
    errors: Vec<String>,
    /// Their cells: `F6`.
    cells: Vec<String>,
}

impl UnusedRow {
    pub(super) fn of(r: &Record) -> UnusedRow {
        let errors: Vec<&Diagnostic> = r
            .problems
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .collect();
        let at = errors.first().map_or_else(
            || Location {
                file: r.file.clone(),
                sheet: Some(r.sheet.clone()),
                cell: None,
            },
            |d| d.location.clone(),
        );
        let mut cells: Vec<String> = errors
            .iter()
            .filter_map(|d| d.location.cell.clone())
            .collect();
        cells.dedup();
        UnusedRow {
            at,
            row: r.row,
            cells,
            errors: errors
                .iter()
                .map(|d| {
                    let cell = d.location.cell.as_deref().unwrap_or_default();
                    format!("{cell}（{}）", d.code.as_str())
                })
                .collect(),
        }
    }
}

/// A ledger project whose only row in the unit's report was not used for its errors: said at
/// the first error's cell, pointing at the errors to fix, not as a row to add (which would
/// report the project twice).
pub(super) fn row_not_used(
    row: &UnusedRow,
    (unit, title): (&str, &str),
    (id, name): (&str, &str),
) -> Diagnostic {
    let errors = if row.errors.is_empty() {
        String::new()
    } else {
        format!("：{}", row.errors.join("、"))
    };
    Diagnostic::new(
        Code::MissingRow,
        row.at.clone(),
        format!(
            "{unit}的{title}中台账项目 {id} {name} 的一行（第{}行）有错误未采用{errors}，该项目按未报送计",
            row.row
        ),
    )
    .with_hint(format!(
        "按该处错误的提示更正{}后重新检查，无需另报一行；未更正的，该项目按上月累计计算、报送分为 0",
        if row.cells.is_empty() {
            "此行".to_string()
        } else {
            format!(" {} ", row.cells.join("、"))
        }
    ))
}

/// A row of a project whose ledger row was not used (a wrong value there): said as that.
pub(super) fn ledger_row_refused(r: &Record, by: &[String], row: &RefusedRow) -> Diagnostic {
    let name_field = by.last().map(String::as_str).unwrap_or("");
    let shown: Vec<String> = by
        .iter()
        .filter_map(|b| r.get(b).map(|v| v.to_string()))
        .collect();
    let (shown, at) = (shown.join(" "), &row.at);
    let (message, hint) = match &row.why {
        Refusal::WrongValue => (
            format!("项目“{shown}”在台账中的一行（{at}）有误未采用，此行未计分"),
            "先更正台账中该行的错误（见上文对该行的说明），本行随之计分".to_string(),
        ),
        Refusal::RepeatedKey(what) => {
            let code = Code::DuplicateProject.as_str();
            (
                format!(
                    "项目“{shown}”在台账中的一行（{at}）因{what} 与另一项目重复未采用（{code}），此行未计分"
                ),
                format!("先更正台账中该行的{what}（见上文该行的 {code}），本行随之计分"),
            )
        }
    };
    Diagnostic::new(Code::NotInLedger, location(r, name_field), message).with_hint(hint)
}

pub(super) fn not_in_ledger(r: &Record, by: &[String], targets: &[Record]) -> Diagnostic {
    let name_field = by.last().map(String::as_str).unwrap_or("");
    let shown: Vec<String> = by
        .iter()
        .filter_map(|b| r.get(b).map(|v| v.to_string()))
        .collect();
    let subject = if shown.is_empty() {
        "（无编号、无名称）".to_string()
    } else {
        shown.join(" ")
    };
    let mut d = Diagnostic::new(
        Code::NotInLedger,
        location(r, name_field),
        format!("项目“{subject}”不在台账中，此行未计分"),
    );
    if let Some(name) = r.text(name_field) {
        let mut scored: Vec<(f64, String)> = targets
            .iter()
            .filter_map(|t| {
                t.text(name_field).map(|n| {
                    (
                        strsim::normalized_levenshtein(&key(name), &key(n)),
                        n.to_string(),
                    )
                })
            })
            .filter(|(s, _)| *s >= 0.4)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let names: Vec<String> = scored
            .into_iter()
            .take(3)
            .map(|(_, n)| format!("“{n}”"))
            .collect();
        d = d.with_hint(if names.is_empty() {
            "新项目请先报县重点项目办列入台账；已有项目请使用台账中的项目编号".to_string()
        } else {
            format!("台账中相近的项目: {}；新项目请先列入台账", names.join("、"))
        });
    }
    d
}

/// Where field `field` of row `r` is.
pub(super) fn location(r: &Record, field: &str) -> Location {
    Location {
        file: r.file.clone(),
        sheet: Some(r.sheet.clone()),
        cell: r.cells.get(field).cloned(),
    }
}
