//! What `check` tells a clerk about a mistake in a report: the cell, what is wrong there and
//! what to do, never a message that sends them to fix something else. Each test takes the
//! sample October month, makes one mistake in one report as units make it, and reads `check`.

use crate::common::*;
use crate::hostile::{check, input, month, patched_file};
use std::path::Path;

/// The sheet of 东湖镇's report (its only one).
pub(crate) const SHEET: &str = "xl/worksheets/sheet1.xml";
pub(crate) const STRINGS: &str = "xl/sharedStrings.xml";

/// Rewrites part `part` of the month's `file`, replacing `from` (which must be there) by `to`.
pub(crate) fn edit(input: &Path, file: &str, part: &str, from: &str, to: &str) {
    let path = input.join(file);
    let bytes = patched_file(&path, part, |t| {
        assert!(t.contains(from), "{file}: {from}");
        t.replacen(from, to, 1)
    });
    std::fs::write(&path, bytes).unwrap();
}

/// The line of `check`'s output starting with `start`, and the hint under it.
pub(crate) fn said(r: &Run, start: &str) -> (String, String) {
    let lines: Vec<&str> = r.stdout.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line {start}:\n{}", r.stdout));
    let hint = lines
        .get(i + 1)
        .and_then(|l| l.trim_start().strip_prefix("提示: "))
        .unwrap_or_default();
    (lines[i].to_string(), hint.to_string())
}

/// An inline string cell.
fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// September's form sent in October: its 累计 header names 1-9月. The error is at that header
/// cell, says which months it names and which are assessed, and how to fix it, rather than
/// "no 累计完成投资 column" at the start of the header row.
#[test]
fn a_header_naming_last_months_months_is_said_at_its_cell() {
    let dir = month();
    edit(
        &input(&dir),
        "月报/西岭乡.xlsx",
        STRINGS,
        "<t>累计完成投资（万元）</t>",
        "<t>1-9月累计完成投资</t>",
    );
    let r = check(&input(&dir));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let (line, hint) = said(&r, "错误[E011] 月报/西岭乡.xlsx!月报!F3: ");
    assert!(line.contains("“1-9月累计完成投资”"), "{line}");
    assert!(line.contains("写的是1-9月"), "{line}");
    assert!(line.contains("2026年1-10月"), "{line}");
    assert!(line.contains("“累计完成投资”"), "{line}");
    assert!(hint.contains("“1-10月累计完成投资”"), "{hint}");
    assert!(
        hint.contains("内置规则 ingest.toml（可用 sanyipi rules export 导出后修改） 的 [headers]"),
        "{hint}"
    );
    assert!(!r.stdout.contains("月报!A3"), "{}", r.stdout);
}

/// A second line of 形象进度 under 东湖镇's second project (row 7: only K7 “设备安装调试”): not
/// a project missing from the ledger (E030, "add it to the ledger"), but a row with neither
/// 项目编号 nor 项目名称, quoting what it holds, pointing at the project above.
#[test]
fn a_line_going_on_under_a_project_is_not_a_project_missing_from_the_ledger() {
    let dir = month();
    edit(
        &input(&dir),
        "月报/东湖镇.xlsx",
        SHEET,
        r#"<row r="8""#,
        &format!(
            r#"<row r="7">{}</row><row r="8""#,
            inline("K7", "设备安装调试")
        ),
    );
    let r = check(&input(&dir));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("[E030] 月报/东湖镇"), "{}", r.stdout);
    let (line, hint) = said(&r, "错误[E020] 月报/东湖镇.xlsx!月报!C7: ");
    assert!(
        line.contains("“项目编号”和“项目名称”均为空，无法确定是哪个项目，此行未采用"),
        "{line}"
    );
    assert!(line.ends_with("此行填有 K7“设备安装调试”"), "{line}");
    assert!(
        hint.contains("第6行 DH2026-004 年产3万吨饲料项目"),
        "{hint}"
    );
    assert!(hint.contains("填写“项目编号”和“项目名称”"), "{hint}");
    assert!(
        !hint.contains("台账中相近") && !hint.contains("列入台账"),
        "{hint}"
    );
    // Said once: not also as empty 项目名称 and 累计完成投资.
    assert_eq!(
        r.stdout.matches("月报/东湖镇.xlsx!月报!").count(),
        1,
        "{}",
        r.stdout
    );
    // Counted as read and not used (it was the blank row 7): the line still adds up.
    let counts = r
        .stdout
        .lines()
        .find(|l| l.starts_with("月报/东湖镇.xlsx"))
        .unwrap();
    let n: Vec<&str> = counts.split_whitespace().skip(4).take(3).collect();
    assert_eq!(n, ["4", "2", "1"], "{counts}");
}

/// 东湖镇's 累计 of DH2026-004 written “约5980.3”: the row is not used (E021 at F6). The
/// project is then not reported, but its row is there: the 警告 says the row at F6 was not used
/// for that error, to be fixed there, never "add the project's row" (a second row of it).
#[test]
fn a_project_whose_row_was_not_used_is_not_said_to_be_missing() {
    let dir = month();
    edit(
        &input(&dir),
        "月报/东湖镇.xlsx",
        SHEET,
        r#"<c r="F6"><v>5980.3</v></c>"#,
        &inline("F6", "约5980.3"),
    );
    let r = check(&input(&dir));
    assert_eq!(r.code, 1, "{}", r.stderr);
    said(&r, "错误[E021] 月报/东湖镇.xlsx!月报!F6: ");
    let (line, hint) = said(&r, "警告[W041] 月报/东湖镇.xlsx!月报!F6: ");
    assert!(
        line.contains(
            "台账项目 DH2026-004 年产3万吨饲料项目 的一行（第6行）有错误未采用：F6（E021）"
        ),
        "{line}"
    );
    assert!(line.ends_with("该项目按未报送计"), "{line}");
    assert!(hint.contains("更正 F6 后重新检查，无需另报一行"), "{hint}");
    assert!(!r.stdout.contains("补报该项目一行"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("中没有台账项目 DH2026-004"),
        "{}",
        r.stdout
    );
}

/// A 小计 row under 东湖镇's projects (row 7) is skipped, and counted: in `check`'s line and the
/// workbook's 数据核对 sheet the parts (采用, 未采用, 空行, 合计行, 备注行) add up to 读取行, as
/// 平衡 says.
#[test]
fn a_subtotal_row_is_counted_in_the_reconciliation() {
    let dir = month();
    edit(
        &input(&dir),
        "月报/东湖镇.xlsx",
        SHEET,
        r#"<row r="8""#,
        &format!(
            r#"<row r="7">{}<c r="F7"><v>5980.3</v></c></row><row r="8""#,
            inline("A7", "小计")
        ),
    );
    let r = check(&input(&dir));
    // The month's other errors (samples/2026-10 has some) make it 1; 2 would be no check.
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("月报/东湖镇.xlsx"))
        .unwrap();
    let n: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    // 读取行 4 = 采用 2 + 未采用 0 + 空行 0 + 合计行 1 (the 小计) + 备注行 1.
    assert_eq!(n, [4, 2, 0, 0, 1, 1], "{line}");
    assert!(
        r.stdout.contains("小计行 1 行（第7行），已跳过"),
        "{}",
        r.stdout
    );
    let (run, out) = crate::hostile::run_month(&dir);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let rows = xlsx_rows(&out.join("2026年10月重点项目考核排名.xlsx"), "数据核对");
    let row = rows
        .iter()
        .find(|r| r[0] == "月报/东湖镇.xlsx")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(row[4..=9], ["4", "2", "0", "0", "1", "1"], "{row:?}");
    assert_eq!(row[10], "平衡", "{row:?}");
}

/// The line above 东湖镇's table, with its 填报日期 written there (`date` above) or moved to a
/// sign-off line under the table (row 9, as 填报人 sign it), the line above keeping the unit.
fn dated(dir: &Path, below: bool) -> std::path::PathBuf {
    let input = dir.join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    let line = "填报单位（盖章）：东湖镇    填报人：张三    填报日期：2026年10月21日";
    let date = "填报日期：2026年10月23日";
    if !below {
        let above = format!("填报单位（盖章）：东湖镇    填报人：张三    {date}");
        edit(&input, "月报/东湖镇.xlsx", STRINGS, line, &above);
        return input;
    }
    edit(
        &input,
        "月报/东湖镇.xlsx",
        STRINGS,
        line,
        "填报单位：东湖镇",
    );
    let signoff = format!("填报人：张三   联系电话：123   {date}");
    edit(
        &input,
        "月报/东湖镇.xlsx",
        SHEET,
        "</sheetData>",
        &format!(r#"<row r="9">{}</row></sheetData>"#, inline("A9", &signoff)),
    );
    input
}

/// A 填报日期 in the sign-off line under the table is found (by the labels of `[meta]`), and
/// counts as one above the table does: the same deadlines, units and scores, no W051.
#[test]
fn a_submission_date_in_the_signoff_line_under_the_table_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let below = dated(&dir.path().join("below"), true);
    let r = check(&below);
    assert!(!r.stdout.contains("[W051] 月报/东湖镇"), "{}", r.stdout);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("月报/东湖镇.xlsx"))
        .unwrap();
    assert!(line.contains("东湖镇          2026-10-23"), "{line}");
    let above = dated(&dir.path().join("above"), false);
    let run_below = run_one_month(&below, "2026-10", &dir.path().join("out_below"));
    let run_above = run_one_month(&above, "2026-10", &dir.path().join("out_above"));
    for key in ["units", "projects", "deadlines", "diagnostics"] {
        assert_eq!(run_below[key], run_above[key], "{key}");
    }
    let report = run_below["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "monthly_report" && d["recipient"] == "东湖镇")
        .unwrap();
    assert_eq!(report["met_on"], "2026-10-23", "{report}");
}
