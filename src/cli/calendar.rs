//! `sanyipi calendar --month YYYY-MM [--input DIR] [--out DIR] [--rules DIR] [--templates DIR]`:
//! the office calendar of a month (`jobs::office_calendar`).

use crate::jobs::{self, OK, office_calendar::OfficeCalendarRequest};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 月份 YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 本月报送材料目录（可选；给出时检查任务交办会后交办的新增项目手续，上月目录取同级、以上月命名的目录，如 2026-09 或 2026年9月）
    #[arg(long, value_name = "DIR")]
    input: Option<PathBuf>,
    /// 输出目录（默认 ./out）
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let req = OfficeCalendarRequest {
        month: jobs::parse_month(&args.month, "--month")?,
        input: args.input,
        out: args.out,
        rules: args.rules,
        templates: args.templates,
    };
    let done = jobs::office_calendar::office_calendar(&req, &super::progress::Notes)?;
    super::output::out(&done.summary);
    Ok(OK)
}
