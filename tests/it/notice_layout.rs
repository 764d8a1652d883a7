//! The 督查 notices as GB/T 9704-2012 writes them: the text of every notice (DOCX and HTML)
//! reads as an official document (no ISO dates), and the exact layout rules of the DOCX
//! (版记, page numbers, declared styles) as snapshots of its XML.

use crate::common::*;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A part of a DOCX (`word/document.xml` …) as text.
pub(crate) fn docx_part(docx: &Path, part: &str) -> String {
    let file = std::fs::File::open(docx).unwrap_or_else(|e| panic!("{}: {e}", docx.display()));
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = String::new();
    zip.by_name(part)
        .unwrap_or_else(|e| panic!("{}: {part}: {e}", docx.display()))
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// The text of XML or HTML: tags removed, one space where a tag was.
fn text_of(markup: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// ISO-style dates or months (`2026-07`, `2026-7-5`) in `text`, not counting digits that are
/// part of a code (`DH2026-003`).
fn iso_dates(text: &str) -> Vec<String> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 0..c.len().saturating_sub(5) {
        let in_code = i > 0 && (c[i - 1].is_ascii_alphanumeric() || c[i - 1] == '-');
        if !in_code
            && c[i..i + 4].iter().all(char::is_ascii_digit)
            && c[i + 4] == '-'
            && c[i + 5].is_ascii_digit()
        {
            out.push(c[i..(i + 10).min(c.len())].iter().collect());
        }
    }
    out
}

/// The notice files (.docx and .html) of `month` in `out`.
fn notice_files(out: &Path, month: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join(month).join("督查通知"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn iso_dates_are_found_but_codes_are_not() {
    assert_eq!(iso_dates("截至2026-10-25，"), vec!["2026-10-25"]);
    assert_eq!(iso_dates("（2026-07 第 5 名）"), vec!["2026-07 第 "]);
    assert!(iso_dates("生态渔业养殖项目（DH2026-003）2026年7月第5名").is_empty());
}

/// Evidence and every date of a notice are written as an official document writes them
/// ("2026年7月第5名、8月第6名"): no `2026-07` anywhere in the text of any notice.
fn notice_text_has_no_iso_dates(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    run_months(s, out.path(), None);
    let files = notice_files(out.path(), s.last_month());
    assert!(files.len() > 2, "{files:?}");
    let mut with_evidence = 0;
    for f in &files {
        let text = match f.extension().and_then(|e| e.to_str()) {
            Some("docx") => text_of(&docx_part(f, "word/document.xml")),
            Some("html") => {
                let html = std::fs::read_to_string(f).unwrap();
                text_of(&html[html.find("<body").unwrap()..])
            }
            _ => continue,
        };
        assert_eq!(iso_dates(&text), Vec::<String>::new(), "{}", f.display());
        with_evidence += usize::from(text.contains("连续") && text.contains("月第"));
    }
    assert!(with_evidence > 0, "a notice with streak evidence");
}
on_samples!(notice_text_has_no_iso_dates);
