//! Benchmarks, classes, exemptions and last year's class switched by editing `evaluate.toml` alone;
//! the year of the folder, a bad formula's location, the HTML page and deterministic bytes.

use super::*;

const FIXED: [f64; 6] = [20.0, 80.0, 3.0, 1000.0, 25.0, 4.0];

#[test]
fn fixed_benchmarks_by_rules_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut edited = String::new();
    let shipped = std::fs::read_to_string(root().join("rules/evaluate.toml")).unwrap();
    // Each indicator's `benchmark = "mean"` in turn becomes its fixed figure.
    let mut rest = shipped.as_str();
    for f in FIXED {
        let at = rest.find("\nbenchmark = \"mean\"").unwrap();
        edited.push_str(&rest[..at]);
        edited.push_str(&format!("\nbenchmark = {f}"));
        rest = &rest[at + "\nbenchmark = \"mean\"".len()..];
    }
    edited.push_str(rest);
    let rules = edited_rules(dir.path(), &[(&shipped, &edited)]);
    let out = dir.path().join("out");
    evaluate(
        &sample(),
        &out,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    let setup = Setup {
        fixed: Some(FIXED),
        percentiles: false,
    };
    let exp = expected(&truth(), setup);
    assert_ne!(exp, expected(&truth(), SHIPPED), "the edit changes results");
    check_results(&out, 2026, &exp);
    let mut wb = workbook(&out, 2026);
    let bench = wb.worksheet_range("评价基准").unwrap();
    assert_eq!(text(&bench, (3, 4)), "固定值");
    assert_eq!(cell(&bench, (3, 3)), Data::Float(FIXED[0]));
}

#[test]
fn percentile_classes_by_rules_alone() {
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[("method = \"bands\"", "method = \"percentiles\"")],
    );
    let out = dir.path().join("out");
    evaluate(
        &sample(),
        &out,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    let setup = Setup {
        fixed: None,
        percentiles: true,
    };
    let exp = expected(&truth(), setup);
    assert_ne!(exp, expected(&truth(), SHIPPED), "the edit changes classes");
    check_results(&out, 2026, &exp);
}

#[test]
fn an_exemption_in_the_rules_lists_the_project_as_not_graded() {
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[(
            "# [[exempt]]\n# id = \"first_year\"\n# name = \"投产不满一年\"\n# when = \"output == 0\"\n# reason = \"尚未形成产值，本年度不参评\"",
            "[[exempt]]\nid = \"small\"\nname = \"规模以下\"\nwhen = \"output < threshold\"\nreason = \"年产值 {{ output | num }} 万元，不足 {{ threshold | num }} 万元\"",
        )],
    );
    let out = dir.path().join("out");
    evaluate(
        &sample(),
        &out,
        &["--year", "2026", "--rules", rules.to_str().unwrap()],
    );
    // Independently: the small project leaves the set, and the means.
    let all = truth();
    let kept: Vec<J> = all
        .iter()
        .filter(|r| r["output"].as_f64().unwrap() >= 2000.0)
        .cloned()
        .collect();
    let exp_kept = expected(&kept, SHIPPED);
    let mut exp = Vec::new();
    for r in &all {
        let id = r["project_id"].as_str().unwrap();
        exp.push(match exp_kept.iter().find(|e| e.id == id) {
            Some(e) => Expected {
                id: e.id.clone(),
                score: e.score,
                class: e.class.clone(),
            },
            None => Expected {
                id: id.to_string(),
                score: None,
                class: "不参评".into(),
            },
        });
    }
    let results = check_results(&out, 2026, &exp);
    let r = FIRST
        + all
            .iter()
            .position(|r| r["output"].as_f64().unwrap() < 2000.0)
            .unwrap() as u32;
    assert_eq!(
        text(&results, (r, REASONS)),
        "【规模以下】年产值 1500 万元，不足 2000 万元"
    );
}

#[test]
fn last_years_class_is_shown_beside_this_years() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // 2025 graded by percentiles, 2026 by the shipped bands, into the same history.
    let rules = edited_rules(
        dir.path(),
        &[("method = \"bands\"", "method = \"percentiles\"")],
    );
    evaluate(
        &sample(),
        &out,
        &["--year", "2025", "--rules", rules.to_str().unwrap()],
    );
    evaluate(&sample(), &out, &["--year", "2026"]);
    let last = expected(
        &truth(),
        Setup {
            fixed: None,
            percentiles: true,
        },
    );
    let results = check_results(&out, 2026, &expected(&truth(), SHIPPED));
    for (i, e) in last.iter().enumerate() {
        assert_eq!(
            text(&results, (FIRST + i as u32, LAST)),
            e.class,
            "{}",
            e.id
        );
    }
    // 2025 has no 2024 behind it.
    let mut wb = workbook(&out, 2025);
    let r2025 = wb.worksheet_range("后评估结果").unwrap();
    assert_eq!(cell(&r2025, (3, LAST)), Data::Empty);
}

#[test]
fn the_year_comes_from_the_folder_name_or_must_be_given() {
    let out = tempfile::tempdir().unwrap();
    let r = evaluate(&root().join("samples/后评估/2026"), out.path(), &[]);
    assert!(
        r.stdout.starts_with("2026年度竣工投产项目后评估结果"),
        "{}",
        r.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("后评估基础数据.xlsx");
    std::fs::copy(sample(), &file).unwrap();
    let r = sanyipi(&[
        "evaluate",
        "--input",
        file.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("请用 --year 指定"), "{}", r.stderr);
}

#[test]
fn a_bad_formula_points_at_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let rules = edited_rules(
        dir.path(),
        &[("formula = \"tax / land_mu\"", "formula = \"tax / land\"")],
    );
    let r = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!(r.stderr.replace(rules.to_str().unwrap(), "<rules>"));
}

#[test]
fn html_page_snapshot() {
    let out = tempfile::tempdir().unwrap();
    evaluate(&sample(), out.path(), &["--year", "2026"]);
    let html = std::fs::read_to_string(
        out.path()
            .join("2026年度后评估/2026年度竣工投产项目后评估结果.html"),
    )
    .unwrap();
    assert!(html.contains("<svg") && !html.contains("<script") && !html.contains("http"));
    insta::assert_snapshot!(html);
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    evaluate(&sample(), a.path(), &["--year", "2026"]);
    evaluate(&sample(), b.path(), &["--year", "2026"]);
    for ext in ["xlsx", "html"] {
        let name = format!("2026年度后评估/2026年度竣工投产项目后评估结果.{ext}");
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{ext}"
        );
    }
}
