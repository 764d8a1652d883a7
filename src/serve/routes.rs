//! Which handler answers which request, and the headers every reply carries.

use super::http::{Reply, Target, error_json, header, json_reply};
use super::{State, auth, handlers, upload};
use serde_json::json;
use tiny_http::{Method, Request, Response};

const PAGE: &str = include_str!("page.html");

pub(super) fn serve_one(state: &State, mut request: Request) {
    let reply = match auth::authorize(state, &request) {
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

fn route(state: &State, request: &mut Request, t: &Target) -> Reply {
    let method = request.method().clone();
    let result = match (method, t.path.as_str()) {
        (Method::Get, "/") => Ok(Response::from_data(PAGE.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/html; charset=utf-8"))),
        (Method::Post, "/api/upload") => handlers::upload(state, request, t),
        (Method::Post, "/api/upload-zip") => handlers::upload_zip(state, request, t),
        (Method::Post, "/api/clear") => handlers::clear(state, t),
        (Method::Get, "/api/files") => handlers::inbox(state, t)
            .map(|dir| json_reply(200, &json!({ "files": upload::list_files(&dir) }))),
        (Method::Post, "/api/weekly") => handlers::weekly(state, t),
        (Method::Post, "/api/screen") => handlers::screen(state, t),
        (Method::Get, "/api/check") => handlers::check(state, t),
        (Method::Post, "/api/run") => handlers::run_month(state, t),
        (Method::Get, "/api/history") => handlers::history(state),
        (Method::Get, "/download") => handlers::download(state, t),
        (Method::Get, "/download.zip") => handlers::download_zip(state, t),
        _ => Err(error_json(404, "没有这个页面")),
    };
    result.unwrap_or_else(|r| r)
}
