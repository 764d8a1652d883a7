//! Whether a file's first bytes are text (a CSV or TXT under a spreadsheet's name).

/// Text (a CSV or TXT saved under a spreadsheet's name): no control bytes but tab and line
/// breaks, and UTF-8 (its last character may be cut by the sample's end), or a CSV in GBK, in
/// which Excel and WPS on Chinese Windows save it (with a comma or tab; a PDF's first line of
/// high bytes would pass for GBK).
pub(super) fn looks_like_text(head: &[u8]) -> bool {
    let control = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1A) || b == 0x7F;
    if head.is_empty() || head.iter().any(|&b| control(b)) {
        return false;
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let separated = head.iter().any(|&b| b == b',' || b == b'\t');
    utf8 || (gbk(head) && separated && !head.starts_with(b"%PDF"))
}

/// Every byte above ASCII is a GBK pair: a lead 0x81–0xFE and a trail 0x40–0xFE but 0x7F (the
/// last lead may have lost its trail at the sample's end).
fn gbk(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x00..=0x7F => i += 1,
            0x81..=0xFE => match bytes.get(i + 1) {
                None => return true,
                Some(0x40..=0x7E | 0x80..=0xFE) => i += 2,
                Some(_) => return false,
            },
            _ => return false,
        }
    }
    true
}
