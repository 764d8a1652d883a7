//! Checks every rules file gets whatever its schema, after it parses: slips of a clerk's edit
//! that would otherwise load and change results without a word.
//!
//! - a text left empty (`""`): an `id`, `name`, `label` or `title`, a label of `[labels]`, a
//!   reason, a heading, a unit's full name — a rule without a name or a blank in every notice
//!   and page; only the keys of [`MAY_BE_EMPTY`] say something by being empty;
//! - two tables of one `[[array]]` with the same `id` (a block copied to make a new rule, its
//!   id not changed: the second silently shadows or doubles the first);
//! - a name of the rules (`ledger`, `start_after_signing`) with a letter that only looks like
//!   an English one (Cyrillic `о`, Greek `ο`, full-width `ｏ`): never equal to the name it
//!   looks like, and invisible in the message that says so.

use super::{RuleFile, RulesError};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Keys whose empty text means something: `applies` (every project), `cc` (no 抄送 line),
/// `closing`, `after` (nothing after a notice or a table), `who` (no one named on a date),
/// `this_month`, `year_to_date` (a header read as written). Every other text is shown or
/// matched by, so must not be empty.
const MAY_BE_EMPTY: &[&str] = &[
    "applies",
    "cc",
    "closing",
    "after",
    "who",
    "this_month",
    "year_to_date",
];

pub(super) fn check(file: &RuleFile) -> Result<(), RulesError> {
    let Ok(root) = DeTable::parse(&file.text) else {
        return Ok(());
    };
    table(file, root.get_ref())
}

fn table(file: &RuleFile, t: &DeTable<'_>) -> Result<(), RulesError> {
    for (k, v) in t.iter() {
        value(file, k.get_ref().as_ref(), v)?;
    }
    Ok(())
}

fn value(file: &RuleFile, key: &str, v: &Spanned<DeValue<'_>>) -> Result<(), RulesError> {
    let at =
        |offset: usize, message: String| RulesError::at(&file.display, &file.text, offset, message);
    match v.get_ref() {
        DeValue::String(s) => {
            if !MAY_BE_EMPTY.contains(&key) && s.trim().is_empty() {
                return Err(
                    at(v.span().start, format!("{key} 不能为空")).with_hint(format!(
                        "写出 {key}（参见内置规则中的同名文件）；不要的一项整段删去"
                    )),
                );
            }
            if let Some((i, c, script)) = look_alike(s) {
                // The span starts at the opening quote.
                return Err(at(
                    v.span().start + 1 + i,
                    format!("“{s}”中的“{c}”不是英文字母，而是形近的{script}"),
                )
                .with_hint("规则中的名称（id、表名、字段名）只用半角英文字母、数字和 _：删去这个字母，切换到英文输入法重打"));
            }
        }
        DeValue::Array(items) => {
            let mut seen: Vec<(String, usize)> = Vec::new();
            for item in items.iter() {
                if let DeValue::Table(t) = item.get_ref()
                    && let Some((_, id)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == "id")
                    && let DeValue::String(s) = id.get_ref()
                {
                    let line = file.text[..id.span().start].matches('\n').count() + 1;
                    if let Some((_, first)) = seen.iter().find(|(other, _)| other == s.as_ref()) {
                        return Err(at(
                            id.span().start,
                            format!("[[{key}]] 的 id “{s}” 重复：第 {first} 行已有同一 id"),
                        )
                        .with_hint(
                            "每一项的 id 须不同：复制来的一项请改一个新的 id，多余的一项整段删去",
                        ));
                    }
                    seen.push((s.to_string(), line));
                }
                value(file, key, item)?;
            }
        }
        DeValue::Table(t) => table(file, t)?,
        _ => {}
    }
    Ok(())
}

/// The first letter of `s` that looks like an English one but is not, with its byte offset and
/// script, when `s` is otherwise written in English letters, digits and `_` (a name of the
/// rules, not a text).
fn look_alike(s: &str) -> Option<(usize, char, &'static str)> {
    let script = |c: char| match c {
        '\u{0370}'..='\u{03FF}' => Some("希腊字母"),
        '\u{0400}'..='\u{04FF}' => Some("西里尔字母"),
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            Some("全角字符")
        }
        _ => None,
    };
    let ascii = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
    if !s.chars().any(|c| c.is_ascii_alphabetic())
        || !s.chars().all(|c| ascii(c) || script(c).is_some())
    {
        return None;
    }
    s.char_indices()
        .find_map(|(i, c)| script(c).map(|name| (i, c, name)))
}

#[cfg(test)]
mod tests {
    use crate::rules::{RuleSource, Rules};

    /// The shipped rules with `from` replaced by `to` in file `rel`: the error, if any.
    fn load_with(rel: &str, from: &str, to: &str) -> Option<String> {
        let mut source = RuleSource::embedded();
        let f = source.files.iter_mut().find(|f| f.rel == rel).unwrap();
        assert!(f.text.contains(from), "{from}");
        f.text = f.text.replacen(from, to, 1);
        Rules::from_source(source).err().map(|e| e.to_string())
    }

    #[test]
    fn an_empty_name_a_repeated_id_and_a_look_alike_letter_are_errors_at_their_line() {
        for (rel, from, to, said) in [
            (
                "scoring.toml",
                "name = \"投资完成\"",
                "name = \"\"",
                "name 不能为空",
            ),
            (
                "notices.toml",
                "id = \"tv_statement\"\npenalty",
                "id = \"\"\npenalty",
                "id 不能为空",
            ),
            (
                "units.toml",
                "ledger = [\"responsible_unit\"",
                "ledger = [\"r\u{0435}sponsible_unit\"",
                "“rеsponsible_unit”中的“е”不是英文字母，而是形近的西里尔字母",
            ),
        ] {
            let e = load_with(rel, from, to).unwrap_or_else(|| panic!("{to} accepted"));
            assert!(e.contains(said), "{to}: {e}");
            assert!(
                e.contains(&format!("内置规则 {rel}:")) && e.contains("提示:"),
                "{e}"
            );
        }
        // A screening rule copied without a new id: the copy is named at its id.
        let mut source = RuleSource::embedded();
        let f = source
            .files
            .iter_mut()
            .find(|f| f.rel == "screening.toml")
            .unwrap();
        let at = f.text.find("[[rule]]").unwrap();
        let end = at + f.text[at + 1..].find("[[rule]]").unwrap() + 1;
        let block = f.text[at..end].to_string();
        f.text.insert_str(end, &block);
        let e = Rules::from_source(source).unwrap_err().to_string();
        assert!(e.contains("[[rule]] 的 id “env_red_line” 重复：第 "), "{e}");
    }

    /// The slips of the rules mutation campaign a clerk is likeliest to make, each an error at
    /// its line in words, with a hint.
    #[test]
    fn a_zero_limit_a_unit_worth_nothing_an_unquoted_option_and_an_empty_formula_are_errors() {
        for (rel, from, to, said) in [
            (
                "ingest.toml",
                "max_file_mb = 50",
                "max_file_mb = 0",
                "max_file_mb 不能为 0",
            ),
            (
                "ingest.toml",
                "\"万元\" = 1",
                "\"万元\" = -1",
                "金额单位“万元”折合 -1 万元：应为正数",
            ),
            (
                "ingest.toml",
                "yes = [\"是\", \"√\", \"✓\", \"✔\", \"已开工\", \"已竣工\", \"已投产\", \"已完成\", \"有\"]",
                "yes = []",
                "[values] yes 为空",
            ),
            (
                "annual.toml",
                "aggregate = \"mean\"",
                "aggregate = 42",
                "类型不对: 此处应为加引号的取值（文本）",
            ),
            (
                "scoring.toml",
                "formula = \"points * procedures_ok_share\"",
                "formula = \"\"",
                "formula 不能为空",
            ),
            (
                "evaluate.toml",
                "formula = \"tax / land_mu\"",
                "formula = \"tax / \"",
                "表达式有误：表达式不完整",
            ),
        ] {
            let e = load_with(rel, from, to).unwrap_or_else(|| panic!("{to} accepted"));
            assert!(e.contains(said), "{to}: {e}");
            assert!(
                e.contains(&format!("内置规则 {rel}:")) && e.contains("提示:"),
                "{e}"
            );
        }
    }
}
