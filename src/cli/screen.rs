//! `sanyipi screen --input FILE_OR_DIR [--as-of DATE] [--out DIR] [--rules DIR] [--templates DIR]`:
//! pre-screening of project leads on 两守、两防、四关 (`jobs::screening`).

use super::input::as_of_or_today;
use crate::jobs::{self, INPUT_ERRORS, OK, screening::ScreeningRequest};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 招商项目信息汇总表，或包含它的目录
    #[arg(long, value_name = "FILE_OR_DIR")]
    input: PathBuf,
    /// 预审日期（默认今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
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
    let req = ScreeningRequest {
        as_of: as_of_or_today(args.as_of.as_deref())?,
        input: args.input,
        out: args.out,
        rules: args.rules,
        templates: args.templates,
    };
    let done = jobs::screening::screen_leads(&req, &super::progress::Notes)?;
    super::output::out(&done.summary);
    // As `check` and `run`: data errors give exit code 1.
    Ok(if done.errors > 0 { INPUT_ERRORS } else { OK })
}
