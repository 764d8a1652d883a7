//! `sanyipi check --input DIR [--month YYYY-MM] [--rules DIR]`: read everything, print a
//! summary and every diagnostic, write nothing (`jobs::check`).

use super::input::MonthArgs;
use crate::jobs::{self, check::CheckRequest};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    month_args: MonthArgs,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let a = args.month_args;
    let req = CheckRequest {
        input: a.input,
        month: a.month,
        rules: a.rules,
    };
    let bar = super::progress::Bar::new();
    let checked = jobs::check::check(&req, &bar);
    bar.finish();
    let checked = checked?;
    super::output::out(&checked.report);
    Ok(checked.code())
}
