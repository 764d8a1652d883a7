//! The values a name of a rule expression can take when the rules know them all: an option
//! field's `values`, a deadline status's ids, the penalty ids. A quoted text a condition or
//! formula compares with such a name (`==`, `!=`, `in [...]`, `'x' in penalty_ids`) must be one
//! of them: a misspelt one would make the rule silently match nothing (or everything).

use super::FieldType;
use super::status::{OwnLabels, STATUSES, StatusLabels};
use super::{RuleFile, RulesError, TableSchema};
use crate::expr::compared_texts;
use std::collections::BTreeMap;

/// Names with their known values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Domains {
    names: BTreeMap<String, Domain>,
}

#[derive(Debug, Clone)]
struct Domain {
    values: Vec<String>,
    /// Where the values are declared, for the hint (`tables/ledger.toml 中字段 project_type 的 values`).
    source: String,
    /// Other words a reader may write for a value: a status's label (按期完成 → met), an
    /// option's synonym (第二产业 → 二产).
    words: BTreeMap<String, String>,
}

impl Domains {
    /// The option fields of `tables`, the tables an expression is evaluated over (a row check's
    /// own table, the ledger and the monthly report for a project's rule …): a field id that is
    /// an option field in every one of them declaring it, with the values of all of them. An id
    /// that is free text in another table (`status` of the feedback form) is still checked over
    /// the tables where it is an option.
    pub(crate) fn of_tables<'a>(tables: impl IntoIterator<Item = &'a TableSchema>) -> Self {
        let mut names: BTreeMap<String, Domain> = BTreeMap::new();
        let mut not_options: Vec<&str> = Vec::new();
        for t in tables {
            for f in &t.fields {
                if f.kind != FieldType::Enum {
                    not_options.push(&f.id);
                    continue;
                }
                let d = names.entry(f.id.clone()).or_insert_with(|| Domain {
                    values: Vec::new(),
                    source: format!("{} 中字段 {} 的 values", t.file, f.id),
                    words: BTreeMap::new(),
                });
                for v in &f.values {
                    if !d.values.contains(v) {
                        d.values.push(v.clone());
                    }
                }
                // Synonyms are kept as matching keys: said by the value as written.
                for (word, key) in &f.synonyms {
                    if let Some(v) = f.values.iter().find(|v| &crate::text::key(v) == key) {
                        d.words.insert(word.clone(), v.clone());
                    }
                }
            }
        }
        names.retain(|n, _| !not_options.contains(&n.as_str()));
        Domains { names }
    }

    /// These domains and `name` taking one of `values` (declared where `source` says).
    pub(crate) fn with(mut self, name: &str, values: &[&str], source: &str) -> Self {
        self.names.insert(
            name.to_string(),
            Domain {
                values: values.iter().map(|v| v.to_string()).collect(),
                source: source.to_string(),
                words: BTreeMap::new(),
            },
        );
        self
    }

    /// `name` as a deadline status, its labels (the file's and the deadlines' own) as words
    /// for its ids.
    pub(crate) fn with_status(self, name: &str, labels: &StatusLabels, own: &[&OwnLabels]) -> Self {
        let mut out = self.with(name, STATUSES, "deadlines.toml 中的期限状态");
        let d = out.names.get_mut(name).expect("just added");
        let mut add = |id: &str, label: Option<&String>| {
            if let Some(l) = label {
                d.words.entry(l.clone()).or_insert_with(|| id.to_string());
            }
        };
        add("met", Some(&labels.met));
        add("met_late", Some(&labels.met_late));
        add("overdue", Some(&labels.overdue));
        add("due_soon", Some(&labels.due_soon));
        add("pending", Some(&labels.pending));
        add("no_date", Some(&labels.no_date));
        for o in own {
            add("met", o.met.as_ref());
            add("met_late", o.met_late.as_ref());
            add("overdue", o.overdue.as_ref());
            add("due_soon", o.due_soon.as_ref());
            add("pending", o.pending.as_ref());
            add("no_date", o.no_date.as_ref());
        }
        out
    }

    /// Checks the quoted texts expression `src` of `file` compares with a name of these domains.
    pub(crate) fn check(&self, file: &RuleFile, src: &str) -> Result<(), RulesError> {
        for c in compared_texts(src) {
            let Some(d) = self.names.get(&c.name) else {
                continue;
            };
            if d.values.contains(&c.text) {
                continue;
            }
            let message = format!(
                "{} 没有取值“{}”（可选: {}）",
                c.name,
                c.text,
                d.values.join("、")
            );
            let word = d.words.get(&c.text);
            let hint = match word.or_else(|| d.words.get(&crate::text::key(&c.text))) {
                Some(id) if d.values.contains(id) && id.is_ascii() => format!(
                    "“{}”是状态 {id} 的显示文字，表达式中写状态名 '{id}'",
                    c.text
                ),
                Some(id) => format!("“{}”读入后为“{id}”，表达式中写 '{id}'", c.text),
                None => format!(
                    "写成可选值之一（{}）；写错的值与任何取值都不相等，规则会悄悄不起作用",
                    d.source
                ),
            };
            return Err(file.error_in_expr(src, c.offset, message).with_hint(hint));
        }
        Ok(())
    }
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
    fn a_quoted_text_compared_with_a_name_of_known_values_must_be_one_of_them() {
        for (rel, from, to, said, hint) in [
            (
                "deadlines.toml",
                "project_type == '重大招商项目'",
                "project_type == '重点招商项目'",
                "project_type 没有取值“重点招商项目”",
                "tables/ledger.toml 中字段 project_type 的 values",
            ),
            (
                "scoring.toml",
                "report_status == 'met' else",
                "report_status == '按期完成' else",
                "report_status 没有取值“按期完成”",
                "状态 met 的显示文字，表达式中写状态名 'met'",
            ),
            (
                "scoring.toml",
                "'pending', 'due_soon'",
                "'pendng', 'due_soon'",
                "start_status 没有取值“pendng”",
                "deadlines.toml 中的期限状态",
            ),
            (
                "notices.toml",
                "'tv_statement' in penalty_ids",
                "'tv_statment' in penalty_ids",
                "penalty_ids 没有取值“tv_statment”（可选: tv_statement、special_inspection）",
                "scoring.toml 中的处罚",
            ),
            // `status` is free text in the feedback form and an option of the procedures'
            // table: a procedures' row check and a procedure's deadline compare with the latter.
            (
                "tables/procedures.toml",
                "status == '已办结' and not finished_date",
                "status == '已完工' and not finished_date",
                "status 没有取值“已完工”（可选: 已办结、办理中、未启动）",
                "tables/procedures.toml 中字段 status 的 values",
            ),
            (
                "deadlines.toml",
                "subject = \"procedure\"\n",
                "subject = \"procedure\"\napplies = \"status != '已完结'\"\n",
                "status 没有取值“已完结”（可选: 已办结、办理中、未启动）",
                "tables/procedures.toml 中字段 status 的 values",
            ),
        ] {
            let e = load_with(rel, from, to).unwrap_or_else(|| panic!("{to} accepted"));
            assert!(e.contains(said) && e.contains(hint), "{to}: {e}");
            // The caret stands under the quoted text.
            let caret = e.lines().nth(3).unwrap().chars().position(|c| c == '^');
            let line = e.lines().nth(2).unwrap();
            let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
            let quoted = &to[to.find('\'').unwrap()..];
            let quoted = &quoted[..quoted[1..].find('\'').unwrap() + 2];
            let at = line.find(quoted).unwrap();
            assert_eq!(caret, Some(width(&line[..at])), "{e}");
        }
        // The right words, or a comparison with no name of known values, stay accepted.
        assert_eq!(
            load_with(
                "scoring.toml",
                "report_status == 'met' else",
                "report_status != 'overdue' and 'x' != 'y' else"
            ),
            None
        );
    }
}
