//! Deadline rules (`rules/deadlines.toml`): what runs from which date, for how many working or
//! calendar days, what shows it was met, whom it concerns, and the status labels.

pub(crate) use super::condition::compile_condition;
use super::office_calendar::{Event as OfficeEvent, OfficeCalendar, When};
use super::{Roles, RuleFile, RulesError, TableRole, TableSchema};
use crate::expr::Expr;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    status: StatusLabels,
    deadline: Vec<RawDeadline>,
}

pub use super::status::{OwnLabels, StatusLabels};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    id: String,
    name: String,
    subject: Subject,
    #[serde(default)]
    applies: String,
    from: Option<String>,
    days: Option<u32>,
    days_field: Option<String>,
    #[serde(default)]
    limits: BTreeMap<String, u32>,
    /// (Procedures) a row's own limit more than this many times its procedure's `limits` entry is
    /// warned of (W072); the row's limit still wins.
    days_field_warn_factor: Option<f64>,
    count: Option<Count>,
    table: Option<String>,
    day_of_month: Option<u32>,
    weekday: Option<u32>,
    #[serde(default)]
    next_working_day: bool,
    /// (Weekly submissions) the office calendar's event the due day is: it is due the day the
    /// calendar holds that event.
    event: Option<String>,
    #[serde(default)]
    undated_met: bool,
    met_by: String,
    #[serde(default)]
    warn_within: u32,
    recipient: String,
    #[serde(default)]
    status: OwnLabels,
}

/// What a deadline is counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    Project,
    Procedure,
    Submission,
}

/// Working or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Count {
    Working,
    Calendar,
}

/// When a deadline falls.
#[derive(Debug, Clone, PartialEq)]
pub enum Due {
    /// N days after the `from` field; a row's own `days_field` or the `limits` by name may set N.
    After {
        from: String,
        days: Option<u32>,
        days_field: Option<String>,
        limits: BTreeMap<String, u32>,
        /// A row's own limit above this many times `limits`' is warned of (W072).
        warn_factor: Option<f64>,
        count: Count,
    },
    /// On this day of the assessed month.
    DayOfMonth(u32),
    /// On this weekday (1 = Monday) of the week reported on.
    Weekday(u32),
}

/// A validated deadline rule.
#[derive(Debug, Clone)]
pub struct Deadline {
    pub id: String,
    pub name: String,
    pub subject: Subject,
    pub applies: Option<Expr>,
    pub due: Due,
    pub table: Option<String>,
    pub met_by: String,
    pub warn_within: u32,
    pub recipient: String,
    pub file: String,
    /// A submission due on a day that is not a working day is due on the next working day.
    pub next_working_day: bool,
    /// (Weekly submissions) the office calendar's event on the same weekday: the due day is the
    /// day the calendar holds it (moved off a holiday, or together with the next week's, as the
    /// calendar says), not only the next working day.
    pub(crate) office_event: Option<OfficeEvent>,
    /// (Submissions) a file sent without a readable date (no 填报日期, or one that cannot be
    /// read: W051, E021) counts as sent on time; otherwise it counts as not sent by its date.
    pub undated_met: bool,
    /// Its own status labels, over the file's.
    pub status: OwnLabels,
}

/// All deadline rules with the status labels.
#[derive(Debug, Clone)]
pub struct Deadlines {
    pub status: StatusLabels,
    pub rules: Vec<Deadline>,
}

impl Deadlines {
    pub(crate) fn load(
        file: &RuleFile,
        tables: &[TableSchema],
        roles: &Roles,
        office: &OfficeCalendar,
    ) -> Result<Self, RulesError> {
        let raw: RawFile = file.parse()?;
        let mut rules = Vec::new();
        for (index, d) in raw.deadline.into_iter().enumerate() {
            let err = |needle: &str, msg: String| file.error_near(needle, msg);
            if rules.iter().any(|r: &Deadline| r.id == d.id) {
                return Err(file.error_in_array(
                    "deadline",
                    index,
                    "id",
                    format!("期限规则 id {} 重复", d.id),
                ));
            }
            let due = due_of(file, &d)?;
            let office_event = office_event_of(file, &d, &due, office)?;
            same_day_as_the_calendar(file, &d, &due, office)?;
            name_says_its_number(file, index, &d, &due)?;
            let known = known_fields(d.subject, d.table.as_deref(), tables, roles);
            check_fields(file, &d, &due, &known, tables)?;
            let applies = d.applies.trim().to_string();
            let applies = if applies.is_empty() {
                None
            } else {
                let expr = compile_condition(&applies, &known)
                    .map_err(|m| m.clone().hinted(err(&applies, m.to_string())))?;
                // Quoted values are checked against the option fields of the tables the rule
                // is evaluated over.
                let over = subject_tables(d.subject, d.table.as_deref(), tables, roles);
                super::domains::Domains::of_tables(over).check(file, &applies)?;
                Some(expr)
            };
            rules.push(Deadline {
                id: d.id,
                name: d.name,
                subject: d.subject,
                applies,
                due,
                table: d.table,
                met_by: d.met_by,
                warn_within: d.warn_within,
                recipient: d.recipient,
                file: file.display.clone(),
                next_working_day: d.next_working_day,
                office_event,
                undated_met: d.undated_met,
                status: d.status,
            });
        }
        Ok(Deadlines {
            status: raw.status,
            rules,
        })
    }
}

/// When deadline `d` falls due: a day of the month or week for a submission, else a number
/// of days after its `from` field.
fn due_of(file: &RuleFile, d: &RawDeadline) -> Result<Due, RulesError> {
    let err = |needle: &str, msg: String| file.error_near(needle, msg);
    Ok(match (d.subject, &d.from, d.day_of_month, d.weekday) {
        (Subject::Submission, None, Some(day), None) if (1..=31).contains(&day) => {
            Due::DayOfMonth(day)
        }
        (Subject::Submission, None, None, Some(w)) if (1..=7).contains(&w) => Due::Weekday(w),
        (Subject::Submission, _, _, _) => {
            return Err(err(
                &d.id,
                format!(
                    "报送期限 {} 需要 day_of_month（1–31）或 weekday（1–7）之一",
                    d.id
                ),
            )
            .with_hint("如 day_of_month = 22 表示每月22日前，weekday = 2 表示每周二"));
        }
        (_, Some(from), None, None) => {
            if d.days.is_none() && d.days_field.is_none() && d.limits.is_empty() {
                return Err(err(&d.id, format!("期限 {} 缺少天数", d.id))
                    .with_hint("写 days = 90，或 days_field 与 limits"));
            }
            // 0 days makes everything due on its start day: a slip, not a rule.
            if d.days == Some(0) {
                return Err(err("days = 0", format!("期限 {} 的天数为 0", d.id))
                    .with_hint("天数至少为 1，如 days = 90"));
            }
            if let Some((name, _)) = d.limits.iter().find(|(_, v)| **v == 0) {
                return Err(err(
                    &format!("\"{name}\" = 0"),
                    format!("期限 {} 中“{name}”的时限为 0 天", d.id),
                )
                .with_hint("时限至少为 1 个工作日"));
            }
            if let Some(f) = d.days_field_warn_factor
                && (!f.is_finite() || f <= 1.0 || d.days_field.is_none() || d.limits.is_empty())
            {
                return Err(err(
                    "days_field_warn_factor",
                    format!(
                        "期限 {} 的 days_field_warn_factor 应大于 1，且与 days_field、limits 同用",
                        d.id
                    ),
                )
                .with_hint("如 days_field_warn_factor = 3：表中时限超过时限表 3 倍时提醒"));
            }
            Due::After {
                from: from.clone(),
                days: d.days,
                days_field: d.days_field.clone(),
                warn_factor: d.days_field_warn_factor,
                limits: d
                    .limits
                    .iter()
                    .map(|(k, v)| (crate::text::key(k), *v))
                    .collect(),
                count: d.count.unwrap_or(Count::Working),
            }
        }
        _ => {
            return Err(
                err(&d.id, format!("期限 {} 需要 from（起算日期字段）", d.id))
                    .with_hint("如 from = \"sign_date\", days = 90"),
            );
        }
    })
}

/// The office calendar's event deadline `d` names (`event`), checked to be weekly on its
/// weekday.
fn office_event_of(
    file: &RuleFile,
    d: &RawDeadline,
    due: &Due,
    office: &OfficeCalendar,
) -> Result<Option<OfficeEvent>, RulesError> {
    let Some(id) = &d.event else {
        return Ok(None);
    };
    let needle = format!("\"{id}\"");
    let Due::Weekday(w) = due else {
        return Err(file
            .error_near(
                &needle,
                format!("期限 {} 不是按星期的报送期限，不能写 event", d.id),
            )
            .with_hint("event 只用于写有 weekday 的报送期限，或删去这一行"));
    };
    let event = office.events.iter().find(|e| &e.id == id).ok_or_else(|| {
        file.error_near(&needle, format!("{} 中没有事项 {id}", office.file))
            .with_hint("event 写 office_calendar.toml 中某个 [[event]] 的 id，或删去这一行")
    })?;
    if event.when != When::Weekday(*w) {
        return Err(file
            .error_near(
                &needle,
                format!(
                    "事项 {id} 不是每周星期{w}的事项，与期限 {} 的 weekday 不一致",
                    d.id
                ),
            )
            .with_hint("期限的 weekday 与该事项的 weekday 写同一天"));
    }
    Ok(Some(event.clone()))
}

/// A monthly deadline and the office calendar's event of the same id (月报 on the 22nd) fall on
/// the same day: the calendar and its .ics tell units when to report, the deadline scores them.
fn same_day_as_the_calendar(
    file: &RuleFile,
    d: &RawDeadline,
    due: &Due,
    office: &OfficeCalendar,
) -> Result<(), RulesError> {
    let Due::DayOfMonth(day) = due else {
        return Ok(());
    };
    let Some(event) = office.events.iter().find(|e| e.id == d.id) else {
        return Ok(());
    };
    match event.when {
        When::DayOfMonth(other) if other != *day => Err(file
            .error_near(
                &format!("day_of_month = {day}"),
                format!(
                    "期限 {} 为每月{day}日，而 {} 中同名事项“{}”为每月{other}日，工作日程与考核不一致",
                    d.id, office.file, event.name
                ),
            )
            .with_hint(format!(
                "两处写同一天：本文件的 day_of_month 与 {} 中事项 {} 的 day_of_month",
                office.file, d.id
            ))),
        _ => Ok(()),
    }
}

/// A deadline's name printed on notices and workbooks (`月报每月22日前报送`, `土地摘牌后50个工作日内
/// 开工`) that writes a number says the rule's own: a changed `day_of_month` or `days` left in the
/// name would contradict the dates beside it.
fn name_says_its_number(
    file: &RuleFile,
    index: usize,
    d: &RawDeadline,
    due: &Due,
) -> Result<(), RulesError> {
    if d.name.contains(['{', '}']) {
        return Err(file
            .error_in_array(
                "deadline",
                index,
                "name",
                format!(
                    "期限 {} 的名称“{}”中有 {{ }}：名称按原文印出，不替换其中的名称",
                    d.id, d.name
                ),
            )
            .with_hint("名称中直接写数字，如“土地摘牌后50个工作日内开工”"));
    }
    let (key, n) = match due {
        Due::DayOfMonth(n) => ("day_of_month", *n),
        Due::After { days: Some(n), .. } => ("days", *n),
        _ => return Ok(()),
    };
    let numbers: Vec<u32> = d
        .name
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|t| t.parse().ok())
        .collect();
    if numbers.is_empty() || numbers.contains(&n) {
        return Ok(());
    }
    let written = numbers
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("、");
    Err(file
        .error_in_array(
            "deadline",
            index,
            "name",
            format!(
                "期限 {} 的名称“{}”写的是 {written}，而 {key} = {n}；名称印在通知和报表上，会与其中的日期矛盾",
                d.id, d.name
            ),
        )
        .with_hint(format!("把名称中的数字改为 {n}，或把 {key} 改回 {written}")))
}

/// Checks that deadline `d` names a known table (for a submission) and only `known` fields.
fn check_fields(
    file: &RuleFile,
    d: &RawDeadline,
    due: &Due,
    known: &[String],
    tables: &[TableSchema],
) -> Result<(), RulesError> {
    let err = |needle: &str, msg: String| file.error_near(needle, msg);
    if d.subject == Subject::Submission {
        let Some(t) = d.table.as_deref() else {
            return Err(err(&d.id, format!("报送期限 {} 需要 table", d.id))
                .with_hint("如 table = \"monthly\""));
        };
        if !tables.iter().any(|x| x.id == t) {
            return Err(
                err(t, format!("没有表 {t}")).with_hint(super::condition::one_of(
                    t,
                    tables.iter().map(|x| x.id.as_str()),
                )),
            );
        }
    }
    let mut fields: Vec<&str> = vec![d.met_by.as_str(), d.recipient.as_str()];
    if let Due::After {
        from, days_field, ..
    } = due
    {
        fields.push(from);
        fields.extend(days_field.as_deref());
    }
    for f in fields {
        if !known.iter().any(|k| k == f) {
            return Err(err(
                &format!("\"{f}\""),
                format!("期限 {} 引用了未定义的字段 {f}", d.id),
            )
            .with_hint(format!("可用字段: {}", known.join(", "))));
        }
    }
    Ok(())
}

/// Fields a deadline of `subject` can use.
pub(crate) fn known_fields(
    subject: Subject,
    table: Option<&str>,
    tables: &[TableSchema],
    roles: &Roles,
) -> Vec<String> {
    let mut out: Vec<String> = subject_tables(subject, table, tables, roles)
        .flat_map(|t| t.fields.iter().map(|f| f.id.clone()))
        .collect();
    if subject == Subject::Submission {
        out.extend(["submitted_on".into(), "reporting_unit".into()]);
    }
    out.sort();
    out.dedup();
    out
}

/// The tables a rule about `subject` is evaluated over: a project's ledger row with its
/// monthly report, a procedure's row with its project's ledger row, a submission's table.
pub(crate) fn subject_tables<'a>(
    subject: Subject,
    table: Option<&'a str>,
    tables: &'a [TableSchema],
    roles: &'a Roles,
) -> impl Iterator<Item = &'a TableSchema> + 'a {
    let ids: Vec<&'a str> = match subject {
        Subject::Project => vec![
            roles.table(TableRole::Ledger),
            roles.table(TableRole::Monthly),
        ],
        Subject::Procedure => vec![
            roles.table(TableRole::Procedures),
            roles.table(TableRole::Ledger),
        ],
        Subject::Submission => vec![table.unwrap_or("")],
    };
    ids.into_iter()
        .flat_map(move |id| tables.iter().filter(move |t| t.id == id))
}

#[cfg(test)]
mod event_tests;
