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
