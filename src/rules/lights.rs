//! `rules/lights.toml`: the 红黄绿灯 of each project (which deadline statuses and how far behind
//! 序时进度 turn which light on, labels, colours, reason texts) and where the 三个一批 figures
//! come from (the signed list's fields, the stage labels); and the 下月预警 (which open deadlines
//! and which streaks to warn of before next month's assessment day, and their texts).

use super::status::Status;
use super::{Deadlines, RuleFile, RuleSource, RulesError, Subject, TableSchema};
use serde::Deserialize;

mod notes;
pub use notes::StageNotes;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    lights: RawLights,
    light: Vec<RawLight>,
    stages: Stages,
    /// Absent in rule folders exported before it existed: the shipped one is used.
    outlook: Option<Outlook>,
    /// As `outlook`.
    card: Option<Card>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLights {
    deadlines: Vec<String>,
    schedule: Vec<f64>,
    deadline_reason: String,
    invest_reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLight {
    id: String,
    label: String,
    color: String,
    #[serde(default)]
    deadline_status: Vec<Status>,
    invest_behind: Option<f64>,
    reason: Option<String>,
}

/// One light: the conditions that turn it on, tried in order.
#[derive(Debug, Clone)]
pub struct Light {
    pub(crate) id: String,
    pub(crate) label: String,
    /// `#RRGGBB` as written.
    pub(crate) color: String,
    /// The same colour as a number, for the workbook.
    pub(crate) rgb: u32,
    pub(crate) deadline_status: Vec<Status>,
    /// Percentage points behind 序时进度 beyond which a started project takes this light.
    pub(crate) invest_behind: Option<f64>,
    /// The reason of the last light (nothing wrong).
    pub(crate) reason: Option<String>,
}

/// Where the 三个一批 figures come from, and the labels of the stages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stages {
    pub(crate) signed_table: String,
    pub(crate) signed_name: String,
    pub(crate) signed_date: String,
    pub(crate) signed_invest: String,
    pub(crate) signed_unit: String,
    pub(crate) ledger_invest: String,
    pub(crate) no_unit: String,
    pub(crate) signed: String,
    pub(crate) started: String,
    pub(crate) completed: String,
    /// How the figures say what does not add up at first sight; none (a rule folder exported
    /// before it existed): the shipped wording.
    #[serde(default)]
    pub(crate) notes: Option<StageNotes>,
}

impl Stages {
    /// The notes' wording.
    pub(crate) fn notes(&self) -> &StageNotes {
        self.notes
            .as_ref()
            .expect("loading fills the stages' notes")
    }
}

/// 下月预警: what turns bad by next month's assessment day if nothing changes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outlook {
    /// Statuses of an open deadline (of `[lights] deadlines`) worth a warning when it falls due
    /// by next month's assessment day.
    pub(crate) deadline_status: Vec<Status>,
    /// `{rule}`, `{item}`, `{due}`, `{days}` (working days from the as-of date).
    pub(crate) deadline_reason: String,
    /// `{rank}`, `{bottom_n}`, `{streak}`, `{next}`, `{penalty}`.
    pub(crate) streak_reason: String,
    /// The same for a unit in the bottom places this month only (a streak of one); none:
    /// `streak_reason`.
    #[serde(default)]
    pub(crate) streak_reason_first: Option<String>,
    /// The same for a unit already given the penalty this month (it would get it again); none:
    /// `streak_reason`.
    #[serde(default)]
    pub(crate) streak_reason_again: Option<String>,
}

/// 项目档案: which dates a project card shows, and how deadlines read on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub(crate) dates: Vec<CardDate>,
    /// `{what}`: the procedure, or the deadline's name.
    pub(crate) assigned: String,
    pub(crate) due: String,
    pub(crate) met: String,
}

/// A field of the ledger or the monthly report shown as a dated node.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDate {
    pub(crate) field: String,
    pub(crate) label: String,
}

/// The validated lights and stages.
#[derive(Debug, Clone)]
pub struct Lights {
    /// Ids of the deadlines (of projects or procedures) the lights look at.
    pub(crate) deadlines: Vec<String>,
    /// 序时进度 at the end of each month, January first: percent of the annual plan.
    pub(crate) schedule: [f64; 12],
    pub(crate) deadline_reason: String,
    pub(crate) invest_reason: String,
    /// In order: the first whose conditions a project meets is its light; the last has none.
    pub(crate) lights: Vec<Light>,
    pub(crate) stages: Stages,
    pub(crate) outlook: Outlook,
    pub(crate) card: Card,
}

impl Lights {
    /// Loads `lights.toml` of `source`, or the shipped one when a rule folder exported before it
    /// existed has none.
    pub(crate) fn load(
        source: &RuleSource,
        deadlines: &Deadlines,
        tables: &[TableSchema],
        ledger: &str,
    ) -> Result<Self, RulesError> {
        let file = match source.get("lights.toml") {
            Ok(f) => f.clone(),
            Err(_) => RuleSource::embedded().get("lights.toml")?.clone(),
        };
        let mut raw: RawFile = file.parse()?;
        for id in &raw.lights.deadlines {
            let known = deadlines
                .rules
                .iter()
                .any(|d| &d.id == id && d.subject != Subject::Submission);
            if !known {
                return Err(file
                    .error_near(&format!("\"{id}\""), format!("没有项目或前期手续的期限 {id}"))
                    .with_hint("deadlines 应列出 deadlines.toml 中 subject 为 project 或 procedure 的期限 id"));
            }
        }
        let schedule = schedule(&file, &raw.lights.schedule)?;
        let lights = lights(&file, raw.light)?;
        check_stages(&file, &raw.stages, tables, ledger)?;
        if raw.stages.notes.is_none() {
            raw.stages.notes = shipped()?.stages.notes;
        }
        if let Some(n) = raw.stages.notes.as_mut() {
            n.fill_from(|| shipped().map(|s| s.stages.notes))?;
        }
        let notes = raw
            .stages
            .notes
            .clone()
            .expect("the shipped lights.toml has [stages.notes]");
        let outlook = match raw.outlook {
            Some(o) => o,
            None => shipped()?
                .outlook
                .expect("the shipped lights.toml has [outlook]"),
        };
        check_outlook(&file, &outlook)?;
        let card = match raw.card {
            Some(c) => c,
            None => shipped()?.card.expect("the shipped lights.toml has [card]"),
        };
        check_card(&file, &card, tables)?;
        let reasons: [(&str, &[&str]); 2] = [
            (&raw.lights.deadline_reason, DEADLINE_NAMES),
            (&raw.lights.invest_reason, &["done", "schedule", "behind"]),
        ];
        let outlook_reasons = [
            (outlook.deadline_reason.as_str(), OUTLOOK_NAMES),
            (&outlook.streak_reason, STREAK_NAMES),
        ];
        let card_texts =
            [&card.assigned, &card.due, &card.met].map(|t| (t.as_str(), &["what"][..]));
        let first = [&outlook.streak_reason_first, &outlook.streak_reason_again]
            .into_iter()
            .filter_map(|t| t.as_deref().map(|t| (t, STREAK_NAMES)));
        for (text, known) in reasons
            .into_iter()
            .chain(outlook_reasons)
            .chain(first)
            .chain(card_texts)
            .chain(notes.texts())
        {
            check_placeholders(&file, text, known)?;
        }
        Ok(Lights {
            deadlines: raw.lights.deadlines,
            schedule,
            deadline_reason: raw.lights.deadline_reason,
            invest_reason: raw.lights.invest_reason,
            lights,
            stages: raw.stages,
            outlook,
            card,
        })
    }

    /// The light of `id`, if any.
    pub(crate) fn light(&self, id: &str) -> Option<&Light> {
        self.lights.iter().find(|l| l.id == id)
    }
}

fn lights(file: &RuleFile, raw: Vec<RawLight>) -> Result<Vec<Light>, RulesError> {
    if raw.is_empty() {
        return Err(file.error_near("[lights]", "至少需要一个 [[light]]"));
    }
    let last = raw.len() - 1;
    let mut out: Vec<Light> = Vec::new();
    for (i, l) in raw.into_iter().enumerate() {
        if out.iter().any(|o| o.id == l.id) {
            return Err(file.error_in_array("light", i, "id", format!("灯 id {} 重复", l.id)));
        }
        let Some(rgb) = parse_color(&l.color) else {
            return Err(file
                .error_in_array("light", i, "color", format!("颜色 {} 无效", l.color))
                .with_hint("写成 \"#RRGGBB\"，如 \"#FF7C80\""));
        };
        if let Some(x) = l.invest_behind
            && !(0.0..=100.0).contains(&x)
        {
            return Err(file
                .error_in_array(
                    "light",
                    i,
                    "invest_behind",
                    "invest_behind 应在 0 到 100（百分点）之间",
                )
                .with_hint("写投资进度落后序时进度的百分点数，如 invest_behind = 30，不加 %"));
        }
        let has_conditions = !l.deadline_status.is_empty() || l.invest_behind.is_some();
        if i == last && (has_conditions || l.reason.is_none()) {
            return Err(file
                .error_in_array("light", i, "id", "最后一个灯不设条件，并写明 reason")
                .with_hint("最后一个灯是其余项目的灯（如绿灯）"));
        }
        if i < last && (!has_conditions || l.reason.is_some()) {
            return Err(file
                .error_in_array(
                    "light",
                    i,
                    "id",
                    "除最后一个灯外，每个灯都要有条件且不写 reason",
                )
                .with_hint("条件为 deadline_status 或 invest_behind"));
        }
        out.push(Light {
            id: l.id,
            label: l.label,
            color: l.color,
            rgb,
            deadline_status: l.deadline_status,
            invest_behind: l.invest_behind,
            reason: l.reason,
        });
    }
    Ok(out)
}

/// Twelve percentages from 0 to 100 that never go down.
/// The names a light's deadline reason may hold (`engine::lights`).
const DEADLINE_NAMES: &[&str] = &["rule", "item", "status", "due", "days"];
/// The names the outlook's deadline reason may hold (`engine::outlook`: no `{status}`, every
/// deadline it warns of being open).
const OUTLOOK_NAMES: &[&str] = &["rule", "item", "due", "days"];
/// The names a streak's reason of the outlook may hold (`engine::outlook`).
const STREAK_NAMES: &[&str] = &["rank", "bottom_n", "streak", "next", "penalty"];

/// Checks that each `{name}` of a reason text is one the text is filled with: a misspelt one
/// would be printed as it is.
fn check_placeholders(file: &RuleFile, text: &str, known: &[&str]) -> Result<(), RulesError> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..end];
        if !name.is_empty() && after[end..].starts_with('}') && !known.contains(&name) {
            let offset = text.len() - rest.len() + open;
            let names: Vec<String> = known.iter().map(|n| format!("{{{n}}}")).collect();
            return Err(file
                .error_in_expr(
                    text,
                    offset,
                    format!("{{{name}}} 不是可用的名称（可用: {}）", names.join("、")),
                )
                .with_hint("名称写错时原样印在报告中；请按“可用”中的名称改正"));
        }
        rest = after;
    }
    Ok(())
}

fn schedule(file: &RuleFile, raw: &[f64]) -> Result<[f64; 12], RulesError> {
    let ok = raw.len() == 12
        && raw.iter().all(|x| (0.0..=100.0).contains(x))
        && raw.windows(2).all(|w| w[0] <= w[1]);
    match <[f64; 12]>::try_from(raw) {
        Ok(months) if ok => Ok(months),
        _ => Err(file
            .error_near("schedule =", "schedule 应为 12 个月末的序时进度（0 到 100，逐月不减）")
            .with_hint("如 schedule = [8.33, 16.67, 25, 33.33, 41.67, 50, 58.33, 66.67, 75, 83.33, 91.67, 100]")),
    }
}

/// `#RRGGBB` as a number.
fn parse_color(s: &str) -> Option<u32> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// The shipped `lights.toml`.
fn shipped() -> Result<RawFile, RulesError> {
    RuleSource::embedded().get("lights.toml")?.parse()
}

/// Every card date is a field of some table.
fn check_card(file: &RuleFile, card: &Card, tables: &[TableSchema]) -> Result<(), RulesError> {
    for (i, d) in card.dates.iter().enumerate() {
        if !tables.iter().any(|t| t.field(&d.field).is_some()) {
            return Err(file
                .error_near(&format!("\"{}\"", d.field), format!("没有字段 {}", d.field))
                .with_hint(format!(
                    "项目档案第 {} 个日期应为台账或月报的字段 id，如 sign_date",
                    i + 1
                )));
        }
    }
    Ok(())
}

/// Open statuses only: a met or overdue deadline is no warning of next month.
fn check_outlook(file: &RuleFile, o: &Outlook) -> Result<(), RulesError> {
    let closed = [Status::Met, Status::MetLate, Status::Overdue];
    if let Some(s) = o.deadline_status.iter().find(|s| closed.contains(s)) {
        return Err(file
            .error_in_table(
                "outlook",
                "deadline_status",
                format!("下月预警不能针对状态 {}", s.key()),
            )
            .with_hint("写未办结的状态，如 deadline_status = [\"pending\", \"due_soon\"]"));
    }
    Ok(())
}

fn check_stages(
    file: &RuleFile,
    s: &Stages,
    tables: &[TableSchema],
    ledger: &str,
) -> Result<(), RulesError> {
    let Some(signed) = tables.iter().find(|t| t.id == s.signed_table) else {
        return Err(file
            .error_near(
                &format!("\"{}\"", s.signed_table),
                format!("表 {} 不存在", s.signed_table),
            )
            .with_hint(super::condition::one_of(
                &s.signed_table,
                tables.iter().map(|t| t.id.as_str()),
            )));
    };
    for f in [
        &s.signed_name,
        &s.signed_date,
        &s.signed_invest,
        &s.signed_unit,
    ] {
        if signed.field(f).is_none() {
            return Err(file
                .error_near(
                    &format!("\"{f}\""),
                    format!("表 {} 没有字段 {f}", signed.id),
                )
                .with_hint(super::condition::one_of(
                    f,
                    signed.fields.iter().map(|x| x.id.as_str()),
                )));
        }
    }
    let has_ledger_field = tables
        .iter()
        .find(|t| t.id == ledger)
        .is_some_and(|t| t.field(&s.ledger_invest).is_some());
    if !has_ledger_field {
        return Err(file
            .error_near(
                "ledger_invest",
                format!("表 {ledger} 没有字段 {}", s.ledger_invest),
            )
            .with_hint(format!(
                "写 tables/ 中表 {ledger} 的金额字段 id，如 total_invest"
            )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
