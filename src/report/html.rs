//! The monthly HTML report: one self-contained file (inline CSS and SVG, no external resource),
//! rendered from `templates/report.html` with minijinja autoescaping.

use super::month_label;
use crate::engine::Status;
use crate::engine::assess::Assessment;
use crate::rules::{Rules, Subject};
use minijinja::{Environment, context};
use std::path::Path;

/// The built-in templates, overridable by files of the same name in `--templates DIR`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("report.html", include_str!("../../templates/report.html")),
    (
        "screening.html",
        include_str!("../../templates/screening.html"),
    ),
    ("notice.html", include_str!("../../templates/notice.html")),
    (
        "notices_all.html",
        include_str!("../../templates/notices_all.html"),
    ),
    (
        "notice_body.html",
        include_str!("../../templates/notice_body.html"),
    ),
    (
        "notice_style.html",
        include_str!("../../templates/notice_style.html"),
    ),
    ("weekly.html", include_str!("../../templates/weekly.html")),
    (
        "office_calendar.html",
        include_str!("../../templates/office_calendar.html"),
    ),
];

/// A template could not be loaded or rendered: names the file and line.
#[derive(Debug, thiserror::Error)]
#[error("模板错误: {file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TemplateError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

fn template_error(e: &minijinja::Error, dir: Option<&Path>) -> TemplateError {
    let name = e.name().unwrap_or("?").to_string();
    let file = match dir {
        Some(d) if d.join(&name).exists() => d.join(&name).display().to_string(),
        _ => format!("templates/{name}"),
    };
    TemplateError {
        file,
        line: e.line(),
        message: e.detail().unwrap_or(&e.kind().to_string()).to_string(),
    }
}

/// Templates: built-in ones, replaced by those found in `dir`.
pub fn environment(dir: Option<&Path>) -> Result<Environment<'static>, TemplateError> {
    let mut env = Environment::new();
    for (name, builtin) in BUILTIN {
        let source = match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
            Some(p) => std::fs::read_to_string(&p).map_err(|e| TemplateError {
                file: p.display().to_string(),
                line: None,
                message: e.to_string(),
            })?,
            None => builtin.to_string(),
        };
        env.add_template_owned(name.to_string(), source)
            .map_err(|e| template_error(&e, dir))?;
    }
    Ok(env)
}

/// Renders the month's report.
pub fn report(
    a: &Assessment,
    rules: &Rules,
    env: &Environment<'static>,
    dir: Option<&Path>,
) -> Result<String, TemplateError> {
    let of_subject = |s: Subject| -> Vec<&str> {
        rules
            .deadlines
            .rules
            .iter()
            .filter(|r| r.subject == s)
            .map(|r| r.id.as_str())
            .collect()
    };
    let start_ids = of_subject(Subject::Project);
    let proc_ids = of_subject(Subject::Procedure);
    let report_id = &rules.scoring.score.report_deadline;
    let overdue_starts: Vec<_> = a
        .deadlines
        .iter()
        .filter(|d| start_ids.contains(&d.rule.as_str()) && d.status == Status::Overdue)
        .collect();
    let overdue_procedures: Vec<_> = a
        .deadlines
        .iter()
        .filter(|d| proc_ids.contains(&d.rule.as_str()) && d.status == Status::Overdue)
        .collect();
    let report_problems: Vec<_> = a
        .deadlines
        .iter()
        .filter(|d| &d.rule == report_id && matches!(d.status, Status::Overdue | Status::MetLate))
        .collect();
    let bottom: Vec<_> = a.units.iter().filter(|u| u.bottom).collect();
    let tmpl = env
        .get_template("report.html")
        .map_err(|e| template_error(&e, dir))?;
    tmpl.render(context! {
        title => format!("{}重点项目推进情况报告", month_label(a)),
        month_label => month_label(a),
        as_of => a.as_of.format("%Y年%-m月%-d日").to_string(),
        units => minijinja::Value::from(minijinja::value::Serde(&a.units)),
        bottom => minijinja::Value::from(minijinja::value::Serde(&bottom)),
        bottom_n => rules.scoring.score.bottom_n,
        project_count => a.projects.len(),
        overdue_starts => minijinja::Value::from(minijinja::value::Serde(&overdue_starts)),
        overdue_procedures => minijinja::Value::from(minijinja::value::Serde(&overdue_procedures)),
        report_problems => minijinja::Value::from(minijinja::value::Serde(&report_problems)),
        diagnostics => minijinja::Value::from(minijinja::value::Serde(&a.diagnostics)),
        error_count => a.diagnostics.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).count(),
        missing_years => a.missing_years.clone(),
        notices => a.notices.iter().map(|n| context! {
            number => n.number.clone(),
            kind => n.kind_label(rules),
            recipient => n.recipient.clone(),
            matters => n.matters.iter().map(|m| m.text.clone()).collect::<Vec<_>>(),
        }).collect::<Vec<_>>(),
        escalations => minijinja::Value::from(minijinja::value::Serde(&a.escalations)),
    })
    .map_err(|e| template_error(&e, dir))
}
