//! What each request of the local page does: uploads into `<data>/<month>/`, and check, run,
//! weekly and screening through the same jobs as the subcommands; downloads only from the
//! output folders.

use super::State;
use super::conn::Request;
use super::http::{Reply, Target, attachment, error_json, json_reply};
pub(super) use super::words::{failed, hide_out};
use super::{unzip, upload};
use crate::calendar::Month;
use crate::jobs;
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, Reply>;

/// Runs `op` (after the lock is taken) as the page's current operation `kind`: its progress
/// is shown to a reloaded page, and its reply kept as the last result.
fn tracked(
    state: &State,
    kind: &'static str,
    month: Option<String>,
    op: impl FnOnce(&dyn crate::progress::Progress) -> Result<Reply>,
) -> Result<Reply> {
    state.status.start(kind, month.clone());
    let reply = op(&state.status).unwrap_or_else(|r| r);
    let value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    state.status.finish(kind, month, &value);
    Ok(reply)
}

fn month_of(t: &Target) -> Result<Month> {
    t.get("month")
        .and_then(Month::parse)
        .ok_or_else(|| error_json(400, "请选择考核月份（如 2026-10）"))
}

pub(super) fn lock(state: &State) -> Result<std::sync::MutexGuard<'_, ()>> {
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
pub(super) fn inbox(state: &State, t: &Target) -> Result<PathBuf> {
    if t.get("set") == Some(LEADS) {
        return Ok(state.opts.data.join(LEADS));
    }
    month_of(t).map(|m| state.opts.data.join(m.to_string()))
}

/// `POST /api/upload?month=YYYY-MM&path=REL` (or `?set=leads&path=`): the body is the file.
pub(super) fn upload(state: &State, request: &mut Request, t: &Target) -> Result<Reply> {
    let dir = inbox(state, t)?;
    let rel = upload::clean_path(t.get("path").unwrap_or(""), state.limits.max_depth)
        .map_err(|e| error_json(400, &e.0))?;
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
    let bytes = save_body(request, &target, limits.max_file_bytes)?;
    Ok(json_reply(
        200,
        &json!({ "saved": slash(&rel), "bytes": bytes }),
    ))
}

/// The body of `request` saved as `target`: all of it, or nothing (staged in a hidden file
/// beside it and renamed only when every declared byte has arrived).
fn save_body(request: &mut Request, target: &Path, max: u64) -> Result<u64> {
    let expected = request.content_length;
    if expected > max {
        return Err(error_json(
            413,
            &format!(
                "文件超过 {} MB（rules/ingest.toml 的 max_file_mb）",
                max / 1024 / 1024
            ),
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
    let tmp = parent.join(format!(".upload-{}.tmp", &super::auth::new_token()[..12]));
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
                "zip 文件超过 {} MB（rules/serve.toml 的 max_zip_mb）",
                state.limits.max_zip_mb
            ),
        ));
    }
    let mut body = Vec::new();
    let read = request.body().read_to_end(&mut body);
    if read.is_err() || body.len() as u64 != request.content_length {
        return Err(error_json(400, "zip 文件未能完整上传，未保存，请重试"));
    }
    let done =
        unzip::unpack(&body, &dir, &state.limits).map_err(|r| error_json(r.status, &r.message))?;
    Ok(json_reply(
        200,
        &json!({ "saved": done.saved, "skipped": done.skipped }),
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

/// The check of the month's uploaded folder, as `sanyipi check` does it (history read where it
/// exists).
pub(super) fn check_request(state: &State, month: Month) -> Result<jobs::check::CheckRequest> {
    let input = state.opts.data.join(month.to_string());
    if !input.is_dir() {
        return Err(error_json(400, "本月还没有上传任何文件"));
    }
    Ok(jobs::check::CheckRequest {
        input,
        month: Some(month.to_string()),
        rules: state.opts.rules.clone(),
        history: Some(state.opts.place.history_path()),
    })
}

/// `GET /api/check?month=`: what `sanyipi check --input DATA/<month> --month <month>` says.
pub(super) fn check(state: &State, t: &Target) -> Result<Reply> {
    let month = month_of(t)?;
    let _guard = lock(state)?;
    let req = check_request(state, month)?;
    tracked(state, "check", Some(month.to_string()), |progress| {
        let checked = jobs::check::check(&req, progress).map_err(|e| failed(state, 422, &e))?;
        Ok(check_reply(month, &checked))
    })
}

/// The page's view of a check.
pub(super) fn check_reply(month: Month, checked: &jobs::check::Checked) -> Reply {
    json_reply(
        200,
        &json!({
            "month": month.to_string(),
            "errors": checked.errors,
            "warnings": checked.warnings,
            "files": checked.files,
            "diagnostics": checked.diagnostics,
            "submissions": checked.submissions,
            "report": checked.report,
        }),
    )
}

/// `POST /api/run?month=&as_of=&force=1`: `sanyipi run` on the month's uploaded folder.
pub(super) fn run_month(state: &State, t: &Target) -> Result<Reply> {
    let month = month_of(t)?;
    let rules = state.opts.rules.as_ref();
    let as_of = jobs::as_of::page_as_of(rules, month, t.get("as_of").unwrap_or(""))
        .map_err(|e| failed(state, 400, &e))?;
    let force = t.get("force") == Some("1");
    let _guard = lock(state)?;
    let input = state.opts.data.join(month.to_string());
    if !input.is_dir() {
        return Err(error_json(400, "本月还没有上传任何文件"));
    }
    let req = jobs::month::MonthRequest {
        input,
        month: Some(month.to_string()),
        as_of: Some(as_of),
        issue_date: None,
        today: as_of,
        place: state.opts.place.clone(),
        rules: state.opts.rules.clone(),
        templates: state.opts.templates.clone(),
        force,
    };
    tracked(state, "run", Some(month.to_string()), |progress| {
        let done = jobs::month::run(&req, progress).map_err(|e| failed(state, 422, &e))?;
        Ok(run_reply(month, as_of, &done))
    })
}

/// The page's view of a run.
fn run_reply(month: Month, as_of: chrono::NaiveDate, done: &jobs::month::MonthRun) -> Reply {
    let a = &done.assessment;
    let units: Vec<Value> = a
        .units
        .iter()
        .map(|u| {
            json!({
                "rank": u.rank,
                "unit": u.unit,
                "score": format!("{:.2}", u.score),
                "previous_rank": u.previous_rank,
                "bottom": if u.bottom { format!("后{}位", done.bottom_n) } else { String::new() },
                "streak": u.streak,
                "penalties": u.penalties.join("、"),
            })
        })
        .collect();
    let mut files: Vec<&str> = done.files.iter().map(|f| f.name()).collect();
    files.sort_by(|a, b| crate::text::natural_cmp(a, b));
    json_reply(
        200,
        &json!({
            "month": month.to_string(),
            "as_of": as_of.to_string(),
            "revision": done.revision,
            "units": units,
            "notices": a.notices.len(),
            "files": files,
        }),
    )
}

/// The folder of `--out` a download comes from: `?folder=` (a month, a week `<monday>周`, the
/// screening's), or `?month=`; one plain name, never a path.
fn out_folder(t: &Target) -> Result<String> {
    match t.get("folder") {
        Some(f) => upload::clean_path(f, 0)
            .map(|_| f.to_string())
            .map_err(|_| error_json(404, "没有这个文件")),
        None => month_of(t).map(|m| m.to_string()),
    }
}

/// The file `rel` of `<out>/<folder>/`, only if it really lies inside that folder of `--out`.
fn output_file(state: &State, folder: &Path, rel: &str) -> Result<PathBuf> {
    let not_found = || error_json(404, "没有这个文件");
    let dir = state.opts.place.out.join(folder);
    let dir = dir.canonicalize().map_err(|_| not_found())?;
    let path = dir.join(rel).canonicalize().map_err(|_| not_found())?;
    if !path.starts_with(&dir) || !path.is_file() {
        return Err(not_found());
    }
    Ok(path)
}

/// `GET /download?month=&file=REL[&view=1]` (or `?folder=`).
pub(super) fn download(state: &State, t: &Target) -> Result<Reply> {
    let folder = revision_folder(state, t, &out_folder(t)?)?;
    let rel = t.get("file").unwrap_or("");
    let path = output_file(state, &folder, rel)?;
    let bytes = std::fs::read(&path)
        .map_err(|e| error_json(500, &format!("无法读取：{}", super::http::io_reason(&e))))?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let inline = t.get("view") == Some("1") && name.ends_with(".html");
    Ok(attachment(bytes, name, inline))
}

/// `GET /download.zip?month=` (or `?folder=`): every output file of the folder as one zip.
pub(super) fn download_zip(state: &State, t: &Target) -> Result<Reply> {
    let month = out_folder(t)?;
    let folder = revision_folder(state, t, &month)?;
    let dir = state.opts.place.out.join(&folder);
    let names = upload::list_files(&dir);
    if names.is_empty() {
        return Err(error_json(404, "本月还没有考核结果"));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in &names {
        let path = output_file(state, &folder, name)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| error_json(500, &format!("无法读取：{}", super::http::io_reason(&e))))?;
        let written = zip
            .start_file(format!("{month}/{name}"), options)
            .and_then(|_| std::io::Write::write_all(&mut zip, &bytes).map_err(Into::into));
        written.map_err(|_| error_json(500, "无法打包结果文件"))?;
    }
    let bytes = zip
        .finish()
        .map_err(|_| error_json(500, "无法打包结果文件"))?
        .into_inner();
    let name = if Month::parse(&month).is_some() {
        match t.get("revision") {
            Some(r) => format!("{month}考核结果（第{r}版）.zip"),
            None => format!("{month}考核结果.zip"),
        }
    } else {
        format!("{month}.zip")
    };
    Ok(attachment(bytes, &name, false))
}

/// The upload set (`?set=leads`, folder `<data>/leads/`) of the leads to screen.
const LEADS: &str = "leads";

/// `POST /api/weekly?month=&week=&as_of=`: `sanyipi weekly --input <data>/<month> --week
/// --as-of` (the month's uploaded folder holds the ledger and 周报/).
pub(super) fn weekly(state: &State, t: &Target) -> Result<Reply> {
    let month = month_of(t)?;
    // Without ?as_of=, the job takes the week's digest day (rules).
    let as_of = t
        .get("as_of")
        .filter(|s| !s.is_empty())
        .map(|s| jobs::as_of::page_as_of(state.opts.rules.as_ref(), month, s))
        .transpose()
        .map_err(|e| failed(state, 400, &e))?;
    let _guard = lock(state)?;
    let input = state.opts.data.join(month.to_string());
    if !input.is_dir() {
        return Err(error_json(400, "本月还没有上传任何文件"));
    }
    let req = jobs::week::WeekRequest {
        input,
        week: t.get("week").unwrap_or("").to_string(),
        as_of,
        place: state.opts.place.clone(),
        rules: state.opts.rules.clone(),
        templates: state.opts.templates.clone(),
    };
    tracked(state, "weekly", Some(month.to_string()), |progress| {
        let done = jobs::week::week(&req, progress).map_err(|e| failed(state, 422, &e))?;
        Ok(json_reply(
            200,
            &json!({ "folder": done.label, "files": done.files, "summary": hide_out(state, &done.summary) }),
        ))
    })
}

/// `?as_of=` if given, else today (the page's clock, never the job's).
fn as_of_or_today(t: &Target) -> std::result::Result<chrono::NaiveDate, jobs::Error> {
    match t.get("as_of") {
        Some(s) => Ok(jobs::parse_as_of(s)?),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

/// Collects the notes a job tells as it runs, for the page.
#[derive(Default)]
struct Notes(std::sync::Mutex<Vec<String>>);

impl crate::progress::Progress for Notes {
    fn note(&self, line: &str) {
        if let Ok(mut v) = self.0.lock() {
            v.push(line.to_string());
        }
    }
}

/// Tells both sinks.
struct Both<'a>(&'a Notes, &'a dyn crate::progress::Progress);

impl crate::progress::Progress for Both<'_> {
    fn note(&self, line: &str) {
        self.0.note(line);
        self.1.note(line);
    }
}

/// `POST /api/screen?as_of=`: `sanyipi screen --input <data>/leads --as-of --out <out>`.
pub(super) fn screen(state: &State, t: &Target) -> Result<Reply> {
    let as_of = as_of_or_today(t).map_err(|e| failed(state, 400, &e))?;
    let _guard = lock(state)?;
    let input = state.opts.data.join(LEADS);
    if !input.is_dir() {
        return Err(error_json(400, "还没有上传招商项目信息表"));
    }
    let req = jobs::screening::ScreeningRequest {
        input,
        as_of,
        out: state.opts.place.out.clone(),
        rules: state.opts.rules.clone(),
        templates: state.opts.templates.clone(),
    };
    tracked(state, "screen", None, |progress| {
        let notes = Notes::default();
        let both = Both(&notes, progress);
        let done =
            jobs::screening::screen_leads(&req, &both).map_err(|e| failed(state, 422, &e))?;
        let notes = notes.0.into_inner().unwrap_or_default();
        Ok(json_reply(
            200,
            &json!({ "folder": done.folder, "files": done.files, "summary": hide_out(state, &done.summary), "notes": notes }),
        ))
    })
}

/// The latest recorded revision of each month.
pub(super) fn latest_revisions(state: &State) -> Result<std::collections::BTreeMap<String, i64>> {
    let runs = jobs::history::runs(&state.opts.place).map_err(|e| failed(state, 500, &e))?;
    let mut latest = std::collections::BTreeMap::new();
    for r in runs {
        let e = latest.entry(r.month.clone()).or_insert(r.revision);
        *e = (*e).max(r.revision);
    }
    Ok(latest)
}

/// The folder of `--out` (relative to it) that holds `folder`'s files of `?revision=N`: the
/// folder itself without `revision` or for the latest one, `历史版本/<month>/第N版` for one a later
/// revision replaced; else 404 saying why.
pub(super) fn revision_folder(state: &State, t: &Target, folder: &str) -> Result<PathBuf> {
    let Some(wanted) = t.get("revision") else {
        return Ok(PathBuf::from(folder));
    };
    let wanted: i64 = wanted
        .parse()
        .map_err(|_| error_json(404, "没有这个版本"))?;
    match latest_revisions(state)?.get(folder) {
        Some(&latest) if latest == wanted => Ok(PathBuf::from(folder)),
        Some(&latest) if (1..latest).contains(&wanted) => {
            let kept = jobs::publish::kept(folder, wanted);
            if state.opts.place.out.join(&kept).is_dir() {
                Ok(kept)
            } else {
                Err(error_json(
                    404,
                    &format!("{folder} 第 {wanted} 版的结果文件已不在输出目录中"),
                ))
            }
        }
        _ => Err(error_json(404, "没有这个版本")),
    }
}
