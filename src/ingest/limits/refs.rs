//! Cell references as the xlsx reader parses them: strictly (letters then digits, no `$`, no
//! space). A reference it cannot parse makes it refuse the whole sheet with English words, so
//! the inspection finds it first and says which one it is.

/// What kind of reference a sheet's XML gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// `<c r="C5">`.
    Cell,
    /// `<row r="5">`.
    Row,
    /// `<dimension ref="A1:L8">`.
    Dimension,
    /// A `<c>` at or before the cell written before it (Excel requires them in order, and
    /// repairs the file; the reader lets the later one win, with no word).
    Order,
}

/// A reference the reader cannot parse: its kind, its text and the row it was met in (zero
/// based, when known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadRef {
    pub(super) kind: RefKind,
    pub(super) text: String,
    pub(super) row: Option<u64>,
}

/// Longest text kept of a bad reference.
const SHOWN: usize = 40;

impl BadRef {
    pub(super) fn new(kind: RefKind, raw: &[u8], row: Option<u64>) -> BadRef {
        let text: String = String::from_utf8_lossy(raw).chars().take(SHOWN).collect();
        BadRef { kind, text, row }
    }
}

/// Whether the reader parses `r` as a position: optional letters then at least one digit, the
/// row at least 1; with `column`, the letters are required.
fn parses(r: &[u8], column: bool) -> bool {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &r[letters..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    // The reader accumulates the row in a wrapping u32: a row of zeros is no row.
    let row = digits.iter().fold(0u32, |n, d| {
        n.wrapping_mul(10).wrapping_add(u32::from(d - b'0'))
    });
    row != 0 && (!column || letters > 0)
}

/// `<c r>`: a cell reference.
pub(super) fn cell_ok(r: &[u8]) -> bool {
    parses(r, true)
}

/// `<row r>`: a row number (letters before it are ignored by the reader).
pub(super) fn row_ok(r: &[u8]) -> bool {
    parses(r, false)
}

/// `<dimension ref>`: one or two cell references.
pub(super) fn dimension_ok(r: &[u8]) -> bool {
    let parts: Vec<&[u8]> = r.split(|&b| b == b':').collect();
    parts.len() <= 2 && parts.iter().all(|p| cell_ok(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_as_the_reader_parses_them() {
        for ok in ["A1", "c107", "XFD1048576", "AAAAA1"] {
            assert!(cell_ok(ok.as_bytes()), "{ok}");
        }
        for bad in ["1A", "A-1", "A0", "$A$1", " A1", "A1 ", "", "A", "5"] {
            assert!(!cell_ok(bad.as_bytes()), "{bad}");
        }
        assert!(row_ok(b"5") && row_ok(b"A5"));
        assert!(!row_ok(b"5A") && !row_ok(b"") && !row_ok(b"0") && !row_ok(b" 5"));
        assert!(dimension_ok(b"A1:L8") && dimension_ok(b"A1"));
        assert!(!dimension_ok(b"A1:B2:C3") && !dimension_ok(b"") && !dimension_ok(b"A1:"));
    }
}
