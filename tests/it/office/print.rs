//! Workbooks print legibly (issue 22, point 1): every workbook of the sample year — both
//! months' ranking workbooks (with 项目得分明细 and 三个一批), the weekly report, the
//! post-evaluation, the screening, the annual summary and the templates of `sanyipi template` —
//! is converted to PDF by LibreOffice in ONE `soffice` call, and on every page the smallest
//! word box of `pdftotext -bbox` must stand for type of 8 pt or more.
//!
//! Calibration: a word box is as high as the font's ascent plus descent, a fixed multiple of the
//! type size for a given font (1.3 with DejaVu Sans, which this machine substitutes for 宋体;
//! another machine may substitute another font). So the test also converts a workbook it writes
//! itself, 10 pt 宋体 printed at exactly 100 %, and divides every box by that box's height per
//! point. Box coordinates are rounded in the PDF: 0.05 pt of slack.
//!
//! What the PDF cannot show well is read from the xlsx itself: header rows repeated on every
//! page (the `_xlnm.Print_Titles` names), wide sheets landscape, page numbers in the footer,
//! amounts as `#,##0.00`, dates stored as dates, "本月无" on an empty list.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Every workbook of the sample year, written below `out`.
fn workbooks(out: &Path) -> Vec<PathBuf> {
    let s = Samples::own();
    run_months(&s, out, None);
    let o = out.to_str().unwrap();
    let ledger = root().join("samples/2026-10/重大项目管理台账.xlsx");
    let evaluate = root().join("samples/后评估/2026/后评估基础数据.xlsx");
    let leads = fixture("leads.xlsx");
    let t = out.join("templates");
    for args in [
        vec![
            "weekly",
            "--input",
            "samples/2026-10",
            "--week",
            "2026-10-12",
        ],
        vec![
            "evaluate",
            "--input",
            evaluate.to_str().unwrap(),
            "--year",
            "2026",
        ],
        vec![
            "screen",
            "--input",
            leads.to_str().unwrap(),
            "--as-of",
            "2026-10-25",
        ],
        vec!["annual", "--year", "2026"],
    ] {
        let mut args = args.clone();
        args.extend(["--out", o]);
        let r = sanyipi(&args);
        assert!(r.code <= 1, "{args:?}: {}", r.stderr);
    }
    for table in [None, Some("周报")] {
        let mut r = Sanyipi::new()
            .arg("template")
            .arg("--ledger")
            .arg(&ledger)
            .args(["--month", "2026-10"]);
        if let Some(table) = table {
            r = r.args(["--table", table]);
        }
        r.out(&t).run().expect_ok();
    }
    let mut all = Vec::new();
    collect(out, &mut all);
    all.sort();
    for needle in ["考核排名", "周报", "后评估", "预审", "年度", "填报模板"] {
        assert!(
            all.iter().any(|p| p.to_string_lossy().contains(needle)),
            "no workbook of {needle} in {all:?}"
        );
    }
    all
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "xlsx") {
            out.push(p);
        }
    }
}

/// A workbook of one line of 10 pt 宋体 printed at exactly 100 %.
fn calibration(path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_print_scale(100);
    ws.set_paper_size(9);
    let f = Format::new().set_font_name("宋体").set_font_size(10);
    ws.write_string_with_format(0, 0, "校准 Calibration 2026-10-25", &f)
        .unwrap();
    wb.save(path).unwrap();
}

/// The smallest word-box height on each page of `pdf`, in PDF points.
fn smallest_boxes(pdf: &Path) -> Vec<f64> {
    let out = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed: .ci/run installs poppler-utils");
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| attr(w, "yMax") - attr(w, "yMin"))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

#[test]
fn every_workbook_prints_at_8pt_or_more() {
    let tmp = tempfile::tempdir().unwrap();
    let books = workbooks(&tmp.path().join("out"));
    // One folder, a name of its own for each; the calibration first.
    let all = tmp.path().join("all");
    std::fs::create_dir_all(&all).unwrap();
    calibration(&all.join("000.xlsx"));
    let mut files = vec![all.join("000.xlsx")];
    for (i, b) in books.iter().enumerate() {
        let to = all.join(format!("{:03}.xlsx", i + 1));
        std::fs::copy(b, &to).unwrap();
        files.push(to);
    }
    let pdfs = tmp.path().join("pdf");
    let paths: Vec<&Path> = files.iter().map(|f| f.as_path()).collect();
    super::soffice_to_pdf(&paths, &pdfs, tmp.path());
    let pdf = |f: &Path| pdfs.join(f.with_extension("pdf").file_name().unwrap());
    let per_point = smallest_boxes(&pdf(&files[0]))[0] / 10.0;
    assert!(
        (0.9..1.6).contains(&per_point),
        "calibration: {per_point} box points per type point"
    );
    let mut report = Vec::new();
    let mut small = Vec::new();
    for (i, book) in books.iter().enumerate() {
        let pages = smallest_boxes(&pdf(&files[i + 1]));
        assert!(!pages.is_empty(), "{}: no pages", book.display());
        let name = book.strip_prefix(tmp.path()).unwrap().display().to_string();
        let least = pages.iter().copied().fold(f64::INFINITY, f64::min) / per_point;
        report.push(format!("{name}: {} pages, {least:.1} pt", pages.len()));
        for (p, h) in pages.iter().enumerate() {
            if h / per_point < 8.0 - 0.05 {
                small.push(format!("{name} page {}: {:.1} pt", p + 1, h / per_point));
            }
        }
    }
    assert!(small.is_empty(), "{small:#?}\nall: {report:#?}");
}

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

#[test]
fn workbooks_repeat_headers_number_pages_and_format_amounts_and_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let books = workbooks(&out);
    for book in &books {
        let what = book.display();
        let wb: Xlsx<_> = open_workbook(book).unwrap();
        let visible = wb
            .sheets_metadata()
            .iter()
            .filter(|s| s.visible == calamine::SheetVisible::Visible)
            .count();
        let xml = entry(book, "xl/workbook.xml");
        assert_eq!(
            xml.matches("_xlnm.Print_Titles").count(),
            // A form's 填表说明 (templates, 整改反馈表) is one long column of notes: no header
            // to repeat.
            visible - usize::from(wb.sheet_names().iter().any(|n| n == "填表说明")),
            "{what}: {xml}"
        );
        for (i, _) in wb.sheet_names().iter().enumerate() {
            let sheet = entry(book, &format!("xl/worksheets/sheet{}.xml", i + 1));
            if xml.contains(&format!("localSheetId=\"{i}\"")) {
                assert!(sheet.contains("paperSize=\"9\""), "{what} sheet {i}");
                assert!(sheet.contains("第 &amp;P 页 共 &amp;N 页"), "{what} {i}");
            }
        }
    }
    let october = out.join("2026-10/2026年10月重点项目考核排名.xlsx");
    // Wide sheets landscape, narrow ones portrait.
    for (book, sheet, landscape) in [
        (&october, "项目得分明细", true),
        (&october, "三个一批", true),
        (&october, "单位排名", true),
        (
            &out.join("2026年度后评估/2026年度竣工投产项目后评估结果.xlsx"),
            "后评估结果",
            true,
        ),
    ] {
        let xml = sheet_xml(book, sheet);
        assert_eq!(
            xml.contains("orientation=\"landscape\""),
            landscape,
            "{sheet}"
        );
        assert!(
            xml.contains("fitToHeight=\"0\""),
            "{sheet}: fit to width only"
        );
    }
    // The project detail groups its scores and investment over a second header row.
    let mut wb: Xlsx<_> = open_workbook(&october).unwrap();
    let detail = wb.worksheet_range("项目得分明细").unwrap();
    let header = (0..6)
        .find(|r| detail.get_value((*r, 0)) == Some(&Data::String("项目编号".into())))
        .unwrap();
    let groups: Vec<String> = (0..detail.width() as u32)
        .filter_map(|c| detail.get_value((header, c)).map(|d| d.to_string()))
        .collect();
    assert!(groups.contains(&"得分".to_string()), "{groups:?}");
    assert!(groups.contains(&"投资（万元）".to_string()), "{groups:?}");
    let sub: Vec<String> = (0..detail.width() as u32)
        .filter_map(|c| detail.get_value((header + 1, c)).map(|d| d.to_string()))
        .collect();
    assert!(sub.contains(&"总分".to_string()), "{sub:?}");
    // Amounts as #,##0.00 (and no bare 0.00 left), dates as dates.
    let styles = entry(&october, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"#,##0.00\""), "{styles}");
    assert!(!styles.contains("formatCode=\"0.00\""), "{styles}");
    let deadlines = wb.worksheet_range("开工时限").unwrap();
    assert!(
        deadlines
            .used_cells()
            .any(|(_, _, d)| matches!(d, Data::DateTime(_))),
        "no date cell in 开工时限"
    );
    assert!(
        !deadlines
            .used_cells()
            .any(|(_, _, d)| matches!(d, Data::String(s)
            if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-')),
        "a date stored as text in 开工时限"
    );
    // An empty list says so.
    let empty = wb
        .sheet_names()
        .into_iter()
        .filter(|n| {
            let r = wb.worksheet_range(n).unwrap();
            r.used_cells()
                .any(|(_, _, d)| *d == Data::String("本月无".into()))
        })
        .count();
    assert!(empty > 0, "no empty list says 本月无");
}
