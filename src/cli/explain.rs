//! `sanyipi explain --month YYYY-MM (--project ID | --unit NAME) [--out DIR]`: how each score
//! part and finding came about — the rule (file and line), the inputs with their cells, the result.

use super::OK;
use super::run::OutArgs;
use crate::engine::DeadlineRow;
use crate::engine::assess::{ProjectScore, UnitScore};
use crate::ingest::value::format_number;
use crate::rules::Rules;
use anyhow::{Context, bail};
use std::path::PathBuf;

/// The parts of a month's `run.json` that `explain` reads.
#[derive(Debug, serde::Deserialize)]
struct RunJson {
    projects: Vec<ProjectScore>,
    units: Vec<UnitScore>,
    deadlines: Vec<DeadlineRow>,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 考核月份 YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 项目编号
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "unit",
        required_unless_present = "unit"
    )]
    project: Option<String>,
    /// 单位名称
    #[arg(long, value_name = "单位")]
    unit: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（用于显示字段名称）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

/// An optional value as shown to users: "—" when missing.
fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let path = args.out.out.join(&args.month).join("run.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "找不到 {}：请先运行 sanyipi run --month {}",
            path.display(),
            args.month
        )
    })?;
    let run: RunJson =
        serde_json::from_str(&text).with_context(|| format!("{} 已损坏", path.display()))?;
    let rules = Rules::load(args.rules.as_deref())?;
    let label = |field: &str| -> String {
        if let Some(label) = rules.input_label(field) {
            return label.to_string();
        }
        match field {
            "start_status" => "开工期限".into(),
            "report_status" => "月报报送".into(),
            "procedures" => "前期手续按时/总数".into(),
            other => other.into(),
        }
    };
    let mut out = String::new();
    if let Some(id) = &args.project {
        let Some(p) = run.projects.iter().find(|p| &p.id == id) else {
            bail!("{} 的考核结果中没有项目 {id}", args.month);
        };
        out.push_str(&format!(
            "{} {}（责任单位: {}）{} 考核得分 {}\n",
            p.id,
            p.name,
            p.unit,
            args.month,
            format_number(p.total)
        ));
        for n in &p.notes {
            out.push_str(&format!("说明: {n}\n"));
        }
        out.push_str("\n输入:\n");
        for i in &p.inputs {
            out.push_str(&format!(
                "  {} = {}    来自 {}\n",
                label(&i.name),
                i.value,
                i.source
            ));
        }
        out.push_str("\n评分:\n");
        for part in &p.parts {
            out.push_str(&format!(
                "  {}: {} / {} 分\n    规则 {}: {}\n",
                part.name,
                format_number(part.score),
                format_number(part.points),
                part.rule,
                part.formula
            ));
        }
        out.push_str("\n期限:\n");
        for d in run
            .deadlines
            .iter()
            .filter(|d| d.project.as_deref() == Some(id.as_str()))
        {
            let item = d.item.as_ref().map(|i| format!(" {i}")).unwrap_or_default();
            let days = d
                .workdays
                .map(|w| format!("（{w} 个工作日）"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}{}: 起算 {}，到期 {}，完成 {}，{}{}    规则 {}，起算日来自 {}\n",
                d.rule_name,
                item,
                or_dash(d.from),
                or_dash(d.due),
                or_dash(d.met_on),
                d.status_label,
                days,
                d.rule,
                d.source
            ));
        }
    } else if let Some(unit) = &args.unit {
        let Some(u) = run.units.iter().find(|u| &u.unit == unit) else {
            bail!("{} 的考核结果中没有单位 {unit}", args.month);
        };
        out.push_str(&format!(
            "{unit} {} 得分 {}，第 {} 名",
            args.month,
            format_number(u.score),
            u.rank
        ));
        if u.bottom {
            out.push_str(&format!(
                "，排名后{}位（连续 {} 个月）",
                rules.scoring.score.bottom_n, u.streak
            ));
        }
        out.push('\n');
        out.push_str(&format!(
            "单位得分 = 所负责 {} 个项目得分的{}（规则 {}）\n\n",
            u.projects,
            match rules.scoring.score.aggregate {
                crate::rules::Aggregate::Mean => "平均值",
                crate::rules::Aggregate::Sum => "合计",
                crate::rules::Aggregate::Min => "最低值",
            },
            rules.scoring.file
        ));
        for p in run.projects.iter().filter(|p| &p.unit == unit) {
            let parts: Vec<String> = p
                .parts
                .iter()
                .map(|x| format!("{} {}", x.name, format_number(x.score)))
                .collect();
            out.push_str(&format!(
                "  {} {}: {} 分（{}）\n",
                p.id,
                p.name,
                format_number(p.total),
                parts.join("，")
            ));
        }
        for e in &u.evidence {
            out.push_str(&format!("\n处理: {e}\n"));
        }
        out.push_str("\n逐项说明请用 sanyipi explain --month ... --project 项目编号\n");
    }
    print!("{out}");
    Ok(OK)
}
