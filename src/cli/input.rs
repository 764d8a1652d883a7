//! Arguments shared by the subcommands: a month's folder, the output and history places, and
//! today's date (the only place the clock is read).

use crate::jobs::Place;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct MonthArgs {
    /// 本月报送材料所在目录（如 samples/2026-10）
    #[arg(long, value_name = "DIR")]
    pub(crate) input: PathBuf,
    /// 考核月份 YYYY-MM（默认取目录名，如 2026-10、2026年10月；否则取 --as-of 所在月）
    #[arg(long, value_name = "YYYY-MM")]
    pub(crate) month: Option<String>,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    pub(crate) rules: Option<PathBuf>,
}

/// Where outputs and history live; shared by every subcommand that reads or writes history.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct OutArgs {
    /// 输出目录，历史记录默认在其中（默认 ./out）
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub(crate) out: PathBuf,
    /// 历史记录文件（默认 <out>/history.sqlite）
    #[arg(long, value_name = "FILE")]
    pub(crate) history: Option<PathBuf>,
}

impl OutArgs {
    pub(crate) fn place(&self) -> Place {
        Place {
            out: self.out.clone(),
            history: self.history.clone(),
        }
    }
}

/// Today on this computer's clock (`SANYIPI_TODAY=YYYY-MM-DD` sets it for tests whose outcome
/// depends on the date, such as whether a year is over for `annual`).
pub(crate) fn today() -> chrono::NaiveDate {
    std::env::var("SANYIPI_TODAY")
        .ok()
        .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// `--as-of` if given, else today.
pub(crate) fn as_of_or_today(arg: Option<&str>) -> crate::jobs::Result<chrono::NaiveDate> {
    match arg {
        Some(s) => Ok(crate::jobs::parse_as_of(s)?),
        None => Ok(today()),
    }
}
