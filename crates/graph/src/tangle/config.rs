//! The settings of a [`Tangle`] and the parent limit.

#[cfg(doc)]
use crate::error::InsertError;
#[cfg(doc)]
use crate::orphans::OrphanStats;
#[cfg(doc)]
use crate::tangle::Tangle;

/// Most parents a vertex may approve (the Chrysalis rule; also the capacity of a
/// [`Selection`](crate::select::Selection)).
pub const MAX_PARENTS: usize = 8;

/// Settings of a [`Tangle`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Most orphans (vertices waiting for parents) held at once. When full, the oldest orphan
    /// is evicted and counted in [`OrphanStats::dropped`]. `0` refuses every orphan (counted).
    /// Default 16 384.
    pub max_orphans: usize,
    /// Maintain exact cumulative weights on every insertion (default `true`). A node that only
    /// runs TIP-3 URTS does not need them and saves the upkeep; [`Tangle::cumulative_weight`]
    /// then answers `None`, and weighted selectors (through
    /// [`CumulativeWeights`](crate::CumulativeWeights)) get each weight by a search of the
    /// vertex's future cone: exact, but O(cone) per read.
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
