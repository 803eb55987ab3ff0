//! HPS: the pair of tips whose past cones cover the most recent vertices.

use rand_core::RngCore;

use super::{SelectError, Selection, TipRequest, TipSelector, sample};
use crate::id::Handle;
use crate::view::TangleView;

/// Most candidate tips HPS compares (one bit each in a `u64` reachability mask).
pub const HPS_MAX_CANDIDATES: usize = 64;

/// HPS: choose the two tips whose past cones, together, cover the most vertices of a recent
/// window — the pair that confirms the most recent history with one new vertex. The window is
/// the newest `window` vertices (handles follow arrival), which bounds the cost; cones are
/// counted inside it, tips included.
///
/// For `k = 1` the single best tip is chosen; for `k > 2` the best pair is extended greedily by
/// the tip adding the most coverage. Ties are broken uniformly with the caller's RNG. When more
/// than `max_candidates` (≤ 64) tips lie in the window, a uniform subset of that size is
/// compared. The rule is this project's own; it comes from no publication.
///
/// Cost: one pass over the window computing, per vertex, the set of candidate tips that reach
/// it (a 64-bit mask, in reverse topological order), then `L²/2` bitset unions of `window/64`
/// words.
#[derive(Clone, Debug)]
pub struct Hps {
    window: u32,
    max_candidates: usize,
    reach: Vec<u64>,
    candidates: Vec<Handle>,
    cones: Vec<u64>,
    union: Vec<u64>,
}

impl Hps {
    /// HPS over the newest `window` vertices (≥ 1).
    pub fn new(window: u32) -> Result<Self, SelectError> {
        if window == 0 {
            return Err(SelectError::InvalidParameter {
                name: "window",
                reason: "must be at least 1 vertex",
            });
        }
        Ok(Hps {
            window,
            max_candidates: HPS_MAX_CANDIDATES,
            reach: Vec::new(),
            candidates: Vec::new(),
            cones: Vec::new(),
            union: Vec::new(),
        })
    }

    /// Compare at most `n` tips (1..=64).
    pub fn with_max_candidates(mut self, n: usize) -> Result<Self, SelectError> {
        if n == 0 || n > HPS_MAX_CANDIDATES {
            return Err(SelectError::InvalidParameter {
                name: "max_candidates",
                reason: "must be in 1..=64",
            });
        }
        self.max_candidates = n;
        Ok(self)
    }

    /// Vertices covered by the union of the past cones (tips included, inside the window) of
    /// `tips`, computed from scratch. For tests and analysis.
    pub fn coverage<V: TangleView>(&self, view: &V, tips: &[Handle]) -> usize {
        let lo = view.len().saturating_sub(self.window as usize);
        let mut t = crate::traverse::Traversal::new();
        let hi = Handle::new(view.len().saturating_sub(1) as u32);
        t.past(view, tips)
            .window(Handle::new(lo as u32), hi)
            .inclusive()
            .filter(|h| h.index() >= lo)
            .count()
    }
}

/// Keeps the best score; ties are replaced with probability `1/ties` (reservoir sampling), so
/// every tied option is equally likely.
struct Best<T> {
    score: usize,
    ties: u32,
    item: Option<T>,
}

impl<T> Best<T> {
    fn new() -> Self {
        Best {
            score: 0,
            ties: 0,
            item: None,
        }
    }

    fn offer(&mut self, score: usize, item: T, rng: &mut dyn RngCore) {
        if self.item.is_none() || score > self.score {
            self.score = score;
            self.ties = 1;
            self.item = Some(item);
        } else if score == self.score {
            self.ties += 1;
            if sample::below(rng, self.ties) == 0 {
                self.item = Some(item);
            }
        }
    }
}

fn popcount_union(a: &[u64], b: &[u64]) -> usize {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x | y).count_ones() as usize)
        .sum()
}

impl<V: TangleView> TipSelector<V> for Hps {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        if view.tips().is_empty() {
            return Err(SelectError::NoTips);
        }
        let n = view.len();
        let lo = n.saturating_sub(self.window as usize);
        self.candidates.clear();
        self.candidates
            .extend(view.tips().iter().copied().filter(|t| t.index() >= lo));
        if self.candidates.is_empty() {
            return Err(SelectError::NoEligibleTips {
                rule: "HPS: no tip inside the window",
            });
        }
        // Canonical order, then a uniform subset if there are too many.
        self.candidates.sort_unstable();
        if self.candidates.len() > self.max_candidates {
            let mut idx = [0u32; HPS_MAX_CANDIDATES];
            let got = sample::distinct(
                rng,
                self.candidates.len() as u32,
                self.max_candidates,
                &mut idx,
            );
            let mut picked: Vec<Handle> = idx[..got]
                .iter()
                .map(|&i| self.candidates[i as usize])
                .collect();
            picked.sort_unstable();
            self.candidates = picked;
        }
        let l = self.candidates.len();
        let span = n - lo;
        // reach[v] = set of candidates whose closed past cone contains v.
        self.reach.clear();
        self.reach.resize(span, 0);
        for (i, c) in self.candidates.iter().enumerate() {
            self.reach[c.index() - lo] |= 1 << i;
        }
        for off in (0..span).rev() {
            let v = Handle::new((lo + off) as u32);
            let mut mask = self.reach[off];
            for a in view.approvers(v) {
                mask |= self.reach[a.index() - lo];
            }
            self.reach[off] = mask;
        }
        // Transpose into one bitset over the window per candidate.
        let words = span.div_ceil(64);
        self.cones.clear();
        self.cones.resize(l * words, 0);
        for (off, &mask) in self.reach.iter().enumerate() {
            let mut m = mask;
            while m != 0 {
                let i = m.trailing_zeros() as usize;
                m &= m - 1;
                self.cones[i * words + off / 64] |= 1 << (off % 64);
            }
        }
        let cone = |i: usize| i * words..(i + 1) * words;
        let k = request.count();
        let mut chosen = Selection::default();
        if k == 1 || l == 1 {
            let mut best = Best::new();
            for i in 0..l {
                let score = popcount_union(&self.cones[cone(i)], &self.cones[cone(i)]);
                best.offer(score, i, rng);
            }
            let i = best.item.unwrap_or(0);
            chosen.push(self.candidates[i]);
        } else {
            let mut best = Best::new();
            for i in 0..l {
                for j in i + 1..l {
                    let score = popcount_union(&self.cones[cone(i)], &self.cones[cone(j)]);
                    best.offer(score, (i, j), rng);
                }
            }
            let (i, j) = best.item.unwrap_or((0, 1));
            chosen.push(self.candidates[i]);
            chosen.push(self.candidates[j]);
            self.union.clear();
            self.union.extend(
                self.cones[cone(i)]
                    .iter()
                    .zip(&self.cones[cone(j)])
                    .map(|(a, b)| a | b),
            );
            let mut used = vec![false; l];
            used[i] = true;
            used[j] = true;
            while chosen.len() < k && used.iter().any(|u| !u) {
                let mut best = Best::new();
                for (c, _) in used.iter().enumerate().filter(|(_, u)| !**u) {
                    let score = popcount_union(&self.union, &self.cones[cone(c)]);
                    best.offer(score, c, rng);
                }
                let Some(c) = best.item else { break };
                used[c] = true;
                chosen.push(self.candidates[c]);
                for (u, w) in self.union.iter_mut().zip(&self.cones[cone(c)]) {
                    *u |= w;
                }
            }
        }
        // Repeats requested but fewer candidates than k: repeat the best tip.
        if request.repeats() {
            while chosen.len() < k {
                chosen.push(chosen[0]);
            }
        }
        chosen.sort_by_id(view);
        Ok(chosen)
    }
}
