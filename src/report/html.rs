//! The monthly HTML report: one self-contained file (inline CSS and SVG, no external resource),
//! rendered from `templates/report.html` with minijinja autoescaping.

use super::month_label;
pub use super::pages::{TemplateError, Templates, environment};
use crate::engine::assess::Assessment;
use crate::engine::deadlines;
use crate::rules::{Rules, Subject};
use minijinja::context;

/// Renders the month's report.
pub fn report(
    a: &Assessment,
    rules: &Rules,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let overdue_starts = deadlines::overdue_of_subject(&a.deadlines, rules, Subject::Project);
    let overdue_procedures = deadlines::overdue_of_subject(&a.deadlines, rules, Subject::Procedure);
    let report_problems = deadlines::report_problems(&a.deadlines, rules);
    let task_findings = deadlines::task_findings(&a.deadlines, rules);
    let bottom: Vec<_> = a.units.iter().filter(|u| u.bottom).collect();
    let lights = crate::engine::lights::by_light(rules, &a.lights);
    let mut stage_rows: Vec<_> = a.stages.units.iter().collect();
    stage_rows.push(&a.stages.total);
    let s = &rules.lights.stages;
    let stage_notes = super::stages_sheet::row_notes(rules, &stage_rows);
    let ctx = context! {
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
        task_findings => minijinja::Value::from(minijinja::value::Serde(&task_findings)),
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
        stages => minijinja::Value::from(minijinja::value::Serde(&a.stages)),
        stage_rows => minijinja::Value::from(minijinja::value::Serde(&stage_rows)),
        stage_labels => vec![s.signed.clone(), s.started.clone(), s.completed.clone()],
        stage_notes => stage_notes,
        stage_notes_header => s.notes().header.clone(),
        lights => minijinja::Value::from(minijinja::value::Serde(&lights)),
        unit_lights => minijinja::Value::from(minijinja::value::Serde(&a.unit_lights)),
        county_lights => minijinja::Value::from(minijinja::value::Serde(&a.county_lights)),
        outlook => minijinja::Value::from(minijinja::value::Serde(&a.outlook)),
        issuers => rules.notices.setup.issuers.clone(),
        register => minijinja::Value::from(minijinja::value::Serde(super::task_register::section(a, rules))),
    };
    templates.render("report.html", ctx)
}

/// Renders the month's 项目档案 into `w`: a card per project, each with its light.
pub fn cards(
    a: &Assessment,
    rules: &Rules,
    templates: &Templates,
    w: impl std::io::Write,
) -> Result<(), TemplateError> {
    let cards: Vec<CardView> = a
        .cards
        .iter()
        .zip(&a.lights)
        .map(|(card, light)| CardView { card, light })
        .collect();
    let ctx = context! {
        title => format!("{}重点项目档案", month_label(a)),
        month_label => month_label(a),
        as_of => a.as_of.format("%Y年%-m月%-d日").to_string(),
        cards => minijinja::Value::from(minijinja::value::Serde(&cards)),
        issuers => rules.notices.setup.issuers.clone(),
    };
    templates.render_to("cards.html", ctx, w)
}

/// A card with its project's light, as the template sees it.
#[derive(serde::Serialize)]
struct CardView<'a> {
    #[serde(flatten)]
    card: &'a crate::engine::overview::ProjectCard,
    light: &'a crate::engine::overview::ProjectLight,
}
