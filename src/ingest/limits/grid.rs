//! Where the cells of a sheet lie, tracked while its XML streams by (xlsx and ods), and the
//! streaming itself: the first cell beyond the limits, or why the XML is incomplete.

use super::SheetFacts;
use super::refs::{BadRef, RefKind, cell_ok, dimension_ok, row_ok};
use crate::rules::Limits;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// What a sheet's XML asks of the reader beyond the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Over {
    /// A cell holding a value (or the declared dimension) at zero-based (row, col).
    Cell(u64, u64),
    /// A count the reader trusts for allocation (`uniqueCount`, merged regions, repeated
    /// spaces), named, with its value.
    Count(&'static str, u64),
}

/// Tracks cell positions while a sheet's XML streams by; returns what is beyond the limits.
pub(super) trait Grid {
    fn start(&mut self, e: &BytesStart, empty: bool, limits: &Limits) -> Option<Over>;
    fn end(&mut self, _local: &str) {}
    /// Text inside the current element (`raw` false for an entity or CDATA, which a reader
    /// may not take as the element's text).
    fn text(&mut self, _bytes: &[u8], _raw: bool) {}
}

pub(super) struct NoGrid;

impl Grid for NoGrid {
    fn start(&mut self, _: &BytesStart, _: bool, _: &Limits) -> Option<Over> {
        None
    }
}

/// Streams `reader` as XML to its end. `Ok(Some(over))` is the first thing beyond the limits;
/// `Err` says why the XML is incomplete or malformed.
pub(super) fn scan_xml<R: BufRead, G: Grid>(
    reader: R,
    grid: &mut G,
    limits: &Limits,
) -> Result<Option<Over>, String> {
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
            Event::Text(t) => grid.text(AsRef::<str>::as_ref(&t).as_bytes(), true),
            Event::GeneralRef(_) | Event::CData(_) => grid.text(&[], false),
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

/// Every value of attributes named `local` under any prefix (`r`, `q:r`): a reader may take
/// any one of them, so the checks take the farthest.
fn attrs(e: &BytesStart, local: &str) -> Vec<String> {
    e.attributes()
        .flatten()
        .filter(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
        .collect()
}

/// The raw values of the attributes named exactly `key` (no prefix), as the reader takes them.
fn exact_attrs<'a>(e: &'a BytesStart) -> impl Iterator<Item = (String, String)> + 'a {
    e.attributes()
        .flatten()
        .map(|a| (a.key.as_ref().to_string(), a.value.into_owned()))
}

/// The farthest A1 position among the `r` attributes, if any parses.
fn farthest(e: &BytesStart) -> Option<(u64, u64)> {
    e.attributes()
        .flatten()
        .filter(|a| a.key.local_name().as_ref() == "r")
        .filter_map(|a| parse_a1(&a.value))
        .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))
}

fn count_attr(e: &BytesStart, local: &str) -> u64 {
    attrs(e, local)
        .iter()
        .map(|v| v.trim().parse::<u64>().unwrap_or(u64::MAX))
        .max()
        .unwrap_or(0)
}

pub(super) fn beyond(row: u64, col: u64, limits: &Limits) -> bool {
    row >= u64::from(limits.max_rows) || col >= u64::from(limits.max_cols)
}

/// Cells of the grid a reader builds for valued cells spanning `first..=last`.
pub(super) fn area(first: (u64, u64), last: (u64, u64)) -> u64 {
    let rows = last.0.saturating_sub(first.0).saturating_add(1);
    let cols = last.1.saturating_sub(first.1).saturating_add(1);
    rows.saturating_mul(cols)
}

/// Positions in an xlsx worksheet: `<dimension ref>`, `<row r>`, `<c r>` (every `r`, under any
/// prefix); the counts of `<sst>` and `<mergeCells>`; on the way, hidden rows, formula cells,
/// merged regions and the span of the valued cells.
#[derive(Default)]
pub(super) struct XlsxGrid {
    row: u64,
    col: Option<u64>,
    /// A `<row>` was seen (a row without `r` is the one after it).
    rows_seen: bool,
    /// Inside a `<c>` that is not self-closing.
    in_cell: bool,
    /// First and last valued positions.
    span: Option<((u64, u64), (u64, u64))>,
    pub(super) facts: SheetFacts,
    /// In `styles.xml`: custom number formats showing a percentage, and the place of the next
    /// `<xf>` inside `<cellXfs>` (none outside it).
    percent_formats: Vec<u32>,
    next_xf: Option<u32>,
    /// The current `<c>` is a shared string (`t="s"`); inside its `<v>`, the text so far (at
    /// most `INDEX_CHARS` bytes kept) and whether it is plain text.
    shared_cell: bool,
    index: Option<(Vec<u8>, bool)>,
    /// Inside `<sheetData>`; after it.
    in_data: bool,
    data_seen: bool,
    /// The position of the last `<c>` inside `<sheetData>`.
    last_cell: Option<(u64, u64)>,
}

/// Bytes of a shared-string index kept: more digits than any index has.
const INDEX_CHARS: usize = 24;

/// The style index (`s`) of a `<c>` holding a number (no `t`, or `t="n"`), if any.
fn number_style(e: &BytesStart) -> Option<u32> {
    let mut style = None;
    for a in e.attributes().flatten() {
        match a.key.local_name().as_ref() {
            "t" if a.value.as_ref() != "n" => return None,
            "s" => style = a.value.trim().parse().ok(),
            _ => {}
        }
    }
    style
}

/// Built-in number formats showing a percentage (`0%`, `0.00%`).
const PERCENT_FORMATS: [u32; 2] = [9, 10];

impl XlsxGrid {
    /// Cells of the grid the reader builds for this sheet.
    pub(super) fn cells(&self) -> u64 {
        self.span.map_or(0, |(a, b)| area(a, b))
    }

    fn valued(&mut self, row: u64, col: u64) {
        let ((r0, c0), (r1, c1)) = self.span.unwrap_or(((row, col), (row, col)));
        self.span = Some(((r0.min(row), c0.min(col)), (r1.max(row), c1.max(col))));
    }

    /// The end of a shared-string cell's `<v>`: its index, or the text that is none. calamine
    /// reads text it cannot parse as index 0 (the first string), so it is kept to be refused.
    fn shared_index(&mut self) {
        let Some((text, raw)) = self.index.take() else {
            return;
        };
        let (Ok(row), Some(Ok(col))) = (u32::try_from(self.row), self.col.map(u32::try_from))
        else {
            return;
        };
        let index = std::str::from_utf8(&text)
            .ok()
            .filter(|t| raw && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.parse::<u64>().ok());
        let shared = &mut self.facts.shared;
        match index {
            Some(i) if shared.max.is_none_or(|(_, _, m)| i > m) => shared.max = Some((row, col, i)),
            Some(_) => {}
            None if shared.bad.is_none() => {
                let shown = String::from_utf8_lossy(&text).into_owned();
                shared.bad = Some((row, col, shown));
            }
            None => {}
        }
    }

    /// Notes the first reference the reader cannot parse (`key` exactly, no prefix).
    fn check_ref(&mut self, e: &BytesStart, key: &str, kind: RefKind, ok: fn(&[u8]) -> bool) {
        if self.facts.bad_ref.is_some() {
            return;
        }
        let row = match kind {
            RefKind::Dimension | RefKind::Order => None,
            RefKind::Row => Some(if self.rows_seen {
                self.row.saturating_add(1)
            } else {
                0
            }),
            RefKind::Cell => Some(self.row),
        };
        if let Some((_, v)) = exact_attrs(e).find(|(k, v)| k == key && !ok(v.as_bytes())) {
            self.facts.bad_ref = Some(BadRef::new(kind, v.as_bytes(), row));
        }
    }

    fn merge(&mut self, e: &BytesStart, limits: &Limits) -> Option<Over> {
        if self.facts.merges.len() as u64 >= limits.max_merges {
            return Some(Over::Count("mergeCell", self.facts.merges.len() as u64 + 1));
        }
        let r = attr(e, "ref")?;
        let (a, b) = r.split_once(':').unwrap_or((&r, &r));
        let to_u32 = |(r, c): (u64, u64)| Some((u32::try_from(r).ok()?, u32::try_from(c).ok()?));
        if let (Some(a), Some(b)) = (parse_a1(a).and_then(to_u32), parse_a1(b).and_then(to_u32)) {
            self.facts.merges.push(calamine::Dimensions::new(a, b));
        }
        None
    }
}

impl Grid for XlsxGrid {
    fn start(&mut self, e: &BytesStart, empty: bool, limits: &Limits) -> Option<Over> {
        match e.local_name().as_ref() {
            "dimension" => {
                if !self.data_seen {
                    self.check_ref(e, "ref", RefKind::Dimension, dimension_ok);
                }
                let last = attrs(e, "ref")
                    .iter()
                    .filter_map(|r| r.rsplit(':').next().and_then(parse_a1))
                    .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))?;
                beyond(last.0, last.1, limits).then_some(Over::Cell(last.0, last.1))
            }
            "col" => {
                let hidden = attr(e, "hidden").is_some_and(|v| matches!(v.trim(), "1" | "true"));
                let at = |k: &str| attr(e, k).and_then(|v| v.trim().parse::<u32>().ok());
                if hidden && let (Some(min), Some(max)) = (at("min"), at("max")) {
                    let (a, b) = (min.max(1) - 1, max.max(1) - 1);
                    self.facts.hidden_cols.push((a.min(b), a.max(b)));
                }
                None
            }
            "sheetData" => {
                self.in_data = !empty;
                self.data_seen = true;
                None
            }
            "row" => {
                if self.in_data {
                    self.check_ref(e, "r", RefKind::Row, row_ok);
                }
                let next = if self.rows_seen { self.row + 1 } else { 0 };
                self.rows_seen = true;
                self.row = attrs(e, "r")
                    .iter()
                    .map(|r| r.trim().parse::<u64>().unwrap_or(u64::MAX))
                    .max()
                    .map_or(next, |r| r.saturating_sub(1));
                self.col = None;
                if matches!(attr(e, "hidden").as_deref(), Some("1" | "true"))
                    && let Ok(r) = u32::try_from(self.row)
                {
                    self.facts.hidden.push((r, r));
                }
                None
            }
            "c" => {
                if self.in_data {
                    self.check_ref(e, "r", RefKind::Cell, cell_ok);
                }
                let (row, col) = farthest(e).unwrap_or((self.row, self.col.map_or(0, |c| c + 1)));
                if self.in_data {
                    if self.last_cell.is_some_and(|last| (row, col) <= last)
                        && self.facts.bad_ref.is_none()
                        && let (Ok(r), Ok(c)) = (u32::try_from(row), u32::try_from(col))
                    {
                        let at = crate::diagnostic::a1(r, c);
                        self.facts.bad_ref = Some(BadRef::new(RefKind::Order, at.as_bytes(), None));
                    }
                    self.last_cell = Some((row, col));
                }
                self.row = row;
                self.col = Some(col);
                self.in_cell = !empty;
                self.shared_cell = !empty && attr(e, "t").is_some_and(|t| t == "s");
                // A self-closing cell has no value: it is formatting only and not in the grid.
                if empty {
                    return None;
                }
                self.valued(row, col);
                if beyond(row, col, limits) {
                    return Some(Over::Cell(row, col));
                }
                if let (Some(s), Ok(r), Ok(c)) =
                    (number_style(e), u32::try_from(row), u32::try_from(col))
                {
                    self.facts.styled.push((r, c, s));
                }
                let cells = self.cells();
                (cells > limits.max_cells).then_some(Over::Count("cells", cells))
            }
            // styles.xml: which cell styles show a number as a percentage.
            "numFmt" => {
                if let (Some(id), Some(code)) = (attr(e, "numFmtId"), attr(e, "formatCode"))
                    && code.contains('%')
                    && let Ok(id) = id.trim().parse()
                {
                    self.percent_formats.push(id);
                }
                None
            }
            "cellXfs" => {
                self.next_xf = (!empty).then_some(0);
                None
            }
            "xf" => {
                if let Some(i) = self.next_xf {
                    let id = attr(e, "numFmtId").and_then(|v| v.trim().parse::<u32>().ok());
                    if id.is_some_and(|id| {
                        PERCENT_FORMATS.contains(&id) || self.percent_formats.contains(&id)
                    }) {
                        self.facts.percent_styles.push(i);
                    }
                    self.next_xf = Some(i + 1);
                }
                None
            }
            "mergeCells" => {
                let n = count_attr(e, "count");
                (n > limits.max_merges).then_some(Over::Count("mergeCells count", n))
            }
            "mergeCell" => self.merge(e, limits),
            "sst" => {
                self.facts.shared.strings = Some(0);
                let n = count_attr(e, "uniqueCount").max(count_attr(e, "count"));
                (n > limits.max_cells).then_some(Over::Count("sst uniqueCount", n))
            }
            "si" => {
                if let Some(n) = &mut self.facts.shared.strings {
                    *n += 1;
                }
                None
            }
            "v" if self.in_cell && self.shared_cell => {
                self.index = Some((Vec::new(), true));
                // `<v/>`: no text and no end event; an empty index like `<v></v>`.
                if empty {
                    self.shared_index();
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

    fn text(&mut self, bytes: &[u8], raw: bool) {
        if let Some((text, plain)) = &mut self.index {
            *plain &= raw;
            let room = INDEX_CHARS.saturating_sub(text.len());
            text.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }

    fn end(&mut self, local: &str) {
        match local {
            "v" => self.shared_index(),
            "c" => {
                self.in_cell = false;
                self.shared_cell = false;
            }
            "cellXfs" => self.next_xf = None,
            "sheetData" => self.in_data = false,
            _ => {}
        }
    }
}

/// Zero-based (row, col) of an A1 reference such as `XFD1048576` or `$B$7`. Columns of any
/// length are read (a reader takes `AAAAA1` as a far column), saturating.
pub(super) fn parse_a1(r: &str) -> Option<(u64, u64)> {
    let (mut col, mut row) = (0u64, 0u64);
    let (mut letters, mut digits) = (0usize, 0usize);
    for b in r.bytes().filter(|&b| b != b'$') {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' if digits == 0 => {
                letters += 1;
                col = col
                    .saturating_mul(26)
                    .saturating_add(u64::from(b.to_ascii_uppercase() - b'A' + 1));
            }
            b'0'..=b'9' if letters > 0 => {
                digits += 1;
                row = row.saturating_mul(10).saturating_add(u64::from(b - b'0'));
            }
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    Some((row.checked_sub(1)?, col - 1))
}
