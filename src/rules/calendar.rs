//! The State Council holiday schedules (`rules/calendar/<year>.toml`), one file a year, read
//! into the working-day calendar.

use super::{RuleFile, RulesError};
use crate::calendar::Calendar;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    holiday: Vec<RawHoliday>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    off: Vec<toml::value::Datetime>,
    #[serde(default)]
    work: Vec<toml::value::Datetime>,
}

fn date_of(file: &RuleFile, d: &toml::value::Datetime) -> Result<NaiveDate, RulesError> {
    let bad = || {
        file.error_near(&d.to_string(), format!("{d} 不是日期"))
            .with_hint("写成 2026-10-01（不加引号）")
    };
    let Some(date) = d.date else {
        return Err(bad());
    };
    if d.time.is_some() {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )
    .ok_or_else(bad)
}

/// Loads `calendar/<year>.toml` files.
pub(crate) fn load<'a>(files: impl Iterator<Item = &'a RuleFile>) -> Result<Calendar, RulesError> {
    let mut special = BTreeMap::new();
    let mut years: Vec<i32> = Vec::new();
    for file in files {
        let raw: RawYear = file.parse()?;
        let stem = file
            .rel
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".toml");
        if stem != raw.year.to_string() {
            return Err(file
                .error_near(
                    "year",
                    format!("文件名 {stem}.toml 与 year = {} 不一致", raw.year),
                )
                .with_hint("每年一个文件，文件名即年份，如 2027.toml 中写 year = 2027"));
        }
        if years.contains(&raw.year) {
            return Err(file.error_near("year", format!("{} 年的安排重复", raw.year)));
        }
        for h in &raw.holiday {
            for (list, is_work) in [(&h.off, false), (&h.work, true)] {
                for d in list {
                    let date = date_of(file, d)?;
                    if date.year() != raw.year {
                        return Err(
                            file.error_near(&d.to_string(), format!("{date} 不在 {} 年", raw.year))
                        );
                    }
                    if special.insert(date, (is_work, h.name.clone())).is_some() {
                        return Err(file
                            .error_near(&d.to_string(), format!("{date} 重复出现"))
                            .with_hint("同一天只能是放假或调休上班之一"));
                    }
                }
            }
        }
        years.push(raw.year);
    }
    Ok(Calendar::new(special, years))
}
