//! What a command given a mistake says, and what it leaves: no history yet, a month or year
//! typed otherwise, a folder where a file is wanted and the other way round, a refused run.
//! Each from a tester who followed the README.

use crate::common::*;
use std::path::Path;

/// The names in `dir` and below that end with `.lock`.
fn lock_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if path.is_dir() {
            found.extend(lock_files(&path));
        } else if path.to_string_lossy().ends_with(".lock") {
            found.push(path.display().to_string());
        }
    }
    found
}

const NO_HISTORY: &str = "：先运行 sanyipi run 或 sanyipi history import";

#[test]
fn tasks_without_a_history_say_so_and_create_none() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let typo = out.path().join("histroy.sqlite");
    for args in [
        vec!["tasks", "--out", dir],
        vec!["tasks", "--history", typo.to_str().unwrap()],
        vec![
            "tasks",
            "close",
            "镇督查〔2026〕1号-1",
            "--date",
            "2026-11-02",
            "--out",
            dir,
        ],
    ] {
        let r = sanyipi(&args).expect_code(2);
        assert!(r.stderr.contains("尚无历史记录"), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(NO_HISTORY), "{args:?}: {}", r.stderr);
        assert!(!r.stdout.contains("没有未销号的整改任务"), "{}", r.stdout);
    }
    assert!(!out.path().join("history.sqlite").exists());
    assert!(!typo.exists());
    // Nothing was created for `history show` to find empty.
    let r = sanyipi(&["history", "show", "--out", dir]).expect_code(2);
    assert!(r.stderr.contains(NO_HISTORY), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn a_folder_named_2026年10月_is_october() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("2026年10月");
    copy_dir(&root().join("samples/2026-10"), &folder);
    let out = tempfile::tempdir().unwrap();
    // No --month and no --as-of: the month is the folder's, the date its 25th.
    let r = Sanyipi::new()
        .arg("deadlines")
        .input(&folder)
        .out(out.path())
        .run()
        .expect_ok();
    assert!(!r.stderr.contains("不是年月"), "{}", r.stderr);
    assert!(
        r.stderr.contains("统计截止日期：2026-10-25"),
        "{}",
        r.stderr
    );
    // `check` does the month's checks, as for a folder named 2026-10.
    let r = Sanyipi::new().arg("check").input(&folder).run();
    assert!(!r.stderr.contains("未用 --month 指定月份"), "{}", r.stderr);
}

#[test]
fn a_folder_not_named_for_a_month_asks_for_the_month() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("十月材料");
    copy_dir(&root().join("samples/2026-10"), &folder);
    let out = tempfile::tempdir().unwrap();
    for command in ["deadlines", "run"] {
        let r = Sanyipi::new()
            .arg(command)
            .input(&folder)
            .out(out.path())
            .run()
            .expect_code(2);
        assert!(
            r.stderr.contains("目录名“十月材料”也不是年月")
                && r.stderr.contains("请加 --month YYYY-MM"),
            "{command}: {}",
            r.stderr
        );
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn a_year_is_four_digits() {
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/后评估/2026");
    for year in ["26", "0", "2126"] {
        let r = sanyipi(&[
            "evaluate",
            "--input",
            input.to_str().unwrap(),
            "--year",
            year,
            "--out",
            out.path().to_str().unwrap(),
        ])
        .expect_code(2);
        assert!(
            r.stderr.contains(&format!(
                "--year “{year}”不是有效年份：请写四位年份，如 --year 2026"
            )),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("Excel range"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    let r = sanyipi(&[
        "annual",
        "--year",
        "26",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(r.stderr.contains("请写四位年份"), "{}", r.stderr);
}

#[test]
fn another_year_than_the_folders_is_said_and_so_is_what_it_replaced() {
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/后评估/2026");
    let evaluate = || {
        sanyipi(&[
            "evaluate",
            "--input",
            input.to_str().unwrap(),
            "--year",
            "2025",
            "--out",
            out.path().to_str().unwrap(),
        ])
    };
    let first = evaluate();
    assert!(
        first
            .stderr
            .contains("注意: 按 --year 2025 评价，但数据所在目录“2026”是 2026 年的。"),
        "{}",
        first.stderr
    );
    let again = evaluate();
    assert!(
        again
            .stderr
            .contains("历史记录中 2025 年原有的评价结果已被本次结果替换"),
        "{}",
        again.stderr
    );
    // The folder's own year: nothing to say.
    let own = sanyipi(&[
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(!own.stderr.contains("注意: 按 --year"), "{}", own.stderr);
}

#[test]
fn explain_and_check_read_the_month_as_run_does() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let r = sanyipi(&[
        "explain",
        "--month",
        "2026/10",
        "--unit",
        "北山镇",
        "--out",
        dir,
    ])
    .expect_code(2);
    assert!(
        r.stderr
            .contains("--month “2026/10”格式不对，请写成 2026-10"),
        "{}",
        r.stderr
    );
    // `check` too, instead of checking as if no month were given.
    let r = sanyipi(&["check", "--input", "samples/2026-10", "--month", "2026/10"]).expect_code(2);
    assert!(
        r.stderr
            .contains("--month “2026/10”格式不对，请写成 2026-10"),
        "{}",
        r.stderr
    );
    let r = sanyipi(&["explain", "--month", "2026-10", "--out", dir]).expect_code(2);
    assert!(
        r.stderr.contains("请指定 --unit 或 --project"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_refused_run_leaves_no_folder_and_a_run_no_lock() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // All of 2026-10's reports, assessed as 2026-09: refused.
    let r = Sanyipi::month(root().join("samples/2026-10"), "2026-09")
        .out(&out)
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("未写入任何文件"), "{}", r.stderr);
    assert!(
        !out.exists(),
        "{:?}",
        std::fs::read_dir(&out).map(|d| d.count())
    );
    // A run done, and an evaluation beside it: no lock file stays.
    run_one_month(&root().join("samples/2026-10"), "2026-10", &out);
    sanyipi(&[
        "evaluate",
        "--input",
        "samples/后评估/2026",
        "--out",
        out.to_str().unwrap(),
    ]);
    if cfg!(unix) {
        assert_eq!(lock_files(&out), Vec::<String>::new());
    }
}

#[test]
fn a_folder_for_a_file_and_a_file_for_a_folder_are_named_so() {
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "template",
        "--ledger",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--out",
        out.path().to_str().unwrap(),
    ])
    .expect_code(2);
    assert!(
        r.stderr.contains(
            "samples/2026-10 是一个文件夹，不是文件：请给出其中的文件本身，如 samples/2026-10/重大项目管理台账.xlsx"
        ),
        "{}",
        r.stderr
    );
    // `deadlines` says so before asking for the month a file's name cannot give.
    for command in ["check", "deadlines"] {
        let r =
            sanyipi(&[command, "--input", "samples/2026-10/重大项目管理台账.xlsx"]).expect_code(2);
        assert!(
            r.stderr.contains(
                "输入目录 samples/2026-10/重大项目管理台账.xlsx 是一个文件，不是目录：请给出存放它的目录 samples/2026-10"
            ),
            "{command}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_month_of_a_year_without_its_schedule_says_why_dates_are_provisional() {
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "calendar",
        "--month",
        "2027-02",
        "--out",
        out.path().to_str().unwrap(),
    ])
    .expect_ok();
    assert!(
        r.stdout.contains(
            "注意：结果取决于尚未收录的 2027 年节假日安排，目前仅按周末推算，结果为暂定。"
        ),
        "{}",
        r.stdout
    );
    // A year the rules hold: nothing to say.
    let r = sanyipi(&[
        "calendar",
        "--month",
        "2026-10",
        "--out",
        out.path().to_str().unwrap(),
    ])
    .expect_ok();
    assert!(!r.stdout.contains("尚未收录"), "{}", r.stdout);
}
