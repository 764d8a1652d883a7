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
        let mut line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        // A byte order mark (Notepad's "UTF-8 with BOM") is no column of the line.
        if text[line_start..].starts_with('\u{FEFF}') && offset >= line_start + 3 {
            line_start += 3;
        }
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
        let offset = Self::offset_of(text, needle).unwrap_or(0);
        Self::at(file, text, offset, message)
    }

    /// Byte offset of the first occurrence of `needle` in `text` outside a comment, else the
    /// first at all.
    pub(crate) fn offset_of(text: &str, needle: &str) -> Option<usize> {
        text.match_indices(needle)
            .map(|(i, _)| i)
            .find(|&i| !in_comment(text, i))
            .or_else(|| text.find(needle))
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
        let (mut message, mut hint) = translate(err.message());
        // Full-width punctuation typed with a Chinese input method is the likeliest cause.
        let line_start = text[..offset.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = text[line_start..].lines().next().unwrap_or("");
        if let Some(c) = line.chars().find(|c| FULL_WIDTH.contains(c)) {
            hint = Some(format!(
                "此行有全角符号“{c}”：TOML 的等号、逗号、引号、括号须为半角（= , \" [ ] {{ }}），请切换到英文输入法重写"
            ));
        }
        // A number typed in full width (５, －３, １．５) reads as unquoted text.
        let digit = line
            .split('#')
            .next()
            .unwrap_or("")
            .chars()
            .find(|c| ('０'..='９').contains(c) || *c == '．' || *c == '－');
        if let Some(c) = digit {
            message = format!("数字“{c}”是全角字符，TOML 读不出这个数");
            hint = Some("数字须为半角（0-9、小数点 .、负号 -），请切换到英文输入法重写".into());
        }
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
            // Under each character as many spaces as it is wide on screen (两格 for 汉字).
            let caret_pad: String = self
                .source_line
                .chars()
                .take(self.col.saturating_sub(1))
                .map(|c| match c {
                    '\t' => "\t".to_string(),
                    c => " ".repeat(unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)),
                })
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
/// Punctuation a Chinese input method types in place of TOML's.
const FULL_WIDTH: &[char] = &[
    '＝', '，', '“', '”', '‘', '’', '［', '］', '｛', '｝', '：', '＃',
];

fn translate(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim();
    // The parser's syntax messages, in words.
    let syntax: &[(&str, &str, &str)] = &[
        (
            "invalid basic string",
            "引号不成对：文本缺少结尾的引号",
            "文本写成 \"……\"，两端都用半角引号",
        ),
        (
            "key with no value",
            "键后缺少 = 和取值",
            "写成 键 = 值，等号为半角 =",
        ),
        (
            "string values must be quoted",
            "文本须用半角引号括起",
            "写成 name = \"投资完成\"；日期、数字和 true/false 不加引号",
        ),
        (
            "missing comma between array elements",
            "列表的各项之间缺少逗号",
            "写成 [\"a\", \"b\"]，逗号为半角 ,",
        ),
        (
            "duplicate key",
            "键或表重复：同一个键（或 [表名]）在此之前已写过",
            "删去重复的一处；[[part]] 这样的双括号表才可以写多个",
        ),
        (
            "invalid table header",
            "表头写法不对",
            "表头写成 [score] 或 [[part]]，括号为半角",
        ),
        (
            "between 01 and 12",
            "日期无效：月份应为 01 到 12",
            "日期写成 2026-05-09，不加引号",
        ),
        ("invalid date", "日期无效", "日期写成 2026-05-09，不加引号"),
        (
            "extra comma in array",
            "列表中有多余的逗号（两个逗号之间没有值）",
            "删去多余的逗号，写成 [\"a\", \"b\"]",
        ),
        (
            "extra comma in inline table",
            "{ } 中有多余的逗号",
            "删去多余的逗号，写成 { a = 1, b = 2 }；最后一项后不加逗号",
        ),
        (
            "unclosed array",
            "列表缺少结尾的 ]",
            "列表写成 [\"a\", \"b\"]，方括号成对、为半角",
        ),
        (
            "unclosed inline table",
            "{ } 不成对：缺少结尾的 }",
            "写成 { a = 1, b = 2 }，花括号成对、为半角，且写在一行内",
        ),
        (
            "unclosed table",
            "表头缺少结尾的 ]",
            "表头写成 [score] 或 [[part]]，括号成对、为半角",
        ),
        (
            "missing value",
            "= 后缺少取值",
            "写成 键 = 值：文本加引号，数字、日期和 true/false 不加",
        ),
        (
            "invalid literal string",
            "单引号不成对：文本缺少结尾的 '",
            "文本写成 \"……\"，两端都用半角引号",
        ),
        (
            "invalid multi-line",
            "三引号不成对：多行文本缺少结尾的三个引号",
            "多行文本以 \"\"\" 开始，也以 \"\"\" 结束",
        ),
        (
            "unexpected leading zero",
            "数字不能以 0 开头",
            "写成 7 而不是 07；日期写成 2026-05-09，不加引号",
        ),
        (
            "unexpected sign",
            "正负号的位置不对",
            "负数写成 -5，日期写成 2026-05-09",
        ),
        (
            "invalid fraction",
            "小数的写法不对",
            "写成 1.5，小数点前后都要有数字，用半角 .",
        ),
        (
            "invalid float",
            "小数的写法不对",
            "写成 1.5，小数点前后都要有数字，用半角 .",
        ),
        (
            "invalid integer",
            "整数的写法不对",
            "写成 90 这样的半角数字，不加单位",
        ),
        (
            "missing assignment between key-value pairs",
            "{ } 中的键后缺少 =",
            "写成 { a = 1, b = 2 }，等号为半角 =",
        ),
        (
            "missing comma between key-value pairs",
            "{ } 中的各项之间缺少逗号",
            "写成 { a = 1, b = 2 }，逗号为半角 ,",
        ),
        (
            "unquoted keys cannot be empty",
            "键名为空",
            "写成 键 = 值；键名为空时删去这一行",
        ),
        (
            "invalid unquoted key",
            "键名的写法不对：不加引号的键名只能有字母、数字、_ 和 -",
            "中文或带空格的键名加半角引号，如 \"二产\" = 300",
        ),
        (
            "unexpected content",
            "此行在取值之后还有多余的内容",
            "一行只写一个 键 = 值；说明写在 # 之后",
        ),
    ];
    if let Some((_, m, h)) = syntax.iter().find(|(en, _, _)| msg.contains(en)) {
        return (m.to_string(), Some(h.to_string()));
    }
    if msg.contains("TOML datetime") && msg.starts_with("invalid type") {
        return (
            "此处应为日期，实际是文本".into(),
            Some("日期不加引号，写成 2026-05-09".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid value: integer `")
        && let Some((n, expected)) = rest.split_once("`, expected ")
        && expected.starts_with('u')
    {
        return (
            format!("取值不对：应为 0 或正整数，实际是 {n}"),
            Some("天数、个数等写 0 或正整数".into()),
        );
    }
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
    if msg.contains("wanted string or table") {
        return (
            "类型不对: 此处应为加引号的取值（文本）".into(),
            Some(
                "取值写在半角引号内，如 aggregate = \"mean\"；可选的取值见内置规则中的同名文件"
                    .into(),
            ),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid value: integer `")
        && let Some((n, _)) = rest.split_once('`')
    {
        return (
            format!("取值不对：整数 {n} 超出此处可用的范围"),
            Some("写一个合理大小的数，如年份 2026、天数 30；参见内置规则中的同名文件".into()),
        );
    }
    if msg.starts_with("invalid value") {
        return (
            format!("取值不对: {msg}"),
            Some("对照内置规则中的同名文件（sanyipi rules export 导出）改正此处的取值".into()),
        );
    }
    (
        format!("TOML 格式错误。技术信息：{}", msg.replace('\n', " ")),
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

    /// What the parser says of a clerk's slips, through the real parser.
    #[test]
    fn syntax_slips_read_in_chinese_with_the_fix() {
        let said = |text: &str| {
            let err = toml::from_str::<toml::Table>(text).unwrap_err();
            RulesError::from_toml("r.toml", text, &err).to_string()
        };
        for (text, message, hint) in [
            ("name = \"投资完成\n", "引号不成对", "两端都用半角引号"),
            ("points ＝ 50\n", "", "全角符号“＝”"),
            ("name = “投资”\n", "", "全角符号““”"),
            ("a = [1，2]\n", "", "全角符号“，”"),
            ("a = [\"x\" \"y\"]\n", "列表的各项之间缺少逗号", "半角 ,"),
            ("[score]\na = 1\n[score]\nb = 2\n", "重复", "双括号表"),
            ("d = 2026-13-01\n", "月份应为 01 到 12", "2026-05-09"),
            ("a = [1, , 2]\n", "多余的逗号", "删去多余的逗号"),
            ("a = [1, 2\nb = 1\n", "", ""),
            ("a = 07\n", "", ""),
            ("a = 1.\n", "", ""),
            ("a = 1 2\n", "", ""),
            ("a = 'x\n", "", ""),
            ("a = \"\"\"x\n", "", ""),
            ("bottom_n = ５\n", "数字“５”是全角字符", "数字须为半角"),
        ] {
            let e = said(text);
            assert!(e.contains(message) && e.contains(hint), "{text}: {e}");
            assert!(!e.contains("expected"), "{text}: {e}");
            assert!(!e.contains("TOML 格式错误"), "{text}: {e}");
        }
    }

    #[test]
    fn the_caret_stands_under_its_character_on_screen() {
        let e = RulesError::at("r.toml", "a = \"逾期\", overdu = 1\n", 14, "x");
        assert_eq!(e.col, 11);
        let caret = e.to_string().lines().nth(3).unwrap().to_string();
        // "  | " then 10 characters of which two are 2 columns wide.
        assert_eq!(caret, format!("  | {}^", " ".repeat(12)));
        let e = RulesError::at("r.toml", "\u{FEFF}year = 2026x\n", 10, "x");
        assert_eq!((e.line, e.col), (1, 8));
        assert_eq!(e.source_line, "year = 2026x");
    }

    #[test]
    fn translates_unknown_field() {
        let (m, h) = translate("unknown field `headerz`, expected one of `id`, `headers`");
        assert_eq!(m, "未知的键 `headerz`");
        assert_eq!(h.unwrap(), "此处可用的键: id, headers");
    }
}
