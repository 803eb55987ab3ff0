//! Random walks towards the tips: URW and MCMC.

use rand_core::RngCore;

use super::{SelectError, Selection, TipRequest, TipSelector, collect_draws, sample};
use crate::id::Handle;
use crate::view::TangleView;

/// Where a walk starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkStart {
    /// A fixed vertex (e.g. a milestone chosen by the caller).
    At(Handle),
    /// The oldest vertex (handle 0, the genesis in a simulation). Walks from it are long.
    Oldest,
    /// `d` steps below the tips: from a uniformly drawn tip, follow a uniformly drawn parent
    /// `d` times (stopping early at a root). Popov's recommendation is to start "deep enough"
    /// that the walk sees the weights, yet not so deep that it is slow; `d` sets that depth in
    /// edges (hence at least `d` below the tip in height).
    Depth(u32),
}

/// Default step budget of a walk.
const DEFAULT_MAX_STEPS: u32 = 1_000_000;

/// Resolves the start of a walk; consumes randomness only for [`WalkStart::Depth`].
pub(crate) fn resolve_start<V: TangleView>(
    view: &V,
    start: WalkStart,
    rng: &mut dyn RngCore,
) -> Result<Handle, SelectError> {
    if view.is_empty() {
        return Err(SelectError::NoTips);
    }
    match start {
        WalkStart::At(h) => {
            if h.index() < view.len() {
                Ok(h)
            } else {
                Err(SelectError::UnknownEntryPoint(h))
            }
        }
        WalkStart::Oldest => Ok(Handle::new(0)),
        WalkStart::Depth(d) => {
            let tips = view.tips();
            if tips.is_empty() {
                return Err(SelectError::NoTips);
            }
            let mut cur = tips[sample::below(rng, tips.len() as u32) as usize];
            for _ in 0..d {
                let ps = view.parents(cur);
                if ps.is_empty() {
                    break;
                }
                cur = ps[sample::below(rng, ps.len() as u32) as usize];
            }
            Ok(cur)
        }
    }
}

/// `exp(−d)` is 0 in `f64` beyond this (the smallest subnormal is about `e^−745.13`).
const EXP_UNDERFLOW: f64 = 745.2;

/// Gaps below this use a table of `exp(−α·gap)` instead of calling `exp`.
const TABLE: usize = 1024;

/// Tables kept at once (E-IOTA alternates between a few α).
const TABLES: usize = 4;

/// Scratch of the weighted step: candidate approvers, and tables of `exp(−α·g)` for small
/// integer gaps `g`, filled with the same `exp` the direct path uses (identical results). The
/// table in use sits in `table`; up to `TABLES − 1` others wait in `spare`.
#[derive(Clone, Debug, Default)]
pub(crate) struct StepBuf {
    items: Vec<(Handle, f64)>,
    alpha_bits: Option<u64>,
    table: Box<[f64]>,
    spare: Vec<(u64, Box<[f64]>)>,
}

impl StepBuf {
    /// Makes `table` the one for `alpha` (building it if needed).
    fn prepare(&mut self, alpha: f64) {
        let bits = alpha.to_bits();
        if self.alpha_bits == Some(bits) {
            return;
        }
        let incoming = match self.spare.iter().position(|(b, _)| *b == bits) {
            Some(i) => self.spare.swap_remove(i).1,
            None => (0..TABLE).map(|g| (-(alpha * g as f64)).exp()).collect(),
        };
        let outgoing = core::mem::replace(&mut self.table, incoming);
        if let Some(old) = self.alpha_bits.replace(bits) {
            if self.spare.len() + 1 >= TABLES {
                self.spare.remove(0);
            }
            self.spare.push((old, outgoing));
        }
    }

    /// `exp(−α·gap)`, 0 once it underflows.
    #[inline]
    fn factor(&self, alpha: f64, gap: u64) -> f64 {
        if gap < TABLE as u64
            && let Some(&f) = self.table.get(gap as usize)
        {
            return f;
        }
        let d = alpha * gap as f64;
        if d > EXP_UNDERFLOW { 0.0 } else { (-d).exp() }
    }
}

/// One walk from `start` to a tip. `alpha == 0` picks approvers uniformly (URW); otherwise
/// `P(x→y) ∝ exp(−α(H_x − H_y))`. `path`, if given, receives every visited vertex.
pub(crate) fn walk<V: TangleView>(
    view: &V,
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
    loop {
        let count = view.approver_count(cur);
        if count == 0 {
            return Ok(cur);
        }
        if steps == max_steps {
            return Err(SelectError::WalkTooLong { max_steps });
        }
        steps += 1;
        let next = if count == 1 {
            view.approvers(cur).next()
        } else if alpha == 0.0 {
            let i = sample::below(rng, count as u32);
            view.approvers(cur).nth(i as usize)
        } else if count == 2 {
            pair_step(view, cur, alpha, rng, buf)
        } else {
            weighted_step(view, cur, alpha, rng, buf)
        };
        // `approver_count > 0` guarantees an approver; keep the walk total anyway.
        let Some(next) = next else {
            return Ok(cur);
        };
        cur = next;
        if let Some(p) = path.as_deref_mut() {
            p.push(cur);
        }
    }
}

/// [`weighted_step`] for exactly two approvers (the common case on a k = 2 Tangle): the
/// heavier gets weight 1, the lighter `e = exp(−αΔH)`, and one uniform draw `u` picks the
/// lighter when `u·(1 + e) ≥ 1`, i.e. with probability `e / (1 + e)`. Written without
/// data-dependent branches: the draw is a coin flip, which a branch predictor cannot learn.
#[inline]
fn pair_step<V: TangleView>(
    view: &V,
    x: Handle,
    alpha: f64,
    rng: &mut dyn RngCore,
    buf: &StepBuf,
) -> Option<Handle> {
    let mut it = view.approvers(x);
    let (a, b) = (it.next()?, it.next()?);
    let ha = view.cumulative_weight(a).unwrap_or(0);
    let hb = view.cumulative_weight(b).unwrap_or(0);
    let b_heavier = hb > ha;
    let heavy = if b_heavier { b } else { a };
    let light = if b_heavier { a } else { b };
    let e = buf.factor(alpha, ha.abs_diff(hb));
    let take_light = sample::unit(rng) * (1.0 + e) >= 1.0;
    Some(if take_light { light } else { heavy })
}

/// Draws an approver of `x` with probability `exp(−α(H_x − H_y)) / Σ_z exp(−α(H_x − H_z))`.
///
/// `H_x` cancels between numerator and denominator, so this equals
/// `exp(−α(H_max − H_y)) / Σ_z exp(−α(H_max − H_z))` with `H_max` the heaviest approver: every
/// exponent is ≤ 0 (no overflow, whatever α and the weights), the heaviest term is exactly 1 (so
/// the sum is ≥ 1: no division by zero, no NaN), and terms below `e^−745` underflow to 0, which
/// is their value to double precision anyway.
fn weighted_step<V: TangleView>(
    view: &V,
    x: Handle,
    alpha: f64,
    rng: &mut dyn RngCore,
    buf: &mut StepBuf,
) -> Option<Handle> {
    let mut items = core::mem::take(&mut buf.items);
    items.clear();
    let mut h_max = 0u64;
    for y in view.approvers(x) {
        let h = view.cumulative_weight(y).unwrap_or(0);
        h_max = h_max.max(h);
        items.push((y, h as f64));
    }
    let mut sum = 0.0;
    for item in &mut items {
        let w = buf.factor(alpha, h_max - item.1 as u64);
        item.1 = w;
        sum += w;
    }
    buf.items = items;
    let mut r = sample::unit(rng) * sum;
    let mut last = None;
    for &(y, w) in &buf.items {
        if w > 0.0 {
            last = Some(y);
            if r < w {
                return Some(y);
            }
            r -= w;
        }
    }
    last
}

/// URW: the unweighted random walk (Popov, whitepaper): from the start, move to a uniformly
/// chosen direct approver until a tip is reached. Each of the `k` tips is one walk from the
/// same start (resolved once per selection). Parameters: the start and a step budget.
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
        walk(view, start, 0.0, self.max_steps, rng, &mut self.buf, path)
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
            walk(view, start, 0.0, max_steps, rng, buf, None)
        })
    }
}

/// MCMC: Popov's weighted random walk. From `x` the walker moves to approver `y` with
/// probability proportional to `exp(−α(H_x − H_y))`, `H` the cumulative weight. α = 0 is the
/// unweighted walk (and is executed as exactly [`Urw`]: same tips for the same seed); large α
/// follows the heaviest approver. Parameters: α ≥ 0 (finite), the start (a configurable depth
/// below the tips, see [`WalkStart::Depth`]) and a step budget. Needs cumulative weights when
/// α > 0.
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

pub(crate) fn check_weights<V: TangleView>(view: &V, alpha: f64) -> Result<(), SelectError> {
    if view.is_empty() {
        return Err(SelectError::NoTips);
    }
    if alpha > 0.0 && view.cumulative_weight(Handle::new(0)).is_none() {
        return Err(SelectError::NoCumulativeWeight);
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
    pub fn walk_from<V: TangleView>(
        &mut self,
        view: &V,
        start: Handle,
        rng: &mut dyn RngCore,
        path: Option<&mut Vec<Handle>>,
    ) -> Result<Handle, SelectError> {
        check_weights(view, self.alpha)?;
        walk(
            view,
            start,
            self.alpha,
            self.max_steps,
            rng,
            &mut self.buf,
            path,
        )
    }

    /// Selection with an explicit α (used by E-IOTA and Hybrid).
    pub(crate) fn select_with_alpha<V: TangleView>(
        &mut self,
        view: &V,
        alpha: f64,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        check_weights(view, alpha)?;
        let start = resolve_start(view, self.start, rng)?;
        let (max_steps, buf) = (self.max_steps, &mut self.buf);
        collect_draws(view, request, rng, |rng| {
            walk(view, start, alpha, max_steps, rng, buf, None)
        })
    }
}

impl<V: TangleView> TipSelector<V> for Mcmc {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        self.select_with_alpha(view, self.alpha, request, rng)
    }
}
