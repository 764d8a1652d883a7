//! Text from input made safe to print on a terminal: control characters (C0 including ESC and
//! newline, DEL, C1), bidirectional controls and other invisible format characters are shown as
//! `<U+001B>`, so a cell or a file name can neither drive the terminal nor forge a line.

use std::borrow::Cow;

/// `s` with every control and format character escaped, newlines included: for one piece of
/// input text inside a line (a file name, a cell's text).
pub(crate) fn escape_line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// `s` with every control and format character escaped except line feeds and tabs: for whole
/// texts (summaries, tables, diagnostics) at the point they are printed.
pub(crate) fn escape_text(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) && !keep(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a terminal may act on `c` or show nothing for it: C0, DEL and C1 controls, the line
/// and paragraph separators, and the format characters (bidi embeddings, overrides and
/// isolates, zero-width characters, the soft hyphen, tags).
fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}'
        | '\u{7F}'..='\u{9F}'
        | '\u{AD}'
        | '\u{600}'..='\u{605}'
        | '\u{61C}'
        | '\u{6DD}'
        | '\u{70F}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_escaped() {
        let cases = [
            ("曲屯镇", "曲屯镇", "曲屯镇"),
            ("\x1b[2J", "<U+001B>[2J", "<U+001B>[2J"),
            ("a\nb\tc", "a<U+000A>b<U+0009>c", "a\nb\tc"),
            ("a\rb", "a<U+000D>b", "a<U+000D>b"),
            ("\u{7f}\u{9b}", "<U+007F><U+009B>", "<U+007F><U+009B>"),
            (
                "甲\u{202E}乙\u{2066}",
                "甲<U+202E>乙<U+2066>",
                "甲<U+202E>乙<U+2066>",
            ),
            ("\u{200B}\u{FEFF}", "<U+200B><U+FEFF>", "<U+200B><U+FEFF>"),
        ];
        for (input, line, text) in cases {
            assert_eq!(escape_line(input), line, "{input:?}");
            assert_eq!(escape_text(input), text, "{input:?}");
        }
    }
}
