//! What a sheet's grid alone does not say: merged regions (a value belongs to every cell of its
//! region) and hidden rows (still data, but reported as hidden). xlsx merges and hidden rows are
//! seen by the limits inspection's pass over each sheet; xls merges come from calamine; ods spans
//! and hidden rows are read from the file's XML.

use crate::xml::attr;
use calamine::{Dimensions, Sheets};
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;
use std::io::{BufReader, Read, Seek};

/// Merged regions and hidden rows of one sheet, in absolute zero-based positions.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layout {
    pub(crate) merges: Vec<Dimensions>,
    /// Inclusive ranges of hidden rows, sorted.
    pub(crate) hidden: Vec<(u32, u32)>,
    /// ods only: cells of a percentage value (`office:value-type="percentage"`, 3.1% stored as
    /// 0.031), as inclusive (first row, last row, first col, last col), repeats not expanded.
    pub(crate) percent: Vec<(u32, u32, u32, u32)>,
    /// Inclusive ranges of hidden columns (absolute).
    pub(crate) hidden_cols: Vec<(u32, u32)>,
    /// Regions merged down the rows, by column of the grid: (first row, last row, value's
    /// row, value's col), sorted; built by `index` so that a lookup is a binary search.
    down: BTreeMap<u32, Vec<(u32, u32, u32, u32)>>,
}

impl Layout {
    /// Sorts the hidden rows and indexes the regions merged down the rows, clipped to the grid
    /// (a hostile list of regions costs no more than the grid itself).
    pub(crate) fn index(&mut self, origin: (u32, u32), rows: usize, width: usize) {
        self.hidden.sort_unstable();
        self.down.clear();
        let last_row = origin.0.saturating_add(rows as u32);
        let last_col = origin.1.saturating_add(width as u32);
        for m in &self.merges {
            if m.end.0 <= m.start.0 || m.start.0 >= last_row || m.start.1 >= last_col {
                continue;
            }
            for col in m.start.1.max(origin.1)..=m.end.1.min(last_col - 1) {
                self.down
                    .entry(col)
                    .or_default()
                    .push((m.start.0, m.end.0, m.start.0, m.start.1));
            }
        }
        for v in self.down.values_mut() {
            v.sort_unstable();
        }
    }

    /// The region merged down the rows that holds absolute (row, col), if any.
    pub(crate) fn down_at(&self, row: u32, col: u32) -> Option<(u32, u32)> {
        let v = self.down.get(&col)?;
        let i = v.partition_point(|r| r.0 <= row).checked_sub(1)?;
        let (start, end, sr, sc) = v[i];
        (start <= row && row <= end).then_some((sr, sc))
    }
}

/// The layout of sheet `name`: `base` (from the XML) with calamine's merged regions (xlsx,
/// xls), indexed for a grid at `origin` of `rows` × `width`.
pub(crate) fn layout<RS: Read + Seek>(
    workbook: &mut Sheets<RS>,
    base: Option<&Layout>,
    name: &str,
    (origin, rows, width): ((u32, u32), usize, usize),
) -> Layout {
    let mut layout = base.cloned().unwrap_or_default();
    let merges = match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).ok(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).ok(),
        _ => None,
    };
    if let Some(m) = merges {
        layout.merges = m;
    }
    layout.index(origin, rows, width);
    layout
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// Streams the events of one XML entry of the archive, never holding it whole in memory.
fn each_event(zip: &mut Zip<'_>, name: &str, mut f: impl FnMut(&Event)) -> Option<()> {
    let entry = zip.by_name(name).ok()?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => f(&e),
        }
        buf.clear();
    }
    Some(())
}

fn count(e: &BytesStart, name: &str) -> u32 {
    attr(e, name)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Where the walk through an ods content.xml is.
#[derive(Default)]
struct OdsWalk {
    out: BTreeMap<String, Layout>,
    table: Option<String>,
    row: u32,
    col: u32,
    row_repeat: u32,
    /// The next column a `<table:table-column>` describes.
    column: u32,
}

impl OdsWalk {
    fn layout(&mut self) -> Option<&mut Layout> {
        self.table.as_ref().and_then(|n| self.out.get_mut(n))
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        match e.local_name().as_ref() {
            "table" => {
                self.table = attr(e, "table:name");
                (self.row, self.col, self.column) = (0, 0, 0);
                if let Some(n) = &self.table {
                    self.out.entry(n.clone()).or_default();
                }
            }
            "table-column" => {
                let (first, n) = (self.column, count(e, "table:number-columns-repeated"));
                self.column = first.saturating_add(n);
                if matches!(
                    attr(e, "table:visibility").as_deref(),
                    Some("collapse" | "filter")
                ) && let Some(l) = self.layout()
                {
                    l.hidden_cols.push((first, first.saturating_add(n - 1)));
                }
            }
            "table-row" => {
                self.col = 0;
                self.row_repeat = count(e, "table:number-rows-repeated");
                let (row, last) = (self.row, self.row.saturating_add(self.row_repeat - 1));
                if matches!(
                    attr(e, "table:visibility").as_deref(),
                    Some("collapse" | "filter")
                ) && let Some(l) = self.layout()
                {
                    l.hidden.push((row, last));
                }
                if empty {
                    self.row = self.row.saturating_add(self.row_repeat);
                }
            }
            "table-cell" => {
                let rows = count(e, "table:number-rows-spanned");
                let cols = count(e, "table:number-columns-spanned");
                let (row, col) = (self.row, self.col);
                if (rows > 1 || cols > 1)
                    && let Some(l) = self.layout()
                {
                    l.merges.push(Dimensions::new(
                        (row, col),
                        (row.saturating_add(rows - 1), col.saturating_add(cols - 1)),
                    ));
                }
                let repeat = count(e, "table:number-columns-repeated");
                if attr(e, "office:value-type").as_deref() == Some("percentage") {
                    let last_row = row.saturating_add(self.row_repeat.max(1) - 1);
                    let last_col = col.saturating_add(repeat - 1);
                    if let Some(l) = self.layout() {
                        l.percent.push((row, last_row, col, last_col));
                    }
                }
                self.col = col.saturating_add(repeat);
            }
            "covered-table-cell" => {
                self.col = self
                    .col
                    .saturating_add(count(e, "table:number-columns-repeated"));
            }
            _ => {}
        }
    }
}

/// Spans (`table:number-rows-spanned`, `number-columns-spanned`) and collapsed rows of each
/// table of an ods file's content.xml, by sheet name. Repeats are counted, never expanded. A
/// layout that cannot be read is left out.
pub(crate) fn ods_layout(bytes: &[u8]) -> BTreeMap<String, Layout> {
    ods_walk(bytes).unwrap_or_default()
}

fn ods_walk(bytes: &[u8]) -> Option<BTreeMap<String, Layout>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut walk = OdsWalk::default();
    each_event(&mut zip, "content.xml", |ev| match ev {
        Event::Start(e) => walk.start(e, false),
        Event::Empty(e) => walk.start(e, true),
        Event::End(e) if e.local_name().as_ref() == "table-row" => {
            walk.row = walk.row.saturating_add(walk.row_repeat);
        }
        _ => {}
    })?;
    Some(walk.out)
}
