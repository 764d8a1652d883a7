//! What the assessment carries of the overview pages: the 红黄绿灯 of each project and their
//! counts (made by `lights.rs`), the 三个一批 figures (made by `stages.rs`), the 下月预警
//! (made by `outlook.rs`) and the 项目档案 (made by `cards.rs`). Plain data, apart
//! from the code that fills it, so that `results.rs` holds it without importing that code.

use chrono::NaiveDate;
use serde::Serialize;

/// A project's light and why.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectLight {
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    /// The light's id in the rules (`red`, `yellow`, `green` as shipped).
    pub(crate) light: String,
    pub(crate) label: String,
    pub(crate) color: String,
    pub(crate) reasons: Vec<String>,
}

/// How many projects of a unit (or of the county) have each light, in the rules' order.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLights {
    pub(crate) unit: String,
    pub(crate) counts: Vec<LightCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LightCount {
    pub(crate) light: String,
    pub(crate) label: String,
    pub(crate) color: String,
    pub(crate) count: usize,
}

/// Projects and their investment (亿元) in a period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stage {
    pub(crate) count: usize,
    pub(crate) invest: f64,
    /// Of the month's `count`, those dated in an earlier month and first reported this month
    /// (a signing of the 28th on the list of the 1st): the months' counts add up to the year's.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) late: usize,
    /// Of the projects the year's figure counted in the latest earlier month, those it no
    /// longer counts (a date corrected out of the year, a project gone; W076): the earlier
    /// month's year figure plus this month's `count` less `dropped` and `moved_out` plus
    /// `moved_in` is the year's.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) dropped: usize,
    /// Of a unit's year figure, those the latest earlier month counted under it that the year
    /// still counts under another unit (its 责任单位 changed, W078): taken off this unit's year,
    /// not dropped from the year. Never the county's.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) moved_out: usize,
    /// Of a unit's year figure, those the latest earlier month counted under another unit (its
    /// 责任单位 changed, W078): not in the month's `count`, which is what the unit did this month.
    /// Never the county's.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) moved_in: usize,
    /// Of the year's signed figure, those only a record of history format 7 gives, which kept
    /// no unit, date or 总投资 of a signing only the signed list had (W079): counted under
    /// `no_unit` and with no 总投资, not under the unit that signed them.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) undated: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A project counted in a stage's year-to-date figure: by its ledger id, else by the key of its
/// name (a signed project the ledger does not have yet). History keeps them per run, so that
/// the next month counts as its own what the year's figure gains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageKey {
    /// `signed`, `started` or `completed`.
    pub(crate) stage: String,
    pub(crate) project: Option<String>,
    pub(crate) name: String,
    /// Its unit, the stage's date and its 总投资 (亿元) as counted: a signed project only the
    /// signed list had is counted from them in the later months of the year. None from a run
    /// of history format 7.
    pub(crate) unit: Option<String>,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) invest: Option<f64>,
    /// The month (`2026-09`) the year's figure first counted it; from a run of format 7, that
    /// run's month.
    pub(crate) since: String,
}

/// A stage in the month and in the year to the as-of date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Periods {
    pub(crate) month: Stage,
    pub(crate) year: Stage,
}

/// The figures of a unit, or of the county.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnitStages {
    pub(crate) unit: String,
    pub(crate) signed: Periods,
    pub(crate) started: Periods,
    pub(crate) completed: Periods,
    /// Of the projects signed this year, those started by the as-of date.
    pub(crate) signed_then_started: usize,
    /// Of the projects started this year, those completed by the as-of date.
    pub(crate) started_then_completed: usize,
    /// `signed_then_started` in percent of the year's signed projects.
    pub(crate) signed_to_started: Option<f64>,
    /// `started_then_completed` in percent of the year's started projects.
    pub(crate) started_to_completed: Option<f64>,
}

/// The month's 三个一批 figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageFigures {
    pub(crate) month_from: Option<NaiveDate>,
    pub(crate) year_from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
    pub(crate) units: Vec<UnitStages>,
    pub(crate) total: UnitStages,
    /// What the year's figures count, for history.
    #[serde(skip)]
    pub(crate) counted: Vec<StageKey>,
    /// W076: what the latest earlier month counted and this month no longer does; W078: what it
    /// counted under another unit.
    #[serde(skip)]
    pub(crate) diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

/// An open deadline that falls due by next month's assessment day.
#[derive(Debug, Clone, Serialize)]
pub struct DueWarning {
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) rule_name: String,
    pub(crate) item: Option<String>,
    pub(crate) due: NaiveDate,
    /// Working days left after the as-of date.
    pub(crate) workdays: Option<i64>,
    pub(crate) status_label: String,
    pub(crate) reason: String,
}

/// A unit in the bottom places whose streak reaches a penalty if it stays there.
#[derive(Debug, Clone, Serialize)]
pub struct StreakWarning {
    pub(crate) unit: String,
    pub(crate) rank: u32,
    pub(crate) score: f64,
    pub(crate) streak: u32,
    pub(crate) next: u32,
    pub(crate) penalty: String,
    pub(crate) reason: String,
    /// The unit is given the penalty this month already: it would get it again.
    pub(crate) again: bool,
}

/// 下月预警: what goes wrong by `until` (next month's assessment day) if nothing changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outlook {
    pub(crate) until: Option<NaiveDate>,
    pub(crate) deadlines: Vec<DueWarning>,
    pub(crate) units: Vec<StreakWarning>,
}

/// A dated node on a project card's time line.
#[derive(Debug, Clone, Serialize)]
pub struct CardNode {
    pub(crate) date: NaiveDate,
    pub(crate) label: String,
    /// The deadline's status label, on a due-date node.
    pub(crate) status: Option<String>,
    /// Whether this node is past due and not met (shown in red).
    pub(crate) overdue: bool,
}

/// A project's 累计完成投资 reported for a month.
#[derive(Debug, Clone, Serialize)]
pub struct CardInvest {
    pub(crate) month: String,
    pub(crate) cum_invest: Option<f64>,
    /// In percent of the annual plan.
    pub(crate) share: Option<f64>,
}

/// A notice of this month that names the project.
#[derive(Debug, Clone, Serialize)]
pub struct CardNotice {
    pub(crate) number: String,
    pub(crate) recipient: String,
    pub(crate) matters: Vec<String>,
}

/// 项目档案: one project's nodes, investment and notices.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectCard {
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) annual_plan: Option<f64>,
    pub(crate) nodes: Vec<CardNode>,
    pub(crate) invest: Vec<CardInvest>,
    pub(crate) notices: Vec<CardNotice>,
}
