//! The leads list as offices send it: the ledger given instead, too few fields, a lead named twice,
//! a revised copy, industries in full, every row refused, a founding date after screening, a renamed column.

use super::*;

#[test]
fn the_ledger_given_as_the_leads_list_is_refused_and_earlier_results_stay() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(screen_cli(&leads_file(), out.path()).code, 0);
    let written = out.path().join("预审/招商项目预审结果.xlsx");
    let before = std::fs::read(&written).unwrap();
    let r = screen_cli(&fixture("ledger.xlsx"), out.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("ledger.xlsx 不是招商项目信息表：它的表头更像重大项目管理台账"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("请用 --input 给出招商项目信息表（文件名如 *招商项目*）"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("待核实") && r.stdout.is_empty(),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read(&written).unwrap(), before);
}

#[test]
fn a_list_naming_few_of_the_leads_fields_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Only 序号, 项目名称, 信息来源单位, 产业类别, 所属行业, 总投资 (5 of 18 fields).
    leads_copy(&file, |rows| rows.iter_mut().for_each(|r| r.truncate(6)));
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("表头中只有招商项目信息表 18 个字段中的 5 个（项目名称、信息来源单位、产业类别、所属行业、总投资），缺少固定资产投资、"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

/// The names of the 会审名单 sheet of the workbook in `out`.
fn review_names(out: &Path) -> Vec<String> {
    let rows = result_sheet(out, "会审名单");
    let header = rows.iter().position(|r| r[0] == "产业类别").unwrap();
    rows[header + 1..].iter().map(|r| r[2].clone()).collect()
}

#[test]
fn a_lead_named_twice_is_an_error_at_its_cell_and_screened_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 15 (row 18, 不通过 on 小散乱污) given the name of lead 3 (row 6, 通过).
    leads_copy(&file, |rows| {
        assert_eq!(rows[5][1], "造纸加工项目（3）");
        rows[17][1] = "造纸加工项目（3）".into();
    });
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "错误[E031] 招商项目.xlsx!招商项目信息!B18: 项目名称 造纸加工项目（3） 重复，首次出现在 招商项目.xlsx!招商项目信息!B6，此行未采用"
        ),
        "{}",
        r.stderr
    );
    let results = result_sheet(&out, "预审结果");
    let named = results
        .iter()
        .filter(|r| r[1] == "造纸加工项目（3）")
        .count();
    assert_eq!(named, 1);
    assert_eq!(
        results.iter().filter(|r| r[1].contains("项目（")).count(),
        23
    );
    let review = review_names(&out);
    assert_eq!(
        review.iter().filter(|n| *n == "造纸加工项目（3）").count(),
        1
    );
    assert_eq!(review.len(), 3, "{review:?}");
}

#[test]
fn a_revised_copy_beside_the_list_is_said_and_only_the_latest_is_screened() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads");
    std::fs::create_dir(&input).unwrap();
    let old = input.join("招商项目信息汇总表.xlsx");
    let new = input.join("修订 招商项目信息汇总表.xlsx");
    std::fs::copy(leads_file(), &old).unwrap();
    // The revision: lead 3 (通过) now below the 小散乱污 line.
    leads_copy(&new, |rows| rows[5][5] = "3000".into());
    let saved = |path: &Path, at: u64| {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(at))
            .unwrap();
    };
    // The copy is saved later, though it comes first in the folder's order.
    saved(&new, 1_790_000_000);
    saved(&old, 1_780_000_000);
    let out = dir.path().join("out");
    let r = screen_cli(&input, &out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("警告[W042] 招商项目信息汇总表.xlsx: 读到 2 份招商项目信息："),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "采用最新的 修订 招商项目信息汇总表.xlsx，招商项目信息汇总表.xlsx 中的行均未采用"
        ),
        "{}",
        r.stderr
    );
    let results = result_sheet(&out, "预审结果");
    assert_eq!(
        results.iter().filter(|r| r[1].contains("项目（")).count(),
        24
    );
    let review = review_names(&out);
    assert_eq!(review.len(), 2, "{review:?}");
    assert!(!review.contains(&"造纸加工项目（3）".to_string()));
}

#[test]
fn the_review_list_follows_the_rules_order_of_industries() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 8 (三产, row 11) made to pass: a 一般 safety risk, capital equal to its investment.
    leads_copy(&file, |rows| {
        let lead = &mut rows[10];
        assert_eq!(lead[3], "三产");
        lead[17] = "一般".into();
        lead[12] = lead[5].clone();
    });
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let rows = result_sheet(&out, "会审名单");
    let header = rows.iter().position(|r| r[0] == "产业类别").unwrap();
    let industries: Vec<&str> = rows[header + 1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(industries, ["一产", "二产", "二产", "三产"]);
    let listed = r.stdout.split("会审名单").nth(1).unwrap();
    let said: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split_once(": "))
        .map(|(industry, _)| industry)
        .collect();
    assert_eq!(said, ["一产", "二产", "三产"], "{}", r.stdout);
}

/// The fixture leads list with every 产业类别 written as `words` says.
fn leads_with_industries(path: &Path, words: impl Fn(&str) -> String) {
    leads_copy(path, |rows| {
        for row in rows.iter_mut().skip(3) {
            row[3] = words(&row[3]);
        }
    });
}

#[test]
fn industries_written_in_full_are_read_as_the_rules_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    leads_with_industries(&file, |w| format!("第{w}业"));
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(r.stdout.contains("会审名单（3 个）"), "{}", r.stdout);
    assert!(
        r.stdout.contains("  二产: 造纸加工项目（3）"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_row_refused_says_so_and_points_at_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    leads_with_industries(&file, |_| "第二产业号".into());
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr.matches("[E021]").count(), 24, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(&format!(
            "错误: {} 中的 24 行招商项目均有错误未采用（见上方 E021 错误 24 个），未预审，输出目录未改动。请按上方各错误的提示更正后重新预审\n",
            file.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("没有读到"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn an_investor_founded_after_the_screening_date_is_a_data_problem_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // Lead 1 (row 4, 总投资 100000 万元): founded 2027-01-01, after the screening date.
    leads_copy(&file, |rows| rows[3][13] = "2027-01-01".into());
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "错误[E023] 招商项目.xlsx!招商项目信息!N4: “投资方成立日期” 2027-01-01 晚于预审日期 2026-10-25"
        ),
        "{}",
        r.stderr
    );
    let findings = result_sheet(&out, "规则明细");
    let lead: Vec<&Vec<String>> = findings
        .iter()
        .filter(|r| r[0] == "装备制造生产基地项目（1）" && r[3] == "防虚假投资（新设投资方）")
        .collect();
    assert_eq!(lead.len(), 1, "{findings:?}");
    assert_eq!(lead[0][4], "待核实");
    assert!(!lead[0][5].contains("不足一年"), "{:?}", lead[0]);
    assert!(lead[0][5].contains("投资方成立日期"), "{:?}", lead[0]);
}

#[test]
fn a_leads_column_under_another_name_is_said_at_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    // 设备投资 headed 设备购置投资: no column of the rules' names.
    leads_copy(&file, |rows| {
        let header = rows
            .iter_mut()
            .find(|r| r.contains(&"项目名称".to_string()))
            .unwrap();
        let c = header
            .iter()
            .position(|h| h.starts_with("设备投资"))
            .unwrap();
        header[c] = "设备购置投资（万元）".into();
    });
    let out = dir.path().join("out");
    let r = screen_cli(&file, &out);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(said.matches("W071").count(), 1, "{said}");
    assert!(said.contains("表头中没有“设备投资”列"), "{said}");
}
