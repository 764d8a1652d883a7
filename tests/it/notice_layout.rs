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
pub(crate) fn text_of(markup: &str) -> String {
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
pub(crate) fn iso_dates(text: &str) -> Vec<String> {
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

/// The XML elements named `tag` (`w:tbl`, `w:docDefaults` …) of `xml`, each whole.
pub(crate) fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let j = rest[i..].find(&close).unwrap() + i + close.len();
        out.push(&rest[i..j]);
        rest = &rest[j..];
    }
    out
}

/// One element or paragraph a line, for readable snapshots, without paragraph ids (they count
/// the paragraphs before).
pub(crate) fn lines(xml: &str) -> String {
    let mut xml = xml.to_string();
    while let Some(i) = xml.find(" w14:paraId=\"") {
        let end = i + 13 + xml[i + 13..].find('"').unwrap() + 1;
        xml.replace_range(i..end, "");
    }
    xml.replace("><w:p>", ">\n<w:p>")
        .replace("<w:tr>", "\n<w:tr>")
        .replace("</w:tblPr>", "</w:tblPr>\n")
}

/// The exact layout rules of the notice DOCX (GB/T 9704-2012), as XML: the 版记 (a table
/// floating at the foot of the type area of the last page, 4号仿宋, 抄送 then 印发机关 and
/// 印发日期 between full-width rules: thick 0.35 mm (sz 8) first and last, thin 0.25 mm (sz 6)
/// between), the signature block kept with the last body paragraph, page numbers "— N —" in
/// 4号宋体 (the field's run too), and styles.xml declaring 3号仿宋_GB2312 on 28.95 pt lines for
/// text a clerk adds.
fn notice_docx_layout_xml(s: &Samples) {
    let (penalised, _) = crate::notices::penalised_and_missing(s);
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let notice = crate::notices::unit_notices(runs.last().unwrap())
        .into_iter()
        .find(|n| n["recipient"] == penalised)
        .unwrap();
    let docx = out.path().join(format!(
        "{}/督查通知/{}.docx",
        s.last_month(),
        crate::notices::notice_file(notice)
    ));
    let document = docx_part(&docx, "word/document.xml");
    // The 发文机关标志 names both issuers, the host first, red, 35 mm below the type area's top.
    let paragraphs: Vec<&str> = document.split("<w:p ").skip(1).collect();
    for (p, name) in paragraphs
        .iter()
        .zip(["镇平县委县政府督查中心", "镇平县重点项目办公室"])
    {
        assert!(
            p.contains(&format!(">{name}</w:t>")) && p.contains("C8102E"),
            "{p}"
        );
    }
    assert!(
        paragraphs[0].contains("w:before=\"1984\""),
        "{}",
        paragraphs[0]
    );
    // 28 characters a line, 22 lines a page (5.2.2): a bare 3号 character would give 27.
    assert!(
        document.contains(
            r#"<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849" />"#
        ),
        "{}",
        &document[document.find("<w:sectPr").unwrap()..]
    );
    let tables = elements(&document, "w:tbl");
    assert_eq!(tables.len(), 1, "the 版记 is the one table");
    // It stands after the date, followed only by its 1 pt anchor paragraph.
    let after = &document[document.find("</w:tbl>").unwrap()..];
    assert_eq!(elements(after, "w:pPr").len(), 1, "{after}");
    let date = notice["issue_date_text"].as_str().unwrap();
    let before = &document[..document.find("<w:tbl>").unwrap()];
    assert!(
        before.ends_with(&format!("{date}</w:t></w:r></w:p>")),
        "{before}"
    );
    // The signature block: the last body paragraph, the gap and the issuers keep with the next.
    let body = &before[before.find("现予督办").unwrap()..];
    let keep: Vec<bool> = body
        .split("<w:p ")
        .skip(1)
        .map(|p| p.contains("<w:keepNext />"))
        .collect();
    let suffix = if s.name == "own" { "_own" } else { "" };
    insta::assert_snapshot!(
        format!("notice_docx_imprint{suffix}"),
        format!(
            "keep with next, from the first matter on: {keep:?}\n{}",
            lines(tables[0])
        )
    );
    let styles = docx_part(&docx, "word/styles.xml");
    insta::assert_snapshot!(
        "notice_docx_doc_defaults",
        elements(&styles, "w:docDefaults")[0]
    );
    let footer = docx_part(&docx, "word/footer1.xml");
    let p = &footer[footer.find("<w:p ").unwrap()..footer.find("</w:ftr>").unwrap()];
    insta::assert_snapshot!("notice_docx_page_number", lines(p));
    assert!(
        docx_part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders"),
        "even pages take the left-hand page number"
    );
}
on_samples!(notice_docx_layout_xml);

/// The 版记's 印发机关 and 印发 wording come from notices.toml: changed there, changed in the
/// DOCX and the HTML; without `[notice.imprint]` the 版记 holds only 抄送.
#[test]
fn the_imprint_line_is_a_rule() {
    let s = Samples::own();
    let month = s.last_month();
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let path = rules.join("notices.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text
        .replacen(
            "office = \"镇平县重点项目办公室\"",
            "office = \"县委督查室\"",
            1,
        )
        .replacen("date = \"{{ date }}印发\"", "date = \"{{ date }} 印发\"", 1)
        .replacen(
            "header = [\"镇平县委县政府督查中心\", \"镇平县重点项目办公室\"]",
            "header = \"县委督查室文件\"",
            1,
        );
    assert_ne!(changed, text);
    std::fs::write(&path, &changed).unwrap();
    let out = tempfile::tempdir().unwrap();
    Sanyipi::month(s.month(month), month)
        .out(out.path())
        .rules(&rules)
        .run()
        .assert_done();
    let files = notice_files(out.path(), month);
    let docx = files
        .iter()
        .find(|f| f.extension().unwrap() == "docx")
        .unwrap();
    let text = text_of(&docx_part(docx, "word/document.xml"));
    assert!(
        text.contains("县委督查室") && text.contains("2026年10月26日 印发"),
        "{text}"
    );
    let html = std::fs::read_to_string(docx.with_extension("html")).unwrap();
    assert!(html.contains("<span>县委督查室</span><span>2026年10月26日 印发</span>"));
    let start = changed.find("[notice.imprint]").unwrap();
    let end = changed[start..].find("\n\n").unwrap() + start;
    std::fs::write(&path, format!("{}{}", &changed[..start], &changed[end..])).unwrap();
    let out = tempfile::tempdir().unwrap();
    Sanyipi::month(s.month(month), month)
        .out(out.path())
        .rules(&rules)
        .run()
        .assert_done();
    let docx = &notice_files(out.path(), month)[1];
    let document = docx_part(docx, "word/document.xml");
    assert!(
        document.contains("抄送：") && !document.contains("印发"),
        "{document}"
    );
}

/// The 抄送 label of the 版记 is `[notice] cc_label`: changed there, changed in the notices'
/// DOCX and HTML and in the 通报; a rule folder without it (exported before it was a rule) gets
/// the shipped `抄送：`.
#[test]
fn the_cc_label_is_a_rule() {
    let s = Samples::own();
    let month = s.last_month();
    // A run with `rules`: its output folder and the text of its first notice's DOCX.
    let run = |rules: &Path| {
        let out = tempfile::tempdir().unwrap();
        Sanyipi::month(s.month(month), month)
            .out(out.path())
            .rules(rules)
            .run()
            .assert_done();
        let docx = notice_files(out.path(), month)
            .into_iter()
            .find(|f| f.extension().unwrap() == "docx")
            .unwrap();
        let text = text_of(&docx_part(&docx, "word/document.xml"));
        (out, docx, text)
    };
    let cc_line = "cc_label = \"抄送：\"\n";
    let (_dir, rules) = edited_rules(&[("notices.toml", cc_line, "cc_label = \"抄　送：\"\n")]);
    let (out, docx, text) = run(&rules);
    assert!(
        text.contains("抄　送：县委办公室") && !text.contains("抄送："),
        "{text}"
    );
    let html = std::fs::read_to_string(docx.with_extension("html")).unwrap();
    assert!(
        html.contains("抄　送：县委办公室") && !html.contains("抄送："),
        "{html}"
    );
    let bulletin = out.path().join(month).join(format!(
        "{}年{}月重点项目考核情况通报.docx",
        &month[..4],
        month[5..].trim_start_matches('0')
    ));
    let text = text_of(&docx_part(&bulletin, "word/document.xml"));
    assert!(text.contains("抄　送："), "{text}");

    let (_dir, rules) = edited_rules(&[("notices.toml", cc_line, "")]);
    let (_out, _, text) = run(&rules);
    assert!(text.contains("抄送：县委办公室"), "{text}");
}

/// 主送 is the unit's full name from units.toml (`full_name`); a recipient without one keeps
/// its name. File names and numbers stay with the short name.
#[test]
fn notices_are_addressed_to_full_names() {
    let s = Samples::own();
    let month = s.last_month();
    let (penalised, _) = crate::notices::penalised_and_missing(&s);
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let path = rules.join("units.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[[unit]]\nname = \"{penalised}\"\nfull_name = \"{penalised}人民政府\"\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = Sanyipi::month(s.month(month), month)
        .out(out.path())
        .rules(&rules)
        .run();
    run.assert_done();
    let json = run.json(&format!("{month}/run.json"));
    let notices = crate::notices::unit_notices(&json);
    assert!(notices.len() > 1);
    for n in notices {
        let recipient = n["recipient"].as_str().unwrap();
        let want = if recipient == penalised {
            format!("{penalised}人民政府")
        } else {
            recipient.to_string()
        };
        assert_eq!(n["addressee"], want.as_str());
        let stem = crate::notices::notice_file(n);
        let dir = out.path().join(month).join("督查通知");
        let html = std::fs::read_to_string(dir.join(format!("{stem}.html"))).unwrap();
        assert!(
            html.contains(&format!("<p class=\"recipient\">{want}：</p>")),
            "{stem}"
        );
        let docx = docx_part(&dir.join(format!("{stem}.docx")), "word/document.xml");
        assert!(docx.contains(&format!(">{want}：<")), "{stem}");
    }
}
