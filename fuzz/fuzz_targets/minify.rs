#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pimap_fuzz::minify(data));
