//! Deadlines against `truth.json` and an independent day-by-day count over the State Council
//! schedule (a copy of `../shared/data` in `tests/fixtures`), on the bundled samples and, with
//! `--features shared-samples`, the shared ones; the workdays CLI; a changed rule changes the
//! results.

use crate::common::*;
use chrono::NaiveDate;
use sanyipi::engine::{Month, Status, deadline_rows};
use sanyipi::ingest::ingest;
use sanyipi::rules::Rules;

fn d(s: &str) -> NaiveDate {
    date(s)
}

fn rows(s: &Samples, rules: &Rules, month: &str) -> Vec<sanyipi::engine::DeadlineRow> {
    let data = ingest(&s.month(month), rules).unwrap();
    let m = Month::parse(month).unwrap();
    let counted = deadline_rows(rules, &data, m, m.day(25), &Default::default());
    assert!(counted.problems.is_empty(), "{:?}", counted.problems);
    counted.rows
}

fn procedure_due_dates_equal_truth(s: &Samples) {
    let rules = Rules::load(None).unwrap();
    let rows = rows(s, &rules, "2026-10");
    let mut checked = 0;
    let truth = s.truth();
    for p in truth["projects"].as_array().unwrap() {
        for proc in p["procs"].as_array().unwrap() {
            let r = rows
                .iter()
                .find(|r| {
                    r.rule == "procedure_time_limit"
                        && r.project.as_deref() == p["id"].as_str()
                        && r.item.as_deref() == proc["name"].as_str()
                })
                .unwrap_or_else(|| panic!("{} {}", p["id"], proc["name"]));
            assert_eq!(
                r.due,
                Some(procedure_due(proc)),
                "{} {}",
                p["id"],
                proc["name"]
            );
            let finished = proc["finished"].as_str().map(d);
            assert_eq!(r.met_on, finished);
            let expected = match finished {
                Some(f) if f <= r.due.unwrap() => Status::Met,
                Some(_) => Status::MetLate,
                None => Status::Overdue,
            };
            if r.status != Status::DueSoon && r.status != Status::Pending {
                assert_eq!(r.status, expected, "{} {}", p["id"], proc["name"]);
            }
            checked += 1;
        }
    }
    let total: usize = truth["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["procs"].as_array().unwrap().len())
        .sum();
    assert_eq!(checked, total);
}
on_samples!(procedure_due_dates_equal_truth);

fn start_deadlines_equal_independent_count(s: &Samples) {
    let rules = Rules::load(None).unwrap();
    let rows = rows(s, &rules, "2026-10");
    for p in s.truth()["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let (rule, from, n) = match (p["sign"].as_str(), p["land"].as_str()) {
            (Some(s), _) if p["kind"] == "重大招商项目" => ("start_after_signing", s, 90),
            (_, Some(l)) => ("start_after_delisting", l, 50),
            _ => panic!("{id} has neither date"),
        };
        let r = rows
            .iter()
            .find(|r| r.rule == rule && r.project.as_deref() == Some(id))
            .unwrap();
        assert_eq!(r.from, Some(d(from)), "{id}");
        assert_eq!(r.due, Some(add_workdays(d(from), n)), "{id}");
        assert!(r.missing_years.is_empty(), "{id}");
    }
}
on_samples!(start_deadlines_equal_independent_count);

fn monthly_report_deadline_is_the_22nd(s: &Samples) {
    // The unit late in September and the unit missing in October, in each data set.
    let (late_unit, missing_unit) = match s.name {
        "own" => ("南阳街道", "北山镇"),
        _ => ("雪枫街道", "雪枫街道"),
    };
    let rules = Rules::load(None).unwrap();
    let rows_of = |m: &str, unit: &str| {
        rows(s, &rules, m)
            .into_iter()
            .find(|r| r.rule == "monthly_report" && r.recipient.as_deref() == Some(unit))
            .unwrap()
    };
    let late = rows_of("2026-09", late_unit);
    assert_eq!(late.due, Some(d("2026-09-22")));
    assert_eq!(late.status, Status::MetLate);
    let missing = rows_of("2026-10", missing_unit);
    assert_eq!(missing.status, Status::Overdue);
    assert_eq!(missing.met_on, None);
}
on_samples!(monthly_report_deadline_is_the_22nd);

fn a_monthly_due_day_on_a_holiday_moves_to_the_next_working_day(s: &Samples) {
    // October 1 and 3 fall in the National Day holidays (10-01..10-07): the signed list and the
    // ledger are due on 10-08, as the office calendar shows them; without the rule they stay.
    // Every row of `rule` is due on `day`.
    let due_on = |rules: &Rules, rule: &str, day: &str| {
        let due: Vec<_> = rows(s, rules, "2026-10")
            .into_iter()
            .filter(|r| r.rule == rule)
            .map(|r| r.due)
            .collect();
        assert!(!due.is_empty(), "{rule}");
        assert!(due.iter().all(|d| *d == Some(date(day))), "{rule}: {due:?}");
    };
    let shipped = Rules::load(None).unwrap();
    due_on(&shipped, "signed_list", "2026-10-08");
    due_on(&shipped, "ledger_report", "2026-10-08");
    let (_dir, off) = edited_rules(&[(
        "deadlines.toml",
        "day_of_month = 1\nnext_working_day = true",
        "day_of_month = 1\nnext_working_day = false",
    )]);
    let off = Rules::load(Some(&off)).unwrap();
    due_on(&off, "signed_list", "2026-10-01");
    due_on(&off, "ledger_report", "2026-10-08");
}
on_samples!(a_monthly_due_day_on_a_holiday_moves_to_the_next_working_day);

fn changing_90_to_60_changes_deadlines_and_findings(s: &Samples) {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules_dir.to_str().unwrap()]).code,
        0
    );
    let path = rules_dir.join("deadlines.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The name says the number too (a rules error otherwise).
    let text = text.replacen("days = 90", "days = 60", 1).replacen(
        "签约后90个工作日内开工",
        "签约后60个工作日内开工",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let changed = Rules::load(Some(&rules_dir)).unwrap();
    let shipped = Rules::load(None).unwrap();
    let (a, b) = (rows(s, &shipped, "2026-10"), rows(s, &changed, "2026-10"));
    let signing = |rows: &[sanyipi::engine::DeadlineRow]| -> Vec<sanyipi::engine::DeadlineRow> {
        rows.iter()
            .filter(|r| r.rule == "start_after_signing")
            .cloned()
            .collect()
    };
    let (a, b) = (signing(&a), signing(&b));
    assert!(!a.is_empty());
    for (x, y) in a.iter().zip(&b) {
        let from = x.from.unwrap();
        assert_eq!(x.due, Some(add_workdays(from, 90)), "{:?}", x.project);
        assert_eq!(y.due, Some(add_workdays(from, 60)), "{:?}", y.project);
    }
    let late = |rows: &[sanyipi::engine::DeadlineRow]| {
        rows.iter()
            .filter(|r| matches!(r.status, Status::MetLate | Status::Overdue))
            .count()
    };
    assert!(
        late(&b) > late(&a),
        "a shorter limit makes more starts late"
    );
}
on_samples!(changing_90_to_60_changes_deadlines_and_findings);

#[test]
fn workdays_cli_speaks_chinese() {
    let run = sanyipi(&["workdays", "add", "2026-09-28", "5"]);
    assert_eq!(
        run.stdout.trim(),
        "2026-09-28 之后第5个工作日：2026-10-10（星期六，调休上班）"
    );
    let run = sanyipi(&["workdays", "is", "2026-02-14"]);
    assert_eq!(
        run.stdout.trim(),
        "2026-02-14（星期六）是工作日：调休上班（春节）"
    );
    let run = sanyipi(&["workdays", "count", "2026-09-28", "2026-10-12"]);
    assert!(run.stdout.contains("共 6 个工作日"), "{}", run.stdout);
    // The dates the wrong way round, a negative count: said, not miscounted.
    let run = sanyipi(&["workdays", "count", "2026-10-12", "2026-09-28"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("截止日 2026-09-28 早于起始日 2026-10-12：请先写起始日，再写截止日"),
        "{}",
        run.stderr
    );
    let run = sanyipi(&["workdays", "add", "2026-09-28", "-3"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("工作日数应为 0 或正数（“-3”）"),
        "{}",
        run.stderr
    );
    // Beyond the dates a calendar can name: an error, not a date capped at chrono's end.
    for n in ["99999999", "999999999999"] {
        let run = sanyipi(&["workdays", "add", "2026-09-28", n]);
        assert_eq!(run.code, 2, "{n}: {}", run.stdout);
        assert!(run.stderr.contains("工作日数过大"), "{}", run.stderr);
    }
    // A day of a year not yet in the calendar is not called a plain working day.
    let run = sanyipi(&["workdays", "is", "2099-01-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("2099-01-01（星期四）是工作日（暂定）：节假日安排尚未收录"),
        "{}",
        run.stdout
    );
    // Years not yet in the calendar are said as runs, not one by one.
    let run = sanyipi(&["workdays", "add", "2026-09-28", "1000000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("尚未收录的 2027 至 "), "{}", run.stdout);
    assert!(run.stdout.len() < 1000, "{}", run.stdout.len());
}

#[test]
fn deadlines_cli_table_own() {
    let empty = tempfile::tempdir().unwrap();
    let run = sanyipi(&[
        "deadlines",
        "--input",
        "samples/2026-10",
        "--as-of",
        "2026-10-25",
        "--open",
        "--out",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn workdays_into_an_unknown_year_is_provisional() {
    let run = sanyipi(&["workdays", "add", "2026-10-20", "90"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("2027"));
    insta::assert_snapshot!(run.stdout);
}

#[cfg(feature = "shared-samples")]
#[test]
fn shared_deadlines_cli_table() {
    let empty = tempfile::tempdir().unwrap();
    let run = crate::check_cli::on_shared_month(
        &["deadlines", "--input"],
        "2026-10",
        &[
            "--as-of",
            "2026-10-25",
            "--open",
            "--out",
            empty.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dropping_in_a_year_file_makes_it_known() {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules_dir.to_str().unwrap()]).code,
        0
    );
    std::fs::write(
        rules_dir.join("calendar/2027.toml"),
        "year = 2027\n\n[[holiday]]\nname = \"元旦\"\noff = [2027-01-01]\nwork = []\n",
    )
    .unwrap();
    let run = sanyipi(&[
        "workdays",
        "add",
        "2026-12-31",
        "1",
        "--rules",
        rules_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        run.stdout.trim(),
        "2026-12-31 之后第1个工作日：2027-01-04（星期一）"
    );
    let run = sanyipi(&["workdays", "add", "2026-12-31", "1"]);
    assert!(
        run.stdout.contains("2027-01-01") && run.stdout.contains("暂定"),
        "{}",
        run.stdout
    );
}

#[cfg(feature = "shared-samples")]
#[test]
fn shared_deadlines_use_start_dates_reported_before_when_a_report_is_missing() {
    let out = tempfile::tempdir().unwrap();
    let out_s = out.path().to_str().unwrap();
    let sep = shared_samples().join("2026-09");
    sanyipi(&[
        "run",
        "--input",
        sep.to_str().unwrap(),
        "--as-of",
        "2026-09-25",
        "--out",
        out_s,
    ])
    .assert_done();
    let oct = shared_samples().join("2026-10");
    let args = [
        "deadlines",
        "--input",
        oct.to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--open",
    ];
    let without = sanyipi(&args);
    let mut with_history = args.to_vec();
    with_history.extend(["--out", out_s]);
    let with = sanyipi(&with_history);
    // 雪枫街道 sent no report in October; its project started 2026-05-26 (September's report).
    assert!(
        without.stdout.contains("ZP2026-027 文旅康养小镇项目"),
        "{}",
        without.stdout
    );
    let start_rows = |s: &str| {
        s.split("【")
            .find(|sec| sec.starts_with("签约后90个工作日内开工"))
            .map(|sec| sec.contains("ZP2026-027"))
            .unwrap_or(false)
    };
    assert!(
        start_rows(&without.stdout),
        "without history it looks overdue"
    );
    assert!(
        !start_rows(&with.stdout),
        "with history the start of 2026-05-26 counts: {}",
        with.stdout
    );
}

#[test]
fn a_deadline_may_word_its_own_statuses() {
    let table = |rules: Option<&std::path::Path>| {
        let empty = tempfile::tempdir().unwrap();
        let mut args = vec![
            "deadlines".to_string(),
            "--input".into(),
            "samples/2026-10".into(),
            "--as-of".into(),
            "2026-10-25".into(),
            "--open".into(),
            "--out".into(),
            empty.path().to_string_lossy().into(),
        ];
        if let Some(r) = rules {
            args.extend(["--rules".into(), r.to_string_lossy().into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = sanyipi(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    // 北山镇 sent no 月报: shipped, the report's own word; without it, the file's [status].
    let line = |out: &str| {
        out.lines()
            .find(|l| l.contains("北山镇") && l.contains("2026-10-22"))
            .unwrap()
            .to_string()
    };
    assert!(line(&table(None)).contains("未报送"));
    let (_dir, rules) = edited_rules(&[(
        "deadlines.toml",
        "recipient = \"reporting_unit\"\nstatus = { met_late = \"逾期报送\", overdue = \"未报送\" }",
        "recipient = \"reporting_unit\"",
    )]);
    assert!(line(&table(Some(&rules))).contains("逾期未完成"));
}

/// A procedure with a 交办日期, no 时限 of its own and a name the limits table does not have
/// (企业投资项目备案 misspelt 备按): W069 at its name's cell in `check`, `deadlines` and `run`,
/// and its deadline reads `no_limit`'s words, not 缺少起算日期 (it has one). Adding the name to
/// `[deadline.limits]` counts it.
#[test]
fn a_procedure_without_a_time_limit_is_said_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    let list = input.join("前期手续办理清单.xlsx");
    let bytes = crate::hostile::patched_file(&list, "xl/worksheets/sheet1.xml", |t| {
        let from = r#"<c r="D3" t="s"><v>13</v></c><c r="E3" t="s"><v>14</v></c><c r="F3" s="3"><v>46063</v></c><c r="G3"><v>3</v></c>"#;
        assert!(t.contains(from));
        t.replacen(
            from,
            r#"<c r="D3" t="inlineStr"><is><t>企业投资项目备按</t></is></c><c r="E3" t="s"><v>14</v></c><c r="F3" s="3"><v>46063</v></c>"#,
            1,
        )
    });
    std::fs::write(&list, bytes).unwrap();
    let out = dir.path().join("out");
    let deadlines = |rules: Option<&std::path::Path>| {
        let mut args = vec![
            "deadlines".to_string(),
            "--input".into(),
            input.to_string_lossy().into(),
            "--as-of".into(),
            "2026-10-25".into(),
            "--out".into(),
            out.to_string_lossy().into(),
        ];
        if let Some(r) = rules {
            args.extend(["--rules".into(), r.to_string_lossy().into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = sanyipi(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let said = "警告[W069] 前期手续办理清单.xlsx!前期手续!D3: 手续“企业投资项目备按”没有办理时限：本行未填“办理时限”";
    let table = deadlines(None);
    assert!(table.contains(said), "{table}");
    // The built-in rule is cited as such, not as `规则 内置规则 …`.
    assert!(
        table.contains("内置规则 deadlines.toml 的期限 procedure_time_limit 的时限表中也没有"),
        "{table}"
    );
    assert!(!table.contains("规则 内置规则"), "{table}");
    let row = table
        .lines()
        .find(|l| l.contains("企业投资项目备按"))
        .unwrap();
    assert!(row.ends_with("缺少办理时限"), "{row}");
    let check = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    assert!(check.stdout.contains(said), "{}", check.stdout);
    let r = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let run = r.json("2026-10/run.json");
    let w069: Vec<_> = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W069")
        .collect();
    assert_eq!(w069.len(), 1, "{w069:?}");
    assert_eq!(w069[0]["location"]["cell"], "D3");
    // The name added to the limits table: counted (3 working days from 2026-02-10), said no more.
    let (_rules_dir, rules) = edited_rules(&[(
        "deadlines.toml",
        "\"企业投资项目备案\" = 3",
        "\"企业投资项目备案\" = 3\n\"企业投资项目备按\" = 3",
    )]);
    let table = deadlines(Some(&rules));
    assert!(!table.contains("W069"), "{table}");
    let row = table
        .lines()
        .find(|l| l.contains("企业投资项目备按"))
        .unwrap();
    assert!(row.contains("2026-02-13"), "{row}");
}

/// `deadlines` settles its as-of date as `run` does: without `--as-of`, a month not begun yet
/// (today outside its window) is refused by both with the same reason, where `deadlines` used
/// to list the month as of today, with nonsense overdue rows; a given date outside the window
/// too.
#[test]
fn deadlines_refuse_an_as_of_date_outside_the_month_as_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let month = dir.path().join("2099-01");
    std::fs::create_dir(&month).unwrap();
    let out = dir.path().join("out");
    let reason = "不在 2099-01 的考核期内：应在 2099-01-01 至 2099-02-25 之间";
    for command in ["run", "deadlines"] {
        let r = Sanyipi::new()
            .arg(command)
            .input(&month)
            .out(&out)
            .run()
            .expect_code(2);
        assert!(r.stderr.contains(reason), "{command}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{command}: {}", r.stdout);
        let r = Sanyipi::new()
            .arg(command)
            .input(&month)
            .as_of("2099-03-01")
            .out(&out)
            .run()
            .expect_code(2);
        assert!(
            r.stderr
                .contains("统计截止日期 2099-03-01 不在 2099-01 的考核期内"),
            "{command}: {}",
            r.stderr
        );
    }
    assert!(!out.exists());
}
