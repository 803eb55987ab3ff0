//! Uniform random tip selection.

use rand_core::RngCore;

use super::{SelectError, Selection, TipRequest, TipSelector, sample};
use crate::id::Handle;
use crate::view::TangleView;

/// URTS: every tip equally likely (Popov, *The Tangle*, the baseline "uniform random tip
/// selection"). Distinct tips are a uniform random subset of the tips (Floyd's algorithm);
/// with repeats, independent uniform draws. No parameters, no state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Urts;

impl Urts {
    /// A URTS selector.
    pub fn new() -> Self {
        Urts
    }
}

/// URTS over an explicit candidate list (shared by URTS, RURTS and the TIP-3 pool).
pub(crate) fn uniform_from<V: TangleView>(
    view: &V,
    candidates: &[Handle],
    request: TipRequest,
    rng: &mut dyn RngCore,
) -> Selection {
    let n = candidates.len() as u32;
    let mut s = Selection::default();
    if request.repeats() {
        for _ in 0..request.count() {
            s.push(candidates[sample::below(rng, n) as usize]);
        }
    } else {
        let mut idx = [0u32; crate::MAX_PARENTS];
        let k = sample::distinct(rng, n, request.count(), &mut idx);
        for &i in &idx[..k] {
            s.push(candidates[i as usize]);
        }
    }
    s.sort_by_id(view);
    s
}

impl<V: TangleView> TipSelector<V> for Urts {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        let tips = view.tips();
        if tips.is_empty() {
            return Err(SelectError::NoTips);
        }
        Ok(uniform_from(view, tips, request, rng))
    }
}
