//! History format 8 (`stage_entry` keeps each counted project's unit, date, 总投资 and first
//! month) from format 7: an old history migrates and carries on giving what it gave.

use crate::common::{Sanyipi, edited_rules, run_one_month, xlsx_rows};
use crate::history_migration::{files, import_and_september, october, user_version};
use crate::stages_months::{coded, figures, month_with_list, september_with_a_list_only_signing};
use serde_json::Value as J;
use std::path::Path;

/// The history at `path` taken back to format 7: the columns format 8 added to `stage_entry`
/// dropped, as the release before left it.
fn back_to_format_7(path: &Path) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(
            "ALTER TABLE stage_entry DROP COLUMN unit;
             ALTER TABLE stage_entry DROP COLUMN date;
             ALTER TABLE stage_entry DROP COLUMN invest;
             ALTER TABLE stage_entry DROP COLUMN since;
             PRAGMA user_version = 7;",
        )
        .unwrap();
}

/// September recorded by this binary, then taken back to format 7 (the columns format 8 added to
/// `stage_entry` dropped), as the release before left it: October carried on from it is, file
/// for file, October carried on from the format-8 history; the file is at format 8 after, the
/// rows recorded before keep no dates, October's have them.
#[test]
fn a_history_of_format_7_migrates_and_october_is_the_same() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let october = |out: &str| october(out).replace(out, "OUT");
    let (old_out, new_out) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());
    import_and_september(old_out);
    import_and_september(new_out);
    let path = old.path().join("history.sqlite");
    back_to_format_7(&path);
    assert_eq!(october(old_out), october(new_out));
    assert_eq!(user_version(&path), 8);
    assert_eq!(files(old.path()), files(new.path()));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let undated = |month: &str| -> (i64, i64) {
        conn.query_row(
            "SELECT COUNT(*), SUM(s.date IS NULL) FROM stage_entry s JOIN run r ON r.id = s.run
             WHERE r.month = ?1",
            [month],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (september_rows, september_undated) = undated("2026-09");
    assert!(september_rows > 0);
    assert_eq!(september_undated, september_rows);
    assert_eq!(undated("2026-10").1, 0);
}

/// What a `stage_entry` row keeps: unit, date, 总投资, since.
type Kept = (Option<String>, Option<String>, Option<f64>, String);

/// September's list (of August) has 高端装备制造项目 (县经开区, 2026-08-16), which no ledger
/// has; the history goes back to format 7, which kept no date, unit or 总投资 of it; October's
/// list has another project only. October's year still counts it, under 未明确责任单位 (its unit
/// is not known), not again in October's month and with no W076 ("本月的报表中已无此项目"), and
/// October's record keeps it undated, under the unit it counted it, so the later months count
/// it too. Before, the
/// year's figure lost it for good, with a false W076.
#[test]
fn an_undated_list_only_signing_of_format_7_stays_in_the_years_figure() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let october = october_after_a_list_only_signing(root.path(), &out, true);
    assert!(
        coded(&october, "W076").is_empty(),
        "{:#?}",
        october["diagnostics"]
    );
    // The samples' 7, the August signing, October's list's one (its month's only).
    assert_eq!(figures(&october, "", "signed"), (1, 0, 9));
    assert_eq!(figures(&october, "县经开区", "signed"), (1, 0, 2));
    assert_eq!(figures(&october, "未明确责任单位", "signed"), (0, 0, 1));
    // Its unit's year lacks it, and the county's 总投资 its investment: said, where W076 says
    // a project no cell gives (the record of the month that counted it).
    let said = coded(&october, "W079");
    assert_eq!(said.len(), 1, "{:#?}", october["diagnostics"]);
    assert_eq!(said[0]["severity"], "Warning");
    assert_eq!(
        said[0]["location"],
        serde_json::json!({"file": "2026年9月考核记录", "sheet": null, "cell": null})
    );
    assert_eq!(
        said[0]["message"],
        "“高端装备制造项目”为旧版历史记录（格式7）计入的签约项目，未保存其责任单位和总投资：\
         本年累计计入未明确责任单位，原单位本年累计签约数少计1个，签约总投资未计入"
    );
    let hint = said[0]["hint"].as_str().unwrap();
    assert!(hint.contains("总投资"), "{hint}");
    for unit in [
        &october["stages"]["total"],
        &unit_of(&october, "未明确责任单位"),
    ] {
        assert_eq!(unit["signed"]["month"]["undated"], 1, "{unit:#}");
    }
    // The report and the workbook say it of the 未明确责任单位 row and the county's.
    for unit in ["未明确责任单位", "合计"] {
        let (note, in_report) = said_of(&out, unit);
        assert!(
            note.contains("含旧版历史记录计入、未保存责任单位和总投资的1个"),
            "{unit}: {note}"
        );
        assert!(in_report, "{note}");
    }
    let kept: Vec<Kept> = rusqlite::Connection::open(out.join("history.sqlite"))
        .unwrap()
        .prepare(
            "SELECT s.unit, s.date, s.invest, s.since FROM stage_entry s
                 JOIN run r ON r.id = s.run
                 WHERE r.month = '2026-10' AND s.name = '高端装备制造项目'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        kept,
        [(
            Some("未明确责任单位".to_string()),
            None,
            None,
            "2026-09".to_string()
        )]
    );
}

/// September's list has 高端装备制造项目 (县经开区, 2026-08-16), no ledger has it; the history
/// goes back to format 7 when `format_7`; October's list has another project only. October's
/// run.json.
fn october_after_a_list_only_signing(root: &Path, out: &Path, format_7: bool) -> J {
    let september = september_with_a_list_only_signing(root, out);
    assert_eq!(figures(&september, "", "signed"), (0, 0, 8));
    if format_7 {
        back_to_format_7(&out.join("history.sqlite"));
    }
    let input = root.join("2026-10");
    month_with_list(
        "2026-10",
        &input,
        &[("高端装备制造项目", "智能仓储物流项目")],
    );
    run_one_month(&input, "2026-10", out)
}

/// The same months with a history that never was format 7: the signing is counted under its
/// unit with its date and 总投资, and nothing is said of it.
#[test]
fn a_list_only_signing_kept_by_format_8_is_no_warning() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let october = october_after_a_list_only_signing(root.path(), &out, false);
    assert!(
        coded(&october, "W079").is_empty(),
        "{:#?}",
        october["diagnostics"]
    );
    assert_eq!(figures(&october, "县经开区", "signed"), (1, 0, 3));
    let units = october["stages"]["units"].as_array().unwrap();
    assert!(!units.iter().any(|u| u["unit"] == "未明确责任单位"));
}

/// The 说明 of `unit`'s row of the 三个一批 sheet of October's workbook under `out`, and whether
/// October's report says it.
fn said_of(out: &Path, unit: &str) -> (String, bool) {
    let dir = out.join("2026-10");
    let rows = xlsx_rows(&dir.join("2026年10月重点项目考核排名.xlsx"), "三个一批");
    let row = rows.iter().find(|r| r[0] == unit).expect(unit);
    let note = row.last().unwrap().clone();
    let report = std::fs::read_to_string(dir.join("2026年10月重点项目推进情况报告.html")).unwrap();
    (note.clone(), !note.is_empty() && report.contains(&note))
}

/// The note of a year figure on signings only a format-7 record gives is worded by the rules.
#[test]
fn the_note_of_an_undated_signing_is_worded_by_the_rules() {
    let (_dir, rules) = edited_rules(&[(
        "lights.toml",
        "undated = \"含旧版历史记录计入、未保存责任单位和总投资的{undated}个\"",
        "undated = \"其中{undated}个{stage}项目责任单位不明\"",
    )]);
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    september_with_a_list_only_signing(root.path(), &out);
    back_to_format_7(&out.join("history.sqlite"));
    let input = root.path().join("2026-10");
    month_with_list(
        "2026-10",
        &input,
        &[("高端装备制造项目", "智能仓储物流项目")],
    );
    Sanyipi::month(&input, "2026-10")
        .out(&out)
        .rules(&rules)
        .run()
        .expect_done();
    let (note, in_report) = said_of(&out, "未明确责任单位");
    assert_eq!(note, "签约本年累计1个（其中1个签约项目责任单位不明）");
    assert!(in_report, "{note}");
}

/// `unit`'s 三个一批 figures in `run`.
fn unit_of(run: &J, unit: &str) -> J {
    run["stages"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == unit)
        .cloned()
        .unwrap_or_default()
}
