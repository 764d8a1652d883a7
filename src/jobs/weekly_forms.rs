//! The weekly problem template (`sanyipi template --table 周报`). With a ledger: one per
//! responsible unit, pre-filled with the unit's problems still open in the history file (as
//! `weekly` tracks them), with drop-down lists of 问题类别 and 分管县领导 (`[template]` of
//! `rules/weekly.toml`; leaders from the ledger when the rules list none) and of the unit's
//! projects (ledger). Without a ledger: the blank form with the rules' lists.

use super::form_parts::{blank_template_with, form};
use crate::engine::weekly::{Problem, monday_of, open_problems};
use crate::ingest::{Dataset, ingest_file};
use crate::progress::Progress;
use crate::report::file_name::FileNames;
use crate::report::forms::{Form, FormList, FormRow, FormValue, workbook};
use crate::report::{OutputFile, OutputKind};
use crate::rules::{FieldRole as F, Rules, TableRole, TableSchema};
use crate::text::{display, key};
use anyhow::{Context, bail};
use chrono::Duration;
use std::collections::BTreeMap;

use super::form_parts::FormsRequest;

/// The weekly templates of `req`.
pub(super) fn weekly_templates(
    rules: &Rules,
    schema: &TableSchema,
    req: &FormsRequest,
    progress: &dyn Progress,
) -> anyhow::Result<Vec<OutputFile>> {
    let month = req.month;
    let Some(ledger) = &req.ledger else {
        let lists = lists(rules, Vec::new(), &leaders(rules, None));
        return Ok(vec![blank_template_with(rules, schema, month, lists)?]);
    };
    let ledger_table = rules.roles.table(TableRole::Ledger);
    let data = ingest_file(ledger, ledger_table, rules).context("无法读取台账")?;
    if let Some(d) = data
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        bail!("台账有错误，请先更正:\n{d}");
    }
    let projects = unit_projects(&data);
    if projects.is_empty() {
        bail!("台账 {} 中没有读到项目", ledger.display());
    }
    let leaders = leaders(rules, Some(&data));
    // Every week up to the end of the month being prepared.
    let after = monday_of(month.day(31)) + Duration::days(7);
    let earlier = if req.place.history_path().exists() {
        // Read only: a template changes no history.
        req.place
            .read()?
            .weekly_before(after, &rules.weekly.status)?
    } else {
        Vec::new()
    };
    let mut open: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for p in open_problems(&rules.weekly, &earlier, after) {
        if projects.keys().any(|u| key(u) == key(&p.unit)) {
            open.entry(key(&p.unit)).or_default().push(p);
        } else {
            progress.note(&format!(
                "注意: 在办问题“{}：{}”的报送单位“{}”不在台账的责任单位中，未预填到模板（{}）",
                p.project_name, p.problem, p.unit, p.source
            ));
        }
    }
    let mut files = Vec::new();
    let mut names = FileNames::default();
    for (unit, unit_projects) in &projects {
        let problems = open.remove(&key(unit)).unwrap_or_default();
        let rows = problems.iter().map(|p| row(rules, schema, p)).collect();
        let t = Form {
            lists: lists(rules, unit_projects.clone(), &leaders),
            rows,
            ..form(rules, schema, month, Some(unit.clone()))
        };
        let bytes = workbook(&t).with_context(|| format!("无法生成 {unit} 的模板"))?;
        let file = names.claim(unit, "xlsx");
        files.push(OutputFile::new(OutputKind::Form, file.name, bytes));
    }
    Ok(files)
}

/// Responsible unit → its project names, from the ledger (units sorted, projects in order).
fn unit_projects(data: &Dataset) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in data.table(TableRole::Ledger).iter().filter(|r| !r.rejected) {
        let (Some(unit), Some(name)) = (
            r.text(data.field(F::ResponsibleUnit)),
            r.text(data.field(F::ProjectName)),
        ) else {
            continue;
        };
        let list = out.entry(display(unit)).or_default();
        if !list.contains(&display(name)) {
            list.push(display(name));
        }
    }
    out
}

/// The county leaders of the rules, else those of the ledger (in ledger order).
fn leaders(rules: &Rules, data: Option<&Dataset>) -> Vec<String> {
    let listed = &rules.weekly.template.leaders;
    let Some(data) = data.filter(|_| listed.is_empty()) else {
        return listed.clone();
    };
    let field = data.field(F::CountyLeader);
    let mut out: Vec<String> = Vec::new();
    for r in data.table(TableRole::Ledger) {
        if let Some(l) = r.text(field).map(display)
            && !out.contains(&l)
        {
            out.push(l);
        }
    }
    out
}

/// The drop-downs: 问题类别 (warned), the unit's projects (warned: a new project may come up),
/// 分管县领导 (refused otherwise).
fn lists(rules: &Rules, projects: Vec<String>, leaders: &[String]) -> Vec<FormList> {
    let field = |role| rules.roles.field(role).to_string();
    vec![
        FormList {
            field: field(F::Category),
            values: rules.weekly.template.categories.clone(),
            strict: false,
            required: false,
        },
        FormList {
            field: field(F::ProblemProjectName),
            values: projects,
            strict: false,
            required: false,
        },
        FormList {
            field: field(F::ProblemLeader),
            values: leaders.to_vec(),
            strict: true,
            required: false,
        },
    ]
}

/// An open problem as a pre-filled row: what it is and since when; the unit fills in this
/// week's status and date.
fn row(rules: &Rules, schema: &TableSchema, p: &Problem) -> FormRow {
    let mut row = FormRow::default();
    let mut put = |role, v: Option<FormValue>| {
        let id = rules.roles.field(role);
        if let Some(v) = v
            && schema.field(id).is_some()
        {
            row.values.insert(id.to_string(), v);
        }
    };
    let text = |s: &str| (!s.is_empty()).then(|| FormValue::Text(s.to_string()));
    put(F::ProblemProjectId, p.project.as_deref().and_then(text));
    put(F::ProblemProjectName, text(&p.project_name));
    put(F::ReportingUnit, text(&p.unit));
    put(F::Category, text(&p.category));
    put(F::Problem, text(&p.problem));
    put(F::Suggestion, text(&p.suggestion));
    if p.leader != rules.weekly.digest.no_leader {
        put(F::ProblemLeader, text(&p.leader));
    }
    put(F::FirstRaised, Some(FormValue::Date(p.first_raised)));
    row
}
