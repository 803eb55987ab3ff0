//! Nonce search on batches of nonces, with Curl bit-sliced across the nonces of a batch.

use alloc::boxed::Box;

use super::{DIGEST_TRITS, MineError, NONCE_LEN, curl_input, min_trailing_zeros, split};
use crate::curl::sliced::{Sliced, TailPlan, Word};
use crate::curl::{self, HASH_LENGTH};
use crate::hash::{BLAKE2B_256_LEN, blake2b_256};
use crate::ternary::{Trit, b1t6_encode_byte};

/// `u64` words per trit position: the batch holds `64 · LANES` nonces. One is the fastest
/// measured: with a single word per position the compiler vectorises each round across positions
/// (two per SSE2 register), while `[u64; 2]` and `[u64; 4]` positions stayed scalar and ran about
/// half as fast.
const LANES: usize = 1;
/// Trits of the nonce in the Curl input.
const NONCE_TRITS: usize = NONCE_LEN * 6;

/// b1t6 of every byte value.
const B1T6: [[Trit; 6]; 256] = {
    let mut out = [[Trit::Zero; 6]; 256];
    let mut b = 0;
    while b < 256 {
        out[b] = b1t6_encode_byte(b as u8);
        b += 1;
    }
    out
};

/// Searches batches of [`NonceSearcher::BATCH_SIZE`] consecutive nonces for one that gives a
/// message the target score. This is the single-threaded engine behind the `Miner` (available
/// with the `std` feature); it needs no `std` itself.
///
/// ```
/// use tangle_crypto::pow::{score, NonceSearcher};
///
/// let mut message = b"a small message and its nonce: ".to_vec();
/// message.extend_from_slice(&[0u8; 8]);
/// let mut searcher = NonceSearcher::new(&message, 100.0)?;
/// let mut first = 0u64;
/// let nonce = loop {
///     if let Some(nonce) = searcher.search_batch(first) {
///         break nonce;
///     }
///     first += NonceSearcher::BATCH_SIZE;
/// };
/// let at = message.len() - 8;
/// message[at..].copy_from_slice(&nonce.to_le_bytes());
/// assert!(score(&message) >= 100.0);
/// # Ok::<(), tangle_crypto::pow::MineError>(())
/// ```
#[derive(Clone)]
pub struct NonceSearcher {
    /// Curl input with the digest and the zero padding set; the nonce positions are rewritten
    /// for each batch.
    template: Box<Sliced<LANES>>,
    work: Box<Sliced<LANES>>,
    /// The last rounds compute only what the trailing-zero check reads.
    plan: TailPlan,
    digest: [u8; BLAKE2B_256_LEN],
    message_len: usize,
    target_score: f64,
    required_zeros: u32,
}

impl core::fmt::Debug for NonceSearcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NonceSearcher")
            .field("message_len", &self.message_len)
            .field("target_score", &self.target_score)
            .field("required_zeros", &self.required_zeros)
            .finish_non_exhaustive()
    }
}

impl NonceSearcher {
    /// Nonces tried by one [`Self::search_batch`] call.
    pub const BATCH_SIZE: u64 = 64 * LANES as u64;

    /// Prepares a search for `message` (the whole serialized message; its last 8 bytes, the
    /// nonce, are ignored) and `target_score`.
    pub fn new(message: &[u8], target_score: f64) -> Result<Self, MineError> {
        let (head, _) =
            split(message).map_err(|_| MineError::MessageTooShort { len: message.len() })?;
        let message_len = message.len();
        let required_zeros =
            min_trailing_zeros(target_score, message_len).ok_or(MineError::TargetUnreachable {
                target_score,
                message_len,
            })?;
        let digest = blake2b_256(head);
        let mut template = Sliced::<LANES>::new();
        // Nonce 0 fills the nonce positions too; every batch overwrites them.
        for (i, &t) in curl_input(&digest, 0).iter().enumerate() {
            let (hi, lo) = broadcast(t);
            template.set(i, hi, lo);
        }
        let plan = TailPlan::new(HASH_LENGTH - required_zeros as usize..HASH_LENGTH);
        Ok(NonceSearcher {
            work: template.clone(),
            plan,
            template,
            digest,
            message_len,
            target_score,
            required_zeros,
        })
    }

    /// Trailing zero trits a hash needs to reach the target score.
    pub fn required_trailing_zeros(&self) -> u32 {
        self.required_zeros
    }

    /// Tries the nonces `first_nonce, first_nonce + 1, ...` ([`Self::BATCH_SIZE`] of them,
    /// wrapping around after `u64::MAX`) and returns the smallest-offset one that reaches the
    /// target, if any.
    pub fn search_batch(&mut self, first_nonce: u64) -> Option<u64> {
        if self.required_zeros == 0 {
            return Some(first_nonce);
        }
        self.work.load(&self.template);
        self.fill_nonces(first_nonce);
        self.work.transform(&self.plan);

        let first_zero = HASH_LENGTH - self.required_zeros as usize;
        let mut found = [u64::MAX; LANES];
        for j in first_zero..HASH_LENGTH {
            let zero = self.work.is_zero(j);
            for (f, z) in found.iter_mut().zip(zero) {
                *f &= z;
            }
        }
        for (word, mut bits) in found.into_iter().enumerate() {
            while bits != 0 {
                let bit = u64::from(bits.trailing_zeros());
                bits &= bits - 1;
                let nonce = first_nonce.wrapping_add(word as u64 * 64 + bit);
                if self.verify(nonce) {
                    return Some(nonce);
                }
            }
        }
        None
    }

    /// Writes the nonce trits of the batch into the work state: bytes that are the same for the
    /// whole batch are broadcast, only the others are spread lane by lane.
    fn fill_nonces(&mut self, first_nonce: u64) {
        let first = first_nonce.to_le_bytes();
        let last = first_nonce.wrapping_add(Self::BATCH_SIZE - 1);
        // Without wrap-around, byte b is constant iff the nonces agree from byte b upwards.
        let varying = if last < first_nonce {
            NONCE_LEN
        } else {
            let differing_bits = 64 - (first_nonce ^ last).leading_zeros() as usize;
            differing_bits.div_ceil(8)
        };
        for (b, &byte) in first.iter().enumerate().skip(varying) {
            for (t, &trit) in B1T6[usize::from(byte)].iter().enumerate() {
                let (hi, lo) = broadcast(trit);
                self.work.set(DIGEST_TRITS + 6 * b + t, hi, lo);
            }
        }
        let mut planes = [([0u64; LANES], [0u64; LANES]); NONCE_TRITS];
        for lane in 0..Self::BATCH_SIZE {
            let nonce = first_nonce.wrapping_add(lane).to_le_bytes();
            let (word, bit) = ((lane / 64) as usize, lane % 64);
            let trits = nonce[..varying].iter().flat_map(|&b| B1T6[usize::from(b)]);
            for ((hi, lo), t) in planes.iter_mut().zip(trits) {
                let (h, l) = crate::curl::planes_encode(t);
                hi[word] |= u64::from(h) << bit;
                lo[word] |= u64::from(l) << bit;
            }
        }
        for (p, &(hi, lo)) in planes.iter().enumerate().take(6 * varying) {
            self.work.set(DIGEST_TRITS + p, hi, lo);
        }
    }

    /// Scalar check of a candidate (guards the bit-sliced path).
    fn verify(&self, nonce: u64) -> bool {
        let zeros = curl::hash_block_trailing_zeros(&curl_input(&self.digest, nonce));
        super::score_from_trailing_zeros(zeros, self.message_len) >= self.target_score
    }
}

/// One trit for every lane.
fn broadcast(t: Trit) -> (Word<LANES>, Word<LANES>) {
    let (h, l) = crate::curl::planes_encode(t);
    let spread = |b: bool| [if b { u64::MAX } else { 0 }; LANES];
    (spread(h), spread(l))
}
