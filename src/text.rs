//! Text normalisation shared by ingest and matching: NFKC, trimmed, spaces collapsed, characters
//! that cannot be seen dropped; keys also fold look-alike letters (Cyrillic `С` to Latin `C`).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// NFKC (full-width digits, letters, punctuation and U+3000 to their plain forms), trimmed,
/// inner runs of whitespace collapsed to one space.
pub(crate) fn normalize(s: &str) -> String {
    if plain(s) {
        return collapsed(s);
    }
    normalize_general(s)
}

/// Whether every character of `s` is printable ASCII or a CJK unified ideograph (U+4E00–U+9FFF),
/// as nearly every cell is: such text is already in NFKC, holds nothing invisible and no
/// look-alike letter, and its only whitespace is the plain space.
fn plain(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, ' '..='~' | '\u{4E00}'..='\u{9FFF}'))
}

/// [`normalize`] of text that is [`plain`]: only its spaces to trim and collapse.
fn collapsed(s: &str) -> String {
    if spaced_plainly(s) {
        return s.to_string();
    }
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`normalize`] of any text.
fn normalize_general(s: &str) -> String {
    let visible = without_invisible(s);
    let s: &str = &visible;
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
    let plain: String = without_invisible(s)
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

/// `s` ended as a sentence: with 。 unless it already ends with 。, ！ or ？ (also before a
/// closing quote: "…。”"), so an item that a unit or a rule wrote with its own stop keeps one.
pub(crate) fn sentence(s: &str) -> String {
    let s = s.trim_end();
    let last = s.trim_end_matches(['”', '’', '」', '』']).chars().last();
    match last {
        None => String::new(),
        Some('。' | '！' | '？' | '!' | '?') => s.to_string(),
        Some(_) => format!("{s}。"),
    }
}

/// A matching key: normalised with every space removed, so that "年产 500 万" equals "年产500万".
pub(crate) fn key(s: &str) -> String {
    if plain(s) {
        return s.replace(' ', "");
    }
    let mut k = normalize_general(s);
    k.retain(|c| !c.is_whitespace());
    if k.is_ascii() {
        return k;
    }
    k.chars().map(|c| look_alike(c).unwrap_or(c)).collect()
}

/// Whether `c` is a character no one can see: format characters (zero-width spaces and joiners,
/// bidi controls, the byte order mark, soft hyphen, variation selectors, tags), the
/// noncharacters U+FFFE and U+FFFF (not allowed in XML: a workbook or document holding one does
/// not open; calamine reads `_xFFFF_` as one) and control characters other than whitespace.
pub(crate) fn is_invisible(c: char) -> bool {
    if c.is_whitespace() {
        return false;
    }
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// The Latin letter a Cyrillic or Greek letter looks exactly like (`С` U+0421 → `C`).
pub(crate) fn look_alike(c: char) -> Option<char> {
    Some(match c {
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' | 'Ϲ' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        'Ν' => 'N',
        'а' => 'a',
        'е' => 'e',
        'о' | 'ο' => 'o',
        'р' => 'p',
        'с' | 'ϲ' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        _ => return None,
    })
}

/// `s` without the characters no one can see (borrowed when it has none).
fn without_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    let plain = if s.is_ascii() {
        !s.bytes()
            .any(|b| (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7f)
    } else {
        !s.chars().any(is_invisible)
    };
    if plain {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_invisible(c)).collect())
    }
}

/// The characters of `s` that a reader cannot tell apart from what they seem: invisible ones,
/// and look-alike letters among Latin letters or digits (a code typed with a Cyrillic `С`),
/// each shown as `U+XXXX`. Empty when there are none.
pub(crate) fn hidden_characters(s: &str) -> Vec<String> {
    if s.is_ascii()
        && !s
            .bytes()
            .any(|b| (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7f)
    {
        return Vec::new();
    }
    let latin = s.chars().any(|c| c.is_ascii_alphanumeric());
    let mut out: Vec<String> = Vec::new();
    for c in s.chars() {
        let shown = if is_invisible(c) {
            format!("U+{:04X}", c as u32)
        } else if latin && look_alike(c).is_some() {
            format!("U+{:04X}（形似 {}）", c as u32, look_alike(c).unwrap_or(c))
        } else {
            continue;
        };
        if !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
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

/// Orders names as people read them: runs of ASCII digits by their value, so that
/// `镇督查〔2026〕9号` comes before `镇督查〔2026〕10号`; the rest by character. Names equal that
/// way (`07` and `7`) fall back to plain order, so the order is total.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a, b);
    loop {
        let (Some(cx), Some(cy)) = (x.chars().next(), y.chars().next()) else {
            return x.len().cmp(&y.len()).then_with(|| a.cmp(b));
        };
        if cx.is_ascii_digit() && cy.is_ascii_digit() {
            let (dx, rx) = x.split_at(x.find(|c: char| !c.is_ascii_digit()).unwrap_or(x.len()));
            let (dy, ry) = y.split_at(y.find(|c: char| !c.is_ascii_digit()).unwrap_or(y.len()));
            let (tx, ty) = (dx.trim_start_matches('0'), dy.trim_start_matches('0'));
            let by_value = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
            if by_value != Ordering::Equal {
                return by_value;
            }
            (x, y) = (rx, ry);
        } else {
            if cx != cy {
                return cx.cmp(&cy);
            }
            (x, y) = (&x[cx.len_utf8()..], &y[cy.len_utf8()..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_ends_with_one_stop() {
        for (s, want) in [
            ("排名第6位", "排名第6位。"),
            (
                "（2026年9月第4名、10月第4名）",
                "（2026年9月第4名、10月第4名）。",
            ),
            ("协调自然资源局调剂指标。", "协调自然资源局调剂指标。"),
            ("请尽快解决！", "请尽快解决！"),
            ("能否调剂？ ", "能否调剂？"),
            ("“已办结。”", "“已办结。”"),
            ("", ""),
        ] {
            assert_eq!(sentence(s), want, "{s}");
        }
    }

    #[test]
    fn plain_text_takes_a_short_cut_to_the_same_result() {
        let general_key = |s: &str| -> String {
            let mut k = normalize_general(s);
            k.retain(|c| !c.is_whitespace());
            k.chars().map(|c| look_alike(c).unwrap_or(c)).collect()
        };
        let pieces = [" ", "  ", "a", "Z9", "~,", "年产", "鿿", "一"];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
        }
        for t in &texts {
            assert!(plain(t), "{t:?}");
            assert_eq!(normalize(t), normalize_general(t), "{t:?}");
            assert_eq!(key(t), general_key(t), "{t:?}");
        }
        assert!(!plain("a\tb") && !plain("全角１") && !plain("С") && !plain("\u{200B}"));
    }

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
    fn invisible_and_look_alike_characters_do_not_split_keys() {
        assert_eq!(key("DH2026\u{200B}-001"), "DH2026-001");
        assert_eq!(key("\u{FEFF}城关镇\u{202E}"), "城关镇");
        assert_eq!(key("DН2026-001"), key("DH2026-001")); // Cyrillic Н
        assert_eq!(display("东湖\u{200D}镇"), "东湖镇");
        assert_eq!(display("已开工\u{FFFF}\u{FFFE}"), "已开工");
        assert_eq!(hidden_characters("已开工\u{FFFF}"), ["U+FFFF"]);
        assert_eq!(normalize("a\u{1b}[2Jb"), "a[2Jb");
        assert_eq!(hidden_characters("DH2026\u{200B}-001"), ["U+200B"]);
        assert_eq!(hidden_characters("DН2026"), ["U+041D（形似 H）"]);
        assert!(hidden_characters("东湖镇 DH2026").is_empty());
        assert!(hidden_characters("Москва").is_empty()); // no Latin beside: not a look-alike
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

    #[test]
    fn names_sort_by_the_value_of_their_numbers() {
        let mut names = vec![
            "督查通知/镇督查〔2026〕1000号_甲.html",
            "督查通知/镇督查〔2026〕186号_乙.html",
            "督查通知/镇督查〔2026〕9号_丙.html",
            "督查通知/镇督查〔2026〕10号_丁.html",
            "a07",
            "a7",
            "a",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "a",
                "a07",
                "a7",
                "督查通知/镇督查〔2026〕9号_丙.html",
                "督查通知/镇督查〔2026〕10号_丁.html",
                "督查通知/镇督查〔2026〕186号_乙.html",
                "督查通知/镇督查〔2026〕1000号_甲.html",
            ]
        );
    }
}
