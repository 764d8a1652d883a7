//! Figures that read but cannot be right are warned of at their cell, from the rules'
//! `[[check]]`s: a 累计完成投资 far above the year's plan (元 written as 万元) and a plan of the
//! year below 1 万元 (a slip of the decimal point), which would give the investment part its full
//! points.

use crate::common::*;
use crate::hostile::patched_file;
use std::path::Path;

/// The sample October month copied under `dir`, with each (file, part, from, to) applied once
/// (each `from` must be there).
pub(crate) fn october_with(dir: &Path, edits: &[(&str, &str, &str, &str)]) -> std::path::PathBuf {
    let input = dir.join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    for (file, part, from, to) in edits {
        let path = input.join(file);
        let bytes = patched_file(&path, part, |t| {
            assert!(t.contains(from), "{from}");
            t.replacen(from, to, 1)
        });
        std::fs::write(&path, bytes).unwrap();
    }
    input
}

pub(crate) const SHEET: &str = "xl/worksheets/sheet1.xml";

/// The sample October month with 东湖镇's first 累计 at 99999, the ledger's first plan at
/// 0.0001 万元 and its second at 0.
fn doctored(dir: &Path) -> std::path::PathBuf {
    october_with(
        dir,
        &[
            (
                "月报/东湖镇.xlsx",
                SHEET,
                r#"<c r="F5"><v>0</v></c>"#,
                r#"<c r="F5"><v>99999</v></c>"#,
            ),
            (
                "重大项目管理台账.xlsx",
                SHEET,
                r#"<c r="G5"><v>24000</v></c>"#,
                r#"<c r="G5"><v>0.0001</v></c>"#,
            ),
            (
                "重大项目管理台账.xlsx",
                SHEET,
                r#"<c r="G6"><v>5000</v></c>"#,
                r#"<c r="G6"><v>0</v></c>"#,
            ),
        ],
    )
}

#[test]
fn a_cumulative_far_above_the_plan_and_a_tiny_plan_are_warned_of_at_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let input = doctored(dir.path());
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "月报/东湖镇.xlsx!月报!F5: 累计完成投资 99999 万元超过年度计划 4000 万元的 3 倍"
        ),
        "{said}"
    );
    assert!(
        said.contains("重大项目管理台账.xlsx!台账!G5: 年度计划投资 0.0001 万元不足 1 万元"),
        "{said}"
    );
    // A plan of 0 takes all the investment points as surely.
    assert!(
        said.contains("重大项目管理台账.xlsx!台账!G6: 年度计划投资 0 万元不足 1 万元"),
        "{said}"
    );
    // The factor and the floor are the rules' own.
    let (_rules_dir, rules) = edited_rules(&[
        (
            "tables/monthly.toml",
            "cum_invest > annual_plan * 3",
            "cum_invest > annual_plan * 30",
        ),
        (
            "tables/ledger.toml",
            "annual_plan < 1\"",
            "annual_plan < 0.00001\"",
        ),
    ]);
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(said.contains("月报/东湖镇.xlsx"), "{said}");
    assert!(!said.contains("的 3 倍"), "{said}");
    assert!(!said.contains("台账!G5: 年度计划投资"), "{said}");
}

#[test]
fn a_date_typed_as_a_time_limit_is_an_error_at_its_cell_and_the_month_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(
        dir.path(),
        &[(
            "前期手续办理清单.xlsx",
            SHEET,
            r#"<c r="G3"><v>3</v></c>"#,
            r#"<c r="G3"><v>20260301</v></c>"#,
        )],
    );
    let out = dir.path().join("out");
    let r = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let json = r.json("2026-10/run.json");
    let at_g3: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["cell"] == "G3")
        .collect();
    assert_eq!(at_g3.len(), 1, "{json:#}");
    assert_eq!(
        at_g3[0]["message"],
        "“办理时限”“20260301”不在合理范围（1 至 250）内，按空值处理"
    );
    // Without a 时限 of its own the procedure has the limit of its kind (备案: 3 working days).
    let row = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["source"] == "前期手续办理清单.xlsx!前期手续!F3")
        .unwrap();
    assert_eq!(
        (row["days"].as_i64(), row["due"].as_str()),
        (Some(3), Some("2026-02-13"))
    );
}

#[test]
fn a_start_after_the_reports_own_date_is_warned_of_and_not_counted_as_done() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(
        dir.path(),
        // DH2026-004's 实际开工日期 2026-04-28 typed as 2027-04-28.
        &[(
            "月报/东湖镇.xlsx",
            SHEET,
            r#"<c r="H6" s="4"><v>46140</v></c>"#,
            r#"<c r="H6" s="4"><v>46505</v></c>"#,
        )],
    );
    let out = dir.path().join("out");
    let r = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let json = r.json("2026-10/run.json");
    let warned: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["cell"] == "H6" && d["location"]["file"] == "月报/东湖镇.xlsx")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        warned,
        [
            "实际开工日期 2027-04-28 晚于本表的填报日期 2026-10-21，填报时尚未发生，不予采用：按未填实际开工日期计（以往月报报过开工日期的按其日期，否则按未开工计）"
        ]
    );
    let start = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["project"] == "DH2026-004" && d["rule"].as_str().unwrap().starts_with("start_"))
        .unwrap();
    // The date is not used (drop_value): no history here, so the start counts as not made.
    assert_eq!(start["met_on"], serde_json::Value::Null, "{start:#}");
    assert!(
        !["met", "met_late"].contains(&start["status"].as_str().unwrap()),
        "{start:#}"
    );
}

/// 东湖镇's report titled September (last month's form sent again) and dated 11-02: refused
/// (E033), it is no submission either, not a report sent late.
#[test]
fn a_report_refused_as_another_months_is_not_counted_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(
        dir.path(),
        &[
            (
                "月报/东湖镇.xlsx",
                "xl/sharedStrings.xml",
                "月报表（2026年10月）",
                "月报表（2026年9月）",
            ),
            (
                "月报/东湖镇.xlsx",
                "xl/sharedStrings.xml",
                r#"填报日期：2026年10月21日"#,
                r#"填报日期：2026年11月2日"#,
            ),
        ],
    );
    let out = dir.path().join("out");
    let r = Sanyipi::new()
        .arg("run")
        .input(&input)
        .args(["--month", "2026-10"])
        .as_of("2026-11-03")
        .out(&out)
        .run()
        .expect_done();
    let json = r.json("2026-10/run.json");
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "E033" && d["location"]["file"] == "月报/东湖镇.xlsx"),
        "{json:#}"
    );
    // Its figures are not used, so it is not a report sent late either: 未报送.
    let sent = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "monthly_report" && d["recipient"] == "东湖镇")
        .unwrap();
    assert_eq!(
        (sent["status"].as_str(), sent["status_label"].as_str()),
        (Some("overdue"), Some("未报送")),
        "{sent:#}"
    );
}

/// A header with two columns of one name (东湖镇 renamed 存在问题 to a second 形象进度): the first
/// is read and the other is a warning at its header cell, naming the one read; the month runs.
/// Without the repeat there is no such warning.
#[test]
fn a_repeated_column_name_is_warned_of_at_the_column_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(
        dir.path(),
        &[(
            "月报/东湖镇.xlsx",
            SHEET,
            r#"<c r="L3" s="2" t="s"><v>8</v></c>"#,
            r#"<c r="L3" s="2" t="s"><v>7</v></c>"#,
        )],
    );
    let r = sanyipi(&["check", "--input", input.to_str().unwrap()]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(
            "[W066] 月报/东湖镇.xlsx!月报!L3: 列名“形象进度”与 K3 重复：只读取 K3 所在的列，此列的值未使用"
        ),
        "{said}"
    );
    assert_eq!(said.matches("[W066]").count(), 1, "{said}");
    let clean = root().join("samples/2026-10");
    let r = sanyipi(&["check", "--input", clean.to_str().unwrap()]);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("W066"));
}

/// A ledger that writes a project's 项目编号 in lower case (`dh2026-004` for September's
/// `DH2026-004`), in a month 东湖镇 leaves the project out: the project keeps September's 累计
/// and start date (not 0 and 逾期未开工), and a W067 at the ledger's cell says why.
#[test]
fn a_ledger_id_written_otherwise_keeps_the_projects_history() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let september = root().join("samples/2026-09");
    run_one_month(&september, "2026-09", &out);
    let input = october_with(
        dir.path(),
        &[
            (
                "重大项目管理台账.xlsx",
                "xl/sharedStrings.xml",
                "<t>DH2026-004</t>",
                "<t>dh2026-004</t>",
            ),
            // 东湖镇's row of the project, emptied but for its 序号.
            (
                "月报/东湖镇.xlsx",
                SHEET,
                r#"<c r="B6" t="s"><v>20</v></c><c r="C6" t="s"><v>21</v></c><c r="D6"><v>7640</v></c><c r="E6"><v>860.3</v></c><c r="F6"><v>5980.3</v></c><c r="G6" t="s"><v>22</v></c><c r="H6" s="4"><v>46140</v></c><c r="I6" t="s"><v>18</v></c><c r="K6" t="s"><v>23</v></c>"#,
                "",
            ),
        ],
    );
    let run = run_one_month(&input, "2026-10", &out);
    let p = run["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "dh2026-004")
        .unwrap_or_else(|| panic!("{:#}", run["projects"]));
    let inputs = p["inputs"].to_string();
    assert!(inputs.contains("历史记录（2026-09）"), "{inputs}");
    assert!(inputs.contains("5120"), "{inputs}");
    // Left out of its unit's report: scored and shown as not sent (it read 按期完成).
    let report = p["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "report_status")
        .unwrap();
    assert_eq!(report["value"], "未报送", "{report}");
    assert_eq!(
        report["source"], "月报/东湖镇.xlsx（本项目未列入）",
        "{report}"
    );
    assert_eq!(p["report_status"], "未报送");
    let said = run["diagnostics"].to_string();
    assert!(
        said.contains("项目编号“dh2026-004”在以往月份的记录中写作“DH2026-004”"),
        "{said}"
    );
}

/// The run of the sample October month with 东湖镇's 填报日期 written `date`, as of `as_of`.
fn october_dated(dir: &Path, date: &str, as_of: &str) -> serde_json::Value {
    let input = october_with(
        dir,
        &[(
            "月报/东湖镇.xlsx",
            "xl/sharedStrings.xml",
            "填报日期：2026年10月21日",
            &format!("填报日期：{date}"),
        )],
    );
    let out = dir.join("out");
    Sanyipi::new()
        .arg("run")
        .input(&input)
        .args(["--month", "2026-10"])
        .as_of(as_of)
        .out(&out)
        .run()
        .expect_done()
        .json("2026-10/run.json")
}

/// 东湖镇's monthly deadline row and its project DH2026-004 of `run`.
fn dong_hu(run: &serde_json::Value) -> (&serde_json::Value, &serde_json::Value) {
    let sent = run["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "monthly_report" && d["recipient"] == "东湖镇")
        .unwrap();
    let project = run["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "DH2026-004")
        .unwrap();
    (sent, project)
}

/// The diagnostics of `run` with `code` at 东湖镇's report.
fn said_at_dong_hu<'a>(run: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code && d["location"]["file"] == "月报/东湖镇.xlsx")
        .collect()
}

/// October's report (its title says 2026年10月) filed on 11-02: late, but October's report. It
/// is used (its figures scored) and its deadline counts it 逾期报送, with the reduced points of
/// the rules, where before it was refused as November's (E033) and the unit counted as not
/// having reported.
#[test]
fn a_report_titled_this_month_and_dated_next_month_is_used_and_late() {
    let dir = tempfile::tempdir().unwrap();
    let run = october_dated(dir.path(), "2026年11月2日", "2026-11-03");
    assert_eq!(
        said_at_dong_hu(&run, "E033"),
        Vec::<&serde_json::Value>::new()
    );
    let (sent, project) = dong_hu(&run);
    assert_eq!(
        (
            sent["status"].as_str(),
            sent["status_label"].as_str(),
            sent["met_on"].as_str()
        ),
        (Some("met_late"), Some("逾期报送"), Some("2026-11-02")),
        "{sent:#}"
    );
    assert_eq!(project["reported"], true, "{project:#}");
    assert_eq!(project["report_status"], "逾期报送", "{project:#}");
    assert_eq!(project["figures"]["cum_invest"], 5980.3, "{project:#}");
    let reporting = project["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "reporting")
        .unwrap();
    assert_eq!(reporting["score"], 5.0, "{reporting:#}");
    let file = run["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "月报/东湖镇.xlsx")
        .unwrap();
    assert_eq!(file["used"], 2, "{file:#}");
}

/// October's report dated 2026-09-15 (a date most likely left from September's form): used, its
/// date as written, with W070 at the date cell saying so; not refused as September's (E033).
#[test]
fn a_report_titled_this_month_and_dated_last_month_is_used_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let run = october_dated(dir.path(), "2026年9月15日", "2026-10-25");
    assert_eq!(
        said_at_dong_hu(&run, "E033"),
        Vec::<&serde_json::Value>::new()
    );
    let w070 = said_at_dong_hu(&run, "W070");
    assert_eq!(w070.len(), 1, "{w070:?}");
    assert_eq!(w070[0]["severity"], "Warning");
    assert_eq!(w070[0]["location"]["cell"], "A2");
    assert_eq!(
        w070[0]["message"],
        "填报日期为 2026年9月15日，早于2026年10月：标题表明此文件是考核月份（2026年10月）的重点项目推进情况月报，已采用，是否按时报送按所填日期计"
    );
    assert_eq!(
        w070[0]["hint"],
        "填报日期可能沿用了上月表格中的日期，请报送单位核实，改正填报日期后重新报送"
    );
    let (sent, project) = dong_hu(&run);
    assert_eq!(sent["met_on"], "2026-09-15", "{sent:#}");
    assert_eq!(project["reported"], true, "{project:#}");
    assert_eq!(project["figures"]["cum_invest"], 5980.3, "{project:#}");
}

/// October's report dated 2062-10-21 (a slip of the year): `check` says so at the date (W070),
/// before the run counts the unit's report as not sent by the as-of date.
#[test]
fn a_report_dated_years_after_its_month_is_said_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(
        dir.path(),
        &[(
            "月报/东湖镇.xlsx",
            "xl/sharedStrings.xml",
            "填报日期：2026年10月21日",
            "填报日期：2062年10月21日",
        )],
    );
    let r = sanyipi(&[
        "check",
        "--input",
        input.to_str().unwrap(),
        "--month",
        "2026-10",
    ]);
    assert!(
        r.stdout.contains(
            "警告[W070] 月报/东湖镇.xlsx!月报!A2: 填报日期为 2062年10月21日，远晚于2026年10月"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("年份或月份可能写错"), "{}", r.stdout);
    // A report sent in the next month is late, not a slip: no W070.
    let dir = tempfile::tempdir().unwrap();
    let run = october_dated(dir.path(), "2026年11月20日", "2026-11-25");
    assert_eq!(said_at_dong_hu(&run, "W070").len(), 0);
}

/// A report dated after the as-of date (东湖镇's 10-21 typed as 10-28, the month run as of
/// 10-25) counts as not yet sent, as a deadline does; W068 at the date says so, where before it
/// was silent.
#[test]
fn a_report_dated_after_the_as_of_date_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(
        dir.path(),
        &[(
            "月报/东湖镇.xlsx",
            "xl/sharedStrings.xml",
            "填报日期：2026年10月21日",
            "填报日期：2026年10月28日",
        )],
    );
    let out = dir.path().join("out");
    let r = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_done();
    let run = r.json("2026-10/run.json");
    let w068: Vec<&serde_json::Value> = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W068")
        .collect();
    assert_eq!(w068.len(), 1, "{w068:?}");
    assert_eq!(w068[0]["location"]["file"], "月报/东湖镇.xlsx");
    assert_eq!(w068[0]["location"]["cell"], "A2");
    assert!(
        w068[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("填报日期 2026-10-28 晚于统计截止日期 2026-10-25"),
        "{w068:?}"
    );
}

/// A ledger 责任单位 misspelt (`东胡镇` for 东湖镇, the unit September ranked), written short
/// (`东湖`) or with two units (`东湖镇、西岭乡`): each would be ranked as a unit of its own and
/// sent notices, with only warnings about a report not sent. E034 at the ledger's cell names
/// the known unit it is like. A unit September did not rank and unlike any is new, in silence.
#[test]
fn a_ledger_unit_written_like_a_known_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_one_month(&root().join("samples/2026-09"), "2026-09", &out);
    let e034 = |unit: &str| -> Vec<String> {
        let case = tempfile::tempdir().unwrap();
        let input = october_with(
            case.path(),
            &[(
                "重大项目管理台账.xlsx",
                SHEET,
                r#"<c r="M7" t="s"><v>31</v></c>"#,
                &format!(r#"<c r="M7" t="inlineStr"><is><t>{unit}</t></is></c>"#),
            )],
        );
        let history = case.path().join("out");
        copy_dir(&out, &history);
        let run = run_one_month(&input, "2026-10", &history);
        run["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "E034")
            .map(|d| {
                assert_eq!(d["location"]["cell"], "M7", "{d}");
                d["message"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let said = e034("东胡镇");
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("“东胡镇”是新出现的单位"), "{said:?}");
    assert!(said[0].contains("与以往排名中的“东湖镇”相近"), "{said:?}");
    assert!(e034("东湖")[0].contains("与以往排名中的“东湖镇”相近"));
    assert!(e034("东湖镇、西岭乡")[0].contains("写了多个单位（东湖镇、西岭乡）"));
    assert!(e034("白河镇").is_empty());
}

/// 东湖镇's 填报日期 written without its year, in Chinese numerals, under another label, or not
/// at all. Before, each made the unit 未报送 (0 report points, a 督查 notice saying it had not
/// reported) while its figures were used. Now the first three are read as the date, and a file
/// with no date counts as sent on time (`undated_met` of the shipped rules), W051 saying so.
#[test]
fn a_report_dated_otherwise_or_not_at_all_is_not_called_unsent() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run_one_month(
        &root().join("samples/2026-10"),
        "2026-10",
        &dir.path().join("p"),
    );
    let score = |run: &serde_json::Value| {
        run["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == "东湖镇")
            .map(|u| u["score"].clone())
            .unwrap()
    };
    for (line, w051) in [
        ("填报日期：10月21日", false),
        ("填报日期：二〇二六年十月二十一日", false),
        ("填报时间：2026年10月21日", false),
        ("", true),
    ] {
        let case = tempfile::tempdir().unwrap();
        let input = october_with(
            case.path(),
            &[(
                "月报/东湖镇.xlsx",
                "xl/sharedStrings.xml",
                "填报日期：2026年10月21日",
                line,
            )],
        );
        let run = run_one_month(&input, "2026-10", &case.path().join("out"));
        assert_eq!(score(&run), score(&plain), "{line}");
        assert_eq!(run["notices"], plain["notices"], "{line}");
        let said: Vec<_> = run["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["location"]["file"] == "月报/东湖镇.xlsx")
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        let expected: Vec<String> = if w051 { vec!["W051".into()] } else { vec![] };
        assert_eq!(said, expected, "{line}");
    }
}

/// 东湖镇's report sent as `东湖.xlsx` signed `东湖` (no known unit), or as `东湖镇.xlsx` signed
/// 西岭乡 (a line copied from another unit's form). Before, its figures were used while 东湖镇
/// counted as not reporting (0 report points, a 未报送 notice) and, signed 西岭乡, 西岭乡 had
/// "sent two reports". Every project it reports is 东湖镇's: it is 东湖镇's report, a W044 at the
/// file says why, and the month is scored as the plain one.
#[test]
fn a_report_whose_unit_is_in_doubt_is_the_unit_of_its_projects() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run_one_month(
        &root().join("samples/2026-10"),
        "2026-10",
        &dir.path().join("p"),
    );
    for (signed, file, said) in [
        (
            "填报单位（盖章）：东湖    ",
            "月报/东湖.xlsx",
            "未能从填报单位或文件名确定报送单位；本表所报项目均属东湖镇，按东湖镇的报送计",
        ),
        (
            "填报单位（盖章）：西岭乡    ",
            "月报/东湖镇.xlsx",
            "文件名为“东湖镇”，填报单位为“西岭乡”，二者不一致；本表所报项目均属东湖镇，按东湖镇的报送计",
        ),
    ] {
        let case = tempfile::tempdir().unwrap();
        let input = october_with(
            case.path(),
            &[(
                "月报/东湖镇.xlsx",
                "xl/sharedStrings.xml",
                "填报单位（盖章）：东湖镇    ",
                signed,
            )],
        );
        std::fs::rename(input.join("月报/东湖镇.xlsx"), input.join(file)).unwrap();
        let run = run_one_month(&input, "2026-10", &case.path().join("out"));
        assert_eq!(run["units"], plain["units"], "{file}");
        assert_eq!(run["notices"], plain["notices"], "{file}");
        let w044: Vec<&str> = run["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "W044" && d["location"]["file"] == file)
            .map(|d| d["message"].as_str().unwrap())
            .collect();
        assert!(w044.contains(&said), "{w044:?}");
        assert!(!run["diagnostics"].to_string().contains("W042"), "{file}");
    }
    // A department's own file holding the town's projects is not the town's report: the name
    // it is signed with is not the town's written otherwise.
    let case = tempfile::tempdir().unwrap();
    let input = october_with(
        case.path(),
        &[(
            "月报/东湖镇.xlsx",
            "xl/sharedStrings.xml",
            "填报单位（盖章）：东湖镇    ",
            "填报单位（盖章）：县发改委    ",
        )],
    );
    std::fs::rename(
        input.join("月报/东湖镇.xlsx"),
        input.join("月报/县发改委.xlsx"),
    )
    .unwrap();
    let run = run_one_month(&input, "2026-10", &case.path().join("out"));
    let said = run["diagnostics"].to_string();
    assert!(!said.contains("按东湖镇的报送计"), "{said}");
    assert!(said.contains("东湖镇未报送"), "{said}");
}

/// 东湖镇's report with a hidden stale copy of DH2026-004's row (last month's 累计 5120) above
/// its visible row of this month. Before, the first row won: the hidden 5120 was scored and the
/// W042 named neither row hidden. The visible row is used, and W042 says the other is hidden.
#[test]
fn of_a_hidden_and_a_visible_row_of_one_project_the_visible_one_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run_one_month(
        &root().join("samples/2026-10"),
        "2026-10",
        &dir.path().join("p"),
    );
    let row = |r: u32, cum: &str| {
        format!(
            r#"<c r="A{r}"><v>2</v></c><c r="B{r}" t="s"><v>20</v></c><c r="C{r}" t="s"><v>21</v></c><c r="D{r}"><v>7640</v></c><c r="E{r}"><v>860.3</v></c><c r="F{r}"><v>{cum}</v></c><c r="G{r}" t="s"><v>22</v></c><c r="H{r}" s="4"><v>46140</v></c><c r="I{r}" t="s"><v>18</v></c><c r="K{r}" t="s"><v>23</v></c>"#
        )
    };
    let original = format!(r#"<row r="6" spans="1:12">{}</row>"#, row(6, "5980.3"));
    let doctored = format!(
        r#"<row r="6" spans="1:12" hidden="1">{}</row><row r="7" spans="1:12">{}</row>"#,
        row(6, "5120"),
        row(7, "5980.3")
    );
    let case = tempfile::tempdir().unwrap();
    let input = october_with(
        case.path(),
        &[("月报/东湖镇.xlsx", SHEET, &original, &doctored)],
    );
    let run = run_one_month(&input, "2026-10", &case.path().join("out"));
    assert_eq!(run["units"], plain["units"]);
    let w042: Vec<&str> = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W042")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(w042.len(), 1, "{w042:?}");
    assert!(
        w042[0].contains("采用 月报/东湖镇.xlsx!月报!第7行 的一行"),
        "{w042:?}"
    );
    assert!(w042[0].ends_with("此行（隐藏行）未采用"), "{w042:?}");
}

/// 东湖镇's report sent twice with one 填报日期 (`东湖镇.xlsx` and `东湖镇v2.xlsx`): W042 said
/// "采用填报日期较晚的一份" of two files of one date. It now says the dates are the same and
/// names the file whose rows are used.
#[test]
fn two_reports_of_one_date_are_said_to_tie_naming_the_file_used() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    std::fs::copy(
        input.join("月报/东湖镇.xlsx"),
        input.join("月报/东湖镇v2.xlsx"),
    )
    .unwrap();
    let run = run_one_month(&input, "2026-10", &dir.path().join("out"));
    let said = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "W042" && d["location"]["cell"].is_null())
        .map(|d| d["message"].as_str().unwrap().to_string())
        .unwrap();
    assert!(
        said.ends_with("其中 月报/东湖镇.xlsx、月报/东湖镇v2.xlsx 的填报日期相同，同一项目采用 月报/东湖镇.xlsx 中的一行"),
        "{said}"
    );
    // The rows used are that file's.
    let p = run["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "DH2026-004")
        .unwrap();
    assert!(p["inputs"].to_string().contains("月报/东湖镇.xlsx!"), "{p}");
}

/// 南阳街道's report in 亿元, said once above the table ("单位：亿元" after the 填报 line) with
/// no unit in its headers. Before, the note was not read: 累计 1.10207 was taken as 万元 (0
/// investment points, no message without history). The amounts are read in 亿元.
#[test]
fn an_amounts_unit_said_above_the_table_applies_to_headers_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run_one_month(
        &root().join("samples/2026-10"),
        "2026-10",
        &dir.path().join("p"),
    );
    let strings = "xl/sharedStrings.xml";
    let mut edits: Vec<(&str, &str, &str, &str)> = vec![
        (
            "月报/南阳街道.xlsx",
            strings,
            "填报日期：2026年10月21日",
            "填报日期：2026年10月21日    单位：亿元",
        ),
        (
            "月报/南阳街道.xlsx",
            strings,
            "年度计划投资（万元）",
            "年度计划投资",
        ),
        (
            "月报/南阳街道.xlsx",
            strings,
            "本月完成投资（万元）",
            "本月完成投资",
        ),
        (
            "月报/南阳街道.xlsx",
            strings,
            "累计完成投资（万元）",
            "累计完成投资",
        ),
    ];
    for (from, to) in [
        ("<v>18000</v>", "<v>1.8</v>"),
        ("<v>1220.7</v>", "<v>0.12207</v>"),
        ("<v>11020.7</v>", "<v>1.10207</v>"),
        ("<v>6000</v>", "<v>0.6</v>"),
        ("<v>750</v>", "<v>0.075</v>"),
        ("<v>4650</v>", "<v>0.465</v>"),
    ] {
        edits.push(("月报/南阳街道.xlsx", SHEET, from, to));
    }
    let input = october_with(dir.path(), &edits);
    let run = run_one_month(&input, "2026-10", &dir.path().join("out"));
    assert_eq!(run["units"], plain["units"]);
    assert_eq!(run["diagnostics"], plain["diagnostics"]);
}

/// 南阳街道's headers naming the months, as county forms often do: `10月完成投资（万元）` and
/// `1-10月累计完成投资（万元）`. Before, the report was dropped (E011: no 累计完成投资 column)
/// and the unit counted as not reporting. They read as 本月完成投资 and 累计完成投资 by
/// `[headers]` of `ingest.toml`; without those words, as before.
#[test]
fn headers_naming_the_months_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run_one_month(
        &root().join("samples/2026-10"),
        "2026-10",
        &dir.path().join("p"),
    );
    let strings = "xl/sharedStrings.xml";
    let input = october_with(
        dir.path(),
        &[
            (
                "月报/南阳街道.xlsx",
                strings,
                "本月完成投资（万元）",
                "10月完成投资（万元）",
            ),
            (
                "月报/南阳街道.xlsx",
                strings,
                "累计完成投资（万元）",
                "1-10月累计完成投资（万元）",
            ),
        ],
    );
    let run = run_one_month(&input, "2026-10", &dir.path().join("out"));
    assert_eq!(run["units"], plain["units"]);
    assert_eq!(run["diagnostics"], plain["diagnostics"]);
    let (_keep, rules) = edited_rules(&[(
        "ingest.toml",
        "this_month = \"本月\"\nyear_to_date = \"累计\"",
        "",
    )]);
    let r = Sanyipi::month(&input, "2026-10")
        .out(dir.path().join("out2"))
        .rules(&rules)
        .run();
    let run: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out2/2026-10/run.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(r.code, 1);
    assert!(
        run["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "E011" && d["location"]["file"] == "月报/南阳街道.xlsx")
    );
}

/// 东湖镇 sent its report on 10-21 and a corrected copy on 10-23, after the 22nd: the report was
/// sent when its first version was, whatever order the files' names give.
#[test]
fn a_corrected_copy_sent_after_the_due_day_leaves_the_report_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let input = october_with(dir.path(), &[]);
    let first = input.join("月报/东湖镇.xlsx");
    let bytes = patched_file(&first, "xl/sharedStrings.xml", |t| {
        t.replacen("填报日期：2026年10月21日", "填报日期：2026年10月23日", 1)
    });
    // `-` sorts before `.`: the later copy comes first in the folder.
    std::fs::write(input.join("月报/东湖镇-更正.xlsx"), bytes).unwrap();
    let out = dir.path().join("out");
    let run = Sanyipi::new()
        .arg("run")
        .input(&input)
        .args(["--month", "2026-10"])
        .as_of("2026-10-25")
        .out(&out)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let (sent, _) = dong_hu(&run);
    assert_eq!(
        (sent["status"].as_str(), sent["met_on"].as_str()),
        (Some("met"), Some("2026-10-21")),
        "{sent:#}"
    );
}
