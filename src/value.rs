//! A clean, typed value of one field, as ingest produces it and rule expressions read it.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A clean, typed value of one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    pub(crate) fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => write!(f, "{s}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Bool(b) => write!(f, "{}", if *b { "是" } else { "否" }),
        }
    }
}

/// A number without binary noise or trailing zeros: `1125.1`, `3500`.
pub(crate) fn format_number(n: f64) -> String {
    // Whole numbers (most cells: 序号, amounts in 万元) as integers, the same text without the
    // slow fixed-point formatting.
    if n.fract() == 0.0 && n.abs() < 1e11 {
        return (n as i64).to_string();
    }
    // No figure of a project is this large: a typing slip (1e308) is shown short (1×10^308),
    // not in 309 digits.
    if n.abs() >= 1e15 {
        let e = format!("{n:e}");
        let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
        return format!("{mantissa}×10^{exp}");
    }
    let s = format!("{:.4}", round4(n));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

pub(crate) fn round4(n: f64) -> f64 {
    let scaled = (n * 10_000.0).round();
    if scaled.is_finite() {
        // `+ 0.0` makes -0 plain 0 (a `-0` typed in a cell is no negative figure).
        scaled / 10_000.0 + 0.0
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_read_as_the_general_formatting_writes_them() {
        let general = |n: f64| {
            let s = format!("{:.4}", round4(n));
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".to_string()
            } else {
                s.to_string()
            }
        };
        for n in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            10.0,
            100.0,
            2026.0,
            25_000.0,
            -7_640.0,
            1e10,
            99_999_999_999.0,
            -99_999_999_999.0,
            1.5,
            0.00004,
            12.34567,
        ] {
            assert_eq!(format_number(n), general(n), "{n}");
        }
    }

    #[test]
    fn absurdly_large_numbers_are_written_short() {
        assert_eq!(format_number(1e308), "1×10^308");
        assert_eq!(format_number(-2.5e20), "-2.5×10^20");
        assert_eq!(format_number(99_999_999_999_999.0), "99999999999999");
    }
}
