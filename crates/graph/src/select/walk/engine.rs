//! The walk engine: from a start to a tip, one step at a time, with the uniform draws taken
//! from the caller's RNG a block at a time.

use rand_core::RngCore;

use super::step::{StepBuf, small_step, wide_step};
use crate::id::Handle;
use crate::select::{SelectError, sample};
use crate::view::TangleView;

/// Default step budget of a walk.
pub(super) const DEFAULT_MAX_STEPS: u32 = 1_000_000;

/// Words taken from the caller's RNG at once by a weighted walk (the four ChaCha blocks that
/// `ChaCha8Rng` makes at a time; 8 words cost ≈ 5 % more walk time in refills).
const DRAW_BLOCK: usize = 32;

/// The uniform draws of a weighted walk, taken from the caller's RNG a block at a time: a step
/// then costs no virtual call into the RNG (measured: the per-draw `next_u64` through
/// `&mut dyn RngCore` was about a sixth of an MCMC walk). What the walk leaves of its last
/// block is discarded, so the RNG stream still depends only on the walks made.
struct Draws {
    words: [u64; DRAW_BLOCK],
    next: usize,
}

impl Draws {
    fn new() -> Self {
        Draws {
            words: [0; DRAW_BLOCK],
            next: DRAW_BLOCK,
        }
    }

    /// The next uniform 64-bit word, not yet taken (see [`Draws::advance`]). When `needed` is
    /// false the word will not be used: an empty block is then not refilled (0 stands in), so
    /// a walk whose steps all have one approver takes nothing from the caller's RNG.
    #[inline]
    fn peek(&mut self, rng: &mut dyn RngCore, needed: bool) -> u64 {
        if self.next == DRAW_BLOCK {
            if !needed {
                return 0;
            }
            self.refill(rng);
        }
        self.words[self.next % DRAW_BLOCK]
    }

    /// Takes the peeked word if `taken` (without a branch: a step over one approver takes
    /// none).
    #[inline]
    fn advance(&mut self, taken: bool) {
        self.next += usize::from(taken);
    }

    #[cold]
    fn refill(&mut self, rng: &mut dyn RngCore) {
        let mut bytes = [0u8; DRAW_BLOCK * 8];
        rng.fill_bytes(&mut bytes);
        for (word, chunk) in self.words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut le = [0u8; 8];
            le.copy_from_slice(chunk);
            *word = u64::from_le_bytes(le);
        }
        self.next = 0;
    }
}

/// One walk from `start` to a tip. `alpha == 0` picks approvers uniformly (URW) and never
/// calls `weight`; otherwise `P(x→y) ∝ exp(−α(H_x − H_y))` with `H = weight`, the cumulative
/// weight ([`small_step`] explains the arithmetic). `path`, if given, receives every visited
/// vertex.
#[allow(clippy::too_many_arguments)]
pub(crate) fn walk<V: TangleView>(
    view: &V,
    weight: impl Fn(Handle) -> u64 + Copy,
    start: Handle,
    alpha: f64,
    max_steps: u32,
    rng: &mut dyn RngCore,
    buf: &mut StepBuf,
    mut path: Option<&mut Vec<Handle>>,
) -> Result<Handle, SelectError> {
    let mut cur = start;
    if alpha > 0.0 {
        buf.prepare(alpha);
    }
    if let Some(p) = path.as_deref_mut() {
        p.clear();
        p.push(cur);
    }
    let mut steps = 0u32;
    let mut draws = Draws::new();
    loop {
        let count = view.approver_count(cur);
        if count == 0 {
            return Ok(cur);
        }
        if steps == max_steps {
            return Err(SelectError::WalkTooLong { max_steps });
        }
        steps += 1;
        let next = if alpha == 0.0 {
            if count == 1 {
                view.approvers(cur).next()
            } else {
                let i = sample::below(rng, count as u32);
                view.approvers(cur).nth(i as usize)
            }
        } else if count <= 4 {
            let u = draws.peek(rng, count > 1);
            draws.advance(count > 1);
            Some(small_step(view, weight, cur, alpha, u, buf))
        } else {
            let u = draws.peek(rng, true);
            draws.advance(true);
            wide_step(view, weight, cur, count, alpha, u, buf)
        };
        // `approver_count > 0` promises an approver; a view that breaks that ends the walk.
        match next {
            Some(next) if next != cur => cur = next,
            _ => return Ok(cur),
        }
        if let Some(p) = path.as_deref_mut() {
            p.push(cur);
        }
    }
}

#[cfg(test)]
mod tests {
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    use rand_core::RngCore;

    use super::*;
    use crate::CumulativeWeights;
    use crate::select::walk::fixtures::fan;
    use crate::select::{Mcmc, WalkStart};
    use crate::{Config, Tangle};

    /// A faulty implementation of the trait: approver counts off by `delta` from what it
    /// yields, or (`hide`) approvers counted but none yielded.
    struct Faulty<'a> {
        tangle: &'a Tangle<u64>,
        delta: isize,
        hide: bool,
    }

    impl TangleView for Faulty<'_> {
        type Id = u64;
        fn len(&self) -> usize {
            self.tangle.len()
        }
        fn id(&self, v: Handle) -> u64 {
            self.tangle.id(v)
        }
        fn handle(&self, id: &u64) -> Option<Handle> {
            self.tangle.handle(id)
        }
        fn parents(&self, v: Handle) -> &[Handle] {
            self.tangle.parents(v)
        }
        fn approvers(&self, v: Handle) -> impl Iterator<Item = Handle> + '_ {
            let shown = if self.hide { 0 } else { usize::MAX };
            self.tangle.approvers(v).take(shown)
        }
        fn approver_count(&self, v: Handle) -> usize {
            self.tangle
                .approver_count(v)
                .saturating_add_signed(self.delta)
        }
        fn tips(&self) -> &[Handle] {
            self.tangle.tips()
        }
        fn own_weight(&self, v: Handle) -> u64 {
            self.tangle.own_weight(v)
        }
        fn height(&self, v: Handle) -> u32 {
            self.tangle.height(v)
        }
        fn time(&self, v: Handle) -> u64 {
            self.tangle.time(v)
        }
        fn latest_time(&self) -> u64 {
            self.tangle.latest_time()
        }
        fn is_solid_entry_point(&self, v: Handle) -> bool {
            self.tangle.is_solid_entry_point(v)
        }
    }

    impl CumulativeWeights for Faulty<'_> {
        fn cumulative_weight(&self, v: Handle) -> u64 {
            self.tangle.exact_cumulative_weight(v)
        }
    }

    /// Counts that disagree with the approvers yielded (the trait contract broken): walks
    /// neither panic nor leave the view's approvers. Too low: the walk still takes one of the
    /// root's approvers. Too high: slots that are not vertices stay empty, so two equal
    /// approvers are taken about equally often.
    #[test]
    fn miscounting_views_walk_to_their_approvers() {
        let (t, root) = fan(&[1, 1, 1, 1_000]);
        for delta in [-1, -3] {
            let low = Faulty {
                tangle: &t,
                delta,
                hide: false,
            };
            for seed in 0..50 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let mut mcmc = Mcmc::new(1.0, WalkStart::At(root)).unwrap();
                let tip = mcmc.walk_from(&low, root, &mut rng, None).unwrap();
                assert!(t.approvers(root).any(|a| a == tip), "seed {seed}");
            }
        }
        let (t, root) = fan(&[7, 7]);
        let first = t.approvers(root).next().unwrap();
        let high = Faulty {
            tangle: &t,
            delta: 2,
            hide: false,
        };
        let mut mcmc = Mcmc::new(0.5, WalkStart::At(root)).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let firsts = (0..4_000)
            .filter(|_| mcmc.walk_from(&high, root, &mut rng, None).unwrap() == first)
            .count();
        // Binomial(4000, 1/2): ±4.4 standard deviations.
        assert!((1_860..=2_140).contains(&firsts), "{firsts} of 4000");
    }

    /// A weighted walk that meets only single approvers takes nothing from the caller's RNG
    /// (as a URW walk), so the next selection sees the same stream.
    #[test]
    fn single_approver_steps_draw_nothing() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=5u64 {
            let _ = t.insert(id, &[id - 1], 1, id).unwrap();
        }
        let root = t.handle(&0).unwrap();
        for alpha in [0.0, 0.5] {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let mut mcmc = Mcmc::new(alpha, WalkStart::At(root)).unwrap();
            let tip = mcmc.walk_from(&t, root, &mut rng, None).unwrap();
            assert_eq!(t.id(tip), 5);
            let mut fresh = ChaCha8Rng::seed_from_u64(7);
            assert_eq!(rng.next_u64(), fresh.next_u64(), "α = {alpha}");
        }
    }

    /// A view that counts approvers but yields none: walks end where they are instead of
    /// panicking, on every step path.
    #[test]
    fn a_view_hiding_its_approvers_ends_walks_without_panicking() {
        for m in [1u64, 2, 3, 4, 5, 20] {
            let mut t: Tangle<u64> = Tangle::new(Config::default());
            t.add_solid_entry_point(0, 1, 0, None).unwrap();
            for id in 1..=m {
                let _ = t.insert(id, &[0], 1, id).unwrap();
            }
            let root = t.handle(&0).unwrap();
            let view = Faulty {
                tangle: &t,
                delta: 0,
                hide: true,
            };
            let mut rng = ChaCha8Rng::seed_from_u64(m);
            for alpha in [0.0, 0.5] {
                let mut mcmc = Mcmc::new(alpha, WalkStart::At(root)).unwrap();
                assert_eq!(
                    mcmc.walk_from(&view, root, &mut rng, None),
                    Ok(root),
                    "m = {m}"
                );
            }
        }
    }
}
