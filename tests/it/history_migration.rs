//! The history file of release 0.1.0 (`fixtures/history-0.1.0.sqlite`: history import, run
//! 2026-09, weekly 2026-10-05 and 2026-10-12, evaluate 2025) is migrated on opening, and carrying
//! on from it gives exactly what carrying on from the same steps recorded by this binary gives.
//! A file of a newer format is refused and left byte-for-byte as it was.

use crate::common::{fixture, sanyipi};
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) fn ok(args: &[&str]) -> String {
    let r = sanyipi(args);
    if args[0] == "run" {
        r.assert_done();
    } else {
        assert_eq!(
            r.code, 0,
            "{args:?}\nstdout:\n{}\nstderr:\n{}",
            r.stdout, r.stderr
        );
    }
    r.stdout
}

/// The samples' earlier rankings imported and September run, into `out`.
pub(crate) fn import_and_september(out: &str) {
    ok(&["history", "import", "samples/历史排名.xlsx", "--out", out]);
    ok(&[
        "run",
        "--input",
        "samples/2026-09",
        "--month",
        "2026-09",
        "--as-of",
        "2026-09-25",
        "--out",
        out,
    ]);
}

/// October of the samples run into `out`; its stdout.
pub(crate) fn october(out: &str) -> String {
    ok(&[
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
        out,
    ])
}

/// The steps the fixture was made with, into `out`.
fn earlier_steps(out: &str) {
    import_and_september(out);
    for week in ["2026-10-05", "2026-10-12"] {
        ok(&[
            "weekly",
            "--input",
            "samples/2026-10",
            "--week",
            week,
            "--as-of",
            week,
            "--out",
            out,
        ]);
    }
    ok(&[
        "evaluate",
        "--input",
        "samples/后评估/2026",
        "--year",
        "2025",
        "--out",
        out,
    ]);
}

/// What reads history without writing it: the annual summary, explain, history show.
fn readers(out: &str) -> Vec<String> {
    vec![
        ok(&["annual", "--year", "2026", "--out", out]),
        ok(&[
            "explain",
            "--month",
            "2026-10",
            "--unit",
            "东湖镇",
            "--out",
            out,
        ]),
        ok(&[
            "explain",
            "--month",
            "2026-10",
            "--project",
            "DH2026-001",
            "--out",
            out,
        ]),
        ok(&["history", "show", "--out", out]),
    ]
    .into_iter()
    .map(|s| s.replace(out, "OUT"))
    .collect()
}

/// `explain` of 东湖镇 in 2026-09 (a month the fixture recorded), with history in `out`.
fn explain_september(out: &str) -> [&str; 7] {
    [
        "explain",
        "--month",
        "2026-09",
        "--unit",
        "东湖镇",
        "--out",
        out,
    ]
}

/// The weekly cycle of the week of 2026-10-19 into `out`.
fn weekly_of_19_october(out: &str) -> [&str; 9] {
    [
        "weekly",
        "--input",
        "samples/2026-10",
        "--week",
        "2026-10-19",
        "--as-of",
        "2026-10-19",
        "--out",
        out,
    ]
}

/// The steps after the fixture's, into `out`; their stdout with `out` replaced.
fn later_steps(out: &str) -> Vec<String> {
    let mut stdout = vec![
        october(out),
        ok(&weekly_of_19_october(out)),
        ok(&[
            "evaluate",
            "--input",
            "samples/后评估/2026",
            "--year",
            "2026",
            "--out",
            out,
        ]),
    ];
    stdout = stdout.into_iter().map(|s| s.replace(out, "OUT")).collect();
    stdout.extend(readers(out));
    stdout
}

/// Every file under `dir` but the history file: relative path → bytes.
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if !["history.sqlite", "history.sqlite.lock", ".sanyipi.lock"]
                .contains(&path.file_name().unwrap().to_str().unwrap())
            {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn from_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("history-0.1.0.sqlite"),
        dir.path().join("history.sqlite"),
    )
    .unwrap();
    dir
}

pub(crate) fn user_version(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn carrying_on_from_release_0_1_0_equals_carrying_on_from_scratch() {
    let old = from_fixture();
    let new = tempfile::tempdir().unwrap();
    let old_out = old.path().to_str().unwrap();
    let new_out = new.path().to_str().unwrap();
    earlier_steps(new_out);
    // Release 0.1.0 recorded no 整改任务 (format 4): the fresh history forgets September's, so
    // that both carry on from the same facts (`supervision` tests the migrated file's tasks).
    let fresh = rusqlite::Connection::open(new.path().join("history.sqlite")).unwrap();
    fresh.execute("DELETE FROM task", []).unwrap();
    // Release 0.1.0 addressed September's notice to the sample's 办理单位 as written (a
    // department that does not exist); this binary reads it as the rules' department (W075).
    // The fresh history is given the facts the old one recorded.
    for table in ["notice", "finding"] {
        fresh
            .execute(
                &format!(
                    "UPDATE {table} SET recipient = '市生态环境局分局' WHERE recipient = '市生态环境局镇平分局'"
                ),
                [],
            )
            .unwrap();
    }
    // Nor did it record what September's 三个一批 figures counted: October counts what is
    // dated in it on both.
    fresh.execute("DELETE FROM stage_entry", []).unwrap();
    fresh.execute("UPDATE run SET stages = 0", []).unwrap();
    drop(fresh);
    let new_earlier = files(new.path());

    let old_stdout = later_steps(old_out);
    let new_stdout = later_steps(new_out);
    for (o, n) in old_stdout.iter().zip(&new_stdout) {
        assert_eq!(o, n);
    }
    // Notice numbering and weekly problems carried across, last year's class shown: the
    // outputs of the later steps are the same files, byte for byte.
    let old_files = files(old.path());
    let new_files = files(new.path());
    assert!(
        old_files.contains_key("2026-10/run.json"),
        "{:?}",
        old_files.keys()
    );
    assert!(
        old_files
            .keys()
            .any(|k| k.starts_with("2026-10/") && k.ends_with(".xlsx"))
    );
    assert!(
        old_files.keys().any(|k| k.ends_with(".docx")),
        "{:?}",
        old_files.keys()
    );
    assert!(
        old_files.keys().any(|k| k.contains("年度汇总")),
        "{:?}",
        old_files.keys()
    );
    assert!(
        old_files.keys().any(|k| k.contains("2026年度后评估")),
        "{:?}",
        old_files.keys()
    );
    for (name, bytes) in &old_files {
        assert!(
            new_files.get(name) == Some(bytes),
            "{name} differs between the migrated history and the fresh one"
        );
    }
    assert_eq!(
        new_files.len(),
        old_files.len() + new_earlier.len(),
        "{:?}",
        new_files.keys()
    );

    // Deleting an output folder changes no later result: annual and explain read history only.
    let before = readers(old_out);
    std::fs::remove_dir_all(old.path().join("2026-10")).unwrap();
    assert_eq!(readers(old_out), before);
}

#[test]
fn a_migrated_file_is_at_the_newest_format_with_keys_and_rows() {
    let dir = from_fixture();
    let out = dir.path().to_str().unwrap();
    let path = dir.path().join("history.sqlite");
    assert_eq!(user_version(&path), 0);
    let shown = ok(&["history", "show", "--out", out]);
    // The penalty is shown by its rules' name, not its id.
    assert!(shown.contains("表态发言"), "{shown}");
    assert!(!shown.contains("tv_statement"), "{shown}");
    // Reading leaves the file as it was; the first job that records migrates it.
    assert_eq!(user_version(&path), 0);
    ok(&weekly_of_19_october(out));
    assert_eq!(user_version(&path), sanyipi::history::FORMAT_VERSION);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let statuses: Vec<String> = conn
            .prepare("SELECT DISTINCT status FROM finding")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!statuses.is_empty());
        for s in &statuses {
            assert!(
                sanyipi::engine::Status::from_key(s).is_some(),
                "{s} is not a status key"
            );
        }
        let penalties: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM unit_penalty WHERE penalty = 'tv_statement'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(penalties > 0);
        let parts: i64 = conn
            .query_row("SELECT COUNT(*) FROM project_part", [], |r| r.get(0))
            .unwrap();
        assert!(parts > 0);
    }
    // Opening a migrated file again writes nothing.
    let bytes = std::fs::read(&path).unwrap();
    ok(&["history", "show", "--out", out]);
    ok(&["annual", "--year", "2026", "--out", out]);
    assert!(
        std::fs::read(&path).unwrap() == bytes,
        "reopening changed the file"
    );

    // A month recorded by 0.1.0 has no details: explain says so and how to re-record it.
    let r = sanyipi(&explain_september(out));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("旧版本"), "{}", r.stderr);
    assert!(
        r.stderr.contains("sanyipi run --month 2026-09 --force"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_of_a_newer_format_is_refused_and_left_untouched() {
    let dir = from_fixture();
    let out = dir.path().to_str().unwrap();
    let path = dir.path().join("history.sqlite");
    let newer = sanyipi::history::FORMAT_VERSION + 1;
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    for args in [
        &["history", "show", "--out", out][..],
        &["annual", "--year", "2026", "--out", out],
        &explain_september(out),
        &weekly_of_19_october(out),
        &[
            "run",
            "--input",
            "samples/2026-10",
            "--month",
            "2026-10",
            "--as-of",
            "2026-10-25",
            "--out",
            out,
        ],
    ] {
        let r = sanyipi(args);
        assert_ne!(r.code, 0, "{args:?}");
        let message = format!(
            "由较新版本的 sanyipi 写入（格式版本 {newer}，本版本最高支持 {}），请使用新版本；文件未改动。",
            sanyipi::history::FORMAT_VERSION
        );
        assert!(r.stderr.contains(&message), "{args:?}: {}", r.stderr);
        assert!(
            std::fs::read(&path).unwrap() == bytes,
            "{args:?} changed the file"
        );
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n == "history.sqlite"
            || n == "history.sqlite.lock"
            || !n.starts_with("history.sqlite")),
        "{names:?}"
    );
}

#[test]
fn jobs_that_only_read_leave_an_old_file_as_it_was() {
    let old = from_fixture();
    let out = old.path().to_str().unwrap();
    let path = old.path().join("history.sqlite");
    let before = std::fs::read(&path).unwrap();
    let version = user_version(&path);
    assert!(
        version < sanyipi::history::FORMAT_VERSION,
        "the fixture is old"
    );
    // Each reads the recorded months through the newest format, in memory.
    let shown = ok(&["history", "show", "--out", out]);
    assert!(shown.contains("2026-09"), "{shown}");
    // A month 0.1.0 recorded has no details to explain: said, as from a migrated file.
    let r = sanyipi(&explain_september(out));
    assert!(r.stderr.contains("旧版本"), "{}", r.stderr);
    ok(&["tasks", "--as-of", "2026-10-25", "--out", out]);
    ok(&["annual", "--year", "2026", "--out", out]);
    let r = sanyipi(&["check", "--input", "samples/2026-10", "--out", out]);
    assert_eq!(r.code, 1, "the sample's two errors: {}", r.stderr);
    ok(&[
        "deadlines",
        "--input",
        "samples/2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
        out,
    ]);
    assert_eq!(user_version(&path), version);
    assert!(std::fs::read(&path).unwrap() == before, "the file changed");
}

/// A run killed while writing history leaves a hot rollback journal beside the file (the
/// fixture: the state a tester's `run` of 2026-11 left when killed 70 ms in, with 2026-09 and
/// 2026-10 recorded before). Every command then refused the file as read-only. The next one
/// rolls the killed run back: what was recorded before is there, 2026-11 is not, and the journal
/// is gone.
#[test]
fn a_run_killed_while_writing_history_is_rolled_back_by_the_next_command() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["history.sqlite", "history.sqlite-journal"] {
        std::fs::copy(fixture("hot-journal").join(f), dir.path().join(f)).unwrap();
    }
    let out = dir.path().to_str().unwrap();
    let shown = ok(&["history", "show", "--out", out]);
    assert!(shown.contains("2026-10"), "{shown}");
    assert!(!shown.contains("2026-11"), "{shown}");
    assert!(!dir.path().join("history.sqlite-journal").exists());
    // And the month runs again on it.
    let r = sanyipi(&[
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
        out,
        "--force",
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
}
