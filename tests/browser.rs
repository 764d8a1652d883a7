//! The page in a real browser: headless Chromium driven through chromedriver (the W3C WebDriver
//! protocol, spoken over plain HTTP here) uploads the bundled sample month, checks it, runs it,
//! and finds the ranking with the CLI's first unit and a workbook whose bytes equal the CLI's.
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium chromium-driver`), so
//! it is compiled only with `--features browser-test`, which `.ci/run` turns on after installing
//! them; a missing browser then fails loudly.
#![cfg(feature = "browser-test")]

mod common;

use common::{root, run_one_month};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request with a JSON body (or none); the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    // Read the head, then Content-Length bytes: chromedriver may keep the connection open.
    let mut r = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let lower = head.to_ascii_lowercase();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse::<usize>().unwrap());
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body).unwrap();
        }
        None => {
            r.read_to_end(&mut body).unwrap();
            if lower.contains("transfer-encoding: chunked") {
                body = dechunk(&body);
            }
        }
    }
    (status, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&b[..end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 4 + size..];
    }
}

/// A WebDriver session of chromedriver.
struct Driver {
    port: u16,
    session: String,
    _child: Kill,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver not found: apt-get install chromium chromium-driver");
        let child = Kill(child);
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1366,768",
        ];
        args.push("--disable-dev-shm-usage");
        let mut options = json!({ "args": args });
        for bin in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
            if Path::new(bin).exists() {
                options["binary"] = json!(bin);
                break;
            }
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options } } });
        let (status, body) = http(port, "POST", "/session", Some(&caps));
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(status, 200, "{v}");
        Driver {
            port,
            session: v["value"]["sessionId"].as_str().unwrap().to_string(),
            _child: child,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("/session/{}{path}", self.session);
        let (status, bytes) = http(self.port, method, &url, body.as_ref());
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn element(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn script(&self, js: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": js, "args": [] })),
        )
    }

    /// Waits until the text of `css` contains `needle`; returns that text.
    fn wait_text(&self, css: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let js = format!("return document.querySelector({css:?}).textContent;");
            let text = self.script(&js).as_str().unwrap_or("").to_string();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{css} never said {needle}: {text}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let url = format!("/session/{}", self.session);
        let _ = http(self.port, "DELETE", &url, None);
    }
}

#[test]
fn the_page_runs_the_sample_month_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanyipi"))
        .args(["serve", "--port", "0", "--no-open", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Kill(child);
    let url = BufReader::new(stdout)
        .lines()
        .map(|l| l.unwrap())
        .find(|l| l.starts_with("http://127.0.0.1:"))
        .unwrap();

    let d = Driver::start();
    d.cmd("POST", "/url", Some(json!({ "url": url })));
    d.wait_text("h1", "三个一批");
    d.script(
        "const m = document.getElementById('month'); m.value = '2026-10';
         m.dispatchEvent(new Event('change'));
         document.getElementById('asof').value = '2026-10-25';",
    );
    // The month's folder, as a clerk picks it (webkitdirectory keeps 月报/ and 周报/).
    let folder = root().join("samples/2026-10");
    let input = d.element("#folder");
    d.cmd(
        "POST",
        &format!("/element/{input}/value"),
        Some(json!({ "text": folder.to_str().unwrap() })),
    );
    d.click("#upload");
    d.wait_text("#upload-msg", "已上传");
    let uploaded = data.join("2026-10");
    assert!(uploaded.join("重大项目管理台账.xlsx").is_file());

    d.click("#check");
    d.wait_text("#check-msg", "个文件");
    let rows = d.script("return document.querySelectorAll('#diag-table tbody tr').length;");
    assert!(rows.as_u64().unwrap() > 0, "no diagnostics shown");

    d.click("#run");
    d.wait_text("#run-msg", "考核完成");
    let first =
        d.script("return document.querySelector('#rank-table tbody tr').children[1].textContent;");

    // The CLI on the same folder, into another out dir.
    let cli_out = tmp.path().join("cli-out");
    let run: Value = run_one_month(&uploaded, "2026-10", &cli_out);
    assert_eq!(first, run["units"][0]["unit"]);

    // The workbook link, fetched by the browser itself.
    let bytes = d.cmd(
        "POST",
        "/execute/async",
        Some(json!({ "args": [], "script":
            "const done = arguments[arguments.length - 1];
             const a = Array.from(document.querySelectorAll('#downloads a'))
                 .find((x) => x.textContent.endsWith('.xlsx'));
             fetch(a.href).then((r) => r.arrayBuffer())
                 .then((b) => done({ name: a.textContent, bytes: Array.from(new Uint8Array(b)) }));" })),
    );
    let name = bytes["name"].as_str().unwrap();
    let got: Vec<u8> = bytes["bytes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    let want = std::fs::read(cli_out.join("2026-10").join(name)).unwrap();
    assert_eq!(got, want, "the page's workbook differs from the CLI's");
}
