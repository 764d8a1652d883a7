//! A required table no file was read as, while a file's name says it is that table: its header
//! lacks the table's required columns and another table's header fits it, so it was read as that
//! one. The table's E032 names the file, the columns and what it was read as.

use super::Claimed;
use super::classify::headers;
use crate::rules::{Rules, TableSchema};

/// `台账.xlsx 的文件名像是重大项目管理台账，但表头缺少“责任单位”，已按签约项目读取` for each file
/// `schema`'s patterns name that another table claimed.
pub(super) fn named_but_read_as_other(
    schema: &TableSchema,
    rules: &Rules,
    month: Option<crate::calendar::Month>,
    claimed: &[Vec<Claimed>],
) -> Vec<String> {
    let mut out = Vec::new();
    for (j, files) in claimed.iter().enumerate() {
        let other = &rules.tables[j];
        if other.id == schema.id {
            continue;
        }
        for (f, sheets, _) in files {
            let Ok(sheets) = sheets else { continue };
            if !schema.matches(&f.rel) {
                continue;
            }
            // The sheet's header that comes nearest: the fewest required columns missing.
            let nearest = headers(sheets, schema, &rules.vocab, month)
                .into_iter()
                .flatten()
                .min_by_key(|h| h.missing.len());
            let lacks = match nearest {
                Some(h) => {
                    let labels: Vec<String> = h
                        .missing
                        .iter()
                        .map(|&i| format!("“{}”", schema.fields[i].label))
                        .collect();
                    format!("表头缺少{}", labels.join("、"))
                }
                None => "未找到其表头".to_string(),
            };
            out.push(format!(
                "{} 的文件名像是{}，但{lacks}，已按{}读取",
                f.rel, schema.title, other.title
            ));
        }
    }
    out
}
