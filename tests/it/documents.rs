//! The documents and workbooks the office files and prints: the 督办台账's dates are dates (the
//! office sorts and filters them) with 暂定 still shown, the 项目得分明细's rows stay within a
//! height a screen and a page can show, and the 函's number is left for the office's register.

use crate::common::{edited_rules, sanyipi};
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use std::io::Read;
use std::path::Path;

/// The text of `entry` in the zip `book`.
fn entry(book: &Path, entry: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(entry).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// `xl/worksheets/sheetN.xml` of the sheet named `name`.
fn sheet_xml(book: &Path, name: &str) -> String {
    let wb: Xlsx<_> = open_workbook(book).unwrap();
    let n = wb.sheet_names().iter().position(|s| s == name).unwrap() + 1;
    entry(book, &format!("xl/worksheets/sheet{n}.xml"))
}

/// The value of attribute `name` in the XML tag text `tag`.
fn attr(tag: &str, name: &str) -> Option<String> {
    let tag = format!(" {tag}");
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next().map(str::to_string)
}

/// The number format of cell `cell` (e.g. "I4") of sheet `sheet`, from the sheet's `s` style
/// index through `cellXfs` to `numFmts`.
fn number_format(book: &Path, sheet: &str, cell: &str) -> String {
    let xml = sheet_xml(book, sheet);
    let tag = xml
        .split("<c ")
        .find(|t| attr(t, "r").as_deref() == Some(cell))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let style: usize = attr(tag, "s").as_deref().unwrap_or("0").parse().unwrap();
    let styles = entry(book, "xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1).unwrap();
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let id = attr(xf, "numFmtId").unwrap();
    styles
        .split("<numFmt ")
        .skip(1)
        .find(|f| attr(f, "numFmtId").as_ref() == Some(&id))
        .and_then(|f| attr(f, "formatCode"))
        .map(|c| c.replace("&quot;", "\""))
        .unwrap_or_else(|| format!("builtin {id}"))
}

/// The column letters of a 0-based column (up to Z).
fn column(c: usize) -> char {
    (b'A' + c as u8) as char
}

/// October's run issued `issue`, under `rules` (or the bundled rules), into `out`.
fn october(out: &Path, issue: &str, rules: Option<&Path>) -> std::path::PathBuf {
    let o = out.to_str().unwrap();
    let mut args = vec![
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--issue-date",
        issue,
        "--out",
        o,
    ];
    if let Some(r) = rules {
        args.extend(["--rules", r.to_str().unwrap()]);
    }
    sanyipi(&args).assert_done();
    out.join("2026-10/2026年10月重点项目考核排名.xlsx")
}

/// The 督办台账 wrote its dates as text (because some carry 暂定): the office could not sort or
/// filter by them. Every 反馈时限 and 整改时限 is a date cell now, in the workbook's date format;
/// a provisional one shows the rules' mark after the date through its number format.
#[test]
fn the_registers_dates_are_dates_and_provisional_ones_still_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let book = october(dir.path(), "2026-12-21", None);
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let register = wb.worksheet_range("督办台账").unwrap();
    let header = register
        .rows()
        .position(|r| r[0] == Data::String("任务编号".into()))
        .unwrap();
    let rows: Vec<&[Data]> = register.rows().skip(header + 1).collect();
    assert!(rows.len() >= 8, "{rows:?}");
    let (mut marked, mut plain) = (0, 0);
    for (i, row) in rows.iter().enumerate() {
        for c in [7, 8] {
            let d = row[c].as_date();
            assert!(
                matches!(row[c], Data::DateTime(_)) && d.is_some(),
                "row {i} column {c}: {:?}",
                row[c]
            );
            let cell = format!("{}{}", column(c), header + 2 + i);
            let format = number_format(&book, "督办台账", &cell);
            // Issued 2026-12-21: a 反馈时限 in 2026 is certain, a 整改时限 in 2027 is not.
            if chrono::Datelike::year(&d.unwrap()) == 2027 {
                assert_eq!(format, "yyyy-mm-dd\"（暂定）\"", "{cell}");
                marked += 1;
            } else {
                assert_eq!(format, "yyyy-mm-dd", "{cell}");
                plain += 1;
            }
        }
    }
    assert!(marked > 0 && plain > 0, "{marked} marked, {plain} plain");
    // The mark is the rules' word for a provisional date.
    let (_dir, rules) = edited_rules(&[("office_calendar.toml", "\"暂定\"", "\"待定\"")]);
    let dir = tempfile::tempdir().unwrap();
    let book = october(dir.path(), "2026-12-21", Some(&rules));
    let cell = format!("I{}", header + 2);
    assert_eq!(
        number_format(&book, "督办台账", &cell),
        "yyyy-mm-dd\"（待定）\""
    );
}

/// The heights of rows `from..` of sheet `sheet`, from `<row ht=…>`.
fn row_heights(book: &Path, sheet: &str, from: u32) -> Vec<(u32, f64)> {
    let xml = sheet_xml(book, sheet);
    xml.split("<row ")
        .skip(1)
        .filter_map(|t| {
            let r: u32 = attr(t, "r")?.parse().ok()?;
            let ht: f64 = attr(t.split('>').next()?, "ht")?.parse().ok()?;
            (r >= from).then_some((r, ht))
        })
        .collect()
}

/// A project's 预警 reasons (one line each) and a long 说明 wrapped in narrow columns into rows
/// up to 212 pt (15 lines) high, three to a page. The columns' width goes where the rows would
/// be tallest, numbers keep a one-character margin on a landscape sheet: the rows stay within
/// ten lines (142 pt) at the body size; nothing is set
/// smaller (the printed type must stay 8 pt or more, `office::print`) and nothing is cut.
#[test]
fn project_detail_rows_stay_within_ten_lines() {
    let dir = tempfile::tempdir().unwrap();
    let book = october(dir.path(), "2026-10-26", None);
    let heights = row_heights(&book, "项目得分明细", 6);
    assert!(heights.len() >= 10, "{heights:?}");
    let tallest = heights.iter().map(|h| h.1).fold(0.0, f64::max);
    assert!(tallest <= 141.75, "{heights:?}");
    // Some rows needed the room: the cap is met, not an accident of short texts.
    assert!(tallest > 72.0, "{heights:?}");
    let styles = entry(&book, "xl/styles.xml");
    for size in styles.split("<sz val=\"").skip(1) {
        let pt: f64 = size.split('"').next().unwrap().parse().unwrap();
        assert!(pt >= 10.0, "a font of {pt} pt: {styles}");
    }
}

/// The 督办台账 still wrote the 销号 date in the 整改状态 (`已销号（2026-10-20）`) and the date
/// of a unit's feedback in the 反馈情况 (`2026-10-09 已开工`) as text. They are date cells now,
/// in the workbook's date format, the words around them in the number format; read back cell
/// by cell from October's workbook (the returned forms' feedback) and from the annual one (a
/// task closed on 10-20).
#[test]
fn the_registers_closing_and_feedback_dates_are_dates_too() {
    use crate::supervision::{N1, october_with, returned_forms, september};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    september(out, None);
    let input = october_with(returned_forms);
    let oct = crate::common::run_one_month(input.path(), "2026-10", out);
    let book = out.join("2026-10/2026年10月重点项目考核排名.xlsx");
    let register = oct["register"].as_array().unwrap();
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let sheet = wb.worksheet_range("督办台账").unwrap();
    let header = sheet
        .rows()
        .position(|r| r[0] == Data::String("任务编号".into()))
        .unwrap();
    let mut dated = 0;
    for (i, t) in register.iter().enumerate() {
        let row = &sheet.rows().nth(header + 1 + i).unwrap();
        assert_eq!(row[0], Data::String(t["id"].as_str().unwrap().into()));
        let cell = format!("K{}", header + 2 + i);
        let f = &t["feedback"];
        match f["date"].as_str() {
            Some(date) => {
                assert!(
                    matches!(row[10], Data::DateTime(_)),
                    "{cell}: {:?}",
                    row[10]
                );
                assert_eq!(row[10].as_date().unwrap().to_string(), date, "{cell}");
                let note = f["note"].as_str().unwrap();
                let want = if note.is_empty() {
                    "yyyy-mm-dd".to_string()
                } else {
                    format!("yyyy-mm-dd\" {note}\"")
                };
                assert_eq!(number_format(&book, "督办台账", &cell), want);
                dated += 1;
            }
            // No feedback, or a feedback without a date: its note (if any) as text.
            None => assert!(!matches!(row[10], Data::DateTime(_)), "{cell}"),
        }
    }
    assert!(dated >= 3, "{dated} dated feedbacks");
    // 1号-1 closed on 10-20: the annual register's 整改状态 is that date.
    let id = format!("{N1}-1");
    let o = out.to_str().unwrap();
    sanyipi(&["tasks", "close", &id, "--date", "2026-10-20", "--out", o]).expect_ok();
    sanyipi(&["annual", "--year", "2026", "--out", o]).expect_ok();
    let book = out.join("年度汇总/2026/2026年度重点项目考核汇总.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let sheet = wb.worksheet_range("督办台账").unwrap();
    let (r, row) = sheet
        .rows()
        .enumerate()
        .find(|(_, r)| r[0] == Data::String(id.clone()))
        .unwrap();
    assert!(matches!(row[9], Data::DateTime(_)), "{:?}", row[9]);
    assert_eq!(row[9].as_date().unwrap().to_string(), "2026-10-20");
    assert_eq!(
        number_format(&book, "督办台账", &format!("J{}", r + 1)),
        "\"已销号（\"yyyy-mm-dd\"）\""
    );
}
