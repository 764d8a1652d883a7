//! 督查 notices: findings → matters → one notice per recipient per month, plus the escalation
//! lists (表态发言名单, 专项巡察建议名单). Numbers are given later, from history.

mod draft;

use super::Month;
use super::deadlines::{DeadlineRow, RuleProblem};
use super::evidence::Evidence;
use crate::expr::environment;
use crate::rules::Rules;
use crate::rules::notice::{DateStyle, MatterRule, Source};
use chrono::{Datelike, NaiveDate};
use draft::{NoticeMaker, collect_matters, escalation_lists, recipient_notices};
use minijinja::Value as V;
use serde::Serialize;
use std::collections::BTreeMap;

/// One matter of a notice.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Matter {
    pub(crate) rule: String,
    pub(crate) severity: String,
    pub(crate) text: String,
    pub(crate) project: Option<String>,
    /// The earlier 整改任务 a reminder names (`source = "task"`); their form comes again with
    /// the notice.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tasks: Vec<String>,
}

/// What a notice is: decided by the engine, stored in history and `run.json` by its `key()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoticeKind {
    /// Has a matter of the supervision severity (督办).
    Supervision,
    /// Only lighter matters (提醒 …).
    Reminder,
    /// The notice of an escalation list (`[[escalation]]` id in notices.toml).
    Escalation(String),
}

impl NoticeKind {
    /// The stable key stored in history and `run.json`: `supervision`, `reminder` or the
    /// escalation id.
    pub(crate) fn key(&self) -> &str {
        match self {
            NoticeKind::Supervision => "supervision",
            NoticeKind::Reminder => "reminder",
            NoticeKind::Escalation(id) => id,
        }
    }
}

impl Serialize for NoticeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// History stores the kind by its key.
impl rusqlite::ToSql for NoticeKind {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.key()))
    }
}

/// A notice to one recipient.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Notice {
    pub(crate) kind: NoticeKind,
    pub(crate) recipient: String,
    /// The 主送 line as written: the recipient's full name (units.toml `full_name`), else
    /// the recipient.
    pub(crate) addressee: String,
    pub(crate) title: String,
    pub(crate) intro: String,
    pub(crate) matters: Vec<Matter>,
    pub(crate) closing: String,
    pub(crate) issue_date: NaiveDate,
    pub(crate) issue_date_text: String,
    pub(crate) due: NaiveDate,
    pub(crate) due_provisional: bool,
    pub(crate) year: i32,
    pub(crate) seq: u32,
    pub(crate) number: String,
    /// The 版记's 印发 line, when the rules give one.
    pub(crate) imprint: Option<ImprintLine>,
}

/// The 印发 line: the 印发机关 and the 印发日期 as written (`2026年10月26日印发`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ImprintLine {
    pub(crate) office: String,
    pub(crate) date: String,
}

impl Notice {
    /// How the notice's kind reads: the severity of its matters (督办, 提醒 … from
    /// notices.toml), or the name of its escalation list.
    pub(crate) fn kind_label(&self, rules: &Rules) -> String {
        if let NoticeKind::Escalation(id) = &self.kind
            && let Some(e) = rules.notices.escalations.iter().find(|e| &e.id == id)
        {
            return e.list.clone();
        }
        let sev = &rules.notices.setup.supervision_severity;
        if self.matters.iter().any(|m| &m.severity == sev) {
            return sev.clone();
        }
        self.matters
            .first()
            .map(|m| m.severity.clone())
            .unwrap_or_default()
    }
}

/// One unit on an escalation list, with its evidence.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EscalationEntry {
    pub(crate) unit: String,
    pub(crate) rank: u32,
    pub(crate) score: f64,
    pub(crate) streak: u32,
    pub(crate) evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct EscalationList {
    pub(crate) id: String,
    pub(crate) list: String,
    pub(crate) entries: Vec<EscalationEntry>,
}

/// Facts about a unit that unit matters and penalties are judged on.
#[derive(Debug, Clone)]
pub(crate) struct UnitFacts<'a> {
    pub(crate) unit: &'a str,
    pub(crate) bottom: bool,
    pub(crate) score: f64,
    pub(crate) rank: u32,
    pub(crate) streak: u32,
    pub(crate) penalty_ids: &'a [String],
}

fn unit_ctx(f: &UnitFacts, month: Month, rules: &Rules) -> BTreeMap<&'static str, V> {
    BTreeMap::from([
        ("unit", V::from(f.unit)),
        ("bottom", V::from(f.bottom)),
        ("score", V::from(format!("{:.2}", f.score))),
        ("rank", V::from(f.rank)),
        ("streak", V::from(f.streak)),
        ("penalty_ids", V::from(f.penalty_ids.to_vec())),
        ("bottom_n", V::from(rules.scoring.score.bottom_n)),
        (
            "month_label",
            V::from(format!("{}年{}月", month.year, month.month)),
        ),
    ])
}

/// Whether a unit matter's condition holds for a unit. A condition that cannot be evaluated is
/// recorded as a rule problem naming the matter and the unit, and the matter is not raised.
fn unit_holds(
    rules: &Rules,
    m: &MatterRule,
    facts: &UnitFacts,
    ctx: &BTreeMap<&'static str, V>,
    problems: &mut Vec<RuleProblem>,
) -> bool {
    let Some(when) = &m.when else {
        return false;
    };
    let ctx = ctx
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .collect::<BTreeMap<_, _>>();
    match when.holds(V::from(ctx)) {
        Ok(b) => b,
        Err(e) => {
            problems.push(RuleProblem {
                rule_file: rules.notices.file.clone(),
                rule: m.id.clone(),
                subject: facts.unit.to_string(),
                message: e.to_string(),
            });
            false
        }
    }
}

/// Whether a unit gets a 督办 matter from its own results alone (before penalties): counts as
/// this month's notice for "repeated supervision".
pub(crate) fn supervised_by_results(
    rules: &Rules,
    facts: &UnitFacts,
    month: Month,
    problems: &mut Vec<RuleProblem>,
) -> bool {
    let ctx = unit_ctx(facts, month, rules);
    let sev = &rules.notices.setup.supervision_severity;
    rules.notices.matters.iter().any(|m| {
        m.source == Source::Unit
            && &m.severity == sev
            && unit_holds(rules, m, facts, &ctx, problems)
    })
}

fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Recipients of 督办 matters raised by deadlines.
pub(crate) fn supervised_by_deadlines(
    rules: &Rules,
    deadlines: &[DeadlineRow],
) -> std::collections::HashSet<String> {
    let sev = &rules.notices.setup.supervision_severity;
    let mut out = std::collections::HashSet::new();
    for m in rules
        .notices
        .matters
        .iter()
        .filter(|m| m.source == Source::Deadline && &m.severity == sev)
    {
        for d in deadlines
            .iter()
            .filter(|d| m.rules.contains(&d.rule) && m.status.iter().any(|s| s == d.status.key()))
        {
            if let Some(r) = &d.recipient {
                out.insert(r.clone());
            }
        }
    }
    out
}

/// A number in Chinese characters, as dates and ordinals use them: 0 → 〇, 10 → 十,
/// 25 → 二十五 (up to 99).
pub(crate) fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let d = |i: u32| DIGITS[i as usize];
    match n {
        0..=9 => d(n).to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", d(n % 10)),
        20..=99 if n.is_multiple_of(10) => format!("{}十", d(n / 10)),
        20..=99 => format!("{}十{}", d(n / 10), d(n % 10)),
        _ => n.to_string(),
    }
}

/// `二〇二六年十月二十五日` or `2026年10月25日`.
pub(crate) fn issue_date_text(d: NaiveDate, style: DateStyle) -> String {
    match style {
        DateStyle::Arabic => zh_date(d),
        DateStyle::Chinese => {
            let year: String = d
                .year()
                .to_string()
                .chars()
                .map(|c| chinese_number(c.to_digit(10).unwrap_or(0)))
                .collect();
            format!(
                "{year}年{}月{}日",
                chinese_number(d.month()),
                chinese_number(d.day())
            )
        }
    }
}

/// What notices are drafted from.
pub(crate) struct DraftInput<'a> {
    pub(crate) month: Month,
    pub(crate) as_of: NaiveDate,
    /// The 成文日期: the notices' date, year of numbering and start of the rectification period.
    pub(crate) issue_date: NaiveDate,
    pub(crate) deadlines: &'a [DeadlineRow],
    pub(crate) units: &'a [UnitFacts<'a>],
    /// Penalty evidence per unit.
    pub(crate) evidence: &'a BTreeMap<String, Vec<Evidence>>,
    /// Units in ledger order: notices are numbered in this order, other recipients after.
    pub(crate) unit_order: &'a [String],
    /// Earlier months' 整改任务 with their state as of this month (task matters).
    pub(crate) tasks: &'a [super::supervision::task::TaskState],
}

/// This month's notices (unnumbered), escalation lists, and the rule conditions that could not
/// be evaluated.
pub(crate) struct Drafted {
    pub(crate) notices: Vec<Notice>,
    pub(crate) escalations: Vec<EscalationList>,
    pub(crate) problems: Vec<RuleProblem>,
}

/// Builds this month's notices (unnumbered) and escalation lists.
pub(crate) fn draft(rules: &Rules, input: &DraftInput) -> Drafted {
    let env = environment();
    let mut problems = Vec::new();
    let month_label = format!("{}年{}月", input.month.year, input.month.month);
    let mut matters = collect_matters(rules, &env, input, &month_label, &mut problems);
    let maker = NoticeMaker::new(rules, &env, input.issue_date, month_label);
    let mut notices = recipient_notices(rules, &maker, &mut matters);
    let escalations = escalation_lists(rules, &maker, input, &mut notices);
    Drafted {
        notices,
        escalations,
        problems,
    }
}

/// Notice numbers already given, from history: this month's per recipient (year, seq), and the
/// highest of each year.
#[derive(Debug, Clone, Default)]
pub(crate) struct NoticeBook {
    pub(crate) this_month: BTreeMap<String, (i32, u32)>,
    pub(crate) max_seq: BTreeMap<i32, u32>,
}

/// Gives each notice its number: the one already given to the same recipient for the same month
/// (a forced re-run keeps it, year included, whatever the new issue date: the notice issued is
/// the same), else the next in the year of its issue date, in the order of `notices`.
pub(crate) fn number(rules: &Rules, book: &NoticeBook, notices: &mut [Notice]) {
    let mut next: BTreeMap<i32, u32> = BTreeMap::new();
    for n in notices.iter_mut() {
        let (year, seq) = match book.this_month.get(&n.recipient) {
            Some(&given) => given,
            None => {
                let slot = *next
                    .entry(n.year)
                    .or_insert_with(|| book.max_seq.get(&n.year).copied().unwrap_or(0) + 1);
                next.insert(n.year, slot + 1);
                (n.year, slot)
            }
        };
        n.year = year;
        n.seq = seq;
        n.number = number_text(rules, year, seq);
    }
}

/// Renders the document number of a notice.
pub(crate) fn number_text(rules: &Rules, year: i32, seq: u32) -> String {
    environment()
        .render_str(
            &rules.notices.setup.number,
            minijinja::context! { year => year, seq => seq },
        )
        .unwrap_or_else(|_| format!("{year}-{seq}"))
}

#[cfg(test)]
mod tests;
