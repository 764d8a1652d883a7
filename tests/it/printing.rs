//! HTML pages print (issue 22, point 2): every table repeats its header on each printed page
//! (`<thead>`), pages are numbered in print, dates, codes and unit names never break inside, and
//! the report's footer names the issuing offices from the rules, not the tool.

use crate::common::{Samples, edited_rules, root, run_months, sanyipi};
use std::path::{Path, PathBuf};

/// Every `.html` file below `dir`, but the notices (they follow GB/T 9704, not this layout).
fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if !p.ends_with("督查通知") {
                out.extend(pages(&p));
            }
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
    out
}

/// The sample year's pages: the months, the weekly report, the calendar and the annual summary.
fn sample_pages(out: &Path) -> Vec<PathBuf> {
    run_months(&Samples::own(), out, None);
    let o = out.to_str().unwrap();
    for args in [
        vec!["annual", "--year", "2026", "--out", o],
        vec!["calendar", "--month", "2026-10", "--out", o],
        vec![
            "weekly",
            "--input",
            "samples/2026-10",
            "--week",
            "2026-10-12",
            "--out",
            o,
        ],
    ] {
        let r = sanyipi(&args);
        assert!(r.code <= 1, "{args:?}: {}", r.stderr);
    }
    let all = pages(out);
    for needle in ["推进情况报告", "年度", "日程", "周"] {
        assert!(
            all.iter().any(|p| p.to_string_lossy().contains(needle)),
            "no page of {needle} in {all:?}"
        );
    }
    all
}

#[test]
fn every_table_repeats_its_header_and_pages_are_numbered() {
    let out = tempfile::tempdir().unwrap();
    for page in sample_pages(out.path()) {
        let html = std::fs::read_to_string(&page).unwrap();
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        let tables = html.matches("<table").count();
        assert!(tables > 0, "{name}: no table");
        assert_eq!(html.matches("<thead>").count(), tables, "{name}");
        assert!(html.contains("counter(page)"), "{name}: no page numbers");
        assert!(!html.contains("sanyipi 根据"), "{name} names the tool");
        // Every date in a table cell sits in a cell or span that does not wrap.
        for cell in html.split("<td").skip(1) {
            let text = cell.split("</td>").next().unwrap();
            if text.starts_with(" class=\"nw\"") {
                continue;
            }
            for at in dates(text) {
                assert!(
                    text[..at].ends_with("<span class=\"nw\">"),
                    "{name}: a date that may break: <td{text}"
                );
            }
        }
    }
}

/// Where `s` holds a date written `2026-10-25` (the tables' dates).
fn dates(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9))
        .filter(|&i| {
            (i == 0 || !b[i - 1].is_ascii_digit())
                && b[i..i + 10].iter().enumerate().all(|(k, c)| match k {
                    4 | 7 => *c == b'-',
                    _ => c.is_ascii_digit(),
                })
        })
        .collect()
}

#[test]
fn the_report_footer_names_the_issuers_of_the_rules() {
    let out = tempfile::tempdir().unwrap();
    let (_keep, rules) = edited_rules(&[(
        "notices.toml",
        "issuers = [\"镇平县委县政府督查中心\", \"镇平县重点项目办公室\"]",
        "issuers = [\"某县项目推进办\"]",
    )]);
    run_months(&Samples::own(), out.path(), Some(&rules));
    let report = out
        .path()
        .join("2026-10/2026年10月重点项目推进情况报告.html");
    let html = std::fs::read_to_string(report).unwrap();
    assert!(
        html.contains("某县项目推进办编制"),
        "the footer ignores the rules"
    );
    assert!(!html.contains("sanyipi"));
    let _ = root();
}
