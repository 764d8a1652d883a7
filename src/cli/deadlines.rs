//! `sanyipi deadlines --input DIR [--month YYYY-MM] [--as-of DATE] [--rules DIR] [--open]`:
//! the deadline table of a month (`jobs::deadlines`).

use super::input::{MonthArgs, OutArgs, today};
use crate::jobs::{self, OK, deadlines::DeadlinesRequest};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    month_args: MonthArgs,
    /// 统计截止日期（默认：考核月的考核日，见 scoring.toml 的 as_of_day；未到则取今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 只列出逾期、逾期完成和即将到期的
    #[arg(long)]
    open: bool,
    /// 历史记录所在（未报送月报的项目沿用此前报送的开工日期）
    #[command(flatten)]
    out: OutArgs,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let a = args.month_args;
    let req = DeadlinesRequest {
        as_of: args.as_of.as_deref().map(jobs::parse_as_of).transpose()?,
        input: a.input,
        month: a.month,
        today: today(),
        open_only: args.open,
        place: args.out.place(),
        rules: a.rules,
    };
    let d = jobs::deadlines::deadlines(&req, &super::progress::Notes)?;
    super::output::out(&d.table);
    for p in &d.rule_problems {
        super::output::err_line(&p.to_string());
    }
    Ok(OK)
}
