//! What a command given a mistake says, and what it leaves: no history yet, a month or year
//! typed otherwise, a folder where a file is wanted and the other way round, a refused run.
//! Each from a tester who followed the README.

use crate::common::*;

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