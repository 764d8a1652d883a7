//! Arguments shared by the subcommands that read a month's folder, and how `--as-of` and
//! `--month` default.

use crate::engine::Month;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct MonthArgs {
    /// 本月报送材料所在目录（如 samples/2026-10）
    #[arg(long, value_name = "DIR")]
    pub input: PathBuf,
    /// 考核月份 YYYY-MM（默认取目录名，否则取 --as-of 所在月）
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

impl MonthArgs {
    /// The assessed month: `--month`, else the input folder's name, else the as-of month.
    pub fn month(&self, as_of: NaiveDate) -> anyhow::Result<Month> {
        month_of(self.month.as_deref(), &self.input, as_of)
    }

    /// The assessed month and the as-of date. Without `--as-of` the date comes from the rule
    /// `as_of_day` of `rules/scoring.toml` (that day of the assessed month, or today while it is
    /// still ahead); the choice is said on stderr.
    pub fn month_and_as_of(
        &self,
        as_of_arg: Option<&str>,
        rules: &crate::rules::Rules,
    ) -> anyhow::Result<(Month, NaiveDate)> {
        if as_of_arg.is_some() {
            let as_of = as_of_date(as_of_arg)?;
            return Ok((self.month(as_of)?, as_of));
        }
        let today = chrono::Local::now().date_naive();
        let month = self.month(today)?;
        let (as_of, why) = default_as_of(month, today, rules.scoring.score.as_of_day);
        eprintln!("统计截止日期：{as_of}（未指定 --as-of，{why}）");
        Ok((month, as_of))
    }
}

/// The default as-of date of `month` seen on `today`, and why (Chinese).
pub fn default_as_of(month: Month, today: NaiveDate, day: Option<u32>) -> (NaiveDate, String) {
    let Some(day) = day else {
        return (today, "规则未设 as_of_day，取今天".to_string());
    };
    let due = month.day(day);
    if due <= today {
        (
            due,
            format!("按规则 scoring.toml 的 as_of_day 取考核月 {day} 日"),
        )
    } else {
        (today, format!("考核月 {day} 日（{due}）尚未到，取今天"))
    }
}

/// `--as-of`, or today when not given (the only place the clock is read).
pub fn as_of_date(arg: Option<&str>) -> anyhow::Result<NaiveDate> {
    match arg {
        Some(s) => crate::ingest::value::parse_date_text(s)
            .ok_or_else(|| anyhow::anyhow!("--as-of “{s}”不是有效日期，请写成 2026-10-25")),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

fn month_of(arg: Option<&str>, input: &Path, as_of: NaiveDate) -> anyhow::Result<Month> {
    if let Some(s) = arg {
        return Month::parse(s)
            .ok_or_else(|| anyhow::anyhow!("--month “{s}”格式不对，请写成 2026-10"));
    }
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok(Month::parse(&name).unwrap_or_else(|| Month::of(as_of)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_past_month_is_assessed_on_its_assessment_day() {
        let sep = Month::parse("2026-09").unwrap();
        assert_eq!(
            default_as_of(sep, d("2026-11-28"), Some(25)).0,
            d("2026-09-25")
        );
        assert_eq!(
            default_as_of(sep, d("2026-11-28"), Some(20)).0,
            d("2026-09-20")
        );
    }

    #[test]
    fn the_current_month_before_its_day_is_assessed_today() {
        let nov = Month::parse("2026-11").unwrap();
        assert_eq!(
            default_as_of(nov, d("2026-11-10"), Some(25)).0,
            d("2026-11-10")
        );
        assert_eq!(default_as_of(nov, d("2026-11-10"), None).0, d("2026-11-10"));
    }
}
