//! Where an uploaded file may go: the relative path the browser sends is cleaned (no `..`, no
//! absolute path, no drive letter, no hidden or reserved names, limited depth), and the limits of
//! `rules/serve.toml` and `rules/ingest.toml` apply.

use std::path::{Path, PathBuf};

/// Upload limits, loaded with the rules (`rules/serve.toml`).
pub(crate) use crate::rules::serve::UploadLimits as Limits;

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
}
