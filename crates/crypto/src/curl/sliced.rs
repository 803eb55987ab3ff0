//! Curl-P-81 on many independent inputs at once ("bit-sliced" across inputs).
//!
//! Each trit position holds `[u64; L]` words per plane: bit `b` of word `l` belongs to input
//! `64·l + b`. The encoding and round function are the ones of [`super::planes`]; the state uses
//! the rotating layout of [`super::layout`], so a round is two sweeps over contiguous slices
//! (`k` with `k + d`), which the compiler vectorises.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::layout::{FINAL_POSITION, ROTATIONS};
use super::planes::round_function;
use super::{NUM_ROUNDS, STATE_LENGTH};

const N: usize = STATE_LENGTH;

/// One bit-plane word group: `64·L` inputs.
pub(crate) type Word<const L: usize> = [u64; L];

/// Two states (current and next) of `64·L` parallel Curl instances.
#[derive(Clone)]
pub(crate) struct Sliced<const L: usize> {
    hi: [Word<L>; N],
    lo: [Word<L>; N],
    next_hi: [Word<L>; N],
    next_lo: [Word<L>; N],
}

impl<const L: usize> Sliced<L> {
    /// All instances at the all-zero state.
    pub(crate) fn new() -> Box<Self> {
        Box::new(Sliced {
            hi: [[u64::MAX; L]; N],
            lo: [[u64::MAX; L]; N],
            next_hi: [[u64::MAX; L]; N],
            next_lo: [[u64::MAX; L]; N],
        })
    }

    /// Sets trit `i` of every instance from encoded planes (see [`super::planes`]).
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, hi: Word<L>, lo: Word<L>) {
        self.hi[i] = hi;
        self.lo[i] = lo;
    }

    /// Copies the input state of `other` (what was [`Self::set`] there, not its results).
    pub(crate) fn load(&mut self, other: &Self) {
        self.hi = other.hi;
        self.lo = other.lo;
    }

    /// Runs the 81 rounds, the last ones only as far as `plan` needs. Afterwards read the output
    /// trits `plan` was made for with [`Self::is_zero`].
    pub(crate) fn transform(&mut self, plan: &TailPlan) {
        // Ping-pong between the two halves; 81 is odd, so the result ends in `next_*`.
        const _: () = assert!(ROTATIONS.len() % 2 == 1);
        for (r, &d) in ROTATIONS.iter().enumerate() {
            let partial = r
                .checked_sub(plan.first_partial)
                .and_then(|i| plan.rounds.get(i));
            let (hi, lo, next_hi, next_lo) = if r % 2 == 0 {
                (&self.hi, &self.lo, &mut self.next_hi, &mut self.next_lo)
            } else {
                (&self.next_hi, &self.next_lo, &mut self.hi, &mut self.lo)
            };
            match partial {
                Some(pairs) => partial_round(hi, lo, next_hi, next_lo, pairs),
                None => round(hi, lo, next_hi, next_lo, d),
            }
        }
    }

    /// After [`Self::transform`]: per instance, whether output trit `j` (standard layout) is zero.
    #[inline(always)]
    pub(crate) fn is_zero(&self, j: usize) -> Word<L> {
        let k = usize::from(FINAL_POSITION[j]);
        let mut out = [0u64; L];
        for (l, o) in out.iter_mut().enumerate() {
            *o = self.next_hi[k][l] & self.next_lo[k][l];
        }
        out
    }
}

/// The trits the last rounds must compute when only some output trits are read: output `j`
/// needs two trits of the round before, those need up to four, and so on, so the last few rounds
/// of a proof-of-work check touch only a small part of the state.
#[derive(Clone, Debug)]
pub(crate) struct TailPlan {
    /// First round computed partially (81 when none is).
    first_partial: usize,
    /// For each round from `first_partial` on: `(k, (k + d_r) mod 729)` for every stored
    /// position `k` it must compute.
    rounds: Vec<Vec<(u16, u16)>>,
}

impl TailPlan {
    /// Above this many positions a full (vectorised) sweep is cheaper than picking positions.
    const MAX_PARTIAL: usize = 256;

    /// A plan for reading the output trits `outputs` (positions in the standard layout).
    pub(crate) fn new(outputs: impl IntoIterator<Item = usize>) -> TailPlan {
        let mut needed = [false; N];
        for j in outputs {
            if let Some(&k) = FINAL_POSITION.get(j) {
                needed[usize::from(k)] = true;
            }
        }
        let mut rounds = Vec::new();
        let mut first_partial = NUM_ROUNDS;
        while first_partial > 0 && needed.iter().filter(|&&n| n).count() <= Self::MAX_PARTIAL {
            first_partial -= 1;
            let d = ROTATIONS[first_partial];
            let pairs: Vec<(u16, u16)> = (0..N)
                .filter(|&k| needed[k])
                .map(|k| (k as u16, ((k + d) % N) as u16))
                .collect();
            needed = [false; N];
            for &(k, b) in &pairs {
                needed[usize::from(k)] = true;
                needed[usize::from(b)] = true;
            }
            rounds.push(pairs);
        }
        rounds.reverse();
        TailPlan {
            first_partial,
            rounds,
        }
    }
}

/// A round that computes only the listed positions.
#[inline(never)]
fn partial_round<const L: usize>(
    hi: &[Word<L>; N],
    lo: &[Word<L>; N],
    next_hi: &mut [Word<L>; N],
    next_lo: &mut [Word<L>; N],
    pairs: &[(u16, u16)],
) {
    for &(k, b) in pairs {
        let (k, b) = (usize::from(k), usize::from(b));
        for l in 0..L {
            (next_hi[k][l], next_lo[k][l]) = round_function(hi[k][l], lo[k][l], hi[b][l], lo[b][l]);
        }
    }
}

#[inline(always)]
fn round<const L: usize>(
    hi: &[Word<L>; N],
    lo: &[Word<L>; N],
    next_hi: &mut [Word<L>; N],
    next_lo: &mut [Word<L>; N],
    d: usize,
) {
    let n = N - d;
    let (nh0, nh1) = next_hi.split_at_mut(n);
    let (nl0, nl1) = next_lo.split_at_mut(n);
    sweep(nh0, nl0, &hi[..n], &lo[..n], &hi[d..], &lo[d..]);
    sweep(nh1, nl1, &hi[n..], &lo[n..], &hi[..d], &lo[..d]);
}

// Not inlined: as a function of its own, the output and input slices keep their no-alias
// guarantee, which lets the compiler vectorise the loop.
#[inline(never)]
fn sweep<const L: usize>(
    out_hi: &mut [Word<L>],
    out_lo: &mut [Word<L>],
    a_hi: &[Word<L>],
    a_lo: &[Word<L>],
    b_hi: &[Word<L>],
    b_lo: &[Word<L>],
) {
    // Two independent streams (the two halves of the range) per iteration: twice the vector
    // work per loop step.
    let n = out_hi.len();
    let half = n / 2;
    let (oh1, oh2) = out_hi.split_at_mut(half);
    let (ol1, ol2) = out_lo[..n].split_at_mut(half);
    let (ah1, ah2) = a_hi[..n].split_at(half);
    let (al1, al2) = a_lo[..n].split_at(half);
    let (bh1, bh2) = b_hi[..n].split_at(half);
    let (bl1, bl2) = b_lo[..n].split_at(half);
    let (oh2, oh2_rest) = oh2.split_at_mut(half);
    let (ol2, ol2_rest) = ol2.split_at_mut(half);
    let (ah2, ah2_rest) = ah2.split_at(half);
    let (al2, al2_rest) = al2.split_at(half);
    let (bh2, bh2_rest) = bh2.split_at(half);
    let (bl2, bl2_rest) = bl2.split_at(half);
    for i in 0..half {
        for l in 0..L {
            (oh1[i][l], ol1[i][l]) = round_function(ah1[i][l], al1[i][l], bh1[i][l], bl1[i][l]);
            (oh2[i][l], ol2[i][l]) = round_function(ah2[i][l], al2[i][l], bh2[i][l], bl2[i][l]);
        }
    }
    let outs = oh2_rest.iter_mut().zip(ol2_rest.iter_mut());
    let ins = ah2_rest
        .iter()
        .zip(al2_rest)
        .zip(bh2_rest.iter().zip(bl2_rest));
    for ((oh, ol), ((ah, al), (bh, bl))) in outs.zip(ins) {
        for l in 0..L {
            (oh[l], ol[l]) = round_function(ah[l], al[l], bh[l], bl[l]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curl::{HASH_LENGTH, hash_block, planes_encode};
    use crate::ternary::Trit;

    /// 64 different blocks, bit-sliced Curl with plans of several sizes, against `hash_block`.
    #[test]
    fn sliced_matches_single_hashes() {
        let blocks: Vec<[Trit; HASH_LENGTH]> = (0..64u64)
            .map(|lane| {
                let mut block = [Trit::Zero; HASH_LENGTH];
                let mut x = lane.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                for t in block.iter_mut() {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *t = Trit::ALL[(x % 3) as usize];
                }
                block
            })
            .collect();
        let expected: Vec<[Trit; HASH_LENGTH]> = blocks.iter().map(hash_block).collect();
        for tail in [0usize, 1, 13, 40, 243] {
            let plan = TailPlan::new(HASH_LENGTH - tail..HASH_LENGTH);
            let mut sliced = Sliced::<1>::new();
            for i in 0..HASH_LENGTH {
                let (mut hi, mut lo) = (0u64, 0u64);
                for (lane, block) in blocks.iter().enumerate() {
                    let (h, l) = planes_encode(block[i]);
                    hi |= u64::from(h) << lane;
                    lo |= u64::from(l) << lane;
                }
                sliced.set(i, [hi], [lo]);
            }
            sliced.transform(&plan);
            for j in HASH_LENGTH - tail..HASH_LENGTH {
                let [zero] = sliced.is_zero(j);
                for (lane, hash) in expected.iter().enumerate() {
                    assert_eq!(
                        zero >> lane & 1 == 1,
                        hash[j] == Trit::Zero,
                        "tail {tail} j {j}"
                    );
                }
            }
        }
        // Only the requested outputs are guaranteed; a plan for none skips work entirely.
        assert_eq!(TailPlan::new(core::iter::empty()).first_partial, 0);
        assert!(TailPlan::new(0..HASH_LENGTH).first_partial < NUM_ROUNDS);
        let pow_plan = TailPlan::new(HASH_LENGTH - 13..HASH_LENGTH);
        assert!(
            pow_plan.first_partial < NUM_ROUNDS - 3,
            "{}",
            pow_plan.first_partial
        );
    }
}
