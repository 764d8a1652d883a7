//! What the structural mutation campaign (ods content.xml, xls BIFF records, xlsx styles,
//! formulas and cell order) found: each test rebuilds one mutant and checks the file gets a
//! Chinese diagnostic at its cell instead of a value silently read differently than Excel or
//! LibreOffice shows it.

use crate::common::fixture;
use crate::hostile::{VICTIM, check, diagnosed, input, month, others_read, patched_file, unzip};

// Cells of one row written out of order (`B5` after `D5`), or one cell twice: Excel repairs
// the file; calamine let the later cell win with no word (a 项目编号 became 7, an amount the
// second value).
#[test]
fn cells_out_of_order_or_twice_are_refused_at_the_cell() {
    for (cell, extra) in [
        ("B5", r#"<c r="B5"><v>7</v></c>"#),
        ("D5", r#"<c r="D5"><v>9999</v></c>"#),
    ] {
        let dir = month();
        let path = input(&dir).join(VICTIM);
        let bytes = patched_file(&path, "xl/worksheets/sheet1.xml", |s| {
            let d5 = r#"<c r="D5"><v>4000</v></c>"#;
            s.replacen(d5, &format!("{d5}{extra}"), 1)
        });
        std::fs::write(&path, bytes).unwrap();
        let r = check(&input(&dir));
        let line = diagnosed(&r, "E001", &format!("{VICTIM}!月报!{cell}"));
        assert!(line.contains("排列顺序错乱"), "{line}");
        if cell == "B5" {
            insta::assert_snapshot!(line);
        }
        others_read(&r);
    }
}

/// The month with the victim replaced by the ods fixture whose `content.xml` is rewritten by
/// `f`.
fn ods_month(f: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = month();
    std::fs::remove_file(input(&dir).join(VICTIM)).unwrap();
    let entries: Vec<(String, Vec<u8>)> =
        unzip(&std::fs::read(fixture("month_report.ods")).unwrap())
            .into_iter()
            .map(|(n, d)| {
                if n == "content.xml" {
                    let t = f(String::from_utf8(d).unwrap());
                    (n, t.into_bytes())
                } else {
                    (n, d)
                }
            })
            .collect();
    std::fs::write(input(&dir).join("月报/东湖镇.ods"), ods_zip(&entries)).unwrap();
    dir
}

/// An ods zip: `mimetype` first and stored, as readers recognise the format by it.
fn ods_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(
            name.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

// A float cell without `office:value` (its 4000 only as the shown text) or a date cell
// without `office:date-value` was read as empty: the year's plan vanished with no word.
#[test]
fn an_ods_value_cell_without_its_value_is_refused_at_the_cell() {
    let amount = r#"office:value-type="float" office:value="4000""#;
    let dir = ods_month(|s| {
        assert!(s.contains(amount));
        s.replacen(amount, r#"office:value-type="float""#, 1)
    });
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E001", "月报/东湖镇.ods!月报!D5");
    insta::assert_snapshot!(line);
    others_read(&r);

    let date = r#" office:date-value="2026-04-28""#;
    let dir = ods_month(|s| {
        assert!(s.contains(date));
        s.replacen(date, "", 1)
    });
    let r = check(&input(&dir));
    diagnosed(&r, "E001", "月报/东湖镇.ods!月报!H6");

    // The good ods is read.
    let dir = ods_month(|s| s);
    let r = check(&input(&dir));
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("月报/东湖镇.ods"))
        .unwrap();
    assert!(
        line.contains("东湖镇") && !r.stdout.contains("[E001] 月报/东湖镇.ods"),
        "{}",
        r.stdout
    );
}
