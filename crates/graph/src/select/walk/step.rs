//! The weighted step in fixed point: factors `exp(−α·gap)` as integers (from a table for
//! small gaps), a branch-free pick among up to four approvers and a general one beyond
//! (ADR 0005).

use crate::id::Handle;
use crate::view::TangleView;

/// Fixed-point scale of the weighted step: a factor `exp(−α·gap)` is held as the integer
/// nearest `exp(−α·gap) · 2^60`, so the heaviest approver counts exactly `2^60`.
const FIXED_ONE: f64 = (1u64 << 60) as f64;

/// `α·gap` past which a factor is 0 without calling `exp`: `exp(−α·gap) · 2^60` is below 1/2
/// from 42.28 on, so it rounds to 0 anyway.
const FIXED_ZERO: f64 = 42.3;

/// Gaps below this read a table of factors instead of calling `exp`.
const TABLE: usize = 1024;

/// Tables kept at once (E-IOTA alternates between a few α).
const TABLES: usize = 4;

/// `exp(−d)` in fixed point.
fn to_fixed(d: f64) -> u64 {
    if d > FIXED_ZERO {
        0
    } else {
        ((-d).exp() * FIXED_ONE).round() as u64
    }
}

/// The factors of the weighted step for small integer gaps `g`, `exp(−α·g)` in fixed point
/// (filled by the same [`to_fixed`] the direct path uses: identical results), and buffers.
/// The table in use sits in `table`; up to `TABLES − 1` others wait in `spare`.
#[derive(Clone, Debug, Default)]
pub(crate) struct StepBuf {
    /// Approvers and weights of a step over more than four approvers.
    wide: (Vec<Handle>, Vec<u64>),
    alpha_bits: Option<u64>,
    table: Box<[u64]>,
    spare: Vec<(u64, Box<[u64]>)>,
}

impl StepBuf {
    /// Makes `table` the one for `alpha` (building it if needed).
    pub(super) fn prepare(&mut self, alpha: f64) {
        let bits = alpha.to_bits();
        if self.alpha_bits == Some(bits) {
            return;
        }
        let incoming = match self.spare.iter().position(|(b, _)| *b == bits) {
            Some(i) => self.spare.swap_remove(i).1,
            None => (0..TABLE).map(|g| to_fixed(alpha * g as f64)).collect(),
        };
        let outgoing = core::mem::replace(&mut self.table, incoming);
        if let Some(old) = self.alpha_bits.replace(bits) {
            if self.spare.len() + 1 >= TABLES {
                self.spare.remove(0);
            }
            self.spare.push((old, outgoing));
        }
    }

    /// `exp(−α·gap)` in fixed point.
    #[inline]
    fn factor(&self, alpha: f64, gap: u64) -> u64 {
        if gap < TABLE as u64
            && let Some(&f) = self.table.get(gap as usize)
        {
            return f;
        }
        to_fixed(alpha * gap as f64)
    }
}

/// `⌊u · sum / 2^64⌋`: where a uniform 64-bit word falls in `[0, sum)`.
#[inline]
fn scale(u: u64, sum: u128) -> u128 {
    let (high, low) = (sum >> 64, sum as u64);
    u128::from(u)
        .saturating_mul(high)
        .saturating_add((u128::from(u) * u128::from(low)) >> 64)
}

/// A weighted step from a vertex with one to four approvers, with no branch on their
/// number: on a k = 2 Tangle steps from vertices with 1, 2, 3 and 4 approvers are all common,
/// and a branch on the count mispredicted on most steps (docs/BENCHMARKS.md).
///
/// The arithmetic, shared with [`wide_step`]: the weight of approver `y` is
/// `f_y = exp(−α(H_max − H_y))` with `H_max` the heaviest approver's cumulative weight (`H_x`
/// cancels from `exp(−α(H_x − H_y)) / Σ_z exp(−α(H_x − H_z))`), so every exponent is ≤ 0 and
/// nothing overflows whatever α and the weights. Each `f_y` is held in fixed point, rounded
/// to a multiple of `2^−60` (the heaviest is exactly 1, so the sum is ≥ 1); a uniform 64-bit
/// word `u` gives `r = ⌊u · Σf / 2^64⌋`, and the step takes the first approver, in
/// [`TangleView::approvers`] order, whose running sum exceeds `r`. The probability of `y` is
/// thus its rounded factor over the rounded sum to within `2^−64`. A rounded factor is the
/// `f64` value of `exp` (relative error about `2^−53`, as before) rounded to a multiple of
/// `2^−60`; a move of probability below about `2^−61` (`α·ΔH > 42.28`) is never taken, as
/// double precision would drop a term below `2^−53` of the sum (ADR 0005).
/// Integers rather than floats: the end of the step's dependency chain (sum, scale, compare,
/// select) is a few one-cycle operations; with the branch-free selects, walks take ≈ 0.86× the
/// time of the earlier `f64` step (docs/BENCHMARKS.md, "Fixed-point step").
#[inline]
pub(super) fn small_step<V: TangleView>(
    view: &V,
    weight: impl Fn(Handle) -> u64,
    x: Handle,
    alpha: f64,
    u: u64,
    buf: &StepBuf,
) -> Handle {
    let len = view.len();
    // A slot is live if it is a vertex; the others repeat the first approver (`x` itself if a
    // faulty view has none there), so their weights and gaps are ordinary ones and only their
    // factors are masked to 0. (For a view that keeps the contract the live slots are exactly
    // the first `approver_count(x)`; the count itself stays off the chain.)
    let slots = view.first_approvers(x);
    let live = slots.map(|y| y.index() < len);
    let first = if live[0] { slots[0] } else { x };
    let ys: [Handle; 4] = core::array::from_fn(|i| if live[i] { slots[i] } else { first });
    let hs = ys.map(weight);
    let h_max = hs[0].max(hs[1]).max(hs[2].max(hs[3]));
    let mut fs = [0u64; 4];
    for (i, f) in fs.iter_mut().enumerate() {
        let factor = buf.factor(alpha, h_max - hs[i]);
        *f = if live[i] { factor } else { 0 };
    }
    // At most 4 · 2^60: no overflow.
    // Sums and selects as trees: the step is one long dependency chain.
    let below_1 = fs[0];
    let below_2 = below_1 + fs[1];
    let below_3 = below_2 + fs[2];
    let sum = below_2 + (fs[2] + fs[3]);
    // The heaviest live slot has factor 2^60, so `r < sum`; a slot of factor 0 adds nothing,
    // so no empty slot is ever taken. (Only a faulty view with no vertex in its first slot can
    // leave every factor 0; the pick is then `x`, which ends the walk, or a live slot.)
    let r = scale(u, u128::from(sum)) as u64;
    // Selects rather than an index into `ys`: measured faster.
    let low = if r >= below_1 { ys[1] } else { ys[0] };
    let high = if r >= below_3 { ys[3] } else { ys[2] };
    if r >= below_2 { high } else { low }
}

/// The weighted step over any number of approvers, with the arithmetic of [`small_step`]
/// (identical picks for the same word where both apply). Sums are 128-bit: `2^60` per
/// approver.
pub(super) fn wide_step<V: TangleView>(
    view: &V,
    weight: impl Fn(Handle) -> u64,
    x: Handle,
    count: usize,
    alpha: f64,
    u: u64,
    buf: &mut StepBuf,
) -> Option<Handle> {
    let (mut ys, mut hs) = core::mem::take(&mut buf.wide);
    ys.clear();
    hs.clear();
    for y in view.approvers(x).take(count) {
        ys.push(y);
        hs.push(weight(y));
    }
    let h_max = hs.iter().copied().max().unwrap_or(0);
    let sum: u128 = hs
        .iter()
        .map(|&h| u128::from(buf.factor(alpha, h_max - h)))
        .sum();
    let r = scale(u, sum);
    let mut below = 0u128;
    let mut picked = None;
    for (&y, &h) in ys.iter().zip(&hs) {
        below += u128::from(buf.factor(alpha, h_max - h));
        if r < below {
            picked = Some(y);
            break;
        }
    }
    buf.wide = (ys, hs);
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tangle;
    use crate::select::walk::fixtures::fan;

    /// The step that a word picks, through the path the walk takes for this many approvers.
    fn step(t: &Tangle<u64>, x: Handle, alpha: f64, u: u64, buf: &mut StepBuf) -> Handle {
        buf.prepare(alpha);
        let count = t.approver_count(x);
        if count <= 4 {
            small_step(t, |y| t.exact_cumulative_weight(y), x, alpha, u, buf)
        } else {
            wide_step(t, |y| t.exact_cumulative_weight(y), x, count, alpha, u, buf).unwrap()
        }
    }

    /// Words spread evenly over `u64` pick each approver as often as its factor's share of
    /// the sum, to within one word: the approvers own contiguous ranges of words of the
    /// right lengths. Four approvers (the branch-free step) and seven (the general one),
    /// with gaps inside the table, past it, and past the point where the factor is 0.
    #[test]
    fn words_fall_on_approvers_in_proportion_to_their_factors() {
        let alpha = 0.01;
        for (weights, some_zero) in [
            (&[1_000u32, 1_050, 1_200, 1_000][..], false),
            (&[1_000, 1_100][..], false),
            (&[5_000, 10, 4_990, 5_000][..], true),
            (&[5_000, 1, 4_990, 700, 4_700, 5_000, 1_800][..], true),
        ] {
            let (t, root) = fan(weights);
            let mut buf = StepBuf::default();
            let hs: Vec<u64> = t
                .approvers(root)
                .map(|y| t.cumulative_weight(y).unwrap())
                .collect();
            let h_max = *hs.iter().max().unwrap();
            let factors: Vec<f64> = hs
                .iter()
                .map(|&h| (-(alpha * (h_max - h) as f64)).exp())
                .map(|f| if f * FIXED_ONE < 0.5 { 0.0 } else { f })
                .collect();
            let sum: f64 = factors.iter().sum();
            let words = 1u64 << 16;
            let mut counts = vec![0u64; hs.len()];
            for k in 0..words {
                let picked = step(&t, root, alpha, k << 48, &mut buf);
                let i = t.approvers(root).position(|y| y == picked).unwrap();
                counts[i] += 1;
            }
            for (i, (&c, f)) in counts.iter().zip(&factors).enumerate() {
                let expected = f / sum * words as f64;
                assert!(
                    (c as f64 - expected).abs() <= 1.0,
                    "{weights:?}: approver {i} got {c} words, expected {expected:.2}"
                );
            }
            assert_eq!(factors.contains(&0.0), some_zero, "{weights:?}");
            assert!(
                counts
                    .iter()
                    .zip(&factors)
                    .all(|(&c, &f)| f > 0.0 || c == 0)
            );
            // The extreme words stay on approvers of positive factor.
            for u in [0, u64::MAX] {
                let picked = step(&t, root, alpha, u, &mut buf);
                let i = t.approvers(root).position(|y| y == picked).unwrap();
                assert!(factors[i] > 0.0, "{weights:?}: u = {u:#x}");
            }
        }
    }

    proptest::proptest! {
        /// The branch-free step and the general one pick the same approver for every word,
        /// whatever the weights, α and the number of approvers up to four.
        #[test]
        fn small_and_wide_steps_agree(
            weights in proptest::collection::vec(1u32..5_000, 1..=4),
            alpha in 0.0001f64..2.0,
            words in proptest::collection::vec(proptest::num::u64::ANY, 16),
        ) {
            let (t, root) = fan(&weights);
            let mut buf = StepBuf::default();
            buf.prepare(alpha);
            // Also the words on either side of each boundary between approvers: the least `u`
            // with `⌊u·Σ/2^64⌋` at or past the running sum, and the one before it.
            let hs: Vec<u64> = t
                .approvers(root)
                .map(|y| t.cumulative_weight(y).unwrap())
                .collect();
            let h_max = hs.iter().copied().max().unwrap();
            let fs: Vec<u128> = hs
                .iter()
                .map(|&h| u128::from(buf.factor(alpha, h_max - h)))
                .collect();
            let sum: u128 = fs.iter().sum();
            let mut below = 0u128;
            let mut edges = Vec::new();
            for f in &fs[..fs.len() - 1] {
                below += f;
                let u = (below << 64).div_ceil(sum);
                if let Ok(u) = u64::try_from(u) {
                    edges.extend([u, u.saturating_sub(1)]);
                }
            }
            for u in words.into_iter().chain(edges).chain([0, u64::MAX]) {
                let weight = |y| t.exact_cumulative_weight(y);
                let small = small_step(&t, weight, root, alpha, u, &buf);
                let wide = wide_step(&t, weight, root, weights.len(), alpha, u, &mut buf);
                proptest::prop_assert_eq!(Some(small), wide);
            }
        }
    }

    /// Fixed-point factors against `exp(−α·gap) · 2^60` computed to 60 digits (α as its `f64`
    /// value): within the `f64` error of `exp` and of `α·gap` (relative 2^−45), the table and
    /// the direct path identical, exactly 1 at gap 0, and 0 from where the value drops below
    /// 1/2 (`α·gap` = 42.2820), whatever α and the gap.
    #[test]
    fn factors_in_fixed_point() {
        let exact: [(f64, u64, u64); 9] = [
            (0.01, 1, 1_141_449_743_961_849_539),
            (0.01, 7, 1_074_976_885_732_091_339),
            (0.01, 1_023, 41_587_919_051_218),
            (0.01, 1_024, 41_174_112_342_632),
            (0.01, 4_228, 1),
            (1e-9, 123_456_789, 1_019_021_008_392_669_979),
            (1.0, 7, 1_051_328_327_750_962),
            (1.0, 42, 1),
            (0.5, 3, 257_251_559_961_494_445),
        ];
        let mut buf = StepBuf::default();
        for (alpha, gap, expected) in exact {
            buf.prepare(alpha);
            let got = buf.factor(alpha, gap);
            let tolerance = expected / (1 << 45) + 1;
            assert!(
                got.abs_diff(expected) <= tolerance,
                "α = {alpha}, gap = {gap}: {got} vs {expected}"
            );
        }
        for alpha in [1e-9, 0.01, 1.0, 1e6] {
            buf.prepare(alpha);
            assert_eq!(buf.factor(alpha, 0), 1 << 60);
            for gap in [1u64, 7, 1_023, 1_024, 5_000, u64::MAX] {
                let direct = to_fixed(alpha * gap as f64);
                assert_eq!(buf.factor(alpha, gap), direct, "α = {alpha}, gap = {gap}");
            }
        }
        assert_eq!(to_fixed(42.2819), 1);
        assert_eq!(to_fixed(42.282), 0);
        assert_eq!(to_fixed(FIXED_ZERO), 0);
        assert_eq!(to_fixed(f64::INFINITY), 0);
    }
}
