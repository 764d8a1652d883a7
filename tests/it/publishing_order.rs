//! The history's order of work on the office's machine: a forced re-run whose earlier folder
//! cannot be moved (a file of it open in Excel on Windows) records nothing; a first run killed
//! while creating the history leaves a temporary file the next run removes, and says so; `tasks
//! close` waits for a run that holds the history.

use crate::common::*;
use crate::test::Sanyipi;
use std::path::Path;

/// October of the samples, recorded in `out`.
fn october(out: &Path) {
    Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(out)
        .env_remove("SANYIPI_FAILPOINT")
        .run()
        .expect_done();
}

/// The revisions of 2026-10 recorded in the history of `out`.
fn revisions(out: &Path) -> i64 {
    let c = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
    c.query_row(
        "SELECT COUNT(*) FROM run WHERE month = '2026-10'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Every file below `dir` with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    fn walk(root: &Path, d: &Path, all: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, all);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
                all.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut all);
    all.sort();
    all
}

/// A forced re-run that cannot move the earlier folder aside is refused before it records the
/// month: history keeps one revision, the folder is as it was, nothing is left pending, and the
/// next run goes through.
#[test]
fn a_forced_rerun_whose_old_folder_is_busy_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    october(&out);
    let before = files(&out.join("2026-10"));
    let r = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .arg("--force")
        .env("SANYIPI_FAILPOINT", "old_folder_busy")
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("本次考核未记入历史"), "{}", r.stderr);
    assert!(r.stderr.contains("正被打开"), "{}", r.stderr);
    assert!(!r.stderr.contains("已记入历史（第"), "{}", r.stderr);
    assert_eq!(revisions(&out), 1);
    assert_eq!(files(&out.join("2026-10")), before);
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.') && n != ".sanyipi.lock")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let c = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
    let pending: i64 = c
        .query_row("SELECT COUNT(*) FROM pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 0);
    // Once the file is closed, the re-run records the second revision and keeps the first.
    Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .arg("--force")
        .env_remove("SANYIPI_FAILPOINT")
        .run()
        .expect_done();
    assert_eq!(revisions(&out), 2);
    assert_eq!(files(&out.join("历史版本/2026-10/第1版")), before);
}

/// A run killed after moving the earlier folder aside, before recording: the next run puts the
/// folder back (the month is still the first revision), says so, and refuses without --force.
#[test]
fn a_folder_moved_aside_by_a_killed_run_is_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    october(&out);
    let before = files(&out.join("2026-10"));
    let r = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .arg("--force")
        .env("SANYIPI_FAILPOINT", "moved_old")
        .run();
    assert_eq!(r.code, -1, "the failpoint aborts: {}", r.stderr);
    assert!(!out.join("2026-10").exists());
    let again = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .env_remove("SANYIPI_FAILPOINT")
        .run()
        .expect_code(2);
    assert!(
        again.stderr.contains("已恢复其原有的输出目录"),
        "{}",
        again.stderr
    );
    assert_eq!(revisions(&out), 1);
    assert_eq!(files(&out.join("2026-10")), before);
    assert!(!out.join(".2026-10.old").exists());
}

/// The temporary history of a first run killed before it was linked into place is removed by
/// the next run that holds the history, which says so.
#[test]
fn a_killed_first_runs_temporary_history_is_removed_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".history.sqlite.new-4242"), b"half a history").unwrap();
    std::fs::write(out.join(".history.sqlite.new-4242-journal"), b"journal").unwrap();
    // A file of another name is not the history's: kept.
    std::fs::write(out.join(".history.sqlite.new-notes.txt"), b"mine").unwrap();
    let r = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .env_remove("SANYIPI_FAILPOINT")
        .run()
        .expect_done();
    assert!(
        r.stderr.contains(
            "已清理上次中断的运行在创建历史记录时留下的临时文件 .history.sqlite.new-4242。"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(".history.sqlite.new-4242-journal"),
        "{}",
        r.stderr
    );
    assert!(!out.join(".history.sqlite.new-4242").exists());
    assert!(!out.join(".history.sqlite.new-4242-journal").exists());
    assert!(out.join(".history.sqlite.new-notes.txt").exists());
    assert_eq!(revisions(&out), 1);
}

/// `tasks close` takes the history's lock: while another sanyipi holds it, the 销号 waits and
/// says so, then closes the task once the lock is released.
#[test]
fn tasks_close_waits_for_the_history_lock() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    october(&out);
    let run = Sanyipi::new()
        .arg("tasks")
        .arg("--all")
        .out(&out)
        .env("SANYIPI_TODAY", "2026-11-02")
        .run()
        .expect_ok();
    let id = run
        .stdout
        .split_whitespace()
        .find(|w| w.starts_with("镇督查〔2026〕") && w.contains('-'))
        .unwrap_or_else(|| panic!("no task id in\n{}", run.stdout))
        .to_string();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join("history.sqlite.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sanyipi"))
        .args(["tasks", "close", &id, "--date", "2026-11-02", "--out"])
        .arg(&out)
        .env("SANYIPI_TODAY", "2026-11-02")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "tasks close went on while the history was locked"
    );
    lock.unlock().unwrap();
    drop(lock);
    let done = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr),
    );
    assert_eq!(done.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("正在使用"), "{stderr}");
    assert!(stdout.contains("已销号 1 项"), "{stdout}");
}
