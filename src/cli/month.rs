//! `sanyipi run --input DIR --month YYYY-MM [--as-of DATE] [--issue-date DATE] [--out DIR] [--history FILE]
//! [--rules DIR] [--templates DIR] [--force]`: the monthly assessment (`jobs::month`).

use super::input::{MonthArgs, OutArgs, today};
use crate::jobs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    month_args: MonthArgs,
    /// 统计截止日期（默认：考核月的考核日，见 scoring.toml 的 as_of_day；未到则取今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 通知成文日期（默认：统计截止日期当天或其后第一个工作日）
    #[arg(long, value_name = "DATE")]
    issue_date: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// 该月已有考核记录时重新运行（原记录保留为历史版本）
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let ma = args.month_args;
    let req = jobs::month::MonthRequest {
        as_of: args.as_of.as_deref().map(jobs::parse_as_of).transpose()?,
        issue_date: args
            .issue_date
            .as_deref()
            .map(|t| jobs::parse_date(t, "--issue-date ", "2026-10-26"))
            .transpose()?,
        input: ma.input,
        month: ma.month,
        today: today(),
        place: args.out.place(),
        rules: ma.rules,
        templates: args.templates,
        force: args.force,
    };
    let bar = super::progress::Bar::new();
    let done = jobs::month::run(&req, &bar);
    bar.finish();
    let done = done?;
    super::output::out(&done.summary);
    let code = done.code();
    // The process ends next: freeing the month's data piece by piece would only cost time.
    std::mem::forget(done);
    Ok(code)
}
