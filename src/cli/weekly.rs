//! `sanyipi weekly --input DIR --week DATE [--as-of DATE] [--out DIR] [--history FILE]
//! [--rules DIR] [--templates DIR]`: the weekly cycle (`jobs::week`).

use super::input::OutArgs;
use crate::jobs::{self, INPUT_ERRORS, OK, week::WeekRequest};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 本月报送材料所在目录（含台账与 周报/，如 samples/2026-10）
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// 本周任意一天（如 2026-10-12）
    #[arg(long, value_name = "DATE")]
    week: String,
    /// 统计截止日期（默认为本周的汇总日，见 weekly.toml [digest] weekday）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let req = WeekRequest {
        as_of: args.as_of.as_deref().map(jobs::parse_as_of).transpose()?,
        input: args.input,
        week: args.week,
        place: args.out.place(),
        rules: args.rules,
        templates: args.templates,
    };
    let done = jobs::week::week(&req, &super::progress::Notes)?;
    super::output::out(&done.summary);
    // As `check` and `run`: data errors give exit code 1.
    Ok(if done.errors > 0 { INPUT_ERRORS } else { OK })
}
