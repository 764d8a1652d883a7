//! One sheet's substream of BIFF records, walked as calamine walks it: from its BOF to its
//! EOF, charts and other nested substreams skipped, every cell record's position and every
//! count checked.

use super::{Budget, Fault, Over, Record, Records, beyond, corrupt, need, u16_at, u32_at};
use crate::rules::Limits;

/// First and last (row, col) of the cells seen.
type Span = Option<((u32, u32), (u32, u32))>;

pub(super) struct Sheet<'a> {
    pub(super) name: &'a str,
    pub(super) limits: &'a Limits,
    pub(super) biff8: bool,
    /// Strings of the SST (a LABELSST past them is a broken file).
    pub(super) strings: usize,
    /// Cells DIMENSIONS makes calamine reserve.
    pub(super) dims: u64,
    /// Span of the value grid and of the formula grid.
    pub(super) values: Span,
    pub(super) formulas: Span,
    /// The XF records whose format shows a percentage.
    pub(super) percent_xf: &'a std::collections::HashSet<u16>,
    /// The number cells using one, and the hidden columns.
    pub(super) facts: super::XlsSheetFacts,
}

fn widen(span: &mut Span, at: (u32, u32)) {
    let ((r0, c0), (r1, c1)) = span.unwrap_or((at, at));
    *span = Some(((r0.min(at.0), c0.min(at.1)), (r1.max(at.0), c1.max(at.1))));
}

impl Sheet<'_> {
    pub(super) fn over(&self, over: Over) -> Fault {
        Fault::Over {
            sheet: self.name.to_string(),
            over,
        }
    }

    fn corrupt(&self, detail: impl Into<String>) -> Fault {
        corrupt(Some(self.name), detail)
    }

    /// A cell (value or formula) at `(row, col)`: inside the limits, and a BIFF8 column.
    fn cell(&mut self, row: u16, col: u16, formula: bool) -> Result<(), Fault> {
        let (row, col) = (u32::from(row), u32::from(col));
        if beyond(row.into(), col.into(), self.limits) {
            return Err(self.over(Over::Cell(row.into(), col.into())));
        }
        if self.biff8 && col > 255 {
            return Err(self.corrupt(format!("cell in column {col}, past BIFF8's 255")));
        }
        widen(&mut self.values, (row, col));
        if formula {
            widen(&mut self.formulas, (row, col));
        }
        Ok(())
    }

    /// Walks the substream `sub` to its EOF; returns the bytes walked.
    pub(super) fn walk(&mut self, sub: &[u8], budget: &mut Budget) -> Result<usize, Fault> {
        let mut records = Records { stream: sub };
        let mut formula_at = (0u16, 0u16);
        let (mut seen_bof, mut depth) = (false, 0usize);
        for record in records.by_ref() {
            let r = record.map_err(|e| self.corrupt(e))?;
            if depth > 0 {
                match r.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match r.typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 => self.dimensions(r.data)?,
                0x0203 => {
                    self.at(&r, 14, false)?;
                    self.styled(r.data, 0);
                }
                0x0204 | 0x00D6 => {
                    self.at(&r, 6, false)?;
                    self.string(&r.data[6..])?;
                }
                0x0205 => {
                    self.at(&r, 8, false)?;
                    bool_err(r.data).map_err(|e| self.corrupt(e))?;
                }
                0x0207 => {
                    self.string(r.data)?;
                    self.cell(formula_at.0, formula_at.1, false)?;
                }
                0x027E => {
                    self.at(&r, 10, false)?;
                    self.styled(r.data, 0);
                }
                0x00FD => {
                    need(&r, 10, Some(self.name))?;
                    let index = u32_at(r.data, 6);
                    if index as usize >= self.strings {
                        return Err(Fault::MissingString {
                            sheet: self.name.to_string(),
                            cell: (u16_at(r.data, 0).into(), u16_at(r.data, 2).into()),
                            index: index.into(),
                            strings: self.strings as u64,
                        });
                    }
                    self.at(&r, 10, false)?;
                }
                0x00BD => self.mul_rk(&r)?,
                // COLINFO: columns first..=last, hidden if bit 0 of its options.
                0x007D if r.data.len() >= 10 && u16_at(r.data, 8) & 1 == 1 => {
                    let (a, b) = (u16_at(r.data, 0), u16_at(r.data, 2));
                    self.facts
                        .hidden_cols
                        .push((a.min(b).into(), a.max(b).into()));
                }
                0x00E5 => self.merge_cells(&r, budget)?,
                0x0006 => {
                    self.at(&r, 20, true)?;
                    self.styled(r.data, 0);
                    formula_at = (u16_at(r.data, 0), u16_at(r.data, 2));
                    super::formula::check(&r.data[20..], self.biff8)
                        .map_err(|e| self.corrupt(e))?;
                }
                0x000A => break,
                _ => {}
            }
        }
        Ok(sub.len() - records.stream.len())
    }

    /// A number cell whose record holds (row, col, XF) at `at`: kept if its XF shows a
    /// percentage (the record's length is checked by the caller).
    fn styled(&mut self, d: &[u8], at: usize) {
        let xf = u16_at(d, at + 4);
        if self.percent_xf.contains(&xf) {
            let (row, col) = (u16_at(d, at), u16_at(d, at + 2));
            self.facts.percent.push((row.into(), col.into()));
        }
    }

    /// The cell a record of at least `len` bytes names in its first four.
    fn at(&mut self, r: &Record, len: usize, formula: bool) -> Result<(), Fault> {
        need(r, len, Some(self.name))?;
        self.cell(u16_at(r.data, 0), u16_at(r.data, 2), formula)
    }

    /// An `XLUnicodeString` (calamine errs if it is cut short).
    fn string(&self, s: &[u8]) -> Result<(), Fault> {
        let expected = if self.biff8 { 3 } else { 2 };
        if s.len() < expected && !(s.len() == 2 && u16_at(s, 0) == 0) {
            return Err(self.corrupt("string cut short"));
        }
        Ok(())
    }

    /// DIMENSIONS as calamine reads it: rows × columns it reserves, neither underflowing.
    fn dimensions(&mut self, d: &[u8]) -> Result<(), Fault> {
        let (rf, rl, mut cf, cl) = match d.len() {
            10 => (
                u32::from(u16_at(d, 0)),
                u32::from(u16_at(d, 2)),
                u32::from(u16_at(d, 4)),
                u32::from(u16_at(d, 6)),
            ),
            14 | 16 => (
                u32_at(d, 0),
                u32_at(d, 4),
                u32::from(u16_at(d, 8)),
                u32::from(u16_at(d, 10)),
            ),
            n => return Err(self.corrupt(format!("DIMENSIONS of {n} bytes"))),
        };
        if cf > 0xFF || cl < cf {
            cf = 0;
        }
        let (first, last) = if rl >= 1 && cl >= 1 {
            ((rf, cf), (rl - 1, cl - 1))
        } else {
            ((rf, cf), (rf, cf))
        };
        if last.0 < first.0 || last.1 < first.1 {
            let detail = format!("DIMENSIONS rows {rf}..{rl}, columns {cf}..{cl} underflow");
            return Err(self.corrupt(detail));
        }
        if beyond(last.0.into(), last.1.into(), self.limits) {
            return Err(self.over(Over::Cell(last.0.into(), last.1.into())));
        }
        let area = u64::from(last.0 - first.0 + 1) * u64::from(last.1 - first.1 + 1);
        self.dims = self.dims.max(area);
        Ok(())
    }

    /// MULRK: a row and a column span, six bytes a cell.
    fn mul_rk(&mut self, r: &Record) -> Result<(), Fault> {
        need(r, 6, Some(self.name))?;
        let d = r.data;
        let (row, first, last) = (u16_at(d, 0), u16_at(d, 2), u16_at(d, d.len() - 2));
        let Some(n) = last.checked_sub(first).and_then(|n| n.checked_add(1)) else {
            return Err(self.corrupt(format!("MULRK columns {first}..{last}")));
        };
        if d.len() != 6 + 6 * usize::from(n) {
            return Err(self.corrupt("MULRK length does not match its columns"));
        }
        self.cell(row, first, false)?;
        self.cell(row, last, false)?;
        if !self.percent_xf.is_empty() {
            for (i, col) in (first..=last).enumerate() {
                if self.percent_xf.contains(&u16_at(d, 4 + 6 * i)) {
                    self.facts.percent.push((row.into(), col.into()));
                }
            }
        }
        Ok(())
    }

    /// MERGECELLS: its count of eight-byte regions must fit the record; the workbook's
    /// regions together within `max_merges`.
    fn merge_cells(&mut self, r: &Record, budget: &mut Budget) -> Result<(), Fault> {
        need(r, 2, Some(self.name))?;
        let count = usize::from(u16_at(r.data, 0));
        if 2 + 8 * count > r.data.len() {
            let detail = format!(
                "MERGECELLS count {count} needs {} bytes, the record has {}",
                2 + 8 * count,
                r.data.len()
            );
            return Err(self.corrupt(detail));
        }
        budget.merges += count as u64;
        if budget.merges > self.limits.max_merges {
            return Err(self.over(Over::Count("mergeCell", budget.merges)));
        }
        Ok(())
    }
}

/// BOOLERR: a bool or one of the known error codes (else calamine errs).
fn bool_err(d: &[u8]) -> Result<(), String> {
    match (d[7], d[6]) {
        (0, _) | (1, 0x00 | 0x07 | 0x0F | 0x17 | 0x1D | 0x24 | 0x2A | 0x2B) => Ok(()),
        _ => Err(format!("BOOLERR value {:#04x}/{:#04x}", d[7], d[6])),
    }
}
