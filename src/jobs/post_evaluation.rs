//! Post-evaluation of completed projects (亩均效益综合评价) and the 应统未统 list (`sanyipi
//! evaluate`): writes the workbook and HTML page to `<out>/<year>年度后评估/` and records the
//! year's classes in history (replacing that year's, in one transaction).

use super::publish::publish;
use super::{Place, table};
use crate::engine::post_evaluation::{Evaluated, evaluate};
use crate::history::EvaluationClass;
use crate::ingest::{Dataset, ingest, ingest_file};
use crate::progress::Progress;
use crate::report::{self, OutputFile, OutputKind};
use crate::rules::Rules;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The base data of the post-evaluation to read, and the year.
#[derive(Debug, Clone)]
pub struct PostEvaluationRequest {
    /// The 后评估基础数据 file, or a folder holding it (with the ledger, to match).
    pub input: PathBuf,
    /// Default: the year the folder's name starts with.
    pub year: Option<i32>,
    /// The date of the 函 to the statistics bureau; without it the date is left for the clerk.
    pub issue_date: Option<chrono::NaiveDate>,
    pub place: Place,
    pub rules: Option<PathBuf>,
    pub templates: Option<PathBuf>,
}

/// What the post-evaluation found and wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostEvaluated {
    pub dir: PathBuf,
    pub files: Vec<String>,
    /// What `sanyipi evaluate` prints.
    pub summary: String,
    /// Errors in the data (their rows are not graded).
    pub errors: usize,
}

/// Evaluates the year's completed projects of `req`; the diagnostics about the data go to
/// `progress` as notes.
pub fn post_evaluate(
    req: &PostEvaluationRequest,
    progress: &dyn Progress,
) -> super::Result<PostEvaluated> {
    Ok(post_evaluate_inner(req, progress)?)
}

/// The job itself.
fn post_evaluate_inner(
    req: &PostEvaluationRequest,
    progress: &dyn Progress,
) -> anyhow::Result<PostEvaluated> {
    let rules = Rules::load(req.rules.as_deref())?;
    let input = req.input.as_path();
    let year = year_of(req.year, input)?;
    let templates = req.templates.as_deref();
    let env = report::html::environment(templates)?;
    let table = rules.post_evaluation.setup.table.clone();
    let data = read(input, &rules).context("无法进行后评估")?;
    let schema = rules.table(&table);
    let mut errors = 0;
    for d in &data.diagnostics {
        if schema.is_some_and(|t| t.matches(&d.location.file)) || data.records(&table).is_empty() {
            progress.note(&d.to_string());
            errors += usize::from(d.severity == crate::diagnostic::Severity::Error);
        }
    }
    if data.records(&table).is_empty() {
        let patterns = schema.map(|t| t.patterns.join("、")).unwrap_or_default();
        let title = schema.map(|t| t.title.as_str()).unwrap_or_default();
        anyhow::bail!(
            "{} 中没有读到后评估数据（{patterns}），未评价，输出目录未改动。请用 --input 给出{title}表（文件名如 {patterns}），或包含它的目录",
            input.display(),
        );
    }
    let _lock = req.place.lock(progress)?;
    let mut history = req.place.open()?;
    let last = history.evaluation_classes(year - 1)?;
    let ev = evaluate(&rules, &data, year, &last);
    let title = report::post_evaluation::title(&ev);
    let mut files = vec![
        OutputFile::new(
            OutputKind::PostEvaluationWorkbook,
            format!("{title}.xlsx"),
            report::post_evaluation::workbook(&ev, &rules).context("无法生成后评估结果表")?,
        ),
        OutputFile::new(
            OutputKind::PostEvaluationPage,
            format!("{title}.html"),
            report::post_evaluation::html(&ev, &rules, &env)?.into_bytes(),
        ),
    ];
    if let Some(d) = req.issue_date.filter(|d| !rules.calendar.is_working(*d)) {
        progress.note(&format!(
            "警告：函的成文日期 {d}（{}）不是工作日，仍按此日期落款；如非有意，请用 --issue-date 改为工作日（如 {}）",
            super::workdays::describe(&rules.calendar, d),
            rules.calendar.on_or_after(d).value
        ));
    }
    if let Some((stem, doc)) = report::evaluation_letter::document(&ev, &rules, req.issue_date) {
        let bytes = report::notice_docx::write(&doc)
            .map_err(|e| anyhow::anyhow!("无法生成 {stem}.docx: {e}"))?;
        files.push(OutputFile::new(
            OutputKind::PostEvaluationLetter,
            format!("{stem}.docx"),
            bytes,
        ));
    }
    let out = &req.place.out;
    let classes: Vec<EvaluationClass> = ev
        .projects
        .iter()
        .map(|p| EvaluationClass {
            project: p.id.clone(),
            name: p.name.clone(),
            score: p.score,
            class: p.class.clone(),
        })
        .collect();
    let replaced = !history.evaluation_classes(year)?.is_empty();
    // The classes commit only once the year's folder is in place: a failure of either changes
    // neither.
    let dir = history.record_evaluation(year, &classes, &rules.source.fingerprint(), || {
        publish(out, &format!("{year}年度后评估"), &files, progress)
            .with_context(|| format!("无法写入 {}", out.display()))
    })?;
    if let Some(note) = other_year_note(input, year, replaced) {
        progress.note(&note);
    }
    let mut text = summary(&ev, &rules, &dir, &files);
    if errors > 0 {
        text.push_str(&format!(
            "\n数据问题: 错误 {errors} 个（见上方；未采用的行未参加评价），请更正后重新评价\n"
        ));
    }
    Ok(PostEvaluated {
        summary: text,
        dir,
        files: super::names(files),
        errors,
    })
}

/// Reads the post-evaluation rows: matched to the ledger when the folder has one, on their own
/// otherwise (a single file, or a folder without a ledger).
fn read(input: &Path, rules: &Rules) -> anyhow::Result<Dataset> {
    let table = &rules.post_evaluation.setup.table;
    if input.is_dir() {
        let data = ingest(input, rules)?;
        let matched_to = rules
            .table(table)
            .and_then(|t| t.matching.as_ref())
            .map(|m| m.table.clone());
        match matched_to {
            Some(ledger) if data.records(&ledger).is_empty() => {
                Ok(ingest(input, &unmatched(rules))?)
            }
            _ => Ok(data),
        }
    } else {
        Ok(ingest_file(input, table, &unmatched(rules))?)
    }
}

/// The rules with the post-evaluation table read on its own, not matched to the ledger.
fn unmatched(rules: &Rules) -> Rules {
    let mut r = rules.clone();
    if let Some(t) = r
        .tables
        .iter_mut()
        .find(|t| t.id == rules.post_evaluation.setup.table)
    {
        t.matching = None;
    }
    r
}

/// `--year`, else the year the input folder's name (or the file's folder's name) starts with.
fn year_of(arg: Option<i32>, input: &Path) -> anyhow::Result<i32> {
    if let Some(y) = arg {
        return Ok(y);
    }
    folder_year(input).ok_or_else(|| {
        anyhow::anyhow!(
            "无法从目录名“{}”确定评价年度，请用 --year 指定，如 --year 2026",
            folder_name(input)
        )
    })
}

/// The folder holding the data: `input` itself, or the file's folder.
fn folder_name(input: &Path) -> String {
    let folder = if input.is_dir() {
        Some(input)
    } else {
        input.parent()
    };
    folder
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The year the data's folder is named for (`2026`, `2026-10`, `2026年度`), if it is.
fn folder_year(input: &Path) -> Option<i32> {
    folder_name(input)
        .get(..4)
        .and_then(|s| s.parse::<i32>().ok())
        .filter(|y| super::WORK_YEARS.contains(y))
}

/// A `--year` other than the year the folder is named for: said, and that the year's earlier
/// results in history (`replaced`) are replaced by these.
fn other_year_note(input: &Path, year: i32, replaced: bool) -> Option<String> {
    let named = folder_year(input).filter(|&y| y != year)?;
    let replaced = if replaced {
        format!("；历史记录中 {year} 年原有的评价结果已被本次结果替换")
    } else {
        String::new()
    };
    Some(format!(
        "注意: 按 --year {year} 评价，但数据所在目录“{}”是 {named} 年的{replaced}。如年度有误，请用 --year {named} 重新评价",
        folder_name(input)
    ))
}

fn summary(ev: &Evaluated, rules: &Rules, dir: &Path, files: &[OutputFile]) -> String {
    let rows: Vec<Vec<String>> = ev
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                (i + 1).to_string(),
                p.id.clone(),
                p.name.clone(),
                p.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
                p.class.clone(),
                p.last_class.clone().unwrap_or_default(),
                p.reasons.join("；"),
            ]
        })
        .collect();
    let mut out = format!("{}\n\n", report::post_evaluation::title(ev));
    out.push_str(&table::render(
        &[
            "序号",
            "项目编号",
            "企业名称",
            "综合得分",
            "等级",
            "上年等级",
            "说明",
        ],
        &rows,
    ));
    let counts: Vec<String> = ev
        .counts
        .iter()
        .map(|(c, n)| format!("{c} {n} 个"))
        .collect();
    out.push_str(&format!("\n等级分布: {}\n", counts.join("，")));
    out.push_str(&format!(
        "\n{}（{} 个）:\n",
        rules.post_evaluation.statistics.name,
        ev.statistics.len()
    ));
    for s in &ev.statistics {
        out.push_str(&format!("  {} {}\n", s.id, s.name));
    }
    out.push_str(&super::listing(dir, files));
    out
}
