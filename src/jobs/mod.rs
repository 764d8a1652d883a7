//! Every command is a job of the library: a plain request (paths, dates, options) and a
//! progress sink in, plain data (with the text the command prints) or an [`Error`] that knows
//! its exit code out. The CLI parses arguments and prints; the local page answers JSON; neither
//! reaches into rules loading, reading, the engine, the reports or history itself. Outputs are
//! written only through [`publish`]. No job prints and none reads the clock.

pub mod annual;
pub mod as_of;
pub mod check;
pub mod deadlines;
mod error;
pub mod explain;
mod form_parts;
pub mod forms;
pub mod history;
mod history_rows;
mod lock;
pub mod month;
mod month_summary;
pub mod office_calendar;
pub mod post_evaluation;
pub mod problems;
pub(crate) mod publish;
pub mod rules;
pub mod screening;
pub mod table;
pub mod tasks;
pub mod week;
mod weekly_forms;
pub mod workdays;

pub use error::{CANNOT_RUN, Error, INPUT_ERRORS, OK};

use crate::calendar::Month;
use crate::history::History;
use crate::progress::Progress;
use crate::report::OutputFile;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// What a job returns.
pub type Result<T> = std::result::Result<T, Error>;

/// Where outputs and history live: `<out>/…` and the history file (default
/// `<out>/history.sqlite`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Place {
    pub out: PathBuf,
    pub history: Option<PathBuf>,
}

impl Place {
    /// Outputs under `out`, history at its default place there.
    pub fn new(out: impl Into<PathBuf>) -> Place {
        Place {
            out: out.into(),
            history: None,
        }
    }

    /// The history file.
    pub fn history_path(&self) -> PathBuf {
        self.history
            .clone()
            .unwrap_or_else(|| self.out.join("history.sqlite"))
    }

    /// History for a job that records: created if needed, brought to the newest format.
    pub(crate) fn open(&self) -> anyhow::Result<History> {
        Ok(History::open(&self.history_path())?)
    }

    /// History for a job that only reads it: the file is never created nor changed.
    pub(crate) fn read(&self) -> anyhow::Result<History> {
        Ok(History::open_read(&self.history_path())?)
    }

    /// For a job that needs a history already there (it reads one, or changes a record in
    /// it): none yet is said as such, with how one comes about. Never creates the file.
    pub(crate) fn require_history(&self) -> anyhow::Result<()> {
        let path = self.history_path();
        if !path.exists() {
            anyhow::bail!(
                "尚无历史记录 {}：先运行 sanyipi run 或 sanyipi history import",
                path.display()
            );
        }
        Ok(())
    }

    /// Removes the history file and SQLite's side files, for a run that created the file and
    /// recorded nothing. The lock file beside it stays: another run may be waiting on it.
    pub(crate) fn remove_history(&self) {
        let path = self.history_path();
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }

    /// Locks the history file for a job that writes it, as the month does: one writer at a
    /// time; a second one waits and says so.
    /// Once the lock is held, the temporary files a first run killed while creating the history
    /// left beside it are removed, and said.
    pub(crate) fn lock(&self, progress: &dyn Progress) -> anyhow::Result<publish::Lock> {
        let path = self.history_path();
        let lock = publish::lock(&path, progress)?;
        for name in crate::history::remove_stale_new(&path) {
            progress.note(&format!(
                "注意: 已清理上次中断的运行在创建历史记录时留下的临时文件 {name}。"
            ));
        }
        Ok(lock)
    }
}

/// A date as users write it (`2026-10-25`, `2026.10.25`, `2026年10月25日` …); the error names
/// what it is (`"--as-of "`, or nothing) and shows `example`.
pub fn parse_date(text: &str, what: &str, example: &str) -> anyhow::Result<NaiveDate> {
    let date = crate::ingest::value::parse_date_text(text)
        .ok_or_else(|| anyhow::anyhow!("{what}“{text}”不是有效日期，请写成 {example}"))?;
    if !Month::YEARS.contains(&date.year()) {
        anyhow::bail!("{what}“{text}”的年份超出范围：{}", years_hint());
    }
    Ok(date)
}

/// What years are accepted, for a message.
fn years_hint() -> String {
    format!(
        "年份须在 {} 至 {} 之间（Excel 表格能记录的日期）",
        Month::YEARS.start(),
        Month::YEARS.end()
    )
}

/// The unit a clerk typed (`--unit`), as it is recorded among `known`: the name itself, an
/// alias, or the name with a suffix such as 人民政府 (`rules/units.toml`). Otherwise an error
/// that lists the known units (`where_` says where they were looked for: 历史记录中).
pub(crate) fn known_unit<'a>(
    rules: &crate::rules::Rules,
    typed: &str,
    known: impl IntoIterator<Item = &'a str>,
    where_: &str,
) -> anyhow::Result<String> {
    let mut known: Vec<&str> = known.into_iter().collect();
    known.sort_unstable();
    known.dedup();
    let named = crate::ingest::canonical_unit(&rules.units, typed);
    if let Some(u) = [typed, named.as_str()]
        .into_iter()
        .find(|u| known.contains(u))
    {
        return Ok(u.to_string());
    }
    let listed = if known.is_empty() {
        "尚无任何单位".to_string()
    } else if known.len() > 50 {
        format!(
            "已有的单位：{} 等，共 {} 个",
            known[..50].join("、"),
            known.len()
        )
    } else {
        format!("已有的单位：{}", known.join("、"))
    };
    anyhow::bail!("{where_}没有单位“{typed}”。{listed}")
}

/// Creates the folder `dir` (`what` names it: 输出目录, 规则目录 …), saying in words why it
/// cannot be: a file of that name is in the way, or the folder cannot be written.
pub(crate) fn make_dir(dir: &Path, what: &str) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "{what} {} 是一个文件，不是文件夹，请另指定一个文件夹",
            dir.display()
        );
    }
    // A parent that is a file: said the same way, at that parent.
    if let Some(file) = dir.ancestors().skip(1).find(|a| a.is_file()) {
        anyhow::bail!(
            "无法创建{what} {}：其上级 {} 是一个文件，不是文件夹",
            dir.display(),
            file.display()
        );
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!(
            "无法创建{what} {}（{}）",
            dir.display(),
            crate::diagnostic::io_reason(&e)
        )
    })
}

/// `--as-of` as given.
pub fn parse_as_of(text: &str) -> anyhow::Result<NaiveDate> {
    parse_date(text, "--as-of ", "2026-10-25")
}

/// A month `YYYY-MM`; the error names the option it came from.
pub fn parse_month(text: &str, option: &str) -> anyhow::Result<Month> {
    Month::parse(text).ok_or_else(|| {
        let year = text
            .trim()
            .split_once('-')
            .and_then(|(y, _)| y.parse::<i32>().ok());
        match year {
            Some(y) if !Month::YEARS.contains(&y) => {
                anyhow::anyhow!("{option} “{text}”的年份超出范围：{}", years_hint())
            }
            _ => anyhow::anyhow!("{option} “{text}”格式不对，请写成 2026-10"),
        }
    })
}

/// The years a county's work can be of (`--year`, a folder named for a year).
pub(crate) const WORK_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A year `YYYY` (`--year`): four digits, within [`WORK_YEARS`]; the error names the option.
pub fn parse_year(text: &str, option: &str) -> anyhow::Result<i32> {
    let t = text.trim();
    let year = (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<i32>().ok())
        .flatten()
        .filter(|y| WORK_YEARS.contains(y));
    year.ok_or_else(|| {
        anyhow::anyhow!(
            "{option} “{text}”不是有效年份：请写四位年份，如 {option} 2026（{} 至 {} 年之间）",
            WORK_YEARS.start(),
            WORK_YEARS.end()
        )
    })
}

/// The name of a folder, as shown in a message.
fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The assessed month: `month` if given, else the month the input folder is named for
/// ([`Month::of_folder_name`]), else the month of `as_of` if one is given. With none of them
/// the month is not guessed: an error asks for `--month`.
pub fn month_of(
    month: Option<&str>,
    input: &Path,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<Month> {
    if let Some(s) = month {
        return parse_month(s, "--month");
    }
    if let Some(m) = Month::of_folder_name(&folder_name(input)) {
        return Ok(m);
    }
    as_of.map(Month::of).ok_or_else(|| {
        anyhow::anyhow!(
            "不知道考核哪个月：未指定 --month，目录名“{}”也不是年月（如 2026-10、2026年10月）。请加 --month YYYY-MM（或 --as-of 统计截止日期）",
            folder_name(input)
        )
    })
}

/// The default as-of date of `month` seen on `today` with the rule `as_of_day` (of
/// `rules/scoring.toml`), and why (Chinese).
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

/// The assessed month and the as-of date of a month's folder `input`. Without `as_of` the date
/// comes from the rule `as_of_day` of `rules/scoring.toml` (that day of the assessed month, or
/// `today` while it is still ahead); the choice is told as a note. A date outside the month's
/// window ([`as_of::check_window`]), given or by default, is refused: `run` and `deadlines`
/// share this.
pub(crate) fn month_and_as_of(
    input: &Path,
    month: Option<&str>,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
    rules: &crate::rules::Rules,
    progress: &dyn Progress,
) -> anyhow::Result<(Month, NaiveDate)> {
    let named = Month::of_folder_name(&folder_name(input));
    let month_of_date = month_of(month, input, as_of)?;
    if month.is_none() && named.is_none() {
        // Neither said nor in the folder's name: the month of the as-of date, said as a guess.
        progress.note(&format!(
            "考核月份：{month_of_date}（未指定 --month，目录名“{}”不是年月，取统计截止日期所在月）",
            folder_name(input)
        ));
    }
    let month = month_of_date;
    let day = rules.scoring.score.as_of_day;
    let as_of = match as_of {
        Some(as_of) => as_of,
        None => {
            let (as_of, why) = default_as_of(month, today, day);
            progress.note(&format!("统计截止日期：{as_of}（未指定 --as-of，{why}）"));
            as_of
        }
    };
    as_of::check_window(month, as_of, day)?;
    Ok((month, as_of))
}

/// The files of an output folder as the summaries list them: `  name` a line.
fn listing(dir: &Path, files: &[OutputFile]) -> String {
    let mut out = format!("\n输出目录: {}\n", dir.display());
    for f in files {
        out.push_str(&format!("  {}\n", f.name()));
    }
    out
}

/// The names of `files`, as jobs return them.
fn names(files: Vec<OutputFile>) -> Vec<String> {
    files.into_iter().map(|f| f.path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_as_of_date_follows_the_rule_day() {
        let sep = Month::parse("2026-09").unwrap();
        let nov = Month::parse("2026-11").unwrap();
        let cases = [
            (sep, "2026-11-28", Some(25), "2026-09-25"),
            (sep, "2026-11-28", Some(20), "2026-09-20"),
            (nov, "2026-11-10", Some(25), "2026-11-10"),
            (nov, "2026-11-10", None, "2026-11-10"),
            (nov, "2026-11-25", Some(25), "2026-11-25"),
        ];
        for (month, today, day, expected) in cases {
            assert_eq!(
                default_as_of(month, d(today), day).0,
                d(expected),
                "{month} {today}"
            );
        }
    }

    #[test]
    fn a_year_is_four_digits_of_a_working_year() {
        let cases = [
            ("2026", Some(2026)),
            (" 2025 ", Some(2025)),
            ("26", None),
            ("0", None),
            ("0026", None),
            ("2126", None),
            ("1999", None),
            ("２０２６", None),
            ("+202", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_year(text, "--year").ok(), expected, "{text}");
        }
        let e = parse_year("26", "--year").unwrap_err().to_string();
        assert!(e.contains("请写四位年份，如 --year 2026"), "{e}");
    }

    #[test]
    fn the_month_comes_from_the_option_the_folder_or_the_date() {
        let as_of = Some(d("2026-10-25"));
        let cases = [
            (Some("2026-09"), "x/2026-10", as_of, "2026-09"),
            (None, "x/2026-08", as_of, "2026-08"),
            (None, "x/2026年8月", None, "2026-08"),
            (None, "x/202608", None, "2026-08"),
            (None, "x/十月材料", as_of, "2026-10"),
        ];
        for (arg, input, as_of, expected) in cases {
            let m = month_of(arg, Path::new(input), as_of).unwrap();
            assert_eq!(m.to_string(), expected);
        }
        assert!(month_of(Some("2026/10"), Path::new("x"), as_of).is_err());
        // No month anywhere: asked for, never today's.
        let e = month_of(None, Path::new("x/十月材料"), None).unwrap_err();
        assert!(e.to_string().contains("请加 --month YYYY-MM"), "{e}");
    }
}
