//! Fuzz target: see `tangle_fuzz_checks::node_sequence` for the properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _accepted = tangle_fuzz_checks::node_sequence(data);
});
