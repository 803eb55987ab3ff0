//! Fast Curl-P-81 on one state: 729 trits in two bit-planes of twelve `u64` words.
//!
//! Trit encoding (found by an exhaustive search for the cheapest round function):
//! `hi` is set unless the trit is −1, `lo` is set unless the trit is +1, so
//! −1 = (hi 0, lo 1), 0 = (1, 1), +1 = (1, 0). With `a = stored[k]` and `b = stored[k + d]`
//! (see [`super::layout`]) a round is, bitwise,
//!
//! ```text
//! hi' = (a.lo & b.lo) ^ (a.hi & b.hi)
//! lo' = a.hi ^ (a.lo & !b.lo)
//! ```
//!
//! which the tests check against the protocol's table for all nine input pairs.

use super::layout::{FINAL_POSITION, ROTATIONS};
use super::{HASH_LENGTH, STATE_LENGTH};
use crate::ternary::{Trit, b1t6_encode_byte};

/// Words per plane: 729 bits rounded up to 768.
const WORDS: usize = 12;
/// Valid bits in the last word: 729 − 11·64.
const TAIL_BITS: u32 = (STATE_LENGTH - (WORDS - 1) * 64) as u32;
const TAIL_MASK: u64 = (1 << TAIL_BITS) - 1;

/// The round function on encoded trits, one bit lane at a time; returns `(hi, lo)`.
#[inline(always)]
pub(crate) fn round_function(a_hi: u64, a_lo: u64, b_hi: u64, b_lo: u64) -> (u64, u64) {
    ((a_lo & b_lo) ^ (a_hi & b_hi), a_hi ^ (a_lo & !b_lo))
}

/// `(hi, lo)` bits of a trit.
#[inline(always)]
pub(crate) const fn encode(trit: Trit) -> (bool, bool) {
    match trit {
        Trit::MinusOne => (false, true),
        Trit::Zero => (true, true),
        Trit::PlusOne => (true, false),
    }
}

/// The trit of `(hi, lo)` bits. `(0, 0)` never occurs: encoded trits stay encoded trits.
#[inline(always)]
pub(crate) const fn decode(hi: bool, lo: bool) -> Trit {
    match (hi, lo) {
        (false, _) => Trit::MinusOne,
        (true, false) => Trit::PlusOne,
        (true, true) => Trit::Zero,
    }
}

/// The `(hi, lo)` plane bits of the six b1t6 trits of each byte value (bit `i` for trit `i`),
/// so that b1t6 input goes into the planes six trits at a time.
const B1T6_PLANES: [(u8, u8); 256] = {
    let mut table = [(0u8, 0u8); 256];
    let mut byte = 0;
    while byte < 256 {
        let trits = b1t6_encode_byte(byte as u8);
        let (mut hi, mut lo) = (0u8, 0u8);
        let mut i = 0;
        while i < 6 {
            let (h, l) = encode(trits[i]);
            hi |= (h as u8) << i;
            lo |= (l as u8) << i;
            i += 1;
        }
        table[byte] = (hi, lo);
        byte += 1;
    }
    table
};

/// Overwrites the six bits at bit position `bit` of `plane` with `bits`.
#[inline(always)]
fn set_six(plane: &mut [u64; WORDS], bit: usize, bits: u8) {
    let (w, off) = (bit / 64, bit % 64);
    let bits = u64::from(bits);
    if let Some(word) = plane.get_mut(w) {
        *word = (*word & !(0x3f << off)) | (bits << off);
    }
    // The bits that spill into the next word.
    if off > 58
        && let Some(word) = plane.get_mut(w + 1)
    {
        let spill = off + 6 - 64;
        *word = (*word & !((1 << spill) - 1)) | (bits >> (6 - spill));
    }
}

/// A Curl state as two bit-planes.
#[derive(Clone, Copy)]
pub(crate) struct Planes {
    hi: [u64; WORDS],
    lo: [u64; WORDS],
}

impl Planes {
    /// The all-zero state.
    pub(crate) const ZERO: Planes = Planes {
        hi: [u64::MAX; WORDS],
        lo: [u64::MAX; WORDS],
    };

    #[inline(always)]
    fn get(&self, i: usize) -> Trit {
        let (w, bit) = (i / 64, i % 64);
        decode((self.hi[w] >> bit) & 1 == 1, (self.lo[w] >> bit) & 1 == 1)
    }

    /// After [`Self::transform`]: trit `j` of the state in the standard layout.
    #[inline(always)]
    pub(crate) fn output(&self, j: usize) -> Trit {
        self.get(usize::from(FINAL_POSITION[j]))
    }

    pub(crate) fn from_state(state: &[Trit; STATE_LENGTH]) -> Planes {
        let mut planes = Planes::ZERO;
        planes.load_prefix(state);
        planes
    }

    /// Overwrites trits `0..trits.len()` (at most 729), a word at a time.
    #[inline(always)]
    pub(crate) fn load_prefix(&mut self, trits: &[Trit]) {
        for ((hi, lo), chunk) in self
            .hi
            .iter_mut()
            .zip(self.lo.iter_mut())
            .zip(trits.chunks(64))
        {
            let (mut h, mut l) = (0u64, 0u64);
            for (bit, &t) in chunk.iter().enumerate() {
                h |= u64::from(t != Trit::MinusOne) << bit;
                l |= u64::from(t != Trit::PlusOne) << bit;
            }
            // Keep the trits of this word beyond the chunk (zeros for a fresh state).
            let keep = if chunk.len() == 64 {
                0
            } else {
                u64::MAX << chunk.len()
            };
            *hi = (*hi & keep) | h;
            *lo = (*lo & keep) | l;
        }
    }

    /// Overwrites trits `0..6·bytes.len()` with the b1t6 encoding of `bytes` (at most 121
    /// bytes; more are ignored): the same as [`Self::load_prefix`] of the encoded trits, six
    /// trits per table lookup.
    #[inline(always)]
    pub(crate) fn load_b1t6(&mut self, bytes: &[u8]) {
        for (i, &byte) in bytes.iter().take(STATE_LENGTH / 6).enumerate() {
            let (hi, lo) = B1T6_PLANES[usize::from(byte)];
            set_six(&mut self.hi, 6 * i, hi);
            set_six(&mut self.lo, 6 * i, lo);
        }
    }

    /// After [`Self::transform`]: the number of zero trits at the end of `state[0..243]`.
    pub(crate) fn trailing_zeros_of_hash(&self) -> u32 {
        let mut zeros = 0;
        for j in (0..HASH_LENGTH).rev() {
            let k = usize::from(FINAL_POSITION[j]);
            if (self.hi[k / 64] & self.lo[k / 64]) >> (k % 64) & 1 == 0 {
                break;
            }
            zeros += 1;
        }
        zeros
    }

    /// Writes the whole state back in the standard layout (call after [`Self::transform`]).
    pub(crate) fn write_state(&self, state: &mut [Trit; STATE_LENGTH]) {
        for (j, t) in state.iter_mut().enumerate() {
            *t = self.output(j);
        }
    }

    /// The 81 rounds. Afterwards the state is in the final permuted layout: read it with
    /// [`Self::output`].
    pub(crate) fn transform(&mut self) {
        for &d in ROTATIONS.iter() {
            self.round(d);
        }
    }

    #[inline(always)]
    fn round(&mut self, d: usize) {
        // d < 729, so q <= 11 already; the `min` lets the compiler see that the windows below
        // stay inside the doubled planes (q + 13 <= 24), so they need no bounds checks.
        let q = (d / 64).min(WORDS - 1);
        let s = (d % 64) as u32;
        let dh = doubled(&self.hi);
        let dl = doubled(&self.lo);
        let wh = &dh[q..q + WORDS + 1];
        let wl = &dl[q..q + WORDS + 1];
        for j in 0..WORDS {
            let b_hi = (wh[j] >> s) | ((wh[j + 1] << 1) << (63 - s));
            let b_lo = (wl[j] >> s) | ((wl[j + 1] << 1) << (63 - s));
            let (hi, lo) = round_function(self.hi[j], self.lo[j], b_hi, b_lo);
            self.hi[j] = hi;
            self.lo[j] = lo;
        }
    }
}

/// The 729 bits twice in a row (bits 0..1458), so that any rotation is a plain shifted read.
#[inline(always)]
fn doubled(p: &[u64; WORDS]) -> [u64; 2 * WORDS] {
    let mut d = [0u64; 2 * WORDS];
    d[..WORDS - 1].copy_from_slice(&p[..WORDS - 1]);
    // Bits above TAIL_BITS in the last word are junk; only here do they matter.
    d[WORDS - 1] = (p[WORDS - 1] & TAIL_MASK) | (p[0] << TAIL_BITS);
    for j in 1..WORDS {
        d[WORDS - 1 + j] = (p[j - 1] >> (64 - TAIL_BITS)) | (p[j] << TAIL_BITS);
    }
    d[2 * WORDS - 1] = p[WORDS - 1] >> (64 - TAIL_BITS);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curl::reference;
    use crate::ternary::b1t6_encode;
    use proptest::prelude::*;

    proptest! {
        /// Loading b1t6 bytes six trits at a time over any state equals loading the encoded
        /// trits one by one, for every length and byte value.
        #[test]
        fn load_b1t6_equals_loading_the_encoded_trits(
            bytes in proptest::collection::vec(any::<u8>(), 0..=121),
            seed in any::<u64>(),
        ) {
            let mut state = [Trit::Zero; STATE_LENGTH];
            let mut x = seed | 1;
            for t in state.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *t = Trit::ALL[(x % 3) as usize];
            }
            let mut fast = Planes::from_state(&state);
            fast.load_b1t6(&bytes);
            let mut slow = Planes::from_state(&state);
            slow.load_prefix(&b1t6_encode(&bytes));
            for i in 0..STATE_LENGTH {
                prop_assert_eq!(fast.get(i), slow.get(i), "trit {}", i);
            }
        }

        /// The proof-of-work path (bytes into the planes) counts the same trailing zeros as
        /// hashing the 243-trit block built by `curl_input`.
        #[test]
        fn pow_trailing_zeros_equal_the_block_hash(digest in any::<[u8; 32]>(), nonce in any::<u64>()) {
            let mut bytes = [0u8; 40];
            bytes[..32].copy_from_slice(&digest);
            bytes[32..].copy_from_slice(&nonce.to_le_bytes());
            let block = crate::pow::curl_input(&digest, nonce);
            prop_assert_eq!(
                crate::curl::b1t6_block_trailing_zeros(&bytes),
                crate::curl::hash_block_trailing_zeros(&block)
            );
            let hash = reference::hash(&block);
            let zeros = hash.iter().rev().take_while(|&&t| t == Trit::Zero).count() as u32;
            prop_assert_eq!(crate::curl::b1t6_block_trailing_zeros(&bytes), zeros);
        }
    }

    #[test]
    fn round_function_matches_the_table_exhaustively() {
        for a in Trit::ALL {
            for b in Trit::ALL {
                let (ah, al) = encode(a);
                let (bh, bl) = encode(b);
                let (h, l) =
                    round_function(u64::from(ah), u64::from(al), u64::from(bh), u64::from(bl));
                assert!(h | l == 1, "({a:?}, {b:?}) gave the unused code");
                assert_eq!(
                    decode(h == 1, l == 1),
                    reference::truth_table(a, b),
                    "({a:?}, {b:?})"
                );
            }
        }
        for t in Trit::ALL {
            let (h, l) = encode(t);
            assert_eq!(decode(h, l), t);
        }
    }

    #[test]
    fn doubled_repeats_the_state() {
        let mut state = [Trit::Zero; STATE_LENGTH];
        for (i, t) in state.iter_mut().enumerate() {
            *t = Trit::ALL[(i * 7 + i / 5) % 3];
        }
        let p = Planes::from_state(&state);
        for (i, &t) in state.iter().enumerate() {
            assert_eq!(p.get(i), t);
        }
        let d = doubled(&p.hi);
        for i in 0..2 * STATE_LENGTH {
            let bit = (d[i / 64] >> (i % 64)) & 1;
            let j = i % STATE_LENGTH;
            assert_eq!(bit, (p.hi[j / 64] >> (j % 64)) & 1, "bit {i}");
        }
    }
}
