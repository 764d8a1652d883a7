//! The history file and the output folder as a hostile office leaves them: a file that is not a
//! history (damaged, another program's database, a version no release writes), a month's folder
//! whose name a file took, temp folders of an interrupted command, a history that cannot take a
//! command's rows. Each is a clear Chinese refusal that leaves every file as it was, never a
//! panic, a history written into someone else's database, or outputs without their history.

use crate::common::*;
use std::path::Path;

/// An output folder with 2026-09 recorded and published.
fn september() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    Sanyipi::month(Samples::own().month("2026-09"), "2026-09")
        .out(out.path())
        .run()
        .expect_done();
    out
}

fn october(out: &Path) -> Run {
    Sanyipi::month(Samples::own().month("2026-10"), "2026-10")
        .out(out)
        .run()
}

fn sqlite(path: &Path, sql: &str) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir(dir) {
        let rel = e.strip_prefix(dir).unwrap().to_string_lossy().to_string();
        out.insert(rel, std::fs::read(&e).unwrap());
    }
    out
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(walkdir(&p));
        } else {
            found.push(p);
        }
    }
    found
}

#[test]
fn a_history_file_that_is_not_a_history_is_refused_and_left_as_it_was() {
    let good = september();
    let history = std::fs::read(good.path().join("history.sqlite")).unwrap();
    // (what the file is, how it is made from the good one, words the refusal must say)
    type Make = fn(&Path, &[u8]);
    let cases: [(&str, Make, &str); 6] = [
        (
            "truncated",
            |p, good| std::fs::write(p, &good[..good.len() / 2]).unwrap(),
            "文件已损坏",
        ),
        (
            "random bytes",
            |p, good| {
                let noise: Vec<u8> = (0..good.len()).map(|i| (i * 7919 % 251) as u8).collect();
                std::fs::write(p, noise).unwrap()
            },
            "不是 sanyipi 的历史记录文件",
        ),
        (
            "another program's database",
            |p, _| {
                std::fs::remove_file(p).unwrap();
                sqlite(
                    p,
                    "CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('张三', '123');",
                );
            },
            "其中是其他数据表（contacts）",
        ),
        (
            "a version below 0",
            |p, _| sqlite(p, "PRAGMA user_version = -1"),
            "格式版本为 -1",
        ),
        (
            "our version without our tables",
            |p, _| {
                std::fs::remove_file(p).unwrap();
                sqlite(p, "CREATE TABLE x (a); PRAGMA user_version = 8");
            },
            "缺少数据表",
        ),
        (
            "a newer version",
            |p, _| sqlite(p, "PRAGMA user_version = 99"),
            "由较新版本的 sanyipi 写入",
        ),
    ];
    for (what, make, words) in cases {
        let out = tempfile::tempdir().unwrap();
        let path = out.path().join("history.sqlite");
        std::fs::write(&path, &history).unwrap();
        make(&path, &history);
        let before = files(out.path());
        let show = sanyipi(&["history", "show", "--out", out.path().to_str().unwrap()]);
        let run = october(out.path());
        for r in [&show, &run] {
            assert_eq!(r.code, 2, "{what}: {}", r.stderr);
            assert!(r.stderr.contains(words), "{what}: {}", r.stderr);
            assert!(
                r.stderr.contains(&path.display().to_string()),
                "{what}: {}",
                r.stderr
            );
        }
        assert!(files(out.path()) == before, "{what}: files changed");
    }
}

#[test]
fn a_month_folder_whose_name_a_file_took_is_refused_before_anything_is_written() {
    let out = september();
    let taken = out.path().join("2026-10");
    std::fs::write(&taken, "a clerk's note").unwrap();
    let before = files(out.path());
    let r = october(out.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("2026-10 是一个文件，不是文件夹"),
        "{}",
        r.stderr
    );
    assert!(files(out.path()) == before, "files changed");
    // Moved away, the month runs as usual.
    std::fs::remove_file(&taken).unwrap();
    october(out.path()).expect_done();
    assert!(taken.join("run.json").is_file());
}

#[test]
fn temp_folders_of_an_interrupted_command_are_removed_by_its_next_run() {
    let out = september();
    let stale = out.path().join(".2026-10-12周.tmp.999999");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("2026-10-12周重点项目问题周报.xlsx"), "half").unwrap();
    let input = Samples::own().month("2026-10");
    let r = Sanyipi::new()
        .args(["weekly", "--week", "2026-10-12"])
        .input(&input)
        .out(out.path())
        .run()
        .expect_ok();
    assert!(!stale.exists());
    assert!(
        r.stderr
            .contains("已清理上次中断的运行留下的临时目录 .2026-10-12周.tmp.999999"),
        "{}",
        r.stderr
    );
}

/// A history that refuses the rows (here a trigger; in an office a read-only or full disk)
/// leaves the week's and the year's folders unpublished: outputs never run ahead of history.
#[test]
fn weekly_and_evaluate_publish_nothing_when_history_cannot_take_their_rows() {
    let out = september();
    sqlite(
        &out.path().join("history.sqlite"),
        "CREATE TRIGGER no_week BEFORE INSERT ON weekly_run BEGIN SELECT RAISE(ABORT, 'disk I/O'); END;
         CREATE TRIGGER no_class BEFORE INSERT ON evaluation_class BEGIN SELECT RAISE(ABORT, 'disk I/O'); END;",
    );
    let weekly = Sanyipi::new()
        .args(["weekly", "--week", "2026-10-12"])
        .input(Samples::own().month("2026-10"))
        .out(out.path())
        .run();
    assert_eq!(weekly.code, 2, "{}", weekly.stderr);
    assert!(!out.path().join("2026-10-12周").exists());
    let evaluate = Sanyipi::new()
        .arg("evaluate")
        .input(root().join("samples/后评估/2026"))
        .out(out.path())
        .run();
    assert_eq!(evaluate.code, 2, "{}", evaluate.stderr);
    assert!(!out.path().join("2026年度后评估").exists());
    let left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A history of no bytes (a first run killed while creating it, or a history lost) was read as an
/// empty one: streaks and notice numbers started again, with no word. It is refused, untouched,
/// saying what to do; and a new history is created whole, so a first run leaves no such file
/// and no temporary file beside it.
#[test]
fn an_empty_history_file_is_refused_and_a_new_one_is_made_whole() {
    let out = tempfile::tempdir().unwrap();
    let history = out.path().join("history.sqlite");
    std::fs::write(&history, b"").unwrap();
    for r in [
        october(out.path()),
        sanyipi(&["history", "show", "--out", out.path().to_str().unwrap()]),
    ] {
        assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("是空文件（0 字节），文件未改动"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("请从备份恢复该文件"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&history).unwrap(), b"");
    assert!(!out.path().join("2026-10").exists());
    // Deleted, the next run makes a new one, whole.
    std::fs::remove_file(&history).unwrap();
    october(out.path()).expect_done();
    assert!(std::fs::metadata(&history).unwrap().len() > 0);
    let stray: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".new-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
