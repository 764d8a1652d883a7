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
    pub month: String,
    pub cum_invest: Option<f64>,
    pub started: Option<bool>,
    pub actual_start: Option<String>,
    pub completed: Option<bool>,
    pub completed_date: Option<String>,
}

/// What the engine needs from history.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub previous_month: Option<Month>,
    pub previous: BTreeMap<String, UnitHistory>,
    /// Every earlier ranked month (imported or computed), for streaks and their evidence.
    pub rankings: super::streak::Rankings,
    pub last_figures: BTreeMap<String, LastFigures>,
    /// Notice numbers already given.
    pub notice_book: super::notices::NoticeBook,
    /// 督办 notices per unit: (month, number).
    pub notices: BTreeMap<String, Vec<(Month, String)>>,
}

/// One input of a score, with where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    pub value: String,
    pub source: String,
}

/// One part of a project's score.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartScore {
    pub id: String,
    pub name: String,
    pub points: f64,
    pub score: f64,
    pub formula: String,
    /// `rules/scoring.toml:LINE`.
    pub rule: String,
}

/// A project's figures as used this month (reported or carried).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Figures {
    pub cum_invest: Option<f64>,
    pub started: Option<bool>,
    pub actual_start: Option<String>,
    pub completed: Option<bool>,
    pub completed_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectScore {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub annual_plan: Option<f64>,
    pub figures: Figures,
    pub reported: bool,
    /// The month whose figures were carried over when this month's row is missing.
    pub carried_from: Option<String>,
    pub start_status: String,
    pub report_status: String,
    pub procedures_total: usize,
    pub procedures_ok: usize,
    pub parts: Vec<PartScore>,
    pub total: f64,
    pub inputs: Vec<Input>,
    pub notes: Vec<String>,
}

/// A month's full result: what every output renders.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub month: Month,
    pub as_of: NaiveDate,
    pub rules_hash: String,
    pub previous_month: Option<Month>,
    pub projects: Vec<ProjectScore>,
    pub units: Vec<UnitScore>,
    pub deadlines: Vec<DeadlineRow>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<FileSummary>,
    pub rule_problems: Vec<RuleProblem>,
    pub missing_years: Vec<i32>,
    /// 督查 notices, one per recipient, numbered from history before output.
    pub notices: Vec<super::notices::Notice>,
    pub escalations: Vec<super::notices::EscalationList>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitScore {
    pub unit: String,
    pub projects: usize,
    pub score: f64,
    pub rank: u32,
    pub previous_rank: Option<u32>,
    /// Places gained since last month (positive = up).
    pub change: Option<i64>,
    pub bottom: bool,
    pub streak: u32,
    pub penalty_ids: Vec<String>,
    pub penalties: Vec<String>,
    /// Why each penalty applies: months and ranks, notice numbers.
    pub evidence: Vec<super::evidence::Evidence>,
}
