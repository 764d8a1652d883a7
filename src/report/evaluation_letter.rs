//! The 函 to the statistics bureau covering the 应统未统 list of `evaluate` (GB/T 9704-2012
//! 信函格式): addressee, issuer and wording from `[letter]` of evaluate.toml, the count in the
//! text, the list attached after the date. None when the list is empty or the rules have no
//! `[letter]`.

use super::official::{Attachment, Block, Form, Official, TableBlock};
use crate::calendar::zh_date;
use crate::engine::post_evaluation::Evaluated;
use crate::rules::Rules;
use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, Value, context};

fn render(env: &Environment, template: &str, ctx: &Value) -> String {
    env.render_str(template, ctx)
        .unwrap_or_else(|e| format!("（模板有误。技术信息：{e}）"))
}

/// `2000`, `2000.5`: a figure without float noise or a trailing `.0`.
fn number(x: f64) -> String {
    let t = format!("{x:.4}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The 函 and its file name (no extension), dated `issue_date` or left for the clerk to date.
pub(crate) fn document(
    ev: &Evaluated,
    rules: &Rules,
    issue_date: Option<NaiveDate>,
) -> Option<(String, Official)> {
    let l = rules.post_evaluation.letter.as_ref()?;
    if ev.statistics.is_empty() {
        return None;
    }
    let env = crate::expr::environment();
    let s = &rules.post_evaluation.statistics;
    let ctx = context! {
        year => ev.year,
        // Undated, the year of the number is left blank as the date's is (`undated`), for
        // the clerk to write when the letter is signed.
        issue_year => issue_date
            .map(|d| d.year().to_string())
            .unwrap_or_else(|| l.undated.split('年').next().unwrap_or_default().to_string()),
        count => ev.statistics.len(),
        list => s.name.clone(),
        threshold => number(s.threshold),
    };
    let title = render(&env, &l.attachment, &ctx);
    let rows = ev
        .statistics
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let row = context! {
                n => i + 1,
                id => r.id.clone(),
                name => r.name.clone(),
                output => r.output.map(|v| format!("{v:.2}")).unwrap_or_default(),
            };
            l.columns
                .iter()
                .map(|c| render(&env, &c.value, &row))
                .collect()
        })
        .collect();
    let mut blocks: Vec<Block> = render(&env, &l.text, &ctx)
        .lines()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| Block::Text { text: t.into() })
        .collect();
    // The 附件说明: a line below the text, two characters in (7.3.4).
    blocks.push(Block::Text {
        text: String::new(),
    });
    blocks.push(Block::Text {
        text: format!("{}：{title}", l.attachment_label),
    });
    let doc = Official {
        form: Form::Letter,
        header: vec![l.header.clone()],
        number: render(&env, &l.number, &ctx),
        title: render(&env, &l.title, &ctx),
        addressee: render(&env, &l.addressee, &ctx),
        blocks,
        issuers: l.issuers.clone(),
        issue_date,
        date_text: issue_date.map(zh_date).unwrap_or_else(|| l.undated.clone()),
        // A 函 has no 抄送 line.
        cc: String::new(),
        cc_label: String::new(),
        imprint: None,
        attachment: Some(Attachment {
            label: l.attachment_label.clone(),
            title,
            table: TableBlock {
                headers: l
                    .columns
                    .iter()
                    .map(|c| render(&env, &c.header, &ctx))
                    .collect(),
                widths: l.columns.iter().map(|c| c.width).collect(),
                rows,
            },
        }),
    };
    let name = super::file_name::FileNames::default()
        .claim(&render(&env, &l.file, &ctx), "docx")
        .name;
    Some((name.trim_end_matches(".docx").to_string(), doc))
}
