//! Checks across months and tables (`check`, `run`): 累计 never goes back, another month's
//! report, tables recognised by content wherever they lie, the signed list against the ledger,
//! and invisible or look-alike characters.

use crate::common::{Sanyipi, copy_dir, edited_rules, root};
use std::path::Path;

/// A 东湖镇 monthly report for `title_month` dated `date`, with rows (项目编号, 项目名称, 年度计划,
/// 本月完成, 累计完成).
fn dong_hu_report(
    path: &Path,
    title_month: &str,
    date: &str,
    rows: &[(&str, &str, f64, f64, f64)],
) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("月报").unwrap();
    ws.write(
        0,
        0,
        format!("东湖县重点项目推进情况月报表（{title_month}）"),
    )
    .unwrap();
    ws.write(
        1,
        0,
        format!("填报单位（盖章）：东湖镇    填报日期：{date}"),
    )
    .unwrap();
    let header = [
        "序号",
        "项目编号",
        "项目名称",
        "年度计划投资",
        "本月完成投资",
        "累计完成投资",
        "是否开工",
        "实际开工日期",
        "是否竣工",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write(2, c as u16, *h).unwrap();
    }
    for (i, (id, name, plan, month, cum)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write(r, 0, (i + 1) as f64).unwrap();
        ws.write(r, 1, *id).unwrap();
        ws.write(r, 2, *name).unwrap();
        ws.write(r, 3, *plan).unwrap();
        ws.write(r, 4, *month).unwrap();
        ws.write(r, 5, *cum).unwrap();
        ws.write(r, 6, if *cum > 0.0 { "是" } else { "否" })
            .unwrap();
        if *cum > 0.0 {
            ws.write(r, 7, "2026-04-28").unwrap();
        }
        ws.write(r, 8, "否").unwrap();
    }
    wb.save(path).unwrap();
}

/// September run into `out`, and a copy of October's folder at `dir/2026-10`.
fn september_then_october(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let out = dir.join("out");
    Sanyipi::month(root().join("samples/2026-09"), "2026-09")
        .out(&out)
        .run()
        .expect_ok();
    let october = dir.join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &october);
    (out, october)
}

/// The 累计完成投资 a run scored for `project` (its `run.json`).
fn scored_cum(run: &crate::common::Run, project: &str) -> serde_json::Value {
    let json = run.json("2026-10/run.json");
    json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == project)
        .unwrap()["figures"]["cum_invest"]
        .clone()
}

fn check(input: &Path, out: &Path) -> crate::common::Run {
    Sanyipi::new().arg("check").input(input).out(out).run()
}

#[test]
fn cumulative_below_last_month_is_an_error_at_its_cell_and_last_months_figure_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let (out, october) = september_then_october(dir.path());
    // This month's figure typed into 累计 (500 instead of 5,980.30; September said 5,120).
    dong_hu_report(
        &october.join("月报/东湖镇.xlsx"),
        "2026年10月",
        "2026年10月21日",
        &[
            ("DH2026-003", "生态渔业养殖项目", 4000.0, 0.0, 0.0),
            ("DH2026-004", "年产3万吨饲料项目", 7640.0, 860.3, 500.0),
        ],
    );
    let r = check(&october, &out).expect_code(1);
    assert!(
        r.stdout.contains("错误[E024] 月报/东湖镇.xlsx!月报!F5: 项目 DH2026-004 的“累计完成投资”为 500 万元，小于2026年9月已报的 5120 万元"),
        "{}",
        r.stdout
    );
    let run = Sanyipi::month(&october, "2026-10").out(&out).run();
    assert_eq!(scored_cum(&run, "DH2026-004"), 5120.0);
    // Without history nothing is known of earlier months: no error.
    let fresh = check(&october, &dir.path().join("no-history"));
    assert!(!fresh.stdout.contains("E024"), "{}", fresh.stdout);
}

#[test]
fn what_is_scored_after_a_cumulative_went_back_and_the_tolerance_are_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (out, october) = september_then_october(dir.path());
    dong_hu_report(
        &october.join("月报/东湖镇.xlsx"),
        "2026年10月",
        "2026年10月21日",
        &[
            ("DH2026-003", "生态渔业养殖项目", 4000.0, 0.0, 0.0),
            // 5,120 + 860.3 = 5,980.3, not 6,500: a warning at 本月完成.
            ("DH2026-004", "年产3万吨饲料项目", 7640.0, 860.3, 6500.0),
        ],
    );
    let r = check(&october, &out);
    assert!(
        r.stdout.contains("警告[W062] 月报/东湖镇.xlsx!月报!E5: 项目 DH2026-004: 上月累计 5120 + 本月“本月完成投资” 860.3 = 5980.3 万元，与“累计完成投资” 6500 万元相差 519.7 万元"),
        "{}",
        r.stdout
    );
    let (_keep, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "tolerance = 1\n",
        "tolerance = 600\n",
    )]);
    let r = Sanyipi::new()
        .arg("check")
        .input(&october)
        .out(&out)
        .rules(&rules)
        .run();
    assert!(!r.stdout.contains("W062"), "{}", r.stdout);

    dong_hu_report(
        &october.join("月报/东湖镇.xlsx"),
        "2026年10月",
        "2026年10月21日",
        &[
            ("DH2026-003", "生态渔业养殖项目", 4000.0, 0.0, 0.0),
            ("DH2026-004", "年产3万吨饲料项目", 7640.0, 860.3, 500.0),
        ],
    );
    let (_keep, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "went_back = \"keep_previous\"",
        "went_back = \"reported\"",
    )]);
    let run = Sanyipi::month(&october, "2026-10")
        .out(&out)
        .rules(&rules)
        .run();
    assert!(
        run.stdout.contains("按所填数计分")
            || run.json("2026-10/run.json")["diagnostics"]
                .to_string()
                .contains("按所填数计分")
    );
    assert_eq!(scored_cum(&run, "DH2026-004"), 500.0);
}

#[test]
fn another_months_report_is_flagged_with_its_month_and_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let october = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &october);
    std::fs::copy(
        root().join("samples/2026-09/月报/东湖镇.xlsx"),
        october.join("月报/东湖镇.xlsx"),
    )
    .unwrap();
    let r = Sanyipi::new()
        .arg("check")
        .input(&october)
        .run()
        .expect_code(1);
    assert!(
        r.stdout.contains("错误[E033] 月报/东湖镇.xlsx!月报!A1: 标题“东湖县重点项目推进情况月报表(2026年9月)”为2026年9月，考核月份（2026年10月）的重点项目推进情况月报标题应为2026年10月，此文件未采用"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("E033").count(), 1, "{}", r.stdout);
    // A title naming no month: a date of another month alone is enough.
    dong_hu_report(
        &october.join("月报/东湖镇.xlsx"),
        "",
        "2026年9月20日",
        &[("DH2026-003", "生态渔业养殖项目", 4000.0, 0.0, 0.0)],
    );
    let r = Sanyipi::new()
        .arg("check")
        .input(&october)
        .run()
        .expect_code(1);
    assert!(
        r.stdout
            .contains("填报日期为 2026年9月20日，考核月份（2026年10月）的重点项目推进情况月报应在2026年10月填报"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_whole_folder_of_another_month_is_flagged_once() {
    let dir = tempfile::tempdir().unwrap();
    let october = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-09"), &october);
    let r = Sanyipi::new()
        .arg("check")
        .input(&october)
        .run()
        .expect_code(1);
    assert_eq!(r.stdout.matches("E033").count(), 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("整个文件夹是2026年9月的报表"),
        "{}",
        r.stdout
    );
    // A run refuses it: scoring September's folder as October would find no unit reported,
    // record that and use up the notices' numbers.
    let out = dir.path().join("out");
    let run = Sanyipi::month(&october, "2026-10")
        .out(&out)
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains("中的报表都是2026年9月的（各文件的标题或填报日期），不是考核月份2026年10月的，未考核，未写入任何文件。"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("如要考核2026年9月，请用 --month 2026-09"),
        "{}",
        run.stderr
    );
    assert!(!out.join("2026-10").exists());
    assert!(!out.join("history.sqlite").exists());
    let shown = Sanyipi::new()
        .args(["history", "show", "--out"])
        .arg(&out)
        .run();
    assert!(shown.stderr.contains("尚无历史记录"), "{}", shown.stderr);
}

#[test]
fn monthly_reports_are_recognised_wherever_they_lie_and_clutter_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let october = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &october);
    std::fs::rename(
        october.join("月报/东湖镇.xlsx"),
        october.join("东湖镇.xlsx"),
    )
    .unwrap();
    std::fs::create_dir_all(october.join("各乡镇报表")).unwrap();
    std::fs::rename(
        october.join("月报/城关镇.xlsx"),
        october.join("各乡镇报表/城关镇.xlsx"),
    )
    .unwrap();
    std::fs::copy(
        october.join("月报/西岭乡.xlsx"),
        october.join("月报/~$西岭乡.xlsx"),
    )
    .unwrap();
    std::fs::write(october.join("月报/~$南阳街道.xlsx"), b"lock").unwrap();
    std::fs::write(october.join("Thumbs.db"), b"\0\0").unwrap();
    let r = Sanyipi::new().arg("check").input(&october).run();
    let line = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {}", r.stdout))
            .to_string()
    };
    assert!(line("东湖镇.xlsx").contains("重点项目推进情况月报"));
    assert!(line("各乡镇报表/城关镇.xlsx").contains("重点项目推进情况月报"));
    assert!(
        r.stdout
            .contains("月报/~$西岭乡.xlsx: 临时文件或系统文件，已跳过"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Thumbs.db: 临时文件或系统文件，已跳过"),
        "{}",
        r.stdout
    );
    // Nobody is blamed: the towns count as reported, the lock files raise nothing.
    for unit in ["东湖镇", "城关镇", "西岭乡", "南阳街道"] {
        assert!(!r.stdout.contains(&format!("{unit}未报送")), "{}", r.stdout);
    }
    for l in r.stdout.lines().filter(|l| l.contains("~$")) {
        assert!(
            l.ends_with("临时文件或系统文件，已跳过"),
            "only under 说明: {l}"
        );
    }
    assert!(!r.stdout.contains("E001"), "{}", r.stdout);
    // The same in a run: every unit of the samples is scored as reported as before.
    let flat = Sanyipi::month(&october, "2026-10")
        .out(dir.path().join("flat"))
        .run();
    let usual = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(dir.path().join("usual"))
        .run();
    let units = |run: &crate::common::Run, name: &str| {
        run.json("2026-10/run.json")["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .cloned()
            .unwrap()["total"]
            .clone()
    };
    for unit in ["东湖镇", "城关镇"] {
        assert_eq!(units(&flat, unit), units(&usual, unit), "{unit}");
    }
}

#[test]
fn a_signed_project_missing_from_the_ledger_is_named() {
    let r = Sanyipi::new()
        .arg("check")
        .input(root().join("samples/2026-10"))
        .run();
    assert!(
        r.stdout.contains("警告[W045] 签约项目.xlsx!签约项目!B4: 签约项目中的“高端装备制造项目”不在本月的重大项目管理台账中"),
        "{}",
        r.stdout
    );
}

#[test]
fn invisible_and_look_alike_characters_never_split_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let october = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &october);
    dong_hu_report(
        &october.join("月报/东湖镇.xlsx"),
        "2026年10月",
        "2026年10月21日",
        &[
            // A zero-width space in the code, a bidi mark in the name.
            (
                "DH2026\u{200B}-003",
                "生态渔业\u{200E}养殖项目",
                4000.0,
                0.0,
                0.0,
            ),
            // A Cyrillic Н for the Latin H.
            ("DН2026-004", "年产3万吨饲料项目", 7640.0, 860.3, 5980.3),
        ],
    );
    let r = Sanyipi::new().arg("check").input(&october).run();
    assert!(!r.stdout.contains("E030] 月报/东湖镇"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("东湖镇的重点项目推进情况月报中没有"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("警告[W063] 月报/东湖镇.xlsx!月报!B4: “项目编号”含看不见或形近的字符 U+200B"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("月报/东湖镇.xlsx!月报!C4: “项目名称”含看不见或形近的字符 U+200E"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("U+041D（形似 H）"), "{}", r.stdout);
}

#[test]
fn a_month_taken_from_the_date_is_said_as_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("十月材料");
    copy_dir(&root().join("samples/2026-10"), &folder);
    let out = tempfile::tempdir().unwrap();
    let r = Sanyipi::new()
        .arg("deadlines")
        .input(&folder)
        .as_of("2026-10-25")
        .out(out.path())
        .run();
    assert!(
        r.stderr.contains(
            "考核月份：2026-10（未指定 --month，目录名“十月材料”不是年月，取统计截止日期所在月）"
        ),
        "{}",
        r.stderr
    );
    // Named by the folder, or given: nothing to say.
    let r = Sanyipi::new()
        .arg("deadlines")
        .input(root().join("samples/2026-10"))
        .as_of("2026-10-25")
        .out(out.path())
        .run();
    assert!(!r.stderr.contains("考核月份："), "{}", r.stderr);
}

#[test]
fn running_an_earlier_month_again_asks_for_the_later_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |month: &str, force: bool| {
        let mut r = Sanyipi::month(format!("samples/{month}"), month).out(&out);
        if force {
            r = r.args(["--force"]);
        }
        r.run()
    };
    run("2026-09", false);
    run("2026-10", false);
    let again = run("2026-09", true);
    assert!(
        again
            .stderr
            .contains("注意：历史中已有之后月份 2026-10 的考核记录"),
        "{}",
        again.stderr
    );
    // The latest month asks for nothing.
    let last = run("2026-10", true);
    assert!(!last.stderr.contains("之后月份"), "{}", last.stderr);
}

#[test]
fn a_start_reported_last_year_carries_into_january_but_its_cumulative_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .run()
        .expect_done();
    // January's folder: October's files, without 南阳街道's report (its DH2026-008 started on
    // 2026-06-05, as October's report says). The copied files name October, three months back.
    let january = dir.path().join("2027-01");
    copy_dir(&root().join("samples/2026-10"), &january);
    std::fs::remove_file(january.join("月报/南阳街道.xlsx")).unwrap();
    let (_rules_dir, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "[report_month]\ntitle = 0\nsubmitted = 0",
        "[report_month]\ntitle = -3\nsubmitted = -3",
    )]);
    let run = Sanyipi::month(&january, "2027-01")
        .out(&out)
        .args(["--rules", rules.to_str().unwrap()])
        .run();
    let json = run.json("2027-01/run.json");
    let p = json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "DH2026-008")
        .unwrap();
    assert_eq!(p["start_status"], "按期完成", "{p:#}");
    assert_eq!(p["carried_from"], serde_json::Value::Null, "{p:#}");
    assert_eq!(p["figures"]["cum_invest"], 0.0, "{p:#}");
    let start = p["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "actual_start")
        .unwrap();
    assert_eq!(start["value"], "2026-06-05");
    assert_eq!(start["source"], "历史记录（2026-10）");
}

#[test]
fn a_month_run_after_a_gap_says_the_streaks_start_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Sanyipi::new()
        .args(["history", "import"])
        .arg(root().join("samples/历史排名.xlsx"))
        .out(&out)
        .run()
        .expect_ok();
    // History holds July and August; October is run without September.
    let run = Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(&out)
        .run();
    assert!(
        run.stderr.contains(
            "注意：历史中没有上月（2026-09）的考核记录（最近一次为 2026-08），本月“上月名次”为空"
        ),
        "{}",
        run.stderr
    );
    // With September in place, nothing is said.
    let sept = Sanyipi::month(root().join("samples/2026-09"), "2026-09")
        .out(&out)
        .run();
    assert!(!sept.stderr.contains("没有上月"), "{}", sept.stderr);
}

#[test]
fn months_run_out_of_order_say_so_and_list_their_notice_numbers_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |month: &str, force: bool| {
        let mut r = Sanyipi::month(root().join(format!("samples/{month}")), month).out(&out);
        if force {
            r = r.args(["--force"]);
        }
        r.run()
    };
    run("2026-10", false).expect_done();
    let sept = run("2026-09", false);
    assert!(
        sept.stderr
            .contains("以 2026-09 为依据；2026-09 晚于它们考核，请按月份顺序用 --force 重新运行"),
        "{}",
        sept.stderr
    );
    let again = run("2026-10", true);
    assert!(
        again.stdout.contains(
            "督查通知 10 份: 镇督查〔2026〕1号 至 镇督查〔2026〕8号、镇督查〔2026〕17号 至 镇督查〔2026〕18号"
        ),
        "{}",
        again.stdout
    );
}

#[test]
fn task_dates_in_a_year_not_in_the_calendar_are_said_to_be_provisional() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // December's folder: October's files, taken as December's (two months back).
    let december = dir.path().join("2026-12");
    copy_dir(&root().join("samples/2026-10"), &december);
    let (_rules_dir, rules) = edited_rules(&[(
        "tables/monthly.toml",
        "[report_month]\ntitle = 0\nsubmitted = 0",
        "[report_month]\ntitle = -2\nsubmitted = -2",
    )]);
    let run = Sanyipi::month(&december, "2026-12")
        .out(&out)
        .args(["--rules", rules.to_str().unwrap()])
        .run();
    let json = run.json("2026-12/run.json");
    // The notices of 2026-12-25 give 整改时限 in January 2027, a year the calendar lacks.
    assert!(
        json["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["rectify_due"].as_str().unwrap().starts_with("2027-")),
        "{json:#}"
    );
    assert_eq!(json["missing_years"], serde_json::json!([2027]));
    assert!(
        run.stdout
            .contains("注意: 部分期限涉及尚未收录的 2027 年节假日安排，结果为暂定。"),
        "{}",
        run.stdout
    );
}

/// A unit renamed in `units.toml` that keeps its old name as an alias keeps its history: its
/// 上月名次, streak and penalties in October are those it has under its old name, where they
/// used to restart silently. A ranking imported under the alias is stored under the new name.
#[test]
fn a_unit_renamed_with_its_old_name_as_alias_keeps_its_history() {
    use crate::common::{Samples, import_history, run_months};
    let s = Samples::own();
    let shipped = tempfile::tempdir().unwrap();
    let runs = run_months(&s, shipped.path(), None);
    let october = runs[1]["units"].as_array().unwrap();
    // The unit with the longest streak in October, penalised: the one whose history shows most.
    let old = october
        .iter()
        .max_by_key(|u| u["streak"].as_u64().unwrap())
        .unwrap();
    let old_name = old["unit"].as_str().unwrap();
    assert!(old["streak"].as_u64().unwrap() >= 2, "{old}");
    assert!(!old["penalty_ids"].as_array().unwrap().is_empty(), "{old}");
    let new_name = format!("{}街道", old_name.trim_end_matches(['镇', '乡']));
    let (_dir, rules) = edited_rules(&[]);
    let units = rules.join("units.toml");
    let mut text = std::fs::read_to_string(&units).unwrap();
    text.push_str(&format!(
        "\n[[unit]]\nname = \"{new_name}\"\naliases = [\"{old_name}\"]\n"
    ));
    std::fs::write(&units, text).unwrap();

    let out = tempfile::tempdir().unwrap();
    import_history(&s, out.path(), None);
    Sanyipi::month(s.month("2026-09"), "2026-09")
        .out(out.path())
        .run()
        .expect_done();
    let run = Sanyipi::month(s.month("2026-10"), "2026-10")
        .out(out.path())
        .rules(&rules)
        .run()
        .expect_done();
    let json = run.json("2026-10/run.json");
    let units = json["units"].as_array().unwrap();
    let renamed = units.iter().find(|u| u["unit"] == new_name.as_str());
    let renamed = renamed.unwrap_or_else(|| panic!("{new_name} not ranked: {units:?}"));
    assert!(!units.iter().any(|u| u["unit"] == old_name), "{units:?}");
    for field in [
        "score",
        "rank",
        "previous_rank",
        "bottom",
        "streak",
        "penalty_ids",
    ] {
        assert_eq!(renamed[field], old[field], "{field}");
    }

    // `history show --unit` lists the months under either name.
    let shown = Sanyipi::new()
        .args(["history", "show", "--unit", &new_name])
        .out(out.path())
        .rules(&rules)
        .run()
        .expect_ok();
    for month in ["2026-09", "2026-10"] {
        assert!(shown.stdout.contains(month), "{}", shown.stdout);
    }

    // Imported under the alias, stored under the unit's name.
    let imported = tempfile::tempdir().unwrap();
    import_history(&s, imported.path(), Some(&rules));
    let h = rusqlite::Connection::open(imported.path().join("history.sqlite")).unwrap();
    let count = |unit: &str| -> i64 {
        h.query_row(
            "SELECT COUNT(*) FROM unit_result WHERE unit = ?1",
            [unit],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(count(old_name), 0);
    assert!(count(&new_name) > 0);
}
