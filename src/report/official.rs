//! An official document as GB/T 9704-2012 lays it out, before it is written as DOCX
//! (`notice_docx.rs`) or HTML (`templates/official_body.html`): the 督查 notices, the monthly
//! 考核情况通报 (`bulletin.rs`) and the 函 covering the 应统未统 list (`evaluation_letter.rs`).

use crate::engine::notices::{ImprintLine, Notice};
use crate::rules::Rules;
use chrono::NaiveDate;
use serde::Serialize;

/// The form of a document (GB/T 9704-2012 §10): 文件格式, or 信函格式 (a 函: the full name in
/// red over a double rule, the number at the right under it, no page number on the first page,
/// no 印发 line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Form {
    Document,
    Letter,
}

/// A part of the body.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum Block {
    /// A paragraph, first line indented two characters.
    Text { text: String },
    /// A first-level heading (`一、…`, 黑体).
    Heading { text: String },
    /// A table across the type area.
    Table(TableBlock),
}

/// A table: headers, relative column widths, rows of text.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TableBlock {
    pub(crate) headers: Vec<String>,
    pub(crate) widths: Vec<u32>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// An attachment after the date, on a page of its own: the label at the top left (`附件`), its
/// title, a table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Attachment {
    pub(crate) label: String,
    pub(crate) title: String,
    pub(crate) table: TableBlock,
}

/// One document, every text as printed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Official {
    pub(crate) form: Form,
    /// The 发文机关标志, one line per issuer.
    pub(crate) header: Vec<String>,
    pub(crate) number: String,
    pub(crate) title: String,
    /// The 主送 line, without the colon.
    pub(crate) addressee: String,
    pub(crate) blocks: Vec<Block>,
    pub(crate) issuers: Vec<String>,
    /// The document's date for its properties; none when undated.
    pub(crate) issue_date: Option<NaiveDate>,
    pub(crate) date_text: String,
    pub(crate) cc: String,
    /// The label before `cc` (`[notice] cc_label`).
    pub(crate) cc_label: String,
    pub(crate) imprint: Option<ImprintLine>,
    pub(crate) attachment: Option<Attachment>,
}

impl Official {
    /// A 督查 notice: intro, matters with their ordinals, closing.
    pub(crate) fn notice(n: &Notice, rules: &Rules) -> Official {
        let s = &rules.notices.setup;
        let mut blocks = vec![Block::Text {
            text: n.intro.clone(),
        }];
        blocks.extend(n.matters.iter().enumerate().map(|(i, m)| Block::Text {
            text: format!("{}{}", super::docx_page::ordinal(i + 1), m.text),
        }));
        if !n.closing.is_empty() {
            blocks.push(Block::Text {
                text: n.closing.clone(),
            });
        }
        Official {
            form: Form::Document,
            header: s.header.lines(),
            number: n.number.clone(),
            title: n.title.clone(),
            addressee: n.addressee.clone(),
            blocks,
            issuers: s.issuers.clone(),
            issue_date: Some(n.issue_date),
            date_text: n.issue_date_text.clone(),
            cc: s.cc.clone(),
            cc_label: s.cc_label.clone(),
            imprint: n.imprint.clone(),
            attachment: None,
        }
    }
}
