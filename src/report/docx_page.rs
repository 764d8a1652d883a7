//! The page every DOCX the office prints shares (GB/T 9704-2012): A4, margins 37/35/28/26 mm,
//! 3号仿宋 on 28.95 pt lines declared as the document's defaults (so text a clerk adds stays
//! 仿宋), page numbers "— N —" in 4号宋体 at the outer edge, and a fixed creation date (the
//! document's date) for byte-identical output. Built from the notices' pieces.

use super::notice_docx::{
    BODY_FONT, LINE, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, SIZE_3, exact, fonts,
    page_number,
};
use chrono::NaiveDate;
use docx_rs::{AlignmentType, Docx, PageMargin};

/// An empty A4 document dated `date` (an undated one carries a fixed date), ready for
/// paragraphs.
pub(crate) fn document(date: Option<NaiveDate>) -> Docx {
    let date = date
        .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
        .unwrap_or_else(|| "2000-01-01T00:00:00Z".into());
    Docx::new()
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
        .updated_at(&date)
}

/// The document's bytes.
pub(crate) fn pack(doc: Docx) -> Result<Vec<u8>, String> {
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}
