//! What a new user following the README on the bundled samples reads on the terminal: each
//! summary says what was written, and a refusal says what to give instead.

use crate::common::*;

/// September after the hand-made rankings: eight notices with tasks, each with its 整改反馈
/// form, and the 表态发言名单, a notice of its own with no tasks and so no form. The summary
/// does not promise a form for every notice.
#[test]
fn the_run_summary_counts_forms_only_for_notices_with_tasks() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let import = sanyipi(&["history", "import", "samples/历史排名.xlsx", "--out", o]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let r = Sanyipi::month("samples/2026-09", "2026-09")
        .out(out.path())
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("督查通知 9 份"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("督查通知/（有整改任务的通知各附整改反馈表 .xlsx，共 8 份）"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("每份通知的整改反馈表"), "{}", r.stdout);
    let forms = std::fs::read_dir(out.path().join("2026-09/督查通知"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().contains("整改反馈表")
        })
        .count();
    assert_eq!(forms, 8);
}

/// `evaluate` given the month's folder (no 后评估 file in it) says which table to give, as
/// `screen` does, and writes nothing.
#[test]
fn evaluate_on_a_folder_without_its_table_says_what_to_give() {
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "evaluate",
        "--input",
        "samples/2026-10",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(
            "中没有读到后评估数据（*后评估*），未评价，输出目录未改动。请用 --input 给出后评估基础数据表（文件名如 *后评估*），或包含它的目录\n"
        ),
        "{}",
        r.stderr
    );
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
}
