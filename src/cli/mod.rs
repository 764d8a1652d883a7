//! Command-line interface: one file per subcommand. Messages are in Chinese; the exit code is
//! 0 when all is well, 1 when the input has errors, 2 when the command could not run.

mod check;
mod deadlines;
mod explain;
mod history;
mod input;
mod run;
mod screen;
mod table;
mod workdays;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// sanyipi —— 重点项目“三个一批”月度督查考核工具
#[derive(Debug, Parser)]
#[command(
    name = "sanyipi",
    version,
    about = "重点项目“三个一批”月度督查考核工具",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 月度考核：评分、排名、处理，生成排名表、报告并记入历史
    Run(run::Args),
    /// 检查一个月的报送材料：读取全部表格，列出问题，不写任何文件
    Check(check::Args),
    /// 说明某个项目或单位的得分是怎么来的
    Explain(explain::Args),
    /// 招商项目预审：两守、两防、四关
    Screen(screen::Args),
    /// 历史记录：import 导入以往排名，show 查看
    #[command(subcommand)]
    History(history::Command),
    /// 列出本月各项期限：开工时限、前期手续时限、报送时限
    Deadlines(deadlines::Args),
    /// 工作日计算：add / count / is
    #[command(subcommand)]
    Workdays(workdays::Command),
    /// 规则管理：导出内置规则以便修改
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// 把内置规则导出到目录 DIR，修改后用 --rules DIR 使用
    Export { dir: PathBuf },
    /// 检查规则目录是否有误
    Check { dir: PathBuf },
}

/// Exit codes.
pub const OK: i32 = 0;
pub const INPUT_ERRORS: i32 = 1;
pub const CANNOT_RUN: i32 = 2;

/// Runs the command line `args`; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { CANNOT_RUN } else { OK };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::History(c) => history::run(c),
        Command::Screen(a) => screen::run(a),
        Command::Deadlines(a) => deadlines::run(a),
        Command::Workdays(c) => workdays::run(c),
        Command::Rules(RulesCommand::Export { dir }) => export_rules(&dir),
        Command::Rules(RulesCommand::Check { dir }) => crate::rules::Rules::load(Some(&dir))
            .map(|_| {
                println!("规则无误: {}", dir.display());
                OK
            })
            .map_err(anyhow::Error::from),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", render_error(&e));
            CANNOT_RUN
        }
    }
}

fn export_rules(dir: &std::path::Path) -> anyhow::Result<i32> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!(
            "目录 {} 已存在且不为空，为免覆盖，请指定一个新目录",
            dir.display()
        );
    }
    crate::rules::RuleSource::embedded().export(dir)?;
    println!(
        "已导出内置规则到 {}，修改后用 --rules {} 使用",
        dir.display(),
        dir.display()
    );
    Ok(OK)
}

/// An error chain as the user sees it: the outermost message first, causes after.
fn render_error(e: &anyhow::Error) -> String {
    let mut out = String::new();
    if e.downcast_ref::<crate::rules::RulesError>().is_none() {
        out.push_str("错误: ");
    }
    out.push_str(&e.to_string());
    for cause in e.chain().skip(1) {
        out.push_str(&format!("\n原因: {cause}"));
    }
    out
}
