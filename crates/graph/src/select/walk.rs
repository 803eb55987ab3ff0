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
    /// `n` transactions below the tips: from a tip drawn uniformly among the *recent* ones,
    /// follow uniformly drawn parents until the tip is at least the `n`-th vertex solidified
    /// after the current one (handle difference ≥ `n`, i.e. `n − 1` in between), stopping
    /// early at a root; `0` starts at a uniformly drawn tip. Depth counted in transactions, as
    /// IOTA's random-walker studies measure distance (the number of transactions announced in
    /// between), rather than in edges: on a wide Tangle (λh = 100) 1,000 transactions are about
    /// ten levels, where [`WalkStart::Depth`]`(1000)` is a thousand.
    ///
    /// A tip is recent if its [time](TangleView::time) is no earlier than that of the vertex
    /// `n` places before the newest one. Tips left behind long ago are thus not drawn (a
    /// descent from one would start the walk arbitrarily deep), and a burst of vertices that
    /// were issued over a long time but became solid at once (a released parasite chain) does
    /// not push the other tips out. The entry is then usually within about `2n` transactions
    /// of the newest; a recent vertex approving an old one can still lead deeper. For `n ≥ 1`
    /// the start is an ancestor of a tip, hence approved (never a left-behind tip), unless it
    /// is a root.
    Behind(u32),
}

/// Default step budget of a walk.
const DEFAULT_MAX_STEPS: u32 = 1_000_000;

/// Resolves the start of a walk; consumes randomness only for [`WalkStart::Depth`] and
/// [`WalkStart::Behind`].
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
        WalkStart::Behind(n) => {
            let tip = recent_tip(view, n, rng)?;
            let mut cur = tip;
            while tip.get() - cur.get() < n {
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

/// Draws of a tip before [`recent_tip`] counts the recent ones instead.
const RECENT_TIP_DRAWS: u32 = 32;

/// A tip drawn uniformly among the recent ones (see [`WalkStart::Behind`]; all of them for
/// `n = 0`): by rejection while recent tips are common, else by counting them.
fn recent_tip<V: TangleView>(
    view: &V,
    n: u32,
    rng: &mut dyn RngCore,
) -> Result<Handle, SelectError> {
    let tips = view.tips();
    if tips.is_empty() {
        return Err(SelectError::NoTips);
    }
    if n == 0 {
        return Ok(tips[sample::below(rng, tips.len() as u32) as usize]);
    }
    let newest = (view.len() as u32).saturating_sub(1);
    let since = view.time(Handle::new(newest.saturating_sub(n)));
    let recent = |t: &&Handle| view.time(**t) >= since;
    for _ in 0..RECENT_TIP_DRAWS {
        let tip = &tips[sample::below(rng, tips.len() as u32) as usize];
        if recent(&tip) {
            return Ok(*tip);
        }
    }
    let count = tips.iter().filter(recent).count() as u32;
    if count == 0 {
        // Times out of step with handles can leave no tip that recent: take the latest.
        let latest = tips.iter().copied().max_by_key(|&t| (view.time(t), t));
        return Ok(latest.unwrap_or(tips[0]));
    }
    let k = sample::below(rng, count) as usize;
    Ok(tips
        .iter()
        .filter(recent)
        .nth(k)
        .copied()
        .unwrap_or(tips[0]))
}

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
    fn prepare(&mut self, alpha: f64) {
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

/// One walk from `start` to a tip. `alpha == 0` picks approvers uniformly (URW); otherwise
/// `P(x→y) ∝ exp(−α(H_x − H_y))` ([`small_step`] explains the arithmetic). `path`, if given,
/// receives every visited vertex.
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
            Some(small_step(view, cur, alpha, u, buf))
        } else {
            let u = draws.peek(rng, true);
            draws.advance(true);
            wide_step(view, cur, count, alpha, u, buf)
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
fn small_step<V: TangleView>(view: &V, x: Handle, alpha: f64, u: u64, buf: &StepBuf) -> Handle {
    let len = view.len();
    // A slot is live if it is a vertex; the others repeat the first approver (`x` itself if a
    // faulty view has none there), so their weights and gaps are ordinary ones and only their
    // factors are masked to 0. (For a view that keeps the contract the live slots are exactly
    // the first `approver_count(x)`; the count itself stays off the chain.)
    let slots = view.first_approvers(x);
    let live = slots.map(|y| y.index() < len);
    let first = if live[0] { slots[0] } else { x };
    let ys: [Handle; 4] = core::array::from_fn(|i| if live[i] { slots[i] } else { first });
    let hs = ys.map(|y| view.cumulative_weight(y).unwrap_or(0));
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
fn wide_step<V: TangleView>(
    view: &V,
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
        hs.push(view.cumulative_weight(y).unwrap_or(0));
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
    // Asked of the newest vertex: a view that keeps recent weights cheaper than old ones (a
    // weight window) answers it in O(1).
    let newest = Handle::new(view.len() as u32 - 1);
    if alpha > 0.0 && view.cumulative_weight(newest).is_none() {
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

#[cfg(test)]
mod tests {
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    use super::*;
    use crate::select::{TipRequest, Urts};
    use crate::{Config, Tangle};

    /// A URTS Tangle where each vertex sees only vertices `delay` arrivals older (a wide
    /// Tangle: about `2·delay` tips).
    fn wide(n: u64, delay: u64) -> Tangle<u64> {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut pending = std::collections::VecDeque::new();
        for id in 1..n {
            let tips = Urts.select(&t, TipRequest::PAIR, &mut rng).unwrap();
            pending.push_back((id, tips.ids(&t)));
            if pending.len() as u64 > delay {
                let (id, parents) = pending.pop_front().unwrap();
                let _ = t.insert(id, &parents, 1, id).unwrap();
            }
        }
        t
    }

    #[test]
    fn behind_starts_at_the_first_ancestor_n_arrivals_below_its_tip() {
        let t = wide(3_000, 20);
        let newest = t.len() as u32 - 1;
        for n in [300u32, 1_000, 10_000] {
            // Every tip is recent here, so the first draw is the tip (as replayed below).
            assert!(t.tips().iter().all(|tip| newest - tip.get() <= n));
            for seed in 0..40 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let start = resolve_start(&t, WalkStart::Behind(n), &mut rng).unwrap();
                // Replay the descent with the same draws: the tip, then one parent per step.
                let mut replay = ChaCha8Rng::seed_from_u64(seed);
                let tips = t.tips();
                let tip = tips[sample::below(&mut replay, tips.len() as u32) as usize];
                let mut cur = tip;
                let mut path = vec![cur];
                while tip.get() - cur.get() < n && !t.parents(cur).is_empty() {
                    let ps = t.parents(cur);
                    cur = ps[sample::below(&mut replay, ps.len() as u32) as usize];
                    path.push(cur);
                }
                assert_eq!(start, cur, "n = {n}, seed = {seed}");
                assert!(start == tip || t.is_ancestor(start, tip));
                let reached = tip.get() - start.get() >= n;
                assert!(reached || t.parents(start).is_empty(), "stopped early");
                // The first vertex of the path that is deep enough: its predecessor was not.
                if let [.., before, _] = path[..] {
                    assert!(tip.get() - before.get() < n);
                }
            }
        }
        // Depth in arrivals is far shallower than in edges on a wide Tangle.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let by_arrivals = resolve_start(&t, WalkStart::Behind(300), &mut rng).unwrap();
        let by_edges = resolve_start(&t, WalkStart::Depth(300), &mut rng).unwrap();
        assert!(t.height(by_arrivals) > t.height(by_edges));
    }

    /// Tips left behind are not drawn: beside a chain, an old tip (250, approving 249 like
    /// the chain's 251) is drawn only once `n` reaches its age, and then a descent from it
    /// goes to the root.
    #[test]
    fn behind_draws_only_recent_tips() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=500u64 {
            let parent = if id == 250 || id == 251 { 249 } else { id - 1 };
            let _ = t.insert(id, &[parent], 1, id).unwrap();
        }
        assert_eq!(t.tips().len(), 2);
        for seed in 0..64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for (n, expected) in [(1u32, 499u32), (10, 490), (249, 251)] {
                let start = resolve_start(&t, WalkStart::Behind(n), &mut rng).unwrap();
                assert_eq!(start.get(), expected, "n = {n}, seed = {seed}");
            }
        }
        let mut starts = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            starts.insert(
                resolve_start(&t, WalkStart::Behind(250), &mut rng)
                    .unwrap()
                    .get(),
            );
        }
        assert_eq!(
            starts,
            [0, 249].into(),
            "from the chain's head and from the old tip"
        );
        // n = 0 starts at any tip.
        let zero: std::collections::BTreeSet<u32> = (0..64)
            .map(|seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                resolve_start(&t, WalkStart::Behind(0), &mut rng)
                    .unwrap()
                    .get()
            })
            .collect();
        assert_eq!(zero, [250, 500].into());
    }

    /// Recency is by time, not by solidification order: a burst of 60 vertices issued long
    /// ago (a released parasite, times 100..160) that become solid after an honest chain
    /// (times = ids up to 300) does not hide the chain's head from `Behind(10)`.
    #[test]
    fn behind_recency_survives_a_burst() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=300u64 {
            let _ = t.insert(id, &[id - 1], 1, id).unwrap();
        }
        for i in 0..60u64 {
            // Two strands from vertex 99, so the burst has two tips of its own.
            let parent = if i < 2 { 99 } else { 1_000 + i - 2 };
            let _ = t.insert(1_000 + i, &[parent], 1, 100 + i).unwrap();
        }
        assert_eq!(t.tips().len(), 3);
        let head = t.handle(&300).unwrap();
        let from_head = (0..64)
            .filter(|&seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let start = resolve_start(&t, WalkStart::Behind(10), &mut rng).unwrap();
                start.get() == head.get() - 10
            })
            .count();
        // Recent: the head (time 300) and the burst's two tips (times 158, 159 ≥ 149).
        assert!(
            (10..=35).contains(&from_head),
            "{from_head} of 64 from the head"
        );
    }

    /// The recent tip is uniform among the recent ones, by rejection (a quarter recent) and
    /// by counting (2 of 200 recent): chi-square over 20,000 draws each.
    #[test]
    fn recent_tip_is_uniform_in_both_branches() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=200u64 {
            let _ = t.insert(id, &[0], 1, id).unwrap();
        }
        for (n, recent, critical) in [(49u32, 50u32, 85.4), (1, 2, 10.8)] {
            let mut rng = ChaCha8Rng::seed_from_u64(n.into());
            let mut counts = vec![0u32; 201];
            let draws = 20_000;
            for _ in 0..draws {
                counts[recent_tip(&t, n, &mut rng).unwrap().index()] += 1;
            }
            let first = 201 - recent as usize;
            assert!(
                counts[..first].iter().all(|&c| c == 0),
                "n = {n}: old tip drawn"
            );
            let expected = f64::from(draws) / f64::from(recent);
            let chi2: f64 = counts[first..]
                .iter()
                .map(|&c| (f64::from(c) - expected).powi(2) / expected)
                .sum();
            // Critical values at p = 0.001 for 49 and 1 degrees of freedom.
            assert!(chi2 < critical, "n = {n}: chi-square {chi2}");
        }
    }

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
        fn cumulative_weight(&self, v: Handle) -> Option<u64> {
            self.tangle.cumulative_weight(v)
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
        fn milestone_index(&self, v: Handle) -> Option<u32> {
            self.tangle.milestone_index(v)
        }
        fn is_solid_entry_point(&self, v: Handle) -> bool {
            self.tangle.is_solid_entry_point(v)
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

    /// A root approved by tips of the given own weights (their cumulative weights).
    fn fan(weights: &[u32]) -> (Tangle<u64>, Handle) {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for (id, &w) in (1u64..).zip(weights) {
            let _ = t.insert(id, &[0], w, id).unwrap();
        }
        let root = t.handle(&0).unwrap();
        (t, root)
    }

    /// The step that a word picks, through the path the walk takes for this many approvers.
    fn step(t: &Tangle<u64>, x: Handle, alpha: f64, u: u64, buf: &mut StepBuf) -> Handle {
        buf.prepare(alpha);
        let count = t.approver_count(x);
        if count <= 4 {
            small_step(t, x, alpha, u, buf)
        } else {
            wide_step(t, x, count, alpha, u, buf).unwrap()
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
                let small = small_step(&t, root, alpha, u, &buf);
                let wide = wide_step(&t, root, weights.len(), alpha, u, &mut buf);
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

    #[test]
    fn behind_on_an_empty_view_has_no_tips() {
        let t: Tangle<u64> = Tangle::new(Config::default());
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(
            resolve_start(&t, WalkStart::Behind(5), &mut rng),
            Err(SelectError::NoTips)
        );
    }
}
