//! Typed cell values, and the parsers that read every way departments write them.

use crate::rules::{Bound, Field, FieldType, Vocabulary};
use crate::text::{key, normalize};
use calamine::Data;
use chrono::NaiveDate;

pub use crate::value::Value;
pub(crate) use crate::value::format_number;
use crate::value::round4;

/// How a cell reads as text (for header matching, messages and text fields).
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => normalize(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => {
            if *b {
                "TRUE".into()
            } else {
                "FALSE".into()
            }
        }
        Data::DateTime(dt) => date_time(dt)
            .map(|d| d.date().format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| format_number(dt.as_f64())),
        Data::DateTimeIso(s) => s.clone(),
        Data::DurationIso(s) => duration_shown(s).unwrap_or_else(|| s.clone()),
        Data::Error(e) => e.to_string(),
    }
}

/// The date and time of a date cell. calamine's `as_datetime` panics on a serial beyond what
/// chrono can count in milliseconds (a stored `-1e308`); a serial that far from any date is
/// no date.
fn date_time(dt: &calamine::ExcelDateTime) -> Option<chrono::NaiveDateTime> {
    // About 270,000 years each way of 1900: more than any date, well inside chrono's range.
    const FAR: f64 = 1e8;
    let serial = dt.as_f64();
    (serial.is_finite() && serial.abs() < FAR)
        .then(|| dt.as_datetime())
        .flatten()
}

/// An ods time (`PT12H00M00S`, `PT36H30M00S`) as a clerk sees it: `12:00`, `36:30:00`, seconds
/// shown when not zero.
fn duration_shown(iso: &str) -> Option<String> {
    let rest = iso.strip_prefix("PT")?;
    let (h, rest) = rest.split_once('H')?;
    let (m, rest) = rest.split_once('M')?;
    let s = rest.strip_suffix('S')?;
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    let s: f64 = s.parse().ok()?;
    Some(if s == 0.0 {
        format!("{h}:{m:02}")
    } else {
        format!("{h}:{m:02}:{:02}", s.round() as u64)
    })
}

/// Reads `cell` as `field`. `Ok(None)` is an empty cell; `Err` says why the value is unreadable.
/// `header_factor` converts amounts when the header names a unit (`总投资（亿元）`), and numbers
/// when it names one of the field's own units (`用地面积（平方米）`).
pub fn parse_cell(
    cell: &Data,
    field: &Field,
    header_factor: Option<f64>,
    vocab: &Vocabulary,
) -> Result<Option<Value>, String> {
    if let Data::Error(e) = cell {
        return Err(format!("单元格是错误值 {e}"));
    }
    if let Data::Float(f) = cell
        && !f.is_finite()
    {
        return Err("单元格的值不是有限的数字（非数值或无穷大）".into());
    }
    let text = cell_text(cell);
    if text.is_empty() || vocab.empty.contains(&text) {
        return Ok(field.default.map(Value::Bool));
    }
    let value = match field.kind {
        FieldType::Text => Value::Text(match cell {
            Data::String(s) => crate::text::display(s),
            _ => text,
        }),
        FieldType::Integer => Value::Int(parse_integer(cell, &text, &field.units)?),
        // A header naming one of the field's own units (用地面积（平方米）) converts.
        FieldType::Number => {
            let n = number_of(cell).map_or_else(|| number_with_unit(&text, &field.units), Ok)?;
            Value::Number(match header_factor {
                Some(f) => round4(n * f),
                None => n,
            })
        }
        FieldType::Amount => Value::Number(parse_amount(cell, &text, header_factor, vocab)?),
        FieldType::Date => Value::Date(parse_date(cell, &text)?),
        FieldType::Bool => Value::Bool(parse_bool(cell, &text, vocab)?),
        FieldType::Enum => {
            let k = key(&text);
            let k = field.synonyms.get(&k).cloned().unwrap_or(k);
            if !field.values.contains(&k) {
                return Err(format!(
                    "“{text}”不是可选值（{}）之一",
                    field.values.join("、")
                ));
            }
            Value::Text(k)
        }
    };
    if let Value::Number(n) = value
        && !n.is_finite()
    {
        return Err(format!("“{}”超出可计算的数值范围", cell_text(cell)));
    }
    Ok(Some(value))
}

/// Whether `value` lies in the field's plausible range; `Err` names the range it misses.
pub fn plausible(value: &Value, field: &Field) -> Result<(), String> {
    let Some(p) = &field.plausible else {
        return Ok(());
    };
    let show = |b: &Bound| match b {
        Bound::Number(n) => format_number(*n),
        Bound::Date(d) => d.format("%Y-%m-%d").to_string(),
    };
    let cmp = |b: &Bound| match (b, value) {
        (Bound::Number(n), v) => v.as_f64().and_then(|x| x.partial_cmp(n)),
        (Bound::Date(d), Value::Date(x)) => Some(x.cmp(d)),
        _ => None,
    };
    use std::cmp::Ordering::{Greater, Less};
    let below = p
        .min
        .as_ref()
        .is_some_and(|b| matches!(cmp(b), Some(Less) | None));
    let above = p
        .max
        .as_ref()
        .is_some_and(|b| matches!(cmp(b), Some(Greater) | None));
    if !below && !above {
        return Ok(());
    }
    let range = match (&p.min, &p.max) {
        (Some(a), Some(b)) => format!("{} 至 {}", show(a), show(b)),
        (Some(a), None) => format!("不小于 {}", show(a)),
        (None, Some(b)) => format!("不大于 {}", show(b)),
        (None, None) => String::new(),
    };
    Err(format!("“{value}”不在合理范围（{range}）内"))
}

fn number_of(cell: &Data) -> Option<f64> {
    match cell {
        Data::Int(i) => Some(*i as f64),
        Data::Float(f) => Some(*f),
        _ => None,
    }
}

fn parse_integer(cell: &Data, text: &str, units: &[(String, f64)]) -> Result<i64, String> {
    let n = number_of(cell).map_or_else(|| number_with_unit(text, units), Ok)?;
    if n.fract() != 0.0 || n.abs() > 1e15 {
        return Err(format!("“{text}”不是整数"));
    }
    Ok(n as i64)
}

/// A number written with one of its field's own units after it (`3个工作日`, `50亩`), converted
/// by the unit's factor; else a plain number.
fn number_with_unit(text: &str, units: &[(String, f64)]) -> Result<f64, String> {
    let t = crate::text::key(text);
    // The longest unit that ends the text: 万吨 before 吨.
    let unit = units
        .iter()
        .filter(|(u, _)| t.len() > u.len() && t.ends_with(u.as_str()))
        .max_by_key(|(u, _)| u.len());
    match unit {
        Some((u, factor)) => parse_number(&t[..t.len() - u.len()])
            .map(|n| round4(n * factor))
            .map_err(|_| format!("“{text}”不是数字")),
        None => parse_number(text),
    }
}

/// A plain number: `3,500`, `1125.1`, `12%` (as 12).
pub fn parse_number(text: &str) -> Result<f64, String> {
    separators_ok(text)?;
    let t: String = normalize(text)
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let t = t.strip_suffix('%').unwrap_or(&t);
    match t.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(format!("“{text}”不是数字")),
    }
}

/// A number's separators: commas where they group in threes, and spaces between digits only as
/// they would (`1 234 567`, not `5980 3`, a slip that would read as 59803).
fn separators_ok(text: &str) -> Result<(), String> {
    let t = normalize(text);
    if !thousands_ok(&t) {
        return Err(format!("“{text}”的千位分隔符位置不对"));
    }
    let chars: Vec<char> = t.trim().chars().collect();
    let mut spaced = String::with_capacity(t.len());
    let mut any = false;
    for (i, c) in chars.iter().enumerate() {
        if !c.is_whitespace() {
            spaced.push(*c);
            continue;
        }
        let before = spaced.chars().last().is_some_and(|p| p.is_ascii_digit());
        let after = chars[i + 1..]
            .iter()
            .find(|c| !c.is_whitespace())
            .is_some_and(|n| n.is_ascii_digit());
        if before && after {
            spaced.push(',');
            any = true;
        }
    }
    if any && !thousands_ok(&spaced) {
        return Err(format!("“{text}”的数字中间有空格，无法确定数值"));
    }
    Ok(())
}

/// Commas, if any, group the integer part in threes: `3,500` and `1,234,567.5`, not `1,2,3`.
fn thousands_ok(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.contains(',') {
        return true;
    }
    let int = t.split('.').next().unwrap_or("");
    let int = int.trim_start_matches(['-', '+']);
    let groups: Vec<&str> = int.split(',').collect();
    let digits = |g: &str| g.chars().all(|c| c.is_ascii_digit());
    !groups[0].is_empty()
        && groups[0].len() <= 3
        && digits(groups[0])
        && groups[1..].iter().all(|g| g.len() == 3 && digits(g))
        && !t.split('.').skip(1).any(|f| f.contains(','))
}

/// An amount in 万元: `3,500`, `1.2亿`, `7640万元`; a unit in the cell beats the header's.
pub(crate) fn parse_amount(
    cell: &Data,
    text: &str,
    header_factor: Option<f64>,
    vocab: &Vocabulary,
) -> Result<f64, String> {
    if let Some(n) = number_of(cell) {
        return Ok(round4(n * header_factor.unwrap_or(1.0)));
    }
    separators_ok(text)?;
    let t: String = normalize(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let not_amount = |e: String| {
        if e.contains("千位") {
            e
        } else {
            format!("“{text}”不是金额")
        }
    };
    if t.ends_with('%') {
        return Err(format!("“{text}”是百分比，不是金额"));
    }
    for (unit, factor) in &vocab.units {
        if let Some(num) = t.strip_suffix(unit.as_str()) {
            let n = parse_number(num).map_err(not_amount)?;
            return Ok(round4(n * factor));
        }
    }
    let n = parse_number(&t).map_err(not_amount)?;
    Ok(round4(n * header_factor.unwrap_or(1.0)))
}

/// A date from a real date cell, an ODS ISO date, a serial number or text in any common form.
pub(crate) fn parse_date(cell: &Data, text: &str) -> Result<NaiveDate, String> {
    match cell {
        Data::DateTime(dt) => date_time(dt)
            .map(|d| d.date())
            .ok_or_else(|| format!("“{text}”不是有效日期")),
        Data::DateTimeIso(s) => parse_date_text(s).ok_or_else(|| format!("“{s}”不是有效日期")),
        Data::Int(_) | Data::Float(_) => {
            let serial = number_of(cell).unwrap_or(0.0);
            // 20261009 typed as a number is the date it spells, as the same text is.
            if serial.fract() == 0.0 && (1e7..1e8).contains(&serial) {
                return parse_date_text(text).ok_or_else(|| format!("“{text}”不是日期"));
            }
            // A small number is a date typed as one (10.9, 2026.10 read as 2026.1), not a day
            // of 1900: said as typed, not as the day Excel would count it to.
            if serial < SERIAL_FLOOR {
                return Err(format!("“{text}”是数字，不是日期"));
            }
            serial_date(serial).ok_or_else(|| format!("“{text}”不是日期"))
        }
        _ => parse_date_text(text).ok_or_else(|| format!("“{text}”不是日期")),
    }
}

/// Serials below this (1927-05-18) are numbers typed into a date cell, not dates of the
/// county's projects.
const SERIAL_FLOOR: f64 = 10_000.0;

/// An Excel serial date in the 1900 system (1 = 1900-01-01, with Excel's 1900 leap-year bug).
fn serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// `2026-09-15`, `2026/9/15`, `2026.9.15`, `2026年9月15日`, `20260915`, with an optional time;
/// also in Chinese numerals, as official documents date themselves (`二〇二六年十月二十一日`).
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let t = normalize(text);
    let t = chinese_numeral_date(&t).unwrap_or(t);
    let date_part = t.split(['T', ' ']).next().unwrap_or("");
    let date_part = date_part.trim_end_matches('日').trim_end_matches('号');
    if date_part.len() == 8 && date_part.chars().all(|c| c.is_ascii_digit()) {
        let y = date_part[..4].parse().ok()?;
        let m = date_part[4..6].parse().ok()?;
        let d = date_part[6..].parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts.iter().any(|p| p.is_empty() || p.len() > 4)
    {
        return None;
    }
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    let nums = nums?;
    NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2])
}

/// `二〇二六年十月二十一日` → `2026年10月21日`: the year digit by digit, the month and day as
/// numbers (`十` 10, `十一` 11, `二十` 20, `二十一` 21). None when the text is not such a date.
fn chinese_numeral_date(t: &str) -> Option<String> {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let digit = |c: char| {
        let c = if c == '零' || c == 'O' || c == 'o' {
            '〇'
        } else {
            c
        };
        DIGITS.iter().position(|&d| d == c).map(|n| n as u32)
    };
    let number = |s: &str| -> Option<u32> {
        let chars: Vec<char> = s.chars().collect();
        match chars.as_slice() {
            ['十'] => Some(10),
            [a] => digit(*a),
            ['十', b] => Some(10 + digit(*b)?),
            [a, '十'] => Some(digit(*a)? * 10),
            [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
            _ => None,
        }
    };
    let (year, rest) = t.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.trim_end_matches(['日', '号']);
    if year.chars().count() != 4 {
        return None;
    }
    let year: Option<String> = year
        .chars()
        .map(|c| digit(c).map(|n| n.to_string()))
        .collect();
    Some(format!("{}年{}月{}日", year?, number(month)?, number(day)?))
}

/// A date written without its year (`10月21日`, `10月21号`, `10.21`, `10-21`, `10/21`), in the
/// year that puts it nearest to `month` (a report of December dated 1月5日 is of the next year).
pub(crate) fn month_day_near(text: &str, month: crate::calendar::Month) -> Option<NaiveDate> {
    let t = normalize(text);
    let (m, d) = t
        .trim_end_matches(['日', '号'])
        .split_once(['月', '.', '-', '/'])?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    let at = |y: i32| NaiveDate::from_ymd_opt(y, m, d);
    let anchor = month.day(15);
    [month.year - 1, month.year, month.year + 1]
        .into_iter()
        .filter_map(at)
        .min_by_key(|d| (*d - anchor).num_days().abs())
}

fn parse_bool(cell: &Data, text: &str, vocab: &Vocabulary) -> Result<bool, String> {
    if let Data::Bool(b) = cell {
        return Ok(*b);
    }
    if vocab.yes.iter().any(|w| w == text) {
        return Ok(true);
    }
    if vocab.no.iter().any(|w| w == text) {
        return Ok(false);
    }
    Err(format!(
        "“{text}”不是“是/否”（可写 {} 或 {}）",
        vocab.yes.join("、"),
        vocab.no.join("、")
    ))
}

#[cfg(test)]
mod tests;
