//! Unit tests of unpacking an uploaded zip: names, limits and what is refused.

use super::*;

#[test]
fn names_are_utf8_then_gbk_then_cp437() {
    assert_eq!(
        decode_name("月报/东湖镇.xlsx".as_bytes(), false, || None),
        "月报/东湖镇.xlsx"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode("月报/东湖镇.xlsx");
    assert_eq!(decode_name(&gbk, false, || None), "月报/东湖镇.xlsx");
    // Not GB18030 either (0x80 alone, then a lone lead byte at the end): the fallback.
    assert_eq!(
        decode_name(b"\x80\x81", false, || Some("cp437".into())),
        "cp437"
    );
    // 签约 in GBK is valid UTF-8 (ǩԼ): read as GBK when the zip is.
    let (gbk, _, _) = encoding_rs::GBK.encode("签约.xlsx");
    assert_eq!(decode_name(&gbk, false, || None), "ǩԼ.xlsx");
    assert_eq!(decode_name(&gbk, true, || None), "签约.xlsx");
}

/// A zip of `names` (no UTF-8 flag when they are not UTF-8), each file holding "x".
fn zip_named(names: &[&[u8]], utf8_flag: bool) -> Vec<u8> {
    let mut z = Vec::new();
    let mut central = Vec::new();
    let flags: u16 = if utf8_flag { 1 << 11 } else { 0 };
    let crc = 0x8CDC_1683u32.to_le_bytes(); // CRC-32 of "x"
    for name in names {
        let offset = (z.len() as u32).to_le_bytes();
        let n = (name.len() as u16).to_le_bytes();
        z.extend_from_slice(b"PK\x03\x04\x14\x00");
        z.extend_from_slice(&flags.to_le_bytes());
        z.extend_from_slice(&[0; 6]);
        z.extend_from_slice(&crc);
        z.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
        z.extend_from_slice(&n);
        z.extend_from_slice(&[0, 0]);
        z.extend_from_slice(name);
        z.push(b'x');
        central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00");
        central.extend_from_slice(&flags.to_le_bytes());
        central.extend_from_slice(&[0; 6]);
        central.extend_from_slice(&crc);
        central.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
        central.extend_from_slice(&n);
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset);
        central.extend_from_slice(name);
    }
    let (at, size) = (z.len() as u32, central.len() as u32);
    let count = (names.len() as u16).to_le_bytes();
    z.extend_from_slice(&central);
    z.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    z.extend_from_slice(&count);
    z.extend_from_slice(&count);
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&at.to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z
}

fn names_of(zip: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let limits = crate::rules::Rules::load(None).unwrap().serve;
    let (entries, _) = plan(&mut archive, &limits).unwrap();
    entries.into_iter().map(|e| e.name).collect()
}

#[test]
fn the_encoding_of_names_is_decided_for_the_whole_zip() {
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    // Windows' compressor: GBK without the flag, each name valid UTF-8 by chance.
    let (a, b) = (gbk("签约.xlsx"), gbk("实施.xlsx"));
    assert_eq!(
        names_of(&zip_named(&[&a, &b], false)),
        ["签约.xlsx", "实施.xlsx"]
    );
    // One name that is not UTF-8 decides for the others.
    let c = gbk("月报/东湖镇.xlsx");
    assert_eq!(
        names_of(&zip_named(&[&a, &c], false)),
        ["签约.xlsx", "月报/东湖镇.xlsx"]
    );
    // UTF-8 names, with or without the flag, stay UTF-8.
    let u = "签约.xlsx".as_bytes();
    assert_eq!(names_of(&zip_named(&[u], false)), ["签约.xlsx"]);
    assert_eq!(
        names_of(&zip_named(&[u, &a], true)),
        ["签约.xlsx", "ǩԼ.xlsx"]
    );
}

/// Whether the shipped rules' `[files] ignore` makes `name` clutter.
fn clutter(name: &str) -> bool {
    crate::rules::Rules::load(None)
        .expect("shipped rules")
        .serve
        .is_clutter(name)
}

#[test]
fn os_clutter_is_recognised() {
    assert!(clutter("__MACOSX/2026-10/._a.xlsx"));
    assert!(clutter("2026-10/.DS_Store"));
    assert!(clutter("2026-10\\Thumbs.db"));
    assert!(clutter("2026-10/月报/._东湖镇.xlsx"));
    assert!(clutter("._签约项目.xlsx"));
    assert!(!clutter("2026-10/月报/a.xlsx"));
    assert!(!clutter("../x.xlsx"));
}

fn entry(p: &str) -> Entry {
    Entry {
        index: 0,
        name: p.to_string(),
        path: p.split('/').collect(),
        size: 0,
    }
}

#[test]
fn office_lock_files_are_clutter() {
    assert!(clutter("2026-10/.~lock.台账.xlsx#"));
    assert!(clutter("月报/~$东湖镇.xlsx"));
    assert!(clutter("__MACOSX/月报/x.xlsx"));
    assert!(!clutter("月报/东湖镇.xlsx"));
}

#[test]
fn a_common_top_folder_is_dropped() {
    let mut e = vec![entry("2026-10/a.xlsx"), entry("2026-10/月报/b.xlsx")];
    let keep = ["月报".to_string()];
    let depth = |max_depth: usize| {
        let mut limits = crate::rules::Rules::load(None).unwrap().serve;
        limits.max_depth = max_depth;
        limits
    };
    let (three, two) = (&depth(3), &depth(2));
    drop_common_top(&mut e, three, &keep).unwrap();
    let got: Vec<String> = e.iter().map(|e| slash(&e.path)).collect();
    assert_eq!(got, ["a.xlsx", "月报/b.xlsx"]);
    let mut e = vec![entry("a.xlsx"), entry("月报/b.xlsx")];
    drop_common_top(&mut e, three, &keep).unwrap();
    assert_eq!(slash(&e[1].path), "月报/b.xlsx");
    // A zipped 月报 folder stays one: its files are reports.
    let mut e = vec![entry("月报/a.xlsx"), entry("月报/b.xlsx")];
    drop_common_top(&mut e, three, &keep).unwrap();
    assert_eq!(slash(&e[0].path), "月报/a.xlsx");
    let mut e = vec![entry("x/a/b/c/d.xlsx")];
    drop_common_top(&mut e, two, &keep).unwrap_err();
    let mut e = vec![entry("a/X.xlsx"), entry("a/x.xlsx")];
    drop_common_top(&mut e, two, &keep).unwrap_err();
    let mut e = vec![entry("Data/a.xlsx"), entry("data/b.xlsx")];
    let why = drop_common_top(&mut e, two, &keep).unwrap_err().message;
    assert!(why.contains("“data”与“Data”只差大小写"), "{why}");
    let mut e = vec![entry("月报/A/a.xlsx"), entry("月报/a/b.xlsx")];
    drop_common_top(&mut e, two, &keep).unwrap_err();
    let mut e = vec![entry("A/a.xlsx"), entry("A/b.xlsx"), entry("b.xlsx")];
    drop_common_top(&mut e, two, &keep).unwrap();
    let mut e = vec![entry("a.xlsx"), entry("a.xlsx/b.xlsx")];
    let why = drop_common_top(&mut e, two, &keep).unwrap_err().message;
    assert!(why.contains("“a.xlsx”在 zip 中也是一个文件"), "{why}");
}

/// A zip of `entries` (name, bytes), stored (not compressed).
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_zip_cut_short_is_refused_not_read_as_the_zip_stored_in_it() {
    let inner = stored_zip(&[("月报/城关镇.xlsx", b"inner report")]);
    let outer = stored_zip(&[
        ("2026-10/重大项目管理台账.xlsx", &[7u8; 3000][..]),
        ("2026-10/签约项目.xlsx", &[8u8; 3000]),
        ("2026-10/单位补报.zip", &inner),
    ]);
    let limits = crate::rules::Rules::load(None).unwrap().serve;
    let tmp = tempfile::tempdir().unwrap();
    let month = tmp.path().join("2028-07");
    for cut in [1, 22, 200, outer.len() - inner.len() + 10] {
        let why = unpack(&outer[..outer.len() - cut], &month, &limits, &[])
            .unwrap_err()
            .message;
        assert!(why.contains("文件不完整或已损坏"), "cut {cut}: {why}");
        assert!(!month.exists(), "cut {cut}: nothing is written");
    }
    // Something before the zip (the zip crate would skip it) is not a zip either.
    let mut prefixed = b"junk".to_vec();
    prefixed.extend_from_slice(&outer);
    let why = unpack(&prefixed, &month, &limits, &[]).unwrap_err().message;
    assert!(why.contains("文件不完整或已损坏"), "{why}");
    // Whole, with a comment after its end record, it unpacks.
    let mut commented = outer.clone();
    let at = end_record(&outer).unwrap();
    commented[at + 20..at + 22].copy_from_slice(&3u16.to_le_bytes());
    commented.extend_from_slice(b"abc");
    let done = unpack(&commented, &month, &limits, &[]).unwrap();
    assert_eq!(done.saved.len(), 3);
}
