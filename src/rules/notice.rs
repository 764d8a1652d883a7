//! Notice rules (`rules/notices.toml`): which findings raise a 督查 notice, the wording of each
//! matter, numbering, rectification period, issuers, and the escalation lists.

use super::{RuleFile, RulesError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    notice: NoticeSetup,
    matter: Vec<RawMatter>,
    #[serde(default)]
    escalation: Vec<Escalation>,
    /// The monthly 考核情况通报; without it none is written.
    #[serde(default)]
    bulletin: Option<super::official::Bulletin>,
    /// The 督办 loop; without it notice items are not tracked as tasks.
    #[serde(default)]
    supervision: Option<super::supervision::Supervision>,
}

/// Numbering, wording and layout options of every notice.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoticeSetup {
    pub(crate) number: String,
    pub(crate) header: super::official::Header,
    pub(crate) issuers: Vec<String>,
    pub(crate) title: String,
    pub(crate) intro: String,
    pub(crate) closing: String,
    /// The title and intro of a reminder (提醒: no matter of `supervision_severity`); without
    /// them a reminder takes `title` and `intro`.
    #[serde(default)]
    pub(crate) reminder_title: Option<String>,
    #[serde(default)]
    pub(crate) reminder_intro: Option<String>,
    /// Working days from the issue date to the notice's own date (`{{ due }}`). Optional with
    /// `[supervision]`, whose `feedback_workdays` is then that date, as the forms and tasks say.
    #[serde(default)]
    pub(crate) rectify_workdays: Option<u32>,
    pub(crate) date_style: DateStyle,
    pub(crate) cc: String,
    /// The label before `cc` in the 版记 (shipped: `抄送：`). Rule folders exported before it was
    /// a rule take the shipped one.
    #[serde(default = "shipped_cc_label")]
    pub(crate) cc_label: String,
    pub(crate) supervision_severity: String,
    /// The severity of a lighter matter (提醒); a matter's severity is this or
    /// `supervision_severity`.
    #[serde(default = "reminder_severity")]
    pub(crate) reminder_severity: String,
    /// The 版记's 印发 line; without it the 版记 holds only 抄送.
    #[serde(default)]
    pub(crate) imprint: Option<Imprint>,
}

/// The severity of a reminder when `[notice]` does not name it (rule folders exported before it
/// was a rule).
fn reminder_severity() -> String {
    "提醒".into()
}

/// The shipped `[notice] cc_label`.
fn shipped_cc_label() -> String {
    #[derive(Deserialize)]
    struct Shipped {
        notice: ShippedNotice,
    }
    #[derive(Deserialize)]
    struct ShippedNotice {
        cc_label: String,
    }
    let source = super::RuleSource::embedded();
    source
        .get("notices.toml")
        .ok()
        .and_then(|f| toml::from_str::<Shipped>(&f.text).ok())
        .map(|s| s.notice.cc_label)
        .expect("the shipped notices.toml has [notice] cc_label")
}

/// The 印发 line of the 版记 (GB/T 9704-2012 7.4.3): the 印发机关 at the left, the 印发日期
/// (the issue date) at the right.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Imprint {
    pub(crate) office: String,
    /// A template over `date` (the issue date as `2026年10月26日`).
    pub(crate) date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DateStyle {
    /// 二〇二六年十月二十五日
    Chinese,
    /// 2026年10月25日
    Arabic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Source {
    Deadline,
    Unit,
    /// An earlier month's 整改任务 in one of `status` (task states) as of this month.
    Task,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatter {
    id: String,
    source: Source,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    status: Vec<String>,
    when: Option<String>,
    /// For task matters: one matter per earlier notice, its tasks' items together.
    #[serde(default)]
    per_notice: bool,
    severity: String,
    text: String,
}

/// A kind of matter a notice can hold.
#[derive(Debug, Clone)]
pub(crate) struct MatterRule {
    pub(crate) id: String,
    pub(crate) source: Source,
    pub(crate) rules: Vec<String>,
    pub(crate) status: Vec<String>,
    /// For unit matters: the condition over the unit's results, compiled at load.
    pub(crate) when: Option<crate::expr::Expr>,
    /// For task matters: the tasks of one earlier notice in one matter.
    pub(crate) per_notice: bool,
    pub(crate) severity: String,
    pub(crate) text: String,
}

/// An escalation list (表态发言名单, 专项巡察建议名单), issued as a notice of its own kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Escalation {
    pub(crate) id: String,
    pub(crate) penalty: String,
    pub(crate) list: String,
    pub(crate) title: String,
    pub(crate) recipients: String,
    pub(crate) intro: String,
}

#[derive(Debug, Clone)]
pub struct Notices {
    pub(crate) setup: NoticeSetup,
    pub(crate) matters: Vec<MatterRule>,
    pub(crate) escalations: Vec<Escalation>,
    pub(crate) bulletin: Option<super::official::Bulletin>,
    pub(crate) supervision: Option<super::supervision::Supervision>,
    /// Working days from a notice's issue date to its own date (`{{ due }}` of its texts): the
    /// `rectify_workdays` of `[notice]`, else the 督办 loop's `feedback_workdays`, so that the
    /// notice, its form and its tasks name one date to report back by.
    pub(crate) due_workdays: u32,
    pub(crate) file: String,
}

/// The states a task matter may name (`engine::supervision::State`).
const TASK_STATES: &[&str] = &["open", "done", "in_progress", "overdue", "rectify_overdue"];

/// The deadline statuses a deadline matter may name (`rules::status::Status` keys).
pub(crate) use super::status::STATUSES;

impl Notices {
    /// A note when a notice's own period (`rectify_workdays`) differs from its tasks' feedback
    /// period: the notice and its form then name two dates (rule folders exported before the
    /// notice took the feedback date keep `rectify_workdays`).
    pub(crate) fn two_dates(&self) -> Option<String> {
        let (own, s) = (self.setup.rectify_workdays?, self.supervision.as_ref()?);
        (own != s.feedback_workdays).then(|| {
            format!(
                "注意: {} 的 [notice] rectify_workdays = {own} 与 [supervision] feedback_workdays = {} 不同，通知正文与整改反馈表将写两个不同的期限；删去 rectify_workdays 即以反馈时限为通知的报送期限",
                self.file, s.feedback_workdays
            )
        })
    }

    pub(crate) fn load(
        file: &RuleFile,
        deadline_ids: &[String],
        penalty_ids: &[String],
        tables: &[super::TableSchema],
    ) -> Result<Self, RulesError> {
        let raw: RawFile = file.parse()?;
        let env = crate::expr::environment();
        for t in [
            &raw.notice.number,
            &raw.notice.title,
            &raw.notice.intro,
            &raw.notice.closing,
        ]
        .into_iter()
        .chain(raw.notice.imprint.as_ref().map(|i| &i.date))
        .chain(raw.notice.reminder_title.as_ref())
        .chain(raw.notice.reminder_intro.as_ref())
        {
            env.template_from_str(t)
                .map_err(|e| file.error_near(t, format!("模板有误。技术信息：{e}")))?;
        }
        if !raw.notice.number.contains("seq") {
            return Err(file
                .error_near("number", "发文字号模板必须包含 {{ seq }}")
                .with_hint("如 \"镇督查〔{{ year }}〕{{ seq }}号\""));
        }
        if raw.notice.supervision_severity == raw.notice.reminder_severity {
            return Err(file
                .error_in_table(
                    "notice",
                    "reminder_severity",
                    "reminder_severity 与 supervision_severity 相同，无法区分督办与提醒",
                )
                .with_hint("如 supervision_severity = \"督办\"，reminder_severity = \"提醒\""));
        }
        let unit_vars: Vec<String> = ["bottom", "score", "rank", "streak", "penalty_ids"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let penalties: Vec<&str> = penalty_ids.iter().map(String::as_str).collect();
        let unit_domains = super::domains::Domains::default().with(
            "penalty_ids",
            &penalties,
            "scoring.toml 中的处罚 [[penalty]] 的 id",
        );
        let mut matters = Vec::new();
        for (index, m) in raw.matter.into_iter().enumerate() {
            let mut when = None;
            env.template_from_str(&m.text).map_err(|e| {
                file.error_near(
                    &m.text,
                    format!("事项 {} 的文字模板有误。技术信息：{e}", m.id),
                )
            })?;
            // The names `engine::notices::draft` gives a matter of each source.
            let known: &[&str] = match m.source {
                Source::Deadline => &[
                    "project",
                    "project_name",
                    "item",
                    "recipient",
                    "rule_name",
                    "from",
                    "days",
                    "due",
                    "met_on",
                    "workdays",
                    "status",
                    "as_of",
                    "month_label",
                ],
                Source::Task => &[
                    "task",
                    "notice",
                    "index",
                    "unit",
                    "project",
                    "matter",
                    "feedback_due",
                    "due",
                    "state",
                    "late_extension",
                    "as_of",
                    "month_label",
                ],
                Source::Unit => &[
                    "unit",
                    "bottom",
                    "score",
                    "rank",
                    "streak",
                    "penalty_ids",
                    "bottom_n",
                    "month_label",
                ],
            };
            crate::expr::check_template_names(&m.text, known).map_err(|e| {
                file.error_near(&m.text, format!("事项 {} 的文字有误：{e}", m.id))
                    .with_hint("名称写错时该处在通知中会是空白；请按“可用”中的名称改正")
            })?;
            let severities = [
                &raw.notice.supervision_severity,
                &raw.notice.reminder_severity,
            ];
            if !severities.contains(&&m.severity) {
                return Err(file
                    .error_in_array(
                        "matter",
                        index,
                        "severity",
                        format!(
                            "事项 {} 的 severity “{}”不是可用的等级（可选: {}、{}）",
                            m.id, m.severity, severities[0], severities[1]
                        ),
                    )
                    .with_hint("等级决定通知是督办还是提醒（[notice] 的 supervision_severity 与 reminder_severity），写错时督办事项会被当作提醒"));
            }
            if m.per_notice && m.source != Source::Task {
                return Err(file
                    .error_in_array(
                        "matter",
                        index,
                        "per_notice",
                        format!("事项 {} 不是整改任务事项，不能按通知合并", m.id),
                    )
                    .with_hint("per_notice 只用于 source = \"task\" 的事项；其他事项请删去此行"));
            }
            match m.source {
                Source::Deadline => {
                    for r in &m.rules {
                        if !deadline_ids.contains(r) {
                            return Err(file
                                .error_near(
                                    &format!("\"{r}\""),
                                    format!("deadlines.toml 中没有期限 {r}"),
                                )
                                .with_hint(format!("可用: {}", deadline_ids.join(", "))));
                        }
                    }
                    for s in &m.status {
                        if !STATUSES.contains(&s.as_str()) {
                            return Err(file
                                .error_near(&format!("\"{s}\""), format!("未知的期限状态 {s}"))
                                .with_hint(format!("可用: {}", STATUSES.join(", "))));
                        }
                    }
                }
                Source::Task => {
                    for s in &m.status {
                        if !TASK_STATES.contains(&s.as_str()) {
                            return Err(file
                                .error_near(&format!("\"{s}\""), format!("未知的整改任务状态 {s}"))
                                .with_hint(format!("可用: {}", TASK_STATES.join(", "))));
                        }
                        // Without [supervision] there are no tasks, and the rule names none.
                        let unnamed = raw
                            .supervision
                            .as_ref()
                            .is_some_and(|v| v.states.rectify_overdue.is_none());
                        if s == "rectify_overdue" && unnamed {
                            return Err(file
                                .error_near(&format!("\"{s}\""), "整改任务状态 rectify_overdue（整改超期）未在 [supervision.states] 中命名，该事项不会出现")
                                .with_hint("在 [supervision.states] 中加入如 rectify_overdue = \"逾期未整改\""));
                        }
                    }
                }
                Source::Unit => {
                    let src = m.when.as_deref().unwrap_or("");
                    if src.is_empty() {
                        return Err(file
                            .error_near(&m.id, format!("单位事项 {} 需要 when 条件", m.id))
                            .with_hint("如 when = \"bottom\""));
                    }
                    when = Some(
                        super::deadline::compile_condition(src, &unit_vars)
                            .map_err(|e| e.clone().hinted(file.error_near(src, e.to_string())))?,
                    );
                    unit_domains.check(file, src)?;
                }
            }
            matters.push(MatterRule {
                id: m.id,
                source: m.source,
                rules: m.rules,
                status: m.status,
                when,
                per_notice: m.per_notice,
                severity: m.severity,
                text: m.text,
            });
        }
        for e in &raw.escalation {
            if !penalty_ids.contains(&e.penalty) {
                return Err(file
                    .error_near(
                        &format!("\"{}\"", e.penalty),
                        format!("scoring.toml 中没有处理 {}", e.penalty),
                    )
                    .with_hint(super::condition::one_of(
                        &e.penalty,
                        penalty_ids.iter().map(String::as_str),
                    )));
            }
        }
        if let Some(b) = &raw.bulletin {
            b.check(file)?;
        }
        if let Some(s) = &raw.supervision {
            let ids: Vec<&str> = matters.iter().map(|m| m.id.as_str()).collect();
            s.check(file, &ids, deadline_ids, tables)?;
        }
        let due_workdays = match (raw.notice.rectify_workdays, &raw.supervision) {
            (Some(days), _) => days,
            (None, Some(s)) => s.feedback_workdays,
            (None, None) => {
                return Err(file
                    .error_near("[notice]", "缺少 rectify_workdays：通知要求报送整改情况的期限（成文日期后的工作日数）")
                    .with_hint("在 [notice] 中加入如 rectify_workdays = 5；或配置 [supervision]，以其 feedback_workdays 为期限"));
            }
        };
        Ok(Notices {
            supervision: raw.supervision,
            bulletin: raw.bulletin,
            setup: raw.notice,
            matters,
            escalations: raw.escalation,
            due_workdays,
            file: file.display.clone(),
        })
    }
}
