//! What a sheet's grid alone does not say: merged regions (a value belongs to every cell of its
//! region) and hidden rows (still data, but reported as hidden). xlsx and xls merges come from
//! calamine; ods spans and hidden rows of xlsx and ods are read from the file's XML.

use super::workbook::Sheet;
use calamine::{Data, Dimensions, Sheets};
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::path::Path;

/// Merged regions and hidden rows of one sheet, in absolute zero-based positions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub merges: Vec<Dimensions>,
    /// Inclusive ranges of hidden rows.
    pub hidden: Vec<(u32, u32)>,
}

impl Sheet {
    /// The value shown at a grid position: the cell itself, or, for an empty cell inside a
    /// region merged down the rows that starts at or below grid row `from`, the region's value.
    pub fn filled(&self, row: usize, col: usize, from: usize) -> &Data {
        let own = self.cell(row, col);
        if !matches!(own, Data::Empty) {
            return own;
        }
        let (ar, ac) = self.abs(row, col);
        let (first, _) = self.abs(from, 0);
        self.layout
            .merges
            .iter()
            .find(|m| m.end.0 > m.start.0 && m.start.0 >= first && m.contains(ar, ac))
            .and_then(|m| {
                let r = m.start.0.checked_sub(self.origin.0)? as usize;
                let c = m.start.1.checked_sub(self.origin.1)? as usize;
                Some(self.cell(r, c))
            })
            .unwrap_or(own)
    }

    /// Whether grid row `row` is hidden.
    pub fn hidden(&self, row: usize) -> bool {
        let (ar, _) = self.abs(row, 0);
        self.layout.hidden.iter().any(|&(a, b)| a <= ar && ar <= b)
    }
}

/// Adds the layout of every sheet of an opened workbook; the file at `path` is read again for
/// what calamine does not expose. A layout that cannot be read leaves the plain grid.
pub fn annotate<RS: Read + Seek>(workbook: &mut Sheets<RS>, path: &Path, sheets: &mut [Sheet]) {
    let from_xml = match workbook {
        Sheets::Xlsx(_) => xlsx_hidden(path).unwrap_or_default(),
        Sheets::Ods(_) => ods_layout(path).unwrap_or_default(),
        _ => BTreeMap::new(),
    };
    for sheet in sheets.iter_mut() {
        let mut layout = from_xml.get(&sheet.name).cloned().unwrap_or_default();
        let merges = match workbook {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&sheet.name).ok(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&sheet.name).ok(),
            _ => None,
        };
        if let Some(m) = merges {
            layout.merges = m;
        }
        sheet.layout = layout;
    }
}

fn archive(path: &Path) -> Option<zip::ZipArchive<std::fs::File>> {
    zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()
}

fn entry(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.to_string())
        })
}

/// Walks the start (and empty) elements of an XML document.
fn each_element(xml: &[u8], mut f: impl FnMut(&BytesStart, bool)) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => f(&e, false),
            Ok(Event::Empty(e)) => f(&e, true),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

/// Hidden rows of each sheet of an xlsx file (`<row r="7" hidden="1">`).
fn xlsx_hidden(path: &Path) -> Option<BTreeMap<String, Layout>> {
    let mut zip = archive(path)?;
    let mut ids: Vec<(String, String)> = Vec::new();
    each_element(&entry(&mut zip, "xl/workbook.xml")?, |e, _| {
        if e.local_name().as_ref() == "sheet"
            && let (Some(n), Some(id)) = (attr(e, "name"), attr(e, "r:id"))
        {
            ids.push((n, id));
        }
    });
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    each_element(&entry(&mut zip, "xl/_rels/workbook.xml.rels")?, |e, _| {
        if let (Some(id), Some(t)) = (attr(e, "Id"), attr(e, "Target")) {
            let t = match t.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{t}"),
            };
            targets.insert(id, t);
        }
    });
    let mut out = BTreeMap::new();
    for (name, id) in ids {
        let Some(xml) = targets.get(&id).and_then(|t| entry(&mut zip, t)) else {
            continue;
        };
        let mut layout = Layout::default();
        each_element(&xml, |e, _| {
            if e.local_name().as_ref() == "row"
                && matches!(attr(e, "hidden").as_deref(), Some("1" | "true"))
                && let Some(r) = attr(e, "r").and_then(|r| r.parse::<u32>().ok())
                && r > 0
            {
                layout.hidden.push((r - 1, r - 1));
            }
        });
        out.insert(name, layout);
    }
    Some(out)
}

fn count(e: &BytesStart, name: &str) -> u32 {
    attr(e, name)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Spans (`table:number-rows-spanned`, `number-columns-spanned`) and collapsed rows of each
/// table of an ods file's content.xml. Repeats are counted, never expanded.
fn ods_layout(path: &Path) -> Option<BTreeMap<String, Layout>> {
    let mut zip = archive(path)?;
    let xml = entry(&mut zip, "content.xml")?;
    let mut out: BTreeMap<String, Layout> = BTreeMap::new();
    let mut current: Option<String> = None;
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    loop {
        let (e, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e.into_owned(), false),
            Ok(Event::Empty(e)) => (e.into_owned(), true),
            Ok(Event::End(e)) => {
                if e.local_name().as_ref() == "table-row" {
                    row = row.saturating_add(row_repeat);
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.local_name().as_ref() {
            "table" => {
                current = attr(&e, "table:name");
                (row, col) = (0, 0);
                if let Some(n) = &current {
                    out.entry(n.clone()).or_default();
                }
            }
            "table-row" => {
                col = 0;
                row_repeat = count(&e, "table:number-rows-repeated");
                if matches!(
                    attr(&e, "table:visibility").as_deref(),
                    Some("collapse" | "filter")
                ) && let Some(l) = current.as_ref().and_then(|n| out.get_mut(n))
                {
                    l.hidden.push((row, row.saturating_add(row_repeat - 1)));
                }
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            "table-cell" | "covered-table-cell" => {
                let rows = count(&e, "table:number-rows-spanned");
                let cols = count(&e, "table:number-columns-spanned");
                if (rows > 1 || cols > 1)
                    && e.local_name().as_ref() == "table-cell"
                    && let Some(l) = current.as_ref().and_then(|n| out.get_mut(n))
                {
                    l.merges.push(Dimensions::new(
                        (row, col),
                        (row + rows - 1, col.saturating_add(cols - 1)),
                    ));
                }
                col = col.saturating_add(count(&e, "table:number-columns-repeated"));
            }
            _ => {}
        }
        buf.clear();
    }
    Some(out)
}
