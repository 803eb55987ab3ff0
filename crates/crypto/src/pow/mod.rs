//! Proof of work (TIP-12): the score of a message and a nonce miner.
//!
//! ```text
//! d     = BLAKE2b-256(message without its last 8 bytes)
//! trits = b1t6(d) [192] ‖ b1t6(nonce as 8 LE bytes) [48] ‖ 0,0,0      (243 trits)
//! h     = Curl-P-81(trits)                                             (one absorb, one squeeze)
//! score = 3^(number of trailing zero trits of h) / (length of the whole message in bytes)
//! ```
//!
//! The nonce is the message's last 8 bytes. A message shorter than 8 bytes has no nonce and so no
//! proof of work: the `try_*` functions return [`PowError::MessageTooShort`] for it, and the
//! total functions [`score`] and [`trailing_zeros`] return 0. Nothing here panics.
//!
//! Mining: [`NonceSearcher`] tries a batch of 64 nonces at once with Curl bit-sliced across them
//! (no `std` needed); `Miner` (feature `std`) runs searchers on several threads with a
//! `CancelToken`. Scoring one message takes a few microseconds: Curl runs on bit-planes (see
//! [`crate::curl`]).
//!
//! ```
//! use tangle_crypto::pow;
//!
//! // The TIP-12 example: "Hello, World!" followed by its nonce.
//! let message = hex::decode("48656c6c6f2c20576f726c64215ee6aaaaaaaaaaaa").unwrap();
//! assert_eq!(pow::trailing_zeros(&message), 9);
//! assert_eq!(pow::score(&message), 19683.0 / 21.0);
//! // 3^10 / 21 < 4000 <= 3^11 / 21
//! assert_eq!(pow::min_trailing_zeros(4000.0, message.len()), Some(11));
//! ```

mod search;
pub use search::NonceSearcher;

#[cfg(feature = "std")]
mod miner;
#[cfg(feature = "std")]
pub use miner::{CancelToken, MineOutcome, Miner};

use alloc::string::String;

use crate::curl::{self, HASH_LENGTH};
use crate::hash::{BLAKE2B_256_LEN, blake2b_256};
use crate::ternary::{Trit, b1t6_encode_byte, trits_to_trytes};

/// Bytes of the nonce at the end of a message.
pub const NONCE_LEN: usize = 8;

/// Most trailing zero trits a Curl hash can have (all 243 of them).
pub const MAX_TRAILING_ZEROS: u32 = HASH_LENGTH as u32;

/// Trits of the PoW digest in the Curl input (32 bytes · 6).
const DIGEST_TRITS: usize = BLAKE2B_256_LEN * 6;

/// 3^z as `f64` for z in 0..=243, by repeated multiplication (exact up to 3^33).
const POW3: [f64; HASH_LENGTH + 1] = {
    let mut out = [1.0f64; HASH_LENGTH + 1];
    let mut z = 1;
    while z <= HASH_LENGTH {
        out[z] = out[z - 1] * 3.0;
        z += 1;
    }
    out
};

/// Why a proof-of-work value could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PowError {
    /// The message is shorter than its 8-byte nonce.
    #[error("message of {len} bytes is shorter than its {NONCE_LEN}-byte nonce")]
    MessageTooShort {
        /// Length of the message in bytes.
        len: usize,
    },
}

/// Why mining stopped without a nonce.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MineError {
    /// The cancel token was triggered.
    #[error("mining was cancelled")]
    Cancelled,
    /// The message is shorter than its 8-byte nonce.
    #[error("message of {len} bytes is shorter than its {NONCE_LEN}-byte nonce")]
    MessageTooShort {
        /// Length of the message in bytes.
        len: usize,
    },
    /// No hash can reach the target: it would need more than 243 trailing zero trits (or the
    /// target is NaN).
    #[error(
        "target score {target_score} is unreachable for a {message_len}-byte message: \
         it needs more than {MAX_TRAILING_ZEROS} trailing zero trits"
    )]
    TargetUnreachable {
        /// The requested score.
        target_score: f64,
        /// Length of the message in bytes.
        message_len: usize,
    },
    /// All 2^64 nonces were tried without success.
    #[error("every nonce was tried without reaching the target")]
    NonceSpaceExhausted,
}

fn split(message: &[u8]) -> Result<(&[u8], u64), PowError> {
    let len = message.len();
    let head_len = len
        .checked_sub(NONCE_LEN)
        .ok_or(PowError::MessageTooShort { len })?;
    let (head, tail) = message.split_at(head_len);
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(tail);
    Ok((head, u64::from_le_bytes(nonce)))
}

/// The PoW digest: BLAKE2b-256 of the message without its last 8 bytes (the nonce).
///
/// ```
/// let digest = tangle_crypto::pow::pow_digest(&[0u8; 8])?;
/// assert_eq!(digest, tangle_crypto::hash::blake2b_256(b""));
/// # Ok::<(), tangle_crypto::pow::PowError>(())
/// ```
pub fn pow_digest(message: &[u8]) -> Result<[u8; BLAKE2B_256_LEN], PowError> {
    split(message).map(|(head, _)| blake2b_256(head))
}

/// The nonce of a message: its last 8 bytes, little-endian.
pub fn message_nonce(message: &[u8]) -> Result<u64, PowError> {
    split(message).map(|(_, nonce)| nonce)
}

/// The 243-trit Curl input: `b1t6(digest) ‖ b1t6(nonce LE) ‖ 0,0,0`.
pub fn curl_input(digest: &[u8; BLAKE2B_256_LEN], nonce: u64) -> [Trit; HASH_LENGTH] {
    let mut out = [Trit::Zero; HASH_LENGTH];
    let nonce = nonce.to_le_bytes();
    let bytes = digest.iter().chain(nonce.iter());
    for (chunk, &b) in out.chunks_exact_mut(6).zip(bytes) {
        chunk.copy_from_slice(&b1t6_encode_byte(b));
    }
    out
}

/// The Curl hash of a message's proof of work.
pub fn curl_hash(message: &[u8]) -> Result<[Trit; HASH_LENGTH], PowError> {
    let (head, nonce) = split(message)?;
    Ok(curl::hash_block(&curl_input(&blake2b_256(head), nonce)))
}

/// The Curl input of a message's proof of work, as 81 trytes.
///
/// ```
/// let message = hex::decode("48656c6c6f2c20576f726c64215ee6aaaaaaaaaaaa").unwrap();
/// let trytes = tangle_crypto::pow::curl_input_trytes(&message)?;
/// assert!(trytes.ends_with("VXVXVXVXVXVX9"));
/// # Ok::<(), tangle_crypto::pow::PowError>(())
/// ```
pub fn curl_input_trytes(message: &[u8]) -> Result<String, PowError> {
    let (head, nonce) = split(message)?;
    Ok(trytes_of(&curl_input(&blake2b_256(head), nonce)))
}

/// The Curl hash of a message's proof of work, as 81 trytes.
pub fn curl_hash_trytes(message: &[u8]) -> Result<String, PowError> {
    curl_hash(message).map(|h| trytes_of(&h))
}

fn trytes_of(trits: &[Trit; HASH_LENGTH]) -> String {
    // 243 is a multiple of 3, so the conversion cannot fail.
    trits_to_trytes(trits).unwrap_or_default()
}

/// Trailing zero trits of a hash, counted from its last trit backwards.
///
/// ```
/// use tangle_crypto::pow::count_trailing_zeros;
/// use tangle_crypto::ternary::Trit;
///
/// assert_eq!(count_trailing_zeros(&[Trit::PlusOne, Trit::Zero, Trit::Zero]), 2);
/// ```
pub fn count_trailing_zeros(hash: &[Trit]) -> u32 {
    let zeros = hash.iter().rev().take_while(|&&t| t == Trit::Zero).count();
    u32::try_from(zeros).unwrap_or(u32::MAX)
}

/// Trailing zero trits of a message's PoW hash.
pub fn try_trailing_zeros(message: &[u8]) -> Result<u32, PowError> {
    let (head, nonce) = split(message)?;
    // The Curl input `b1t6(digest ‖ nonce LE) ‖ 0,0,0`, loaded into the state from the bytes.
    let mut input = [0u8; BLAKE2B_256_LEN + NONCE_LEN];
    input[..BLAKE2B_256_LEN].copy_from_slice(&blake2b_256(head));
    input[BLAKE2B_256_LEN..].copy_from_slice(&nonce.to_le_bytes());
    Ok(curl::b1t6_block_trailing_zeros(&input))
}

/// Trailing zero trits of a message's PoW hash; 0 for a message shorter than 8 bytes.
pub fn trailing_zeros(message: &[u8]) -> u32 {
    try_trailing_zeros(message).unwrap_or(0)
}

/// The PoW score of a message: `3^trailing_zeros / message.len()`.
///
/// ```
/// use tangle_crypto::pow::{try_score, PowError};
///
/// assert_eq!(try_score(&[0u8; 8])?, 3.0 / 8.0);
/// assert_eq!(try_score(&[0u8; 7]), Err(PowError::MessageTooShort { len: 7 }));
/// # Ok::<(), PowError>(())
/// ```
pub fn try_score(message: &[u8]) -> Result<f64, PowError> {
    try_trailing_zeros(message).map(|z| score_from_trailing_zeros(z, message.len()))
}

/// The PoW score of a message; 0.0 for a message shorter than 8 bytes (it has no nonce).
pub fn score(message: &[u8]) -> f64 {
    try_score(message).unwrap_or(0.0)
}

/// `3^trailing_zeros / message_len` (infinite for `message_len == 0`), computed exactly as
/// [`score`] computes it.
pub fn score_from_trailing_zeros(trailing_zeros: u32, message_len: usize) -> f64 {
    let power = match POW3.get(trailing_zeros as usize) {
        Some(&p) => p,
        None => {
            let mut p = POW3[HASH_LENGTH];
            let mut z = MAX_TRAILING_ZEROS;
            while z < trailing_zeros && p.is_finite() {
                p *= 3.0;
                z += 1;
            }
            p
        }
    };
    power / message_len as f64
}

/// The fewest trailing zero trits with which a message of `message_len` bytes reaches
/// `target_score`, or `None` when even 243 are not enough (or the target is NaN).
///
/// ```
/// use tangle_crypto::pow::min_trailing_zeros;
///
/// // 3^12 / 200 = 2657.2 < 4000 <= 3^13 / 200 = 7971.6
/// assert_eq!(min_trailing_zeros(4000.0, 200), Some(13));
/// assert_eq!(min_trailing_zeros(0.0, 200), Some(0));
/// assert_eq!(min_trailing_zeros(f64::INFINITY, 200), None);
/// ```
pub fn min_trailing_zeros(target_score: f64, message_len: usize) -> Option<u32> {
    (0..=MAX_TRAILING_ZEROS).find(|&z| score_from_trailing_zeros(z, message_len) >= target_score)
}
