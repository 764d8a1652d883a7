//! 督查 notices: findings → matters → one notice per recipient per month, plus the escalation
//! lists (表态发言名单, 专项巡察建议名单). Numbers are given later, from history.

use super::Month;
use super::deadlines::{DeadlineRow, RuleProblem};
use super::evidence::Evidence;
use crate::expr::environment;
use crate::rules::Rules;
use crate::rules::notice::{DateStyle, MatterRule, Source};
use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, Value as V};
use serde::Serialize;
use std::collections::BTreeMap;

/// One matter of a notice.
#[derive(Debug, Clone, Serialize)]
pub struct Matter {
    pub rule: String,
    pub severity: String,
    pub text: String,
    pub project: Option<String>,
}

/// What a notice is: decided by the engine, stored in history and `run.json` by its `key()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
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
    pub fn key(&self) -> &str {
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
pub struct Notice {
    pub kind: NoticeKind,
    pub recipient: String,
    pub title: String,
    pub intro: String,
    pub matters: Vec<Matter>,
    pub closing: String,
    pub issue_date: NaiveDate,
    pub issue_date_text: String,
    pub due: NaiveDate,
    pub due_provisional: bool,
    pub year: i32,
    pub seq: u32,
    pub number: String,
}

impl Notice {
    /// How the notice's kind reads: the severity of its matters (督办, 提醒 … from
    /// notices.toml), or the name of its escalation list.
    pub fn kind_label(&self, rules: &Rules) -> String {
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
pub struct EscalationEntry {
    pub unit: String,
    pub rank: u32,
    pub score: f64,
    pub streak: u32,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EscalationList {
    pub id: String,
    pub list: String,
    pub entries: Vec<EscalationEntry>,
}

/// Facts about a unit that unit matters and penalties are judged on.
#[derive(Debug, Clone)]
pub struct UnitFacts<'a> {
    pub unit: &'a str,
    pub bottom: bool,
    pub score: f64,
    pub rank: u32,
    pub streak: u32,
    pub penalty_ids: &'a [String],
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
pub fn supervised_by_results(
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
pub fn supervised_by_deadlines(
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
pub fn chinese_number(n: u32) -> String {
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
pub fn issue_date_text(d: NaiveDate, style: DateStyle) -> String {
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
pub struct DraftInput<'a> {
    pub month: Month,
    pub as_of: NaiveDate,
    pub deadlines: &'a [DeadlineRow],
    pub units: &'a [UnitFacts<'a>],
    /// Penalty evidence per unit.
    pub evidence: &'a BTreeMap<String, Vec<Evidence>>,
    /// Units in ledger order: notices are numbered in this order, other recipients after.
    pub unit_order: &'a [String],
}

/// This month's notices (unnumbered), escalation lists, and the rule conditions that could not
/// be evaluated.
pub struct Drafted {
    pub notices: Vec<Notice>,
    pub escalations: Vec<EscalationList>,
    pub problems: Vec<RuleProblem>,
}

/// Builds this month's notices (unnumbered) and escalation lists.
pub fn draft(rules: &Rules, input: &DraftInput) -> Drafted {
    let env = environment();
    let mut problems = Vec::new();
    let month_label = format!("{}年{}月", input.month.year, input.month.month);
    let mut matters = collect_matters(rules, &env, input, &month_label, &mut problems);
    let maker = NoticeMaker::new(rules, &env, input.as_of, month_label);
    let mut notices = recipient_notices(rules, &maker, &mut matters);
    let escalations = escalation_lists(rules, &maker, input, &mut notices);
    Drafted {
        notices,
        escalations,
        problems,
    }
}

/// This month's matters per recipient, and the recipients in the order their notices take.
struct Matters {
    by_recipient: BTreeMap<String, Vec<Matter>>,
    /// Units in ledger order, then other recipients as first met.
    order: Vec<String>,
}

/// Gathers the matters of every matter rule, in the order of the rules.
fn collect_matters(
    rules: &Rules,
    env: &Environment<'static>,
    input: &DraftInput,
    month_label: &str,
    problems: &mut Vec<RuleProblem>,
) -> Matters {
    let mut matters = Matters {
        by_recipient: BTreeMap::new(),
        order: input.unit_order.to_vec(),
    };
    let mut in_order: std::collections::HashSet<String> = matters.order.iter().cloned().collect();
    for m in &rules.notices.matters {
        match m.source {
            Source::Deadline => {
                deadline_matters(env, m, input, month_label, &mut matters, &mut in_order)
            }
            Source::Unit => unit_matters(rules, env, m, input, &mut matters, problems),
        }
    }
    matters
}

/// The matters rule `m` finds in the deadlines: one per deadline of its rules and statuses.
fn deadline_matters(
    env: &Environment<'static>,
    m: &MatterRule,
    input: &DraftInput,
    month_label: &str,
    matters: &mut Matters,
    in_order: &mut std::collections::HashSet<String>,
) {
    let as_of = input.as_of;
    for d in input
        .deadlines
        .iter()
        .filter(|d| m.rules.contains(&d.rule) && m.status.iter().any(|s| s == d.status.key()))
    {
        let Some(recipient) = d.recipient.clone() else {
            continue;
        };
        let ctx = minijinja::context! {
            project => d.project.clone(), project_name => d.project_name.clone(), item => d.item.clone(),
            recipient => recipient.clone(), rule_name => d.rule_name.clone(), from => d.from.map(zh_date),
            days => d.days, due => d.due.map(zh_date), met_on => d.met_on.map(zh_date), workdays => d.workdays,
            status => d.status_label.clone(), as_of => zh_date(as_of), month_label => month_label.to_string(),
        };
        let text = env
            .render_str(&m.text, ctx)
            .unwrap_or_else(|e| format!("（事项模板有误。技术信息：{e}）"));
        if in_order.insert(recipient.clone()) {
            matters.order.push(recipient.clone());
        }
        matters
            .by_recipient
            .entry(recipient)
            .or_default()
            .push(Matter {
                rule: m.id.clone(),
                severity: m.severity.clone(),
                text,
                project: d.project.clone(),
            });
    }
}

/// The matters rule `m` finds in the units' results: one per unit it holds for.
fn unit_matters(
    rules: &Rules,
    env: &Environment<'static>,
    m: &MatterRule,
    input: &DraftInput,
    matters: &mut Matters,
    problems: &mut Vec<RuleProblem>,
) {
    for u in input.units {
        let ctx = unit_ctx(u, input.month, rules);
        if !unit_holds(rules, m, u, &ctx, problems) {
            continue;
        }
        let ctx_v = V::from(
            ctx.iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<BTreeMap<_, _>>(),
        );
        let text = env
            .render_str(&m.text, ctx_v)
            .unwrap_or_else(|e| format!("（事项模板有误。技术信息：{e}）"));
        matters
            .by_recipient
            .entry(u.unit.to_string())
            .or_default()
            .push(Matter {
                rule: m.id.clone(),
                severity: m.severity.clone(),
                text,
                project: None,
            });
    }
}

/// What every notice of the month shares: its templates' context, issue date and due date.
struct NoticeMaker<'a> {
    rules: &'a Rules,
    env: &'a Environment<'static>,
    month_label: String,
    as_of: NaiveDate,
    issue_text: String,
    due: NaiveDate,
    due_provisional: bool,
}

impl<'a> NoticeMaker<'a> {
    fn new(
        rules: &'a Rules,
        env: &'a Environment<'static>,
        as_of: NaiveDate,
        month_label: String,
    ) -> Self {
        let setup = &rules.notices.setup;
        let due = rules.calendar.add(as_of, setup.rectify_workdays);
        NoticeMaker {
            rules,
            env,
            month_label,
            as_of,
            issue_text: issue_date_text(as_of, setup.date_style),
            due: due.value,
            due_provisional: due.provisional(),
        }
    }

    /// Renders a notice template for `recipient`.
    fn render(&self, tmpl: &str, recipient: &str) -> String {
        self.env.render_str(tmpl, minijinja::context! { recipient => recipient, month_label => self.month_label.clone(), due => zh_date(self.due), bottom_n => self.rules.scoring.score.bottom_n })
            .unwrap_or_else(|e| format!("（模板有误。技术信息：{e}）"))
    }

    /// A notice to `recipient` with [title, intro, closing], not yet numbered.
    fn notice(
        &self,
        kind: NoticeKind,
        recipient: String,
        [title, intro, closing]: [String; 3],
        matters: Vec<Matter>,
    ) -> Notice {
        Notice {
            kind,
            recipient,
            title,
            intro,
            matters,
            closing,
            issue_date: self.as_of,
            issue_date_text: self.issue_text.clone(),
            due: self.due,
            due_provisional: self.due_provisional,
            year: self.as_of.year(),
            seq: 0,
            number: String::new(),
        }
    }
}

/// One notice per recipient with matters, in `matters.order`: a supervision notice when any
/// matter has the supervision severity, else a reminder.
fn recipient_notices(rules: &Rules, maker: &NoticeMaker, matters: &mut Matters) -> Vec<Notice> {
    let setup = &rules.notices.setup;
    let mut notices = Vec::new();
    for recipient in &matters.order {
        let Some(list) = matters.by_recipient.remove(recipient) else {
            continue;
        };
        let kind = if list
            .iter()
            .any(|m| m.severity == setup.supervision_severity)
        {
            NoticeKind::Supervision
        } else {
            NoticeKind::Reminder
        };
        notices.push(maker.notice(
            kind,
            recipient.clone(),
            [
                maker.render(&setup.title, recipient),
                maker.render(&setup.intro, recipient),
                maker.render(&setup.closing, recipient),
            ],
            list,
        ));
    }
    notices
}

/// The escalation lists, in the order of the rules; a list with entries also gets its
/// notice, appended to `notices`.
fn escalation_lists(
    rules: &Rules,
    maker: &NoticeMaker,
    input: &DraftInput,
    notices: &mut Vec<Notice>,
) -> Vec<EscalationList> {
    let setup = &rules.notices.setup;
    let mut lists = Vec::new();
    for e in &rules.notices.escalations {
        let entries: Vec<EscalationEntry> = input
            .units
            .iter()
            .filter(|u| u.penalty_ids.contains(&e.penalty))
            .map(|u| EscalationEntry {
                unit: u.unit.to_string(),
                rank: u.rank,
                score: u.score,
                streak: u.streak,
                evidence: input
                    .evidence
                    .get(u.unit)
                    .into_iter()
                    .flatten()
                    .filter(|x| x.penalty == e.penalty)
                    .cloned()
                    .collect(),
            })
            .collect();
        if !entries.is_empty() {
            let matters = entries
                .iter()
                .map(|_| Matter {
                    rule: e.id.clone(),
                    severity: setup.supervision_severity.clone(),
                    // Written once the notices are numbered (`evidence::name_notices`).
                    text: String::new(),
                    project: None,
                })
                .collect();
            notices.push(maker.notice(
                NoticeKind::Escalation(e.id.clone()),
                e.recipients.trim_end_matches(['：', ':']).to_string(),
                [
                    maker.render(&e.title, ""),
                    maker.render(&e.intro, ""),
                    String::new(),
                ],
                matters,
            ));
        }
        lists.push(EscalationList {
            id: e.id.clone(),
            list: e.list.clone(),
            entries,
        });
    }
    lists
}

/// Notice numbers already given, from history: this month's per (recipient, year), and the
/// highest of each year.
#[derive(Debug, Clone, Default)]
pub struct NoticeBook {
    pub this_month: BTreeMap<(String, i32), u32>,
    pub max_seq: BTreeMap<i32, u32>,
}

/// Gives each notice its number: the one already given to the same recipient for the same month
/// (a forced re-run), else the next in its year, in the order of `notices`.
pub fn number(rules: &Rules, book: &NoticeBook, notices: &mut [Notice]) {
    let mut next: BTreeMap<i32, u32> = BTreeMap::new();
    for n in notices.iter_mut() {
        let seq = match book.this_month.get(&(n.recipient.clone(), n.year)) {
            Some(seq) => *seq,
            None => {
                let slot = *next
                    .entry(n.year)
                    .or_insert_with(|| book.max_seq.get(&n.year).copied().unwrap_or(0) + 1);
                next.insert(n.year, slot + 1);
                slot
            }
        };
        n.seq = seq;
        n.number = number_text(rules, n.year, seq);
    }
}

/// Renders the document number of a notice.
pub fn number_text(rules: &Rules, year: i32, seq: u32) -> String {
    environment()
        .render_str(
            &rules.notices.setup.number,
            minijinja::context! { year => year, seq => seq },
        )
        .unwrap_or_else(|_| format!("{year}-{seq}"))
}

#[cfg(test)]
mod tests;
