//! Returned 整改反馈 forms: each row of the `[supervision]` table names a task and its 整改状态;
//! a row that cannot update its task is a diagnostic (W046) at its cell with the reason.

use super::{Feedback, Task};
use crate::diagnostic::{Code, Diagnostic};
use crate::ingest::{Dataset, FileSummary, Record};
use crate::rules::Rules;
use crate::rules::supervision::Supervision;
use crate::text::normalize;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Feedback read from this month's input (in file and row order) and the rows refused.
pub(crate) struct Read {
    pub(crate) feedback: Vec<Feedback>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Read {
    /// Counts each refused row (one diagnostic each, at its file) as not used in its file's
    /// reconciliation: it was read as a row of the table, but updates no task.
    pub(crate) fn reconcile(&self, files: &mut [FileSummary]) {
        for d in &self.diagnostics {
            if let Some(f) = files.iter_mut().find(|f| f.file == d.location.file) {
                f.used = f.used.saturating_sub(1);
                f.rejected += 1;
            }
        }
    }
}

/// Reads the returned forms against the tasks given so far; a form without a 填报日期 is taken
/// as filed on `as_of`. With a `cutoff` (a run's as-of date), a form dated after it is not taken.
pub(crate) fn read(
    rules: &Rules,
    data: &Dataset,
    tasks: &[Task],
    as_of: NaiveDate,
    cutoff: Option<NaiveDate>,
) -> Read {
    let mut out = Read {
        feedback: Vec::new(),
        diagnostics: Vec::new(),
    };
    let Some(s) = &rules.notices.supervision else {
        return out;
    };
    let by_id: HashMap<&str, &Task> = tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    // The row taken for each task so far, with its record (index into `out.feedback`).
    let mut taken: Vec<&Record> = Vec::new();
    for r in data.records(&s.table) {
        match row(rules, s, data, r, &by_id, (as_of, cutoff)) {
            // A task answered twice this month: the row of the later 填报日期 stands (a form of
            // last month left in the folder does not hide this month's), the first of one date;
            // the other is said (two states of one task cannot both be taken).
            Ok(f) => match out.feedback.iter().position(|g| g.task == f.task) {
                Some(i) if f.filed > out.feedback[i].filed => {
                    let first = std::mem::replace(&mut out.feedback[i], f);
                    let now = &out.feedback[i];
                    out.diagnostics.push(*refuse(
                        taken[i],
                        &s.fields.task,
                        format!(
                            "任务“{}”在填报日期更晚（{}）的 {} 另有反馈",
                            first.task,
                            now.filed.map(|d| d.to_string()).unwrap_or_default(),
                            now.source,
                        ),
                        "同一任务只填一行；已反馈过的旧表可移出本月的目录",
                    ));
                    taken[i] = r;
                }
                Some(i) => out.diagnostics.push(*refuse(
                    r,
                    &s.fields.task,
                    format!("任务“{}”已在 {} 反馈", f.task, out.feedback[i].source),
                    "同一任务只填一行；如需更正，请删去另一行后重新报送",
                )),
                None => {
                    out.feedback.push(f);
                    taken.push(r);
                }
            },
            Err(d) => out.diagnostics.push(*d),
        }
    }
    out
}

fn refuse(r: &Record, field: &str, message: String, hint: &str) -> Box<Diagnostic> {
    let location = r.field_location(field);
    Box::new(
        Diagnostic::new(
            Code::BadFeedback,
            location,
            format!("{message}，此行未采用"),
        )
        .with_hint(hint),
    )
}

/// The 填报单位 of the row's file, as written.
fn reporting_unit<'a>(data: &'a Dataset, r: &Record) -> Option<&'a str> {
    data.files
        .iter()
        .find(|f| f.file == r.file)
        .and_then(|f| f.reporting_unit.as_deref())
}

fn row(
    rules: &Rules,
    s: &Supervision,
    data: &Dataset,
    r: &Record,
    by_id: &HashMap<&str, &Task>,
    (as_of, cutoff): (NaiveDate, Option<NaiveDate>),
) -> Result<Feedback, Box<Diagnostic>> {
    let f = &s.fields;
    let id = r.text(&f.task).unwrap_or_default().trim();
    let Some(task) = by_id.get(id) else {
        return Err(refuse(
            r,
            &f.task,
            format!("任务编号“{id}”不是已下发的整改任务"),
            "任务编号请照督查通知附带的整改反馈表填写，勿改动",
        ));
    };
    if let Some(unit) = reporting_unit(data, r) {
        let unit = normalize(unit);
        let names = [task.unit.as_str(), rules.units.full_name(&task.unit)];
        if !names.iter().any(|n| normalize(n) == unit) {
            return Err(refuse(
                r,
                &f.task,
                format!("整改任务 {id} 下发给{}，本表填报单位为{unit}", task.unit),
                "每个单位只反馈本单位的整改任务",
            ));
        }
    }
    // The form names the task's project (pre-filled, locked): another project means the id
    // now names another matter (its month was assessed again after the form was sent).
    if let Some(written) = r.text(&f.project).map(normalize).filter(|p| !p.is_empty())
        && !task
            .project
            .as_deref()
            .is_some_and(|p| normalize(p).eq_ignore_ascii_case(&written))
    {
        let now = match &task.project {
            Some(p) => format!("项目 {p}"),
            None => "不涉及具体项目".to_string(),
        };
        return Err(refuse(
            r,
            &f.project,
            format!(
                "本表中整改任务 {id} 的项目编号为{written}，而该任务现为{now}的整改事项（所属月份重新考核后任务已改变）"
            ),
            "请按重新下发的督查通知所附的整改反馈表填写",
        ));
    }
    let status_text = r.text(&f.status).unwrap_or_default().trim();
    let states = &s.states;
    if status_text.is_empty() {
        return Err(refuse(
            r,
            &f.status,
            format!("任务“{id}”未填写整改状态，按未反馈计"),
            &format!("整改状态填写: {}", states.choices().join("、")),
        ));
    }
    let status = match status_text {
        t if t == states.done => "done",
        t if t == states.in_progress => "in_progress",
        t if t == states.extension => "extension",
        _ => {
            return Err(refuse(
                r,
                &f.status,
                format!("整改状态“{status_text}”不是可选项"),
                &format!("可选: {}", states.choices().join("、")),
            ));
        }
    };
    // A form dated after the as-of date was not yet returned then: the run as of that date
    // does not take it (as a report, a 销号 or a deadline met after it).
    if let (Some(filed), Some(cutoff)) = (r.submitted_on, cutoff)
        && filed > cutoff
    {
        return Err(refuse(
            r,
            &f.task,
            format!("本表填报日期 {filed} 晚于统计截止日期 {cutoff}，本次不采用"),
            "核对填报日期；如确为截止日之后报送，下月考核时采用",
        ));
    }
    let date = r.date(&f.date);
    if status == "extension" && date.is_none() {
        return Err(refuse(
            r,
            &f.date,
            format!("{}须填写延期至的日期", states.extension),
            "在“完成或延期日期”栏填写申请延期到的日期",
        ));
    }
    Ok(Feedback {
        task: id.to_string(),
        status: status.to_string(),
        date,
        filed: Some(r.submitted_on.unwrap_or(as_of)),
        note: r.text(&f.note).unwrap_or_default().to_string(),
        source: r.cell_ref(&f.task),
    })
}
