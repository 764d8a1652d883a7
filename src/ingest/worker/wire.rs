//! The bytes between the run and a reader worker: a request is a file's name, the limits and
//! its bytes; a response is its sheets or the diagnostic that refused it. Little-endian, length
//! prefixed; decoding checks every length, so a worker cut off mid-answer is a failure, not a
//! wrong grid.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::merged::Layout;
use crate::ingest::workbook::Sheet;
use calamine::{CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType};

/// A growing message.
#[derive(Default)]
pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(super) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
}

/// A message being read; every method is `None` past its end.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(super) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }
    pub(super) fn str(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
    fn opt(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            _ => Some(Some(self.str()?)),
        }
    }
}

const ERRORS: [CellErrorType; 8] = [
    CellErrorType::Div0,
    CellErrorType::NA,
    CellErrorType::Name,
    CellErrorType::Null,
    CellErrorType::Num,
    CellErrorType::Ref,
    CellErrorType::Value,
    CellErrorType::GettingData,
];

fn cell(w: &mut Writer, d: &Data) {
    match d {
        Data::Empty => w.u8(0),
        Data::Int(i) => {
            w.u8(1);
            w.u64(*i as u64);
        }
        Data::Float(f) => {
            w.u8(2);
            w.u64(f.to_bits());
        }
        Data::String(s) => {
            w.u8(3);
            w.str(s);
        }
        Data::Bool(b) => {
            w.u8(4);
            w.u8(u8::from(*b));
        }
        Data::DateTime(dt) => {
            w.u8(5);
            w.u64(dt.as_f64().to_bits());
            let kind = if dt.is_duration() {
                ExcelDateTimeType::TimeDelta
            } else {
                ExcelDateTimeType::DateTime
            };
            w.u8(u8::from(dt.is_duration()));
            // calamine has no getter for the epoch: compare with both.
            w.u8(u8::from(*dt == ExcelDateTime::new(dt.as_f64(), kind, true)));
        }
        Data::DateTimeIso(s) => {
            w.u8(6);
            w.str(s);
        }
        Data::DurationIso(s) => {
            w.u8(7);
            w.str(s);
        }
        Data::Error(e) => {
            w.u8(8);
            w.u8(ERRORS.iter().position(|x| x == e).unwrap_or(0) as u8);
        }
    }
}

fn read_cell(r: &mut Reader) -> Option<Data> {
    Some(match r.u8()? {
        0 => Data::Empty,
        1 => Data::Int(r.u64()? as i64),
        2 => Data::Float(f64::from_bits(r.u64()?)),
        3 => Data::String(r.str()?),
        4 => Data::Bool(r.u8()? != 0),
        5 => {
            let v = f64::from_bits(r.u64()?);
            let kind = match r.u8()? {
                0 => ExcelDateTimeType::DateTime,
                _ => ExcelDateTimeType::TimeDelta,
            };
            Data::DateTime(ExcelDateTime::new(v, kind, r.u8()? != 0))
        }
        6 => Data::DateTimeIso(r.str()?),
        7 => Data::DurationIso(r.str()?),
        8 => Data::Error(ERRORS.get(usize::from(r.u8()?))?.clone()),
        _ => return None,
    })
}

/// Writes the sheets of a workbook that was read.
pub(super) fn sheets(w: &mut Writer, sheets: &[Sheet]) {
    w.u8(0);
    w.u32(sheets.len() as u32);
    for s in sheets {
        w.str(&s.name);
        w.u8(u8::from(s.hidden));
        w.u32(s.origin.0);
        w.u32(s.origin.1);
        w.u64(s.rows.len() as u64);
        for row in &s.rows {
            w.u64(row.len() as u64);
            row.iter().for_each(|d| cell(w, d));
        }
        w.u64(s.formulas_without_value.len() as u64);
        for &(r, c) in &s.formulas_without_value {
            w.u64(r as u64);
            w.u64(c as u64);
        }
        w.u64(s.layout.merges.len() as u64);
        for m in &s.layout.merges {
            [m.start.0, m.start.1, m.end.0, m.end.1]
                .into_iter()
                .for_each(|v| w.u32(v));
        }
        for ranges in [&s.layout.hidden, &s.layout.hidden_cols] {
            w.u64(ranges.len() as u64);
            for &(a, b) in ranges {
                w.u32(a);
                w.u32(b);
            }
        }
    }
}

/// Writes the diagnostic that refused a workbook.
pub(super) fn refusal(w: &mut Writer, d: &Diagnostic) {
    w.u8(1);
    w.str(d.code.as_str());
    w.str(&d.location.file);
    w.opt(d.location.sheet.as_deref());
    w.opt(d.location.cell.as_deref());
    w.str(&d.message);
    w.opt(d.hint.as_deref());
}

/// Reads a response; `None` if it is cut off or malformed.
pub(super) fn response(r: &mut Reader) -> Option<Result<Vec<Sheet>, Diagnostic>> {
    match r.u8()? {
        0 => read_sheets(r).map(Ok),
        1 => read_refusal(r).map(Err),
        _ => None,
    }
}

/// Counts read from the message, never trusted for allocation beyond what is left of it.
fn count(r: &mut Reader) -> Option<usize> {
    let n = usize::try_from(r.u64()?).ok()?;
    (n <= r.0.len()).then_some(n)
}

fn read_sheets(r: &mut Reader) -> Option<Vec<Sheet>> {
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(r.0.len()));
    for _ in 0..n {
        let name = r.str()?;
        let hidden = r.u8()? != 0;
        let origin = (r.u32()?, r.u32()?);
        let n_rows = count(r)?;
        let mut rows = Vec::with_capacity(n_rows);
        for _ in 0..n_rows {
            let n_cells = count(r)?;
            let mut row = Vec::with_capacity(n_cells);
            for _ in 0..n_cells {
                row.push(read_cell(r)?);
            }
            rows.push(row);
        }
        let mut formulas_without_value = Vec::new();
        for _ in 0..count(r)? {
            formulas_without_value.push((r.u64()? as usize, r.u64()? as usize));
        }
        let mut layout = Layout::default();
        for _ in 0..count(r)? {
            let (a, b, c, d) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
            layout.merges.push(Dimensions::new((a, b), (c, d)));
        }
        for _ in 0..count(r)? {
            layout.hidden.push((r.u32()?, r.u32()?));
        }
        for _ in 0..count(r)? {
            layout.hidden_cols.push((r.u32()?, r.u32()?));
        }
        let mut sheet = Sheet {
            name,
            hidden,
            rows,
            origin,
            formulas_without_value,
            layout,
        };
        let width = sheet.width();
        sheet.layout.index(sheet.origin, sheet.rows.len(), width);
        out.push(sheet);
    }
    Some(out)
}

fn read_refusal(r: &mut Reader) -> Option<Diagnostic> {
    let code = r.str()?;
    let code = *Code::ALL.iter().find(|c| c.as_str() == code)?;
    let location = Location {
        file: r.str()?,
        sheet: r.opt()?,
        cell: r.opt()?,
    };
    let mut d = Diagnostic::new(code, location, r.str()?);
    d.hint = r.opt()?;
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_and_refusals_survive_the_trip() {
        let mut sheet = Sheet {
            name: "月报".into(),
            hidden: true,
            rows: vec![
                vec![Data::String("项目".into()), Data::Int(-3), Data::Float(1.5)],
                vec![
                    Data::Bool(true),
                    Data::DateTime(ExcelDateTime::new(
                        45000.5,
                        ExcelDateTimeType::DateTime,
                        true,
                    )),
                    Data::DateTimeIso("2026-05-10".into()),
                ],
                vec![Data::Error(CellErrorType::Ref), Data::Empty],
            ],
            origin: (2, 1),
            formulas_without_value: vec![(1, 2)],
            layout: Layout::default(),
        };
        sheet.layout.merges.push(Dimensions::new((3, 1), (4, 1)));
        sheet.layout.hidden.push((5, 5));
        sheet.layout.hidden_cols.push((2, 3));
        let mut w = Writer::default();
        sheets(&mut w, std::slice::from_ref(&sheet));
        let back = response(&mut Reader(&w.0)).unwrap().unwrap();
        assert_eq!(back[0].rows, sheet.rows);
        assert_eq!(back[0].origin, sheet.origin);
        assert_eq!(back[0].layout.merges, sheet.layout.merges);
        assert_eq!(back[0].layout.hidden_cols, sheet.layout.hidden_cols);
        assert_eq!(back[0].formulas_without_value, sheet.formulas_without_value);
        // Cut anywhere, it is a failure, never a shorter grid.
        for cut in 0..w.0.len() {
            assert!(response(&mut Reader(&w.0[..cut])).is_none(), "{cut}");
        }
        let d = Diagnostic::new(Code::TooLarge, Location::file("a.xls"), "过大").with_hint("删");
        let mut w = Writer::default();
        refusal(&mut w, &d);
        assert_eq!(response(&mut Reader(&w.0)).unwrap().unwrap_err(), d);
    }
}
