//! Orphans: releasing the vertices that waited for a new one, and what the pool reports.

use crate::id::{Handle, VertexId};
use crate::orphans::OrphanStats;
use crate::tangle::{MAX_PARENTS, Tangle};

impl<I: VertexId> Tangle<I> {
    /// Solidifies, transitively, every orphan that was waiting for `id`.
    pub(super) fn release_waiters(&mut self, id: I) {
        if self.orphans.len() == 0 {
            return;
        }
        let mut cascade = core::mem::take(&mut self.cascade);
        cascade.clear();
        cascade.push(id);
        while let Some(x) = cascade.pop() {
            let Some(waiters) = self.orphans.take_waiters(&x) else {
                continue;
            };
            for o in waiters {
                let Some(orphan) = self.orphans.satisfy(&o) else {
                    continue;
                };
                let mut resolved = [Handle::default(); MAX_PARENTS];
                let mut ok = true;
                for (slot, p) in resolved.iter_mut().zip(orphan.parents.iter()) {
                    match self.handle(p) {
                        Some(h) => *slot = h,
                        None => ok = false,
                    }
                }
                if !ok {
                    // Unreachable by construction (the missing count reached 0 only when each
                    // missing parent solidified); never lose a vertex silently.
                    debug_assert!(false, "orphan released with a missing parent");
                    self.orphans.count_dropped();
                    continue;
                }
                if self.config.dense_ids && !self.is_next_dense(&o) {
                    // Its handle would not equal its id (documented on `Config::dense_ids`).
                    self.orphans.count_dropped();
                    continue;
                }
                let n = orphan.parents.len();
                let hash = self.hash_of(&o);
                self.attach(o, hash, &resolved[..n], orphan.weight, orphan.time, 0, 0);
                cascade.push(o);
            }
        }
        self.cascade = cascade;
    }

    /// Ids that orphans wait for and that are neither solid nor pending: what a network layer
    /// should request from its peers. Sorted, so the answer does not depend on hashing.
    pub fn missing_parents(&self) -> Vec<I> {
        let mut out: Vec<I> = self
            .orphans
            .awaited()
            .filter(|id| !self.contains(id))
            .copied()
            .collect();
        out.sort_unstable();
        out
    }

    /// Orphan-pool counters, including how many orphans were ever dropped.
    pub fn orphan_stats(&self) -> OrphanStats {
        self.orphans.stats()
    }

    /// Is this id waiting in the orphan pool?
    pub fn is_pending(&self, id: &I) -> bool {
        self.orphans.contains(id)
    }
}
