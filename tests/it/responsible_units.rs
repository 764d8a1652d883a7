//! A project's figures come from its responsible unit (the ledger's 责任单位): a row another
//! unit reports for it is never used for it, and is said at its cell with what to do.

use crate::common::*;
use crate::hostile::{check, input, month, run_month};
use crate::messages::{SHEET, STRINGS, edit, said};

/// 马庄乡 (no ledger project) sends a report: 东湖镇's form, its first row turned into 北山镇's
/// DH2026-009 (已开工 on 2026-09-01, 累计 1200), while 北山镇 sends nothing.
fn mazhuang_reports_beishans_project(dir: &tempfile::TempDir) {
    let input = input(dir);
    std::fs::copy(
        input.join("月报/东湖镇.xlsx"),
        input.join("月报/马庄乡.xlsx"),
    )
    .unwrap();
    let file = "月报/马庄乡.xlsx";
    let strings = [
        ("填报单位（盖章）：东湖镇", "填报单位（盖章）：马庄乡"),
        ("<t>DH2026-003</t>", "<t>DH2026-009</t>"),
        ("<t>生态渔业养殖项目</t>", "<t>中药饮片加工项目</t>"),
    ];
    for (from, to) in strings {
        edit(&input, file, STRINGS, from, to);
    }
    // Row 5: 已开工 (string 22 is 是) on 2026-09-01 (serial 46266), 本月 300, 累计 1200.
    edit(
        &input,
        file,
        SHEET,
        r#"<c r="E5"><v>0</v></c><c r="F5"><v>0</v></c><c r="G5" t="s"><v>18</v></c>"#,
        r#"<c r="E5"><v>300</v></c><c r="F5"><v>1200</v></c><c r="G5" t="s"><v>22</v></c><c r="H5" s="4"><v>46266</v></c>"#,
    );
}

/// 北山镇 sent nothing: 马庄乡's row of its project does not count for it (not reported, 累计
/// carried, start deadline still overdue); the row is said at its cell as not used, with whose
/// report it belongs in, and 北山镇 is still said to have sent nothing.
#[test]
fn another_units_row_does_not_supply_the_figures_of_a_unit_that_sent_nothing() {
    let dir = month();
    mazhuang_reports_beishans_project(&dir);
    let r = check(&input(&dir));
    let (line, hint) = said(&r, "警告[W043] 月报/马庄乡.xlsx!月报!C5: ");
    assert!(
        line.contains("马庄乡报送了台账中属于北山镇的项目 DH2026-009 中药饮片加工项目，此行未采用"),
        "{line}"
    );
    assert!(line.contains("只采用责任单位北山镇报送的数字"), "{line}");
    assert!(hint.contains("由北山镇"), "{hint}");
    assert!(hint.contains("更正台账中的责任单位"), "{hint}");
    said(&r, "警告[W040] 月报/*: 北山镇未报送");
    let counts = r
        .stdout
        .lines()
        .find(|l| l.starts_with("月报/马庄乡.xlsx"))
        .unwrap();
    let n: Vec<&str> = counts.split_whitespace().skip(4).take(3).collect();
    // 读取 4 = 采用 0 + 未采用 2 (DH2026-009, and 东湖镇's DH2026-004: W042) + …
    assert_eq!(n, ["4", "0", "2"], "{counts}");

    let (run, out) = run_month(&dir);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let p = json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "DH2026-009")
        .unwrap();
    assert_eq!(p["reported"], false, "{p}");
    assert_eq!(p["figures"]["cum_invest"], 0.0, "{p}");
    assert_ne!(p["figures"]["started"], true, "{p}");
    assert_eq!(p["start_status"], "逾期未完成", "{p}");
    let unit = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "北山镇")
        .unwrap();
    assert_eq!(unit["score"], 10.0, "{unit}");
}

/// An inline string cell.
fn text(cell: &str, t: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{t}</t></is></c>"#)
}

/// 东湖镇's week of 10-05 gains a row 8 for 南阳街道's DH2026-007, naming 李华 where the ledger
/// has 王明: the problem is kept, said at its 报送单位 cell as another unit's project (W043), and
/// goes to the ledger's leader, the row's leader said at its cell.
#[test]
fn a_weekly_problem_of_another_units_project_is_said_and_goes_to_the_ledgers_leader() {
    let dir = month();
    let input = input(&dir);
    let row: String = [
        text("B8", "DH2026-007"),
        text("C8", "智慧物流园项目"),
        text("D8", "东湖镇"),
        text("E8", "审批"),
        text("F8", "施工许可未办结"),
        text("G8", "协调住建局"),
        text("H8", "李华"),
        r#"<c r="I8" s="3"><v>46259</v></c><c r="J8" s="3"><v>46303</v></c>"#.to_string(),
        text("K8", "县领导协调中"),
    ]
    .concat();
    edit(
        &input,
        "周报/2026-10-05周.xlsx",
        SHEET,
        "</sheetData>",
        &format!(r#"<row r="8">{row}</row></sheetData>"#),
    );
    let out = dir.path().join("out");
    let r = sanyipi(&[
        "weekly",
        "--input",
        input.to_str().unwrap(),
        "--week",
        "2026-10-05",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let book = out.join("2026-10-05周/2026-10-05周重点项目问题周报.xlsx");
    let said = xlsx_rows(&book, "问题数据");
    let at = |cell: &str| {
        said.iter()
            .find(|row| row[2] == "周报/2026-10-05周.xlsx" && row[4] == cell)
            .unwrap_or_else(|| panic!("nothing at {cell}: {said:?}"))
            .clone()
    };
    let unit = at("D8");
    assert_eq!(unit[1], "W043", "{unit:?}");
    assert!(
        unit[5].contains(
            "东湖镇报送了重大项目管理台账中属于南阳街道的项目 DH2026-007 智慧物流园项目 的问题"
        ),
        "{unit:?}"
    );
    assert!(unit[6].contains("应由南阳街道报送"), "{unit:?}");
    let leader = at("H8");
    assert_eq!(leader[1], "W060", "{leader:?}");
    assert!(
        leader[5].contains("“李华”与重大项目管理台账中该项目的分包县领导“王明”不同"),
        "{leader:?}"
    );
    assert!(leader[5].ends_with("送王明"), "{leader:?}");
    let on = |sheet: &str| {
        xlsx_rows(&book, sheet)
            .iter()
            .any(|row| row.iter().any(|c| c == "施工许可未办结"))
    };
    assert!(on("王明"), "not on the ledger leader's page");
    assert!(!on("李华"), "on the row's leader's page");
}
