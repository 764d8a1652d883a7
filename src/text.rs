//! Text normalisation shared by ingest and matching: NFKC, trimmed, spaces collapsed.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// NFKC (full-width digits, letters, punctuation and U+3000 to their plain forms), trimmed,
/// inner runs of whitespace collapsed to one space.
pub(crate) fn normalize(s: &str) -> String {
    // ASCII, and most Chinese text, is already in NFKC: the quick check skips the rebuild.
    let nfkc: std::borrow::Cow<str> =
        if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
            std::borrow::Cow::Borrowed(s)
        } else {
            std::borrow::Cow::Owned(s.nfkc().collect())
        };
    if spaced_plainly(&nfkc) {
        return nfkc.into_owned();
    }
    let mut out = String::with_capacity(nfkc.len());
    let mut space = false;
    for c in nfkc.trim().chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Whether `s` has no whitespace to trim or collapse: none at its ends, and only single plain
/// spaces inside.
fn spaced_plainly(s: &str) -> bool {
    let mut previous_space = true; // a leading space is not plain
    for c in s.chars() {
        if c.is_whitespace() {
            if c != ' ' || previous_space {
                return false;
            }
            previous_space = true;
        } else {
            previous_space = false;
        }
    }
    !previous_space || s.is_empty()
}

/// Text as reports show it: spaces (including U+3000) trimmed and collapsed, full-width digits
/// and letters made plain, but Chinese punctuation such as （）、：kept as written.
pub(crate) fn display(s: &str) -> String {
    let plain: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A matching key: normalised with every space removed, so that "年产 500 万" equals "年产500万".
pub(crate) fn key(s: &str) -> String {
    let mut k = normalize(s);
    k.retain(|c| !c.is_whitespace());
    k
}

/// Splits a header label into its name and a trailing unit in brackets:
/// `年度计划投资（万元）` → (`年度计划投资`, `Some("万元")`).
pub(crate) fn split_unit(label: &str) -> (String, Option<String>) {
    let k = key(label);
    if let Some(stripped) = k.strip_suffix(')')
        && let Some(open) = stripped.rfind('(')
    {
        let name = stripped[..open].to_string();
        let unit = stripped[open + 1..].to_string();
        if !name.is_empty() {
            return (name, Some(unit));
        }
    }
    (k, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_full_width_and_spaces() {
        assert_eq!(normalize(" 年产５００万平方米\u{3000}"), "年产500万平方米");
        assert_eq!(normalize("１１２５．１"), "1125.1");
        assert_eq!(normalize("a \u{3000} b"), "a b");
        assert_eq!(key(" 生物质 热电联产项目　"), "生物质热电联产项目");
        assert_eq!(normalize("  plain  ascii "), "plain ascii");
        assert_eq!(normalize("ＡＢＣ１２３"), "ABC123");
        assert_eq!(normalize("ﬁ①"), "fi1");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" "), "");
        assert_eq!(normalize("a b"), "a b");
        assert_eq!(normalize("a  b\t"), "a b");
        assert_eq!(normalize("甲\n乙"), "甲 乙");
    }

    #[test]
    fn display_keeps_chinese_punctuation() {
        assert_eq!(
            display(" 年产５００万平方米（一期）\u{3000}"),
            "年产500万平方米（一期）"
        );
        assert_eq!(
            key("年产５００万平方米（一期）"),
            key(&display("年产500万平方米(一期)"))
        );
    }

    #[test]
    fn splits_units() {
        assert_eq!(
            split_unit("年度计划投资（万元）"),
            ("年度计划投资".into(), Some("万元".into()))
        );
        assert_eq!(
            split_unit("总投资(亿元)"),
            ("总投资".into(), Some("亿元".into()))
        );
        assert_eq!(split_unit("项目名称"), ("项目名称".into(), None));
        assert_eq!(split_unit("（万元）"), ("(万元)".into(), None));
    }
}
