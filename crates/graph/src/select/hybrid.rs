//! Hybrid selection: MCMC for one tip, URTS for the others.

use rand_core::RngCore;

use super::walk::{StepBuf, check_alpha, check_not_empty, resolve_start, walk};
use super::{SelectError, Selection, TipRequest, TipSelector, WalkStart, sample};
use crate::id::Handle;
use crate::view::CumulativeWeights;

/// Hybrid tip selection (Ferraro, King & Shorten): one tip by an MCMC walk with α > 0 — which
/// keeps the protection of weighted walks against lazy and parasite attachments — and the other
/// tips by URTS, which keeps every tip's approval probability bounded away from zero so that
/// no honest tip is orphaned (their stability result).
///
/// Parameters: α > 0, the walk start and budget, and how many of the `k` tips are walked
/// (default 1; the rest are uniform and, in the default distinct mode, differ from the walked
/// ones). Runs on views with [`CumulativeWeights`].
#[derive(Clone, Debug)]
pub struct Hybrid {
    alpha: f64,
    start: WalkStart,
    max_steps: u32,
    walked: usize,
    buf: StepBuf,
    scratch: Vec<Handle>,
}

impl Hybrid {
    /// A hybrid selector with MCMC parameter α (> 0) and walk start.
    pub fn new(alpha: f64, start: WalkStart) -> Result<Self, SelectError> {
        let alpha = check_alpha(alpha)?;
        if alpha == 0.0 {
            return Err(SelectError::InvalidParameter {
                name: "alpha",
                reason: "must be positive for the hybrid rule (α = 0 is plain URW)",
            });
        }
        Ok(Hybrid {
            alpha,
            start,
            max_steps: 1_000_000,
            walked: 1,
            buf: StepBuf::default(),
            scratch: Vec::new(),
        })
    }

    /// How many tips come from MCMC walks (default 1, at most the request's count).
    pub fn with_walked_tips(mut self, walked: usize) -> Self {
        self.walked = walked;
        self
    }

    /// Walk step budget (default 1 000 000).
    pub fn with_max_steps(mut self, max_steps: u32) -> Self {
        self.max_steps = max_steps;
        self
    }
}

impl<V: CumulativeWeights> TipSelector<V> for Hybrid {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        check_not_empty(view)?;
        let tips = view.tips();
        if tips.is_empty() {
            return Err(SelectError::NoTips);
        }
        let start = resolve_start(view, self.start, rng)?;
        let k = request.count();
        let walked = self.walked.min(k);
        let mut s = Selection::default();
        for _ in 0..walked {
            let t = walk(
                view,
                |y| view.cumulative_weight(y),
                start,
                self.alpha,
                self.max_steps,
                rng,
                &mut self.buf,
                None,
            )?;
            if request.repeats() || !s.contains(&t) {
                s.push(t);
            }
        }
        let n = tips.len() as u32;
        while s.len() < k {
            if request.repeats() {
                s.push(tips[sample::below(rng, n) as usize]);
                continue;
            }
            // Uniform over the tips not chosen yet: rejection first (the common case, tips
            // outnumber the ≤ 8 chosen), then an exact draw from the remainder.
            let mut found = None;
            for _ in 0..16 {
                let t = tips[sample::below(rng, n) as usize];
                if !s.contains(&t) {
                    found = Some(t);
                    break;
                }
            }
            if found.is_none() {
                self.scratch.clear();
                self.scratch
                    .extend(tips.iter().copied().filter(|t| !s.contains(t)));
                if self.scratch.is_empty() {
                    break; // fewer tips than requested
                }
                let i = sample::below(rng, self.scratch.len() as u32);
                found = Some(self.scratch[i as usize]);
            }
            if let Some(t) = found {
                s.push(t);
            }
        }
        s.sort_by_id(view);
        Ok(s)
    }
}
