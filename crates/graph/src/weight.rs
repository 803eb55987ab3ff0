//! Exact incremental cumulative weight with nested checkpoint cones.
//!
//! # The problem
//! The cumulative weight of `v` is `cw(v) = w(v) + Σ w(u)` over every `u` that approves `v`
//! directly or indirectly. When a vertex `x` becomes solid it has no approvers yet (handles are
//! topological), so its only effect is to add `w(x)` to every vertex of its strict past cone
//! `P(x)`. Doing that literally costs `|P(x)|`, which on a Tangle is almost the whole graph: a
//! million operations per arrival at a million vertices.
//!
//! # Checkpoints
//! Write `C(c) = P(c) ∪ {c}` for the closed past cone of `c`. A *checkpoint sequence* is a list
//! of vertices `c_1, c_2, …, c_m` in which each `c_j` is an ancestor of `c_{j+1}`, hence
//! `C(c_1) ⊆ C(c_2) ⊆ … ⊆ C(c_m)` (past cones are downward closed).
//!
//! We keep, for each vertex `v`:
//! * `stored(v)`, an eagerly maintained partial sum (starts at `w(v)`);
//! * `first(v)` = the least `j` with `v ∈ C(c_j)`, or ∞. By nesting, `v ∈ C(c_j) ⇔ j ≥ first(v)`;
//! * `anc(x)` = the greatest `j` with `c_j ∈ C(x)` (0 if none), computed at insertion as the
//!   maximum over the parents (a new vertex is never itself a checkpoint yet);
//!
//! and, per checkpoint, a lazy counter `L_j`.
//!
//! **Arrival of `x`**, with `j = anc(x)`: because `c_j ∈ C(x)`, `C(c_j) ⊆ P(x)` (`x ≠ c_j`), so
//! `x` adds `w(x)` to every vertex of `C(c_j)` — record that once as `L_j += w(x)` — and to every
//! vertex of `P(x) \ C(c_j)`, which we visit with a search from `x`'s parents that stops at
//! vertices with `first(u) ≤ j`. The search reaches the whole difference: if `v ∈ P(x) \ C(c_j)`,
//! every vertex `u` on a path from `x` down to `v` is a descendant of `v`, and `u ∈ C(c_j)` would
//! give `v ∈ C(c_j)`; so no vertex on the path stops the search. When `j = 0` the search covers
//! `P(x)`, which is the naive rule.
//!
//! **Query**: `cw(v) = stored(v) + Σ_{j ≥ first(v)} L_j`.
//!
//! **Proof of exactness.** Fix `v` and an arrival `x` after `v`, with `j = anc(x)`.
//! * If `v ∉ P(x)`: the search does not reach `v` (it only walks `P(x)`), and `j ≥ first(v)`
//!   would mean `v ∈ C(c_j) ⊆ P(x)`; so `x` adds nothing to `cw(v)`. Correct.
//! * If `v ∈ P(x)` and `first(v) ≤ j` at the time of `x`: the search stops at `v` (not added to
//!   `stored`), and `w(x)` is added to `L_j` with `j ≥ first(v)`: counted once. Correct.
//! * If `v ∈ P(x)` and `first(v) > j` at that time: the search adds `w(x)` to `stored(v)` once
//!   (visited marks), and `L_j` only enters sums for vertices with `first ≤ j`, which `v` is not
//!   *and will never be*, since `first(v)` only moves from ∞ to a value `> m ≥ j` (next point).
//!
//! **Creating checkpoint `c_{m+1}`** (a descendant of `c_m`, or any vertex when `m = 0`): set
//! `first(v) = m+1` for `v ∈ C(c_{m+1}) \ C(c_m)` — exactly the vertices of `C(c_{m+1})` with
//! `first = ∞`, found by a search from `c_{m+1}` that stops at vertices whose `first` is set —
//! and `L_{m+1} = 0`. A vertex that gets `first = m+1` now sees the extra term `L_{m+1} = 0`:
//! nothing changes. Existing descendants of `c_{m+1}` get `anc = m+1`, so later arrivals below
//! them use the new checkpoint; their earlier contributions are already in `stored`.
//! `first` is set once and `L_j` only grows by arrivals counted under the rule above. ∎
//!
//! # Costs
//! The query is `stored(v) + (T − S[first(v)])` with the running total `T = Σ L` and prefix
//! sums `S[i] = Σ_{j<i} L_j`: O(1). An arrival costs `|P(x) \ C(c_j)|` visits plus `m − j`
//! prefix updates (0 when it descends from the latest checkpoint, the common case). An arrival
//! that approves old vertices pays for how far back it attaches: its `j` is the checkpoint
//! below its parents, and its search covers only their cones above that checkpoint.
//!
//! On a URTS Tangle the visits per arrival are about the width of the band of vertices that
//! the newest arrivals reach but the checkpoint's cone does not yet contain — roughly the time
//! a vertex needs to be approved, directly or not, by most tips. It grows with the tip pool:
//! docs/BENCHMARKS.md reports ≈ 100 visits per arrival with ~20 tips and ≈ 640 with ~100
//! (≈ 340 and ≈ 1 090 with the earlier choice of checkpoints, every 256 insertions at 3/4).
//!
//! # Choosing checkpoints
//! Correctness holds for *any* nested sequence; the choice only decides the cost. Every
//! `interval` insertions we try a candidate about `lag` insertions back: from the newest vertex
//! that descends from the current checkpoint, walk down youngest parents that still descend
//! from it (every descendant other than the checkpoint has one) until `lag` insertions back.
//! We then search the candidate's future cone: if at least a quarter of the newest arrivals
//! descend from it, it becomes `c_{m+1}`; `lag` shrinks by 1/8. Otherwise the candidate was too
//! recent (not yet approved, directly or not, by enough tips) and `lag` doubles, up to the
//! distance back to `c_m`. The bar is low on purpose: an arrival that does not descend from
//! `c_{m+1}` falls back to the newest checkpoint it does descend from, typically `c_m`, only
//! `interval` insertions older, so a young checkpoint that a quarter of the arrivals can use
//! saves more than it costs the others; with the default interval of 32 this visits ≈ 3.3×
//! fewer vertices per arrival than one attempt every 256 insertions at a 3/4 bar with ~20 tips,
//! and ≈ 1.7× fewer with ~100 (measured, docs/BENCHMARKS.md). An attempt (the walk, the
//! future-cone search and the new cone slice) costs O(lag + interval), amortised over
//! `interval` insertions.

/// Counters of the cumulative-weight upkeep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeightStats {
    /// Checkpoints created.
    pub checkpoints: u32,
    /// Attempts to create one.
    pub attempts: u32,
    /// Vertices whose stored weight was updated eagerly (sum over all arrivals).
    pub eager_updates: u64,
    /// Arrivals that did not descend from the latest checkpoint.
    pub fallbacks: u64,
    /// Current candidate lag (insertions).
    pub lag: u32,
}

/// The checkpoint sequence and its lazy counters.
#[derive(Clone, Debug)]
pub(crate) struct Checkpoints {
    pub(crate) interval: u32,
    /// `handles[j - 1]` is checkpoint `j` (1-based).
    pub(crate) handles: Vec<u32>,
    /// `prefix[i] = Σ_{j < i} L_j` for `i` in `1..=m`; `prefix[0]` is unused.
    pub(crate) prefix: Vec<u64>,
    pub(crate) total: u64,
    pub(crate) since_attempt: u32,
    pub(crate) lag: u32,
    pub(crate) visited: Vec<u32>,
    pub(crate) stats: WeightStats,
}

impl Checkpoints {
    pub(crate) fn new(interval: u32) -> Self {
        Checkpoints {
            interval,
            handles: Vec::new(),
            prefix: vec![0],
            total: 0,
            since_attempt: 0,
            lag: interval.saturating_mul(4).max(64),
            visited: Vec::new(),
            stats: WeightStats::default(),
        }
    }

    /// `Σ_{j ≥ first} L_j`.
    #[inline]
    pub(crate) fn lazy(&self, first: u32) -> u64 {
        // `first` is in 1..=m or NONE, which is past the end: one comparison for both.
        self.prefix
            .get(first as usize)
            .map_or(0, |&before| self.total - before)
    }

    pub(crate) fn latest(&self) -> u32 {
        self.handles.len() as u32
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.handles.capacity() * 4 + self.prefix.capacity() * 8 + self.visited.capacity() * 4
    }

    pub(crate) fn stats(&self) -> WeightStats {
        WeightStats {
            checkpoints: self.latest(),
            lag: self.lag,
            ..self.stats
        }
    }
}
