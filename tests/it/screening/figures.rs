//! Lead figures read as the clerk sees them: shares formatted as percentages in xlsx, ods and xls,
//! and land in square metres converted to 亩.

use super::*;

#[test]
fn a_share_formatted_as_a_percentage_reads_as_it_is_shown() {
    // 研发投入占比 stored as Excel stores a typed 3.1%: the fraction 0.031 in a cell whose
    // number format is 0.0% (a custom format), and 0.032 under the built-in 0.00% (id 10).
    let dir = tempfile::tempdir().unwrap();
    let styled = dir.path().join("styled.xlsx");
    let bytes = crate::hostile::patched_file(&leads_file(), "xl/styles.xml", |t| {
        assert!(t.contains(r#"<numFmt numFmtId="164" formatCode="yyyy-mm-dd" /></numFmts>"#));
        assert!(t.contains("</cellXfs>"));
        t.replace(
            "</numFmts>",
            r#"<numFmt numFmtId="165" formatCode="0.0%" /></numFmts>"#,
        )
        .replace(
            "</cellXfs>",
            r#"<xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" /><xf numFmtId="10" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" /></cellXfs>"#,
        )
    });
    std::fs::write(&styled, bytes).unwrap();
    let file = dir.path().join("招商项目.xlsx");
    let bytes = crate::hostile::patched_file(&styled, "xl/worksheets/sheet1.xml", |mut t| {
        let mut changed = 0;
        for row in 4..200 {
            let from = format!(r#"<c r="P{row}" s="2" t="n"><v>"#);
            let Some(at) = t.find(&from) else { continue };
            let start = at + from.len();
            let end = start + t[start..].find("</v>").unwrap();
            let percent: f64 = t[start..end].parse().unwrap();
            let style = if row % 2 == 0 { 4 } else { 5 };
            let to = format!(r#"<c r="P{row}" s="{style}" t="n"><v>{}"#, percent / 100.0);
            t = format!("{}{to}{}", &t[..at], &t[end..]);
            changed += 1;
        }
        assert!(changed > 10, "{changed}");
        t
    });
    std::fs::write(&file, bytes).unwrap();
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    let as_shown = screen(&rules, &data, date("2026-10-25"));
    let typed = run_screen(&rules);
    assert_eq!(as_shown.len(), typed.len());
    for (a, b) in as_shown.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}

/// The same in an ods file (LibreOffice, WPS): 研发投入占比 typed 3.1% is stored as a
/// percentage value 0.031 (`office:value-type="percentage"`), and read as shown.
#[test]
fn an_ods_share_of_the_percentage_type_reads_as_it_is_shown() {
    let rows = xlsx_rows(&leads_file(), "招商项目信息");
    let share = rows[2]
        .iter()
        .position(|h| h.starts_with("研发投入占比"))
        .unwrap();
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
    let mut xml = String::from(r#"<table:table table:name="招商项目信息">"#);
    let mut percent = 0;
    for (r, row) in rows.iter().enumerate() {
        xml.push_str("<table:table-row>");
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                _ if v.is_empty() => xml.push_str("<table:table-cell/>"),
                Ok(x) if r > 2 && c == share => {
                    percent += 1;
                    xml.push_str(&format!(
                        r#"<table:table-cell office:value-type="percentage" office:value="{}"><text:p>{v}%</text:p></table:table-cell>"#,
                        x / 100.0
                    ));
                }
                Ok(x) if r > 2 => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{x}"><text:p>{v}</text:p></table:table-cell>"#
                )),
                _ => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                    esc(v)
                )),
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table>");
    assert!(percent > 10, "{percent}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.ods");
    std::fs::write(&file, crate::hostile_readers::ods(&xml)).unwrap();
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    let as_shown = screen(&rules, &data, date("2026-10-25"));
    let typed = run_screen(&rules);
    assert_eq!(as_shown.len(), typed.len());
    for (a, b) in as_shown.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}

/// The same in an .xls (xlwt, as old WPS and Excel save): the fixture's 研发投入占比 of the
/// first lead is 0.031 under the format `0.0%`, shown 3.1%, read as shown.
#[test]
fn an_xls_share_formatted_as_a_percentage_reads_as_it_is_shown() {
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&fixture("leads_percent.xls"), "leads", &rules).unwrap();
    let share = data.records("leads")[0].number("rd_share");
    assert_eq!(share, Some(3.1));
    let as_shown = screen(&rules, &data, date("2026-10-25"));
    let typed = run_screen(&rules);
    assert_eq!(as_shown.len(), typed.len());
    for (a, b) in as_shown.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}

/// 拟用地面积 given in 平方米 (the header says so): converted to 亩 by the field's `units`, so
/// the screening is the same; before, the square metres were taken as 亩 and every lead failed
/// 投资强度关 and 税收贡献关.
#[test]
fn land_in_square_metres_converts_to_mu() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("招商项目.xlsx");
    leads_copy(&file, |rows| {
        let col = rows[2]
            .iter()
            .position(|h| h.starts_with("拟用地面积"))
            .unwrap();
        rows[2][col] = "拟用地面积（平方米）".into();
        for row in rows.iter_mut().skip(3) {
            if let Ok(mu) = row[col].parse::<f64>() {
                row[col] = format!("{}", mu / 0.0015);
            }
        }
    });
    let rules = Rules::load(None).unwrap();
    let data = ingest_file(&file, "leads", &rules).unwrap();
    let typed = run_screen(&rules);
    let converted = screen(&rules, &data, date("2026-10-25"));
    assert_eq!(converted.len(), typed.len());
    for (a, b) in converted.iter().zip(&typed) {
        assert_eq!(got(a), got(b), "{}", b.name);
    }
}
