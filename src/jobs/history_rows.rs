//! The rows of a `history import` file, read and checked before anything is recorded: months
//! within the rules' calendar and not after today, ranks whole numbers from 1 to the month's
//! count of units, scores finite and within what the scoring rules can give, one row per unit
//! and month. Nothing is clamped or dropped: a bad row is an error naming its cell, and the file
//! is refused whole. A unit the rules do not know is a warning.

use crate::calendar::Month;
use crate::ingest::Record;
use crate::rules::scoring::Aggregate;
use crate::rules::{FieldRole as F, Rules};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One ranking row of the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportRow {
    pub(crate) month: Month,
    pub(crate) unit: String,
    pub(crate) score: f64,
    pub(crate) rank: u32,
}

/// The rows, or every problem found (each a line naming `file!sheet!cell`).
pub(crate) struct Checked {
    pub(crate) rows: Vec<ImportRow>,
    pub(crate) errors: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

/// A row as read, with where its cells are.
struct Read<'a> {
    record: &'a Record,
    month: Option<Month>,
    unit: String,
    score: Option<f64>,
    rank: Option<f64>,
}

/// Reads and checks `records` of the history table; `today` bounds the months. `refused` are
/// the rows the reading refused (a score that is not a number …): already errors, they still
/// count among their month's units, so a rank is not wrongly said to exceed the count.
pub(crate) fn check(
    records: &[Record],
    refused: &[crate::ingest::RefusedRow],
    rules: &Rules,
    today: NaiveDate,
) -> Checked {
    let field = |role| rules.roles.field(role);
    let read: Vec<Read> = records
        .iter()
        .map(|r| Read {
            record: r,
            month: month_of(r, field(F::Month)),
            unit: r.text(field(F::Unit)).unwrap_or("").to_string(),
            score: r.number(field(F::Score)),
            rank: r.get(field(F::Rank)).and_then(|v| v.as_f64()),
        })
        .collect();
    let mut out = Checked {
        rows: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut per_month: BTreeMap<Month, usize> = BTreeMap::new();
    let refused_months = refused
        .iter()
        .map(|r| r.keys.get(field(F::Month)).and_then(|t| month_in(t)));
    // A row whose month cannot be read may belong to any month: ranks up to the count with
    // such rows are let through, so the errors are only the rows' own.
    let mut unsure = 0;
    for m in read.iter().map(|r| r.month).chain(refused_months) {
        match m {
            Some(m) => *per_month.entry(m).or_default() += 1,
            None => unsure += 1,
        }
    }
    let (low, high) = score_range(rules);
    let first_year = rules.calendar.years().first().copied();
    let mut seen: BTreeMap<(Month, String), String> = BTreeMap::new();
    let mut unknown: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for r in &read {
        let at = |role| r.record.cell_ref(field(role));
        let Some(month) = r.month else {
            let text = r.record.get(field(F::Month)).map(|v| v.to_string());
            out.errors.push(format!(
                "{}: 考核月份“{}”无法识别，请写成如 2026-06 或 2026年6月",
                at(F::Month),
                text.unwrap_or_default()
            ));
            continue;
        };
        if let Some(e) = month_problem(month, first_year, today) {
            out.errors.push(format!("{}: {e}", at(F::Month)));
        }
        let count = per_month.get(&month).copied().unwrap_or(0) + unsure;
        let rank = rank_in(r.rank, month, count)
            .map_err(|e| out.errors.push(format!("{}: {e}", at(F::Rank))))
            .ok();
        let score = score_in(r.score, low, high)
            .map_err(|e| out.errors.push(format!("{}: {e}", at(F::Score))))
            .ok();
        let unit_at = at(F::Unit);
        // Stored under the unit's name in the rules (an alias or a suffixed name is the unit's),
        // as the months `run` records name it; a unit the rules do not know as written.
        let units = &rules.units;
        let known = crate::ingest::units::resolve(units, &[], &r.unit);
        let unit = known.clone().unwrap_or_else(|| r.unit.clone());
        let key = (month, crate::text::key(&unit));
        if let Some(first) = seen.get(&key) {
            out.errors.push(format!(
                "{unit_at}: 单位“{}”在 {} 已有一行（{first}），每个单位每月只能有一行",
                r.unit,
                month_text(month)
            ));
            continue;
        }
        seen.insert(key, unit_at.clone());
        if !units.names.is_empty() && known.is_none() {
            let e = unknown
                .entry(r.unit.clone())
                .or_insert((unit_at.clone(), 0));
            e.1 += 1;
        }
        if let (Some(score), Some(rank)) = (score, rank) {
            out.rows.push(ImportRow {
                month,
                unit,
                score,
                rank,
            });
        }
    }
    for (unit, (at, n)) in unknown {
        out.warnings.push(format!(
            "警告: {at}: 单位“{unit}”（共 {n} 行）不在 {} 中，按所写名称导入",
            rules.units.file
        ));
    }
    out
}

/// A rank that can be: a whole number from 1 to the month's count of units.
fn rank_in(rank: Option<f64>, month: Month, count: usize) -> Result<u32, String> {
    match rank {
        Some(x) if x.fract() == 0.0 && x >= 1.0 && x <= count as f64 => Ok(x as u32),
        other => Err(format!(
            "名次“{}”应为 1 至 {count} 的整数（{} 共 {count} 个单位）",
            shown(other),
            month_text(month)
        )),
    }
}

/// A score the scoring rules can give: finite, from `low` to `high`.
fn score_in(score: Option<f64>, low: f64, high: f64) -> Result<f64, String> {
    match score {
        Some(s) if s.is_finite() && s >= low && s <= high => Ok(s),
        other => Err(format!(
            "得分“{}”不在评分规则可得的范围 {} 内",
            shown(other),
            range_text(low, high)
        )),
    }
}

/// The month of a row: `2026-06`, `2026年6月`, `2026.6`, `2026/6`, or a date in it.
fn month_of(r: &Record, field: &str) -> Option<Month> {
    month_in(&r.get(field).map(|v| v.to_string()).unwrap_or_default())
}

/// The month written in `text`, as [`month_of`] reads a cell.
fn month_in(text: &str) -> Option<Month> {
    let text = text.trim();
    Month::parse(text).or_else(|| {
        [
            text.to_string(),
            format!("{text}-01"),
            format!("{text}1日"),
            format!("{text}.1"),
            format!("{text}/1"),
        ]
        .iter()
        .find_map(|t| crate::ingest::value::parse_date_text(t))
        .map(Month::of)
    })
}

/// Why `month` cannot hold a ranking: before the first year of the rules' calendar, or after
/// the current month.
fn month_problem(month: Month, first_year: Option<i32>, today: NaiveDate) -> Option<String> {
    let now = Month::of(today);
    let shown = month_text(month);
    if month > now {
        return Some(format!("考核月份 {shown} 晚于本月 {now}，尚不可能有排名"));
    }
    match first_year {
        Some(first) if month.year < first => Some(format!(
            "考核月份 {shown} 早于规则日历的最早年份 {first} 年（rules/calendar/），请核对；确需导入请先加入该年的日历"
        )),
        _ => None,
    }
}

/// The lowest and highest unit score the scoring rules can give: each part scores between 0
/// and its points; a unit's score is the mean or the lowest of its projects' (a sum has no
/// upper bound, nor a lower one when a part can be negative).
fn score_range(rules: &Rules) -> (f64, f64) {
    let parts = &rules.scoring.parts;
    let low: f64 = parts.iter().map(|p| p.points.min(0.0)).sum();
    let high: f64 = parts.iter().map(|p| p.points.max(0.0)).sum();
    match rules.scoring.score.aggregate {
        Aggregate::Sum if low < 0.0 => (f64::MIN, f64::MAX),
        Aggregate::Sum => (0.0, f64::MAX),
        Aggregate::Mean | Aggregate::Min => (low, high),
    }
}

/// `0000-01` as written (a month's own display drops the year's zeros).
fn month_text(m: Month) -> String {
    format!("{:04}-{:02}", m.year, m.month)
}

/// A number as a person wrote it; a huge one as `1e308`, not 309 digits.
fn shown(x: Option<f64>) -> String {
    match x {
        Some(x) if x.is_finite() && x.abs() < 1e15 => crate::value::format_number(x),
        Some(x) => format!("{x:e}"),
        None => String::new(),
    }
}

fn range_text(low: f64, high: f64) -> String {
    use crate::value::format_number as n;
    if low == f64::MIN {
        "（任意有限数）".to_string()
    } else if high == f64::MAX {
        format!("不低于 {}", n(low))
    } else {
        format!("{} 至 {}", n(low), n(high))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(year: i32, month: u32) -> Month {
        Month { year, month }
    }

    #[test]
    fn ranks_are_whole_numbers_within_the_month() {
        let cases = [
            (Some(1.0), Ok(1)),
            (Some(8.0), Ok(8)),
            (Some(0.0), Err(())),
            (Some(-3.0), Err(())),
            (Some(9.0), Err(())),
            (Some(2.5), Err(())),
            (Some(99_999_999_999.0), Err(())),
            (None, Err(())),
        ];
        for (rank, want) in cases {
            assert_eq!(
                rank_in(rank, m(2026, 7), 8).map_err(|_| ()),
                want,
                "{rank:?}"
            );
        }
    }

    #[test]
    fn scores_are_finite_and_within_the_range() {
        let cases = [
            (Some(0.0), true),
            (Some(100.0), true),
            (Some(-0.01), false),
            (Some(100.01), false),
            (Some(1e308), false),
            (Some(f64::NAN), false),
            (None, false),
        ];
        for (score, ok) in cases {
            assert_eq!(score_in(score, 0.0, 100.0).is_ok(), ok, "{score:?}");
        }
        assert!(score_in(Some(1e9), 0.0, f64::MAX).is_ok());
    }

    #[test]
    fn months_lie_between_the_calendar_and_today() {
        let today = NaiveDate::from_ymd_opt(2026, 10, 3).unwrap();
        let cases = [
            (m(2026, 10), true),
            (m(2020, 1), true),
            (m(2026, 11), false),
            (m(2099, 12), false),
            (m(2019, 12), false),
            (m(0, 1), false),
        ];
        for (month, ok) in cases {
            assert_eq!(
                month_problem(month, Some(2020), today).is_none(),
                ok,
                "{month}"
            );
        }
    }
}
