//! `sanyipi serve`: the real binary on a free port, driven over plain HTTP/1.1 like the page
//! does: the token and Host checks, upload of the bundled sample month, check, run, downloads
//! (the workbook byte-identical to `sanyipi run` on the same folder), history, and the upload
//! limits of `rules/serve.toml`.

mod clerk;
mod hostile;
mod jobs;
mod zips;

use crate::common::{root, run_one_month, sanyipi};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `sanyipi serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve --port 0 --no-open` and reads the port and token from the URL it prints.
fn start(data: &Path, out: &Path, extra: &[&str]) -> Server {
    start_with(data, out, extra, &[], true)
}

/// `start` with environment variables `env`, and the browser opened unless `no_open`.
fn start_with(
    data: &Path,
    out: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
    no_open: bool,
) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanyipi"))
        .args(["serve", "--port", "0"])
        .args(no_open.then_some("--no-open"))
        .envs(env.iter().copied())
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map(|l| l.unwrap())
        .find(|l| l.starts_with("http://127.0.0.1:"))
        .expect("serve prints its URL");
    let rest = url.trim_start_matches("http://127.0.0.1:");
    let (port, token) = rest.split_once("/?t=").unwrap();
    Server {
        child,
        port: port.parse().unwrap(),
        token: token.to_string(),
    }
}

/// One HTTP/1.1 request; returns the status and the body.
fn http(port: u16, method: &str, target: &str, host: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    (status, raw[split + 4..].to_vec())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Server {
    /// The process is still running.
    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let mut target = format!("{path}?t={}", self.token);
        for (k, v) in query {
            target.push_str(&format!("&{k}={}", enc(v)));
        }
        http(self.port, method, &target, &self.host(), body)
    }

    fn json(&self, method: &str, path: &str, query: &[(&str, &str)]) -> (u16, serde_json::Value) {
        self.json_with(method, path, query, b"")
    }

    /// `json` with a body.
    fn json_with(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, serde_json::Value) {
        let (status, body) = self.call(method, path, query, body);
        (status, serde_json::from_slice(&body).unwrap())
    }
}

/// Every file below `dir` as (relative path with `/`, absolute path).
fn files_of(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap();
                let parts: Vec<_> = rel.iter().map(|c| c.to_string_lossy()).collect();
                out.push((parts.join("/"), p.clone()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn refuses_requests_without_the_token_or_with_another_host() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    let host = s.host();
    let ok = format!("/?t={}", s.token);
    assert_eq!(http(s.port, "GET", "/", &host, b"").0, 403);
    assert_eq!(http(s.port, "GET", "/?t=0000", &host, b"").0, 403);
    assert_eq!(http(s.port, "GET", "/api/history", &host, b"").0, 403);
    let other = format!("evil.example:{}", s.port);
    let (status, body) = http(s.port, "GET", &ok, &other, b"");
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("拒绝访问"));
    assert_eq!(http(s.port, "GET", &ok, "127.0.0.1", b"").0, 403);
    assert_eq!(http(s.port, "GET", &ok, "127.0.0.1:1", b"").0, 403);
    let (status, body) = http(s.port, "GET", &ok, &host, b"");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("三个一批"));
    let local = format!("localhost:{}", s.port);
    assert_eq!(http(s.port, "GET", &ok, &local, b"").0, 200);
    // Nothing was written by the refused requests (serve makes the empty folder at start).
    let data = tmp.path().join("data");
    assert!(!data.exists() || std::fs::read_dir(&data).unwrap().next().is_none());
}

#[test]
fn walks_the_sample_month_like_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    let month = [("month", "2026-10")];

    // Upload: every sample file with its folder, and refusals of escaping paths.
    let samples = files_of(&root().join("samples/2026-10"));
    assert!(samples.len() > 3);
    for (rel, path) in &samples {
        let bytes = std::fs::read(path).unwrap();
        let (status, body) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", rel)],
            &bytes,
        );
        assert_eq!(status, 200, "{rel}: {}", String::from_utf8_lossy(&body));
    }
    for bad in ["../x.xlsx", "/tmp/x.xlsx", "a/../../x.xlsx", "C:\\x.xlsx"] {
        let (status, _) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", bad)],
            b"x",
        );
        assert_eq!(status, 400, "{bad}");
    }
    assert!(!tmp.path().join("x.xlsx").exists());
    let uploaded = data.join("2026-10");
    let copied: Vec<String> = files_of(&uploaded).into_iter().map(|(r, _)| r).collect();
    let expected: Vec<String> = samples.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(copied, expected);

    // Check: the same counts as `sanyipi check`, every diagnostic located.
    let (status, check) = s.json("GET", "/api/check", &month);
    assert_eq!(status, 200, "{check}");
    let diags = check["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty());
    for d in diags {
        assert!(d["file"].as_str().is_some_and(|f| !f.is_empty()), "{d}");
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
    }
    let cli = sanyipi(&[
        "check",
        "--input",
        uploaded.to_str().unwrap(),
        "--month",
        "2026-10",
    ]);
    let counts = format!(
        "问题（错误 {} 个，警告 {} 个）",
        check["errors"], check["warnings"]
    );
    assert!(cli.stdout.contains(&counts), "{counts}\n{}", cli.stdout);
    // Only the first line differs, the page naming the folder in its words, and a built-in
    // rule's export hint, which says who changes it instead of a command.
    let report = check["report"].as_str().unwrap();
    assert_eq!(
        report.split_once('\n').unwrap().1,
        zips::page_words(cli.stdout.split_once('\n').unwrap().1)
    );
    assert!(
        report.starts_with("检查目录: 上传的材料/2026-10（"),
        "{report}"
    );
    let cells: usize = cli.stdout.lines().filter(|l| l.contains("月报!")).count();
    assert!(cells > 0);

    // Run as of 2026-10-25, and the CLI on the same folder into another out dir.
    let run_q = [("month", "2026-10"), ("as_of", "2026-10-25")];
    let (status, run) = s.json("POST", "/api/run", &run_q);
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["revision"], 1);
    let cli_out = tmp.path().join("cli-out");
    let cli_json: serde_json::Value = run_one_month(&uploaded, "2026-10", &cli_out);
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&run["units"]), names(&cli_json["units"]));
    assert_eq!(run["units"][0]["rank"], 1);
    // The page says the month's data problems, as `run` does with its exit code.
    let errors = cli_json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with(['E', 'R']))
        .count();
    assert!(errors > 0);
    assert_eq!(run["errors"], errors, "{run}");

    // Downloads: every listed file equals the CLI's, the workbook byte for byte.
    let listed: Vec<String> = run["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let cli_files: Vec<String> = files_of(&cli_out.join("2026-10"))
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(listed, cli_files);
    for f in &listed {
        let (status, bytes) = s.call(
            "GET",
            "/download",
            &[("month", "2026-10"), ("file", f)],
            b"",
        );
        assert_eq!(status, 200, "{f}");
        assert_eq!(
            bytes,
            std::fs::read(cli_out.join("2026-10").join(f)).unwrap(),
            "{f} differs from the CLI's"
        );
    }
    assert!(listed.iter().any(|f| f.ends_with(".docx")));
    assert!(listed.iter().any(|f| f.ends_with("重点项目考核排名.xlsx")));
    // The city's report (rules/report_up/) is listed where the clerk downloads the month.
    assert!(listed.iter().any(|f| f.ends_with("市重点项目月报表.xlsx")));
    let (status, zip) = s.call("GET", "/download.zip", &month, b"");
    assert_eq!(status, 200);
    assert!(zip.starts_with(b"PK"));
    for escape in ["../history.sqlite", "../../x", "/etc/passwd"] {
        let (status, _) = s.call(
            "GET",
            "/download",
            &[("month", "2026-10"), ("file", escape)],
            b"",
        );
        assert_eq!(status, 404, "{escape}");
    }

    // A second run needs force, like `run --force`; history lists both.
    let (status, again) = s.json("POST", "/api/run", &run_q);
    assert_eq!(status, 422);
    assert!(again["error"].as_str().unwrap().contains("重新考核"));
    let forced = [
        ("month", "2026-10"),
        ("as_of", "2026-10-25"),
        ("force", "1"),
    ];
    let (status, run2) = s.json("POST", "/api/run", &forced);
    assert_eq!(status, 200, "{run2}");
    assert_eq!(run2["revision"], 2);
    let (status, history) = s.json("GET", "/api/history", &[]);
    assert_eq!(status, 200);
    let revisions: Vec<i64> = history["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(revisions, [1, 2]);
}

#[test]
fn upload_limits_come_from_the_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    let export = sanyipi(&["rules", "export", rules.to_str().unwrap()]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let path = rules.join("serve.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("max_files = 300", "max_files = 1");
    std::fs::write(&path, text).unwrap();
    let s = start(
        &tmp.path().join("data"),
        &tmp.path().join("out"),
        &["--rules", rules.to_str().unwrap()],
    );
    let up = |name: &str| {
        s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", name)],
            b"x",
        )
        .0
    };
    assert_eq!(up("a.xlsx"), 200);
    assert_eq!(up("a.xlsx"), 200, "replacing a file is not a new one");
    assert_eq!(up("b.xlsx"), 413);
    // Said in the page's words: the limit and who can change it, no rules file or key.
    let (_, refused) = s.json_with(
        "POST",
        "/api/upload",
        &[("month", "2026-10"), ("path", "b.xlsx")],
        b"x",
    );
    assert_eq!(
        refused["error"],
        "本月已有 1 个文件，达到上限（如需放宽，请告知管理规则的同事）"
    );

    // The zip limits: the same 20:1 entry passes the shipped ratio and not a lowered one.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("max_zip_ratio = 200", "max_zip_ratio = 10"),
    )
    .unwrap();
    let zip = zip_of(&[("a.csv".into(), b"0,".repeat(2000))]);
    let data = tmp.path().join("data2");
    let shipped = start(&data, &tmp.path().join("out"), &[]);
    let lowered = start(
        &data,
        &tmp.path().join("out"),
        &["--rules", rules.to_str().unwrap()],
    );
    let month = [("month", "2026-11")];
    let (status, body) = lowered.call("POST", "/api/upload-zip", &month, &zip);
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    let said = String::from_utf8_lossy(&body);
    assert!(said.contains("压缩比超过 10:1"), "{said}");
    assert!(
        !said.contains("toml") && !said.contains("max_zip_ratio"),
        "{said}"
    );
    let (status, body) = shipped.call("POST", "/api/upload-zip", &month, &zip);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));

    // A serve.toml exported before the zip keys existed: they come from the shipped file.
    std::fs::write(&path, "[serve]\nmax_files = 300\nmax_depth = 3\n").unwrap();
    let old = start(
        &tmp.path().join("data3"),
        &tmp.path().join("out"),
        &["--rules", rules.to_str().unwrap()],
    );
    let (status, body) = old.call("POST", "/api/upload-zip", &month, &zip);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let check = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

/// A zip of `entries` (name, bytes), deflated; names are written as given.
fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A zip of `entries` (name, bytes), stored (not compressed), as phones and some tools write.
fn stored_zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` by `to` (same length) in `bytes`.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut found = 0;
    for i in 0..=bytes.len() - from.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            found += 1;
        }
    }
    assert!(
        found >= 2,
        "the name is in the local and the central header"
    );
}

/// The name `s` in GBK (the code page of Chinese Windows), by a table independent of the tool:
/// only the characters this test uses.
fn gbk(s: &str) -> Vec<u8> {
    let table = [
        ('月', [0xD4, 0xC2]),
        ('报', [0xB1, 0xA8]),
        ('东', [0xB6, 0xAB]),
        ('湖', [0xBA, 0xFE]),
        ('镇', [0xD5, 0xF2]),
    ];
    let mut out = Vec::new();
    for c in s.chars() {
        match table.iter().find(|(k, _)| *k == c) {
            Some((_, b)) => out.extend_from_slice(b),
            None => out.push(c as u8),
        }
    }
    out
}
