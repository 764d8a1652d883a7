//! The DOCX of a 督查 notice, laid out as GB/T 9704-2012 says: A4, margins 37/35/28/26 mm,
//! 发文机关标志 35 mm below the top of the type area, body 3号仿宋 on 28.95 pt lines, the last
//! body lines kept with the signature and date, the 版记 (抄送, 印发机关 and 印发日期 between
//! full-width rules, the first and last thick) at the foot of the last page, page numbers
//! "— N —" in 4号宋体, and the fonts declared in styles.xml so text a clerk adds stays 仿宋.

use super::docx_page::{
    BODY_FONT, CHAR_3, CHAR_4, HEADING_FONT, LINE, MARGIN_LEFT, SIZE_3, SIZE_4, TITLE_FONT,
    TYPE_WIDTH, body, exact, indented, off_grid, run,
};
use super::official::{Block, Form, Official};
use crate::engine::notices::{ImprintLine, Notice};
use crate::rules::Rules;
use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Run, SpecialIndentType, Tab, TabValueType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellMargins, TablePositionProperty,
    TableRow, WidthType,
};

/// The 版记's width: the type area's.
const IMPRINT_WIDTH: usize = TYPE_WIDTH;
/// Rules of the 版记 in eighths of a point: thick 0.35 mm (1 pt), thin 0.25 mm (0.75 pt).
const THICK: usize = 8;
const THIN: usize = 6;
/// 35 mm from the top of the type area to the 发文机关标志.
const HEADER_BEFORE: u32 = 1984;

/// Signature and date: at the right, two characters in (7.3.5.2).
fn right(t: &str) -> Paragraph {
    body(t)
        .align(AlignmentType::Right)
        .indent(None, None, Some(2 * CHAR_3), None)
}

/// The red rule under the document number (a 函's: a double one, thick over thin).
fn red_rule(kind: BorderType, size: usize) -> Paragraph {
    let mut rule = Paragraph::new().line_spacing(exact(240));
    rule.property = rule.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(kind)
                .size(size)
                .color("C8102E"),
        ),
    );
    rule
}

/// A line of the 版记 in 4号仿宋.
fn imprint_line(p: Paragraph) -> TableCell {
    TableCell::new()
        .width(IMPRINT_WIDTH, WidthType::Dxa)
        .add_paragraph(off_grid(p).line_spacing(exact(560)))
}

/// The 版记 (7.4): 抄送, then the 印发机关 (one character in) and the 印发日期 (one character
/// from the right) on one line, between full-width rules, the first and last thick, the one
/// between thin. A table floating at the bottom of the type area of the page it is on (the
/// last), as Word, WPS and LibreOffice place it.
fn imprint(imprint: Option<&ImprintLine>, cc_label: &str, cc: &str) -> Option<Table> {
    let mut rows = Vec::new();
    if !cc.is_empty() {
        rows.push(TableRow::new(vec![imprint_line(
            Paragraph::new().add_run(run(&format!("{cc_label}{cc}"), BODY_FONT, SIZE_4)),
        )]));
    }
    if let Some(i) = imprint {
        let p = Paragraph::new()
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos(IMPRINT_WIDTH - 2 * CHAR_4),
            )
            .add_run(run(&i.office, BODY_FONT, SIZE_4))
            .add_run(Run::new().add_tab())
            .add_run(run(&i.date, BODY_FONT, SIZE_4));
        rows.push(TableRow::new(vec![imprint_line(p)]));
    }
    if rows.is_empty() {
        return None;
    }
    let rule = |pos, size| {
        TableBorder::new(pos)
            .border_type(BorderType::Single)
            .size(size)
            .color("000000")
    };
    Some(
        Table::new(rows)
            .set_grid(vec![IMPRINT_WIDTH])
            .width(IMPRINT_WIDTH, WidthType::Dxa)
            .margins(TableCellMargins::new().margin(0, CHAR_4, 0, CHAR_4))
            .set_borders(
                TableBorders::with_empty()
                    .set(rule(TableBorderPosition::Top, THICK))
                    .set(rule(TableBorderPosition::InsideH, THIN))
                    .set(rule(TableBorderPosition::Bottom, THICK)),
            )
            .position(
                // Across from the page's left edge: LibreOffice floats a table as wide as the
                // type area only then. Word and LibreOffice put the cell's text at the
                // position, the rules one cell margin to the left: at the type area's edges.
                TablePositionProperty::new()
                    .left_from_text(0)
                    .right_from_text(0)
                    .vertical_anchor("margin")
                    .horizontal_anchor("page")
                    .position_x((MARGIN_LEFT as usize + CHAR_4) as i32)
                    .position_y_alignment("bottom"),
            ),
    )
}

/// The DOCX of one notice.
pub(crate) fn docx(n: &Notice, rules: &Rules) -> Result<Vec<u8>, String> {
    write(&Official::notice(n, rules))
}

/// The page, fonts and page numbers of every document: what a clerk types in Word or WPS
/// stays 3号仿宋 (docDefaults of styles.xml).
fn page(d: &Official) -> Docx {
    let mut doc = super::docx_page::document(d.issue_date);
    if d.form == Form::Letter {
        // A 函 shows no page number on its first page (10.1).
        doc = doc.first_footer(Footer::new()).title_pg();
    }
    doc
}

/// The 发文机关标志, red and centred, and the document number with the red rule: 文件格式
/// with the standard's 35 mm above, joint issuers one a line, the host first (7.2.2); 信函格式
/// under a double rule (thick over thin), the number at the right (10.1).
fn head(mut doc: Docx, d: &Official) -> Docx {
    let letter = d.form == Form::Letter;
    for (i, line) in d.header.iter().enumerate() {
        let spacing = if i == 0 && !letter {
            exact(800).before(HEADER_BEFORE)
        } else {
            exact(800)
        };
        doc = doc.add_paragraph(
            off_grid(Paragraph::new())
                .add_run(run(line, TITLE_FONT, 60).color("C8102E"))
                .align(AlignmentType::Center)
                .line_spacing(spacing),
        );
    }
    if letter {
        doc.add_paragraph(red_rule(BorderType::ThickThinSmallGap, 24))
            .add_paragraph(body(&d.number).align(AlignmentType::Right))
    } else {
        // 发文字号 two lines under the 发文机关标志 (7.2.3: 下空二行).
        blank_lines(doc, 2)
            .add_paragraph(body(&d.number).align(AlignmentType::Center))
            .add_paragraph(red_rule(BorderType::Single, 12))
    }
}

/// `n` empty 3号 lines.
fn blank_lines(doc: Docx, n: usize) -> Docx {
    (0..n).fold(doc, |doc, _| doc.add_paragraph(body("")))
}

/// Empty lines between the head and the title: two under the red rule (7.3.1: 红色分隔线下空
/// 二行); a 函's title one line under its number, as it has been printed.
fn lines_before_title(form: Form) -> usize {
    match form {
        Form::Document => 2,
        Form::Letter => 1,
    }
}

/// The DOCX of a document.
pub(crate) fn write(d: &Official) -> Result<Vec<u8>, String> {
    let mut doc = blank_lines(head(page(d), d), lines_before_title(d.form))
        .add_paragraph(
            off_grid(Paragraph::new())
                .add_run(run(&d.title, TITLE_FONT, 44))
                .align(AlignmentType::Center)
                .line_spacing(exact(660)),
        )
        .add_paragraph(body(""))
        .add_paragraph(body(&format!("{}：", d.addressee)));
    // The body; its last paragraph, the gap and the signature keep with the date (7.3.5.4),
    // so the signature and date never stand alone on a page.
    let last = d.blocks.len().saturating_sub(1);
    for (i, b) in d.blocks.iter().enumerate() {
        doc = match b {
            Block::Text { text } => doc.add_paragraph(indented(text).keep_next(i == last)),
            Block::Heading { text } => doc.add_paragraph(heading(text)),
            Block::Table(t) => doc
                .add_table(super::official_table::table(t))
                .add_paragraph(body("").keep_next(i == last)),
        };
    }
    doc = doc.add_paragraph(body("").keep_next(true));
    for who in &d.issuers {
        doc = doc.add_paragraph(right(who).keep_next(true).keep_lines(true));
    }
    doc = doc.add_paragraph(right(&d.date_text));
    if let Some(a) = &d.attachment {
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .add_run(run(&a.label, HEADING_FONT, SIZE_3))
                    .line_spacing(exact(LINE))
                    .page_break_before(true),
            )
            .add_paragraph(
                off_grid(Paragraph::new())
                    .add_run(run(&a.title, TITLE_FONT, 44))
                    .align(AlignmentType::Center)
                    .line_spacing(exact(660)),
            )
            .add_paragraph(body(""))
            .add_table(super::official_table::table(&a.table))
            .add_paragraph(body(""));
    }
    if let Some(t) = imprint(d.imprint.as_ref(), &d.cc_label, &d.cc) {
        // A floating table is anchored to the paragraph after it: a 1 pt one, adding no page.
        doc = doc
            .add_table(t)
            .add_paragraph(Paragraph::new().line_spacing(exact(20)).size(2));
    }
    super::docx_page::pack(doc, &d.title)
}

/// A first-level heading (7.3.3): 3号黑体, two characters in.
fn heading(t: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(t, HEADING_FONT, SIZE_3))
        .line_spacing(exact(LINE))
        .indent(None, Some(SpecialIndentType::FirstLine(CHAR_3)), None, None)
        .keep_next(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn official(form: Form) -> Official {
        Official {
            form,
            header: vec!["甲机关".into()],
            number: "甲〔2026〕1号".into(),
            title: "关于甲的通知".into(),
            addressee: "乙镇".into(),
            blocks: vec![Block::Text {
                text: "正文。".into(),
            }],
            issuers: vec!["甲机关".into()],
            issue_date: None,
            date_text: "2026年10月25日".into(),
            cc: String::new(),
            cc_label: "抄送：".into(),
            imprint: None,
            attachment: None,
        }
    }

    /// The texts of the document's paragraphs in order, "" for an empty one.
    fn paragraph_texts(d: &Official) -> Vec<String> {
        let bytes = write(d).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml.split("<w:p ")
            .skip(1)
            .map(|p| {
                p.split("<w:t xml:space=\"preserve\">")
                    .skip(1)
                    .map(|t| &t[..t.find("</w:t>").unwrap()])
                    .collect()
            })
            .collect()
    }

    /// GB/T 9704 7.2.3 and 7.3.1: the 发文字号 two lines under the 发文机关标志, the title two
    /// lines under the red rule (the rule is a paragraph of its own, with no text).
    #[test]
    fn number_and_title_stand_two_lines_below() {
        let texts = paragraph_texts(&official(Form::Document));
        assert_eq!(
            texts[..7],
            ["甲机关", "", "", "甲〔2026〕1号", "", "", ""],
            "{texts:?}"
        );
        assert_eq!(texts[7], "关于甲的通知", "{texts:?}");
    }
}
