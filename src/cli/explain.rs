//! `sanyipi explain --month YYYY-MM (--project ID | --unit NAME) [--out DIR]`: how each score
//! part and finding came about, from history (`jobs::explain`).

use super::input::OutArgs;
use crate::jobs::{
    self, OK,
    explain::{ExplainRequest, Subject},
};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 考核月份 YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 项目编号
    #[arg(long, value_name = "ID", conflicts_with = "unit")]
    project: Option<String>,
    /// 单位名称
    #[arg(long, value_name = "单位")]
    unit: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（用于显示字段名称）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    // As `run` reads it: a month `run` could not be given is not sent to history.
    let month = jobs::parse_month(&args.month, "--month")?;
    let subject = match (args.project, args.unit) {
        (Some(p), _) => Subject::Project(p),
        (None, Some(u)) => Subject::Unit(u),
        (None, None) => {
            return Err(anyhow::anyhow!(
                "请指定 --unit 或 --project：要说明哪个单位或哪个项目（如 sanyipi explain --month {month} --unit 北山镇）"
            )
            .into());
        }
    };
    let req = ExplainRequest {
        month: month.to_string(),
        subject,
        place: args.out.place(),
        rules: args.rules,
    };
    super::output::out(&jobs::explain::explain(&req)?);
    Ok(OK)
}
