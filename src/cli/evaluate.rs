//! `sanyipi evaluate --input FILE_OR_DIR [--year YYYY] [--out DIR] [--history FILE] [--rules DIR]
//! [--templates DIR]`: post-evaluation of completed projects (亩均效益综合评价) and the 应统未统
//! list; prints the results, writes the workbook and HTML page to `<out>/<year>年度后评估/` and
//! records the year's classes in history (replacing that year's, in one transaction).

use super::run::{OutArgs, publish};
use super::{OK, table};
use crate::engine::evaluate::{Evaluated, evaluate};
use crate::history::EvaluationClass;
use crate::ingest::{Dataset, ingest, ingest_file};
use crate::report;
use crate::rules::Rules;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 后评估基础数据表，或包含它的目录
    #[arg(long, value_name = "FILE_OR_DIR")]
    input: PathBuf,
    /// 评价年度（默认取目录名开头的年份，如 2026-10 → 2026）
    #[arg(long, value_name = "YYYY")]
    year: Option<i32>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let year = year_of(args.year, &args.input)?;
    let env = report::html::environment(args.templates.as_deref())?;
    let table = rules.evaluate.setup.table.clone();
    let data = read(&args.input, &rules).context("无法进行后评估")?;
    let schema = rules.table(&table);
    for d in &data.diagnostics {
        if schema.is_some_and(|t| t.matches(&d.location.file)) || data.records(&table).is_empty() {
            eprintln!("{d}");
        }
    }
    if data.records(&table).is_empty() {
        bail!(
            "{} 中没有读到后评估数据（{}）",
            args.input.display(),
            schema.map(|t| t.patterns.join("、")).unwrap_or_default()
        );
    }
    let _lock = args.out.lock()?;
    let mut history = args.out.open()?;
    let last = history.evaluation_classes(year - 1)?;
    let ev = evaluate(&rules, &data, year, &last);
    let title = report::evaluate::title(&ev);
    let files = vec![
        (
            format!("{title}.xlsx"),
            report::evaluate::workbook(&ev, &rules).context("无法生成后评估结果表")?,
        ),
        (
            format!("{title}.html"),
            report::evaluate::html(&ev, &rules, &env)?.into_bytes(),
        ),
    ];
    let dir = publish(&args.out.out, &format!("{year}年度后评估"), &files)
        .with_context(|| format!("无法写入 {}", args.out.out.display()))?;
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
    history.record_evaluation(year, &classes, &rules.source.fingerprint())?;
    print!("{}", summary(&ev, &rules, &dir, &files));
    Ok(OK)
}

/// Reads the post-evaluation rows: matched to the ledger when the folder has one, on their own
/// otherwise (a single file, or a folder without a ledger).
fn read(input: &Path, rules: &Rules) -> anyhow::Result<Dataset> {
    let table = &rules.evaluate.setup.table;
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
        .find(|t| t.id == rules.evaluate.setup.table)
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
    let folder = if input.is_dir() {
        Some(input)
    } else {
        input.parent()
    };
    let name = folder
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    name.get(..4)
        .and_then(|s| s.parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| {
            anyhow::anyhow!("无法从目录名“{name}”确定评价年度，请用 --year 指定，如 --year 2026")
        })
}

fn summary(ev: &Evaluated, rules: &Rules, dir: &Path, files: &[(String, Vec<u8>)]) -> String {
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
    let mut out = format!("{}\n\n", report::evaluate::title(ev));
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
        rules.evaluate.statistics.name,
        ev.statistics.len()
    ));
    for s in &ev.statistics {
        out.push_str(&format!("  {} {}\n", s.id, s.name));
    }
    out.push_str(&format!("\n输出目录: {}\n", dir.display()));
    for (name, _) in files {
        out.push_str(&format!("  {name}\n"));
    }
    out
}
