//! Fuzz target: see `tangle_fuzz_checks::stream_packet_decode` for the properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = tangle_fuzz_checks::stream_packet_decode(data);
});
