//! The `[[fill]]` texts of a reporting-up mapping: a cell above the template's header (the
//! 填报单位/月份 line) and a text template over the month's names, checked at load.

use super::report_template::Template;
use super::{RuleFile, RulesError};

/// Names the `[[fill]]` texts may use.
const FILL_NAMES: [&str; 4] = ["year", "month", "as_of", "rows"];

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFill {
    cell: String,
    text: String,
}

/// A text written into a cell of the template's head (the 填报单位/月份 line).
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    pub(crate) row: u32,
    pub(crate) col: u16,
    pub(crate) text: String,
}

/// The `i`-th `[[fill]]` of `file`, its cell and text checked against `template`.
pub(crate) fn resolve_fill(
    file: &RuleFile,
    i: usize,
    f: &RawFill,
    template: &Template,
) -> Result<Fill, RulesError> {
    let at = |key: &str, msg: String| file.error_in_array("fill", i, key, msg);
    let Some((row, col)) = a1(&f.cell).filter(|(r, _)| *r < template.header.0) else {
        return Err(at("cell", format!("“{}”不是表头之上的单元格", f.cell))
            .with_hint("写表头之上的单元格地址，如 \"A2\""));
    };
    if let Err(e) = crate::expr::check_template(&f.text) {
        return Err(at("text", format!("文本模板无法解析: {e}")));
    }
    let unknown: Vec<&str> = template_names(&f.text)
        .into_iter()
        .filter(|n| !FILL_NAMES.contains(n))
        .collect();
    if !unknown.is_empty() {
        return Err(at(
            "text",
            format!("文本中有未知的名称: {}", unknown.join(", ")),
        )
        .with_hint(format!("可用的名称: {}", FILL_NAMES.join(", "))));
    }
    // A cell inside a merged area is written at the area's first cell, where Excel shows it.
    let (row, col) = template
        .merges
        .iter()
        .find(|m| (m.0..=m.2).contains(&row) && (m.1..=m.3).contains(&col))
        .map_or((row, col), |m| (m.0, m.1));
    Ok(Fill {
        row,
        col,
        text: f.text.clone(),
    })
}

/// The names read by the `{{ … }}` parts of a text.
fn template_names(text: &str) -> Vec<&str> {
    text.split("{{")
        .skip(1)
        .filter_map(|part| part.split("}}").next())
        .flat_map(|inner| {
            inner
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| w.chars().next().is_some_and(|c| c.is_alphabetic()))
                .take(1)
        })
        .collect()
}

/// `B3` as 0-based (row, column).
fn a1(cell: &str) -> Option<(u32, u16)> {
    let letters: String = cell
        .chars()
        .take_while(|c| c.is_ascii_uppercase())
        .collect();
    let digits = &cell[letters.len()..];
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = digits.parse().ok().filter(|r| *r >= 1)?;
    Some((row - 1, u16::try_from(col).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_addresses() {
        assert_eq!(a1("A1"), Some((0, 0)));
        assert_eq!(a1("C12"), Some((11, 2)));
        assert_eq!(a1("AA3"), Some((2, 26)));
        assert_eq!(a1("a1"), None);
        assert_eq!(a1("A0"), None);
        assert_eq!(a1("3"), None);
    }

    #[test]
    fn names_in_fill_texts() {
        assert_eq!(
            template_names("月份：{{ year }}年{{month}}月 {{ rows | string }}"),
            vec!["year", "month", "rows"]
        );
    }
}
