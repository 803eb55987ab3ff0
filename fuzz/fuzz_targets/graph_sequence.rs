//! Fuzz target: see `tangle_fuzz_checks::graph_sequence` for the properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _inserted = tangle_fuzz_checks::graph_sequence(data);
});
