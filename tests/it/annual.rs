//! `sanyipi annual`: after importing `samples/历史排名.xlsx` and running the sample months of
//! the project's own `samples/`, each unit's months equal the monthly results (read from each
//! month's run.json and from the imported file), and the annual ranks equal an independent
//! computation (mean of the monthly scores, ties shared). Also the rule and the HTML page.

use crate::common::*;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use serde_json::Value as J;
use std::collections::BTreeMap;
use std::path::Path;

const MONTHS: &[&str] = &["2026-09", "2026-10"];

/// (month → unit → (score, rank)) of the monthly results: the imported file read here, the
/// computed months from their run.json.
type Results = BTreeMap<String, BTreeMap<String, (f64, u32)>>;

fn imported(path: &Path) -> Results {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let mut out = Results::new();
    for row in range.rows().skip(1) {
        let month = row[0].to_string();
        let unit = row[1].to_string();
        let score = row[2].as_f64().unwrap();
        let rank = row[3].as_f64().unwrap() as u32;
        out.entry(month).or_default().insert(unit, (score, rank));
    }
    out
}

/// Imports history and runs the sample months into `out` (with `rules` if given).
fn run_samples(out: &Path, rules: Option<&Path>, samples: &Path) -> (Results, Vec<String>) {
    let hist = samples.join("历史排名.xlsx");
    Sanyipi::new()
        .args(["history", "import"])
        .arg(&hist)
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_ok();
    let mut results = imported(&hist);
    let months: Vec<String> = std::fs::read_dir(samples)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().to_string();
            (n.len() == 7 && n.starts_with("2026-")).then_some(n)
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for m in &months {
        let json = Sanyipi::month(samples.join(m), m)
            .out(out)
            .rules_opt(rules)
            .run()
            .expect_done()
            .json(&format!("{m}/run.json"));
        let units = results.entry(m.clone()).or_default();
        for u in json["units"].as_array().unwrap() {
            units.insert(
                u["unit"].as_str().unwrap().to_string(),
                (
                    u["score"].as_f64().unwrap(),
                    u["rank"].as_u64().unwrap() as u32,
                ),
            );
        }
    }
    (results, months)
}

/// The independent annual ranking: mean of each unit's monthly scores to 2 decimals, ranked
/// highest first with shared ranks.
fn expected_annual(results: &Results) -> BTreeMap<String, (f64, u32)> {
    let mut scores: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for units in results.values() {
        for (u, (s, _)) in units {
            scores.entry(u.clone()).or_default().push(*s);
        }
    }
    let means: BTreeMap<String, f64> = scores
        .into_iter()
        .map(|(u, v)| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            (u, (m * 100.0).round() / 100.0)
        })
        .collect();
    means
        .iter()
        .map(|(u, m)| {
            let rank = 1 + means.values().filter(|o| *o > m).count() as u32;
            (u.clone(), (*m, rank))
        })
        .collect()
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::DateTime(x) => x.as_datetime().unwrap().date().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A day of 2026 after the sample months: their year is not over, so no month after the last
/// recorded one is missing, whenever the tests run.
const IN_2026: &str = "2026-11-30";

fn check_annual(out: &Path, results: &Results, computed: &[String]) {
    let r = Sanyipi::new()
        .args(["annual", "--year", "2026"])
        .out(out)
        .env("SANYIPI_TODAY", IN_2026)
        .run();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let book = out.join("年度汇总/2026/2026年度重点项目考核汇总.xlsx");
    // 逐月得分: header on row 3, then per month a score and a rank column.
    let rows = sheet(&book, "逐月得分");
    let header: Vec<String> = rows[2].iter().map(text).collect();
    let months: Vec<&String> = results.keys().collect();
    assert_eq!(header.len(), 1 + 2 * months.len(), "{header:?}");
    for (i, m) in months.iter().enumerate() {
        let label = &header[1 + 2 * i];
        assert!(label.starts_with(m.as_str()), "{label}");
        assert_eq!(
            label.contains("导入"),
            !computed.contains(m),
            "{label} marked as imported or computed"
        );
    }
    let mut seen = 0;
    // Each month over its 得分 and 名次: the header takes rows 3 and 4.
    assert_eq!(text(&rows[3][1]), "得分");
    for row in &rows[4..] {
        let unit = text(&row[0]);
        for (i, m) in months.iter().enumerate() {
            let (score, rank) = results[*m][&unit];
            assert_eq!(row[1 + 2 * i].as_f64(), Some(score), "{unit} {m} score");
            assert_eq!(
                row[2 + 2 * i].as_f64(),
                Some(rank as f64),
                "{unit} {m} rank"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, results[months[0]].len());
    // 年度排名 against the independent computation.
    let expected = expected_annual(results);
    let rows = sheet(&book, "年度排名");
    assert_eq!(rows.len() - 3, expected.len());
    for row in &rows[3..] {
        let unit = text(&row[1]);
        let (mean, rank) = expected[&unit];
        assert_eq!(row[0].as_f64(), Some(rank as f64), "{unit} annual rank");
        assert_eq!(row[2].as_f64(), Some(mean), "{unit} mean score");
        assert_eq!(
            row[3].as_f64(),
            Some(months.len() as f64),
            "{unit} counted months"
        );
        let bottoms = months
            .iter()
            .filter(|m| {
                let ranks: Vec<u32> = results[**m].values().map(|x| x.1).collect();
                let r = results[**m][&unit].1;
                let tied = ranks.iter().filter(|x| **x == r).count() as u32;
                r + tied - 1 + 3 > ranks.len() as u32
            })
            .count();
        assert_eq!(
            row[4].as_f64(),
            Some(bottoms as f64),
            "{unit} bottom-three count"
        );
    }
    // 督查通知: every notice of the year (to units, departments and the escalation lists), in
    // the order of its number, against the months' run.json.
    let rows = sheet(&book, "督查通知");
    let listed: Vec<String> = rows[3..].iter().map(|r| text(&r[0])).collect();
    let mut issued: Vec<(u32, String)> = Vec::new();
    for m in computed {
        let run: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(m).join("run.json")).unwrap())
                .unwrap();
        for n in run["notices"].as_array().unwrap() {
            issued.push((
                n["seq"].as_u64().unwrap() as u32,
                n["number"].as_str().unwrap().into(),
            ));
        }
    }
    issued.sort();
    let issued: Vec<String> = issued.into_iter().map(|(_, n)| n).collect();
    assert_eq!(listed, issued);
    // The rank chart is in the workbook, the SVG chart in the page.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&book).unwrap()).unwrap();
    assert!(z.by_name("xl/charts/chart1.xml").is_ok(), "rank chart");
    let html =
        std::fs::read_to_string(out.join("年度汇总/2026/2026年度重点项目考核汇总.html")).unwrap();
    assert_eq!(
        html.matches("<polyline").count(),
        expected.len(),
        "one line per unit"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

#[test]
fn annual_summary_of_the_sample_year() {
    let out = tempfile::tempdir().unwrap();
    let (results, computed) = run_samples(out.path(), None, &root().join("samples"));
    assert_eq!(computed, MONTHS);
    assert_eq!(results.len(), 4, "two imported and two computed months");
    check_annual(out.path(), &results, &computed);
    // Same inputs, same bytes.
    let book = out
        .path()
        .join("年度汇总/2026/2026年度重点项目考核汇总.xlsx");
    let first = std::fs::read(&book).unwrap();
    let r = Sanyipi::new()
        .args(["annual", "--year", "2026"])
        .out(out.path())
        .env("SANYIPI_TODAY", IN_2026)
        .run()
        .expect_ok();
    assert_eq!(
        std::fs::read(&book).unwrap(),
        first,
        "deterministic workbook"
    );
    // Penalties carry their months and notice numbers from history.
    let rows = sheet(&book, "年度排名");
    let header: Vec<String> = rows[2].iter().map(text).collect();
    let tv = header.iter().position(|h| h == "表态发言").unwrap();
    let with_tv: Vec<String> = rows[3..]
        .iter()
        .map(|r| text(&r[tv]))
        .filter(|t| !t.is_empty())
        .collect();
    assert!(!with_tv.is_empty());
    assert!(
        with_tv
            .iter()
            .all(|t| t.contains("2026-") && t.contains("镇督查〔2026〕")),
        "{with_tv:?}"
    );
    // 项目推进: each project of the latest month with its plan and cumulative investment.
    let json: J = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2026-10/run.json")).unwrap(),
    )
    .unwrap();
    let rows = sheet(&book, "项目推进");
    let projects = json["projects"].as_array().unwrap();
    assert_eq!(rows.len() - 3, projects.len());
    let mut starts = 0;
    for p in projects {
        let id = p["id"].as_str().unwrap();
        let row = rows[3..].iter().find(|r| text(&r[0]) == id).unwrap();
        assert_eq!(text(&row[1]), p["name"].as_str().unwrap());
        assert_eq!(text(&row[2]), p["unit"].as_str().unwrap());
        let plan = p["annual_plan"].as_f64().unwrap();
        let cum = p["figures"]["cum_invest"].as_f64();
        assert_eq!(row[3].as_f64(), Some(plan), "{id} plan");
        assert_eq!(row[4].as_f64(), cum, "{id} cumulative");
        if let Some(c) = cum {
            assert!(
                (row[5].as_f64().unwrap() - c / plan * 100.0).abs() < 1e-9,
                "{id} share"
            );
        }
        let start = json["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["project"] == id && d["rule"].as_str().unwrap().starts_with("start_"));
        if let Some(d) = start {
            assert_eq!(
                text(&row[7]),
                d["due"].as_str().unwrap_or(""),
                "{id} start due"
            );
            assert_eq!(
                text(&row[8]),
                d["status_label"].as_str().unwrap(),
                "{id} start status"
            );
            starts += 1;
        }
    }
    assert_eq!(
        starts,
        projects.len(),
        "every project has its start deadline"
    );
    // The terminal summary and the page, as snapshots (the temporary folder left out).
    let shown: Vec<&str> = r
        .stdout
        .lines()
        .take_while(|l| !l.starts_with("输出目录"))
        .collect();
    insta::assert_snapshot!("annual_stdout", shown.join("\n"));
    let html = std::fs::read_to_string(
        out.path()
            .join("年度汇总/2026/2026年度重点项目考核汇总.html"),
    )
    .unwrap();
    insta::assert_snapshot!("annual_html", html);
}

#[test]
fn the_annual_rule_is_data() {
    let (_tmp, dir) = edited_rules(&[(
        "annual.toml",
        "include_imported = true",
        "include_imported = false",
    )]);
    let out = tempfile::tempdir().unwrap();
    let (mut results, _) = run_samples(out.path(), Some(&dir), &root().join("samples"));
    Sanyipi::new()
        .args(["annual", "--year", "2026"])
        .out(out.path())
        .rules(&dir)
        .run()
        .expect_ok();
    results.retain(|m, _| MONTHS.contains(&m.as_str()));
    let expected = expected_annual(&results);
    let rows = sheet(
        &out.path()
            .join("年度汇总/2026/2026年度重点项目考核汇总.xlsx"),
        "年度排名",
    );
    for row in &rows[3..] {
        let unit = text(&row[1]);
        assert_eq!(
            row[2].as_f64(),
            Some(expected[&unit].0),
            "{unit}: only computed months count"
        );
        assert_eq!(row[0].as_f64(), Some(expected[&unit].1 as f64), "{unit}");
    }
}

#[test]
fn a_bad_annual_rule_points_at_file_line_col() {
    let (_tmp, dir) = edited_rules(&[(
        "annual.toml",
        "aggregate = \"mean\"",
        "aggregate = \"average\"",
    )]);
    let r = sanyipi(&["rules", "check", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!(r.stderr.replace(dir.to_str().unwrap(), "<rules>"));
}

#[test]
fn a_month_missing_between_recorded_ones_is_said() {
    let out = tempfile::tempdir().unwrap();
    Sanyipi::new()
        .args(["history", "import"])
        .arg(root().join("samples/历史排名.xlsx"))
        .out(out.path())
        .run()
        .expect_ok();
    // July and August imported, October run: September is missing.
    Sanyipi::month("samples/2026-10", "2026-10")
        .out(out.path())
        .run()
        .assert_done();
    let r = Sanyipi::new()
        .args(["annual", "--year", "2026"])
        .out(out.path())
        .env("SANYIPI_TODAY", IN_2026)
        .run()
        .expect_code(0);
    assert!(
        r.stdout
            .contains("2026-10（缺少 2026-09 的记录，年度结果只计已记录的月份）"),
        "{}",
        r.stdout
    );
    let html = std::fs::read_to_string(
        out.path()
            .join("年度汇总/2026/2026年度重点项目考核汇总.html"),
    )
    .unwrap();
    assert!(html.contains("缺少 2026-09 的记录"), "{html}");
}

/// The months after the last recorded one are missing too once the year is over: a later
/// year's month is recorded (December never assessed, January run), or today is in a later
/// year. Said in the terminal (a 注意 on stderr, the 月份 line) and in the page and workbook.
#[test]
fn months_missing_at_the_end_of_a_year_over_are_said() {
    let out = tempfile::tempdir().unwrap();
    Sanyipi::new()
        .args(["history", "import"])
        .arg(root().join("samples/历史排名.xlsx"))
        .out(out.path())
        .run()
        .expect_ok();
    // July and August imported, September and October run.
    for m in MONTHS {
        Sanyipi::month(format!("samples/{m}"), m)
            .out(out.path())
            .run()
            .assert_done();
    }
    let annual = |today: &str| {
        Sanyipi::new()
            .args(["annual", "--year", "2026"])
            .out(out.path())
            .env("SANYIPI_TODAY", today)
            .run()
            .expect_code(0)
    };
    let r = annual(IN_2026);
    assert!(!r.stdout.contains("缺少"), "{}", r.stdout);
    assert!(!r.stderr.contains("缺少"), "{}", r.stderr);
    let r = annual("2027-01-04");
    let said = "2026-10（缺少 2026-11、2026-12 的记录，年度结果只计已记录的月份）";
    assert!(r.stdout.contains(said), "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "注意：历史中没有 2026-11、2026-12 的考核记录，2026 年度结果只计已记录的 4 个月"
        ),
        "{}",
        r.stderr
    );
    let dir = out.path().join("年度汇总/2026");
    let html = std::fs::read_to_string(dir.join("2026年度重点项目考核汇总.html")).unwrap();
    assert!(html.contains("缺少 2026-11、2026-12 的记录"), "{html}");
    let rows = sheet(&dir.join("2026年度重点项目考核汇总.xlsx"), "年度排名");
    let said_in_book = rows
        .iter()
        .flatten()
        .any(|c| text(c).contains("缺少 2026-11、2026-12 的记录"));
    assert!(said_in_book, "{rows:?}");
    // A later year's month recorded says so whatever today is: January 2027 imported.
    let file = out.path().join("2027年1月.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["考核月份", "单位", "得分", "名次"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, u) in ["东湖镇", "北山镇"].iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, "2027-01").unwrap();
        ws.write_string(row, 1, *u).unwrap();
        ws.write_number(row, 2, 90.0 - 10.0 * f64::from(row))
            .unwrap();
        ws.write_number(row, 3, f64::from(row)).unwrap();
    }
    wb.save(&file).unwrap();
    Sanyipi::new()
        .args(["history", "import"])
        .arg(&file)
        .out(out.path())
        .env("SANYIPI_TODAY", "2027-02-01")
        .run()
        .expect_ok();
    let r = annual(IN_2026);
    assert!(r.stdout.contains(said), "{}", r.stdout);
}

#[test]
fn annual_without_history_cannot_run() {
    let out = tempfile::tempdir().unwrap();
    let r = Sanyipi::new()
        .args(["annual", "--year", "2026"])
        .out(out.path())
        .run()
        .expect_code(2);
    insta::assert_snapshot!(r.stderr.replace(out.path().to_str().unwrap(), "<out>"));
    assert!(!out.path().join("history.sqlite").exists());
}

#[cfg(feature = "shared-samples")]
#[test]
fn annual_summary_of_the_shared_samples() {
    let out = tempfile::tempdir().unwrap();
    let (results, computed) = run_samples(out.path(), None, &shared_samples());
    check_annual(out.path(), &results, &computed);
}

/// The 督查通知 column of `annual`'s printed table, per unit.
fn notices_per_unit(out: &str, year: &str) -> BTreeMap<String, String> {
    let r = sanyipi(&["annual", "--year", year, "--out", out]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
        .lines()
        .skip_while(|l| !l.starts_with("年度名次"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[1].to_string(), cols.last().unwrap().to_string())
        })
        .collect()
}

/// Each notice's number and task ids in a month's run.json.
fn numbers_and_tasks(out: &Path, month: &str) -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(out.join(month).join("run.json")).unwrap();
    let run: J = serde_json::from_str(&text).unwrap();
    let list = |key: &str, field: &str| -> Vec<String> {
        run[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n[field].as_str().unwrap().to_string())
            .collect()
    };
    (list("notices", "number"), list("tasks", "id"))
}

/// A forced re-run keeps the numbers of the notices it issues again, year included, whatever
/// its issue date: October re-run with its notices dated 2027-01-04 used to take 2027's numbers
/// and withdraw 2026's, so the tasks' ids changed (their answers no longer counted) and 2026's
/// annual summary lost the month's notices.
#[test]
fn a_re_run_issued_the_next_year_keeps_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--input",
            "samples/2026-10",
            "--month",
            "2026-10",
            "--as-of",
            "2026-10-25",
            "--out",
            out,
        ];
        args.extend(extra);
        let r = sanyipi(&args);
        r.assert_done();
        r
    };
    run(&[]);
    let first = numbers_and_tasks(dir.path(), "2026-10");
    assert!(first.0[0].starts_with("镇督查〔2026〕"), "{first:?}");
    let before = notices_per_unit(out, "2026");
    assert_eq!(before["北山镇"], "1", "{before:?}");
    let again = run(&["--force", "--issue-date", "2027-01-04"]);
    assert!(!again.stdout.contains("〔2027〕"), "{}", again.stdout);
    assert!(
        !again.stdout.contains("本次考核已无此任务"),
        "{}",
        again.stdout
    );
    assert_eq!(numbers_and_tasks(dir.path(), "2026-10"), first);
    assert_eq!(notices_per_unit(out, "2026"), before);
    let h = rusqlite::Connection::open(dir.path().join("history.sqlite")).unwrap();
    let withdrawn: i64 = h
        .query_row("SELECT COUNT(*) FROM notice WHERE withdrawn = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(withdrawn, 0);
}

/// A month's notices count in the annual summary of the month's year, whatever year their
/// numbers are of: October first run with its notices issued on 2027-01-04 is numbered in 2027
/// and counted in 2026's summary.
#[test]
fn a_months_notices_count_in_its_own_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let base = [
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
    ];
    let mut args = base.to_vec();
    args.extend([out, "--issue-date", "2027-01-04"]);
    sanyipi(&args).assert_done();
    let (numbers, _) = numbers_and_tasks(dir.path(), "2026-10");
    assert!(numbers[0].starts_with("镇督查〔2027〕"), "{numbers:?}");
    let counted = notices_per_unit(out, "2026");
    assert_eq!(counted["北山镇"], "1", "{counted:?}");
}

/// An import file of 2025-10 to 2026-06 ranking five units 1 to 5, 石佛寺镇 last every month but
/// March 2026, when it swaps with 马庄乡 (first).
fn streak_over_new_year(path: &Path) {
    let units = ["马庄乡", "涅阳街道", "雪枫街道", "县产业集聚区", "石佛寺镇"];
    let months = [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["考核月份", "单位", "得分", "名次"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut row = 1;
    for m in months {
        for (i, u) in units.iter().enumerate() {
            let rank = match (m, i) {
                ("2026-03", 0) => 5,
                ("2026-03", 4) => 1,
                _ => i as u32 + 1,
            };
            ws.write_string(row, 0, m).unwrap();
            ws.write_string(row, 1, *u).unwrap();
            ws.write_number(row, 2, f64::from(95 - 5 * rank)).unwrap();
            ws.write_number(row, 3, f64::from(rank)).unwrap();
            row += 1;
        }
    }
    wb.save(path).unwrap();
}

/// 最长连续后3位 of a year counts that year's months only: 石佛寺镇's run from October 2025 is
/// 5 months long by February 2026, but the 2026 summary counts January and February (2), then
/// April to June (3), in the printed table, the workbook and the page alike.
#[test]
fn the_longest_streak_of_a_year_counts_only_its_months() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("历史排名.xlsx");
    streak_over_new_year(&file);
    Sanyipi::new()
        .args(["history", "import"])
        .arg(&file)
        .out(out.path())
        .run()
        .expect_ok();
    let r = Sanyipi::new()
        .args(["annual", "--year", "2026"])
        .out(out.path())
        .run()
        .expect_code(0);
    let line = r.stdout.lines().find(|l| l.contains("石佛寺镇")).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    // 年度名次 单位 月均得分 计入月数 后3位次数 最长连续后3位 …
    assert_eq!(cells[1..6], ["石佛寺镇", "73.33", "6", "5", "3"], "{line}");
    let dir = out.path().join("年度汇总/2026");
    let rows = sheet(&dir.join("2026年度重点项目考核汇总.xlsx"), "年度排名");
    let row = rows.iter().find(|r| text(&r[1]) == "石佛寺镇").unwrap();
    assert_eq!(
        row[3..6].iter().map(|d| d.as_f64()).collect::<Vec<_>>(),
        [Some(6.0), Some(5.0), Some(3.0)]
    );
    let html = std::fs::read_to_string(dir.join("2026年度重点项目考核汇总.html")).unwrap();
    assert!(
        html.contains(
            "<td class=\"nw\">石佛寺镇</td><td class=\"num\">73.33</td><td class=\"num\">6</td>\
             <td class=\"num\">5</td><td class=\"num\">3</td>"
        ),
        "{html}"
    );
}
