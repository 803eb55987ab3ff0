//! Straightforward Curl-P-81, written the way the protocol describes it.
//!
//! It is slow (one table look-up per trit and round, 59 049 per transform) but easy to check
//! against the specification; the tests and benchmarks compare the fast implementation with it.

use super::{HASH_LENGTH, NUM_ROUNDS, STATE_LENGTH};
use crate::ternary::Trit;

/// The truth table of one round: trit `i` becomes `T[s[p_i] + 4·s[p_(i+1)] + 5]`.
/// Entries 3 and 7 (value 2) are never selected by valid trits.
const T: [i8; 11] = [1, 0, -1, 2, 1, -1, 0, 2, -1, 1, 0];

/// One output trit of a round from its two inputs, looked up in the protocol's table.
///
/// ```
/// use tangle_crypto::curl::reference::truth_table;
/// use tangle_crypto::ternary::Trit;
///
/// assert_eq!(truth_table(Trit::Zero, Trit::Zero), Trit::MinusOne);
/// ```
pub fn truth_table(a: Trit, b: Trit) -> Trit {
    let index = (a.value() + 4 * b.value() + 5) as usize;
    // Valid trits never reach the entries holding 2; map them to zero rather than panic.
    Trit::from_i8(T[index]).unwrap_or(Trit::Zero)
}

/// The Curl-P-81 transform: 81 rounds over the 729-trit state.
pub fn transform(state: &mut [Trit; STATE_LENGTH]) {
    for _ in 0..NUM_ROUNDS {
        let copy = *state;
        let mut p = 0usize;
        for trit in state.iter_mut() {
            let next = if p < 365 { p + 364 } else { p - 365 };
            *trit = truth_table(copy[p], copy[next]);
            p = next;
        }
    }
}

/// Curl-P-81 of `input` with the reference transform: absorb in 243-trit blocks (a shorter last
/// block overwrites only the start of the state), then squeeze one 243-trit block.
///
/// ```
/// use tangle_crypto::curl::{reference, CurlP81};
/// use tangle_crypto::ternary::Trit;
///
/// let input = [Trit::PlusOne; 243];
/// assert_eq!(reference::hash(&input), CurlP81::digest(&input));
/// ```
pub fn hash(input: &[Trit]) -> [Trit; HASH_LENGTH] {
    let mut state = [Trit::Zero; STATE_LENGTH];
    for block in input.chunks(HASH_LENGTH) {
        state[..block.len()].copy_from_slice(block);
        transform(&mut state);
    }
    let mut out = [Trit::Zero; HASH_LENGTH];
    out.copy_from_slice(&state[..HASH_LENGTH]);
    out
}
