//! What a mutation campaign over the month's files found (random edits of the xlsx/xls/ods
//! parts of `samples/2026-10`, each file put in place of one through the real binary): each
//! test rebuilds one mutant the way the campaign made it and checks that the month is not
//! lost to it and the file gets a Chinese diagnostic at its cell (or is read right).

use crate::hostile::{
    VICTIM, check, diagnosed, input, month, others_read, patched_file, rezip, run_month, unzip,
};
use std::path::Path;

/// The victim with its sheet rewritten by `f`.
fn patch_victim(dir: &Path, entry: &str, f: impl Fn(String) -> String) {
    let path = dir.join(VICTIM);
    let bytes = patched_file(&path, entry, f);
    std::fs::write(path, bytes).unwrap();
}

fn patch_sheet(dir: &Path, f: impl Fn(String) -> String) {
    patch_victim(dir, "xl/worksheets/sheet1.xml", f);
}

/// The victim's cell `cell` replaced by `xml` (a whole `<c>` element).
fn set_cell(dir: &Path, cell: &str, xml: &str) {
    let (cell, xml) = (cell.to_string(), xml.to_string());
    patch_sheet(dir, move |s| {
        let start = s.find(&format!(r#"<c r="{cell}""#)).unwrap();
        let end = start + s[start..].find("</c>").unwrap() + 4;
        format!("{}{}{}", &s[..start], xml, &s[end..])
    });
}

// A number stored as -1e308 in a cell with a date style made calamine's date conversion panic
// (chrono's milliseconds out of bounds): `check` and `run` ended with exit 101 and no report.
#[test]
fn a_date_cell_holding_minus_1e308_is_an_error_not_a_panic() {
    let dir = month();
    set_cell(&input(&dir), "H6", r#"<c r="H6" s="4"><v>-1E308</v></c>"#);
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E021", &format!("{VICTIM}!月报!H6"));
    insta::assert_snapshot!(line);
    others_read(&r);
    let (r, _) = run_month(&dir);
    r.assert_done();
}

/// The victim with the shared-string cell C6 (the project's name) naming `index`.
fn shared_index(index: &str) -> String {
    let dir = month();
    let xml = format!(r#"<c r="C6" t="s"><v>{index}</v></c>"#);
    set_cell(&input(&dir), "C6", &xml);
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E001", &format!("{VICTIM}!月报!C6"));
    others_read(&r);
    line
}

// calamine reads a shared-string index it cannot parse (`1e10`, `-1`, ` 3`) as 0, the first
// string of the file (here the title): the cell's text was silently replaced; a header cell
// so replaced lost its column with no word.
#[test]
fn a_shared_string_index_that_is_no_number_is_refused_at_its_cell() {
    insta::assert_snapshot!(shared_index("1e10"));
    shared_index("-1");
    shared_index(" 3");
}

// An index past the table was an E001 of the whole file with calamine's English words and no
// cell.
#[test]
fn a_shared_string_index_past_the_table_is_refused_at_its_cell() {
    insta::assert_snapshot!(shared_index("4294967296"));
}

/// The victim with a second `<sheet>` in its workbook, named `name`, for the same part.
fn second_sheet(name: &str) -> String {
    let dir = month();
    let name = name.to_string();
    patch_victim(&input(&dir), "xl/workbook.xml", move |s| {
        let start = s.find("<sheet ").unwrap();
        let end = start + s[start..].find("/>").unwrap() + 2;
        let copy = s[start..end].replacen("name=\"月报\"", &format!("name=\"{name}\""), 1);
        format!("{}{copy}{}", &s[..end], &s[end..])
    });
    let r = check(&input(&dir));
    others_read(&r);
    diagnosed(&r, "E001", VICTIM)
}

// Two `<sheet>` entries of workbook.xml for one part (same name or not) were read as two
// sheets: every row was counted twice (3,000 entries made 6,002 weekly issues of 2).
#[test]
fn two_sheets_of_one_part_are_refused_not_counted_twice() {
    insta::assert_snapshot!(second_sheet("月报"));
    insta::assert_snapshot!(second_sheet("月报2"));
}

// A 责任单位 of 70,000 characters (W061, kept in full) made the unit's 整改反馈表 fail to write
// (Excel's 32,767 characters a cell): `run` stopped with exit 2 and no outputs for the month.
#[test]
fn a_unit_name_of_40000_characters_does_not_fail_the_feedback_forms() {
    let dir = month();
    let ledger = input(&dir).join("重大项目管理台账.xlsx");
    let long = format!("{}城关镇", "乙".repeat(40_000));
    let entries: Vec<(String, Vec<u8>)> = unzip(&std::fs::read(&ledger).unwrap())
        .into_iter()
        .map(|(n, d)| {
            if n != "xl/sharedStrings.xml" {
                return (n, d);
            }
            let t = String::from_utf8(d).unwrap();
            (
                n,
                t.replace("<t>城关镇</t>", &format!("<t>{long}</t>"))
                    .into_bytes(),
            )
        })
        .collect();
    std::fs::write(&ledger, rezip(&entries)).unwrap();
    let (r, folder) = run_month(&dir);
    r.assert_done();
    let forms: Vec<_> = std::fs::read_dir(folder.join("督查通知"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    assert!(!forms.is_empty());
    for form in forms {
        use calamine::{Reader, open_workbook_auto};
        let mut wb = open_workbook_auto(&form).unwrap();
        for name in wb.sheet_names() {
            for c in wb.worksheet_range(&name).unwrap().used_cells() {
                if let calamine::Data::String(s) = c.2 {
                    assert!(s.chars().count() <= 32_767, "{}", form.display());
                }
            }
        }
    }
}

// A sheet with bytes that are no UTF-8 text was refused as "文件内容不完整（被截断或损坏）",
// wording that fits a file cut short; it says the encoding is broken.
#[test]
fn a_sheet_with_bytes_that_are_no_text_is_said_to_have_a_broken_encoding() {
    let dir = month();
    let path = input(&dir).join(VICTIM);
    let entries: Vec<(String, Vec<u8>)> = unzip(&std::fs::read(&path).unwrap())
        .into_iter()
        .map(|(n, d)| {
            if n != "xl/sharedStrings.xml" {
                return (n, d);
            }
            let at = d.windows(3).position(|w| w == b"<t>").unwrap() + 3;
            let mut d = d;
            d.splice(at..at, [0xFF, 0xFE, 0xC3]);
            (n, d)
        })
        .collect();
    std::fs::write(&path, rezip(&entries)).unwrap();
    let r = check(&input(&dir));
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(VICTIM) && l.contains("E001"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.contains("文件内容含有无法识别的字符（编码已损坏）"),
        "{line}"
    );
    others_read(&r);
}
