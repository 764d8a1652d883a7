//! LibreOffice opens what the tool writes: the month's ranking workbook, the 督查 notice (DOCX)
//! of the penalised unit and every monthly template, of the bundled samples and (with
//! `--features shared-samples`) of the shared ones, converted to PDF in ONE `soffice` call (its
//! start-up is the slow part); then each PDF is checked, and the notices' text, read back with
//! `pdftotext`, holds their number, recipient and matters. `office::print` converts every
//! workbook of the sample year and measures the printed type size (issue 22, point 1).
//!
//! Compiled only with `--features office-tests` (slow, and it needs LibreOffice and poppler:
//! Debian `apt-get install libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils`);
//! `.ci/run` installs them and turns it on. Anything missing then fails loudly.

mod notice_print;
mod print;

use crate::common::*;
use crate::notices::{notice_file, penalised_and_missing, unit_notices};
use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A document to convert and what its PDF must hold.
struct Doc {
    file: PathBuf,
    min_pdf_bytes: u64,
    /// The notice it is, for the text check.
    notice: Option<(J, &'static str)>,
}

/// The documents of one data set's last month, written into `out`.
fn documents(s: &Samples, out: &Path) -> Vec<Doc> {
    let runs = run_months(s, out, None);
    let month = s.last_month();
    let dir = out.join(month);
    let m: u32 = month[5..].parse().unwrap();
    let mut docs = vec![Doc {
        file: dir.join(format!("{}年{m}月重点项目考核排名.xlsx", &month[..4])),
        min_pdf_bytes: 5000,
        notice: None,
    }];
    let (penalised, _) = penalised_and_missing(s);
    let notice = unit_notices(runs.last().unwrap())
        .into_iter()
        .find(|n| n["recipient"] == penalised)
        .unwrap()
        .clone();
    docs.push(Doc {
        file: dir.join(format!("督查通知/{}.docx", notice_file(&notice))),
        min_pdf_bytes: 1000,
        notice: Some((notice, penalised)),
    });
    let templates = out.join("templates");
    Sanyipi::new()
        .arg("template")
        .arg("--ledger")
        .arg(s.month(month).join("重大项目管理台账.xlsx"))
        .args(["--month", month])
        .out(&templates)
        .run()
        .expect_ok();
    let monthly = templates
        .join("填报模板")
        .join(month)
        .join("重点项目推进情况月报");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&monthly)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}", monthly.display());
    docs.extend(files.into_iter().map(|file| Doc {
        file,
        min_pdf_bytes: 1000,
        notice: None,
    }));
    docs
}

/// Converts every file to PDF into `outdir` with one `soffice` call.
fn soffice_to_pdf(files: &[&Path], outdir: &Path, home: &Path) {
    let out = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(outdir)
        .args(files)
        .env("HOME", home)
        .output()
        .expect("LibreOffice (soffice) is needed: .ci/run installs libreoffice-calc-nogui and libreoffice-writer-nogui");
    assert!(
        out.status.success(),
        "soffice: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of a PDF (`pdftotext`), whitespace removed.
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed: .ci/run installs poppler-utils");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect()
}

/// The 版记 of a notice's PDF is at the foot of the type area of the last page (GB/T 9704-2012
/// 7.4): its 印发 line ends within a line of the bottom margin (A4: 842 pt, bottom margin 35 mm
/// = 99.2 pt), and the last page holds no text below it but the page number.
fn imprint_at_the_foot_of_the_last_page(pdf: &Path, what: &str) {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", "2", "-l", "99"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed");
    let html = String::from_utf8_lossy(&out.stdout);
    let last = html.rsplit("<page ").next().unwrap();
    let y_max = |word: &str| -> f64 {
        let i = last
            .find(&format!(">{word}"))
            .unwrap_or_else(|| panic!("{what}: no {word} on the last page: {last}"));
        let tag = &last[last[..i].rfind("<word").unwrap()..i];
        let at = tag.find("yMax=\"").unwrap() + 6;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let bottom = 842.0 - 99.2;
    let printed = y_max("日印发");
    assert!(
        (bottom - 28.0..=bottom + 1.0).contains(&printed),
        "{what}: the 印发 line ends at {printed} pt, the type area at {bottom}"
    );
    assert!(y_max("抄送") < printed, "{what}");
}

#[test]
fn documents_convert_to_pdf_in_one_libreoffice_call() {
    let tmp = tempfile::tempdir().unwrap();
    let mut sets = vec![Samples::own()];
    if cfg!(feature = "shared-samples") {
        sets.push(Samples::shared());
    }
    let mut docs = Vec::new();
    for s in &sets {
        docs.extend(documents(s, &tmp.path().join(s.name)));
    }
    // One folder of PDFs: every document needs a name of its own.
    let pdfs = tmp.path().join("pdf");
    let mut named = std::collections::BTreeMap::new();
    for (i, d) in docs.iter_mut().enumerate() {
        let ext = d.file.extension().unwrap().to_str().unwrap().to_string();
        let to = tmp.path().join("all").join(format!("{i:03}.{ext}"));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&d.file, &to).unwrap();
        named.insert(i, std::mem::replace(&mut d.file, to));
    }
    let files: Vec<&Path> = docs.iter().map(|d| d.file.as_path()).collect();
    soffice_to_pdf(&files, &pdfs, tmp.path());
    for (i, d) in docs.iter().enumerate() {
        let what = named[&i].display();
        let pdf = pdfs.join(d.file.with_extension("pdf").file_name().unwrap());
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{what}: no PDF ({e})"));
        assert!(bytes.starts_with(b"%PDF"), "{what}");
        assert!(
            bytes.len() as u64 > d.min_pdf_bytes,
            "{what}: {} bytes",
            bytes.len()
        );
        if let Some((notice, recipient)) = &d.notice {
            let text = pdf_text(&pdf);
            assert!(
                text.contains(notice["number"].as_str().unwrap()),
                "{what}: {text}"
            );
            let addressee = notice["addressee"].as_str().unwrap();
            assert!(addressee.starts_with(recipient), "{addressee}");
            assert!(text.contains(&format!("{addressee}：")), "{what}: {text}");
            // pdftotext drops a hyphen at a line's end (a task id `…15号-1` broken there).
            let joined = text.replace('-', "");
            for m in notice["matters"].as_array().unwrap() {
                let want: String = m["text"].as_str().unwrap().split_whitespace().collect();
                assert!(
                    joined.contains(&want.replace('-', "")),
                    "{what}: {want} not in {text}"
                );
            }
            imprint_at_the_foot_of_the_last_page(&pdf, &what.to_string());
        }
    }
}

/// The text of each page of a PDF (`pdftotext` separates pages with a form feed), whitespace
/// removed.
fn page_texts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed");
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(|p| p.split_whitespace().collect())
        .filter(|p: &String| !p.is_empty())
        .collect()
}

/// The 考核情况通报 and the 函 to the statistics bureau print as GB/T 9704 lays them out: the
/// 通报's 版记 at the foot of its last page, its signature and date with the last paragraph;
/// the 函 with no page number on its first page, the date with its text, the list attached on
/// a page of its own.
#[test]
fn bulletin_and_letter_print_as_gbt9704() {
    let s = Samples::own();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_months(&s, &out, None);
    let input = root().join("samples/后评估/2026");
    Sanyipi::new()
        .args(["evaluate", "--input"])
        .arg(&input)
        .args(["--year", "2026", "--issue-date", "2027-01-15"])
        .out(&out)
        .run()
        .expect_ok();
    let all = tmp.path().join("all");
    std::fs::create_dir_all(&all).unwrap();
    let bulletin = all.join("bulletin.docx");
    let letter = all.join("letter.docx");
    std::fs::copy(
        out.join("2026-10/2026年10月重点项目考核情况通报.docx"),
        &bulletin,
    )
    .unwrap();
    std::fs::copy(
        out.join("2026年度后评估/关于提请核实2026年度应统未统企业的函.docx"),
        &letter,
    )
    .unwrap();
    let pdfs = tmp.path().join("pdf");
    soffice_to_pdf(&[&bulletin, &letter], &pdfs, tmp.path());
    let pdf = pdfs.join("bulletin.pdf");
    imprint_at_the_foot_of_the_last_page(&pdf, "通报");
    let pages = page_texts(&pdf);
    let signed = pages
        .iter()
        .find(|p| p.contains("镇平县重点项目办公室2026年10月26日"))
        .unwrap();
    assert!(signed.contains("确保重点项目建设按期推进"), "{pages:?}");
    let pages = page_texts(&pdfs.join("letter.pdf"));
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(!pages[0].contains("—1—"), "{}", pages[0]);
    assert!(pages[0].contains("附件：") && pages[0].contains("2027年1月15日"));
    assert!(
        pages[1].starts_with("附件") && pages[1].contains("ZP2025-111"),
        "{}",
        pages[1]
    );
    assert!(pages[1].contains("—2—"), "{}", pages[1]);
}
