//! Workbook streams built here record by record, and the legacy fixture's.

use super::*;

fn limits() -> Limits {
    crate::rules::Rules::load(None).unwrap().vocab.limits
}

fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

const BOF: &[u8] = &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0];

fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(index.to_le_bytes());
    rec(0x00FD, &d)
}

fn dimensions(rows: (u32, u32), cols: (u16, u16)) -> Vec<u8> {
    let mut d = rows.0.to_le_bytes().to_vec();
    d.extend(rows.1.to_le_bytes());
    d.extend(cols.0.to_le_bytes());
    d.extend(cols.1.to_le_bytes());
    d.extend([0, 0]);
    rec(0x0200, &d)
}

/// An SST of the given (compressed) strings.
fn sst(strings: &[&str]) -> Vec<u8> {
    let mut d = (strings.len() as u32).to_le_bytes().repeat(2);
    for s in strings {
        d.extend((s.len() as u16).to_le_bytes());
        d.push(0);
        d.extend(s.as_bytes());
    }
    rec(0x00FC, &d)
}

/// Globals (BOF, `extra`, one BoundSheet8 per sheet, EOF), then the sheets' substreams, each
/// BOF + records + EOF.
fn workbook(extra: &[Vec<u8>], sheets: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let bound = |pos: u32| {
        let mut d = pos.to_le_bytes().to_vec();
        d.extend([0, 0, 1, 0, b'S']);
        rec(0x0085, &d)
    };
    let head_len = rec(0x0809, BOF).len()
        + extra.iter().map(Vec::len).sum::<usize>()
        + sheets.len() * bound(0).len()
        + 4;
    let subs: Vec<Vec<u8>> = sheets
        .iter()
        .map(|records| {
            let mut s = rec(0x0809, BOF);
            s.extend(records.concat());
            s.extend(rec(0x000A, &[]));
            s
        })
        .collect();
    let mut out = rec(0x0809, BOF);
    out.extend(extra.concat());
    let mut pos = head_len;
    for s in &subs {
        out.extend(bound(pos as u32));
        pos += s.len();
    }
    out.extend(rec(0x000A, &[]));
    out.extend(subs.concat());
    out
}

fn good() -> Vec<Vec<u8>> {
    vec![
        dimensions((0, 2), (0, 2)),
        label_sst(0, 0, 0),
        label_sst(1, 1, 1),
    ]
}

fn corrupt_in(stream: &[u8]) -> String {
    match check(stream, &limits()) {
        Err(Fault::Corrupt { detail, .. }) => detail,
        other => panic!("not refused as corrupt: {other:?}"),
    }
}

#[test]
fn a_good_workbook_passes() {
    let wb = workbook(&[sst(&["a", "b"])], &[good(), good()]);
    assert!(check(&wb, &limits()).is_ok());
}

#[test]
fn the_legacy_fixture_passes() {
    let file = include_bytes!("../../../tests/fixtures/legacy.xls");
    let stream = super::super::cfb::workbook_stream(file).unwrap();
    assert!(check(&stream, &limits()).is_ok());
}

#[test]
fn a_cell_at_row_and_column_65535_is_refused_with_its_position() {
    let wb = workbook(&[sst(&["a"])], &[vec![label_sst(65535, 65535, 0)]]);
    let over = Over::Cell(65535, 65535);
    let sheet = "S".to_string();
    assert_eq!(check(&wb, &limits()), Err(Fault::Over { sheet, over }));
}

#[test]
fn dimensions_that_underflow_are_refused() {
    let wb = workbook(&[], &[vec![dimensions((0xFFFF_FFF0, 2), (0, 1))]]);
    assert!(corrupt_in(&wb).contains("DIMENSIONS"));
    // First column after the last, both within 255: calamine's columns underflow.
    let wb = workbook(&[], &[vec![dimensions((0, 2), (5, 5))]]);
    assert!(corrupt_in(&wb).contains("underflow"));
}

#[test]
fn dimensions_of_a_full_sheet_cost_their_cells() {
    // 65,536 rows × 100 columns: inside the rows and columns, beyond the cells of a workbook.
    let wb = workbook(&[], &[vec![dimensions((0, 65536), (0, 100))]]);
    let Err(Fault::Over { over, .. }) = check(&wb, &limits()) else {
        panic!("passed")
    };
    assert_eq!(over, Over::Count("cells", 6_553_600));
    // 256 columns: beyond the columns, at the last declared cell.
    let wb = workbook(&[], &[vec![dimensions((0, 65536), (0, 256))]]);
    let Err(Fault::Over { over, .. }) = check(&wb, &limits()) else {
        panic!("passed")
    };
    assert_eq!(over, Over::Cell(65535, 255));
}

#[test]
fn the_cell_budget_spans_every_sheet() {
    let mut small = limits();
    small.max_cells = 7;
    // Each sheet's grid is 2 × 2 (DIMENSIONS and cells): two are 8.
    let wb = workbook(&[sst(&["a", "b"])], &[good(), good()]);
    let Err(Fault::Over { over, .. }) = check(&wb, &small) else {
        panic!("passed")
    };
    assert_eq!(over, Over::Count("cells", 8));
}

#[test]
fn mergecells_counting_more_than_its_record_is_refused() {
    let mut d = 60_000u16.to_le_bytes().to_vec();
    d.extend([0u8; 8]);
    let wb = workbook(&[], &[vec![rec(0x00E5, &d)]]);
    assert!(corrupt_in(&wb).contains("MERGECELLS count 60000"));
    let mut few = limits();
    few.max_merges = 1;
    let mut d = 2u16.to_le_bytes().to_vec();
    d.extend([0u8; 16]);
    let wb = workbook(&[], &[vec![rec(0x00E5, &d)]]);
    let Err(Fault::Over { over, .. }) = check(&wb, &few) else {
        panic!("passed")
    };
    assert_eq!(over, Over::Count("mergeCell", 2));
}

#[test]
fn an_sst_string_broken_across_an_empty_continue_is_refused() {
    // "abcd" declared, "ab" in the SST, the rest in an empty CONTINUE (calamine indexes [0]).
    let mut d = 1u32.to_le_bytes().repeat(2);
    d.extend([4, 0, 0, b'a', b'b']);
    let mut wb = rec(0x0809, BOF);
    wb.extend(rec(0x00FC, &d));
    wb.extend(rec(0x003C, &[]));
    wb.extend(rec(0x003C, &[]));
    assert!(corrupt_in(&wb).contains("empty CONTINUE"));
}

#[test]
fn an_sst_declaring_more_strings_than_cells_is_refused() {
    let mut d = u32::MAX.to_le_bytes().repeat(2);
    d.extend([1, 0, 0, b'a']);
    let wb = workbook(&[rec(0x00FC, &d)], &[]);
    let over = Over::Count("sst uniqueCount", u64::from(u32::MAX));
    let sheet = String::new();
    assert_eq!(check(&wb, &limits()), Err(Fault::Over { sheet, over }));
}

#[test]
fn a_mulrk_running_backwards_is_refused() {
    let d = [0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 4, 0];
    let wb = workbook(&[], &[vec![rec(0x00BD, &d)]]);
    assert!(corrupt_in(&wb).contains("MULRK"));
}

#[test]
fn sheets_past_the_stream_or_over_each_other_are_refused() {
    let mut wb = workbook(&[], &[good()]);
    let at = rec(0x0809, BOF).len() + 4;
    wb[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(corrupt_in(&wb).contains("past the stream"));
    // Ten sheets all at the globals' start: each would walk the whole stream again.
    let mut d = 0u32.to_le_bytes().to_vec();
    d.extend([0, 0, 1, 0, b'S']);
    let mut wb = rec(0x0809, BOF);
    for _ in 0..10 {
        wb.extend(rec(0x0085, &d));
    }
    wb.extend(rec(0x000A, &[]));
    assert!(corrupt_in(&wb).contains("overlap"));
}

#[test]
fn short_records_calamine_indexes_are_refused() {
    for typ in [0x0809u16, 0x0085, 0x0022, 0x0042, 0x002F, 0x0018] {
        let mut wb = rec(0x0809, BOF);
        wb.extend(rec(typ, &[1]));
        assert!(corrupt_in(&wb).contains("needs"), "{typ:#06x}");
    }
    // A defined name whose formula is said to be longer than the record.
    let mut d = vec![0u8; 15];
    d[4] = 200;
    let mut wb = rec(0x0809, BOF);
    wb.extend(rec(0x0018, &d));
    assert!(corrupt_in(&wb).contains("defined name"));
    // A formula cell whose tokens run past the record.
    let mut d = vec![0u8; 24];
    d[20] = 100;
    let wb = workbook(&[], &[vec![rec(0x0006, &d)]]);
    assert!(corrupt_in(&wb).contains("formula"));
}

#[test]
fn an_encrypted_workbook_is_left_to_the_reader() {
    let mut wb = rec(0x0809, BOF);
    wb.extend(rec(0x002F, &[1, 0, 0xFF, 0xFF]));
    wb.extend(rec(0x0085, &[1]));
    assert!(check(&wb, &limits()).is_ok());
}

/// XF record (BIFF8, 20 bytes) of number format `fmt`.
fn xf(fmt: u16) -> Vec<u8> {
    let mut d = 0u16.to_le_bytes().to_vec();
    d.extend(fmt.to_le_bytes());
    d.resize(20, 0);
    rec(0x00E0, &d)
}

/// FORMAT record (BIFF8) `id` with the format code `code` (compressed or UTF-16).
fn format(id: u16, code: &str, wide: bool) -> Vec<u8> {
    let mut d = id.to_le_bytes().to_vec();
    d.extend((code.chars().count() as u16).to_le_bytes());
    d.push(u8::from(wide));
    match wide {
        true => d.extend(code.encode_utf16().flat_map(u16::to_le_bytes)),
        false => d.extend(code.as_bytes()),
    }
    rec(0x041E, &d)
}

fn number(row: u16, col: u16, xf: u16) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(xf.to_le_bytes());
    d.extend(0.031f64.to_le_bytes());
    rec(0x0203, &d)
}

fn rk(row: u16, col: u16, xf: u16) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(xf.to_le_bytes());
    d.extend(0u32.to_le_bytes());
    rec(0x027E, &d)
}

fn mul_rk(row: u16, first: u16, xfs: &[u16]) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(first.to_le_bytes());
    for x in xfs {
        d.extend(x.to_le_bytes());
        d.extend(0u32.to_le_bytes());
    }
    d.extend((first + xfs.len() as u16 - 1).to_le_bytes());
    rec(0x00BD, &d)
}

/// The number cells whose XF shows a percentage: built-in 0% / 0.00% and custom formats with
/// `%` (here "0.0%", and one in UTF-16 with a CJK character whose low byte is 0x25, which is
/// no percent sign).
#[test]
fn number_cells_of_a_percentage_format_are_given_by_sheet() {
    let globals = [
        format(164, "0.0%", false),
        format(165, "0.0\u{4E25}", true),
        format(166, "0.00%", true),
        xf(0),
        xf(164),
        xf(10),
        xf(165),
        xf(166),
    ];
    let sheet = vec![
        number(1, 1, 1),
        rk(2, 1, 0),
        rk(2, 2, 3),
        mul_rk(3, 0, &[2, 0, 1, 4]),
    ];
    let percent = check(&workbook(&globals, &[sheet]), &limits()).unwrap();
    assert_eq!(
        percent.get("S").cloned().unwrap_or_default().percent,
        vec![(1, 1), (3, 0), (3, 2), (3, 3)]
    );
    // Without a percentage format nothing is kept.
    let plain = check(
        &workbook(&[xf(0), xf(2)], &[vec![number(1, 1, 1)]]),
        &limits(),
    );
    assert!(plain.unwrap().is_empty());
}

/// COLINFO: columns first..=last with bit 0 of its options set are hidden.
#[test]
fn hidden_columns_are_given_by_sheet() {
    let colinfo = |first: u16, last: u16, options: u16| {
        let mut d = first.to_le_bytes().to_vec();
        d.extend(last.to_le_bytes());
        d.extend(2560u16.to_le_bytes());
        d.extend(15u16.to_le_bytes());
        d.extend(options.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        rec(0x007D, &d)
    };
    let sheet = vec![colinfo(0, 4, 0), colinfo(5, 5, 1), colinfo(7, 9, 0x0201)];
    let facts = check(&workbook(&[], &[sheet]), &limits()).unwrap();
    assert_eq!(facts["S"].hidden_cols, vec![(5, 5), (7, 9)]);
}
