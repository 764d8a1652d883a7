//! 督查 notices: one per recipient per month with exactly its matters, numbered across months,
//! official layout in HTML and DOCX, rules that change them, and hostile names made safe.

use crate::common::*;
use serde_json::Value as J;
use std::collections::BTreeMap;

/// Matters each recipient should get, from the findings of run.json and the shipped notice rules.
fn expected_matters(run: &J) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    for d in run["deadlines"].as_array().unwrap() {
        let rule = d["rule"].as_str().unwrap();
        let status = d["status"].as_str().unwrap();
        let hit = match rule {
            "start_after_signing" | "start_after_delisting" | "procedure_time_limit" => {
                status == "overdue"
            }
            "monthly_report" => status == "overdue" || status == "met_late",
            _ => false,
        };
        if hit {
            *out.entry(d["recipient"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    // An earlier notice with 整改任务 still without feedback: one reminder of them all (the
    // shipped per_notice; their states are checked independently in `supervision`).
    let mut reminded = std::collections::BTreeSet::new();
    for t in run["register"].as_array().unwrap() {
        if t["month"] != run["month"]
            && t["state"] == "overdue"
            && reminded.insert(t["notice"].to_string())
        {
            *out.entry(t["unit"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    for u in run["units"].as_array().unwrap() {
        let unit = u["unit"].as_str().unwrap().to_string();
        let mut n = usize::from(u["bottom"] == J::Bool(true));
        for p in u["penalty_ids"].as_array().unwrap() {
            n += usize::from(p == "tv_statement" || p == "special_inspection");
        }
        if n > 0 {
            *out.entry(unit).or_default() += n;
        }
    }
    out
}

/// The unit of the last month with a 表态发言, and the unit that sent no report, per data set.
pub(crate) fn penalised_and_missing(s: &Samples) -> (&'static str, &'static str) {
    match s.name {
        "own" => ("北山镇", "北山镇"),
        _ => ("卢医镇", "雪枫街道"),
    }
}

/// The file name of a notice in the 督查通知 folder, without extension.
pub(crate) fn notice_file(n: &J) -> String {
    format!(
        "{}_{}",
        n["number"].as_str().unwrap(),
        n["recipient"].as_str().unwrap()
    )
}

pub(crate) fn unit_notices(run: &J) -> Vec<&J> {
    run["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "supervision" || n["kind"] == "reminder")
        .collect()
}

fn one_notice_per_recipient_with_exactly_its_matters_numbered_across_months(s: &Samples) {
    let (penalised, missing_unit) = penalised_and_missing(s);
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let mut last_seq = 0;
    for run in &runs {
        let expected = expected_matters(run);
        let notices = unit_notices(run);
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for n in &notices {
            let r = n["recipient"].as_str().unwrap().to_string();
            assert!(!got.contains_key(&r), "{r} has two notices");
            got.insert(r, n["matters"].as_array().unwrap().len());
        }
        assert_eq!(got, expected);
        let seqs: Vec<u64> = run["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["seq"].as_u64().unwrap())
            .collect();
        assert_eq!(seqs[0], last_seq + 1, "numbers continue the previous month");
        assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1));
        last_seq = *seqs.last().unwrap();
    }
    let oct = runs.last().unwrap();
    let notice = unit_notices(oct)
        .into_iter()
        .find(|n| n["recipient"] == penalised)
        .unwrap();
    let texts: Vec<&str> = notice["matters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("表态发言")), "{texts:?}");
    let missing = unit_notices(oct)
        .into_iter()
        .find(|n| n["recipient"] == missing_unit)
        .unwrap();
    assert!(
        missing["matters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"].as_str().unwrap().contains("未报送"))
    );
}
on_samples!(one_notice_per_recipient_with_exactly_its_matters_numbered_across_months);

fn forced_rerun_reuses_numbers(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let sep = s.months.iter().position(|m| *m == "2026-09").unwrap();
    let again = Sanyipi::month(s.month("2026-09"), "2026-09")
        .out(out.path())
        .arg("--force")
        .run()
        .expect_done()
        .json("2026-09/run.json");
    let numbers = |run: &J| {
        run["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["recipient"].as_str().unwrap().to_string(),
                    n["number"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(numbers(&again), numbers(&runs[sep]));
}
on_samples!(forced_rerun_reuses_numbers);

fn notice_html_and_register_snapshots(s: &Samples) {
    let (penalised, _) = penalised_and_missing(s);
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let run = runs.last().unwrap();
    let notice = unit_notices(run)
        .into_iter()
        .find(|n| n["recipient"] == penalised)
        .unwrap();
    let dir = out.path().join("2026-10/督查通知");
    let html = std::fs::read_to_string(dir.join(format!("{}.html", notice_file(notice)))).unwrap();
    assert!(html.contains(&format!("{}：", notice["addressee"].as_str().unwrap())));
    let suffix = if s.name == "own" { "_own" } else { "" };
    insta::assert_snapshot!(format!("notice_html{suffix}"), html);
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(out.path().join("2026-10/2026年10月重点项目考核排名.xlsx"))
            .unwrap();
    use calamine::Reader;
    let register = wb.worksheet_range("督查通知清单").unwrap();
    let text: Vec<String> = register
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    insta::assert_snapshot!(format!("notice_register{suffix}"), text.join("\n"));
    assert!(wb.sheet_names().contains(&"表态发言名单".to_string()));
    assert!(wb.sheet_names().contains(&"专项巡察建议名单".to_string()));
    let all = std::fs::read_to_string(dir.join("全部通知.html")).unwrap();
    assert_eq!(
        all.matches("class=\"doc\"").count(),
        run["notices"].as_array().unwrap().len()
    );
}
on_samples!(notice_html_and_register_snapshots);

fn rectification_period_and_number_template_are_rules(s: &Samples) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let path = rules.join("notices.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // The shipped rules date a notice by its tasks' feedback date; `rectify_workdays`, commented
    // out in [notice], sets a notice's own period instead.
    let runs = run_months(s, &dir.path().join("shipped"), None);
    let last = runs.last().unwrap();
    for n in last["notices"].as_array().unwrap() {
        for t in last["tasks"].as_array().unwrap() {
            if t["notice"] == n["number"] {
                assert_eq!(t["feedback_due"], n["due"], "{n}");
            }
        }
    }
    // Issued on Monday 2026-10-26 + 3 working days (feedback_workdays).
    assert_eq!(last["notices"][0]["due"], "2026-10-29");
    assert!(text.contains("\n# rectify_workdays = 5\n"), "{text}");
    let text = text
        .replacen("\n# rectify_workdays = 5\n", "\nrectify_workdays = 10\n", 1)
        .replacen(
            "number = \"镇督查〔{{ year }}〕{{ seq }}号\"",
            "number = \"督查通〔{{ year }}〕第{{ seq }}号\"",
            1,
        );
    let shipped = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert!(!shipped.stdout.contains("注意"), "{}", shipped.stdout);
    std::fs::write(&path, text).unwrap();
    // Two periods for one notice are said, by `rules check` and by `run`.
    let checked = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    let two = "rectify_workdays = 10 与 [supervision] feedback_workdays = 3 不同，通知正文与整改反馈表将写两个不同的期限";
    assert!(checked.stdout.contains(two), "{}", checked.stdout);
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), Some(&rules));
    let n = &runs.last().unwrap()["notices"][0];
    assert!(
        n["number"]
            .as_str()
            .unwrap()
            .starts_with("督查通〔2026〕第"),
        "{}",
        n["number"]
    );
    // Issued on Monday 2026-10-26 (as of Sunday 2026-10-25) + 10 working days = 2026-11-09.
    assert_eq!(n["due"], "2026-11-09");
    assert!(n["closing"].as_str().unwrap().contains("2026年11月9日"));
    let name = format!(
        "{}_{}.docx",
        n["number"].as_str().unwrap(),
        n["recipient"].as_str().unwrap()
    );
    assert!(out.path().join("2026-10/督查通知").join(name).exists());
}
on_samples!(rectification_period_and_number_template_are_rules);

/// Each unit notice's (kind, title, intro) over the months run into `out`.
fn wordings(
    s: &Samples,
    out: &std::path::Path,
    rules: Option<&std::path::Path>,
) -> Vec<[String; 3]> {
    let runs = run_months(s, out, rules);
    let mut all = Vec::new();
    for run in &runs {
        for n in unit_notices(run) {
            let reminder = n["matters"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["severity"] == "提醒");
            assert_eq!(n["kind"] == "reminder", reminder, "{n}");
            all.push(["kind", "title", "intro"].map(|k| n[k].as_str().unwrap().to_string()));
        }
    }
    all
}

fn a_reminder_is_worded_as_a_reminder(s: &Samples) {
    // A notice holding only reminders (a late report) says 提醒, not 督办; the wording is the
    // rules' `reminder_title` and `reminder_intro`, and without them a reminder reads as before.
    let out = tempfile::tempdir().unwrap();
    let shipped = wordings(s, out.path(), None);
    assert!(shipped.iter().any(|[k, ..]| k == "reminder"), "{shipped:?}");
    assert!(
        shipped.iter().any(|[k, ..]| k == "supervision"),
        "{shipped:?}"
    );
    for [kind, title, intro] in &shipped {
        let reminder = kind == "reminder";
        assert_eq!(title.starts_with("关于提醒"), reminder, "{title}");
        assert_eq!(intro.ends_with("现予提醒："), reminder, "{intro}");
        assert_eq!(intro.ends_with("现予督办："), !reminder, "{intro}");
    }
    let (_dir, rules) = edited_rules(&[(
        "notices.toml",
        "reminder_title = \"关于提醒{{ recipient }}做好重点项目有关工作的通知\"\n",
        "",
    )]);
    let out = tempfile::tempdir().unwrap();
    let without = wordings(s, out.path(), Some(&rules));
    assert_eq!(without.len(), shipped.len());
    for ([kind, title, intro], [_, shipped_title, shipped_intro]) in without.iter().zip(&shipped) {
        assert!(title.starts_with("关于督促"), "{title}");
        assert_eq!(intro, shipped_intro);
        assert_eq!(title == shipped_title, kind == "supervision");
    }
}
on_samples!(a_reminder_is_worded_as_a_reminder);

#[test]
fn hostile_unit_names_give_safe_files_and_escaped_html() {
    let input = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "项目编号",
        "项目名称",
        "项目类型",
        "年度计划投资（万元）",
        "签约日期",
        "计划竣工日期",
        "责任单位",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, unit) in ["../../x", "<b>x</b>", "甲镇"].iter().enumerate() {
        for (c, v) in [
            format!("H-{r}"),
            format!("项目{r}"),
            "重大招商项目".into(),
            "100".into(),
            "2026-01-06".into(),
            "2026-06-30".into(),
            unit.to_string(),
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(1 + r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(input.path().join("重大项目管理台账.xlsx")).unwrap();
    let out = tempfile::tempdir().unwrap();
    Sanyipi::month(input.path(), "2026-10")
        .out(out.path())
        .run()
        .expect_ok();
    let dir = out.path().join("2026-10/督查通知");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains('/') && !n.contains("..") && !n.contains('<') && !n.contains('>')),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.ends_with("_x.docx")), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.contains("_b_x__b_") && n.ends_with(".html")),
        "{names:?}"
    );
    let mut top: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    // The lock file goes with the lock where a removed lock file can be told (Unix).
    let expected: &[&str] = if cfg!(unix) {
        &["2026-10", "history.sqlite"]
    } else {
        &["2026-10", "history.sqlite", "history.sqlite.lock"]
    };
    assert_eq!(
        top, expected,
        "nothing written outside the month folder but history (and its lock)"
    );
    assert!(
        std::fs::read_dir(&dir)
            .unwrap()
            .all(|e| e.unwrap().path().is_file())
    );
    for n in names.iter().filter(|n| n.ends_with(".html")) {
        let html = std::fs::read_to_string(dir.join(n)).unwrap();
        assert!(!html.contains("<b>x</b>"), "{n}");
    }
}

/// 专项巡察 evidence names every notice by its number, this month's included.
fn special_inspection_evidence_names_notice_numbers(s: &Samples) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let path = rules.join("scoring.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("notices = 3", "notices = 2", 1)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), Some(&rules));
    let last = runs.last().unwrap();
    let mut checked = 0;
    for u in last["units"].as_array().unwrap() {
        let ids = u["penalty_ids"].as_array().unwrap();
        if !ids.iter().any(|p| p == "special_inspection") {
            continue;
        }
        let evidence = u["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .find(|e| e.starts_with("专项巡察"))
            .unwrap();
        assert!(!evidence.contains("本月通知"), "{evidence}");
        let this_month = unit_notices(last)
            .into_iter()
            .find(|n| n["recipient"] == u["unit"] && n["kind"] == "supervision")
            .unwrap();
        assert!(
            evidence.contains(this_month["number"].as_str().unwrap()),
            "{evidence} names {}",
            this_month["number"]
        );
        checked += 1;
    }
    assert!(checked > 0, "some unit gets 专项巡察 with notices = 2");
}
on_samples!(special_inspection_evidence_names_notice_numbers);

/// The evidence wording is a rule: edited templates change every penalty's evidence, and this
/// month's notice number still takes its place inside the edited wording.
fn evidence_wording_comes_from_the_rules(s: &Samples) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let path = rules.join("scoring.toml");
    let text = std::fs::read_to_string(&path).unwrap()
        .replacen("notices = 3", "notices = 2", 1)
        .replacen(
            "evidence = \"连续{{ streak }}个月",
            "evidence = \"已连续{{ streak }}次后{{ bottom_n }}名：{{ ranks }}。原文连续{{ streak }}个月",
            1,
        )
        .replacen(
            "evidence = \"近{{ months }}个月督办",
            "evidence = \"通知{{ notices }}共{{ count }}件；近{{ months }}个月督办",
            1,
        );
    std::fs::write(&path, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), Some(&rules));
    let (mut streaks, mut supervised) = (0, 0);
    for run in &runs {
        for u in run["units"].as_array().unwrap() {
            for e in u["evidence"].as_array().unwrap() {
                let e = e.as_str().unwrap();
                if let Some(body) = e.strip_prefix("表态发言：") {
                    let streak = u["streak"].as_u64().unwrap();
                    assert!(body.starts_with(&format!("已连续{streak}次后3名：")), "{e}");
                    streaks += 1;
                } else if let Some(body) = e.strip_prefix("专项巡察：") {
                    let number = unit_notices(run)
                        .into_iter()
                        .find(|n| n["recipient"] == u["unit"] && n["kind"] == "supervision")
                        .unwrap()["number"]
                        .as_str()
                        .unwrap()
                        .to_string();
                    assert!(body.starts_with("通知"), "{e}");
                    assert!(
                        body.contains(&format!("{number}共")),
                        "{e} ends its list with {number}"
                    );
                    assert!(!body.contains('\u{1}'), "{e}");
                    supervised += 1;
                }
            }
        }
    }
    assert!(streaks > 0 && supervised > 0, "{streaks} {supervised}");
}
on_samples!(evidence_wording_comes_from_the_rules);

/// The 成文日期 is apart from the as-of date: by default the first working day on or after it
/// (the sample month is as of Sunday 25 October), `--issue-date` overrides it, a date that is
/// not a working day is kept with a warning, one before the as-of date is refused.
fn notices_are_dated_the_issue_date_not_the_as_of_day(s: &Samples) {
    let month = s.last_month();
    let run = |issue: Option<&str>| {
        let out = tempfile::tempdir().unwrap();
        let mut cmd = Sanyipi::month(s.month(month), month).out(out.path());
        if let Some(d) = issue {
            cmd = cmd.args(["--issue-date", d]);
        }
        (cmd.run(), out)
    };
    let dated = |out: &tempfile::TempDir, iso: &str, zh: &str, due: &str| {
        let path = out.path().join(format!("{month}/run.json"));
        let json: J = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let notices = json["notices"].as_array().unwrap();
        assert!(!notices.is_empty());
        for n in notices {
            assert_eq!(n["issue_date"], iso, "{}", n["number"]);
            assert_eq!(n["issue_date_text"], zh);
            assert_eq!(n["due"], due);
            let html = std::fs::read_to_string(
                out.path()
                    .join(format!("{month}/督查通知/{}.html", notice_file(n))),
            )
            .unwrap();
            assert!(
                html.contains(&format!("<p class=\"date\">{zh}</p>")),
                "{html}"
            );
        }
    };
    let (done, out) = run(None);
    done.assert_done();
    assert!(
        done.stderr.contains("通知成文日期：2026-10-26"),
        "{}",
        done.stderr
    );
    dated(&out, "2026-10-26", "2026年10月26日", "2026-10-29");
    let (done, out) = run(Some("2026-10-28"));
    done.assert_done();
    dated(&out, "2026-10-28", "2026年10月28日", "2026-11-02");
    let (done, out) = run(Some("2026-10-31"));
    done.assert_done();
    assert!(
        done.stderr
            .contains("警告: 通知成文日期 2026-10-31（星期六，周末）不是工作日"),
        "{}",
        done.stderr
    );
    dated(&out, "2026-10-31", "2026年10月31日", "2026-11-04");
    let (refused, out) = run(Some("2026-10-24"));
    assert_ne!(refused.code, 0);
    assert!(
        refused
            .stderr
            .contains("--issue-date 2026-10-24 早于统计截止日期 2026-10-25"),
        "{}",
        refused.stderr
    );
    assert!(!out.path().join(month).exists());
}
on_samples!(notices_are_dated_the_issue_date_not_the_as_of_day);

#[test]
fn an_as_of_day_on_a_holiday_names_the_holiday() {
    let out = tempfile::tempdir().unwrap();
    // `month` runs as of the 25th.
    let r = Sanyipi::month("samples/2026-09", "2026-09")
        .out(out.path())
        .run();
    r.assert_done();
    // 2026-09-25 is a Friday and the first day of the 中秋节 holiday (rules/calendar/2026.toml).
    assert!(
        r.stderr.contains(
            "通知成文日期：2026-09-28（统计截止日期 2026-09-25 为星期五，中秋节放假，取其后第一个工作日"
        ),
        "{}",
        r.stderr
    );
}
