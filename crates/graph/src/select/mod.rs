//! Tip selection: the [`TipSelector`] trait and its algorithms.
//!
//! # Contract
//! A selector picks `k` tips (1..=8, the parents of a new vertex) from a read-only
//! [`TangleView`], using only the RNG it is handed. For the same view state, request and RNG
//! seed it returns the same tips. By default the result is a set of distinct tips sorted by id
//! (the Chrysalis parent rule); [`TipRequest::with_repeats`] keeps repeated draws, for
//! multi-edge research models. When fewer distinct tips can be found than requested (a tip
//! pool of one, or walks that keep ending on the same tip), the selection is shorter — a
//! vertex may have 1..=8 parents — and never empty.
//!
//! # Algorithms
//! | type | rule | source |
//! |---|---|---|
//! | [`Urts`] | uniform over all tips | Popov, *The Tangle* (whitepaper), §"uniform random tip selection" |
//! | [`Rurts`] | uniform over tips younger than Δ (time or height) | restricted URTS of the IOTA 2.0 / "Tangle 2.0" design |
//! | [`Tip3`] | uniform over the non-lazy pool, OMRSI/YMRSI scoring | TIP-3 (Chrysalis nodes) |
//! | [`Urw`] | unweighted random walk from an entry point | Popov, whitepaper |
//! | [`Mcmc`] | walk with `P(x→y) ∝ exp(−α(H_x − H_y))` | Popov, whitepaper |
//! | [`Hybrid`] | one tip by MCMC (α > 0), the rest by URTS | Ferraro, King & Shorten, *On the stability of unverified transactions in a DAG-based distributed ledger* (IEEE TAC 2020; arXiv:1901.07302) |
//! | [`EIota`] | MCMC with α drawn per selection from a mixture | Bu et al., *Metamorphic IOTA* (arXiv:1907.03628) |
//! | [`Hps`] | the pair of tips whose past cones cover the most vertices of a window | this project (no publication) |
//!
//! # Writing your own
//! Implement [`TipSelector`] for your type in your own crate; use [`sample`] for unbiased
//! integers and floats, [`collect_draws`] or [`Selection::from_handles`] to apply the
//! distinct/sorted rule. `examples/custom_selector.rs` shows one.

use rand_core::RngCore;
use thiserror::Error;

use crate::id::Handle;
use crate::tangle::MAX_PARENTS;
use crate::view::TangleView;

mod eiota;
mod hps;
mod hybrid;
mod rurts;
pub mod sample;
mod tip3;
mod urts;
mod walk;

pub use eiota::EIota;
pub use hps::{HPS_MAX_CANDIDATES, Hps};
pub use hybrid::Hybrid;
pub use rurts::{MaxAge, Rurts};
pub use tip3::{PoolConfig, Score, Tip3, Tip3Config, TipPool};
pub use urts::Urts;
pub use walk::{Mcmc, Urw, WalkStart};

/// Why a selection failed. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SelectError {
    /// The view has no tips (it is empty).
    #[error("tip rule: the view has no tips")]
    NoTips,
    /// Tips exist but none passes the selector's filter.
    #[error("tip rule: no tip is eligible ({rule})")]
    NoEligibleTips {
        /// The filter that excluded every tip.
        rule: &'static str,
    },
    /// A random walk did not reach a tip within its step budget.
    #[error("walk rule: no tip reached within {max_steps} steps")]
    WalkTooLong {
        /// The configured budget.
        max_steps: u32,
    },
    /// `k` outside 1..=8.
    #[error("request rule: {0} tips requested, a vertex has 1..=8 parents")]
    InvalidCount(usize),
    /// A weighted selector ran on a view without cumulative weights. The selectors of this
    /// crate state that need in their bounds ([`CumulativeWeights`](crate::CumulativeWeights))
    /// and never return it; a custom selector over views that may lack weights can.
    #[error("weight rule: the view does not maintain cumulative weights")]
    NoCumulativeWeight,
    /// A parameter outside its domain (checked when the selector is built).
    #[error("parameter rule: {name} {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// What it must satisfy.
        reason: &'static str,
    },
    /// A fixed walk start that is not a vertex of the view.
    #[error("walk rule: entry point {0} is not a vertex of the view")]
    UnknownEntryPoint(Handle),
}

/// How many tips to select and whether repeats are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TipRequest {
    count: u8,
    repeats: bool,
}

impl TipRequest {
    /// Two distinct tips, the usual request.
    pub const PAIR: TipRequest = TipRequest {
        count: 2,
        repeats: false,
    };

    /// `count` distinct tips (1..=8).
    pub fn new(count: usize) -> Result<Self, SelectError> {
        if count == 0 || count > MAX_PARENTS {
            return Err(SelectError::InvalidCount(count));
        }
        Ok(TipRequest {
            count: count as u8,
            repeats: false,
        })
    }

    /// Keep repeated draws (the selection then has exactly `count` entries, sorted by id).
    pub fn with_repeats(mut self) -> Self {
        self.repeats = true;
        self
    }

    /// Requested number of tips.
    pub fn count(self) -> usize {
        self.count as usize
    }

    /// Are repeats kept?
    pub fn repeats(self) -> bool {
        self.repeats
    }
}

impl Default for TipRequest {
    fn default() -> Self {
        Self::PAIR
    }
}

/// Selected tips: up to 8 handles, inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Selection {
    len: u8,
    tips: [Handle; MAX_PARENTS],
}

impl Selection {
    /// The selected tips.
    pub fn as_slice(&self) -> &[Handle] {
        &self.tips[..self.len as usize]
    }

    /// Applies the selection rule to raw draws: at most `request.count()` entries, repeats
    /// dropped unless requested, sorted by id. Draws beyond the count are ignored.
    pub fn from_handles<V: TangleView>(view: &V, request: TipRequest, draws: &[Handle]) -> Self {
        let mut s = Selection::default();
        for &h in draws {
            if s.len as usize == request.count() {
                break;
            }
            if request.repeats() || !s.as_slice().contains(&h) {
                s.tips[s.len as usize] = h;
                s.len += 1;
            }
        }
        s.sort_by_id(view);
        s
    }

    /// Sorts by id (the Chrysalis parent order). Ids are compared only when the handles
    /// differ, so repeated handles stay adjacent.
    pub fn sort_by_id<V: TangleView>(&mut self, view: &V) {
        let n = self.len as usize;
        match n {
            0 | 1 => {}
            2 => {
                if self.tips[0] != self.tips[1] && view.id(self.tips[1]) < view.id(self.tips[0]) {
                    self.tips.swap(0, 1);
                }
            }
            _ => self.tips[..n].sort_by_key(|&h| view.id(h)),
        }
    }

    /// The ids of the selected tips, in selection order.
    pub fn ids<V: TangleView>(&self, view: &V) -> Vec<V::Id> {
        self.as_slice().iter().map(|&h| view.id(h)).collect()
    }

    pub(crate) fn push(&mut self, h: Handle) {
        if (self.len as usize) < MAX_PARENTS {
            self.tips[self.len as usize] = h;
            self.len += 1;
        }
    }
}

impl core::ops::Deref for Selection {
    type Target = [Handle];

    fn deref(&self) -> &[Handle] {
        self.as_slice()
    }
}

/// A tip-selection algorithm.
///
/// `select` receives the view read-only and the caller's RNG; it must draw all randomness from
/// that RNG (no clocks, no thread RNGs, no hash-order iteration) so that a seed reproduces a
/// run in the simulator and on a node alike. `&mut self` lets a selector keep scratch buffers
/// or caches between calls; those must not change results.
pub trait TipSelector<V: TangleView> {
    /// Selects tips for a new vertex.
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError>;
}

impl<V: TangleView, S: TipSelector<V> + ?Sized> TipSelector<V> for Box<S> {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        (**self).select(view, request, rng)
    }
}

impl<V: TangleView, S: TipSelector<V> + ?Sized> TipSelector<V> for &mut S {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        (**self).select(view, request, rng)
    }
}

/// Extra draws allowed per requested tip when looking for distinct tips.
const DRAWS_PER_TIP: usize = 4;

/// Builds a selection from independent draws (e.g. random walks): with repeats, exactly
/// `count` draws; otherwise draws until `count` distinct tips are found or
/// `4 × count + 4` draws were made. Sorted by id. The first failing draw's error is returned.
pub fn collect_draws<V: TangleView>(
    view: &V,
    request: TipRequest,
    rng: &mut dyn RngCore,
    mut draw: impl FnMut(&mut dyn RngCore) -> Result<Handle, SelectError>,
) -> Result<Selection, SelectError> {
    let mut s = Selection::default();
    if request.repeats() {
        for _ in 0..request.count() {
            s.push(draw(rng)?);
        }
    } else {
        let budget = DRAWS_PER_TIP * request.count() + DRAWS_PER_TIP;
        for _ in 0..budget {
            let h = draw(rng)?;
            if !s.as_slice().contains(&h) {
                s.push(h);
                if s.len() == request.count() {
                    break;
                }
            }
        }
    }
    s.sort_by_id(view);
    Ok(s)
}

/// Confirmation confidence of `v`: the share of `samples` selections (by `selector`) in which
/// at least one selected tip is `v` or has `v` in its past cone — the probability that a new
/// vertex attached by this selector would confirm `v`. Uses the view's `is_ancestor`, which
/// on a [`Tangle`](crate::Tangle) is usually O(1).
pub fn confirmation_confidence<V: TangleView, S: TipSelector<V> + ?Sized>(
    view: &V,
    v: Handle,
    selector: &mut S,
    request: TipRequest,
    samples: u32,
    rng: &mut dyn RngCore,
) -> Result<f64, SelectError> {
    if samples == 0 {
        return Err(SelectError::InvalidParameter {
            name: "samples",
            reason: "must be at least 1",
        });
    }
    let mut hits = 0u32;
    for _ in 0..samples {
        let sel = selector.select(view, request, rng)?;
        if sel.iter().any(|&t| t == v || view.is_ancestor(v, t)) {
            hits += 1;
        }
    }
    Ok(f64::from(hits) / f64::from(samples))
}
