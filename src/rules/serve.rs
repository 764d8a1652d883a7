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
}

impl UploadLimits {
    /// Whether a file at `path` (`/` or `\\` separated) is clutter the check would skip
    /// (`[files] ignore` of ingest.toml, matched against each part of the path).
    pub(crate) fn is_clutter(&self, path: &str) -> bool {
        path.split(['/', '\\'])
            .filter(|p| !p.is_empty())
            .any(|p| self.ignore.is_match(p))
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
}
