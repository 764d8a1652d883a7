//! The weekly and the screening tools on the page, through the same functions as
//! `sanyipi weekly` and `sanyipi screen`: the page gets what they print and the files they write.

use super::{State, Target, error_json, json_reply, lock, month_of, render_error};
use serde_json::json;

/// The upload set (`?set=leads`, folder `<data>/leads/`) of the leads to screen.
pub(super) const LEADS: &str = "leads";

type Result = std::result::Result<super::Reply, super::Reply>;

/// `POST /api/weekly?month=&week=&as_of=`: `sanyipi weekly --input <data>/<month> --week
/// --as-of` (the month's uploaded folder holds the ledger and 周报/).
pub(super) fn weekly(state: &State, t: &Target) -> Result {
    let month = month_of(t)?;
    let week = t.get("week").unwrap_or("");
    let _guard = lock(state)?;
    let input = state.args.data.join(month.to_string());
    if !input.is_dir() {
        return Err(error_json(400, "本月还没有上传任何文件"));
    }
    let done = crate::cli::weekly::week(
        &state.rules,
        &input,
        week,
        t.get("as_of"),
        &state.args.out,
        state.args.templates.as_deref(),
    )
    .map_err(|e| error_json(422, &render_error(&e)))?;
    Ok(json_reply(
        200,
        &json!({ "folder": done.label, "files": done.files, "summary": done.summary }),
    ))
}

/// `POST /api/screen?as_of=`: `sanyipi screen --input <data>/leads --as-of --out <out>`.
pub(super) fn screen(state: &State, t: &Target) -> Result {
    let _guard = lock(state)?;
    let input = state.args.data.join(LEADS);
    if !input.is_dir() {
        return Err(error_json(400, "还没有上传招商项目信息表"));
    }
    let mut notes = Vec::new();
    let done = crate::cli::screen::screen_leads(
        &state.rules,
        &input,
        t.get("as_of"),
        &state.args.out.out,
        state.args.templates.as_deref(),
        |d| notes.push(d.to_string()),
    )
    .map_err(|e| error_json(422, &render_error(&e)))?;
    Ok(json_reply(
        200,
        &json!({ "folder": done.folder, "files": done.files, "summary": done.summary, "notes": notes }),
    ))
}
