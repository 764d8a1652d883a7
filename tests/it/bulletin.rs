//! The monthly 考核情况通报 (the notices' 定期通报) and the 函 covering the 应统未统 list: what
//! they say matches the ranking workbook, run.json and the evaluation's list; the 通报's DOCX
//! body and HTML as snapshots; its wording is a rule.

use crate::common::*;
use crate::notice_layout::{docx_part, elements, iso_dates, lines, text_of};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::{Path, PathBuf};

/// The 通报's files (.docx, .html) of `month` in `out`.
fn bulletin(out: &Path, month: &str) -> (PathBuf, PathBuf) {
    let stem = format!(
        "{}年{}月重点项目考核情况通报",
        &month[..4],
        month[5..].parse::<u32>().unwrap()
    );
    let dir = out.join(month);
    (
        dir.join(format!("{stem}.docx")),
        dir.join(format!("{stem}.html")),
    )
}

/// The text of each cell of each row of a DOCX table.
fn docx_rows(table: &str) -> Vec<Vec<String>> {
    elements(table, "w:tr")
        .iter()
        .map(|tr| {
            tr.split("<w:tc>")
                .skip(1)
                .map(|tc| text_of(tc).split_whitespace().collect())
                .collect()
        })
        .collect()
}

/// The text of each cell of each row of the HTML table.
fn html_rows(html: &str) -> Vec<Vec<String>> {
    let table = &html[html.find("<table class=\"official\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr>")
        .skip(1)
        .map(|tr| {
            tr.split("<t")
                .skip(1)
                .filter_map(|c| c.strip_prefix("d>").or_else(|| c.strip_prefix("h>")))
                .map(|c| c.split('<').next().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// The ranking sheet of the workbook: (名次, 单位, 得分 to 2 decimals, 项目数, 上月名次) per unit.
fn workbook_ranking(out: &Path, month: &str) -> Vec<[String; 5]> {
    let m: u32 = month[5..].parse().unwrap();
    let path = out
        .join(month)
        .join(format!("{}年{m}月重点项目考核排名.xlsx", &month[..4]));
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("单位排名").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let h = rows
        .iter()
        .position(|r| r.iter().any(|c| *c == "单位"))
        .unwrap();
    let col = |name: &str| rows[h].iter().position(|c| *c == name).unwrap();
    let cols = [
        col("名次"),
        col("单位"),
        col("得分"),
        col("项目数"),
        col("上月名次"),
    ];
    rows[h + 1..]
        .iter()
        .take_while(|r| !matches!(r[cols[1]], Data::Empty))
        .map(|r| {
            cols.map(|c| match &r[c] {
                Data::Float(f) if c == cols[2] => format!("{f:.2}"),
                Data::Empty => "—".into(),
                d => d.to_string(),
            })
        })
        .collect()
}

/// The 通报 exists in DOCX and HTML; its ranking table is the workbook's, its bottom units,
/// 表态发言 and 专项巡察 decisions (with their evidence, written as a document writes it) and
/// 三个一批 figures are run.json's.
fn the_bulletin_says_what_the_month_found(s: &Samples) {
    let out = tempfile::tempdir().unwrap();
    let runs = run_months(s, out.path(), None);
    let month = s.last_month();
    let run = runs.last().unwrap();
    let (docx, html) = bulletin(out.path(), month);
    let document = docx_part(&docx, "word/document.xml");
    let html = std::fs::read_to_string(&html).unwrap();
    let want = workbook_ranking(out.path(), month);
    assert!(want.len() > 3, "{want:?}");
    // The table's columns as shipped: 名次, 单位, 项目数, 得分, 上月名次.
    let order = |r: &[String]| -> [String; 5] {
        [
            r[0].clone(),
            r[1].clone(),
            r[3].clone(),
            r[2].clone(),
            r[4].clone(),
        ]
    };
    let tables = elements(&document, "w:tbl");
    let docx_table = docx_rows(tables[0]);
    assert_eq!(
        docx_table[0],
        ["名次", "单位", "项目数", "得分", "上月名次"]
    );
    let got: Vec<[String; 5]> = docx_table[1..].iter().map(|r| order(r)).collect();
    assert_eq!(got, want);
    let html_table = html_rows(&html);
    let got: Vec<[String; 5]> = html_table[1..].iter().map(|r| order(r)).collect();
    assert_eq!(got, want);
    let docx_text: String = text_of(&document).split_whitespace().collect();
    let html_text: String = text_of(&html[html.find("<body").unwrap()..])
        .split_whitespace()
        .collect();
    for text in [&docx_text, &html_text] {
        assert_eq!(iso_dates(text), Vec::<String>::new());
        for u in run["units"].as_array().unwrap() {
            if u["bottom"] == true {
                let rank = u["rank"].as_u64().unwrap();
                let unit = u["unit"].as_str().unwrap();
                assert!(
                    text.contains(&format!("{unit}（第{rank}名，")),
                    "{unit}: {text}"
                );
            }
        }
        let mut decisions = 0;
        for l in run["escalations"].as_array().unwrap() {
            let entries = l["entries"].as_array().unwrap();
            let list = l["list"].as_str().unwrap();
            if entries.is_empty() {
                assert!(text.contains(&format!("{list}：本月无")), "{list}");
            }
            for e in entries {
                decisions += 1;
                assert!(text.contains(e["unit"].as_str().unwrap()));
                assert!(text.contains(&format!("列入{list}")), "{list}");
            }
        }
        assert!(decisions > 0, "the samples have a 表态发言");
        assert!(
            text.contains("月第") && text.contains("名、"),
            "evidence: {text}"
        );
        let total = &run["stages"]["total"];
        for key in ["signed", "started", "completed"] {
            let y = &total[key]["year"];
            let figure = format!(
                "本年累计{}个、总投资{:.2}亿元",
                y["count"],
                y["invest"].as_f64().unwrap()
            );
            assert!(text.contains(&figure), "{figure}: {text}");
        }
    }
}
on_samples!(the_bulletin_says_what_the_month_found);

/// The 通报's DOCX body (GB/T 9704: red header, number, title, 主送, headings in 黑体, the
/// ranking table, signature kept with the last paragraph, date, 版记) and its HTML.
#[test]
fn bulletin_docx_and_html_snapshots() {
    let s = Samples::own();
    let out = tempfile::tempdir().unwrap();
    run_months(&s, out.path(), None);
    let (docx, html) = bulletin(out.path(), s.last_month());
    let document = docx_part(&docx, "word/document.xml");
    let body = &document[document.find("<w:body>").unwrap()..document.find("<w:sectPr").unwrap()];
    insta::assert_snapshot!("bulletin_docx_body", lines(body));
    let html = std::fs::read_to_string(&html).unwrap();
    insta::assert_snapshot!("bulletin_html", &html[html.find("<body>").unwrap()..]);
}

/// The wording, number and table of the 通报 are `[bulletin]` of notices.toml: changed there,
/// changed in the DOCX and HTML; without `[bulletin]` there is no 通报.
#[test]
fn the_bulletin_wording_is_a_rule() {
    let s = Samples::own();
    let month = s.last_month();
    let (_tmp, rules) = edited_rules(&[
        (
            "notices.toml",
            "title = \"关于{{ month_label }}重点项目考核情况的通报\"",
            "title = \"{{ month_label }}重点项目考核结果通报\"",
        ),
        (
            "notices.toml",
            "number = \"镇重点办通报〔{{ year }}〕{{ month }}号\"",
            "number = \"重点办〔{{ year }}〕第{{ month }}期\"",
        ),
        (
            "notices.toml",
            "heading = \"考核排名\"",
            "heading = \"各单位得分\"",
        ),
        (
            "notices.toml",
            "{ header = \"得分\", value = \"{{ score }}\", width = 1 },",
            "{ header = \"考核得分\", value = \"{{ score }}分\", width = 1 },",
        ),
        (
            "notices.toml",
            "addressee = \"{{ full_names | join('、') }}\"",
            "addressee = \"各乡镇人民政府、街道办事处\"",
        ),
        (
            "notices.toml",
            "# header = \"镇平县重点项目办公室\"\n# issuers = [\"县重点项目办\"]\n# cc",
            "header = \"镇平县重点项目推进办公室\"\nissuers = [\"县重点项目推进办\"]\ncc = \"县人大办公室。\"\n# cc",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    Sanyipi::month(s.month(month), month)
        .out(out.path())
        .rules(&rules)
        .run()
        .assert_done();
    let (docx, html) = bulletin(out.path(), month);
    let html = std::fs::read_to_string(html).unwrap();
    let document = docx_part(&docx, "word/document.xml");
    for text in [text_of(&document), html] {
        for want in [
            "2026年10月重点项目考核结果通报",
            "重点办〔2026〕第10期",
            "一、各单位得分",
            "考核得分",
            "87.87分",
            "各乡镇人民政府、街道办事处：",
            "镇平县重点项目推进办公室",
            "县重点项目推进办",
            "县人大办公室。",
        ] {
            assert!(text.contains(want), "{want}: {text}");
        }
        assert!(!text.contains("督查中心"), "the 通报's own issuers only");
    }
    // The notices keep [notice]'s issuers.
    let notices_all = out.path().join(month).join("督查通知/全部通知.html");
    let notices_html = std::fs::read_to_string(notices_all).unwrap();
    assert!(notices_html.contains("县委县政府督查中心") && !notices_html.contains("推进办"));
    let notices = rules.join("notices.toml");
    let text = std::fs::read_to_string(&notices).unwrap();
    std::fs::write(&notices, &text[..text.find("[bulletin]").unwrap()]).unwrap();
    let out = tempfile::tempdir().unwrap();
    Sanyipi::month(s.month(month), month)
        .out(out.path())
        .rules(&rules)
        .run()
        .assert_done();
    let (docx, html) = bulletin(out.path(), month);
    assert!(!docx.exists() && !html.exists());
}

/// The 函 to the statistics bureau covers the 应统未统 list: the count in its text, every
/// listed enterprise in the attached table, 信函格式 (double rule, no page number on the first
/// page), dated by `--issue-date` or left for the clerk.
#[test]
fn the_letter_covers_the_statistics_list() {
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/后评估/2026");
    let run = sanyipi(&[
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--year",
        "2026",
        "--issue-date",
        "2027-01-15",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("应统未统"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(listed.len(), 5, "{}", run.stdout);
    let docx = out
        .path()
        .join("2026年度后评估/关于提请核实2026年度应统未统企业的函.docx");
    let document = docx_part(&docx, "word/document.xml");
    let text: String = text_of(&document).split_whitespace().collect();
    assert!(
        text.contains("县统计局：") && text.contains("有5家企业"),
        "{text}"
    );
    assert!(
        text.contains("2000万元") && text.contains("2027年1月15日"),
        "{text}"
    );
    assert!(text.contains("附件：2026年度应统未统企业名单"), "{text}");
    let rows = docx_rows(elements(&document, "w:tbl")[0]);
    assert_eq!(rows.len(), 1 + listed.len());
    for (row, id) in rows[1..].iter().zip(&listed) {
        assert_eq!(&row[1], id);
    }
    assert!(
        document.contains("w:val=\"thickThinSmallGap\""),
        "double rule"
    );
    assert!(
        docx_part(&docx, "word/document.xml").contains("<w:titlePg"),
        "no page number on page 1"
    );
    // Undated: the date is left for the clerk.
    let out = tempfile::tempdir().unwrap();
    sanyipi(&[
        "evaluate",
        "--input",
        input.to_str().unwrap(),
        "--year",
        "2026",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let document = docx_part(
        &out.path()
            .join("2026年度后评估/关于提请核实2026年度应统未统企业的函.docx"),
        "word/document.xml",
    );
    assert!(document.contains("年　　月　　日"), "{document}");
}

/// The 函's addressee and wording are `[letter]` of evaluate.toml; a broken template there or in
/// `[bulletin]` is refused when the rules load, at its line.
#[test]
fn the_letter_wording_is_a_rule_and_templates_are_checked() {
    let (_tmp, rules) = edited_rules(&[
        (
            "evaluate.toml",
            "addressee = \"县统计局\"",
            "addressee = \"县统计局、县工信局\"",
        ),
        ("evaluate.toml", "尚未纳入统计", "仍未纳统"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let input = root().join("samples/后评估/2026");
    Sanyipi::new()
        .args(["evaluate", "--input"])
        .arg(&input)
        .args(["--year", "2026"])
        .out(out.path())
        .rules(&rules)
        .run()
        .expect_ok();
    let docx = out
        .path()
        .join("2026年度后评估/关于提请核实2026年度应统未统企业的函.docx");
    let text: String = text_of(&docx_part(&docx, "word/document.xml"))
        .split_whitespace()
        .collect();
    assert!(
        text.contains("县统计局、县工信局：") && text.contains("仍未纳统"),
        "{text}"
    );
    for (file, from, to) in [
        (
            "notices.toml",
            "heading = \"考核排名\"",
            "heading = \"{{ 考核排名\"",
        ),
        (
            "evaluate.toml",
            "addressee = \"县统计局\"",
            "addressee = \"{% if %}\"",
        ),
    ] {
        let (_tmp, rules) = edited_rules(&[(file, from, to)]);
        let run = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
        assert_ne!(run.code, 0, "{file}");
        assert!(
            run.stderr.contains(&format!("{file}:")) && run.stderr.contains("模板有误"),
            "{}",
            run.stderr
        );
    }
}
