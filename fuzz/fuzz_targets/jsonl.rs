#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dechaff::fuzzing::jsonl(data));
