//! Double-clicking `sanyipi.exe` on Windows gives no arguments: start the local page, its
//! uploads and outputs in a folder of the user's, never in the working folder a shortcut or
//! Explorer happens to give (which can be `C:\Windows\System32`).
//!
//! The folder is the exe's own folder when it can be written there (a clerk unzips the release
//! into a folder of theirs: the data then sits beside the exe), otherwise `Documents\sanyipi` of
//! the user (an exe under `Program Files`). Elsewhere no arguments print the usage, as any
//! command-line tool does.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `args` as given, or, on a double-click, `serve` with `--data` and `--out` under the home
/// folder `home()` returns.
pub(super) fn args(
    args: impl IntoIterator<Item = OsString>,
    windows: bool,
    home: impl FnOnce() -> PathBuf,
) -> (Vec<OsString>, bool) {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if !windows || args.len() > 1 {
        return (args, false);
    }
    let home = home();
    args.push("serve".into());
    args.push("--data".into());
    args.push(home.join("data").into_os_string());
    args.push("--out".into());
    args.push(home.join("out").into_os_string());
    (args, true)
}

/// Where a double-clicked exe keeps its data: beside the exe if that folder is writable, else
/// `<profile>\Documents\sanyipi`, else the temp folder.
pub(super) fn home(exe: Option<&Path>, profile: Option<&Path>) -> PathBuf {
    if let Some(dir) = exe.and_then(Path::parent).filter(|d| writable(d)) {
        return dir.to_path_buf();
    }
    match profile {
        Some(p) => p.join("Documents").join("sanyipi"),
        None => std::env::temp_dir().join("sanyipi"),
    }
}

/// Whether a file can be created in `dir` (and is removed again).
fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".sanyipi-probe-{}", std::process::id()));
    let ok = std::fs::File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

/// The home of this process's exe, from the system.
pub(super) fn this_home() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let profile = std::env::var_os("USERPROFILE").map(PathBuf::from);
    home(exe.as_deref(), profile.as_deref())
}

/// After a double-clicked run that ended in an error: keep the console window open until the
/// clerk has read it.
pub(super) fn wait_for_enter() {
    eprintln!("\n按回车键关闭此窗口。");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_double_click_on_windows_starts_the_local_page_in_the_home_folder() {
        let bare = || vec![OsString::from("sanyipi.exe")];
        let home = || PathBuf::from("D:/工具");
        let (got, clicked) = args(bare(), true, home);
        assert!(clicked);
        let want: Vec<OsString> = ["sanyipi.exe", "serve", "--data", "D:/工具/data", "--out"]
            .into_iter()
            .map(OsString::from)
            .chain([PathBuf::from("D:/工具").join("out").into_os_string()])
            .collect();
        assert_eq!(got[..4], want[..4]);
        assert_eq!(
            PathBuf::from(&got[3]),
            PathBuf::from("D:/工具").join("data")
        );
        assert_eq!(got[4..], want[4..]);
        assert_eq!(args(bare(), false, home), (bare(), false));
        let check = vec![OsString::from("sanyipi.exe"), OsString::from("check")];
        assert_eq!(args(check.clone(), true, home), (check, false));
    }

    #[test]
    fn the_home_is_beside_the_exe_when_writable_else_the_documents_folder() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("sanyipi.exe");
        let profile = Path::new("/profiles/张三");
        assert_eq!(home(Some(&exe), Some(profile)), dir.path());
        let gone = dir.path().join("no-such-folder").join("sanyipi.exe");
        assert_eq!(
            home(Some(&gone), Some(profile)),
            profile.join("Documents").join("sanyipi")
        );
        assert_eq!(home(None, None), std::env::temp_dir().join("sanyipi"));
    }
}
