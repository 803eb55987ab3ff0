//! The Tangle as a DAG, and pluggable tip selection.
//!
//! One graph and one set of algorithms serve both the discrete-event simulator and a node
//! handling real messages: the graph is generic over the vertex id (`MessageId` on the node
//! path, an integer in simulations) and the algorithms see it only through read-only
//! capability traits, with the RNG supplied by the caller: [`TangleView`] (the structure),
//! [`CumulativeWeights`] (what weighted walks add) and [`MilestoneMarks`] (what TIP-3 scoring
//! adds). A selector's bounds say which it needs.
//!
//! # What is here
//! * [`Tangle`]: an arena DAG with `u32` [`Handle`]s in topological order. Vertices arrive in
//!   any order; those missing parents wait in a bounded orphan pool ([`OrphanStats`]) and
//!   become solid with their parents. Solid entry points stand for a pruned past.
//! * Queries: tips, past/future cones ([`traverse::Traversal`]), is-ancestor, height, depth,
//!   **exact** cumulative weight kept up to date on every insertion in amortised O(recent
//!   cone) time (the [`weight`] module explains and proves the method), or, for workloads
//!   that read only recent weights, by a bit-parallel window of the newest vertices
//!   ([`window`], [`Config::weight_window`]); confirmation confidence
//!   ([`select::confirmation_confidence`]).
//! * Tip selection: the [`select::TipSelector`] trait and URTS, RURTS, TIP-3, URW, MCMC,
//!   Hybrid, E-IOTA and HPS ([`select`] lists their sources and parameters).
//! * [`dot::to_dot`]: Graphviz export of a window, tips and confirmed vertices marked.
//!
//! # Example
//! ```
//! use rand_chacha::ChaCha8Rng;
//! use rand_core::SeedableRng;
//! use tangle_graph::select::{TipRequest, TipSelector, Urts};
//! use tangle_graph::{Config, Tangle};
//!
//! let mut tangle: Tangle<u64> = Tangle::new(Config::default());
//! tangle.add_solid_entry_point(0, 1, 0, None)?;
//! let mut rng = ChaCha8Rng::seed_from_u64(7);
//! for id in 1..100u64 {
//!     let tips = Urts.select(&tangle, TipRequest::PAIR, &mut rng)?;
//!     let parents = tips.ids(&tangle);
//!     let _ = tangle.insert(id, &parents, 1, id)?;
//! }
//! let genesis = tangle.handle(&0).unwrap();
//! assert_eq!(tangle.cumulative_weight(genesis), Some(100));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Performance limits
//! The figures are in docs/BENCHMARKS.md. The checkpoint upkeep of exact cumulative weights
//! meets ≤ 5 µs per arrival on the main model (~20 tips) but not with ~100 tips (≈ 12 µs),
//! where the band each arrival must visit is ~6× wider. A weight window
//! ([`Config::weight_window`]) keeps that case at ≈ 2 µs, with O(1) weights only for the
//! newest vertices. An MCMC walk from 1,000 edges deep takes ≈ 20 µs (≈ 27 ns per step): each
//! step is one dependency chain through the candidates' records, so it is bound by latency,
//! not by the number of instructions.
//!
//! # Features
//! * `petgraph` (off by default): petgraph's visit traits for `&Tangle` (module `petgraph_visit`:
//!   parents are outgoing neighbours, approvers incoming), so petgraph's algorithms run on the
//!   arena; re-exports `petgraph`.
//!
//! The crate uses `std` (hash maps for the orphan pool, a random hash key) but no threads,
//! clocks or global state.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod ancestor_search;
mod arena;
pub mod dot;
mod error;
mod id;
mod index;
mod orphans;
#[cfg(feature = "petgraph")]
pub mod petgraph_visit;
pub mod select;
mod tangle;
pub mod traverse;
mod view;
pub mod weight;
pub mod window;

pub use error::{InsertError, ReferenceError};
pub use id::{Handle, IdHashBuilder, IdHasher, VertexId};
pub use orphans::OrphanStats;
pub use tangle::{Approvers, Config, Insertion, MAX_PARENTS, MemoryUsage, Tangle};
pub use view::{CumulativeWeights, MilestoneMarks, TangleView};

/// The RNG trait selectors take, re-exported so callers use the same `rand_core` version.
pub use rand_core;

/// petgraph, re-exported (feature `petgraph`) so callers run its algorithms on `&Tangle` with
/// the version whose traits [`petgraph_visit`] implements.
#[cfg(feature = "petgraph")]
pub use petgraph;
