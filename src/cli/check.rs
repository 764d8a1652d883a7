//! `sanyipi check --input DIR [--month YYYY-MM] [--rules DIR] [--out DIR | --history FILE]`: read
//! everything (and the history's earlier months where it exists), print a summary and every
//! diagnostic, write nothing (`jobs::check`).

use super::input::{MonthArgs, OutArgs};
use crate::jobs::{self, check::CheckRequest};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    month_args: MonthArgs,
    #[command(flatten)]
    out: OutArgs,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let a = args.month_args;
    let req = CheckRequest {
        input: a.input,
        month: a.month,
        rules: a.rules,
        history: Some(args.out.place().history_path()),
    };
    let bar = super::progress::Bar::new();
    let checked = jobs::check::check(&req, &bar);
    bar.finish();
    let checked = checked?;
    super::output::out(&checked.report);
    Ok(checked.code())
}
