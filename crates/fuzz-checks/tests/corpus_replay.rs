//! Replays every committed fuzz corpus (`fuzz/corpus/<target>/`) through the same checks the fuzz
//! targets run, so `cargo test` on stable keeps every input that fuzzing ever found interesting.

use std::fs;
use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

/// Runs `check` on every file of the target's corpus and returns how many inputs it replayed.
/// Files named `seed-*` or `valid-*` are known-good inputs and must be accepted.
fn replay(target: &str, check: fn(&[u8]) -> bool) -> usize {
    let dir = corpus_dir(target);
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("corpus {} unreadable: {error}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    entries.sort();
    for path in &entries {
        let data = fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| check(&data));
        let accepted = outcome
            .unwrap_or_else(|_| panic!("{target}: input {} broke a property", path.display()));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("seed-") || name.starts_with("valid-") {
            assert!(accepted, "{target}: known-good input {name} was rejected");
        }
    }
    entries.len()
}

#[test]
fn message_decode_corpus() {
    assert!(replay("message_decode", tangle_fuzz_checks::message_decode) >= 5);
}

#[test]
fn transaction_payload_decode_corpus() {
    assert!(
        replay(
            "transaction_payload_decode",
            tangle_fuzz_checks::transaction_payload_decode
        ) >= 3
    );
}

#[test]
fn bech32_decode_corpus() {
    assert!(replay("bech32_decode", tangle_fuzz_checks::bech32_decode) >= 3);
}

#[test]
fn b1t6_decode_corpus() {
    assert!(replay("b1t6_decode", tangle_fuzz_checks::b1t6_decode) >= 3);
}

#[test]
fn stream_packet_decode_corpus() {
    assert!(
        replay(
            "stream_packet_decode",
            tangle_fuzz_checks::stream_packet_decode
        ) >= 3
    );
}

#[test]
fn node_sequence_corpus() {
    assert!(replay("node_sequence", tangle_fuzz_checks::node_sequence) >= 3);
}

#[test]
fn graph_sequence_corpus() {
    assert!(replay("graph_sequence", tangle_fuzz_checks::graph_sequence) >= 3);
}
