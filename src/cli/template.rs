//! `sanyipi template --ledger FILE --month YYYY-MM [--table NAME] [--out DIR] [--history FILE]
//! [--rules DIR]`: the forms units fill in (`jobs::forms`).

use super::input::OutArgs;
use crate::jobs::{self, OK, forms::FormsRequest};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 重大项目管理台账（预填各单位的项目）
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// 填报月份 YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 表格（如 周报、签约项目、前期手续；默认月报）
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let req = FormsRequest {
        month: jobs::parse_month(&args.month, "--month")?,
        ledger: args.ledger,
        table: args.table,
        place: args.out.place(),
        rules: args.rules,
    };
    let done = jobs::forms::forms(&req, &super::progress::Notes)?;
    super::output::out(&done.summary);
    Ok(OK)
}
