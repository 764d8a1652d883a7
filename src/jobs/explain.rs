//! How each score part and finding of a month came about (`sanyipi explain`): the rule (file
//! and line), the inputs with their cells, the result. Reads history only: the month's results
//! as recorded, never its output folder.

use super::Place;
use crate::engine::recorded::MonthDetail;
use crate::ingest::value::format_number;
use crate::rules::Rules;
use anyhow::bail;
use std::path::PathBuf;

/// What to explain.
#[derive(Debug, Clone)]
pub enum Subject {
    Project(String),
    Unit(String),
}

/// A project or a unit of a recorded month.
#[derive(Debug, Clone)]
pub struct ExplainRequest {
    pub month: String,
    pub subject: Subject,
    pub place: Place,
    /// The rules, for the names of fields.
    pub rules: Option<PathBuf>,
}

/// The explanation `sanyipi explain` prints.
pub fn explain(req: &ExplainRequest) -> super::Result<String> {
    Ok(explain_inner(req)?)
}

/// What can be asked for instead of a name not found: the first `shown` of `names`.
fn some_of(what: &str, names: &[&str], shown: usize) -> String {
    if names.is_empty() {
        return "本月没有记录任何结果".to_string();
    }
    let more = if names.len() > shown {
        format!(" 等，共 {} 个", names.len())
    } else {
        String::new()
    };
    let first: Vec<&str> = names.iter().take(shown).copied().collect();
    format!("{what}: {}{more}", first.join("、"))
}

/// An optional value as shown to users: "—" when missing.
fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
}

fn explain_inner(req: &ExplainRequest) -> anyhow::Result<String> {
    let path = req.place.history_path();
    if !path.exists() {
        bail!(
            "尚无历史记录 {}：请先运行 sanyipi run --month {}",
            path.display(),
            req.month
        );
    }
    let history = req.place.read()?;
    let Some(run) = history.month_detail(&req.month)? else {
        match history.latest(&req.month)? {
            None => bail!(
                "历史记录 {} 中没有 {} 的考核结果：请先运行 sanyipi run --month {}",
                path.display(),
                req.month,
                req.month
            ),
            Some(r) if r.source == "import" => bail!(
                "{} 的排名是用 sanyipi history import 导入的，没有逐项得分可供说明",
                req.month
            ),
            Some(_) => bail!(
                "{} 的考核结果由旧版本 sanyipi 记录，历史记录中没有逐项说明所需的明细；请用 sanyipi run --month {} --force 重新记录（原记录保留为历史版本）",
                req.month,
                req.month
            ),
        }
    };
    let rules = Rules::load(req.rules.as_deref())?;
    let label = |field: &str| -> String {
        if let Some(label) = rules.input_label(field) {
            return label.to_string();
        }
        rules
            .scoring
            .labels
            .get(field)
            .cloned()
            .unwrap_or_else(|| field.into())
    };
    match &req.subject {
        Subject::Project(id) => {
            let precision = rules.scoring.score.precision;
            // A deadline rule by where it is written: `rules/deadlines.toml 的 start_after_signing`.
            let rule_at = |rule: &str| -> String {
                let file = rules
                    .deadlines
                    .rules
                    .iter()
                    .find(|r| r.id == rule)
                    .map(|r| r.file.as_str())
                    .unwrap_or(rules.notices.file.as_str());
                format!("{file} 的 {rule}")
            };
            let (mut out, id) = project(&run, id, &req.month, precision, &label, &rule_at)?;
            out.push_str(&card_line(req, &id));
            Ok(out)
        }
        Subject::Unit(unit) => unit_text(&run, unit, &req.month, &rules),
    }
}

/// Where the project's card (项目档案) of the month is written. Only the path: `explain` reads
/// history, never the output folder.
fn card_line(req: &ExplainRequest, id: &str) -> String {
    let Some(month) = crate::calendar::Month::parse(&req.month) else {
        return String::new();
    };
    let path = req
        .place
        .out
        .join(&req.month)
        .join(crate::report::cards_file(month));
    format!("\n项目档案: {}#{id}\n", path.display())
}

/// How a project's score and deadlines came about, with the project's code as recorded.
fn project(
    run: &MonthDetail,
    id: &str,
    month: &str,
    precision: u32,
    label: &dyn Fn(&str) -> String,
    rule_at: &dyn Fn(&str) -> String,
) -> anyhow::Result<(String, String)> {
    let mut out = String::new();
    // A code as typed: full-width letters, spaces or lower case do not matter.
    let key = |code: &str| crate::text::key(code).to_ascii_uppercase();
    let wanted = key(id);
    let Some(p) = run.projects.iter().find(|p| key(&p.id) == wanted) else {
        let ids: Vec<&str> = run.projects.iter().map(|p| p.id.as_str()).collect();
        anyhow::bail!(
            "{} 的考核结果中没有项目 {id}。{}",
            month,
            some_of("项目编号", &ids, 10)
        );
    };
    let id = p.id.as_str();
    out.push_str(&format!(
        "{} {}（责任单位: {}）{} 考核得分 {}\n",
        p.id,
        p.name,
        p.unit,
        month,
        format_number(crate::engine::ranking::round(p.total, precision))
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
            "  {}: {} / {} 分\n    {}: {}\n",
            part.name,
            format_number(part.score),
            format_number(part.points),
            crate::rules::cited(&part.rule),
            part.formula
        ));
    }
    out.push_str("\n期限:\n");
    for d in run
        .findings
        .iter()
        .filter(|d| d.project.as_deref() == Some(id))
    {
        let item = d.item.as_ref().map(|i| format!(" {i}")).unwrap_or_default();
        let days = d
            .workdays
            .map(|w| format!("（{w} 个工作日）"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}{}: 起算 {}，到期 {}，完成 {}，{}{}    {}，起算日来自 {}\n",
            or_dash(d.rule_name.as_ref()),
            item,
            or_dash(d.from.as_ref()),
            or_dash(d.due.as_ref()),
            or_dash(d.met_on.as_ref()),
            or_dash(d.status_label.as_ref()),
            days,
            crate::rules::cited(&rule_at(&d.rule)),
            or_dash(d.source.as_ref())
        ));
    }
    Ok((out, id.to_string()))
}

/// How a unit's score, rank and penalties came about.
fn unit_text(run: &MonthDetail, unit: &str, month: &str, rules: &Rules) -> anyhow::Result<String> {
    let mut out = String::new();
    // A unit as the clerk may write it: an alias, or with a suffix such as 人民政府.
    let named = crate::ingest::canonical_unit(&rules.units, unit);
    let Some(u) = run.units.iter().find(|u| u.unit == unit || u.unit == named) else {
        let units: Vec<&str> = run.units.iter().map(|u| u.unit.as_str()).collect();
        bail!(
            "{} 的考核结果中没有单位 {unit}。{}",
            month,
            some_of("考核的单位", &units, 100)
        );
    };
    let unit = u.unit.as_str();
    out.push_str(&format!(
        "{unit} {} 得分 {}，第 {} 名",
        month,
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
        "单位得分 = 所负责 {} 个项目得分的{}（{}）\n\n",
        u.projects,
        match rules.scoring.score.aggregate {
            crate::rules::Aggregate::Mean => "平均值",
            crate::rules::Aggregate::Sum => "合计",
            crate::rules::Aggregate::Min => "最低值",
        },
        crate::rules::cited(&rules.scoring.file)
    ));
    for p in run.projects.iter().filter(|p| p.unit == unit) {
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
    out.push_str(&format!(
        "\n逐项说明请用 sanyipi explain --month {month} --project 项目编号\n"
    ));
    Ok(out)
}
