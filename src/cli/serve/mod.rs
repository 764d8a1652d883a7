//! `sanyipi serve [--port N] [--data DIR] [--out DIR] [--no-open]`: the local page for clerks who
//! never open a terminal. Bound to 127.0.0.1 only; every request needs the random token printed
//! at start (`?t=` or the `X-Sanyipi-Token` header) and a Host header naming 127.0.0.1 or
//! localhost with the server's port (against other local users, web pages and DNS rebinding).
//! Check and run go through the same functions as the `check` and `run` subcommands.

mod tools;
mod unzip;
mod upload;

use super::run::OutArgs;
use super::{OK, render_error};
use crate::engine::Month;
use crate::rules::Rules;
use anyhow::Context;
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tiny_http::{Header, Method, Request, Response, Server};
use upload::Limits;

const PAGE: &str = include_str!("page.html");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 端口（默认 0：由系统选一个空闲端口）
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// 上传的报送材料存放目录，每月一个子目录（默认 ./data）
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// 不自动打开浏览器
    #[arg(long)]
    no_open: bool,
}

/// What every request handler shares.
struct State {
    args: Args,
    rules: Rules,
    limits: Limits,
    token: String,
    port: u16,
    /// One upload, check or run at a time.
    busy: Mutex<()>,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let limits = rules.serve.clone();
    let server = Server::http(("127.0.0.1", args.port))
        .map_err(|e| anyhow::anyhow!("无法在 127.0.0.1:{} 上启动网页服务: {e}", args.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .context("无法取得网页服务的端口")?;
    let token = new_token();
    let url = format!("http://127.0.0.1:{port}/?t={token}");
    println!("网页服务已启动（仅本机可访问），请用浏览器打开:\n{url}\n按 Ctrl+C 停止。");
    if !args.no_open {
        open_browser(&url);
    }
    let state = Arc::new(State {
        args,
        rules,
        limits,
        token,
        port,
        busy: Mutex::new(()),
    });
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || serve_one(&state, request));
    }
    Ok(OK)
}

/// A random hex token: the OS generator, else (should it fail) a hash of time and process id.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default(),
            );
            h.write_u32(std::process::id());
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens `url` in the default browser; failure is ignored (the URL is printed anyway).
fn open_browser(url: &str) {
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/c", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let _ = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// A parsed request line: path and decoded query pairs.
struct Target {
    path: String,
    query: Vec<(String, String)>,
}

impl Target {
    fn parse(url: &str) -> Target {
        let (path, q) = url.split_once('?').unwrap_or((url, ""));
        let query = q
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        Target {
            path: path.to_string(),
            query,
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes `%XX` and `+` of a query component (invalid UTF-8 is replaced).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `%XX`-encodes everything but unreserved ASCII (for `filename*=` in downloads).
fn percent_encode(s: &str) -> String {
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

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn text(status: u16, body: &str) -> Reply {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn json_reply(status: u16, v: &Value) -> Reply {
    Response::from_data(v.to_string().into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json; charset=utf-8"))
}

fn error_json(status: u16, message: &str) -> Reply {
    json_reply(status, &json!({ "error": message }))
}

fn serve_one(state: &State, mut request: Request) {
    let reply = match authorize(state, &request) {
        Err(r) => r,
        Ok(target) => route(state, &mut request, &target),
    }
    .with_header(header("Cache-Control", "no-store"))
    .with_header(header("X-Content-Type-Options", "nosniff"))
    .with_header(header("Referrer-Policy", "no-referrer"))
    .with_header(header("X-Frame-Options", "DENY"))
    // Bodies are in memory: always a Content-Length, never chunked.
    .with_chunked_threshold(usize::MAX);
    let _ = request.respond(reply);
}

/// The Host header and the token, else 403.
fn authorize(state: &State, request: &Request) -> Result<Target, Reply> {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string())
        .unwrap_or_default();
    let allowed = [
        format!("127.0.0.1:{}", state.port),
        format!("localhost:{}", state.port),
    ];
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        return Err(text(403, "拒绝访问：地址不对，请使用启动时显示的网址。"));
    }
    let target = Target::parse(request.url());
    let given = target.get("t").map(str::to_string).or_else(|| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Sanyipi-Token"))
            .map(|h| h.value.as_str().to_string())
    });
    match given {
        Some(t) if same(&t, &state.token) => Ok(target),
        _ => Err(text(
            403,
            "拒绝访问：缺少或错误的令牌，请使用启动时显示的完整网址。",
        )),
    }
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn route(state: &State, request: &mut Request, t: &Target) -> Reply {
    let method = request.method().clone();
    let result = match (method, t.path.as_str()) {
        (Method::Get, "/") => Ok(Response::from_data(PAGE.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/html; charset=utf-8"))),
        (Method::Post, "/api/upload") => upload(state, request, t),
        (Method::Post, "/api/upload-zip") => upload_zip(state, request, t),
        (Method::Post, "/api/clear") => clear(state, t),
        (Method::Get, "/api/files") => inbox(state, t)
            .map(|dir| json_reply(200, &json!({ "files": upload::list_files(&dir) }))),
        (Method::Post, "/api/weekly") => tools::weekly(state, t),
        (Method::Post, "/api/screen") => tools::screen(state, t),
        (Method::Get, "/api/check") => check(state, t),
        (Method::Post, "/api/run") => run_month(state, t),
        (Method::Get, "/api/history") => history(state),
        (Method::Get, "/download") => download(state, t),
        (Method::Get, "/download.zip") => download_zip(state, t),
        _ => Err(error_json(404, "没有这个页面")),
    };
    result.unwrap_or_else(|r| r)
}

fn month_of(t: &Target) -> Result<Month, Reply> {
    t.get("month")
        .and_then(Month::parse)
        .ok_or_else(|| error_json(400, "请选择考核月份（如 2026-10）"))
}

fn lock(state: &State) -> Result<std::sync::MutexGuard<'_, ()>, Reply> {
    match state.busy.try_lock() {
        Ok(guard) => Ok(guard),
        // An operation that panicked holds nothing the next one needs.
        Err(std::sync::TryLockError::Poisoned(p)) => Ok(p.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => {
            Err(error_json(409, "另一项操作正在进行，请稍候再试"))
        }
    }
}

/// Where uploads go: `<data>/<month>/` (`?month=`), or `<data>/leads/` for the leads to
/// screen (`?set=leads`).
fn inbox(state: &State, t: &Target) -> Result<PathBuf, Reply> {
    if t.get("set") == Some(tools::LEADS) {
        return Ok(state.args.data.join(tools::LEADS));
    }
    month_of(t).map(|m| state.args.data.join(m.to_string()))
}

/// `POST /api/upload?month=YYYY-MM&path=REL` (or `?set=leads&path=`): the body is the file.
fn upload(state: &State, request: &mut Request, t: &Target) -> Result<Reply, Reply> {
    let dir = inbox(state, t)?;
    let rel = upload::clean_path(t.get("path").unwrap_or(""), state.limits.max_depth)
        .map_err(|e| error_json(400, &e.0))?;
    let _guard = lock(state)?;
    let target = dir.join(&rel);
    let limits = &state.limits;
    if !target.exists() && upload::count_files(&dir) >= limits.max_files {
        return Err(error_json(
            413,
            &format!(
                "本月已有 {} 个文件，达到上限（rules/serve.toml 的 max_files）",
                limits.max_files
            ),
        ));
    }
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(limits.max_file_bytes + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        return Err(error_json(400, "文件未能完整上传，请重试"));
    }
    if body.len() as u64 > limits.max_file_bytes {
        return Err(error_json(
            413,
            &format!(
                "文件超过 {} MB（rules/ingest.toml 的 max_file_mb）",
                limits.max_file_bytes / 1024 / 1024
            ),
        ));
    }
    write_atomic(&target, &body).map_err(|e| error_json(500, &format!("无法保存文件: {e}")))?;
    Ok(json_reply(
        200,
        &json!({ "saved": rel.to_string_lossy(), "bytes": body.len() }),
    ))
}

/// `POST /api/upload-zip?month=YYYY-MM`: the body is a .zip of the month's files (or folder),
/// checked whole and unpacked into the month's folder (see `unzip`).
fn upload_zip(state: &State, request: &mut Request, t: &Target) -> Result<Reply, Reply> {
    let dir = inbox(state, t)?;
    let _guard = lock(state)?;
    let limit = state.limits.max_zip_mb * 1024 * 1024;
    let mut body = Vec::new();
    if request
        .as_reader()
        .take(limit + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return Err(error_json(400, "zip 文件未能完整上传，请重试"));
    }
    if body.len() as u64 > limit {
        return Err(error_json(
            413,
            &format!(
                "zip 文件超过 {} MB（rules/serve.toml 的 max_zip_mb）",
                state.limits.max_zip_mb
            ),
        ));
    }
    let done =
        unzip::unpack(&body, &dir, &state.limits).map_err(|r| error_json(r.status, &r.message))?;
    Ok(json_reply(
        200,
        &json!({ "saved": done.saved, "skipped": done.skipped }),
    ))
}

fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(".upload.tmp");
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// `POST /api/clear?month=` (or `?set=leads`): removes the uploaded files (outputs and
/// history stay).
fn clear(state: &State, t: &Target) -> Result<Reply, Reply> {
    let dir = inbox(state, t)?;
    let _guard = lock(state)?;
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| error_json(500, &format!("无法清空 {}: {e}", dir.display())))?;
    }
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    Ok(json_reply(200, &json!({ "cleared": name })))
}

/// `GET /api/check?month=`: what `sanyipi check --input DATA/<month> --month <month>` says.
fn check(state: &State, t: &Target) -> Result<Reply, Reply> {
    let month = month_of(t)?;
    let _guard = lock(state)?;
    let input = state.args.data.join(month.to_string());
    if !input.is_dir() {
        return Err(error_json(400, "本月还没有上传任何文件"));
    }
    let rules = &state.rules;
    let data = super::check::load(&input, rules, Some(month))
        .map_err(|e| error_json(422, &render_error(&e)))?;
    let files: Vec<Value> = data
        .files
        .iter()
        .map(|f| {
            let title = f
                .table
                .as_deref()
                .and_then(|id| rules.table(id))
                .map(|s| s.title.clone());
            json!({
                "file": f.file,
                "table": title,
                "unit": f.reporting_unit,
                "submitted_on": f.submitted_on.map(|d| d.to_string()),
                "read": f.rows.read,
                "used": f.used,
                "rejected": f.rejected,
                "blank": f.rows.blank,
                "unreadable": f.unreadable,
            })
        })
        .collect();
    let diagnostics: Vec<Value> = data
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "severity": d.severity.label(),
                "file": d.location.file,
                "sheet": d.location.sheet,
                "cell": d.location.cell,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    let report = super::check::report(&data, rules, Some(&month.to_string()));
    Ok(json_reply(
        200,
        &json!({
            "month": month.to_string(),
            "errors": data.error_count(),
            "warnings": data.warning_count(),
            "files": files,
            "diagnostics": diagnostics,
            "report": report,
        }),
    ))
}

/// `POST /api/run?month=&as_of=&force=1`: `sanyipi run` on the month's uploaded folder.
fn run_month(state: &State, t: &Target) -> Result<Reply, Reply> {
    let month = month_of(t)?;
    let as_of = super::input::as_of_date(Some(t.get("as_of").unwrap_or("")))
        .map_err(|e| error_json(400, &render_error(&e)))?;
    let force = t.get("force") == Some("1");
    let _guard = lock(state)?;
    let input = state.args.data.join(month.to_string());
    if !input.is_dir() {
        return Err(error_json(400, "本月还没有上传任何文件"));
    }
    let done = super::run::run_month(
        &state.rules,
        &input,
        month,
        as_of,
        &state.args.out,
        state.args.templates.as_deref(),
        force,
        &(),
    )
    .map_err(|e| error_json(422, &render_error(&e)))?;
    let a = &done.assessment;
    let n = state.rules.scoring.score.bottom_n;
    let units: Vec<Value> = a
        .units
        .iter()
        .map(|u| {
            json!({
                "rank": u.rank,
                "unit": u.unit,
                "score": format!("{:.2}", u.score),
                "previous_rank": u.previous_rank,
                "bottom": if u.bottom { format!("后{n}位") } else { String::new() },
                "streak": u.streak,
                "penalties": u.penalties.join("、"),
            })
        })
        .collect();
    let mut files: Vec<&str> = done.files.iter().map(|(n, _)| n.as_str()).collect();
    files.sort();
    Ok(json_reply(
        200,
        &json!({
            "month": month.to_string(),
            "as_of": as_of.to_string(),
            "revision": done.revision,
            "units": units,
            "notices": a.notices.len(),
            "files": files,
        }),
    ))
}

/// `GET /api/history`: every recorded run, and the files still in `--out` for each month.
fn history(state: &State) -> Result<Reply, Reply> {
    let h = state
        .args
        .out
        .open()
        .map_err(|e| error_json(500, &render_error(&e)))?;
    let runs = h
        .runs()
        .map_err(|e| error_json(500, &render_error(&e.into())))?;
    let rows: Vec<Value> = runs
        .iter()
        .map(|r| {
            json!({
                "month": r.month,
                "revision": r.revision,
                "as_of": r.as_of,
                "source": r.source,
                "files": upload::list_files(&state.args.out.out.join(&r.month)),
            })
        })
        .collect();
    Ok(json_reply(200, &json!({ "runs": rows })))
}

/// The folder of `--out` a download comes from: `?folder=` (a month, a week `<monday>周`, the
/// screening's), or `?month=`; one plain name, never a path.
fn out_folder(t: &Target) -> Result<String, Reply> {
    match t.get("folder") {
        Some(f) => upload::clean_path(f, 0)
            .map(|_| f.to_string())
            .map_err(|_| error_json(404, "没有这个文件")),
        None => month_of(t).map(|m| m.to_string()),
    }
}

/// The file `rel` of `<out>/<folder>/`, only if it really lies inside that folder of `--out`.
fn output_file(state: &State, folder: &str, rel: &str) -> Result<PathBuf, Reply> {
    let not_found = || error_json(404, "没有这个文件");
    let dir = state.args.out.out.join(folder);
    let dir = dir.canonicalize().map_err(|_| not_found())?;
    let path = dir.join(rel).canonicalize().map_err(|_| not_found())?;
    if !path.starts_with(&dir) || !path.is_file() {
        return Err(not_found());
    }
    Ok(path)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn attachment(bytes: Vec<u8>, name: &str, inline: bool) -> Reply {
    let kind = if inline { "inline" } else { "attachment" };
    Response::from_data(bytes)
        .with_header(header("Content-Type", content_type(name)))
        .with_header(header(
            "Content-Disposition",
            &format!("{kind}; filename*=UTF-8''{}", percent_encode(name)),
        ))
        // A report opened in the browser runs no script and cannot reach the server.
        .with_header(header(
            "Content-Security-Policy",
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ))
}

/// `GET /download?month=&file=REL[&view=1]` (or `?folder=`).
fn download(state: &State, t: &Target) -> Result<Reply, Reply> {
    let folder = out_folder(t)?;
    let rel = t.get("file").unwrap_or("");
    let path = output_file(state, &folder, rel)?;
    let bytes = std::fs::read(&path).map_err(|e| error_json(500, &format!("无法读取: {e}")))?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let inline = t.get("view") == Some("1") && name.ends_with(".html");
    Ok(attachment(bytes, name, inline))
}

/// `GET /download.zip?month=` (or `?folder=`): every output file of the folder as one zip.
fn download_zip(state: &State, t: &Target) -> Result<Reply, Reply> {
    let month = out_folder(t)?;
    let dir = state.args.out.out.join(&month);
    let names = upload::list_files(&dir);
    if names.is_empty() {
        return Err(error_json(404, "本月还没有考核结果"));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in &names {
        let path = output_file(state, &month, name)?;
        let bytes = std::fs::read(&path).map_err(|e| error_json(500, &format!("无法读取: {e}")))?;
        let written = zip
            .start_file(format!("{month}/{name}"), options)
            .and_then(|_| std::io::Write::write_all(&mut zip, &bytes).map_err(Into::into));
        written.map_err(|e| error_json(500, &format!("无法打包: {e}")))?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| error_json(500, &format!("无法打包: {e}")))?
        .into_inner();
    let name = if Month::parse(&month).is_some() {
        format!("{month}考核结果.zip")
    } else {
        format!("{month}.zip")
    };
    Ok(attachment(bytes, &name, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded() {
        let t =
            Target::parse("/api/upload?t=ab&path=%E6%9C%88%E6%8A%A5%2F%E6%9B%B2.xlsx&x=a+b&y=%zz");
        assert_eq!(t.path, "/api/upload");
        assert_eq!(t.get("t"), Some("ab"));
        assert_eq!(t.get("path"), Some("月报/曲.xlsx"));
        assert_eq!(t.get("x"), Some("a b"));
        assert_eq!(t.get("y"), Some("%zz"));
        assert_eq!(percent_decode("%E6%9C%88%"), "月%");
    }

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()) && !same(&a, &b));
    }

    #[test]
    fn encoded_names_are_ascii() {
        assert_eq!(percent_encode("月 a.xlsx"), "%E6%9C%88%20a.xlsx");
    }
}
