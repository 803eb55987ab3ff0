//! The nonce search of the message PoW (TIP-12) against the iota.js 1.x cases: from a start nonce,
//! the first nonce whose Curl-P-81 hash over a given PoW digest reaches a number of trailing zero
//! trits. Every nonce before it must fall short, and the found one must reach the target, by both
//! the trit-level hash and the byte-level counter.
//!
//! The vector is read at test time from `tests/data/pow-nonce-search.json` (this folder's README
//! names its source).

use serde_json::Value;
use tangle_crypto::curl;
use tangle_crypto::pow::{count_trailing_zeros, curl_input};

struct Case {
    digest: [u8; 32],
    target_zeros: u32,
    start: u64,
    first: u64,
}

fn cases() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/pow-nonce-search.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    file["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            let mut digest = [0u8; 32];
            hex::decode_to_slice(case["pow_digest"].as_str().expect("hex"), &mut digest)
                .expect("32 bytes");
            let number = |key: &str| case[key].as_u64().expect(key);
            Case {
                digest,
                target_zeros: u32::try_from(number("target_zeros")).expect("u32"),
                start: number("start_nonce"),
                first: number("first_nonce"),
            }
        })
        .collect()
}

/// Trailing zero trits of the PoW hash of `digest` with `nonce`, by the trit-level sponge.
fn zeros(digest: &[u8; 32], nonce: u64) -> u32 {
    count_trailing_zeros(&curl::hash_block(&curl_input(digest, nonce)))
}

/// The same count from the bytes `digest ‖ nonce LE`, by the byte-level counter.
fn zeros_from_bytes(digest: &[u8; 32], nonce: u64) -> u32 {
    let mut bytes = [0u8; 40];
    bytes[..32].copy_from_slice(digest);
    bytes[32..].copy_from_slice(&nonce.to_le_bytes());
    curl::b1t6_block_trailing_zeros(&bytes)
}

#[test]
fn the_first_nonce_reaching_the_target_is_the_one_iota_js_finds() {
    let cases = cases();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let found = (case.start..)
            .find(|&nonce| zeros(&case.digest, nonce) >= case.target_zeros)
            .expect("a nonce");
        assert_eq!(found, case.first);
    }
}

#[test]
fn both_counters_agree_on_every_nonce_searched() {
    for case in cases() {
        for nonce in case.start..=case.first {
            let trits = zeros(&case.digest, nonce);
            assert_eq!(
                zeros_from_bytes(&case.digest, nonce),
                trits,
                "nonce {nonce}"
            );
            assert_eq!(
                trits >= case.target_zeros,
                nonce == case.first,
                "nonce {nonce}"
            );
        }
    }
}
