//! Issue 22, point 5: each leader's page opens with what needs his decision (the problems on the
//! meeting list: status 提交周例会 or open `min_weeks_open` weeks), marked and first; 统计截止
//! defaults to the week's digest day (Wednesday by rule); the Friday 周例会议题 also as a .docx.

use crate::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

const WEEKS: &[&str] = &["2026-10-05", "2026-10-12", "2026-10-19"];

/// Runs `weekly` for `week` into `out` (one history); `extra` are more options.
fn weekly(out: &Path, week: &str, extra: &[&str]) -> Run {
    let input = root().join("samples/2026-10");
    let mut args = vec![
        "weekly",
        "--input",
        input.to_str().unwrap(),
        "--week",
        week,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let r = sanyipi(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    r
}

/// The three October weeks in order, with `rules`; the folder of the last one.
fn october(out: &Path, rules: Option<&Path>) -> PathBuf {
    for w in WEEKS {
        let mut extra = vec!["--as-of", "2026-10-25"];
        if let Some(r) = rules {
            extra.extend(["--rules", r.to_str().unwrap()]);
        }
        weekly(out, w, &extra);
    }
    out.join("2026-10-19周")
}

fn text(c: &Data) -> String {
    match c {
        Data::String(s) => s.trim().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A sheet's rows below its header (grid row 3), as text.
fn rows(book: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(book).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .skip(3)
        .map(|r| r.iter().map(text).collect())
        .collect()
}

/// (project id, category) of the meeting list, per leader.
fn meeting_by_leader(book: &Path) -> Vec<(String, (String, String))> {
    rows(book, "周例会议题")
        .into_iter()
        .map(|r| (r[7].clone(), (r[2].clone(), r[4].clone())))
        .collect()
}

/// Every leader sheet opens with the heading of the decision items and exactly his problems of
/// the meeting list, then the heading of the others; the page does the same, each row marked.
fn check_decisions_first(dir: &Path, heading: &str) -> usize {
    let book = dir.join("2026-10-19周重点项目问题周报.xlsx");
    let meeting = meeting_by_leader(&book);
    let wb = open_workbook_auto(&book).unwrap();
    let leaders: Vec<String> = wb
        .sheet_names()
        .iter()
        .filter(|n| !["周例会议题", "报送情况", "问题数据"].contains(&n.as_str()))
        .cloned()
        .collect();
    drop(wb);
    let mut decided = 0;
    for leader in &leaders {
        let mine: BTreeSet<(String, String)> = meeting
            .iter()
            .filter(|(l, _)| l == leader)
            .map(|(_, k)| k.clone())
            .collect();
        let sheet = rows(&book, leader);
        if mine.is_empty() {
            assert!(
                !sheet[0][1].starts_with(heading),
                "{leader}: {:?}",
                sheet[0]
            );
            continue;
        }
        // A heading row: no 序号, the heading in the 项目名称 column.
        assert!(sheet[0][1].starts_with(heading), "{leader}: {:?}", sheet[0]);
        assert!(
            sheet[0][0].is_empty() && sheet[0][2].is_empty(),
            "no 序号, no project"
        );
        let first: BTreeSet<(String, String)> = sheet[1..=mine.len()]
            .iter()
            .map(|r| (r[2].clone(), r[4].clone()))
            .collect();
        assert_eq!(first, mine, "{leader}: the decision items lead");
        let next = sheet
            .get(mine.len() + 1)
            .map(|r| (r[0].as_str(), r[1].as_str()));
        assert!(
            matches!(
                next,
                None | Some(("", "二、其他在办问题")) | Some(("本周已解决", ""))
            ),
            "{leader}: {next:?}"
        );
        decided += mine.len();
    }
    // The page: in each leader's section the marked rows come before any other row.
    let html = std::fs::read_to_string(dir.join("2026-10-19周重点项目问题周报.html")).unwrap();
    let mut marked = 0;
    for section in html.split("<section class=\"leader\">").skip(1) {
        let section = section.split("</section>").next().unwrap();
        let body_rows: Vec<&str> = section
            .split("<tbody>")
            .skip(1)
            .flat_map(|t| t.split("</tbody>").next().unwrap().split("<tr").skip(1))
            .collect();
        let n = body_rows
            .iter()
            .take_while(|r| r.starts_with(" class=\"decide"))
            .count();
        assert!(
            body_rows[n..]
                .iter()
                .all(|r| !r.starts_with(" class=\"decide")),
            "decision rows first"
        );
        for r in &body_rows[..n] {
            assert!(r.contains("<span class=\"mark\">需决策</span>"), "{r}");
        }
        if n > 0 {
            assert!(section.contains(heading), "{section}");
        }
        marked += n;
    }
    assert_eq!(marked, decided, "the page marks what the workbook heads");
    decided
}

#[test]
fn a_leaders_page_opens_with_the_items_that_need_his_decision() {
    let out = tempfile::tempdir().unwrap();
    let dir = october(out.path(), None);
    let n = check_decisions_first(&dir, "一、需研究决策的问题（提交周例会或挂账满4周）");
    assert!(n > 0, "the October weeks put problems on the meeting list");
}

/// How long is "long-open" is a rule: with `min_weeks_open = 1` more problems need a decision,
/// and the heading says so.
#[test]
fn the_long_open_threshold_is_a_rule() {
    let base = tempfile::tempdir().unwrap();
    let before = check_decisions_first(&october(base.path(), None), "一、需研究决策的问题");
    let (_keep, rules) =
        edited_rules(&[("weekly.toml", "min_weeks_open = 4", "min_weeks_open = 1")]);
    let out = tempfile::tempdir().unwrap();
    let after = check_decisions_first(
        &october(out.path(), Some(&rules)),
        "一、需研究决策的问题（提交周例会或挂账满1周）",
    );
    assert!(after > before, "{after} > {before}");
}

fn subtitle_cut_off(dir: &Path, label: &str) -> String {
    let html = std::fs::read_to_string(dir.join(format!("{label}重点项目问题周报.html"))).unwrap();
    let at = html.find("统计截止：").expect("统计截止 in the subtitle");
    html[at..].split('<').next().unwrap().trim().to_string()
}

/// Without --as-of, 统计截止 is the Wednesday of the reported week, whatever day names it; the
/// weekday is a rule.
#[test]
fn the_cut_off_defaults_to_the_weeks_wednesday() {
    for day in ["2026-10-12", "2026-10-14", "2026-10-18"] {
        let out = tempfile::tempdir().unwrap();
        weekly(out.path(), day, &[]);
        let dir = out.path().join("2026-10-12周");
        assert_eq!(
            subtitle_cut_off(&dir, "2026-10-12周"),
            "统计截止：2026年10月14日",
            "--week {day}"
        );
    }
    let (_keep, rules) = edited_rules(&[(
        "weekly.toml",
        "[digest]\nweekday = 3",
        "[digest]\nweekday = 4",
    )]);
    let out = tempfile::tempdir().unwrap();
    weekly(
        out.path(),
        "2026-10-12",
        &["--rules", rules.to_str().unwrap()],
    );
    assert_eq!(
        subtitle_cut_off(&out.path().join("2026-10-12周"), "2026-10-12周"),
        "统计截止：2026年10月15日"
    );
    // --as-of still wins.
    let out = tempfile::tempdir().unwrap();
    weekly(out.path(), "2026-10-12", &["--as-of", "2026-10-16"]);
    assert_eq!(
        subtitle_cut_off(&out.path().join("2026-10-12周"), "2026-10-12周"),
        "统计截止：2026年10月16日"
    );
}

fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    z.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

/// The text of each paragraph of a document.xml (runs joined), empty ones kept as "".
fn paragraphs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in xml.split("</w:p>") {
        let Some(start) = p.rfind("<w:p>").or_else(|| p.rfind("<w:p ")) else {
            continue;
        };
        let mut t = String::new();
        for piece in p[start..].split("<w:t").skip(1) {
            let body = &piece[piece.find('>').unwrap() + 1..];
            t.push_str(&body[..body.find("</w:t>").unwrap_or(0)]);
        }
        out.push(t);
    }
    out
}

/// The Friday agenda: a .docx beside the workbook, A4 with the notices' margins, its paragraphs
/// the meeting list's 议题 in order; the wording is a rule.
#[test]
fn the_meeting_agenda_is_a_docx() {
    let out = tempfile::tempdir().unwrap();
    let dir = october(out.path(), None);
    let docx = dir.join("2026-10-19周重点项目周例会议题.docx");
    assert!(docx.is_file(), "{}", docx.display());
    let xml = zip_text(&docx, "word/document.xml");
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""), "A4");
    assert!(xml.contains("w:top=\"2098\""), "GB/T 9704 top margin");
    let paras = paragraphs(&xml);
    let book = dir.join("2026-10-19周重点项目问题周报.xlsx");
    let meeting = rows(&book, "周例会议题");
    assert!(!meeting.is_empty());
    for m in &meeting {
        let heading = paras
            .iter()
            .position(|p| p.contains(&format!("{}：{}", m[1], m[5])))
            .unwrap_or_else(|| panic!("议题 {} {}: {paras:#?}", m[1], m[5]));
        assert!(paras[heading].ends_with(&m[5]), "{}", paras[heading]);
        assert!(paras[heading + 1].contains(&format!("分管县领导：{}", m[7])));
    }
    assert!(
        paras[1].contains("2026年10月23日"),
        "the Friday: {}",
        paras[1]
    );
    insta::assert_snapshot!("weekly_agenda_2026_10_19", paras.join("\n"));
    let styles = zip_text(&docx, "word/styles.xml");
    assert!(styles.contains("仿宋_GB2312"), "fonts declared");

    let (_keep, rules) = edited_rules(&[(
        "weekly.toml",
        "title = \"重点项目周例会议题\"",
        "title = \"县重点项目推进周例会议程\"",
    )]);
    let out = tempfile::tempdir().unwrap();
    let dir = october(out.path(), Some(&rules));
    let docx = dir.join("2026-10-19周县重点项目推进周例会议程.docx");
    let paras = paragraphs(&zip_text(&docx, "word/document.xml"));
    assert_eq!(paras[0], "县重点项目推进周例会议程");
}

/// A meeting Friday on a holiday is held when the office calendar holds it: 2 October 2026 (国庆节)
/// goes with the meeting of Friday 9 October, and the agenda is dated that day; without the
/// rules' `event` it keeps its own Friday. A Friday in a year without a holiday table
/// (1 January 2027) is provisional, and the run says so.
#[test]
fn an_agenda_for_a_holiday_friday_is_dated_when_the_meeting_is_held() {
    let date_line = |dir: &Path, week: &str| -> String {
        let docx = dir.join(format!("{week}周/{week}周重点项目周例会议题.docx"));
        paragraphs(&zip_text(&docx, "word/document.xml"))[1].clone()
    };
    let out = tempfile::tempdir().unwrap();
    weekly(out.path(), "2026-09-28", &[]);
    assert_eq!(date_line(out.path(), "2026-09-28"), "（2026年10月9日）");
    let r = weekly(out.path(), "2026-12-28", &[]);
    // The printed agenda says so too, and so does the week's page.
    assert_eq!(
        date_line(out.path(), "2026-12-28"),
        "（2027年1月1日（暂定））"
    );
    assert!(
        r.stdout
            .contains("2027 年节假日安排尚未收录，周例会日期为暂定"),
        "{}",
        r.stdout
    );
    let page = std::fs::read_to_string(
        out.path()
            .join("2026-12-28周/2026-12-28周重点项目问题周报.html"),
    )
    .unwrap();
    assert!(
        page.contains("2027 年节假日安排尚未收录，周例会日期为暂定"),
        "{page}"
    );

    let (_keep, rules) = edited_rules(&[("weekly.toml", "event = \"weekly_meeting\"\n", "")]);
    let out = tempfile::tempdir().unwrap();
    weekly(
        out.path(),
        "2026-09-28",
        &["--rules", rules.to_str().unwrap()],
    );
    assert_eq!(date_line(out.path(), "2026-09-28"), "（2026年10月2日）");
}
