//! petgraph's visit traits for `&Tangle`, so petgraph's algorithms (`toposort`,
//! `has_path_connecting`, `Dfs`, `Bfs`, `dominators::simple_fast`, `page_rank`, …) run on the
//! arena without copying it into a petgraph graph.
//!
//! Only with the `petgraph` feature. The graph seen by petgraph:
//! * nodes are the [`Handle`]s `0..len()` (compact: [`NodeCompactIndexable`]);
//! * an edge goes from a vertex to each of its parents, the direction of "approves", so
//!   [`Outgoing`](petgraph::Direction::Outgoing) neighbours are the parents and
//!   [`Incoming`](petgraph::Direction::Incoming) ones the approvers. A depth-first search from
//!   `v` thus reaches `v` and its past cone; on `petgraph::visit::Reversed(&tangle)` it
//!   reaches `v` and its future cone;
//! * an edge id ([`TangleEdge::id`]) is the edge's position in the arena's parent list, node
//!   weights are the vertex ids and edges carry no weight (`()`).
//!
//! The arena stays the storage (docs/adr/0006-arena-vs-stable-graph.md gives the measurements
//! that keep it); these impls only translate.
//!
//! ```
//! use petgraph::algo::has_path_connecting;
//! use tangle_graph::{Config, Tangle};
//!
//! let mut tangle: Tangle<u64> = Tangle::new(Config::default());
//! let genesis = tangle.add_solid_entry_point(0, 1, 0, None)?;
//! let a = tangle.insert_solid(1, &[genesis], 1, 1)?;
//! let b = tangle.insert_solid(2, &[a], 1, 2)?;
//! // b approves a which approves the genesis: a path b → genesis, none back.
//! assert!(has_path_connecting(&tangle, b, genesis, None));
//! assert!(!has_path_connecting(&tangle, genesis, b, None));
//! # Ok::<(), tangle_graph::InsertError>(())
//! ```

use petgraph::Direction;
use petgraph::visit::{
    Data, EdgeCount, EdgeRef, GraphBase, GraphProp, IntoEdgeReferences, IntoEdges, IntoNeighbors,
    IntoNeighborsDirected, IntoNodeIdentifiers, NodeCompactIndexable, NodeCount, NodeIndexable,
    VisitMap, Visitable,
};

use crate::id::{Handle, VertexId};
use crate::tangle::{Approvers, Tangle};

impl<I: VertexId> GraphBase for Tangle<I> {
    /// Position of the edge in the arena's parent list.
    type EdgeId = u32;
    type NodeId = Handle;
}

impl<I: VertexId> Data for Tangle<I> {
    type NodeWeight = I;
    type EdgeWeight = ();
}

impl<I: VertexId> GraphProp for Tangle<I> {
    type EdgeType = petgraph::Directed;
}

impl<I: VertexId> NodeCount for Tangle<I> {
    fn node_count(&self) -> usize {
        self.len()
    }
}

impl<I: VertexId> EdgeCount for Tangle<I> {
    fn edge_count(&self) -> usize {
        self.parents.len()
    }
}

impl<I: VertexId> NodeIndexable for Tangle<I> {
    fn node_bound(&self) -> usize {
        self.len()
    }

    fn to_index(&self, a: Handle) -> usize {
        a.index()
    }

    fn from_index(&self, i: usize) -> Handle {
        assert!(i < self.len(), "index {i} is not a vertex of the tangle");
        Handle::new(i as u32)
    }
}

impl<I: VertexId> NodeCompactIndexable for Tangle<I> {}

/// The visited set of petgraph's searches over a [`Tangle`]: one bit per handle.
#[derive(Clone, Debug, Default)]
pub struct VisitedHandles {
    words: Vec<u64>,
}

impl VisitedHandles {
    fn with_len(len: usize) -> Self {
        VisitedHandles {
            words: vec![0; len.div_ceil(64)],
        }
    }

    fn locate(h: Handle) -> (usize, u64) {
        (h.index() / 64, 1 << (h.index() % 64))
    }
}

impl VisitMap<Handle> for VisitedHandles {
    fn visit(&mut self, a: Handle) -> bool {
        let (word, bit) = Self::locate(a);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let first = self.words[word] & bit == 0;
        self.words[word] |= bit;
        first
    }

    fn is_visited(&self, a: &Handle) -> bool {
        let (word, bit) = Self::locate(*a);
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    fn unvisit(&mut self, a: Handle) -> bool {
        let (word, bit) = Self::locate(a);
        match self.words.get_mut(word) {
            Some(w) if *w & bit != 0 => {
                *w &= !bit;
                true
            }
            _ => false,
        }
    }
}

impl<I: VertexId> Visitable for Tangle<I> {
    type Map = VisitedHandles;

    fn visit_map(&self) -> VisitedHandles {
        VisitedHandles::with_len(self.len())
    }

    fn reset_map(&self, map: &mut VisitedHandles) {
        map.words.clear();
        map.words.resize(self.len().div_ceil(64), 0);
    }
}

/// The handles `0..len()`.
#[derive(Clone, Debug)]
pub struct NodeIdentifiers {
    range: core::ops::Range<u32>,
}

impl Iterator for NodeIdentifiers {
    type Item = Handle;

    fn next(&mut self) -> Option<Handle> {
        self.range.next().map(Handle::new)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl<I: VertexId> IntoNodeIdentifiers for &Tangle<I> {
    type NodeIdentifiers = NodeIdentifiers;

    fn node_identifiers(self) -> NodeIdentifiers {
        NodeIdentifiers {
            range: 0..self.len() as u32,
        }
    }
}

/// The parents of a vertex (its outgoing neighbours).
pub type Parents<'a> = core::iter::Copied<core::slice::Iter<'a, Handle>>;

impl<'a, I: VertexId> IntoNeighbors for &'a Tangle<I> {
    type Neighbors = Parents<'a>;

    fn neighbors(self, a: Handle) -> Parents<'a> {
        self.parents(a).iter().copied()
    }
}

/// Neighbours in one direction: parents (outgoing) or approvers (incoming).
#[derive(Clone, Debug)]
pub enum DirectedNeighbors<'a> {
    /// The parents of the vertex.
    Parents(Parents<'a>),
    /// The approvers of the vertex, in [`Tangle::approvers`] order.
    Approvers(Approvers<'a>),
}

impl Iterator for DirectedNeighbors<'_> {
    type Item = Handle;

    fn next(&mut self) -> Option<Handle> {
        match self {
            DirectedNeighbors::Parents(p) => p.next(),
            DirectedNeighbors::Approvers(a) => a.next(),
        }
    }
}

impl<'a, I: VertexId> IntoNeighborsDirected for &'a Tangle<I> {
    type NeighborsDirected = DirectedNeighbors<'a>;

    fn neighbors_directed(self, n: Handle, d: Direction) -> DirectedNeighbors<'a> {
        match d {
            Direction::Outgoing => DirectedNeighbors::Parents(self.neighbors(n)),
            Direction::Incoming => DirectedNeighbors::Approvers(self.approvers(n)),
        }
    }
}

/// An edge of a [`Tangle`] as petgraph sees it: `source` approves `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TangleEdge {
    source: Handle,
    target: Handle,
    id: u32,
}

impl EdgeRef for TangleEdge {
    type NodeId = Handle;
    type EdgeId = u32;
    type Weight = ();

    fn source(&self) -> Handle {
        self.source
    }

    fn target(&self) -> Handle {
        self.target
    }

    fn weight(&self) -> &() {
        &()
    }

    fn id(&self) -> u32 {
        self.id
    }
}

/// The edges from one vertex to its parents.
#[derive(Clone, Debug)]
pub struct Edges<'a> {
    source: Handle,
    first_id: u32,
    parents: core::iter::Enumerate<core::slice::Iter<'a, Handle>>,
}

impl Iterator for Edges<'_> {
    type Item = TangleEdge;

    fn next(&mut self) -> Option<TangleEdge> {
        let (i, &target) = self.parents.next()?;
        Some(TangleEdge {
            source: self.source,
            target,
            id: self.first_id + i as u32,
        })
    }
}

impl<'a, I: VertexId> IntoEdges for &'a Tangle<I> {
    type Edges = Edges<'a>;

    fn edges(self, a: Handle) -> Edges<'a> {
        Edges {
            source: a,
            first_id: self.cold[a.index()].edge_start,
            parents: self.parents(a).iter().enumerate(),
        }
    }
}

/// Every edge, by source vertex in handle order, each vertex's parents in insertion order.
#[derive(Clone, Debug)]
pub struct EdgeReferences<'a, I: VertexId> {
    tangle: &'a Tangle<I>,
    next_source: u32,
    current: Option<Edges<'a>>,
}

impl<I: VertexId> Iterator for EdgeReferences<'_, I> {
    type Item = TangleEdge;

    fn next(&mut self) -> Option<TangleEdge> {
        loop {
            if let Some(e) = self.current.as_mut().and_then(Iterator::next) {
                return Some(e);
            }
            if self.next_source as usize >= self.tangle.len() {
                return None;
            }
            self.current = Some(self.tangle.edges(Handle::new(self.next_source)));
            self.next_source += 1;
        }
    }
}

impl<'a, I: VertexId> IntoEdgeReferences for &'a Tangle<I> {
    type EdgeRef = TangleEdge;
    type EdgeReferences = EdgeReferences<'a, I>;

    fn edge_references(self) -> EdgeReferences<'a, I> {
        EdgeReferences {
            tangle: self,
            next_source: 0,
            current: None,
        }
    }
}
