//! Conformance and property tests for `ternary`, `curl` and `pow`.
//!
//! The vectors are read at test time from this crate's `tests/data/` (its README names each
//! file's source).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::Value;
use tangle_crypto::curl::{self, CurlP81, HASH_LENGTH, STATE_LENGTH, reference};
use tangle_crypto::pow::{self, CancelToken, MineError, Miner, NonceSearcher, PowError};
use tangle_crypto::ternary::{
    TRYTE_ALPHABET, TernaryError, Trit, b1t6_decode_trits, b1t6_decode_trytes, b1t6_encode,
    b1t6_encode_trytes, trits_from_i8s, trits_to_trytes, trytes_to_trits,
};

fn conformance(file: &str) -> Value {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", file]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn cases<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array {key:?}"))
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

fn message_of(case: &Value) -> Vec<u8> {
    if let Some(h) = case["message_hex"].as_str() {
        return hex::decode(h).expect("hex");
    }
    let repeat = &case["message_hex_repeat"];
    let byte = hex::decode(str_field(repeat, "byte")).expect("hex");
    let count = repeat["count"].as_u64().expect("count") as usize;
    byte.repeat(count)
}

/// `serde_json` (without its `float_roundtrip` feature) may parse a decimal one ULP away from the
/// correctly rounded value, so JSON floats are compared within 2 ULPs.
fn assert_json_float(actual: f64, json: f64, what: &str) {
    let ulps = (actual.to_bits() as i64 - json.to_bits() as i64).unsigned_abs();
    assert!(ulps <= 2, "{what}: {actual} vs JSON {json}");
}

fn with_nonce(message: &[u8], nonce: u64) -> Vec<u8> {
    let mut m = message.to_vec();
    let at = m.len() - 8;
    m[at..].copy_from_slice(&nonce.to_le_bytes());
    m
}

// ---------------------------------------------------------------- b1t6

#[test]
fn b1t6_vectors() {
    let v = conformance("b1t6.json");
    let all = cases(&v, "cases");
    assert_eq!(all.len(), 9);
    for case in all {
        let bytes = hex::decode(str_field(case, "bytes")).expect("hex");
        let trytes = str_field(case, "trytes");
        assert_eq!(b1t6_encode_trytes(&bytes), trytes, "encode {case}");
        assert_eq!(
            b1t6_decode_trytes(trytes).as_ref(),
            Ok(&bytes),
            "decode {case}"
        );
        let trits = b1t6_encode(&bytes);
        assert_eq!(trits_to_trytes(&trits).as_deref(), Ok(trytes));
        assert_eq!(trytes_to_trits(trytes).as_ref(), Ok(&trits));
        assert_eq!(b1t6_decode_trits(&trits).as_ref(), Ok(&bytes));
    }
    let invalid = cases(&v, "invalid_trytes");
    assert!(!invalid.is_empty());
    for bad in invalid {
        let bad = bad.as_str().expect("string");
        assert!(
            matches!(
                b1t6_decode_trytes(bad),
                Err(TernaryError::ValueOutOfByteRange { .. })
            ),
            "{bad} must be rejected"
        );
        let trits = trytes_to_trits(bad).expect("valid trytes");
        assert!(matches!(
            b1t6_decode_trits(&trits),
            Err(TernaryError::ValueOutOfByteRange { .. })
        ));
    }
}

#[test]
fn b1t6_rejects_characters_outside_the_alphabet() {
    assert_eq!(
        b1t6_decode_trytes("99a9"),
        Err(TernaryError::InvalidTryte {
            index: 2,
            found: 'a'
        })
    );
    assert_eq!(
        b1t6_decode_trytes("9 "),
        Err(TernaryError::InvalidTryte {
            index: 1,
            found: ' '
        })
    );
    // Byte offsets, not char counts, for non-ASCII input.
    assert_eq!(
        b1t6_decode_trytes("é9Ω"),
        Err(TernaryError::InvalidTryte {
            index: 0,
            found: 'é'
        })
    );
    assert_eq!(
        b1t6_decode_trytes("99Ω9"),
        Err(TernaryError::InvalidTryte {
            index: 2,
            found: 'Ω'
        })
    );
    assert_eq!(
        trytes_to_trits("0"),
        Err(TernaryError::InvalidTryte {
            index: 0,
            found: '0'
        })
    );
}

#[test]
fn b1t6_rejects_an_odd_tryte_count() {
    assert_eq!(
        b1t6_decode_trytes("9"),
        Err(TernaryError::OddTryteCount { len: 1 })
    );
    assert_eq!(
        b1t6_decode_trytes("99A"),
        Err(TernaryError::OddTryteCount { len: 3 })
    );
}

#[test]
fn b1t6_rejects_pairs_outside_the_byte_range() {
    // LI = 12 + 27·9 = 255; the first bad pair is reported with its index.
    assert_eq!(
        b1t6_decode_trytes("99LI"),
        Err(TernaryError::ValueOutOfByteRange {
            index: 1,
            value: 255
        })
    );
    // 9V = 0 + 27·(−5) = −135 < −128.
    assert_eq!(
        b1t6_decode_trytes("9V"),
        Err(TernaryError::ValueOutOfByteRange {
            index: 0,
            value: -135
        })
    );
    // The extremes of two trytes: MM = 364, NN = −364.
    assert_eq!(
        b1t6_decode_trytes("MM"),
        Err(TernaryError::ValueOutOfByteRange {
            index: 0,
            value: 364
        })
    );
    assert_eq!(
        b1t6_decode_trytes("NN"),
        Err(TernaryError::ValueOutOfByteRange {
            index: 0,
            value: -364
        })
    );
    // The edges that are still bytes: SE = 127, GV = −128; one step beyond is rejected.
    assert_eq!(b1t6_decode_trytes("SEGV"), Ok(vec![0x7f, 0x80]));
    assert_eq!(
        b1t6_decode_trytes("TE"),
        Err(TernaryError::ValueOutOfByteRange {
            index: 0,
            value: 128
        })
    );
    assert_eq!(
        b1t6_decode_trytes("FV"),
        Err(TernaryError::ValueOutOfByteRange {
            index: 0,
            value: -129
        })
    );
}

#[test]
fn b1t6_rejects_a_trit_count_that_is_not_a_multiple_of_six() {
    let trits = b1t6_encode(b"ab");
    assert_eq!(
        b1t6_decode_trits(&trits[..11]),
        Err(TernaryError::TritCountNotMultipleOfSix { len: 11 })
    );
    assert_eq!(
        b1t6_decode_trits(&trits[..3]),
        Err(TernaryError::TritCountNotMultipleOfSix { len: 3 })
    );
    // Six trits worth 243 + 81 + ... above 127.
    let big = trits_from_i8s(&[0, 0, 0, 0, 0, 1]).expect("trits");
    assert_eq!(
        b1t6_decode_trits(&big),
        Err(TernaryError::ValueOutOfByteRange {
            index: 0,
            value: 243
        })
    );
}

#[test]
fn trit_and_tryte_conversions_reject_bad_input() {
    assert_eq!(
        Trit::try_from(2),
        Err(TernaryError::InvalidTrit { value: 2 })
    );
    assert_eq!(
        trits_from_i8s(&[0, 1, -2]),
        Err(TernaryError::InvalidTrit { value: -2 })
    );
    assert_eq!(
        trits_to_trytes(&[Trit::Zero; 4]),
        Err(TernaryError::TritCountNotMultipleOfThree { len: 4 })
    );
    // Every error names its rule.
    let msg = TernaryError::OddTryteCount { len: 3 }.to_string();
    assert!(msg.contains("odd tryte count"), "{msg}");
}

// ---------------------------------------------------------------- Curl-P-81

#[test]
fn curl_vectors() {
    let v = conformance("curl-p-81.json");
    let all = cases(&v, "cases");
    assert_eq!(all.len(), 200);
    for (i, case) in all.iter().enumerate() {
        let input = trytes_to_trits(str_field(case, "in")).expect("trytes");
        let expected = str_field(case, "hash");
        assert_eq!(input.len() % HASH_LENGTH, 0);

        let digest = CurlP81::digest(&input);
        assert_eq!(
            trits_to_trytes(&digest).as_deref(),
            Ok(expected),
            "case {i}"
        );

        let mut sponge = CurlP81::new();
        for block in input.chunks(HASH_LENGTH) {
            sponge.absorb(block);
        }
        assert_eq!(sponge.squeeze(), digest, "case {i} block by block");

        if let Ok(block) = <[Trit; HASH_LENGTH]>::try_from(input.as_slice()) {
            assert_eq!(curl::hash_block(&block), digest, "case {i} hash_block");
        }
        assert_eq!(reference::hash(&input), digest, "case {i} reference");
    }
}

#[test]
fn squeeze_continues_the_sponge() {
    let input = [Trit::PlusOne; HASH_LENGTH];
    let mut sponge = CurlP81::new();
    sponge.absorb(&input);
    let mut two = [Trit::Zero; 2 * HASH_LENGTH];
    sponge.clone().squeeze_into(&mut two);
    let first = sponge.squeeze();
    let second = sponge.squeeze();
    assert_eq!(two[..HASH_LENGTH], first);
    assert_eq!(two[HASH_LENGTH..], second);
    let mut state = *CurlP81::new().state();
    state[..HASH_LENGTH].copy_from_slice(&input);
    reference::transform(&mut state);
    assert_eq!(state[..HASH_LENGTH], first);
    reference::transform(&mut state);
    assert_eq!(state[..HASH_LENGTH], second);
}

fn trit() -> impl Strategy<Value = Trit> {
    prop_oneof![Just(Trit::MinusOne), Just(Trit::Zero), Just(Trit::PlusOne)]
}

// ---------------------------------------------------------------- PoW

#[test]
fn pow_score_vectors() {
    let v = conformance("pow-score.json");
    let all = cases(&v, "cases");
    assert_eq!(all.len(), 5);
    for case in all {
        let message = message_of(case);
        let zeros = case["trailing_zero_trits"].as_u64().expect("zeros") as u32;
        let score = case["score"].as_f64().expect("score");
        assert_eq!(pow::trailing_zeros(&message), zeros, "{case}");
        assert_eq!(pow::try_trailing_zeros(&message), Ok(zeros));
        let actual = pow::score(&message);
        assert_json_float(actual, score, &case.to_string());
        assert_eq!(actual, pow::score_from_trailing_zeros(zeros, message.len()));
        assert_eq!(pow::try_score(&message), Ok(actual));
        if let Some(d) = case["pow_digest"].as_str() {
            assert_eq!(pow::pow_digest(&message).map(hex::encode).as_deref(), Ok(d));
        }
        if let Some(n) = case["nonce"].as_u64() {
            assert_eq!(pow::message_nonce(&message), Ok(n));
        }
        if let Some(t) = case["curl_input_trytes"].as_str() {
            assert_eq!(pow::curl_input_trytes(&message).as_deref(), Ok(t));
        }
        if let Some(t) = case["curl_hash_trytes"].as_str() {
            assert_eq!(pow::curl_hash_trytes(&message).as_deref(), Ok(t));
            let input = trytes_to_trits(str_field(case, "curl_input_trytes")).expect("trytes");
            assert_eq!(trits_to_trytes(&reference::hash(&input)).as_deref(), Ok(t));
        }
        let needed = pow::min_trailing_zeros(actual, message.len()).expect("reachable");
        assert_eq!(
            needed, zeros,
            "the score is reached with exactly these zeros"
        );
    }
}

#[test]
fn tip6_message_pow() {
    let v = conformance("tip6-message.json");
    let message = hex::decode(str_field(&v, "message_hex")).expect("hex");
    let zeros = v["pow_trailing_zero_trits"].as_u64().expect("zeros") as u32;
    assert_eq!(pow::trailing_zeros(&message), zeros);
    assert_eq!(
        pow::score(&message),
        v["pow_score"].as_f64().expect("score")
    );
    assert_eq!(
        pow::message_nonce(&message),
        Ok(v["nonce"].as_u64().expect("nonce"))
    );
}

#[test]
fn short_messages_have_no_proof_of_work() {
    for len in 0..8 {
        let message = vec![0u8; len];
        assert_eq!(pow::score(&message), 0.0);
        assert_eq!(pow::trailing_zeros(&message), 0);
        assert_eq!(
            pow::try_score(&message),
            Err(PowError::MessageTooShort { len })
        );
        assert_eq!(
            pow::pow_digest(&message),
            Err(PowError::MessageTooShort { len })
        );
        assert_eq!(
            pow::curl_hash_trytes(&message),
            Err(PowError::MessageTooShort { len })
        );
        assert_eq!(
            Miner::single_threaded().mine(&message, 1.0),
            Err(MineError::MessageTooShort { len })
        );
    }
}

#[test]
fn min_trailing_zeros_is_tight() {
    for len in [8usize, 21, 200, 660, 32768] {
        for target in [0.001, 1.0, 937.0, 4000.0, 1e6, 1e20] {
            let z = pow::min_trailing_zeros(target, len).expect("reachable");
            assert!(pow::score_from_trailing_zeros(z, len) >= target);
            if z > 0 {
                assert!(pow::score_from_trailing_zeros(z - 1, len) < target);
            }
        }
    }
    assert_eq!(pow::min_trailing_zeros(4000.0, 200), Some(13));
    assert_eq!(pow::min_trailing_zeros(f64::NAN, 200), None);
    assert_eq!(pow::min_trailing_zeros(1e300, 200), None);
    assert_eq!(pow::min_trailing_zeros(-1.0, 200), Some(0));
}

#[test]
fn unreachable_targets_are_refused() {
    let message = [0u8; 100];
    for target in [f64::NAN, f64::INFINITY, 1e200] {
        assert!(matches!(
            Miner::single_threaded().mine(&message, target),
            Err(MineError::TargetUnreachable {
                message_len: 100,
                ..
            })
        ));
    }
}

/// The first nonce with at least `zeros` trailing zeros, by scanning with the scalar path.
fn first_scalar(message: &[u8], from: u64, zeros: u32) -> u64 {
    (from..)
        .find(|&n| pow::trailing_zeros(&with_nonce(message, n)) >= zeros)
        .expect("found")
}

#[test]
fn batch_search_agrees_with_the_scalar_path() {
    let message: Vec<u8> = (0..100u8).collect();
    let len = message.len();
    for zeros in [1u32, 2, 3, 5] {
        let target = pow::score_from_trailing_zeros(zeros, len);
        let mut searcher = NonceSearcher::new(&message, target).expect("searcher");
        assert_eq!(searcher.required_trailing_zeros(), zeros);
        for start in [0u64, 1000, u64::MAX - 100] {
            let mut first = start;
            let found = loop {
                if let Some(n) = searcher.search_batch(first) {
                    break n;
                }
                first = first.wrapping_add(NonceSearcher::BATCH_SIZE);
            };
            if start < u64::MAX - 1000 {
                assert_eq!(
                    found,
                    first_scalar(&message, start, zeros),
                    "zeros {zeros} from {start}"
                );
            } else {
                assert!(pow::trailing_zeros(&with_nonce(&message, found)) >= zeros);
            }
        }
    }
}

#[test]
fn miner_reaches_score_4000_on_the_tip6_message() {
    let v = conformance("tip6-message.json");
    let message = hex::decode(str_field(&v, "message_hex")).expect("hex");
    let miner = Miner::new(NonZeroUsize::new(2).expect("2"));
    let outcome = miner.mine_with_stats(&message, 4000.0).expect("mined");
    assert!(pow::score(&with_nonce(&message, outcome.nonce)) >= 4000.0);
    assert!(outcome.trials >= NonceSearcher::BATCH_SIZE);
    // Single-threaded from 0 finds the very first qualifying nonce; the vector's nonce (28110)
    // qualifies, so the result is at most that.
    let nonce = Miner::single_threaded()
        .mine(&message, 4000.0)
        .expect("mined");
    assert!(nonce <= 28110);
    assert_eq!(nonce, first_scalar(&message, 0, 12));
}

#[test]
fn cancel_before_start_returns_cancelled() {
    let token = CancelToken::new();
    token.cancel();
    let miner = Miner::single_threaded().with_cancel(token);
    assert_eq!(miner.mine(&[0u8; 64], 1.0), Err(MineError::Cancelled));
}

#[test]
fn cancel_stops_a_running_miner() {
    let token = CancelToken::new();
    let miner = Miner::new(NonZeroUsize::new(2).expect("2")).with_cancel(token.clone());
    // Needs ~35 trailing zeros: far beyond what can be found in the test's lifetime.
    let message = [7u8; 200];
    let started = Instant::now();
    let result = std::thread::scope(|s| {
        let handle = s.spawn(|| miner.mine(&message, 1e14));
        std::thread::sleep(Duration::from_millis(100));
        token.cancel();
        handle.join().expect("miner thread")
    });
    assert_eq!(result, Err(MineError::Cancelled));
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Arbitrary strings, or tryte strings of even or odd length with one character replaced by
/// an arbitrary one half of the time.
fn tryte_candidates() -> impl Strategy<Value = String> {
    let trytes = (
        proptest::collection::vec(
            proptest::sample::select(TRYTE_ALPHABET.chars().collect::<Vec<_>>()),
            0..64,
        ),
        any::<Option<(proptest::sample::Index, char)>>(),
    )
        .prop_map(|(mut chars, replacement)| {
            if let (Some((at, c)), false) = (replacement, chars.is_empty()) {
                let i = at.index(chars.len());
                chars[i] = c;
            }
            chars.into_iter().collect::<String>()
        });
    prop_oneof![any::<String>().boxed(), trytes.boxed()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn b1t6_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let trytes = b1t6_encode_trytes(&bytes);
        prop_assert_eq!(trytes.len(), 2 * bytes.len());
        prop_assert_eq!(b1t6_decode_trytes(&trytes), Ok(bytes.clone()));
        prop_assert_eq!(b1t6_decode_trits(&b1t6_encode(&bytes)), Ok(bytes));
    }

    /// Arbitrary strings, and tryte strings with one character possibly replaced: decoding
    /// never panics, accepts only strings over the tryte alphabet, and what it accepts
    /// re-encodes to the same string.
    #[test]
    fn decoding_arbitrary_strings_never_panics(s in tryte_candidates()) {
        let in_alphabet = s.chars().all(|c| TRYTE_ALPHABET.contains(c));
        if let Ok(bytes) = b1t6_decode_trytes(&s) {
            prop_assert!(in_alphabet);
            prop_assert_eq!(b1t6_encode_trytes(&bytes), s.clone());
        }
        match trytes_to_trits(&s) {
            Ok(trits) => {
                prop_assert!(in_alphabet);
                prop_assert_eq!(trits_to_trytes(&trits), Ok(s.clone()));
            }
            Err(_) => prop_assert!(!in_alphabet, "tryte string {} refused", s),
        }
    }

    #[test]
    fn decoding_alphabet_strings_is_exact(
        s in proptest::collection::vec(proptest::sample::select(TRYTE_ALPHABET.as_bytes().to_vec()), 0..64)
    ) {
        let s = String::from_utf8(s).expect("ascii");
        match b1t6_decode_trytes(&s) {
            Ok(bytes) => prop_assert_eq!(b1t6_encode_trytes(&bytes), s),
            Err(TernaryError::OddTryteCount { len }) => prop_assert!(len % 2 == 1),
            Err(TernaryError::ValueOutOfByteRange { index, value }) => {
                prop_assert!(!(-128..=127).contains(&value));
                prop_assert!(b1t6_decode_trytes(&s[..2 * index]).is_ok());
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn decoding_arbitrary_trits_never_panics(t in proptest::collection::vec(trit(), 0..100)) {
        if let Ok(bytes) = b1t6_decode_trits(&t) {
            prop_assert_eq!(b1t6_encode(&bytes), t);
        }
    }

    #[test]
    fn fast_transform_equals_reference(state in proptest::collection::vec(trit(), STATE_LENGTH)) {
        let mut fast = [Trit::Zero; STATE_LENGTH];
        fast.copy_from_slice(&state);
        let mut slow = fast;
        curl::transform(&mut fast);
        reference::transform(&mut slow);
        prop_assert_eq!(fast, slow);
    }

    #[test]
    fn fast_sponge_equals_reference(input in proptest::collection::vec(trit(), 0..800)) {
        prop_assert_eq!(CurlP81::digest(&input), reference::hash(&input));
    }

    #[test]
    fn mined_nonce_reaches_the_target(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        zeros in 1u32..6,
        start in any::<u64>(),
    ) {
        let mut message = body;
        message.extend_from_slice(&[0u8; 8]);
        let target = pow::score_from_trailing_zeros(zeros, message.len());
        let nonce = Miner::single_threaded().with_start_nonce(start).mine(&message, target);
        prop_assert!(nonce.is_ok());
        let nonce = nonce.unwrap_or_default();
        prop_assert!(pow::score(&with_nonce(&message, nonce)) >= target);
    }

    #[test]
    fn score_never_panics(message in proptest::collection::vec(any::<u8>(), 0..64)) {
        let s = pow::score(&message);
        prop_assert!(s >= 0.0);
        prop_assert_eq!(message.len() < 8, pow::try_score(&message).is_err());
    }
}
