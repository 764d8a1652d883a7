//! The BIFF records of an .xls Workbook stream, walked as calamine 0.38 walks them (the
//! workbook globals, then each sheet's substream from its BoundSheet8 offset), before it does.
//! Every count calamine trusts is checked against the record that carries it: DIMENSIONS (it
//! reserves rows × columns, and its sizes underflow when the first row or column lies after
//! the last), the row and column of every cell record (its grid spans all of them), MULRK's
//! column span, MERGECELLS' count against the record's length, the SST's strings against
//! their record and its CONTINUEs, a name's formula against its record. The cells of every
//! sheet's grid count against the workbook's `max_cells`, merged regions against
//! `max_merges`, both as for xlsx and ods. Walking is linear in the stream: the sheets'
//! substreams may not overlap.

use super::grid::{Over, beyond};
use crate::rules::Limits;

/// More CONTINUE records after one record than a 50 MB file holds at full size: calamine
/// takes them one by one from the front of a list, which costs the square of their number.
const MAX_CONTINUES: usize = 16_384;

/// Why the records are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fault {
    /// A record that calamine would panic on, or whose counts lie about it (in `sheet`, if
    /// inside one).
    Corrupt {
        sheet: Option<String>,
        detail: String,
    },
    /// A sheet asks for more than the limits.
    Over { sheet: String, over: Over },
    /// A LABELSST cell names a string past the SST's (calamine drops the cell, no word).
    MissingString {
        sheet: String,
        cell: (u32, u32),
        index: u64,
        strings: u64,
    },
}

fn corrupt(sheet: Option<&str>, detail: impl Into<String>) -> Fault {
    Fault::Corrupt {
        sheet: sheet.map(str::to_string),
        detail: detail.into(),
    }
}

/// One record with the CONTINUE records that follow it, as calamine's `RecordIter` gives it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

struct Records<'a> {
    stream: &'a [u8],
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.stream;
        if s.len() < 4 {
            return (!s.is_empty()).then(|| Err("record cut short".to_string()));
        }
        let (typ, len) = (u16_at(s, 0), u16_at(s, 2) as usize);
        if s.len() < len + 4 {
            return Some(Err(format!("record 0x{typ:04X} longer than the stream")));
        }
        let (data, mut rest) = (&s[4..len + 4], &s[len + 4..]);
        let mut cont = Vec::new();
        while rest.len() > 4 && u16_at(rest, 0) == 0x003C {
            let len = u16_at(rest, 2) as usize;
            if rest.len() < len + 4 {
                return Some(Err("CONTINUE longer than the stream".to_string()));
            }
            if cont.len() == MAX_CONTINUES {
                return Some(Err(format!("more than {MAX_CONTINUES} CONTINUE records")));
            }
            cont.push(&rest[4..len + 4]);
            rest = &rest[len + 4..];
        }
        self.stream = rest;
        Some(Ok(Record { typ, data, cont }))
    }
}

/// A record's data being read, moving on into its CONTINUEs as calamine does.
struct Reading<'a, 'r> {
    data: &'a [u8],
    cont: &'r [&'a [u8]],
}

impl Reading<'_, '_> {
    fn next_continue(&mut self) -> bool {
        match self.cont.split_first() {
            Some((first, rest)) => {
                (self.data, self.cont) = (first, rest);
                true
            }
            None => false,
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.data.len() < n {
            return Err(format!("string header needs {n} bytes"));
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Ok(head)
    }

    fn skip(&mut self, mut len: usize) -> Result<(), String> {
        while len > 0 {
            if self.data.is_empty() && !self.next_continue() {
                return Err("string runs past its CONTINUE records".to_string());
            }
            let l = len.min(self.data.len());
            self.data = &self.data[l..];
            len -= l;
        }
        Ok(())
    }

    /// `cch` characters, one or two bytes each, each CONTINUE starting with its own flag.
    fn characters(&mut self, mut cch: usize, mut wide: bool) -> Result<(), String> {
        while cch > 0 {
            let l = if wide {
                self.data.len() / 2
            } else {
                self.data.len()
            }
            .min(cch);
            self.data = &self.data[if wide { 2 * l } else { l }..];
            cch -= l;
            if cch > 0 {
                if !self.next_continue() {
                    return Err("string runs past its CONTINUE records".to_string());
                }
                let Some((&flag, rest)) = self.data.split_first() else {
                    return Err("empty CONTINUE inside a string".to_string());
                };
                (wide, self.data) = (flag & 1 != 0, rest);
            }
        }
        Ok(())
    }

    /// One `XLUnicodeRichExtendedString` of the SST.
    fn rich_string(&mut self) -> Result<(), String> {
        if self.data.is_empty() {
            return Ok(());
        }
        let head = self.take(3)?;
        let (cch, flags) = (u16_at(head, 0) as usize, head[2]);
        let runs = if flags & 8 != 0 {
            u16_at(self.take(2)?, 0) as usize
        } else {
            0
        };
        let ext = if flags & 4 != 0 {
            i32::from_le_bytes(self.take(4)?.try_into().unwrap_or_default()) as usize
        } else {
            0
        };
        self.characters(cch, flags & 1 != 0)?;
        self.skip(runs * 4)?;
        self.skip(ext)
    }
}

/// The shared strings: their number as calamine reads them (the declared counts are checked
/// against `max_cells`, as for xlsx).
fn sst(r: &Record, limits: &Limits) -> Result<usize, Fault> {
    if r.data.len() < 8 {
        return Err(corrupt(None, "SST shorter than its counts"));
    }
    let declared = u64::from(u32_at(r.data, 0).max(u32_at(r.data, 4)));
    if declared > limits.max_cells {
        let over = Over::Count("sst uniqueCount", declared);
        let sheet = String::new();
        return Err(Fault::Over { sheet, over });
    }
    let mut reading = Reading {
        data: &r.data[8..],
        cont: &r.cont,
    };
    let mut n = 0;
    while !reading.data.is_empty() || reading.next_continue() {
        reading
            .rich_string()
            .map_err(|e| corrupt(None, format!("SST string {n}: {e}")))?;
        n += 1;
    }
    Ok(n)
}

fn need(r: &Record, n: usize, sheet: Option<&str>) -> Result<(), Fault> {
    if r.data.len() < n {
        let detail = format!(
            "record 0x{:04X} has {} bytes, needs {n}",
            r.typ,
            r.data.len()
        );
        return Err(corrupt(sheet, detail));
    }
    Ok(())
}

/// A defined name (Lbl): its string and formula must lie inside the record.
fn lbl(r: &Record, biff8: bool) -> Result<(), Fault> {
    need(r, 14, None)?;
    let (cch, cce) = (r.data[3] as usize, u16_at(r.data, 4) as usize);
    if biff8 {
        let wide = r.data.get(14).is_some_and(|f| f & 1 != 0);
        let bytes = 1 + if wide { 2 * cch } else { cch };
        if r.data.len() < 14 + bytes {
            return Err(corrupt(None, "defined name longer than its record"));
        }
    }
    let Some(rgce) = r.data.len().checked_sub(cce).map(|at| &r.data[at..]) else {
        return Err(corrupt(
            None,
            "defined name's formula longer than its record",
        ));
    };
    let needs = match rgce.first() {
        Some(0x3a | 0x5a | 0x7a) => [7, 18],
        Some(0x3b | 0x5b | 0x7b) => [11, 21],
        Some(0x3c | 0x5c | 0x7c | 0x3d | 0x5d | 0x7d) => [3, 13],
        _ => [0, 0],
    };
    if rgce.len() < needs[usize::from(!biff8)] {
        return Err(corrupt(None, "defined name's reference cut short"));
    }
    Ok(())
}

/// A sheet's name from its BoundSheet8 record (for the diagnostic only: BIFF8 names exactly,
/// older ones as GBK).
fn sheet_name(r: &Record, biff8: bool) -> String {
    let (cch, rest) = match r.data.get(6..) {
        Some([cch, rest @ ..]) => (*cch as usize, rest),
        _ => return String::new(),
    };
    let name = match rest.split_first() {
        Some((flag, s)) if biff8 && flag & 1 != 0 => {
            let units: Vec<u16> = s
                .chunks_exact(2)
                .take(cch)
                .map(|u| u16::from_le_bytes([u[0], u[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Some((_, s)) if biff8 => s.iter().take(cch).map(|&b| char::from(b)).collect(),
        _ => encoding_rs::GBK
            .decode(&rest[..cch.min(rest.len())])
            .0
            .into_owned(),
    };
    name.replace('\0', "")
}

/// What the walk saw of a sheet that calamine does not give.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct XlsSheetFacts {
    /// Number cells shown as a percentage (3.1% stored 0.031): absolute (row, col).
    pub(crate) percent: Vec<(u32, u32)>,
    /// Hidden columns (COLINFO), inclusive ranges.
    pub(crate) hidden_cols: Vec<(u32, u32)>,
}

/// [`XlsSheetFacts`] by sheet name.
pub(crate) type XlsFacts = std::collections::BTreeMap<String, XlsSheetFacts>;

/// Built-in number formats showing a percentage (`0%`, `0.00%`), as in xlsx.
const PERCENT_FORMATS: [u16; 2] = [9, 10];

/// Whether a FORMAT record (BIFF8: XLUnicodeString; BIFF5: byte string) shows a percentage;
/// gives its format index.
fn percent_format(d: &[u8], biff8: bool) -> Option<u16> {
    let id = u16_at(d.get(..2)?, 0);
    let has_percent = if biff8 {
        let cch = usize::from(u16_at(d.get(2..4)?, 0));
        let flags = *d.get(4)?;
        let mut at = 5;
        if flags & 0x08 != 0 {
            at += 2;
        }
        if flags & 0x04 != 0 {
            at += 4;
        }
        if flags & 0x01 != 0 {
            let chars = d.get(at..)?;
            chars
                .chunks_exact(2)
                .take(cch)
                .any(|c| u16::from_le_bytes([c[0], c[1]]) == u16::from(b'%'))
        } else {
            d.get(at..)?.iter().take(cch).any(|&b| b == b'%')
        }
    } else {
        let cch = usize::from(*d.get(2)?);
        d.get(3..)?.iter().take(cch).any(|&b| b == b'%')
    };
    has_percent.then_some(id)
}

/// Checks the Workbook `stream` as calamine will read it, against `limits`; gives the number
/// cells of each sheet shown as a percentage.
pub(super) fn check(stream: &[u8], limits: &Limits) -> Result<XlsFacts, Fault> {
    let mut biff8 = true;
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut strings = 0usize;
    let mut percent_formats: Vec<u16> = PERCENT_FORMATS.to_vec();
    // The format of each XF record, in order (a cell names its XF by that order).
    let mut xf_formats: Vec<u16> = Vec::new();
    for record in (Records { stream }) {
        let r = record.map_err(|e| corrupt(None, e))?;
        match r.typ {
            // FilePass: the rest is encrypted; calamine says so.
            0x002F => {
                need(&r, 2, None)?;
                if u16_at(r.data, 0) != 0 {
                    return Ok(XlsFacts::new());
                }
            }
            0x041E => percent_formats.extend(percent_format(r.data, biff8)),
            0x00E0 => xf_formats.push(r.data.get(2..4).map_or(0, |b| u16_at(b, 0))),
            0x0042 | 0x0022 => need(&r, 2, None)?,
            0x0085 => {
                need(&r, 6, None)?;
                sheets.push((u32_at(r.data, 0) as usize, sheet_name(&r, biff8)));
            }
            0x0809 => {
                need(&r, 2, None)?;
                let dt = if r.data.len() >= 4 {
                    u16_at(r.data, 2)
                } else {
                    0
                };
                biff8 = match u16_at(r.data, 0) {
                    0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
                    0 => dt != 0x1000,
                    _ => true,
                };
            }
            0x0018 => lbl(&r, biff8)?,
            0x0017 if biff8 => need(&r, 2, None)?,
            0x00FC => strings = sst(&r, limits)?,
            0x000A => break,
            _ => {}
        }
    }
    let percent_xf: std::collections::HashSet<u16> = xf_formats
        .iter()
        .enumerate()
        .filter(|(_, f)| percent_formats.contains(f))
        .filter_map(|(i, _)| u16::try_from(i).ok())
        .collect();
    let mut percent = XlsFacts::new();
    let mut budget = Budget::default();
    let mut walked = 0usize;
    for (pos, name) in sheets {
        let Some(sub) = stream.get(pos..) else {
            let detail = format!("sheet starts at {pos}, past the stream's {}", stream.len());
            return Err(corrupt(Some(&name), detail));
        };
        let mut sheet = Sheet {
            name: &name,
            limits,
            biff8,
            strings,
            dims: 0,
            values: None,
            formulas: None,
            percent_xf: &percent_xf,
            facts: XlsSheetFacts::default(),
        };
        walked += sheet.walk(sub, &mut budget)?;
        if walked > stream.len() {
            return Err(corrupt(Some(&name), "sheets overlap in the stream"));
        }
        budget.add(&sheet)?;
        if sheet.facts != XlsSheetFacts::default() {
            let f = std::mem::take(&mut sheet.facts);
            let kept = percent.entry(name.clone()).or_default();
            kept.percent.extend(f.percent);
            kept.hidden_cols.extend(f.hidden_cols);
        }
    }
    Ok(percent)
}

/// What the workbook's sheets cost together so far.
#[derive(Default)]
struct Budget {
    cells: u64,
    merges: u64,
}

impl Budget {
    fn add(&mut self, sheet: &Sheet) -> Result<(), Fault> {
        let area = |span: Option<((u32, u32), (u32, u32))>| {
            span.map_or(0, |((r0, c0), (r1, c1))| {
                u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
            })
        };
        let cost = sheet.dims.max(area(sheet.values)).max(area(sheet.formulas));
        self.cells = self.cells.saturating_add(cost);
        if self.cells > sheet.limits.max_cells {
            return Err(sheet.over(Over::Count("cells", self.cells)));
        }
        Ok(())
    }
}

#[path = "biff_formula.rs"]
mod formula;
#[path = "biff_sheet.rs"]
mod sheet;
use sheet::Sheet;

#[cfg(test)]
#[path = "biff_tests.rs"]
mod tests;
