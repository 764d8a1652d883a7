//! The clean result of ingest: typed records, per-file reconciliation, diagnostics.

use super::reader::RowCounts;
use super::value::Value;
use crate::diagnostic::{Diagnostic, Severity};
use crate::terminal::escape_line;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// One used row of an input table.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub table: String,
    pub file: String,
    pub sheet: String,
    /// One-based row number as Excel shows it.
    pub row: u32,
    pub values: BTreeMap<String, Value>,
    /// A1 cell of each field.
    pub cells: BTreeMap<String, String>,
    /// The ledger project this row belongs to (its 项目编号), for matched tables and the ledger.
    pub project: Option<String>,
    /// The reporting unit of the file (one-file-per-unit tables).
    pub unit: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    /// Problems found reading the row, reported once the row is matched (or not).
    #[serde(skip)]
    pub problems: Vec<Diagnostic>,
    /// A required value is missing or unreadable: the row is not used.
    #[serde(skip)]
    pub rejected: bool,
    /// The row is hidden in its sheet (read as any other; of two rows of one project, the
    /// visible one is used).
    #[serde(skip)]
    pub hidden: bool,
}

impl Record {
    /// Where `field` of this row is: its cell, else the row (`第N行`) when the field has none.
    pub(crate) fn field_location(&self, field: &str) -> crate::diagnostic::Location {
        crate::diagnostic::Location {
            file: self.file.clone(),
            sheet: Some(self.sheet.clone()),
            cell: Some(
                self.cells
                    .get(field)
                    .cloned()
                    .unwrap_or_else(|| format!("第{}行", self.row)),
            ),
        }
    }

    pub(crate) fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    pub fn number(&self, field: &str) -> Option<f64> {
        self.get(field).and_then(Value::as_f64)
    }

    pub fn date(&self, field: &str) -> Option<NaiveDate> {
        self.get(field).and_then(Value::as_date)
    }

    pub fn bool(&self, field: &str) -> Option<bool> {
        self.get(field).and_then(Value::as_bool)
    }

    /// `file!sheet!A1` of a field's cell, control characters of the names escaped.
    pub fn cell_ref(&self, field: &str) -> String {
        match self.cells.get(field) {
            Some(c) => format!(
                "{}!{}!{c}",
                escape_line(&self.file),
                escape_line(&self.sheet)
            ),
            None => self.row_ref(),
        }
    }

    /// `file!sheet!第N行`, names escaped as `cell_ref` does.
    pub fn row_ref(&self) -> String {
        let (file, sheet) = (escape_line(&self.file), escape_line(&self.sheet));
        format!("{file}!{sheet}!第{}行", self.row)
    }
}

/// Reconciliation of one file: rows read = used + rejected + blank + total + note.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FileSummary {
    pub file: String,
    pub table: Option<String>,
    pub sheet: Option<String>,
    pub reporting_unit: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    /// The cell of the 填报日期 (`A2`), where found.
    #[serde(skip)]
    pub submitted_at: Option<String>,
    pub rows: RowCounts,
    pub used: usize,
    pub rejected: usize,
    /// The file could not be read at all (see diagnostics).
    pub unreadable: bool,
    /// The month the file's title or 填报日期 says it is for, where its table checks that.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_month: Option<crate::calendar::Month>,
    /// Sheets of other months left out, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_sheets: Vec<String>,
    /// Why `reporting_unit` may not be the file's unit (its projects then decide).
    #[serde(skip)]
    pub unit_doubt: UnitDoubt,
}

impl FileSummary {
    /// Whether every row read is accounted for.
    pub fn balanced(&self) -> bool {
        self.rows.read
            == self.used
                + self.rejected
                + self.rows.blank
                + self.rows.total
                + self.rows.subtotal
                + self.rows.note
    }

    /// What the counts alone do not say: hidden rows read, 小计 rows skipped, sheets not used.
    pub fn remarks(&self) -> Vec<String> {
        let rows = |rs: &[u32]| {
            rs.iter()
                .map(|r| format!("第{r}行"))
                .collect::<Vec<_>>()
                .join("、")
        };
        let mut out = Vec::new();
        if !self.rows.hidden_rows.is_empty() {
            out.push(format!(
                "隐藏行 {} 行（{}），已照常读取",
                self.rows.hidden_rows.len(),
                rows(&self.rows.hidden_rows)
            ));
        }
        if self.rows.subtotal > 0 {
            out.push(format!(
                "小计行 {} 行（{}），已跳过",
                self.rows.subtotal,
                rows(&self.rows.subtotal_rows)
            ));
        }
        out.extend(self.unused_sheets.iter().cloned());
        out
    }
}

/// Known unit names as (key, name), shared between the files of a run.
pub(crate) type KnownUnits = std::sync::Arc<Vec<(String, String)>>;

/// Everything read from one input folder.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dataset {
    pub input: String,
    /// Records by table id, in file and row order.
    pub tables: BTreeMap<String, Vec<Record>>,
    pub files: Vec<FileSummary>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files skipped as clutter (`~$` lock files, `Thumbs.db` …), by path in the folder.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// Known unit names as (key, name), with the record count they were built from: built once
    /// per ledger, not once per file.
    #[serde(skip)]
    pub known_units: Option<(usize, KnownUnits)>,
    /// Table and field ids by role, from the rules the data was read with.
    #[serde(skip)]
    pub roles: crate::rules::Roles,
    /// The month every dated file of the folder is for, when that is one other month than the
    /// one assessed (`report_month::whole_folder`): a folder of another month, or the wrong month
    /// chosen.
    #[serde(skip)]
    pub other_month: Option<crate::calendar::Month>,
    /// Rows of an unmatched table (the ledger) not used for a wrong value: by table id, each
    /// row's values by field id as normalised text, with `file!sheet!第N行`. A report row naming
    /// such a project then says so instead of "not in the ledger".
    #[serde(skip)]
    pub refused: BTreeMap<String, Vec<RefusedRow>>,
}

/// A row of an unmatched table not used for a wrong value (see [`Dataset::refused`]).
#[derive(Debug, Clone, Default)]
pub struct RefusedRow {
    /// Its values by field id, as normalised text.
    pub keys: BTreeMap<String, String>,
    /// `file!sheet!第N行`.
    pub at: String,
    pub why: Refusal,
}

/// Why a row of an unmatched table was not used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Refusal {
    /// A value missing or wrong (its errors say which).
    #[default]
    WrongValue,
    /// Its key (`项目编号 DH2026-001`, as shown) is another row's, of another project (E031).
    RepeatedKey(String),
}

impl Dataset {
    pub fn records(&self, table: &str) -> &[Record] {
        self.tables.get(table).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Records of the table playing `role`.
    pub(crate) fn table(&self, role: crate::rules::TableRole) -> &[Record] {
        self.records(self.roles.table(role))
    }

    /// The id of the field playing `role`.
    pub(crate) fn field(&self, role: crate::rules::FieldRole) -> &str {
        self.roles.field(role)
    }

    pub(crate) fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub(crate) fn warning_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// The ledger record of a project id.
    pub fn project(&self, id: &str) -> Option<&Record> {
        self.table(crate::rules::TableRole::Ledger)
            .iter()
            .find(|r| r.project.as_deref() == Some(id))
    }
}

/// Why the unit a file is from may be other than its name says: the projects it reports then
/// decide (`unit_by_projects::units_by_projects`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UnitDoubt {
    /// The 填报单位 line or the file name names a known unit, and they do not disagree.
    #[default]
    None,
    /// Neither names a known unit (or the file name names several): W044 said so. The name
    /// the file was read as.
    Unknown(String),
    /// The 填报单位 line names one known unit and the file name another (`东湖镇.xlsx` signed
    /// 西岭乡, a line copied from another unit's form): (signed, file name).
    Conflict(String, String),
}
