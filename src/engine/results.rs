//! What the month's assessment produces and what it reads from history: project and unit
//! scores, the whole `Assessment` every output renders, and the history `Snapshot`.

use super::Month;
use super::deadlines::{DeadlineRow, RuleProblem};
use super::streak::UnitHistory;
use crate::diagnostic::Diagnostic;
use crate::ingest::FileSummary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The last figures a project reported before this month.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LastFigures {
    pub(crate) month: String,
    pub(crate) cum_invest: Option<f64>,
    pub(crate) started: Option<bool>,
    pub(crate) actual_start: Option<String>,
    pub(crate) completed: Option<bool>,
    pub(crate) completed_date: Option<String>,
}

/// What the engine needs from history.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub(crate) previous_month: Option<Month>,
    pub(crate) previous: BTreeMap<String, UnitHistory>,
    /// Every earlier ranked month (imported or computed), for streaks and their evidence.
    pub(crate) rankings: super::streak::Rankings,
    pub(crate) last_figures: BTreeMap<String, LastFigures>,
    /// Each project's reported 累计完成投资 in the earlier months of the year, oldest first.
    pub(crate) invest_series: BTreeMap<String, Vec<(String, Option<f64>)>>,
    /// Notice numbers already given.
    pub(crate) notice_book: super::notices::NoticeBook,
    /// 督办 notices per unit: (month, number).
    pub(crate) notices: BTreeMap<String, Vec<(Month, String)>>,
    /// 整改任务 of the earlier months, their feedback in the order read, and 销号 dates.
    pub(crate) tasks: Vec<super::supervision::Task>,
    pub(crate) feedback: Vec<super::supervision::Feedback>,
    pub(crate) closures: BTreeMap<String, NaiveDate>,
    /// Projects an earlier month recorded with a signing date: normalised name → (month, date).
    pub(crate) signed_before: BTreeMap<String, (String, String)>,
    /// What the year's 三个一批 figures counted in the latest earlier month of the year, when
    /// history recorded it: this month's figures are what the year's gain since.
    pub(crate) stages_before: Option<Vec<super::overview::StageKey>>,
}

/// One input of a score, with where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Input {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) source: String,
}

/// One part of a project's score.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartScore {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) points: f64,
    pub(crate) score: f64,
    pub(crate) formula: String,
    /// `rules/scoring.toml:LINE`.
    pub(crate) rule: String,
}

/// A project's figures as used this month (reported or carried).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Figures {
    pub(crate) cum_invest: Option<f64>,
    pub(crate) started: Option<bool>,
    pub(crate) actual_start: Option<String>,
    pub(crate) completed: Option<bool>,
    pub(crate) completed_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectScore {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) annual_plan: Option<f64>,
    pub(crate) figures: Figures,
    pub(crate) reported: bool,
    /// The month whose figures were carried over when this month's row is missing.
    pub(crate) carried_from: Option<String>,
    pub(crate) start_status: String,
    pub(crate) report_status: String,
    pub(crate) procedures_total: usize,
    pub(crate) procedures_ok: usize,
    pub(crate) parts: Vec<PartScore>,
    pub(crate) total: f64,
    pub(crate) inputs: Vec<Input>,
    pub(crate) notes: Vec<String>,
}

/// A month's full result: what every output renders.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub(crate) month: Month,
    pub(crate) as_of: NaiveDate,
    /// The 成文日期 of the month's documents (notices, 通报); in `run.json` with each notice.
    #[serde(skip)]
    pub(crate) issue_date: NaiveDate,
    pub(crate) rules_hash: String,
    pub(crate) previous_month: Option<Month>,
    pub(crate) projects: Vec<ProjectScore>,
    pub(crate) units: Vec<UnitScore>,
    pub(crate) deadlines: Vec<DeadlineRow>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) files: Vec<FileSummary>,
    pub(crate) rule_problems: Vec<RuleProblem>,
    pub(crate) missing_years: Vec<i32>,
    /// 督查 notices, one per recipient, numbered from history before output.
    pub(crate) notices: Vec<super::notices::Notice>,
    pub(crate) escalations: Vec<super::notices::EscalationList>,
    /// 红黄绿灯 per project, in project order (`lights.rs`).
    pub(crate) lights: Vec<super::overview::ProjectLight>,
    /// The count of each light per unit, and for the county.
    pub(crate) unit_lights: Vec<super::overview::UnitLights>,
    pub(crate) county_lights: Vec<super::overview::LightCount>,
    /// 三个一批 figures (`stages.rs`).
    pub(crate) stages: super::overview::StageFigures,
    /// 下月预警 (`outlook.rs`).
    pub(crate) outlook: super::overview::Outlook,
    /// This month's 整改任务, one per item of its 督办 and 提醒 notices.
    pub(crate) tasks: Vec<super::supervision::Task>,
    /// The feedback read this month from the units' returned 整改反馈 forms.
    pub(crate) feedback: Vec<super::supervision::Feedback>,
    /// 督办台账: every task not yet closed (销号), of this month and earlier, with its state.
    pub(crate) register: Vec<super::supervision::TaskState>,
    /// 项目档案 (`cards.rs`): rendered as its own page, not written to run.json.
    #[serde(skip)]
    pub(crate) cards: Vec<super::overview::ProjectCard>,
    /// The city's reports (`report_up.rs`): written as their own workbooks.
    #[serde(skip)]
    pub(crate) report_up: Vec<super::up_report::UpReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitScore {
    pub(crate) unit: String,
    pub(crate) projects: usize,
    pub(crate) score: f64,
    pub(crate) rank: u32,
    pub(crate) previous_rank: Option<u32>,
    /// Places gained since last month (positive = up).
    pub(crate) change: Option<i64>,
    pub(crate) bottom: bool,
    pub(crate) streak: u32,
    pub(crate) penalty_ids: Vec<String>,
    pub(crate) penalties: Vec<String>,
    /// Why each penalty applies: months and ranks, notice numbers.
    pub(crate) evidence: Vec<super::evidence::Evidence>,
}
