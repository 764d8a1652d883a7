//! `sanyipi history import FILE` seeds months from before the tool; `sanyipi history show
//! [--unit U]` lists what is recorded.

use super::run::OutArgs;
use super::{OK, table};
use crate::engine::Month;
use crate::engine::streak::{StreakRule, rankings_from_import};
use crate::ingest::ingest_file;
use crate::rules::{FieldRole as F, Rules, TableRole};
use anyhow::{Context, bail};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// 导入使用本工具之前的月度排名（如 历史排名.xlsx）
    Import {
        /// 历史排名表（列：考核月份、单位、得分、名次）
        file: PathBuf,
        #[command(flatten)]
        out: OutArgs,
        /// 规则目录（默认使用内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// 月份已有记录时仍导入（原记录保留为历史版本）
        #[arg(long)]
        force: bool,
    },
    /// 列出已记录的月度排名
    Show {
        #[command(flatten)]
        out: OutArgs,
        /// 只看某个单位
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<i32> {
    match cmd {
        Command::Import {
            file,
            out,
            rules,
            force,
        } => import(file, out, rules, force),
        Command::Show { out, unit } => show(out, unit),
    }
}

fn import(file: PathBuf, out: OutArgs, rules: Option<PathBuf>, force: bool) -> anyhow::Result<i32> {
    let rules = Rules::load(rules.as_deref())?;
    let data = ingest_file(&file, rules.roles.table(TableRole::History), &rules)
        .context("无法导入历史排名")?;
    let errors: Vec<String> = data
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    if !errors.is_empty() {
        bail!("历史排名文件有错误，未导入:\n{}", errors.join("\n"));
    }
    let mut rows = Vec::new();
    let field = |role| rules.roles.field(role);
    for r in data.table(TableRole::History) {
        let text = r
            .get(field(F::Month))
            .map(|v| v.to_string())
            .unwrap_or_default();
        let month = Month::parse(&text).or_else(|| {
            crate::ingest::value::parse_date_text(&format!("{text}-01")).map(Month::of)
        });
        let Some(month) = month else {
            bail!(
                "{}: 考核月份“{text}”应写成 2026-06",
                r.cell_ref(field(F::Month))
            );
        };
        let unit = r.text(field(F::Unit)).unwrap_or("").to_string();
        let score = r.number(field(F::Score)).unwrap_or(0.0);
        let rank = r
            .get(field(F::Rank))
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as u32;
        rows.push((month, unit, score, rank));
    }
    let _lock = out.lock()?;
    let mut history = out.open()?;
    let first = rows.iter().map(|r| r.0).min();
    let earlier = match first {
        Some(m) => history.rankings_before(m)?,
        None => Default::default(),
    };
    let rule = StreakRule::of(&rules);
    let months = rankings_from_import(&rows, rules.scoring.score.bottom_n, rule.as_ref(), &earlier);
    for m in months.keys() {
        history.check_not_recorded(*m, force)?;
    }
    let n = history.import(&months, &rules.source.fingerprint())?;
    let names: Vec<String> = months.keys().map(|m| m.to_string()).collect();
    println!(
        "已导入 {} 共 {} 条单位排名到 {}",
        names.join("、"),
        n,
        out.history_path().display()
    );
    Ok(OK)
}

fn show(out: OutArgs, unit: Option<String>) -> anyhow::Result<i32> {
    let path = out.history_path();
    if !path.exists() {
        bail!(
            "尚无历史记录 {}：先运行 sanyipi run 或 sanyipi history import",
            path.display()
        );
    }
    let history = out.open()?;
    let runs = history.runs()?;
    let units = history.units(unit.as_deref())?;
    if units.is_empty() {
        println!(
            "没有记录{}。",
            unit.map(|u| format!("（单位 {u}）")).unwrap_or_default()
        );
        return Ok(OK);
    }
    let rows: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            let source = runs
                .iter()
                .find(|r| r.month == u.month && r.revision == u.revision)
                .map(|r| {
                    if r.source == "import" {
                        "导入".to_string()
                    } else {
                        format!("截止 {}", r.as_of)
                    }
                })
                .unwrap_or_default();
            vec![
                u.month.clone(),
                format!("第{}版 {source}", u.revision),
                u.unit.clone(),
                format!("{:.2}", u.score),
                u.rank.to_string(),
                if u.bottom {
                    "是".into()
                } else {
                    String::new()
                },
                if u.streak > 0 {
                    u.streak.to_string()
                } else {
                    String::new()
                },
                u.penalties.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                "月份", "版本", "单位", "得分", "名次", "后位", "连续", "处理"
            ],
            &rows
        )
    );
    let revisions: Vec<String> = runs
        .iter()
        .filter(|r| r.revision > 1)
        .map(|r| format!("{} 第{}版", r.month, r.revision))
        .collect();
    if !revisions.is_empty() {
        println!(
            "\n另有重新运行的版本: {}（以最新版本为准，旧版本保留）",
            revisions.join("、")
        );
    }
    Ok(OK)
}
