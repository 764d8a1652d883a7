//! Unit tests of the parent module.
use super::grid::parse_a1;
use super::*;
use crate::diagnostic::Code;

#[test]
fn a1_parsing() {
    assert_eq!(parse_a1("A1"), Some((0, 0)));
    assert_eq!(parse_a1("$B$7"), Some((6, 1)));
    assert_eq!(parse_a1("XFD1048576"), Some((1_048_575, 16_383)));
    assert_eq!(parse_a1("A0"), None);
    assert_eq!(parse_a1("17"), None);
}

fn limits() -> Limits {
    crate::rules::Rules::load(None).unwrap().vocab.limits
}

fn scan(xml: &str, ods: bool) -> Result<Option<Over>, String> {
    let r = BufReader::new(xml.as_bytes());
    if ods {
        scan_xml(r, &mut OdsGrid::default(), &limits())
    } else {
        scan_xml(r, &mut XlsxGrid::default(), &limits())
    }
}

#[test]
fn far_cells_are_found_while_streaming() {
    let ok = r#"<worksheet><dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#;
    assert_eq!(scan(ok, false), Ok(None));
    let far = r#"<worksheet><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
    assert_eq!(scan(far, false), Ok(Some(Over::Cell(1_048_575, 16_383))));
    let dim = r#"<worksheet><dimension ref="A1:GR1048576"/><sheetData/></worksheet>"#;
    assert!(scan(dim, false).unwrap().is_some());
    let styled = r#"<worksheet><sheetData><row r="2000000"><c r="XFD2000000" s="1"/></row></sheetData></worksheet>"#;
    assert_eq!(scan(styled, false), Ok(None));
}

#[test]
fn what_the_reader_would_read_is_what_is_checked() {
    let sheet = |data: &str| format!("<worksheet><sheetData>{data}</sheetData></worksheet>");
    let five = sheet(r#"<row r="1"><c r="AAAAA1"><v>1</v></c></row>"#);
    assert!(matches!(scan(&five, false), Ok(Some(Over::Cell(0, c))) if c > 16_383));
    let shadow = sheet(r#"<row r="1"><c q:r="A1" r="A1048576"><v>1</v></c></row>"#);
    assert_eq!(scan(&shadow, false), Ok(Some(Over::Cell(1_048_575, 0))));
    let rows: String = "<row><c><v>1</v></c></row>".repeat(100_001);
    assert_eq!(scan(&sheet(&rows), false), Ok(Some(Over::Cell(100_000, 0))));
    let sst =
        r#"<sst count="10000000000000000000" uniqueCount="2147483648"><si><t>a</t></si></sst>"#;
    assert!(matches!(scan(sst, false), Ok(Some(Over::Count(_, _)))));
    let merges = r#"<worksheet><mergeCells count="1000000"></mergeCells></worksheet>"#;
    assert!(matches!(
        scan(merges, false),
        Ok(Some(Over::Count(_, 1_000_000)))
    ));
}

#[test]
fn unclosed_xml_is_an_error() {
    let cut = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c>"#;
    assert!(scan(cut, false).is_err());
    assert!(scan("", false).is_err());
}

#[test]
fn ods_repeats_count() {
    let empty_tail = r#"<office:document-content><table:table table:name="a"><table:table-row><table:table-cell office:value-type="float"/></table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table></office:document-content>"#;
    assert_eq!(scan(empty_tail, true), Ok(None));
    let far = r#"<office:document-content><table:table table:name="a"><table:table-row table:number-rows-repeated="1048570"><table:table-cell office:value-type="float"/></table:table-row></table:table></office:document-content>"#;
    assert!(scan(far, true).unwrap().is_some());
    let wide = r#"<office:document-content><table:table table:name="a"><table:table-row table:number-rows-repeated="99990"><table:table-cell table:number-columns-repeated="200" office:value-type="float"/></table:table-row></table:table></office:document-content>"#;
    assert!(matches!(
        scan(wide, true),
        Ok(Some(Over::Count("cells", _)))
    ));
    let spaces = r#"<office:document-content><table:table table:name="a"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table></office:document-content>"#;
    assert!(matches!(
        scan(spaces, true),
        Ok(Some(Over::Count("text:s", _)))
    ));
}

fn zip_of(entries: &[(&str, usize)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, len) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(&vec![b'a'; *len]).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn decompressed_bytes_are_capped_per_entry_and_in_total() {
    let mut l = limits();
    l.max_entry_mb = 1;
    l.max_unzipped_mb = 2;
    let ok = zip_of(&[("a.bin", 900_000), ("b.bin", 900_000)]);
    assert!(inspect_zip(&ok, "f.xlsx", Flavour::Xlsx, &l).is_ok());
    let entry = zip_of(&[("a.bin", 1_100_000)]);
    let d = inspect_zip(&entry, "f.xlsx", Flavour::Xlsx, &l).unwrap_err();
    assert_eq!(d.code, Code::TooLarge);
    assert!(d.message.contains("a.bin"), "{}", d.message);
    let total = zip_of(&[("a.bin", 900_000), ("b.bin", 900_000), ("c.bin", 900_000)]);
    let d = inspect_zip(&total, "f.xlsx", Flavour::Xlsx, &l).unwrap_err();
    assert!(d.message.contains("整个文件"), "{}", d.message);
}

/// Found by the `ods` fuzz target: a cell outside any row (no repeat count yet) underflowed.
#[test]
fn ods_cell_outside_a_row_is_counted_not_a_panic() {
    let xml = r#"<office:document-content><table:table table:name="a"><table:table-cell office:value-type="float"/></table:table></office:document-content>"#;
    assert_eq!(scan(xml, true), Ok(None));
}
