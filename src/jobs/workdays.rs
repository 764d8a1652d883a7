//! The office's ad-hoc working-day questions (`sanyipi workdays add|count|is`), answered on the
//! official calendar of the rules.

use crate::calendar::{Calendar, DayKind, Reckoned, weekday_zh};
use crate::rules::Rules;
use chrono::NaiveDate;
use std::path::Path;

/// A working-day question; dates as users write them.
#[derive(Debug, Clone)]
pub enum Question {
    /// The `n`-th working day after `date` (not counted).
    Add { date: String, n: i64 },
    /// Working days after `from` up to and including `to`.
    Count { from: String, to: String },
    /// Whether `date` is a working day, and why.
    Is { date: String },
}

/// The answer to `q`, one or more lines of Chinese (without the final newline).
pub fn answer(q: &Question, rules: Option<&Path>) -> super::Result<String> {
    Ok(answer_with(q, rules)?)
}

fn answer_with(q: &Question, rules: Option<&Path>) -> anyhow::Result<String> {
    let cal = Rules::load(rules)?.calendar;
    let text = match q {
        Question::Add { date, n } => {
            let d = parse(date)?;
            if *n < 0 {
                anyhow::bail!(
                    "工作日数应为 0 或正数（“{n}”）：workdays add 只往后数；要知道两个日期之间有几个工作日，请用 sanyipi workdays count 起始日 截止日"
                );
            }
            // Five working days take at most a week (with margin for holidays): the result must
            // stay within the dates a calendar can name (公元 9999 年).
            let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");
            let reach = n.saturating_mul(2).saturating_add(31);
            let n = match u32::try_from(*n) {
                Ok(n) if (last - d).num_days() >= reach => n,
                _ => anyhow::bail!(
                    "工作日数过大（“{n}”）：{} 之后第{n}个工作日超出可计算的日期（公元 9999 年）",
                    fmt(d)
                ),
            };
            let r = cal.add(d, n);
            let mut s = format!(
                "{} 之后第{}个工作日：{}（{}）",
                fmt(d),
                n,
                fmt(r.value),
                describe(&cal, r.value)
            );
            s.push_str(&provisional_note(&r));
            s
        }
        Question::Count { from, to } => {
            let (a, b) = (parse(from)?, parse(to)?);
            if b < a {
                anyhow::bail!(
                    "截止日 {} 早于起始日 {}：请先写起始日，再写截止日，如 sanyipi workdays count {} {}",
                    fmt(b),
                    fmt(a),
                    fmt(b),
                    fmt(a)
                );
            }
            let r = cal.count(a, b);
            let mut s = format!(
                "{} 至 {} 共 {} 个工作日（不含起始日 {}，含截止日 {}）",
                fmt(a),
                fmt(b),
                r.value,
                fmt(a),
                fmt(b)
            );
            s.push_str(&provisional_note(&r));
            s
        }
        Question::Is { date } => {
            let d = parse(date)?;
            let k = cal.kind(d);
            let known = cal.knows_year(d.year_ce().1 as i32);
            let mut s = format!(
                "{}（{}）{}{}：{}",
                fmt(d),
                weekday_zh(d),
                if k.is_working() {
                    "是工作日"
                } else {
                    "不是工作日"
                },
                if known { "" } else { "（暂定）" },
                if known {
                    describe_kind(&k)
                } else {
                    "节假日安排尚未收录，仅按周末判断".to_string()
                }
            );
            if !known {
                s.push_str(&format!(
                    "\n注意：尚无 {} 年的节假日安排，仅按周末判断，结果为暂定。{}",
                    d.format("%Y"),
                    crate::calendar::how_to_add(d.format("%Y").to_string().parse().unwrap_or(0))
                ));
            }
            s
        }
    };
    Ok(text)
}

use chrono::Datelike;

fn parse(s: &str) -> anyhow::Result<NaiveDate> {
    super::parse_date(s, "", "2026-09-28")
}

fn fmt(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The weekday of `d` and, unless it is an ordinary working day, what kind of day it is:
/// `星期五，中秋节放假`, `星期日，周末`, `星期日，调休上班`.
pub(super) fn describe(cal: &Calendar, d: NaiveDate) -> String {
    let k = cal.kind(d);
    match k {
        DayKind::Workday => weekday_zh(d).to_string(),
        DayKind::Adjusted(_) => format!("{}，调休上班", weekday_zh(d)),
        _ => format!("{}，{}", weekday_zh(d), describe_kind(&k)),
    }
}

fn describe_kind(k: &DayKind) -> String {
    match k {
        DayKind::Workday => "正常工作日".into(),
        DayKind::Weekend => "周末".into(),
        DayKind::Holiday(name) => format!("{name}放假"),
        DayKind::Adjusted(name) => format!("调休上班（{name}）"),
    }
}

/// Years as runs: `2027、2029 至 2035`.
fn year_runs(years: &[i32]) -> String {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &y in years {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == y => *end = y,
            _ => runs.push((y, y)),
        }
    }
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => a.to_string(),
            1 => format!("{a}、{b}"),
            _ => format!("{a} 至 {b}"),
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn provisional_note<T>(r: &Reckoned<T>) -> String {
    missing_years_note(&r.missing_years)
}

/// Why results are 暂定: the years (sorted) whose holiday schedule is not in the rules, and how
/// to add one; empty when none is missing. Begins with a newline.
pub(super) fn missing_years_note(years: &[i32]) -> String {
    let Some(&first) = years.first() else {
        return String::new();
    };
    format!(
        "\n注意：结果取决于尚未收录的 {} 年节假日安排，目前仅按周末推算，结果为暂定。{}",
        year_runs(years),
        crate::calendar::how_to_add(first)
    )
}
