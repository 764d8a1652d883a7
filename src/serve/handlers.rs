//! The page's steps that run a job: check, run, weekly and screening through the same jobs as
//! the subcommands, one operation at a time (`lock`), each tracked for a reloaded page. Uploads
//! are `inbox`'s, downloads `downloads`'.

use super::State;
use super::http::{Reply, Target, error_json, json_reply};
use super::upload::LEADS;
pub(super) use super::words::{failed, plain};
use crate::calendar::Month;
use crate::jobs;
use serde_json::{Value, json};

pub(super) type Result<T> = std::result::Result<T, Reply>;

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

pub(super) fn month_of(t: &Target) -> Result<Month> {
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
        let checked = checked(state, &req, progress)?;
        Ok(check_reply(month, &checked))
    })
}

/// The check of `req` in the page's words (no server path), for the page and the 问题清单.
pub(super) fn checked(
    state: &State,
    req: &jobs::check::CheckRequest,
    progress: &dyn crate::progress::Progress,
) -> Result<jobs::check::Checked> {
    let checked = jobs::check::check(req, progress).map_err(|e| failed(state, 422, &e))?;
    Ok(super::words::plain_checked(state, &req.input, checked))
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
        let notes = Notes::default();
        let both = Both(&notes, progress);
        let done = jobs::month::run(&req, &both).map_err(|e| failed(state, 422, &e))?;
        // What the command line says as 注意 (later months to run again, a missing last month …),
        // 警告, and the notices' issue date when it is not the as-of date.
        let notes: Vec<String> = notes
            .0
            .into_inner()
            .unwrap_or_default()
            .iter()
            .filter(|n| {
                ["注意", "警告", "通知成文日期"]
                    .iter()
                    .any(|p| n.starts_with(p))
            })
            .map(|n| plain(state, n))
            .collect();
        Ok(run_reply(month, as_of, &done, &notes))
    })
}

/// The page's view of a run.
fn run_reply(
    month: Month,
    as_of: chrono::NaiveDate,
    done: &jobs::month::MonthRun,
    notes: &[String],
) -> Reply {
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
    let errors = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    json_reply(
        200,
        &json!({
            "month": month.to_string(),
            "as_of": as_of.to_string(),
            "revision": done.revision,
            "units": units,
            "notices": a.notices.len(),
            "errors": errors,
            "warnings": a.diagnostics.len() - errors,
            "files": files,
            "notes": notes,
        }),
    )
}

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
            &json!({ "folder": done.label, "files": done.files, "summary": plain(state, &done.summary) }),
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

/// Collects the notes and passes everything on to the page's status (files read, stages).
struct Both<'a>(&'a Notes, &'a dyn crate::progress::Progress);

impl crate::progress::Progress for Both<'_> {
    fn files(&self, total: usize) {
        self.1.files(total);
    }
    fn file_read(&self, rel: &str) {
        self.1.file_read(rel);
    }
    fn stage(&self, what: &str) {
        self.1.stage(what);
    }
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
            &json!({ "folder": done.folder, "files": done.files, "summary": plain(state, &done.summary), "notes": notes }),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Progress;

    /// Counts what it is told.
    #[derive(Default)]
    struct Told(std::sync::Mutex<Vec<String>>);

    impl Progress for Told {
        fn files(&self, total: usize) {
            self.0.lock().unwrap().push(format!("files {total}"));
        }
        fn file_read(&self, rel: &str) {
            self.0.lock().unwrap().push(format!("read {rel}"));
        }
        fn stage(&self, what: &str) {
            self.0.lock().unwrap().push(format!("stage {what}"));
        }
        fn note(&self, line: &str) {
            self.0.lock().unwrap().push(format!("note {line}"));
        }
    }

    #[test]
    fn collecting_notes_still_tells_the_page_how_far_a_job_has_come() {
        let (notes, status) = (Notes::default(), Told::default());
        let both = Both(&notes, &status);
        both.files(2);
        both.file_read("台账.xlsx");
        both.stage("评分排名");
        both.note("注意：x");
        assert_eq!(
            *status.0.lock().unwrap(),
            [
                "files 2",
                "read 台账.xlsx",
                "stage 评分排名",
                "note 注意：x"
            ]
        );
        assert_eq!(*notes.0.lock().unwrap(), ["注意：x"]);
    }
}
