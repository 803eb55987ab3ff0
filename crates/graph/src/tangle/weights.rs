//! Where cumulative weights are read: the checkpoints, the weight window, or a search of the
//! future cone; and the counters of both upkeeps.

use crate::id::{Handle, VertexId};
use crate::tangle::{Config, Tangle, WeightSource};
use crate::window::{WindowStats, WindowWeights};

impl<I: VertexId> Tangle<I> {
    /// Cumulative weight: the own weight of `v` plus the own weights of all its direct and
    /// indirect approvers, exact at every moment. `None` if tracking is disabled in
    /// [`Config`]. O(1) with checkpoints and, with a [weight window](Config::weight_window),
    /// for the vertices inside it; older ones cost a search of their future cone. (The
    /// [`CumulativeWeights`](crate::CumulativeWeights) view of a tangle answers a weight even
    /// without tracking, by that search.)
    #[inline]
    pub fn cumulative_weight(&self, v: Handle) -> Option<u64> {
        // One test on the walks' hot path; the other sources are out of line.
        if self.weight_source == WeightSource::Checkpoints {
            let n = &self.hot[v.index()];
            return Some(n.cw + self.checkpoints.lazy(n.cp_first));
        }
        self.cumulative_weight_otherwise(v)
    }

    /// [`Tangle::cumulative_weight`] without checkpoints: from the window, or `None`.
    #[inline(never)]
    fn cumulative_weight_otherwise(&self, v: Handle) -> Option<u64> {
        let window = self.window.as_ref()?;
        let inside = window.weight(u64::from(v.get()));
        Some(inside.unwrap_or_else(|| self.future_cone_weight(v)))
    }

    /// Cumulative weight whatever the [`Config`]: [`Tangle::cumulative_weight`] where the
    /// tangle keeps weights, else a search of the future cone (O(cone)). What
    /// [`CumulativeWeights`](crate::CumulativeWeights) answers, so that weighted walks run on
    /// any tangle; they are fast only on one that keeps weights.
    #[inline]
    pub(crate) fn exact_cumulative_weight(&self, v: Handle) -> u64 {
        // One test on the walks' hot path; the other sources are out of line.
        if self.weight_source == WeightSource::Checkpoints {
            let n = &self.hot[v.index()];
            return n.cw + self.checkpoints.lazy(n.cp_first);
        }
        self.exact_cumulative_weight_otherwise(v)
    }

    /// [`Tangle::exact_cumulative_weight`] without checkpoints: from the window, or a search.
    #[inline(never)]
    fn exact_cumulative_weight_otherwise(&self, v: Handle) -> u64 {
        self.cumulative_weight_otherwise(v)
            .unwrap_or_else(|| self.future_cone_weight(v))
    }

    /// `cw(v)` by a search of `v`'s future cone (the weight window's answer for older `v`, and
    /// the [`CumulativeWeights`](crate::CumulativeWeights) answer of a tangle without weights).
    /// Not a [`Traversal`](crate::traverse::Traversal): from `&self` it would need fresh marks
    /// for the whole tangle (4 bytes per vertex) per call; the cone lies in `v..len`, so one
    /// bit per vertex of that range is enough.
    fn future_cone_weight(&self, v: Handle) -> u64 {
        self.window_searches.bump();
        let first = v.index();
        let mut seen = vec![0u64; (self.len() - first).div_ceil(64)];
        let mut stack = vec![v];
        let mut sum = 0u64;
        while let Some(u) = stack.pop() {
            sum += self.own_weight(u);
            for a in self.approvers(u) {
                let i = a.index() - first;
                if seen[i / 64] & (1 << (i % 64)) == 0 {
                    seen[i / 64] |= 1 << (i % 64);
                    stack.push(a);
                }
            }
        }
        sum
    }

    pub(super) fn window_for(config: &Config) -> Option<WindowWeights> {
        (config.track_cumulative_weight && config.weight_window > 0)
            .then(|| WindowWeights::new(config.weight_window))
    }

    /// Counters of the weight window, if the tangle keeps one ([`Config::weight_window`]).
    pub fn window_stats(&self) -> Option<WindowStats> {
        self.window.as_ref().map(|w| WindowStats {
            cone_searches: self.window_searches.get(),
            ..w.stats()
        })
    }

    /// Statistics of the checkpoint upkeep (see the `weight` module); all zero when a weight
    /// window keeps the weights ([`Tangle::window_stats`]).
    pub fn weight_stats(&self) -> crate::weight::WeightStats {
        self.checkpoints.stats()
    }
}
