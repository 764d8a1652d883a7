//! The 整改反馈 form of each notice with 整改任务: the notice's items, then the earlier tasks
//! its reminders name, each with its task id, project and matter (locked), a 整改状态 drop-down
//! of the rules' choices, the date and a note to fill in, and the sign-off line; written beside
//! the notices (`督查通知/`), read back by the next month's run as the `[supervision]` table.

use super::file_name::FileNames;
use super::forms::{Form, FormList, FormRow, FormValue, workbook};
use super::{OutputFile, OutputKind};
use crate::calendar::zh_date;
use crate::engine::assess::Assessment;
use crate::engine::supervision::Task;
use crate::rules::Rules;
use anyhow::Context;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// One form per notice that raised or reminds of tasks, in the notices' order.
pub(crate) fn files(a: &Assessment, rules: &Rules) -> anyhow::Result<Vec<OutputFile>> {
    let Some(s) = &rules.notices.supervision else {
        return Ok(Vec::new());
    };
    let Some(schema) = rules.table(&s.table) else {
        return Ok(Vec::new());
    };
    let env = crate::expr::environment();
    let mut by_notice: HashMap<&str, Vec<&Task>> = HashMap::new();
    for t in &a.tasks {
        by_notice.entry(t.notice.as_str()).or_default().push(t);
    }
    // A reminder's earlier tasks come again on the form of the notice that names them.
    let earlier: HashMap<&str, &Task> = a
        .register
        .iter()
        .map(|t| (t.task.id.as_str(), &t.task))
        .collect();
    // Each notice's form is built on any core (on spare threads: see `spare_threads`); the
    // names are claimed in the notices' order.
    let built: Vec<(String, Vec<u8>)> = super::on_spare_threads(|| {
        a.notices
        .par_iter()
        .filter_map(|n| {
            let own = by_notice.get(n.number.as_str()).into_iter().flatten();
            let reminded = n.matters.iter().flat_map(|m| &m.tasks);
            let tasks: Vec<&Task> = own
                .copied()
                .chain(reminded.filter_map(|id| earlier.get(id.as_str()).copied()))
                .collect();
            (!tasks.is_empty()).then_some((n, tasks))
        })
        .map(|(n, tasks)| -> anyhow::Result<(String, Vec<u8>)> {
        let title = env
            .render_str(
                &s.form,
                minijinja::context! { number => n.number.clone(), recipient => n.recipient.clone() },
            )
            .unwrap_or_else(|_| format!("{}_{}", n.number, n.recipient));
        let f = &s.fields;
        let rows = tasks
            .iter()
            .map(|t| {
                let mut values = BTreeMap::from([
                    (f.task.clone(), FormValue::Text(t.id.clone())),
                    (f.matter.clone(), FormValue::Text(t.text.clone())),
                ]);
                if let Some(p) = &t.project {
                    values.insert(f.project.clone(), FormValue::Text(p.clone()));
                }
                if let Some(due) = &f.rectify_due {
                    values.insert(due.clone(), FormValue::Date(t.rectify_due));
                }
                FormRow {
                    values,
                    minimums: BTreeMap::new(),
                }
            })
            .collect();
        let notes = tasks
            .iter()
            .map(|t| {
                // A date counted over a year without an official schedule is marked, as the
                // notice marks it.
                let provisional = &rules.office_calendar.labels.provisional;
                let shown = |d| match t.date_provisional(d, &rules.calendar) {
                    true => format!("{}（{provisional}）", zh_date(d)),
                    false => zh_date(d),
                };
                let ctx = minijinja::context! {
                    id => t.id.clone(),
                    timing => t.timing.clone(),
                    feedback_due => shown(t.feedback_due),
                    rectify_due => shown(t.rectify_due),
                };
                env.render_str(&s.form_note, ctx)
                    .unwrap_or_else(|e| format!("{}: {e}", t.id))
            })
            .collect();
        let form = Form {
            schema,
            vocab: &rules.vocab,
            title: title.clone(),
            unit: Some(n.recipient.clone()),
            year: Some(n.year),
            example: n.issue_date,
            lists: vec![FormList {
                field: f.status.clone(),
                values: s.states.choices(),
                strict: true,
                // Asked for on every row; a blank one still reads as the task not answered.
                required: true,
            }],
            locked: [&f.task, &f.project, &f.matter]
                .into_iter()
                .chain(f.rectify_due.as_ref())
                .cloned()
                .collect(),
            filled_from: format!("督查通知（{}）", n.number),
            rows,
            blank_rows: 0,
            notes,
            created: n.issue_date,
        };
        let bytes = workbook(&form).with_context(|| format!("无法生成{title}"))?;
        Ok((title, bytes))
        })
        .collect::<anyhow::Result<_>>()
    })?;
    let mut names = FileNames::default();
    Ok(built
        .into_iter()
        .map(|(title, bytes)| {
            let name = names.claim(&title, "xlsx");
            OutputFile::new(
                OutputKind::FeedbackForm,
                format!("督查通知/{}", name.name),
                bytes,
            )
        })
        .collect())
}
