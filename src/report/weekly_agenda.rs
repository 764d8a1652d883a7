//! The Friday meeting agenda (周例会议题) as a DOCX on the GB/T 9704 page the notices use: the
//! title in 2号小标宋, the meeting day, a lead line, then each 议题 numbered `一、` with its
//! project and problem as a 黑体 heading and its facts and the unit's suggestion below. The
//! wording is `[agenda]` of `rules/weekly.toml`.

use super::docx_page::{
    BODY_FONT, CHAR_3, HEADING_FONT, SIZE_3, TITLE_FONT, exact, fonts, indented, ordinal,
};
use super::docx_page::{document, pack};
use crate::calendar::zh_date;
use crate::engine::weekly::{Problem, WeekResult};
use crate::rules::weekly::Weekly;
use docx_rs::{AlignmentType, Paragraph, Run, SpecialIndentType};

/// The facts of one 议题 in the rules' words.
pub(crate) fn detail(p: &Problem, rules: &Weekly) -> String {
    rules
        .agenda
        .item_detail
        .replace("{unit}", &p.unit)
        .replace("{leader}", &p.leader)
        .replace("{first}", &zh_date(p.first_raised))
        .replace("{weeks}", &p.weeks_open.to_string())
        .replace("{status}", &p.status)
        .replace("{reasons}", &p.meeting_reasons.join("；"))
}

/// The lines of the agenda: title, date line, lead, then per 议题 its heading, detail and
/// suggestion (when given). Shared by the DOCX and its tests.
pub(crate) fn lines(r: &WeekResult, rules: &Weekly) -> Vec<(Kind, String)> {
    let a = &rules.agenda;
    let day = r.meeting_day;
    let mut out = vec![
        (Kind::Title, a.title.clone()),
        (
            Kind::Date,
            a.date_line.replace("{date}", &meeting_date(r, day)),
        ),
    ];
    if r.meeting.is_empty() {
        out.push((Kind::Body, a.none.clone()));
        return out;
    }
    out.push((Kind::Body, a.lead.clone()));
    for (i, p) in r.meeting.iter().enumerate() {
        out.push((
            Kind::Heading,
            format!("{}{}：{}", ordinal(i + 1), p.project_name, p.problem),
        ));
        out.push((Kind::Body, detail(p, rules)));
        if !p.suggestion.is_empty() {
            out.push((
                Kind::Body,
                crate::text::sentence(&a.suggestion.replace("{suggestion}", &p.suggestion)),
            ));
        }
    }
    out
}

/// The meeting day as the agenda prints it, `（暂定）` when it depends on a year whose holiday
/// schedule the rules lack (the meeting may move).
fn meeting_date(r: &WeekResult, day: chrono::NaiveDate) -> String {
    match r.meeting_missing_years.is_empty() {
        true => zh_date(day),
        false => format!("{}（暂定）", zh_date(day)),
    }
}

/// How a line of the agenda is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Title,
    Date,
    Heading,
    Body,
}

fn paragraph(kind: Kind, t: &str) -> Paragraph {
    let run = |font: &str, size: usize| Run::new().add_text(t).fonts(fonts(font)).size(size);
    match kind {
        Kind::Title => super::docx_page::off_grid(Paragraph::new())
            .add_run(run(TITLE_FONT, 44))
            .align(AlignmentType::Center)
            .line_spacing(exact(660)),
        Kind::Date => Paragraph::new()
            .add_run(run(BODY_FONT, SIZE_3))
            .align(AlignmentType::Center),
        // 一级标题 in 3号黑体, kept with its facts.
        Kind::Heading => Paragraph::new()
            .add_run(run(HEADING_FONT, SIZE_3))
            .indent(None, Some(SpecialIndentType::FirstLine(CHAR_3)), None, None)
            .keep_next(true),
        Kind::Body => indented(t),
    }
}

/// The agenda's DOCX, dated the meeting day.
pub(crate) fn docx(r: &WeekResult, rules: &Weekly) -> Result<Vec<u8>, String> {
    let mut doc = document(Some(r.meeting_day));
    for (i, (kind, t)) in lines(r, rules).iter().enumerate() {
        doc = doc.add_paragraph(paragraph(*kind, t));
        if i == 1 {
            // One empty line between the date and the text.
            doc = doc.add_paragraph(Paragraph::new().line_spacing(exact(super::docx_page::LINE)));
        }
    }
    pack(doc, &rules.agenda.title)
}
