//! xlsx through the reader's entry point: a good monthly report with one part (chosen by the
//! first byte: a sheet, the shared strings, the workbook, a relationship list…) replaced by the
//! fuzzed bytes. Seeds: `fuzz/seeds/xlsx` (parts of the sample report).
#![no_main]

mod common;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn template() -> &'static Vec<(String, Vec<u8>)> {
    static T: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    T.get_or_init(|| common::entries(include_bytes!("../../samples/2026-10/月报/东湖镇.xlsx")))
}

fuzz_target!(|data: &[u8]| {
    let bytes = common::splice(template(), data);
    let _ = sanyipi::ingest::read_bytes_uncaught(bytes, "fuzz.xlsx", common::rules());
});
