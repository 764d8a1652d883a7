//! The 督办 loop's rules (`[supervision]` of `rules/notices.toml`): how a notice item's task is
//! named, when it must be reported back and solved (working days or months from the notice's
//! issue date, per kind of matter), and the labels of a task's states.

use super::{FieldType, RuleFile, RulesError, TableSchema};
use serde::Deserialize;

/// The columns of the register (督办台账).
pub(crate) const REGISTER_COLUMNS: usize = 11;

/// A column of the register by what it holds: its place in `register_headers` (task id, month,
/// notice, unit, project, matter, kind of matter, report-back date, 整改时限, state, feedback).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegisterColumn {
    Id = 0,
    Unit = 3,
    Project = 4,
    FeedbackDue = 7,
    Due = 8,
    State = 9,
}

/// `[supervision]`: every item of a supervision or reminder notice is a 整改任务.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Supervision {
    /// A template over `number` (the notice's 发文字号), `seq` (its number in the year),
    /// `year` and `index` (the item's place in the notice, from 1).
    pub(crate) task_id: String,
    /// Working days from the issue date to the report-back date (反馈时限).
    pub(crate) feedback_workdays: u32,
    /// The 整改反馈 form: its file name and title (templates over `number`, `recipient`).
    pub(crate) form: String,
    /// A line of the form's 填表说明 per task, over `id`, `timing`, `feedback_due`, `rectify_due`.
    pub(crate) form_note: String,
    /// The register's sheet name and section heading, and its eleven column headers.
    pub(crate) register: String,
    pub(crate) register_headers: Vec<String>,
    /// The table returned forms are read as, and its fields.
    pub(crate) table: String,
    pub(crate) fields: FeedbackFields,
    pub(crate) states: StateLabels,
    /// Solving periods per kind of matter; exactly one without `matters` (the default).
    pub(crate) timing: Vec<Timing>,
    /// A task overdue as of the as-of date is a finding of its unit; absent: none.
    #[serde(default)]
    pub(crate) finding: Option<TaskFinding>,
}

/// `[supervision.finding]`: how a task overdue as of the as-of date (and not closed) is
/// listed among the month's deadline findings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskFinding {
    /// The finding's rule id (stored in history); not a deadline rule's id.
    pub(crate) id: String,
    /// Its label, where deadline findings show the deadline's name.
    pub(crate) name: String,
    /// Why it is a finding: a template over task, notice, index, unit, project, matter,
    /// feedback_due, due, workdays, state and as_of.
    pub(crate) reason: String,
}

/// The fields of the feedback table, by what they hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeedbackFields {
    pub(crate) task: String,
    pub(crate) project: String,
    pub(crate) matter: String,
    /// The 整改时限, pre-filled and locked on the form (a date field); none: not on the form.
    #[serde(default)]
    pub(crate) rectify_due: Option<String>,
    pub(crate) status: String,
    pub(crate) date: String,
    pub(crate) note: String,
}

/// The words of a task's states, as the forms, sheets and reports write them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateLabels {
    /// Issued; the report-back date is not yet past.
    pub(crate) open: String,
    /// Reported as fixed (a choice of the form).
    pub(crate) done: String,
    /// Being fixed (a choice of the form).
    pub(crate) in_progress: String,
    /// An extension asked for (a choice of the form).
    pub(crate) extension: String,
    /// No feedback by the report-back date.
    pub(crate) overdue: String,
    /// Being fixed past the date to be fixed by (整改超期); without it such a task stays
    /// `in_progress`.
    #[serde(default)]
    pub(crate) rectify_overdue: Option<String>,
    /// Confirmed by the office (销号).
    pub(crate) closed: String,
}

impl StateLabels {
    /// The choices of the form's 整改状态 list.
    pub(crate) fn choices(&self) -> Vec<String> {
        vec![
            self.done.clone(),
            self.in_progress.clone(),
            self.extension.clone(),
        ]
    }
}

/// How long a kind of matter has to be solved.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Timing {
    pub(crate) id: String,
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) workdays: Option<u32>,
    #[serde(default)]
    pub(crate) months: Option<u32>,
    /// A date `months` after the issue that is not a working day moves to the next one.
    #[serde(default)]
    pub(crate) next_working_day: bool,
    /// The `[[matter]]` ids this timing applies to;
    /// empty: every other matter.
    #[serde(default)]
    pub(crate) matters: Vec<String>,
}

impl Supervision {
    /// The header of a register column (its place in `register_headers`, checked at load).
    pub(crate) fn header(&self, column: RegisterColumn) -> &str {
        &self.register_headers[column as usize]
    }

    /// The timing of a matter: the first naming it, else the default.
    pub(crate) fn timing_of(&self, matter: &str) -> &Timing {
        self.timing
            .iter()
            .find(|t| t.matters.iter().any(|m| m == matter))
            .or_else(|| self.timing.iter().find(|t| t.matters.is_empty()))
            .unwrap_or(&self.timing[0])
    }

    /// Checks the section against the matter ids of the same file.
    pub(crate) fn check(
        &self,
        file: &RuleFile,
        matter_ids: &[&str],
        deadline_ids: &[String],
        tables: &[TableSchema],
    ) -> Result<(), RulesError> {
        self.check_table(file, tables)?;
        self.check_finding(file, deadline_ids)?;
        if self.feedback_workdays == 0 {
            return Err(file
                .error_at_value(
                    &["supervision"],
                    "feedback_workdays",
                    "feedback_workdays 为 0：反馈时限就是通知成文当天，责任单位无法按期反馈",
                )
                .with_hint("写成文日期后的工作日数，如 feedback_workdays = 3"));
        }
        if self.register_headers.len() != REGISTER_COLUMNS {
            return Err(file.error_near(
                "register_headers",
                format!(
                    "督办台账须有 {REGISTER_COLUMNS} 个列名，现有 {} 个",
                    self.register_headers.len()
                ),
            ));
        }
        let env = crate::expr::environment();
        for t in [&self.task_id, &self.form, &self.form_note] {
            env.template_from_str(t)
                .map_err(|e| file.error_near(t, format!("模板有误。技术信息：{e}")))?;
        }
        if !self.task_id.contains("index") {
            return Err(file
                .error_near("task_id", "整改任务编号模板必须包含 {{ index }}")
                .with_hint("如 \"{{ number }}-{{ index }}\""));
        }
        let mut labels = vec![
            &self.states.open,
            &self.states.done,
            &self.states.in_progress,
            &self.states.extension,
            &self.states.overdue,
            &self.states.closed,
        ];
        labels.extend(self.states.rectify_overdue.as_ref());
        for (i, l) in labels.iter().enumerate() {
            if l.trim().is_empty() || labels[..i].contains(l) {
                return Err(file.error_near(
                    "[supervision.states]",
                    format!("整改状态名称“{l}”为空或重复"),
                ));
            }
        }
        if self.timing.is_empty() {
            return Err(file.error_near("[supervision]", "至少需要一个 [[supervision.timing]]"));
        }
        if self.timing.iter().filter(|t| t.matters.is_empty()).count() != 1 {
            return Err(file.error_near(
                "[[supervision.timing]]",
                "须有且只有一个不列 matters 的时限（默认时限）",
            )
            .with_hint("留一个 [[supervision.timing]] 不写 matters 作默认时限，其余各写 matters = [\"…\"]"));
        }
        for t in &self.timing {
            match (t.workdays, t.months) {
                (Some(n), None) | (None, Some(n)) if n > 0 => {}
                _ => {
                    return Err(file
                        .error_near(
                            &format!("\"{}\"", t.id),
                            format!("时限 {} 须给出 workdays 或 months 之一（大于 0）", t.id),
                        )
                        .with_hint("如 workdays = 7 或 months = 1"));
                }
            }
            for m in &t.matters {
                if !matter_ids.contains(&m.as_str()) {
                    return Err(file
                        .error_near(&format!("\"{m}\""), format!("没有事项 {m}"))
                        .with_hint(format!("可用: {}", matter_ids.join(", "))));
                }
            }
        }
        Ok(())
    }

    /// The finding's id is its own and its reason a template.
    fn check_finding(&self, file: &RuleFile, deadline_ids: &[String]) -> Result<(), RulesError> {
        let Some(f) = &self.finding else {
            return Ok(());
        };
        if f.id.trim().is_empty() || deadline_ids.contains(&f.id) {
            return Err(file
                .error_near(
                    "[supervision.finding]",
                    format!("整改任务的问题编号“{}”为空或与期限重名", f.id),
                )
                .with_hint("另取一个 deadlines.toml 中没有的 id"));
        }
        crate::expr::environment()
            .template_from_str(&f.reason)
            .map_err(|e| file.error_near(&f.reason, format!("模板有误。技术信息：{e}")))?;
        // The names `engine::supervision::finding` gives the reason.
        let known = [
            "task",
            "notice",
            "index",
            "unit",
            "project",
            "matter",
            "feedback_due",
            "due",
            "workdays",
            "state",
            "as_of",
        ];
        crate::expr::check_template_names(&f.reason, &known).map_err(|e| {
            file.error_near(
                &f.reason,
                format!("[supervision.finding] 的 reason 有误：{e}"),
            )
            .with_hint("名称写错时该处在报告中会是空白；请按“可用”中的名称改正")
        })?;
        Ok(())
    }

    /// The feedback table exists and has the fields named, the date a date.
    fn check_table(&self, file: &RuleFile, tables: &[TableSchema]) -> Result<(), RulesError> {
        let Some(t) = tables.iter().find(|t| t.id == self.table) else {
            let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
            return Err(file
                .error_near(
                    &format!("\"{}\"", self.table),
                    format!("tables/ 中没有表格 {}", self.table),
                )
                .with_hint(format!("可用: {}", ids.join(", "))));
        };
        let f = &self.fields;
        let due = f.rectify_due.as_ref();
        for id in [&f.task, &f.project, &f.matter, &f.status, &f.date, &f.note]
            .into_iter()
            .chain(due)
        {
            let Some(field) = t.fields.iter().find(|x| &x.id == id) else {
                return Err(file
                    .error_near(
                        &format!("\"{id}\""),
                        format!("表格 {} 中没有字段 {id}", t.id),
                    )
                    .with_hint(super::condition::one_of(
                        id,
                        t.fields.iter().map(|x| x.id.as_str()),
                    )));
            };
            if (id == &f.date || Some(id) == due) && field.kind != FieldType::Date {
                return Err(file.error_near(
                    &format!("\"{id}\""),
                    format!("字段 {id} 须为日期类型（type = \"date\"）"),
                ));
            }
        }
        Ok(())
    }
}
