//! Limits of the local page (`rules/serve.toml`), checked with the rest of the rules. Zip keys
//! missing from a rules folder exported before they existed come from the shipped file.

use super::{RuleFile, RuleSource, RulesError, Vocabulary};
use serde::Deserialize;

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
pub struct UploadLimits {
    /// Files one month's folder may hold.
    pub(crate) max_files: usize,
    /// Folders a file may sit in below the month's folder.
    pub(crate) max_depth: usize,
    /// Size of an uploaded .zip of a month's files, in MB.
    pub(crate) max_zip_mb: u64,
    /// Entries (files and folders) a .zip may hold.
    pub(crate) max_zip_entries: usize,
    /// All files of a .zip together, unpacked, in MB.
    pub(crate) max_zip_unzipped_mb: u64,
    /// Unpacked size over packed size of one entry (a zip bomb packs ~1000:1).
    pub(crate) max_zip_ratio: u64,
    /// `ingest.toml`'s `max_file_mb`, in bytes.
    pub(crate) max_file_bytes: u64,
    /// `ingest.toml`'s `[files] ignore`: files the OS or an office program leaves beside the
    /// reports (`._东湖镇.xlsx`, `Thumbs.db`, `~$台账.xlsx`), skipped when uploaded.
    ignore: globset::GlobSet,
    /// `serve.toml` and `ingest.toml` as a message asking to change them names them
    /// ([`super::source::to_edit`]: a built-in file as built-in, a rules folder's by its path).
    serve_file: String,
    ingest_file: String,
}

impl UploadLimits {
    /// Whether a file at `path` (`/` or `\\` separated) is clutter the check would skip
    /// (`[files] ignore` of ingest.toml, matched against each part of the path).
    pub(crate) fn is_clutter(&self, path: &str) -> bool {
        path.split(['/', '\\'])
            .filter(|p| !p.is_empty())
            .any(|p| self.ignore.is_match(p))
    }

    /// Where the limit `key` is set, as a refusal names it in parentheses after the limit:
    /// `（内置规则 serve.toml（可用 sanyipi rules export 导出后修改） 的 max_files）`, or the rules
    /// folder's file by its path; `max_file_mb` is `ingest.toml`'s. The page says instead who
    /// can change it (`serve::words::rules_words`).
    pub(crate) fn set_in(&self, key: &str) -> String {
        let file = match key {
            "max_file_mb" => &self.ingest_file,
            _ => &self.serve_file,
        };
        format!("（{file} 的 {key}）")
    }

    /// Reads `serve.toml` of `source` (the shipped one when the rules folder has none).
    pub(crate) fn load(source: &RuleSource, vocab: &Vocabulary) -> Result<Self, RulesError> {
        let embedded = RuleSource::embedded();
        let shipped = embedded.get("serve.toml")?;
        let file: &RuleFile = source.get("serve.toml").unwrap_or(shipped);
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
        let limits = UploadLimits {
            max_files: raw.max_files,
            max_depth: raw.max_depth,
            max_zip_mb: pick(raw.max_zip_mb, |b| b.max_zip_mb),
            max_zip_entries: pick(raw.max_zip_entries.map(|n| n as u64), |b| {
                b.max_zip_entries.map(|n| n as u64)
            }) as usize,
            max_zip_unzipped_mb: pick(raw.max_zip_unzipped_mb, |b| b.max_zip_unzipped_mb),
            max_zip_ratio: pick(raw.max_zip_ratio, |b| b.max_zip_ratio),
            max_file_bytes: vocab.limits.max_file_mb * 1024 * 1024,
            ignore: vocab.ignore.clone(),
            serve_file: super::source::to_edit(&file.display),
            ingest_file: vocab.limits.file.clone(),
        };
        if limits.max_files == 0 {
            return Err(file
                .error_near("max_files", "max_files 必须大于 0")
                .with_hint("写一个正整数，如 max_files = 200"));
        }
        for (key, value) in [
            ("max_zip_mb", limits.max_zip_mb),
            ("max_zip_entries", limits.max_zip_entries as u64),
            ("max_zip_unzipped_mb", limits.max_zip_unzipped_mb),
            ("max_zip_ratio", limits.max_zip_ratio),
        ] {
            if value == 0 {
                return Err(file.error_near(key, format!("{key} 必须大于 0")).with_hint(
                    "写一个正整数（参见内置规则 serve.toml 中的取值）；上限为 0 时什么也传不上",
                ));
            }
        }
        Ok(limits)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Rules;

    #[test]
    fn limits_come_from_the_rules() {
        let rules = Rules::load(None).unwrap();
        let l = &rules.serve;
        assert_eq!(
            l.max_file_bytes,
            rules.vocab.limits.max_file_mb * 1024 * 1024
        );
        assert!(l.max_files > 0);
    }

    /// A limit is named where it is set: in the built-in rules as built-in, in a rules folder by
    /// the file's path (`max_file_mb` in ingest.toml, the others in serve.toml).
    #[test]
    fn a_limit_is_named_where_it_is_set() {
        let built_in = Rules::load(None).unwrap().serve;
        assert_eq!(
            built_in.set_in("max_files"),
            "（内置规则 serve.toml（可用 sanyipi rules export 导出后修改） 的 max_files）"
        );
        assert_eq!(
            built_in.set_in("max_file_mb"),
            "（内置规则 ingest.toml（可用 sanyipi rules export 导出后修改） 的 max_file_mb）"
        );
        let tmp = tempfile::tempdir().unwrap();
        super::super::RuleSource::embedded()
            .export(tmp.path())
            .unwrap();
        let own = Rules::load(Some(tmp.path())).unwrap().serve;
        let at = |f: &str| tmp.path().join(f).display().to_string();
        assert_eq!(
            own.set_in("max_depth"),
            format!("（{} 的 max_depth）", at("serve.toml"))
        );
        assert_eq!(
            own.set_in("max_file_mb"),
            format!("（{} 的 max_file_mb）", at("ingest.toml"))
        );
    }
}
