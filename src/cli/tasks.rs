//! `sanyipi tasks` lists the 整改任务 with their state; `sanyipi tasks close ID... --date D`
//! closes them (销号) (`jobs::tasks`).

use super::input::OutArgs;
use crate::jobs::{
    self, OK,
    tasks::{CloseRequest, ListRequest},
};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    close: Option<Close>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 按此日期判断状态（默认今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 只看某个单位
    #[arg(long, value_name = "单位")]
    unit: Option<String>,
    /// 包括已销号的任务
    #[arg(long)]
    all: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Close {
    /// 销号：确认整改到位的任务
    Close {
        /// 任务编号，如 镇督查〔2026〕1号-1
        #[arg(required = true, value_name = "任务编号")]
        ids: Vec<String>,
        /// 销号日期，如 2026-11-02
        #[arg(long, value_name = "DATE")]
        date: String,
        /// 说明
        #[arg(long, value_name = "文字", default_value = "")]
        note: String,
        #[command(flatten)]
        out: OutArgs,
    },
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let text = match args.close {
        Some(Close::Close {
            ids,
            date,
            note,
            out,
        }) => jobs::tasks::close(
            &CloseRequest {
                place: out.place(),
                ids,
                date,
                note,
                today: super::input::today(),
            },
            &super::progress::Notes,
        )?,
        None => {
            let as_of = match &args.as_of {
                Some(d) => jobs::parse_as_of(d).map_err(jobs::Error::from)?,
                None => super::input::today(),
            };
            jobs::tasks::list(&ListRequest {
                place: args.out.place(),
                rules: args.rules,
                as_of,
                unit: args.unit,
                all: args.all,
            })?
        }
    };
    super::output::out(&text);
    Ok(OK)
}
