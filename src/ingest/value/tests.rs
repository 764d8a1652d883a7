//! Unit tests of reading one cell as its field's type.

use super::*;
use crate::rules::Rules;

fn vocab() -> Vocabulary {
    Rules::load(None).unwrap().vocab
}

fn field(kind: FieldType) -> Field {
    Field {
        id: "f".into(),
        headers: vec!["f".into()],
        label: "f".into(),
        kind,
        required: false,
        default: None,
        values: vec!["一产".into(), "二产".into()],
        synonyms: [("第二产业".to_string(), "二产".to_string())].into(),
        plausible: None,
        units: Vec::new(),
        any_year: false,
        warn_absent: false,
    }
}

fn read(cell: Data, kind: FieldType) -> Result<Option<Value>, String> {
    parse_cell(&cell, &field(kind), None, &vocab())
}

#[test]
fn numbers_typed_into_a_date_cell_are_said_as_typed() {
    let date = |d: Data, t: &str| parse_date(&d, t);
    assert_eq!(
        date(Data::Float(10.9), "10.9"),
        Err("“10.9”是数字，不是日期".to_string())
    );
    assert_eq!(
        date(Data::Float(2026.1), "2026.1"),
        Err("“2026.1”是数字，不是日期".to_string())
    );
    assert_eq!(
        date(Data::Int(20261009), "20261009"),
        Ok(NaiveDate::from_ymd_opt(2026, 10, 9).unwrap())
    );
    assert_eq!(
        date(Data::Float(46304.0), "46304"),
        Ok(NaiveDate::from_ymd_opt(2026, 10, 9).unwrap())
    );
}

#[test]
fn dates_in_chinese_numerals_and_without_a_year() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
    assert_eq!(parse_date_text("二〇二六年十月二十一日"), d(2026, 10, 21));
    assert_eq!(parse_date_text("二零二六年九月五日"), d(2026, 9, 5));
    assert_eq!(parse_date_text("二〇二六年十二月十日"), d(2026, 12, 10));
    assert_eq!(parse_date_text("二〇二六年十三月一日"), None);
    assert_eq!(parse_date_text("二〇二六年"), None);
    let october = crate::calendar::Month::parse("2026-10").unwrap();
    let december = crate::calendar::Month::parse("2026-12").unwrap();
    assert_eq!(month_day_near("10月21日", october), d(2026, 10, 21));
    assert_eq!(month_day_near("11月2号", october), d(2026, 11, 2));
    assert_eq!(month_day_near("1月5日", december), d(2027, 1, 5));
    assert_eq!(month_day_near("10.24", october), d(2026, 10, 24));
    assert_eq!(month_day_near("10-24", october), d(2026, 10, 24));
    assert_eq!(month_day_near("2026.10.24", october), None);
    assert_eq!(month_day_near("2月30日", october), None);
    assert_eq!(month_day_near("在建", october), None);
}

#[test]
fn dates_in_every_form() {
    let d = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();
    for t in [
        "2026-09-15",
        "2026/9/15",
        "2026.9.15",
        "2026年9月15日",
        "２０２６年９月１５日",
        "20260915",
        "2026-09-15 00:00:00",
    ] {
        assert_eq!(
            read(Data::String(t.into()), FieldType::Date),
            Ok(Some(Value::Date(d))),
            "{t}"
        );
    }
    assert_eq!(
        read(Data::DateTimeIso("2026-09-15".into()), FieldType::Date),
        Ok(Some(Value::Date(d)))
    );
    assert_eq!(
        read(Data::Float(46280.0), FieldType::Date),
        Ok(Some(Value::Date(d)))
    );
    assert!(read(Data::String("待定".into()), FieldType::Date).is_err());
    assert!(read(Data::String("2026年9月".into()), FieldType::Date).is_err());
    assert!(read(Data::String("2026-02-30".into()), FieldType::Date).is_err());
}

#[test]
fn amounts_in_every_form() {
    let v = |t: &str| {
        read(Data::String(t.into()), FieldType::Amount)
            .unwrap()
            .unwrap()
            .as_f64()
            .unwrap()
    };
    assert_eq!(v("3,500"), 3500.0);
    assert_eq!(v("1.2亿"), 12000.0);
    assert_eq!(v("1.2亿元"), 12000.0);
    assert_eq!(v("7640万元"), 7640.0);
    assert_eq!(v("５０００"), 5000.0);
    assert_eq!(v("１１２５．１"), 1125.1);
    assert_eq!(read(Data::String("—".into()), FieldType::Amount), Ok(None));
    assert_eq!(read(Data::String("/".into()), FieldType::Amount), Ok(None));
    assert!(read(Data::String("约三千".into()), FieldType::Amount).is_err());
    // A percentage is no amount (it is a number: 研发投入占比 12%).
    assert_eq!(
        read(Data::String("5980%".into()), FieldType::Amount),
        Err("“5980%”是百分比，不是金额".into())
    );
    assert_eq!(v("-0"), 0.0);
    assert!(v("-0").is_sign_positive());
    let f = field(FieldType::Amount);
    assert_eq!(
        parse_cell(&Data::Float(1.2), &f, Some(10000.0), &vocab()),
        Ok(Some(Value::Number(12000.0)))
    );
    assert_eq!(
        parse_cell(&Data::String("3000万".into()), &f, Some(10000.0), &vocab()),
        Ok(Some(Value::Number(3000.0)))
    );
}

#[test]
fn yes_no_words() {
    for (t, b) in [
        ("是", true),
        ("√", true),
        ("已开工", true),
        ("否", false),
        ("未开工", false),
    ] {
        assert_eq!(
            read(Data::String(t.into()), FieldType::Bool),
            Ok(Some(Value::Bool(b))),
            "{t}"
        );
    }
    assert!(read(Data::String("也许".into()), FieldType::Bool).is_err());
    let mut f = field(FieldType::Bool);
    f.default = Some(false);
    assert_eq!(
        parse_cell(&Data::Empty, &f, None, &vocab()),
        Ok(Some(Value::Bool(false)))
    );
}

#[test]
fn text_integers_and_enums() {
    assert_eq!(
        read(
            Data::String(" 生物质热电联产项目\u{3000}".into()),
            FieldType::Text
        ),
        Ok(Some(Value::Text("生物质热电联产项目".into())))
    );
    assert_eq!(
        read(Data::Float(20.0), FieldType::Integer),
        Ok(Some(Value::Int(20)))
    );
    assert!(read(Data::Float(2.5), FieldType::Integer).is_err());
    assert_eq!(
        read(Data::String("二产".into()), FieldType::Enum),
        Ok(Some(Value::Text("二产".into())))
    );
    assert!(read(Data::String("四产".into()), FieldType::Enum).is_err());
    // A synonym of the rules reads as its value.
    assert_eq!(
        read(Data::String("第二产业".into()), FieldType::Enum),
        Ok(Some(Value::Text("二产".into())))
    );
    assert_eq!(format_number(0.1 + 0.2), "0.3");
}

#[test]
fn thousands_separators_group_in_threes() {
    assert_eq!(parse_number("3,500"), Ok(3500.0));
    assert_eq!(parse_number("1,234,567.5"), Ok(1234567.5));
    assert!(parse_number("1,2,3").is_err());
    assert!(parse_number("12,34").is_err());
    assert!(parse_number(",123").is_err());
    assert!(parse_number("1.234,5").is_err());
    assert!(read(Data::String("1,2,3万元".into()), FieldType::Amount).is_err());
    assert!(read(Data::Float(f64::NAN), FieldType::Amount).is_err());
    assert!(read(Data::Float(f64::INFINITY), FieldType::Number).is_err());
}

#[test]
fn a_space_between_digits_groups_in_threes_or_is_an_error() {
    assert_eq!(parse_number("1 234 567.5"), Ok(1234567.5));
    assert_eq!(parse_number(" 500 "), Ok(500.0));
    let amount = |t: &str| read(Data::String(t.into()), FieldType::Amount);
    assert_eq!(amount("500 万元"), Ok(Some(Value::Number(500.0))));
    assert_eq!(amount("1 234.5"), Ok(Some(Value::Number(1234.5))));
    for slip in ["5980 3", "59 80.3", "1 2 3"] {
        let e = amount(slip).unwrap_err();
        assert!(e.contains("数字中间有空格"), "{slip}: {e}");
        assert!(parse_number(slip).is_err(), "{slip}");
    }
}

#[test]
fn plausible_ranges_come_from_the_rules() {
    use crate::rules::{OutOfRange, Plausible};
    let mut f = field(FieldType::Amount);
    assert_eq!(plausible(&Value::Number(-5.0), &f), Ok(()));
    f.plausible = Some(Plausible {
        min: Some(Bound::Number(0.0)),
        max: None,
        out_of_range: OutOfRange::Empty,
    });
    assert!(plausible(&Value::Number(-5.0), &f).is_err());
    assert_eq!(plausible(&Value::Number(0.0), &f), Ok(()));
    let mut d = field(FieldType::Date);
    d.plausible = Some(Plausible {
        min: NaiveDate::from_ymd_opt(2000, 1, 1).map(Bound::Date),
        max: NaiveDate::from_ymd_opt(2100, 12, 31).map(Bound::Date),
        out_of_range: OutOfRange::Empty,
    });
    let date = |y, m, day| Value::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap());
    assert!(plausible(&date(1899, 6, 1), &d).is_err());
    assert!(plausible(&date(9999, 12, 31), &d).is_err());
    assert_eq!(plausible(&date(2026, 9, 15), &d), Ok(()));
}

/// An ods time cell is quoted as shown (12:00), not as stored (PT12H00M00S).
#[test]
fn an_ods_time_is_said_as_shown() {
    let said = read(Data::DurationIso("PT12H00M00S".into()), FieldType::Date).unwrap_err();
    assert!(said.contains("12:00") && !said.contains("PT12H"), "{said}");
    assert_eq!(
        cell_text(&Data::DurationIso("PT36H30M05S".into())),
        "36:30:05"
    );
    assert_eq!(cell_text(&Data::DurationIso("P1D".into())), "P1D");
}
