//! Table schemas (`rules/tables/*.toml`): which files an input table comes from, its fields with
//! header aliases and types, and how its rows join the ledger.

pub(crate) use super::table_checks::{Cumulative, ExpectIn, ReportMonth};
use super::{RuleFile, RulesError};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

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
    #[serde(default)]
    submission_date: bool,
    #[serde(rename = "match")]
    matching: Option<RawMatch>,
    expect_units_from: Option<String>,
    /// A field whose value may appear in one row only (`项目编号` of the 后评估 table).
    unique: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    table: String,
    by: Vec<String>,
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: String,
    headers: Vec<String>,
    #[serde(rename = "type")]
    kind: FieldType,
    #[serde(default)]
    required: bool,
    default: Option<bool>,
    values: Option<Vec<String>>,
    min: Option<RawBound>,
    max: Option<RawBound>,
    out_of_range: Option<OutOfRange>,
}

/// A bound as written: a number, or a date as `"2000-01-01"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawBound {
    Number(f64),
    Text(String),
}

/// A plausibility bound of a field (inclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Number(f64),
    Date(chrono::NaiveDate),
}

/// What a value outside the field's range does (always reported as an error at its cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutOfRange {
    /// The whole row is not used: the project counts as not reported this month.
    RejectRow,
    /// The value is dropped: the row is used as if the cell were empty.
    Empty,
}

/// The plausible range of a field's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Plausible {
    pub(crate) min: Option<Bound>,
    pub(crate) max: Option<Bound>,
    pub(crate) out_of_range: OutOfRange,
}

/// The type a field's cells are read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Integer,
    Number,
    /// Money in 万元; a unit in the cell or the header converts.
    Amount,
    Date,
    /// 是/否 and the other words of `rules/ingest.toml`.
    Bool,
    /// One of `values`.
    Enum,
}

impl FieldType {
    pub(crate) fn label(self) -> &'static str {
        match self {
            FieldType::Text => "文本",
            FieldType::Integer => "整数",
            FieldType::Number => "数字",
            FieldType::Amount => "金额（万元）",
            FieldType::Date => "日期",
            FieldType::Bool => "是/否",
            FieldType::Enum => "选项",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    /// Header aliases as matching keys (normalised, spaces removed, unit stripped).
    pub headers: Vec<String>,
    /// The first alias as written, for messages.
    pub label: String,
    pub kind: FieldType,
    pub required: bool,
    /// For yes/no fields: the value of an empty cell (none: empty stays empty).
    pub default: Option<bool>,
    pub values: Vec<String>,
    /// Values outside this range are errors, not scored as good.
    pub plausible: Option<Plausible>,
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
    pub submission_date: bool,
    pub matching: Option<Match>,
    pub expect_units_from: Option<String>,
    /// A field whose value may appear in one row only; a repeat is E031 and not used.
    pub unique: Option<String>,
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
}

/// The field's range, checked against its type; `out_of_range` must be said when a bound is.
fn plausible(file: &RuleFile, f: &RawField) -> Result<Option<Plausible>, RulesError> {
    if f.min.is_none() && f.max.is_none() {
        return match f.out_of_range {
            Some(_) => Err(file.error_near(
                "out_of_range",
                format!("字段 {} 设了 out_of_range 但没有 min/max", f.id),
            )),
            None => Ok(None),
        };
    }
    let bound = |b: &Option<RawBound>, key: &str| -> Result<Option<Bound>, RulesError> {
        let wrong = |what: &str| {
            file.error_near(
                &format!("\"{}\"", f.id),
                format!("字段 {} 的 {key} 应为{what}", f.id),
            )
        };
        match (b, f.kind) {
            (None, _) => Ok(None),
            (
                Some(RawBound::Number(n)),
                FieldType::Amount | FieldType::Number | FieldType::Integer,
            ) if n.is_finite() => Ok(Some(Bound::Number(*n))),
            (Some(RawBound::Text(t)), FieldType::Date) => {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map(|d| Some(Bound::Date(d)))
                    .map_err(|_| wrong("日期，如 \"2000-01-01\""))
            }
            (_, FieldType::Date) => Err(wrong("日期，如 \"2000-01-01\"")),
            (_, FieldType::Amount | FieldType::Number | FieldType::Integer) => {
                Err(wrong("有限的数字"))
            }
            _ => Err(wrong("数字或日期字段才可设的范围")),
        }
    };
    let (min, max) = (bound(&f.min, "min")?, bound(&f.max, "max")?);
    let crossed = match (&min, &max) {
        (Some(Bound::Number(a)), Some(Bound::Number(b))) => a > b,
        (Some(Bound::Date(a)), Some(Bound::Date(b))) => a > b,
        _ => false,
    };
    if crossed {
        return Err(file
            .error_near(
                &format!("\"{}\"", f.id),
                format!("字段 {} 的 min 大于 max，任何值都会超出范围", f.id),
            )
            .with_hint("min 是下限、max 是上限，如 min = 0、max = 100000000"));
    }
    let out_of_range = f.out_of_range.ok_or_else(|| {
        file.error_near(
            &format!("\"{}\"", f.id),
            format!(
                "字段 {} 设了 min/max，须写明 out_of_range（超出范围时如何计分）",
                f.id
            ),
        )
        .with_hint("out_of_range = \"reject_row\"（此行不采用）或 \"empty\"（按空值处理）")
    })?;
    Ok(Some(Plausible {
        min,
        max,
        out_of_range,
    }))
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
            return Err(file.error_near(
                &format!("unique = \"{u}\""),
                format!("unique 指定的字段 {u} 未在本表定义"),
            ));
        }
        let ids: Vec<String> = fields.iter().map(|f| f.id.clone()).collect();
        // A check also reads the file's 填报日期, as `submitted_on`.
        let names: Vec<String> = ids
            .iter()
            .cloned()
            .chain([SUBMITTED_ON.to_string()])
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
            checks,
            id: raw.table.id,
            title: raw.table.title,
            file: file.display.clone(),
            globs,
            patterns: raw.table.files,
            required: raw.table.required,
            one_file_per_unit: raw.table.one_file_per_unit,
            submission_date: raw.table.submission_date,
            matching,
            expect_units_from: raw.table.expect_units_from,
            unique: raw.table.unique,
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

/// The table's fields: unique ids, header aliases, plausible ranges, enum values and defaults
/// checked.
fn load_fields(file: &RuleFile, raw: Vec<RawField>) -> Result<Vec<Field>, RulesError> {
    let mut fields: Vec<Field> = Vec::new();
    for (index, f) in raw.into_iter().enumerate() {
        if fields.iter().any(|g| g.id == f.id) {
            return Err(file.error_in_array(
                "field",
                index,
                "id",
                format!("字段 {} 重复定义", f.id),
            ));
        }
        if f.headers.iter().any(|h| h.trim().is_empty()) {
            return Err(file
                .error_near(
                    &format!("\"{}\"", f.id),
                    format!("字段 {} 的 headers 中有空的表头名称", f.id),
                )
                .with_hint("删去 \"\"；空表头会匹配任何没有标题的列"));
        }
        if f.headers.is_empty() {
            return Err(file
                .error_near(
                    &format!("\"{}\"", f.id),
                    format!("字段 {} 没有表头别名", f.id),
                )
                .with_hint("headers = [\"项目名称\", \"名称\"]"));
        }
        let plausible = plausible(file, &f)?;
        let values = f.values.unwrap_or_default();
        if f.kind == FieldType::Enum && values.is_empty() {
            return Err(file
                .error_near(
                    &format!("\"{}\"", f.id),
                    format!("选项字段 {} 缺少 values", f.id),
                )
                .with_hint("values = [\"一产\", \"二产\", \"三产\"]"));
        }
        if f.default.is_some() && f.kind != FieldType::Bool {
            return Err(file.error_near(
                "default",
                format!("只有 bool 字段可设 default（字段 {}）", f.id),
            ));
        }
        fields.push(Field {
            plausible,
            label: f.headers[0].clone(),
            headers: f
                .headers
                .iter()
                .map(|h| crate::text::split_unit(h).0)
                .collect(),
            id: f.id,
            kind: f.kind,
            required: f.required,
            default: f.default,
            values: values.iter().map(|v| crate::text::key(v)).collect(),
        });
    }
    Ok(fields)
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

fn load_checks(
    file: &RuleFile,
    raw: Vec<RawRowCheck>,
    ids: &[String],
) -> Result<Vec<RowCheck>, RulesError> {
    let mut checks = Vec::new();
    for c in raw {
        let when = super::deadline::compile_condition(&c.when, ids)
            .map_err(|m| file.error_near(&c.when, format!("检查 {}: {m}", c.id)))?;
        if !ids.contains(&c.field) {
            return Err(file.error_near(
                &format!("\"{}\"", c.field),
                format!("检查 {} 的 field {} 未在本表定义", c.id, c.field),
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
        });
    }
    Ok(checks)
}
