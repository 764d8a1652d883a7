//! The 督办 register on the page: the 整改任务 with their state as of a day (`sanyipi tasks`),
//! and 销号 of the ones the office confirms (`sanyipi tasks close`).

use super::State;
use super::conn::Request;
use super::handlers::lock;
use super::http::{Reply, Target, error_json, json_reply};
use super::words::failed;
use crate::jobs;
use crate::jobs::tasks::{CloseRequest, ListRequest};
use serde_json::json;
use std::io::Read;

type Result<T> = std::result::Result<T, Reply>;

/// `GET /api/tasks?as_of=YYYY-MM-DD&all=1`: the register as of the day (the page's today by
/// default), open tasks only unless `all=1`.
pub(super) fn list(state: &State, t: &Target) -> Result<Reply> {
    let as_of = match t.get("as_of").filter(|s| !s.is_empty()) {
        Some(d) => jobs::parse_date(d, "日期", "2026-11-02")
            .map_err(|e| failed(state, 400, &jobs::Error::from(e)))?,
        None => chrono::Local::now().date_naive(),
    };
    let req = ListRequest {
        place: state.opts.place.clone(),
        rules: state.opts.rules.clone(),
        as_of,
        unit: None,
        all: t.get("all") == Some("1"),
    };
    let listing = jobs::tasks::listing(&req).map_err(|e| failed(state, 422, &e))?;
    Ok(json_reply(200, &json!(listing)))
}

/// `POST /api/tasks/close` with the form `ids=ID1%0AID2&date=YYYY-MM-DD&note=` as its body
/// (hundreds of ids do not fit in a URL; the body is bounded as every small body is, see
/// `routes::too_large`), or the same in the query: 销号 of the tasks (one a line); an unknown
/// id closes none.
pub(super) fn close(state: &State, request: &mut Request, t: &Target) -> Result<Reply> {
    let mut body = String::new();
    let read = request.body().read_to_string(&mut body);
    if read.is_err() || body.len() as u64 != request.content_length {
        return Err(error_json(
            400,
            "销号请求未能完整发送或不是文字，未销号任何任务，请重试",
        ));
    }
    let form = Target::parse(&format!("?{body}"));
    let t = if body.is_empty() { t } else { &form };
    let ids: Vec<String> = t
        .get("ids")
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let req = CloseRequest {
        place: state.opts.place.clone(),
        ids,
        date: t.get("date").unwrap_or("").to_string(),
        note: t.get("note").unwrap_or("").to_string(),
        today: chrono::Local::now().date_naive(),
    };
    let _guard = lock(state)?;
    let summary = jobs::tasks::close(&req, &()).map_err(|e| failed(state, 422, &e))?;
    Ok(json_reply(200, &json!({ "summary": summary.trim_end() })))
}
