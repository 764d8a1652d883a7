//! `sanyipi check` run as a user would, on the bundled samples, on fixtures and (with
//! `--features shared-samples`) on the shared samples; full output snapshot-tested.

use crate::common::*;

/// `sanyipi ARGS` on a month of the shared samples (`$SANYIPI_SHARED`), its folder shown as
/// `../shared/samples/MONTH` whatever it is (the snapshots were taken beside the clone).
#[cfg(feature = "shared-samples")]
pub(crate) fn on_shared_month(args: &[&str], month: &str, rest: &[&str]) -> Run {
    let dir = shared_samples();
    let mut run = Sanyipi::new()
        .args(args)
        .arg(dir.join(month))
        .args(rest)
        .run();
    run.stdout = run
        .stdout
        .replace(dir.to_str().unwrap(), "../shared/samples");
    run
}

#[cfg(feature = "shared-samples")]
#[test]
fn shared_check_2026_10_reports_unknown_project_and_missing_unit() {
    let run = on_shared_month(&["check", "--input"], "2026-10", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("错误[E030] 月报/杨营镇.xlsx!月报!C7: 项目“新材料储备项目”不在台账中")
    );
    assert!(run.stdout.contains("雪枫街道未报送"));
    insta::assert_snapshot!(run.stdout);
}

#[cfg(feature = "shared-samples")]
#[test]
fn shared_check_2026_09_reports_undetermined_start_date() {
    let run = on_shared_month(&["check", "--input"], "2026-09", &["--month", "2026-09"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("月报/侯集镇.xlsx!月报!H4"));
    assert!(run.stdout.contains("待定"));
    insta::assert_snapshot!(run.stdout);
}

#[cfg(feature = "shared-samples")]
#[test]
fn shared_check_2026_08_is_clean() {
    let run = on_shared_month(&["check", "--input"], "2026-08", &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("未发现问题"));
}

#[test]
fn check_own_2026_10_reports_unknown_project_and_missing_unit() {
    let run = sanyipi(&["check", "--input", "samples/2026-10"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("城东商业综合体项目"), "{}", run.stdout);
    assert!(run.stdout.contains("北山镇未报送"), "{}", run.stdout);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn check_own_2026_09() {
    let run = sanyipi(&["check", "--input", "samples/2026-09"]);
    insta::assert_snapshot!(format!("exit {}\n{}", run.code, run.stdout));
}

#[test]
fn check_of_a_missing_folder_cannot_run() {
    let run = sanyipi(&["check", "--input", "no/such/folder"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr);
    // `run` says only that, before any note on the month's dates, and writes nothing.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out");
    let run = sanyipi(&[
        "run",
        "--input",
        "no/such/folder",
        "--month",
        "2026-10",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "错误: 无法运行考核\n原因: 输入目录 no/such/folder 不存在或不是目录\n"
    );
    assert!(!target.exists());
}

#[test]
fn broken_files_are_diagnostics_and_the_run_goes_on() {
    let dir = input_with(&[
        ("encrypted.xlsx", "月报/甲镇.xlsx"),
        ("html_disguised.xls", "月报/乙镇.xls"),
        ("corrupt.xlsx", "月报/丙镇.xlsx"),
        ("plain.xlsx", "说明.docx"),
    ]);
    let run = sanyipi(&["check", "--input", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let out = run.stdout.replace(dir.path().to_str().unwrap(), "<input>");
    insta::assert_snapshot!(out);
}

#[test]
fn command_line_mistakes_are_explained_in_chinese() {
    let run = sanyipi(&["run"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "错误: 缺少必需的参数 --input <DIR>"
    );
    let run = sanyipi(&["chek"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("错误: 没有命令“chek”"),
        "{}",
        run.stderr
    );
    let help = sanyipi(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("用法: sanyipi <命令>") && help.stdout.contains("显示帮助"),
        "{}",
        help.stdout
    );
    // Every subcommand's help: no English of clap's (the defaults are said in Chinese).
    for sub in [
        vec!["run"],
        vec!["check"],
        vec!["tasks", "close"],
        vec!["history", "import"],
        vec!["serve"],
    ] {
        let mut args = sub.clone();
        args.push("--help");
        let help = sanyipi(&args);
        assert_eq!(help.code, 0, "{sub:?}");
        for english in ["[OPTIONS]", "[default", "Usage"] {
            assert!(!help.stdout.contains(english), "{sub:?}: {}", help.stdout);
        }
        assert!(help.stdout.contains("[选项]"), "{sub:?}: {}", help.stdout);
    }
    let run = sanyipi(&["run", "--bogus"]);
    assert!(
        run.stderr
            .contains("用法: sanyipi run [选项] --input <DIR>"),
        "{}",
        run.stderr
    );
}

/// Without --month and with a folder not named for a month, check says which checks it could
/// not do; with a folder named 2026-10 it checks that month (and says so).
#[test]
fn check_says_when_it_does_not_know_the_month() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("十月材料");
    copy_dir(&root().join("samples/2026-10"), &input);
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("注意: 未用 --month 指定月份，目录名“十月材料”也不是 2026-10 这样的月份"),
        "{said}"
    );
    let r = sanyipi(&["check", "--input", "samples/2026-10"]);
    assert!(r.stdout.contains("考核月份: 2026-10"), "{}", r.stdout);
    assert!(!r.stderr.contains("注意: 未用 --month"), "{}", r.stderr);
}
