//! Insertion and solidification: the parent rules, the three ways in (by ids, by solid
//! handles, as a solid entry point) and the append to the arena.

use crate::arena::{Cold, FLAG_ENTRY_POINT, Hot, INLINE_APPROVERS, Link, NONE};
use crate::error::InsertError;
use crate::id::{Handle, VertexId, dense_key};
use crate::tangle::{MAX_PARENTS, Tangle};
#[cfg(doc)]
use crate::{Config, OrphanStats};

/// Largest number of vertices (one `u32` value is reserved for [`NONE`]).
const MAX_VERTICES: usize = (u32::MAX - 1) as usize;

/// What [`Tangle::insert`] did with a vertex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Insertion {
    /// The vertex is solid. `solidified` counts it and every waiting orphan that became solid
    /// with it; their handles are in [`Tangle::last_solidified`], in topological order.
    Solid {
        /// The new vertex.
        handle: Handle,
        /// Vertices that became solid in this call (at least 1).
        solidified: usize,
    },
    /// Some parents have not arrived: the vertex waits in the orphan pool.
    Pending {
        /// Parents not solid yet.
        missing: usize,
        /// Older orphans evicted to make room (also counted in [`OrphanStats::dropped`]).
        evicted: usize,
    },
    /// The orphan pool has capacity 0: the vertex was refused and counted as dropped.
    Dropped,
    /// The id is already known; nothing changed (ids are content hashes, so the parents are
    /// assumed equal). `handle` is `None` when the known copy is still pending.
    Duplicate {
        /// The solid vertex with this id, if it is solid.
        handle: Option<Handle>,
    },
}

/// Checks the parent handles of [`Tangle::insert_solid`]: 1..=8, distinct, solid (`< len`).
fn validate_parent_handles(parents: &[Handle], len: usize) -> Result<(), InsertError> {
    if parents.is_empty() {
        return Err(InsertError::NoParents);
    }
    if parents.len() > MAX_PARENTS {
        return Err(InsertError::TooManyParents {
            count: parents.len(),
        });
    }
    for (i, p) in parents.iter().enumerate() {
        if p.index() >= len {
            return Err(InsertError::UnknownParent { position: i });
        }
        reject_repeat(parents, i)?;
    }
    Ok(())
}

/// `DuplicateParent` if `parents[i]` already stands earlier in the list.
#[inline]
fn reject_repeat<T: Eq>(parents: &[T], i: usize) -> Result<(), InsertError> {
    match parents[..i].iter().position(|q| *q == parents[i]) {
        Some(first) => Err(InsertError::DuplicateParent { first, second: i }),
        None => Ok(()),
    }
}

/// Checks the parent-list rules shared by every insertion path.
fn validate_parents<I: Eq>(id: &I, parents: &[I]) -> Result<(), InsertError> {
    if parents.is_empty() {
        return Err(InsertError::NoParents);
    }
    if parents.len() > MAX_PARENTS {
        return Err(InsertError::TooManyParents {
            count: parents.len(),
        });
    }
    for (i, p) in parents.iter().enumerate() {
        if p == id {
            return Err(InsertError::SelfReference { position: i });
        }
        reject_repeat(parents, i)?;
    }
    Ok(())
}

impl<I: VertexId> Tangle<I> {
    /// Inserts a vertex that approves `parents` (1..=8 distinct ids, not itself), with an own
    /// weight and an arrival time (any unit; the selectors that use time take the same unit).
    ///
    /// Arrivals may come in any order: a vertex whose parents are not all solid waits in the
    /// orphan pool and becomes solid, with everything that waits on it, when they arrive.
    /// Duplicates are reported and ignored. On success, [`Tangle::last_solidified`] lists the
    /// vertices that became solid in this call.
    pub fn insert(
        &mut self,
        id: I,
        parents: &[I],
        weight: u32,
        time: u64,
    ) -> Result<Insertion, InsertError> {
        validate_parents(&id, parents)?;
        self.solidified.clear();
        let hash = self.hash_of(&id);
        if let Some(handle) = self.handle_hashed(&id, hash) {
            return Ok(Insertion::Duplicate {
                handle: Some(handle),
            });
        }
        if self.orphans.len() > 0 && self.orphans.contains(&id) {
            return Ok(Insertion::Duplicate { handle: None });
        }
        // A cascade can attach every pending orphan after this vertex.
        if self.hot.len() + 1 + self.orphans.len() > MAX_VERTICES {
            return Err(InsertError::CapacityExceeded);
        }
        let mut resolved = [Handle::default(); MAX_PARENTS];
        let mut missing = [id; MAX_PARENTS];
        let mut n_missing = 0;
        for (slot, p) in resolved.iter_mut().zip(parents) {
            match self.handle(p) {
                Some(h) => *slot = h,
                None => {
                    missing[n_missing] = *p;
                    n_missing += 1;
                }
            }
        }
        if self.config.dense_ids {
            // Solid now: it takes handle `len`. Pending: it will take a later handle.
            let fits = match dense_key(&id) {
                Some(key) if n_missing == 0 => key == self.hot.len() as u64,
                Some(key) => key > self.hot.len() as u64,
                None => false,
            };
            if !fits {
                return Err(InsertError::NonDenseId);
            }
        }
        if n_missing == 0 {
            let handle = self.attach(id, hash, &resolved[..parents.len()], weight, time, 0, 0);
            self.release_waiters(id);
            return Ok(Insertion::Solid {
                handle,
                solidified: self.solidified.len(),
            });
        }
        if self.config.max_orphans == 0 {
            let _ = self
                .orphans
                .add(id, parents, &missing[..n_missing], weight, time);
            return Ok(Insertion::Dropped);
        }
        let evicted = self
            .orphans
            .add(id, parents, &missing[..n_missing], weight, time);
        Ok(Insertion::Pending {
            missing: n_missing,
            evicted,
        })
    }

    /// Inserts a vertex whose parents are known to be solid, by their handles, with an id known
    /// to be new: the fast path of a simulator, which holds the handles its selector returned.
    /// Skips the parent id lookups of [`Tangle::insert`]; with [`Config::dense_ids`] it does no
    /// hashing at all. Returns the new vertex's handle; orphans waiting for `id` become solid
    /// too, as with `insert` ([`Tangle::last_solidified`]).
    ///
    /// The contract is checked, not assumed: parents must be 1..=8 distinct handles of this
    /// tangle ([`InsertError::UnknownParent`], [`InsertError::DuplicateParent`], …) and `id`
    /// must be neither solid nor pending ([`InsertError::KnownId`]); with `dense_ids` it must
    /// equal the new handle ([`InsertError::NonDenseId`]). On error nothing changes.
    pub fn insert_solid(
        &mut self,
        id: I,
        parents: &[Handle],
        weight: u32,
        time: u64,
    ) -> Result<Handle, InsertError> {
        validate_parent_handles(parents, self.hot.len())?;
        if self.hot.len() + 1 + self.orphans.len() > MAX_VERTICES {
            return Err(InsertError::CapacityExceeded);
        }
        let hash = self.hash_of(&id);
        if self.orphans.len() > 0 && self.orphans.contains(&id) {
            return Err(InsertError::KnownId);
        }
        if self.config.dense_ids {
            if !self.is_next_dense(&id) {
                return Err(if self.handle(&id).is_some() {
                    InsertError::KnownId
                } else {
                    InsertError::NonDenseId
                });
            }
        } else if self.handle_hashed(&id, hash).is_some() {
            return Err(InsertError::KnownId);
        }
        self.solidified.clear();
        let handle = self.attach(id, hash, parents, weight, time, 0, 0);
        self.release_waiters(id);
        Ok(handle)
    }

    /// Declares `id` solid without parents: the genesis, or a vertex on the boundary of a
    /// pruned snapshot ("solid entry point"). `milestone_index` is the milestone that
    /// referenced it, if any (TIP-3 scoring uses it as a cone root). Orphans waiting on it
    /// become solid. If `id` is already solid its handle is returned unchanged; if it was
    /// pending it stops waiting and becomes an entry point.
    pub fn add_solid_entry_point(
        &mut self,
        id: I,
        weight: u32,
        time: u64,
        milestone_index: Option<u32>,
    ) -> Result<Handle, InsertError> {
        self.solidified.clear();
        if let Some(handle) = self.handle(&id) {
            return Ok(handle);
        }
        if self.hot.len() + 1 + self.orphans.len() > MAX_VERTICES {
            return Err(InsertError::CapacityExceeded);
        }
        if self.config.dense_ids && !self.is_next_dense(&id) {
            return Err(InsertError::NonDenseId);
        }
        self.orphans.forget(&id);
        let hash = self.hash_of(&id);
        let handle = self.attach(
            id,
            hash,
            &[],
            weight,
            time,
            FLAG_ENTRY_POINT,
            milestone_index.unwrap_or(0),
        );
        self.release_waiters(id);
        Ok(handle)
    }

    /// Appends a solid vertex whose parents are all solid. Infallible: callers checked the
    /// capacity and the parent rules.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn attach(
        &mut self,
        id: I,
        hash: u64,
        parents: &[Handle],
        weight: u32,
        time: u64,
        flags: u8,
        milestone: u32,
    ) -> Handle {
        let h = self.hot.len() as u32;
        let edge_start = self.parents.len() as u32;
        let mut height = 0u32;
        let mut cp_anc = 0u32;
        for &p in parents {
            self.parents.push(p);
            let pc = &self.cold[p.index()];
            height = height.max(pc.height + 1);
            cp_anc = cp_anc.max(pc.cp_anc);
            let ph = &mut self.hot[p.index()];
            let slot = ph.approvers as usize;
            ph.approvers += 1;
            let last = INLINE_APPROVERS - 1;
            if slot < INLINE_APPROVERS {
                ph.inline[slot] = h;
            } else {
                if slot == INLINE_APPROVERS {
                    // The fifth approver: the fourth moves to the list, whose head takes its slot.
                    self.extra.push(Link {
                        child: ph.inline[last],
                        next: NONE,
                    });
                    ph.inline[last] = (self.extra.len() - 1) as u32;
                }
                self.extra.push(Link {
                    child: h,
                    next: ph.inline[last],
                });
                ph.inline[last] = (self.extra.len() - 1) as u32;
            }
            if slot == 0 {
                self.remove_tip(p);
            }
        }
        self.hot.push(Hot {
            cw: u64::from(weight),
            cp_first: NONE,
            approvers: 0,
            inline: [NONE; INLINE_APPROVERS],
        });
        self.cold.push(Cold {
            edge_start,
            height,
            cp_anc,
            cp_first: NONE,
            weight,
            tip_pos: self.tips.len() as u32,
            mark: 0,
            parent_count: parents.len() as u8,
            flags,
        });
        self.tips.push(Handle::new(h));
        self.ids.push(id);
        self.times.push(time);
        self.milestones.push(milestone);
        if !self.config.dense_ids {
            self.index.insert(hash, h);
        }
        self.max_height = self.max_height.max(height);
        self.latest_time = self.latest_time.max(time);
        if self.config.track_cumulative_weight {
            if let Some(window) = &mut self.window {
                window.push(
                    parents.iter().map(|p| u64::from(p.get())),
                    u64::from(weight),
                );
            } else {
                self.add_weight(h, u64::from(weight), cp_anc);
                self.maybe_advance_checkpoint();
            }
        }
        let handle = Handle::new(h);
        self.solidified.push(handle);
        handle
    }

    fn remove_tip(&mut self, v: Handle) {
        let pos = self.cold[v.index()].tip_pos;
        if pos == NONE {
            return;
        }
        self.tips.swap_remove(pos as usize);
        if let Some(&moved) = self.tips.get(pos as usize) {
            self.cold[moved.index()].tip_pos = pos;
        }
        self.cold[v.index()].tip_pos = NONE;
    }

    /// Vertices that became solid during the last successful `insert` or
    /// `add_solid_entry_point`, in topological order (a network layer validates or gossips
    /// them; a TIP-3 pool scores them).
    pub fn last_solidified(&self) -> &[Handle] {
        &self.solidified
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_rules() {
        assert_eq!(validate_parents(&1u32, &[]), Err(InsertError::NoParents));
        assert_eq!(
            validate_parents(&1u32, &[2, 3, 1]),
            Err(InsertError::SelfReference { position: 2 })
        );
        assert_eq!(
            validate_parents(&1u32, &[2, 3, 2]),
            Err(InsertError::DuplicateParent {
                first: 0,
                second: 2
            })
        );
        assert_eq!(
            validate_parents(&0u32, &[1, 2, 3, 4, 5, 6, 7, 8, 9]),
            Err(InsertError::TooManyParents { count: 9 })
        );
        assert_eq!(validate_parents(&0u32, &[1, 2, 3, 4, 5, 6, 7, 8]), Ok(()));
    }
}
