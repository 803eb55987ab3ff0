//! The pool of vertices waiting for parents (orphans).
//!
//! Orphans live outside the arena so that the arena only ever holds solid vertices, in
//! topological order. The pool is bounded: when it is full the *oldest* orphan is evicted (and
//! counted), on the reasoning that a parent which has not shown up for longest is the least
//! likely to arrive; a flood of junk orphans therefore costs bounded memory and, at worst,
//! delays honest orphans until the network layer asks for them again.

use std::collections::{HashMap, VecDeque};

use crate::id::{IdHashBuilder, VertexId};

/// An orphan's stored arrival.
#[derive(Clone, Debug)]
pub(crate) struct Orphan<I> {
    pub(crate) parents: Box<[I]>,
    pub(crate) weight: u32,
    pub(crate) time: u64,
    /// Parents not solid yet.
    missing: u8,
    /// Insertion sequence number, to recognise stale entries of the eviction queue.
    seq: u64,
}

/// Counters of the orphan pool, for monitoring and for the network layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrphanStats {
    /// Orphans currently held.
    pub pending: usize,
    /// The configured bound on `pending`.
    pub capacity: usize,
    /// Distinct ids that some orphan waits for (solid-pending or entirely unknown).
    pub awaited_ids: usize,
    /// Orphans dropped since the tangle was created: evicted when the pool was full, or refused
    /// outright when the capacity is 0.
    pub dropped: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct OrphanPool<I: VertexId> {
    entries: HashMap<I, Orphan<I>, IdHashBuilder>,
    /// Missing parent id → orphans waiting for it.
    waiting: HashMap<I, Vec<I>, IdHashBuilder>,
    /// Eviction order (oldest first); entries whose `seq` no longer matches are stale.
    order: VecDeque<(u64, I)>,
    next_seq: u64,
    capacity: usize,
    dropped: u64,
}

impl<I: VertexId> OrphanPool<I> {
    pub(crate) fn new(capacity: usize, hasher: IdHashBuilder) -> Self {
        OrphanPool {
            entries: HashMap::with_hasher(hasher),
            waiting: HashMap::with_hasher(hasher),
            order: VecDeque::new(),
            next_seq: 0,
            capacity,
            dropped: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn contains(&self, id: &I) -> bool {
        self.entries.contains_key(id)
    }

    pub(crate) fn stats(&self) -> OrphanStats {
        OrphanStats {
            pending: self.entries.len(),
            capacity: self.capacity,
            awaited_ids: self.waiting.len(),
            dropped: self.dropped,
        }
    }

    /// Ids that are awaited but are neither solid (the caller checks) nor pending here.
    pub(crate) fn awaited(&self) -> impl Iterator<Item = &I> {
        self.waiting
            .keys()
            .filter(|id| !self.entries.contains_key(id))
    }

    /// Stores an orphan; `missing` lists the parents that are not solid. Returns how many
    /// orphans were dropped to make room (the new one itself counts when the capacity is 0).
    pub(crate) fn add(
        &mut self,
        id: I,
        parents: &[I],
        missing: &[I],
        weight: u32,
        time: u64,
    ) -> usize {
        if self.capacity == 0 {
            self.dropped += 1;
            return 1;
        }
        let mut evicted = 0;
        while self.entries.len() >= self.capacity {
            if self.evict_oldest() {
                evicted += 1;
            } else {
                break;
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        for m in missing {
            self.waiting.entry(*m).or_default().push(id);
        }
        self.entries.insert(
            id,
            Orphan {
                parents: parents.into(),
                weight,
                time,
                missing: missing.len() as u8,
                seq,
            },
        );
        self.order.push_back((seq, id));
        // Solidified orphans leave stale queue entries; compact so the queue stays O(capacity).
        if self.order.len() > 2 * self.capacity + 16 {
            let entries = &self.entries;
            self.order
                .retain(|(s, o)| entries.get(o).is_some_and(|e| e.seq == *s));
        }
        evicted
    }

    fn evict_oldest(&mut self) -> bool {
        while let Some((seq, id)) = self.order.pop_front() {
            let live = self.entries.get(&id).is_some_and(|e| e.seq == seq);
            if !live {
                continue;
            }
            if let Some(orphan) = self.entries.remove(&id) {
                for p in orphan.parents.iter() {
                    if let Some(list) = self.waiting.get_mut(p) {
                        list.retain(|o| *o != id);
                        if list.is_empty() {
                            self.waiting.remove(p);
                        }
                    }
                }
            }
            self.dropped += 1;
            return true;
        }
        false
    }

    /// Removes and returns the orphans waiting for `id` (which just became solid).
    pub(crate) fn take_waiters(&mut self, id: &I) -> Option<Vec<I>> {
        self.waiting.remove(id)
    }

    /// One of `id`'s parents became solid; returns the orphan (removed from the pool) once all
    /// of its parents are solid.
    pub(crate) fn satisfy(&mut self, id: &I) -> Option<Orphan<I>> {
        let entry = self.entries.get_mut(id)?;
        entry.missing = entry.missing.saturating_sub(1);
        if entry.missing == 0 {
            self.entries.remove(id)
        } else {
            None
        }
    }

    /// Forgets a pending orphan without counting it as dropped (it became solid another way,
    /// e.g. it was declared a solid entry point).
    pub(crate) fn forget(&mut self, id: &I) {
        if let Some(orphan) = self.entries.remove(id) {
            for p in orphan.parents.iter() {
                if let Some(list) = self.waiting.get_mut(p) {
                    list.retain(|o| o != id);
                    if list.is_empty() {
                        self.waiting.remove(p);
                    }
                }
            }
        }
    }

    /// Counts an orphan lost for an internal reason (never expected; never silent either).
    pub(crate) fn count_dropped(&mut self) {
        self.dropped += 1;
    }

    /// Heap bytes held, estimated from capacities.
    pub(crate) fn heap_bytes(&self) -> usize {
        let entry = core::mem::size_of::<(I, Orphan<I>)>() + 1;
        let wait = core::mem::size_of::<(I, Vec<I>)>() + 1;
        let parents: usize = self
            .entries
            .values()
            .map(|o| o.parents.len() * core::mem::size_of::<I>())
            .sum();
        let lists: usize = self
            .waiting
            .values()
            .map(|l| l.capacity() * core::mem::size_of::<I>())
            .sum();
        self.entries.capacity() * entry
            + self.waiting.capacity() * wait
            + parents
            + lists
            + self.order.capacity() * core::mem::size_of::<(u64, I)>()
    }
}
