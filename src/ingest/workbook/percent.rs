//! Numbers a cell shows as a percentage (3.1% stored 0.031), read as shown: the cells an xlsx
//! or xls number format, or an ods cell type, says so of.

use calamine::Data;

/// A number shown as a percentage (0.031 shown `3.1%`) is read as it is shown: the text
/// `3.1%`, which a number field reads as 3.1 (percentage points, as typed) and an amount refuses.
pub(super) fn as_shown_in_percent(
    rows: &mut [Vec<Data>],
    origin: (u32, u32),
    percent: &[(u32, u32)],
) {
    for &(ar, ac) in percent {
        let (Some(gr), Some(gc)) = (ar.checked_sub(origin.0), ac.checked_sub(origin.1)) else {
            continue;
        };
        if let Some(cell) = rows
            .get_mut(gr as usize)
            .and_then(|r| r.get_mut(gc as usize))
        {
            show_in_percent(cell);
        }
    }
}

/// As [`as_shown_in_percent`], for ranges of cells (an ods cell repeated over rows and
/// columns), visiting only the cells the grid holds.
pub(super) fn as_shown_in_percent_ranges(
    rows: &mut [Vec<Data>],
    origin: (u32, u32),
    ranges: &[(u32, u32, u32, u32)],
) {
    for &(r0, r1, c0, c1) in ranges {
        let first = r0.saturating_sub(origin.0) as usize;
        let last = (r1.saturating_sub(origin.0) as usize).min(rows.len().saturating_sub(1));
        if r1 < origin.0 || c1 < origin.1 || first >= rows.len() {
            continue;
        }
        for row in &mut rows[first..=last] {
            let from = c0.saturating_sub(origin.1) as usize;
            let to = (c1.saturating_sub(origin.1) as usize).min(row.len().saturating_sub(1));
            if from >= row.len() {
                continue;
            }
            row[from..=to].iter_mut().for_each(show_in_percent);
        }
    }
}

fn show_in_percent(cell: &mut Data) {
    let x = match cell {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        _ => return,
    };
    // Ten decimals at most: 0.031 × 100 is 3.1000000000000005 in binary, 59.803 × 100 is
    // 5980.299999999999.
    let shown = format!("{:.10}", x * 100.0);
    let shown = shown.trim_end_matches('0').trim_end_matches('.');
    *cell = Data::String(format!("{shown}%"));
}
