//! The read-only views that tip selectors and traversals are written against, one trait per
//! capability: the structure ([`TangleView`]), cumulative weights ([`CumulativeWeights`]) and
//! milestone marks ([`MilestoneMarks`]). An algorithm names in its bounds the capabilities it
//! reads, so a view that lacks one is refused by the compiler rather than at run time.

use crate::id::{Handle, VertexId};

/// A read-only view of a Tangle's structure: what every tip-selection algorithm may look at.
/// Weighted walks also need [`CumulativeWeights`], milestone-based scoring
/// [`MilestoneMarks`].
///
/// Algorithms are written against this trait rather than against [`Tangle`](crate::Tangle)
/// (the petgraph lesson), so a simulator, a node or a researcher's own structure can host them.
///
/// # Contract for implementors
/// * Handles are `0..len()`, and **topological**: every parent has a smaller handle than its
///   approvers. Searches rely on it to stop early.
/// * `tips()` is exactly the set of vertices without approvers.
/// * `approver_count(v)` is the number of items `approvers(v)` yields, and
///   `first_approvers(v)` its first four. (A view that breaks this does not make a walk panic
///   or loop: walks ignore slots that are not vertices, read at most `approver_count(v)`
///   approvers beyond four, and stop where they find none; which approvers they weigh is then
///   unspecified.)
/// * Everything is deterministic: the same state gives the same answers in the same order.
pub trait TangleView {
    /// The vertex id type.
    type Id: VertexId;

    /// Number of vertices.
    fn len(&self) -> usize;

    /// No vertices.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id of a vertex.
    fn id(&self, v: Handle) -> Self::Id;

    /// The vertex with this id.
    fn handle(&self, id: &Self::Id) -> Option<Handle>;

    /// Direct parents (the vertices `v` approves).
    fn parents(&self, v: Handle) -> &[Handle];

    /// Direct approvers.
    fn approvers(&self, v: Handle) -> impl Iterator<Item = Handle> + '_;

    /// Number of direct approvers.
    fn approver_count(&self, v: Handle) -> usize;

    /// The first four items of [`approvers`](TangleView::approvers), padded with
    /// `Handle::new(u32::MAX)`. Weighted walks read this fixed-size array rather than the
    /// iterator: a step then weighs up to four approvers without branching on their number
    /// (an unpredictable branch on a Tangle, measured in docs/BENCHMARKS.md). Walks treat
    /// any slot at or past [`len`](TangleView::len) as empty. The default collects the
    /// iterator; [`Tangle`](crate::Tangle) reads its inline slots.
    fn first_approvers(&self, v: Handle) -> [Handle; 4] {
        let mut slots = [Handle::new(u32::MAX); 4];
        for (slot, a) in slots.iter_mut().zip(self.approvers(v)) {
            *slot = a;
        }
        slots
    }

    /// Vertices without approvers.
    fn tips(&self) -> &[Handle];

    /// Own weight.
    fn own_weight(&self, v: Handle) -> u64;

    /// Longest path down to a root (roots have height 0).
    fn height(&self, v: Handle) -> u32;

    /// Arrival time (the caller's unit).
    fn time(&self, v: Handle) -> u64;

    /// Latest arrival time in the view (the reference "now" of age-based rules).
    fn latest_time(&self) -> u64;

    /// Is `v` a solid entry point (a root standing for a pruned past)?
    fn is_solid_entry_point(&self, v: Handle) -> bool;

    /// Is `a` a strict ancestor of `b`? The default searches `b`'s past cone, never below
    /// `a`'s handle or height; implementations with an index may answer faster.
    fn is_ancestor(&self, a: Handle, b: Handle) -> bool {
        if a >= b || self.height(a) >= self.height(b) {
            return false;
        }
        crate::ancestor_search::search_ancestor(
            |u| self.parents(u),
            |u| self.height(u),
            a,
            b,
            |_| false,
        )
    }
}

/// A view that knows every vertex's cumulative weight: what weighted walks (MCMC, Hybrid,
/// E-IOTA) read at every step.
///
/// A selector that needs weights says so in its bounds. On a view with only the structure, an
/// unweighted walk runs:
/// ```
/// use rand_chacha::ChaCha8Rng;
/// use rand_core::SeedableRng;
/// use tangle_graph::select::{Mcmc, TipRequest, TipSelector, Urw, WalkStart};
/// use tangle_graph::{Config, Handle, Tangle, TangleView};
///
/// /// A view with the structure of a tangle and nothing else.
/// struct Bare<'a>(&'a Tangle<u64>);
///
/// impl TangleView for Bare<'_> {
///     type Id = u64;
///     fn len(&self) -> usize { self.0.len() }
///     fn id(&self, v: Handle) -> u64 { self.0.id(v) }
///     fn handle(&self, id: &u64) -> Option<Handle> { self.0.handle(id) }
///     fn parents(&self, v: Handle) -> &[Handle] { self.0.parents(v) }
///     fn approvers(&self, v: Handle) -> impl Iterator<Item = Handle> + '_ { self.0.approvers(v) }
///     fn approver_count(&self, v: Handle) -> usize { self.0.approver_count(v) }
///     fn tips(&self) -> &[Handle] { self.0.tips() }
///     fn own_weight(&self, v: Handle) -> u64 { self.0.own_weight(v) }
///     fn height(&self, v: Handle) -> u32 { self.0.height(v) }
///     fn time(&self, v: Handle) -> u64 { self.0.time(v) }
///     fn latest_time(&self) -> u64 { self.0.latest_time() }
///     fn is_solid_entry_point(&self, v: Handle) -> bool { self.0.is_solid_entry_point(v) }
/// }
///
/// let mut tangle: Tangle<u64> = Tangle::new(Config::default());
/// let genesis = tangle.add_solid_entry_point(0, 1, 0, None).unwrap();
/// tangle.insert_solid(1, &[genesis], 1, 1).unwrap();
/// let mut rng = ChaCha8Rng::seed_from_u64(1);
/// let tips = Urw::new(WalkStart::Oldest).select(&Bare(&tangle), TipRequest::PAIR, &mut rng);
/// assert_eq!(tips.unwrap().as_slice(), &[Handle::new(1)]);
/// ```
/// while MCMC on the same view does not compile:
/// ```compile_fail,E0277
/// use rand_chacha::ChaCha8Rng;
/// use rand_core::SeedableRng;
/// use tangle_graph::select::{Mcmc, TipRequest, TipSelector, Urw, WalkStart};
/// use tangle_graph::{Config, Handle, Tangle, TangleView};
///
/// /// A view with the structure of a tangle and nothing else.
/// struct Bare<'a>(&'a Tangle<u64>);
///
/// impl TangleView for Bare<'_> {
///     type Id = u64;
///     fn len(&self) -> usize { self.0.len() }
///     fn id(&self, v: Handle) -> u64 { self.0.id(v) }
///     fn handle(&self, id: &u64) -> Option<Handle> { self.0.handle(id) }
///     fn parents(&self, v: Handle) -> &[Handle] { self.0.parents(v) }
///     fn approvers(&self, v: Handle) -> impl Iterator<Item = Handle> + '_ { self.0.approvers(v) }
///     fn approver_count(&self, v: Handle) -> usize { self.0.approver_count(v) }
///     fn tips(&self) -> &[Handle] { self.0.tips() }
///     fn own_weight(&self, v: Handle) -> u64 { self.0.own_weight(v) }
///     fn height(&self, v: Handle) -> u32 { self.0.height(v) }
///     fn time(&self, v: Handle) -> u64 { self.0.time(v) }
///     fn latest_time(&self) -> u64 { self.0.latest_time() }
///     fn is_solid_entry_point(&self, v: Handle) -> bool { self.0.is_solid_entry_point(v) }
/// }
///
/// let mut tangle: Tangle<u64> = Tangle::new(Config::default());
/// let genesis = tangle.add_solid_entry_point(0, 1, 0, None).unwrap();
/// tangle.insert_solid(1, &[genesis], 1, 1).unwrap();
/// let mut rng = ChaCha8Rng::seed_from_u64(1);
/// let mut mcmc = Mcmc::new(0.1, WalkStart::Oldest).unwrap();
/// let _ = mcmc.select(&Bare(&tangle), TipRequest::PAIR, &mut rng);
/// ```
pub trait CumulativeWeights: TangleView {
    /// Cumulative weight: the own weight of `v` plus that of every direct or indirect
    /// approver. Exact; walks call it for every candidate approver, so it should be cheap for
    /// recent vertices. [`Tangle`](crate::Tangle) answers in O(1) from its checkpoints or
    /// weight window, and by a search of the future cone where it keeps none (see
    /// [`Config::track_cumulative_weight`](crate::Config::track_cumulative_weight)).
    fn cumulative_weight(&self, v: Handle) -> u64;
}

/// A view that knows which milestone referenced each vertex: what TIP-3 scoring and the DOT
/// export read.
pub trait MilestoneMarks: TangleView {
    /// Index of the milestone that referenced `v`, if any.
    fn milestone_index(&self, v: Handle) -> Option<u32>;
}
