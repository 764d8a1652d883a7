//! W076 across September and October of the samples: a project the year counted and no longer
//! counts is taken off the unit that counted it (the months of each unit still add up to its
//! year), and the warning is said at the cell of this month's row that no longer gives the date
//! (at the row when its file has no such column). W078: a project still counted whose 责任单位
//! changed is taken off the unit that counted it and added to its new unit's year, said at its
//! 责任单位 cell and in the 说明 of both units' rows.

use crate::common::*;
use crate::stages_months::{coded, figures};
use serde_json::Value as J;
use std::path::Path;

/// The sample `month` copied to `to`, with each (file, entry, from, to) replaced once.
fn month_with(month: &str, to: &Path, edits: &[(&str, &str, &str, &str)]) {
    copy_dir(&Samples::own().month(month), to);
    for (file, entry, from, into) in edits {
        let path = to.join(file);
        let bytes = crate::hostile::patched_file(&path, entry, |t| {
            assert!(t.contains(from), "{file}: {from}");
            t.replacen(from, into, 1)
        });
        std::fs::write(&path, bytes).unwrap();
    }
}

/// The samples' September, then October with `edits`: both run.json.
fn september_then(edits: &[(&str, &str, &str, &str)]) -> (J, J) {
    let root = tempfile::tempdir().unwrap();
    september_then_in(root.path(), None, edits)
}

/// `september_then` in `root` (its outputs in `root/out`), with `rules` if given.
fn september_then_in(
    root: &Path,
    rules: Option<&Path>,
    edits: &[(&str, &str, &str, &str)],
) -> (J, J) {
    let out = root.join("out");
    import_history(&Samples::own(), &out, rules);
    let input = root.join("2026-10");
    month_with("2026-10", &input, edits);
    let run = |input: &Path, month: &str| {
        Sanyipi::month(input, month)
            .out(&out)
            .rules_opt(rules)
            .run()
            .expect_done()
            .json(&format!("{month}/run.json"))
    };
    (
        run(&Samples::own().month("2026-09"), "2026-09"),
        run(&input, "2026-10"),
    )
}

const LEDGER: &str = "重大项目管理台账.xlsx";
const SHEET: &str = "xl/worksheets/sheet1.xml";
const NANYANG: &str = "月报/南阳街道.xlsx";

/// The one W076 of `run`: (its location, its message).
fn dropped(run: &J) -> (J, String) {
    let gone = coded(run, "W076");
    assert_eq!(gone.len(), 1, "{gone:#?}");
    let message = gone[0]["message"].as_str().unwrap().to_string();
    (gone[0]["location"].clone(), message)
}

/// 生态渔业养殖项目 (DH2026-003), signed 2026-04-08 and counted by 东湖镇 in September, is
/// handed to 城关镇 in October's ledger with its 签约日期 corrected to 2025-04-08: the year's
/// figure is taken off 东湖镇, which counted it, not 城关镇, which never did; each unit's
/// September year plus its October month less what was taken off is its October year.
#[test]
fn a_dropped_project_is_taken_off_the_unit_that_counted_it() {
    let (september, october) = september_then(&[
        (
            LEDGER,
            SHEET,
            r#"<c r="H7" s="4"><v>46120</v></c>"#,
            r#"<c r="H7" s="4"><v>45755</v></c>"#,
        ),
        // 东湖镇 (string 31) to 城关镇 (string 22) as the responsible unit.
        (
            LEDGER,
            SHEET,
            r#"<c r="M7" t="s"><v>31</v></c>"#,
            r#"<c r="M7" t="s"><v>22</v></c>"#,
        ),
    ]);
    let (at, message) = dropped(&october);
    assert_eq!(
        at,
        serde_json::json!({"file": LEDGER, "sheet": "台账", "cell": "H7"})
    );
    assert!(message.contains("生态渔业养殖项目"), "{message}");
    assert_eq!(figures(&october, "东湖镇", "signed").1, 1);
    assert_eq!(figures(&october, "城关镇", "signed").1, 0);
    for unit in ["", "东湖镇", "城关镇"] {
        let (sept, oct) = (
            figures(&september, unit, "signed"),
            figures(&october, unit, "signed"),
        );
        assert_eq!(sept.2 + oct.0 - oct.1, oct.2, "{unit:?}");
    }
}

/// 南阳街道's row of 智慧物流园项目 (DH2026-007), started 2026-06-12 and counted so in
/// September, says 否 in October with its 实际开工日期 (H4) left empty: W076 is said at that
/// empty cell.
#[test]
fn a_start_date_taken_out_is_said_at_its_empty_cell() {
    let (_, october) = september_then(&[(
        NANYANG,
        SHEET,
        r#"<c r="G4" t="s"><v>16</v></c><c r="H4" t="s"><v>17</v></c>"#,
        r#"<c r="G4" t="s"><v>18</v></c>"#,
    )]);
    let (at, message) = dropped(&october);
    assert_eq!(
        at,
        serde_json::json!({"file": NANYANG, "sheet": "月报", "cell": "H4"})
    );
    assert!(message.contains("智慧物流园项目"), "{message}");
    assert!(message.contains("现无开工日期"), "{message}");
}

/// The same row in a file whose 实际开工日期 column is headed so that no header of the rules
/// reads it (the column is absent, W-warned as such): W076 is said at the row (`第4行`), not at
/// September's record, which the office cannot correct.
#[test]
fn a_start_date_whose_column_is_gone_is_said_at_its_row() {
    let (_, october) = september_then(&[
        (
            NANYANG,
            SHEET,
            r#"<c r="G4" t="s"><v>16</v></c>"#,
            r#"<c r="G4" t="s"><v>18</v></c>"#,
        ),
        (
            NANYANG,
            "xl/sharedStrings.xml",
            "<t>实际开工日期</t>",
            "<t>进度说明</t>",
        ),
    ]);
    let (at, message) = dropped(&october);
    assert_eq!(
        at,
        serde_json::json!({"file": NANYANG, "sheet": "月报", "cell": "第4行"})
    );
    assert!(message.contains("智慧物流园项目"), "{message}");
}

/// 生态渔业养殖项目 (DH2026-003), signed 2026-04-08 and counted by 东湖镇 in September, handed
/// to 城关镇 in October's ledger (its 责任单位, M7) and still counted in the year; October's
/// run.json and, in `root/out/2026-10`, its report and workbook.
fn handed_to_chengguan(root: &Path, rules: Option<&Path>) -> (J, J) {
    september_then_in(
        root,
        rules,
        &[(
            LEDGER,
            SHEET,
            r#"<c r="M7" t="s"><v>31</v></c>"#,
            r#"<c r="M7" t="s"><v>22</v></c>"#,
        )],
    )
}

/// The 说明 of `unit`'s row of the 三个一批 sheet of October's workbook, and whether October's
/// report says it.
fn said_of(root: &Path, unit: &str) -> (String, bool) {
    let dir = root.join("out/2026-10");
    let rows = xlsx_rows(&dir.join("2026年10月重点项目考核排名.xlsx"), "三个一批");
    let row = rows.iter().find(|r| r[0] == unit).expect(unit);
    let note = row.last().unwrap().clone();
    let report = std::fs::read_to_string(dir.join("2026年10月重点项目推进情况报告.html")).unwrap();
    let in_report = report.contains(&note);
    (note, in_report)
}

/// The 说明 of `unit`'s row in October's 三个一批 sheet is its signed year figure with `words`,
/// and the report says the same.
fn signed_note_is(root: &Path, october: &J, unit: &str, words: &str) {
    let (note, in_report) = said_of(root, unit);
    let year = signed_year(october, unit);
    assert_eq!(note, format!("签约本年累计{year}个（{words}）"));
    assert!(in_report, "{note}");
}

/// The signed projects of `unit`'s year in `run` (the county's for "").
fn signed_year(run: &J, unit: &str) -> u64 {
    crate::stages_months::figures(run, unit, "signed").2
}

/// W078 is said at M7 naming both units and the month that counted it; 东湖镇's year has it
/// taken off as moved to another unit (its `moved_out`, not its `dropped`: the year still counts
/// it), 城关镇's gains it (its `moved_in`, not its month's count), so each unit's September year
/// plus its October month less what was dropped and moved out plus what moved in is its October
/// year; the county's figures do not change, and the report and the workbook say it of both
/// units' rows.
#[test]
fn a_project_handed_to_another_unit_is_said_and_moved() {
    let root = tempfile::tempdir().unwrap();
    let (september, october) = handed_to_chengguan(root.path(), None);
    assert!(coded(&october, "W076").is_empty());
    let moved = coded(&october, "W078");
    assert_eq!(moved.len(), 1, "{moved:#?}");
    assert_eq!(
        moved[0]["location"],
        serde_json::json!({"file": LEDGER, "sheet": "台账", "cell": "M7"})
    );
    let message = moved[0]["message"].as_str().unwrap();
    for said in [
        "“生态渔业养殖项目”上次考核时计入东湖镇本年累计签约项目",
        "本月责任单位为城关镇：自东湖镇核减，计入城关镇本年累计签约数",
    ] {
        assert!(message.contains(said), "{said}: {message}");
    }
    let n = |v: &J| v.as_u64().unwrap_or(0);
    let unit = |run: &J, name: &str| -> J {
        if name.is_empty() {
            return run["stages"]["total"].clone();
        }
        run["stages"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        n(&unit(&october, "东湖镇")["signed"]["month"]["moved_out"]),
        1
    );
    assert!(
        unit(&october, "东湖镇")["signed"]["month"]
            .get("dropped")
            .is_none(),
        "a move is not dropped from the year"
    );
    assert_eq!(
        n(&unit(&october, "城关镇")["signed"]["month"]["moved_in"]),
        1
    );
    assert_eq!(n(&unit(&october, "")["signed"]["month"]["dropped"]), 0);
    assert_eq!(n(&unit(&october, "")["signed"]["month"]["moved_in"]), 0);
    assert_eq!(n(&unit(&october, "")["signed"]["month"]["moved_out"]), 0);
    let units: Vec<String> = october["stages"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap().to_string())
        .collect();
    for name in units.iter().map(String::as_str).chain([""]) {
        for stage in ["signed", "started", "completed"] {
            let m = &unit(&october, name)[stage]["month"];
            assert_eq!(
                n(&unit(&september, name)[stage]["year"]["count"])
                    + n(&m["count"])
                    + n(&m["moved_in"])
                    - n(&m["dropped"])
                    - n(&m["moved_out"]),
                n(&unit(&october, name)[stage]["year"]["count"]),
                "{name:?} {stage}"
            );
        }
    }
    signed_note_is(
        root.path(),
        &october,
        "东湖镇",
        "已核减此前计入、现由其他单位负责的1个",
    );
    signed_note_is(
        root.path(),
        &october,
        "城关镇",
        "含此前计入其他单位、现由本单位负责的1个",
    );
}

/// The note of a unit's year figure on what it has from another unit is worded by the rules.
#[test]
fn the_note_of_a_project_moved_in_is_worded_by_the_rules() {
    let (_dir, rules) = edited_rules(&[(
        "lights.toml",
        "moved_in = \"含此前计入其他单位、现由本单位负责的{moved_in}个\"",
        "moved_in = \"其中{moved_in}个{stage}项目由其他单位调入\"",
    )]);
    let root = tempfile::tempdir().unwrap();
    let (_, october) = handed_to_chengguan(root.path(), Some(&rules));
    signed_note_is(
        root.path(),
        &october,
        "城关镇",
        "其中1个签约项目由其他单位调入",
    );
}

/// The note of a unit's year figure on what another unit has from it is worded by the rules.
#[test]
fn the_note_of_a_project_moved_out_is_worded_by_the_rules() {
    let (_dir, rules) = edited_rules(&[(
        "lights.toml",
        "moved_out = \"已核减此前计入、现由其他单位负责的{moved_out}个\"",
        "moved_out = \"其中{moved_out}个{stage}项目调往其他单位\"",
    )]);
    let root = tempfile::tempdir().unwrap();
    let (_, october) = handed_to_chengguan(root.path(), Some(&rules));
    signed_note_is(
        root.path(),
        &october,
        "东湖镇",
        "其中1个签约项目调往其他单位",
    );
}
