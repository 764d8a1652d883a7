//! `sanyipi explain --month YYYY-MM (--project ID | --unit NAME) [--out DIR]`: how each score
//! part and finding came about — the rule (file and line), the inputs with their cells, the result.

use super::OK;
use super::run::OutArgs;
use crate::rules::Rules;
use anyhow::{Context, bail};
use serde_json::Value as J;
use std::path::PathBuf;

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

fn s(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => "—".into(),
        J::Number(n) => n
            .as_f64()
            .map(crate::ingest::value::format_number)
            .unwrap_or_default(),
        J::Bool(b) => (if *b { "是" } else { "否" }).into(),
        other => other.to_string(),
    }
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
    let run: J =
        serde_json::from_str(&text).with_context(|| format!("{} 已损坏", path.display()))?;
    let rules = Rules::load(args.rules.as_deref())?;
    let label = |field: &str| -> String {
        for t in ["ledger", "monthly"] {
            if let Some(f) = rules.table(t).and_then(|t| t.field(field)) {
                return f.label.clone();
            }
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
        let Some(p) = run["projects"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["id"] == J::String(id.clone()))
        else {
            bail!("{} 的考核结果中没有项目 {id}", args.month);
        };
        out.push_str(&format!(
            "{} {}（责任单位: {}）{} 考核得分 {}\n",
            s(&p["id"]),
            s(&p["name"]),
            s(&p["unit"]),
            args.month,
            s(&p["total"])
        ));
        for n in p["notes"].as_array().into_iter().flatten() {
            out.push_str(&format!("说明: {}\n", s(n)));
        }
        out.push_str("\n输入:\n");
        for i in p["inputs"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  {} = {}    来自 {}\n",
                label(&s(&i["name"])),
                s(&i["value"]),
                s(&i["source"])
            ));
        }
        out.push_str("\n评分:\n");
        for part in p["parts"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  {}: {} / {} 分\n    规则 {}: {}\n",
                s(&part["name"]),
                s(&part["score"]),
                s(&part["points"]),
                s(&part["rule"]),
                s(&part["formula"])
            ));
        }
        out.push_str("\n期限:\n");
        for d in run["deadlines"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["project"] == J::String(id.clone()))
        {
            let item = if d["item"].is_null() {
                String::new()
            } else {
                format!(" {}", s(&d["item"]))
            };
            let days = if d["workdays"].is_null() {
                String::new()
            } else {
                format!("（{} 个工作日）", s(&d["workdays"]))
            };
            out.push_str(&format!(
                "  {}{}: 起算 {}，到期 {}，完成 {}，{}{}    规则 {}，起算日来自 {}\n",
                s(&d["rule_name"]),
                item,
                s(&d["from"]),
                s(&d["due"]),
                s(&d["met_on"]),
                s(&d["status_label"]),
                days,
                s(&d["rule"]),
                s(&d["source"])
            ));
        }
    } else if let Some(unit) = &args.unit {
        let Some(u) = run["units"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|u| u["unit"] == J::String(unit.clone()))
        else {
            bail!("{} 的考核结果中没有单位 {unit}", args.month);
        };
        out.push_str(&format!(
            "{unit} {} 得分 {}，第 {} 名",
            args.month,
            s(&u["score"]),
            s(&u["rank"])
        ));
        if u["bottom"] == J::Bool(true) {
            out.push_str(&format!(
                "，排名后{}位（连续 {} 个月）",
                rules.scoring.score.bottom_n,
                s(&u["streak"])
            ));
        }
        out.push('\n');
        out.push_str(&format!(
            "单位得分 = 所负责 {} 个项目得分的{}（规则 {}）\n\n",
            s(&u["projects"]),
            match rules.scoring.score.aggregate {
                crate::rules::Aggregate::Mean => "平均值",
                crate::rules::Aggregate::Sum => "合计",
                crate::rules::Aggregate::Min => "最低值",
            },
            rules.scoring.file
        ));
        for p in run["projects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["unit"] == J::String(unit.clone()))
        {
            let parts: Vec<String> = p["parts"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| format!("{} {}", s(&x["name"]), s(&x["score"])))
                .collect();
            out.push_str(&format!(
                "  {} {}: {} 分（{}）\n",
                s(&p["id"]),
                s(&p["name"]),
                s(&p["total"]),
                parts.join("，")
            ));
        }
        for e in u["evidence"].as_array().into_iter().flatten() {
            out.push_str(&format!("\n处理: {}\n", s(e)));
        }
        out.push_str("\n逐项说明请用 sanyipi explain --month ... --project 项目编号\n");
    }
    print!("{out}");
    Ok(OK)
}
