//! Errors in rule files, pointing at `file:line:col` with the line, a caret and a hint.

use std::fmt;

/// A problem in a rules file (`rules/*.toml`) or a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub source_line: String,
    pub message: String,
    pub hint: Option<String>,
}

impl std::error::Error for RulesError {}

impl RulesError {
    /// An error at byte offset `offset` of `text`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = text[line_start..offset].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or("").to_string();
        RulesError {
            file: file.to_string(),
            line,
            col,
            source_line,
            message: message.into(),
            hint: None,
        }
    }

    /// An error on the first occurrence of `needle` in `text` (at the top when absent).
    pub fn near(file: &str, text: &str, needle: &str, message: impl Into<String>) -> Self {
        // The first place outside a comment (a `# Rows join the ledger …` line above the key
        // names the same word), else the first at all.
        let offset = text
            .match_indices(needle)
            .map(|(i, _)| i)
            .find(|&i| !in_comment(text, i))
            .or_else(|| text.find(needle))
            .unwrap_or(0);
        Self::at(file, text, offset, message)
    }

    /// An error about a whole file or folder, with no position in it.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        RulesError {
            file: file.to_string(),
            line: 0,
            col: 0,
            source_line: String::new(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns a toml/serde error into one in Chinese, with the position of its span.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        let (message, hint) = translate(err.message());
        let e = Self::at(file, text, offset, message);
        match hint {
            Some(h) => e.with_hint(h),
            None => e,
        }
    }
}

/// Whether byte `offset` of a TOML text is inside a comment: after a `#` of its line that no
/// string holds.
fn in_comment(text: &str, offset: usize) -> bool {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text[start..offset].chars() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return true,
            None => {}
        }
    }
    false
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "规则错误: {}: {}", self.file, self.message)?;
        } else {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let caret_pad: String = self
                .source_line
                .chars()
                .take(self.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "规则错误: {}:{}:{}: {}\n{pad} |\n{num} | {}\n{pad} | {caret_pad}^",
                self.file, self.line, self.col, self.message, self.source_line
            )?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n提示: {h}")?;
        }
        Ok(())
    }
}

/// Chinese message and hint for the messages toml and serde give.
fn translate(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        return (
            format!("未知的键 {name}"),
            expected.map(|e| format!("此处可用的键: {}", names(&e))),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(rest);
        return (
            format!("未知的取值 {name}"),
            expected.map(|e| format!("可选的取值: {}", names(&e))),
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return (
            format!("缺少必填的键 {rest}"),
            Some("请补上这个键，参见内置规则中的同名文件".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (
            format!(
                "类型不对: 此处应为{}，实际是{}",
                type_name(expected),
                type_name(found)
            ),
            Some("文本要加引号，数字和 true/false 不加，列表写成 [\"a\", \"b\"]".into()),
        );
    }
    if msg.starts_with("invalid value") {
        return (format!("取值不对: {msg}"), None);
    }
    (
        format!("TOML 格式错误: {}", msg.replace('\n', " ")),
        Some("检查引号、方括号是否成对，键与值之间用 =".into()),
    )
}

fn split_expected(rest: &str) -> (String, Option<String>) {
    match rest.split_once(", expected ") {
        Some((name, exp)) => (name.to_string(), Some(exp.to_string())),
        None => (rest.to_string(), None),
    }
}

fn names(expected: &str) -> String {
    expected.trim_start_matches("one of ").replace('`', "")
}

fn type_name(t: &str) -> String {
    let t = t.trim();
    let kind = t.split_whitespace().next().unwrap_or(t);
    let zh = match kind {
        "string" | "a" if t.contains("string") => "文本",
        "string" => "文本",
        "integer" | "i64" | "u32" | "u64" | "i32" | "usize" => "整数",
        "floating" | "f64" => "数字",
        "boolean" => "true/false",
        "sequence" => "列表",
        "map" | "struct" => "表",
        _ if t.contains("integer") || t.contains("i64") || t.contains("u32") => "整数",
        _ if t.contains("string") => "文本",
        _ if t.contains("sequence") => "列表",
        _ if t.contains("bool") => "true/false",
        _ if t.contains("float") || t.contains("f64") => "数字",
        _ => return t.to_string(),
    };
    zh.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_skips_comments_but_not_strings() {
        let text = "# Rows join the ledger by id.\nmatch = { table = \"ledger\" } # ledger\n";
        let e = RulesError::near("m.toml", text, "ledger", "x");
        assert_eq!((e.line, e.col), (2, 20));
        let text = "name = \"a # ledger\"\n";
        let e = RulesError::near("m.toml", text, "ledger", "x");
        assert_eq!((e.line, e.col), (1, 13));
        // Only in a comment: the comment, rather than nothing.
        let e = RulesError::near("m.toml", "# ledger\n", "ledger", "x");
        assert_eq!((e.line, e.col), (1, 3));
    }

    #[test]
    fn position_and_caret() {
        let text = "a = 1\nbb = \"x\"\n";
        let e = RulesError::at("r.toml", text, 6, "坏了").with_hint("改");
        assert_eq!((e.line, e.col), (2, 1));
        assert_eq!(
            e.to_string(),
            "规则错误: r.toml:2:1: 坏了\n  |\n2 | bb = \"x\"\n  | ^\n提示: 改"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "name = \"开工\" x";
        let e = RulesError::at("r.toml", text, text.find('x').unwrap(), "m");
        assert_eq!(e.col, 13);
    }

    #[test]
    fn translates_unknown_field() {
        let (m, h) = translate("unknown field `headerz`, expected one of `id`, `headers`");
        assert_eq!(m, "未知的键 `headerz`");
        assert_eq!(h.unwrap(), "此处可用的键: id, headers");
    }
}
