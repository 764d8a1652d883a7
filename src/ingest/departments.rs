//! The department of a row of a table with a `[wide.lookup]` (the 办理单位 of a procedure),
//! checked against the department the rules give its procedure: the notice of an overdue
//! procedure is addressed to the department the row is read as, so a department that does not
//! exist (市生态环境局分局 for 市生态环境局镇平分局) must not become a 主送 line in silence.
//!
//! A row's department is read as:
//! - the rules' department for its procedure, when written so (spaces, brackets aside) or as a
//!   name `units.toml` gives that department (its name, an alias, with a suffix): no warning;
//! - another department the rules or the units know (a unit of `units.toml` or the ledger, or a
//!   department of `[wide.lookup]`): kept, as its known name, and W075 says it differs;
//! - a name nobody knows (a near miss, a typing error): the rules' department, and W075 says
//!   which name was written and which one the notices use.
//!
//! A procedure the lookup does not list keeps its department (as its known name when it is one).
//!
//! `check_lookup = false` in `[wide]` keeps another known department without a warning; a name
//! nobody knows is still said, since the notices go elsewhere than the row says.

use super::record::Dataset;
use super::units::{known, resolve};
use crate::diagnostic::{Code, Diagnostic};
use crate::ingest::Value;
use crate::rules::{Rules, TableSchema};
use crate::text::key;

/// What a written department is read as, against the rules' department for its procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Read {
    /// The rules' department (as written or by a known other name).
    Expected(String),
    /// Another known department, kept.
    Other(String),
    /// Unknown: the rules' department is used.
    Unknown(String),
}

/// How `written` reads for a procedure whose department in the rules is `expected`; `known` are
/// the units known to the run, `departments` the departments of the lookup.
pub(crate) fn read(
    rules: &Rules,
    known: &[(String, String)],
    departments: &[&String],
    written: &str,
    expected: &str,
) -> Read {
    let k = key(written);
    let canonical = |name: &str| resolve(&rules.units, known, name);
    if k == key(expected) {
        return Read::Expected(canonical(expected).unwrap_or_else(|| expected.to_string()));
    }
    if let Some(c) = canonical(written) {
        // An alias of the expected department, or of a unit whose name the lookup uses.
        return if Some(&c) == canonical(expected).as_ref() || key(&c) == key(expected) {
            Read::Expected(c)
        } else {
            Read::Other(c)
        };
    }
    if let Some(d) = departments.iter().find(|d| key(d) == k) {
        return Read::Other((*d).clone());
    }
    Read::Unknown(canonical(expected).unwrap_or_else(|| expected.to_string()))
}

/// One W075 finding before grouping: where, and what it says.
struct Found {
    file: String,
    sheet: String,
    cell: Option<String>,
    message: String,
    hint: String,
}

/// Reads the department of every row of `schema` (W075 where it differs from the rules'). The
/// rows of one sheet with the same name for the same department are said once, at the first
/// row's cell, naming the other cells.
pub(crate) fn check(schema: &TableSchema, rules: &Rules, data: &mut Dataset) {
    let Some(wide) = &schema.wide else { return };
    let Some(field) = &wide.lookup_field else {
        return;
    };
    if wide.lookup.is_empty() || data.records(&schema.id).is_empty() {
        return;
    }
    let known = known(rules, data);
    let mut departments: Vec<&String> = wide.lookup.values().collect();
    departments.sort();
    departments.dedup();
    let label = |id: &str| {
        schema
            .field(id)
            .map(|f| f.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let (dept, proc_label) = (label(field), label(&wide.group_field));
    let mut found: Vec<Found> = Vec::new();
    // A procedure list holds few names over many rows (40,000 rows at province scale): each
    // (written, expected) pair is read once, not once a row over every known unit.
    let mut reads: std::collections::HashMap<(String, String), Read> =
        std::collections::HashMap::new();
    let mut resolved: std::collections::HashMap<String, Option<String>> =
        std::collections::HashMap::new();
    let Some(records) = data.tables.get_mut(&schema.id) else {
        return;
    };
    for r in records.iter_mut() {
        let Some(written) = r.text(field).map(str::to_string) else {
            continue;
        };
        let procedure = r.text(&wide.group_field).map(|p| wide.name_of(p));
        let Some(expected) = procedure.as_deref().and_then(|p| wide.lookup.get(&key(p))) else {
            let c = resolved
                .entry(written.clone())
                .or_insert_with(|| resolve(&rules.units, &known, &written));
            if let Some(c) = c {
                r.values.insert(field.clone(), Value::Text(c.clone()));
            }
            continue;
        };
        let procedure = r.text(&wide.group_field).unwrap_or_default().to_string();
        let how = reads
            .entry((written.clone(), expected.clone()))
            .or_insert_with(|| read(rules, &known, &departments, &written, expected))
            .clone();
        // The switch silences a known other department only: an unknown name is always said,
        // the notices going to the rules' department instead.
        let say = wide.check_lookup || matches!(how, Read::Unknown(_));
        let (used, said) = match how {
            Read::Expected(name) => (name, None),
            Read::Other(name) => {
                let said = (
                    format!(
                        "{dept}“{written}”与规则中{proc_label}“{procedure}”的{dept}“{expected}”不同，按表中“{name}”计，督办通知发往“{name}”"
                    ),
                    format!(
                        "核对{dept}；如该手续确由“{name}”办理，可不处理；规则中各手续的{dept}见 {} 的 [wide.lookup]",
                        crate::rules::to_edit(&wide.file)
                    ),
                );
                (name, Some(said))
            }
            Read::Unknown(name) => {
                let said = (
                    format!(
                        "{dept}“{written}”不是已知的单位，与规则中{proc_label}“{procedure}”的{dept}“{expected}”不符，督办通知发往“{name}”"
                    ),
                    format!(
                        "请将{dept}更正为“{expected}”；如“{written}”是其别称，在 {0} 中为“{expected}”写一个 [[unit]]，将“{written}”列入 aliases；如该手续确由“{written}”办理，在 {1} 中加入该单位",
                        crate::rules::to_edit(&rules.units.file),
                        rules.units.file
                    ),
                );
                (name, Some(said))
            }
        };
        if let Some((message, hint)) = said.filter(|_| say) {
            let at = super::match_problems::location(r, field);
            found.push(Found {
                file: at.file,
                sheet: at.sheet.unwrap_or_default(),
                cell: at.cell,
                message,
                hint,
            });
        }
        r.values.insert(field.clone(), Value::Text(used));
    }
    data.diagnostics.extend(grouped(found));
}

/// One diagnostic per sheet and message, at its first cell, naming the others.
fn grouped(found: Vec<Found>) -> Vec<Diagnostic> {
    let mut groups: Vec<(Found, Vec<String>)> = Vec::new();
    for f in found {
        match groups
            .iter_mut()
            .find(|(g, _)| g.file == f.file && g.sheet == f.sheet && g.message == f.message)
        {
            Some((_, more)) => more.extend(f.cell),
            None => groups.push((f, Vec::new())),
        }
    }
    groups
        .into_iter()
        .map(|(f, more)| {
            let message = if more.is_empty() {
                f.message
            } else {
                format!(
                    "{}（本表另有 {} 行同样：{}）",
                    f.message,
                    more.len(),
                    more.join("、")
                )
            };
            Diagnostic::new(
                Code::DepartmentNotTheRules,
                crate::diagnostic::Location {
                    file: f.file,
                    sheet: Some(f.sheet),
                    cell: f.cell,
                },
                message,
            )
            .with_hint(f.hint)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_department_against_the_rules() {
        let rules = Rules::load(None).unwrap();
        let expected = "市生态环境局镇平分局".to_string();
        let other = "县发改委".to_string();
        let lookup = [&expected, &other];
        let known = vec![(key("东湖镇"), "东湖镇".to_string())];
        let read = |w: &str| read(&rules, &known, &lookup, w, &expected);
        // Spaces and full-width brackets are no other name.
        assert_eq!(
            read("市生态环境局 镇平分局"),
            Read::Expected(expected.clone())
        );
        // Another department of the rules, or a known unit, is kept.
        assert_eq!(read("县发改委"), Read::Other(other.clone()));
        assert_eq!(read("东湖镇人民政府"), Read::Other("东湖镇".into()));
        // A near miss is the rules' department.
        assert_eq!(read("市生态环境局分局"), Read::Unknown(expected.clone()));
    }
}
