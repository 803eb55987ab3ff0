//! The arena DAG: insertion, solidification, tips, queries.

use crate::error::{InsertError, ReferenceError};
use crate::id::{Handle, IdHashBuilder, VertexId, dense_key};
use crate::index::IdIndex;
use crate::orphans::{OrphanPool, OrphanStats};
use crate::weight::Checkpoints;
use crate::window::{WindowStats, WindowWeights};

/// Most parents a vertex may approve (the Chrysalis rule; also the capacity of a
/// [`Selection`](crate::select::Selection)).
pub const MAX_PARENTS: usize = 8;

/// "No handle / no edge / no checkpoint" in the `u32` fields of the arena.
pub(crate) const NONE: u32 = u32::MAX;

/// Largest number of vertices (one `u32` value is reserved for [`NONE`]).
const MAX_VERTICES: usize = (u32::MAX - 1) as usize;

const FLAG_ENTRY_POINT: u8 = 1;

/// Settings of a [`Tangle`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Most orphans (vertices waiting for parents) held at once. When full, the oldest orphan
    /// is evicted and counted in [`OrphanStats::dropped`]. `0` refuses every orphan (counted).
    /// Default 16 384.
    pub max_orphans: usize,
    /// Maintain exact cumulative weights on every insertion (default `true`). A node that only
    /// runs TIP-3 URTS does not need them and saves the upkeep; weighted selectors then return
    /// [`SelectError::NoCumulativeWeight`](crate::select::SelectError::NoCumulativeWeight).
    pub track_cumulative_weight: bool,
    /// Insertions between attempts to advance the cumulative-weight checkpoint (default 32;
    /// frequent, young checkpoints keep the upkeep's search small, see the `weight` module
    /// docs). `0` disables checkpoints: every insertion then walks its whole past cone, which
    /// is exact but O(n), useful only as a reference in tests.
    pub checkpoint_interval: u32,
    /// Keep cumulative weights by a window of this many newest vertices instead of
    /// checkpoints (default `0`: checkpoints). Rounded up to a power of two in
    /// [`MIN_WINDOW`](crate::window::MIN_WINDOW)..=[`MAX_WINDOW`](crate::window::MAX_WINDOW).
    /// Weights stay exact for every vertex: O(1) inside the window, a search of the future
    /// cone outside it. The rows take `W²/8` bytes (0.5 MiB at 2,048, 512 MiB at the
    /// largest), allocated at the first insertion. For workloads that read only recent weights — walks entering a bounded
    /// number of insertions behind the tips, as in a simulator — an arrival then costs a few
    /// word-parallel row merges instead of a search of the band of recent vertices (see the
    /// [`window`](crate::window) module).
    pub weight_window: u32,
    /// Key of the id-index hasher. `None` (default) draws one at random; tests fix it.
    pub hash_key: Option<u64>,
    /// Ids are the handles (default `false`): every id hashes as one integer (`u64`, `u32`,
    /// `usize`, …) equal to the handle it gets, i.e. ids are `0, 1, 2, …` in solidification
    /// order, as in a simulator that numbers transactions as they become visible. The tangle
    /// then keeps no id → handle hash index: a lookup is `ids[id] == id`, and the index's
    /// ≈ 17 bytes per vertex and its cache miss per insertion are saved. An id that would not
    /// get its own value as handle is refused with [`InsertError::NonDenseId`] (or, for an
    /// orphan released later, dropped and counted in [`OrphanStats::dropped`]).
    pub dense_ids: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_orphans: 16_384,
            track_cumulative_weight: true,
            checkpoint_interval: 32,
            weight_window: 0,
            hash_key: None,
            dense_ids: false,
        }
    }
}

/// Approver slots in [`Hot`]. Up to four approvers sit in the slots; from five on, the last
/// slot holds the head of a list in `extra` of every approver after the third.
pub(crate) const INLINE_APPROVERS: usize = 4;

/// The per-vertex data a walk step reads: weight and approvers, in one aligned 32-byte record
/// (two per cache line), so a walk touches one line per candidate approver.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub(crate) struct Hot {
    /// Eagerly maintained part of the cumulative weight (see `weight`).
    pub(crate) cw: u64,
    /// First checkpoint whose past cone contains this vertex, or [`NONE`].
    pub(crate) cp_first: u32,
    /// Number of approvers.
    pub(crate) approvers: u32,
    /// The first approvers, oldest first; with five or more approvers the last slot is the
    /// head of the list in `extra` of the fourth and later ones (newest first). A walk step
    /// over a vertex with up to four approvers thus needs no list load.
    pub(crate) inline: [u32; INLINE_APPROVERS],
}

/// The rest of the per-vertex record: what insertion and the weight upkeep's search read.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub(crate) struct Cold {
    /// First parent in `parents`.
    pub(crate) edge_start: u32,
    pub(crate) height: u32,
    /// Latest checkpoint that is this vertex or one of its ancestors; 0 when none.
    pub(crate) cp_anc: u32,
    /// Copy of `Hot::cp_first`, so the upkeep's search tests one record per vertex.
    pub(crate) cp_first: u32,
    pub(crate) weight: u32,
    /// Position in `tips`, or [`NONE`].
    pub(crate) tip_pos: u32,
    /// Visited mark of the tangle's own searches (a generation stamp).
    pub(crate) mark: u32,
    pub(crate) parent_count: u8,
    pub(crate) flags: u8,
}

/// An approver beyond the inline ones: `child` approves the vertex whose list this is in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Link {
    pub(crate) child: u32,
    pub(crate) next: u32,
}

/// Visited marks by generation counter: starting a traversal is O(1) (bump the generation)
/// instead of clearing a set.
#[derive(Clone, Debug, Default)]
pub(crate) struct Marks {
    pub(crate) stamp: u32,
    pub(crate) marks: Vec<u32>,
}

impl Marks {
    pub(crate) fn next_stamp(&mut self, len: usize) -> u32 {
        if self.marks.len() < len {
            self.marks.resize(len, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.stamp = 1;
        }
        self.stamp
    }
}

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

/// Bytes held by a [`Tangle`], from the capacities of its buffers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryUsage {
    /// Solid vertices.
    pub vertices: usize,
    /// Arena: ids, hot and cold records, times, milestone marks, tip list.
    pub arena_bytes: usize,
    /// Parent edges and approver links.
    pub edge_bytes: usize,
    /// The id → handle index (exact allocation size of the table).
    pub index_bytes: usize,
    /// Cumulative-weight checkpoints.
    pub checkpoint_bytes: usize,
    /// Cumulative-weight window ([`Config::weight_window`]).
    pub window_bytes: usize,
    /// Orphan pool (estimated).
    pub orphan_bytes: usize,
}

impl MemoryUsage {
    /// Everything.
    pub fn total(&self) -> usize {
        self.arena_bytes
            + self.edge_bytes
            + self.index_bytes
            + self.checkpoint_bytes
            + self.window_bytes
            + self.orphan_bytes
    }

    /// Bytes per solid vertex, everything included.
    pub fn per_vertex(&self) -> f64 {
        if self.vertices == 0 {
            0.0
        } else {
            self.total() as f64 / self.vertices as f64
        }
    }
}

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

    /// Is this id waiting in the orphan pool?
    pub fn is_pending(&self, id: &I) -> bool {
        self.orphans.contains(id)
    }

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

    /// Solidifies, transitively, every orphan that was waiting for `id`.
    fn release_waiters(&mut self, id: I) {
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

    /// Appends a solid vertex whose parents are all solid. Infallible: callers checked the
    /// capacity and the parent rules.
    #[allow(clippy::too_many_arguments)]
    fn attach(
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

    /// Depth: length of the longest path from `v` up to a tip (0 for a tip). Computed on
    /// demand over the future cone, so it costs O(|future cone|).
    pub fn depth(&self, v: Handle) -> u32 {
        crate::traverse::depth(self, v)
    }

    /// Is `v` a solid entry point (genesis or snapshot boundary)?
    pub fn is_solid_entry_point(&self, v: Handle) -> bool {
        self.cold[v.index()].flags & FLAG_ENTRY_POINT != 0
    }

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

    /// Cumulative weight: the own weight of `v` plus the own weights of all its direct and
    /// indirect approvers, exact at every moment. `None` if tracking is disabled in
    /// [`Config`]. O(1) with checkpoints and, with a [weight window](Config::weight_window),
    /// for the vertices inside it; older ones cost a search of their future cone.
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

    /// `cw(v)` by a search of `v`'s future cone (the weight window's answer for older `v`).
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

    fn window_for(config: &Config) -> Option<WindowWeights> {
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
        crate::traverse::search_ancestor(self, a, b, |u| {
            tracked && a_first <= cold[u.index()].cp_anc
        })
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

    /// Memory held, from buffer capacities (what the allocator was asked for).
    pub fn memory_usage(&self) -> MemoryUsage {
        use core::mem::size_of;
        let arena = self.ids.capacity() * size_of::<I>()
            + self.hot.capacity() * size_of::<Hot>()
            + self.cold.capacity() * size_of::<Cold>()
            + self.times.capacity() * size_of::<u64>()
            + self.milestones.capacity() * size_of::<u32>()
            + self.tips.capacity() * size_of::<Handle>()
            + self.stack.capacity() * size_of::<u32>();
        let edges = self.parents.capacity() * size_of::<Handle>()
            + self.extra.capacity() * size_of::<Link>();
        MemoryUsage {
            vertices: self.hot.len(),
            arena_bytes: arena,
            edge_bytes: edges,
            index_bytes: self.index.heap_bytes(),
            checkpoint_bytes: self.checkpoints.heap_bytes(),
            window_bytes: self.window.as_ref().map_or(0, WindowWeights::heap_bytes),
            orphan_bytes: self.orphans.heap_bytes(),
        }
    }

    /// Statistics of the checkpoint upkeep (see the `weight` module); all zero when a weight
    /// window keeps the weights ([`Tangle::window_stats`]).
    pub fn weight_stats(&self) -> crate::weight::WeightStats {
        self.checkpoints.stats()
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

/// Iterator over the direct approvers of a vertex.
#[derive(Clone, Debug)]
pub struct Approvers<'a> {
    inline: [u32; INLINE_APPROVERS],
    pos: u8,
    inline_len: u8,
    links: &'a [Link],
    next: u32,
}

impl<'a> Approvers<'a> {
    /// The approvers of `v` from the raw arrays (for searches that hold `&mut` elsewhere).
    #[inline]
    pub(crate) fn of(hot: &[Hot], extra: &'a [Link], v: Handle) -> Self {
        let h = &hot[v.index()];
        let listed = h.approvers as usize > INLINE_APPROVERS;
        Approvers {
            inline: h.inline,
            pos: 0,
            inline_len: if listed {
                INLINE_APPROVERS as u8 - 1
            } else {
                h.approvers as u8
            },
            links: extra,
            next: if listed {
                h.inline[INLINE_APPROVERS - 1]
            } else {
                NONE
            },
        }
    }
}

impl Iterator for Approvers<'_> {
    type Item = Handle;

    #[inline]
    fn next(&mut self) -> Option<Handle> {
        if self.pos < self.inline_len {
            let h = self.inline[self.pos as usize];
            self.pos += 1;
            return Some(Handle::new(h));
        }
        if self.next == NONE {
            return None;
        }
        let link = self.links[self.next as usize];
        self.next = link.next;
        Some(Handle::new(link.child))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes() {
        assert_eq!(core::mem::size_of::<Hot>(), 32);
        assert_eq!(core::mem::size_of::<Cold>(), 32);
        assert_eq!(core::mem::size_of::<Link>(), 8);
    }

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
