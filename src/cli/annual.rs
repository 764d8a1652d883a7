//! `sanyipi annual --year 2026 [--out DIR] [--history FILE] [--rules DIR] [--templates DIR]`:
//! the annual summary from history (`jobs::annual`).

use super::input::{OutArgs, today};
use crate::jobs::{self, OK, annual::AnnualRequest};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 年度，如 2026
    #[arg(long, value_name = "YYYY")]
    year: String,
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
    let req = AnnualRequest {
        year: jobs::parse_year(&args.year, "--year")?,
        place: args.out.place(),
        rules: args.rules,
        templates: args.templates,
        today: today(),
    };
    super::output::out(&jobs::annual::annual(&req, &super::progress::Notes)?.summary);
    Ok(OK)
}
