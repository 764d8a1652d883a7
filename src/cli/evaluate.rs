//! `sanyipi evaluate --input FILE_OR_DIR [--year YYYY] [--issue-date DATE] [--out DIR] [--history FILE] [--rules DIR]
//! [--templates DIR]`: post-evaluation of completed projects (`jobs::post_evaluation`).

use super::input::OutArgs;
use crate::jobs::{self, INPUT_ERRORS, OK, post_evaluation::PostEvaluationRequest};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 后评估基础数据表，或包含它的目录
    #[arg(long, value_name = "FILE_OR_DIR")]
    input: PathBuf,
    /// 评价年度（默认取目录名开头的年份，如 2026-10 → 2026）
    #[arg(long, value_name = "YYYY")]
    year: Option<String>,
    /// 致统计局函的成文日期（默认留空，由经办人填写）
    #[arg(long, value_name = "DATE")]
    issue_date: Option<String>,
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
    let req = PostEvaluationRequest {
        input: args.input,
        year: args
            .year
            .as_deref()
            .map(|y| jobs::parse_year(y, "--year"))
            .transpose()?,
        issue_date: args
            .issue_date
            .as_deref()
            .map(|t| jobs::parse_date(t, "--issue-date ", "2027-01-15"))
            .transpose()?,
        place: args.out.place(),
        rules: args.rules,
        templates: args.templates,
    };
    let done = jobs::post_evaluation::post_evaluate(&req, &super::progress::Notes)?;
    super::output::out(&done.summary);
    // As `check` and `run`: data errors give exit code 1.
    Ok(if done.errors > 0 { INPUT_ERRORS } else { OK })
}
