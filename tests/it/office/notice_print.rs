//! The HTML notices and the 通报 printed from Chromium (as the office prints them from Edge or
//! Chrome): every page carries its number "— N —" at the foot, and each document's 版记 sits at
//! the foot of its last page (GB/T 9704-2012 7.4, 7.5). `chromium --headless --print-to-pdf`,
//! then `pdftotext -bbox` gives where the words are.

use std::path::Path;
use std::process::Command;

/// A page's words as (yMin, yMax, text).
type Page = Vec<(f64, f64, String)>;

/// The words of each page of `pdf`.
fn words(pdf: &Path) -> Vec<Page> {
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
    crate::history_migration::october(o);
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

/// The text between the first `open` and the next `close` of `s` after `from`, tags removed
/// (the screen-only remark, hidden in print, with its text).
fn inner(s: &str, from: usize, open: &str) -> Option<(usize, String)> {
    let at = from + s[from..].find(open)?;
    let start = at + s[at..].find('>')? + 1;
    let end = start + s[start..].find("</p>")?;
    let mut text = s[start..end].to_string();
    while let Some(a) = text.find("<span") {
        let b = a + text[a..].find("</span>").unwrap() + "</span>".len();
        text.replace_range(a..b, "");
    }
    Some((end, text))
}

/// GB/T 9704-2012 7.3.5.4: the signature and the date are never alone on a page. One notice of
/// the samples is printed with 0 to 21 one-line paragraphs added above its matters, so that its
/// body ends at every line of a page: on the page of its signature and date stands the body's
/// last paragraph whole, and the 版记 is still at the foot of the last page (the script that
/// places it moves the closing block as the print does).
#[test]
fn the_signature_and_date_stay_with_the_last_paragraph_wherever_the_body_ends() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().to_str().unwrap();
    crate::history_migration::october(o);
    let notices = dir.path().join("2026-10/督查通知");
    let mut files: Vec<_> = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with("全部"))
        .collect();
    files.sort();
    let html = std::fs::read_to_string(&files[0]).unwrap();
    let (head, rest) = html.split_once("<body>").unwrap();
    let (doc, tail) = rest.split_once("</body>").unwrap();
    let number = doc.split("<div class=\"number\">").nth(1).unwrap();
    let number = &number[..number.find("</div>").unwrap()];
    let gap = doc.find("<div class=\"gap\">").unwrap();
    let last = doc[..gap].rfind("<p").unwrap();
    let (_, closing) = inner(doc, last, "<p").unwrap();
    let mut signed = closing.clone();
    let mut at = gap;
    while let Some((end, who)) = inner(doc, at, "<p class=\"signature\">") {
        signed.push_str(&who);
        at = end;
    }
    signed.push_str(&inner(doc, at, "<p class=\"date\">").unwrap().1);
    let recipient = doc.find("<p class=\"recipient\">").unwrap();
    let after = recipient + doc[recipient..].find("</p>").unwrap() + "</p>".len();
    let filler = "<p>本段为排版检验所加，仅占一行。</p>\n";
    let variants: String = (0..22)
        .map(|k| format!("{}{}{}", &doc[..after], filler.repeat(k), &doc[after..]))
        .collect();
    let file = dir.path().join("variants.html");
    std::fs::write(&file, format!("{head}<body>{variants}</body>{tail}")).unwrap();
    let pdf = dir.path().join("variants.pdf");
    print(&file, &pdf);
    let pages = words(&pdf);
    let text = |page: &[(f64, f64, String)]| -> String {
        page.iter().map(|w| w.2.replace('-', "")).collect()
    };
    // The pages of each variant: a variant's first page carries the 发文字号.
    let mut docs: Vec<Vec<&Page>> = Vec::new();
    for page in &pages {
        if text(page).contains(number) {
            docs.push(Vec::new());
        }
        docs.last_mut()
            .expect("the first page has the number")
            .push(page);
    }
    assert_eq!(docs.len(), 22);
    let signed: String = signed
        .split_whitespace()
        .collect::<String>()
        .replace('-', "");
    let foot = 842.0 - 35.0 * 72.0 / 25.4;
    for (k, doc) in docs.iter().enumerate() {
        let texts: Vec<String> = doc.iter().map(|p| text(p)).collect();
        assert!(
            texts.iter().any(|t| t.contains(&signed)),
            "{k} lines added: no page holds {signed}: {texts:#?}"
        );
        let last = doc.last().unwrap();
        let printed = last
            .iter()
            .find(|w| w.2.ends_with("印发"))
            .unwrap_or_else(|| panic!("{k} lines added: no 印发 on the last page: {texts:#?}"));
        let lowest = last
            .iter()
            .filter(|w| w.0 < foot)
            .map(|w| w.1)
            .fold(0.0, f64::max);
        assert!(
            printed.1 > foot - 28.95 && lowest <= printed.1 + 1.0,
            "{k} lines added: the 版记 ends at {} pt: {texts:#?}",
            printed.1
        );
    }
}
