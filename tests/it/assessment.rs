//! The monthly assessment end to end on the bundled `samples/` (and, with `--features
//! shared-samples`, on `../shared/samples/`), against the default scoring computed by hand from
//! `truth.json` — a computation independent of the engine and its rules.

use crate::common::hand::{hand_scores, hand_scores_weighted};
use crate::common::*;
use chrono::{Datelike, NaiveDate};
use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};

fn d(s: &str) -> NaiveDate {
    date(s)
}

/// The calendar month before "YYYY-MM".
fn previous_month(m: &str) -> String {
    let first = d(&format!("{m}-01")).pred_opt().unwrap();
    format!("{}-{:02}", first.year(), first.month())
}

/// Streaks by hand over every ranked month in order — imported (`truth.history`) then computed —
/// with `bottom` places out of each month's ranks, `length` for the penalty and its restart
/// option. Returns month → unit → streak.
fn hand_streaks(
    months: &[(String, BTreeMap<String, u32>)],
    bottom_n: u32,
    length: u32,
    restart: bool,
) -> BTreeMap<String, BTreeMap<String, u32>> {
    let mut out: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for (m, ranks) in months {
        let prev = out.get(&previous_month(m)).cloned().unwrap_or_default();
        let b = bottom(ranks, bottom_n);
        let streaks = ranks
            .keys()
            .map(|u| {
                let before = prev.get(u).copied().unwrap_or(0);
                let restarted = restart && before >= length;
                let s = match (b.contains(u), restarted) {
                    (false, _) => 0,
                    (true, true) => 1,
                    (true, false) => before + 1,
                };
                (u.clone(), s)
            })
            .collect();
        out.insert(m.clone(), streaks);
    }
    out
}

/// The imported months of `truth.history`: month → unit → rank.
fn imported_ranks(truth: &J) -> Vec<(String, BTreeMap<String, u32>)> {
    let mut by_month: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for h in truth["history"].as_array().unwrap() {
        by_month
            .entry(h["month"].as_str().unwrap().to_string())
            .or_default()
            .insert(
                h["unit"].as_str().unwrap().to_string(),
                h["rank"].as_u64().unwrap() as u32,
            );
    }
    by_month.into_iter().collect()
}

fn ranks(scores: &BTreeMap<String, f64>) -> BTreeMap<String, u32> {
    scores
        .iter()
        .map(|(u, s)| {
            (
                u.clone(),
                1 + scores.values().filter(|t| *t > s).count() as u32,
            )
        })
        .collect()
}

fn bottom(ranks: &BTreeMap<String, u32>, n: u32) -> Vec<String> {
    let count = ranks.len() as u32;
    ranks
        .iter()
        .filter(|(_, r)| {
            let tied = ranks.values().filter(|x| x == r).count() as u32;
            **r + tied - 1 + n > count
        })
        .map(|(u, _)| u.clone())
        .collect()
}

fn units(run: &J) -> BTreeMap<String, &J> {
    run["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["unit"].as_str().unwrap().to_string(), u))
        .collect()
}

/// Scores, ranks, bottom three, streaks (continuing from the imported months) and 表态发言 of
/// every month against the hand computation, with the shipped rules or `rules`.
fn check_against_hand(s: &Samples, rules: Option<&std::path::Path>, length: u32, restart: bool) {
    let truth = s.truth();
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), rules);
    let mut ranked = imported_ranks(&truth);
    let hand: Vec<BTreeMap<String, f64>> =
        s.months.iter().map(|m| hand_scores(&truth, m)).collect();
    for (m, h) in s.months.iter().zip(&hand) {
        ranked.push((m.to_string(), ranks(h)));
    }
    let streaks = hand_streaks(&ranked, 3, length, restart);
    for ((m, run), hand) in s.months.iter().zip(&runs).zip(&hand) {
        let r = ranks(hand);
        let b = bottom(&r, 3);
        let got = units(run);
        assert_eq!(got.len(), hand.len(), "{m}");
        for (u, score) in hand {
            let g = got[u];
            assert!(
                (g["score"].as_f64().unwrap() - score).abs() <= 0.01,
                "{m} {u}: {} != {score}",
                g["score"]
            );
            assert_eq!(g["rank"].as_u64().unwrap() as u32, r[u], "{m} {u} rank");
            assert_eq!(
                g["bottom"].as_bool().unwrap(),
                b.contains(u),
                "{m} {u} bottom"
            );
            let streak = streaks[*m][u];
            assert_eq!(
                g["streak"].as_u64().unwrap() as u32,
                streak,
                "{m} {u} streak"
            );
            let penalised = g["penalty_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "tv_statement");
            assert_eq!(penalised, streak >= length, "{m} {u} 表态发言");
        }
    }
}

fn scores_ranks_bottom_three_and_streaks_match_the_hand_computation(s: &Samples) {
    check_against_hand(s, None, 2, false);
}
on_samples!(scores_ranks_bottom_three_and_streaks_match_the_hand_computation);

fn streak_restart_option(s: &Samples) {
    let (_rules, rules) = edited_rules(&[(
        "scoring.toml",
        "restart_after = false",
        "restart_after = true",
    )]);
    check_against_hand(s, Some(&rules), 2, true);
}
on_samples!(streak_restart_option);

/// The bundled samples' imported months (07, 08) have the same two units in the bottom three:
/// their streaks go on through the computed months, in the workbook, the report and the notices.
#[test]
fn streaks_begun_in_imported_months_carry_on() {
    let s = Samples::own();
    let truth = s.truth();
    let imported = imported_ranks(&truth);
    let both: BTreeSet<String> = imported
        .iter()
        .map(|(_, r)| bottom(r, 3).into_iter().collect::<BTreeSet<_>>())
        .reduce(|a, b| a.intersection(&b).cloned().collect())
        .unwrap();
    assert!(
        !both.is_empty(),
        "the samples must exercise an imported streak"
    );
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(&s, out.path(), None);
    let mut ranked = imported.clone();
    for m in s.months {
        ranked.push((m.to_string(), ranks(&hand_scores(&truth, m))));
    }
    let streaks = hand_streaks(&ranked, 3, 2, false);
    let sep = units(&runs[0]);
    let mut carried = 0;
    for u in &both {
        if sep[u.as_str()]["bottom"] == J::Bool(true) {
            assert_eq!(streaks["2026-09"][u], 3, "{u}");
            assert_eq!(sep[u.as_str()]["streak"], 3, "{u}");
            let evidence = sep[u.as_str()]["evidence"][0].as_str().unwrap();
            assert!(
                evidence.contains("连续3个月排名后3位（2026年7月第")
                    && evidence.contains("、8月第")
                    && evidence.contains("、9月第"),
                "{evidence}"
            );
            carried += 1;
        }
    }
    assert!(carried > 0, "a unit bottom in 07, 08 and 09");
    // The same count in the workbook's 单位排名 sheet and the HTML report.
    let book = out
        .path()
        .join("2026-09")
        .join("2026年9月重点项目考核排名.xlsx");
    let html = std::fs::read_to_string(
        out.path()
            .join("2026-09")
            .join("2026年9月重点项目推进情况报告.html"),
    )
    .unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let sheet = wb.worksheet_range("单位排名").unwrap();
    for u in &both {
        if streaks["2026-09"][u] == 3 {
            let row = sheet
                .rows()
                .find(|r| r.iter().any(|c| c.to_string() == *u))
                .unwrap();
            assert!(
                row.iter()
                    .any(|c| *c == calamine::Data::Float(3.0) || *c == calamine::Data::Int(3)),
                "{u}: {row:?}"
            );
            assert!(html.contains("连续3个月排名后3位"), "{u}");
            let notice = runs[0]["notices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["recipient"] == u.as_str())
                .unwrap();
            assert!(
                notice["matters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m["text"].as_str().unwrap().contains("已连续3个月排名后3位")),
                "{u}: {notice}"
            );
        }
    }
}

#[test]
fn a_gap_month_breaks_an_imported_streak() {
    // Only 2026-07 imported, then 2026-09 computed: 2026-08 has no ranking.
    let s = Samples::own();
    let dir = tempfile::tempdir().unwrap();
    let hist = dir.path().join("历史排名.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["考核月份", "单位", "得分", "名次"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let july: Vec<&J> = s.truth()["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["month"] == "2026-07")
        .cloned()
        .collect::<Vec<_>>()
        .leak()
        .iter()
        .collect();
    for (i, h) in july.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, h["month"].as_str().unwrap()).unwrap();
        ws.write_string(r, 1, h["unit"].as_str().unwrap()).unwrap();
        ws.write_number(r, 2, h["score"].as_f64().unwrap()).unwrap();
        ws.write_number(r, 3, h["rank"].as_f64().unwrap()).unwrap();
    }
    wb.save(&hist).unwrap();
    let out = tempfile::tempdir().unwrap();
    Sanyipi::new()
        .args(["history", "import"])
        .arg(&hist)
        .out(out.path())
        .run()
        .expect_ok();
    let run = run_one_month(&s.month("2026-09"), "2026-09", out.path());
    for u in run["units"].as_array().unwrap() {
        let expected = u64::from(u["bottom"] == J::Bool(true));
        assert_eq!(u["streak"].as_u64().unwrap(), expected, "{}", u["unit"]);
    }
}

/// A unit that sent no report this month: its projects keep the last figures reported before
/// and score 0 for reporting.
fn a_missing_report_carries_the_last_figures_and_scores_zero_for_reporting(s: &Samples) {
    let truth = s.truth();
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let last = s.last_month();
    let sent = |m: &str| -> BTreeSet<String> {
        truth["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["month"] == m && x["submitted"].is_string())
            .map(|x| x["unit"].as_str().unwrap().to_string())
            .collect()
    };
    let before = s.months[s.months.len() - 2];
    let missing: Vec<String> = sent(before).difference(&sent(last)).cloned().collect();
    assert!(
        !missing.is_empty(),
        "the samples have a unit that sent nothing in {last}"
    );
    let run = runs.last().unwrap();
    let mut checked = 0;
    for t in truth["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["month"] == before && missing.iter().any(|u| t["unit"] == u.as_str()))
    {
        let p = run["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == t["project"])
            .unwrap();
        assert_eq!(p["reported"], J::Bool(false));
        assert_eq!(p["carried_from"], before);
        assert_eq!(p["figures"]["cum_invest"].as_f64(), t["cum"].as_f64());
        let reporting = p["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "reporting")
            .unwrap();
        assert_eq!(reporting["score"].as_f64(), Some(0.0));
        assert!(
            p["notes"][0]
                .as_str()
                .unwrap()
                .contains(&format!("沿用{before}"))
        );
        checked += 1;
    }
    assert!(checked > 0);
}
on_samples!(a_missing_report_carries_the_last_figures_and_scores_zero_for_reporting);

fn changing_a_weight_changes_the_ranking(s: &Samples) {
    let (_rules, rules) = edited_rules(&[
        (
            "scoring.toml",
            "name = \"投资完成\"\npoints = 50",
            "name = \"投资完成\"\npoints = 80",
        ),
        ("scoring.toml", "total = 100", "total = 130"),
    ]);
    let truth = s.truth();
    let out = tempfile::tempdir().unwrap();
    let changed = run_months(s, out.path(), Some(&rules));
    let mut differs = false;
    for (m, run) in s.months.iter().zip(&changed) {
        let hand = hand_scores_weighted(&truth, m, 80.0);
        let shipped = hand_scores(&truth, m);
        for (u, score) in &hand {
            let got = units(run)[u.as_str()]["score"].as_f64().unwrap();
            assert!((got - score).abs() <= 0.01, "{m} {u}: {got} != {score}");
            differs |= (score - shipped[u]).abs() > 0.01;
        }
    }
    assert!(differs, "a heavier investment part changes scores");
}
on_samples!(changing_a_weight_changes_the_ranking);

fn changing_bottom_n_and_streak_length_changes_penalties(s: &Samples) {
    let (_rules, rules) = edited_rules(&[
        ("scoring.toml", "bottom_n = 3", "bottom_n = 1"),
        ("scoring.toml", "bottom_streak = 2", "bottom_streak = 3"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), Some(&rules));
    let aug = units(&runs[0]);
    let bottoms: Vec<&String> = aug
        .iter()
        .filter(|(_, u)| u["bottom"] == J::Bool(true))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(bottoms.len(), 1, "only the last place with bottom_n = 1");
    let oct = units(runs.last().unwrap());
    for (name, u) in &oct {
        let penalised = u["penalty_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "tv_statement");
        assert_eq!(penalised, u["streak"].as_u64().unwrap() >= 3, "{name}");
    }
}
on_samples!(changing_bottom_n_and_streak_length_changes_penalties);

fn rerunning_a_month_needs_force_and_keeps_both_revisions(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let unit = runs.last().unwrap()["units"][0]["unit"]
        .as_str()
        .unwrap()
        .to_string();
    let out_s = out.path().to_str().unwrap();
    let rerun = Sanyipi::month(s.month("2026-10"), "2026-10").out(out.path());
    let again = rerun.clone().run().expect_code(2);
    insta::assert_snapshot!(
        "rerunning_a_month_needs_force_and_keeps_both_revisions",
        again.stderr
    );
    let folder = out.path().join("2026-10");
    let first: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    let r = rerun.arg("--force").run().expect_done();
    assert!(r.stdout.contains("第 2 版"));
    // The first revision's files are kept, byte for byte, under 历史版本.
    let kept = out.path().join("历史版本").join("2026-10").join("第1版");
    for (name, bytes) in &first {
        assert_eq!(&std::fs::read(kept.join(name)).unwrap(), bytes, "{name:?}");
    }
    assert!(folder.join(&first[0].0).is_file());
    let show = sanyipi(&["history", "show", "--out", out_s, "--unit", &unit]);
    assert!(show.stdout.contains("2026-10  第2版"), "{}", show.stdout);
    // With a suffix such as 人民政府, the same unit.
    let suffixed = sanyipi(&[
        "history",
        "show",
        "--out",
        out_s,
        "--unit",
        &format!("{unit}人民政府"),
    ]);
    assert_eq!(suffixed.stdout, show.stdout);
    let unknown = sanyipi(&["history", "show", "--out", out_s, "--unit", "无此乡"]);
    assert!(
        unknown
            .stderr
            .contains("历史记录中没有单位“无此乡”。已有的单位："),
        "{}",
        unknown.stderr
    );
    assert!(
        show.stdout
            .contains("上表为各月最新版本；重新运行前的旧版本保留在历史记录中: 2026-10 第1版"),
        "{}",
        show.stdout
    );
}
on_samples!(rerunning_a_month_needs_force_and_keeps_both_revisions);

/// What `explain` is asked about in each data set: project, its monthly cell, the unit with a
/// penalty.
fn explain_names_rules_and_cells(s: &Samples) {
    let (project, cell, unit) = match s.name {
        "own" => ("DH2026-004", "月报/东湖镇.xlsx!月报!F6", "北山镇"),
        _ => ("ZP2026-006", "月报/侯集镇.xlsx!月报!F4", "卢医镇"),
    };
    let out = tempfile::tempdir().unwrap();
    run_months(s, out.path(), None);
    let out_s = out.path().to_str().unwrap();
    let r = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--project",
        project,
        "--out",
        out_s,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(cell), "{}", r.stdout);
    assert!(r.stdout.contains("内置规则 scoring.toml:"), "{}", r.stdout);
    assert!(r.stdout.contains("签约后90个工作日内开工"), "{}", r.stdout);
    let name = match s.name {
        "own" => "explain_names_rules_and_cells_own".to_string(),
        _ => "explain_names_rules_and_cells".to_string(),
    };
    // The card line names the project's anchor in the month's 项目档案.
    let card = format!(
        "项目档案: {}#{project}",
        out.path()
            .join("2026-10")
            .join("2026年10月重点项目档案.html")
            .display()
    );
    assert!(r.stdout.contains(&card), "{}", r.stdout);
    insta::assert_snapshot!(name, r.stdout.replace(out_s, "[OUT]"));
    let r = sanyipi(&[
        "explain", "--month", "2026-10", "--unit", unit, "--out", out_s,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("表态发言"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("逐项说明请用 sanyipi explain --month 2026-10 --project 项目编号"),
        "{}",
        r.stdout
    );
    // A unit as a clerk writes it (with 人民政府), a code in lower case.
    let suffixed = format!("{unit}人民政府");
    let again = sanyipi(&[
        "explain", "--month", "2026-10", "--unit", &suffixed, "--out", out_s,
    ]);
    assert_eq!(again.stdout, r.stdout, "{}", again.stderr);
    let lower = project.to_ascii_lowercase();
    let again = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--project",
        &lower,
        "--out",
        out_s,
    ]);
    assert!(again.stdout.starts_with(project), "{}", again.stderr);
    // A name not found lists what there is.
    let missing = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--unit",
        "不存在乡",
        "--out",
        out_s,
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("2026-10 的考核结果中没有单位 不存在乡。考核的单位: ")
            && missing.stderr.contains(unit),
        "{}",
        missing.stderr
    );
    // The names of derived values are rules too (`[labels]` of scoring.toml).
    let (_keep, rules) = edited_rules(&[(
        "scoring.toml",
        "report_status = \"月报报送\"",
        "report_status = \"月报按时报送情况\"",
    )]);
    let r = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--project",
        project,
        "--out",
        out_s,
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains("月报按时报送情况"), "{}", r.stdout);
}
on_samples!(explain_names_rules_and_cells);

/// 县经开区's October report says DH2026-010 started but its 实际开工日期 reads “待定” (E021,
/// W060): the start date September reported is kept, shown as from history, and the start
/// deadline is met. Run alone, with no September in history, it is judged not started.
#[test]
fn a_start_date_reported_earlier_survives_an_unreadable_one() {
    let explained = |out: &std::path::Path| {
        let r = sanyipi(&[
            "explain",
            "--month",
            "2026-10",
            "--project",
            "DH2026-010",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    run_months(&s, out.path(), None);
    let with = explained(out.path());
    assert!(
        with.contains("实际开工日期 = 2026-04-16    来自 历史记录（此前月报所报）"),
        "{with}"
    );
    assert!(with.contains("开工: 20 / 20 分"), "{with}");
    let alone = tempfile::tempdir().unwrap();
    Sanyipi::month("samples/2026-10", "2026-10")
        .out(alone.path())
        .run()
        .assert_done();
    let without = explained(alone.path());
    assert!(without.contains("开工: 0 / 20 分"), "{without}");
}
