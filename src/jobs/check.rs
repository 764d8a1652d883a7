//! Checking a month's folder: read everything, report every file's rows and every diagnostic,
//! write nothing (`sanyipi check`, and 检查 on the local page).

use super::table;
use crate::calendar::Month;
use crate::ingest::Dataset;
use crate::progress::Progress;
use crate::rules::Rules;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// A folder to check.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    pub input: PathBuf,
    /// Only the sheets of this month (`YYYY-MM`) of year workbooks.
    pub month: Option<String>,
    pub rules: Option<PathBuf>,
    /// The history file: read where it exists (figures of earlier months), never created.
    pub history: Option<PathBuf>,
}

/// What `check` found: every file read and every diagnostic, and the printed report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Checked {
    pub month: Option<Month>,
    pub files: Vec<CheckedFile>,
    pub diagnostics: Vec<CheckedDiagnostic>,
    pub errors: usize,
    pub warnings: usize,
    /// The whole text `sanyipi check` prints.
    pub report: String,
    /// Every unit of the ledger and its monthly report (when a month is given).
    pub submissions: Vec<Submission>,
}

/// One unit's monthly report (the rule `report_deadline` of `rules/scoring.toml`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Submission {
    pub unit: String,
    /// 已报, 未报 or 迟报.
    pub status: String,
    pub file: Option<String>,
    pub submitted_on: Option<String>,
    pub due: Option<String>,
}

/// One file's reconciliation: rows read = used + not used + blank + 合计 + notes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckedFile {
    pub file: String,
    /// The title of the table it was read as.
    pub table: Option<String>,
    pub unit: Option<String>,
    pub submitted_on: Option<String>,
    pub read: usize,
    pub used: usize,
    pub rejected: usize,
    pub blank: usize,
    pub unreadable: bool,
}

/// One problem, at its file, sheet and cell.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckedDiagnostic {
    pub severity: String,
    pub file: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Checked {
    /// The exit code: 1 when there are 错误.
    pub fn code(&self) -> i32 {
        if self.errors > 0 {
            super::INPUT_ERRORS
        } else {
            super::OK
        }
    }
}

/// Reads the folder of `req` as `check` does (the month's sheets only when a month is given).
pub fn check(req: &CheckRequest, progress: &dyn Progress) -> super::Result<Checked> {
    Ok(check_inner(req, progress)?)
}

/// The job itself.
fn check_inner(req: &CheckRequest, progress: &dyn Progress) -> anyhow::Result<Checked> {
    let rules = Rules::load(req.rules.as_deref())?;
    // The month given, else the one the folder is named for (`2026-10`, `2026年10月`): the
    // month's sheets and the checks across months need it.
    // A --month typed otherwise is refused as `run` refuses it, not read as none given.
    let given = req
        .month
        .as_deref()
        .map(|m| super::parse_month(m, "--month"))
        .transpose()?;
    let assessed = given.or_else(|| {
        req.input
            .file_name()
            .and_then(|n| Month::of_folder_name(&n.to_string_lossy()))
    });
    let mut data = load(&req.input, &rules, assessed, progress)?;
    if assessed.is_none() {
        let name = req
            .input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        progress.note(&format!(
            "注意: 未用 --month 指定月份，目录名“{name}”也不是 2026-10 这样的月份，按月的核对（其他月份的报表 E033、累计完成投资减少 E024、整改反馈）未做；请加 --month YYYY-MM"
        ));
    }
    let mut snapshot = match (&req.history, assessed) {
        (Some(h), Some(m)) if h.exists() => {
            let history = crate::history::History::open_read(h)?;
            let mut s = history.snapshot(m)?;
            s.signed_before = history.signed_before(
                &m.to_string(),
                rules.roles.field(crate::rules::FieldRole::SignDate),
            )?;
            s
        }
        _ => Default::default(),
    };
    crate::engine::join_history(&rules, &mut data, &mut snapshot, true);
    crate::engine::continuity::check(&rules, &mut data, &snapshot.last_figures, assessed);
    if let Some(m) = assessed {
        crate::engine::signings::signings(&rules, &mut data, m, &snapshot.signed_before);
    }
    if let Some(m) = assessed {
        feedback(&rules, &mut data, &snapshot.tasks, m);
    }
    // The month's deadlines as `run` counts them once the month is over: the reports sent, and
    // the rows whose deadline cannot be counted (W069).
    let counted = assessed.map(|m| {
        let later = m.day(31) + chrono::Days::new(62);
        let c =
            crate::engine::deadlines::deadline_rows(&rules, &data, m, later, &Default::default());
        (m, c)
    });
    if let Some((_, c)) = &counted {
        data.diagnostics.extend(c.diagnostics.iter().cloned());
    }
    let files = data
        .files
        .iter()
        .map(|f| CheckedFile {
            file: f.file.clone(),
            table: f
                .table
                .as_deref()
                .and_then(|id| rules.table(id))
                .map(|s| s.title.clone()),
            unit: f.reporting_unit.clone(),
            submitted_on: f.submitted_on.map(|d| d.to_string()),
            read: f.rows.read,
            used: f.used,
            rejected: f.rejected,
            blank: f.rows.blank,
            unreadable: f.unreadable,
        })
        .collect();
    let diagnostics = data
        .diagnostics
        .iter()
        .map(|d| CheckedDiagnostic {
            severity: d.severity.label().to_string(),
            file: d.location.file.clone(),
            sheet: d.location.sheet.clone(),
            cell: d.location.cell.clone(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        })
        .collect();
    Ok(Checked {
        month: assessed,
        files,
        diagnostics,
        errors: data.error_count(),
        warnings: data.warning_count(),
        report: report(&data, &rules, assessed.map(|m| m.to_string()).as_deref()),
        submissions: counted
            .map(|(_, c)| submissions(&rules, c.rows))
            .unwrap_or_default(),
    })
}

/// The returned 整改反馈 forms checked as `run` checks them against the tasks of the months
/// before `month` (W046); a refused row counts as not used.
fn feedback(
    rules: &Rules,
    data: &mut Dataset,
    tasks: &[crate::engine::supervision::Task],
    month: Month,
) {
    // The as-of date only dates a form without a 填报日期; nothing here depends on it.
    let read = crate::engine::supervision::feedback::read(rules, data, tasks, month.day(1), None);
    read.reconcile(&mut data.files);
    data.diagnostics.extend(read.diagnostics);
}

/// Each expected unit's monthly report, as the deadline rule of scoring sees it once the month
/// is over (a report not there is 未报, whatever the day), from the month's deadline `rows`.
fn submissions(rules: &Rules, rows: Vec<crate::engine::DeadlineRow>) -> Vec<Submission> {
    use crate::engine::deadlines::Status;
    let id = &rules.scoring.score.report_deadline;
    rows.into_iter()
        .filter(|r| &r.rule == id && r.recipient.is_some())
        .map(|r| Submission {
            unit: r.recipient.unwrap_or_default(),
            status: match (r.status, &r.item) {
                (Status::MetLate, _) => "迟报",
                (_, Some(_)) => "已报",
                (_, None) => "未报",
            }
            .to_string(),
            file: r.item,
            submitted_on: r.met_on.map(|d| d.to_string()),
            due: r.due.map(|d| d.to_string()),
        })
        .collect()
}

fn load(
    input: &Path,
    rules: &Rules,
    month: Option<Month>,
    progress: &dyn Progress,
) -> anyhow::Result<Dataset> {
    match month {
        Some(m) => crate::ingest::ingest_month_with(input, rules, Some(m), progress),
        None => crate::ingest::ingest_with(input, rules, progress),
    }
    .context("无法检查")
}

/// The whole text `check` prints.
fn report(data: &Dataset, rules: &Rules, month: Option<&str>) -> String {
    let mut out = format!(
        "检查目录: {}（规则: {}）\n",
        data.input, rules.source.origin
    );
    if let Some(m) = month {
        out.push_str(&format!("考核月份: {m}\n"));
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = data
        .files
        .iter()
        .map(|f| {
            let title = f
                .table
                .as_deref()
                .and_then(|t| rules.table(t))
                .map(|t| t.title.clone())
                .unwrap_or_default();
            let (read, used, rejected, blank, total, note) = if f.unreadable && f.rows.read == 0 {
                (
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                )
            } else {
                (
                    f.rows.read.to_string(),
                    f.used.to_string(),
                    f.rejected.to_string(),
                    f.rows.blank.to_string(),
                    f.rows.totals().to_string(),
                    f.rows.note.to_string(),
                )
            };
            vec![
                f.file.clone(),
                title,
                f.reporting_unit.clone().unwrap_or_else(|| "—".into()),
                f.submitted_on
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "—".into()),
                read,
                used,
                rejected,
                blank,
                total,
                note,
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "文件",
            "表格",
            "填报单位",
            "填报日期",
            "读取行",
            "采用",
            "未采用",
            "空行",
            "合计行",
            "备注行",
        ],
        &rows,
    ));
    out.push_str(&remarks(data));
    let used: usize = data.files.iter().map(|f| f.used).sum();
    out.push_str(&format!(
        "\n共 {} 个文件，采用数据 {} 行。\n",
        data.files.len(),
        used
    ));
    let (errors, warnings) = (data.error_count(), data.warning_count());
    if data.diagnostics.is_empty() {
        out.push_str("\n未发现问题。\n");
        return out;
    }
    out.push_str(&format!(
        "\n问题（错误 {errors} 个，警告 {warnings} 个）:\n"
    ));
    let mut diags: Vec<_> = data.diagnostics.iter().collect();
    diags.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.location.file.cmp(&b.location.file))
    });
    for d in diags {
        out.push_str(&format!("{d}\n"));
    }
    out.push_str(&if errors > 0 {
        format!("\n结论: 有 {errors} 个错误，请更正后重新检查。\n")
    } else {
        format!("\n结论: 无错误，有 {warnings} 个警告请核实。\n")
    });
    out
}

/// Lines on what the counts alone do not say (hidden rows, 小计 rows, other months' sheets).
fn remarks(data: &Dataset) -> String {
    let mut out = String::new();
    for f in &data.files {
        for r in f.remarks() {
            out.push_str(&format!("  {}: {r}\n", f.file));
        }
    }
    for f in &data.skipped {
        out.push_str(&format!("  {f}: 临时文件或系统文件，已跳过\n"));
    }
    if out.is_empty() {
        return out;
    }
    format!("\n说明:\n{out}")
}
