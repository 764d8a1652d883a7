//! `sanyipi workdays add|count|is`: the office's ad-hoc working-day questions (`jobs::workdays`).

use crate::jobs::{self, OK, workdays::Question};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// 日期 DATE 之后第 N 个工作日（DATE 当天不计）
    Add {
        /// 起始日期，如 2026-09-28（当天不计）
        date: String,
        /// 工作日数
        #[arg(allow_negative_numbers = true)]
        n: i64,
        /// 规则目录（默认使用内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// FROM 之后到 TO（含）之间的工作日数
    Count {
        /// 起始日期（不计入）
        from: String,
        /// 截止日期（计入）
        to: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// DATE 是否为工作日
    Is {
        /// 日期，如 2026-10-10
        date: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: Command) -> jobs::Result<i32> {
    let (q, rules) = match cmd {
        Command::Add { date, n, rules } => (Question::Add { date, n }, rules),
        Command::Count { from, to, rules } => (Question::Count { from, to }, rules),
        Command::Is { date, rules } => (Question::Is { date }, rules),
    };
    super::output::out_line(&jobs::workdays::answer(&q, rules.as_deref())?);
    Ok(OK)
}
