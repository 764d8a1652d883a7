//! Hostile files for the readers (issue 24): each test puts one crafted workbook (.xls, .xlsx or
//! .ods, built here from the good samples or kept under `tests/fixtures/hostile/`) in place of one
//! unit's monthly report, runs the real binary, and checks that the file gets a Chinese
//! diagnostic naming it while every other file is still read (and, for `run`, the month is
//! written). Before issue 24 each of these aborted or panicked the whole run, or took tens of GB.

use crate::common::*;
use crate::hostile::{
    VICTIM, check, diagnosed, input, month, others_read, rezip, run_month, unzip,
};
use std::io::Write;
use std::path::Path;

/// The victim's monthly report as entries, from the good month.
fn victim_entries() -> Vec<(String, Vec<u8>)> {
    unzip(&std::fs::read(root().join("samples/2026-10").join(VICTIM)).unwrap())
}

fn text(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, b) = entries.iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(b.clone()).unwrap()
}

fn set(entries: &mut Vec<(String, Vec<u8>)>, name: &str, body: String) {
    entries.retain(|(n, _)| n != name);
    entries.push((name.to_string(), body.into_bytes()));
}

/// The victim with its sheet moved to entry `to` (the workbook's relationship pointing there
/// as `target`) and `data` appended to the sheet's rows.
fn moved_sheet(to: &str, target: &str, data: &str) -> Vec<u8> {
    let mut e = victim_entries();
    let sheet = text(&e, "xl/worksheets/sheet1.xml")
        .replace("</sheetData>", &format!("{data}</sheetData>"));
    e.retain(|(n, _)| n != "xl/worksheets/sheet1.xml");
    let rels = text(&e, "xl/_rels/workbook.xml.rels").replace("worksheets/sheet1.xml", target);
    set(&mut e, "xl/_rels/workbook.xml.rels", rels);
    set(&mut e, to, sheet);
    rezip(&e)
}

/// The victim with its sheet (or `entry`) rewritten by `f`.
fn patched(entry: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let mut e = victim_entries();
    let t = f(text(&e, entry));
    set(&mut e, entry, t);
    rezip(&e)
}

const FAR: &str = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;

/// Puts `bytes` in place of the victim as `月报/东湖镇.{ext}` and runs `check`: the file gets a
/// Chinese E001 or E004 naming it, every other file is read. Returns the diagnostic line.
fn refused(bytes: &[u8], ext: &str) -> String {
    let dir = month();
    let input = input(&dir);
    std::fs::remove_file(input.join(VICTIM)).unwrap();
    let name = format!("月报/东湖镇.{ext}");
    std::fs::write(input.join(&name), bytes).unwrap();
    let started = std::time::Instant::now();
    let r = check(&input);
    eprintln!("{name}: {:?}", started.elapsed());
    let code = ["E001", "E004"]
        .into_iter()
        .find(|c| r.stdout.contains(&format!("[{c}] {name}")))
        .unwrap_or_else(|| panic!("{name} not refused:\n{}\n{}", r.stdout, r.stderr));
    let line = diagnosed(&r, code, &name);
    others_read(&r);
    line
}

#[test]
fn xlsx_sheet_stored_in_upper_case_is_inspected() {
    let bytes = moved_sheet("XL/WORKSHEETS/SHEET1.XML", "worksheets/sheet1.xml", FAR);
    let line = refused(&bytes, "xlsx");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_sheet_stored_with_backslashes_is_inspected() {
    let bytes = moved_sheet(r"xl\worksheets\sheet1.xml", "worksheets/sheet1.xml", FAR);
    refused(&bytes, "xlsx");
}

#[test]
fn xlsx_sheet_under_chartsheets_is_inspected() {
    let bytes = moved_sheet("xl/chartsheets/sheet1.xml", "chartsheets/sheet1.xml", FAR);
    let line = refused(&bytes, "xlsx");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_sheet_at_a_relationship_target_elsewhere_is_inspected() {
    let bytes = moved_sheet("xl/data/part", "data/part", FAR);
    let line = refused(&bytes, "xlsx");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_five_letter_column_is_refused() {
    let far = r#"<row r="30"><c r="AAAAA30"><v>1</v></c></row>"#;
    let line = refused(
        &patched("xl/worksheets/sheet1.xml", |s| {
            s.replace("</sheetData>", &format!("{far}</sheetData>"))
        }),
        "xlsx",
    );
    assert!(line.contains("[E004] 月报/东湖镇.xlsx!月报"), "{line}");
}

#[test]
fn xlsx_prefixed_r_does_not_hide_the_real_one() {
    let far = r#"<row r="30"><c xmlns:q="urn:q" q:r="A30" r="XFD1048576"><v>1</v></c></row>"#;
    let line = refused(
        &patched("xl/worksheets/sheet1.xml", |s| {
            s.replace("</sheetData>", &format!("{far}</sheetData>"))
        }),
        "xlsx",
    );
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_400000_rows_without_r_are_counted() {
    let rows = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#.repeat(400_000);
    let line = refused(
        &patched("xl/worksheets/sheet1.xml", |s| {
            s.replace("</sheetData>", &format!("{rows}</sheetData>"))
        }),
        "xlsx",
    );
    assert!(line.contains("E004"), "{line}");
}

fn with_unique_count(n: &str) -> Vec<u8> {
    patched("xl/sharedStrings.xml", |s| {
        let at = s.find("<sst").unwrap();
        let end = at + s[at..].find('>').unwrap();
        let head = s[at..end]
            .split(" count=")
            .next()
            .unwrap()
            .split(" uniqueCount=")
            .next()
            .unwrap()
            .to_string();
        format!(
            "{}{head} count=\"{n}\" uniqueCount=\"{n}\"{}",
            &s[..at],
            &s[end..]
        )
    })
}

#[test]
fn xlsx_shared_strings_unique_count_2_pow_31_is_refused() {
    let line = refused(&with_unique_count("2147483648"), "xlsx");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_shared_strings_unique_count_1e19_is_refused() {
    let line = refused(&with_unique_count("10000000000000000000"), "xlsx");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_a_million_merged_regions_are_refused() {
    let merges = format!(
        r#"<mergeCells count="1000000">{}</mergeCells>"#,
        r#"<mergeCell ref="A1:B2"/>"#.repeat(1_000_000)
    );
    let bytes = patched("xl/worksheets/sheet1.xml", |s| {
        let s = match (s.find("<mergeCells"), s.find("</mergeCells>")) {
            (Some(a), Some(b)) => format!("{}{}", &s[..a], &s[b + "</mergeCells>".len()..]),
            _ => s,
        };
        s.replace("</sheetData>", &format!("</sheetData>{merges}"))
    });
    let line = refused(&bytes, "xlsx");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn xlsx_of_59000_by_200_cells_is_refused_by_the_cell_budget() {
    let row = "<c><v>1</v></c>".repeat(200);
    let rows = format!("<row>{row}</row>").repeat(59_000);
    let bytes = patched("xl/worksheets/sheet1.xml", |s| {
        let a = s.find("<sheetData>").unwrap() + "<sheetData>".len();
        let b = s.find("</sheetData>").unwrap();
        format!("{}{rows}{}", &s[..a], &s[b..])
    });
    let line = refused(&bytes, "xlsx");
    // Refused by the cell budget; an unoptimised test build may instead reach the reader's CPU
    // limit (`read_seconds`) while scanning: refused all the same, the month goes on.
    assert!(
        line.contains("E004")
            && (line.contains("max_cells")
                || line.contains("单元格")
                || line.contains("秒仍未完成")),
        "{line}"
    );
}

/// An ods file whose content.xml holds `tables`.
pub(crate) fn ods(tables: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("content.xml", deflated).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    w.start_file("META-INF/manifest.xml", deflated).unwrap();
    w.write_all(manifest.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

fn repeated_table(name: &str) -> String {
    format!(
        r#"<table:table table:name="{name}"><table:table-row table:number-rows-repeated="99990"><table:table-cell table:number-columns-repeated="200" office:value-type="string"><text:p>项目</text:p></table:table-cell></table:table-row></table:table>"#
    )
}

#[test]
fn ods_200_cells_repeated_over_99990_rows_are_refused() {
    let line = refused(&ods(&repeated_table("月报")), "ods");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn ods_ten_repeated_tables_are_refused() {
    let tables: String = (0..10).map(|i| repeated_table(&format!("表{i}"))).collect();
    let line = refused(&ods(&tables), "ods");
    assert!(line.contains("E004"), "{line}");
}

#[test]
fn ods_two_billion_repeated_spaces_are_refused() {
    let table = r#"<table:table table:name="月报"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell></table:table-row></table:table>"#;
    let line = refused(&ods(table), "ods");
    assert!(line.contains("E004"), "{line}");
}

/// The legacy .xls fixture with `f` applied to its bytes. Its Workbook stream lies in sectors
/// 0–7 (file offsets 512–4607), the FAT in sector 8 (4608), the directory in sector 9.
fn xls(f: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut b = std::fs::read(root().join("tests/fixtures/legacy.xls")).unwrap();
    f(&mut b);
    b
}

fn find(b: &[u8], pattern: &[u8]) -> usize {
    b.windows(pattern.len()).position(|w| w == pattern).unwrap()
}

const LABELSST: &[u8] = &[0xFD, 0x00, 0x0A, 0x00];
const DIMENSIONS: &[u8] = &[0x00, 0x02, 0x0E, 0x00];

/// `refused` for an .xls, which the pre-check (not the reader process dying) must refuse.
fn xls_refused(bytes: &[u8]) -> String {
    let line = refused(bytes, "xls");
    assert!(
        !line.contains("读取程序异常终止") && !line.contains("仍未完成"),
        "left to the reader process: {line}"
    );
    line
}

/// The legacy fixture with its LABELSST cell moved to zero-based `(row, col)`.
fn cell_at(row: u16, col: u16) -> Vec<u8> {
    xls(|b| {
        let at = find(b, LABELSST) + 4;
        b[at..at + 2].copy_from_slice(&row.to_le_bytes());
        b[at + 2..at + 4].copy_from_slice(&col.to_le_bytes());
    })
}

#[test]
fn xls_cell_at_row_and_column_65535_is_refused() {
    insta::assert_snapshot!(xls_refused(&cell_at(65535, 65535)));
}

/// A full-size BIFF8 sheet (a cell in the first and the last row, 200 columns wide) is
/// refused by the cell budget before calamine builds its 13-million-cell grid.
#[test]
fn xls_full_size_sheet_is_refused_by_the_cell_budget() {
    insta::assert_snapshot!(xls_refused(&cell_at(65535, 199)));
}

#[test]
fn xls_dimensions_that_lie_are_refused() {
    let bytes = xls(|b| {
        let at = find(b, DIMENSIONS) + 4;
        // rwMic 0xFFFFFFF0 > rwMac 2, colMic 200 > colMac 1: sizes that underflow.
        b[at..at + 12].copy_from_slice(&[0xF0, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 200, 0, 1, 0]);
    });
    insta::assert_snapshot!(xls_refused(&bytes));
}

#[test]
fn xls_dimensions_of_a_full_sheet_are_refused() {
    let bytes = xls(|b| {
        let at = find(b, DIMENSIONS) + 4;
        b[at..at + 12].copy_from_slice(&[0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF]);
    });
    insta::assert_snapshot!(xls_refused(&bytes));
}

#[test]
fn xls_mergecells_count_beyond_its_record_is_refused() {
    let bytes = xls(|b| {
        // A LABELSST record (10 bytes of data) turned into MERGECELLS claiming 60,000 regions.
        let at = find(b, LABELSST);
        b[at..at + 2].copy_from_slice(&[0xE5, 0x00]);
        b[at + 4..at + 6].copy_from_slice(&60_000u16.to_le_bytes());
    });
    insta::assert_snapshot!(xls_refused(&bytes));
}

#[test]
fn xls_container_whose_sector_chain_loops_is_refused() {
    let bytes = xls(|b| {
        // FAT entry of sector 3 points back at sector 1.
        let fat = 4608;
        b[fat + 12..fat + 16].copy_from_slice(&1u32.to_le_bytes());
    });
    insta::assert_snapshot!(xls_refused(&bytes));
}

#[test]
fn xls_container_without_a_fat_is_refused() {
    let bytes = xls(|b| {
        b[0x2C..0x30].copy_from_slice(&0u32.to_le_bytes());
        b[0x4C..0x50].copy_from_slice(&u32::MAX.to_le_bytes());
    });
    insta::assert_snapshot!(xls_refused(&bytes));
}

/// The .xls crashers of the fuzz target, each refused by the pre-check with what is wrong.
#[test]
fn xls_fuzz_crashers_are_refused_by_the_pre_check() {
    let dir = root().join("tests/fixtures/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("xls-fuzz-") && n.ends_with(".xls")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "the fixtures are there");
    let lines: Vec<String> = files
        .iter()
        .map(|f| {
            let line = xls_refused(&std::fs::read(f).unwrap());
            format!("{}\n{line}", f.file_name().unwrap().to_string_lossy())
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

/// Every crasher the fuzz targets found, kept under `tests/fixtures/hostile/` (ext from name).
#[test]
fn fuzz_crashers_are_refused() {
    let dir = root().join("tests/fixtures/hostile");
    let ext = |p: &Path| {
        p.extension()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| ["xls", "xlsx", "ods"].contains(&ext(p).as_str()))
        .collect();
    assert!(!files.is_empty(), "the fixtures are there");
    files.sort();
    for f in files {
        let ext = ext(&f);
        eprintln!("{}", f.display());
        refused(&std::fs::read(&f).unwrap(), &ext);
    }
}

/// A run with a crashing .xls (a far cell; a container whose FAT loops) writes the month: the
/// other units are ranked.
#[test]
fn run_with_a_crashing_xls_writes_the_month() {
    let looping = xls(|b| b[4608 + 12..4608 + 16].copy_from_slice(&1u32.to_le_bytes()));
    for bytes in [cell_at(65535, 65535), looping] {
        let dir = month();
        let input = input(&dir);
        std::fs::remove_file(input.join(VICTIM)).unwrap();
        std::fs::write(input.join("月报/东湖镇.xls"), bytes).unwrap();
        let (r, folder) = run_month(&dir);
        assert!(r.code == 0 || r.code == 1, "{}\n{}", r.stdout, r.stderr);
        let written: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(written.iter().any(|n| n.ends_with(".xlsx")), "{written:?}");
        let json = std::fs::read_to_string(folder.join("run.json")).unwrap();
        assert!(
            json.contains("月报/东湖镇.xls"),
            "the file is named in run.json"
        );
        assert!(json.contains("西岭乡"), "the other units are there");
    }
}

/// What was checked is what is read: a FIFO or a link to /dev/zero put in the folder are
/// never read (each is named; the run does not hang).
#[cfg(unix)]
#[test]
fn a_link_to_dev_zero_is_not_read() {
    let dir = month();
    let input = input(&dir);
    std::os::unix::fs::symlink(Path::new("/dev/zero"), input.join("月报/零.xlsx")).unwrap();
    let r = check(&input);
    assert!(r.stdout.contains("月报/零.xlsx"), "{}", r.stdout);
    others_read(&r);
}

// A LABELSST naming a string past the SST was dropped by calamine with no word (the cell read
// as empty); found by the mutation campaign (`hostile_mutants`).
#[test]
fn xls_cell_naming_a_string_past_the_sst_is_refused_at_its_cell() {
    let bytes = xls(|b| {
        let at = find(b, LABELSST) + 4 + 6;
        b[at..at + 4].copy_from_slice(&0xFFFFu32.to_le_bytes());
    });
    insta::assert_snapshot!(xls_refused(&bytes));
}
