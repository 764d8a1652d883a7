//! ods through the reader's entry point: the WPS fixture with one part (chosen by the first byte,
//! usually `content.xml`) replaced by the fuzzed bytes. Seeds: `fuzz/seeds/ods`.
#![no_main]

mod common;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn template() -> &'static Vec<(String, Vec<u8>)> {
    static T: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    T.get_or_init(|| common::entries(include_bytes!("../../tests/fixtures/wps.ods")))
}

fuzz_target!(|data: &[u8]| {
    let bytes = common::splice(template(), data);
    let _ = sanyipi::ingest::read_bytes_uncaught(bytes, "fuzz.ods", common::rules());
});
