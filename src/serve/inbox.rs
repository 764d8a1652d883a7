//! What the page puts in: uploads (one file, or a zip unpacked whole) into `<data>/<month>/` or
//! the leads' folder, and clearing them.

use super::State;
use super::conn::Request;
use super::handlers::{Result, lock, month_of};
use super::http::{Reply, Target, error_json, json_reply};
use super::unzip;
use super::upload::{self, LEADS, Limits};
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where uploads go: `<data>/<month>/` (`?month=`), or `<data>/leads/` for the leads to
/// screen (`?set=leads`).
pub(super) fn inbox(state: &State, t: &Target) -> Result<PathBuf> {
    if t.get("set") == Some(LEADS) {
        return Ok(state.opts.data.join(LEADS));
    }
    month_of(t).map(|m| state.opts.data.join(m.to_string()))
}

/// `POST /api/upload?month=YYYY-MM&path=REL` (or `?set=leads&path=`): the body is the file.
pub(super) fn upload(state: &State, request: &mut Request, t: &Target) -> Result<Reply> {
    let dir = inbox(state, t)?;
    // `folder=1`: the path starts with the picked folder's name, dropped unless the rules give
    // that name a meaning (a picked 月报 folder stays 月报/).
    let picked = t.get("folder") == Some("1");
    let raw = t.get("path").unwrap_or("");
    // A file the OS or an office program left beside the reports is skipped, as in a zip.
    if state.limits.is_clutter(raw) {
        return Ok(json_reply(
            200,
            &json!({ "skipped": [format!("{raw}：系统生成的附属文件，已忽略")], "replaced": [] }),
        ));
    }
    let mut rel = upload::clean_name(raw).map_err(|e| error_json(400, &e.0))?;
    if picked {
        let keep = kept_folders(state)?;
        let top = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if rel.components().count() > 1 && !top.is_some_and(|t| keep.contains(&t)) {
            rel = rel.components().skip(1).collect();
        }
    }
    // The depth of where the file goes, as for a zip's entries, so that it can be deleted.
    if let Some(why) = upload::too_deep(&rel, &state.limits) {
        return Err(error_json(400, &format!("文件路径“{}”{why}", slash(&rel))));
    }
    let _guard = lock(state)?;
    let target = dir.join(&rel);
    if let Some(other) = upload::case_clash(&dir, &rel) {
        return Err(error_json(
            400,
            &format!(
                "“{}”与已上传的“{other}”只差大小写，Windows 会当作同一个文件，请改名或先删除旧文件",
                slash(&rel)
            ),
        ));
    }
    if let Some(why) = upload::in_the_way(&dir, &rel) {
        return Err(error_json(
            400,
            &format!("“{}”：{why}，未保存；请改名后重新上传", slash(&rel)),
        ));
    }
    let limits = &state.limits;
    if !target.exists() && upload::count_files(&dir) >= limits.max_files {
        return Err(error_json(
            413,
            &format!(
                "本月已有 {} 个文件，达到上限{}",
                limits.max_files,
                limits.set_in("max_files")
            ),
        ));
    }
    // A file of that name was uploaded before: the page says it was replaced.
    let replaced: Vec<String> = target.is_file().then(|| slash(&rel)).into_iter().collect();
    let bytes = save_body(request, &target, limits)?;
    Ok(json_reply(
        200,
        &json!({ "saved": slash(&rel), "bytes": bytes, "replaced": replaced }),
    ))
}

/// The body of `request` saved as `target`: all of it, or nothing (staged in a hidden file
/// beside it and renamed only when every declared byte has arrived).
fn save_body(request: &mut Request, target: &Path, limits: &Limits) -> Result<u64> {
    let expected = request.content_length;
    let max = limits.max_file_bytes;
    if expected > max {
        return Err(error_json(
            413,
            &format!(
                "文件超过 {} MB{}",
                max / 1024 / 1024,
                limits.set_in("max_file_mb")
            ),
        ));
    }
    if expected == 0 {
        // An empty file (or a request that says no length) would replace a unit's report with
        // nothing, to be found only as an unreadable file at the next check.
        return Err(error_json(
            400,
            "上传的文件是空的（0 字节），未保存；请检查所选的文件",
        ));
    }
    let parent = target.parent().unwrap_or(Path::new("."));
    let cannot = |e: std::io::Error| {
        error_json(
            500,
            &format!("无法保存文件：{}", super::http::io_reason(&e)),
        )
    };
    std::fs::create_dir_all(parent).map_err(cannot)?;
    let tmp = parent.join(upload::staged_name(&super::auth::new_token()[..12]));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        let n = std::io::copy(&mut request.body(), &mut f)?;
        if n != expected {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    });
    match written {
        Ok(()) => Ok(expected),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(match e.kind() {
                std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::TimedOut
                | std::io::ErrorKind::WouldBlock
                | std::io::ErrorKind::ConnectionReset => {
                    error_json(400, "文件未能完整上传，未保存，请重试")
                }
                _ => cannot(e),
            })
        }
    }
}

/// A relative path with `/`.
fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `POST /api/upload-zip?month=YYYY-MM`: the body is a .zip of the month's files (or folder),
/// checked whole and unpacked into the month's folder (see `unzip`).
pub(super) fn upload_zip(state: &State, request: &mut Request, t: &Target) -> Result<Reply> {
    let dir = inbox(state, t)?;
    let _guard = lock(state)?;
    let limit = state.limits.max_zip_mb * 1024 * 1024;
    if request.content_length > limit {
        return Err(error_json(
            413,
            &format!(
                "zip 文件超过 {} MB{}",
                state.limits.max_zip_mb,
                state.limits.set_in("max_zip_mb")
            ),
        ));
    }
    let mut body = Vec::new();
    let read = request.body().read_to_end(&mut body);
    if read.is_err() || body.len() as u64 != request.content_length {
        return Err(error_json(400, "zip 文件未能完整上传，未保存，请重试"));
    }
    let done = unzip::unpack(&body, &dir, &state.limits, &kept_folders(state)?)
        .map_err(|r| error_json(r.status, &r.message))?;
    Ok(json_reply(
        200,
        &json!({ "saved": done.saved, "skipped": done.skipped, "replaced": done.replaced }),
    ))
}

/// `POST /api/clear?month=` (or `?set=leads`): removes the uploaded files (outputs and
/// history stay).
pub(super) fn clear(state: &State, t: &Target) -> Result<Reply> {
    let dir = inbox(state, t)?;
    let _guard = lock(state)?;
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| error_json(500, &format!("无法清空：{}", super::http::io_reason(&e))))?;
    }
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    Ok(json_reply(200, &json!({ "cleared": name })))
}

/// Folder names the rules' file patterns give a meaning (`月报/*` → 月报): an uploaded folder of
/// that name is kept, not dropped as the month folder is.
fn kept_folders(state: &State) -> Result<Vec<String>> {
    // Without the rules nothing says which folder names mean something: refused, not flattened.
    let rules = crate::rules::Rules::load(state.opts.rules.as_deref()).map_err(|e| {
        error_json(
            409,
            &format!("规则有误，无法确定文件夹的用途，未保存；请先改正规则。{e}"),
        )
    })?;
    Ok(rules
        .tables
        .iter()
        .flat_map(|t| &t.patterns)
        .filter_map(|p| p.split_once('/').map(|(top, _)| top))
        .filter(|top| !top.is_empty() && !top.contains(['*', '?', '[']))
        .map(str::to_string)
        .collect())
}
