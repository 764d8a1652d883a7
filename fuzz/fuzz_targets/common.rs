//! Shared by the fuzz targets: the rules, and a zipped workbook built around one fuzzed entry.

use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

pub fn rules() -> &'static sanyipi::rules::Rules {
    static RULES: OnceLock<sanyipi::rules::Rules> = OnceLock::new();
    RULES.get_or_init(|| sanyipi::rules::Rules::load(None).expect("bundled rules"))
}

/// The entries of a zip file.
pub fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(zip)).expect("template zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

/// `template`'s entries (stored, uncompressed) with the one chosen by the first byte of `data`
/// replaced by the rest of `data`; the mimetype of an ods stays first.
pub fn splice(template: &[(String, Vec<u8>)], data: &[u8]) -> Vec<u8> {
    let Some((&pick, body)) = data.split_first() else {
        return Vec::new();
    };
    let target = usize::from(pick) % template.len();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (i, (name, bytes)) in template.iter().enumerate() {
        let _ = w.start_file(name.as_str(), opts);
        let _ = w.write_all(if i == target { body } else { bytes });
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}
