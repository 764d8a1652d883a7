//! The weekly cycle end to end: the real binary on the project's own `samples/*/周报/` (and, with
//! `--features shared-samples`, on `../shared/samples/*/周报/`), checked against a model computed
//! here from the input rows (read with calamine), with the official days from the fixture table.

use crate::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One input row, read independently of the tool.
#[derive(Debug, Clone)]
struct InRow {
    week: NaiveDate,
    project: String,
    unit: String,
    category: String,
    problem: String,
    leader: String,
    first: Option<NaiveDate>,
    reported: NaiveDate,
    status: String,
}

fn cell_date(c: &Data) -> Option<NaiveDate> {
    let serial = match c {
        Data::DateTime(d) => d.as_f64(),
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        Data::String(s) => return NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        _ => return None,
    };
    Some(date("1899-12-30") + Duration::days(serial as i64))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) => s.trim().to_string(),
        Data::DateTime(_) => cell_date(c).unwrap().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn monday(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Rows of every `周报/*.xlsx` of a month folder; the week is the file name's date.
fn read_weekly(month_dir: &Path) -> Vec<InRow> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(month_dir.join("周报"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let stem = f.file_name().unwrap().to_string_lossy().to_string();
        let week = monday(date(&stem[..10]));
        let mut wb = open_workbook_auto(&f).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let h = rows
            .iter()
            .position(|r| r.iter().any(|c| cell_text(c) == "项目编号"))
            .unwrap();
        let col = |label: &str| {
            rows[h]
                .iter()
                .position(|c| cell_text(c) == label)
                .unwrap_or_else(|| panic!("{label} in {stem}"))
        };
        let c = [
            col("项目编号"),
            col("报送单位"),
            col("问题类别"),
            col("存在问题"),
            col("分管县领导"),
            col("首次提出日期"),
            col("报送日期"),
            col("办理状态"),
        ];
        for r in &rows[h + 1..] {
            if cell_text(&r[c[0]]).is_empty() {
                continue;
            }
            out.push(InRow {
                week,
                project: cell_text(&r[c[0]]),
                unit: cell_text(&r[c[1]]),
                category: cell_text(&r[c[2]]),
                problem: cell_text(&r[c[3]]),
                leader: cell_text(&r[c[4]]),
                first: cell_date(&r[c[5]]),
                reported: cell_date(&r[c[6]]).unwrap(),
                status: cell_text(&r[c[7]]),
            });
        }
    }
    out
}

/// `d` if it is a working day, else the next one (from the fixture table of official days).
fn on_or_after(d: NaiveDate) -> NaiveDate {
    add_workdays(d - Duration::days(1), 1)
}

type Key = (String, String);

/// What a week's outputs must hold.
#[derive(Debug, Default)]
struct Expected {
    digest: BTreeMap<String, BTreeSet<Key>>,
    solved: BTreeMap<String, BTreeSet<Key>>,
    meeting: BTreeSet<Key>,
    late: BTreeSet<String>,
    weeks_open: BTreeMap<Key, i64>,
    due: NaiveDate,
}

struct State {
    first: NaiveDate,
    status: String,
    week: NaiveDate,
    leader: String,
}

/// The model: rows of the weeks up to `week` (identity = project + category, threshold `min`).
fn expected(rows: &[InRow], week: NaiveDate, min: i64) -> Expected {
    let no_problem = ["无问题", "暂无问题", "无"];
    let mut state: BTreeMap<Key, State> = BTreeMap::new();
    let mut weeks: Vec<NaiveDate> = rows.iter().map(|r| r.week).filter(|w| *w <= week).collect();
    weeks.sort();
    weeks.dedup();
    for w in weeks {
        for r in rows
            .iter()
            .filter(|r| r.week == w && !no_problem.contains(&r.problem.as_str()))
        {
            let first = r.first.unwrap_or(r.reported);
            let s = state
                .entry((r.project.clone(), r.category.clone()))
                .or_insert(State {
                    first,
                    status: String::new(),
                    week: w,
                    leader: String::new(),
                });
            s.first = s.first.min(first);
            s.status = r.status.clone();
            s.week = w;
            s.leader = r.leader.clone();
        }
    }
    let tuesday = week + Duration::days(1);
    let due = on_or_after(tuesday);
    let mut e = Expected {
        due,
        ..Expected::default()
    };
    for (k, s) in &state {
        let solved = s.status == "已解决";
        let open_weeks = ((tuesday - s.first).num_days() / 7).max(0);
        if solved && s.week == week {
            e.solved
                .entry(s.leader.clone())
                .or_default()
                .insert(k.clone());
        } else if !solved {
            e.digest
                .entry(s.leader.clone())
                .or_default()
                .insert(k.clone());
            e.weeks_open.insert(k.clone(), open_weeks);
            if s.status == "提交周例会" || open_weeks >= min {
                e.meeting.insert(k.clone());
            }
        }
    }
    for r in rows.iter().filter(|r| r.week == week) {
        if r.reported > due {
            e.late.insert(r.unit.clone());
        }
    }
    e
}

/// A sheet of an output workbook as text rows below its header (row 3).
fn sheet(book: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(book).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .skip(3)
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

fn sheet_names(book: &Path) -> Vec<String> {
    open_workbook_auto(book).unwrap().sheet_names().to_vec()
}

/// Runs one week; returns the workbook path.
fn run_week(input: &Path, week: NaiveDate, out: &Path, rules: Option<&Path>) -> PathBuf {
    let as_of = (week + Duration::days(6)).to_string();
    let w = week.to_string();
    let mut args = vec![
        "weekly",
        "--input",
        input.to_str().unwrap(),
        "--week",
        &w,
        "--as-of",
        &as_of,
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(r) = rules {
        args.extend(["--rules", r.to_str().unwrap()]);
    }
    let r = sanyipi(&args);
    // 1: written, with errors in the week's data (as `run` exits).
    let errors = !r.stdout.contains("其中错误 0 个");
    assert_eq!(r.code, i32::from(errors), "{}{}", r.stdout, r.stderr);
    let label = format!("{week}周");
    let dir = out.join(&label);
    assert!(dir.join(format!("{label}重点项目问题周报.html")).is_file());
    dir.join(format!("{label}重点项目问题周报.xlsx"))
}

const FIXED: &[&str] = &["周例会议题", "报送情况", "问题数据"];

/// Digest sheets hold every open problem under its leader and the solved ones apart; the
/// meeting list and the late reporters are exactly the model's.
fn check_week(book: &Path, e: &Expected) {
    let digest_sheets: BTreeSet<String> = sheet_names(book)
        .into_iter()
        .filter(|n| !FIXED.contains(&n.as_str()))
        .collect();
    let leaders: BTreeSet<String> = e.digest.keys().chain(e.solved.keys()).cloned().collect();
    assert_eq!(digest_sheets, leaders, "{}", book.display());
    for leader in &leaders {
        let rows = sheet(book, leader);
        let split = rows
            .iter()
            .position(|r| r[0] == "本周已解决")
            .unwrap_or(rows.len());
        let keys = |rs: &[Vec<String>]| -> BTreeSet<Key> {
            rs.iter()
                // Heading rows (需研究决策, 其他在办, 本周已解决) have no 序号.
                .filter(|r| r.len() > 4 && r[0].parse::<u32>().is_ok())
                .map(|r| (r[2].clone(), r[4].clone()))
                .collect()
        };
        let open = keys(&rows[..split]);
        assert_eq!(
            open,
            e.digest.get(leader).cloned().unwrap_or_default(),
            "{leader} open, {}",
            book.display()
        );
        let solved = keys(&rows[split.min(rows.len())..]);
        assert_eq!(
            solved,
            e.solved.get(leader).cloned().unwrap_or_default(),
            "{leader} solved"
        );
        for r in rows[..split].iter().filter(|r| r[0].parse::<u32>().is_ok()) {
            let k = (r[2].clone(), r[4].clone());
            assert_eq!(r[8], e.weeks_open[&k].to_string(), "weeks open of {k:?}");
        }
    }
    let meeting: BTreeSet<Key> = sheet(book, "周例会议题")
        .iter()
        .map(|r| (r[2].clone(), r[4].clone()))
        .collect();
    assert_eq!(meeting, e.meeting, "meeting list of {}", book.display());
    let reports = sheet(book, "报送情况");
    let late: BTreeSet<String> = reports
        .iter()
        .filter(|r| r[5] == "逾期报送")
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(late, e.late, "late reporters of {}", book.display());
    for r in &reports {
        assert_eq!(r[4], e.due.to_string(), "due day");
    }
}

/// Runs every week of `months` in order into one history and checks each against the model.
fn check_all_weeks(samples: &Path, months: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let mut all: Vec<InRow> = Vec::new();
    let mut plan: Vec<(PathBuf, NaiveDate)> = Vec::new();
    for m in months {
        let dir = samples.join(m);
        let rows = read_weekly(&dir);
        let mut weeks: Vec<NaiveDate> = rows.iter().map(|r| r.week).collect();
        weeks.sort();
        weeks.dedup();
        plan.extend(weeks.into_iter().map(|w| (dir.clone(), w)));
        all.extend(rows);
    }
    assert!(plan.len() >= 5, "{} weeks", plan.len());
    for (dir, week) in plan {
        let book = run_week(&dir, week, out.path(), None);
        check_week(&book, &expected(&all, week, 4));
    }
}

#[test]
fn own_samples_every_week_matches_the_model() {
    check_all_weeks(&root().join("samples"), &["2026-09", "2026-10"]);
}

#[cfg(feature = "shared-samples")]
#[test]
fn shared_samples_every_week_matches_the_model() {
    check_all_weeks(&shared_samples(), &["2026-08", "2026-09", "2026-10"]);
}

#[test]
fn national_day_week_flags_nobody_who_sent_by_thursday() {
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/2026-10");
    let book = run_week(&input, date("2026-10-05"), out.path(), None);
    let reports = sheet(&book, "报送情况");
    assert!(!reports.is_empty());
    for r in &reports {
        assert_eq!(r[4], "2026-10-08", "due moves off the holiday Tuesday");
        if !r[3].is_empty() && date(&r[3]) <= date("2026-10-08") {
            assert_ne!(r[5], "逾期报送", "{r:?}");
        }
        if !r[3].is_empty() && date(&r[3]) > date("2026-10-08") {
            assert_eq!(r[5], "逾期报送", "{r:?}");
        }
    }
    // The monthly run's deadline follows the same rule.
    let rules = sanyipi::rules::Rules::load(None).unwrap();
    let data = sanyipi::ingest::ingest(&input, &rules).unwrap();
    let rows = sanyipi::engine::deadline_rows(
        &rules,
        &data,
        sanyipi::engine::Month::parse("2026-10").unwrap(),
        date("2026-10-25"),
        &BTreeMap::new(),
    )
    .rows;
    let weekly: Vec<_> = rows
        .iter()
        .filter(|r| r.rule == "weekly_problems" && r.due == Some(date("2026-10-08")))
        .collect();
    assert!(weekly.len() >= 4);
    for r in weekly {
        let met = r.met_on.unwrap();
        assert_eq!(
            r.status == sanyipi::engine::Status::Met,
            met <= date("2026-10-08"),
            "{r:?}"
        );
    }
}

#[test]
fn weeks_open_grows_and_a_rerun_changes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/2026-10");
    let weeks = ["2026-10-05", "2026-10-12", "2026-10-19"];
    let mut first_books = Vec::new();
    let mut ages = Vec::new();
    for w in weeks {
        let book = run_week(&input, date(w), out.path(), None);
        let rows = sheet(&book, "李华");
        let row = rows
            .iter()
            .find(|r| r[2] == "DH2026-003" && r[4] == "用地")
            .unwrap();
        ages.push(row[8].parse::<i64>().unwrap());
        assert_eq!(row[10], "", "raised on 08-25: not new in {w}");
        if w == "2026-10-05" {
            let zhao = sheet(&book, "赵强");
            let new = zhao.iter().find(|r| r[2] == "DH2026-005").unwrap();
            assert_eq!(new[10], "新增", "first reported and raised this week");
        }
        first_books.push(std::fs::read(&book).unwrap());
    }
    assert_eq!(ages, vec![6, 7, 8]);
    let count = || {
        let conn = rusqlite::Connection::open(out.path().join("history.sqlite")).unwrap();
        conn.query_row("SELECT COUNT(*) FROM weekly_row", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    };
    let before = count();
    // Re-running the last week, and an earlier one after it, gives the same bytes and rows.
    for (i, w) in [(2, "2026-10-19"), (1, "2026-10-12")] {
        let book = run_week(&input, date(w), out.path(), None);
        assert_eq!(std::fs::read(&book).unwrap(), first_books[i], "{w}");
    }
    assert_eq!(count(), before);
}

/// Writes a week file with one row to `<dir>/周报/<week>周.xlsx`.
fn write_week(dir: &Path, week: &str, row: [&str; 10]) {
    write_week_rows(dir, week, &[row]);
}

/// Writes a week file with `rows` (header in row 1) to `<dir>/周报/<week>周.xlsx`.
fn write_week_rows(dir: &Path, week: &str, rows: &[[&str; 10]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("问题清单").unwrap();
    let headers = [
        "项目编号",
        "项目名称",
        "报送单位",
        "问题类别",
        "存在问题",
        "意见建议",
        "分管县领导",
        "首次提出日期",
        "报送日期",
        "办理状态",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
        for (r, row) in rows.iter().enumerate() {
            ws.write_string(1 + r as u32, c as u16, row[c]).unwrap();
        }
    }
    wb.save(dir.join("周报").join(format!("{week}周.xlsx")))
        .unwrap();
}

fn export_rules(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    export_rules_file("weekly.toml", edit)
}

fn export_rules_file(name: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("r");
    let r = sanyipi(&["rules", "export", target.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = target.join(name);
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit must change the rules");
    std::fs::write(&file, edited).unwrap();
    dir
}

fn meeting_keys(book: &Path) -> BTreeSet<Key> {
    sheet(book, "周例会议题")
        .iter()
        .map(|r| (r[2].clone(), r[4].clone()))
        .collect()
}

#[test]
fn the_threshold_changes_the_meeting_list() {
    let input = root().join("samples/2026-10");
    let week = date("2026-10-12");
    let first = tempfile::tempdir().unwrap();
    let default = run_week(&input, week, first.path(), None);
    let rules = export_rules(|t| t.replace("min_weeks_open = 4", "min_weeks_open = 8"));
    let out = tempfile::tempdir().unwrap();
    let raised = run_week(&input, week, out.path(), Some(&rules.path().join("r")));
    let all = read_weekly(&input);
    assert_eq!(meeting_keys(&default), expected(&all, week, 4).meeting);
    assert_eq!(meeting_keys(&raised), expected(&all, week, 8).meeting);
    assert_ne!(meeting_keys(&default), meeting_keys(&raised));
}

#[test]
fn the_identity_rule_changes_the_meeting_list() {
    // A re-worded category in a later week: the same problem by project and text, a new one by
    // project and category.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    write_week(
        &input,
        "2026-10-26",
        [
            "DH2026-003",
            "生态渔业养殖项目",
            "东湖镇",
            "土地",
            "用地指标未落实",
            "协调自然资源局调剂指标",
            "李华",
            "2026-10-20",
            "2026-10-27",
            "县领导协调中",
        ],
    );
    let run_two = |rules: Option<&Path>| {
        let out = tempfile::tempdir().unwrap();
        run_week(&input, date("2026-10-19"), out.path(), rules);
        let book = run_week(&input, date("2026-10-26"), out.path(), rules);
        (meeting_keys(&book), out)
    };
    let renamed = ("DH2026-003".to_string(), "土地".to_string());
    let (default, _a) = run_two(None);
    assert!(!default.contains(&renamed), "new by category: 1 week open");
    let rules = export_rules(|t| {
        t.replace(
            "identity = [\"project\", \"category\"]",
            "identity = [\"project\", \"problem\"]",
        )
    });
    let (by_text, _b) = run_two(Some(&rules.path().join("r")));
    assert!(
        by_text.contains(&renamed),
        "same problem by text: open since 08-25"
    );
    assert_ne!(default, by_text);
}

#[test]
fn missing_reports_are_a_rule_off_by_default() {
    let input = root().join("samples/2026-10");
    let week = date("2026-10-12");
    let first = tempfile::tempdir().unwrap();
    let default = run_week(&input, week, first.path(), None);
    assert!(sheet(&default, "报送情况").iter().all(|r| r[5] != "缺报"));
    let rules = export_rules(|t| t.replace("missing_report = false", "missing_report = true"));
    let out = tempfile::tempdir().unwrap();
    let on = run_week(&input, week, out.path(), Some(&rules.path().join("r")));
    let sent: BTreeSet<String> = read_weekly(&input)
        .into_iter()
        .filter(|r| r.week == week)
        .map(|r| r.unit)
        .collect();
    let missing: BTreeSet<String> = sheet(&on, "报送情况")
        .iter()
        .filter(|r| r[5] == "缺报")
        .map(|r| r[1].clone())
        .collect();
    assert!(!missing.is_empty());
    assert!(missing.is_disjoint(&sent));
}

/// Dates of October 2026 as the notice sets them, moved off holidays by the fixture table.
fn october_expected() -> BTreeMap<NaiveDate, usize> {
    use chrono::Datelike;
    let days: Vec<NaiveDate> = [1, 3, 5, 22, 28]
        .iter()
        .map(|d| NaiveDate::from_ymd_opt(2026, 10, *d).unwrap())
        .collect();
    let mut out = BTreeMap::new();
    for d in days {
        *out.entry(on_or_after(d)).or_insert(0) += 1;
    }
    // A weekly date moved into the next week, which holds its own, stays (cancelled) on its day.
    for d in date("2026-10-01").iter_days().take(31) {
        if [2, 3, 5].contains(&d.weekday().number_from_monday()) {
            let moved = on_or_after(d);
            let day = if moved.iso_week() == d.iso_week() {
                moved
            } else {
                d
            };
            *out.entry(day).or_insert(0) += 1;
        }
    }
    out
}

fn calendar_run(month: &str, out: &Path) -> (String, String) {
    let r = sanyipi(&["calendar", "--month", month, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let dir = out.join(format!("{month}日程"));
    let (y, m) = month.split_once('-').unwrap();
    let name = format!("{}年{}月重点项目工作日程", y, m.trim_start_matches('0'));
    (
        std::fs::read_to_string(dir.join(format!("{name}.ics"))).unwrap(),
        std::fs::read_to_string(dir.join(format!("{name}.html"))).unwrap(),
    )
}

#[test]
fn calendar_october_2026_moves_dates_off_national_day_and_the_ics_parses() {
    use icalendar::{Component, DatePerhapsTime};
    let out = tempfile::tempdir().unwrap();
    let (ics, html) = calendar_run("2026-10", out.path());
    let cal: icalendar::Calendar = ics.parse().unwrap();
    let mut got: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut summaries: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for e in cal.events() {
        let d = match e.get_start() {
            Some(DatePerhapsTime::Date(d)) => {
                assert_eq!(
                    e.get_end(),
                    Some(DatePerhapsTime::Date(d + Duration::days(1)))
                );
                d
            }
            // The meetings, at their time (rules/office_calendar.toml).
            Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Floating(t))) => {
                assert_eq!(t.format("%H:%M").to_string(), "09:00", "{e:?}");
                t.date()
            }
            other => panic!("{other:?}"),
        };
        assert!(e.get_uid().is_some());
        assert_eq!(
            e.get_timestamp().unwrap().to_rfc3339(),
            "2026-10-01T00:00:00+00:00",
            "DTSTAMP comes from the month, not the clock"
        );
        *got.entry(d).or_insert(0) += 1;
        summaries
            .entry(d)
            .or_default()
            .push(e.get_summary().unwrap().to_string());
    }
    assert_eq!(got, october_expected());
    // 1st, 3rd, 5th and the holiday week's Tuesday and Wednesday all land on 10-08; Friday
    // 10-02's meeting would too, the day before 10-09's, so it is cancelled on its day.
    assert_eq!(got[&date("2026-10-08")], 5);
    let cancelled: Vec<String> = cal
        .events()
        .filter(|e| e.get_status() == Some(icalendar::EventStatus::Cancelled))
        .map(|e| e.get_uid().unwrap().to_string())
        .collect();
    assert_eq!(cancelled, ["weekly_meeting-20261002@sanyipi"]);
    assert!(
        html.contains("国庆节放假，顺延后与 10月9日 的重点项目周例会同周，本周不另安排"),
        "{html}"
    );
    assert!(summaries.values().flatten().all(|s| !s.contains("暂定")));
    assert!(html.contains("原定 10月6日（国庆节）"));
    // Same month, same bytes.
    let again = tempfile::tempdir().unwrap();
    assert_eq!(calendar_run("2026-10", again.path()).0, ics);
    insta::assert_snapshot!("calendar_2026_10_html", html);
}

/// The events of an `.ics` by UID: (start as written, SEQUENCE, LOCATION, reminder trigger).
fn ics_events(ics: &str) -> BTreeMap<String, (String, String, String, String)> {
    let mut out = BTreeMap::new();
    for block in ics.split("BEGIN:VEVENT").skip(1) {
        let prop = |name: &str| {
            block
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l.split_once(':').unwrap().1.trim().to_string())
                .unwrap_or_default()
        };
        out.insert(
            prop("UID:"),
            (
                prop("DTSTART"),
                prop("SEQUENCE:"),
                prop("LOCATION:"),
                prop("TRIGGER"),
            ),
        );
    }
    out
}

#[test]
fn the_ics_updates_phones_meetings_have_time_place_and_reminder() {
    let out = tempfile::tempdir().unwrap();
    let (official, _) = calendar_run("2026-10", out.path());
    assert!(official.contains("PRODID:-//sanyipi "), "{official}");
    assert!(!official.contains("ICALENDAR-RS"));
    assert!(official.contains("\r\n"), "RFC 5545 lines end in CRLF");
    let events = ics_events(&official);
    // The assignment meeting of the 5th, moved off the National Day holiday to the 8th: its UID
    // names the notice's date, its start is the 8th at 09:00 in the meeting room.
    let (start, seq, place, trigger) = &events["assignment_meeting-20261005@sanyipi"];
    assert_eq!(start, "20261008T090000");
    assert_eq!(seq, "3", "official (2) and moved (1)");
    assert_eq!(place, "县政府会议室");
    assert_eq!(trigger, "-PT3600S"); // an hour before
    // Without 2026's official schedule the same events are provisional: the same UIDs, lower
    // SEQUENCE, so a phone that has the provisional file takes the official one as an update.
    let (_keep, rules) = edited_rules(&[]);
    std::fs::remove_file(rules.join("calendar/2026.toml")).unwrap();
    let r = sanyipi(&[
        "calendar",
        "--month",
        "2026-10",
        "--out",
        out.path().join("p").to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let provisional = std::fs::read_to_string(
        out.path()
            .join("p/2026-10日程/2026年10月重点项目工作日程.ics"),
    )
    .unwrap();
    let before = ics_events(&provisional);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        events.keys().collect::<Vec<_>>()
    );
    for (uid, (start, seq, ..)) in &before {
        let (official_start, official_seq, ..) = &events[uid];
        assert!(official_seq > seq, "{uid}: {seq} → {official_seq}");
        if uid.starts_with("assignment_meeting") {
            // Provisional: only the weekend is known, the 5th is a Monday.
            assert_eq!(start, "20261005T090000");
            assert_ne!(start, official_start);
        }
    }
    // Time, place and reminder are rules.
    let (_keep, rules) = edited_rules(&[(
        "office_calendar.toml",
        "weekday = 5\nshift = \"next\"\ntime = \"09:00\"",
        "weekday = 5\nshift = \"next\"\ntime = \"15:30\"",
    )]);
    let r = sanyipi(&[
        "calendar",
        "--month",
        "2026-10",
        "--out",
        out.path().join("t").to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let edited = std::fs::read_to_string(
        out.path()
            .join("t/2026-10日程/2026年10月重点项目工作日程.ics"),
    )
    .unwrap();
    assert_eq!(
        ics_events(&edited)["weekly_meeting-20261016@sanyipi"].0,
        "20261016T153000"
    );
}

#[test]
fn calendar_of_a_year_without_a_schedule_is_provisional() {
    use icalendar::Component;
    let out = tempfile::tempdir().unwrap();
    let (ics, html) = calendar_run("2027-01", out.path());
    let cal: icalendar::Calendar = ics.parse().unwrap();
    assert!(cal.events().count() > 10);
    for e in cal.events() {
        assert!(e.get_summary().unwrap().contains("暂定"));
    }
    assert!(html.contains("2027 年节假日安排尚未收录"));
}

#[test]
fn weekly_page_snapshot() {
    let out = tempfile::tempdir().unwrap();
    let book = run_week(
        &root().join("samples/2026-10"),
        date("2026-10-05"),
        out.path(),
        None,
    );
    let html = std::fs::read_to_string(book.with_extension("html")).unwrap();
    insta::assert_snapshot!("weekly_2026_10_05_html", html);
}

#[test]
fn inconsistent_rows_are_diagnostics_with_file_sheet_and_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    let ok = |id, name, unit, leader, first, reported, status| {
        [
            id,
            name,
            unit,
            "要素",
            "电力增容未到位",
            "协调供电公司",
            leader,
            first,
            reported,
            status,
        ]
    };
    write_week_rows(
        &input,
        "2026-10-26",
        &[
            ok(
                "DH2026-005",
                "山地光伏电站项目",
                "西岭乡",
                "赵强",
                "2026-10-28",
                "2026-10-27",
                "县领导协调中",
            ),
            ok(
                "DH2026-006",
                "农产品冷链仓储项目",
                "西岭乡",
                "钱多多",
                "2026-10-20",
                "2026-10-27",
                "县领导协调中",
            ),
            ok(
                "DH2099-001",
                "不存在的项目",
                "西岭乡",
                "赵强",
                "2026-10-20",
                "2026-10-27",
                "县领导协调中",
            ),
            ok(
                "DH2026-007",
                "智慧物流园项目",
                "南阳街道",
                "王明",
                "2026-10-20",
                "2026-10-27",
                "正在协调",
            ),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let book = run_week(&input, date("2026-10-26"), out.path(), None);
    let problems = sheet(&book, "问题数据");
    let at = |cell: &str, words: &str| {
        problems.iter().any(|r| {
            r[2] == "周报/2026-10-26周.xlsx"
                && r[3] == "问题清单"
                && r[4] == cell
                && r[5].contains(words)
        })
    };
    assert!(at("H2", "晚于报送日期"), "{problems:?}");
    assert!(at("G3", "钱多多"), "{problems:?}");
    assert!(
        at("B4", "") || at("C4", ""),
        "project not in ledger: {problems:?}"
    );
    assert!(at("J5", ""), "status not in the vocabulary: {problems:?}");
}

/// Writes a one-sheet workbook with a header row and text rows.
fn write_table(path: &Path, headers: &[&str], rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(1 + r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn procedures_of_new_projects_assigned_after_the_assignment_meeting_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let (sep, oct) = (tmp.path().join("2026-09"), tmp.path().join("2026-10"));
    copy_dir(&root().join("samples/2026-10"), &oct);
    std::fs::create_dir_all(&sep).unwrap();
    // September's ledger lacks DH2026-011: it is new in October.
    let old: Vec<Vec<String>> = (1..=10)
        .map(|i| {
            vec![
                format!("DH2026-{i:03}"),
                format!("项目{i}"),
                "重大建设项目".into(),
                "100".into(),
                "城关镇".into(),
            ]
        })
        .collect();
    write_table(
        &sep.join("重大项目管理台账.xlsx"),
        &[
            "项目编号",
            "项目名称",
            "项目类型",
            "年度计划投资",
            "责任单位",
        ],
        &old,
    );
    // The meeting of the 5th moves to Thursday 10-08 (National Day).
    let procedure = |id: &str, name: &str, what: &str, assigned: &str| {
        [id, name, what, "县发改委", assigned, "3"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    write_table(
        &oct.join("前期手续办理清单.xlsx"),
        &[
            "项目编号",
            "项目名称",
            "手续名称",
            "办理单位",
            "交办日期",
            "办理时限",
        ],
        &[
            procedure(
                "DH2026-011",
                "汽车零部件产业园项目",
                "企业投资项目备案",
                "2026-10-12",
            ),
            procedure(
                "DH2026-011",
                "汽车零部件产业园项目",
                "节能审查",
                "2026-10-08",
            ),
            procedure("DH2026-010", "精密模具制造项目", "取水许可", "2026-10-12"),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "calendar",
        "--month",
        "2026-10",
        "--input",
        oct.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("任务交办会后交办的新增项目手续: 1 项"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("DH2026-011 汽车零部件产业园项目 企业投资项目备案（交办日期 2026-10-12，交办会 2026-10-08）"), "{}", r.stdout);
    let html = std::fs::read_to_string(
        out.path()
            .join("2026-10日程/2026年10月重点项目工作日程.html"),
    )
    .unwrap();
    assert!(html.contains("企业投资项目备案") && !html.contains("取水许可"));
}

#[test]
fn a_bad_identity_rule_names_file_line_and_column() {
    let rules = export_rules(|t| {
        t.replace(
            "identity = [\"project\", \"category\"]",
            "identity = [\"project\", \"类别\"]",
        )
    });
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "weekly",
        "--input",
        "samples/2026-10",
        "--week",
        "2026-10-12",
        "--out",
        out.path().to_str().unwrap(),
        "--rules",
        rules.path().join("r").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("weekly.toml:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("identity 中的字段 类别 不可用"),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("2026-10-12周").exists());
}

/// A month folder with the sample ledger and one weekly report of the week of 2022-01-31 (春节:
/// Tuesday 1 February is a holiday), sent by 东湖镇 on `reported_on`.
fn spring_festival_week(reported_on: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("samples/2026-10/重大项目管理台账.xlsx"),
        dir.path().join("重大项目管理台账.xlsx"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("周报")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows = [
        [
            "项目编号",
            "项目名称",
            "报送单位",
            "问题类别",
            "存在问题",
            "分管县领导",
            "首次提出日期",
            "报送日期",
            "办理状态",
        ],
        [
            "DH2026-003",
            "生态渔业养殖项目",
            "东湖镇",
            "用地",
            "用地指标未落实",
            "李华",
            "2022-01-04",
            reported_on,
            "县领导协调中",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(dir.path().join("周报/2022-01-31周.xlsx")).unwrap();
    dir
}

/// 2022 春节: the office calendar does not hold Tuesday 1 February's report on Monday 7 February
/// but with the report of Tuesday 8 February (`sanyipi calendar --month 2022-02` says so), so
/// that is the week's due day in `weekly` and in the month's deadlines: a unit that reported on
/// the 8th, as the calendar told it, is on time, and one that reported on the 9th is late.
#[test]
fn a_holiday_weeks_report_is_due_when_the_office_calendar_holds_it() {
    let calendar = sanyipi(&["calendar", "--month", "2022-02"]);
    assert!(
        calendar
            .stdout
            .contains("顺延后与 2月8日 的报送重点项目问题周报同周，本周不另安排"),
        "{}",
        calendar.stdout
    );
    for (reported, label) in [("2022-02-08", "按时报送"), ("2022-02-09", "逾期报送")] {
        let input = spring_festival_week(reported);
        let out = tempfile::tempdir().unwrap();
        let book = run_week(input.path(), date("2022-01-31"), out.path(), None);
        let reports = sheet(&book, "报送情况");
        let east = reports.iter().find(|r| r[1] == "东湖镇").unwrap();
        assert_eq!((east[4].as_str(), east[5].as_str()), ("2022-02-08", label));

        let rules = sanyipi::rules::Rules::load(None).unwrap();
        let data = sanyipi::ingest::ingest(input.path(), &rules).unwrap();
        let rows = sanyipi::engine::deadline_rows(
            &rules,
            &data,
            sanyipi::engine::Month::parse("2022-02").unwrap(),
            date("2022-02-25"),
            &BTreeMap::new(),
        )
        .rows;
        let weekly: Vec<_> = rows
            .iter()
            .filter(|r| r.rule == "weekly_problems")
            .map(|r| (r.due, r.status == sanyipi::engine::Status::Met))
            .collect();
        assert_eq!(
            weekly,
            [(Some(date("2022-02-08")), reported == "2022-02-08")]
        );
    }
}

#[test]
fn without_the_moving_rule_the_holiday_tuesday_is_the_due_day() {
    let rules = export_rules_file("deadlines.toml", |t| {
        t.replace("next_working_day = true", "next_working_day = false")
            .replace("event = \"weekly_report\"\n", "")
    });
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/2026-10");
    let book = run_week(
        &input,
        date("2026-10-05"),
        out.path(),
        Some(&rules.path().join("r")),
    );
    let reports = sheet(&book, "报送情况");
    let late: BTreeSet<String> = reports
        .iter()
        .filter(|r| r[5] == "逾期报送")
        .map(|r| r[1].clone())
        .collect();
    let sent_after_tuesday: BTreeSet<String> = read_weekly(&input)
        .into_iter()
        .filter(|r| r.week == date("2026-10-05") && r.reported > date("2026-10-06"))
        .map(|r| r.unit)
        .collect();
    assert!(reports.iter().all(|r| r[4] == "2026-10-06"));
    assert_eq!(late, sent_after_tuesday);
    assert!(late.len() > 1);
}

#[test]
fn rules_check_reads_the_weekly_and_calendar_rules() {
    let rules = export_rules_file("office_calendar.toml", |t| {
        t.replace("shift = \"next\"", "shift = \"later\"")
    });
    let r = sanyipi(&["rules", "check", rules.path().join("r").to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("office_calendar.toml:"), "{}", r.stderr);
}

/// `weekly` writes history: it waits while another sanyipi holds the history file's lock, then
/// records its week.
#[test]
fn weekly_waits_for_the_history_lock() {
    let out = tempfile::tempdir().unwrap();
    // The lock is taken beside the history file, never on it (Windows locks are mandatory).
    let lock = out.path().join("history.sqlite.lock");
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .unwrap();
    held.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sanyipi"))
        .current_dir(crate::common::root())
        .args([
            "weekly",
            "--input",
            "samples/2026-10",
            "--week",
            "2026-10-12",
        ])
        .args(["--out", out.path().to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "weekly did not wait");
    drop(held);
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert!(stderr.contains("另一个 sanyipi 正在使用"), "{stderr}");
    assert!(out.path().join("2026-10-12周").is_dir());
}

#[test]
fn a_week_without_any_report_in_the_folder_is_said() {
    let out = tempfile::tempdir().unwrap();
    let week = |w: &str| {
        let r = sanyipi(&[
            "weekly",
            "--input",
            "samples/2026-10",
            "--week",
            w,
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let note = "这一周的问题周报（按文件名中的日期或填报日期）；请确认 --week 与 --input 是否对应";
    let empty = week("2026-11-02");
    assert!(
        empty.contains(&format!("注意: 输入目录中没有 2026-11-02 {note}")),
        "{empty}"
    );
    let reported = week("2026-10-12");
    assert!(!reported.contains(note), "{reported}");
}

/// A folder with neither the ledger nor any weekly report (a wrong `--input`) is refused: no
/// empty digest is written or recorded as the week's.
#[test]
fn a_folder_without_ledger_or_weekly_reports_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("说明.txt"), "无").unwrap();
    let r = sanyipi(&[
        "weekly",
        "--input",
        input.path().to_str().unwrap(),
        "--week",
        "2026-10-12",
        "--out",
        out.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "中既没有重大项目管理台账（*台账*），也没有问题周报（周报/*、*周报*），未生成周报，未记入历史"
        ),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("o").exists(), "nothing written");
}

#[test]
fn the_default_cut_off_in_a_holiday_week_is_not_before_the_due_day() {
    // 2026-10-07, the digest's Wednesday, is a National Day holiday; reports are due 10-08.
    let run = |rules: Option<&Path>| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec![
            "weekly".to_string(),
            "--input".into(),
            root().join("samples/2026-10").to_string_lossy().into(),
            "--week".into(),
            "2026-10-05".into(),
            "--out".into(),
            out.path().to_string_lossy().into(),
        ];
        if let Some(r) = rules {
            args.extend(["--rules".into(), r.to_string_lossy().into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = sanyipi(&args);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        std::fs::read_to_string(
            out.path()
                .join("2026-10-05周/2026-10-05周重点项目问题周报.html"),
        )
        .unwrap()
    };
    assert!(run(None).contains("统计截止：2026年10月8日"));
    // The rule is data: without it the cut-off stays on the holiday.
    let (_dir, rules) = edited_rules(&[(
        "weekly.toml",
        "next_working_day = true",
        "next_working_day = false",
    )]);
    assert!(run(Some(&rules)).contains("统计截止：2026年10月7日"));
}

#[test]
fn a_cut_off_before_the_week_is_refused_in_words() {
    let out = tempfile::tempdir().unwrap();
    let r = sanyipi(&[
        "weekly",
        "--input",
        root().join("samples/2026-10").to_str().unwrap(),
        "--week",
        "2026-10-14",
        "--as-of",
        "2026-10-01",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("--as-of 2026-10-01 早于所选的周（2026-10-12 起）"),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("history.sqlite").exists());
}

#[test]
fn a_month_or_date_outside_excels_years_is_refused_with_the_years_it_takes() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let r = sanyipi(&["calendar", "--month", "0000-01", "--out", o]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("--month “0000-01”的年份超出范围：年份须在 1900 至 9999 之间"),
        "{}",
        r.stderr
    );
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
    let r = sanyipi(&["workdays", "is", "0001-01-01"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("“0001-01-01”的年份超出范围"),
        "{}",
        r.stderr
    );
    let r = sanyipi(&["calendar", "--month", "1900-01", "--out", o]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_folder_without_a_recorded_weeks_reports_does_not_empty_that_week() {
    let out = tempfile::tempdir().unwrap();
    let week = date("2026-10-12");
    let book = run_week(&root().join("samples/2026-10"), week, out.path(), None);
    let before = std::fs::read(&book).unwrap();
    // September's folder has no report of that week.
    let r = sanyipi(&[
        "weekly",
        "--input",
        root().join("samples/2026-09").to_str().unwrap(),
        "--week",
        "2026-10-12",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("中没有 2026-10-12 这一周的问题周报，而历史中这一周已有"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&book).unwrap(), before);
}
