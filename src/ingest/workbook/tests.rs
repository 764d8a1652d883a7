//! Unit tests of the parent module.
use super::*;
use crate::ingest::merged::Layout;
use calamine::Dimensions;

/// What was checked is what is read: a path that became a pipe or a device after the walk
/// is refused from its open handle, without waiting for a writer.
#[cfg(unix)]
#[test]
fn a_pipe_or_device_in_place_of_a_file_is_refused_not_read() {
    let limits = crate::rules::Rules::load(None).unwrap().vocab.limits;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("a.xlsx");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let d = read_bytes(&fifo, "a.xlsx", &limits).unwrap_err();
    assert_eq!(d.code, Code::UnknownFile);
    let zero = dir.path().join("b.xlsx");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let d = read_bytes(&zero, "b.xlsx", &limits).unwrap_err();
    assert_eq!(d.code, Code::UnknownFile);
}

#[test]
fn sniffs_content_not_extension() {
    assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
    assert_eq!(
        sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
        Kind::Ole
    );
    assert_eq!(sniff(b"  <html><body><table>"), Kind::Html);
    assert_eq!(sniff("序号,项目名称\n1,a".as_bytes()), Kind::Text);
    assert_eq!(sniff(&[0, 1, 2, 3, 0xff]), Kind::Unknown);
    // A CSV saved in GBK (Excel and WPS on Chinese Windows), and a UTF-8 one longer than the
    // sample, cut inside a character.
    let gbk = b"\xd0\xf2\xba\xc5,\xcf\xee\xc4\xbf\xc3\xfb\xb3\xc6\r\n1,a\r\n";
    assert_eq!(sniff(gbk), Kind::Text);
    let long = "项目名称,".repeat(60);
    assert_eq!(sniff(long.as_bytes()), Kind::Text);
    // Binary bytes are not text.
    assert_eq!(sniff(b"\x80\x81abc"), Kind::Unknown);
    assert_eq!(sniff(b"\x81\x20abc"), Kind::Unknown);
}

fn merged_sheet(merges: Vec<Dimensions>, hidden: Vec<(u32, u32)>) -> Sheet {
    let s = |t: &str| Data::String(t.into());
    let mut sheet = Sheet {
        name: "台账".into(),
        hidden: false,
        rows: vec![
            vec![s("项目"), s("单位")],
            vec![s("甲"), s("甲镇")],
            vec![s("乙"), Data::Empty],
            vec![s("丙"), Data::Empty],
        ],
        origin: (2, 1),
        formulas_without_value: Vec::new(),
        layout: Layout::default(),
    };
    sheet.layout.merges = merges;
    sheet.layout.hidden = hidden;
    sheet
        .layout
        .index(sheet.origin, sheet.rows.len(), sheet.width());
    sheet
}

#[test]
fn a_value_merged_down_fills_its_region_only() {
    let s = merged_sheet(vec![Dimensions::new((3, 2), (4, 2))], vec![(5, 5), (8, 9)]);
    assert_eq!(s.filled(2, 1, 1), &Data::String("甲镇".into()));
    assert_eq!(s.filled(3, 1, 1), &Data::Empty);
    // A region starting above the data (a header merged down) fills nothing.
    assert_eq!(s.filled(2, 1, 2), &Data::Empty);
    assert!(!s.hidden(2));
    assert!(s.hidden(3));
    assert!(!s.hidden(4));
}

#[test]
fn regions_across_a_row_or_far_outside_are_ignored() {
    let far = Dimensions::new((1_000_000, 0), (1_000_005, 16_000));
    let s = merged_sheet(vec![Dimensions::new((3, 1), (3, 2)), far], vec![]);
    assert_eq!(s.filled(2, 1, 1), &Data::Empty);
    assert_eq!(s.layout.down_at(1_000_001, 5), None);
}

/// An ods percentage cell repeated over rows and columns is read as shown in each cell the grid
/// holds; ranges beside or beyond the grid touch nothing.
#[test]
fn percentage_ranges_read_as_shown_within_the_grid() {
    let f = Data::Float;
    let mut rows = vec![
        vec![f(0.031), f(0.5), Data::String("x".into())],
        vec![f(59.803), f(1.0), Data::Empty],
    ];
    // The grid starts at row 2, col 1; ranges are absolute.
    let ranges = [
        (2, 3, 1, 1), // the first column, both rows
        (3, 9, 2, 3), // from row 3 on, the second column and one beyond
        (0, 1, 0, 5), // above the grid
        (2, 9, 9, 9), // right of the grid
        (9, 9, 1, 2), // below the grid
    ];
    as_shown_in_percent_ranges(&mut rows, (2, 1), &ranges);
    let s = |t: &str| Data::String(t.into());
    assert_eq!(
        rows,
        vec![
            vec![s("3.1%"), f(0.5), s("x")],
            vec![s("5980.3%"), s("100%"), Data::Empty],
        ]
    );
}
