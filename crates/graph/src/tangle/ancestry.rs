//! Ancestry: is-ancestor (decided by the weight upkeep's checkpoints or window when they
//! can), depth, and the past and future cones.

use crate::id::{Handle, VertexId};
use crate::tangle::Tangle;

impl<I: VertexId> Tangle<I> {
    /// Is `a` a (strict) ancestor of `b`, i.e. in `b`'s past cone? `false` when `a == b`.
    ///
    /// O(1) when the cumulative-weight checkpoints decide it (a checkpoint between them) or
    /// the weight window holds both (a bit of `b`'s row), otherwise a search from `b` that
    /// never looks below `a`'s handle or height.
    pub fn is_ancestor(&self, a: Handle, b: Handle) -> bool {
        if a >= b {
            return false;
        }
        let (ca, cb) = (&self.cold[a.index()], &self.cold[b.index()]);
        if ca.height >= cb.height {
            return false;
        }
        if let Some(known) = self
            .window
            .as_ref()
            .and_then(|w| w.is_ancestor(u64::from(a.get()), u64::from(b.get())))
        {
            return known;
        }
        let tracked = self.config.track_cumulative_weight && self.window.is_none();
        let a_first = self.hot[a.index()].cp_first;
        if tracked {
            // a ∈ past(c_j) ⊆ past(b) for the latest checkpoint c_j at or below b.
            if a_first <= cb.cp_anc {
                return true;
            }
            // a descends from a checkpoint that b does not descend from.
            if ca.cp_anc > cb.cp_anc {
                return false;
            }
        }
        let cold = &self.cold;
        crate::ancestor_search::search_ancestor(
            |u| self.parents(u),
            |u| self.height(u),
            a,
            b,
            |u| tracked && a_first <= cold[u.index()].cp_anc,
        )
    }

    /// Depth: length of the longest path from `v` up to a tip (0 for a tip). Computed on
    /// demand over the future cone, so it costs O(|future cone|).
    pub fn depth(&self, v: Handle) -> u32 {
        crate::traverse::depth(self, v)
    }

    /// Past cone of `v` (strict), breadth-first, with a fresh traversal buffer. For repeated
    /// traversals keep a [`Traversal`](crate::traverse::Traversal) and call its methods.
    pub fn past_cone(&self, v: Handle) -> Vec<Handle> {
        let mut t = crate::traverse::Traversal::new();
        t.past(self, &[v]).collect()
    }

    /// Future cone of `v` (strict), breadth-first, with a fresh traversal buffer.
    pub fn future_cone(&self, v: Handle) -> Vec<Handle> {
        let mut t = crate::traverse::Traversal::new();
        t.future(self, &[v]).collect()
    }
}
