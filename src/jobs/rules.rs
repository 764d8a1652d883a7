//! The rules folder itself: exporting the built-in rules to edit (`sanyipi rules export`) and
//! checking a folder (`sanyipi rules check`), which is loading every rules file at once.

use crate::rules::{RuleSource, Rules};
use std::path::Path;

/// Loads every rules file of `dir` as a run would; returns what `rules check` prints.
pub fn check(dir: &Path) -> super::Result<String> {
    let rules = Rules::load(Some(dir))?;
    let mut out = format!("规则无误: {}\n", dir.display());
    if let Some(note) = rules.notices.two_dates() {
        out.push_str(&format!("{note}\n"));
    }
    Ok(out)
}

/// Writes the built-in rules to the new (or empty) folder `dir`; returns what `rules export`
/// prints.
pub fn export(dir: &Path) -> super::Result<String> {
    Ok(export_inner(dir)?)
}

fn export_inner(dir: &Path) -> anyhow::Result<String> {
    super::make_dir(dir, "规则目录")?;
    if std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!(
            "目录 {} 已存在且不为空，为免覆盖，请指定一个新目录",
            dir.display()
        );
    }
    RuleSource::embedded().export(dir).map_err(|e| {
        anyhow::anyhow!(
            "无法把规则写入 {}（{}）",
            dir.display(),
            crate::diagnostic::io_reason(&e)
        )
    })?;
    Ok(format!(
        "已导出内置规则到 {}，修改后用 --rules {} 使用\n",
        dir.display(),
        dir.display()
    ))
}
