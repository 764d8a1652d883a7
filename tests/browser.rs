//! The page in a real browser: `tests/browser/month.mjs` drives the system Chromium through
//! playwright-core (npm) to upload the bundled sample month, check it, run it, read the ranking
//! and download the workbook; this test makes the assertions: the first unit is the one the
//! default scoring gives by hand from `samples/truth.json`, and the downloaded workbook's bytes
//! equal `sanyipi run`'s on the same folder.
//! Needs `node`, `chromium` (Debian: `apt-get install nodejs npm chromium`) and
//! `npm ci --prefix tests/browser`, so it is compiled only with `--features browser-test`, which
//! `.ci/run` turns on after installing them; anything missing then fails loudly.
//! `SANYIPI_SCREENSHOT=/abs/path.png` also saves a picture of the page (docs/serve-page.png).
#![cfg(feature = "browser-test")]

mod common;

use common::hand::hand_scores;
use common::{Samples, root, run_one_month};
use serde_json::Value;
use std::io::{BufRead, BufReader};
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanyipi"))
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

#[test]
fn the_page_runs_the_sample_month_in_chromium() {
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
    let page = Command::new("node")
        .arg("month.mjs")
        .current_dir(&script)
        .env("SANYIPI_URL", &url)
        .env("SANYIPI_FOLDER", &folder)
        .env("SANYIPI_MONTH", "2026-10")
        .env("SANYIPI_AS_OF", "2026-10-25")
        .env("SANYIPI_DOWNLOADS", &downloads)
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

    // The ranking's first row: the hand computation's best unit.
    assert_eq!(shown["firstRank"], "1", "{shown}");
    assert_eq!(shown["firstUnit"], expected_first("2026-10").as_str());

    // The downloaded workbook equals the CLI's for the same folder, byte for byte.
    let cli_out = tmp.path().join("cli-out");
    let run = run_one_month(&uploaded, "2026-10", &cli_out);
    assert_eq!(shown["firstUnit"], run["units"][0]["unit"]);
    let name = shown["name"].as_str().unwrap();
    assert!(name.ends_with(".xlsx"), "{name}");
    let got = std::fs::read(shown["saved"].as_str().unwrap()).unwrap();
    let want = std::fs::read(cli_out.join("2026-10").join(name)).unwrap();
    assert_eq!(got, want, "the page's workbook differs from the CLI's");
}
