//! Where rule files come from: the set embedded in the binary, or a folder given with `--rules`.

use super::RulesError;
use include_dir::{Dir, include_dir};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::de::{DeTable, DeValue};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// One rules file: the path shown to users, the path inside the rules folder, the text.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub display: String,
    pub rel: String,
    pub text: String,
}

impl RuleFile {
    /// Parses the file as `T`, with errors at `file:line:col`.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T, RulesError> {
        let parsed = toml::from_str(&self.text)
            .map_err(|e| RulesError::from_toml(&self.display, &self.text, &e))?;
        super::lint::check(self)?;
        Ok(parsed)
    }

    /// An error at the first occurrence of `needle` in this file.
    pub(crate) fn error_near(&self, needle: &str, message: impl Into<String>) -> RulesError {
        RulesError::near(&self.display, &self.text, needle, message)
    }

    /// An error at byte `offset` of expression `src` as the file writes it (at the expression
    /// when the file spells it otherwise, with escapes).
    pub(crate) fn error_in_expr(
        &self,
        src: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> RulesError {
        match RulesError::offset_of(&self.text, src) {
            Some(at) => RulesError::at(&self.display, &self.text, at + offset, message),
            None => self.error_near(src, message),
        }
    }

    /// An error at the value of `key` in the `index`-th `[[array]]` table, where the TOML parser
    /// found it (not where the text first matches).
    pub(crate) fn error_in_array(
        &self,
        array: &str,
        index: usize,
        key: &str,
        message: impl Into<String>,
    ) -> RulesError {
        match self.offset_in_array(array, index, key) {
            Some(offset) => RulesError::at(&self.display, &self.text, offset, message),
            None => RulesError::file(&self.display, message),
        }
    }

    /// An error at the value of `key` in the `[table]`, where the TOML parser found it.
    pub(crate) fn error_in_table(
        &self,
        table: &str,
        key: &str,
        message: impl Into<String>,
    ) -> RulesError {
        let offset = || {
            let root = DeTable::parse(&self.text).ok()?;
            let DeValue::Table(t) = get(root.get_ref(), table)?.get_ref() else {
                return None;
            };
            Some(get(t, key)?.span().start)
        };
        match offset() {
            Some(offset) => RulesError::at(&self.display, &self.text, offset, message),
            None => RulesError::file(&self.display, message),
        }
    }

    /// An error at the key `key` (not its value) of the table at `path` (`["threshold", "二产"]`
    /// for `[threshold."二产"]`), where the TOML parser found it.
    pub(crate) fn error_at_key(
        &self,
        path: &[&str],
        key: &str,
        message: impl Into<String>,
    ) -> RulesError {
        self.error_in_path(path, key, false, message)
    }

    /// An error at the value of `key` of the table at `path`, where the TOML parser found it.
    pub(crate) fn error_at_value(
        &self,
        path: &[&str],
        key: &str,
        message: impl Into<String>,
    ) -> RulesError {
        self.error_in_path(path, key, true, message)
    }

    /// An error at `key` of the table at `path`, or at its value.
    fn error_in_path(
        &self,
        path: &[&str],
        key: &str,
        at_value: bool,
        message: impl Into<String>,
    ) -> RulesError {
        let offset = || {
            let root = DeTable::parse(&self.text).ok()?;
            let mut table = root.get_ref();
            for name in path {
                let DeValue::Table(t) = get(table, name)?.get_ref() else {
                    return None;
                };
                table = t;
            }
            let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == key)?;
            Some(if at_value { v.span() } else { k.span() }.start)
        };
        match offset() {
            Some(offset) => RulesError::at(&self.display, &self.text, offset, message),
            None => self.error_near(key, message),
        }
    }

    /// Byte offset of the value of `key` in the `index`-th `[[array]]` table.
    fn offset_in_array(&self, array: &str, index: usize, key: &str) -> Option<usize> {
        let root = DeTable::parse(&self.text).ok()?;
        let DeValue::Array(items) = get(root.get_ref(), array)?.get_ref() else {
            return None;
        };
        let DeValue::Table(item) = items.get(index)?.get_ref() else {
            return None;
        };
        Some(get(item, key)?.span().start)
    }
}

/// The value of `key` in a parsed TOML table.
fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

/// How the built-in rules are named: the set as a whole (`规则: 内置规则`) and, before its
/// path inside the set, each file (`内置规则 units.toml:3:1`). A user of the built-in rules has
/// no `rules/` folder to edit until `sanyipi rules export`.
pub(crate) const BUILT_IN: &str = "内置规则";

/// A rule's place as a message cites it: `规则 rules/scoring.toml:42` for a rules folder's file,
/// `内置规则 scoring.toml:42` (not `规则 内置规则 …`) for a built-in one.
pub(crate) fn cited(display: &str) -> String {
    if display.starts_with(BUILT_IN) {
        display.to_string()
    } else {
        format!("规则 {display}")
    }
}

/// What [`to_edit`] says after a built-in file: how to get a copy to edit (the command line's
/// words; the local page says them otherwise).
pub(crate) const EXPORT_HINT: &str = "（可用 sanyipi rules export 导出后修改）";

/// A rules file as a message asking to change it names it: a file of a rules folder by its
/// path, a built-in one with how to get a copy to edit. The one place messages name a rules
/// file to edit.
pub(crate) fn to_edit(display: &str) -> String {
    match display
        .strip_prefix(BUILT_IN)
        .and_then(|r| r.strip_prefix(' '))
    {
        Some(rel) => format!("{BUILT_IN} {rel}{EXPORT_HINT}"),
        None => display.to_string(),
    }
}

/// Largest template workbook a rule set may hold (a bound of the program, like a stack size).
pub(crate) const MAX_ASSET_BYTES: u64 = 10 * 1024 * 1024;

/// A workbook of a rule set (a city's report template): its path inside the rules folder and
/// its bytes.
#[derive(Debug, Clone)]
pub struct RuleAsset {
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// All `.toml` files of a rule set, sorted by path, and its template workbooks (`.xlsx`).
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub files: Vec<RuleFile>,
    pub origin: String,
    pub(crate) assets: Vec<RuleAsset>,
}

impl RuleSource {
    /// The rule set shipped inside the binary.
    pub fn embedded() -> Self {
        let mut files = Vec::new();
        let mut assets = Vec::new();
        collect_embedded(&EMBEDDED, &mut files, &mut assets);
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        assets.sort_by(|a, b| a.rel.cmp(&b.rel));
        RuleSource {
            files,
            origin: BUILT_IN.into(),
            assets,
        }
    }

    /// The rule set in folder `dir`.
    pub(crate) fn from_dir(dir: &Path) -> Result<Self, RulesError> {
        let shown = dir.display().to_string();
        if !dir.is_dir() {
            return Err(RulesError::file(&shown, "规则目录不存在或不是目录")
                .with_hint("应为包含 tables/、calendar/ 等子目录的规则文件夹（可用 sanyipi rules export 导出内置规则后修改）"));
        }
        let mut files = Vec::new();
        let mut assets = Vec::new();
        collect_dir(dir, dir, &mut files, &mut assets)?;
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        assets.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(RuleSource {
            files,
            origin: shown,
            assets,
        })
    }

    /// Files under `prefix/` (e.g. `tables`), sorted.
    pub(crate) fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a RuleFile> + 'a {
        self.files
            .iter()
            .filter(move |f| f.rel.starts_with(prefix) && f.rel[prefix.len()..].starts_with('/'))
    }

    /// The file at `rel`, or an error saying it is missing.
    pub(crate) fn get(&self, rel: &str) -> Result<&RuleFile, RulesError> {
        self.files.iter().find(|f| f.rel == rel).ok_or_else(|| {
            RulesError::file(&format!("{}/{rel}", self.origin), "缺少规则文件")
                .with_hint("从内置规则复制一份（sanyipi rules export DIR）再修改")
        })
    }

    /// The workbook at `rel`, if the rule set holds it.
    pub(crate) fn asset(&self, rel: &str) -> Option<&RuleAsset> {
        self.assets.iter().find(|a| a.rel == rel)
    }

    /// A stable fingerprint of the rule texts (FNV-1a), for history records.
    pub(crate) fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf29ce484222325;
        for f in &self.files {
            for b in f.rel.bytes().chain(f.text.bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100000001b3);
            }
        }
        for a in &self.assets {
            for b in a.rel.bytes().chain(a.bytes.iter().copied()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100000001b3);
            }
        }
        format!("{h:016x}")
    }

    /// Writes the rule set into `dir` (used by `rules export`).
    pub(crate) fn export(&self, dir: &Path) -> std::io::Result<()> {
        for f in &self.files {
            let path = dir.join(&f.rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(path, &f.text)?;
        }
        for a in &self.assets {
            let path = dir.join(&a.rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(path, &a.bytes)?;
        }
        Ok(())
    }
}

/// Whether `rel` names a template workbook (a city's report template of `report_up/`).
fn is_asset(rel: &str) -> bool {
    rel.starts_with("report_up/") && rel.to_lowercase().ends_with(".xlsx")
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<RuleFile>, assets: &mut Vec<RuleAsset>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        if is_asset(&rel) {
            assets.push(RuleAsset {
                rel: rel.clone(),
                bytes: f.contents().to_vec(),
            });
        }
        if rel.ends_with(".toml") {
            out.push(RuleFile {
                display: format!("{BUILT_IN} {rel}"),
                rel,
                text: f.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out, assets);
    }
}

/// A rules file that is not UTF-8: GBK (Notepad's "ANSI" on Chinese Windows) or UTF-16
/// ("Unicode"), said in words, at the first line that cannot be read.
fn not_utf8(display: &str, bytes: &[u8]) -> RulesError {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
    let what = if utf16 {
        "是 UTF-16（记事本中的“Unicode”）编码".to_string()
    } else {
        format!("第 {line} 行起不是 UTF-8 编码（多为 GBK，记事本中的“ANSI”）")
    };
    RulesError::file(
        display,
        format!("无法读取：此文件{what}，规则文件须为 UTF-8 文本"),
    )
    .with_hint("用记事本打开，“另存为”时编码选“UTF-8”后保存；WPS 中同样在另存为时选择 UTF-8")
}

fn collect_dir(
    root: &Path,
    dir: &Path,
    out: &mut Vec<RuleFile>,
    assets: &mut Vec<RuleAsset>,
) -> Result<(), RulesError> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| RulesError::file(&shown, format!("无法读取目录。技术信息：{e}")))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let rel = || {
            path.strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/")
        };
        if path.is_dir() {
            collect_dir(root, &path, out, assets)?;
        } else if is_asset(&rel()) {
            assets.push(read_asset(&path, rel())?);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let display = path.display().to_string();
            let bytes = std::fs::read(&path).map_err(|e| {
                RulesError::file(
                    &display,
                    format!("无法读取：{}", crate::diagnostic::io_reason(&e)),
                )
            })?;
            let text = String::from_utf8(bytes).map_err(|e| not_utf8(&display, e.as_bytes()))?;
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(RuleFile { display, rel, text });
        }
    }
    Ok(())
}

/// Reads the template workbook at `path`, refusing one larger than [`MAX_ASSET_BYTES`].
fn read_asset(path: &Path, rel: String) -> Result<RuleAsset, RulesError> {
    let display = path.display().to_string();
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_ASSET_BYTES);
    if too_big {
        return Err(RulesError::file(
            &display,
            format!("模板文件过大（上限 {} MB）", MAX_ASSET_BYTES / 1024 / 1024),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| RulesError::file(&display, format!("无法读取模板文件。技术信息：{e}")))?;
    Ok(RuleAsset { rel, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules saved by Notepad have CRLF line ends: every shipped file must still read then, which
    /// needs a newline after its last line too (a lone CR is a TOML error).
    #[test]
    fn every_shipped_rules_file_ends_its_last_line_and_reads_with_crlf() {
        for f in RuleSource::embedded().files {
            assert!(f.text.ends_with('\n'), "{} lacks a final newline", f.rel);
            let crlf = f.text.replace('\n', "\r\n");
            if let Err(e) = toml::from_str::<toml::Value>(&crlf) {
                panic!("{} with CRLF: {e}", f.rel);
            }
        }
    }
}
