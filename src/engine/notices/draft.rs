//! The steps of drafting the notices: matters per recipient from the deadlines and the
//! units' results, one notice per recipient, and the escalation lists.

use super::{
    DraftInput, EscalationEntry, EscalationList, ImprintLine, Matter, Notice, NoticeKind,
    issue_date_text, unit_ctx, unit_holds, zh_date,
};
use crate::engine::deadlines::RuleProblem;
use crate::engine::supervision::task::{State, TaskState};
use crate::rules::Rules;
use crate::rules::notice::{MatterRule, Source};
use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, Value as V};
use std::collections::{BTreeMap, HashMap, HashSet};

/// This month's matters per recipient, and the recipients in the order their notices take.
pub(super) struct Matters {
    by_recipient: BTreeMap<String, Vec<Matter>>,
    /// Units in ledger order, then other recipients as first met.
    order: Vec<String>,
    /// The recipients in `order`.
    ordered: HashSet<String>,
}

impl Matters {
    /// Adds `matter` for `recipient`; a recipient not met before comes after the others.
    fn add(&mut self, recipient: String, matter: Matter) {
        if self.ordered.insert(recipient.clone()) {
            self.order.push(recipient.clone());
        }
        self.by_recipient.entry(recipient).or_default().push(matter);
    }
}

/// What a matter rule found for one matter: to whom, about which project, and the context its
/// text is rendered over.
struct Found {
    recipient: String,
    project: Option<String>,
    ctx: V,
    /// The earlier tasks a task matter names.
    tasks: Vec<String>,
}

/// Gathers the matters of every matter rule, in the order of the rules.
pub(super) fn collect_matters(
    rules: &Rules,
    env: &Environment<'static>,
    input: &DraftInput,
    month_label: &str,
    problems: &mut Vec<RuleProblem>,
) -> Matters {
    let mut matters = Matters {
        by_recipient: BTreeMap::new(),
        order: input.unit_order.to_vec(),
        ordered: input.unit_order.iter().cloned().collect(),
    };
    for m in &rules.notices.matters {
        let found = match m.source {
            Source::Deadline => deadline_matters(m, input, month_label),
            Source::Unit => unit_matters(rules, m, input, problems),
            Source::Task => task_matters(m, input, month_label),
        };
        for f in found {
            let text = env
                .render_str(&m.text, f.ctx)
                .unwrap_or_else(|e| format!("（事项模板有误。技术信息：{e}）"));
            let matter = Matter {
                rule: m.id.clone(),
                severity: m.severity.clone(),
                text,
                project: f.project,
                tasks: f.tasks,
            };
            matters.add(f.recipient, matter);
        }
    }
    matters
}

/// The matters rule `m` finds in the deadlines: one per deadline of its rules and statuses.
fn deadline_matters(m: &MatterRule, input: &DraftInput, month_label: &str) -> Vec<Found> {
    let as_of = input.as_of;
    input
        .deadlines
        .iter()
        .filter(|d| m.rules.contains(&d.rule) && m.status.iter().any(|s| s == d.status.key()))
        .filter_map(|d| {
            let recipient = d.recipient.clone()?;
            let ctx = minijinja::context! {
                project => d.project.clone(), project_name => d.project_name.clone(), item => d.item.clone(),
                recipient => recipient.clone(), rule_name => d.rule_name.clone(), from => d.from.map(zh_date),
                days => d.days, due => d.due.map(zh_date), met_on => d.met_on.map(zh_date), workdays => d.workdays,
                status => d.status_label.clone(), as_of => zh_date(as_of), month_label => month_label.to_string(),
            };
            Some(Found {
                recipient,
                project: d.project.clone(),
                ctx,
                tasks: Vec::new(),
            })
        })
        .collect()
}

/// The matters rule `m` finds in earlier months' tasks in one of its states: one per task, or
/// one per earlier notice with `per_notice`.
fn task_matters(m: &MatterRule, input: &DraftInput, month_label: &str) -> Vec<Found> {
    let chosen = input
        .tasks
        .iter()
        .filter(|t| m.status.iter().any(|s| s == t.state.key()));
    // One group per task, or per earlier notice (its report-back date and state) for
    // `per_notice`.
    let mut groups: Vec<Vec<&TaskState>> = Vec::new();
    let mut group_of: HashMap<(&str, &str, NaiveDate, bool), usize> = HashMap::new();
    for t in chosen {
        let key = (
            t.task.notice.as_str(),
            t.state_label.as_str(),
            t.task.feedback_due,
            late_extension(t),
        );
        match group_of.get(&key).filter(|_| m.per_notice) {
            Some(&g) => groups[g].push(t),
            None => {
                group_of.insert(key, groups.len());
                groups.push(vec![t]);
            }
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let (first, task) = (group[0], &group[0].task);
            // The dates to be solved by, each once, in the tasks' order.
            let mut dues: Vec<String> = Vec::new();
            for d in group.iter().map(|t| zh_date(t.due)) {
                if !dues.contains(&d) {
                    dues.push(d);
                }
            }
            let joined = |f: &dyn Fn(&TaskState) -> String| {
                group.iter().map(|t| f(t)).collect::<Vec<_>>().join("、")
            };
            // A project only when every task of the group is about the same one.
            let project = task
                .project
                .clone()
                .filter(|p| group.iter().all(|t| t.task.project.as_ref() == Some(p)));
            // One task keeps its number as a number; several are listed as text ("1、2").
            let index = match group.len() {
                1 => V::from(task.index),
                _ => V::from(joined(&|t| t.task.index.to_string())),
            };
            let matter: Vec<&str> = group.iter().map(|t| t.task.text.as_str()).collect();
            let ctx = minijinja::context! {
                task => joined(&|t| t.task.id.clone()), notice => task.notice.clone(), index,
                unit => task.unit.clone(), project => project.clone(), matter => matter.join("；"),
                feedback_due => zh_date(task.feedback_due), due => dues.join("、"),
                state => first.state_label.clone(), late_extension => late_extension(first),
                as_of => zh_date(input.as_of),
                month_label => month_label.to_string(),
            };
            Found {
                recipient: task.unit.clone(),
                project,
                ctx,
                tasks: group.iter().map(|t| t.task.id.clone()).collect(),
            }
        })
        .collect()
}

/// Whether `t` is overdue for an extension asked after its 整改时限 (it has feedback), not
/// for no feedback at all: the notice says which.
fn late_extension(t: &TaskState) -> bool {
    t.state == State::Overdue && t.feedback.is_some()
}

/// The matters rule `m` finds in the units' results: one per unit it holds for.
fn unit_matters(
    rules: &Rules,
    m: &MatterRule,
    input: &DraftInput,
    problems: &mut Vec<RuleProblem>,
) -> Vec<Found> {
    let mut found = Vec::new();
    for u in input.units {
        let ctx = unit_ctx(u, input.month, rules);
        if !unit_holds(rules, m, u, &ctx, problems) {
            continue;
        }
        let ctx = V::from(
            ctx.iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<BTreeMap<_, _>>(),
        );
        found.push(Found {
            recipient: u.unit.to_string(),
            project: None,
            ctx,
            tasks: Vec::new(),
        });
    }
    found
}

/// What every notice of the month shares: its templates' context, issue date (成文日期) and the
/// due date (`Notices::due_workdays` working days after it).
pub(super) struct NoticeMaker<'a> {
    rules: &'a Rules,
    env: &'a Environment<'static>,
    month_label: String,
    issue_date: NaiveDate,
    issue_text: String,
    due: NaiveDate,
    due_provisional: bool,
    imprint: Option<ImprintLine>,
}

impl<'a> NoticeMaker<'a> {
    pub(super) fn new(
        rules: &'a Rules,
        env: &'a Environment<'static>,
        issue_date: NaiveDate,
        month_label: String,
    ) -> Self {
        let setup = &rules.notices.setup;
        let due = rules.calendar.add(issue_date, rules.notices.due_workdays);
        let imprint = setup.imprint.as_ref().map(|i| ImprintLine {
            office: i.office.clone(),
            date: env
                .render_str(&i.date, minijinja::context! { date => zh_date(issue_date) })
                .unwrap_or_else(|e| format!("（模板有误。技术信息：{e}）")),
        });
        NoticeMaker {
            imprint,
            rules,
            env,
            month_label,
            issue_date,
            issue_text: issue_date_text(issue_date, setup.date_style),
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
            addressee: self.rules.units.full_name(&recipient).to_string(),
            recipient,
            title,
            intro,
            matters,
            closing,
            issue_date: self.issue_date,
            issue_date_text: self.issue_text.clone(),
            due: self.due,
            due_provisional: self.due_provisional,
            year: self.issue_date.year(),
            seq: 0,
            number: String::new(),
            imprint: self.imprint.clone(),
        }
    }
}

/// One notice per recipient with matters, in `matters.order`: a supervision notice when any
/// matter has the supervision severity, else a reminder.
pub(super) fn recipient_notices(
    rules: &Rules,
    maker: &NoticeMaker,
    matters: &mut Matters,
) -> Vec<Notice> {
    let setup = &rules.notices.setup;
    let mut notices = Vec::new();
    for recipient in &matters.order {
        let Some(list) = matters.by_recipient.remove(recipient) else {
            continue;
        };
        let (kind, title, intro) = if list
            .iter()
            .any(|m| m.severity == setup.supervision_severity)
        {
            (NoticeKind::Supervision, &setup.title, &setup.intro)
        } else {
            (
                NoticeKind::Reminder,
                setup.reminder_title.as_ref().unwrap_or(&setup.title),
                setup.reminder_intro.as_ref().unwrap_or(&setup.intro),
            )
        };
        notices.push(maker.notice(
            kind,
            recipient.clone(),
            [
                maker.render(title, recipient),
                maker.render(intro, recipient),
                maker.render(&setup.closing, recipient),
            ],
            list,
        ));
    }
    notices
}

/// The escalation lists, in the order of the rules; a list with entries also gets its
/// notice, appended to `notices`.
pub(super) fn escalation_lists(
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
                    // Written once the notices are numbered (`assess::name_notices`).
                    text: String::new(),
                    project: None,
                    tasks: Vec::new(),
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
