//! One month's assessment, from the input folder to the published outputs and history: the one
//! pipeline that `sanyipi run`, the local page, the tests and the benchmark all call.
//!
//! The history file is locked for the whole run; the input is read (files in parallel), the
//! month assessed against its history snapshot, every output rendered in memory, then staged,
//! recorded with its notice numbers, swapped in and marked published (see `onewriter`).

pub(crate) mod onewriter;

use crate::diagnostic::Severity;
use crate::engine::Month;
use crate::engine::assess::{Assessment, assess};
use crate::history::History;
use crate::ingest::ingest_month_with;
use crate::progress::Progress;
use crate::report;
use crate::rules::Rules;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What to assess and where the results go.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    pub rules: &'a Rules,
    /// The month's folder of submissions.
    pub input: &'a Path,
    pub month: Month,
    pub as_of: NaiveDate,
    /// The output folder: the month's outputs go to `<out>/<month>/`.
    pub out: &'a Path,
    /// The history file.
    pub history: &'a Path,
    /// Templates that replace the built-in ones, if any.
    pub templates: Option<&'a Path>,
    /// Assess again a month already recorded (the old record is kept as a revision).
    pub force: bool,
}

/// What a month's run produced: the assessment, its history revision, the output folder and
/// the files written there (name relative to it, bytes).
pub struct MonthRun {
    pub assessment: Assessment,
    pub revision: i64,
    pub dir: PathBuf,
    pub files: Vec<(String, Vec<u8>)>,
}

/// A month whose score formulas cannot be computed: the report says which and how to fix them.
#[derive(Debug)]
pub struct Unscorable(pub String);

impl std::fmt::Display for Unscorable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unscorable {}

/// Runs the monthly assessment of `job`, telling `progress` how far it has come.
pub fn run(job: &Job, progress: &dyn Progress) -> anyhow::Result<MonthRun> {
    let Job {
        rules,
        input,
        month,
        as_of,
        out,
        history,
        templates,
        force,
    } = *job;
    let env = report::html::environment(templates)?;
    std::fs::create_dir_all(out).with_context(|| format!("无法创建输出目录 {}", out.display()))?;
    let _lock = onewriter::lock(history)?;
    let mut history = History::open(history)?;
    for note in onewriter::repair(out, &history)? {
        eprintln!("{note}");
    }
    history.check_not_recorded(month, force)?;
    let data = ingest_month_with(input, rules, Some(month), progress).context("无法运行考核")?;
    if data.table(crate::rules::TableRole::Ledger).is_empty() {
        let problems: Vec<String> = data
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.to_string())
            .collect();
        anyhow::bail!(
            "{} 中没有可用的重大项目管理台账，无法考核，未写入任何文件。\n{}",
            input.display(),
            problems.join("\n")
        );
    }
    progress.stage("评分排名");
    let snapshot = history.snapshot(month)?;
    let a = assess(rules, &data, &snapshot, month, as_of);
    drop(data);
    if let Some(report) = unscorable(&a, rules) {
        return Err(Unscorable(report).into());
    }
    progress.stage("生成报表与通知");
    let files = outputs(&a, rules, &env, templates)?;
    progress.stage("写入输出");
    let m = month.to_string();
    let tmp = onewriter::stage(out, &m, &files)
        .with_context(|| format!("无法写入输出目录 {}", out.display()))?;
    history.publishing(Some(tmp.clone()));
    let revision = history.record(&a)?;
    onewriter::failpoint("recorded");
    let dir = onewriter::swap(out, &m, &tmp)
        .with_context(|| format!("无法写入输出目录 {}", out.display()))?;
    history.published(&m)?;
    onewriter::failpoint("published");
    Ok(MonthRun {
        assessment: a,
        revision,
        dir,
        files,
    })
}

/// Every output file of an assessed month, rendered in memory: the ranking workbook, the HTML
/// report, `run.json` and the notices.
pub fn outputs(
    a: &Assessment,
    rules: &Rules,
    env: &minijinja::Environment<'static>,
    templates: Option<&Path>,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    // The outputs are independent: rendered on every core, listed in a fixed order.
    let (workbook, (html, (json, notices))) = rayon::join(
        || {
            let notice_sheets = report::notice::sheets(a, rules);
            report::xlsx::workbook(a, rules, &notice_sheets).context("无法生成排名表")
        },
        || {
            rayon::join(
                || report::html::report(a, rules, env, templates),
                || rayon::join(|| report::json(a), || report::notice::files(a, rules, env)),
            )
        },
    );
    let mut files = vec![
        (report::workbook_name(a), workbook?),
        (report::html_name(a), html?.into_bytes()),
        ("run.json".to_string(), json.into_bytes()),
    ];
    files.extend(notices?);
    Ok(files)
}

/// Score formulas that failed for a part whose rule does not say how to score a failure
/// (`on_error`): the month cannot be scored, and nothing is written.
fn unscorable(a: &Assessment, rules: &Rules) -> Option<String> {
    let fatal: Vec<String> = a
        .rule_problems
        .iter()
        .filter(|p| {
            rules
                .scoring
                .parts
                .iter()
                .any(|q| q.id == p.rule && q.on_error.is_none())
        })
        .map(|p| {
            format!(
                "错误: {} 评分项 {} 在 {} 上无法计算: {}\n",
                p.rule_file, p.rule, p.subject, p.message
            )
        })
        .collect();
    if fatal.is_empty() {
        return None;
    }
    Some(format!(
        "{}评分公式无法计算，本月未评分，未写入任何文件。请修正 scoring.toml 中的公式，或为该评分项写 on_error = 分值 说明无法计算时的得分。\n",
        fatal.join("")
    ))
}
