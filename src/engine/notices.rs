//! 督查 notices: findings → matters → one notice per recipient per month, plus the escalation
//! lists (表态发言名单, 专项巡察建议名单). Numbers are given later, from history.

use super::Month;
use super::deadlines::{DeadlineRow, RuleProblem};
use super::evidence::Evidence;
use crate::expr::environment;
use crate::rules::Rules;
use crate::rules::notice::{DateStyle, MatterRule, Source};
use chrono::{Datelike, NaiveDate};
use minijinja::Value as V;
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
    let DraftInput {
        month,
        as_of,
        deadlines,
        units,
        evidence,
        unit_order,
    } = *input;
    let cal = &rules.calendar;
    let env = environment();
    let mut problems = Vec::new();
    let setup = &rules.notices.setup;
    let month_label = format!("{}年{}月", month.year, month.month);
    let mut by_recipient: BTreeMap<String, Vec<Matter>> = BTreeMap::new();
    let mut order: Vec<String> = unit_order.to_vec();
    let mut in_order: std::collections::HashSet<String> = order.iter().cloned().collect();
    for m in &rules.notices.matters {
        match m.source {
            Source::Deadline => {
                for d in deadlines.iter().filter(|d| {
                    m.rules.contains(&d.rule) && m.status.iter().any(|s| s == d.status.key())
                }) {
                    let Some(recipient) = d.recipient.clone() else {
                        continue;
                    };
                    let ctx = minijinja::context! {
                        project => d.project.clone(), project_name => d.project_name.clone(), item => d.item.clone(),
                        recipient => recipient.clone(), rule_name => d.rule_name.clone(), from => d.from.map(zh_date),
                        days => d.days, due => d.due.map(zh_date), met_on => d.met_on.map(zh_date), workdays => d.workdays,
                        status => d.status_label.clone(), as_of => zh_date(as_of), month_label => month_label.clone(),
                    };
                    let text = env
                        .render_str(&m.text, ctx)
                        .unwrap_or_else(|e| format!("（事项模板有误。技术信息：{e}）"));
                    if in_order.insert(recipient.clone()) {
                        order.push(recipient.clone());
                    }
                    by_recipient.entry(recipient).or_default().push(Matter {
                        rule: m.id.clone(),
                        severity: m.severity.clone(),
                        text,
                        project: d.project.clone(),
                    });
                }
            }
            Source::Unit => {
                for u in units {
                    let ctx = unit_ctx(u, month, rules);
                    if !unit_holds(rules, m, u, &ctx, &mut problems) {
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
                    by_recipient
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
        }
    }
    let due = cal.add(as_of, setup.rectify_workdays);
    let issue_text = issue_date_text(as_of, setup.date_style);
    let render = |tmpl: &str, recipient: &str| {
        env.render_str(tmpl, minijinja::context! { recipient => recipient, month_label => month_label.clone(), due => zh_date(due.value), bottom_n => rules.scoring.score.bottom_n })
            .unwrap_or_else(|e| format!("（模板有误。技术信息：{e}）"))
    };
    // A notice to `recipient` with [title, intro, closing], not yet numbered.
    let notice = |kind: NoticeKind,
                  recipient: String,
                  [title, intro, closing]: [String; 3],
                  matters: Vec<Matter>| Notice {
        kind,
        recipient,
        title,
        intro,
        matters,
        closing,
        issue_date: as_of,
        issue_date_text: issue_text.clone(),
        due: due.value,
        due_provisional: due.provisional(),
        year: as_of.year(),
        seq: 0,
        number: String::new(),
    };
    let mut notices = Vec::new();
    for recipient in &order {
        let Some(matters) = by_recipient.remove(recipient) else {
            continue;
        };
        let kind = if matters
            .iter()
            .any(|m| m.severity == setup.supervision_severity)
        {
            NoticeKind::Supervision
        } else {
            NoticeKind::Reminder
        };
        notices.push(notice(
            kind,
            recipient.clone(),
            [
                render(&setup.title, recipient),
                render(&setup.intro, recipient),
                render(&setup.closing, recipient),
            ],
            matters,
        ));
    }
    let mut lists = Vec::new();
    for e in &rules.notices.escalations {
        let entries: Vec<EscalationEntry> = units
            .iter()
            .filter(|u| u.penalty_ids.contains(&e.penalty))
            .map(|u| EscalationEntry {
                unit: u.unit.to_string(),
                rank: u.rank,
                score: u.score,
                streak: u.streak,
                evidence: evidence
                    .get(u.unit)
                    .into_iter()
                    .flatten()
                    .filter(|x| x.penalty == e.penalty)
                    .cloned()
                    .collect(),
            })
            .collect();
        if entries.is_empty() {
            lists.push(EscalationList {
                id: e.id.clone(),
                list: e.list.clone(),
                entries,
            });
            continue;
        }
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
        notices.push(notice(
            NoticeKind::Escalation(e.id.clone()),
            e.recipients.trim_end_matches(['：', ':']).to_string(),
            [render(&e.title, ""), render(&e.intro, ""), String::new()],
            matters,
        ));
        lists.push(EscalationList {
            id: e.id.clone(),
            list: e.list.clone(),
            entries,
        });
    }
    Drafted {
        notices,
        escalations: lists,
        problems,
    }
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
mod tests {
    use super::*;
    use crate::engine::deadlines::Status;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rules() -> Rules {
        Rules::load(None).unwrap()
    }

    #[test]
    fn chinese_number_table() {
        let cases = [
            (0, "〇"),
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (19, "十九"),
            (20, "二十"),
            (21, "二十一"),
            (30, "三十"),
            (31, "三十一"),
            (99, "九十九"),
            (100, "100"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_number(n), want, "{n}");
        }
    }

    #[test]
    fn issue_date_text_table() {
        let cases = [
            ("2026-10-25", DateStyle::Chinese, "二〇二六年十月二十五日"),
            ("2026-01-01", DateStyle::Chinese, "二〇二六年一月一日"),
            ("2030-12-10", DateStyle::Chinese, "二〇三〇年十二月十日"),
            ("2027-11-30", DateStyle::Chinese, "二〇二七年十一月三十日"),
            ("2026-10-25", DateStyle::Arabic, "2026年10月25日"),
            ("2026-01-05", DateStyle::Arabic, "2026年1月5日"),
        ];
        for (date, style, want) in cases {
            assert_eq!(issue_date_text(d(date), style), want, "{date} {style:?}");
        }
    }

    #[test]
    fn number_text_table() {
        let mut rules = rules();
        let cases = [
            (
                "镇督查〔{{ year }}〕{{ seq }}号",
                2026,
                1,
                "镇督查〔2026〕1号",
            ),
            (
                "镇督查〔{{ year }}〕{{ seq }}号",
                2027,
                12,
                "镇督查〔2027〕12号",
            ),
            (
                "督查通〔{{ year }}〕第{{ seq }}号",
                2026,
                3,
                "督查通〔2026〕第3号",
            ),
            ("{{ seq }}", 2026, 7, "7"),
            // A template that cannot be rendered still gives a usable number.
            ("〔{{ year", 2026, 4, "2026-4"),
        ];
        for (template, year, seq, want) in cases {
            rules.notices.setup.number = template.into();
            assert_eq!(number_text(&rules, year, seq), want, "{template}");
        }
    }

    fn blank_notice(recipient: &str, year: i32) -> Notice {
        Notice {
            kind: NoticeKind::Supervision,
            recipient: recipient.into(),
            title: String::new(),
            intro: String::new(),
            matters: Vec::new(),
            closing: String::new(),
            issue_date: d("2026-10-25"),
            issue_date_text: String::new(),
            due: d("2026-11-01"),
            due_provisional: false,
            year,
            seq: 0,
            number: String::new(),
        }
    }

    /// Numbering, table-driven: numbers already given (this month's, by recipient, and the
    /// highest of each year) and the notices in order → their sequence numbers.
    #[test]
    fn number_table() {
        type Case<'a> = (
            &'a str,
            &'a [(&'a str, i32, u32)],
            &'a [(i32, u32)],
            &'a [(&'a str, i32)],
            &'a [u32],
        );
        let cases: &[Case] = &[
            (
                "a fresh year starts at 1",
                &[],
                &[],
                &[("甲镇", 2026), ("乙镇", 2026)],
                &[1, 2],
            ),
            (
                "continues after the year's highest",
                &[],
                &[(2026, 14)],
                &[("甲镇", 2026), ("乙镇", 2026)],
                &[15, 16],
            ),
            (
                "a forced re-run keeps the recipient's number",
                &[("乙镇", 2026, 9)],
                &[(2026, 14)],
                &[("甲镇", 2026), ("乙镇", 2026), ("丙镇", 2026)],
                &[15, 9, 16],
            ),
            (
                "each year counts on its own",
                &[],
                &[(2025, 40), (2026, 2)],
                &[("甲镇", 2025), ("乙镇", 2026), ("丙镇", 2025)],
                &[41, 3, 42],
            ),
            (
                "this month's number of another year is not reused",
                &[("甲镇", 2025, 5)],
                &[(2026, 1)],
                &[("甲镇", 2026)],
                &[2],
            ),
        ];
        let rules = rules();
        for (name, this_month, max_seq, notices, want) in cases {
            let book = NoticeBook {
                this_month: this_month
                    .iter()
                    .map(|(r, y, s)| ((r.to_string(), *y), *s))
                    .collect(),
                max_seq: max_seq.iter().copied().collect(),
            };
            let mut list: Vec<Notice> = notices.iter().map(|(r, y)| blank_notice(r, *y)).collect();
            number(&rules, &book, &mut list);
            let seqs: Vec<u32> = list.iter().map(|n| n.seq).collect();
            assert_eq!(&seqs, want, "{name}");
            for n in &list {
                assert_eq!(
                    n.number,
                    format!("镇督查〔{}〕{}号", n.year, n.seq),
                    "{name}"
                );
            }
        }
    }

    /// A deadline row as the deadline evaluation gives it.
    fn deadline(rule: &str, recipient: Option<&str>, status: Status, workdays: i64) -> DeadlineRow {
        DeadlineRow {
            rule: rule.into(),
            rule_name: format!("{rule}的规则"),
            project: Some("P1".into()),
            project_name: Some("项目一".into()),
            item: Some("节能审查".into()),
            recipient: recipient.map(str::to_string),
            from: Some(d("2026-09-01")),
            days: Some(15),
            due: Some(d("2026-09-22")),
            met_on: (status == Status::MetLate).then(|| d("2026-09-24")),
            status,
            status_label: status.key().into(),
            workdays: Some(workdays),
            missing_years: Vec::new(),
            source: String::new(),
        }
    }

    fn facts<'a>(
        unit: &'a str,
        rank: u32,
        bottom: bool,
        streak: u32,
        penalties: &'a [String],
    ) -> UnitFacts<'a> {
        UnitFacts {
            unit,
            bottom,
            score: 100.0 - f64::from(rank) * 10.5,
            rank,
            streak,
            penalty_ids: penalties,
        }
    }

    /// Drafting with the shipped notices.toml, on hand-built deadline rows and unit results:
    /// who gets a notice, of which kind, with which matters, in which order.
    #[test]
    fn draft_gives_one_notice_per_recipient_with_its_matters() {
        let rules = rules();
        let tv = vec!["tv_statement".to_string()];
        let none: Vec<String> = Vec::new();
        let units = [
            facts("甲镇", 3, true, 2, &tv),
            facts("乙镇", 1, false, 0, &none),
            facts("丙镇", 2, true, 1, &none),
            facts("丁镇", 4, false, 0, &none),
        ];
        let deadlines = [
            deadline("start_after_signing", Some("丙镇"), Status::Overdue, 12),
            deadline("start_after_signing", Some("丁镇"), Status::Pending, 5),
            deadline("procedure_time_limit", Some("县发改委"), Status::Overdue, 3),
            deadline("procedure_time_limit", None, Status::Overdue, 3),
            deadline("monthly_report", Some("乙镇"), Status::MetLate, 2),
            deadline("monthly_report", Some("丁镇"), Status::Met, 0),
        ];
        let evidence = BTreeMap::from([(
            "甲镇".to_string(),
            vec![
                Evidence::text(
                    "tv_statement",
                    "表态发言: 连续 2 个月排名后3位（2026-09 第 3 名，2026-10 第 3 名）".into(),
                ),
                Evidence::text("special_inspection", "专项巡察: 不属于这个名单".into()),
            ],
        )]);
        let order: Vec<String> = ["甲镇", "乙镇", "丙镇", "丁镇"].map(String::from).to_vec();
        let mut out = draft(
            &rules,
            &DraftInput {
                month: Month::parse("2026-10").unwrap(),
                as_of: d("2026-10-26"),
                deadlines: &deadlines,
                units: &units,
                evidence: &evidence,
                unit_order: &order,
            },
        );
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        // The escalation notice's matters are written from the evidence once numbered.
        crate::engine::assess::name_notices(&mut [], &mut out.notices, &mut out.escalations);
        let got: Vec<(&str, &str, Vec<&str>)> = out
            .notices
            .iter()
            .map(|n| {
                (
                    n.recipient.as_str(),
                    n.kind.key(),
                    n.matters.iter().map(|m| m.rule.as_str()).collect(),
                )
            })
            .collect();
        let want: Vec<(&str, &str, Vec<&str>)> = vec![
            ("甲镇", "supervision", vec!["bottom_three", "bottom_streak"]),
            ("乙镇", "reminder", vec!["late_report"]),
            ("丙镇", "supervision", vec!["overdue_start", "bottom_three"]),
            ("县发改委", "supervision", vec!["overdue_procedure"]),
            (
                "各乡镇人民政府、街道办事处，县直有关单位",
                "tv_statement",
                vec!["tv_statement"],
            ),
        ];
        assert_eq!(got, want);
        let text = |recipient: &str, rule: &str| {
            out.notices
                .iter()
                .find(|n| n.recipient == recipient)
                .and_then(|n| n.matters.iter().find(|m| m.rule == rule))
                .map(|m| m.text.clone())
                .unwrap()
        };
        let texts = [
            (
                "甲镇",
                "bottom_three",
                "2026年10月重点项目考核得分68.50分，排名第3位，位列后3位。",
            ),
            (
                "丙镇",
                "overdue_start",
                "项目一（P1）未按“start_after_signing的规则”的要求开工，应于2026年9月22日前开工，截至2026年10月26日已超期12个工作日。",
            ),
            (
                "乙镇",
                "late_report",
                "2026年10月重点项目推进情况月报应于2026年9月22日前报送，实际于2026年9月24日报送，迟报2个工作日。",
            ),
            (
                "各乡镇人民政府、街道办事处，县直有关单位",
                "tv_statement",
                "甲镇：表态发言: 连续 2 个月排名后3位（2026-09 第 3 名，2026-10 第 3 名）",
            ),
        ];
        for (recipient, rule, want) in texts {
            assert_eq!(text(recipient, rule), want, "{recipient} {rule}");
        }
        let first = &out.notices[0];
        assert_eq!(first.title, "关于督促甲镇加快重点项目推进的通知");
        assert_eq!(first.issue_date_text, "二〇二六年十月二十六日");
        assert_eq!(
            (first.seq, first.number.as_str()),
            (0, ""),
            "numbered later"
        );
        let lists: Vec<(&str, Vec<&str>)> = out
            .escalations
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.entries.iter().map(|x| x.unit.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            lists,
            vec![
                ("tv_statement", vec!["甲镇"]),
                ("special_inspection", vec![])
            ]
        );
    }

    /// The rectification due date: `rectify_workdays` working days after the as-of day, over
    /// weekends, holidays and worked weekend days; provisional in a year without a schedule.
    #[test]
    fn due_dates_of_drafted_notices_table() {
        let rules = rules();
        let none: Vec<String> = Vec::new();
        let units = [facts("甲镇", 1, true, 1, &none)];
        let cases = [
            ("2026-10-26", "2026-11-02", false, "二〇二六年十月二十六日"),
            // 29, 30 September, then 8, 9 and (a worked Saturday) 10 October.
            ("2026-09-28", "2026-10-10", false, "二〇二六年九月二十八日"),
            ("2026-12-28", "2027-01-04", true, "二〇二六年十二月二十八日"),
        ];
        for (as_of, due, provisional, issued) in cases {
            let out = draft(
                &rules,
                &DraftInput {
                    month: Month::parse(&as_of[..7]).unwrap(),
                    as_of: d(as_of),
                    deadlines: &[],
                    units: &units,
                    evidence: &BTreeMap::new(),
                    unit_order: &["甲镇".to_string()],
                },
            );
            let n = &out.notices[0];
            assert_eq!(
                (n.due, n.due_provisional, n.issue_date_text.as_str()),
                (d(due), provisional, issued),
                "{as_of}"
            );
            assert!(n.closing.contains(&zh_date(d(due))), "{}", n.closing);
        }
    }
}
