//! The month's outputs as a user gets them: the workbook read back cell by cell with calamine and
//! opened by LibreOffice, the HTML self-contained and escaped, everything deterministic, and a
//! failed run leaving earlier outputs and history untouched.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::Workbook;
use serde_json::Value as J;
use std::path::Path;

fn run(input: &Path, month: &str, out: &Path, extra: &[&str]) -> Run {
    Sanyipi::month(input, month).out(out).args(extra).run()
}

fn cell(range: &calamine::Range<Data>, a1: (u32, u32)) -> Data {
    range.get_value(a1).cloned().unwrap_or(Data::Empty)
}

#[test]
fn workbook_reads_back_cell_by_cell() {
    let out = tempfile::tempdir().unwrap();
    let r = run(&Samples::own().month("2026-10"), "2026-10", out.path(), &[]);
    r.assert_done();
    let dir = out.path().join("2026-10");
    let json: J =
        serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    let mut wb: Xlsx<_> = open_workbook(dir.join("2026年10月重点项目考核排名.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "单位排名",
            "项目得分明细",
            "三个一批",
            "下月预警",
            "开工时限",
            "前期手续",
            "报送情况",
            "督查通知清单",
            "表态发言名单",
            "专项巡察建议名单",
            "督办台账",
            "问题数据",
            "数据核对"
        ]
    );
    let units = wb.worksheet_range("单位排名").unwrap();
    assert_eq!(
        cell(&units, (0, 0)),
        Data::String("2026年10月重点项目考核单位排名".into())
    );
    assert_eq!(cell(&units, (2, 1)), Data::String("单位".into()));
    for (i, u) in json["units"].as_array().unwrap().iter().enumerate() {
        let row = 3 + i as u32;
        assert_eq!(
            cell(&units, (row, 0)),
            Data::Float(u["rank"].as_f64().unwrap()),
            "rank row {row}"
        );
        assert_eq!(
            cell(&units, (row, 1)),
            Data::String(u["unit"].as_str().unwrap().into())
        );
        assert_eq!(
            cell(&units, (row, 2)),
            Data::Float(u["score"].as_f64().unwrap())
        );
        let bottom = if u["bottom"] == J::Bool(true) {
            Data::String("是".into())
        } else {
            Data::String(String::new())
        };
        assert!(
            cell(&units, (row, 6)) == bottom
                || (bottom == Data::String(String::new()) && cell(&units, (row, 6)) == Data::Empty)
        );
    }
    let projects = wb.worksheet_range("项目得分明细").unwrap();
    for (i, p) in json["projects"].as_array().unwrap().iter().enumerate() {
        // Title, data-date line, the header over two rows (得分, 投资 grouped).
        let row = 4 + i as u32;
        assert_eq!(
            cell(&projects, (row, 0)),
            Data::String(p["id"].as_str().unwrap().into())
        );
        for (k, part) in p["parts"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                cell(&projects, (row, 4 + k as u32)),
                Data::Float(part["score"].as_f64().unwrap()),
                "{} part {k}",
                p["id"]
            );
        }
        assert_eq!(
            cell(&projects, (row, 9)),
            Data::Float(p["total"].as_f64().unwrap())
        );
    }
    let problems = wb.worksheet_range("问题数据").unwrap();
    let texts: Vec<String> = problems
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("城东商业综合体项目")),
        "the project missing from the ledger is listed"
    );
    let recon = wb.worksheet_range("数据核对").unwrap();
    assert!(
        recon
            .rows()
            .skip(3)
            .all(|r| r.len() > 10 && (r[10] == Data::String("平衡".into()))),
        "every file balances"
    );
}

#[test]
fn every_wrapped_row_is_tall_enough_for_its_text() {
    let out = tempfile::tempdir().unwrap();
    let s = Samples::own();
    run_months(&s, out.path(), None);
    for (m, label) in [("2026-09", "9"), ("2026-10", "10")] {
        assert_rows_tall_enough(
            &out.path()
                .join(m)
                .join(format!("2026年{label}月重点项目考核排名.xlsx")),
        );
    }
    let r = sanyipi(&[
        "screen",
        "--input",
        fixture("leads.xlsx").to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_rows_tall_enough(&out.path().join("预审/招商项目预审结果.xlsx"));
}

/// A month folder whose ledger holds hostile names.
fn hostile_input() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let head = [
        "项目编号",
        "项目名称",
        "项目类型",
        "年度计划投资（万元）",
        "签约日期",
        "计划竣工日期",
        "责任单位",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "H-1",
            "<script>alert(1)</script>",
            "重大招商项目",
            "100",
            "2026-05-06",
            "2027-01-01",
            "<b>x</b>",
        ],
        [
            "H-2",
            "=HYPERLINK(\"http://evil\")",
            "重大招商项目",
            "100",
            "2026-05-06",
            "2027-01-01",
            "+甲镇",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(1 + r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(dir.path().join("重大项目管理台账.xlsx")).unwrap();
    dir
}

#[test]
fn html_is_self_contained_and_escaped() {
    let input = hostile_input();
    let out = tempfile::tempdir().unwrap();
    let r = run(input.path(), "2026-10", out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(
        out.path()
            .join("2026-10/2026年10月重点项目推进情况报告.html"),
    )
    .unwrap();
    assert!(
        !html.contains("<script"),
        "no script element, and the name is escaped"
    );
    assert!(
        html.contains("&lt;b&gt;x&lt;&#x2f;b&gt;") || html.contains("&lt;b&gt;x&lt;/b&gt;"),
        "unit name escaped"
    );
    for external in ["http:", "https:", "src=", "<link", "@import", "url("] {
        assert!(
            !html.contains(external)
                || external == "http:"
                    && html.matches("http:").count()
                        == html.matches("http:&#x2f;&#x2f;evil").count(),
            "loads no external resource: {external}"
        );
    }
    // In the workbook, text that looks like a formula stays text.
    let mut wb: Xlsx<_> =
        open_workbook(out.path().join("2026-10/2026年10月重点项目考核排名.xlsx")).unwrap();
    let projects = wb.worksheet_range("项目得分明细").unwrap();
    assert_eq!(
        cell(&projects, (5, 2)),
        Data::String("=HYPERLINK(\"http://evil\")".into())
    );
    assert_eq!(cell(&projects, (5, 3)), Data::String("+甲镇".into()));
    let formulas = wb.worksheet_formula("项目得分明细").unwrap();
    assert!(
        formulas.rows().flatten().all(|f| f.is_empty()),
        "no formulas at all"
    );
}

#[test]
fn outputs_are_deterministic() {
    let out = tempfile::tempdir().unwrap();
    let input = Samples::own().month("2026-09");
    assert_eq!(run(&input, "2026-09", out.path(), &[]).code, 0);
    let dir = out.path().join("2026-09");
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let (x1, h1, j1) = (
        read("2026年9月重点项目考核排名.xlsx"),
        read("2026年9月重点项目推进情况报告.html"),
        read("run.json"),
    );
    assert_eq!(run(&input, "2026-09", out.path(), &["--force"]).code, 0);
    assert_eq!(x1, read("2026年9月重点项目考核排名.xlsx"));
    assert_eq!(h1, read("2026年9月重点项目推进情况报告.html"));
    assert_eq!(j1, read("run.json"));
}

/// Files are read and notices rendered on every core, merged in a fixed order: one thread and
/// four give the same files, byte for byte, and `check` prints the same report.
#[test]
fn one_thread_or_many_give_the_same_bytes() {
    let input = Samples::own().month("2026-10");
    let run_with = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_sanyipi"))
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "run",
                "--input",
                input.to_str().unwrap(),
                "--month",
                "2026-10",
            ])
            .args([
                "--as-of",
                "2026-10-26",
                "--out",
                out.path().to_str().unwrap(),
            ])
            .output()
            .unwrap();
        // The sample month has 错误 (an unreadable date, a project not in the ledger): 1.
        assert_eq!(
            status.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let check = std::process::Command::new(env!("CARGO_BIN_EXE_sanyipi"))
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "check",
                "--input",
                input.to_str().unwrap(),
                "--month",
                "2026-10",
            ])
            .output()
            .unwrap();
        let mut files = Vec::new();
        let mut stack = vec![out.path().join("2026-10")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    let rel = e.path().strip_prefix(out.path()).unwrap().to_path_buf();
                    files.push((rel, std::fs::read(e.path()).unwrap()));
                }
            }
        }
        files.sort();
        (files, String::from_utf8_lossy(&check.stdout).into_owned())
    };
    let (one, check_one) = run_with("1");
    let (four, check_four) = run_with("4");
    assert!(one.len() > 3, "{one:?}");
    assert_eq!(
        one.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        four.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in one.iter().zip(&four) {
        assert!(a == b, "{} differs", path.display());
    }
    assert_eq!(check_one, check_four);
}

#[test]
fn a_failed_run_leaves_outputs_and_history_untouched() {
    let out = tempfile::tempdir().unwrap();
    let input = Samples::own().month("2026-09");
    assert_eq!(run(&input, "2026-09", out.path(), &[]).code, 0);
    let before_hist = std::fs::read(out.path().join("history.sqlite")).unwrap();
    let before_html = std::fs::read(
        out.path()
            .join("2026-09/2026年9月重点项目推进情况报告.html"),
    )
    .unwrap();
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("report.html"),
        "<html>\n{{ units | nosuchfilter }}\n</html>",
    )
    .unwrap();
    let r = run(
        &input,
        "2026-09",
        out.path(),
        &["--force", "--templates", templates.path().to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("report.html:2"), "{}", r.stderr);
    assert_eq!(
        std::fs::read(out.path().join("history.sqlite")).unwrap(),
        before_hist
    );
    assert_eq!(
        std::fs::read(
            out.path()
                .join("2026-09/2026年9月重点项目推进情况报告.html")
        )
        .unwrap(),
        before_html
    );
}

#[test]
fn a_month_without_ledger_is_refused_and_nothing_is_written() {
    let input = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(input.path().join("月报")).unwrap();
    std::fs::copy(fixture("plain.xlsx"), input.path().join("月报/甲镇.xlsx")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = run(input.path(), "2026-10", out.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("没有可用的重大项目管理台账"),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("2026-10").exists());
    assert!(!out.path().join("history.sqlite").exists());
    let show = sanyipi(&["history", "show", "--out", out.path().to_str().unwrap()]);
    assert!(show.stderr.contains("尚无历史记录"), "{}", show.stderr);
}

/// Display width with Chinese characters counting two — independent of the crate's own measure.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// Every row of every sheet of `xlsx` is tall enough for its wrapped text: one line per explicit
/// newline and per column width, at no less than 12.5 pt a line.
pub fn assert_rows_tall_enough(xlsx: &Path) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut wb: Xlsx<_> = open_workbook(xlsx).unwrap();
    let names = wb.sheet_names();
    for (i, name) in names.iter().enumerate() {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{}.xml", i + 1))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let attr = |tag: &str, key: &str| -> Option<f64> {
            let start = tag.find(&format!(" {key}=\""))? + key.len() + 3;
            tag[start..].split('"').next()?.parse().ok()
        };
        let mut widths: Vec<(u32, u32, f64)> = Vec::new();
        for tag in xml.split("<col ").skip(1) {
            let tag = format!(" {}", tag.split('>').next().unwrap());
            let tag = tag.as_str();
            widths.push((
                attr(tag, "min").unwrap() as u32,
                attr(tag, "max").unwrap() as u32,
                attr(tag, "width").unwrap(),
            ));
        }
        let mut heights: std::collections::BTreeMap<u32, f64> = Default::default();
        for tag in xml.split("<row ").skip(1) {
            let tag = format!(" {}", tag.split('>').next().unwrap());
            let tag = tag.as_str();
            if let (Some(r), Some(ht)) = (attr(tag, "r"), attr(tag, "ht")) {
                heights.insert(r as u32, ht);
            }
        }
        let range = wb.worksheet_range(name).unwrap();
        // A merged cell's text (in its top-left cell) wraps over all its columns and rows.
        let merges = wb.merge_cells_by_sheet_name(name).unwrap();
        let width_of = |col: u32| {
            widths
                .iter()
                .find(|(a, b, _)| *a <= col + 1 && col < *b)
                .map(|w| w.2)
        };
        let height_of = |r: u32| heights.get(&(r + 1)).copied().unwrap_or(15.0);
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (ri, row) in range.rows().enumerate() {
            let r = r0 + ri as u32;
            if r < 2 {
                continue; // title and subtitle are merged over the whole width
            }
            for (ci, cell) in row.iter().enumerate() {
                let c = c0 + ci as u32;
                // Only text wraps; numbers are shown with their format.
                let Data::String(text) = cell else {
                    continue;
                };
                let (rows, cols) = merges
                    .iter()
                    .find(|m| m.start == (r, c))
                    .map(|m| (m.start.0..=m.end.0, m.start.1..=m.end.1))
                    .unwrap_or((r..=r, c..=c));
                let Some(width) = cols.map(width_of).sum::<Option<f64>>() else {
                    continue;
                };
                let usable = (width.floor() as usize).saturating_sub(2).max(1);
                let lines: usize = text
                    .split('\n')
                    .map(|l| display_width(l).div_ceil(usable).max(1))
                    .sum();
                let ht: f64 = rows.map(height_of).sum();
                if lines > 1 {
                    assert!(
                        ht >= lines as f64 * 12.5,
                        "{name} row {}: {lines} lines of text, height {ht}",
                        r + 1
                    );
                }
            }
        }
    }
}

/// `run.json` names each problem by its stable code (`E030`, `W040` …), the one the README
/// lists and `check` prints, never by the name of a Rust type.
#[test]
fn run_json_carries_the_stable_diagnostic_codes() {
    let out = tempfile::tempdir().unwrap();
    let json = crate::common::run_one_month(
        &crate::common::root().join("samples/2026-10"),
        "2026-10",
        out.path(),
    );
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E030"), "{codes:?}");
    assert!(codes.contains(&"W040"), "{codes:?}");
    for c in &codes {
        let (letter, digits) = c.split_at(1);
        assert!(
            ["E", "W", "R"].contains(&letter)
                && digits.len() == 3
                && digits.bytes().all(|b| b.is_ascii_digit()),
            "{c} is not a stable code"
        );
    }
}
