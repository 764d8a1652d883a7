//! The 督办 loop's findings: a 整改任务 overdue at the as-of date (no usable feedback by its
//! 反馈时限, not closed) is a finding of its unit, listed with the 报送情况 deadlines of the
//! workbook and the report, in run.json and in history; a returned form's refused rows count as
//! not used in the reconciliation. Which tasks are overdue, their dates and working days are
//! worked out here from the notices of run.json, the rows of the returned form and the State
//! Council calendar, not by the program's code.

use super::supervision::{header_row, october_with, returned_form, september, sheet, text};
use crate::common::*;
use chrono::{Datelike, NaiveDate};
use serde_json::Value as J;
use std::path::Path;

const N1: &str = "镇督查〔2026〕1号";
/// The shipped label of the finding and of the state.
const NAME: &str = "整改反馈逾期";
const OVERDUE: &str = "逾期未反馈";

/// Working days in `(from, to]` over the State Council facts, day by day.
fn workdays_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let special = official_days();
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| {
            special
                .get(d)
                .copied()
                .unwrap_or(d.weekday().num_days_from_monday() < 5)
        })
        .count() as i64
}

fn zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A finding as expected from a task of the notices.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    task: String,
    notice: String,
    unit: String,
    project: Option<String>,
    issued: NaiveDate,
    due: NaiveDate,
    workdays: i64,
    reason: String,
}

/// The tasks of `runs`' notices (reminders of tasks are none) overdue at `as_of`: no accepted
/// feedback row and the report-back date `feedback` working days after the issue date passed.
fn expected(runs: &[&J], feedback: u32, answered: &[&str], as_of: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    for run in runs {
        for n in run["notices"].as_array().unwrap() {
            if n["kind"] != "supervision" && n["kind"] != "reminder" {
                continue;
            }
            let issued = date(n["issue_date"].as_str().unwrap());
            let notice = n["number"].as_str().unwrap().to_string();
            for (i, m) in n["matters"].as_array().unwrap().iter().enumerate() {
                let task = format!("{notice}-{}", i + 1);
                let due = add_workdays(issued, feedback);
                if m["rule"] == "overdue_feedback"
                    || answered.contains(&task.as_str())
                    || as_of <= due
                {
                    continue;
                }
                let workdays = workdays_between(due, as_of);
                out.push(Finding {
                    reason: format!(
                        "{notice}第{}项整改任务（任务编号：{task}）应于{}前反馈，截至{}{OVERDUE}，逾期{workdays}个工作日。",
                        i + 1,
                        zh(due),
                        zh(as_of)
                    ),
                    task,
                    notice: notice.clone(),
                    unit: n["recipient"].as_str().unwrap().to_string(),
                    project: m["project"].as_str().map(str::to_string),
                    issued,
                    due,
                    workdays,
                });
            }
        }
    }
    out
}

/// October's folder with one returned form (东湖镇): one row to accept, one to refuse.
fn october_with_form() -> tempfile::TempDir {
    october_with(|input| {
        let dir = input.join("整改反馈");
        std::fs::create_dir_all(&dir).unwrap();
        returned_form(
            &dir.join("东湖镇整改反馈.xlsx"),
            "东湖镇",
            "2026-10-09",
            &[
                (&format!("{N1}-1"), "已整改", "2026-10-09", "已开工"),
                ("镇督查〔2026〕99号-1", "已整改", "2026-10-09", ""),
            ],
        );
    })
}

/// September, then October with one returned form (东湖镇): one row accepted, one refused.
fn run_with_form(out: &Path, rules: Option<&Path>) -> (J, J) {
    let sept = september(out, rules);
    let input = october_with_form();
    let oct = Sanyipi::month(input.path(), "2026-10")
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    (sept, oct)
}

/// The findings of `run.json` of rule `id`, as expected rows.
fn in_run_json(run: &J, id: &str) -> Vec<Finding> {
    run["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == id)
        .map(|d| {
            assert_eq!(d["status"], "overdue");
            assert_eq!(d["status_label"], OVERDUE);
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            Finding {
                task: s("item"),
                notice: s("source"),
                unit: s("recipient"),
                project: d["project"].as_str().map(str::to_string),
                issued: date(&s("from")),
                due: date(&s("due")),
                workdays: d["workdays"].as_i64().unwrap(),
                reason: s("reason"),
            }
        })
        .collect()
}

/// The finding rows of the 报送情况 sheet, read back cell by cell, in task id order.
fn in_workbook(out: &Path, name: &str) -> Vec<Finding> {
    use calamine::{Data, DataType};
    let ws = sheet(
        &out.join("2026-10/2026年10月重点项目考核排名.xlsx"),
        "报送情况",
    );
    let cell = |r: u32, c: u32| ws.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let header = header_row(&ws, "期限");
    let headers: Vec<String> = (0..12).map(|c| text(&ws, header, c)).collect();
    assert_eq!(
        headers,
        [
            "期限",
            "项目编号",
            "项目名称",
            "事项",
            "责任单位",
            "起算日",
            "时限",
            "到期日",
            "完成日",
            "状态",
            "超期/剩余工作日",
            "备注"
        ]
    );
    let mut rows: Vec<Finding> = (header + 1..ws.height() as u32)
        .filter(|r| cell(*r, 0) == name)
        .map(|r| {
            assert_eq!(cell(r, 8), Data::Empty, "完成日");
            assert_eq!(cell(r, 9).to_string(), OVERDUE);
            let text = |c| Some(cell(r, c).to_string()).filter(|s| !s.is_empty());
            Finding {
                task: cell(r, 3).to_string(),
                // The notice is the task id without its item number.
                notice: cell(r, 3)
                    .to_string()
                    .rsplit_once('-')
                    .unwrap()
                    .0
                    .to_string(),
                unit: cell(r, 4).to_string(),
                project: text(1),
                issued: cell(r, 5).as_date().expect("起算日"),
                due: cell(r, 7).as_date().expect("到期日"),
                workdays: cell(r, 10).as_i64().expect("超期工作日"),
                reason: cell(r, 11).to_string(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.task.cmp(&b.task));
    rows
}

/// A stored finding: item, recipient, due, workdays, source (the notice), status key.
type Stored = (String, String, String, i64, String, String);

/// The findings of rule `id` stored in history for October, in the order assessed.
fn in_history(out: &Path, id: &str) -> Vec<Stored> {
    let conn = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
    let mut st = conn
        .prepare(
            "SELECT f.item, f.recipient, f.due, f.workdays, f.source, f.status
             FROM finding f JOIN run r ON r.id = f.run
             WHERE r.month = '2026-10' AND f.rule = ?1 ORDER BY f.seq",
        )
        .unwrap();
    st.query_map([id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn stored(found: &[Finding]) -> Vec<Stored> {
    found
        .iter()
        .map(|f| {
            (
                f.task.clone(),
                f.unit.clone(),
                f.due.to_string(),
                f.workdays,
                f.notice.clone(),
                "overdue".to_string(),
            )
        })
        .collect()
}

fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
    v.sort_by(|a, b| a.task.cmp(&b.task));
    v
}

/// Checks October's findings everywhere against the expected ones.
fn check_findings(out: &Path, oct: &J, expected: &[Finding], id: &str, name: &str) {
    assert!(
        !expected.is_empty(),
        "no task overdue: the test proves nothing"
    );
    let got = in_run_json(oct, id);
    assert_eq!(got, expected);
    assert_eq!(in_history(out, id), stored(expected));
    assert_eq!(in_workbook(out, name), sorted(expected.to_vec()));
    // The register says the same: exactly these tasks are overdue.
    let overdue: Vec<&str> = oct["register"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "overdue")
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let tasks: Vec<&str> = expected.iter().map(|f| f.task.as_str()).collect();
    assert_eq!(overdue, tasks);
}

#[test]
fn an_overdue_task_is_a_finding_in_the_workbook_run_json_and_history() {
    let out = tempfile::tempdir().unwrap();
    let (sept, oct) = run_with_form(out.path(), None);
    let as_of = date(oct["as_of"].as_str().unwrap());
    let answered = [format!("{N1}-1")];
    let answered: Vec<&str> = answered.iter().map(String::as_str).collect();
    let expected = expected(&[&sept, &oct], 3, &answered, as_of);
    check_findings(out.path(), &oct, &expected, "task_feedback", NAME);
    // The report lists them in its 报送情况 section.
    let html = std::fs::read_to_string(
        out.path()
            .join("2026-10/2026年10月重点项目推进情况报告.html"),
    )
    .unwrap();
    let start = html
        .find(&format!("<h3>{NAME}</h3>"))
        .expect("findings in the report");
    let end = start + html[start..].find("</table>").unwrap() + "</table>".len();
    insta::assert_snapshot!("findings_html", &html[start..end]);
    // `explain` of a project with an overdue task shows the finding under its deadlines.
    let f = expected.iter().find(|f| f.project.is_some()).unwrap();
    let r = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--project",
        f.project.as_deref().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("{NAME} {}", f.task)),
        "{}",
        r.stdout
    );
}

/// The rows of section `name` of what `sanyipi deadlines` prints: (task id, unit, issued, due,
/// working days overdue), the task id being the last word of the subject.
fn deadlines_section(stdout: &str, name: &str) -> Vec<(String, String, NaiveDate, NaiveDate, i64)> {
    let start = stdout
        .find(&format!("【{name}】"))
        .unwrap_or_else(|| panic!("no section {name}:\n{stdout}"));
    stdout[start..]
        .lines()
        .skip(2)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            let task = cols[0].rsplit(' ').next().unwrap().to_string();
            let late = cols[7].strip_prefix("超期 ").expect(l).parse().unwrap();
            (
                task,
                cols[1].to_string(),
                date(cols[2]),
                date(cols[4]),
                late,
            )
        })
        .collect()
}

#[test]
fn deadlines_lists_the_overdue_tasks_before_the_month_is_run() {
    let out = tempfile::tempdir().unwrap();
    let sept = september(out.path(), None);
    let input = october_with_form();
    // History holds September only: October is not run.
    let as_of = date("2026-10-28");
    let r = sanyipi(&[
        "deadlines",
        "--input",
        input.path().to_str().unwrap(),
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-28",
        "--open",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "the sample has data errors: {}", r.stderr);
    let answered = [format!("{N1}-1")];
    let answered: Vec<&str> = answered.iter().map(String::as_str).collect();
    let mut want: Vec<_> = expected(&[&sept], 3, &answered, as_of)
        .into_iter()
        .map(|f| (f.task, f.unit, f.issued, f.due, f.workdays))
        .collect();
    assert!(!want.is_empty(), "no task overdue: the test proves nothing");
    let mut got = deadlines_section(&r.stdout, NAME);
    want.sort();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn editing_the_finding_rules_changes_its_wording_and_dates() {
    let (_dir, rules) = edited_rules(&[
        (
            "notices.toml",
            "feedback_workdays = 3",
            "feedback_workdays = 5",
        ),
        (
            "notices.toml",
            "name = \"整改反馈逾期\"",
            "name = \"逾期未报整改情况\"",
        ),
        (
            "notices.toml",
            "id = \"task_feedback\"",
            "id = \"late_feedback\"",
        ),
        (
            "notices.toml",
            "逾期{{ workdays }}个工作日。\"",
            "逾期{{ workdays }}个工作日，请说明原因。\"",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (sept, oct) = run_with_form(out.path(), Some(&rules));
    let as_of = date(oct["as_of"].as_str().unwrap());
    let answered = [format!("{N1}-1")];
    let answered: Vec<&str> = answered.iter().map(String::as_str).collect();
    let mut expected = expected(&[&sept, &oct], 5, &answered, as_of);
    for f in &mut expected {
        f.reason = f.reason.replace("工作日。", "工作日，请说明原因。");
    }
    check_findings(
        out.path(),
        &oct,
        &expected,
        "late_feedback",
        "逾期未报整改情况",
    );
    assert!(in_run_json(&oct, "task_feedback").is_empty());
}

#[test]
fn without_the_finding_section_an_overdue_task_is_no_finding() {
    let (dir, rules) = edited_rules(&[]);
    let path = rules.join("notices.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("[supervision.finding]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (_sept, oct) = run_with_form(out.path(), Some(&rules));
    assert!(oct["register"].to_string().contains("\"overdue\""));
    assert!(in_run_json(&oct, "task_feedback").is_empty());
    assert!(in_history(out.path(), "task_feedback").is_empty());
    drop(dir);
}

#[test]
fn a_finding_id_of_a_deadline_is_a_rules_error_at_its_place() {
    let (dir, rules) = edited_rules(&[(
        "notices.toml",
        "id = \"task_feedback\"",
        "id = \"monthly_report\"",
    )]);
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_ne!(run.code, 0);
    insta::assert_snapshot!(
        run.stderr
            .replace(rules.to_str().unwrap(), "<rules>")
            .replace(dir.path().to_str().unwrap(), "<tmp>")
    );
}
