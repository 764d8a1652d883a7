//! Table schemas (`rules/tables/*.toml`): which files an input table comes from, its fields with
//! header aliases and types, and how its rows join the ledger.

pub(crate) use super::table_checks::{Cumulative, ExpectIn, ReportMonth};
pub use super::table_fields::{Bound, Field, FieldType, OutOfRange, Plausible};
use super::table_fields::{RawField, load_fields};
use super::{RuleFile, RulesError};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTableFile {
    table: RawTable,
    field: Vec<RawField>,
    #[serde(default)]
    check: Vec<RawRowCheck>,
    #[serde(default)]
    wide: Option<super::layout::RawWide>,
    #[serde(default)]
    month_sheets: Option<super::layout::RawMonthSheets>,
    report_month: Option<ReportMonth>,
    cumulative: Option<Cumulative>,
    expect_in: Option<ExpectIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRowCheck {
    id: String,
    when: String,
    field: String,
    message: String,
    #[serde(default)]
    hint: Option<String>,
    #[serde(default)]
    drop_value: bool,
}

/// A consistency check of a row's values, reported as a warning where it fails.
#[derive(Debug, Clone)]
pub struct RowCheck {
    pub(crate) id: String,
    /// A minijinja condition over the row's fields: the row is reported when it holds.
    pub(crate) when: crate::expr::Expr,
    /// The field whose cell the report points at.
    pub(crate) field: String,
    /// The message (a minijinja template over the row's fields).
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// Where the check holds, `field`'s value is not used (as if the cell were blank).
    pub(crate) drop_value: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    id: String,
    title: String,
    files: Vec<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    one_file_per_unit: bool,
    /// One list (the 招商项目信息汇总表): of several files, one version is used (`one_file`).
    #[serde(default)]
    one_file: bool,
    #[serde(default)]
    submission_date: bool,
    #[serde(rename = "match")]
    matching: Option<RawMatch>,
    expect_units_from: Option<String>,
    /// A field whose value may appear in one row only (`项目编号` of the 后评估 table).
    unique: Option<String>,
    /// Fields whose values, with the row's project, may appear in one row only (a procedure
    /// of a project in the 前期手续 list).
    #[serde(default)]
    unique_per_project: Vec<String>,
    #[serde(default)]
    every_column: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    table: String,
    by: Vec<String>,
    unit: Option<String>,
}

/// How a table's rows join another table (the ledger).
#[derive(Debug, Clone)]
pub struct Match {
    pub(crate) table: String,
    /// Fields tried in order: the first is an exact key (项目编号), the rest match normalised text.
    pub(crate) by: Vec<String>,
    /// The field of the target table that names the responsible unit.
    pub(crate) unit: Option<String>,
}

/// A validated table schema.
#[derive(Debug, Clone)]
pub struct TableSchema {
    pub id: String,
    pub title: String,
    pub file: String,
    pub globs: GlobSet,
    pub patterns: Vec<String>,
    pub required: bool,
    pub one_file_per_unit: bool,
    /// The table is one list: several files of it are versions of that list, of which the
    /// latest is used and the others are said (W042), never read twice.
    pub one_file: bool,
    pub submission_date: bool,
    pub matching: Option<Match>,
    pub expect_units_from: Option<String>,
    /// A field whose value may appear in one row only; a repeat is E031 and not used.
    pub unique: Option<String>,
    /// Of a matched table: fields whose values may appear once per project (the 前期手续
    /// list's procedure); a repeat is E031 and not used.
    pub unique_per_project: Vec<String>,
    /// Every field is used by the rules: a header without one's column is a 警告 (W071) naming
    /// it, and its rows say the column is missing, not that their cells are empty.
    pub every_column: bool,
    pub fields: Vec<Field>,
    pub checks: Vec<RowCheck>,
    /// Name/title patterns of a sheet per month (`{m}月`, `{y}年{m}月`), see `ingest::sheet_select`.
    pub(crate) month_sheets: Vec<String>,
    /// Which month the file's title and 填报日期 must name (`[report_month]`), if checked.
    pub(crate) report_month: Option<ReportMonth>,
    /// A year-to-date figure checked against earlier months (`[cumulative]`).
    pub(crate) cumulative: Option<Cumulative>,
    /// Rows that another table must take in (`[expect_in]`).
    pub(crate) expect_in: Option<ExpectIn>,
    /// The wide form of the table (a column group per procedure), if declared.
    pub(crate) wide: Option<super::layout::Wide>,
    /// The field holding a row's project code, if the table has one: the field other tables
    /// match it by first (the ledger's 项目编号), its `unique` field, or the first of the
    /// fields it is matched by when there are more (a report's 项目编号 before its 项目名称).
    /// A row without it names no project (a total, heading or signature line may then be
    /// known by looser words).
    pub(crate) code_field: Option<String>,
}

/// Sets each table's `code_field` once all tables are known.
pub(crate) fn settle_code_fields(tables: &mut [TableSchema]) {
    let referenced: Vec<(String, String)> = tables
        .iter()
        .filter_map(|t| t.matching.as_ref())
        .filter_map(|m| Some((m.table.clone(), m.by.first()?.clone())))
        .collect();
    for t in tables.iter_mut() {
        t.code_field = referenced
            .iter()
            .find(|(table, _)| *table == t.id)
            .map(|(_, f)| f.clone())
            .or_else(|| t.unique.clone())
            .or_else(|| {
                t.matching
                    .as_ref()
                    .filter(|m| m.by.len() > 1)
                    .and_then(|m| m.by.first().cloned())
            });
    }
}

impl TableSchema {
    pub(crate) fn load(file: &RuleFile) -> Result<Self, RulesError> {
        let raw: RawTableFile = file.parse()?;
        let globs = file_globs(file, &raw.table.files)?;
        let fields = load_fields(file, raw.field)?;
        let matching = raw.table.matching.map(|m| Match {
            table: m.table,
            by: m.by,
            unit: m.unit,
        });
        check_matching(file, matching.as_ref(), &fields)?;
        if let Some(u) = &raw.table.unique
            && !fields.iter().any(|f| &f.id == u)
        {
            return Err(file
                .error_near(
                    &format!("unique = \"{u}\""),
                    format!("unique 指定的字段 {u} 未在本表定义"),
                )
                .with_hint(super::condition::one_of(
                    u,
                    fields.iter().map(|f| f.id.as_str()),
                )));
        }
        if let Some(u) = raw
            .table
            .unique_per_project
            .iter()
            .find(|u| !fields.iter().any(|f| &f.id == *u))
        {
            return Err(file
                .error_near(
                    &format!("\"{u}\""),
                    format!("unique_per_project 中的字段 {u} 未在本表定义"),
                )
                .with_hint("写本表 [[field]] 的 id，如 unique_per_project = [\"procedure\"]"));
        }
        if !raw.table.unique_per_project.is_empty() && matching.is_none() {
            return Err(file
                .error_near(
                    "unique_per_project",
                    "unique_per_project 只用于与台账匹配的表（写有 match 的表）",
                )
                .with_hint("不与台账匹配的表用 unique = \"字段\""));
        }
        let ids: Vec<String> = fields.iter().map(|f| f.id.clone()).collect();
        // A check also reads the file's 填报日期, as `submitted_on`, and the first day of the
        // month the report is filed in, as `filed_month_start`.
        let names: Vec<String> = ids
            .iter()
            .cloned()
            .chain([SUBMITTED_ON.to_string(), FILED_MONTH_START.to_string()])
            .collect();
        let checks = load_checks(file, raw.check, &names)?;
        let wide = raw
            .wide
            .map(|w| super::layout::Wide::load(w, file, &ids))
            .transpose()?;
        let month_sheets = super::layout::month_patterns(raw.month_sheets, file)?;
        if let Some(r) = &raw.report_month
            && let Some(p) = r
                .patterns
                .iter()
                .find(|p| !p.contains("{y}") || !p.contains("{m}"))
                .or(r.title.and(r.patterns.is_empty().then_some(&String::new())))
        {
            return Err(file
                .error_near("[report_month]", format!("标题月份模式“{p}”无效"))
                .with_hint(
                    "title 需配 patterns，每个模式用 {y} 表示年份、{m} 表示月份，如 \"{y}年{m}月\"",
                ));
        }
        if let Some(c) = &raw.cumulative {
            super::signs::not_negative(
                c.tolerance,
                "tolerance",
                "允许的差额（万元）",
                "去掉负号，写 0 或正数，如 tolerance = 1",
                |m| file.error_at_value(&["cumulative"], "tolerance", m),
            )?;
        }
        for (what, id) in raw
            .cumulative
            .iter()
            .flat_map(|c| [Some(&c.field), c.month_field.as_ref()])
            .chain(raw.expect_in.iter().map(|e| Some(&e.by)))
            .flatten()
            .map(|id| ("字段", id))
        {
            if !ids.contains(id) {
                return Err(file
                    .error_near(id, format!("{what} {id} 不在本表中"))
                    .with_hint(format!("本表的字段: {}", ids.join("、"))));
            }
        }
        Ok(TableSchema {
            cumulative: raw.cumulative,
            expect_in: raw.expect_in,
            month_sheets,
            report_month: raw.report_month.map(|r| ReportMonth {
                patterns: r.patterns.iter().map(|p| crate::text::key(p)).collect(),
                ..r
            }),
            wide,
            code_field: None,
            checks,
            id: raw.table.id,
            title: raw.table.title,
            file: file.display.clone(),
            globs,
            patterns: raw.table.files,
            required: raw.table.required,
            one_file_per_unit: raw.table.one_file_per_unit,
            one_file: raw.table.one_file,
            submission_date: raw.table.submission_date,
            matching,
            expect_units_from: raw.table.expect_units_from,
            unique: raw.table.unique,
            unique_per_project: raw.table.unique_per_project,
            every_column: raw.table.every_column,
            fields,
        })
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Whether `rel` (a path under the input folder, `/`-separated) belongs to this table.
    pub(crate) fn matches(&self, rel: &str) -> bool {
        self.globs.is_match(rel)
    }
}

/// The table's file patterns, compiled.
fn file_globs(file: &RuleFile, patterns: &[String]) -> Result<GlobSet, RulesError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                file.error_near(pattern, format!("文件匹配模式无效。技术信息：{e}"))
                    .with_hint("例如 \"月报/*\" 或 \"*台账*.xlsx\"")
            })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| file.error_near("files", format!("文件匹配模式无效。技术信息：{e}")))
}

/// Checks that the fields a table is matched by are its own.
fn check_matching(
    file: &RuleFile,
    matching: Option<&Match>,
    fields: &[Field],
) -> Result<(), RulesError> {
    if let Some(m) = matching {
        for by in &m.by {
            if !fields.iter().any(|f| &f.id == by) {
                return Err(file
                    .error_near(by, format!("match.by 中的字段 {by} 未在本表定义"))
                    .with_hint(
                        "match.by 列出本表与台账共有的字段，如 [\"project_id\", \"project_name\"]",
                    ));
            }
        }
    }
    Ok(())
}

/// The row checks: conditions over the table's fields `ids`, and their message templates.
/// The name under which a `[[check]]` reads its file's 填报日期.
pub(crate) const SUBMITTED_ON: &str = "submitted_on";
/// The name under which a `[[check]]` reads the first day of the month its file is filed in (the
/// month its title names, shifted by `[report_month] submitted`); none when the file names none.
pub(crate) const FILED_MONTH_START: &str = "filed_month_start";

fn load_checks(
    file: &RuleFile,
    raw: Vec<RawRowCheck>,
    ids: &[String],
) -> Result<Vec<RowCheck>, RulesError> {
    let mut checks = Vec::new();
    for c in raw {
        let when = super::deadline::compile_condition(&c.when, ids).map_err(|m| {
            m.clone()
                .hinted(file.error_near(&c.when, format!("检查 {}: {m}", c.id)))
        })?;
        if !ids.contains(&c.field) {
            return Err(file
                .error_near(
                    &format!("\"{}\"", c.field),
                    format!("检查 {} 的 field {} 未在本表定义", c.id, c.field),
                )
                .with_hint(super::condition::one_of(
                    &c.field,
                    ids.iter().map(String::as_str),
                )));
        }
        if c.drop_value && (c.field == SUBMITTED_ON || c.field == FILED_MONTH_START) {
            return Err(file.error_near(
                "drop_value",
                format!(
                    "检查 {} 的 drop_value 只能用于本表的字段，不能用于 {}",
                    c.id, c.field
                ),
            ));
        }
        crate::expr::environment()
            .template_from_str(&c.message)
            .map_err(|e| {
                file.error_near(
                    &c.message,
                    format!("检查 {} 的 message 模板有误。技术信息：{e}", c.id),
                )
            })?;
        checks.push(RowCheck {
            id: c.id,
            when,
            field: c.field,
            message: c.message,
            hint: c.hint,
            drop_value: c.drop_value,
        });
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use crate::rules::Rules;

    /// Every shipped `[[check]]` says what to do: its 警告 has a 提示 line.
    #[test]
    fn every_shipped_check_has_a_hint() {
        let rules = Rules::load(None).unwrap();
        let without: Vec<String> = rules
            .tables
            .iter()
            .flat_map(|t| t.checks.iter().map(move |c| (t, c)))
            .filter(|(_, c)| c.hint.as_deref().is_none_or(|h| h.trim().is_empty()))
            .map(|(t, c)| format!("{} {}", t.file, c.id))
            .collect();
        assert!(without.is_empty(), "[[check]] without a hint: {without:?}");
        assert!(rules.tables.iter().any(|t| !t.checks.is_empty()));
    }
}
