//! Containers built here sector by sector, and the legacy fixture.

use super::*;

const FREE: u32 = u32::MAX;
const FATSECT: u32 = 0xFFFF_FFFD;

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn header(dir: u32, fat: u32, mini_fat: (u32, u32)) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(SIGNATURE);
    h[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    h[26..28].copy_from_slice(&3u16.to_le_bytes());
    h[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    h[30..32].copy_from_slice(&9u16.to_le_bytes());
    h[32..34].copy_from_slice(&6u16.to_le_bytes());
    put32(&mut h, 44, 1);
    put32(&mut h, 48, dir);
    put32(&mut h, 56, 4096);
    put32(&mut h, 60, mini_fat.0);
    put32(&mut h, 64, mini_fat.1);
    put32(&mut h, 68, ENDOFCHAIN);
    for i in 0..109 {
        put32(&mut h, 76 + 4 * i, FREE);
    }
    put32(&mut h, 76, fat);
    h
}

fn dir_entry(name: &str, kind: u8, start: u32, len: u32) -> Vec<u8> {
    let mut e = vec![0u8; 128];
    let units: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    e[..units.len()].copy_from_slice(&units);
    e[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
    e[66] = kind;
    put32(&mut e, 116, start);
    put32(&mut e, 120, len);
    e
}

fn sector_of_words(words: &[u32]) -> Vec<u8> {
    let mut s: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    s.resize(512, 0xFF);
    s
}

fn dir_sector(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut s: Vec<u8> = entries.concat();
    s.resize(512, 0);
    s
}

/// A container holding `stream` (≥ 4096 bytes) as its Workbook: sectors 0..n the stream, n the
/// FAT, n+1 the directory.
fn big(stream: &[u8]) -> Vec<u8> {
    let n = stream.len().div_ceil(512) as u32;
    let mut fat: Vec<u32> = (1..n).collect();
    fat.extend([ENDOFCHAIN, FATSECT, ENDOFCHAIN]);
    let mut f = header(n + 1, n, (ENDOFCHAIN, 0));
    let mut body = stream.to_vec();
    body.resize(n as usize * 512, 0);
    f.extend(body);
    f.extend(sector_of_words(&fat));
    f.extend(dir_sector(&[
        dir_entry("Root Entry", 5, ENDOFCHAIN, 0),
        dir_entry("Workbook", 2, 0, stream.len() as u32),
    ]));
    f
}

/// A container holding `stream` (< 4096 bytes, ≤ 8 mini sectors) in its mini stream: sector 0
/// the mini stream, 1 the mini FAT, 2 the FAT, 3 the directory.
fn small(stream: &[u8], minifat: &[u32]) -> Vec<u8> {
    let mut f = header(3, 2, (1, 1));
    let mut mini = stream.to_vec();
    mini.resize(512, 0);
    f.extend(mini);
    f.extend(sector_of_words(minifat));
    f.extend(sector_of_words(&[
        ENDOFCHAIN, ENDOFCHAIN, FATSECT, ENDOFCHAIN,
    ]));
    f.extend(dir_sector(&[
        dir_entry("Root Entry", 5, 0, 512),
        dir_entry("Workbook", 2, 0, stream.len() as u32),
    ]));
    f
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[test]
fn a_good_container_gives_its_workbook_stream() {
    let stream = pattern(5000);
    assert_eq!(workbook_stream(&big(&stream)).unwrap(), stream);
    let stream = pattern(100);
    let minifat = [1, ENDOFCHAIN];
    assert_eq!(workbook_stream(&small(&stream, &minifat)).unwrap(), stream);
}

#[test]
fn the_legacy_fixture_passes() {
    let file = include_bytes!("../../../tests/fixtures/legacy.xls");
    let stream = workbook_stream(file).unwrap();
    assert_eq!(&stream[..2], &[0x09, 0x08], "starts with a BOF record");
}

#[test]
fn a_chain_that_loops_is_refused() {
    let mut f = big(&pattern(5000));
    // The FAT (sector 10, file offset 11 * 512): sector 3 points back at sector 1.
    put32(&mut f, 11 * 512 + 12, 1);
    assert_eq!(workbook_stream(&f), Err(Fault::Loop { what: "Workbook" }));
    // The directory pointing at itself loops too, with no length to stop it.
    let mut f = big(&pattern(5000));
    put32(&mut f, 11 * 512 + 4 * 11, 11);
    assert_eq!(workbook_stream(&f), Err(Fault::Loop { what: "directory" }));
}

#[test]
fn a_container_without_a_fat_is_refused() {
    let mut f = big(&pattern(5000));
    put32(&mut f, 76, FREE);
    let what = "directory";
    assert_eq!(workbook_stream(&f), Err(Fault::NoFatEntry { what, id: 11 }));
}

#[test]
fn a_sector_past_the_end_is_refused() {
    let mut f = big(&pattern(5000));
    put32(&mut f, 11 * 512 + 8, 4000);
    let what = "Workbook";
    assert_eq!(workbook_stream(&f), Err(Fault::PastEnd { what, id: 4000 }));
    // Within calamine's bound (the file's length in sectors) but beyond what it holds.
    let mut f = big(&pattern(5000));
    put32(&mut f, 76, 13);
    assert_eq!(
        workbook_stream(&f),
        Err(Fault::PastEnd {
            what: "FAT",
            id: 13
        })
    );
}

#[test]
fn a_fat_sector_cut_short_is_refused() {
    let mut f = big(&pattern(5000));
    // The FAT is said to be the last sector, which the file cuts 2 bytes in.
    put32(&mut f, 76, 11);
    f.truncate(12 * 512 + 2);
    let what = "FAT";
    assert_eq!(
        workbook_stream(&f),
        Err(Fault::ShortSector { what, id: 11 })
    );
}

#[test]
fn a_header_no_reader_accepts_is_refused() {
    let mut f = big(&pattern(5000));
    f[30] = 10;
    assert!(matches!(workbook_stream(&f), Err(Fault::Header(_))));
    let mut f = big(&pattern(5000));
    f[32] = 7;
    assert!(matches!(workbook_stream(&f), Err(Fault::Header(_))));
    assert!(matches!(workbook_stream(&f[..300]), Err(Fault::Header(_))));
}

#[test]
fn a_container_without_a_workbook_is_refused() {
    let mut f = big(&pattern(5000));
    let at = 12 * 512 + 128;
    f[at..at + 2].copy_from_slice(&[b'X', 0]);
    assert_eq!(workbook_stream(&f), Err(Fault::NoWorkbook));
}

#[test]
fn a_mini_sector_outside_the_mini_stream_is_refused() {
    let f = small(&pattern(100), &[20, ENDOFCHAIN]);
    let what = "Workbook (mini stream)";
    assert_eq!(workbook_stream(&f), Err(Fault::PastEnd { what, id: 20 }));
    // A mini chain that comes back to a sector loops.
    let f = small(&pattern(100), &[0, ENDOFCHAIN]);
    assert_eq!(workbook_stream(&f), Err(Fault::Loop { what }));
}

#[test]
fn more_fat_sectors_than_the_file_are_refused() {
    // A DIFAT sector (sector 0) listing sector 0 as a FAT sector 127 times, more than the 13
    // sectors of the file and the header's 109.
    let mut f = big(&[0u8; 5000]);
    put32(&mut f, 68, 0);
    put32(&mut f, 512 + 508, ENDOFCHAIN);
    assert_eq!(workbook_stream(&f), Err(Fault::FatTooLong(128)));
    // Zeros left in the header's DIFAT for "none" (109 reads of sector 0) are read as calamine
    // reads them.
    let mut f = big(&pattern(5000));
    for i in 1..109 {
        put32(&mut f, 76 + 4 * i, 0);
    }
    assert_eq!(workbook_stream(&f), Ok(pattern(5000)));
}
