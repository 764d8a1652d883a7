//! The dates the notice sets in a month, moved to working days, as a printable page and an
//! `.ics` file in `<out>/<month>日程/` (`sanyipi calendar`). With the month's folder, also the
//! procedures of projects new in the month's ledger assigned after the assignment meeting.

use super::publish::publish;
use super::table;
use crate::calendar::Month;
use crate::engine::office_calendar::{
    LateAssignment, OfficeDate, late_assignments, month_dates, new_projects,
};
use crate::ingest::ingest;
use crate::progress::Progress;
use crate::report::{self, OutputFile, OutputKind};
use crate::rules::Rules;
use crate::rules::office_calendar::OfficeCalendar;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The month whose office calendar to make.
#[derive(Debug, Clone)]
pub struct OfficeCalendarRequest {
    pub month: Month,
    /// The month's folder (the previous month's folder beside it), to check new projects.
    pub input: Option<PathBuf>,
    /// The output folder: the files go to `<out>/<month>日程/`.
    pub out: PathBuf,
    pub rules: Option<PathBuf>,
    pub templates: Option<PathBuf>,
}

/// The month's dates, the late assignments (when a folder was given) and the files.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfficeDates {
    pub dates: Vec<OfficeDate>,
    pub late: Option<Vec<LateAssignment>>,
    pub dir: PathBuf,
    pub files: Vec<String>,
    /// What `sanyipi calendar` prints.
    pub summary: String,
}

/// Makes the office calendar of `req.month`.
pub fn office_calendar(
    req: &OfficeCalendarRequest,
    progress: &dyn Progress,
) -> super::Result<OfficeDates> {
    Ok(office_calendar_inner(req, progress)?)
}

/// The job itself.
fn office_calendar_inner(
    req: &OfficeCalendarRequest,
    progress: &dyn Progress,
) -> anyhow::Result<OfficeDates> {
    let rules = Rules::load(req.rules.as_deref())?;
    let month = req.month;
    let office = rules.office_calendar.clone();
    let env = report::html::environment(req.templates.as_deref())?;
    let dates = month_dates(&rules.calendar, &office, month);
    let late = match &req.input {
        Some(input) => Some(check_assignments(input, &rules, &office, &dates, month)?),
        None => None,
    };
    let title = report::office_calendar::title(month, &office);
    let files = vec![
        OutputFile::new(
            OutputKind::CalendarPage,
            format!("{title}.html"),
            report::office_calendar::html(&dates, month, &office, late.as_deref(), &env)?
                .into_bytes(),
        ),
        OutputFile::new(
            OutputKind::CalendarIcs,
            format!("{title}.ics"),
            report::office_calendar::ics(&dates, month, &office).into_bytes(),
        ),
    ];
    let dir = publish(&req.out, &format!("{month}日程"), &files, progress)
        .with_context(|| format!("无法写入 {}", req.out.display()))?;
    let rows: Vec<Vec<String>> = dates
        .iter()
        .map(|d| {
            vec![
                d.date.to_string(),
                crate::calendar::weekday_zh(d.date).to_string(),
                d.name.clone(),
                if d.merged_into.is_some() {
                    report::office_calendar::note(d, &office)
                } else if d.moved {
                    format!(
                        "原定 {}（{}）",
                        d.nominal,
                        d.moved_because.clone().unwrap_or_default()
                    )
                } else {
                    String::new()
                },
                if d.missing_years.is_empty() {
                    String::new()
                } else {
                    office.labels.provisional.clone()
                },
            ]
        })
        .collect();
    let mut text = format!("{title}\n\n");
    text.push_str(&table::render(
        &["日期", "星期", "事项", "顺延", "暂定"],
        &rows,
    ));
    // The 暂定 column's reason, as `workdays` says it.
    let mut missing: Vec<i32> = dates
        .iter()
        .flat_map(|d| d.missing_years.iter().copied())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let note = super::workdays::missing_years_note(&missing);
    if !note.is_empty() {
        text.push_str(&format!("{note}\n"));
    }
    if let Some(late) = &late {
        text.push_str(&format!(
            "\n任务交办会后交办的新增项目手续: {} 项\n",
            late.len()
        ));
        for l in late {
            text.push_str(&format!(
                "  {} {} {}（交办日期 {}，交办会 {}）{}\n",
                l.project, l.project_name, l.procedure, l.assigned, l.meeting, l.source
            ));
        }
    }
    text.push_str(&super::listing(&dir, &files));
    Ok(OfficeDates {
        dates,
        late,
        dir,
        files: super::names(files),
        summary: text,
    })
}

/// Reads the month folder and its sibling previous-month folder.
fn check_assignments(
    input: &Path,
    rules: &Rules,
    office: &OfficeCalendar,
    dates: &[OfficeDate],
    month: Month,
) -> anyhow::Result<Vec<LateAssignment>> {
    let data = ingest(input, rules).context("无法读取本月材料")?;
    // Named as this month's folder may be: 2026-09, 2026年9月 …
    let prev_dir = input
        .parent()
        .and_then(|p| std::fs::read_dir(p).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            p.file_name()
                .and_then(|n| Month::of_folder_name(&n.to_string_lossy()))
                == Some(month.previous())
        })
        // 2026-09 first when two folders are named for the month.
        .min_by_key(|p| {
            let canonical = month.previous().to_string();
            (
                p.file_name() != Some(std::ffi::OsStr::new(&canonical)),
                p.clone(),
            )
        })
        .ok_or_else(|| {
            anyhow::anyhow!(
                "未找到上月目录 {}（与 {} 同级），无法判断本月新增项目",
                month.previous(),
                input.display()
            )
        })?;
    let previous = ingest(&prev_dir, rules).context("无法读取上月材料")?;
    let new = new_projects(&data, &previous);
    let meeting_ids: Vec<&str> = office
        .events
        .iter()
        .filter(|e| e.check_new_projects)
        .map(|e| e.id.as_str())
        .collect();
    let Some(meeting) = dates
        .iter()
        .find(|d| meeting_ids.contains(&d.event.as_str()) && d.merged_into.is_none())
        .map(|d| d.date)
    else {
        return Ok(Vec::new());
    };
    Ok(late_assignments(&data, &new, meeting))
}
