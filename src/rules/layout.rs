//! Layout declarations of a table schema: the name/title patterns of a sheet per month and the
//! wide form of a table (a column group per procedure, unpivoted into one record per group).

use super::{RuleFile, RulesError};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `[wide]` of a table schema as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWide {
    group_field: String,
    group_fields: Vec<String>,
    lookup_field: Option<String>,
    #[serde(default)]
    lookup: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<String>>,
    #[serde(default = "yes")]
    check_lookup: bool,
}

fn yes() -> bool {
    true
}

/// The wide form: the top header row names a group (its label becomes `group_field`), the row
/// below holds `group_fields`; `lookup_field` comes from `lookup` by the group's label.
#[derive(Debug, Clone)]
pub(crate) struct Wide {
    pub(crate) group_field: String,
    pub(crate) group_fields: Vec<String>,
    pub(crate) lookup_field: Option<String>,
    /// Matching key of a group label → the value of `lookup_field`.
    pub(crate) lookup: BTreeMap<String, String>,
    /// Matching key of another name of a group (环评) → the name used (环境影响评价).
    pub(crate) aliases: BTreeMap<String, String>,
    /// Whether a row's `lookup_field` naming another known department than `lookup` is said
    /// (W075); off, it is kept without a word. A name nobody knows is read as the rules' one and
    /// said either way.
    pub(crate) check_lookup: bool,
    /// The rules file, for hints.
    pub(crate) file: String,
}

impl Wide {
    pub(crate) fn load(raw: RawWide, file: &RuleFile, ids: &[String]) -> Result<Self, RulesError> {
        let known = |f: &String| -> Result<(), RulesError> {
            if ids.contains(f) {
                Ok(())
            } else {
                Err(file
                    .error_near(
                        &format!("\"{f}\""),
                        format!("[wide] 中的字段 {f} 未在本表定义"),
                    )
                    .with_hint(super::condition::one_of(f, ids.iter().map(String::as_str))))
            }
        };
        known(&raw.group_field)?;
        raw.group_fields.iter().try_for_each(known)?;
        raw.lookup_field.iter().try_for_each(known)?;
        if raw.group_fields.is_empty() {
            return Err(file
                .error_near("group_fields", "[wide] 的 group_fields 不能为空")
                .with_hint("group_fields = [\"assigned_date\", \"finished_date\"]"));
        }
        let lookup = one_value_each(&raw.lookup, file)?;
        let aliases = one_value_each(&raw.aliases, file)?;
        Ok(Wide {
            group_field: raw.group_field,
            group_fields: raw.group_fields,
            lookup_field: raw.lookup_field,
            lookup,
            aliases,
            check_lookup: raw.check_lookup,
            file: file.display.clone(),
        })
    }

    /// The name a group label stands for: its alias target, else the label itself.
    pub(crate) fn name_of(&self, label: &str) -> String {
        self.aliases
            .get(&crate::text::key(label))
            .cloned()
            .unwrap_or_else(|| label.to_string())
    }
}

/// Inverts `value = [labels]` into label key → value; a label under two values is an error.
fn one_value_each(
    table: &BTreeMap<String, Vec<String>>,
    file: &RuleFile,
) -> Result<BTreeMap<String, String>, RulesError> {
    let mut lookup = BTreeMap::new();
    for (value, labels) in table {
        for label in labels {
            let k = crate::text::key(label);
            if let Some(other) = lookup.insert(k, value.clone())
                && &other != value
            {
                return Err(file.error_near(
                    &format!("\"{label}\""),
                    format!("“{label}”同时列在“{other}”和“{value}”下"),
                ));
            }
        }
    }
    Ok(lookup)
}

/// `[month_sheets]` of a table schema as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMonthSheets {
    patterns: Vec<String>,
}

/// Validates the month-sheet patterns: each names the month with `{m}`, the year with `{y}`.
pub(crate) fn month_patterns(
    raw: Option<RawMonthSheets>,
    file: &RuleFile,
) -> Result<Vec<String>, RulesError> {
    let patterns = raw.map(|r| r.patterns).unwrap_or_default();
    for p in &patterns {
        let rest = p.replace("{y}", "").replace("{m}", "");
        if !p.contains("{m}") || rest.contains('{') || rest.contains('}') {
            return Err(file
                .error_near(p, format!("月份工作表模式“{p}”无效"))
                .with_hint("用 {m} 表示月份、{y} 表示年份，如 \"{m}月\"、\"{y}年{m}月\""));
        }
    }
    Ok(patterns.iter().map(|p| crate::text::key(p)).collect())
}
