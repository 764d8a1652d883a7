//! `sanyipi serve`: the real binary on a free port, driven over plain HTTP/1.1 like the page
//! does: the token and Host checks, upload of the bundled sample month, check, run, downloads
//! (the workbook byte-identical to `sanyipi run` on the same folder), history, and the upload
//! limits of `rules/serve.toml`.

mod clerk;
mod hostile;

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
    // Only the first line differs: the page names the folder in its words.
    let report = check["report"].as_str().unwrap();
    assert_eq!(
        report.split_once('\n').unwrap().1,
        cli.stdout.split_once('\n').unwrap().1
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

#[test]
fn a_zip_of_the_month_checks_like_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    // The month folder zipped on Windows: a top folder, one GBK name without the UTF-8 flag,
    // plus macOS clutter.
    let samples = files_of(&root().join("samples/2026-10"));
    let gbk_name = "2026-10/月报/东湖镇.xlsx";
    let placeholder = format!("2026-10/{}", "z".repeat(gbk(gbk_name).len() - 8));
    let mut entries: Vec<(String, Vec<u8>)> = samples
        .iter()
        .map(|(rel, path)| {
            let name = format!("2026-10/{rel}");
            let name = if name == gbk_name {
                placeholder.clone()
            } else {
                name
            };
            (name, std::fs::read(path).unwrap())
        })
        .collect();
    entries.push(("__MACOSX/2026-10/._a.xlsx".into(), b"x".to_vec()));
    entries.push(("2026-10/月报/._东湖镇.xlsx".into(), b"x".to_vec()));
    let mut zip = zip_of(&entries);
    patch(&mut zip, placeholder.as_bytes(), &gbk(gbk_name));

    let (status, body) = s.call("POST", "/api/upload-zip", &[("month", "2026-10")], &zip);
    let up: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{up}");
    assert_eq!(up["skipped"].as_array().unwrap().len(), 2, "{up}");
    assert!(
        up["skipped"][1]
            .as_str()
            .unwrap()
            .contains("._东湖镇.xlsx：系统生成的附属文件"),
        "{up}"
    );
    let uploaded = data.join("2026-10");
    let copied: Vec<String> = files_of(&uploaded).into_iter().map(|(r, _)| r).collect();
    let expected: Vec<String> = samples.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(copied, expected);
    for (rel, path) in &samples {
        assert_eq!(
            std::fs::read(uploaded.join(rel)).unwrap(),
            std::fs::read(path).unwrap(),
            "{rel}"
        );
    }

    // The check of the unpacked zip is the CLI's check of the sample folder.
    let (status, check) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    assert_eq!(status, 200, "{check}");
    let sample_dir = root().join("samples/2026-10");
    let cli = sanyipi(&[
        "check",
        "--input",
        sample_dir.to_str().unwrap(),
        "--month",
        "2026-10",
    ]);
    // Only the first line differs: the folder checked.
    let report = check["report"].as_str().unwrap();
    let (head, rest) = report.split_once('\n').unwrap();
    assert!(head.starts_with("检查目录: 上传的材料/2026-10"), "{head}");
    assert_eq!(rest, cli.stdout.split_once('\n').unwrap().1);
}

#[test]
fn zips_that_escape_explode_or_are_broken_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let good = ("月报/a.xlsx".to_string(), b"x".to_vec());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "zip-slip",
            zip_of(&[good.clone(), ("../../evil.xlsx".into(), b"x".to_vec())]),
        ),
        (
            "absolute",
            zip_of(&[good.clone(), ("/tmp/evil.xlsx".into(), b"x".to_vec())]),
        ),
        (
            "drive letter",
            zip_of(&[good.clone(), ("C:\\evil.xlsx".into(), b"x".to_vec())]),
        ),
        // 5 MB of zeros packs to a few KB: about 1000:1.
        (
            "bomb",
            zip_of(&[good.clone(), ("炸弹.csv".into(), vec![0u8; 5 << 20])]),
        ),
        ("corrupt", b"PK\x03\x04 this is not a zip".to_vec()),
        ("truncated", {
            let z = zip_of(&[good.clone(), ("b.xlsx".into(), vec![7u8; 4096])]);
            z[..z.len() - 30].to_vec()
        }),
        // Cut short over a stored zip: its end record is not the archive's.
        ("cut short", {
            let inner = stored_zip_of(&[("月报/城关镇.xlsx".into(), b"x".to_vec())]);
            let z = stored_zip_of(&[
                ("2026-10/签约项目.xlsx".into(), vec![7u8; 4096]),
                ("2026-10/单位补报.zip".into(), inner),
            ]);
            z[..z.len() - 100].to_vec()
        }),
        // Incompressible bytes with one flipped in the middle: the CRC (or inflate) fails.
        ("damaged", {
            let mut x = 1u32;
            let noise: Vec<u8> = (0..8192)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let mut z = zip_of(&[good.clone(), ("b.xlsx".into(), noise)]);
            let mid = z.len() / 2;
            z[mid] ^= 0xFF;
            z
        }),
        ("empty", zip_of(&[])),
        // Method 14 (LZMA, as 7-Zip can write) in both headers of the second entry.
        ("lzma", {
            let mut z = zip_of(&[good.clone(), ("b.xlsx".into(), vec![7u8; 4096])]);
            for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
                let at = z.windows(4).rposition(|w| w == sig).unwrap();
                let method = at + if sig[2] == 3 { 8 } else { 10 };
                z[method..method + 2].copy_from_slice(&14u16.to_le_bytes());
            }
            z
        }),
    ];
    let mut shown = Vec::new();
    for (what, zip) in &cases {
        let (status, body) = s.call("POST", "/api/upload-zip", &[("month", "2026-10")], zip);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(status == 400 || status == 413, "{what}: {status} {v}");
        shown.push(format!("{what}: {status} {}", v["error"].as_str().unwrap()));
    }
    insta::assert_snapshot!("zip_refusals", shown.join("\n"));
    // All or nothing: not even the good entry was written, and nothing outside.
    assert!(!data.exists() || files_of(&data).is_empty());
    assert!(!tmp.path().join("evil.xlsx").exists());
}

/// A zip whose later entry cannot be saved (its folder is an uploaded file) changes nothing, and
/// the clerk is told which entry and why; a single upload of that path is told the same.
#[test]
fn a_zip_refused_late_has_changed_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    for (path, bytes) in [
        ("月报/东湖镇.xlsx", &b"the report"[..]),
        ("签约项目.xlsx", b"signed"),
    ] {
        let (status, _) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", path)],
            bytes,
        );
        assert_eq!(status, 200);
    }
    let zip = zip_of(&[
        ("月报/东湖镇.xlsx".into(), b"an old draft".to_vec()),
        ("签约项目.xlsx/说明.xlsx".into(), b"notes".to_vec()),
    ]);
    let (status, body) = s.call("POST", "/api/upload-zip", &[("month", "2026-10")], &zip);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 400, "{v}");
    let why = v["error"].as_str().unwrap();
    assert!(
        why.contains("“签约项目.xlsx/说明.xlsx”：“签约项目.xlsx”已是一个文件，不能作为文件夹"),
        "{why}"
    );
    let month = data.join("2026-10");
    assert_eq!(
        std::fs::read(month.join("月报/东湖镇.xlsx")).unwrap(),
        b"the report"
    );
    let (status, body) = s.call(
        "POST",
        "/api/upload",
        &[("month", "2026-10"), ("path", "签约项目.xlsx/说明.xlsx")],
        b"notes",
    );
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("“签约项目.xlsx”已是一个文件，不能作为文件夹"),
        "{v}"
    );
    let names: Vec<String> = files_of(&month).into_iter().map(|(r, _)| r).collect();
    assert_eq!(names, ["月报/东湖镇.xlsx", "签约项目.xlsx"]);
}

/// An upload or a zip entry that replaces an uploaded file says so; a zip in a picked folder is
/// uploaded as the file it is, not unpacked over the month's files.
#[test]
fn a_replaced_file_is_said_and_a_zip_in_a_picked_folder_stays_a_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let q = [("month", "2026-10"), ("path", "月报/东湖镇.xlsx")];
    let (_, first) = s.json_with("POST", "/api/upload", &q, b"the report");
    assert_eq!(first["replaced"], serde_json::json!([]), "{first}");
    let (_, again) = s.json_with("POST", "/api/upload", &q, b"the report, corrected");
    assert_eq!(
        again["replaced"],
        serde_json::json!(["月报/东湖镇.xlsx"]),
        "{again}"
    );
    let zip = zip_of(&[
        ("月报/东湖镇.xlsx".into(), b"an old draft".to_vec()),
        ("月报/城关镇.xlsx".into(), b"new".to_vec()),
    ]);
    let (status, v) = s.json_with("POST", "/api/upload-zip", &[("month", "2026-10")], &zip);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["replaced"],
        serde_json::json!(["月报/东湖镇.xlsx"]),
        "{v}"
    );
    // The page sends a zip of a picked folder as a file of it; the check then asks to unpack it.
    let (_, page) = s.call("GET", "/", &[], b"");
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains(r#"const zip = /\.zip$/i.test(c.path) && !c.folder;"#));
    assert!(page.contains("已替换"));
    let q = [
        ("month", "2026-10"),
        ("path", "2026-10/月报/东湖镇初稿.zip"),
        ("folder", "1"),
    ];
    let (status, v) = s.json_with("POST", "/api/upload", &q, &zip);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["saved"], "月报/东湖镇初稿.zip");
    let month = data.join("2026-10");
    assert_eq!(
        std::fs::read(month.join("月报/东湖镇.xlsx")).unwrap(),
        b"an old draft"
    );
    let (_, check) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    let zipped: Vec<&serde_json::Value> = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "月报/东湖镇初稿.zip")
        .collect();
    assert!(
        zipped
            .iter()
            .any(|d| d["hint"].as_str().unwrap().contains("压缩包请先解压")),
        "{check}"
    );
}

/// What a tool printed, with its output folder (which differs between the page and the CLI)
/// cut off.
fn before_output_dir(text: &str) -> &str {
    text.split("\n输出目录: ").next().unwrap()
}

#[test]
fn weekly_and_screening_on_the_page_write_the_clis_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    let entries: Vec<(String, Vec<u8>)> = files_of(&root().join("samples/2026-10"))
        .into_iter()
        .map(|(rel, path)| (rel, std::fs::read(path).unwrap()))
        .collect();
    let (status, _) = s.call(
        "POST",
        "/api/upload-zip",
        &[("month", "2026-10")],
        &zip_of(&entries),
    );
    assert_eq!(status, 200);
    let cli_out = tmp.path().join("cli-out");
    let cli_out_s = cli_out.to_str().unwrap();

    // The weekly report of the week of 2026-10-19.
    let q = [
        ("month", "2026-10"),
        ("week", "2026-10-21"),
        ("as_of", "2026-10-25"),
    ];
    let (status, week) = s.json("POST", "/api/weekly", &q);
    assert_eq!(status, 200, "{week}");
    let uploaded = data.join("2026-10");
    let cli = sanyipi(&[
        "weekly",
        "--input",
        uploaded.to_str().unwrap(),
        "--week",
        "2026-10-21",
        "--as-of",
        "2026-10-25",
        "--out",
        cli_out_s,
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let summary = week["summary"].as_str().unwrap();
    assert_eq!(before_output_dir(summary), before_output_dir(&cli.stdout));
    let folder = week["folder"].as_str().unwrap();
    assert_eq!(folder, "2026-10-19周");
    same_downloads(&s, folder, &week["files"], &cli_out.join(folder));

    // The screening of the leads (a copy of the shared 招商项目信息汇总表).
    let (status, body) = s.call("POST", "/api/screen", &[("as_of", "2026-10-25")], b"");
    assert_eq!(
        status,
        400,
        "no leads yet: {}",
        String::from_utf8_lossy(&body)
    );
    let leads = std::fs::read(crate::common::fixture("leads.xlsx")).unwrap();
    let up = [("set", "leads"), ("path", "招商项目信息汇总表.xlsx")];
    assert_eq!(s.call("POST", "/api/upload", &up, &leads).0, 200);
    let (status, screened) = s.json("POST", "/api/screen", &[("as_of", "2026-10-25")]);
    assert_eq!(status, 200, "{screened}");
    let leads_dir = data.join("leads");
    let cli = sanyipi(&[
        "screen",
        "--input",
        leads_dir.to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        cli_out_s,
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let summary = screened["summary"].as_str().unwrap();
    assert_eq!(before_output_dir(summary), before_output_dir(&cli.stdout));
    let notes: Vec<&str> = screened["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.join("\n"), cli.stderr.trim_end());
    let folder = screened["folder"].as_str().unwrap();
    same_downloads(&s, folder, &screened["files"], &cli_out.join(folder));
}

/// Every file `files` of `folder`, downloaded from the page, equals the CLI's in `cli_dir`.
fn same_downloads(s: &Server, folder: &str, files: &serde_json::Value, cli_dir: &Path) {
    let names: Vec<String> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let cli_names: Vec<String> = files_of(cli_dir).into_iter().map(|(r, _)| r).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, cli_names);
    assert!(names.iter().any(|n| n.ends_with(".xlsx")));
    for name in &names {
        let (status, bytes) = s.call(
            "GET",
            "/download",
            &[("folder", folder), ("file", name)],
            b"",
        );
        assert_eq!(status, 200, "{folder}/{name}");
        assert_eq!(
            bytes,
            std::fs::read(cli_dir.join(name)).unwrap(),
            "{folder}/{name} differs from the CLI's"
        );
    }
    let (status, zip) = s.call("GET", "/download.zip", &[("folder", folder)], b"");
    assert_eq!(status, 200);
    assert!(zip.starts_with(b"PK"));
    for bad in ["..", "../out", "a/b", ""] {
        let (status, _) = s.call(
            "GET",
            "/download",
            &[("folder", bad), ("file", &names[0])],
            b"",
        );
        assert_eq!(status, 404, "{bad}");
    }
}

/// Issue 24: an upload that would crash a reader (an .xls whose cell claims row and column
/// 65535) gets a Chinese diagnostic naming it from check and run, and the page stays up.
#[test]
fn a_file_that_would_crash_a_reader_is_a_chinese_error_and_the_page_stays_up() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    for (rel, path) in files_of(&root().join("samples/2026-10")) {
        if rel == "月报/东湖镇.xlsx" {
            continue;
        }
        let q = [("month", "2026-10"), ("path", rel.as_str())];
        let (status, _) = s.call("POST", "/api/upload", &q, &std::fs::read(path).unwrap());
        assert_eq!(status, 200, "{rel}");
    }
    let mut xls = std::fs::read(root().join("tests/fixtures/legacy.xls")).unwrap();
    let at = xls
        .windows(4)
        .position(|w| w == [0xFD, 0x00, 0x0A, 0x00])
        .unwrap()
        + 4;
    xls[at..at + 4].copy_from_slice(&[0xFF; 4]);
    let q = [("month", "2026-10"), ("path", "月报/东湖镇.xls")];
    let (status, body) = s.call("POST", "/api/upload", &q, &xls);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));

    let (status, check) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    assert_eq!(status, 200, "{check}");
    let bad = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "月报/东湖镇.xls")
        .unwrap_or_else(|| panic!("{check}"));
    let message = bad["message"].as_str().unwrap();
    assert!(
        message.chars().next().is_some_and(|c| !c.is_ascii()),
        "{bad}"
    );
    assert!(
        check["report"].as_str().unwrap().contains("西岭乡"),
        "{check}"
    );

    let run_q = [("month", "2026-10"), ("as_of", "2026-10-25")];
    let (status, run) = s.json("POST", "/api/run", &run_q);
    assert_eq!(status, 200, "{run}");
    assert!(
        run["units"].as_array().is_some_and(|u| u.len() > 3),
        "{run}"
    );
    let (status, _) = s.call("GET", "/", &[], b"");
    assert_eq!(status, 200, "the page is still up");
}

/// The page's 督办销号: the register as `sanyipi tasks` lists it, 销号 of the checked tasks
/// (an unknown id closes none), and the closed task shown with `all=1`.
#[test]
fn the_page_lists_the_tasks_and_closes_the_confirmed_ones() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    crate::test::Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(out.path())
        .run()
        .assert_done();
    let cli = crate::test::Sanyipi::new()
        .args(["tasks", "--as-of", "2026-10-26"])
        .out(out.path())
        .run()
        .expect_ok();
    // Before any run: no tasks, and listing them writes no history.
    let fresh = tempfile::tempdir().unwrap();
    let s = start(data.path(), fresh.path(), &[]);
    let (status, d) = s.json("GET", "/api/tasks", &[]);
    assert_eq!(
        (status, d["rows"].as_array().unwrap().len()),
        (200, 0),
        "{d}"
    );
    assert!(!fresh.path().join("history.sqlite").exists());
    drop(s);
    let s = start(data.path(), out.path(), &[]);
    let (status, d) = s.json("GET", "/api/tasks", &[("as_of", "2026-10-26")]);
    assert_eq!(status, 200, "{d}");
    let ids: Vec<&str> = d["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(ids.len() >= 2, "{d}");
    assert!(d["open"].as_array().unwrap().iter().all(|o| o == true));
    // Every row as the CLI prints it: its cells in order on one line.
    for row in d["rows"].as_array().unwrap() {
        let cells: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let id = cells[0];
        let line = cli.stdout.lines().find(|l| l.starts_with(id)).unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let cells: Vec<&str> = cells.into_iter().filter(|c| !c.is_empty()).collect();
        assert_eq!(words, cells, "{line}");
    }
    let headers: Vec<&str> = d["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(
        headers,
        [
            "任务编号",
            "责任单位",
            "项目编号",
            "反馈时限",
            "整改时限",
            "整改状态"
        ]
    );

    // An unknown id among them: nothing is closed.
    let both = format!("{}\n不存在的任务", ids[0]);
    let (status, e) = s.json(
        "POST",
        "/api/tasks/close",
        &[("ids", &both), ("date", "2026-10-26")],
    );
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("不存在的任务"), "{e}");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("可在督办台账中查看任务编号"),
        "{e}"
    );
    assert!(!e["error"].as_str().unwrap().contains("sanyipi"), "{e}");
    let (_, d2) = s.json("GET", "/api/tasks", &[("as_of", "2026-10-26")]);
    assert_eq!(d2["ids"].as_array().unwrap().len(), ids.len());
    // A bad date is refused in words.
    let (status, e) = s.json(
        "POST",
        "/api/tasks/close",
        &[("ids", ids[0]), ("date", "明天")],
    );
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("不是有效日期"), "{e}");

    // As the page sends them: in the body, where hundreds of ids fit (not in the URL, whose
    // 16 KB they overflowed as 431).
    let many: Vec<String> = (1..=300)
        .map(|n| format!("镇督查〔2026〕999号-{n}"))
        .collect();
    let form = format!("ids={}&date=2026-10-26", enc(&many.join("\n")));
    assert!(form.len() > 16 * 1024 && form.len() < 64 * 1024);
    let (status, e) = s.json_with("POST", "/api/tasks/close", &[], form.as_bytes());
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("999号-300"), "{e}");
    let form = format!("ids={}&date=2026-10-26&note={}", enc(ids[0]), enc("已核实"));
    let (status, c) = s.json_with("POST", "/api/tasks/close", &[], form.as_bytes());
    assert_eq!(status, 200, "{c}");
    assert!(c["summary"].as_str().unwrap().contains(ids[0]), "{c}");
    let (_, open) = s.json("GET", "/api/tasks", &[("as_of", "2026-10-27")]);
    assert!(
        !open["ids"].as_array().unwrap().iter().any(|i| i == ids[0]),
        "{open}"
    );
    let (_, all) = s.json(
        "GET",
        "/api/tasks",
        &[("as_of", "2026-10-27"), ("all", "1")],
    );
    let at = all["ids"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i == ids[0])
        .unwrap();
    assert_eq!(all["open"][at], false);
    assert_eq!(all["rows"][at][5], "已销号（2026-10-26）");
}

/// A zipped or picked 月报 (or 周报) folder keeps its name: its files are reports, not loose
/// files beside the folder; a picked month folder's own name is dropped.
#[test]
fn an_uploaded_reports_folder_keeps_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    let month = [("month", "2026-10")];
    let report = std::fs::read(root().join("samples/2026-10/月报/东湖镇.xlsx")).unwrap();
    let weekly = std::fs::read(root().join("samples/2026-10/周报/2026-10-05周.xlsx")).unwrap();
    let zip = zip_of(&[("周报/2026-10-05周.xlsx".to_string(), weekly)]);
    let (status, body) = s.call("POST", "/api/upload-zip", &month, &zip);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    for (path, expected) in [
        ("月报/东湖镇.xlsx", "月报/东湖镇.xlsx"),
        ("2026-10/重大项目管理台账.xlsx", "重大项目管理台账.xlsx"),
    ] {
        let (status, body) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", path), ("folder", "1")],
            &report,
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert!(data.join("2026-10").join(expected).is_file(), "{expected}");
    }
    let files: Vec<String> = files_of(&data.join("2026-10"))
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(
        files,
        [
            "周报/2026-10-05周.xlsx",
            "月报/东湖镇.xlsx",
            "重大项目管理台账.xlsx"
        ]
    );
}

/// The page says what the command line says as 注意: here, that a later month was computed
/// without the month just run; and the notices' issue date when it is not the as-of date.
#[test]
fn a_runs_notes_reach_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    for m in ["2026-09", "2026-10"] {
        crate::common::copy_dir(&root().join("samples").join(m), &data.join(m));
    }
    let s = start(&data, &out, &[]);
    let (status, oct) = s.json(
        "POST",
        "/api/run",
        &[("month", "2026-10"), ("as_of", "2026-10-25")],
    );
    assert_eq!(status, 200, "{oct}");
    // 2026-10-25 is a Sunday: the notices are dated the next working day, as the CLI says.
    assert_eq!(
        oct["notes"],
        serde_json::json!([
            "通知成文日期：2026-10-26（统计截止日期 2026-10-25 为星期日，周末，取其后第一个工作日）"
        ])
    );
    let (status, sept) = s.json(
        "POST",
        "/api/run",
        &[("month", "2026-09"), ("as_of", "2026-09-25")],
    );
    assert_eq!(status, 200, "{sept}");
    let notes: Vec<&str> = sept["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("历史中已有之后月份 2026-10 的考核记录")),
        "{sept}"
    );
    assert!(notes.iter().all(|n| !n.contains("--")), "{notes:?}");
}

/// A picked 月报 folder keeps its name because the rules give it a meaning. With the rules
/// broken while the page is open, the file was saved at the month's top in silence (月报/西岭乡
/// as 西岭乡); it is now refused, saying the rules must be mended first, and nothing is saved.
#[test]
fn a_picked_folder_is_refused_not_flattened_while_the_rules_are_broken() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let data = tmp.path().join("data");
    let s = start(
        &data,
        &tmp.path().join("out"),
        &["--rules", rules.to_str().unwrap()],
    );
    let up = |name: &str| {
        s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", name), ("folder", "1")],
            b"x",
        )
    };
    assert_eq!(up("月报/东湖镇.xlsx").0, 200);
    assert!(data.join("2026-10/月报/东湖镇.xlsx").is_file());
    let path = rules.join("scoring.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("bottom_n = 3", "bottom_n = \"three\"")).unwrap();
    let (status, body) = up("月报/西岭乡.xlsx");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("规则有误，无法确定文件夹的用途，未保存；请先改正规则"),
        "{body}"
    );
    assert!(!data.join("2026-10/西岭乡.xlsx").exists());
    assert!(!data.join("2026-10/月报/西岭乡.xlsx").exists());
}

/// One depth rule (`max_depth` of rules/serve.toml, 3) for every upload, said with its number,
/// whether the picked folder's name is dropped or kept; whatever is on disk can be deleted.
#[test]
fn every_upload_obeys_the_depth_rule_and_what_was_accepted_can_be_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let up = |path: &str, picked: bool| {
        let mut q = vec![("month", "2026-11"), ("path", path)];
        if picked {
            q.push(("folder", "1"));
        }
        s.json_with("POST", "/api/upload", &q, b"x")
    };
    // 月报 is kept, so this file would sit four folders deep.
    for (path, picked) in [
        ("月报/a/b/c/深.xlsx", true),
        ("a/b/c/d/深.xlsx", false),
        ("2026-11/a/b/c/d/深.xlsx", true),
    ] {
        let (status, v) = up(path, picked);
        assert_eq!(status, 400, "{path}: {v}");
        let why = v["error"].as_str().unwrap();
        assert!(
            why.contains("文件夹层数超过 3 层（如需放宽，请告知管理规则的同事）"),
            "{path}: {why}"
        );
    }
    let zip = zip_of(&[("2026-11/a/b/c/d/深.xlsx".into(), b"x".to_vec())]);
    let (status, v) = s.json_with("POST", "/api/upload-zip", &[("month", "2026-11")], &zip);
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("超过 3 层"), "{v}");
    assert!(!data.join("2026-11").exists() || files_of(&data.join("2026-11")).is_empty());

    let (status, v) = up("2026-11/月报/a/b/浅.xlsx", true);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["saved"], "月报/a/b/浅.xlsx");
    // A file left deeper by an earlier, higher max_depth is still the clerk's to delete.
    let deep = data.join("2026-11/a/b/c/d/e");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("旧.xlsx"), b"x").unwrap();
    for path in ["月报/a/b/浅.xlsx", "a/b/c/d/e/旧.xlsx"] {
        let (status, v) = s.json(
            "POST",
            "/api/delete",
            &[("month", "2026-11"), ("path", path)],
        );
        assert_eq!(status, 200, "{path}: {v}");
    }
    assert!(files_of(&data.join("2026-11")).is_empty());
}
