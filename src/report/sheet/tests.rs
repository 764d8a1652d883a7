use super::labelled::LABELLED_FORMATS_CAP;
use super::*;

#[test]
fn widths_of_numbers_count_what_is_printed() {
    for n in [
        0.0,
        -0.0,
        0.7,
        -0.7,
        9.99,
        10.0,
        999.5,
        1000.0,
        12_345.678,
        -12_345.0,
        1e14,
        9.99e14,
        1e15,
        1.5e17,
        1e300,
        f64::MAX,
    ] {
        assert_eq!(
            whole_digits(n),
            format!("{:.0}", n.abs().trunc()).len(),
            "{n}"
        );
    }
    for i in [0, 7, -7, 10, 99, -100, 123_456, i64::MAX, i64::MIN] {
        assert_eq!(Cell::Int(i).width(), i.to_string().len(), "{i}");
    }
    // 12,345.68 and -1,000.00
    assert_eq!(Cell::Num(12_345.678).width(), 9);
    assert_eq!(Cell::Num(-1000.0).width(), 9);
}

#[test]
fn a_date_excel_cannot_hold_is_written_as_its_text() {
    use calamine::Reader;
    let far = chrono::NaiveDate::from_ymd_opt(14149, 4, 20).unwrap();
    let near = chrono::NaiveDate::from_ymd_opt(2026, 10, 26).unwrap();
    let spec = SheetSpec {
        name: "s".into(),
        title: "t".into(),
        headers: vec!["项目".into(), "到期日".into()],
        rows: vec![
            vec![text("甲"), Cell::Date(far)],
            vec![text("乙"), Cell::Date(near)],
        ],
        red: vec![false, false],
    };
    let bytes = book("t", "", near, vec![spec], "").unwrap();
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("s").unwrap();
    let dates: Vec<&calamine::Data> = range.rows().filter_map(|r| r.get(1)).collect();
    let n = dates.len();
    assert_eq!(dates[n - 2], &calamine::Data::String("+14149-04-20".into()));
    assert!(
        matches!(dates[n - 1], calamine::Data::DateTime(_)),
        "{dates:?}"
    );
}

#[test]
fn rows_are_as_high_as_their_longest_wrapped_cell() {
    let widths = [6, 12, 12];
    let cells = [Cell::Num(1234.5), text("一\n二\n三"), text("短")];
    assert_eq!(row_height(&cells, &widths), height(3));
    // 20 characters in 10 usable units: 4 lines.
    assert_eq!(row_height(&[text("字".repeat(20))], &[12]), height(4));
    assert_eq!(row_height(&[Cell::Int(1)], &[6]), height(1));
}

#[test]
fn long_headers_wrap_instead_of_widening_number_columns() {
    let spec = SheetSpec {
        name: "s".into(),
        title: "t".into(),
        headers: vec![
            grouped("投资（万元）", "年度计划投资（万元）"),
            "说明".into(),
        ],
        rows: vec![vec![Cell::Num(25_000.0), text("短\n较长的一行")]],
        red: vec![false],
    };
    let w = wants(&spec);
    // "25,000.00" is 9 wide, more than the wrapped header's 7.
    assert_eq!(
        w,
        vec![
            Want {
                width: 9,
                wraps: false
            },
            Want {
                width: 10,
                wraps: true
            }
        ]
    );
    assert_eq!(
        split_header(&spec.headers[0]),
        (Some("投资（万元）"), "年度计划投资（万元）")
    );
    assert_eq!(split_header("说明"), (None, "说明"));
}

#[test]
fn a_labelled_date_keeps_its_words_in_the_number_format_while_excel_can_hold_them() {
    let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
    let format = |c: Cell| match c {
        Cell::Labelled(l) => labelled_format(&l),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        format(labelled(d, "已销号（", "）")),
        "\"已销号（\"yyyy-mm-dd\"）\""
    );
    assert_eq!(format(marked_date(d, "暂定")), "yyyy-mm-dd\"（暂定）\"");
    // A quote in the words is escaped between quoted parts.
    assert_eq!(
        format(labelled(d, "", " 说\"好\"")),
        "yyyy-mm-dd\" 说\"\\\"\"好\"\\\"\"\""
    );
    // Too long for a number format, or with a line break: the text, as the report shows it.
    let long = "很".repeat(250);
    // A noncharacter (calamine reads `_xFFFF_` as U+FFFF) would make the styles XML unreadable.
    for after in [
        format!(" {long}"),
        " 第一行\n第二行".to_string(),
        " 已开工\u{FFFF}".to_string(),
    ] {
        match labelled(d, "", &after) {
            Cell::Text(t) => assert_eq!(t, format!("2026-10-20{after}")),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn dates_whose_words_would_shrink_the_print_below_8pt_are_their_text() {
    use calamine::Reader;
    let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap();
    let read = |note: &str, columns: usize| {
        let spec = SheetSpec {
            name: "s".into(),
            title: "t".into(),
            headers: (0..columns).map(|c| format!("反馈{c}")).collect(),
            rows: vec![(0..columns).map(|_| labelled(d, "", note)).collect()],
            red: vec![false],
        };
        let bytes = book("t", "", d, vec![spec], "").unwrap();
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("s").unwrap();
        range.rows().next_back().unwrap()[0].clone()
    };
    let text = |note: &str| calamine::Data::String(format!("2026-10-09{note}"));
    assert!(matches!(read(" 已开工", 8), calamine::Data::DateTime(_)));
    // As wide as a column is made: a date while the page holds its columns.
    let medium = " 已完成整改，经乡镇复核无误";
    let got = read(medium, 2);
    assert!(matches!(got, calamine::Data::DateTime(_)), "{got:?}");
    assert_eq!(read(medium, 8), text(medium));
    // Wider than any column: its text, which wraps.
    let long = " 已完成整改并经乡镇复核，现场照片已存档备查";
    assert_eq!(read(long, 2), text(long));
}

/// The cells of the sheets of `bytes`, by sheet name, and the count of number formats its
/// styles.xml declares.
fn read_back(bytes: Vec<u8>, sheet: &str) -> (Vec<Vec<calamine::Data>>, usize) {
    use calamine::Reader;
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let rows = range.rows().map(|r| r.to_vec()).collect();
    (rows, styles.matches("<numFmt ").count())
}

#[test]
fn a_workbook_holds_no_more_labelled_formats_than_excel_keeps() {
    let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap();
    // Two sheets of 100 distinct notes each, the first note again at the end of the second.
    let spec = |name: &str, from: usize| {
        let mut rows: Vec<Vec<Cell>> = (from..from + 100)
            .map(|i| vec![labelled(d, "", &format!(" 备注{i}")), text("项目")])
            .collect();
        rows.push(vec![labelled(d, "", " 备注0"), text("项目")]);
        SheetSpec {
            name: name.into(),
            title: "t".into(),
            headers: vec!["反馈".into(), "项目".into()],
            red: vec![false; rows.len()],
            rows,
        }
    };
    let specs = vec![spec("a", 0), spec("b", 100)];
    let mut capped = specs.clone();
    cap_formats(&mut capped);
    let cells: Vec<&Cell> = capped
        .iter()
        .flat_map(|s| s.rows.iter().flatten())
        .collect();
    let formats: std::collections::HashSet<String> = cells
        .iter()
        .filter_map(|c| match c {
            Cell::Labelled(l) => Some(labelled_format(l)),
            _ => None,
        })
        .collect();
    assert_eq!(formats.len(), LABELLED_FORMATS_CAP);
    // Sheet a: rows 0..100, then 备注0; sheet b: notes 100.. (the cap falls within it).
    let b = &capped[1].rows;
    let past = LABELLED_FORMATS_CAP - 100;
    assert!(b[..past].iter().all(|r| matches!(r[0], Cell::Labelled(_))));
    for r in &b[past..100] {
        assert!(
            matches!(&r[0], Cell::Text(t) if t.starts_with("2026-10-09 备注")),
            "{r:?}"
        );
    }
    // A note whose format is already there keeps its date cell.
    assert!(matches!(b[100][0], Cell::Labelled(_)));
    // The same inputs, the same cells.
    let mut again = specs.clone();
    cap_formats(&mut again);
    assert_eq!(format!("{again:?}"), format!("{capped:?}"));

    // Written: the formats the workbook declares stay within the cap (and the date format).
    let (rows, num_formats) = read_back(book("t", "", d, specs, "").unwrap(), "b");
    assert!(num_formats <= LABELLED_FORMATS_CAP + 1, "{num_formats}");
    let data: Vec<&calamine::Data> = rows.iter().rev().take(101).rev().map(|r| &r[0]).collect();
    assert!(matches!(data[past - 1], calamine::Data::DateTime(_)));
    let text = format!("2026-10-09 备注{}", 100 + past);
    assert_eq!(data[past], &calamine::Data::String(text));
    assert!(matches!(data[100], calamine::Data::DateTime(_)));
}

#[test]
fn only_the_columns_whose_words_overflow_the_page_become_text_and_only_when_that_fits() {
    use super::super::print_layout::{fit_lines, overflows};
    let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap();
    let medium = " 已完成整改，经乡镇复核无误";
    let sheet = |row: Vec<Cell>| SheetSpec {
        name: "s".into(),
        title: "t".into(),
        headers: (0..row.len()).map(|c| format!("列{c}")).collect(),
        rows: vec![row],
        red: vec![false],
    };
    let read = |spec: SheetSpec| {
        let (rows, _) = read_back(book("t", "", d, vec![spec], "").unwrap(), "s");
        rows.last().unwrap().clone()
    };
    // A provisional date beside notes that overflow the page: the notes become text, the
    // provisional date stays a date.
    let mut row = vec![marked_date(d, "暂定")];
    row.extend((0..8).map(|_| labelled(d, "", medium)));
    let got = read(sheet(row));
    assert!(matches!(got[0], calamine::Data::DateTime(_)), "{got:?}");
    assert_eq!(
        got[1],
        calamine::Data::String(format!("2026-10-09{medium}"))
    );
    // A sheet too wide even with its dates as text: they stay dates.
    let mut row: Vec<Cell> = (0..60).map(|_| text("很".repeat(20))).collect();
    row.push(labelled(d, "", medium));
    let spec = sheet(row);
    let as_text = {
        let mut s = spec.clone();
        s.rows[0][60] = text(format!("2026-10-09{medium}"));
        s
    };
    assert!(overflows(&fit_lines(&wants(&as_text), &longest(&as_text))));
    let got = read(spec);
    assert!(matches!(got[60], calamine::Data::DateTime(_)), "{got:?}");
}
