//! The page in a real browser: `tests/browser/month.mjs` drives the system Chromium through
//! playwright-core (npm) to upload the bundled sample month, check it, run it, read the ranking
//! and download the workbook; this test makes the assertions: the first unit is the one the
//! default scoring gives by hand from `samples/truth.json`, and the downloaded workbook's bytes
//! equal `sanyipi run`'s on the same folder; the same with the month as one .zip; and the weekly
//! report and the screening made on the page equal the CLI's.
//! Needs `node`, `chromium` (Debian: `apt-get install nodejs npm chromium`) and
//! `npm ci --prefix tests/browser`, so it is compiled only with `--features browser-test`, which
//! `.ci/run` turns on after installing them; anything missing then fails loudly.
//! `SANYIPI_SCREENSHOT=/abs/path.png` also saves a picture of the page (docs/serve-page.png).

use crate::common::hand::hand_scores;
use crate::common::{Samples, root, run_one_month};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A child process killed when dropped.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve --port 0 --no-open`; the process and the URL it prints.
fn serve(data: &std::path::Path, out: &std::path::Path) -> (Kill, String) {
    serve_slowly(data, out, 0)
}

/// `serve`, each file read `ms` milliseconds slower (`SANYIPI_SLOW_MS`, debug builds), so that
/// operations are seen running.
fn serve_slowly(data: &std::path::Path, out: &std::path::Path, ms: u64) -> (Kill, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanyipi"))
        .env("SANYIPI_SLOW_MS", ms.to_string())
        .args(["serve", "--port", "0", "--no-open", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Kill(child);
    let url = BufReader::new(stdout)
        .lines()
        .map(|l| l.unwrap())
        .find(|l| l.starts_with("http://127.0.0.1:"))
        .expect("serve prints its URL");
    (server, url)
}

/// The unit with the highest hand-computed score of `month` (a tie would make the test moot).
fn expected_first(month: &str) -> String {
    let scores = hand_scores(&Samples::own().truth(), month);
    let best = scores.values().cloned().fold(f64::MIN, f64::max);
    let top: Vec<&String> = scores
        .iter()
        .filter(|(_, s)| **s == best)
        .map(|(u, _)| u)
        .collect();
    assert_eq!(top.len(), 1, "a tie for first place: {scores:?}");
    top[0].clone()
}

/// Starts `serve` on fresh folders, runs `month.mjs` on the sample month with `extra`
/// environment; the temporary folder, what the page showed, and where the month was uploaded.
fn drive(extra: &[(&str, &std::ffi::OsStr)]) -> (tempfile::TempDir, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out, downloads) = (
        tmp.path().join("data"),
        tmp.path().join("out"),
        tmp.path().join("downloads"),
    );
    std::fs::create_dir_all(&downloads).unwrap();
    let (_server, url) = serve(&data, &out);
    let script = root().join("tests/browser");
    assert!(
        script.join("node_modules/playwright-core").is_dir(),
        "run `npm ci --prefix tests/browser` first (installs playwright-core)"
    );
    let folder = root().join("samples/2026-10");
    let mut node = Command::new("node");
    node.arg("month.mjs")
        .current_dir(&script)
        .env("SANYIPI_URL", &url)
        .env("SANYIPI_FOLDER", &folder)
        .env("SANYIPI_MONTH", "2026-10")
        .env("SANYIPI_AS_OF", "2026-10-25")
        .env("SANYIPI_DOWNLOADS", &downloads);
    for (k, v) in extra {
        node.env(k, v);
    }
    if !extra.iter().any(|(k, _)| *k == "SANYIPI_WEEK") {
        // Only the full walk refreshes the README's screenshot.
        node.env_remove("SANYIPI_SCREENSHOT");
    }
    let page = node
        .output()
        .expect("node not found: apt-get install nodejs npm");
    assert!(
        page.status.success(),
        "month.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&page.stdout),
        String::from_utf8_lossy(&page.stderr)
    );
    let shown: Value = serde_json::from_slice(&page.stdout).unwrap();
    // Every sample file went up, keeping its folder.
    let uploaded = data.join("2026-10");
    assert!(uploaded.join("重大项目管理台账.xlsx").is_file());
    assert!(uploaded.join("月报").is_dir());
    assert!(shown["diagnostics"].as_u64().unwrap() > 0, "{shown}");
    (tmp, shown)
}

/// The ranking's first row is the hand computation's best unit, and the downloaded workbook
/// equals the CLI's for the same folder, byte for byte.
fn check_month(tmp: &Path, shown: &Value) {
    assert_eq!(shown["firstRank"], "1", "{shown}");
    assert_eq!(shown["firstUnit"], expected_first("2026-10").as_str());
    let cli_out = tmp.join("cli-out");
    let run = run_one_month(&tmp.join("data/2026-10"), "2026-10", &cli_out);
    assert_eq!(shown["firstUnit"], run["units"][0]["unit"]);
    same_bytes(&shown["name"], &shown["saved"], &cli_out.join("2026-10"));
}

/// The file `name` downloaded to `saved` equals the one in `cli_dir`.
fn same_bytes(name: &Value, saved: &Value, cli_dir: &Path) {
    let name = name.as_str().unwrap();
    assert!(name.ends_with(".xlsx"), "{name}");
    let got = std::fs::read(saved.as_str().unwrap()).unwrap();
    let want = std::fs::read(cli_dir.join(name)).unwrap();
    assert_eq!(got, want, "the page's {name} differs from the CLI's");
}

#[test]
fn the_page_runs_the_sample_month_in_chromium() {
    let leads = root().join("tests/fixtures/leads.xlsx");
    let (tmp, shown) = drive(&[
        ("SANYIPI_WEEK", "2026-10-21".as_ref()),
        ("SANYIPI_LEADS", leads.as_os_str()),
    ]);
    check_month(tmp.path(), &shown);

    // The weekly report and the screening the page made equal the CLI's.
    let cli_out = tmp.path().join("cli-weekly");
    let month_dir = tmp.path().join("data/2026-10");
    let cli = crate::common::sanyipi(&[
        "weekly",
        "--input",
        month_dir.to_str().unwrap(),
        "--week",
        "2026-10-21",
        "--as-of",
        "2026-10-25",
        "--out",
        cli_out.to_str().unwrap(),
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let w = &shown["weekly"];
    same_bytes(&w["name"], &w["saved"], &cli_out.join("2026-10-19周"));
    let summary = shown["weeklySummary"].as_str().unwrap();
    let head = |t: &str| t.split("\n输出目录").next().unwrap().to_string();
    assert_eq!(head(summary), head(&cli.stdout));

    let cli = crate::common::sanyipi(&[
        "screen",
        "--input",
        leads.to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        cli_out.to_str().unwrap(),
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let sc = &shown["screening"];
    same_bytes(&sc["name"], &sc["saved"], &cli_out.join("预审"));
    assert!(
        shown["screenSummary"]
            .as_str()
            .unwrap()
            .contains(&head(&cli.stdout)),
        "{shown}"
    );
}

#[test]
fn the_page_takes_the_sample_month_as_one_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("2026-10.zip");
    zip_folder(&root().join("samples/2026-10"), "2026-10", &zip);
    let (run, shown) = drive(&[("SANYIPI_ZIP", zip.as_os_str())]);
    assert!(
        shown["uploaded"]
            .as_str()
            .unwrap()
            .contains("已上传 11 个文件"),
        "{shown}"
    );
    check_month(run.path(), &shown);
}

/// Zips `dir` as a Windows clerk would: every file below a top folder `top`.
fn zip_folder(dir: &Path, top: &str, to: &Path) {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, std::path::PathBuf)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel: Vec<String> = p
                    .strip_prefix(base)
                    .unwrap()
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), p.clone()));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (rel, path) in files {
        zip.start_file(format!("{top}/{rel}"), options).unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(path).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

/// A clerk's walk through `clerk.mjs`: the month's dates, a refused as-of date, every unit's
/// 报送情况, the problem list, deleting a file, revisions in the history, a reload, a stale token
/// and an old IE engine (issue 21, points 6 to 8).
#[test]
fn the_page_catches_a_clerks_slips_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out, downloads) = (
        tmp.path().join("data"),
        tmp.path().join("out"),
        tmp.path().join("downloads"),
    );
    std::fs::create_dir_all(&downloads).unwrap();
    let (_server, url) = serve_slowly(&data, &out, 250);
    let page = Command::new("node")
        .arg("clerk.mjs")
        .current_dir(root().join("tests/browser"))
        .env("SANYIPI_URL", &url)
        .env("SANYIPI_FOLDER", root().join("samples/2026-10"))
        .env("SANYIPI_DOWNLOADS", &downloads)
        .output()
        .expect("node not found: apt-get install nodejs npm");
    assert!(
        page.status.success(),
        "clerk.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&page.stdout),
        String::from_utf8_lossy(&page.stderr)
    );
    let shown: Value = serde_json::from_slice(&page.stdout).unwrap();
    let text = |k: &str| shown[k].as_str().unwrap_or_default().to_string();
    // 6: the as-of date and the week follow the month; a date outside it is refused.
    assert_eq!(shown["renderer"], "webkit");
    assert_eq!(shown["oldIeShownInChromium"], false);
    assert_eq!(shown["september"]["asOf"], "2026-09-25", "{shown}");
    assert_eq!(shown["september"]["min"], "2026-09-01");
    assert_eq!(shown["september"]["max"], "2026-10-25");
    assert!(
        shown["september"]["week"]
            .as_str()
            .unwrap()
            .starts_with("2026-09")
    );
    assert_eq!(shown["october"]["asOf"], "2026-10-25");
    assert!(
        text("refused").contains("不在 2026-10 的考核期内"),
        "{shown}"
    );
    // 7: every unit of the ledger, each 已报 / 未报 / 迟报 with its file.
    let subs = shown["submissions"].as_array().unwrap();
    assert!(subs.len() >= 5, "{shown}");
    for row in subs {
        let status = row[1].as_str().unwrap();
        assert!(["已报", "未报", "迟报"].contains(&status), "{row}");
        assert_eq!(
            row[2].as_str().unwrap().starts_with("月报/"),
            status != "未报",
            "{row}"
        );
    }
    assert!(text("checked").contains("未报"), "{shown}");
    // 8: the problem list, a deleted file, revisions, a reload, a stale token, old IE.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(text("problems")).unwrap();
    assert!(wb.worksheet_range("问题清单").unwrap().height() > 1);
    assert_eq!(
        wb.worksheet_range("报送情况").unwrap().height(),
        subs.len() + 1
    );
    assert!(text("deleted").contains("多余的文件.xlsx"));
    assert!(!text("uploadedAfterDelete").contains("多余的文件"));
    assert!(!data.join("2026-10/多余的文件.xlsx").exists());
    assert!(
        text("again").contains("重新考核") && !text("again").contains("--"),
        "{shown}"
    );
    // The notices: one group, collapsed; a search finds a unit's three (the notice as DOCX and
    // HTML, its 整改反馈表) and opens the group.
    assert_eq!(shown["groups"], json!(["督查通知（25 个文件）"]), "{shown}");
    assert_eq!(shown["groupsOpen"], json!([false]), "{shown}");
    assert_eq!(
        shown["groupsFound"],
        json!(["督查通知（3 / 25 个文件）"]),
        "{shown}"
    );
    assert_eq!(shown["groupsOpenFound"], json!([true]), "{shown}");
    let found = shown["found"].as_array().unwrap();
    assert_eq!(found.len(), 3, "{shown}");
    assert!(
        found.iter().all(|f| f.as_str().unwrap().contains("东湖镇")),
        "{shown}"
    );
    let history = shown["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{shown}");
    let first = history[0][4].as_str().unwrap();
    assert!(
        first.contains("已被第 2 版替换") && first.contains("下载第 1 版"),
        "{first}"
    );
    assert!(history[1][4].as_str().unwrap().contains("下载第 2 版"));
    assert!(text("reportText").contains("城关镇"), "{shown}");
    assert!(text("afterReload").contains("第 2 版"), "{shown}");
    // While a run reads the month, the page shows its progress, also after a reload.
    assert!(
        text("running").contains("正在考核 2026-10……已读"),
        "{shown}"
    );
    assert!(text("runningAfterReload").contains("正在考核"), "{shown}");
    assert!(shown["rankRowsAfterReload"].as_u64().unwrap() > 3);
    assert!(text("stale").contains("重新启动考核网页服务"), "{shown}");
    assert!(text("oldIe").contains("旧版 IE"), "{shown}");
}

/// Issue 22, point 2: the report printed by Chromium to A4 is numbered page by page, and no
/// date of a table is broken across lines.
#[test]
fn the_report_prints_with_page_numbers_and_whole_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_one_month(&root().join("samples/2026-10"), "2026-10", &out);
    let report = out.join("2026-10/2026年10月重点项目推进情况报告.html");
    let pdf = tmp.path().join("report.pdf");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let printed = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .expect("chromium not found");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&printed.stderr));
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext not found (poppler-utils)");
    let text = String::from_utf8(text.stdout).unwrap();
    let pages = text.matches("页共").count();
    assert!(pages >= 2, "no page numbers:\n{text}");
    assert!(text.contains(&format!("1页共{pages}页")), "{text}");
    // Every date the tables show is on one line of the PDF's text.
    let html = std::fs::read_to_string(&report).unwrap();
    let mut seen = 0;
    for piece in html.split("<td class=\"nw\">").skip(1) {
        let cell = piece.split('<').next().unwrap();
        if cell.len() == 10 && cell.as_bytes()[4] == b'-' && cell.as_bytes()[7] == b'-' {
            assert!(text.contains(cell), "{cell} broken in print");
            seen += 1;
        }
    }
    assert!(seen > 3, "the report shows too few dates: {seen}");
}

/// A folder dragged onto the drop zone is refused with what to do (not a page gone stale), and a
/// .zip inside a picked folder is uploaded as a file of it, never unpacked over the month's
/// files; uploading the folder again names the files it replaced.
#[test]
fn a_dropped_folder_and_a_zip_in_a_picked_folder_are_said_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let folder = tmp.path().join("picked/2026-11");
    std::fs::create_dir_all(folder.join("月报")).unwrap();
    std::fs::write(folder.join("月报/东湖镇.xlsx"), b"the report").unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("月报/东湖镇.xlsx", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"an old draft").unwrap();
    let zip = zip.finish().unwrap().into_inner();
    std::fs::write(folder.join("月报/东湖镇初稿.zip"), zip).unwrap();
    let (_server, url) = serve(&data, &out);
    let page = Command::new("node")
        .arg("slips.mjs")
        .current_dir(root().join("tests/browser"))
        .env("SANYIPI_URL", &url)
        .env("SANYIPI_FOLDER", &folder)
        .output()
        .expect("node not found: apt-get install nodejs npm");
    assert!(
        page.status.success(),
        "slips.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&page.stdout),
        String::from_utf8_lossy(&page.stderr)
    );
    let shown: Value = serde_json::from_slice(&page.stdout).unwrap();
    let text = |k: &str| shown[k].as_str().unwrap_or_default().to_string();
    assert!(
        text("dropped").contains("不能直接拖入文件夹")
            || text("afterDrop").contains("无法读取本机上的这个文件"),
        "{shown}"
    );
    assert_eq!(shown["staleShown"], false, "{shown}");
    assert!(text("picked").contains("已上传 2 个文件"), "{shown}");
    assert!(!text("picked").contains("已替换"), "{shown}");
    let month = data.join("2026-11");
    assert_eq!(
        std::fs::read(month.join("月报/东湖镇.xlsx")).unwrap(),
        b"the report"
    );
    assert!(month.join("月报/东湖镇初稿.zip").is_file());
    assert!(
        text("pickedAgain").contains("已替换") && text("pickedAgain").contains("月报/东湖镇.xlsx"),
        "{shown}"
    );
}
