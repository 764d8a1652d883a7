//! What a clerk needs beside the steps: a month's dates (default as-of date, its window, a day
//! for the weekly report), deleting one uploaded file, the problem list as a workbook, and the
//! running and last operation for a reloaded page, and the history whose rows name their
//! revision.

use super::State;
use super::downloads::latest_revisions;
use super::handlers::{failed, lock};
use super::http::{Reply, Target, attachment, error_json, json_reply};
use super::inbox::inbox;
use super::upload;
use crate::calendar::Month;
use crate::jobs;
use serde_json::{Value, json};
use std::path::PathBuf;

type Result<T> = std::result::Result<T, Reply>;

fn month_of(t: &Target) -> Result<Month> {
    t.get("month")
        .and_then(Month::parse)
        .ok_or_else(|| error_json(400, "请选择考核月份（如 2026-10）"))
}

/// `GET /api/month?month=`: the month's default as-of date, its window and a week day, seen
/// today (the page's clock, never the job's).
pub(super) fn month_dates(state: &State, t: &Target) -> Result<Reply> {
    let month = month_of(t)?;
    let today = chrono::Local::now().date_naive();
    let dates = jobs::as_of::month_dates(state.opts.rules.as_ref(), month, today)
        .map_err(|e| failed(state, 500, &e))?;
    Ok(json_reply(200, &json!(dates)))
}

/// `POST /api/delete?month=&path=REL` (or `?set=leads`): removes one uploaded file.
pub(super) fn delete(state: &State, t: &Target) -> Result<Reply> {
    let dir = inbox(state, t)?;
    let raw = t.get("path").unwrap_or("");
    // Not the depth: a file uploaded before `max_depth` was lowered can still be deleted.
    let rel = upload::clean_name(raw).map_err(|e| error_json(400, &e.0))?;
    let _guard = lock(state)?;
    let path = dir.join(&rel);
    if !path.is_file() {
        return Err(error_json(404, &format!("没有已上传的文件“{raw}”")));
    }
    std::fs::remove_file(&path).map_err(|e| {
        error_json(
            500,
            &format!("无法删除“{raw}”：{}", super::http::io_reason(&e)),
        )
    })?;
    // An emptied folder (月报/ …) goes too; the month's folder stays.
    let mut parent = path.parent();
    while let Some(p) = parent.filter(|p| *p != dir) {
        if std::fs::remove_dir(p).is_err() {
            break;
        }
        parent = p.parent();
    }
    Ok(json_reply(200, &json!({ "deleted": raw })))
}

/// `GET /api/problems.xlsx?month=`: the month checked again, its problems and every unit's
/// report as a workbook to send back to the units.
pub(super) fn problems(state: &State, t: &Target) -> Result<Reply> {
    let month = month_of(t)?;
    let _guard = lock(state)?;
    let req = super::handlers::check_request(state, month)?;
    let checked = super::handlers::checked(state, &req, &())?;
    let bytes = jobs::problems::problems_workbook(&checked).map_err(|e| failed(state, 500, &e))?;
    Ok(attachment(bytes, &format!("{month}问题清单.xlsx"), false))
}

/// `GET /api/status`: the running operation with its progress, and the last one's result.
pub(super) fn status(state: &State) -> Reply {
    json_reply(200, &state.status.to_json())
}

/// `GET /api/history`: every recorded run with its files: the month's output folder for the
/// latest revision, the kept folder (`历史版本/…`) for one a later revision replaced.
pub(super) fn history(state: &State) -> Result<Reply> {
    let runs = jobs::history::runs(&state.opts.place).map_err(|e| failed(state, 500, &e))?;
    let latest = latest_revisions(state)?;
    let rows: Vec<Value> = runs
        .iter()
        .map(|r| {
            let newest = latest.get(&r.month).copied().unwrap_or(r.revision);
            let folder = if newest == r.revision {
                PathBuf::from(&r.month)
            } else {
                jobs::publish::kept(&r.month, r.revision)
            };
            let files = upload::list_files(&state.opts.place.out.join(folder));
            json!({
                "month": r.month,
                "revision": r.revision,
                "latest": newest,
                "as_of": r.as_of,
                "source": r.source,
                "files": files,
            })
        })
        .collect();
    Ok(json_reply(200, &json!({ "runs": rows })))
}
