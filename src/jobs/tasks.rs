//! The 督办 register from history (`sanyipi tasks`): every 整改任务 with its state as of a date,
//! and 销号 (`sanyipi tasks close ID... --date D`), written in one transaction.

use super::{Place, table};
use crate::engine::supervision::{State, TaskState, register};
use crate::progress::Progress;
use crate::rules::Rules;
use anyhow::bail;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

/// What to list.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub place: Place,
    pub rules: Option<PathBuf>,
    /// The states are as of this day (the CLI's default: today).
    pub as_of: NaiveDate,
    /// Only this unit's tasks.
    pub unit: Option<String>,
    /// Closed tasks too.
    pub all: bool,
}

/// Tasks to close.
#[derive(Debug, Clone)]
pub struct CloseRequest {
    pub place: Place,
    pub ids: Vec<String>,
    /// The 销号 date as the user wrote it.
    pub date: String,
    pub note: String,
    /// Today (the caller's clock): a 销号 date cannot be later.
    pub today: NaiveDate,
}

/// The register as of `as_of`, every recorded task with its state.
pub(crate) fn states(
    place: &Place,
    rules: &Rules,
    as_of: NaiveDate,
) -> anyhow::Result<Vec<TaskState>> {
    let Some(s) = &rules.notices.supervision else {
        bail!("规则中没有 [supervision]（督办）设置");
    };
    // Listing never creates a history: none yet means no tasks yet.
    if !place.history_path().exists() {
        return Ok(Vec::new());
    }
    let h = place.read()?;
    let tasks = h.tasks_between("", "9999-12")?;
    let feedback = h.feedback_until("9999-12")?;
    let closures = h.closures()?;
    Ok(register(s, &tasks, &feedback, &closures, as_of))
}

/// The register as a table: the register's column names (`register_headers` of
/// `[supervision]`: task id, unit, project, report-back date, date to be solved by, state), a
/// row per task, and which rows are still open (can be closed).
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub headers: Vec<String>,
    pub ids: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub open: Vec<bool>,
}

/// The tasks of `req` (the open ones, or all) with their state.
pub fn listing(req: &ListRequest) -> super::Result<Listing> {
    Ok(listing_inner(req)?)
}

fn listing_inner(req: &ListRequest) -> anyhow::Result<Listing> {
    let rules = Rules::load(req.rules.as_deref())?;
    let all = states(&req.place, &rules, req.as_of)?;
    // A unit as the clerk may write it (an alias, 北山镇人民政府), matched to the tasks' names.
    let unit = match &req.unit {
        Some(typed) => {
            let names = all.iter().map(|t| t.task.unit.as_str());
            Some(super::known_unit(&rules, typed, names, "整改任务中")?)
        }
        None => None,
    };
    let tasks: Vec<TaskState> = all
        .into_iter()
        // A task of a notice issued after the day asked about did not exist yet.
        .filter(|t| t.task.issued <= req.as_of)
        .filter(|t| req.all || t.state != State::Closed)
        .filter(|t| unit.as_deref().is_none_or(|u| t.task.unit == u))
        .collect();
    let headers = match &rules.notices.supervision {
        Some(s) => {
            use crate::rules::supervision::RegisterColumn as C;
            [C::Id, C::Unit, C::Project, C::FeedbackDue, C::Due, C::State]
                .iter()
                .map(|&c| s.header(c).to_string())
                .collect()
        }
        None => Vec::new(),
    };
    let provisional = &rules.office_calendar.labels.provisional;
    Ok(Listing {
        headers,
        ids: tasks.iter().map(|t| t.task.id.clone()).collect(),
        open: tasks.iter().map(|t| t.state != State::Closed).collect(),
        rows: tasks
            .iter()
            .map(|t| {
                vec![
                    t.task.id.clone(),
                    t.task.unit.clone(),
                    t.task.project.clone().unwrap_or_default(),
                    t.task
                        .date_shown(t.task.feedback_due, provisional, &rules.calendar),
                    t.task.date_shown(t.due, provisional, &rules.calendar),
                    match t.closed_on {
                        Some(d) if t.state == State::Closed => format!("{}（{d}）", t.state_label),
                        _ => t.state_label.clone(),
                    },
                ]
            })
            .collect(),
    })
}

/// What `sanyipi tasks` prints: the open tasks (or all) with their state. No history yet (or
/// a mistyped `--history`) is said as such, not as a register with nothing open.
pub fn list(req: &ListRequest) -> super::Result<String> {
    req.place.require_history()?;
    let l = listing(req)?;
    if l.rows.is_empty() {
        return Ok(format!("截至 {} 没有未销号的整改任务。\n", req.as_of));
    }
    let mut out = format!("截至 {} 的整改任务 {} 项：\n\n", req.as_of, l.rows.len());
    let headers: Vec<&str> = l.headers.iter().map(String::as_str).collect();
    out.push_str(&table::render(&headers, &l.rows));
    Ok(out)
}

/// Closes (销号) the tasks of `req.ids` on `req.date`; an unknown id refuses them all.
/// 销号 under the history's lock, as every job that writes history: a run recording a month
/// meanwhile (its tasks, answers and closures) is waited for, and said so through `progress`.
pub fn close(req: &CloseRequest, progress: &dyn Progress) -> super::Result<String> {
    Ok(close_inner(req, progress)?)
}

fn close_inner(req: &CloseRequest, progress: &dyn Progress) -> anyhow::Result<String> {
    let date = super::parse_date(&req.date, "--date ", "2026-11-02")?;
    if req.ids.is_empty() {
        bail!("请给出要销号的任务编号");
    }
    if date > req.today {
        bail!(
            "销号日期 {date} 晚于今天（{}），销号须在整改完成之后登记。未销号任何任务，请核对 --date",
            req.today
        );
    }
    // Closing changes a record: with no history there is nothing to close, and none is created.
    req.place.require_history()?;
    let _lock = req.place.lock(progress)?;
    let mut h = req.place.open()?;
    // A task id as typed: plain or full-width brackets for 〔〕, spaces, full-width digits.
    let known = h.tasks_between("", "9999-12")?;
    let mut ids: Vec<String> = req
        .ids
        .iter()
        .map(|id| {
            let wanted = id_key(id);
            known
                .iter()
                .find(|k| id_key(&k.id) == wanted)
                .map(|k| k.id.clone())
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    // A task named twice (typed both ways) is closed and said once.
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    // A task cannot be closed before the notice that gave it was issued.
    let early: Vec<String> = known
        .iter()
        .filter(|t| ids.contains(&t.id) && date < t.issued)
        .map(|t| format!("{}（{} 下发）", t.id, t.issued))
        .collect();
    if !early.is_empty() {
        bail!(
            "销号日期 {date} 早于任务下发的日期：{}。未销号任何任务，请核对 --date",
            early.join("、")
        );
    }
    let before = h.closures()?;
    let unknown = h.close_tasks(&ids, date, &req.note)?;
    if !unknown.is_empty() {
        bail!(
            "没有这些整改任务：{}。未销号任何任务（可用 sanyipi tasks --all 查看任务编号）",
            unknown.join("、")
        );
    }
    let (again, now): (Vec<&String>, Vec<&String>) =
        ids.iter().partition(|id| before.contains_key(*id));
    let mut out = String::new();
    if !now.is_empty() {
        let now: Vec<&str> = now.iter().map(|s| s.as_str()).collect();
        out.push_str(&format!(
            "已销号 {} 项（{date}）：{}\n",
            now.len(),
            now.join("、")
        ));
    }
    for id in again {
        out.push_str(&format!(
            "{id} 此前已于 {} 销号，保留原销号日期\n",
            before[id]
        ));
    }
    Ok(out)
}

/// A task id compared as typed: every kind of bracket as 〔〕, then as `text::key` compares.
fn id_key(id: &str) -> String {
    let bracketed: String = id
        .chars()
        .map(|c| match c {
            '(' | '（' | '[' | '［' | '【' | '〔' => '〔',
            ')' | '）' | ']' | '］' | '】' | '〕' => '〕',
            c => c,
        })
        .collect();
    crate::text::key(&bracketed)
}
