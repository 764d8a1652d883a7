//! The HTML notices and the 通报 printed from Chromium (as the office prints them from Edge or
//! Chrome): every page carries its number "— N —" at the foot, and each document's 版记 sits at
//! the foot of its last page (GB/T 9704-2012 7.4, 7.5). `chromium --headless --print-to-pdf`,
//! then `pdftotext -bbox` gives where the words are.

use crate::common::sanyipi;
use std::path::Path;
use std::process::Command;

/// The words of each page of `pdf` as (yMin, yMax, text), and the page height.
fn words(pdf: &Path) -> Vec<Vec<(f64, f64, String)>> {
    let out = Command::new("pdftotext")
        .args(["-bbox".as_ref(), pdf.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let html = String::from_utf8(out.stdout).unwrap();
    let num = |t: &str, k: &str| -> f64 {
        let at = t.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        t[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| {
                    let text = w.split('>').nth(1).unwrap().split('<').next().unwrap();
                    (num(w, "yMin"), num(w, "yMax"), text.to_string())
                })
                .collect()
        })
        .collect()
}

fn print(html: &Path, pdf: &Path) {
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium is installed");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn printed_notices_number_their_pages_and_end_with_the_imprint_at_the_foot() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().to_str().unwrap();
    sanyipi(&[
        "run",
        "--input",
        "samples/2026-10",
        "--month",
        "2026-10",
        "--as-of",
        "2026-10-25",
        "--out",
        o,
    ])
    .assert_done();
    let month = dir.path().join("2026-10");
    let notices = month.join("督查通知");
    let mut files: Vec<_> = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    files.sort();
    files.push(month.join("2026年10月重点项目考核情况通报.html"));
    // A4 is 842 pt high; the type area ends 35 mm (99.2 pt) above the bottom edge.
    let foot = 842.0 - 35.0 * 72.0 / 25.4;
    for html in &files {
        let name = html.file_name().unwrap().to_string_lossy().to_string();
        let pdf = dir.path().join(format!("{name}.pdf"));
        print(html, &pdf);
        let pages = words(&pdf);
        assert!(!pages.is_empty(), "{name}");
        let mut imprints = 0;
        for (i, page) in pages.iter().enumerate() {
            // "— N —" below the type area.
            let n = (i + 1).to_string();
            assert!(
                page.iter().any(|(top, _, t)| *t == n && *top > foot),
                "{name} page {}: no page number below {foot}: {page:?}",
                i + 1
            );
            let body = page.iter().filter(|w| w.0 < foot);
            let lowest = body.clone().map(|w| w.1).fold(0.0, f64::max);
            if let Some(printed) = page.iter().find(|w| w.2.ends_with("印发")) {
                imprints += 1;
                // The 版记's last line ends within a line (28.95 pt) of the type area's foot,
                // and nothing stands below it.
                assert!(
                    printed.1 > foot - 28.95,
                    "{name} page {}: {printed:?}",
                    i + 1
                );
                assert!(lowest <= printed.1 + 1.0, "{name} page {}", i + 1);
                // The 版记 ends its document: the next page (if any) starts another one.
                if let Some(next) = pages.get(i + 1) {
                    assert!(
                        next.iter()
                            .any(|w| w.2.contains("督查中心") || w.2.contains("办公室")),
                        "{name} page {}",
                        i + 2
                    );
                }
            }
        }
        let docs = if name.starts_with("全部通知") {
            files.len() - 2
        } else {
            1
        };
        assert_eq!(imprints, docs, "{name}");
    }
}
