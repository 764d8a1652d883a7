//! The rule set: everything the county decides, loaded from TOML and validated before any input
//! is read. Raw serde structs mirror the files; the types here are what the engine uses.

pub mod annual;
mod calendar;
mod condition;
pub mod deadline;
mod domains;
mod error;
pub mod layout;
pub mod lights;
mod lint;
pub mod notice;
pub mod office_calendar;
pub(crate) mod official;
pub mod post_evaluation;
mod probe;
mod report_fill;
mod report_template;
pub mod report_up;
mod report_widths;
pub mod roles;
pub mod scoring;
pub mod screening;
mod screening_thresholds;
pub mod serve;
mod signs;
mod source;
pub mod status;
pub(crate) mod supervision;
mod table;
mod table_checks;
mod table_fields;
pub mod units;
mod vocab;
pub mod weekly;

pub use deadline::{Count, Deadline, Deadlines, Due, StatusLabels, Subject};
pub(crate) use error::RulesError;
pub(crate) use roles::{FieldRole, Roles, TableRole};
pub(crate) use scoring::{Aggregate, Scoring, Trigger};
pub(crate) use source::{BUILT_IN, EXPORT_HINT, cited, to_edit};
pub use source::{RuleFile, RuleSource};
pub use table::{Bound, Field, FieldType, Match, OutOfRange, Plausible, RowCheck, TableSchema};
pub(crate) use table::{FILED_MONTH_START, SUBMITTED_ON};
pub(crate) use table_checks::{ReportMonth, WentBack};
pub(crate) use vocab::{Limits, Vocabulary};

use std::path::Path;

/// A validated rule set.
#[derive(Debug, Clone)]
pub struct Rules {
    pub source: RuleSource,
    pub vocab: Vocabulary,
    /// Input tables, those that others match against first.
    pub tables: Vec<TableSchema>,
    /// Table and field ids by the role the engine gives them (`rules/roles.toml`).
    pub roles: Roles,
    pub calendar: crate::calendar::Calendar,
    pub deadlines: Deadlines,
    pub scoring: Scoring,
    pub screening: screening::Screening,
    pub notices: notice::Notices,
    pub post_evaluation: post_evaluation::Evaluation,
    /// Units by canonical name with their aliases (`rules/units.toml`).
    pub units: units::Units,
    /// The weekly cycle (`rules/weekly.toml`).
    pub weekly: weekly::Weekly,
    /// The dates the office's notice sets each month (`rules/office_calendar.toml`).
    pub office_calendar: office_calendar::OfficeCalendar,
    /// How monthly scores make the annual ranking (`rules/annual.toml`).
    pub annual: annual::Annual,
    /// Limits of the local page (`rules/serve.toml`).
    pub serve: serve::UploadLimits,
    /// 红黄绿灯 and 三个一批 (`rules/lights.toml`).
    pub lights: lights::Lights,
    /// The city's reports filled from our fields (`rules/report_up/*.toml`).
    pub report_up: Vec<report_up::Mapping>,
}

impl Rules {
    /// Loads and checks every file of the embedded rule set, or of the one in `dir` (this is
    /// `sanyipi rules check`).
    pub fn load(dir: Option<&Path>) -> Result<Self, RulesError> {
        let source = match dir {
            Some(d) => RuleSource::from_dir(d)?,
            None => RuleSource::embedded(),
        };
        Self::from_source(source)
    }

    pub fn from_source(source: RuleSource) -> Result<Self, RulesError> {
        let vocab = Vocabulary::load(source.get("ingest.toml")?)?;
        let mut tables: Vec<TableSchema> = Vec::new();
        for file in source.under("tables") {
            let t = TableSchema::load(file)?;
            if tables.iter().any(|u| u.id == t.id) {
                return Err(file.error_near(&t.id, format!("表 id {} 与另一个规则文件重复", t.id)));
            }
            tables.push(t);
        }
        if tables.is_empty() {
            return Err(RulesError::file(
                &format!("{}/tables", source.origin),
                "没有任何表格规则（tables/*.toml）",
            ));
        }
        validate_matches(&source, &tables)?;
        table::settle_code_fields(&mut tables);
        tables.sort_by_key(|t| (t.matching.is_some(), t.id.clone()));
        let roles = Roles::load(&source, &tables)?;
        let calendar = calendar::load(source.under("calendar"))?;
        if calendar.years().is_empty() {
            return Err(RulesError::file(
                &format!("{}/calendar", source.origin),
                "没有任何年份的节假日安排：工作日只能按周末推算，各项期限都会算错",
            )
            .with_hint(
                "从内置规则复制 calendar/ 文件夹（sanyipi rules export DIR 导出）到规则目录",
            ));
        }
        let office_calendar =
            office_calendar::OfficeCalendar::load(source.get("office_calendar.toml")?)?;
        check_row_checks(&source, &tables)?;
        let deadlines = Deadlines::load(
            source.get("deadlines.toml")?,
            &tables,
            &roles,
            &office_calendar,
        )?;
        // A project's rules are evaluated over its ledger row and monthly report.
        let project_domains = domains::Domains::of_tables(deadline::subject_tables(
            Subject::Project,
            None,
            &tables,
            &roles,
        ));
        let project_fields = deadline::known_fields(Subject::Project, None, &tables, &roles);
        let deadline_ids: Vec<String> = deadlines.rules.iter().map(|d| d.id.clone()).collect();
        let own: Vec<&deadline::OwnLabels> = deadlines.rules.iter().map(|d| &d.status).collect();
        let scoring_domains = project_domains
            .clone()
            .with_status("start_status", &deadlines.status, &own)
            .with_status("report_status", &deadlines.status, &own);
        let scoring = Scoring::load(
            source.get("scoring.toml")?,
            &project_fields,
            &deadline_ids,
            &scoring_domains,
        )?;
        probe::scoring_formulas(source.get("scoring.toml")?, &scoring, &tables)?;
        let screening = screening::Screening::load(source.get("screening.toml")?, &tables)?;
        let penalty_ids: Vec<String> = scoring.penalties.iter().map(|p| p.id.clone()).collect();
        let notices = notice::Notices::load(
            source.get("notices.toml")?,
            &deadline_ids,
            &penalty_ids,
            &tables,
        )?;
        let post_evaluation =
            post_evaluation::Evaluation::load(source.get("evaluate.toml")?, &tables)?;
        let units = units::Units::load(source.get("units.toml")?, &tables)?;
        let weekly = weekly::Weekly::load(
            source.get("weekly.toml")?,
            &roles,
            &deadlines,
            &office_calendar,
        )?;
        let annual = annual::Annual::load(&source)?;
        let serve = serve::UploadLimits::load(&source, &vocab)?;
        let lights =
            lights::Lights::load(&source, &deadlines, &tables, roles.table(TableRole::Ledger))?;
        let report_up = report_up::load(
            &source,
            table_by_id(&tables, roles.table(TableRole::Ledger)),
            table_by_id(&tables, roles.table(TableRole::Monthly)),
            &project_domains,
        )?;
        Ok(Rules {
            report_up,
            units,
            roles,
            weekly,
            office_calendar,
            annual,
            serve,
            lights,
            source,
            vocab,
            tables,
            calendar,
            deadlines,
            scoring,
            screening,
            notices,
            post_evaluation,
        })
    }

    pub fn table(&self, id: &str) -> Option<&TableSchema> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The table playing `role` (always there: roles are checked at load).
    pub(crate) fn table_of(&self, role: TableRole) -> &TableSchema {
        self.table(self.roles.table(role))
            .expect("roles point to known tables")
    }

    /// The column label of the ledger or monthly field behind a `run.json` input name.
    pub(crate) fn input_label(&self, name: &str) -> Option<&str> {
        let role = Roles::project_input(name)?;
        let field = self.table_of(role.table()).field(self.roles.field(role))?;
        Some(&field.label)
    }
}

fn validate_matches(source: &RuleSource, tables: &[TableSchema]) -> Result<(), RulesError> {
    for t in tables {
        let file = source
            .files
            .iter()
            .find(|f| f.display == t.file)
            .expect("table file");
        let Some(m) = &t.matching else {
            if t.expect_units_from.is_some() {
                return Err(file
                    .error_near("expect_units_from", "expect_units_from 需要同时设置 match")
                    .with_hint(
                        "加上 match = { table = \"ledger\", by = [...] }，或删去 expect_units_from",
                    ));
            }
            continue;
        };
        let Some(target) = tables.iter().find(|u| u.id == m.table) else {
            return Err(file
                .error_near(&m.table, format!("match.table 指向不存在的表 {}", m.table))
                .with_hint(format!("已定义的表: {}", ids(tables))));
        };
        if target.matching.is_some() {
            return Err(file.error_near(&m.table, "只能与不再匹配其他表的表（台账）匹配"));
        }
        for by in &m.by {
            if target.field(by).is_none() {
                return Err(file
                    .error_near(by, format!("表 {} 没有字段 {by}", target.id))
                    .with_hint(condition::one_of(
                        by,
                        target.fields.iter().map(|f| f.id.as_str()),
                    )));
            }
        }
        for f in m.unit.iter().chain(t.expect_units_from.iter()) {
            if target.field(f).is_none() {
                return Err(file
                    .error_near(f, format!("表 {} 没有字段 {f}", target.id))
                    .with_hint(condition::one_of(
                        f,
                        target.fields.iter().map(|x| x.id.as_str()),
                    )));
            }
        }
    }
    Ok(())
}

/// Checks the quoted texts the tables' row checks compare with an option field of their table.
fn check_row_checks(source: &RuleSource, tables: &[TableSchema]) -> Result<(), RulesError> {
    for t in tables {
        let Some(file) = source.files.iter().find(|f| f.display == t.file) else {
            continue;
        };
        let domains = domains::Domains::of_tables([t]);
        for c in &t.checks {
            domains.check(file, c.when.src())?;
        }
    }
    Ok(())
}

fn ids(tables: &[TableSchema]) -> String {
    tables
        .iter()
        .map(|t| t.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table `id` of `tables` (roles are checked at load, so it is there).
fn table_by_id<'a>(tables: &'a [TableSchema], id: &str) -> &'a TableSchema {
    tables
        .iter()
        .find(|t| t.id == id)
        .expect("roles point to known tables")
}
