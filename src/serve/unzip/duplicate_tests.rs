//! A zip holding two entries of one name is refused before anything is written.

use super::*;

/// Two entries of one name (as Python's zipfile can write): refused, nothing written.
#[test]
fn two_entries_of_one_name_are_refused() {
    // Built by hand: two stored entries named "a.xlsx" and their central directory.
    let mut z: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    let name = b"a.xlsx";
    for body in [&b"first"[..], &b"second"[..]] {
        let offset = z.len() as u32;
        let mut crc = zip_crc(body).to_le_bytes().to_vec();
        let len = (body.len() as u32).to_le_bytes();
        z.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        z.append(&mut crc.clone());
        z.extend_from_slice(&len);
        z.extend_from_slice(&len);
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0, 0]);
        z.extend_from_slice(name);
        z.extend_from_slice(body);
        central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        central.append(&mut crc);
        central.extend_from_slice(&len);
        central.extend_from_slice(&len);
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let at = z.len() as u32;
    let size = central.len() as u32;
    z.extend_from_slice(&central);
    z.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x02\x00\x02\x00");
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&at.to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    let dir = tempfile::tempdir().unwrap();
    let limits = crate::rules::Rules::load(None).unwrap().serve;
    let Err(refused) = unpack(&z, dir.path(), &limits, &[]) else {
        panic!("accepted");
    };
    assert_eq!(refused.status, 400);
    assert!(refused.message.contains("同名"), "{}", refused.message);
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

fn zip_crc(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
