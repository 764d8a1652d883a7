//! .xls through the reader's entry point: the fuzzed bytes are the whole file (a CFB container
//! holding BIFF records). Seeds: `fuzz/seeds/xls` (the legacy fixture).
#![no_main]

mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = common::rules();
    let _ = sanyipi::ingest::read_bytes_uncaught(data.to_vec(), "fuzz.xls", common::rules());
});
