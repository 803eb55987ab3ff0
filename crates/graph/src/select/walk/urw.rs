//! URW: the unweighted random walk.

use rand_core::RngCore;

use super::engine::{DEFAULT_MAX_STEPS, walk};
use super::start::{WalkStart, resolve_start};
use super::step::StepBuf;
use crate::id::Handle;
use crate::select::{SelectError, Selection, TipRequest, TipSelector, collect_draws};
use crate::view::TangleView;

/// URW: the unweighted random walk (Popov, whitepaper): from the start, move to a uniformly
/// chosen direct approver until a tip is reached. Each of the `k` tips is one walk from the
/// same start (resolved once per selection). Parameters: the start and a step budget. Needs
/// only the structure of the view, no weights.
#[derive(Clone, Debug)]
pub struct Urw {
    start: WalkStart,
    max_steps: u32,
    buf: StepBuf,
}

impl Urw {
    /// A URW selector.
    pub fn new(start: WalkStart) -> Self {
        Urw {
            start,
            max_steps: DEFAULT_MAX_STEPS,
            buf: StepBuf::default(),
        }
    }

    /// Sets the step budget (default 1 000 000); a longer walk fails with
    /// [`SelectError::WalkTooLong`].
    pub fn with_max_steps(mut self, max_steps: u32) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// One walk from `start`; `path` receives the visited vertices.
    pub fn walk_from<V: TangleView>(
        &mut self,
        view: &V,
        start: Handle,
        rng: &mut dyn RngCore,
        path: Option<&mut Vec<Handle>>,
    ) -> Result<Handle, SelectError> {
        walk(
            view,
            |_| 0,
            start,
            0.0,
            self.max_steps,
            rng,
            &mut self.buf,
            path,
        )
    }
}

impl<V: TangleView> TipSelector<V> for Urw {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        let start = resolve_start(view, self.start, rng)?;
        let (max_steps, buf) = (self.max_steps, &mut self.buf);
        collect_draws(view, request, rng, |rng| {
            walk(view, |_| 0, start, 0.0, max_steps, rng, buf, None)
        })
    }
}
