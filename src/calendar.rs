//! The official working-day calendar: State Council schedules (loaded from
//! `rules/calendar/<year>.toml` by `rules::calendar`), and working-day arithmetic. A working day is Monday–Friday that is not a day off, or an
//! adjusted working day (调休上班). "N working days after D" does not count D itself.
//!
//! A year without a schedule is never guessed: it falls back to weekends only, and every result
//! that touches it names the missing year (`Reckoned::missing_years`).

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DayKind {
    Workday,
    Weekend,
    /// An official day off, with the holiday's name.
    Holiday(String),
    /// A weekend day worked instead (调休上班), with the holiday's name.
    Adjusted(String),
}

impl DayKind {
    pub(crate) fn is_working(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::Adjusted(_))
    }
}

/// A result of calendar arithmetic, with the years it needed but has no schedule for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reckoned<T> {
    pub(crate) value: T,
    pub(crate) missing_years: Vec<i32>,
}

impl<T> Reckoned<T> {
    pub fn provisional(&self) -> bool {
        !self.missing_years.is_empty()
    }
}

/// The known schedules, with a prefix count of working days over the years they cover.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    special: BTreeMap<NaiveDate, (bool, String)>,
    years: Vec<i32>,
    /// First day of the contiguous known span, and cum[i] = working days in span[0..=i].
    span_start: Option<NaiveDate>,
    cum: Vec<u32>,
}

/// A date as Chinese documents write it: `2026年10月9日`.
pub(crate) fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The Chinese weekday name.
pub(crate) fn weekday_zh(d: NaiveDate) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][d.weekday().num_days_from_monday() as usize]
}

/// How a user adds a missing year.
pub(crate) fn how_to_add(year: i32) -> String {
    format!(
        "请按国务院办公厅公布的 {year} 年节假日安排，在规则目录的 calendar/ 中新建 {year}.toml（格式同已有年份的文件；内置规则可用 sanyipi rules export 导出），用 --rules 指定规则目录后重新运行。"
    )
}

impl Calendar {
    /// The calendar of the given years from their special days: official days off (`false`)
    /// and adjusted working days (`true`), each with its holiday's name.
    pub(crate) fn new(
        special: BTreeMap<NaiveDate, (bool, String)>,
        mut years: Vec<i32>,
    ) -> Calendar {
        years.sort();
        years.dedup();
        let mut cal = Calendar {
            special,
            years,
            ..Calendar::default()
        };
        cal.build_span();
        cal
    }

    fn build_span(&mut self) {
        let Some(&first) = self.years.first() else {
            return;
        };
        let mut last = first;
        while self.years.contains(&(last + 1)) {
            last += 1;
        }
        let start = NaiveDate::from_ymd_opt(first, 1, 1).expect("valid year");
        let end = NaiveDate::from_ymd_opt(last, 12, 31).expect("valid year");
        let mut cum = Vec::with_capacity((end - start).num_days() as usize + 1);
        let mut n = 0u32;
        for d in start.iter_days().take_while(|d| *d <= end) {
            if self.kind(d).is_working() {
                n += 1;
            }
            cum.push(n);
        }
        self.span_start = Some(start);
        self.cum = cum;
    }

    pub(crate) fn knows_year(&self, year: i32) -> bool {
        self.years.binary_search(&year).is_ok()
    }

    pub fn years(&self) -> &[i32] {
        &self.years
    }

    pub(crate) fn kind(&self, d: NaiveDate) -> DayKind {
        if let Some((work, name)) = self.special.get(&d) {
            return if *work {
                DayKind::Adjusted(name.clone())
            } else {
                DayKind::Holiday(name.clone())
            };
        }
        match d.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Workday,
        }
    }

    pub(crate) fn is_working(&self, d: NaiveDate) -> bool {
        if let Some(i) = self.index(d) {
            return if i == 0 {
                self.cum[0] == 1
            } else {
                self.cum[i] > self.cum[i - 1]
            };
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    fn index(&self, d: NaiveDate) -> Option<usize> {
        let start = self.span_start?;
        let i = (d - start).num_days();
        (i >= 0 && (i as usize) < self.cum.len()).then_some(i as usize)
    }

    fn missing_between(&self, a: NaiveDate, b: NaiveDate) -> Vec<i32> {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        (lo.year()..=hi.year())
            .filter(|y| !self.knows_year(*y))
            .collect()
    }

    /// The `n`-th working day after `d` (`d` not counted); `n = 0` gives `d`.
    pub fn add(&self, d: NaiveDate, n: u32) -> Reckoned<NaiveDate> {
        let value = self.add_date(d, n);
        Reckoned {
            value,
            missing_years: self.missing_between(d, value),
        }
    }

    fn add_date(&self, d: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return d;
        }
        if let Some(i) = self.index(d) {
            let target = self.cum[i] + n;
            if target <= *self.cum.last().unwrap_or(&0) {
                let j = self.cum.partition_point(|&c| c < target);
                return self.span_start.expect("span") + chrono::Duration::days(j as i64);
            }
        }
        let mut date = d;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().unwrap_or(date);
            if self.is_working(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days in `(from, to]`; negative when `to` is before `from`.
    pub(crate) fn count(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<i64> {
        let value = if to >= from {
            self.count_forward(from, to)
        } else {
            -self.count_forward(to, from)
        };
        Reckoned {
            value,
            missing_years: self.missing_between(from, to),
        }
    }

    fn count_forward(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if let (Some(i), Some(j)) = (self.index(from), self.index(to)) {
            return i64::from(self.cum[j]) - i64::from(self.cum[i]);
        }
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working(*d))
            .count() as i64
    }

    /// The first working day after `d`.
    pub fn next_working(&self, d: NaiveDate) -> Reckoned<NaiveDate> {
        self.add(d, 1)
    }

    /// `d` if it is a working day, else the next one.
    pub(crate) fn on_or_after(&self, d: NaiveDate) -> Reckoned<NaiveDate> {
        if self.is_working(d) {
            Reckoned {
                value: d,
                missing_years: self.missing_between(d, d),
            }
        } else {
            self.add(d, 1)
        }
    }
}

/// The assessed month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `2026-10`, of a year a workbook can hold a date of (see [`Month::YEARS`]).
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (y.len() == 4 && Month::YEARS.contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// The month a folder is named for, as offices name them: `2026-10`, `2026年10月` (or
    /// `2026年1月`), `2026.10`, `202610`. Nothing else: a name without a month is not guessed at.
    pub fn of_folder_name(name: &str) -> Option<Month> {
        let name = name.trim();
        if let Some(m) = Month::parse(name) {
            return Some(m);
        }
        let (y, m) = if let Some(ym) = name.strip_suffix('月') {
            ym.split_once('年')?
        } else if let Some(ym) = name.split_once('.') {
            ym
        } else if name.len() == 6 {
            name.split_at_checked(4)?
        } else {
            return None;
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(y.len() == 4 && (1..=2).contains(&m.len()) && digits(y) && digits(m)) {
            return None;
        }
        Month::parse(&format!("{y}-{m}"))
    }

    /// The years of Excel's calendar: an output's dates must be writable into a workbook.
    pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

    pub(crate) fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The given day of this month, clamped to its last day.
    pub fn day(self, day: u32) -> NaiveDate {
        (1..=day.min(31))
            .rev()
            .find_map(|d| NaiveDate::from_ymd_opt(self.year, self.month, d))
            .expect("a valid month has a first day")
    }

    /// The month `by` months after this one (before it when negative).
    pub(crate) fn shift(self, by: i32) -> Month {
        let n = self.year * 12 + self.month as i32 - 1 + by;
        Month {
            year: n.div_euclid(12),
            month: n.rem_euclid(12) as u32 + 1,
        }
    }

    pub(crate) fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The assessment day of this month: `as_of_day` of `scoring.toml`, or the last day when the
    /// rule has none.
    pub(crate) fn assessment_day(self, as_of_day: Option<u32>) -> NaiveDate {
        self.day(as_of_day.unwrap_or(31))
    }

    pub(crate) fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests;
