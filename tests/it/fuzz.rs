//! Fuzz properties (issue 14), run with proptest on the stable toolchain: value parsing, rules
//! loading, expression evaluation and header detection never panic, hang or let a non-finite
//! number through. `cargo test --test it fuzz::` runs a modest number of cases; set
//! `PROPTEST_CASES=20000` (for example) for a long run. Failures found are kept as regression
//! seeds in `tests/it/fuzz.proptest-regressions`.

use calamine::Data;
use proptest::prelude::*;
use sanyipi::expr::{Expr, row_context};
use sanyipi::ingest::Value;
use sanyipi::ingest::value::{parse_cell, parse_date_text, parse_number};
use sanyipi::rules::{FieldType, RuleSource, Rules};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Rules::load(None).unwrap())
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Cell values as departments (and attackers) write them.
fn any_cell() -> impl Strategy<Value = Data> {
    prop_oneof![
        any::<f64>().prop_map(Data::Float),
        any::<i64>().prop_map(Data::Int),
        "[0-9０-９,，.．万亿元%年月日/\\- ]{0,16}".prop_map(Data::String),
        any::<String>().prop_map(Data::String),
        Just(Data::Float(f64::NAN)),
        Just(Data::Float(f64::INFINITY)),
        Just(Data::Float(1e308)),
        Just(Data::Empty),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    #[test]
    fn numbers_parse_or_refuse_never_non_finite(s in "\\PC{0,24}|[0-9,.\\-+eE%]{0,24}") {
        if let Ok(n) = parse_number(&s) {
            prop_assert!(n.is_finite(), "{s} -> {n}");
        }
        let _ = parse_date_text(&s);
    }

    #[test]
    fn cells_of_every_field_type_never_panic(cell in any_cell(), factor in prop::option::of(0.0001f64..100000.0)) {
        let vocab = &rules().vocab;
        for schema in &rules().tables {
            for field in &schema.fields {
                if let Ok(Some(v)) = parse_cell(&cell, field, factor, vocab) {
                    if let Some(n) = v.as_f64() {
                        prop_assert!(n.is_finite(), "{cell:?} as {:?} -> {n}", field.kind);
                    }
                    if field.kind == FieldType::Integer {
                        prop_assert!(matches!(v, Value::Int(_)));
                    }
                    let _ = sanyipi::ingest::value::plausible(&v, field);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// A rules file with a few bytes changed loads or is refused with an error, never a panic.
    #[test]
    fn mutated_rules_load_or_are_refused(
        file in 0usize..64,
        at in any::<prop::sample::Index>(),
        cut in 0usize..40,
        insert in "\\PC{0,12}|[\\[\\]{}=\"'#\\n]{1,6}",
    ) {
        let mut source = RuleSource::embedded();
        let i = file % source.files.len();
        let text = &source.files[i].text;
        let chars: Vec<char> = text.chars().collect();
        let pos = at.index(chars.len().max(1)).min(chars.len());
        let end = (pos + cut).min(chars.len());
        let mutated: String = chars[..pos]
            .iter()
            .chain(insert.chars().collect::<Vec<_>>().iter())
            .chain(chars[end..].iter())
            .collect();
        source.files[i].text = mutated;
        let _ = Rules::from_source(source);
    }
}

/// Expressions built from the pieces rule formulas use.
fn expression() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "[a-z_]{1,12}",
        any::<i32>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        Just("cum_invest".to_string()),
        Just("annual_plan".to_string()),
        Just("range(100000)".to_string()),
        Just("'met'".to_string()),
        Just("none".to_string()),
    ];
    atom.prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                "[-+*/%]|//|\\*\\*| and | or | in |==|<=|>|~",
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("[{a}, {a}] | min")),
            inner
                .clone()
                .prop_map(|a| format!("{a} | list | sort | length")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!("{a} if {b} else {c}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    /// Every expression ends (fuel) with a value or an error; none panics.
    #[test]
    fn expressions_end(src in prop_oneof![expression(), "\\PC{0,40}"]) {
        let known = vec!["cum_invest".to_string(), "annual_plan".to_string()];
        let mut values = BTreeMap::new();
        values.insert("cum_invest".to_string(), Value::Number(5980.3));
        values.insert("annual_plan".to_string(), Value::Number(0.0));
        if let Ok(e) = Expr::compile(&src, Some(&known)) {
            let _ = e.holds(row_context(&values, &known));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    /// A sheet with arbitrary text above and in the header row is read or reported: its rows
    /// are all accounted for, nothing panics.
    #[test]
    fn header_detection_never_panics(
        above in prop::collection::vec("\\PC{0,12}", 0..4),
        header in prop::collection::vec(prop_oneof![
            Just("项目名称".to_string()), Just("累计完成投资".to_string()), Just("项目编号".to_string()),
            Just("是否开工".to_string()), "\\PC{0,10}"], 1..10),
        rows in prop::collection::vec(prop::collection::vec("\\PC{0,8}|[0-9.]{1,8}", 0..10), 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("甲镇.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let mut r = 0u32;
        for t in &above {
            ws.write_string(r, 0, t).unwrap();
            r += 1;
        }
        for (c, h) in header.iter().enumerate() {
            ws.write_string(r, c as u16, h).unwrap();
        }
        for row in &rows {
            r += 1;
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
        wb.save(&path).unwrap();
        let data = sanyipi::ingest::ingest_file(&path, "monthly", rules()).unwrap();
        for f in &data.files {
            prop_assert!(f.rows.read >= f.rows.data);
        }
    }
}
