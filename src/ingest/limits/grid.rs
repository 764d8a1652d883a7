//! Where the cells of a sheet lie, tracked while its XML streams by (xlsx and ods), and the
//! streaming itself: the first cell beyond the limits, or why the XML is incomplete.

use super::SheetFacts;
use crate::rules::Limits;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// Tracks cell positions while a sheet's XML streams by; returns a cell beyond the limits.
pub(super) trait Grid {
    fn start(&mut self, e: &BytesStart, empty: bool, limits: &Limits) -> Option<(u64, u64)>;
    fn end(&mut self, _local: &str) {}
}

pub(super) struct NoGrid;

impl Grid for NoGrid {
    fn start(&mut self, _: &BytesStart, _: bool, _: &Limits) -> Option<(u64, u64)> {
        None
    }
}

/// Streams `reader` as XML to its end. `Ok(Some(cell))` is the first zero-based (row, col)
/// beyond the limits; `Err` says why the XML is incomplete or malformed.
pub(super) fn scan_xml<R: BufRead, G: Grid>(
    reader: R,
    grid: &mut G,
    limits: &Limits,
) -> Result<Option<(u64, u64)>, String> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    xml.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth: u64 = 0;
    let mut saw_root = false;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                depth += 1;
                saw_root = true;
                if let Some(cell) = grid.start(&e, false, limits) {
                    return Ok(Some(cell));
                }
            }
            Event::Empty(e) => {
                saw_root = true;
                if let Some(cell) = grid.start(&e, true, limits) {
                    return Ok(Some(cell));
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                grid.end(e.local_name().as_ref());
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if depth != 0 || !saw_root {
        return Err(format!("XML ends with {depth} element(s) unclosed"));
    }
    Ok(None)
}

pub(super) fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
}

pub(super) fn beyond(row: u64, col: u64, limits: &Limits) -> bool {
    row >= u64::from(limits.max_rows) || col >= u64::from(limits.max_cols)
}

/// Positions in an xlsx worksheet: `<dimension ref>`, `<row r>`, `<c r>`; on the way, hidden
/// rows and cells with a formula.
#[derive(Default)]
pub(super) struct XlsxGrid {
    row: u64,
    col: Option<u64>,
    /// Inside a `<c>` that is not self-closing.
    in_cell: bool,
    pub(super) facts: SheetFacts,
}

impl Grid for XlsxGrid {
    fn start(&mut self, e: &BytesStart, empty: bool, limits: &Limits) -> Option<(u64, u64)> {
        match e.local_name().as_ref() {
            "dimension" => {
                let r = attr(e, "ref")?;
                let last = r.rsplit(':').next().and_then(parse_a1)?;
                beyond(last.0, last.1, limits).then_some(last)
            }
            "row" => {
                self.row = attr(e, "r")
                    .and_then(|r| r.parse::<u64>().ok())
                    .map(|r| r.saturating_sub(1))
                    .unwrap_or(self.row + u64::from(self.col.is_some()));
                self.col = None;
                if matches!(attr(e, "hidden").as_deref(), Some("1" | "true"))
                    && let Ok(r) = u32::try_from(self.row)
                {
                    self.facts.hidden.push((r, r));
                }
                None
            }
            "c" => {
                let (row, col) = attr(e, "r")
                    .and_then(|r| parse_a1(&r))
                    .unwrap_or((self.row, self.col.map_or(0, |c| c + 1)));
                self.row = row;
                self.col = Some(col);
                self.in_cell = !empty;
                // A self-closing cell has no value: it is formatting only and not in the grid.
                (!empty && beyond(row, col, limits)).then_some((row, col))
            }
            "mergeCell" => {
                let r = attr(e, "ref")?;
                let (a, b) = r.split_once(':').unwrap_or((&r, &r));
                let to_u32 =
                    |(r, c): (u64, u64)| Some((u32::try_from(r).ok()?, u32::try_from(c).ok()?));
                if let (Some(a), Some(b)) =
                    (parse_a1(a).and_then(to_u32), parse_a1(b).and_then(to_u32))
                {
                    self.facts.merges.push(calamine::Dimensions::new(a, b));
                }
                None
            }
            "f" if self.in_cell => {
                if let (Ok(r), Some(Ok(c))) = (u32::try_from(self.row), self.col.map(u32::try_from))
                    && self.facts.formulas.last() != Some(&(r, c))
                {
                    self.facts.formulas.push((r, c));
                }
                None
            }
            _ => None,
        }
    }

    fn end(&mut self, local: &str) {
        if local == "c" {
            self.in_cell = false;
        }
    }
}

/// Positions in an ODS `content.xml`, with repeated rows and columns.
#[derive(Default)]
pub(super) struct OdsGrid {
    row: u64,
    row_repeat: u64,
    col: u64,
}

impl Grid for OdsGrid {
    fn start(&mut self, e: &BytesStart, empty: bool, limits: &Limits) -> Option<(u64, u64)> {
        let repeat = |key: &str| {
            attr(e, key)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1)
                .max(1)
        };
        match e.local_name().as_ref() {
            "table" => {
                *self = OdsGrid::default();
                None
            }
            "table-row" => {
                self.row_repeat = repeat("number-rows-repeated");
                self.col = 0;
                if empty {
                    self.row += self.row_repeat;
                }
                None
            }
            "table-cell" | "covered-table-cell" => {
                let n = repeat("number-columns-repeated");
                let valued = !empty || attr(e, "value-type").is_some();
                let (last_row, last_col) = (self.row + self.row_repeat - 1, self.col + n - 1);
                self.col += n;
                (valued && beyond(last_row, last_col, limits)).then_some((last_row, last_col))
            }
            _ => None,
        }
    }

    fn end(&mut self, local: &str) {
        if local == "table-row" {
            self.row += self.row_repeat;
        }
    }
}

/// Zero-based (row, col) of an A1 reference such as `XFD1048576` or `$B$7`.
pub(super) fn parse_a1(r: &str) -> Option<(u64, u64)> {
    let r = r.replace('$', "");
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 4 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0u64, |acc, b| {
        acc * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u64 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}
