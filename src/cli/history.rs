//! `sanyipi history import FILE` seeds months from before the tool; `sanyipi history show
//! [--unit U]` lists what is recorded (`jobs::history`).

use super::input::OutArgs;
use crate::jobs::{
    self, OK,
    history::{ImportRequest, ShowRequest},
};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// 导入使用本工具之前的月度排名（如 历史排名.xlsx）
    Import {
        /// 历史排名表（列：考核月份、单位、得分、名次）
        file: PathBuf,
        #[command(flatten)]
        out: OutArgs,
        /// 规则目录（默认使用内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// 月份已有记录时仍导入（原记录保留为历史版本）
        #[arg(long)]
        force: bool,
    },
    /// 列出已记录的月度排名
    Show {
        #[command(flatten)]
        out: OutArgs,
        /// 只看某个单位
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
        /// 规则目录（用于显示处理名称，默认使用内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: Command) -> jobs::Result<i32> {
    let text = match cmd {
        Command::Import {
            file,
            out,
            rules,
            force,
        } => {
            let req = ImportRequest {
                file,
                place: out.place(),
                rules,
                force,
                today: super::input::today(),
            };
            jobs::history::import(&req, &super::progress::Notes)?
        }
        Command::Show { out, unit, rules } => jobs::history::show(&ShowRequest {
            place: out.place(),
            unit,
            rules,
        })?,
    };
    super::output::out(&text);
    Ok(OK)
}
