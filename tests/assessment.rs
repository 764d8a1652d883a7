//! The monthly assessment end to end on `../shared/samples/`, against the default scoring
//! computed by hand from `truth.json` — a computation independent of the engine and its rules.

mod common;

use chrono::NaiveDate;
use common::*;
use serde_json::Value as J;
use std::collections::BTreeMap;

fn d(s: &str) -> NaiveDate {
    date(s)
}

/// The default scoring table of domain.md, by hand: unit → score (2 decimals).
pub fn hand_scores(truth: &J, month: &str) -> BTreeMap<String, f64> {
    let as_of = d(&format!("{month}-25"));
    let mn: f64 = month[5..].parse().unwrap();
    let monthly: Vec<&J> = truth["monthly"].as_array().unwrap().iter().collect();
    let submitted = |unit: &str| -> Option<NaiveDate> {
        truth["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["month"] == month && s["unit"] == unit)
            .and_then(|s| s["submitted"].as_str())
            .map(d)
    };
    let mut by_unit: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for p in truth["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let unit = p["unit"].as_str().unwrap();
        let row = monthly
            .iter()
            .find(|m| m["month"] == month && m["project"] == id);
        // The last row reported before, for a project with none this month.
        let last = monthly
            .iter()
            .filter(|m| m["project"] == id && m["month"].as_str().unwrap() < month)
            .max_by_key(|m| m["month"].as_str().unwrap().to_string());
        let used = row.or(last);
        let cum = used.map(|r| r["cum"].as_f64().unwrap()).unwrap_or(0.0);
        let annual = p["annual"].as_f64().unwrap();
        let invest = 50.0 * ((cum / annual) / (mn / 12.0)).min(1.0);
        let due = match p["kind"].as_str().unwrap() {
            "重大招商项目" => add_workdays(d(p["sign"].as_str().unwrap()), 90),
            _ => add_workdays(d(p["land"].as_str().unwrap()), 50),
        };
        let start = used.and_then(|r| r["start"].as_str()).map(d);
        let start_pts = match start {
            Some(s) if s <= due => 20.0,
            Some(_) => 10.0,
            None if as_of > due => 0.0,
            None => 20.0,
        };
        let done = used.map(|r| r["done"].as_bool().unwrap()).unwrap_or(false);
        let completion = if done || as_of <= d(p["planned_done"].as_str().unwrap()) {
            10.0
        } else {
            0.0
        };
        let procs = p["procs"].as_array().unwrap();
        let ok = procs
            .iter()
            .filter(|q| {
                let due = d(q["due"].as_str().unwrap());
                match q["finished"].as_str().map(d).filter(|f| *f <= as_of) {
                    Some(f) => f <= due,
                    None => as_of <= due,
                }
            })
            .count();
        let procedures = if procs.is_empty() {
            10.0
        } else {
            10.0 * ok as f64 / procs.len() as f64
        };
        let reporting = match (row, submitted(unit)) {
            (Some(_), Some(s)) if s <= d(&format!("{month}-22")) => 10.0,
            (Some(_), Some(_)) => 5.0,
            _ => 0.0,
        };
        by_unit
            .entry(unit.to_string())
            .or_default()
            .push(invest + start_pts + completion + procedures + reporting);
    }
    by_unit
        .into_iter()
        .map(|(u, v)| {
            (
                u,
                ((v.iter().sum::<f64>() / v.len() as f64) * 100.0).round() / 100.0,
            )
        })
        .collect()
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

#[test]
fn scores_ranks_bottom_three_and_streaks_match_the_hand_computation() {
    let truth: J = serde_json::from_str(
        &std::fs::read_to_string(shared_samples().join("truth.json")).unwrap(),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let runs = run_shared_months(out.path(), None);
    // Streaks start from the imported history: bottom three of 2026-07 by its ranks.
    let hist: Vec<&J> = truth["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["month"] == "2026-07")
        .collect();
    let hist_ranks: BTreeMap<String, u32> = hist
        .iter()
        .map(|h| {
            (
                h["unit"].as_str().unwrap().to_string(),
                h["rank"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    let mut streak: BTreeMap<String, u32> =
        bottom(&hist_ranks, 3).into_iter().map(|u| (u, 1)).collect();
    let hist6: BTreeMap<String, u32> = truth["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["month"] == "2026-06")
        .map(|h| {
            (
                h["unit"].as_str().unwrap().to_string(),
                h["rank"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    for u in bottom(&hist6, 3) {
        if let Some(s) = streak.get_mut(&u) {
            *s += 1;
        }
    }
    for (m, run) in ["2026-08", "2026-09", "2026-10"].iter().zip(&runs) {
        let hand = hand_scores(&truth, m);
        let r = ranks(&hand);
        let b = bottom(&r, 3);
        let got = units(run);
        assert_eq!(got.len(), hand.len(), "{m}");
        let mut next = BTreeMap::new();
        for (u, score) in &hand {
            let g = got[u];
            assert!(
                (g["score"].as_f64().unwrap() - score).abs() <= 0.01,
                "{m} {u}: {} != {score}",
                g["score"]
            );
            assert_eq!(g["rank"].as_u64().unwrap() as u32, r[u], "{m} {u} rank");
            let is_bottom = b.contains(u);
            assert_eq!(g["bottom"].as_bool().unwrap(), is_bottom, "{m} {u} bottom");
            let s = if is_bottom {
                streak.get(u).copied().unwrap_or(0) + 1
            } else {
                0
            };
            assert_eq!(g["streak"].as_u64().unwrap() as u32, s, "{m} {u} streak");
            let penalised = g["penalty_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "tv_statement");
            assert_eq!(penalised, s >= 2, "{m} {u} 表态发言");
            next.insert(u.clone(), s);
        }
        streak = next;
    }
}

#[test]
fn a_missing_report_carries_the_last_figures_and_scores_zero_for_reporting() {
    let out = tempfile::tempdir().unwrap();
    let runs = run_shared_months(out.path(), None);
    let oct = &runs[2];
    let p = oct["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "ZP2026-027")
        .unwrap();
    assert_eq!(p["reported"], J::Bool(false));
    assert_eq!(p["carried_from"], "2026-09");
    assert_eq!(p["figures"]["cum_invest"].as_f64(), Some(12003.9));
    let reporting = p["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "reporting")
        .unwrap();
    assert_eq!(reporting["score"].as_f64(), Some(0.0));
    assert!(p["notes"][0].as_str().unwrap().contains("沿用2026-09"));
}

fn edited_rules(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    for (file, from, to) in edits {
        let path = rules.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    dir
}

#[test]
fn changing_a_weight_changes_the_ranking() {
    let rules = edited_rules(&[(
        "scoring.toml",
        "name = \"投资完成\"\npoints = 50",
        "name = \"投资完成\"\npoints = 80",
    )]);
    let out = tempfile::tempdir().unwrap();
    let changed = run_shared_months(out.path(), Some(&rules.path().join("rules")));
    let out2 = tempfile::tempdir().unwrap();
    let shipped = run_shared_months(out2.path(), None);
    let score = |run: &J, u: &str| units(run)[u]["score"].as_f64().unwrap();
    assert!(score(&changed[2], "曲屯镇") > score(&shipped[2], "曲屯镇"));
    let order = |run: &J| {
        run["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_ne!(
        order(&changed[2]),
        order(&shipped[2]),
        "a heavier investment part reorders units"
    );
}

#[test]
fn changing_bottom_n_and_streak_length_changes_penalties() {
    let rules = edited_rules(&[
        ("scoring.toml", "bottom_n = 3", "bottom_n = 1"),
        ("scoring.toml", "bottom_streak = 2", "bottom_streak = 3"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let runs = run_shared_months(out.path(), Some(&rules.path().join("rules")));
    let aug = units(&runs[0]);
    let bottoms: Vec<&String> = aug
        .iter()
        .filter(|(_, u)| u["bottom"] == J::Bool(true))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(bottoms.len(), 1, "only the last place with bottom_n = 1");
    let oct = units(&runs[2]);
    for (name, u) in &oct {
        let penalised = u["penalty_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "tv_statement");
        assert_eq!(penalised, u["streak"].as_u64().unwrap() >= 3, "{name}");
    }
}

#[test]
fn streak_restart_option() {
    let rules = edited_rules(&[(
        "scoring.toml",
        "restart_after = false",
        "restart_after = true",
    )]);
    let out = tempfile::tempdir().unwrap();
    let runs = run_shared_months(out.path(), Some(&rules.path().join("rules")));
    // 卢医镇 is bottom three in 2026-07 and every month after: penalised at 2, restarts, 1, 2.
    let streaks: Vec<u64> = runs
        .iter()
        .map(|r| units(r)["卢医镇"]["streak"].as_u64().unwrap())
        .collect();
    assert_eq!(streaks, vec![2, 1, 2]);
}

#[test]
fn rerunning_a_month_needs_force_and_keeps_both_revisions() {
    let out = tempfile::tempdir().unwrap();
    run_shared_months(out.path(), None);
    let input = shared_samples().join("2026-10");
    let out_s = out.path().to_str().unwrap();
    let args = [
        "run",
        "--input",
        input.to_str().unwrap(),
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
        out_s,
    ];
    let again = sanyipi(&args);
    assert_eq!(again.code, 2);
    insta::assert_snapshot!(again.stderr);
    let mut forced = args.to_vec();
    forced.push("--force");
    let r = sanyipi(&forced);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("第 2 版"));
    let show = sanyipi(&["history", "show", "--out", out_s, "--unit", "卢医镇"]);
    assert!(show.stdout.contains("2026-10 第2版"), "{}", show.stdout);
    assert!(
        show.stdout.contains("另有重新运行的版本: 2026-10 第2版"),
        "{}",
        show.stdout
    );
}

#[test]
fn explain_names_rules_and_cells() {
    let out = tempfile::tempdir().unwrap();
    run_shared_months(out.path(), None);
    let out_s = out.path().to_str().unwrap();
    let r = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--project",
        "ZP2026-006",
        "--out",
        out_s,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("月报/侯集镇.xlsx!月报!F4"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("rules/scoring.toml:"), "{}", r.stdout);
    assert!(r.stdout.contains("签约后90个工作日内开工"), "{}", r.stdout);
    insta::assert_snapshot!(r.stdout);
    let r = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--unit",
        "卢医镇",
        "--out",
        out_s,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("表态发言"), "{}", r.stdout);
}
