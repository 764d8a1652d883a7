//! Scoring rules (`rules/scoring.toml`): score parts with formulas, aggregation to units,
//! ranking, the bottom-N rule, and penalties.

use super::{RuleFile, RulesError};
use crate::expr::Expr;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    score: Score,
    part: Vec<RawPart>,
    #[serde(default)]
    penalty: Vec<RawPenalty>,
    #[serde(default)]
    labels: std::collections::BTreeMap<String, String>,
}

/// How project scores become a unit ranking.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Score {
    pub(crate) entity: String,
    pub(crate) aggregate: Aggregate,
    pub(crate) precision: u32,
    pub(crate) bottom_n: u32,
    pub(crate) start_deadlines: Vec<String>,
    pub(crate) report_deadline: String,
    pub(crate) procedure_deadline: String,
    /// Default as-of day of the assessed month when `--as-of` is not given.
    #[serde(default)]
    pub(crate) as_of_day: Option<u32>,
    /// The full score of a project, when the table has one: the parts' points must add up to it.
    #[serde(default)]
    pub(crate) total: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Aggregate {
    Mean,
    Sum,
    Min,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    id: String,
    name: String,
    points: f64,
    formula: String,
    #[serde(default)]
    on_error: Option<f64>,
}

/// One part of a project's score.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) points: f64,
    pub(crate) formula: Expr,
    /// `rules/scoring.toml:LINE` of the formula, for errors and `explain`.
    pub(crate) at: String,
    /// The score when the formula cannot be computed for a project; none: the run fails.
    pub(crate) on_error: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPenalty {
    id: String,
    name: String,
    bottom_streak: Option<u32>,
    #[serde(default)]
    restart_after: bool,
    notices: Option<u32>,
    months: Option<u32>,
    condition: Option<String>,
    /// The evidence's wording (a template); absent: the shipped penalty's of the same kind.
    evidence: Option<String>,
}

/// What triggers a penalty.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Bottom N this many rankings in a row.
    Streak { length: u32, restart_after: bool },
    /// At least `notices` 督办 notices in the last `months` months (this one included) while
    /// `condition` holds (over `bottom`, `score`, `rank`, `streak`).
    Supervision {
        notices: u32,
        months: u32,
        condition: Expr,
    },
}

#[derive(Debug, Clone)]
pub struct Penalty {
    pub id: String,
    pub name: String,
    pub trigger: Trigger,
    pub at: String,
    /// Why the penalty applies, as a template. A streak penalty's is over `streak`, `bottom_n`
    /// and `ranks` (`2026年9月第5名、10月第6名`); a supervision penalty's over `months`,
    /// `count`, `notices` (the numbers, this month's included), `score` (two decimals), `rank`.
    pub evidence: String,
}

/// Validated scoring rules.
#[derive(Debug, Clone)]
pub struct Scoring {
    pub(crate) score: Score,
    pub(crate) parts: Vec<Part>,
    pub(crate) penalties: Vec<Penalty>,
    /// How `explain` names the derived values a formula uses (`[labels]`).
    pub(crate) labels: std::collections::BTreeMap<String, String>,
    pub(crate) file: String,
}

/// Names a formula may use beyond the project's fields.
pub(crate) const DERIVED: &[&str] = &[
    "points",
    "month",
    "as_of",
    "start_status",
    "report_status",
    "reported",
    "procedures_total",
    "procedures_ok",
    "procedures_ok_share",
];

/// The derived values `explain` shows that `[labels]` may name (the others are fields, shown by
/// their column label).
const LABEL_KEYS: &[&str] = &["start_status", "report_status", "procedures"];

/// Names a penalty condition may use.
pub(crate) const UNIT_VALUES: &[&str] = &["bottom", "score", "rank", "streak"];

impl Scoring {
    pub(crate) fn load(
        file: &RuleFile,
        project_fields: &[String],
        deadline_ids: &[String],
        domains: &super::domains::Domains,
    ) -> Result<Self, RulesError> {
        let raw: RawFile = file.parse()?;
        let mut known: Vec<String> = project_fields.to_vec();
        known.extend(DERIVED.iter().map(|s| s.to_string()));
        let parts = load_parts(file, raw.part, &known)?;
        for p in &parts {
            domains.check(file, p.formula.src())?;
        }
        check_score(file, &raw.score, project_fields, deadline_ids)?;
        let sum: f64 = parts.iter().map(|p| p.points).sum();
        if let Some(total) = raw.score.total
            && (sum - total).abs() > 1e-9
        {
            let parts: Vec<String> = parts
                .iter()
                .map(|p| format!("{} {}", p.name, crate::value::format_number(p.points)))
                .collect();
            return Err(file
                .error_near(
                    "total",
                    format!(
                        "各评分项满分合计 {}，与 total = {} 不符（{}）",
                        crate::value::format_number(sum),
                        crate::value::format_number(total),
                        parts.join("、")
                    ),
                )
                .with_hint(
                    "调整各 [[part]] 的 points 使合计等于 total；满分确需改变时一并改 total",
                ));
        }
        if let Some(key) = raw
            .labels
            .keys()
            .find(|k| !LABEL_KEYS.contains(&k.as_str()))
        {
            return Err(file
                .error_at_key(&["labels"], key, format!("未知的键 {key}"))
                .with_hint(format!("此处可用的键: {}", LABEL_KEYS.join(", "))));
        }
        let mut penalties = load_penalties(file, raw.penalty)?;
        fill_evidence(file, &mut penalties)?;
        Ok(Scoring {
            labels: raw.labels,
            score: raw.score,
            parts,
            penalties,
            file: file.display.clone(),
        })
    }
}

/// `file:line` of the first line of `file` holding `needle`.
fn line_of(file: &RuleFile, needle: &str) -> String {
    let e = file.error_near(needle, "");
    format!("{}:{}", file.display, e.line)
}

/// The scoring parts, their formulas compiled over `known` names; at least one.
fn load_parts(
    file: &RuleFile,
    raw: Vec<RawPart>,
    known: &[String],
) -> Result<Vec<Part>, RulesError> {
    let mut parts = Vec::new();
    for (index, p) in raw.into_iter().enumerate() {
        if parts.iter().any(|q: &Part| q.id == p.id) {
            return Err(file.error_in_array(
                "part",
                index,
                "id",
                format!("评分项 id {} 重复", p.id),
            ));
        }
        if !(p.points.is_finite() && p.points > 0.0) {
            return Err(file
                .error_in_array(
                    "part",
                    index,
                    "points",
                    format!("评分项 {} 的分值 points 应为正数，现为 {}", p.id, p.points),
                )
                .with_hint("分值是该项满分，如 points = 20"));
        }
        let formula = super::deadline::compile_condition(&p.formula, known).map_err(|m| {
            file.error_near(&p.formula, format!("评分项 {} 的公式: {m}", p.id))
                .with_hint("公式是 minijinja 表达式，如 points * procedures_ok_share")
        })?;
        parts.push(Part {
            at: line_of(file, &p.formula),
            id: p.id,
            name: p.name,
            points: p.points,
            formula,
            on_error: p.on_error,
        });
    }
    if parts.is_empty() {
        return Err(file.error_near("[score]", "没有任何评分项 [[part]]"));
    }
    Ok(parts)
}

/// Checks the `[score]` table: its deadlines exist, its entity is a ledger field, its days
/// and bottom places are in range.
fn check_score(
    file: &RuleFile,
    score: &Score,
    project_fields: &[String],
    deadline_ids: &[String],
) -> Result<(), RulesError> {
    for id in score
        .start_deadlines
        .iter()
        .chain([&score.report_deadline, &score.procedure_deadline])
    {
        if !deadline_ids.contains(id) {
            return Err(file
                .error_near(
                    &format!("\"{id}\""),
                    format!("deadlines.toml 中没有期限 {id}"),
                )
                .with_hint(format!("可用: {}", deadline_ids.join(", "))));
        }
    }
    if !project_fields.contains(&score.entity) {
        return Err(file
            .error_near("entity", format!("台账没有字段 {}", score.entity))
            .with_hint("通常为 responsible_unit"));
    }
    if score.as_of_day.is_some_and(|d| !(1..=31).contains(&d)) {
        return Err(file
            .error_near("as_of_day", "as_of_day 应为 1 到 31 之间的日")
            .with_hint("写每月考核日的日号，如 as_of_day = 25"));
    }
    if score.bottom_n == 0 {
        return Err(file
            .error_near("bottom_n", "bottom_n 至少为 1")
            .with_hint("写排名靠后需通报的单位个数，如 bottom_n = 3"));
    }
    // A score is a double: beyond 15 decimals there is nothing left to round.
    if score.precision > 15 {
        return Err(file
            .error_near("precision", "precision（得分保留的小数位数）应为 0 到 15")
            .with_hint("通常为 2"));
    }
    Ok(())
}

/// The penalties, each triggered by a bottom streak or by 督办 notices.
fn load_penalties(file: &RuleFile, raw: Vec<RawPenalty>) -> Result<Vec<Penalty>, RulesError> {
    let unit_known: Vec<String> = UNIT_VALUES.iter().map(|s| s.to_string()).collect();
    let mut penalties = Vec::new();
    for (index, p) in raw.into_iter().enumerate() {
        if penalties.iter().any(|q: &Penalty| q.id == p.id) {
            return Err(file.error_in_array(
                "penalty",
                index,
                "id",
                format!("处罚 id {} 重复", p.id),
            ));
        }
        let at = line_of(file, &format!("\"{}\"", p.id));
        let trigger = match (p.bottom_streak, p.notices) {
            (Some(length), None) if length > 0 => Trigger::Streak {
                length,
                restart_after: p.restart_after,
            },
            (None, Some(notices)) => {
                let src = p.condition.clone().unwrap_or_else(|| "true".into());
                let condition = super::deadline::compile_condition(&src, &unit_known)
                    .map_err(|m| m.clone().hinted(file.error_near(&src, m.to_string())))?;
                Trigger::Supervision {
                    notices,
                    months: p.months.unwrap_or(6),
                    condition,
                }
            }
            _ => {
                return Err(file
                    .error_near(
                        &format!("\"{}\"", p.id),
                        format!("处罚 {} 需要 bottom_streak 或 notices 之一", p.id),
                    )
                    .with_hint("bottom_streak = 2 表示连续两次倒数；notices = 3 表示多次督办"));
            }
        };
        if let Some(t) = &p.evidence {
            crate::expr::check_template(t)
                .map_err(|m| file.error_near(t, format!("证据模板有误。技术信息：{m}")))?;
            // The names `engine::ranking::penalty` gives each kind's evidence.
            let known: &[&str] = match trigger {
                Trigger::Streak { .. } => &["streak", "bottom_n", "ranks"],
                Trigger::Supervision { .. } => &["months", "count", "notices", "score", "rank"],
            };
            crate::expr::check_template_names(t, known).map_err(|m| {
                file.error_near(t, format!("处罚 {} 的证据文字有误：{m}", p.id))
                    .with_hint("名称写错时该处在通报中会是空白；请按“可用”中的名称改正")
            })?;
        }
        penalties.push(Penalty {
            id: p.id,
            name: p.name,
            trigger,
            at,
            evidence: p.evidence.unwrap_or_default(),
        });
    }
    Ok(penalties)
}

/// Penalties without their own evidence wording take the shipped penalty's of the same kind
/// (rule folders exported before the wording was a rule).
fn fill_evidence(file: &RuleFile, penalties: &mut [Penalty]) -> Result<(), RulesError> {
    if penalties.iter().all(|p| !p.evidence.is_empty()) {
        return Ok(());
    }
    let embedded = super::RuleSource::embedded();
    let shipped_file = embedded.get("scoring.toml")?;
    let shipped = load_penalties(shipped_file, shipped_file.parse::<RawFile>()?.penalty)?;
    for p in penalties.iter_mut().filter(|p| p.evidence.is_empty()) {
        let kind = std::mem::discriminant(&p.trigger);
        let Some(s) = shipped
            .iter()
            .find(|s| std::mem::discriminant(&s.trigger) == kind)
        else {
            return Err(file
                .error_near(
                    &format!("\"{}\"", p.id),
                    format!("处罚 {} 缺少 evidence", p.id),
                )
                .with_hint("evidence 写明处罚依据的措辞，见随附的 rules/scoring.toml"));
        };
        p.evidence = s.evidence.clone();
    }
    Ok(())
}

impl Scoring {
    pub fn total_points(&self) -> f64 {
        self.parts.iter().map(|p| p.points).sum()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{RuleSource, Rules};

    /// The shipped rules with `scoring.toml` edited by `edit`.
    fn load_edited(edit: impl Fn(&str) -> String) -> Result<Rules, String> {
        let mut source = RuleSource::embedded();
        let f = source
            .files
            .iter_mut()
            .find(|f| f.display.ends_with("scoring.toml"))
            .unwrap();
        f.text = edit(&f.text);
        Rules::from_source(source).map_err(|e| e.to_string())
    }

    #[test]
    fn penalties_without_evidence_take_the_shipped_wording_of_their_kind() {
        let shipped = load_edited(str::to_string).unwrap();
        let bare = load_edited(|t| {
            t.lines()
                .filter(|l| !l.starts_with("evidence ="))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap();
        let wording = |r: &Rules| -> Vec<String> {
            r.scoring
                .penalties
                .iter()
                .map(|p| p.evidence.clone())
                .collect()
        };
        assert_eq!(wording(&bare), wording(&shipped));
        assert!(wording(&shipped).iter().all(|w| w.contains("{{")));
    }

    #[test]
    fn a_broken_evidence_template_is_an_error_at_its_line() {
        let e = load_edited(|t| t.replacen("（{{ ranks }}）", "（{{ ranks }）", 1)).unwrap_err();
        assert!(e.contains("证据模板有误"), "{e}");
        let line = crate::rules::RuleSource::embedded()
            .files
            .iter()
            .find(|f| f.rel == "scoring.toml")
            .unwrap()
            .text
            .lines()
            .position(|l| l.starts_with("evidence = \"连续{{ streak }}"))
            .unwrap()
            + 1;
        assert!(e.contains(&format!("scoring.toml:{line}:")), "{e}");
    }
}
