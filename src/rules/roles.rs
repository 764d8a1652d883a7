//! Roles (`rules/roles.toml`): which table and which column the engine relies on for each of its
//! jobs. The roles are the engine's vocabulary (the enums below); the table and field ids they map
//! to are the county's, checked against `tables/*.toml` at load.

use super::{RuleFile, RuleSource, RulesError, TableSchema};
use std::collections::BTreeMap;

/// A table the engine reads by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableRole {
    Ledger,
    Monthly,
    Procedures,
    Weekly,
    History,
}

impl TableRole {
    pub(crate) const ALL: [TableRole; 5] = [
        TableRole::Ledger,
        TableRole::Monthly,
        TableRole::Procedures,
        TableRole::Weekly,
        TableRole::History,
    ];

    /// The section of `roles.toml` that names this table.
    pub(crate) fn key(self) -> &'static str {
        match self {
            TableRole::Ledger => "ledger",
            TableRole::Monthly => "monthly",
            TableRole::Procedures => "procedures",
            TableRole::Weekly => "weekly",
            TableRole::History => "history",
        }
    }
}

/// A field the engine reads by role, in the table of its [`TableRole`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldRole {
    ProjectName,
    ResponsibleUnit,
    CountyLeader,
    AnnualPlan,
    SignDate,
    LandDelistingDate,
    PlannedCompletion,
    CumInvest,
    Started,
    ActualStart,
    Completed,
    CompletedDate,
    ProcedureProjectName,
    Procedure,
    Department,
    AssignedDate,
    ProblemProjectId,
    ProblemProjectName,
    ReportingUnit,
    Category,
    Problem,
    Suggestion,
    ProblemLeader,
    FirstRaised,
    ReportedOn,
    ProblemStatus,
    Month,
    Unit,
    Score,
    Rank,
}

use FieldRole as F;
use TableRole as T;

/// Every field role: its table, and its key in that table's section of `roles.toml`.
const FIELDS: &[(FieldRole, TableRole, &str)] = &[
    (F::ProjectName, T::Ledger, "project_name"),
    (F::ResponsibleUnit, T::Ledger, "responsible_unit"),
    (F::CountyLeader, T::Ledger, "county_leader"),
    (F::AnnualPlan, T::Ledger, "annual_plan"),
    (F::SignDate, T::Ledger, "sign_date"),
    (F::LandDelistingDate, T::Ledger, "land_delisting_date"),
    (F::PlannedCompletion, T::Ledger, "planned_completion"),
    (F::CumInvest, T::Monthly, "cum_invest"),
    (F::Started, T::Monthly, "started"),
    (F::ActualStart, T::Monthly, "actual_start"),
    (F::Completed, T::Monthly, "completed"),
    (F::CompletedDate, T::Monthly, "completed_date"),
    (F::ProcedureProjectName, T::Procedures, "project_name"),
    (F::Procedure, T::Procedures, "procedure"),
    (F::Department, T::Procedures, "department"),
    (F::AssignedDate, T::Procedures, "assigned_date"),
    (F::ProblemProjectId, T::Weekly, "project_id"),
    (F::ProblemProjectName, T::Weekly, "project_name"),
    (F::ReportingUnit, T::Weekly, "reporting_unit"),
    (F::Category, T::Weekly, "category"),
    (F::Problem, T::Weekly, "problem"),
    (F::Suggestion, T::Weekly, "suggestion"),
    (F::ProblemLeader, T::Weekly, "county_leader"),
    (F::FirstRaised, T::Weekly, "first_raised"),
    (F::ReportedOn, T::Weekly, "reported_on"),
    (F::ProblemStatus, T::Weekly, "status"),
    (F::Month, T::History, "month"),
    (F::Unit, T::History, "unit"),
    (F::Score, T::History, "score"),
    (F::Rank, T::History, "rank"),
];

/// The key naming a table in its section of `roles.toml`.
const TABLE_KEY: &str = "table";

impl FieldRole {
    fn entry(self) -> &'static (FieldRole, TableRole, &'static str) {
        FIELDS
            .iter()
            .find(|(f, ..)| *f == self)
            .expect("every field role is listed")
    }

    /// The table this field belongs to.
    pub(crate) fn table(self) -> TableRole {
        self.entry().1
    }

    /// The key of this role in `roles.toml`; also the name the engine gives the value in what
    /// it records (`run.json` inputs), so renaming a field id changes no output.
    pub(crate) fn key(self) -> &'static str {
        self.entry().2
    }
}

/// The resolved roles: table and field ids by role.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    tables: Vec<(TableRole, String)>,
    fields: Vec<(FieldRole, String)>,
}

impl Roles {
    /// The id of the table playing `role` (empty only in a dataset built without rules).
    pub(crate) fn table(&self, role: TableRole) -> &str {
        self.tables
            .iter()
            .find(|(r, _)| *r == role)
            .map_or("", |(_, id)| id.as_str())
    }

    /// The id of the field playing `role`.
    pub(crate) fn field(&self, role: FieldRole) -> &str {
        self.fields
            .iter()
            .find(|(r, _)| *r == role)
            .map_or("", |(_, id)| id.as_str())
    }

    /// The field role of the ledger or monthly table whose key is `key` (a `run.json` input).
    pub(crate) fn project_input(key: &str) -> Option<FieldRole> {
        FIELDS
            .iter()
            .find(|(_, t, k)| *k == key && matches!(t, T::Ledger | T::Monthly))
            .map(|(f, ..)| *f)
    }

    /// Loads `roles.toml` of `source` (the shipped one when a rules folder exported before it
    /// existed has none), every role checked against `tables`.
    pub(crate) fn load(source: &RuleSource, tables: &[TableSchema]) -> Result<Self, RulesError> {
        let shipped;
        let file = match source.get("roles.toml") {
            Ok(f) => f,
            Err(_) => {
                shipped = RuleSource::embedded();
                shipped.get("roles.toml")?
            }
        };
        let raw: BTreeMap<String, BTreeMap<String, String>> = file.parse()?;
        check_known(file, &raw)?;
        let mut roles = Roles::default();
        for role in TableRole::ALL {
            let section = raw
                .get(role.key())
                .ok_or_else(|| missing_section(file, role))?;
            let id = section
                .get(TABLE_KEY)
                .ok_or_else(|| missing_key(file, role, TABLE_KEY))?;
            let Some(table) = tables.iter().find(|t| &t.id == id) else {
                return Err(value_error(
                    file,
                    role.key(),
                    TABLE_KEY,
                    format!("没有 id 为 {id} 的表"),
                )
                .with_hint(format!("已定义的表: {}", table_ids(tables))));
            };
            for &(field, _, key) in FIELDS.iter().filter(|(_, t, _)| *t == role) {
                let fid = section
                    .get(key)
                    .ok_or_else(|| missing_key(file, role, key))?;
                if table.field(fid).is_none() {
                    return Err(value_error(
                        file,
                        role.key(),
                        key,
                        format!("表 {} 没有 id 为 {fid} 的字段", table.id),
                    )
                    .with_hint(format!("表 {} 的字段见 {}", table.id, table.file)));
                }
                roles.fields.push((field, fid.clone()));
            }
            if let Some((other, _)) = roles.tables.iter().find(|(_, t)| t == id) {
                return Err(value_error(
                    file,
                    role.key(),
                    TABLE_KEY,
                    format!(
                        "表 {id} 已担任角色 [{}]，一个表只能担任一个角色",
                        other.key()
                    ),
                ));
            }
            roles.tables.push((role, id.clone()));
        }
        Ok(roles)
    }
}

/// Sections and keys that name no role are refused: a misspelt role would else be unused.
fn check_known(
    file: &RuleFile,
    raw: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<(), RulesError> {
    for (section, keys) in raw {
        let Some(role) = TableRole::ALL.into_iter().find(|r| r.key() == section) else {
            return Err(file
                .error_near(&format!("[{section}]"), format!("未知的角色 [{section}]"))
                .with_hint(format!("可用的角色: {}", sections())));
        };
        for key in keys.keys() {
            if key != TABLE_KEY && !keys_of(role).contains(&key.as_str()) {
                return Err(value_error(
                    file,
                    section,
                    key,
                    format!("[{section}] 中没有角色 {key}"),
                )
                .with_hint(format!("[{section}] 中可用: {}", keys_of(role).join(", "))));
            }
        }
    }
    Ok(())
}

fn keys_of(role: TableRole) -> Vec<&'static str> {
    std::iter::once(TABLE_KEY)
        .chain(
            FIELDS
                .iter()
                .filter(|(_, t, _)| *t == role)
                .map(|(.., k)| *k),
        )
        .collect()
}

fn sections() -> String {
    TableRole::ALL.map(TableRole::key).join(", ")
}

fn missing_section(file: &RuleFile, role: TableRole) -> RulesError {
    RulesError::at(
        &file.display,
        &file.text,
        0,
        format!("缺少角色 [{}]", role.key()),
    )
    .with_hint(format!(
        "加上 [{}] 一节，写明 {}",
        role.key(),
        keys_of(role)
            .iter()
            .map(|k| format!("{k} = \"…\""))
            .collect::<Vec<_>>()
            .join("、")
    ))
}

fn missing_key(file: &RuleFile, role: TableRole, key: &str) -> RulesError {
    let what = if key == TABLE_KEY { "表" } else { "字段" };
    file.error_near(
        &format!("[{}]", role.key()),
        format!("[{}] 缺少角色 {key}", role.key()),
    )
    .with_hint(format!(
        "在 [{}] 下加一行 {key} = \"{what} id\"（tables/*.toml 中的 id）",
        role.key()
    ))
}

/// An error at the value of `key` in `[section]`, where the TOML parser found it.
fn value_error(
    file: &RuleFile,
    section: &str,
    key: &str,
    message: impl Into<String>,
) -> RulesError {
    match value_offset(&file.text, section, key) {
        Some(offset) => RulesError::at(&file.display, &file.text, offset, message),
        None => file.error_near(&format!("[{section}]"), message),
    }
}

fn value_offset(text: &str, section: &str, key: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
        t.iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }
    let root = DeTable::parse(text).ok()?;
    let DeValue::Table(s) = get(root.get_ref(), section)?.get_ref() else {
        return None;
    };
    Some(get(s, key)?.span().start)
}

fn table_ids(tables: &[TableSchema]) -> String {
    tables
        .iter()
        .map(|t| t.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
