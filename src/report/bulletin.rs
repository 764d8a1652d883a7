//! The monthly 考核情况通报 to all units (the notices' 定期通报): the ranking with scores, the
//! bottom units, the 表态发言 and 专项巡察 decisions with their evidence and the month's 三个一批
//! figures, worded by `[bulletin]` of notices.toml and written as GB/T 9704 DOCX and HTML.

use super::official::{Block, Form, Official, TableBlock};
use super::pages::Templates;
use super::{OutputFile, OutputKind};
use crate::calendar::zh_date;
use crate::engine::assess::Assessment;
use crate::engine::notices::{ImprintLine, issue_date_text};
use crate::engine::overview::{Periods, UnitStages};
use crate::rules::Rules;
use crate::rules::official::Bulletin;
use minijinja::{Environment, Value, context};
use serde_json::{Value as J, json};

fn render(env: &Environment, template: &str, ctx: &Value) -> String {
    env.render_str(template, ctx)
        .unwrap_or_else(|e| format!("（模板有误。技术信息：{e}）"))
}

fn periods(rules: &Rules, label: &str, p: &Periods) -> J {
    let one = |s: &crate::engine::overview::Stage| json!({ "count": s.count, "invest": format!("{:.2}", s.invest), "late": s.late, "dropped": s.dropped });
    let (mut month, mut year) = (one(&p.month), one(&p.year));
    month["late_note"] =
        json!(super::stages_sheet::late_note(rules, label, &p.month).unwrap_or_default());
    // The year's figure is what was taken off: the month's `dropped`.
    year["dropped"] = json!(p.month.dropped);
    year["dropped_note"] =
        json!(super::stages_sheet::dropped_note(rules, label, &p.month).unwrap_or_default());
    json!({ "month": month, "year": year })
}

fn stages(rules: &Rules, t: &UnitStages) -> J {
    let l = &rules.lights.stages;
    json!({
        "signed": periods(rules, &l.signed, &t.signed),
        "started": periods(rules, &l.started, &t.started),
        "completed": periods(rules, &l.completed, &t.completed),
    })
}

/// Every ranked unit's full name, in units.toml's order, then units it does not list.
fn full_names(a: &Assessment, rules: &Rules) -> Vec<String> {
    let units = &rules.units;
    let ranked: Vec<&str> = a.units.iter().map(|u| u.unit.as_str()).collect();
    let mut order: Vec<&str> = units
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| ranked.contains(n))
        .collect();
    order.extend(
        ranked
            .iter()
            .filter(|n| !units.names.iter().any(|m| m == *n)),
    );
    order
        .into_iter()
        .map(|n| units.full_name(n).to_string())
        .collect()
}

/// What the templates of `[bulletin]` are rendered over.
fn facts(a: &Assessment, rules: &Rules) -> J {
    let units: Vec<J> = a
        .units
        .iter()
        .map(|u| {
            json!({
                "unit": u.unit, "full_name": rules.units.full_name(&u.unit), "rank": u.rank,
                "score": format!("{:.2}", u.score), "previous_rank": u.previous_rank,
                "change": u.change, "bottom": u.bottom, "streak": u.streak,
                "projects": u.projects, "penalties": u.penalties,
            })
        })
        .collect();
    let bottom: Vec<&J> = units.iter().filter(|u| u["bottom"] == true).collect();
    let escalations: Vec<J> = a
        .escalations
        .iter()
        .map(|l| {
            let entries: Vec<J> = l
                .entries
                .iter()
                .map(|e| json!({ "unit": e.unit, "rank": e.rank, "score": format!("{:.2}", e.score), "streak": e.streak, "evidence": e.evidence.iter().map(|x| x.body()).collect::<Vec<_>>().join("；") }))
                .collect();
            json!({ "id": l.id, "list": l.list, "entries": entries })
        })
        .collect();
    let s = &a.stages.total;
    let any = [&s.signed, &s.started, &s.completed]
        .iter()
        .any(|p| p.month.count + p.year.count > 0);
    let labels = &rules.lights.stages;
    let o = &a.outlook;
    let outlook = json!({
        "until": o.until.map(zh_date),
        "deadlines": o.deadlines.iter().map(|d| json!({
            "unit": d.unit, "project": d.project, "name": d.name,
            "what": d.item.clone().unwrap_or_else(|| d.rule_name.clone()),
            "due": zh_date(d.due), "days": d.workdays,
        })).collect::<Vec<_>>(),
        "units": o.units.iter().map(|u| json!({
            "unit": u.unit, "rank": u.rank, "streak": u.streak, "next": u.next,
            "penalty": u.penalty, "again": u.again,
        })).collect::<Vec<_>>(),
    });
    json!({
        "year": a.month.year, "month": a.month.month,
        "month_label": super::month_label(a), "as_of": zh_date(a.as_of),
        "issue_date": zh_date(a.issue_date), "bottom_n": rules.scoring.score.bottom_n,
        "unit_count": a.units.len(), "project_count": a.projects.len(),
        "full_names": full_names(a, rules), "units": units, "bottom": bottom,
        "escalations": escalations, "stages": stages(rules, s), "stages_any": any,
        "outlook": outlook,
        "stage_labels": { "signed": labels.signed, "started": labels.started, "completed": labels.completed },
    })
}

/// Paragraphs of a rendered text: one a non-empty line.
fn paragraphs(text: &str) -> impl Iterator<Item = Block> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block::Text { text: l.into() })
}

/// The body: the intro, then each part that has something to say under its numbered heading.
fn blocks(b: &Bulletin, env: &Environment, ctx: &Value, units: &[J]) -> Vec<Block> {
    let mut out: Vec<Block> = paragraphs(&render(env, &b.intro, ctx)).collect();
    let mut n = 0;
    for p in &b.parts {
        let text = render(env, &p.text, ctx);
        let after = render(env, &p.after, ctx);
        if text.trim().is_empty() && p.table.is_empty() && after.trim().is_empty() {
            continue;
        }
        n += 1;
        let heading = render(env, &p.heading, ctx);
        out.push(Block::Heading {
            text: format!("{}{heading}", super::docx_page::ordinal(n)),
        });
        out.extend(paragraphs(&text));
        if !p.table.is_empty() {
            out.push(Block::Table(TableBlock {
                headers: p
                    .table
                    .iter()
                    .map(|c| render(env, &c.header, ctx))
                    .collect(),
                widths: p.table.iter().map(|c| c.width).collect(),
                rows: units
                    .iter()
                    .map(|u| {
                        let row = Value::from(minijinja::value::Serde(u));
                        p.table
                            .iter()
                            .map(|c| render(env, &c.value, &row))
                            .collect()
                    })
                    .collect(),
            }));
        }
        out.extend(paragraphs(&after));
    }
    out.extend(paragraphs(&render(env, &b.closing, ctx)));
    out
}

/// The 通报 of the month, when the rules give `[bulletin]`; its file name (no extension).
pub(crate) fn document(a: &Assessment, rules: &Rules) -> Option<(String, Official)> {
    let b = rules.notices.bulletin.as_ref()?;
    let s = &rules.notices.setup;
    let env = crate::expr::environment();
    let facts = facts(a, rules);
    let units = facts["units"].as_array().cloned().unwrap_or_default();
    let ctx = Value::from(minijinja::value::Serde(&facts));
    let imprint = s.imprint.as_ref().map(|i| ImprintLine {
        office: i.office.clone(),
        date: render(&env, &i.date, &context! { date => zh_date(a.issue_date) }),
    });
    let doc = Official {
        form: Form::Document,
        header: b.header.as_ref().unwrap_or(&s.header).lines(),
        number: render(&env, &b.number, &ctx),
        title: render(&env, &b.title, &ctx),
        addressee: render(&env, &b.addressee, &ctx),
        blocks: blocks(b, &env, &ctx, &units),
        issuers: b.issuers.clone().unwrap_or_else(|| s.issuers.clone()),
        issue_date: Some(a.issue_date),
        date_text: issue_date_text(a.issue_date, s.date_style),
        cc: b.cc.clone().unwrap_or_else(|| s.cc.clone()),
        cc_label: s.cc_label.clone(),
        imprint,
        attachment: None,
    };
    let name = super::file_name::FileNames::default()
        .claim(&render(&env, &b.file, &ctx), "docx")
        .name;
    Some((name.trim_end_matches(".docx").to_string(), doc))
}

/// The 通报's DOCX and HTML, when the rules give `[bulletin]`.
pub(crate) fn files(
    a: &Assessment,
    rules: &Rules,
    templates: &Templates,
) -> anyhow::Result<Vec<OutputFile>> {
    let Some((stem, doc)) = document(a, rules) else {
        return Ok(Vec::new());
    };
    let docx = super::notice_docx::write(&doc)
        .map_err(|e| anyhow::anyhow!("无法生成 {stem}.docx: {e}"))?;
    let html = templates.render(
        "bulletin.html",
        context! { d => Value::from(minijinja::value::Serde(&doc)) },
    )?;
    Ok(vec![
        OutputFile::new(OutputKind::BulletinDocx, format!("{stem}.docx"), docx),
        OutputFile::new(
            OutputKind::BulletinHtml,
            format!("{stem}.html"),
            html.into_bytes(),
        ),
    ])
}
