//! A table in an official document's DOCX (the 通报's ranking, the 函's attached list): across
//! the type area, the grid's widths in proportion (WPS needs `gridCol`), thin black rules, 4号
//! 仿宋 cells (黑体 headers), centred; a row is never split across pages,
//! and the header row repeats atop each page.

use super::docx_page::{BODY_FONT, HEADING_FONT, SIZE_4, TYPE_WIDTH, exact, header_row, run};
use super::official::TableBlock;
use docx_rs::{
    AlignmentType, BorderType, Paragraph, Table, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableRow, VAlignType, WidthType,
};

/// Column widths in twips, in proportion to `widths`, summing to the type area's width.
fn grid(t: &TableBlock) -> Vec<usize> {
    let n = t.headers.len().max(1);
    let weights: Vec<usize> = (0..n)
        .map(|i| t.widths.get(i).copied().unwrap_or(1).max(1) as usize)
        .collect();
    let total: usize = weights.iter().sum();
    let mut out: Vec<usize> = weights.iter().map(|w| TYPE_WIDTH * w / total).collect();
    let used: usize = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += TYPE_WIDTH - used;
    }
    out
}

fn cell(text: &str, width: usize, font: &str) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(
            super::docx_page::off_grid(Paragraph::new())
                .add_run(run(text, font, SIZE_4))
                .align(AlignmentType::Center)
                .line_spacing(exact(400)),
        )
}

/// The DOCX table of `t`.
pub(crate) fn table(t: &TableBlock) -> Table {
    let widths = grid(t);
    let row = |cells: &[String], font: &str| {
        TableRow::new(
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| cell(cells.get(i).map(String::as_str).unwrap_or(""), *w, font))
                .collect(),
        )
        .cant_split()
    };
    let mut rows = vec![header_row(row(&t.headers, HEADING_FONT))];
    rows.extend(t.rows.iter().map(|r| row(r, BODY_FONT)));
    let rule = |pos| {
        TableBorder::new(pos)
            .border_type(BorderType::Single)
            .size(4)
            .color("000000")
    };
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Bottom,
        TableBorderPosition::Left,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::with_empty(), |b, p| b.set(rule(p)));
    Table::new(rows)
        .set_grid(widths)
        .width(TYPE_WIDTH, WidthType::Dxa)
        .set_borders(borders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_fills_the_type_area_in_proportion() {
        let t = TableBlock {
            headers: vec!["a".into(), "b".into(), "c".into()],
            widths: vec![1, 3],
            rows: vec![],
        };
        let g = grid(&t);
        assert_eq!(g.iter().sum::<usize>(), TYPE_WIDTH);
        assert_eq!(g[0], TYPE_WIDTH / 5);
        assert_eq!(g[1], TYPE_WIDTH * 3 / 5);
    }

    #[test]
    fn only_the_header_row_repeats_on_each_page() {
        let t = TableBlock {
            headers: vec!["名次".into(), "单位".into()],
            widths: vec![1, 3],
            rows: (1..=40)
                .map(|i| vec![i.to_string(), format!("单位{i}")])
                .collect(),
        };
        let doc = super::super::docx_page::document(None).add_table(table(&t));
        let bytes = super::super::docx_page::pack(doc, "表").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert_eq!(xml.matches("<w:tblHeader />").count(), 1, "{xml}");
        assert!(
            !xml.contains("w:trHeight"),
            "the mark leaves no height behind"
        );
        let first_row = &xml[xml.find("<w:tr>").unwrap()..xml.find("</w:tr>").unwrap()];
        assert!(first_row.contains("<w:tblHeader />") && first_row.contains("名次"));
    }
}
