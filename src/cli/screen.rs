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
use std::path::PathBuf;

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
    let as_of = as_of_date(args.as_of.as_deref())?;
    let env = report::html::environment(args.templates.as_deref())?;
    let table = &rules.screening.setup.table;
    let data = if args.input.is_dir() {
        ingest(&args.input, &rules)
    } else {
        ingest_file(&args.input, table, &rules)
    }
    .context("无法预审")?;
    for d in &data.diagnostics {
        if d.location.file.contains("招商") || data.records(table).is_empty() {
            eprintln!("{d}");
        }
    }
    let leads_read = data.records(table);
    if leads_read.is_empty() {
        bail!(
            "{} 中没有读到招商项目（{}）",
            args.input.display(),
            rules
                .table(table)
                .map(|t| t.patterns.join("、"))
                .unwrap_or_default()
        );
    }
    let leads = screen(&rules, &data, as_of);
    let files = vec![
        (
            "招商项目预审结果.xlsx".to_string(),
            report::screening::workbook(&leads, as_of).context("无法生成预审结果表")?,
        ),
        (
            "招商项目预审结果.html".to_string(),
            report::screening::html(&leads, &rules, as_of, &env)?.into_bytes(),
        ),
    ];
    let dir = publish(&args.out, "预审", &files)
        .with_context(|| format!("无法写入 {}", args.out.display()))?;
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
    println!("招商项目预审（预审日期 {as_of}）\n");
    print!(
        "{}",
        table::render(
            &["序号", "项目名称", "产业", "结论", "未通过或待核实"],
            &rows
        )
    );
    let review = report::screening::review_list(&leads);
    println!(
        "\n会审名单（{} 个）:",
        review.iter().map(|(_, v)| v.len()).sum::<usize>()
    );
    for (industry, group) in &review {
        println!(
            "  {industry}: {}",
            group
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    println!("\n输出目录: {}", dir.display());
    for (name, _) in &files {
        println!("  {name}");
    }
    Ok(OK)
}
