//! MCMC: the weighted random walk, and the checks it shares with Hybrid and E-IOTA.

use rand_core::RngCore;

use super::engine::{DEFAULT_MAX_STEPS, walk};
use super::start::{WalkStart, resolve_start};
use super::step::StepBuf;
use crate::id::Handle;
#[cfg(doc)]
use crate::select::Urw;
use crate::select::{SelectError, Selection, TipRequest, TipSelector, collect_draws};
use crate::view::{CumulativeWeights, TangleView};

/// MCMC: Popov's weighted random walk. From `x` the walker moves to approver `y` with
/// probability proportional to `exp(−α(H_x − H_y))`, `H` the cumulative weight. α = 0 is the
/// unweighted walk (and is executed as exactly [`Urw`]: same tips for the same seed); large α
/// follows the heaviest approver. Parameters: α ≥ 0 (finite), the start (a configurable depth
/// below the tips, see [`WalkStart::Depth`]) and a step budget. Runs on views with
/// [`CumulativeWeights`].
#[derive(Clone, Debug)]
pub struct Mcmc {
    alpha: f64,
    start: WalkStart,
    max_steps: u32,
    buf: StepBuf,
}

pub(crate) fn check_alpha(alpha: f64) -> Result<f64, SelectError> {
    if alpha.is_finite() && alpha >= 0.0 {
        Ok(alpha)
    } else {
        Err(SelectError::InvalidParameter {
            name: "alpha",
            reason: "must be finite and non-negative",
        })
    }
}

/// [`SelectError::NoTips`] for an empty view, which has no vertex to walk from.
pub(crate) fn check_not_empty<V: TangleView>(view: &V) -> Result<(), SelectError> {
    if view.is_empty() {
        return Err(SelectError::NoTips);
    }
    Ok(())
}

impl Mcmc {
    /// An MCMC selector with parameter α, starting at `start`.
    pub fn new(alpha: f64, start: WalkStart) -> Result<Self, SelectError> {
        Ok(Mcmc {
            alpha: check_alpha(alpha)?,
            start,
            max_steps: DEFAULT_MAX_STEPS,
            buf: StepBuf::default(),
        })
    }

    /// Sets the step budget (default 1 000 000).
    pub fn with_max_steps(mut self, max_steps: u32) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The configured start.
    pub fn start(&self) -> WalkStart {
        self.start
    }

    /// One walk from `start`; `path` receives the visited vertices.
    pub fn walk_from<V: CumulativeWeights>(
        &mut self,
        view: &V,
        start: Handle,
        rng: &mut dyn RngCore,
        path: Option<&mut Vec<Handle>>,
    ) -> Result<Handle, SelectError> {
        check_not_empty(view)?;
        walk(
            view,
            |y| view.cumulative_weight(y),
            start,
            self.alpha,
            self.max_steps,
            rng,
            &mut self.buf,
            path,
        )
    }

    /// Selection with an explicit α (used by E-IOTA and Hybrid).
    pub(crate) fn select_with_alpha<V: CumulativeWeights>(
        &mut self,
        view: &V,
        alpha: f64,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        check_not_empty(view)?;
        let start = resolve_start(view, self.start, rng)?;
        let (max_steps, buf) = (self.max_steps, &mut self.buf);
        collect_draws(view, request, rng, |rng| {
            walk(
                view,
                |y| view.cumulative_weight(y),
                start,
                alpha,
                max_steps,
                rng,
                buf,
                None,
            )
        })
    }
}

impl<V: CumulativeWeights> TipSelector<V> for Mcmc {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        self.select_with_alpha(view, self.alpha, request, rng)
    }
}
