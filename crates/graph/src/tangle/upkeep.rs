//! The upkeep of exact cumulative weights by nested checkpoint cones: what each insertion adds,
//! and when a new checkpoint is made. The [`weight`](crate::weight) module states the method and
//! proves it exact.

use crate::arena::{Approvers, Cold, NONE};
use crate::id::{Handle, VertexId};
use crate::tangle::Tangle;

impl<I: VertexId> Tangle<I> {
    /// Adds the weight of the new vertex `x` to its past cone (see the module docs).
    pub(crate) fn add_weight(&mut self, x: u32, w: u64, j: u32) {
        if w == 0 {
            return;
        }
        let stamp = self.next_stamp();
        let Tangle {
            hot,
            cold,
            parents,
            stack,
            checkpoints,
            ..
        } = self;
        stack.clear();
        // Push the parents of `v` that are outside C(c_j) and not visited yet.
        let push_parents = |v: usize, stack: &mut Vec<u32>, cold: &mut [Cold]| {
            let start = cold[v].edge_start as usize;
            let count = cold[v].parent_count as usize;
            for &p in &parents[start..start + count] {
                let pc = &mut cold[p.index()];
                if pc.mark != stamp && pc.cp_first > j {
                    pc.mark = stamp;
                    stack.push(p.get());
                }
            }
        };
        push_parents(x as usize, stack, cold);
        let mut updated = 0u64;
        while let Some(v) = stack.pop() {
            hot[v as usize].cw += w;
            updated += 1;
            push_parents(v as usize, stack, cold);
        }
        checkpoints.stats.eager_updates += updated;
        if j > 0 {
            checkpoints.total += w;
            let m = checkpoints.latest();
            if j < m {
                checkpoints.stats.fallbacks += 1;
                for s in &mut checkpoints.prefix[(j + 1) as usize..=m as usize] {
                    *s += w;
                }
            }
        } else if checkpoints.latest() > 0 {
            checkpoints.stats.fallbacks += 1;
        }
    }

    /// Every `interval` insertions, tries to create the next checkpoint.
    pub(crate) fn maybe_advance_checkpoint(&mut self) {
        let cp = &mut self.checkpoints;
        if cp.interval == 0 {
            return;
        }
        cp.since_attempt += 1;
        if cp.since_attempt < cp.interval {
            return;
        }
        cp.since_attempt = 0;
        let n = self.hot.len() as u32;
        if n < 8 {
            return;
        }
        cp.stats.attempts += 1;
        let m = cp.latest();
        let last = if m > 0 { cp.handles[m as usize - 1] } else { 0 };
        let recent = (cp.interval / 4).clamp(16, 1024);
        let lag = cp.lag.min(n - 1);
        let limit = n - 1 - lag;
        // Only descendants of the latest checkpoint qualify (nesting). Start at the newest
        // such vertex and walk down their youngest parents that still descend from it (every
        // descendant other than c_m has one) until `limit`.
        let cold = &self.cold;
        let descends = |v: u32| m == 0 || cold[v as usize].cp_anc == m;
        let Some(mut c) = (n.saturating_sub(recent)..n).rev().find(|&v| descends(v)) else {
            return;
        };
        while c > limit {
            let cc = cold[c as usize];
            let start = cc.edge_start as usize;
            let next = self.parents[start..start + cc.parent_count as usize]
                .iter()
                .map(|p| p.get())
                .filter(|&p| descends(p))
                .max();
            match next {
                Some(p) => c = p,
                None => break,
            }
        }
        if m > 0 && c <= last {
            return; // not enough arrivals since the last checkpoint for this lag
        }
        // Future cone of c (including c), collected into `visited`.
        let stamp = self.next_stamp();
        let mut visited = core::mem::take(&mut self.checkpoints.visited);
        visited.clear();
        self.cold[c as usize].mark = stamp;
        visited.push(c);
        let mut i = 0;
        while i < visited.len() {
            let v = Handle::new(visited[i]);
            i += 1;
            let Tangle {
                hot, cold, extra, ..
            } = &mut *self;
            let approvers = Approvers::of(hot, extra, v);
            for a in approvers {
                let ac = &mut cold[a.index()];
                if ac.mark != stamp {
                    ac.mark = stamp;
                    visited.push(a.get());
                }
            }
        }
        // Do the newest arrivals descend from c?
        let recent = recent.min(n - 1 - c);
        let covered = (n - recent..n)
            .filter(|&v| self.cold[v as usize].mark == stamp)
            .count() as u32;
        if recent > 0 && covered * 4 < recent {
            self.checkpoints.visited = visited;
            // Older candidates are approved by more arrivals; no point going past c_m.
            let cap = (n - 1 - last).max(16);
            self.checkpoints.lag = self.checkpoints.lag.saturating_mul(2).min(cap);
            return;
        }
        // Accept: c becomes checkpoint m + 1.
        let j = m + 1;
        for &v in &visited {
            self.cold[v as usize].cp_anc = j;
        }
        self.checkpoints.visited = visited;
        let mut stack = core::mem::take(&mut self.stack);
        stack.clear();
        self.hot[c as usize].cp_first = j;
        self.cold[c as usize].cp_first = j;
        stack.push(c);
        while let Some(v) = stack.pop() {
            let cc = self.cold[v as usize];
            let start = cc.edge_start as usize;
            for p in &self.parents[start..start + cc.parent_count as usize] {
                let pc = &mut self.cold[p.index()];
                if pc.cp_first == NONE {
                    pc.cp_first = j;
                    self.hot[p.index()].cp_first = j;
                    stack.push(p.get());
                }
            }
        }
        self.stack = stack;
        let cp = &mut self.checkpoints;
        cp.handles.push(c);
        cp.prefix.push(cp.total);
        cp.lag = (cp.lag - cp.lag / 8).max(16);
    }

    /// The checkpoint vertices, oldest first (for tests and diagnostics).
    pub fn checkpoints(&self) -> impl Iterator<Item = Handle> + '_ {
        self.checkpoints.handles.iter().map(|&h| Handle::new(h))
    }
}
