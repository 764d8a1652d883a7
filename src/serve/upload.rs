//! Where an uploaded file may go: the relative path the browser sends is cleaned (no `..`, no
//! absolute path, no drive letter, no hidden or reserved names, limited depth), and the limits of
//! `rules/serve.toml` and `rules/ingest.toml` apply.

use crate::rules::{RuleFile, Rules, RulesError};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServe {
    serve: RawLimits,
}

/// `[serve]` as written; the zip keys, added later, may be missing from an exported rules
/// folder and are then taken from the shipped `serve.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_files: usize,
    max_depth: usize,
    max_zip_mb: Option<u64>,
    max_zip_entries: Option<usize>,
    max_zip_unzipped_mb: Option<u64>,
    max_zip_ratio: Option<u64>,
}

/// Upload limits: `[serve]` of `rules/serve.toml`, plus the per-file size of `ingest.toml`.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Files one month's folder may hold.
    pub max_files: usize,
    /// Folders a file may sit in below the month's folder.
    pub max_depth: usize,
    /// Size of an uploaded .zip of a month's files, in MB.
    pub max_zip_mb: u64,
    /// Entries (files and folders) a .zip may hold.
    pub max_zip_entries: usize,
    /// All files of a .zip together, unpacked, in MB.
    pub max_zip_unzipped_mb: u64,
    /// Unpacked size over packed size of one entry (a zip bomb packs ~1000:1).
    pub max_zip_ratio: u64,
    /// `ingest.toml`'s `max_file_mb`, in bytes.
    pub max_file_bytes: u64,
}

impl Limits {
    /// Reads `serve.toml` of `rules` (the shipped one when the rules folder has none).
    pub(crate) fn load(rules: &Rules) -> Result<Limits, RulesError> {
        let embedded = crate::rules::RuleSource::embedded();
        let shipped = embedded.get("serve.toml")?;
        let file: &RuleFile = rules.source.get("serve.toml").unwrap_or(shipped);
        let raw: RawServe = file.parse()?;
        let raw = raw.serve;
        let base = if raw.max_zip_mb.is_some()
            && raw.max_zip_entries.is_some()
            && raw.max_zip_unzipped_mb.is_some()
            && raw.max_zip_ratio.is_some()
        {
            None
        } else {
            Some(shipped.parse::<RawServe>()?.serve)
        };
        let pick = |own: Option<u64>, shipped: fn(&RawLimits) -> Option<u64>| {
            own.or_else(|| base.as_ref().and_then(shipped)).unwrap_or(0)
        };
        let limits = Limits {
            max_files: raw.max_files,
            max_depth: raw.max_depth,
            max_zip_mb: pick(raw.max_zip_mb, |b| b.max_zip_mb),
            max_zip_entries: pick(raw.max_zip_entries.map(|n| n as u64), |b| {
                b.max_zip_entries.map(|n| n as u64)
            }) as usize,
            max_zip_unzipped_mb: pick(raw.max_zip_unzipped_mb, |b| b.max_zip_unzipped_mb),
            max_zip_ratio: pick(raw.max_zip_ratio, |b| b.max_zip_ratio),
            max_file_bytes: rules.vocab.limits.max_file_mb * 1024 * 1024,
        };
        if limits.max_files == 0 {
            return Err(file.error_near("max_files", "max_files 必须大于 0"));
        }
        for (key, value) in [
            ("max_zip_mb", limits.max_zip_mb),
            ("max_zip_entries", limits.max_zip_entries as u64),
            ("max_zip_unzipped_mb", limits.max_zip_unzipped_mb),
            ("max_zip_ratio", limits.max_zip_ratio),
        ] {
            if value == 0 {
                return Err(file.error_near(key, format!("{key} 必须大于 0")));
            }
        }
        Ok(limits)
    }
}

/// Why an upload path was refused (Chinese, shown on the page).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadPath(pub String);

/// The cleaned relative path of an upload: components split on `/` and `\`, each checked.
pub(crate) fn clean_path(raw: &str, max_depth: usize) -> Result<PathBuf, BadPath> {
    let bad = |why: &str| Err(BadPath(format!("文件路径“{raw}”{why}")));
    if raw.starts_with('/') || raw.starts_with('\\') {
        return bad("不能是绝对路径");
    }
    let mut chars = raw.chars();
    if chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.next() == Some(':') {
        return bad("不能带盘符（如 C:）");
    }
    let parts: Vec<&str> = raw.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return bad("为空");
    }
    if parts.len() > max_depth + 1 {
        return bad(&format!("的文件夹层数超过 {max_depth} 层"));
    }
    let mut path = PathBuf::new();
    for p in parts {
        if p.starts_with('.') {
            return bad("含有“.”开头的部分（如 ..），不允许");
        }
        if p.chars().any(|c| c.is_control() || "<>:\"|?*".contains(c)) {
            return bad("含有不允许的字符");
        }
        if p.chars().count() > 120 {
            return bad("过长");
        }
        path.push(p);
    }
    Ok(path)
}

/// Number of files below `dir` (0 when it does not exist).
pub(crate) fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() { count_files(&p) } else { 1 }
        })
        .sum()
}

/// Every file below `dir`, as sorted `/`-separated relative paths.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_plain_relative_paths() {
        assert_eq!(
            clean_path("月报/曲屯镇.xlsx", 3).unwrap(),
            PathBuf::from("月报").join("曲屯镇.xlsx")
        );
        assert_eq!(
            clean_path("a\\b.xlsx", 3).unwrap(),
            PathBuf::from("a").join("b.xlsx")
        );
    }

    #[test]
    fn refuses_escapes_and_odd_names() {
        for p in [
            "../x.xlsx",
            "a/../../x.xlsx",
            "/etc/passwd",
            "\\\\server\\x",
            "C:\\x.xlsx",
            "c:x.xlsx",
            ".hidden",
            "",
            "a/b/c/d/e.xlsx",
            "a\u{0}b.xlsx",
        ] {
            assert!(clean_path(p, 3).is_err(), "{p:?} should be refused");
        }
    }

    #[test]
    fn limits_come_from_the_rules() {
        let rules = Rules::load(None).unwrap();
        let l = Limits::load(&rules).unwrap();
        assert_eq!(
            l.max_file_bytes,
            rules.vocab.limits.max_file_mb * 1024 * 1024
        );
        assert!(l.max_files > 0);
    }
}
