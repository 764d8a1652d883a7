//! `sanyipi serve [--port N] [--data DIR] [--out DIR] [--no-open]`: starts the local page
//! (`crate::serve`), prints its address and opens the browser.

use super::input::OutArgs;
use crate::jobs::{self, OK};
use crate::serve::{Options, Server};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 端口（默认 0：由系统选一个空闲端口）
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// 上传的报送材料存放目录，每月一个子目录（默认 ./data）
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// 不自动打开浏览器
    #[arg(long)]
    no_open: bool,
}

pub(crate) fn run(args: Args) -> jobs::Result<i32> {
    let server = Server::bind(Options {
        port: args.port,
        data: args.data.clone(),
        place: args.out.place(),
        rules: args.rules,
        templates: args.templates,
    })?;
    let url = server.url();
    let place = args.out.place();
    for dir in [&args.data, &place.out] {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("无法创建目录 {}: {e}", dir.display()))?;
    }
    super::output::out_line(&format!(
        "网页服务已启动（仅本机可访问），请用浏览器打开:\n{url}\n上传的材料保存在 {}，结果保存在 {}。\n按 Ctrl+C 或关闭此窗口即可停止。",
        args.data.display(),
        place.out.display()
    ));
    if !args.no_open {
        match server.launcher() {
            Ok(file) => open_browser(file.as_os_str()),
            Err(_) => super::output::out_line("无法自动打开浏览器，请手动打开上面的网址。"),
        }
    }
    server.run();
    Ok(OK)
}

/// Opens `file` (the launcher that redirects to the page) in the default browser; failure is
/// ignored (the URL is printed anyway). The token is in the file, never in this command line.
fn open_browser(url: &std::ffi::OsStr) {
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/c", "start", ""]).arg(url);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let _ = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
