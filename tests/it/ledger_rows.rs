//! The ledger's rows as the office writes them: a 汇总 sheet beside the ledger's, a 项目编号
//! typed for two projects. Each test edits the sample October ledger and reads `check` and `run`.

use crate::hostile::{check, input, month, rezip, run_month, unzip};
use crate::messages::{STRINGS, edit, said};
use std::path::Path;

const LEDGER: &str = "重大项目管理台账.xlsx";

/// An inline string cell.
fn text(cell: &str, t: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{t}</t></is></c>"#)
}

/// A number cell.
fn number(cell: &str, v: f64) -> String {
    format!(r#"<c r="{cell}"><v>{v}</v></c>"#)
}

/// Adds a visible sheet `name`, last, holding `rows` (row number, cells) to the workbook at `path`.
fn add_sheet(path: &Path, name: &str, rows: &[(u32, Vec<String>)]) {
    let data: String = rows
        .iter()
        .map(|(r, cells)| format!(r#"<row r="{r}">{}</row>"#, cells.concat()))
        .collect();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
    );
    let mut entries = unzip(&std::fs::read(path).unwrap());
    for (part, bytes) in entries.iter_mut() {
        let t = String::from_utf8(bytes.clone()).unwrap_or_default();
        let patched = match part.as_str() {
            "xl/workbook.xml" => t.replace(
                "</sheets>",
                &format!(r#"<sheet name="{name}" sheetId="9" r:id="rId9"/></sheets>"#),
            ),
            "xl/_rels/workbook.xml.rels" => t.replace(
                "</Relationships>",
                r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet9.xml"/></Relationships>"#,
            ),
            "[Content_Types].xml" => t.replace(
                "</Types>",
                r#"<Override PartName="/xl/worksheets/sheet9.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            _ => continue,
        };
        *bytes = patched.into_bytes();
    }
    entries.push(("xl/worksheets/sheet9.xml".into(), sheet.into_bytes()));
    std::fs::write(path, rezip(&entries)).unwrap();
}

/// The ledger sent late (编制日期 2026-10-12, due the 8th) with a 汇总 sheet after its own,
/// listing one of its projects: the file's 编制日期 is the ledger sheet's (逾期报送), and the
/// 汇总 sheet is said once as a copy, not as a repeated project per row (E031).
#[test]
fn a_summary_sheet_after_the_ledger_neither_hides_its_date_nor_repeats_its_projects() {
    let dir = month();
    let input = input(&dir);
    edit(
        &input,
        LEDGER,
        STRINGS,
        "编制日期：2026年10月3日",
        "编制日期：2026年10月12日",
    );
    add_sheet(
        &input.join(LEDGER),
        "汇总",
        &[
            (1, vec![text("A1", "重大项目汇总")]),
            (
                2,
                [
                    "序号",
                    "项目编号",
                    "项目名称",
                    "项目类型",
                    "总投资",
                    "年度计划投资",
                    "责任单位",
                ]
                .iter()
                .zip('A'..)
                .map(|(h, c)| text(&format!("{c}2"), h))
                .collect(),
            ),
            (
                3,
                vec![
                    number("A3", 1.0),
                    text("B3", "DH2026-001"),
                    text("C3", "新能源电池材料项目"),
                    text("D3", "重大招商项目"),
                    number("E3", 60000.0),
                    number("F3", 24000.0),
                    text("G3", "城关镇"),
                ],
            ),
        ],
    );
    let r = check(&input);
    assert!(!r.stdout.contains("[E031]"), "{}", r.stdout);
    let (line, hint) = said(&r, "警告[W042] 重大项目管理台账.xlsx!汇总!B3: ");
    assert!(line.contains("工作表“汇总”的 1 行"), "{line}");
    assert!(line.contains("工作表“台账”中已有的项目"), "{line}");
    assert!(line.contains("副本或汇总表"), "{line}");
    assert!(line.ends_with("此工作表未采用"), "{line}");
    assert!(hint.contains("只读取工作表“台账”"), "{hint}");
    let counts = r.stdout.lines().find(|l| l.starts_with(LEDGER)).unwrap();
    assert!(counts.contains("县重点项目办    2026-10-12"), "{counts}");

    let (run, out) = run_month(&dir);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let file = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == LEDGER)
        .unwrap();
    assert_eq!(file["sheet"], "台账", "{file}");
    assert_eq!(file["reporting_unit"], "县重点项目办", "{file}");
    assert_eq!(file["submitted_on"], "2026-10-12", "{file}");
    assert_eq!(file["used"], 11, "{file}");
    assert_eq!(file["rejected"], 1, "{file}");
    let due = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "ledger_report")
        .unwrap();
    assert_eq!(due["met_on"], "2026-10-12", "{due}");
    assert_eq!(due["status"], "met_late", "{due}");
}

/// The ledger's second project (城区供热管网改造项目, row 6) typed with the first one's 项目编号
/// DH2026-001: the E031 quotes both names and asks for the code to be corrected, and the rows
/// reporting the dropped project (its procedures, 城关镇's report) say its ledger row was not
/// used for that E031, not that it is missing from the ledger with an unrelated close name.
#[test]
fn a_code_typed_for_two_projects_says_so_and_so_do_the_rows_of_the_dropped_one() {
    let dir = month();
    let input = input(&dir);
    edit(
        &input,
        LEDGER,
        "xl/worksheets/sheet1.xml",
        r#"<c r="B6" t="s"><v>23</v></c>"#,
        r#"<c r="B6" t="s"><v>17</v></c>"#,
    );
    let r = check(&input);
    let (line, hint) = said(&r, "错误[E031] 重大项目管理台账.xlsx!台账!B6: ");
    assert!(line.contains("项目编号 DH2026-001 重复"), "{line}");
    assert!(
        line.contains("为“新能源电池材料项目”，本行为“城区供热管网改造项目”，两行是不同的项目"),
        "{line}"
    );
    assert!(hint.contains("更正项目编号"), "{hint}");
    let (line, hint) = said(&r, "错误[E030] 月报/城关镇.xlsx!月报!C5: ");
    assert!(
        line.contains(
            "项目“DH2026-002 城区供热管网改造项目”在台账中的一行（重大项目管理台账.xlsx!台账!第6行）因项目编号 DH2026-001 与另一项目重复未采用（E031）"
        ),
        "{line}"
    );
    assert!(hint.contains("E031"), "{hint}");
    let procedures: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("错误[E030] 前期手续办理清单.xlsx"))
        .collect();
    assert!(!procedures.is_empty(), "{}", r.stdout);
    for l in &procedures {
        assert!(l.contains("台账!第6行）因项目编号 DH2026-001"), "{l}");
    }
    assert!(!r.stdout.contains("老旧小区改造项目”；"), "{}", r.stdout);
}
