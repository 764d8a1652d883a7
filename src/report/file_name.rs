//! File names made from names in the input (units, notice recipients, table titles): the one
//! place they are cleaned, and the one place names that would collide are told apart.
//!
//! A clean name has no path separators, reserved or control characters, no `..`, no leading
//! dot, no trailing dot or space, at most [`MAX_STEM_CHARS`] characters, and is never one of the
//! names Windows reserves (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`, with any
//! extension). Two names are the same file when they are equal ignoring case (Windows, macOS).

use std::collections::BTreeSet;

/// Longest file name stem, in characters.
pub(crate) const MAX_STEM_CHARS: usize = 80;

/// A clean file name stem for `s`.
pub(crate) fn safe_file_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            let reserved = matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
            if c.is_control() || reserved { '_' } else { c }
        })
        .collect();
    while out.contains("..") {
        out = out.replace("..", "_");
    }
    let cut: String = out
        .trim_start_matches(['.', ' '])
        .chars()
        .take(MAX_STEM_CHARS)
        .collect();
    let out = cut.trim_end_matches(['.', ' ']);
    if out.is_empty() {
        "_".into()
    } else if windows_reserved(out) {
        format!("_{out}")
    } else {
        out.to_string()
    }
}

/// Whether Windows reserves `name` for a device: the part before the first dot, trailing spaces
/// ignored, is `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9` or `LPT0`–`LPT9` (superscript digits too), in
/// any case.
fn windows_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let upper = base.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = upper.chars();
    let head: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (head == "COM" || head == "LPT")
        && rest.len() == 1
        && matches!(rest[0], '0'..='9' | '¹' | '²' | '³')
}

/// File names handed out in one folder: each new name is made clean and, when it would be the
/// same file as one handed out before, gets `_2`, `_3` … so that no file overwrites another.
/// Given the same names in the same order it hands out the same file names.
#[derive(Debug, Default)]
pub(crate) struct FileNames {
    taken: BTreeSet<String>,
}

/// A file name handed out, and whether it had to differ from the clean name to stay apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileName {
    pub(crate) name: String,
    pub(crate) renamed: bool,
}

impl FileNames {
    /// A file name `STEM.ext` for `name`, apart from every name handed out before.
    pub(crate) fn claim(&mut self, name: &str, ext: &str) -> FileName {
        let stem = safe_file_name(name);
        let mut candidate = format!("{stem}.{ext}");
        let mut n = 1;
        while !self.taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = format!("{stem}_{n}.{ext}");
        }
        FileName {
            name: candidate,
            renamed: n > 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned() {
        let long = "长".repeat(100);
        let cases = [
            ("曲屯镇", "曲屯镇".to_string()),
            ("甲/乙\\丙:丁", "甲_乙_丙_丁".to_string()),
            ("../../etc/passwd", "____etc_passwd".to_string()),
            ("a\nb", "a_b".to_string()),
            ("", "_".to_string()),
            ("...", "_".to_string()),
            ("CON", "_CON".to_string()),
            ("con.txt", "_con.txt".to_string()),
            ("Lpt9 ", "_Lpt9".to_string()),
            ("COM1.2026", "_COM1.2026".to_string()),
            ("NUL.", "_NUL".to_string()),
            ("COM10", "COM10".to_string()),
            ("CONSOLE", "CONSOLE".to_string()),
            ("名称. ", "名称".to_string()),
            (long.as_str(), "长".repeat(80)),
            (&format!("{}. x", "长".repeat(79)), "长".repeat(79)),
        ];
        for (input, want) in cases {
            assert_eq!(safe_file_name(input), want, "{input:?}");
        }
    }

    #[test]
    fn colliding_names_are_told_apart() {
        let long = "长".repeat(80);
        let mut names = FileNames::default();
        let got: Vec<FileName> = [
            "甲/乙",
            "甲:乙",
            "甲\\乙",
            "Abc",
            "abc",
            &format!("{long}一"),
            &format!("{long}二"),
            "甲_乙_2",
        ]
        .iter()
        .map(|n| names.claim(n, "xlsx"))
        .collect();
        let plain: Vec<&str> = got.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            plain,
            [
                "甲_乙.xlsx",
                "甲_乙_2.xlsx",
                "甲_乙_3.xlsx",
                "Abc.xlsx",
                "abc_2.xlsx",
                &format!("{long}.xlsx"),
                &format!("{long}_2.xlsx"),
                "甲_乙_2_2.xlsx",
            ]
        );
        let renamed: Vec<bool> = got.iter().map(|f| f.renamed).collect();
        assert_eq!(renamed, [false, true, true, false, true, false, true, true]);
    }
}
