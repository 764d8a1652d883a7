//! 督查 notices as files: one HTML and one DOCX per notice (GB/T 9704 layout), `全部通知.html`
//! to print them all, the notice register and the escalation lists as workbook sheets.

use super::docx_page::ordinal;
use super::file_name::FileNames;
use super::pages::{TemplateError, Templates};
use super::sheet::{Cell, SheetSpec, text};
use super::{OutputFile, OutputKind};
use crate::engine::assess::Assessment;
use crate::engine::notices::Notice;
use crate::rules::Rules;
use minijinja::context;

/// The base name of each notice's files (`镇督查〔2026〕12号_曲屯镇`), in the notices' order,
/// apart from one another even when recipients' names differ only in characters a file name
/// cannot hold.
fn file_stems(notices: &[Notice]) -> Vec<String> {
    let mut names = FileNames::default();
    notices
        .iter()
        .map(|n| {
            let name = names.claim(&format!("{}_{}", n.number, n.recipient), "docx");
            name.name.trim_end_matches(".docx").to_string()
        })
        .collect()
}

fn notice_value(n: &Notice) -> minijinja::Value {
    let mut v = serde_json::to_value(n).unwrap_or_default();
    if let Some(ms) = v.get_mut("matters").and_then(|m| m.as_array_mut()) {
        for (i, m) in ms.iter_mut().enumerate() {
            m["ordinal"] = serde_json::Value::String(ordinal(i + 1));
        }
    }
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// The HTML of one notice.
pub(crate) fn html(
    n: &Notice,
    rules: &Rules,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let s = &rules.notices.setup;
    let ctx = context! { n => notice_value(n), header => s.header.lines(), issuers => s.issuers.clone(), cc => s.cc.clone(), cc_label => s.cc_label.clone() };
    templates.render("notice.html", ctx)
}

/// All notices of the month in one printable page.
pub(crate) fn html_all(
    a: &Assessment,
    rules: &Rules,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let s = &rules.notices.setup;
    let notices: Vec<minijinja::Value> = a.notices.iter().map(notice_value).collect();
    let ctx = context! { notices => notices, month_label => super::month_label(a), header => s.header.lines(), issuers => s.issuers.clone(), cc => s.cc.clone(), cc_label => s.cc_label.clone() };
    templates.render("notices_all.html", ctx)
}

/// Every output file of the month's notices, under `督查通知/`.
pub fn files(a: &Assessment, rules: &Rules, env: &Templates) -> anyhow::Result<Vec<OutputFile>> {
    use rayon::prelude::*;
    // Each notice is rendered on any core; the list keeps the notices' order.
    let stems = file_stems(&a.notices);
    let pairs: Vec<[OutputFile; 2]> = a
        .notices
        .par_iter()
        .zip(stems.par_iter())
        .map(|(n, stem)| {
            Ok([
                OutputFile::new(
                    OutputKind::NoticeHtml,
                    format!("督查通知/{stem}.html"),
                    html(n, rules, env)?.into_bytes(),
                ),
                OutputFile::new(
                    OutputKind::NoticeDocx,
                    format!("督查通知/{stem}.docx"),
                    super::notice_docx::docx(n, rules)
                        .map_err(|e| anyhow::anyhow!("无法生成 {stem}.docx: {e}"))?,
                ),
            ])
        })
        .collect::<anyhow::Result<_>>()?;
    let mut out: Vec<OutputFile> = pairs.into_iter().flatten().collect();
    if !a.notices.is_empty() {
        out.push(OutputFile::new(
            OutputKind::NoticesAll,
            "督查通知/全部通知.html",
            html_all(a, rules, env)?.into_bytes(),
        ));
    }
    Ok(out)
}

/// The notice register (督查通知清单) and the escalation lists, as workbook sheets.
pub(crate) fn sheets(a: &Assessment, rules: &Rules) -> Vec<SheetSpec> {
    let label = super::month_label(a);
    let register = SheetSpec {
        name: "督查通知清单".into(),
        title: format!("{label}督查通知清单"),
        headers: ["文号", "类别", "接收单位", "事项数", "事项", "报送期限"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        red: a
            .notices
            .iter()
            .map(|n| n.kind != crate::engine::notices::NoticeKind::Reminder)
            .collect(),
        rows: a
            .notices
            .iter()
            .map(|n| {
                vec![
                    text(&n.number),
                    text(n.kind_label(rules)),
                    text(&n.recipient),
                    Cell::Int(n.matters.len() as i64),
                    text(super::cells::excel_list(
                        &n.matters
                            .iter()
                            .enumerate()
                            .map(|(i, m)| format!("{}{}", ordinal(i + 1), m.text))
                            .collect::<Vec<_>>(),
                        "\n",
                        &format!("通知 {}", n.number),
                    )),
                    text(if n.closing.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{}{}",
                            n.due.format("%Y-%m-%d"),
                            if n.due_provisional {
                                "（暂定）"
                            } else {
                                ""
                            }
                        )
                    }),
                ]
            })
            .collect(),
    };
    let mut out = vec![register];
    for list in &a.escalations {
        out.push(SheetSpec {
            name: list.list.clone(),
            title: format!("{label}{}", list.list),
            headers: ["单位", "名次", "得分", "连续后位（月）", "依据"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            red: vec![true; list.entries.len()],
            rows: list
                .entries
                .iter()
                .map(|e| {
                    vec![
                        text(&e.unit),
                        Cell::Int(i64::from(e.rank)),
                        Cell::Num(e.score),
                        Cell::Int(i64::from(e.streak)),
                        text(crate::engine::evidence::joined(&e.evidence)),
                    ]
                })
                .collect(),
        });
    }
    out
}
