//! Plausibility across fields and files that testers found used in silence: a start planned
//! before the signing, a project signed twice, a signing outside the month its list reports, a
//! sheet's 办理时限 far above the rules' limit, and a start the unit could not yet know.

use crate::common::*;
use crate::plausibility::{SHEET, october_with};

#[test]
fn a_start_planned_before_the_signing_is_warned_of_at_the_planned_start() {
    let dir = tempfile::tempdir().unwrap();
    // DH2026-001 is signed 2026-02-10 (46063); its planned start becomes 2026-01-09.
    let input = october_with(
        dir.path(),
        &[(
            "重大项目管理台账.xlsx",
            SHEET,
            r#"<c r="J5" s="4"><v>46162</v>"#,
            r#"<c r="J5" s="4"><v>46031</v>"#,
        )],
    );
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "警告[W060] 重大项目管理台账.xlsx!台账!J5: 计划开工日期 2026-01-09 早于签约日期 2026-02-10"
        ),
        "{said}"
    );
    // The samples as shipped plan every start after its signing.
    let r = sanyipi(&["check", "--input", "samples/2026-10"]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("早于签约日期"));
    // The condition is the rules' own.
    let (_rules_dir, rules) = edited_rules(&[(
        "tables/ledger.toml",
        "planned_start < sign_date\"",
        "planned_start < sign_date and false\"",
    )]);
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("早于签约日期"));
}

#[test]
fn a_sheet_limit_far_above_the_rules_limit_is_warned_of_and_still_used() {
    let dir = tempfile::tempdir().unwrap();
    // Row 3: 企业投资项目备案 of DH2026-001, 3 working days by the sheet and by the rules.
    let input = october_with(
        dir.path(),
        &[(
            "前期手续办理清单.xlsx",
            SHEET,
            r#"<c r="G3"><v>3</v></c>"#,
            r#"<c r="G3"><v>180</v></c>"#,
        )],
    );
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "警告[W072] 前期手续办理清单.xlsx!前期手续!G3: 手续“企业投资项目备案”的办理时限 180 个工作日，是规则时限 3 个工作日的 60 倍（超过 3 倍）；按表中时限计算办结期限"
        ),
        "{said}"
    );
    // The sheet's limit still wins: 180 working days after 2026-02-10.
    let out = dir.path().join("out");
    let run = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let json = run.json("2026-10/run.json");
    let row = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["project"] == "DH2026-001" && d["item"] == "企业投资项目备案")
        .unwrap_or_else(|| panic!("{}", json["deadlines"]));
    assert_eq!(row["days"], 180, "{row}");
    assert_eq!(
        row["due"].as_str(),
        Some(add_workdays(date("2026-02-10"), 180).to_string().as_str()),
        "{row}"
    );
    assert!(json["diagnostics"].to_string().contains("W072"));
    // The unit of days is the rule's: counted as calendar days, the message says 自然日.
    let (_cal_dir, calendar) = edited_rules(&[(
        "deadlines.toml",
        "days_field_warn_factor = 3\ncount = \"working\"",
        "days_field_warn_factor = 3\ncount = \"calendar\"",
    )]);
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--rules",
        calendar.to_str().unwrap(),
    ]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("办理时限 180 个自然日，是规则时限 3 个自然日的 60 倍")
            && said.contains("核对办理时限（自然日）是否多填了位数或填成了日期、工作日"),
        "{said}"
    );
    // The factor is the rules' own.
    let (_rules_dir, rules) = edited_rules(&[(
        "deadlines.toml",
        "days_field_warn_factor = 3",
        "days_field_warn_factor = 61",
    )]);
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("W072"));
    // And the samples as shipped are within it.
    let r = sanyipi(&["check", "--input", "samples/2026-10"]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("W072"));
}

/// 东湖镇's DH2026-003 (signed 2026-04-08, its start overdue since August) reported started on
/// 2026-10-23 in a report dated 2026-10-21: a date the unit could not know.
fn started_after_its_report(dir: &std::path::Path) -> std::path::PathBuf {
    october_with(
        dir,
        &[(
            "月报/东湖镇.xlsx",
            SHEET,
            r#"<c r="G5" t="s"><v>18</v></c>"#,
            r#"<c r="G5" t="s"><v>22</v></c><c r="H5" s="4"><v>46318</v></c>"#,
        )],
    )
}

fn start_points(
    input: &std::path::Path,
    out: &std::path::Path,
    rules: Option<&std::path::Path>,
) -> (f64, serde_json::Value) {
    let r = Sanyipi::month(input, "2026-10")
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_done();
    let json = r.json("2026-10/run.json");
    let p = json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "DH2026-003")
        .unwrap()
        .clone();
    let start = p["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "start")
        .unwrap()["score"]
        .as_f64()
        .unwrap();
    (start, p["figures"].clone())
}

#[test]
fn a_start_dated_after_its_own_report_is_said_and_not_credited() {
    let dir = tempfile::tempdir().unwrap();
    let input = started_after_its_report(dir.path());
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "警告[W060] 月报/东湖镇.xlsx!月报!H5: 实际开工日期 2026-10-23 晚于本表的填报日期 2026-10-21，填报时尚未发生，不予采用"
        ),
        "{said}"
    );
    // Not "已开工但未填写": the date was there, and is said once.
    assert!(!said.contains("月报!H5: 已开工但未填写"), "{said}");
    // Before the as-of date (10-25) but after the report: not a start, and overdue (0 of 20).
    let (points, figures) = start_points(&input, &dir.path().join("out"), None);
    assert_eq!(points, 0.0, "{figures}");
    assert_eq!(
        figures["actual_start"],
        serde_json::Value::Null,
        "{figures}"
    );
    // Without drop_value the date is credited as a late start (10 of 20): the rules decide.
    let (_rules_dir, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "field = \"actual_start\"\ndrop_value = true\n",
        "field = \"actual_start\"\n",
    )]);
    let (points, figures) = start_points(&input, &dir.path().join("out2"), Some(&rules));
    assert_eq!(points, 10.0, "{figures}");
    assert_eq!(figures["actual_start"], "2026-10-23", "{figures}");
}

/// A September signed list (reported 2026-10-01) with rows (项目名称, 总投资 亿元, 签约日期, 责任单位).
pub(crate) fn signed_list(path: &std::path::Path, rows: &[(&str, f64, &str, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("签约项目").unwrap();
    ws.write(0, 0, "2026年9月份签约项目情况表").unwrap();
    ws.write(1, 0, "报送单位：县招商服务中心    报送日期：2026年10月1日")
        .unwrap();
    for (c, h) in ["序号", "项目名称", "总投资（亿元）", "签约日期", "责任单位"]
        .iter()
        .enumerate()
    {
        ws.write(2, c as u16, *h).unwrap();
    }
    for (i, (name, yi, date, unit)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write(r, 0, (i + 1) as f64).unwrap();
        ws.write(r, 1, *name).unwrap();
        ws.write(r, 2, *yi).unwrap();
        ws.write(r, 3, *date).unwrap();
        ws.write(r, 4, *unit).unwrap();
    }
    wb.save(path).unwrap();
}

/// The 三个一批 signed figures of `unit` in run.json: (month count, year count, year 亿元).
pub(crate) fn signed_of(json: &serde_json::Value, unit: &str) -> (u64, u64, f64) {
    let u = json["stages"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == unit)
        .unwrap_or_else(|| panic!("{unit}: {}", json["stages"]));
    let s = &u["signed"];
    (
        s["month"]["count"].as_u64().unwrap(),
        s["year"]["count"].as_u64().unwrap(),
        s["year"]["invest"].as_f64().unwrap(),
    )
}

#[test]
fn a_project_signed_twice_or_outside_the_lists_month_is_said_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(dir.path(), &[]);
    signed_list(
        &input.join("签约项目.xlsx"),
        &[
            ("高端装备制造项目", 1.5, "2026年9月16日", "县经开区"),
            // The same project again, written with a stray space: one project.
            ("高端装备制造项目 ", 1.5, "2026年9月16日", "县经开区"),
            // DH2026-004, signed 2026-01-20 by the ledger: a second agreement, not a new signing.
            ("年产3万吨饲料项目", 1.5, "2026年9月10日", "东湖镇"),
            // Signed in August, reported a month late.
            ("光学镜片项目", 2.0, "2026年8月20日", "城关镇"),
        ],
    );
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    for want in [
        "错误[E031] 签约项目.xlsx!签约项目!B5: 项目名称 高端装备制造项目 重复，首次出现在 签约项目.xlsx!签约项目!B4，此行未采用",
        "警告[W074] 签约项目.xlsx!签约项目!B6: 签约项目中的“年产3万吨饲料项目”已于 2026-01-20 签约（重大项目管理台账.xlsx!台账!H8），本表将其列为2026年9月签约项目（签约日期 2026-09-10）：按台账的签约日期计一次，不再计为新签约项目",
        "警告[W073] 签约项目.xlsx!签约项目!D7: 签约日期 2026-08-20 不在本表所报的2026年9月内（早于该月，为迟报）：计入本年累计签约数；本年以前月份已有考核记录的，计入本月签约数并标为迟报，否则计入签约日期所在月份",
        "提示: 签约项目每月报上月签约的项目",
    ] {
        assert!(said.contains(want), "{want}\n{said}");
    }
    // Each said once; the samples as shipped have none of them.
    assert_eq!(said.matches("W074").count(), 1, "{said}");
    let r = sanyipi(&["check", "--input", "samples/2026-10"]);
    let plain = format!("{}{}", r.stdout, r.stderr);
    assert!(!plain.contains("W073") && !plain.contains("W074") && !plain.contains("E031"));
    // Counted once each: 县经开区 as the samples (its list project once), 东湖镇 as the samples
    // (the ledger's two), 城关镇 one more in the year (the August signing, by its date).
    let out = dir.path().join("out");
    let json = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let base = Sanyipi::month("samples/2026-10", "2026-10")
        .out(dir.path().join("base"))
        .run()
        .expect_done()
        .json("2026-10/run.json");
    assert_eq!(signed_of(&json, "县经开区"), signed_of(&base, "县经开区"));
    assert_eq!(signed_of(&json, "东湖镇"), signed_of(&base, "东湖镇"));
    let (m, y, yi) = signed_of(&base, "城关镇");
    assert_eq!(signed_of(&json, "城关镇"), (m, y + 1, yi + 2.0));
}

#[test]
fn a_project_history_shows_signed_is_not_counted_again_when_listed_later() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Sanyipi::month("samples/2026-09", "2026-09")
        .out(&out)
        .run()
        .expect_done();
    // October's ledger renames DH2026-004, so only September's history knows 年产3万吨饲料项目.
    let input = october_with(
        dir.path(),
        &[(
            "重大项目管理台账.xlsx",
            "xl/sharedStrings.xml",
            "年产3万吨饲料项目",
            "年产3万吨饲料扩建项目",
        )],
    );
    signed_list(
        &input.join("签约项目.xlsx"),
        &[("年产3万吨饲料项目", 1.5, "2026年9月10日", "东湖镇")],
    );
    let r = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let json = r.json("2026-10/run.json");
    let said = json["diagnostics"].to_string();
    assert!(
        said.contains(
            "签约项目中的“年产3万吨饲料项目”已于 2026-01-20 签约（2026年9月考核记录），本表将其列为2026年9月签约项目（签约日期 2026-09-10）：不再计为新签约项目，此行未采用"
        ),
        "{said}"
    );
    // Not counted: 东湖镇's signings are the ledger's, as without the list row.
    let file = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "签约项目.xlsx")
        .unwrap();
    assert_eq!(
        (file["used"].as_u64(), file["rejected"].as_u64()),
        (Some(0), Some(1)),
        "{file}"
    );
    let (m, y, _) = signed_of(&json, "东湖镇");
    assert_eq!((m, y), (0, 2), "{}", json["stages"]);
}

#[test]
fn a_start_after_a_filing_date_copied_from_last_months_form_is_credited() {
    let dir = tempfile::tempdir().unwrap();
    let input = started_after_its_report(dir.path());
    // 东湖镇's 填报日期 copied from September's form (W070): it says nothing of when the unit
    // filled in October's dates.
    let path = input.join("月报/东湖镇.xlsx");
    let bytes = crate::hostile::patched_file(&path, "xl/sharedStrings.xml", |t| {
        t.replacen("填报日期：2026年10月21日", "填报日期：2026年9月21日", 1)
    });
    std::fs::write(&path, bytes).unwrap();
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("警告[W070] 月报/东湖镇.xlsx!月报!A2"),
        "{said}"
    );
    assert!(!said.contains("晚于本表的填报日期"), "{said}");
    // The start of 2026-10-23 is credited as a late start (10 of 20).
    let (points, figures) = start_points(&input, &dir.path().join("out"), None);
    assert_eq!(points, 10.0, "{figures}");
    assert_eq!(figures["actual_start"], "2026-10-23", "{figures}");
    // Without the rules' clause on the month filed in, the copied date drops it again.
    let (_rules_dir, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "actual_start > submitted_on and not (filed_month_start and submitted_on < filed_month_start)",
        "actual_start > submitted_on",
    )]);
    let (points, figures) = start_points(&input, &dir.path().join("out2"), Some(&rules));
    assert_eq!(points, 0.0, "{figures}");
}

/// A signing dated in the year before the month assessed (December's, in January's list, or any
/// earlier year): W077 at its date, and neither this month's nor this year's figure counts it.
#[test]
fn a_signing_of_an_earlier_year_is_said_and_counted_in_no_year() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(dir.path(), &[]);
    let rows = [("高端装备制造项目", 1.5, "2026年9月16日", "县经开区")];
    signed_list(&input.join("签约项目.xlsx"), &rows);
    let out = dir.path().join("out");
    let base = run_one_month(&input, "2026-10", &out);
    let mut more = rows.to_vec();
    more.push(("冷链物流项目", 3.0, "2025年12月28日", "县经开区"));
    signed_list(&input.join("签约项目.xlsx"), &more);
    let out2 = dir.path().join("out2");
    let json = run_one_month(&input, "2026-10", &out2);
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    for want in [
        "警告[W077] 签约项目.xlsx!签约项目!D5: 签约日期 2025-12-28 属2025年，本表随2026年10月考核报送：不计入2026年的签约数，2025年已考核的月份也不含此项目",
        "提示: 2025年的全年签约情况需含此项目的，请手工补计",
    ] {
        assert!(said.contains(want), "{want}\n{said}");
    }
    assert!(!said.contains("W073"), "{said}");
    assert_eq!(
        signed_of(&json, "县经开区"),
        signed_of(&base, "县经开区"),
        "{}",
        json["stages"]
    );
}
