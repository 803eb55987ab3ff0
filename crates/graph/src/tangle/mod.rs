//! The arena DAG: the [`Tangle`] type, its storage and its per-vertex queries. Each other job
//! has its own file: settings ([`config`]), insertion and solidification ([`insert`]), orphan
//! release ([`release`]), cumulative-weight reads ([`weights`]) and upkeep ([`upkeep`]),
//! milestone marks ([`milestones`]), ancestry ([`ancestry`]), memory accounting ([`memory`])
//! and the [`TangleView`](crate::TangleView) capabilities ([`view`]).

use crate::arena::{Cold, FLAG_ENTRY_POINT, Hot, INLINE_APPROVERS, Link, NONE};
use crate::id::{Handle, IdHashBuilder, VertexId, dense_key};
use crate::index::IdIndex;
use crate::orphans::OrphanPool;
use crate::weight::Checkpoints;
use crate::window::WindowWeights;

mod ancestry;
mod config;
mod insert;
mod memory;
mod milestones;
mod release;
mod upkeep;
mod view;
mod weights;

pub use crate::arena::Approvers;
pub use config::{Config, MAX_PARENTS};
pub use insert::Insertion;
pub use memory::MemoryUsage;

/// The Tangle: a DAG of vertices keyed by `I`, stored in an arena with `u32` handles.
///
/// # Storage (bytes per vertex, measured by [`Tangle::memory_usage`])
/// | what | bytes |
/// |---|---|
/// | id (`[u8; 32]` on the node path) | `size_of::<I>()` = 32 |
/// | hot record: eager weight `u64`, first checkpoint, approver count, 4 approver slots (the last one the overflow head from 5 approvers on) | 32 |
/// | cold record: parent offset, height, checkpoint tags, own weight, tip position, search mark, parent count, flags | 32 |
/// | arrival time `u64`, milestone index `u32` | 12 |
/// | parents: one `u32` handle each | 4 × k (8 at k = 2) |
/// | approvers after the third of vertices with five or more: one 8-byte link each | < 1 on a URTS Tangle |
/// | id index: 8-byte slots (hash tag + handle) at load 3/8..3/4 | 10.7–21.3 |
///
/// That is ≈ 128–139 bytes per vertex for 32-byte ids and two parents (133.5 measured at 1M
/// vertices), plus the unused tail of each `Vec` (up to ×2 right after a doubling;
/// [`Tangle::with_capacity`] and [`Tangle::reserve`] avoid it). Every approver is stored once
/// (inline or as a link) and every parent once. The records are 32-byte aligned, so a walk
/// step or a weight-upkeep visit touches one cache line per vertex.
///
/// Handles are assigned in solidification order, which is topological (parents first). A
/// vertex that arrives before its parents waits in a bounded orphan pool and enters the arena
/// when they are all solid.
#[derive(Clone, Debug)]
pub struct Tangle<I: VertexId> {
    pub(crate) config: Config,
    pub(crate) ids: Vec<I>,
    pub(crate) hot: Vec<Hot>,
    pub(crate) cold: Vec<Cold>,
    pub(crate) times: Vec<u64>,
    pub(crate) milestones: Vec<u32>,
    pub(crate) parents: Vec<Handle>,
    pub(crate) extra: Vec<Link>,
    index: IdIndex,
    hasher: IdHashBuilder,
    pub(crate) tips: Vec<Handle>,
    orphans: OrphanPool<I>,
    pub(crate) checkpoints: Checkpoints,
    /// Where cumulative weights come from (from the config, kept beside the data it selects).
    weight_source: WeightSource,
    /// The weight window, when [`Config::weight_window`] asks for one.
    window: Option<WindowWeights>,
    /// Weights answered by a future-cone search because the vertex was older than the window.
    window_searches: SearchCount,
    /// Current stamp of the `Cold::mark` search marks.
    pub(crate) stamp: u32,
    pub(crate) stack: Vec<u32>,
    solidified: Vec<Handle>,
    cascade: Vec<I>,
    max_height: u32,
    latest_time: u64,
}

/// Where [`Tangle::cumulative_weight`] reads weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WeightSource {
    Untracked,
    Checkpoints,
    Window,
}

impl WeightSource {
    fn of(config: &Config) -> Self {
        match (config.track_cumulative_weight, config.weight_window) {
            (false, _) => WeightSource::Untracked,
            (true, 0) => WeightSource::Checkpoints,
            (true, _) => WeightSource::Window,
        }
    }
}

/// A counter that `&self` queries bump (relaxed atomic: a tangle stays `Sync`).
#[derive(Debug, Default)]
struct SearchCount(core::sync::atomic::AtomicU64);

impl SearchCount {
    fn bump(&self) {
        self.0.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(core::sync::atomic::Ordering::Relaxed)
    }
}

impl Clone for SearchCount {
    fn clone(&self) -> Self {
        SearchCount(self.get().into())
    }
}

impl<I: VertexId> Default for Tangle<I> {
    fn default() -> Self {
        Self::new(Config::default())
    }
}

impl<I: VertexId> Tangle<I> {
    /// An empty tangle. Add a genesis (or the solid entry points of a pruned snapshot) with
    /// [`Tangle::add_solid_entry_point`] before inserting vertices that approve it.
    pub fn new(config: Config) -> Self {
        Self::with_capacity(config, 0)
    }

    /// An empty tangle with room for `vertices` vertices of two parents each, so that growing
    /// to that size does not reallocate (and does not leave doubled `Vec` capacity behind).
    pub fn with_capacity(config: Config, vertices: usize) -> Self {
        let hasher = config
            .hash_key
            .map_or_else(IdHashBuilder::random, IdHashBuilder::with_key);
        let orphans = OrphanPool::new(config.max_orphans, hasher);
        let checkpoints = Checkpoints::new(config.checkpoint_interval);
        Tangle {
            window: Self::window_for(&config),
            weight_source: WeightSource::of(&config),
            window_searches: SearchCount::default(),
            ids: Vec::with_capacity(vertices),
            hot: Vec::with_capacity(vertices),
            cold: Vec::with_capacity(vertices),
            times: Vec::with_capacity(vertices),
            milestones: Vec::with_capacity(vertices),
            parents: Vec::with_capacity(2 * vertices),
            extra: Vec::new(),
            index: if config.dense_ids {
                IdIndex::empty()
            } else {
                IdIndex::with_capacity(vertices)
            },
            hasher,
            tips: Vec::new(),
            orphans,
            checkpoints,
            stamp: 0,
            stack: Vec::new(),
            solidified: Vec::new(),
            cascade: Vec::new(),
            max_height: 0,
            latest_time: 0,
            config,
        }
    }

    /// Makes room for `additional` more vertices of two parents each, so that growing by that
    /// much does not reallocate (a reallocation copies the whole arena).
    pub fn reserve(&mut self, additional: usize) {
        self.ids.reserve(additional);
        self.hot.reserve(additional);
        self.cold.reserve(additional);
        self.times.reserve(additional);
        self.milestones.reserve(additional);
        self.parents.reserve(2 * additional);
        if !self.config.dense_ids {
            self.index.reserve(additional);
        }
    }

    /// [`Tangle::reserve`], then writes the reserved memory once so that the operating system
    /// maps it now: later insertions neither reallocate nor take page faults. For nodes that
    /// size their arena up front and want no latency spikes while running.
    pub fn reserve_committed(&mut self, additional: usize) {
        fn touch<T: Copy>(v: &mut Vec<T>, filler: T) {
            let len = v.len();
            v.resize(v.capacity(), filler);
            v.truncate(len);
        }
        self.reserve(additional);
        if let Some(&any) = self.ids.first() {
            touch(&mut self.ids, any);
        }
        let hot = Hot {
            cw: 0,
            cp_first: NONE,
            approvers: 0,
            inline: [NONE; INLINE_APPROVERS],
        };
        touch(&mut self.hot, hot);
        let cold = Cold {
            edge_start: 0,
            height: 0,
            cp_anc: 0,
            cp_first: NONE,
            weight: 0,
            tip_pos: NONE,
            mark: 0,
            parent_count: 0,
            flags: 0,
        };
        touch(&mut self.cold, cold);
        touch(&mut self.times, 0);
        touch(&mut self.milestones, 0);
        touch(&mut self.parents, Handle::default());
        if !self.config.dense_ids {
            self.index.commit();
        }
    }

    /// Empties the tangle but keeps the per-vertex arrays, the parent edges and the id index
    /// with their capacity (and the memory the operating system already mapped for them); the
    /// buffers that grow on demand (approver overflow links, tips, orphans, checkpoints, search
    /// stacks) start empty again. Afterwards it behaves exactly like a new tangle with the same
    /// [`Config`] and id-index key; orphan counters and weight statistics restart at zero. For
    /// callers that grow many tangles one after the other, such as a simulator's runs.
    pub fn clear(&mut self) {
        self.ids.clear();
        self.hot.clear();
        self.cold.clear();
        self.times.clear();
        self.milestones.clear();
        self.parents.clear();
        self.extra = Vec::new();
        if !self.config.dense_ids {
            self.index.clear();
        }
        self.tips = Vec::new();
        self.orphans = OrphanPool::new(self.config.max_orphans, self.hasher);
        self.checkpoints = Checkpoints::new(self.config.checkpoint_interval);
        self.window = Self::window_for(&self.config);
        self.window_searches = SearchCount::default();
        self.stamp = 0;
        self.stack = Vec::new();
        self.solidified = Vec::new();
        self.cascade = Vec::new();
        self.max_height = 0;
        self.latest_time = 0;
    }

    /// The settings this tangle was created with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Number of solid vertices (handles are `0..len`).
    pub fn len(&self) -> usize {
        self.hot.len()
    }

    /// No solid vertex yet.
    pub fn is_empty(&self) -> bool {
        self.hot.is_empty()
    }

    /// A fresh stamp for the `Cold::mark` search marks (O(1) "clear").
    pub(crate) fn next_stamp(&mut self) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.cold.iter_mut().for_each(|c| c.mark = 0);
            self.stamp = 1;
        }
        self.stamp
    }

    /// Hash of `id` for the index (0 with [`Config::dense_ids`], which has no index).
    #[inline]
    fn hash_of(&self, id: &I) -> u64 {
        use core::hash::BuildHasher;
        if self.config.dense_ids {
            0
        } else {
            self.hasher.hash_one(id)
        }
    }

    /// With [`Config::dense_ids`]: is `id` the id the next solid vertex must have?
    #[inline]
    fn is_next_dense(&self, id: &I) -> bool {
        dense_key(id) == Some(self.hot.len() as u64)
    }

    /// The solid vertex with this id.
    #[inline]
    pub fn handle(&self, id: &I) -> Option<Handle> {
        self.handle_hashed(id, self.hash_of(id))
    }

    #[inline]
    fn handle_hashed(&self, id: &I, hash: u64) -> Option<Handle> {
        let ids = &self.ids;
        if self.config.dense_ids {
            let key = usize::try_from(dense_key(id)?).ok()?;
            return (ids.get(key)? == id).then(|| Handle::new(key as u32));
        }
        self.index
            .find(hash, |h| ids[h as usize] == *id)
            .map(Handle::new)
    }

    /// Is this id solid here?
    pub fn contains(&self, id: &I) -> bool {
        self.handle(id).is_some()
    }

    /// The id of a vertex.
    #[inline]
    pub fn id(&self, v: Handle) -> I {
        self.ids[v.index()]
    }

    /// Parents of a vertex, in the order given at insertion (empty for entry points).
    #[inline]
    pub fn parents(&self, v: Handle) -> &[Handle] {
        let c = &self.cold[v.index()];
        let start = c.edge_start as usize;
        &self.parents[start..start + c.parent_count as usize]
    }

    /// Direct approvers of a vertex: the first three in arrival order, then the others newest
    /// first (the fourth last).
    #[inline]
    pub fn approvers(&self, v: Handle) -> Approvers<'_> {
        Approvers::of(&self.hot, &self.extra, v)
    }

    /// The first four approvers in [`Tangle::approvers`] order, padded with
    /// `Handle::new(u32::MAX)` (see [`TangleView::first_approvers`](crate::TangleView::first_approvers)).
    /// Like the other per-vertex queries, panics if `v` is not a handle of this tangle.
    #[inline]
    pub fn first_approvers(&self, v: Handle) -> [Handle; 4] {
        let h = &self.hot[v.index()];
        let mut slots = h.inline.map(Handle::new);
        if h.approvers as usize > INLINE_APPROVERS {
            // The last slot heads the list of the later approvers (newest first).
            let head = h.inline[INLINE_APPROVERS - 1] as usize;
            slots[INLINE_APPROVERS - 1] = Handle::new(self.extra[head].child);
        }
        slots
    }

    /// Number of direct approvers.
    #[inline]
    pub fn approver_count(&self, v: Handle) -> usize {
        self.hot[v.index()].approvers as usize
    }

    /// The tips: solid vertices without approvers, in no particular order (the order changes
    /// as tips come and go; selectors that need a canonical order sort by id).
    #[inline]
    pub fn tips(&self) -> &[Handle] {
        &self.tips
    }

    /// Is `v` a tip?
    pub fn is_tip(&self, v: Handle) -> bool {
        self.cold[v.index()].tip_pos != NONE
    }

    /// The own weight given at insertion.
    #[inline]
    pub fn own_weight(&self, v: Handle) -> u64 {
        u64::from(self.cold[v.index()].weight)
    }

    /// Arrival time given at insertion.
    #[inline]
    pub fn time(&self, v: Handle) -> u64 {
        self.times[v.index()]
    }

    /// Latest arrival time seen.
    pub fn latest_time(&self) -> u64 {
        self.latest_time
    }

    /// Height: length of the longest path from `v` down to an entry point (entry points have
    /// height 0). Fixed at insertion.
    #[inline]
    pub fn height(&self, v: Handle) -> u32 {
        self.cold[v.index()].height
    }

    /// Largest height in the tangle.
    pub fn max_height(&self) -> u32 {
        self.max_height
    }

    /// Is `v` a solid entry point (genesis or snapshot boundary)?
    pub fn is_solid_entry_point(&self, v: Handle) -> bool {
        self.cold[v.index()].flags & FLAG_ENTRY_POINT != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::InsertError;

    /// Every approver count from 0 to 9 (slots only, the fifth moving the fourth to the list,
    /// longer lists): the documented order, the count, the first four as walks read them, and
    /// room for nothing else.
    #[test]
    fn approvers_in_slots_then_list() {
        let mut t: Tangle<u64> = Tangle::new(Config {
            hash_key: Some(1),
            ..Config::default()
        });
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        let root = t.handle(&0).unwrap();
        let mut approvers = Vec::new();
        for n in 0..=9u64 {
            let expected: Vec<Handle> = approvers
                .iter()
                .take(3)
                .chain(approvers.iter().skip(3).rev())
                .copied()
                .collect();
            assert_eq!(t.approvers(root).collect::<Vec<_>>(), expected, "n = {n}");
            assert_eq!(t.approver_count(root), n as usize);
            let mut first = [Handle::new(NONE); 4];
            for (slot, &a) in first.iter_mut().zip(&expected) {
                *slot = a;
            }
            assert_eq!(t.first_approvers(root), first, "n = {n}");
            let id = n + 1;
            let _ = t.insert(id, &[0], 1, id).unwrap();
            approvers.push(t.handle(&id).unwrap());
        }
        // Approvers of approvers are unaffected by the root's list.
        assert_eq!(t.approvers(approvers[4]).count(), 0);
        assert_eq!(t.cumulative_weight(root), Some(11));
    }

    fn dense() -> Config {
        Config {
            dense_ids: true,
            ..Config::default()
        }
    }

    #[test]
    fn insert_solid_matches_insert_and_checks_its_contract() {
        for cfg in [Config::default(), dense()] {
            let mut t: Tangle<u64> = Tangle::new(cfg.clone());
            let g = t.add_solid_entry_point(0, 1, 0, None).unwrap();
            let a = t.insert_solid(1, &[g], 1, 1).unwrap();
            let b = t.insert_solid(2, &[g, a], 1, 2).unwrap();
            assert_eq!((a, b), (Handle::new(1), Handle::new(2)));
            assert_eq!(t.handle(&2), Some(b));
            assert_eq!(t.parents(b), &[g, a]);
            assert_eq!(t.tips(), &[b]);
            assert_eq!(t.cumulative_weight(g), Some(3));
            let before = (t.len(), t.tips().to_vec());
            assert_eq!(t.insert_solid(3, &[], 1, 3), Err(InsertError::NoParents));
            assert_eq!(
                t.insert_solid(3, &[Handle::new(9)], 1, 3),
                Err(InsertError::UnknownParent { position: 0 })
            );
            assert_eq!(
                t.insert_solid(3, &[a, a], 1, 3),
                Err(InsertError::DuplicateParent {
                    first: 0,
                    second: 1
                })
            );
            assert_eq!(t.insert_solid(2, &[a], 1, 3), Err(InsertError::KnownId));
            assert_eq!((t.len(), t.tips().to_vec()), before);
            // An orphan waiting for 3 is released by insert_solid; a pending id is refused.
            assert!(matches!(
                t.insert(4, &[3], 1, 4),
                Ok(Insertion::Pending { .. })
            ));
            assert_eq!(t.insert_solid(4, &[b], 1, 4), Err(InsertError::KnownId));
            let c = t.insert_solid(3, &[b], 1, 3).unwrap();
            assert_eq!(t.last_solidified(), &[c, Handle::new(4)]);
            assert_eq!(t.handle(&4), Some(Handle::new(4)));
        }
    }

    #[test]
    fn a_cleared_tangle_is_a_new_one() {
        for cfg in [Config::default(), dense()] {
            let grow = |t: &mut Tangle<u64>| {
                let g = t.add_solid_entry_point(0, 1, 0, None).unwrap();
                let a = t.insert_solid(1, &[g], 1, 1).unwrap();
                let _ = t.insert(3, &[2], 1, 3).unwrap();
                let _ = t.insert(2, &[0, 1], 1, 2).unwrap();
                t.insert_solid(4, &[a], 1, 4).unwrap();
            };
            let mut fresh = Tangle::new(cfg.clone());
            grow(&mut fresh);
            let mut reused = Tangle::new(cfg.clone());
            grow(&mut reused);
            let _ = reused.insert(9, &[8], 1, 9).unwrap();
            reused.clear();
            assert!(reused.is_empty());
            assert_eq!(reused.handle(&1), None);
            assert_eq!(reused.orphan_stats().pending, 0);
            grow(&mut reused);
            assert_eq!(reused.len(), fresh.len());
            assert_eq!(reused.tips(), fresh.tips());
            for i in 0..fresh.len() {
                let v = Handle::new(i as u32);
                assert_eq!(reused.id(v), fresh.id(v));
                assert_eq!(reused.parents(v), fresh.parents(v));
                assert_eq!(reused.handle(&fresh.id(v)), Some(v));
                assert_eq!(reused.cumulative_weight(v), fresh.cumulative_weight(v));
                assert_eq!(reused.height(v), fresh.height(v));
                assert_eq!(reused.first_approvers(v), fresh.first_approvers(v));
            }
        }
    }

    #[test]
    fn dense_ids_refuse_ids_that_are_not_their_handle() {
        let mut t: Tangle<u64> = Tangle::new(dense());
        assert_eq!(
            t.add_solid_entry_point(5, 1, 0, None),
            Err(InsertError::NonDenseId)
        );
        let g = t.add_solid_entry_point(0, 1, 0, None).unwrap();
        assert_eq!(t.insert_solid(2, &[g], 1, 1), Err(InsertError::NonDenseId));
        assert_eq!(t.insert(2, &[0], 1, 1), Err(InsertError::NonDenseId));
        assert_eq!(t.len(), 1);
        assert_eq!(t.memory_usage().index_bytes, 0);
        assert_eq!(t.handle(&1), None);
        assert_eq!(t.handle(&u64::MAX), None);
        // Out of order but dense: 2 waits for 1, then takes handle 2.
        assert!(matches!(
            t.insert(2, &[1], 1, 2),
            Ok(Insertion::Pending { .. })
        ));
        assert!(matches!(
            t.insert(1, &[0], 1, 1),
            Ok(Insertion::Solid { solidified: 2, .. })
        ));
        assert_eq!(t.handle(&2), Some(Handle::new(2)));
        // An orphan that cannot get its id as handle is dropped and counted, never attached.
        assert!(matches!(
            t.insert(9, &[4], 1, 9),
            Ok(Insertion::Pending { .. })
        ));
        assert!(matches!(
            t.insert(3, &[2], 1, 3),
            Ok(Insertion::Solid { .. })
        ));
        assert!(matches!(
            t.insert(4, &[3], 1, 4),
            Ok(Insertion::Solid { solidified: 1, .. })
        ));
        assert_eq!(t.orphan_stats().dropped, 1);
        assert_eq!(t.handle(&9), None);
        // Byte-array ids are never dense.
        let mut b: Tangle<[u8; 4]> = Tangle::new(dense());
        assert_eq!(
            b.add_solid_entry_point([0; 4], 1, 0, None),
            Err(InsertError::NonDenseId)
        );
    }
}
