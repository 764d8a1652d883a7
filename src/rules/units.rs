//! `rules/units.toml`: units by their canonical names, the other names they sign with, and the
//! suffixes (人民政府, 办事处 …) that do not change which unit a name means.

use super::{RuleFile, RulesError, TableSchema};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnits {
    #[serde(default)]
    suffixes: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    unit: Vec<RawUnit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// The name as a document is addressed to it (主送): 马庄乡人民政府.
    full_name: Option<String>,
}

/// The validated units table.
#[derive(Debug, Clone, Default)]
pub struct Units {
    /// Canonical names as written.
    pub(crate) names: Vec<String>,
    /// Matching key of a name or alias → canonical name.
    pub(crate) by_key: BTreeMap<String, String>,
    /// Suffix keys, longest first.
    pub(crate) suffixes: Vec<String>,
    /// Table id → fields holding unit names.
    pub(crate) fields: BTreeMap<String, Vec<String>>,
    /// Canonical name → full name, for units that give one.
    pub(crate) full_names: BTreeMap<String, String>,
    pub(crate) file: String,
}

impl Units {
    /// How a document addresses `unit` (主送): its `full_name`, else the name itself.
    pub(crate) fn full_name<'a>(&'a self, unit: &'a str) -> &'a str {
        self.full_names.get(unit).map_or(unit, String::as_str)
    }

    pub(crate) fn load(file: &RuleFile, tables: &[TableSchema]) -> Result<Self, RulesError> {
        let raw: RawUnits = file.parse()?;
        if raw.unit.is_empty() && raw.fields.values().all(|f| f.is_empty()) {
            return Err(RulesError::at(
                &file.display,
                &file.text,
                0,
                "没有任何单位：既无 [[unit]]，[fields] 也未列出台账中写单位的字段，每个单位都将是未知单位",
            )
            .with_hint("从内置规则复制 units.toml（sanyipi rules export DIR 导出）再修改"));
        }
        let mut units = Units {
            file: file.display.clone(),
            ..Units::default()
        };
        for (index, u) in raw.unit.iter().enumerate() {
            let name = crate::text::normalize(&u.name);
            if units.names.contains(&name) {
                // At the repeat, not at the unit first written.
                return Err(file
                    .error_in_array("unit", index, "name", format!("单位“{}”重复定义", u.name))
                    .with_hint("每个单位只写一个 [[unit]]；别名写在该单位的 aliases 中"));
            }
            units.names.push(name.clone());
            if let Some(full) = &u.full_name {
                units
                    .full_names
                    .insert(name.clone(), full.trim().to_string());
            }
            for alias in std::iter::once(&u.name).chain(&u.aliases) {
                // Two names in one quoted string (a Chinese list written inside the quotes).
                if let Some(sep) = alias
                    .chars()
                    .find(|c| matches!(c, '、' | '，' | ',' | '；' | ';'))
                {
                    return Err(file
                        .error_near(
                            &format!("\"{alias}\""),
                            format!("“{alias}”中有“{sep}”：一对引号中只写一个名称"),
                        )
                        .with_hint("每个别名各加一对英文引号，用英文逗号隔开，如 aliases = [\"县产业集聚区管委会\", \"产业集聚区\"]"));
                }
                let k = crate::text::key(alias);
                if let Some(other) = units.by_key.insert(k, name.clone())
                    && other != name
                {
                    return Err(file
                        .error_near(
                            &format!("\"{alias}\""),
                            format!("“{alias}”同时是“{other}”和“{name}”的名称"),
                        )
                        .with_hint("一个名称只能指一个单位"));
                }
            }
        }
        units.suffixes = raw.suffixes.iter().map(|s| crate::text::key(s)).collect();
        units
            .suffixes
            .sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        for (table, fields) in &raw.fields {
            let Some(t) = tables.iter().find(|t| &t.id == table) else {
                return Err(file
                    .error_near(table, format!("[fields] 中的表 {table} 不存在"))
                    .with_hint(super::condition::one_of(
                        table,
                        tables.iter().map(|t| t.id.as_str()),
                    )));
            };
            for f in fields {
                if t.field(f).is_none() {
                    return Err(file
                        .error_near(&format!("\"{f}\""), format!("表 {table} 没有字段 {f}"))
                        .with_hint(super::condition::one_of(
                            f,
                            t.fields.iter().map(|x| x.id.as_str()),
                        )));
                }
            }
        }
        units.fields = raw.fields;
        Ok(units)
    }
}
