//! The penalties of a unit's place: whether each penalty of the rules applies this month, and
//! its evidence (the streak's months and ranks, or the 督办 notices that count).

use crate::engine::Month;
use crate::engine::deadlines::RuleProblem;
use crate::engine::evidence::{Evidence, Piece};
use crate::engine::results::Snapshot;
use crate::expr::Expr;
use crate::rules::scoring::Penalty;
use crate::rules::{Rules, Trigger};
use std::collections::{BTreeMap, HashSet};

/// A unit's place this month, as the penalties read it.
pub(super) struct Place<'a> {
    pub(super) unit: &'a String,
    pub(super) score: f64,
    pub(super) rank: u32,
    pub(super) bottom: bool,
    pub(super) streak: u32,
}

/// What the penalties of every unit read besides the unit's place.
pub(super) struct PenaltyCtx<'a> {
    pub(super) rules: &'a Rules,
    pub(super) snapshot: &'a Snapshot,
    pub(super) month: Month,
    /// Recipients of a supervision notice this month by the deadlines.
    pub(super) supervised: &'a HashSet<String>,
}

impl PenaltyCtx<'_> {
    /// The evidence of penalty `pen` when the unit at `place` incurs it.
    pub(super) fn penalty(
        &self,
        pen: &Penalty,
        place: &Place,
        problems: &mut Vec<RuleProblem>,
    ) -> Option<Evidence> {
        match &pen.trigger {
            Trigger::Streak { length, .. } => self.streak_penalty(pen, *length, place),
            Trigger::Supervision {
                notices,
                months,
                condition,
            } => self.supervision_penalty(pen, (*notices, *months), condition, place, problems),
        }
    }

    /// Bottom `length` rankings in a row: the evidence lists the months and ranks.
    fn streak_penalty(&self, pen: &Penalty, length: u32, place: &Place) -> Option<Evidence> {
        if !(place.bottom && place.streak >= length) {
            return None;
        }
        let month = self.month;
        let streak = place.streak;
        let mut months = crate::engine::streak::streak_months(
            &self.snapshot.rankings,
            place.unit,
            month,
            streak,
        );
        months.push((month, place.rank));
        let ctx = minijinja::context! {
            streak => streak,
            bottom_n => self.rules.scoring.score.bottom_n,
            ranks => crate::engine::evidence::month_ranks(&months),
        };
        Some(Evidence {
            penalty: pen.id.clone(),
            label: pen.name.clone(),
            pieces: vec![Piece::Text(render_evidence(pen, ctx))],
        })
    }

    /// At least `notices` 督办 notices in the last `months` months while `condition` holds:
    /// the evidence names the earlier notices and this month's.
    fn supervision_penalty(
        &self,
        pen: &Penalty,
        (notices, months): (u32, u32),
        condition: &Expr,
        place: &Place,
        problems: &mut Vec<RuleProblem>,
    ) -> Option<Evidence> {
        let (rules, month, unit) = (self.rules, self.month, place.unit);
        let first = (0..months.saturating_sub(1)).fold(month, |m, _| m.previous());
        // Notices of earlier months in the window, and this month's.
        let recent: Vec<&(Month, String)> = self
            .snapshot
            .notices
            .get(unit)
            .map(|v| {
                v.iter()
                    .filter(|(m, _)| *m >= first && *m < month)
                    .collect()
            })
            .unwrap_or_default();
        let facts = crate::engine::notices::UnitFacts {
            unit,
            bottom: place.bottom,
            score: place.score,
            rank: place.rank,
            streak: place.streak,
            penalty_ids: &[],
        };
        let now = self.supervised.contains(unit)
            || crate::engine::notices::supervised_by_results(rules, &facts, month, problems);
        let count = recent.len() as u32 + u32::from(now);
        if count < notices {
            return None;
        }
        let ctx: BTreeMap<&str, minijinja::Value> = BTreeMap::from([
            ("bottom", minijinja::Value::from(place.bottom)),
            ("score", minijinja::Value::from(place.score)),
            ("rank", minijinja::Value::from(place.rank)),
            ("streak", minijinja::Value::from(place.streak)),
        ]);
        let holds = match condition.holds(minijinja::Value::from(ctx)) {
            Ok(b) => b,
            Err(e) => {
                problems.push(RuleProblem {
                    rule_file: rules.scoring.file.clone(),
                    rule: pen.id.clone(),
                    subject: unit.clone(),
                    message: e.to_string(),
                });
                false
            }
        };
        if !holds {
            return None;
        }
        // This month's notice is numbered later: a mark holds its place in the wording.
        let mut numbers: Vec<&str> = recent.iter().map(|(_, n)| n.as_str()).collect();
        if now {
            numbers.push(THIS_MONTHS_NOTICE);
        }
        let ctx = minijinja::context! {
            months => months,
            count => count,
            notices => numbers.join("、"),
            score => format!("{:.2}", place.score),
            rank => place.rank,
        };
        let text = render_evidence(pen, ctx);
        let mut pieces = Vec::new();
        for (i, part) in text.split(THIS_MONTHS_NOTICE).enumerate() {
            if i > 0 {
                pieces.push(Piece::ThisMonthsNotice(None));
            }
            if !part.is_empty() {
                pieces.push(Piece::Text(part.to_string()));
            }
        }
        Some(Evidence {
            penalty: pen.id.clone(),
            label: pen.name.clone(),
            pieces,
        })
    }
}

/// Holds the place of this month's notice number in a penalty's evidence until it is numbered.
const THIS_MONTHS_NOTICE: &str = "\u{1}";

/// A penalty's evidence wording over `ctx`. The template compiled when the rules loaded; a
/// failure while rendering leaves the technical message in place of the wording.
fn render_evidence(pen: &Penalty, ctx: minijinja::Value) -> String {
    crate::expr::render(&pen.evidence, ctx).unwrap_or_else(|e| format!("（{}：{e}）", pen.at))
}
