//! Unit tests of the parent module.
use super::*;

fn known(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn compiles_once_and_evaluates_over_a_row() {
    let e = Expr::compile(
        "amount > 10 and kind == '新建'",
        Some(&known(&["amount", "kind"])),
    )
    .unwrap();
    assert_eq!(e.vars(), ["amount", "kind"]);
    let row = BTreeMap::from([
        ("amount".to_string(), Value::Number(12.5)),
        ("kind".to_string(), Value::Text("新建".into())),
    ]);
    assert!(
        e.holds(row_context(&row, &known(&["amount", "kind"])))
            .unwrap()
    );
    let empty = BTreeMap::new();
    assert!(
        !e.holds(row_context(&empty, &known(&["amount", "kind"])))
            .unwrap()
    );
}

#[test]
fn refuses_unknown_names_bad_syntax_and_huge_expressions() {
    assert_eq!(
        Expr::compile("a + zz + b", Some(&known(&["a", "b"]))),
        Err(CompileError::Unknown(vec!["zz".into()]))
    );
    assert!(matches!(
        Expr::compile("a +", None),
        Err(CompileError::Syntax(_))
    ));
    let long = "a + ".repeat(2_000) + "a";
    assert!(matches!(
        Expr::compile(&long, None),
        Err(CompileError::Size(_))
    ));
    let deep = "(".repeat(40) + "1" + &")".repeat(40);
    assert!(matches!(
        Expr::compile(&deep, None),
        Err(CompileError::Size(_))
    ));
}

#[test]
fn a_failing_evaluation_is_an_error_not_false() {
    let e = Expr::compile("1 / x > 0", None).unwrap();
    let ctx = V::from(BTreeMap::from([("x", V::from(0))]));
    assert!(e.holds(ctx).is_err());
}

#[test]
fn quoted_texts_compared_with_a_name_are_found_with_their_place() {
    let found = |src: &str| -> Vec<(String, String, String)> {
        compared_texts(src)
            .into_iter()
            .map(|c| {
                let at = src[c.offset..]
                    .chars()
                    .take(c.text.chars().count() + 2)
                    .collect();
                (c.name, c.text, at)
            })
            .collect()
    };
    let one = |n: &str, t: &str, q: char| (n.to_string(), t.to_string(), format!("{q}{t}{q}"));
    assert_eq!(found("kind == '重点'"), [one("kind", "重点", '\'')]);
    assert_eq!(found("\"a\" != kind"), [one("kind", "a", '"')]);
    assert_eq!(
        found("points if s in ['met', 'x'] else (5 if r == 'late' else 0)"),
        [
            one("s", "met", '\''),
            one("s", "x", '\''),
            one("r", "late", '\'')
        ]
    );
    assert_eq!(
        found("'tv' in penalty_ids"),
        [one("penalty_ids", "tv", '\'')]
    );
    assert_eq!(
        found("s not in ('a',) and 1 < x < 3"),
        [one("s", "a", '\'')]
    );
    assert_eq!(found("a == b == 'z'"), [one("b", "z", '\'')]);
    // Not a name against a text: nothing to check.
    for src in [
        "kind | lower == 'a'",
        "x.y == 'a'",
        "'a' in kind ~ 'b'",
        "a +",
        "kind < 'b'",
    ] {
        assert_eq!(found(src), [], "{src}");
    }
}

#[test]
fn iso_dates_are_written_as_chrono_writes_them() {
    for (y, m, d) in [
        (2026, 1, 5),
        (999, 12, 31),
        (1, 2, 3),
        (9999, 7, 4),
        (-5, 1, 1),
        (12345, 6, 6),
    ] {
        let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(iso_date(day), day.format("%Y-%m-%d").to_string());
    }
}

#[test]
fn an_expression_reads_the_same_from_its_own_context() {
    let names = known(&["amount", "kind", "other", "start"]);
    let row = BTreeMap::from([
        ("amount".to_string(), Value::Number(12.5)),
        ("other".to_string(), Value::Int(3)),
        (
            "start".to_string(),
            Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 5, 10).unwrap()),
        ),
    ]);
    for src in [
        "amount > 10 and kind is none",
        "start ~ '|' ~ amount",
        "missing_name",
        "other * 2",
    ] {
        let e = Expr::compile(src, None).unwrap();
        let whole = e.eval(row_context(&row, &names)).map(|v| v.to_string());
        let own = e.eval(e.row_context(&row, &names)).map(|v| v.to_string());
        assert_eq!(
            whole.map_err(|e| e.to_string()),
            own.map_err(|e| e.to_string()),
            "{src}"
        );
    }
}
