//! Curl-P-81, the ternary sponge used by Chrysalis proof of work (TIP-12).
//!
//! The state has 729 trits, all zero at the start. Absorbing copies each 243-trit block over
//! `state[0..243]` and transforms; squeezing reads `state[0..243]`. The transform is 81 rounds; in
//! each, with `s` a copy of the state and `p_i = 364·i mod 729`, trit `i` becomes
//! `T[s[p_i] + 4·s[p_(i+1)] + 5]` with `T = [1, 0, -1, 2, 1, -1, 0, 2, -1, 1, 0]`.
//!
//! [`transform`] is the fast implementation (bit-planes and a rotating state layout, a few hundred
//! word operations per round); [`reference`](mod@reference) is a literal transcription of the definition that
//! the tests compare it with.
//!
//! ```
//! use tangle_crypto::curl::CurlP81;
//! use tangle_crypto::ternary::{trits_to_trytes, trytes_to_trits};
//!
//! let input = trytes_to_trits(&"9".repeat(81))?;
//! let mut curl = CurlP81::new();
//! curl.absorb(&input);
//! let hash = curl.squeeze();
//! assert_eq!(trits_to_trytes(&hash)?.len(), 81);
//! # Ok::<(), tangle_crypto::ternary::TernaryError>(())
//! ```

mod layout;
mod planes;
pub mod reference;
pub(crate) mod sliced;

use crate::ternary::Trit;
use planes::Planes;

/// The bit-plane code `(hi, lo)` of a trit, shared by the single and the bit-sliced Curl.
pub(crate) use planes::encode as planes_encode;

/// Trits in a Curl-P-81 state.
pub const STATE_LENGTH: usize = 729;
/// Trits in one absorbed or squeezed block (and in a hash).
pub const HASH_LENGTH: usize = 243;
/// Rounds per transform.
pub const NUM_ROUNDS: usize = 81;

/// The Curl-P-81 transform (fast implementation), in place.
///
/// ```
/// use tangle_crypto::curl::{reference, transform};
/// use tangle_crypto::ternary::Trit;
///
/// let mut fast = [Trit::Zero; 729];
/// fast[0] = Trit::PlusOne;
/// let mut slow = fast;
/// transform(&mut fast);
/// reference::transform(&mut slow);
/// assert_eq!(fast, slow);
/// ```
pub fn transform(state: &mut [Trit; STATE_LENGTH]) {
    let mut planes = Planes::from_state(state);
    planes.transform();
    planes.write_state(state);
}

/// Curl-P-81 of exactly one 243-trit block: absorb it into a fresh state and squeeze one block.
/// This is the proof-of-work case and the quickest way to hash one block.
///
/// ```
/// use tangle_crypto::curl::{hash_block, CurlP81};
/// use tangle_crypto::ternary::Trit;
///
/// let block = [Trit::MinusOne; 243];
/// assert_eq!(hash_block(&block), CurlP81::digest(&block));
/// ```
pub fn hash_block(block: &[Trit; HASH_LENGTH]) -> [Trit; HASH_LENGTH] {
    let mut planes = Planes::ZERO;
    planes.load_prefix(block);
    planes.transform();
    let mut out = [Trit::Zero; HASH_LENGTH];
    for (j, t) in out.iter_mut().enumerate() {
        *t = planes.output(j);
    }
    out
}

/// The number of zero trits at the end of [`hash_block`]`(block)`, without building the hash.
///
/// ```
/// use tangle_crypto::curl::{hash_block, hash_block_trailing_zeros};
/// use tangle_crypto::ternary::Trit;
///
/// let block = [Trit::Zero; 243];
/// let hash = hash_block(&block);
/// let zeros = hash.iter().rev().take_while(|&&t| t == Trit::Zero).count();
/// assert_eq!(hash_block_trailing_zeros(&block) as usize, zeros);
/// ```
pub fn hash_block_trailing_zeros(block: &[Trit; HASH_LENGTH]) -> u32 {
    let mut planes = Planes::ZERO;
    planes.load_prefix(block);
    planes.transform();
    planes.trailing_zeros_of_hash()
}

/// [`hash_block_trailing_zeros`] of the block `b1t6(bytes) ‖ 0…0` (at most 40 bytes, 240
/// trits; more are ignored), without building the trits: the proof-of-work score's case.
///
/// ```
/// use tangle_crypto::curl::{b1t6_block_trailing_zeros, hash_block_trailing_zeros, HASH_LENGTH};
/// use tangle_crypto::ternary::{b1t6_encode, Trit};
///
/// let bytes = [0x5a_u8; 40];
/// let mut block = [Trit::Zero; HASH_LENGTH];
/// block[..240].copy_from_slice(&b1t6_encode(&bytes));
/// assert_eq!(b1t6_block_trailing_zeros(&bytes), hash_block_trailing_zeros(&block));
/// ```
pub fn b1t6_block_trailing_zeros(bytes: &[u8]) -> u32 {
    let mut planes = Planes::ZERO;
    planes.load_b1t6(bytes.get(..HASH_LENGTH / 6).unwrap_or(bytes));
    planes.transform();
    planes.trailing_zeros_of_hash()
}

/// A Curl-P-81 sponge.
#[derive(Clone, PartialEq, Eq)]
pub struct CurlP81 {
    state: [Trit; STATE_LENGTH],
}

impl Default for CurlP81 {
    fn default() -> Self {
        CurlP81 {
            state: [Trit::Zero; STATE_LENGTH],
        }
    }
}

impl core::fmt::Debug for CurlP81 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CurlP81")
    }
}

impl CurlP81 {
    /// A sponge with the all-zero state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Back to the all-zero state.
    pub fn reset(&mut self) {
        self.state = [Trit::Zero; STATE_LENGTH];
    }

    /// Absorbs `trits` in 243-trit blocks: each block overwrites the start of the state and is
    /// followed by a transform. A shorter last block overwrites only as many trits as it has.
    /// Absorbing nothing does nothing.
    pub fn absorb(&mut self, trits: &[Trit]) {
        for block in trits.chunks(HASH_LENGTH) {
            self.state[..block.len()].copy_from_slice(block);
            transform(&mut self.state);
        }
    }

    /// Squeezes one 243-trit block: returns `state[0..243]`, then transforms so that a further
    /// squeeze yields the next block.
    pub fn squeeze(&mut self) -> [Trit; HASH_LENGTH] {
        let mut out = [Trit::Zero; HASH_LENGTH];
        out.copy_from_slice(&self.state[..HASH_LENGTH]);
        transform(&mut self.state);
        out
    }

    /// Squeezes `out.len()` trits, 243 at a time (see [`Self::squeeze`]).
    pub fn squeeze_into(&mut self, out: &mut [Trit]) {
        for chunk in out.chunks_mut(HASH_LENGTH) {
            chunk.copy_from_slice(&self.state[..chunk.len()]);
            transform(&mut self.state);
        }
    }

    /// The whole 729-trit state.
    pub fn state(&self) -> &[Trit; STATE_LENGTH] {
        &self.state
    }

    /// One-shot hash: absorb `input`, squeeze one block.
    pub fn digest(input: &[Trit]) -> [Trit; HASH_LENGTH] {
        let mut curl = CurlP81::new();
        curl.absorb(input);
        let mut out = [Trit::Zero; HASH_LENGTH];
        out.copy_from_slice(&curl.state[..HASH_LENGTH]);
        out
    }
}
