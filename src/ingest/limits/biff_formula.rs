//! The tokens of a cell formula (FORMULA's `CellParsedFormula`), walked for their lengths as
//! calamine's formula parser slices them: each token's operands must lie inside the formula,
//! else calamine panics. A token calamine does not know ends the walk (calamine then keeps the
//! cell with an "unrecognised formula" and reads on). The parser's own string building is not
//! mirrored; what it could still do wrong is left to the reader worker.

/// Checks the formula `rgce` (its `cce` length first) of a BIFF8 (or older) sheet.
pub(super) fn check(rgce: &[u8], biff8: bool) -> Result<(), String> {
    if rgce.len() < 2 {
        return Err("formula cut short".to_string());
    }
    let cce = usize::from(u16::from_le_bytes([rgce[0], rgce[1]]));
    let Some(mut body) = rgce.get(2..2 + cce) else {
        return Err(format!("formula of {cce} bytes longer than its record"));
    };
    let (small, large) = if biff8 { (4, 8) } else { (3, 6) };
    while let Some((&ptg, rest)) = body.split_first() {
        body = rest;
        let need = match ptg {
            0x3a | 0x5a | 0x7a | 0x3c | 0x5c | 0x7c | 0x39 | 0x59 => 6,
            0x3b | 0x5b | 0x7b | 0x3d | 0x5d | 0x7d => 10,
            0x01 if body.len() < 4 => return Ok(()),
            0x01 | 0x23 | 0x43 | 0x63 => 4,
            0x03..=0x16 => 0,
            0x17 => match string_len(body, biff8) {
                Some(n) => n,
                None => return Ok(()),
            },
            0x18 => 5,
            0x19 => attr_len(body)?,
            0x1C | 0x1D => 1,
            0x1E | 0x21 | 0x41 | 0x61 => 2,
            0x1F => 8,
            0x20 | 0x40 | 0x60 => 7,
            0x22 | 0x42 | 0x62 => 3,
            0x24 | 0x44 | 0x64 | 0x2A | 0x4A | 0x6A => small,
            0x25 | 0x45 | 0x65 | 0x2B | 0x4B | 0x6B => large,
            _ => return Ok(()),
        };
        if body.len() < need {
            return Err(format!(
                "formula token 0x{ptg:02X} needs {need} bytes, has {}",
                body.len()
            ));
        }
        if matches!(ptg, 0x23 | 0x43 | 0x63) && body[..4] == [0, 0, 0, 0] {
            return Err("formula names defined name 0 (one-based)".to_string());
        }
        body = &body[need..];
    }
    Ok(())
}

/// Bytes of a PtgStr's operand after the token, if calamine reads it (it errs if cut short).
fn string_len(body: &[u8], biff8: bool) -> Option<usize> {
    let cch = usize::from(*body.first()?);
    let n = match (biff8, body.get(1)) {
        (false, _) => 1 + cch,
        (true, Some(flags)) if flags & 1 != 0 => 2 + 2 * cch,
        (true, Some(_)) => 2 + cch,
        (true, None) => return None,
    };
    (n <= body.len()).then_some(n)
}

/// Bytes of a PtgAttr's operand after the token: its type byte and what that type carries.
fn attr_len(body: &[u8]) -> Result<usize, String> {
    let short = || "formula attribute cut short".to_string();
    let etpg = *body.first().ok_or_else(short)?;
    Ok(match etpg {
        0x01 | 0x02 | 0x08 | 0x20 | 0x21 | 0x10 | 0x40 | 0x41 => 3,
        0x04 => {
            let n = body.get(1..3).ok_or_else(short)?;
            3 + 2 * (usize::from(u16::from_le_bytes([n[0], n[1]])) + 1)
        }
        // Unknown: calamine errs and keeps the cell; nothing after it is read.
        _ => body.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::check;

    fn f(tokens: &[u8]) -> Vec<u8> {
        let mut v = (tokens.len() as u16).to_le_bytes().to_vec();
        v.extend(tokens);
        v
    }

    #[test]
    fn whole_tokens_pass() {
        // =A1+1: PtgRef (4 bytes), PtgInt (2), PtgAdd.
        assert_eq!(
            check(&f(&[0x24, 0, 0, 0, 0xC0, 0x1E, 1, 0, 0x03]), true),
            Ok(())
        );
        // ="ab" as a BIFF8 string, then an unknown token: the walk ends there.
        assert_eq!(check(&f(&[0x17, 2, 0, b'a', b'b', 0xFF, 1]), true), Ok(()));
        // A SUM attribute.
        assert_eq!(check(&f(&[0x19, 0x10, 0, 0]), true), Ok(()));
    }

    #[test]
    fn tokens_past_the_formula_are_refused() {
        assert!(check(&[5, 0, 1], true).is_err(), "cce past the record");
        assert!(check(&[1], true).is_err());
        assert!(check(&f(&[0x24, 0, 0]), true).is_err(), "PtgRef cut short");
        assert!(
            check(&f(&[0x25, 0, 0, 0, 0, 0, 0]), true).is_err(),
            "PtgArea"
        );
        assert!(
            check(&f(&[0x19]), true).is_err(),
            "PtgAttr without its type"
        );
        assert!(
            check(&f(&[0x19, 0x04, 9, 0, 0, 0]), true).is_err(),
            "CHOOSE jumps"
        );
        assert!(check(&f(&[0x1F, 0, 0]), true).is_err(), "PtgNum");
        assert!(check(&f(&[0x23, 0, 0, 0, 0]), true).is_err(), "name 0");
        // The same PtgRef is whole in BIFF5 (3 bytes).
        assert_eq!(check(&f(&[0x24, 0, 0, 0]), false), Ok(()));
    }
}
