//! The rotating state layout that turns a Curl round into "combine each trit with a rotated copy".
//!
//! A round computes `t[i] = F(s[p_i], s[p_(i+1)])` with `p_i = 364·i mod 729`. Store the state of
//! round `r` permuted, `stored_r[k] = s_r[a_r·k mod 729]`, with `a_0 = 1` and
//! `a_(r+1) = −2·a_r mod 729` (note `364·(−2) ≡ 1`, so 364 is the inverse of −2). Then
//!
//! ```text
//! stored_(r+1)[k] = s_(r+1)[a_(r+1)·k] = F(s_r[364·a_(r+1)·k], s_r[364·a_(r+1)·k + 364])
//!                 = F(s_r[a_r·k], s_r[a_r·k + 364])
//!                 = F(stored_r[k], stored_r[k + d_r])      with a_r·d_r ≡ 364,
//! ```
//!
//! so `d_r = 364·a_r⁻¹ = 364^(r+1) mod 729` (the inverse of `a_(r+1)`, not `a_(r+1)` itself).
//! After the last round standard position `j` sits at stored index `j·a_81⁻¹ = j·364^81 mod 729`.

use super::{NUM_ROUNDS, STATE_LENGTH};

const N: usize = STATE_LENGTH;

/// `d_r = 364^(r+1) mod 729` for each round `r`.
pub(crate) const ROTATIONS: [usize; NUM_ROUNDS] = {
    let mut out = [0usize; NUM_ROUNDS];
    let mut d = 1usize;
    let mut r = 0;
    while r < NUM_ROUNDS {
        d = d * 364 % N;
        out[r] = d;
        r += 1;
    }
    out
};

/// Where standard position `j` lives after all rounds: `j·364^81 mod 729`.
pub(crate) const FINAL_POSITION: [u16; N] = {
    let inverse = ROTATIONS[NUM_ROUNDS - 1];
    let mut out = [0u16; N];
    let mut j = 0;
    while j < N {
        out[j] = (j * inverse % N) as u16;
        j += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotations_follow_from_the_layout_multipliers() {
        // a_r = (-2)^r mod 729; a_r · d_r ≡ 364.
        let mut a = 1usize;
        for d in ROTATIONS {
            assert_eq!(a * d % N, 364);
            a = a * (N - 2) % N;
        }
        // After 81 rounds stored[k] = s[a_81·k]: FINAL_POSITION inverts that.
        for (j, &k) in FINAL_POSITION.iter().enumerate() {
            assert_eq!(a * usize::from(k) % N, j);
        }
    }
}
