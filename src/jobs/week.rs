//! The weekly cycle (`sanyipi weekly`, and 周报 on the local page): reads the month folder
//! (ledger and `周报/`), tracks problems across weeks in the history file, writes the week's
//! workbook and page to `<out>/<monday>周/`, then replaces the week's rows in history (one
//! transaction).

use super::publish::publish;
use super::{Place, table};
use crate::engine::weekly::{
    WeekInput, WeekResult, compile_week, day_of_week, monday_of, week_label,
};
use crate::ingest::ingest;
use crate::progress::Progress;
use crate::report::{self, OutputFile, OutputKind};
use crate::rules::Rules;
use crate::rules::weekly::Weekly;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::PathBuf;

/// The week to report.
#[derive(Debug, Clone)]
pub struct WeekRequest {
    /// The month's folder (the ledger and `周报/`).
    pub input: PathBuf,
    /// Any day of the week, as written (`2026-10-12`).
    pub week: String,
    /// 统计截止; none: the digest's weekday of the week (`rules/weekly.toml` [digest] weekday).
    pub as_of: Option<NaiveDate>,
    pub place: Place,
    pub rules: Option<PathBuf>,
    pub templates: Option<PathBuf>,
}

/// What one weekly run wrote and says.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WeekDone {
    /// What `weekly` prints.
    pub summary: String,
    /// The folder of the week below the output folder (`<monday>周`).
    pub label: String,
    /// The files written there, by name.
    pub files: Vec<String>,
    /// Errors among the week's data problems.
    pub errors: usize,
}

/// The week of `req.week` (any day of it) from the month folder, written to
/// `<out>/<monday>周/`, recorded in the history file.
pub fn week(req: &WeekRequest, progress: &dyn Progress) -> super::Result<WeekDone> {
    Ok(week_inner(req, progress)?)
}

/// The job itself.
fn week_inner(req: &WeekRequest, progress: &dyn Progress) -> anyhow::Result<WeekDone> {
    let rules = Rules::load(req.rules.as_deref())?;
    let weekly = rules.weekly.clone();
    let day = crate::ingest::value::parse_date_text(&req.week)
        .ok_or_else(|| anyhow::anyhow!("--week “{}”不是有效日期，请写成 2026-10-12", req.week))?;
    let monday = monday_of(day);
    let as_of = req.as_of.unwrap_or_else(|| {
        let day = day_of_week(monday, weekly.digest.weekday);
        if weekly.digest.next_working_day {
            rules.calendar.on_or_after(day).value
        } else {
            day
        }
    });
    if as_of < monday {
        anyhow::bail!(
            "--as-of {as_of} 早于所选的周（{monday} 起）：统计截止日期应在该周之内或之后，请核对 --week 与 --as-of"
        );
    }
    let templates = req.templates.as_deref();
    let env = report::html::environment(templates)?;
    let input = req.input.as_path();
    let data = ingest(input, &rules).context("无法生成周报")?;
    not_a_month_folder(&data, &rules, input)?;
    let _lock = req.place.lock(progress)?;
    let mut history = req.place.open()?;
    let earlier = history.weekly_before(monday, &weekly.status)?;
    let result = compile_week(&WeekInput {
        rules: &weekly,
        calendar: &rules.calendar,
        data: &data,
        monday,
        as_of,
        earlier: &earlier,
        tables: &rules.tables,
    });
    // A folder without this week's reports would replace a recorded week with an empty one.
    let recorded = history.week_row_count(monday)?;
    if result.rows.is_empty() && result.no_problem_rows.is_empty() && recorded > 0 {
        anyhow::bail!(
            "{} 中没有 {monday} 这一周的问题周报，而历史中这一周已有 {recorded} 条问题记录；为免以空周报覆盖，未改动。请确认所选的周与报送材料目录是否对应",
            input.display()
        );
    }
    let label = week_label(monday);
    let name = report::weekly::title(&result);
    let files = vec![
        OutputFile::new(
            OutputKind::WeeklyWorkbook,
            format!("{name}.xlsx"),
            report::weekly::workbook(&result, &weekly).context("无法生成周报工作簿")?,
        ),
        OutputFile::new(
            OutputKind::WeeklyPage,
            format!("{name}.html"),
            report::weekly::html(&result, &weekly, &env)?.into_bytes(),
        ),
        OutputFile::new(
            OutputKind::WeeklyAgenda,
            format!("{}{}.docx", label, weekly.agenda.title),
            report::weekly_agenda::docx(&result, &weekly)
                .map_err(|e| anyhow::anyhow!("无法生成周例会议题：{e}"))?,
        ),
    ];
    let out = &req.place.out;
    // The week's rows commit only once its folder is in place: a failure of either changes
    // neither.
    let dir = history.record_week(
        monday,
        &result.rows,
        (
            as_of,
            &input.display().to_string(),
            &rules.source.fingerprint(),
        ),
        || {
            publish(out, &label, &files, progress)
                .with_context(|| format!("无法写入 {}", out.display()))
        },
    )?;
    Ok(WeekDone {
        summary: summary(&result, &weekly, &dir, &files),
        label,
        files: super::names(files),
        errors: result
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .count(),
    })
}

/// A folder holding neither the ledger nor any weekly report is no month's folder (a wrong
/// `--input`): its empty digest would be recorded as the week's.
fn not_a_month_folder(
    data: &crate::ingest::Dataset,
    rules: &Rules,
    input: &std::path::Path,
) -> anyhow::Result<()> {
    use crate::rules::TableRole;
    let read = |role: TableRole| {
        let id = rules.roles.table(role);
        data.files
            .iter()
            .any(|f| f.table.as_deref() == Some(id) && !f.unreadable)
    };
    if read(TableRole::Ledger) || read(TableRole::Weekly) {
        return Ok(());
    }
    let pattern = |role: TableRole| {
        let id = rules.roles.table(role);
        rules
            .tables
            .iter()
            .find(|t| t.id == id)
            .map(|t| format!("{}（{}）", t.title, t.patterns.join("、")))
            .unwrap_or_else(|| id.to_string())
    };
    anyhow::bail!(
        "{} 中既没有{}，也没有{}，未生成周报，未记入历史。请用 --input 指定本月报送材料所在的目录（含台账与 周报/）",
        input.display(),
        pattern(TableRole::Ledger),
        pattern(TableRole::Weekly)
    )
}

fn summary(r: &WeekResult, rules: &Weekly, dir: &std::path::Path, files: &[OutputFile]) -> String {
    let mut out = format!(
        "{}（应报日期 {}）: 本周报送问题 {} 条，在办问题 {} 个，本周已解决 {} 个\n",
        report::weekly::title(r),
        r.due,
        r.rows.len(),
        r.problems.iter().filter(|p| !p.solved).count(),
        r.problems.iter().filter(|p| p.solved).count()
    );
    if r.rows.is_empty() && r.no_problem_rows.is_empty() {
        out.push_str(&format!(
            "注意: 输入目录中没有 {} 这一周的问题周报（按文件名中的日期或填报日期）；请确认 --week 与 --input 是否对应\n",
            r.monday
        ));
    }
    for y in &r.due_missing_years {
        out.push_str(&format!(
            "注意: {y} 年节假日安排尚未收录，应报日期为暂定。{}\n",
            crate::calendar::how_to_add(*y)
        ));
    }
    for y in r
        .meeting_missing_years
        .iter()
        .filter(|y| !r.due_missing_years.contains(y))
    {
        out.push_str(&format!(
            "注意: {y} 年节假日安排尚未收录，周例会日期为暂定。{}\n",
            crate::calendar::how_to_add(*y)
        ));
    }
    out.push_str(&format!("\n周例会议题 {} 个:\n", r.meeting.len()));
    let rows: Vec<Vec<String>> = r
        .meeting
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                (i + 1).to_string(),
                p.project_name.clone(),
                p.category.clone(),
                p.leader.clone(),
                p.weeks_open.to_string(),
                p.meeting_reasons.join("；"),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "序号",
            "项目名称",
            "类别",
            "分管县领导",
            "挂账周数",
            "列入原因",
        ],
        &rows,
    ));
    let flagged: Vec<String> = r
        .reports
        .iter()
        .filter(|u| u.flagged)
        .map(|u| format!("{}（{}）", u.unit, u.label))
        .collect();
    out.push_str(&format!(
        "\n{}: {}\n",
        rules.deadline_name,
        if flagged.is_empty() {
            "无逾期".to_string()
        } else {
            flagged.join("、")
        }
    ));
    let errors = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    out.push_str(&format!(
        "数据问题 {} 个，其中错误 {errors} 个（详见“问题数据”页）\n",
        r.diagnostics.len()
    ));
    out.push_str(&super::listing(dir, files));
    out
}
