//! Rules of the office's documents beyond the 督查 notices: the monthly 考核情况通报 (`[bulletin]`
//! of notices.toml) and the 函 covering the 应统未统 list (`[letter]` of evaluate.toml). Every
//! text is a minijinja template, checked when the rules are loaded.

use super::{RuleFile, RulesError};
use serde::Deserialize;

/// The 发文机关标志: one issuer's name, or the names of the issuers signing jointly (the host
/// first), one a line (GB/T 9704-2012 7.2.2).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Header {
    One(String),
    Joint(Vec<String>),
}

impl Header {
    /// The lines of the 发文机关标志.
    pub(crate) fn lines(&self) -> Vec<String> {
        match self {
            Header::One(s) => vec![s.clone()],
            Header::Joint(v) => v.clone(),
        }
    }
}

/// The monthly 考核情况通报 to all units (the notices' 定期通报).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Bulletin {
    /// The file name (without extension) in the month's folder.
    pub(crate) file: String,
    /// The document number: its own series, over `year` and `month` of the assessed month.
    pub(crate) number: String,
    pub(crate) title: String,
    /// The 主送 line, over `full_names` (every ranked unit's full name, units.toml order).
    pub(crate) addressee: String,
    pub(crate) intro: String,
    /// The body's parts, each under a numbered heading; a part whose text renders empty and has
    /// no table is left out.
    #[serde(rename = "part")]
    pub(crate) parts: Vec<BulletinPart>,
    #[serde(default)]
    pub(crate) closing: String,
    /// The 发文机关标志, the issuers signing and the 抄送 line when the 通报's differ from the
    /// notices' (`[notice]`).
    pub(crate) header: Option<Header>,
    pub(crate) issuers: Option<Vec<String>>,
    pub(crate) cc: Option<String>,
}

/// One part of the 通报: a heading, paragraphs (one a line of the rendered text), and the
/// ranking table when `table` names its columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulletinPart {
    pub(crate) heading: String,
    #[serde(default)]
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) table: Vec<Column>,
    /// Text after the table.
    #[serde(default)]
    pub(crate) after: String,
}

/// A column of a table: its header and the template of a cell over one row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Column {
    pub(crate) header: String,
    pub(crate) value: String,
    /// Relative width.
    #[serde(default = "one")]
    pub(crate) width: u32,
}

fn one() -> u32 {
    1
}

/// The 函 (GB/T 9704-2012 信函格式) covering the 应统未统 list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Letter {
    pub(crate) file: String,
    /// The 发文机关标志 (the issuer's full name).
    pub(crate) header: String,
    /// Over `year` (the evaluated year) and `issue_year`.
    pub(crate) number: String,
    pub(crate) title: String,
    pub(crate) addressee: String,
    /// Over `year`, `count`, `list` (the list's name), `threshold`.
    pub(crate) text: String,
    /// The attached list's title (in the 附件说明 and over the list).
    pub(crate) attachment: String,
    /// The attachment's label (`附件`).
    pub(crate) attachment_label: String,
    pub(crate) issuers: Vec<String>,
    /// The date line when `evaluate` is run without `--issue-date`.
    pub(crate) undated: String,
    /// The attached list's columns, over one listed project (`id`, `name`, `output`, `n`).
    pub(crate) columns: Vec<Column>,
}

/// Checks that every template of `texts` compiles, with errors at its place in `file`.
pub(crate) fn check_templates<'a>(
    file: &RuleFile,
    texts: impl IntoIterator<Item = &'a String>,
) -> Result<(), RulesError> {
    let env = crate::expr::environment();
    for t in texts {
        env.template_from_str(t)
            .map_err(|e| file.error_near(t, format!("模板有误。技术信息：{e}")))?;
    }
    Ok(())
}

impl Bulletin {
    pub(crate) fn check(&self, file: &RuleFile) -> Result<(), RulesError> {
        let mut texts = vec![
            &self.file,
            &self.number,
            &self.title,
            &self.addressee,
            &self.intro,
            &self.closing,
        ];
        for p in &self.parts {
            texts.extend([&p.heading, &p.text, &p.after]);
            texts.extend(p.table.iter().flat_map(|c| [&c.header, &c.value]));
        }
        check_templates(file, texts)
    }
}

impl Letter {
    pub(crate) fn check(&self, file: &RuleFile) -> Result<(), RulesError> {
        let mut texts = vec![
            &self.file,
            &self.number,
            &self.title,
            &self.addressee,
            &self.text,
            &self.attachment,
            &self.undated,
        ];
        texts.extend(self.columns.iter().flat_map(|c| [&c.header, &c.value]));
        check_templates(file, texts)
    }
}
