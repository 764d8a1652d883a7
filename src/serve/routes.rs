//! Which handler answers which request, and the headers every reply carries.

use super::conn::Request;
use super::http::{Reply, Target, error_json, json_reply};
use super::{State, auth, clerk, downloads, handlers, inbox, tasks, upload, words};
use serde_json::json;

const PAGE: &str = include_str!("page.html");

pub(super) fn serve_one(state: &State, request: &mut Request) -> Reply {
    match auth::authorize(state, request) {
        Err(r) => r,
        Ok(target) => match too_large(state, request, &target) {
            Some(r) => r,
            None => route(state, request, &target),
        },
    }
    .with_header("Cache-Control", "no-store")
    .with_header("X-Content-Type-Options", "nosniff")
    .with_header("Referrer-Policy", "no-referrer")
    .with_header("X-Frame-Options", "DENY")
}

/// A body larger than the route takes, refused on its declared size before a byte is read.
fn too_large(state: &State, request: &Request, t: &Target) -> Option<Reply> {
    let limits = &state.limits;
    let (max, what) = match t.path.as_str() {
        "/api/upload" => (limits.max_file_bytes, "文件"),
        "/api/upload-zip" => (limits.max_zip_mb * 1024 * 1024, "zip 文件"),
        _ => (64 * 1024, "请求"),
    };
    let limit = if max < 1024 * 1024 {
        format!("{} KB", max / 1024)
    } else {
        format!("{} MB", max.div_ceil(1024 * 1024))
    };
    (request.content_length > max).then(|| {
        error_json(
            413,
            &format!("{what}过大（上限 {limit}），未处理；请分批操作"),
        )
    })
}

fn route(state: &State, request: &mut Request, t: &Target) -> Reply {
    let method = request.method.clone();
    let result = match (method.as_str(), t.path.as_str()) {
        ("GET", "/") => Ok(Reply::new(200, PAGE.as_bytes().to_vec())
            .with_header("Content-Type", "text/html; charset=utf-8")),
        ("POST", "/api/upload") => inbox::upload(state, request, t),
        ("POST", "/api/upload-zip") => inbox::upload_zip(state, request, t),
        ("POST", "/api/clear") => inbox::clear(state, t),
        ("GET", "/api/files") => inbox::inbox(state, t)
            .map(|dir| json_reply(200, &json!({ "files": upload::list_files(&dir) }))),
        ("POST", "/api/weekly") => handlers::weekly(state, t),
        ("POST", "/api/screen") => handlers::screen(state, t),
        ("GET", "/api/check") => handlers::check(state, t),
        ("POST", "/api/run") => handlers::run_month(state, t),
        ("GET", "/api/history") => clerk::history(state),
        ("GET", "/api/month") => clerk::month_dates(state, t),
        ("POST", "/api/delete") => clerk::delete(state, t),
        ("GET", "/api/problems.xlsx") => clerk::problems(state, t).map_err(|r| page_of(state, r)),
        ("GET", "/api/status") => Ok(clerk::status(state)),
        ("GET", "/api/tasks") => tasks::list(state, t),
        ("POST", "/api/tasks/close") => tasks::close(state, request, t),
        ("GET", "/download") => downloads::download(state, t).map_err(|r| page_of(state, r)),
        ("GET", "/download.zip") => {
            downloads::download_zip(state, t).map_err(|r| page_of(state, r))
        }
        _ => Err(error_json(404, "没有这个页面")),
    };
    in_page_words(result.unwrap_or_else(|r| r))
}

/// Every refusal the page shows without the rules' files and keys (`words::rules_words`): an
/// upload's limit says who can change it, not `内置规则 serve.toml … 的 max_files`. (A job's error is
/// in the page's words already; paths are not replaced here, a file's name may hold `data`.)
fn in_page_words(reply: Reply) -> Reply {
    if reply.status < 400 {
        return reply;
    }
    let Ok(serde_json::Value::Object(mut v)) = serde_json::from_slice(&reply.body) else {
        return reply;
    };
    let Some(said) = v.get("error").and_then(|e| e.as_str()) else {
        return reply;
    };
    let shown = words::rules_words(said);
    if shown == said {
        return reply;
    }
    v.insert("error".into(), serde_json::Value::String(shown));
    Reply {
        body: serde_json::Value::Object(v).to_string().into_bytes(),
        ..reply
    }
}

/// A refused download (a link the browser follows, never the page's script) as a page in
/// Chinese with the reason and a link back, not the JSON the tab would show raw.
fn page_of(state: &State, refused: Reply) -> Reply {
    let v: serde_json::Value = serde_json::from_slice(&refused.body).unwrap_or_default();
    let why = v["error"].as_str().unwrap_or("请求失败");
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>未能下载</title></head>\
         <body style=\"font:15px/1.6 sans-serif;margin:40px\"><p>未能下载：{}</p>\
         <p><a href=\"/?t={}\">返回考核页面</a></p></body></html>",
        escape(why),
        state.token
    );
    Reply::new(refused.status, html.into_bytes())
        .with_header("Content-Type", "text/html; charset=utf-8")
        .with_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
