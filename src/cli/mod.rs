//! Command-line interface: one file per subcommand, each parsing its arguments into a job's
//! request (`crate::jobs`) and printing what the job returns. Messages are in Chinese; the exit
//! code is 0 when all is well, 1 when the input has errors, 2 when the command could not run
//! (`jobs::Error::code`).

mod annual;
mod calendar;
mod check;
mod deadlines;
mod double_click;
mod evaluate;
mod explain;
mod history;
mod input;
mod month;
mod output;
mod progress;
mod screen;
mod serve;
mod tasks;
mod template;
mod weekly;
mod workdays;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
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
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 月度考核：评分、排名、处理，生成排名表、报告并记入历史
    Run(month::Args),
    /// 检查一个月的报送材料：读取全部表格，列出问题，不写任何文件
    Check(check::Args),
    /// 说明某个项目或单位的得分是怎么来的
    Explain(explain::Args),
    /// 招商项目预审：两守、两防、四关
    Screen(screen::Args),
    /// 竣工投产项目后评估：亩均效益评价、分类、应统未统名单
    Evaluate(evaluate::Args),
    /// 历史记录：import 导入以往排名，show 查看
    #[command(subcommand)]
    History(history::Command),
    /// 列出本月各项期限：开工时限、前期手续时限、报送时限
    Deadlines(deadlines::Args),
    /// 督办整改任务：列出各任务状态；close 销号
    Tasks(tasks::Args),
    /// 工作日计算：add / count / is
    #[command(subcommand)]
    Workdays(workdays::Command),
    /// 规则管理：导出内置规则以便修改
    #[command(subcommand)]
    Rules(RulesCommand),
    /// 填报模板：按台账为各单位生成预填的月报表，或生成其他表格的空白模板
    Template(template::Args),
    /// 年度汇总：各单位逐月得分名次、年度名次、处理情况，项目全年推进情况
    Annual(annual::Args),
    /// 问题周报：周三分送县领导、周五周例会议题、报送情况，问题跨周跟踪
    Weekly(weekly::Args),
    /// 工作日程：列出本月各项报送与会议日期（遇节假日顺延），生成网页与 .ics 日历
    Calendar(calendar::Args),
    /// 本机网页：在浏览器中上传报送材料、检查、考核、下载结果（仅本机可访问）
    Serve(serve::Args),
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// 把内置规则导出到目录 DIR，修改后用 --rules DIR 使用
    Export {
        /// 导出到的新目录
        dir: PathBuf,
    },
    /// 检查规则目录是否有误
    Check {
        /// 规则目录
        dir: PathBuf,
    },
}

use crate::jobs::{self, CANNOT_RUN, OK};

/// Runs the command line `args`; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let (args, clicked) = double_click::args(args, cfg!(windows), double_click::this_home);
    let code = run(args);
    if clicked && code != OK {
        double_click::wait_for_enter();
    }
    code
}

/// Parses and runs `args`; returns the exit code.
fn run(args: Vec<OsString>) -> i32 {
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // Help and version, with clap's English placeholder in the usage line in Chinese.
            output::out(&in_chinese(&e.render().to_string()));
            return OK;
        }
        Err(e) => {
            output::err_line(&clap_error_zh(&e));
            return CANNOT_RUN;
        }
    };
    let result: jobs::Result<i32> = match cli.command {
        Command::Run(a) => month::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::History(c) => history::run(c),
        Command::Screen(a) => screen::run(a),
        Command::Evaluate(a) => evaluate::run(a),
        Command::Deadlines(a) => deadlines::run(a),
        Command::Tasks(a) => tasks::run(a),
        Command::Workdays(c) => workdays::run(c),
        Command::Template(a) => template::run(a),
        Command::Annual(a) => annual::run(a),
        Command::Weekly(a) => weekly::run(a),
        Command::Calendar(a) => calendar::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Rules(RulesCommand::Export { dir }) => jobs::rules::export(&dir).map(print_ok),
        Command::Rules(RulesCommand::Check { dir }) => jobs::rules::check(&dir).map(print_ok),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            output::err(&e.message());
            e.code()
        }
    }
}

/// Prints what a job said; all is well.
fn print_ok(text: String) -> i32 {
    output::out(&text);
    OK
}

/// The command line with Chinese help: headings, the help and version flags.
pub(crate) fn command() -> clap::Command {
    localize(Cli::command(), true)
        .disable_version_flag(true)
        .arg(
            clap::Arg::new("show_version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("显示版本"),
        )
}

fn localize(cmd: clap::Command, top: bool) -> clap::Command {
    let has_subcommands = cmd.get_subcommands().next().is_some();
    let template = if has_subcommands {
        "{about-with-newline}\n用法: {usage}\n\n命令:\n{subcommands}\n\n选项:\n{options}{after-help}"
    } else if cmd.get_positionals().next().is_some() {
        "{about-with-newline}\n用法: {usage}\n\n参数:\n{positionals}\n\n选项:\n{options}{after-help}"
    } else {
        "{about-with-newline}\n用法: {usage}\n\n选项:\n{options}{after-help}"
    };
    let mut cmd = cmd
        .help_template(template)
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("显示帮助"),
        )
        .subcommand_value_name("命令")
        // Every default is said in the argument's Chinese help; clap's "[default: …]" is not.
        .mut_args(|a| {
            if a.get_default_values().is_empty() {
                a
            } else {
                a.hide_default_value(true)
            }
        });
    if top {
        cmd = cmd.after_help("\n用 sanyipi <命令> --help 查看各命令的说明。");
    }
    cmd.mut_subcommands(|sub| localize(sub, false))
}

/// Help or usage text with clap's one English word in the usage line in Chinese.
fn in_chinese(text: &str) -> String {
    text.replace("[OPTIONS]", "[选项]")
}

/// A command-line mistake in Chinese, with the usage line.
fn clap_error_zh(e: &clap::Error) -> String {
    let ctx = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join("、"),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    };
    let message = match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数 {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = ctx(ContextKind::InvalidValue);
            if value.is_empty() {
                format!("参数 {} 需要一个值", ctx(ContextKind::InvalidArg))
            } else {
                format!("参数 {} 的值“{value}”不对", ctx(ContextKind::InvalidArg))
            }
        }
        ErrorKind::InvalidSubcommand => {
            format!("没有命令“{}”", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("无法识别的参数“{}”", ctx(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "请指定一个命令".to_string()
        }
        ErrorKind::ArgumentConflict => format!(
            "参数 {} 不能与 {} 同时使用",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::PriorArg)
        ),
        _ => "命令行参数有误".to_string(),
    };
    let usage = match e.get(ContextKind::Usage) {
        Some(u) => in_chinese(&u.to_string().replace("Usage:", "用法:")),
        None => "用法: sanyipi <命令>".to_string(),
    };
    format!(
        "错误: {message}\n\n{}\n\n用 --help 查看说明。",
        usage.trim()
    )
}
