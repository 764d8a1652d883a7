//! `rules/ingest.toml`: the words and markers departments use in their sheets, and input limits.

use super::{RuleFile, RulesError};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocab {
    values: RawValues,
    units: BTreeMap<String, f64>,
    rows: RawRows,
    meta: BTreeMap<String, Vec<String>>,
    limits: Limits,
    #[serde(default)]
    files: RawFiles,
    template: FormRules,
    #[serde(default)]
    headers: HeaderMonths,
}

/// How a header naming months reads (`[headers]`): `10月完成投资` as `this_month` + 完成投资,
/// `1-10月完成投资` (the months from January) as `year_to_date` + 完成投资. Empty: as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeaderMonths {
    #[serde(default)]
    pub(crate) this_month: String,
    #[serde(default)]
    pub(crate) year_to_date: String,
}

/// What the templates (`sanyipi template`) write: the sign-off line and the dates accepted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormRules {
    /// Labels of the line under the table (填报人, 联系电话, 审核人).
    pub(crate) signoff: Vec<String>,
    /// Date cells accept dates from Jan 1 of the month's year minus `years_back` to Dec 31 of
    /// the year plus `years_ahead`.
    pub(crate) years_back: u16,
    pub(crate) years_ahead: u16,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValues {
    empty: Vec<String>,
    yes: Vec<String>,
    no: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRows {
    total: Vec<String>,
    #[serde(default)]
    subtotal: Vec<String>,
    note: Vec<String>,
    #[serde(default)]
    section: Vec<String>,
}

/// Size limits that keep a hostile or broken file from hanging a run.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Limits {
    pub(crate) max_file_mb: u64,
    pub(crate) max_rows: u32,
    pub(crate) max_cols: u32,
    pub(crate) header_search_rows: u32,
    /// Decompressed size of one entry of a zipped workbook (a sheet, the shared strings).
    pub(crate) max_entry_mb: u64,
    /// Decompressed size of all entries of a zipped workbook together.
    pub(crate) max_unzipped_mb: u64,
    /// A longer text in a cell is reported (W061); it is kept, and cut only where a format
    /// cannot hold it (an xlsx cell).
    pub(crate) max_text_chars: usize,
    /// A text longer than this is cut to it (W061 says so): one garbage cell of millions of
    /// characters would otherwise be copied into every notice and page. Without it, kept whole.
    #[serde(default)]
    pub(crate) cut_text_chars: Option<usize>,
    /// Cells of all grids of one workbook together, as the reader will build them.
    pub(crate) max_cells: u64,
    /// Merged regions of one workbook.
    pub(crate) max_merges: u64,
    /// CPU seconds one file may take to read (its reader process is then stopped; four times
    /// as many in wall-clock time).
    pub(crate) read_seconds: u64,
    /// Address space of the process that reads one file, in MB.
    pub(crate) read_memory_mb: u64,
    /// The file the limits are set in, as a message asking to change one names it.
    #[serde(skip)]
    pub(crate) file: String,
}

/// Validated vocabulary, all entries normalised like cell text.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub(crate) empty: Vec<String>,
    pub(crate) yes: Vec<String>,
    pub(crate) no: Vec<String>,
    /// Unit suffix → factor to 万元, longest suffix first.
    pub(crate) units: Vec<(String, f64)>,
    pub(crate) total_rows: Vec<String>,
    /// 小计 markers: rows inside a table that are skipped, not an end of it.
    pub(crate) subtotal_rows: Vec<String>,
    pub(crate) note_rows: Vec<String>,
    /// What a numbered section heading names (`一、签约一批`): the words it ends with.
    pub(crate) section_rows: Vec<String>,
    /// Metadata key (`reporting_unit`, `submitted_on`) → labels.
    pub(crate) meta: BTreeMap<String, Vec<String>>,
    pub(crate) limits: Limits,
    pub(crate) template: FormRules,
    /// Names of files and folders that are never a submission (lock files, OS clutter).
    pub(crate) ignore: globset::GlobSet,
    pub(crate) header_months: HeaderMonths,
}

/// A limit of 0, an amount unit worth 0 or less, an empty list of the words for 是 or 否: each
/// would refuse or misread every file (a limit of 0 refuses them all as too large) without a
/// rules error.
fn check_positive(file: &RuleFile, raw: &RawVocab) -> Result<(), RulesError> {
    let l = &raw.limits;
    let limits: [(&str, u64); 11] = [
        ("max_file_mb", l.max_file_mb),
        ("max_rows", l.max_rows.into()),
        ("max_cols", l.max_cols.into()),
        ("header_search_rows", l.header_search_rows.into()),
        ("max_entry_mb", l.max_entry_mb),
        ("max_unzipped_mb", l.max_unzipped_mb),
        ("max_text_chars", l.max_text_chars as u64),
        ("max_cells", l.max_cells),
        ("max_merges", l.max_merges),
        ("read_seconds", l.read_seconds),
        ("read_memory_mb", l.read_memory_mb),
    ];
    if let Some((key, _)) = limits.iter().find(|(_, n)| *n == 0) {
        return Err(file
            .error_in_table("limits", key, format!("{key} 不能为 0"))
            .with_hint("上限写正整数（参见内置规则中的 ingest.toml）；为 0 时每个文件或每格文字都会超过上限"));
    }
    if let Some((unit, f)) = raw
        .units
        .iter()
        .find(|(_, f)| !(f.is_finite() && **f > 0.0))
    {
        return Err(file
            .error_at_key(
                &["units"],
                unit,
                format!("金额单位“{unit}”折合 {f} 万元：应为正数"),
            )
            .with_hint("写成 1 万元的倍数，如 \"亿元\" = 10000、\"元\" = 0.0001"));
    }
    for (key, words) in [("yes", &raw.values.yes), ("no", &raw.values.no)] {
        if words.is_empty() {
            return Err(file
                .error_in_table(
                    "values",
                    key,
                    format!("[values] {key} 为空：表中的“是/否”将一个也读不出"),
                )
                .with_hint("至少写一个词，如 yes = [\"是\"]、no = [\"否\"]"));
        }
    }
    Ok(())
}

impl Vocabulary {
    pub(crate) fn load(file: &RuleFile) -> Result<Self, RulesError> {
        let raw: RawVocab = file.parse()?;
        let norm = |v: Vec<String>| {
            v.iter()
                .map(|s| crate::text::normalize(s))
                .collect::<Vec<_>>()
        };
        check_positive(file, &raw)?;
        let mut units: Vec<(String, f64)> = raw
            .units
            .into_iter()
            .map(|(k, v)| (crate::text::normalize(&k), v))
            .collect();
        units.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        // The labels the reader looks for; a key of its own (a misspelt `unit_remark`) would
        // be read by nothing.
        let known = [
            "reporting_unit",
            "submitted_on",
            "unit_remarks",
            "amount_unit",
        ];
        if let Some(key) = raw.meta.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(file
                .error_at_key(&["meta"], key, format!("未知的键 `{key}`"))
                .with_hint(format!("此处可用的键: {}", known.join(", "))));
        }
        for key in ["reporting_unit", "submitted_on"] {
            if raw.meta.get(key).is_none_or(|labels| labels.is_empty()) {
                return Err(file
                    .error_near("[meta]", format!("[meta] 缺少 {key}（或为空）"))
                    .with_hint("列出表格上方“填报单位：”“填报日期：”一类的标签"));
            }
        }
        if let Some(first) = raw.template.signoff.first()
            && !raw
                .rows
                .note
                .iter()
                .any(|n| crate::text::normalize(first).starts_with(&crate::text::normalize(n)))
        {
            return Err(file
                .error_near(
                    "signoff",
                    format!("签字行“{first}”不以 [rows] note 中的词开头"),
                )
                .with_hint(
                    "在 [rows] note 中加上签字行的第一个标签，模板读回时该行才作为表下说明",
                ));
        }
        if raw
            .limits
            .cut_text_chars
            .is_some_and(|n| n < raw.limits.max_text_chars)
        {
            return Err(file
                .error_near("cut_text_chars", "cut_text_chars 小于 max_text_chars")
                .with_hint(
                    "截断长度应不小于提示长度，如 max_text_chars = 2000、cut_text_chars = 20000",
                ));
        }
        let mut ignore = globset::GlobSetBuilder::new();
        for pattern in &raw.files.ignore {
            let glob = globset::Glob::new(pattern).map_err(|e| {
                file.error_near(pattern, format!("文件名模式无效。技术信息：{e}"))
                    .with_hint("例如 \"~$*\" 或 \"Thumbs.db\"")
            })?;
            ignore.add(glob);
        }
        let ignore = ignore
            .build()
            .map_err(|e| file.error_near("ignore", format!("文件名模式无效。技术信息：{e}")))?;
        Ok(Vocabulary {
            ignore,
            empty: norm(raw.values.empty),
            yes: norm(raw.values.yes),
            no: norm(raw.values.no),
            units,
            total_rows: norm(raw.rows.total),
            subtotal_rows: norm(raw.rows.subtotal),
            note_rows: norm(raw.rows.note),
            section_rows: norm(raw.rows.section),
            meta: raw.meta.into_iter().map(|(k, v)| (k, norm(v))).collect(),
            limits: Limits {
                file: super::source::to_edit(&file.display),
                ..raw.limits
            },
            template: raw.template,
            header_months: HeaderMonths {
                this_month: crate::text::key(&raw.headers.this_month),
                year_to_date: crate::text::key(&raw.headers.year_to_date),
            },
        })
    }

    /// Whether a file at `rel` (`/`-separated) is clutter: its name or a folder on its way matches
    /// `[files] ignore`.
    pub(crate) fn ignored(&self, rel: &str) -> bool {
        rel.split('/').any(|part| self.ignore.is_match(part))
    }

    /// Factor to 万元 of a unit such as `亿元`, if known.
    pub(crate) fn unit_factor(&self, unit: &str) -> Option<f64> {
        self.units.iter().find(|(u, _)| u == unit).map(|(_, f)| *f)
    }
}
