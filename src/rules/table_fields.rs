//! A table's fields as the rules declare them: ids, header aliases, types, enum values,
//! defaults and plausible ranges, each checked when the rules load.

use super::{RuleFile, RulesError};
use serde::{Deserialize, Serialize};

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
    /// For option fields: other words for a value (`第二产业` → `二产`), both as matching keys.
    pub synonyms: std::collections::BTreeMap<String, String>,
    /// Values outside this range are errors, not scored as good.
    pub plausible: Option<Plausible>,
    /// For number fields: the units a header may name (`用地面积（平方米）`), as matching keys,
    /// with the factor to the field's own unit. None declared: a header's unit is not read.
    pub units: Vec<(String, f64)>,
    /// For date fields: the template accepts any date of the field's range, not only the
    /// reporting years around the month (`[template]` of `ingest.toml`): 投资方成立日期.
    pub any_year: bool,
    /// A header without this field's column is a 警告 (W071) naming it, as for every field of an
    /// `every_column` table: the rules use it, and a column named otherwise would go unread.
    pub warn_absent: bool,
}

impl Field {
    /// The factor of `unit` (a header's, as a matching key) to the field's own unit.
    pub(crate) fn unit_factor(&self, unit: &str) -> Option<f64> {
        self.units.iter().find(|(u, _)| u == unit).map(|(_, f)| *f)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    id: String,
    headers: Vec<String>,
    #[serde(rename = "type")]
    kind: FieldType,
    #[serde(default)]
    required: bool,
    default: Option<bool>,
    values: Option<Vec<String>>,
    /// Other words for a value: `synonyms = { "第二产业" = "二产" }`.
    #[serde(default)]
    synonyms: std::collections::BTreeMap<String, String>,
    min: Option<RawBound>,
    max: Option<RawBound>,
    out_of_range: Option<OutOfRange>,
    units: Option<std::collections::BTreeMap<String, f64>>,
    #[serde(default)]
    any_year: bool,
    #[serde(default)]
    warn_absent: bool,
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

/// The range of the `index`-th field `f`, checked against its type; `out_of_range` must be
/// said when a bound is.
fn plausible(file: &RuleFile, index: usize, f: &RawField) -> Result<Option<Plausible>, RulesError> {
    if f.min.is_none() && f.max.is_none() {
        return match f.out_of_range {
            Some(_) => Err(file
                .error_near(
                    "out_of_range",
                    format!("字段 {} 设了 out_of_range 但没有 min/max", f.id),
                )
                .with_hint("写上下限 min 或上限 max，或删去 out_of_range")),
            None => Ok(None),
        };
    }
    let bound = |b: &Option<RawBound>, key: &str| -> Result<Option<Bound>, RulesError> {
        let wrong = |what: &str| {
            let hint = match f.kind {
                FieldType::Date => {
                    "日期加引号写成 \"2000-01-01\"（年-月-日）；不设这一端时整行删去"
                }
                FieldType::Amount | FieldType::Number | FieldType::Integer => {
                    "写成 0 或 100000000 这样的半角数字，不加引号和单位；不设这一端时整行删去"
                }
                _ => {
                    "只有 amount、number、integer、date 类型的字段可设范围：删去此字段的 min、max 和 out_of_range"
                }
            };
            file.error_in_array(
                "field",
                index,
                key,
                format!("字段 {} 的 {key} 应为{what}", f.id),
            )
            .with_hint(hint)
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

/// The table's fields: unique ids, header aliases, plausible ranges, enum values and defaults
/// checked.
pub(super) fn load_fields(file: &RuleFile, raw: Vec<RawField>) -> Result<Vec<Field>, RulesError> {
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
        let plausible = plausible(file, index, &f)?;
        let values = f.values.unwrap_or_default();
        if f.kind == FieldType::Enum && values.is_empty() {
            return Err(file
                .error_near(
                    &format!("\"{}\"", f.id),
                    format!("选项字段 {} 缺少 values", f.id),
                )
                .with_hint("values = [\"一产\", \"二产\", \"三产\"]"));
        }
        let values: Vec<String> = values.iter().map(|v| crate::text::key(v)).collect();
        let mut synonyms = std::collections::BTreeMap::new();
        for (word, value) in &f.synonyms {
            if !values.contains(&crate::text::key(value)) {
                return Err(file
                    .error_near(
                        &format!("\"{word}\""),
                        format!(
                            "字段 {} 的 synonyms 中“{word}”对应的“{value}”不是 values 之一",
                            f.id
                        ),
                    )
                    .with_hint(format!("可选值为：{}", values.join("、"))));
            }
            synonyms.insert(crate::text::key(word), crate::text::key(value));
        }
        if f.default.is_some() && f.kind != FieldType::Bool {
            return Err(file.error_near(
                "default",
                format!("只有 bool 字段可设 default（字段 {}）", f.id),
            ));
        }
        let units = f.units.unwrap_or_default();
        if !units.is_empty() && !matches!(f.kind, FieldType::Number | FieldType::Integer) {
            return Err(file
                .error_near(
                    "units",
                    format!("只有 number 或 integer 字段可设 units（字段 {}）", f.id),
                )
                .with_hint("金额字段的单位在 rules/ingest.toml 的 [units] 中统一设定"));
        }
        if let Some((u, _)) = units.iter().find(|(_, x)| !(x.is_finite() && **x > 0.0)) {
            return Err(file.error_near(
                "units",
                format!("字段 {} 的单位“{u}”的换算系数应为正数", f.id),
            ));
        }
        if f.any_year && f.kind != FieldType::Date {
            return Err(file
                .error_near(
                    "any_year",
                    format!("只有 date 字段可设 any_year（字段 {}）", f.id),
                )
                .with_hint("any_year = true 让填报模板的日期单元格接受该字段 min 至 max 的任何日期，请删去此行或移到日期字段下"));
        }
        fields.push(Field {
            any_year: f.any_year,
            warn_absent: f.warn_absent,
            units: units
                .into_iter()
                .map(|(u, x)| (crate::text::key(&u), x))
                .collect(),
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
            values,
            synonyms,
        });
    }
    Ok(fields)
}
