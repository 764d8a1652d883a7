//! Conditions and formulas of the rules compiled at load, their problems in words with a hint.

use super::RulesError;
use crate::expr::{CompileError, Expr};
use std::fmt;

/// Why a condition does not compile: the message (shown after the rule it belongs to) and how
/// to put it right.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    message: String,
    hint: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Problem> for String {
    fn from(p: Problem) -> String {
        p.message
    }
}

impl Problem {
    /// `e` (the error naming this problem at its place) with the problem's hint, unless it
    /// has one of its own.
    pub(crate) fn hinted(self, e: RulesError) -> RulesError {
        match e.hint {
            Some(_) => e,
            None => e.with_hint(self.hint),
        }
    }
}

/// Compiles a condition or formula of a rule, checking that it names only known fields: the
/// compiled expression is kept with the rule and evaluated without parsing again.
pub(crate) fn compile_condition(src: &str, known: &[String]) -> Result<Expr, Problem> {
    Expr::compile(src, Some(known)).map_err(|e| match e {
        CompileError::Size(message) => Problem {
            message,
            hint: "写出一个条件或公式，如 total_invest < 5000；过长的公式拆成几个派生值".into(),
        },
        CompileError::Syntax(m) => {
            let message = match likely_slip(src)
                .or_else(|| crate::expr::syntax_words(&m))
            {
                Some(slip) => format!("条件表达式有误：{slip}。技术信息：{m}"),
                None => format!("条件表达式有误。技术信息：{m}"),
            };
            Problem {
                message,
                hint: "比较写 == != < <= > >=，并且、或者、不是写 and、or、not，文本加半角单引号，如 industry == '二产' and total_invest < 5000".into(),
            }
        }
        CompileError::Unknown(names) => Problem {
            message: format!(
                "条件中的字段 {} 未定义（可用: {}）",
                names.join(", "),
                known.join(", ")
            ),
            hint: unknown_hint(&names[0], known),
        },
    })
}

/// The hint for a name a condition reads that is not known: the closest known name.
fn unknown_hint(name: &str, known: &[String]) -> String {
    let closest = known
        .iter()
        .map(|k| (strsim::normalized_levenshtein(name, k), k))
        .filter(|(s, _)| *s >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, k)) => format!("是否想写 {k}？条件中只能用上面可用的名称，文本加半角单引号"),
        None => "条件中只能用上面可用的名称（字段 id、派生值、阈值），文本加半角单引号，如 env_risk == '高'".into(),
    }
}

/// A hint for `name`, not among `all` (the fields of a table, the tables): the closest when
/// close, and all of them.
pub(crate) fn one_of<'a>(name: &str, all: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = all.into_iter().collect();
    let closest = all
        .iter()
        .map(|k| (strsim::normalized_levenshtein(name, k), *k))
        .filter(|(s, _)| *s >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let list = format!("可用: {}", all.join(", "));
    match closest {
        Some((_, k)) if !name.is_empty() => format!("是否想写 {k}？{list}"),
        _ => list,
    }
}

/// The likeliest slip in an expression that does not parse, in words: full-width or
/// mathematical signs typed with a Chinese input method, or `=` for `==`.
pub(crate) fn likely_slip(src: &str) -> Option<String> {
    const SIGNS: &[char] = &[
        '×', '÷', '（', '）', '“', '”', '‘', '’', '，', '＝', '＞', '＜',
    ];
    if let Some(c) = src.chars().find(|c| SIGNS.contains(c)) {
        return Some(format!(
            "有全角或数学符号“{c}”，乘除写 * /，括号、引号、逗号、比较符号用半角"
        ));
    }
    let b = src.as_bytes();
    let lone_equals = (0..b.len()).any(|i| {
        b[i] == b'='
            && !matches!(b.get(i + 1), Some(b'='))
            && !matches!(
                i.checked_sub(1).map(|j| b[j]),
                Some(b'=' | b'!' | b'<' | b'>')
            )
    });
    lone_equals.then(|| "比较是否相等要写 ==（两个等号）".to_string())
}

#[cfg(test)]
mod slip_tests;
