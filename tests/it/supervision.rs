//! The 督办 loop: every item of a 督办 or 提醒 notice is a 整改任务 with a stable id and dates
//! from `[supervision]` of notices.toml, stored in history (a re-run replaces the month's
//! tasks), listed with its state in the month's outputs. Expected tasks and dates are computed
//! here from run.json's notices and the State Council calendar, not by the program's code.

use crate::common::*;
use chrono::{Months, NaiveDate};
use serde_json::Value as J;
use std::path::Path;

/// History imported from the own samples' 历史排名.xlsx, then September run into `out` (with
/// `rules` if given); returns September's run.json.
pub(crate) fn september(out: &Path, rules: Option<&Path>) -> J {
    let s = Samples::own();
    import_history(&s, out, rules);
    Sanyipi::month(s.month("2026-09"), "2026-09")
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_done()
        .json("2026-09/run.json")
}

/// A copy of the own samples' October folder, with what `add` writes into it (returned forms).
pub(crate) fn october_with(add: impl FnOnce(&Path)) -> tempfile::TempDir {
    let input = tempfile::tempdir().unwrap();
    copy_dir(&Samples::own().month("2026-10"), input.path());
    add(input.path());
    input
}

/// The task ids a reminder's text names (`（任务编号：A、B）`): none in another matter's text.
pub(crate) fn reminded_ids(text: &str) -> Vec<String> {
    text.split_once("（任务编号：")
        .and_then(|(_, rest)| rest.split_once('）'))
        .map(|(ids, _)| ids.split('、').map(str::to_string).collect())
        .unwrap_or_default()
}

/// The sheet `name` of the workbook at `book`, read back.
pub(crate) fn sheet(book: &Path, name: &str) -> calamine::Range<calamine::Data> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(book).unwrap_or_else(|e| panic!("{}: {e}", book.display()));
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("{}!{name}: {e}", book.display()))
}

/// The text of a cell ("" when empty).
pub(crate) fn text(ws: &calamine::Range<calamine::Data>, r: u32, c: u32) -> String {
    ws.get_value((r, c))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The header row under a sheet's title lines: the first of rows 0..5 with `first` in column A.
pub(crate) fn header_row(ws: &calamine::Range<calamine::Data>, first: &str) -> u32 {
    (0..5)
        .find(|r| text(ws, *r, 0) == first)
        .unwrap_or_else(|| panic!("no header row starting {first}"))
}

/// The shipped timings, as the test reads them: (feedback, ordinary) working days, and the
/// matters with a month to be solved.
const FEEDBACK: u32 = 3;
const ORDINARY: u32 = 7;
const HARD: &[&str] = &["overdue_start", "bottom_streak", "repeated_supervision"];

/// A task as expected from one notice item.
#[derive(Debug, PartialEq)]
struct Expected {
    id: String,
    unit: String,
    project: Option<String>,
    feedback_due: NaiveDate,
    rectify_due: NaiveDate,
}

fn expected_tasks(run: &J, feedback: u32) -> Vec<Expected> {
    let mut out = Vec::new();
    for n in run["notices"].as_array().unwrap() {
        if n["kind"] != "supervision" && n["kind"] != "reminder" {
            continue;
        }
        let issued = date(n["issue_date"].as_str().unwrap());
        for (i, m) in n["matters"].as_array().unwrap().iter().enumerate() {
            // A reminder of an earlier task is no new task.
            if m["rule"] == "overdue_feedback" {
                continue;
            }
            let hard = HARD.contains(&m["rule"].as_str().unwrap());
            out.push(Expected {
                id: format!("{}-{}", n["number"].as_str().unwrap(), i + 1),
                unit: n["recipient"].as_str().unwrap().to_string(),
                project: m["project"].as_str().map(str::to_string),
                feedback_due: add_workdays(issued, feedback),
                // A month on, moved to the next working day (遇节假日顺延).
                rectify_due: if hard {
                    next_working_day(issued.checked_add_months(Months::new(1)).unwrap())
                } else {
                    add_workdays(issued, ORDINARY)
                },
            });
        }
    }
    out
}

fn got_tasks(run: &J) -> Vec<Expected> {
    run["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| Expected {
            id: t["id"].as_str().unwrap().to_string(),
            unit: t["unit"].as_str().unwrap().to_string(),
            project: t["project"].as_str().map(str::to_string),
            feedback_due: date(t["feedback_due"].as_str().unwrap()),
            rectify_due: date(t["rectify_due"].as_str().unwrap()),
        })
        .collect()
}

/// `(id, month)` of the tasks stored in the history of `out`, in month and notice order.
fn stored_tasks(out: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
    let mut st = conn
        .prepare("SELECT id, month FROM task ORDER BY month, seq")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn every_notice_item_is_a_task_with_its_dates_stored_in_history(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let mut all = Vec::new();
    for (run, month) in runs.iter().zip(s.months) {
        let expected = expected_tasks(run, FEEDBACK);
        assert!(!expected.is_empty(), "{month}: no notice items");
        assert_eq!(got_tasks(run), expected, "{month}");
        all.extend(expected.into_iter().map(|e| (e.id, month.to_string())));
    }
    assert_eq!(stored_tasks(out.path()), all);
    // Every reminder names a task of a notice item of its own: none reminds of a reminder, so
    // a unit is reminded once a task however many months it stays overdue.
    let mut reminded = Vec::new();
    for run in &runs {
        for n in run["notices"].as_array().unwrap() {
            for m in n["matters"].as_array().unwrap() {
                if m["rule"] == "overdue_feedback" {
                    let text = m["text"].as_str().unwrap();
                    let ids = reminded_ids(text);
                    assert!(!ids.is_empty(), "{text}");
                    for id in ids {
                        assert!(all.iter().any(|(t, _)| *t == id), "{text}");
                        reminded.push((run["month"].to_string(), id));
                    }
                }
            }
        }
    }
    let once: std::collections::BTreeSet<_> = reminded.iter().collect();
    assert_eq!(once.len(), reminded.len(), "one reminder a task a month");
    // A forced re-run of the last month replaces its tasks: the same ids, once each.
    let last = s.last_month();
    Sanyipi::month(s.month(last), last)
        .out(out.path())
        .arg("--force")
        .run()
        .expect_done();
    assert_eq!(stored_tasks(out.path()), all);
}
on_samples!(every_notice_item_is_a_task_with_its_dates_stored_in_history);

#[test]
fn editing_a_timing_changes_the_dates_without_recompiling() {
    let (_dir, rules) = edited_rules(&[
        (
            "notices.toml",
            "feedback_workdays = 3",
            "feedback_workdays = 5",
        ),
        ("notices.toml", "months = 1", "workdays = 20"),
    ]);
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    let run = Sanyipi::month(s.month("2026-09"), "2026-09")
        .out(out.path())
        .rules(&rules)
        .run()
        .expect_done()
        .json("2026-09/run.json");
    let got = got_tasks(&run);
    let shipped = expected_tasks(&run, FEEDBACK);
    let edited = expected_tasks(&run, 5);
    assert_eq!(got.len(), edited.len());
    let mut hard = 0;
    for ((g, e), was) in got.iter().zip(&edited).zip(&shipped) {
        assert_eq!(g.feedback_due, e.feedback_due, "{}", g.id);
        assert_ne!(g.feedback_due, was.feedback_due, "{}", g.id);
        let issued = date(run["notices"][0]["issue_date"].as_str().unwrap());
        if was.rectify_due == next_working_day(issued.checked_add_months(Months::new(1)).unwrap()) {
            hard += 1;
            assert_eq!(g.rectify_due, add_workdays(issued, 20), "{}", g.id);
        } else {
            assert_eq!(g.rectify_due, was.rectify_due, "{}", g.id);
        }
    }
    assert!(hard > 0, "no hard matter in the samples");
}

#[test]
fn a_timing_naming_no_matter_is_a_rules_error_at_its_place() {
    let (dir, rules) = edited_rules(&[(
        "notices.toml",
        "matters = [\"overdue_start\",",
        "matters = [\"overdue_stat\",",
    )]);
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    insta::assert_snapshot!(
        run.stderr
            .replace(rules.to_str().unwrap(), "<rules>")
            .replace(dir.path().to_str().unwrap(), "<tmp>")
    );
}

#[test]
fn a_history_of_the_previous_format_gains_tasks_from_the_next_month() {
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("history-v3-2026-09.sqlite"),
        out.path().join("history.sqlite"),
    )
    .unwrap();
    let run = Sanyipi::month(s.month("2026-10"), "2026-10")
        .out(out.path())
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let expected = expected_tasks(&run, FEEDBACK);
    assert_eq!(got_tasks(&run), expected);
    // September's notices were recorded before tasks existed: none of theirs is invented.
    let stored = stored_tasks(out.path());
    assert!(stored.iter().all(|(_, m)| m == "2026-10"), "{stored:?}");
    assert_eq!(stored.len(), expected.len());
    let register: Vec<&str> = run["register"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["month"].as_str().unwrap())
        .collect();
    assert!(register.iter().all(|m| *m == "2026-10"));
}

/// A returned 整改反馈 form as a unit fills it in: title, 填报单位, 填报日期, the header and rows
/// (任务编号, 整改状态, 完成或延期日期, 整改情况说明); an empty 填报日期 leaves the line out.
pub(crate) fn returned_form(
    path: &Path,
    unit: &str,
    filed: &str,
    rows: &[(&str, &str, &str, &str)],
) {
    let rows: Vec<_> = rows
        .iter()
        .map(|&(id, status, date, note)| (id, "", status, date, note))
        .collect();
    form_with_projects(path, unit, filed, &rows);
}

/// A returned form whose rows may also give the 项目编号 the form was sent with (locked on the
/// form): (任务编号, 项目编号, 整改状态, 完成或延期日期, 整改情况说明); an empty 项目编号 is left out.
fn form_with_projects(
    path: &Path,
    unit: &str,
    filed: &str,
    rows: &[(&str, &str, &str, &str, &str)],
) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("整改反馈表").unwrap();
    ws.write(0, 0, "整改反馈表").unwrap();
    ws.write(1, 0, "填报单位：").unwrap();
    ws.write(1, 1, unit).unwrap();
    ws.write(2, 0, "填报日期：").unwrap();
    ws.write(2, 1, filed).unwrap();
    let header = [
        "任务编号",
        "项目编号",
        "整改事项",
        "整改状态",
        "完成或延期日期",
        "整改情况说明",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write(3, c as u16, *h).unwrap();
    }
    for (i, (id, project, status, date, note)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write(r, 0, *id).unwrap();
        if !project.is_empty() {
            ws.write(r, 1, *project).unwrap();
        }
        ws.write(r, 2, "（略）").unwrap();
        ws.write(r, 3, *status).unwrap();
        ws.write(r, 4, *date).unwrap();
        ws.write(r, 5, *note).unwrap();
    }
    wb.save(path).unwrap();
}

pub(crate) const N1: &str = "镇督查〔2026〕1号";
pub(crate) const N2: &str = "镇督查〔2026〕2号";
pub(crate) const N4: &str = "镇督查〔2026〕4号";

/// The forms the 2026-09 notices' units return in October (own samples): good rows, an
/// extension asked in time and one asked too late, and every kind of row that is refused.
pub(crate) fn returned_forms(input: &Path) {
    let dir = input.join("整改反馈");
    std::fs::create_dir_all(&dir).unwrap();
    returned_form(
        &dir.join("东湖镇整改反馈.xlsx"),
        "东湖镇",
        "2026-10-09",
        &[
            (&format!("{N1}-1"), "已整改", "2026-10-09", "已开工"),
            (&format!("{N1}-2"), "申请延期", "2026-11-30", "需协调用地"),
            ("镇督查〔2026〕99号-1", "已整改", "2026-10-09", ""),
            // The same task again, in another state: refused, the first row stands.
            (&format!("{N1}-2"), "已整改", "2026-10-09", ""),
        ],
    );
    returned_form(
        &dir.join("西岭乡整改反馈.xlsx"),
        "西岭乡",
        "2026-10-20",
        &[
            (&format!("{N2}-1"), "整改中", "2026-10-28", ""),
            (&format!("{N2}-2"), "申请延期", "2026-11-15", "逾期才申请"),
            (&format!("{N2}-3"), "完成了", "", ""),
            (&format!("{N1}-1"), "已整改", "2026-10-09", "代东湖镇反馈"),
        ],
    );
    // Not in 整改反馈/ and not so named: recognised by its header.
    returned_form(
        &input.join("北山镇回复.xlsx"),
        "北山镇",
        "2026-10-10",
        &[
            (&format!("{N4}-1"), "申请延期", "", ""),
            (&format!("{N4}-2"), "已整改", "2026-13-45", ""),
        ],
    );
}

/// The state each September task should have as of 2026-10-25 after `returned_forms`, worked
/// out by hand from the rows above: (state, due) with due None for the task's own 整改时限.
fn expected_state(id: &str) -> (&'static str, Option<&'static str>) {
    let n = |k: &str, i: u32| id == format!("{k}-{i}");
    if n(N1, 1) || n(N4, 2) {
        ("done", None)
    } else if n(N1, 2) {
        // Asked on 10-09, before its 整改时限 (10-13): being fixed by the new date.
        ("in_progress", Some("2026-11-30"))
    } else if n(N2, 1) {
        ("in_progress", None)
    } else {
        // No usable feedback by the report-back date (10-08); 2-2 asked for more time on 10-20,
        // after its 整改时限 (10-13).
        ("overdue", None)
    }
}

fn run_with_feedback(out: &Path) -> (J, J) {
    let sept = september(out, None);
    let input = october_with(returned_forms);
    let oct = run_one_month(input.path(), "2026-10", out);
    (sept, oct)
}

#[test]
fn returned_forms_update_the_tasks_and_refused_rows_are_diagnostics() {
    let out = tempfile::tempdir().unwrap();
    let (sept, oct) = run_with_feedback(out.path());
    let register = oct["register"].as_array().unwrap();
    let sept_ids: Vec<&str> = sept["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let oct_ids: Vec<&str> = oct["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let got_ids: Vec<&str> = register.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(got_ids, [sept_ids.clone(), oct_ids].concat());
    for t in register {
        let id = t["id"].as_str().unwrap();
        let (state, due) = if sept_ids.contains(&id) {
            expected_state(id)
        } else {
            // Issued 10-26, to report back by 10-29: not yet due on 10-25.
            ("open", None)
        };
        assert_eq!(t["state"], state, "{id}");
        let due = due.unwrap_or(t["rectify_due"].as_str().unwrap());
        assert_eq!(t["due"], due, "{id}");
    }
    let refused: Vec<String> = oct["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["location"]["file"].as_str().unwrap().contains("整改反馈")
                || d["location"]["file"].as_str().unwrap().contains("回复")
        })
        .map(|d| {
            format!(
                "{} {}!{}!{}: {}",
                d["code"].as_str().unwrap(),
                d["location"]["file"].as_str().unwrap(),
                d["location"]["sheet"].as_str().unwrap_or(""),
                d["location"]["cell"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(refused.join("\n"));
    // Each September task overdue by hand has a reminder in October's notice to its unit; the
    // others have none.
    let reminders: Vec<String> = oct["notices"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["matters"].as_array().unwrap().iter().map(move |m| (n, m)))
        .filter(|(_, m)| m["rule"] == "overdue_feedback")
        .map(|(n, m)| {
            format!(
                "{} {}",
                n["recipient"].as_str().unwrap(),
                m["text"].as_str().unwrap()
            )
        })
        .collect();
    for t in sept["tasks"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let hits: Vec<&String> = reminders
            .iter()
            .filter(|r| reminded_ids(r).iter().any(|r| r == id))
            .collect();
        let overdue = expected_state(id).0 == "overdue";
        assert_eq!(hits.len(), usize::from(overdue), "{id}: {hits:?}");
        if overdue {
            assert!(hits[0].starts_with(t["unit"].as_str().unwrap()), "{hits:?}");
            // The reminder says which applies: 2-2 asked for more time after its 整改时限,
            // the others gave no usable feedback.
            assert!(hits[0].contains("（任务编号：镇督查"), "{hits:?}");
            let late = id == format!("{N2}-2");
            assert_eq!(hits[0].contains("逾期申请延期"), late, "{hits:?}");
            assert_eq!(hits[0].contains("未反馈"), !late, "{hits:?}");
        }
    }
    register_sheet_and_section(out.path(), register);
    // The feedback read is recorded: a re-run of October reads it again, and November's run
    // (no forms) keeps it.
    let conn = rusqlite::Connection::open(out.path().join("history.sqlite")).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM task_feedback WHERE month = '2026-10'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 5);
}

#[test]
fn each_notice_comes_with_its_pre_filled_feedback_form() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let out = tempfile::tempdir().unwrap();
    let s = Samples::own();
    let run = run_one_month(&s.month("2026-09"), "2026-09", out.path());
    let dir = out.path().join("2026-09/督查通知");
    let mut forms = 0;
    for n in run["notices"].as_array().unwrap() {
        let number = n["number"].as_str().unwrap();
        let tasks: Vec<&J> = run["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["notice"] == number)
            .collect();
        let path = dir.join(format!(
            "{number}整改反馈表（{}）.xlsx",
            n["recipient"].as_str().unwrap()
        ));
        if tasks.is_empty() {
            assert!(!path.exists(), "{}", path.display());
            continue;
        }
        forms += 1;
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let ws = wb.worksheet_range("整改反馈表").unwrap();
        let at = |r: u32, c: u32| ws.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        let text = |r: u32, c: u32| at(r, c).to_string();
        assert_eq!(
            text(0, 0),
            format!("{number}整改反馈表（{}）", n["recipient"].as_str().unwrap())
        );
        assert_eq!(text(1, 1), n["recipient"].as_str().unwrap());
        let header: Vec<String> = (0..7).map(|c| text(3, c)).collect();
        assert_eq!(
            header,
            [
                "任务编号",
                "项目编号",
                "整改事项",
                "整改时限",
                "整改状态",
                "完成或延期日期",
                "整改情况说明"
            ]
        );
        for (i, t) in tasks.iter().enumerate() {
            let r = 4 + i as u32;
            assert_eq!(text(r, 0), t["id"].as_str().unwrap());
            assert_eq!(text(r, 1), t["project"].as_str().unwrap_or(""));
            assert_eq!(text(r, 2), t["text"].as_str().unwrap());
            match at(r, 3) {
                Data::DateTime(d) => assert_eq!(
                    d.as_datetime().unwrap().date().to_string(),
                    t["rectify_due"].as_str().unwrap()
                ),
                other => panic!("整改时限 of {}: {other:?}", t["id"]),
            }
            assert_eq!(at(r, 4), Data::Empty);
        }
        // The sign-off line under the table, after one empty row.
        let signoff = text(4 + tasks.len() as u32 + 1, 0);
        assert!(signoff.starts_with("填报人"), "{signoff}");
        // The 整改状态 drop-down offers exactly the rules' choices (kept on the hidden sheet).
        let xml = zip_entry(&path, "xl/worksheets/sheet1.xml");
        let last = 4 + tasks.len();
        let sqref = if last == 5 {
            "E5".to_string()
        } else {
            format!("E5:E{last}")
        };
        let rule = format!(
            "promptTitle=\"整改状态\" prompt=\"请从下拉列表选择（必填）\" sqref=\"{sqref}\"><formula1>选项!$A$1:$A$3</formula1>"
        );
        assert!(xml.contains(&rule), "{xml}");
        assert!(xml.contains("type=\"list\""));
        let lists = wb.worksheet_range("选项").unwrap();
        let choices: Vec<String> = (0..3)
            .map(|r| lists.get_value((r, 0)).unwrap().to_string())
            .collect();
        assert_eq!(choices, ["已整改", "整改中", "申请延期"]);
        // The 填表说明 gives each task's dates in the rules' words.
        let notes = wb.worksheet_range("填表说明").unwrap();
        let notes: Vec<String> = notes.rows().map(|r| r[0].to_string()).collect();
        // Filled from the notice, not the ledger.
        assert!(
            notes
                .iter()
                .any(|n| n.contains("已按督查通知（镇督查〔2026〕") && n.contains("）预填并锁定")),
            "{notes:?}"
        );
        assert!(!notes.iter().any(|n| n.contains("台账预填")), "{notes:?}");
        // 整改状态 must be filled: a blank one is a task not answered (W046).
        assert!(
            notes
                .iter()
                .any(|n| n.contains("整改状态（必填）：从下拉列表选择：已整改、整改中、申请延期。")),
            "{notes:?}"
        );
        for t in &tasks {
            let due = date(t["rectify_due"].as_str().unwrap());
            let line = format!(
                "{}：{}，",
                t["id"].as_str().unwrap(),
                t["timing"].as_str().unwrap()
            );
            let due = format!("{}前整改到位。", due.format("%Y年%-m月%-d日"));
            assert!(
                notes.iter().any(|n| n.contains(&line) && n.ends_with(&due)),
                "{line} {due}: {notes:?}"
            );
        }
    }
    assert!(forms > 0);
}

fn zip_entry(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The shipped labels of the states.
fn state_label(key: &str) -> &'static str {
    match key {
        "open" => "待反馈",
        "done" => "已整改",
        "in_progress" => "整改中",
        "overdue" => "逾期未反馈",
        other => panic!("{other}"),
    }
}

/// The 督办台账 sheet of October's workbook holds the register cell by cell, and the report's
/// section lists it (snapshot).
fn register_sheet_and_section(out: &Path, register: &[J]) {
    let ws = sheet(
        &out.join("2026-10/2026年10月重点项目考核排名.xlsx"),
        "督办台账",
    );
    let text = |r: u32, c: u32| text(&ws, r, c);
    let header_row = header_row(&ws, "任务编号");
    let headers: Vec<String> = (0..11).map(|c| text(header_row, c)).collect();
    assert_eq!(
        headers,
        [
            "任务编号",
            "下发月份",
            "通知文号",
            "责任单位",
            "项目编号",
            "整改事项",
            "问题类别",
            "反馈时限",
            "整改时限",
            "整改状态",
            "反馈情况"
        ]
    );
    for (i, t) in register.iter().enumerate() {
        let r = header_row + 1 + i as u32;
        let s = |k: &str| t[k].as_str().unwrap_or("").to_string();
        assert_eq!(text(r, 0), s("id"));
        assert_eq!(text(r, 1), s("month"));
        assert_eq!(text(r, 2), s("notice"));
        assert_eq!(text(r, 3), s("unit"));
        assert_eq!(text(r, 4), s("project"));
        assert_eq!(text(r, 5), s("text"));
        // The dates are date cells (documents.rs reads their number format).
        let date = |c: u32| {
            use calamine::DataType;
            ws.get_value((r, c))
                .and_then(|d| d.as_date())
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        assert_eq!(date(7), s("feedback_due"));
        assert_eq!(date(8), s("due"));
        assert_eq!(
            text(r, 9),
            state_label(t["state"].as_str().unwrap()),
            "{}",
            s("id")
        );
    }
    assert_eq!(text(header_row + 1 + register.len() as u32, 0), "");
    let html =
        std::fs::read_to_string(out.join("2026-10/2026年10月重点项目推进情况报告.html")).unwrap();
    let start = html.find("<h2>十三、").expect("register section");
    let end = start + html[start..].find("</table>").unwrap() + "</table>".len();
    insta::assert_snapshot!("register_html", &html[start..end]);
}

#[test]
fn a_task_closes_when_the_office_confirms_it_and_leaves_the_register() {
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    run_one_month(&s.month("2026-09"), "2026-09", out.path());
    let id = format!("{N1}-1");
    // An unknown id refuses the whole command: nothing is closed.
    let r = sanyipi(&[
        "tasks",
        "close",
        &id,
        "镇督查〔2026〕99号-9",
        "--date",
        "2026-10-20",
        "--out",
        o,
    ]);
    assert_ne!(r.code, 0);
    insta::assert_snapshot!("close_unknown", r.stderr);
    // Typed with plain brackets, as 〔〕 are hard to type.
    let typed = id.replace('〔', "(").replace('〕', ")");
    // Named twice (as typed and as printed): closed and said once.
    let r = sanyipi(&[
        "tasks",
        "close",
        &typed,
        &id,
        "--date",
        "2026-10-20",
        "--note",
        "已现场核实",
        "--out",
        o,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("已销号 1 项（2026-10-20）：{id}\n"));
    let listed = sanyipi(&[
        "tasks",
        "--as-of",
        "2026-10-25",
        "--unit",
        "东湖镇",
        "--all",
        "--out",
        o,
    ]);
    insta::assert_snapshot!("tasks_listed", listed.stdout);
    // Closing it again keeps the first date and says so; a date before the notice is refused.
    let close = |date: &str| sanyipi(&["tasks", "close", &typed, "--date", date, "--out", o]);
    let again = close("2026-10-23");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout,
        format!("{id} 此前已于 2026-10-20 销号，保留原销号日期\n")
    );
    let early = close("2026-01-01");
    assert_eq!(early.code, 2, "{}", early.stdout);
    assert!(
        early
            .stderr
            .contains("销号日期 2026-01-01 早于任务下发的日期"),
        "{}",
        early.stderr
    );
    // Nor a date after today: a 销号 is recorded once the work is done.
    let later = close("2999-01-04");
    assert_eq!(later.code, 2, "{}", later.stdout);
    assert!(
        later.stderr.contains("销号日期 2999-01-04 晚于今天"),
        "{}",
        later.stderr
    );
    // Before its notice was issued the task did not exist.
    let issued = issued_on(out.path(), &id);
    let day_before = (issued - chrono::Duration::days(1)).to_string();
    let before = sanyipi(&["tasks", "--as-of", &day_before, "--all", "--out", o]);
    assert_eq!(
        before.stdout,
        format!("截至 {day_before} 没有未销号的整改任务。\n")
    );
    // The unit as a clerk may type it: with its suffix; an unknown one is an error, not "none".
    let list = |unit: &str| {
        sanyipi(&[
            "tasks",
            "--as-of",
            "2026-10-25",
            "--unit",
            unit,
            "--all",
            "--out",
            o,
        ])
    };
    assert_eq!(list("东湖镇人民政府").stdout, listed.stdout);
    let unknown = list("南山镇");
    assert_eq!(unknown.code, 2, "{}", unknown.stdout);
    assert!(
        unknown
            .stderr
            .contains("整改任务中没有单位“南山镇”。已有的单位：")
            && unknown.stderr.contains("东湖镇"),
        "{}",
        unknown.stderr
    );
    let oct = run_one_month(&s.month("2026-10"), "2026-10", out.path());
    let ids: Vec<&str> = oct["register"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&id.as_str()), "{ids:?}");
    assert!(ids.contains(&format!("{N1}-2").as_str()), "{ids:?}");
    // Closed: no reminder either.
    let reminded: Vec<String> = oct["notices"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["matters"].as_array().unwrap())
        .flat_map(|m| reminded_ids(m["text"].as_str().unwrap()))
        .collect();
    assert!(!reminded.contains(&id), "{reminded:?}");
    assert!(reminded.contains(&format!("{N1}-2")), "{reminded:?}");
    annual_register(out.path(), &id);
}

/// The annual summary's 督办台账: every task of the year (September's, then October's) with how
/// it stands at the end of October, the closed one with its 销号 date.
fn annual_register(out: &Path, closed: &str) {
    let o = out.to_str().unwrap();
    let r = sanyipi(&["annual", "--year", "2026", "--out", o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stored = stored_tasks(out);
    let ws = sheet(
        &out.join("年度汇总/2026/2026年度重点项目考核汇总.xlsx"),
        "督办台账",
    );
    let text = |r: u32, c: u32| text(&ws, r, c);
    let header_row = header_row(&ws, "任务编号");
    for (i, (id, month)) in stored.iter().enumerate() {
        let r = header_row + 1 + i as u32;
        assert_eq!(&text(r, 0), id);
        assert_eq!(&text(r, 1), month);
        let state = text(r, 9);
        if id == closed {
            // A date cell, `已销号（…）` around it in its number format (documents.rs reads it).
            let closed_on = ws.get_value((r, 9)).and_then(calamine::DataType::as_date);
            assert_eq!(
                closed_on.map(|d| d.to_string()).as_deref(),
                Some("2026-10-20")
            );
        } else {
            // No feedback: September's were due back by 10-08, October's by 10-29, both before
            // the end of October.
            assert!(month == "2026-09" || month == "2026-10", "{month}");
            assert_eq!(state, "逾期未反馈", "{id}");
        }
    }
}

/// The section of project `id` in a month's 项目档案.
fn card<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section class=\"project\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no card for {id}"));
    &html[start..start + html[start..].find("</section>").unwrap()]
}

#[test]
fn a_projects_card_lists_the_notices_of_earlier_months_too() {
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    let sept = run_one_month(&s.month("2026-09"), "2026-09", out.path());
    let oct = run_one_month(&s.month("2026-10"), "2026-10", out.path());
    let html =
        std::fs::read_to_string(out.path().join("2026-10/2026年10月重点项目档案.html")).unwrap();
    let mut checked = 0;
    for run in [&sept, &oct] {
        for t in run["tasks"].as_array().unwrap() {
            let Some(project) = t["project"].as_str() else {
                continue;
            };
            let c = card(&html, project);
            let number = t["notice"].as_str().unwrap();
            assert!(c.contains(number), "{project} lacks {number}");
            let text = t["text"].as_str().unwrap();
            // The card keeps dates and codes on one line (`keep`): compare without its markup.
            let plain = c.replace("<span class=\"nw\">", "").replace("</span>", "");
            assert!(plain.contains(text), "{project} lacks {text}");
            checked += 1;
        }
    }
    assert!(checked > 0);
    // September's notices come first on a card that has both.
    let notice_on = |run: &J, project: &str| {
        run["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["project"] == project)
            .map(|t| format!("<td class=\"nw\">{}</td>", t["notice"].as_str().unwrap()))
    };
    let both = sept["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["project"].as_str())
        .find(|p| notice_on(&oct, p).is_some())
        .expect("a project noticed in both months");
    let c = card(&html, both);
    let (sept_at, oct_at) = (
        c.find(&notice_on(&sept, both).unwrap()).unwrap(),
        c.find(&notice_on(&oct, both).unwrap()).unwrap(),
    );
    assert!(sept_at < oct_at, "{c}");
}

/// October's reminders under `rules`, after September: per matter, the task ids it names.
fn october_reminders(rules: Option<&Path>) -> Vec<Vec<String>> {
    let out = tempfile::tempdir().unwrap();
    september(out.path(), rules);
    let oct = Sanyipi::month(Samples::own().month("2026-10"), "2026-10")
        .out(out.path())
        .rules_opt(rules)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    oct["notices"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["matters"].as_array().unwrap())
        .filter(|m| m["rule"] == "overdue_feedback")
        .map(|m| reminded_ids(m["text"].as_str().unwrap()))
        .collect()
}

#[test]
fn a_notice_reminds_of_an_earlier_notice_once_unless_the_rule_says_each_task() {
    // Shipped: per_notice = true — one matter per earlier notice, naming all its overdue tasks.
    let grouped = october_reminders(None);
    let notice = |id: &String| id.rsplit_once('-').unwrap().0.to_string();
    let notices: Vec<String> = grouped.iter().map(|ids| notice(&ids[0])).collect();
    let once: std::collections::BTreeSet<&String> = notices.iter().collect();
    assert_eq!(once.len(), notices.len(), "{grouped:?}");
    for ids in &grouped {
        assert!(
            ids.iter().all(|id| notice(id) == notice(&ids[0])),
            "{ids:?}"
        );
    }
    assert!(
        grouped.iter().any(|ids| ids.len() > 1),
        "nothing to group: {grouped:?}"
    );
    // Without it, a matter per task: the same tasks, one each.
    let (_dir, rules) = edited_rules(&[("notices.toml", "per_notice = true\n", "")]);
    let each = october_reminders(Some(&rules));
    assert!(each.iter().all(|ids| ids.len() == 1), "{each:?}");
    let flat = |v: &[Vec<String>]| {
        let mut all: Vec<String> = v.concat();
        all.sort();
        all
    };
    assert_eq!(flat(&each), flat(&grouped));
}

#[test]
fn a_reminder_brings_the_earlier_tasks_back_on_its_notices_form() {
    let out = tempfile::tempdir().unwrap();
    september(out.path(), None);
    let oct = run_one_month(&Samples::own().month("2026-10"), "2026-10", out.path());
    let dir = out.path().join("2026-10/督查通知");
    let mut reminders = 0;
    for n in oct["notices"].as_array().unwrap() {
        let (number, unit) = (
            n["number"].as_str().unwrap(),
            n["recipient"].as_str().unwrap(),
        );
        let ids = |v: &J, keep: &dyn Fn(&J) -> bool| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .filter(|t| keep(t))
                .map(|t| t["id"].as_str().unwrap().to_string())
                .collect()
        };
        // Its own tasks, then every earlier task of its unit still overdue, in register order.
        let mut want = ids(&oct["tasks"], &|t| t["notice"] == number);
        let earlier = ids(&oct["register"], &|t| {
            t["month"] != "2026-10" && t["state"] == "overdue" && t["unit"] == unit
        });
        reminders += earlier.len();
        want.extend(earlier);
        let path = dir.join(format!("{number}整改反馈表（{unit}）.xlsx"));
        if want.is_empty() {
            assert!(!path.exists(), "{}", path.display());
            continue;
        }
        let ws = sheet(&path, "整改反馈表");
        let got: Vec<String> = (4..)
            .map(|r| text(&ws, r, 0))
            .take_while(|t| !t.is_empty())
            .collect();
        assert_eq!(got, want, "{number}");
    }
    assert!(
        reminders > 0,
        "no earlier task overdue: the test proves nothing"
    );
}

/// The day the notice of task `id` was issued, as history records it.
fn issued_on(out: &Path, id: &str) -> chrono::NaiveDate {
    let h = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
    let issued: String = h
        .query_row("SELECT issued FROM task WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    issued.parse().unwrap()
}

/// `d`, or the first working day after it (the office calendar of the tests).
fn next_working_day(d: NaiveDate) -> NaiveDate {
    (0..30)
        .map(|i| d + chrono::Duration::days(i))
        .find(|&x| add_workdays(x - chrono::Duration::days(1), 1) == x)
        .unwrap()
}

/// October's notices dated 2026-12-28: their tasks' dates reach 2027, which has no official
/// schedule. The notice marked them 暂定; the 督办台账 sheet, the feedback form's 填表说明 and
/// `tasks` showed the same dates unmarked. All mark them now.
#[test]
fn a_tasks_provisional_dates_are_marked_wherever_they_are_shown() {
    use calamine::{DataType, Reader, Xlsx, open_workbook};
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    sanyipi(&[
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--issue-date",
        "2026-12-28",
        "--out",
        out,
    ])
    .assert_done();
    let month = dir.path().join("2026-10");
    let mut wb: Xlsx<_> = open_workbook(month.join("2026年10月重点项目考核排名.xlsx")).unwrap();
    let register = wb.worksheet_range("督办台账").unwrap();
    let row: Vec<String> = register
        .rows()
        .nth(3)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[0], "镇督查〔2026〕1号-1", "{row:?}");
    // A date cell; its number format shows the mark (tests/it/documents.rs reads the format).
    assert_eq!(
        register.rows().nth(3).unwrap()[8].as_date(),
        chrono::NaiveDate::from_ymd_opt(2027, 1, 28),
        "{row:?}"
    );
    let form = std::fs::read_dir(month.join("督查通知"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("1号整改反馈表"))
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&form).unwrap();
    let notes = wb.worksheet_range("填表说明").unwrap();
    let notes: Vec<String> = notes.rows().map(|r| r[0].to_string()).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("2027年1月28日（暂定）前整改到位")),
        "{notes:?}"
    );
    let listed = sanyipi(&["tasks", "--out", out, "--as-of", "2026-12-30"]);
    assert!(
        listed.stdout.contains("2027-01-28（暂定）"),
        "{}",
        listed.stdout
    );
    // Issued 2026-12-21: the 反馈时限 falls in 2026, whose schedule is known, and is not 暂定;
    // the 整改时限 in 2027 still is.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    sanyipi(&[
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--issue-date",
        "2026-12-21",
        "--out",
        out,
    ])
    .assert_done();
    let mut wb: Xlsx<_> =
        open_workbook(dir.path().join("2026-10/2026年10月重点项目考核排名.xlsx")).unwrap();
    let register = wb.worksheet_range("督办台账").unwrap();
    let row = &register.rows().nth(3).unwrap();
    let (feedback_due, due) = (row[7].as_date().unwrap(), row[8].as_date().unwrap());
    assert_eq!(
        (feedback_due.year(), feedback_due.month()),
        (2026, 12),
        "{row:?}"
    );
    assert_eq!(due.year(), 2027, "{row:?}");
}

#[test]
fn a_rerun_that_gives_an_answered_id_to_another_matter_keeps_the_answer_with_its_matter() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let sept = september(out.path(), None);
    let id = format!("{N1}-1");
    let first = sept["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert_eq!(first["project"], "DH2026-003", "{first}");
    let closed = sanyipi(&["tasks", "close", &id, "--date", "2026-10-20", "--out", o]);
    assert_eq!(closed.code, 0, "{}", closed.stderr);
    // The office finds the start deadline wrong and assesses September again: DH2026-003 is no
    // longer overdue, so item 1 of 东湖镇's notice is another matter.
    let (_dir, rules) = edited_rules(&[
        ("deadlines.toml", "days = 90", "days = 200"),
        ("deadlines.toml", "签约后90个", "签约后200个"),
    ]);
    let again = Sanyipi::month(Samples::own().month("2026-09"), "2026-09")
        .out(out.path())
        .rules_opt(Some(&rules))
        .arg("--force")
        .run()
        .expect_done();
    let now = again.json("2026-09/run.json");
    let task = now["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert_ne!(task["project"], "DH2026-003", "{task}");
    let said = format!("{}{}", again.stdout, again.stderr);
    assert!(
        said.contains("以下整改任务编号所指的事项已改变")
            && said.contains(&format!("{id}：原为“生态渔业养殖项目（DH2026-003）"))
            && said.contains("（已有销号），现为“"),
        "{said}"
    );
    // The 销号 of the old matter does not close the new one.
    let listed = sanyipi(&[
        "tasks",
        "--as-of",
        "2026-10-25",
        "--unit",
        "东湖镇",
        "--all",
        "--out",
        o,
    ]);
    let row = listed
        .stdout
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap_or_else(|| panic!("{}", listed.stdout));
    assert!(!row.contains("已销号"), "{row}");
    // 东湖镇 returns the form it was sent, naming DH2026-003 for that id: refused at its cell.
    let input = october_with(|dir| {
        form_with_projects(
            &dir.join("东湖镇整改反馈.xlsx"),
            "东湖镇",
            "2026-10-09",
            &[(&id, "DH2026-003", "已整改", "2026-10-09", "")],
        )
    });
    let oct = Sanyipi::month(input.path(), "2026-10")
        .out(out.path())
        .rules_opt(Some(&rules))
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let refused: Vec<&J> = oct["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W046")
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["location"]["cell"], "B5", "{}", refused[0]);
    assert!(
        refused[0]["message"]
            .as_str()
            .unwrap()
            .contains("的项目编号为DH2026-003，而该任务现为"),
        "{}",
        refused[0]
    );
    let state = oct["register"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert_ne!(state["state"], "done", "{state}");
    assert_ne!(state["state"], "closed", "{state}");
}
