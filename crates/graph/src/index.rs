//! The id → handle index: an open-addressing table of 8-byte slots, plus a small cache of
//! recent arrivals.
//!
//! Each slot packs the high 32 bits of the id's hash (the *tag*) with `handle + 1` (0 marks an
//! empty slot). The tag also chooses the home slot, so growing the table never rehashes ids,
//! and a probe compares tags in the slot itself: a lookup costs one cache line of the table and,
//! only on a tag match, one read of the id in the arena to confirm. Linear probing, load ≤ 3/4.
//! Ids are never removed today (pruning will add backward-shift deletion).
//!
//! In front of it, a direct-mapped cache of 4096 recent arrivals (tagged the same way) answers most parent lookups
//! without touching the table: new vertices approve tips, and tips are recent.

const EMPTY: u64 = 0;
const RECENT: usize = 4096;

#[derive(Clone, Debug)]
pub(crate) struct IdIndex {
    slots: Vec<u64>,
    len: usize,
    /// Recent arrivals, direct-mapped by the low hash bits: tag and `handle + 1` as in a
    /// slot; 0 = empty.
    recent: Vec<u64>,
}

#[inline]
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

impl IdIndex {
    pub(crate) fn with_capacity(n: usize) -> Self {
        let slots = (n.max(8) * 4 / 3 + 1).next_power_of_two();
        IdIndex {
            slots: vec![EMPTY; slots],
            len: 0,
            recent: vec![0; RECENT],
        }
    }

    /// No table at all, for [`Config::dense_ids`](crate::Config::dense_ids) (never queried).
    pub(crate) fn empty() -> Self {
        IdIndex {
            slots: Vec::new(),
            len: 0,
            recent: Vec::new(),
        }
    }

    /// Forgets every id, keeping the table's size.
    pub(crate) fn clear(&mut self) {
        self.slots.fill(EMPTY);
        self.recent.fill(0);
        self.len = 0;
    }

    /// Grows now so that `additional` more insertions do not.
    pub(crate) fn reserve(&mut self, additional: usize) {
        while (self.len + additional) * 4 > self.slots.len() * 3 {
            self.grow();
        }
    }

    /// Writes every slot once (see `Tangle::reserve_committed`). Slots are allocated zeroed,
    /// which the allocator may satisfy with unmapped pages; rewriting the contents maps them.
    pub(crate) fn commit(&mut self) {
        for s in &mut self.slots {
            *s = core::hint::black_box(*s);
        }
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The handle whose id hashes to `hash` and satisfies `is_id`.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut is_id: impl FnMut(u32) -> bool) -> Option<u32> {
        let t = tag(hash);
        let r = self.recent[hash as usize & (RECENT - 1)];
        if (r >> 32) as u32 == t && r != EMPTY {
            let h = (r as u32) - 1;
            if is_id(h) {
                return Some(h);
            }
        }
        let mask = self.mask();
        let mut i = t as usize & mask;
        loop {
            let s = self.slots[i];
            if s == EMPTY {
                return None;
            }
            if (s >> 32) as u32 == t {
                let h = (s as u32) - 1;
                if is_id(h) {
                    return Some(h);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a handle known not to be present.
    #[inline]
    pub(crate) fn insert(&mut self, hash: u64, handle: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        Self::place(&mut self.slots, tag(hash), handle + 1);
        self.len += 1;
        self.recent[hash as usize & (RECENT - 1)] =
            (u64::from(tag(hash)) << 32) | u64::from(handle + 1);
    }

    #[inline]
    fn place(slots: &mut [u64], t: u32, value: u32) {
        let mask = slots.len() - 1;
        let mut i = t as usize & mask;
        while slots[i] != EMPTY {
            i = (i + 1) & mask;
        }
        slots[i] = (u64::from(t) << 32) | u64::from(value);
    }

    fn grow(&mut self) {
        let mut bigger = vec![EMPTY; self.slots.len() * 2];
        for &s in &self.slots {
            if s != EMPTY {
                Self::place(&mut bigger, (s >> 32) as u32, s as u32);
            }
        }
        self.slots = bigger;
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8 + self.recent.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_across_growth_and_collisions() {
        let mut idx = IdIndex::with_capacity(0);
        // Hashes with equal tags force probing and tag-equal comparisons.
        let hash = |i: u64| ((i % 7) << 32) | i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        for i in 0..10_000u64 {
            assert_eq!(idx.find(hash(i), |h| u64::from(h) == i), None);
            idx.insert(hash(i), i as u32);
        }
        for i in 0..10_000u64 {
            assert_eq!(idx.find(hash(i), |h| u64::from(h) == i), Some(i as u32));
        }
        assert_eq!(idx.find(hash(20_000), |h| u64::from(h) == 20_000), None);
    }
}
