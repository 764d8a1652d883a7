//! Residuals of the hostile-file work (issue 24): a bad cell reference, an empty shared-string
//! index, a zip part the reader cannot decompress, and sheet names differing only by case.
//! Each builds the crafted file in place of one unit's report and checks the Chinese message
//! at its place while the other units are still read.

use crate::hostile::{VICTIM, check, diagnosed, input, month, others_read, patched_file, unzip};
use std::io::Write;
use std::path::Path;

/// The victim's cell `cell` replaced by `xml` (a whole `<c>` element).
fn set_cell(dir: &Path, cell: &str, xml: &str) {
    let path = dir.join(VICTIM);
    let (cell, xml) = (cell.to_string(), xml.to_string());
    let bytes = patched_file(&path, "xl/worksheets/sheet1.xml", move |s| {
        let start = s.find(&format!(r#"<c r="{cell}""#)).unwrap();
        let end = start + s[start..].find("</c>").unwrap() + 4;
        format!("{}{}{}", &s[..start], xml, &s[end..])
    });
    std::fs::write(path, bytes).unwrap();
}

/// The victim with `cell` replaced by `xml`, checked: the E001 line at `at`.
fn refused(cell: &str, xml: &str, at: &str) -> String {
    let dir = month();
    set_cell(&input(&dir), cell, xml);
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E001", at);
    others_read(&r);
    line
}

// calamine refused the whole sheet with "Expecting alphanumeric character, got 41": no word
// of which reference, in English.
#[test]
fn a_bad_cell_reference_is_named_in_chinese() {
    let at = format!("{VICTIM}!月报");
    let line = refused("D5", r#"<c r="1A"><v>4000</v></c>"#, &at);
    assert!(line.contains("“1A”") && line.contains("第 5 行"), "{line}");
    insta::assert_snapshot!(line);
    let line = refused("D5", r#"<c r="A-1"><v>4000</v></c>"#, &at);
    assert!(line.contains("“A-1”"), "{line}");
    // A self-closing cell is parsed by the reader too.
    let line = refused("D5", r#"<c r="$D$5"/>"#, &at);
    assert!(line.contains("“$D$5”"), "{line}");
}

#[test]
fn a_bad_row_number_or_dimension_is_named_in_chinese() {
    let dir = month();
    let path = input(&dir).join(VICTIM);
    let bytes = patched_file(&path, "xl/worksheets/sheet1.xml", |s| {
        s.replacen(r#"<row r="5""#, r#"<row r="5A""#, 1)
    });
    std::fs::write(&path, bytes).unwrap();
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E001", &format!("{VICTIM}!月报"));
    assert!(line.contains("行号“5A”"), "{line}");
    others_read(&r);

    let dir = month();
    let path = input(&dir).join(VICTIM);
    let bytes = patched_file(&path, "xl/worksheets/sheet1.xml", |s| {
        s.replacen(
            r#"<dimension ref="A1:L8"/>"#,
            r#"<dimension ref="A1:L8:M9"/>"#,
            1,
        )
    });
    std::fs::write(&path, bytes).unwrap();
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E001", &format!("{VICTIM}!月报"));
    assert!(line.contains("工作表范围“A1:L8:M9”"), "{line}");
}

// `<v></v>` in a shared-string cell was read as an empty cell: the project's name was lost
// with only "必填项为空", as if the unit had left it blank.
#[test]
fn an_empty_shared_string_index_is_refused_at_its_cell() {
    let at = format!("{VICTIM}!月报!C5");
    let line = refused("C5", r#"<c r="C5" t="s"><v></v></c>"#, &at);
    insta::assert_snapshot!(line);
    let line = refused("C5", r#"<c r="C5" t="s"><v/></c>"#, &at);
    assert!(line.contains("文字编号是空的"), "{line}");
}

// An index with spaces (` 3`) is refused (calamine reads it as the first string; LibreOffice
// as string 3): the message says the spaces are the fault, which quotes alone do not show.
#[test]
fn a_shared_string_index_with_spaces_says_so() {
    let line = refused(
        "C5",
        r#"<c r="C5" t="s"><v> 3</v></c>"#,
        &format!("{VICTIM}!月报!C5"),
    );
    assert!(line.contains("前后带有空格"), "{line}");
}

/// The victim rezipped with its sheet stored by zip method `method` (the bytes kept as they
/// are: the reader must refuse by the method, whatever follows) and general-purpose `flags`.
fn with_method(method: u16, flags: u16) -> Vec<u8> {
    let dir = month();
    let entries = unzip(&std::fs::read(input(&dir).join(VICTIM)).unwrap());
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in &entries {
        w.start_file(name.as_str(), stored).unwrap();
        w.write_all(data).unwrap();
    }
    let mut bytes = w.finish().unwrap().into_inner();
    let name = b"xl/worksheets/sheet1.xml";
    // Local header: flags at 6, method at 8, name at 30; central: flags at 8, method at 10,
    // name at 46.
    for (sig, at, name_len, name_at) in [(b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)] {
        let mut i = 0;
        while let Some(p) = bytes[i..].windows(4).position(|w| w == sig) {
            let p = i + p;
            let len = u16::from_le_bytes([bytes[p + name_len], bytes[p + name_len + 1]]) as usize;
            if bytes.get(p + name_at..p + name_at + len) == Some(&name[..]) {
                bytes[p + at..p + at + 2].copy_from_slice(&flags.to_le_bytes());
                bytes[p + at + 2..p + at + 4].copy_from_slice(&method.to_le_bytes());
            }
            i = p + 4;
        }
    }
    bytes
}

// bzip2, LZMA or an encrypted part gave "Decompressor previously failed to initialize" or
// "Password required to decrypt file", behind "文件已损坏".
#[test]
fn an_unsupported_compression_or_encryption_is_said_in_chinese() {
    for (method, flags, words) in [
        (12, 0, "不支持的压缩方式"),
        (14, 0, "不支持的压缩方式"),
        (99, 1, "已加密"),
        (8, 1, "已加密"),
    ] {
        let dir = month();
        std::fs::write(input(&dir).join(VICTIM), with_method(method, flags)).unwrap();
        let r = check(&input(&dir));
        let line = diagnosed(&r, "E001", VICTIM);
        assert!(line.contains(words) && !line.contains("已损坏"), "{line}");
        assert!(
            r.stdout.contains("另存为 .xlsx"),
            "hint missing: {}",
            r.stdout
        );
        others_read(&r);
        if method == 12 {
            insta::assert_snapshot!(line);
        }
    }
}

// Excel compares sheet names without case: `Data` and `data` cannot both be in a workbook.
// The message named only the second, as if the two were spelled alike.
#[test]
fn sheet_names_differing_only_by_case_are_both_named() {
    let dir = month();
    let path = input(&dir).join(VICTIM);
    let mut entries = unzip(&std::fs::read(&path).unwrap());
    let sheet = entries
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1
        .clone();
    for (name, data) in entries.iter_mut() {
        let text = String::from_utf8(data.clone()).unwrap();
        let text = match name.as_str() {
            "xl/workbook.xml" => text.replace(
                r#"<sheet name="月报" sheetId="1" r:id="rId1"/>"#,
                r#"<sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="data" sheetId="2" r:id="rId9"/>"#,
            ),
            "xl/_rels/workbook.xml.rels" => text.replace(
                "</Relationships>",
                r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#,
            ),
            _ => continue,
        };
        *data = text.into_bytes();
    }
    entries.push(("xl/worksheets/sheet2.xml".into(), sheet));
    std::fs::write(&path, crate::hostile::rezip(&entries)).unwrap();
    let r = check(&input(&dir));
    // The names themselves are Latin letters: the line is checked by hand, not `diagnosed`.
    let at = format!("[E001] {VICTIM}!data: ");
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(&at))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(line.contains("“Data”与“data”名称只差大小写"), "{line}");
    others_read(&r);
}
