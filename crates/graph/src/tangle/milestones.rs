//! Milestone marks: which milestone referenced a vertex (the white-flag rule).

use crate::error::ReferenceError;
use crate::id::{Handle, VertexId};
use crate::tangle::Tangle;

impl<I: VertexId> Tangle<I> {
    /// The milestone index that referenced `v`, if one did.
    pub fn milestone_index(&self, v: Handle) -> Option<u32> {
        match self.milestones[v.index()] {
            0 => None,
            i => Some(i),
        }
    }

    /// Records that milestone `index` referenced `v` (what a white-flag traversal does for each
    /// vertex of a milestone's newly referenced cone). TIP-3 scoring and DOT export read it.
    pub fn mark_referenced(&mut self, v: Handle, index: u32) -> Result<(), ReferenceError> {
        if index == 0 {
            return Err(ReferenceError::ZeroIndex);
        }
        let slot = self
            .milestones
            .get_mut(v.index())
            .ok_or(ReferenceError::UnknownHandle(v))?;
        *slot = index;
        Ok(())
    }

    /// Marks `v` and every not-yet-referenced vertex of its past cone as referenced by
    /// milestone `index`, stopping at vertices already referenced (the white-flag rule).
    /// Returns how many vertices were marked. Convenient for simulators, where `v` is the
    /// milestone vertex.
    pub fn mark_cone_referenced(&mut self, v: Handle, index: u32) -> Result<usize, ReferenceError> {
        if index == 0 {
            return Err(ReferenceError::ZeroIndex);
        }
        if v.index() >= self.hot.len() {
            return Err(ReferenceError::UnknownHandle(v));
        }
        let mut stack = core::mem::take(&mut self.stack);
        stack.clear();
        let mut count = 0;
        if self.milestones[v.index()] == 0 {
            self.milestones[v.index()] = index;
            stack.push(v.get());
        }
        while let Some(x) = stack.pop() {
            count += 1;
            let c = self.cold[x as usize];
            let start = c.edge_start as usize;
            for &p in &self.parents[start..start + c.parent_count as usize] {
                if self.milestones[p.index()] == 0 {
                    self.milestones[p.index()] = index;
                    stack.push(p.get());
                }
            }
        }
        self.stack = stack;
        Ok(count)
    }
}
