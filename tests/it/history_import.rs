//! `history import` checks every row before recording anything (issue 24, point 5): ranks,
//! scores, months and duplicates that cannot be are errors naming their cells, nothing is
//! clamped, and a refused file leaves history as it was.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The sample 历史排名.xlsx with its entries rewritten by `edit(name, text)`.
fn ranking_file(dir: &Path, edit: impl Fn(&str, String) -> String) -> PathBuf {
    let bytes = std::fs::read(root().join("samples/历史排名.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name.ends_with(".xml") {
            data = edit(&name, String::from_utf8(data).unwrap()).into_bytes();
        }
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    let path = dir.join("历史排名.xlsx");
    std::fs::write(&path, w.finish().unwrap().into_inner()).unwrap();
    path
}

/// `from` replaced once (it must be there).
fn once(text: String, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

fn import(file: &Path, out: &Path, extra: &[&str]) -> Run {
    Sanyipi::new()
        .args(["history", "import"])
        .arg(file)
        .out(out)
        .args(extra)
        .run()
}

#[test]
fn a_hostile_ranking_file_is_refused_whole_with_every_bad_cell_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    import(&root().join("samples/历史排名.xlsx"), &out, &[]).expect_ok();
    let before = std::fs::read(out.join("history.sqlite")).unwrap();
    let inline = |cell: &str, text: &str| {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    };
    let hostile = ranking_file(dir.path(), |name, text| {
        if name != "xl/worksheets/sheet1.xml" {
            return text;
        }
        let text = once(text, r#"<c r="D2"><v>1</v>"#, r#"<c r="D2"><v>-3</v>"#);
        let text = once(
            text,
            r#"<c r="D3"><v>2</v>"#,
            r#"<c r="D3"><v>99999999999</v>"#,
        );
        let text = once(text, r#"<c r="C4"><v>85</v>"#, r#"<c r="C4"><v>1e308</v>"#);
        let text = once(
            text,
            r#"<c r="B5" t="s"><v>8</v>"#,
            r#"<c r="B5" t="s"><v>7</v>"#,
        );
        let text = once(
            text,
            r#"<c r="A6" t="s"><v>4</v></c>"#,
            &inline("A6", "0000-01"),
        );
        once(
            text,
            r#"<c r="A7" t="s"><v>4</v></c>"#,
            &inline("A7", "2099-12"),
        )
    });
    let r = import(&hostile, &out, &["--force"]).expect_code(2);
    for cell in ["D2", "D3", "C4", "B5", "A6", "A7"] {
        assert!(
            r.stderr.contains(&format!("!{cell}: ")),
            "{cell}:\n{}",
            r.stderr
        );
    }
    // The duplicate names both rows.
    let dup = r.stderr.lines().find(|l| l.contains("!B5: ")).unwrap();
    assert!(dup.contains("!B4"), "{dup}");
    assert!(!r.stderr.contains("4294967295"), "{}", r.stderr);
    // Today's month is the request's; the snapshot shows it as 本月.
    let now = chrono::Local::now().format("%Y-%m").to_string();
    insta::assert_snapshot!(r.stderr.replace(&format!("本月 {now}"), "本月"));
    assert_eq!(std::fs::read(out.join("history.sqlite")).unwrap(), before);
}

#[test]
fn a_score_out_of_the_rules_range_follows_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let file = ranking_file(dir.path(), |name, text| {
        if name != "xl/worksheets/sheet1.xml" {
            return text;
        }
        once(text, r#"<c r="C2"><v>92.4</v>"#, r#"<c r="C2"><v>120</v>"#)
    });
    let out = dir.path().join("out");
    let r = import(&file, &out, &[]).expect_code(2);
    assert!(r.stderr.contains("!C2: "), "{}", r.stderr);
    assert!(!out.join("history.sqlite").exists() || history_is_empty(&out));
    // Parts worth 150 points in all: 120 is a score the rules can give.
    let (_rules_dir, rules) = edited_rules(&[
        ("scoring.toml", "points = 50", "points = 110"),
        ("scoring.toml", "total = 100", "total = 160"),
    ]);
    import(&file, &out, &["--rules", rules.to_str().unwrap()]).expect_ok();
}

fn history_is_empty(out: &Path) -> bool {
    let show = sanyipi(&["history", "show", "--out", out.to_str().unwrap()]);
    show.stdout.contains("没有记录")
}

#[test]
fn an_unknown_unit_is_a_warning_imported_without_what_cannot_be_seen() {
    let dir = tempfile::tempdir().unwrap();
    let file = ranking_file(dir.path(), |name, text| {
        if name != "xl/sharedStrings.xml" {
            return text;
        }
        once(text, "<t>北山镇</t>", "<t>不存在镇\u{1b}[2J</t>")
    });
    let out = dir.path().join("out");
    let r = import(&file, &out, &[]).expect_ok();
    let warning = r
        .stderr
        .lines()
        .find(|l| l.contains("不存在镇"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(warning.starts_with("警告: 历史排名.xlsx!"), "{warning}");
    assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
    // The name is kept as written, less the control character no one can see.
    let show = sanyipi(&["history", "show", "--out", out.to_str().unwrap()]).expect_ok();
    assert!(show.stdout.contains("不存在镇[2J"), "{}", show.stdout);
    assert!(!show.stdout.contains('\u{1b}'), "{}", show.stdout);
}

#[test]
fn importing_a_month_again_needs_force_and_says_it_was_imported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let file = root().join("samples/历史排名.xlsx");
    import(&file, &out, &[]).expect_ok();
    let again = import(&file, &out, &[]).expect_code(2);
    assert!(
        again
            .stderr
            .contains("已有导入的排名（第 1 版）。如需重新导入，请加 --force"),
        "{}",
        again.stderr
    );
    import(&file, &out, &["--force"]).expect_ok();
}

#[test]
fn months_are_read_as_offices_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    import(&root().join("samples/历史排名.xlsx"), &plain, &[]).expect_ok();
    let written = ranking_file(dir.path(), |name, text| {
        if name != "xl/sharedStrings.xml" {
            return text;
        }
        let text = once(text, ">2026-07<", ">2026年7月<");
        once(text, ">2026-08<", "> 2026.8 <")
    });
    let out = dir.path().join("out");
    import(&written, &out, &[]).expect_ok();
    let show = |out: &Path| {
        Sanyipi::new()
            .args(["history", "show"])
            .out(out)
            .run()
            .stdout
    };
    assert_eq!(show(&out), show(&plain));
    // A month that cannot be read says how to write one, without naming another month.
    let bad = ranking_file(dir.path(), |name, text| {
        if name != "xl/sharedStrings.xml" {
            return text;
        }
        once(text, ">2026-08<", ">八月份<")
    });
    let r = import(&bad, &dir.path().join("bad"), &[]).expect_code(2);
    assert!(
        r.stderr
            .contains("考核月份“八月份”无法识别，请写成如 2026-06 或 2026年6月"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_history_path_that_is_no_history_says_why_once() {
    let dir = tempfile::tempdir().unwrap();
    let not_db = root().join("samples/历史排名.xlsx");
    let r = sanyipi(&["history", "show", "--history", not_db.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("该文件不是 sanyipi 的历史记录文件"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("file is not a database").count(),
        1,
        "{}",
        r.stderr
    );
    let r = sanyipi(&["history", "show", "--history", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("这是一个文件夹"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("disk I/O error").count(),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn every_bad_cell_is_listed_at_once_without_a_rank_error_they_cause() {
    let dir = tempfile::tempdir().unwrap();
    let file = ranking_file(dir.path(), |name, text| {
        if name != "xl/worksheets/sheet1.xml" {
            return text;
        }
        let text = once(
            text,
            r#"<c r="C3"><v>90.1</v></c>"#,
            r#"<c r="C3" t="inlineStr"><is><t>九十</t></is></c>"#,
        );
        once(
            text,
            r#"<c r="A5" t="s"><v>4</v></c>"#,
            r#"<c r="A5" t="inlineStr"><is><t>2026-13</t></is></c>"#,
        )
    });
    let out = dir.path().join("out");
    let r = import(&file, &out, &[]).expect_code(2);
    assert!(
        r.stderr.contains("!C3: “得分”无法识别为数字"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("!A5: 考核月份“2026-13”无法识别"),
        "{}",
        r.stderr
    );
    // Both rows still count among July's units: the last rank is not an error of its own.
    assert!(!r.stderr.contains("名次"), "{}", r.stderr);
    assert!(!out.join("history.sqlite").exists() || history_is_empty(&out));
}

#[test]
fn importing_a_month_again_under_computed_months_asks_for_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let file = root().join("samples/历史排名.xlsx");
    import(&file, &out, &[]).expect_ok();
    Sanyipi::month(root().join("samples/2026-09"), "2026-09")
        .out(&out)
        .run()
        .expect_done();
    let again = import(&file, &out, &["--force"]).expect_ok();
    assert!(
        again.stderr.contains(
            "注意：历史中已有之后月份 2026-09 的考核记录，它们的连续排名、提醒和整改期限以 2026-08 为依据；2026-08 已重新导入"
        ),
        "{}",
        again.stderr
    );
}

/// The sample's July ranking as June's, in `dir/2026-06.xlsx`.
fn june_as_july(dir: &Path) -> PathBuf {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(root().join("samples/历史排名.xlsx")).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    let mut n = 0;
    for row in range.rows() {
        if row[0] != Data::String("2026-07".into()) && n > 0 {
            continue;
        }
        for (c, v) in row.iter().enumerate() {
            match v {
                Data::Float(x) => ws.write_number(n, c as u16, *x),
                Data::Int(x) => ws.write_number(n, c as u16, *x as f64),
                other => ws.write_string(n, c as u16, other.to_string().replace("07", "06")),
            }
            .unwrap();
        }
        n += 1;
    }
    let path = dir.join("2026-06.xlsx");
    out.save(&path).unwrap();
    path
}

/// (month, 连续) of `unit` in `history show`.
fn streaks(out: &Path, unit: &str) -> Vec<(String, String)> {
    let r = Sanyipi::new()
        .args(["history", "show", "--unit", unit])
        .out(out)
        .run()
        .expect_ok();
    r.stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            // 月份 版本 单位 得分 名次 后位 连续 处理: 连续 follows 后位 “是”.
            let c: Vec<&str> = l.split_whitespace().collect();
            let u = c.iter().position(|x| *x == unit).unwrap();
            let streak = if c.get(u + 3) == Some(&"是") {
                c[u + 4]
            } else {
                ""
            };
            (c[0].to_string(), streak.to_string())
        })
        .collect()
}

/// June imported under imported July and August and a computed September: it is said to be
/// imported (not imported again), July's and August's streaks are computed again with it (new
/// revisions), and September, named to be run again, continues them once run.
#[test]
fn importing_an_earlier_month_computes_the_later_imported_months_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    import(&root().join("samples/历史排名.xlsx"), &out, &[]).expect_ok();
    let september = || Sanyipi::month(root().join("samples/2026-09"), "2026-09").out(&out);
    september().run().expect_done();
    let r = import(&june_as_july(dir.path()), &out, &[]).expect_ok();
    assert!(
        r.stdout.contains("已导入 2026-06 共 6 条单位排名"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "之后已导入的 2026-07、2026-08 的后位、连续排名和处理依据 2026-06 重新计算，记为新版本"
        ),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("已重新导入"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "历史中已有之后月份 2026-09 的考核记录，它们的连续排名、提醒和整改期限以 2026-08 为依据；2026-08 的后位与连续排名已随 2026-06 重新计算，请按月份顺序用 --force 重新运行这些月份。"
        ),
        "{}",
        r.stderr
    );
    // 西岭乡: 5th in June and July, 6th in August (bottom three of six each month).
    let want = |m: &str, s: &str| (m.to_string(), s.to_string());
    assert_eq!(
        streaks(&out, "西岭乡")[..3],
        [
            want("2026-06", "1"),
            want("2026-07", "2"),
            want("2026-08", "3")
        ]
    );
    september().arg("--force").run().expect_done();
    let sep = streaks(&out, "西岭乡")[3].clone();
    assert_eq!(sep, want("2026-09", "4"));
}
