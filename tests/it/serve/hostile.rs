//! The local page's server against hostile or broken clients, over raw TCP: a huge declared
//! body, an endless header line, more idle connections than the cap, a body cut short, names
//! Windows cannot hold, cross-site POSTs, a stale token; and the token kept out of the command
//! line that opens the browser. After each, the server still answers.

use super::{Server, start};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Sends `head` (and `body`), then reads the reply; the status and body, or None when the
/// server closed without a reply.
fn raw(port: u16, head: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    let text = String::from_utf8_lossy(&got).to_string();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

fn still_answers(s: &Server) {
    let (status, _) = s.json("GET", "/api/files", &[("month", "2026-10")]);
    assert_eq!(status, 200, "the server no longer answers");
}

/// Resident memory of the server process, in KiB (Linux).
fn rss_kib(s: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn huge_bodies_endless_headers_and_idle_crowds_do_not_knock_it_over() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    let host = s.host();
    let huge = "Content-Length: 1125899906842624\r\n";
    for target in [
        "/api/upload?month=2026-10&path=a.xlsx".to_string(),
        format!("/api/upload?month=2026-10&path=a.xlsx&t={}", s.token),
        format!("/api/upload-zip?month=2026-10&t={}", s.token),
        format!("/api/check?month=2026-10&t={}", s.token),
    ] {
        let head = format!("POST {target} HTTP/1.1\r\nHost: {host}\r\n{huge}\r\n");
        let (status, _) = raw(s.port, &head, b"").expect("a reply");
        assert!(status == 403 || status == 413, "{target}: {status}");
        still_answers(&s);
    }

    // An endless header line: refused at 16 KB, not grown.
    let mut line = format!("GET /?t={} HTTP/1.1\r\nHost: {host}\r\nX-Long: ", s.token);
    line.push_str(&"a".repeat(4 * 1024 * 1024));
    if let Some((status, body)) = raw(s.port, &line, b"") {
        assert_eq!(status, 431);
        assert!(body.contains("请分批操作"), "{body}");
    }
    let many = format!(
        "GET /?t={} HTTP/1.1\r\n{}\r\n",
        s.token,
        "X-A: b\r\n".repeat(5000)
    );
    if let Some((status, _)) = raw(s.port, &many, b"") {
        assert_eq!(status, 431);
    }
    still_answers(&s);

    // More idle connections than the cap (and than a default 1,024 open files would allow
    // without one): the server stays up, and answers once they are gone.
    let idle: Vec<TcpStream> = (0..1100)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", s.port)).ok())
        .collect();
    assert!(idle.len() > 500);
    std::thread::sleep(Duration::from_millis(500));
    assert!(s.alive(), "the server exited under idle connections");
    drop(idle);
    let mut answered = false;
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(200));
        let head = format!(
            "GET /api/files?month=2026-10&t={} HTTP/1.1\r\nHost: {host}\r\n\r\n",
            s.token
        );
        if raw(s.port, &head, b"").is_some_and(|(st, _)| st == 200) {
            answered = true;
            break;
        }
    }
    assert!(answered, "no answer after the idle connections closed");
    let rss = rss_kib(&s);
    assert!(rss < 256 * 1024, "resident memory {rss} KiB");
}

/// An upload cut short or empty leaves the file that was there.
#[test]
fn an_upload_cut_short_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let month = [("month", "2026-10"), ("path", "月报/a.xlsx")];
    let (status, _) = s.call("POST", "/api/upload", &month, b"the good file");
    assert_eq!(status, 200);
    // An empty body (a 0-byte file, or no Content-Length) does not replace it.
    let (status, reply) = s.call("POST", "/api/upload", &month, b"");
    assert_eq!(status, 400);
    assert!(
        String::from_utf8_lossy(&reply).contains("上传的文件是空的"),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    let target = format!(
        "/api/upload?month=2026-10&path=%E6%9C%88%E6%8A%A5%2Fa.xlsx&t={}",
        s.token
    );
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 100000\r\n\r\n",
        s.host()
    );
    // The client closes its side after 10 bytes of 100,000 (a tab closed mid-upload).
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.write_all(head.as_bytes()).unwrap();
    c.write_all(b"truncated!").unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    let _ = c.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(reply.contains("未能完整上传"), "{reply}");
    let dir = data.join("2026-10/月报");
    assert_eq!(std::fs::read(dir.join("a.xlsx")).unwrap(), b"the good file");
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(names.len(), 1, "a staged file was left behind");
}

/// An upload the server was killed in leaves a staged file: the next start removes it, and it is
/// never listed or counted.
#[test]
fn an_upload_the_server_was_stopped_in_is_cleared_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = data.join("2026-10/月报");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("东湖镇.xlsx"), b"the report").unwrap();
    std::fs::write(dir.join(".upload-0123456789ab.tmp"), b"half of it").unwrap();
    let s = start(&data, &tmp.path().join("out"), &[]);
    let (status, files) = s.json("GET", "/api/files", &[("month", "2026-10")]);
    assert_eq!(status, 200);
    assert_eq!(files["files"], serde_json::json!(["月报/东湖镇.xlsx"]));
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "the staged file is still there");
}

#[test]
fn names_windows_cannot_hold_or_that_clash_by_case_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let up = |p: &str| {
        let (status, body) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", p)],
            b"x",
        );
        (status, String::from_utf8_lossy(&body).to_string())
    };
    for bad in [
        "CON.xlsx",
        "月报/nul",
        "COM1.xls",
        "a.xlsx.",
        "a.xlsx ",
        "a\u{202E}xslx.exe",
    ] {
        let (status, body) = up(bad);
        assert_eq!(status, 400, "{bad:?}: {body}");
    }
    assert_eq!(up(&"月".repeat(85)).0, 400, "lengths count bytes");
    assert_eq!(up("月报/Town.xlsx").0, 200);
    let (status, body) = up("月报/town.xlsx");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("大小写"), "{body}");
    // A zip with one bad name is not unpacked at all.
    let zip = super::zip_of(&[
        ("ok.xlsx".into(), b"x".to_vec()),
        ("AUX.xlsx".into(), b"x".to_vec()),
    ]);
    let (status, _) = s.call("POST", "/api/upload-zip", &[("month", "2026-11")], &zip);
    assert_eq!(status, 400);
    assert!(!data.join("2026-11/ok.xlsx").exists());
}

#[test]
fn cross_site_posts_and_stale_tokens_are_refused_in_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    let host = s.host();
    let target = format!("/api/clear?month=2026-10&t={}", s.token);
    let post = |extra: &str| {
        let head =
            format!("POST {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Length: 0\r\n\r\n");
        raw(s.port, &head, b"").unwrap()
    };
    assert_eq!(post("Origin: http://evil.example\r\n").0, 403);
    assert_eq!(post("Sec-Fetch-Site: cross-site\r\n").0, 403);
    assert_eq!(post("Origin: null\r\n").0, 403);
    let same = format!("Origin: http://{host}\r\nSec-Fetch-Site: same-origin\r\n");
    assert_eq!(post(&same).0, 200);
    assert_eq!(post("").0, 200);

    let head = format!("GET /?t=0123 HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let (status, body) = raw(s.port, &head, b"").unwrap();
    assert_eq!(status, 403);
    assert!(body.contains("重新启动考核网页服务"), "{body}");
    assert!(!body.contains("--"), "{body}");
}

#[cfg(unix)]
#[test]
fn the_browser_is_opened_without_the_token_in_its_command_line() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let args = tmp.path().join("args");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\nprintf '%s' \"$*\" > {}.tmp\nmv {0}.tmp {0}\n",
            args.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let s = super::start_with(
        &tmp.path().join("data"),
        &tmp.path().join("out"),
        &[],
        &[("PATH", path.as_str())],
        false,
    );
    let mut opened = String::new();
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        if let Ok(t) = std::fs::read_to_string(&args) {
            opened = t;
            break;
        }
    }
    assert!(!opened.is_empty(), "the browser was not opened");
    assert!(
        !opened.contains(&s.token),
        "the token is in the command line: {opened}"
    );
    let file = std::path::Path::new(opened.trim());
    let mode = std::fs::metadata(file).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the launcher is readable by others");
    assert!(std::fs::read_to_string(file).unwrap().contains(&s.token));
}

/// With few file handles (`ulimit -n 40`), a crowd of connections makes `accept` fail: the
/// server says so on stderr and goes on, answering once the crowd is gone.
#[cfg(unix)]
#[test]
fn an_accept_error_is_logged_and_survived() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    let script = format!(
        "ulimit -n 40 && exec \"$0\" serve --port 0 --no-open --data {} --out {}",
        tmp.path().join("data").display(),
        tmp.path().join("out").display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_sanyipi")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = std::io::BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .find(|l| l.starts_with("http://127.0.0.1:"))
        .expect("serve prints its URL");
    let rest = url.trim_start_matches("http://127.0.0.1:");
    let (port, token) = rest.split_once("/?t=").unwrap();
    let mut s = Server {
        child,
        port: port.parse().unwrap(),
        token: token.to_string(),
    };
    let crowd: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", s.port)).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(s.alive(), "the server exited when accept failed");
    drop(crowd);
    let mut answered = false;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(200));
        let head = format!(
            "GET /api/files?month=2026-10&t={} HTTP/1.1\r\nHost: {}\r\n\r\n",
            s.token,
            s.host()
        );
        if raw(s.port, &head, b"").is_some_and(|(st, _)| st == 200) {
            answered = true;
            break;
        }
    }
    assert!(answered, "no answer after the crowd left");
    let _ = s.child.kill();
    let mut err = String::new();
    s.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("暂时无法接受新连接"), "{err}");
}

/// A macOS companion (`._东湖镇.xlsx`) or an office lock file uploaded on its own was refused
/// for its leading dot, as if the clerk had done something wrong; it is skipped as clutter
/// (`[files] ignore` of ingest.toml), as in a zip, and nothing is saved. A rules folder that
/// ignores no such name makes it a refused name again.
#[test]
fn clutter_uploaded_on_its_own_is_skipped_not_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    for path in ["._东湖镇.xlsx", "月报/~$东湖镇.xlsx", "Thumbs.db"] {
        let (status, reply) = s.json_with(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", path)],
            b"x",
        );
        assert_eq!(status, 200, "{path}: {reply}");
        assert_eq!(
            reply["skipped"][0],
            format!("{path}：系统生成的附属文件，已忽略"),
            "{reply}"
        );
    }
    let saved = super::files_of(&data);
    assert!(saved.is_empty(), "{saved:?}");
    let (_keep, rules) = crate::common::edited_rules(&[("ingest.toml", "\"._*\", ", "")]);
    let other = start(
        &tmp.path().join("d2"),
        &tmp.path().join("o2"),
        &["--rules", rules.to_str().unwrap()],
    );
    let (status, reply) = other.json_with(
        "POST",
        "/api/upload",
        &[("month", "2026-10"), ("path", "._东湖镇.xlsx")],
        b"x",
    );
    assert_eq!(status, 400, "{reply}");
}
