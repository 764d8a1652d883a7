//! The page every DOCX the office prints shares (GB/T 9704-2012): A4, margins 37/35/28/26 mm,
//! 3号仿宋 on 28.95 pt lines declared as the document's defaults (so text a clerk adds stays
//! 仿宋), page numbers "— N —" in 4号宋体 at the outer edge, and a fixed creation date (the
//! document's date) for byte-identical output; and the type every such document is set in
//! (fonts, sizes, exact line spacing, first-line indents, ordinals).

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText,
    LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
};

pub(crate) const BODY_FONT: &str = "仿宋_GB2312";
pub(crate) const TITLE_FONT: &str = "方正小标宋简体";
pub(crate) const NUMBER_FONT: &str = "宋体";
pub(crate) const HEADING_FONT: &str = "黑体";
/// Half-points: 3号 body, 4号 版记 and page numbers, 2号 title.
pub(crate) const SIZE_3: usize = 32;
pub(crate) const SIZE_4: usize = 28;
/// Twips: the type area is 156 mm wide; one 3号 and one 4号 character; a 28.95 pt line.
pub(crate) const TYPE_WIDTH: usize = 8844;
pub(crate) const CHAR_3: i32 = 640;
pub(crate) const CHAR_4: usize = 280;
/// Page margins (twips): top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
pub(crate) const MARGIN_TOP: u32 = 2098;
pub(crate) const MARGIN_BOTTOM: u32 = 1984;
pub(crate) const MARGIN_LEFT: u32 = 1588;
pub(crate) const MARGIN_RIGHT: u32 = 1474;
pub(crate) const LINE: u32 = 579;
/// Characters a body line holds (GB/T 9704 5.2.2: 每行排28个字).
pub(crate) const CHARS_PER_LINE: usize = 28;

/// The document grid's `w:charSpace`: what Word and WPS add to the default font size (3号,
/// 16 pt) to get the pitch of one character of the grid, in 4096ths of a point. A bare 3号
/// character is 320 twips and 8844 / 320 = 27.6, so without a grid Word sets 27 characters a
/// line. 28 a line need a pitch of at most 8844 / 28 = 315.857 twips = 15.7929 pt, that is
/// 16 pt − 0.2071 pt = 16 pt − 848.6 / 4096 pt; rounded down to a whole 4096th, −849 (pitch
/// 15.79272 pt = 315.854 twips, 28 of them 8843.9 twips: the line holds 28, never 29).
pub(crate) const CHAR_SPACE: isize = {
    let twentieths_per_point = 20;
    let pitch = (TYPE_WIDTH * 4096 / (twentieths_per_point * CHARS_PER_LINE)) as isize;
    pitch - (SIZE_3 / 2 * 4096) as isize
};

/// The document grid of every page: 22 lines of 579 twips and 28 characters a line (the
/// usual `linesAndChars` grid of Chinese official document templates). Paragraphs in another
/// size than 3号 (title, header, tables, 版记, page numbers) are set off the grid
/// (`off_grid`), or Word would space their characters to the 3号 pitch.
fn grid() -> DocGrid {
    DocGrid::with_empty()
        .grid_type(DocGridType::LinesAndChars)
        .line_pitch(LINE as usize)
        .char_space(CHAR_SPACE)
}

/// `p` set in its own character pitch, not the document grid's (a size other than 3号).
pub(crate) fn off_grid(p: Paragraph) -> Paragraph {
    p.snap_to_grid(false)
}
pub(crate) fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

pub(crate) fn run(t: &str, font: &str, half_points: usize) -> Run {
    Run::new().add_text(t).fonts(fonts(font)).size(half_points)
}

pub(crate) fn exact(twips: u32) -> LineSpacing {
    LineSpacing::new()
        .line(twips as i32)
        .line_rule(LineSpacingType::Exact)
}

pub(crate) fn body(t: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(t, BODY_FONT, SIZE_3))
        .line_spacing(exact(LINE))
}

pub(crate) fn indented(t: &str) -> Paragraph {
    body(t).indent(None, Some(SpecialIndentType::FirstLine(CHAR_3)), None, None)
}

/// "— N —" in 4号宋体 (7.5): the field's own run carries the font, so the digits do too.
pub(crate) fn page_number(align: AlignmentType) -> Footer {
    let number = Run::new()
        .fonts(fonts(NUMBER_FONT))
        .size(SIZE_4)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        off_grid(Paragraph::new())
            .add_run(run("— ", NUMBER_FONT, SIZE_4))
            .add_run(number)
            .add_run(run(" —", NUMBER_FONT, SIZE_4))
            .align(align)
            .indent(Some(CHAR_4 as i32), None, Some(CHAR_4 as i32), None),
    )
}

/// `一、`, `二、` … for the n-th matter (1-based).
pub(crate) fn ordinal(n: usize) -> String {
    format!("{}、", crate::engine::notices::chinese_number(n as u32))
}

/// An empty A4 document dated `date` (an undated one carries a fixed date), ready for
/// paragraphs.
pub(crate) fn document(date: Option<NaiveDate>) -> Docx {
    let date = date
        .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
        .unwrap_or_else(|| "2000-01-01T00:00:00Z".into());
    let mut doc = Docx::new()
        // What a clerk types in Word or WPS stays 3号仿宋 (docDefaults of styles.xml).
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_3)
        .default_line_spacing(exact(LINE))
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left))
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: MARGIN_TOP as i32,
            bottom: MARGIN_BOTTOM as i32,
            left: MARGIN_LEFT as i32,
            right: MARGIN_RIGHT as i32,
            header: 851,
            footer: 992,
            gutter: 0,
        })
        .created_at(&date)
        .updated_at(&date);
    doc.document = doc.document.doc_grid(grid());
    doc
}

/// Marks a table row as its table's header row, repeated atop every page the table spans
/// (`w:tblHeader`). docx-rs has no such property: the row gets a height no other row has,
/// which `pack` replaces by the mark.
pub(crate) fn header_row(row: docx_rs::TableRow) -> docx_rs::TableRow {
    row.row_height(HEADER_ROW_HEIGHT)
        .height_rule(docx_rs::HeightRule::Auto)
}

/// The height (twips, "at least", so no effect of its own) that stands for the header mark.
const HEADER_ROW_HEIGHT: f32 = 1.0;
const HEADER_ROW_XML: &str = r#"<w:trHeight w:val="1" w:hRule="auto" />"#;

/// What docx-rs writes for the author when none is set (it has no setter for it or the title).
const NO_AUTHOR_XML: &str =
    "<dc:creator>unknown</dc:creator><cp:lastModifiedBy>unknown</cp:lastModifiedBy>";

/// The fonts the documents use, each with the font Word and WPS put in its place on a computer
/// without it (`w:altName`): 仿宋_GB2312 is missing on many Windows 10 and 11 machines that have
/// 仿宋, and 方正小标宋简体 comes with neither. Chinese (GB2312, charset 86) and fixed pitch, as
/// Word declares them; then the three fonts docx-rs declares.
const FONTS: &[(&str, &str)] = &[
    (BODY_FONT, "仿宋"),
    (TITLE_FONT, "宋体"),
    (HEADING_FONT, "SimHei"),
    (NUMBER_FONT, "SimSun"),
];

fn font_table() -> String {
    let ours: String = FONTS
        .iter()
        .map(|(name, alt)| {
            format!(
                r#"<w:font w:name="{name}"><w:altName w:val="{alt}" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{ours}<w:font w:name="Times New Roman"><w:charset w:val="00" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font><w:font w:name="Symbol"><w:charset w:val="02" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font><w:font w:name="Arial"><w:charset w:val="00" /><w:family w:val="swiss" /><w:pitch w:val="variable" /></w:font></w:fonts>"#
    )
}

/// The document's bytes, titled `title` and written by sanyipi (as the workbooks are) in its
/// properties, where Word and WPS show them instead of "unknown".
pub(crate) fn pack(doc: Docx, title: &str) -> Result<Vec<u8>, String> {
    let mut xml = doc.build();
    let body = String::from_utf8(std::mem::take(&mut xml.document)).map_err(|e| e.to_string())?;
    xml.document = body.replace(HEADER_ROW_XML, "<w:tblHeader />").into_bytes();
    let core =
        String::from_utf8(std::mem::take(&mut xml.doc_props.core)).map_err(|e| e.to_string())?;
    if !core.contains(NO_AUTHOR_XML) {
        return Err("docx-rs wrote unexpected core properties".into());
    }
    let named = format!(
        "<dc:title>{}</dc:title><dc:creator>sanyipi</dc:creator><cp:lastModifiedBy>sanyipi</cp:lastModifiedBy>",
        quick_xml::escape::escape(title)
    );
    xml.doc_props.core = core.replace(NO_AUTHOR_XML, &named).into_bytes();
    xml.font_table = font_table().into_bytes();
    let mut buf = std::io::Cursor::new(Vec::new());
    xml.pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Word and WPS set floor(type width / pitch) characters a line, the pitch being the 3号
    /// size plus the grid's charSpace (4096ths of a point).
    #[test]
    fn the_grid_sets_28_characters_a_line() {
        let bytes = pack(document(None), "表").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let grid = &xml[xml.find("<w:docGrid").expect("a document grid")..];
        let grid = &grid[..grid.find("/>").unwrap()];
        assert!(grid.contains(r#"w:type="linesAndChars""#), "{grid}");
        assert!(grid.contains(r#"w:linePitch="579""#), "{grid}");
        let space: f64 = grid
            .split(r#"w:charSpace=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let pitch_twips = (16.0 + space / 4096.0) * 20.0;
        assert_eq!((TYPE_WIDTH as f64 / pitch_twips).floor(), 28.0, "{grid}");
        assert_eq!(CHAR_SPACE, -849);
        // 22 lines of 579 twips in the 225 mm type area (16838 − 2098 − 1984 twips).
        assert_eq!(((16838 - MARGIN_TOP - MARGIN_BOTTOM) / LINE), 22);
    }

    /// Every East Asian font a document's runs and defaults name is declared in the font table
    /// with the font that stands in for it, so Word and WPS substitute it without asking.
    #[test]
    fn every_font_used_is_declared_with_a_stand_in() {
        let p = Paragraph::new()
            .add_run(run("标题", TITLE_FONT, SIZE_3))
            .add_run(run("一、", HEADING_FONT, SIZE_3))
            .add_run(run("正文", BODY_FONT, SIZE_3));
        let bytes = pack(document(None).add_paragraph(p), "表").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut xml = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
            xml
        };
        let table = part("word/fontTable.xml");
        let used: String = ["word/document.xml", "word/styles.xml", "word/footer1.xml"]
            .iter()
            .map(|n| part(n))
            .collect();
        let names: std::collections::BTreeSet<&str> = used
            .split(r#"w:eastAsia=""#)
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        for name in names {
            assert!(
                table.contains(&format!(r#"<w:font w:name="{name}"><w:altName w:val=""#)),
                "{name}: {table}"
            );
        }
        assert!(table.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋" />"#));
    }

    #[test]
    fn the_document_is_titled_and_written_by_sanyipi() {
        let bytes = pack(document(None), "关于督促<甲镇>&乙镇的通知").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut core = String::new();
        zip.by_name("docProps/core.xml")
            .unwrap()
            .read_to_string(&mut core)
            .unwrap();
        assert!(
            core.contains("<dc:title>关于督促&lt;甲镇&gt;&amp;乙镇的通知</dc:title>"),
            "{core}"
        );
        assert!(core.contains("<dc:creator>sanyipi</dc:creator>"), "{core}");
        assert!(!core.contains("unknown"), "{core}");
    }
}
