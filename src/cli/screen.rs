//! `sanyipi screen --input FILE_OR_DIR [--as-of DATE] [--out DIR] [--rules DIR] [--templates DIR]`:
//! pre-screening of project leads on 两守、两防、四关; prints the results and writes the workbook
//! and HTML page to `<out>/预审/`.

use super::input::as_of_date;
use super::run::publish;
use super::{OK, table};
use crate::engine::screening::screen;
use crate::ingest::{ingest, ingest_file};
use crate::report;
use crate::rules::Rules;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 招商项目信息汇总表，或包含它的目录
    #[arg(long, value_name = "FILE_OR_DIR")]
    input: PathBuf,
    /// 预审日期（默认今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 输出目录（默认 ./out）
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let done = screen_leads(
        &rules,
        &args.input,
        args.as_of.as_deref(),
        &args.out,
        args.templates.as_deref(),
        |d| eprintln!("{d}"),
    )?;
    print!("{}", done.summary);
    Ok(OK)
}

/// What one screening wrote and says.
pub(crate) struct Screened {
    /// What `screen` prints on stdout.
    pub summary: String,
    /// The folder below `--out` the files are in.
    pub folder: String,
    /// The files written there, by name.
    pub files: Vec<String>,
}

/// `sanyipi screen` without the printing (also what the local page calls): screens the leads of
/// `input` (a file or a folder), writes the workbook and page to `<out>/预审/`; the diagnostics
/// about the leads file go to `note` as they come.
pub(crate) fn screen_leads(
    rules: &Rules,
    input: &Path,
    as_of: Option<&str>,
    out: &Path,
    templates: Option<&Path>,
    mut note: impl FnMut(&crate::diagnostic::Diagnostic),
) -> anyhow::Result<Screened> {
    let as_of = as_of_date(as_of)?;
    let env = report::html::environment(templates)?;
    let table = &rules.screening.setup.table;
    let data = if input.is_dir() {
        ingest(input, rules)
    } else {
        ingest_file(input, table, rules)
    }
    .context("无法预审")?;
    for d in &data.diagnostics {
        if d.location.file.contains("招商") || data.records(table).is_empty() {
            note(d);
        }
    }
    let leads_read = data.records(table);
    if leads_read.is_empty() {
        bail!(
            "{} 中没有读到招商项目（{}）",
            input.display(),
            rules
                .table(table)
                .map(|t| t.patterns.join("、"))
                .unwrap_or_default()
        );
    }
    let leads = screen(rules, &data, as_of);
    let files = vec![
        (
            "招商项目预审结果.xlsx".to_string(),
            report::screening::workbook(&leads, as_of).context("无法生成预审结果表")?,
        ),
        (
            "招商项目预审结果.html".to_string(),
            report::screening::html(&leads, rules, as_of, &env)?.into_bytes(),
        ),
    ];
    let folder = "预审";
    let dir =
        publish(out, folder, &files).with_context(|| format!("无法写入 {}", out.display()))?;
    let rows: Vec<Vec<String>> = leads
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.name.clone(),
                l.industry.clone(),
                l.outcome_label.clone(),
                l.findings
                    .iter()
                    .map(|f| format!("{}·{}", f.group, f.name))
                    .collect::<Vec<_>>()
                    .join("、"),
            ]
        })
        .collect();
    let mut text = format!("招商项目预审（预审日期 {as_of}）\n\n");
    text.push_str(&table::render(
        &["序号", "项目名称", "产业", "结论", "未通过或待核实"],
        &rows,
    ));
    let review = report::screening::review_list(&leads);
    text.push_str(&format!(
        "\n会审名单（{} 个）:\n",
        review.iter().map(|(_, v)| v.len()).sum::<usize>()
    ));
    for (industry, group) in &review {
        text.push_str(&format!(
            "  {industry}: {}\n",
            group
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    text.push_str(&format!("\n输出目录: {}\n", dir.display()));
    for (name, _) in &files {
        text.push_str(&format!("  {name}\n"));
    }
    Ok(Screened {
        summary: text,
        folder: folder.to_string(),
        files: files.into_iter().map(|(n, _)| n).collect(),
    })
}
