//! Rules are data: a copied, edited rules folder changes what is read, and a broken one is
//! reported at `file:line:col` with the line and a hint.

use crate::common::*;
use sanyipi::ingest::ingest;
use sanyipi::rules::Rules;
use std::path::Path;

fn exported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("rules");
    let run = sanyipi(&["rules", "export", target.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let path = dir.join("rules").join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn changing_an_alias_changes_what_is_read() {
    let rules_dir = exported();
    // Drop 累计完成投资 as an alias of cum_invest: the column is no longer found.
    edit(
        rules_dir.path(),
        "tables/monthly.toml",
        "\"累计完成投资\", ",
        "",
    );
    let input = input_with(&[("plain.xlsx", "月报/甲镇.xlsx")]);
    let rules = Rules::load(Some(&rules_dir.path().join("rules"))).unwrap();
    let data = ingest(input.path(), &rules).unwrap();
    assert_eq!(data.records("monthly").len(), 0);
    assert!(
        data.diagnostics
            .iter()
            .any(|d| d.message.contains("表头缺少必填列"))
    );
    // The shipped rules read it.
    let data = ingest(input.path(), &Rules::load(None).unwrap()).unwrap();
    assert_eq!(data.records("monthly").len(), 2);
}

#[test]
fn adding_an_alias_reads_a_new_header() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "tables/ledger.toml",
        "headers = [\"责任单位\"]",
        "headers = [\"责任单位\", \"主责单位\"]",
    );
    let rules = Rules::load(Some(&rules_dir.path().join("rules"))).unwrap();
    let field = rules
        .table("ledger")
        .unwrap()
        .field("responsible_unit")
        .unwrap();
    assert!(field.headers.contains(&"主责单位".to_string()));
}

#[test]
fn changing_a_field_type_changes_what_is_read() {
    let rules_dir = exported();
    // Read 本月完成 as text: "１００" stays text instead of the number 100.
    edit(
        rules_dir.path(),
        "tables/monthly.toml",
        "headers = [\"本月完成投资\", \"本月完成\", \"当月完成投资\"]\ntype = \"amount\"\n\
         min = 0\nmax = 100000000           # 万元 (1 万亿元): larger is a typing error\n\
         out_of_range = \"empty\"",
        "headers = [\"本月完成投资\", \"本月完成\", \"当月完成投资\"]\ntype = \"text\"",
    );
    let input = input_with(&[("text_values.xlsx", "月报/甲镇.xlsx")]);
    let rules = Rules::load(Some(&rules_dir.path().join("rules"))).unwrap();
    let data = ingest(input.path(), &rules).unwrap();
    let r = &data.records("monthly")[0];
    assert_eq!(r.text("month_invest"), Some("100"));
    assert_eq!(r.number("month_invest"), None);
}

#[test]
fn unknown_key_points_at_file_line_col() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "tables/monthly.toml",
        "type = \"amount\"\nrequired = true",
        "type = \"amount\"\nrequird = true",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&[
        "check",
        "--input",
        "tests/fixtures",
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    let err = run.stderr.replace(rules.to_str().unwrap(), "<rules>");
    assert!(err.contains("<rules>/tables/monthly.toml:"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn bad_type_points_at_file_line_col() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "ingest.toml",
        "max_rows = 100000",
        "max_rows = \"很多\"",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr.replace(rules.to_str().unwrap(), "<rules>"));
}

#[test]
fn unknown_field_type_lists_the_choices() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "tables/ledger.toml",
        "type = \"amount\"",
        "type = \"money\"",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr.replace(rules.to_str().unwrap(), "<rules>"));
}

#[test]
fn export_refuses_a_non_empty_folder() {
    let dir = exported();
    let run = sanyipi(&["rules", "export", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("不为空"));
}

#[test]
fn a_consistency_check_in_rules_reports_rows() {
    let rules_dir = exported();
    let path = rules_dir.path().join("rules/tables/monthly.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[check]]\nid = \"big\"\nwhen = \"cum_invest > 100\"\nfield = \"cum_invest\"\nmessage = \"累计 {{ cum_invest | num }} 超过 100\"\n");
    std::fs::write(&path, text).unwrap();
    let input = input_with(&[("plain.xlsx", "月报/甲镇.xlsx")]);
    let rules = Rules::load(Some(&rules_dir.path().join("rules"))).unwrap();
    let data = ingest(input.path(), &rules).unwrap();
    let d: Vec<_> = data
        .diagnostics
        .iter()
        .filter(|d| d.code == sanyipi::diagnostic::Code::RowCheck)
        .collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].location.to_string(), "月报/甲镇.xlsx!月报!F4");
    assert_eq!(d[0].message, "累计 500 超过 100");
    let shipped = ingest(input.path(), &Rules::load(None).unwrap()).unwrap();
    assert!(
        shipped
            .diagnostics
            .iter()
            .all(|d| d.code != sanyipi::diagnostic::Code::RowCheck)
    );
}

#[test]
fn changing_the_vocabulary_changes_what_is_read() {
    let rules_dir = exported();
    // 已开工 is no longer a yes word, and 亿 no longer a unit.
    edit(rules_dir.path(), "ingest.toml", "\"已开工\", ", "");
    edit(rules_dir.path(), "ingest.toml", "\"亿\" = 10000\n", "");
    edit(rules_dir.path(), "ingest.toml", "\"亿元\" = 10000\n", "");
    let input = input_with(&[("text_values.xlsx", "月报/甲镇.xlsx")]);
    let rules = Rules::load(Some(&rules_dir.path().join("rules"))).unwrap();
    let data = ingest(input.path(), &rules).unwrap();
    let bad: Vec<String> = data
        .diagnostics
        .iter()
        .map(|d| d.location.to_string())
        .collect();
    assert!(
        bad.contains(&"月报/甲镇.xlsx!月报!G4".to_string()),
        "已开工 unreadable now: {bad:?}"
    );
    assert!(
        bad.contains(&"月报/甲镇.xlsx!月报!F4".to_string()),
        "0.05亿 unreadable now: {bad:?}"
    );
}

#[test]
fn a_duplicate_id_points_at_the_duplicate_not_the_first() {
    let rules_dir = exported();
    let path = rules_dir.path().join("rules/scoring.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[part]]\nid = \"invest\"\nname = \"重复\"\npoints = 1\nformula = \"0\"\n");
    std::fs::write(&path, &text).unwrap();
    let line = text.lines().count() - 3;
    let run = sanyipi(&[
        "rules",
        "check",
        rules_dir.path().join("rules").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!("scoring.toml:{line}:6")),
        "expected line {line}: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("[[part]] 的 id “invest” 重复：第 39 行已有同一 id"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_as_of_day_is_a_rule() {
    // September assessed without --as-of: as of its as_of_day, whatever today is.
    let out = tempfile::tempdir().unwrap();
    let run = sanyipi(&[
        "deadlines",
        "--input",
        "samples/2026-09",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("统计截止日期：2026-09-25（未指定 --as-of，按规则"),
        "{}",
        run.stderr
    );
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "scoring.toml",
        "as_of_day = 25",
        "as_of_day = 20",
    );
    let run = sanyipi(&[
        "deadlines",
        "--input",
        "samples/2026-09",
        "--out",
        out.path().to_str().unwrap(),
        "--rules",
        rules_dir.path().join("rules").to_str().unwrap(),
    ]);
    assert!(
        run.stderr.contains("统计截止日期：2026-09-20"),
        "{}",
        run.stderr
    );
}

/// Every `.toml` file of the exported rules folder, by path.
fn rule_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rule_files(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    out
}

/// run.json of the bundled 2026-10 as of the 25th, with `rules` if given, without `rules_hash`.
fn bundled_run(out: &Path, rules: Option<&Path>) -> serde_json::Value {
    let input = root().join("samples").join("2026-10");
    let mut args = vec![
        "run",
        "--input",
        input.to_str().unwrap(),
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(r) = rules {
        args.extend(["--rules", r.to_str().unwrap()]);
    }
    let r = sanyipi(&args);
    r.assert_done();
    let text = std::fs::read_to_string(out.join("2026-10").join("run.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json.as_object_mut().unwrap().remove("rules_hash");
    json
}

#[test]
fn renaming_the_ledger_and_a_field_with_their_roles_changes_no_result() {
    let rules_dir = exported();
    let rules = rules_dir.path().join("rules");
    for path in rule_files(&rules) {
        let text = std::fs::read_to_string(&path).unwrap();
        let renamed = if path.ends_with("roles.toml") {
            text.replace(
                "cum_invest = \"cum_invest\"",
                "cum_invest = \"leiji_touzi\"",
            )
        } else {
            text.replace("cum_invest", "leiji_touzi")
        };
        let renamed = renamed
            .replace("id = \"ledger\"", "id = \"taizhang\"")
            .replace("table = \"ledger\"", "table = \"taizhang\"")
            .replace("\nledger = [", "\ntaizhang = [");
        std::fs::write(&path, renamed).unwrap();
    }
    let roles = std::fs::read_to_string(rules.join("roles.toml")).unwrap();
    assert!(roles.contains("table = \"taizhang\""), "{roles}");
    let shipped = tempfile::tempdir().unwrap();
    let renamed = tempfile::tempdir().unwrap();
    let expected = bundled_run(shipped.path(), None);
    let got = bundled_run(renamed.path(), Some(&rules));
    assert!(expected["units"].as_array().is_some_and(|u| !u.is_empty()));
    // run.json names the rules it used (file paths, formula texts): map them back. Files are
    // listed in table-id order, which the rename changes.
    let got = serde_json::to_string(&got)
        .unwrap()
        // A hint asking to edit a built-in file says how to get a copy to edit.
        .replace(
            &format!("在 {}/units.toml 中为", rules.display()),
            "在 内置规则 units.toml（可用 sanyipi rules export 导出后修改） 中为",
        )
        .replace(&format!("{}/", rules.display()), "内置规则 ")
        .replace("leiji_touzi", "cum_invest")
        .replace("taizhang", "ledger");
    let mut got: serde_json::Value = serde_json::from_str(&got).unwrap();
    let mut expected = expected;
    for json in [&mut got, &mut expected] {
        let files = json["files"].as_array_mut().unwrap();
        files.sort_by_key(|f| f["file"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(got, expected);
}

#[test]
fn a_missing_role_points_at_file_line_col() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "roles.toml",
        "cum_invest = \"cum_invest\"\n",
        "",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let err = run.stderr.replace(rules.to_str().unwrap(), "<rules>");
    assert!(err.contains("<rules>/roles.toml:"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn a_renamed_table_without_its_role_is_a_rules_error() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "tables/procedures.toml",
        "id = \"procedures\"",
        "id = \"shouxu\"",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let err = run.stderr.replace(rules.to_str().unwrap(), "<rules>");
    assert!(err.contains("<rules>/roles.toml:"), "{err}");
    assert!(err.contains("没有 id 为 procedures 的表"), "{err}");
    assert!(err.contains("提示:"), "{err}");
}

#[test]
fn a_role_declared_twice_is_a_rules_error() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "roles.toml",
        "started = \"started\"",
        "started = \"started\"\nstarted = \"completed\"",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let err = run.stderr.replace(rules.to_str().unwrap(), "<rules>");
    assert!(err.contains("<rules>/roles.toml:"), "{err}");
}

#[test]
fn weekly_rules_load_with_the_others() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "weekly.toml",
        "min_weeks_open = ",
        "min_weeks_open = -",
    );
    let rules = rules_dir.path().join("rules");
    let err = Rules::load(Some(&rules)).unwrap_err();
    assert!(err.file.ends_with("weekly.toml"), "{err}");
    assert!(err.line > 0, "{err}");
}

#[test]
fn per_notice_on_a_matter_of_deadlines_points_at_its_line() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "notices.toml",
        "id = \"overdue_start\"",
        "id = \"overdue_start\"\nper_notice = true",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr.replace(rules.to_str().unwrap(), "<rules>"));
}

#[test]
fn without_the_supervision_loop_a_notice_needs_its_own_period() {
    let rules_dir = exported();
    let path = rules_dir.path().join("rules/notices.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        text.find("\n[supervision]").unwrap(),
        text.find("\n[[escalation]]").unwrap(),
    );
    let without = format!("{}{}", &text[..start], &text[end..]);
    std::fs::write(&path, &without).unwrap();
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    insta::assert_snapshot!(run.stderr.replace(rules.to_str().unwrap(), "<rules>"));
    // With the period set, the rules load again.
    std::fs::write(
        &path,
        without.replacen("\n# rectify_workdays = 5\n", "\nrectify_workdays = 5\n", 1),
    )
    .unwrap();
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn settings_that_would_break_a_run_are_refused_by_rules_check() {
    for (file, from, to, said) in [
        (
            "scoring.toml",
            "precision = 2",
            "precision = 309",
            "scoring.toml:24:1: precision（得分保留的小数位数）应为 0 到 15",
        ),
        (
            "scoring.toml",
            "points = 50",
            "points = -50",
            "评分项 invest 的分值 points 应为正数，现为 -50",
        ),
        (
            "deadlines.toml",
            "days = 90",
            "days = 0",
            "deadlines.toml:51:1: 期限 start_after_signing 的天数为 0",
        ),
        (
            "deadlines.toml",
            "\"企业投资项目备案\" = 3",
            "\"企业投资项目备案\" = 0",
            "中“企业投资项目备案”的时限为 0 天",
        ),
        // A weight changed alone: the parts no longer make the table's full score.
        (
            "scoring.toml",
            "points = 50",
            "points = 60",
            "scoring.toml:29:1: 各评分项满分合计 110，与 total = 100 不符（投资完成 60、开工 20、竣工投产 10、前期手续 10、按时报送 10）",
        ),
        (
            "tables/monthly.toml",
            "min = 0\nmax = 100000000           # 万元 (1 万亿元): larger is a typing error\n# An implausible",
            "min = 100\nmax = 1\n# An implausible",
            "字段 cum_invest 的 min 大于 max，任何值都会超出范围",
        ),
        (
            "tables/monthly.toml",
            "headers = [\"项目名称\", \"名称\"]",
            "headers = [\"项目名称\", \"\"]",
            "headers 不能为空",
        ),
        // The calendar's 月报 day and the deadline's; a deadline's name and its number.
        (
            "deadlines.toml",
            "day_of_month = 22",
            "day_of_month = 20",
            "期限 monthly_report 为每月20日，而",
        ),
        (
            "deadlines.toml",
            "days = 50",
            "days = 60",
            "期限 start_after_delisting 的名称“土地摘牌后50个工作日内开工”写的是 50，而 days = 60",
        ),
        (
            "deadlines.toml",
            "name = \"土地摘牌后50个工作日内开工\"",
            "name = \"土地摘牌后{{ days }}个工作日内开工\"",
            "名称按原文印出，不替换其中的名称",
        ),
        // Two names in one alias: a Chinese list inside the quotes.
        (
            "units.toml",
            "aliases = [\"",
            "aliases = [\"甲、乙\", \"",
            "“甲、乙”中有“、”：一对引号中只写一个名称",
        ),
        (
            "tables/leads.toml",
            "type = \"bool\"",
            "type = \"bool\"\nany_year = true",
            "只有 date 字段可设 any_year（字段 high_tech）",
        ),
    ] {
        let rules_dir = exported();
        edit(rules_dir.path(), file, from, to);
        let rules = rules_dir.path().join("rules");
        let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{to}: {}", run.stderr);
        assert!(run.stderr.contains(said), "{to}: {}", run.stderr);
        assert!(run.stderr.contains("提示"), "{to}: {}", run.stderr);
    }
}

/// A rules folder whose calendar/ lost its year files is refused: every deadline would be
/// counted over weekends only.
#[test]
fn a_rules_folder_without_any_calendar_year_is_refused() {
    let rules_dir = exported();
    let calendar = rules_dir.path().join("rules/calendar");
    std::fs::remove_dir_all(&calendar).unwrap();
    let run = sanyipi(&[
        "rules",
        "check",
        rules_dir.path().join("rules").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("calendar: 没有任何年份的节假日安排"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("sanyipi rules export"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_that_is_a_file_is_said_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("结果");
    std::fs::write(&file, "x").unwrap();
    let f = file.to_str().unwrap();
    let export = sanyipi(&["rules", "export", f]);
    assert_eq!(export.code, 2, "{}", export.stderr);
    assert!(
        export.stderr.contains(&format!(
            "规则目录 {f} 是一个文件，不是文件夹，请另指定一个文件夹"
        )),
        "{}",
        export.stderr
    );
    let run = Sanyipi::month("samples/2026-10", "2026-10")
        .out(&file)
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("输出目录 {f} 是一个文件，不是文件夹")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// A misspelt name in a rule's text (a notice matter, a penalty's evidence, the overdue-task
/// reason) printed as nothing in official documents; it is a rules error at its line, naming the
/// names that can be used.
#[test]
fn a_misspelt_name_in_a_rules_text_is_an_error() {
    for (file, from, to, said) in [
        (
            "notices.toml",
            "已超期{{ workdays }}个工作日。\"",
            "已超期{{ workday }}个工作日。\"",
            "{{ workday }} 不是可用的名称",
        ),
        (
            "scoring.toml",
            "evidence = \"连续{{ streak }}个月",
            "evidence = \"连续{{ streek }}个月",
            "{{ streek }} 不是可用的名称（可用: streak、bottom_n、ranks）",
        ),
        (
            "notices.toml",
            "截至{{ as_of }}{{ state }}，逾期",
            "截至{{ asof }}{{ state }}，逾期",
            "{{ asof }} 不是可用的名称",
        ),
    ] {
        let rules_dir = exported();
        edit(rules_dir.path(), file, from, to);
        let rules = rules_dir.path().join("rules");
        let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{file}: {}", run.stdout);
        assert!(run.stderr.contains(said), "{}", run.stderr);
        let line = std::fs::read_to_string(rules.join(file))
            .unwrap()
            .lines()
            .position(|l| l.contains(to))
            .unwrap()
            + 1;
        assert!(
            run.stderr.contains(&format!("{file}:{line}:")),
            "{}",
            run.stderr
        );
    }
}

/// A unit written twice is an error at the second [[unit]], the one just added.
#[test]
fn a_unit_written_twice_points_at_the_repeat() {
    let rules_dir = exported();
    let units = rules_dir.path().join("rules/units.toml");
    let mut text = std::fs::read_to_string(&units).unwrap();
    text.push_str("\n[[unit]]\nname = \"马庄乡\"\n");
    std::fs::write(&units, &text).unwrap();
    let line = text.lines().count();
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("units.toml:{line}:8: 单位“马庄乡”重复定义")),
        "{}",
        run.stderr
    );
}

/// A rules file saved as GBK (Notepad's "ANSI") or UTF-16 ("Unicode") is said in words, with
/// how to save it as UTF-8.
#[test]
fn a_rules_file_not_in_utf8_says_how_to_save_it() {
    for (name, encode) in [
        (
            "GBK",
            (|t: &str| encoding_rs::GBK.encode(t).0.into_owned()) as fn(&str) -> Vec<u8>,
        ),
        ("UTF-16", |t: &str| {
            let mut b = vec![0xFF, 0xFE];
            b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
    ] {
        let rules_dir = exported();
        let path = rules_dir.path().join("rules/scoring.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, encode(&text)).unwrap();
        let rules = rules_dir.path().join("rules");
        let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{name}");
        assert!(
            run.stderr.contains("规则文件须为 UTF-8 文本"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("编码选“UTF-8”"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("stream did not contain"),
            "{}",
            run.stderr
        );
    }
}

/// A quoted value a condition or formula compares with an option field, a deadline status or a
/// penalty id that it can never take made the rule apply to nothing, silently; it is a rules
/// error at the value, listing the values it can take.
#[test]
fn a_quoted_value_a_rule_can_never_meet_is_an_error_at_the_value() {
    for (file, from, to, said, hint) in [
        (
            "deadlines.toml",
            "project_type == '重大招商项目'",
            "project_type == '重点招商项目'",
            "project_type 没有取值“重点招商项目”（可选: 重大招商项目、重大建设项目）",
            "提示: 写成可选值之一（",
        ),
        (
            "scoring.toml",
            "report_status == 'met' else",
            "report_status == '按期完成' else",
            "report_status 没有取值“按期完成”",
            "提示: “按期完成”是状态 met 的显示文字，表达式中写状态名 'met'",
        ),
        (
            "scoring.toml",
            "'pending', 'due_soon'",
            "'pendng', 'due_soon'",
            "start_status 没有取值“pendng”（可选: met、met_late、overdue、due_soon、pending、no_date）",
            "提示: 写成可选值之一（deadlines.toml 中的期限状态）",
        ),
        (
            "notices.toml",
            "'tv_statement' in penalty_ids",
            "'tv_statment' in penalty_ids",
            "penalty_ids 没有取值“tv_statment”",
            "提示: 写成可选值之一（scoring.toml 中的处罚 [[penalty]] 的 id）",
        ),
        (
            "screening.toml",
            "env_risk == '高'",
            "env_risk == '较高'",
            "env_risk 没有取值“较高”",
            "提示: 写成可选值之一（",
        ),
    ] {
        let rules_dir = exported();
        edit(rules_dir.path(), file, from, to);
        let rules = rules_dir.path().join("rules");
        let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{to}: {}", run.stdout);
        assert!(run.stderr.contains(said), "{}", run.stderr);
        assert!(run.stderr.contains(hint), "{}", run.stderr);
        let text = std::fs::read_to_string(rules.join(file)).unwrap();
        let line = text.lines().position(|l| l.contains(to)).unwrap();
        let source = text.lines().nth(line).unwrap();
        let value = &to[to.find('\'').unwrap()..];
        let col = source[..source.find(value).unwrap()].chars().count() + 1;
        assert!(
            run.stderr.contains(&format!("{file}:{}:{col}:", line + 1)),
            "{}",
            run.stderr
        );
    }
}

/// The city report's filter and columns and the post-evaluation's conditions were not checked for
/// quoted values: a misspelt one emptied the city's report or vetoed no project, silently. They
/// are rules errors at the value now, as in the other files.
#[test]
fn a_quoted_value_of_the_city_report_or_the_evaluation_is_checked_too() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "report_up/市重点项目月报表.toml",
        "filter = \"annual_plan >= 5000\"",
        "filter = \"annual_plan >= 5000 and project_type == '重点招商项目'\"",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("report_up/市重点项目月报表.toml:19:")
            && run.stderr.contains(
                "project_type 没有取值“重点招商项目”（可选: 重大招商项目、重大建设项目）"
            ),
        "{}",
        run.stderr
    );

    // An option field of the post-evaluation list, compared in a veto with a value it lacks.
    let rules_dir = exported();
    let table = rules_dir.path().join("rules/tables/post_eval.toml");
    let mut text = std::fs::read_to_string(&table).unwrap();
    text.push_str("\n[[field]]\nid = \"eval_sector\"\nheaders = [\"行业门类\"]\ntype = \"enum\"\nvalues = [\"制造业\", \"服务业\"]\n");
    std::fs::write(&table, text).unwrap();
    edit(
        rules_dir.path(),
        "evaluate.toml",
        "when = \"accidents >= 1\"",
        "when = \"accidents >= 1 or eval_sector == '工业'\"",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("evaluate.toml:100:")
            && run
                .stderr
                .contains("eval_sector 没有取值“工业”（可选: 制造业、服务业）"),
        "{}",
        run.stderr
    );
}

/// A notice matter's severity that is neither the 督办 nor the 提醒 one (`"督 办"`) made its
/// 督办 notices silently reminders; it is a rules error naming the two.
#[test]
fn a_matter_of_an_unknown_severity_is_an_error() {
    let rules_dir = exported();
    edit(
        rules_dir.path(),
        "notices.toml",
        "severity = \"督办\"\ntext = \"{{ project_name }}（{{ project }}）未按",
        "severity = \"督 办\"\ntext = \"{{ project_name }}（{{ project }}）未按",
    );
    let rules = rules_dir.path().join("rules");
    let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let line = std::fs::read_to_string(rules.join("notices.toml"))
        .unwrap()
        .lines()
        .position(|l| l == "severity = \"督 办\"")
        .unwrap()
        + 1;
    assert!(
        run.stderr.contains(&format!(
            "notices.toml:{line}:12: 事项 overdue_start 的 severity “督 办”不是可用的等级（可选: 督办、提醒）"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("提示: "), "{}", run.stderr);
}

/// Slips in a rules file that were silently ignored, each an error at its place with a hint:
/// (file, text, its replacement, what `rules check` says).
fn refused(cases: &[(&str, &str, &str, &str)]) {
    for (file, from, to, said) in cases {
        let rules_dir = exported();
        edit(rules_dir.path(), file, from, to);
        let rules = rules_dir.path().join("rules");
        let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{to}: {}", run.stdout);
        assert!(run.stderr.contains(said), "{to}: {}", run.stderr);
        assert!(run.stderr.contains("\n提示: "), "{to}: {}", run.stderr);
    }
}

#[test]
fn a_threshold_of_an_unknown_industry_or_key_is_an_error() {
    refused(&[
        (
            "screening.toml",
            "[threshold.\"二产\"]\n",
            "[threshold.\"二产\"]\nintensity_mim = 400\n",
            "screening.toml:58:1: [threshold.\"二产\"] 中的 intensity_mim 不是 [threshold] 中的阈值，不会起作用",
        ),
        (
            "screening.toml",
            "[threshold.\"二产\"]\n",
            "[threshold.\"第二产业\"]\nintensity_min = 400\n",
            "screening.toml:57:12: 没有产业“第二产业”，这些阈值不会用于任何项目（可选: 一产、二产、三产）",
        ),
    ]);
}

#[test]
fn a_misspelt_placeholder_in_a_lights_reason_is_an_error() {
    refused(&[
        (
            "lights.toml",
            "落后{behind}个百分点",
            "落后{behnd}个百分点",
            "lights.toml:22:48: {behnd} 不是可用的名称（可用: {done}、{schedule}、{behind}）",
        ),
        (
            "lights.toml",
            "尚余{days}个工作日",
            "尚余{day}个工作日",
            "{day} 不是可用的名称（可用: {rule}、{item}、{due}、{days}）",
        ),
    ]);
}

#[test]
fn an_unknown_key_of_the_scoring_labels_is_an_error() {
    refused(&[(
        "scoring.toml",
        "start_status = \"开工期限\"",
        "start_statu = \"开工期限\"",
        "scoring.toml:92:1: 未知的键 start_statu",
    )]);
}

#[test]
fn evaluate_weights_add_up_and_errors_stand_at_their_key() {
    refused(&[
        (
            "evaluate.toml",
            "weight = 30",
            "weight = 40",
            "evaluate.toml:29:9: 各指标权重合计 110，与 total = 100 不符（亩均税收 40、亩均增加值 20、单位能耗增加值 20、单位排放增加值 10、全员劳动生产率 10、研发经费占比 10）",
        ),
        (
            "evaluate.toml",
            "weight = 30\nbenchmark = \"mean\"",
            "weight = 30\nbenchmark = \"20\"",
            "evaluate.toml:38:13: 指标 tax_per_mu 的 benchmark 应为 \"mean\" 或正数",
        ),
        (
            "evaluate.toml",
            "bands = [110, 90, 70]",
            "bands = [90, 110, 70]",
            "evaluate.toml:90:9: bands 应为 3 个由高到低的分数线",
        ),
    ]);
}

#[test]
fn a_full_width_digit_and_an_extra_comma_are_said_in_chinese() {
    refused(&[
        (
            "scoring.toml",
            "bottom_n = 3",
            "bottom_n = ５",
            "scoring.toml:26:12: 数字“５”是全角字符，TOML 读不出这个数",
        ),
        (
            "scoring.toml",
            "start_deadlines = [\"start_after_signing\", \"start_after_delisting\"]",
            "start_deadlines = [\"start_after_signing\", , \"start_after_delisting\"]",
            "列表中有多余的逗号（两个逗号之间没有值）",
        ),
    ]);
}
