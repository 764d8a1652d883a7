//! Returned 整改反馈 forms outside `run`'s register: `check` reports the rows `run` refuses
//! (W046) at the same cells without writing history, and the reconciliation counts a refused
//! row as not used and an accepted one as used.

use super::supervision::{
    N1, N2, N4, october_with, returned_form, returned_forms, september, sheet,
};
use crate::common::*;
use serde_json::Value as J;
use std::path::Path;

/// The forms' files and, worked out by hand from `supervision::returned_forms`: (rows, used,
/// not used). 东湖镇: an unknown id; 西岭乡: a status not in the list and 东湖镇's task;
/// 北山镇: an extension with no date (its bad date leaves a row used, with no date).
const FORMS: &[(&str, usize, usize, usize)] = &[
    // The third row names no task; the fourth answers 1号-2 a second time.
    ("整改反馈/东湖镇整改反馈.xlsx", 4, 2, 2),
    ("整改反馈/西岭乡整改反馈.xlsx", 4, 2, 2),
    ("北山镇回复.xlsx", 2, 1, 1),
];

/// History with September recorded, and October's folder with the returned forms.
fn september_and_october_forms(out: &Path) -> tempfile::TempDir {
    september(out, None);
    october_with(returned_forms)
}

/// `file!sheet!cell: message` of run.json's W046 diagnostics.
fn refused_in_run(run: &J) -> Vec<String> {
    run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W046")
        .map(|d| {
            let l = &d["location"];
            format!(
                "{}!{}!{}: {}",
                l["file"].as_str().unwrap(),
                l["sheet"].as_str().unwrap(),
                l["cell"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn check_reports_refused_feedback_rows_at_their_cells_and_writes_no_history() {
    let out = tempfile::tempdir().unwrap();
    let input = september_and_october_forms(out.path());
    let history = out.path().join("history.sqlite");
    let before = std::fs::read(&history).unwrap();
    let r = Sanyipi::new()
        .args(["check", "--month", "2026-10", "--input"])
        .arg(input.path())
        .arg("--out")
        .arg(out.path())
        .run();
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains("[W046]")).collect();
    insta::assert_snapshot!("check_w046", lines.join("\n"));
    assert_eq!(
        std::fs::read(&history).unwrap(),
        before,
        "check wrote history"
    );
    // The same rows, at the same cells, as `run` refuses.
    let oct = run_one_month(input.path(), "2026-10", out.path());
    let refused = refused_in_run(&oct);
    assert_eq!(refused.len(), 5, "{refused:?}");
    assert_eq!(lines.len(), refused.len(), "{lines:?}");
    for x in &refused {
        assert!(
            lines.iter().any(|l| l.contains(x.as_str())),
            "{x}: {lines:?}"
        );
    }
}

#[test]
fn a_refused_feedback_row_counts_as_not_used() {
    let out = tempfile::tempdir().unwrap();
    let input = september_and_october_forms(out.path());
    // check's table: 文件 表格 填报单位 填报日期 读取行 采用 未采用 …
    let r = Sanyipi::new()
        .args(["check", "--month", "2026-10", "--input"])
        .arg(input.path())
        .arg("--out")
        .arg(out.path())
        .run();
    for (file, read, used, rejected) in FORMS {
        let cols: Vec<&str> = r
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(file))
            .unwrap_or_else(|| panic!("{file}: {}", r.stdout))
            .split_whitespace()
            .collect();
        let n = |i: usize| cols[i].parse::<usize>().unwrap();
        assert_eq!(
            (n(4), n(5), n(6)),
            (*read, *used, *rejected),
            "check: {cols:?}"
        );
    }
    let oct = run_one_month(input.path(), "2026-10", out.path());
    for (file, read, used, rejected) in FORMS {
        let f = oct["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == *file)
            .unwrap_or_else(|| panic!("run.json: {file}"));
        let n = |v: &J| v.as_u64().unwrap() as usize;
        assert_eq!(
            (n(&f["rows"]["read"]), n(&f["used"]), n(&f["rejected"])),
            (*read, *used, *rejected),
            "run.json: {file}"
        );
    }
    // The workbook's 数据核对 sheet, cell by cell: used, not used, balanced.
    use calamine::Data;
    let ws = sheet(
        &out.path().join("2026-10/2026年10月重点项目考核排名.xlsx"),
        "数据核对",
    );
    let cell = |r: u32, c: u32| ws.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    for (file, read, used, rejected) in FORMS {
        let r = (0..ws.height() as u32)
            .find(|r| cell(*r, 0) == *file)
            .unwrap_or_else(|| panic!("{file} in 数据核对"));
        let int = |c| match cell(r, c) {
            Data::Int(i) => i as usize,
            Data::Float(f) => f as usize,
            other => panic!("{file}: {other:?}"),
        };
        assert_eq!(
            (int(4), int(5), int(6)),
            (*read, *used, *rejected),
            "{file}"
        );
        assert_eq!(cell(r, 10), "平衡", "{file}");
    }
}

/// Two forms answering one task (an earlier form left in the folder, a later one): the later
/// 填报日期 stands, whatever the files' order, and the earlier row is W046 naming it. A form
/// dated after the as-of date is not taken (W046), as a report after it is not.
#[test]
fn the_later_form_stands_and_a_form_after_the_as_of_date_waits() {
    let out = tempfile::tempdir().unwrap();
    september(out.path(), None);
    let input = october_with(|input| {
        let dir = input.join("整改反馈");
        std::fs::create_dir_all(&dir).unwrap();
        let task = format!("{N2}-1");
        returned_form(
            &dir.join("1西岭乡.xlsx"),
            "西岭乡",
            "2026-10-09",
            &[(&task, "整改中", "2026-10-28", "")],
        );
        returned_form(
            &dir.join("2西岭乡.xlsx"),
            "西岭乡",
            "2026-10-20",
            &[(&task, "已整改", "2026-10-19", "")],
        );
        returned_form(
            &dir.join("北山镇.xlsx"),
            "北山镇",
            "2026-10-30",
            &[(&format!("{N4}-1"), "已整改", "2026-10-29", "")],
        );
    });
    let oct = run_one_month(input.path(), "2026-10", out.path());
    let state = |id: String| {
        oct["register"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id.as_str())
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state(format!("{N2}-1")), "done");
    assert_eq!(state(format!("{N4}-1")), "overdue");
    let refused = refused_in_run(&oct);
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with("整改反馈/1西岭乡.xlsx!")
            && refused[0].contains("在填报日期更晚（2026-10-20）的 整改反馈/2西岭乡.xlsx!"),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with("整改反馈/北山镇.xlsx!")
            && refused[1].contains("本表填报日期 2026-10-30 晚于统计截止日期 2026-10-25"),
        "{refused:?}"
    );
}

/// A form answering one of its two tasks: the blank row is a 警告 (the task counts as not
/// answered), not an error of the data, and the run finishes with exit code 0.
#[test]
fn a_row_left_blank_is_a_task_not_answered() {
    let out = tempfile::tempdir().unwrap();
    september(out.path(), None);
    let input = october_with(|input| {
        let dir = input.join("整改反馈");
        std::fs::create_dir_all(&dir).unwrap();
        returned_form(
            &dir.join("东湖镇.xlsx"),
            "东湖镇",
            "2026-10-09",
            &[
                (&format!("{N1}-1"), "已整改", "2026-10-09", ""),
                (&format!("{N1}-2"), "", "", ""),
            ],
        );
    });
    let oct = run_one_month(input.path(), "2026-10", out.path());
    let refused = refused_in_run(&oct);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains(&format!("任务“{N1}-2”未填写整改状态，按未反馈计")),
        "{refused:?}"
    );
    let errors = oct["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"] == "整改反馈/东湖镇.xlsx" && d["severity"] == "Error")
        .count();
    assert_eq!(errors, 0);
}
