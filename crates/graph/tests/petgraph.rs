//! petgraph's algorithms on `&Tangle` (feature `petgraph`) agree with the Tangle's own queries
//! on random DAGs inserted in random orders: topological order, ancestry, cones, edges.

mod common;

use std::collections::HashSet;

use common::{build, config, config_window, naive_cw, naive_past, permutation, random_dag};
use proptest::prelude::*;
use tangle_graph::petgraph::Direction::{Incoming, Outgoing};
use tangle_graph::petgraph::algo::{DfsSpace, has_path_connecting, toposort};
use tangle_graph::petgraph::visit::{
    Bfs, Dfs, EdgeCount, EdgeRef, IntoEdgeReferences, IntoEdges, IntoNeighborsDirected,
    IntoNodeIdentifiers, NodeCount, NodeIndexable, Reversed, VisitMap, Visitable,
};
use tangle_graph::{Config, Handle, Tangle};

/// Random DAG parameters: size, max parents, DAG seed, order seed, checkpoint interval or
/// weight window (0 = checkpoints).
fn dag_params() -> impl Strategy<Value = (usize, usize, u64, u64, u32, bool)> {
    (
        2usize..60,
        1usize..=4,
        any::<u64>(),
        any::<u64>(),
        0u32..6,
        any::<bool>(),
    )
}

fn tangle_of(
    n: usize,
    k: usize,
    seed: u64,
    order_seed: u64,
    interval: u32,
    window: bool,
) -> Tangle<u64> {
    let specs = random_dag(n, k, seed);
    let order = permutation(specs.len(), order_seed);
    let cfg: Config = if window {
        config_window(64, 1_000)
    } else {
        config(interval, 1_000)
    };
    build(&specs, &order, cfg)
}

fn handles(t: &Tangle<u64>) -> impl DoubleEndedIterator<Item = Handle> {
    (0..t.len() as u32).map(Handle::new)
}

/// Every vertex a search yields.
fn reached(mut next: impl FnMut() -> Option<Handle>) -> HashSet<Handle> {
    let mut out = HashSet::new();
    while let Some(v) = next() {
        assert!(out.insert(v), "{v:?} yielded twice");
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// petgraph's toposort succeeds and puts every vertex before its parents, the reverse of
    /// the constraint insertion (handle) order meets: both orders sort the same edges.
    #[test]
    fn toposort_agrees_with_insertion_order((n, k, seed, order_seed, interval, window) in dag_params()) {
        let t = tangle_of(n, k, seed, order_seed, interval, window);
        let order = toposort(&t, None).expect("a tangle has no cycle");
        prop_assert_eq!(order.len(), t.len());
        let mut position = vec![usize::MAX; t.len()];
        for (i, v) in order.iter().enumerate() {
            position[v.index()] = i;
        }
        for v in handles(&t) {
            for &p in t.parents(v) {
                prop_assert!(position[v.index()] < position[p.index()]);
                prop_assert!(p < v, "insertion order puts parents first");
            }
        }
    }

    /// `has_path_connecting(b, a)` (a path along approvals) is `is_ancestor(a, b)`, or `a == b`.
    #[test]
    fn has_path_connecting_is_is_ancestor((n, k, seed, order_seed, interval, window) in dag_params()) {
        let t = tangle_of(n, k, seed, order_seed, interval, window);
        let mut space = DfsSpace::new(&t);
        for a in handles(&t) {
            for b in handles(&t) {
                let path = has_path_connecting(&t, b, a, Some(&mut space));
                prop_assert_eq!(path, a == b || t.is_ancestor(a, b), "a = {:?}, b = {:?}", a, b);
            }
        }
    }

    /// Dfs and Bfs from `v` reach `v` and its past cone; on the reversed graph, `v` and its
    /// future cone.
    #[test]
    fn dfs_and_bfs_reach_exactly_the_cones((n, k, seed, order_seed, interval, window) in dag_params()) {
        let t = tangle_of(n, k, seed, order_seed, interval, window);
        for v in handles(&t) {
            let mut past = naive_past(&t, v);
            past.insert(v);
            prop_assert_eq!(&past, &t.past_cone(v).into_iter().chain([v]).collect());
            let mut dfs = Dfs::new(&t, v);
            prop_assert_eq!(&reached(|| dfs.next(&t)), &past);
            let mut bfs = Bfs::new(&t, v);
            prop_assert_eq!(&reached(|| bfs.next(&t)), &past);

            let future: HashSet<Handle> = t.future_cone(v).into_iter().chain([v]).collect();
            let reversed = Reversed(&t);
            let mut dfs = Dfs::new(reversed, v);
            prop_assert_eq!(&reached(|| dfs.next(reversed)), &future);
            let mut bfs = Bfs::new(reversed, v);
            prop_assert_eq!(&reached(|| bfs.next(reversed)), &future);
            // The future cone is what cumulative weight sums.
            let sum: u64 = future.iter().map(|&u| t.own_weight(u)).sum();
            prop_assert_eq!(sum, naive_cw(&t, v));
        }
    }

    /// Nodes, neighbours in both directions and edges are those of the arena.
    #[test]
    fn nodes_neighbours_and_edges_are_the_arenas((n, k, seed, order_seed, interval, window) in dag_params()) {
        let t = tangle_of(n, k, seed, order_seed, interval, window);
        prop_assert_eq!(NodeCount::node_count(&&t), t.len());
        prop_assert_eq!(NodeIndexable::node_bound(&&t), t.len());
        let ids: Vec<Handle> = t.node_identifiers().collect();
        prop_assert_eq!(&ids, &handles(&t).collect::<Vec<_>>());
        let mut edge_ids = HashSet::new();
        let mut by_source = Vec::new();
        for v in handles(&t) {
            prop_assert_eq!(NodeIndexable::from_index(&&t, NodeIndexable::to_index(&&t, v)), v);
            let out: Vec<Handle> = t.neighbors_directed(v, Outgoing).collect();
            prop_assert_eq!(out.as_slice(), t.parents(v));
            let inc: Vec<Handle> = t.neighbors_directed(v, Incoming).collect();
            prop_assert_eq!(inc, t.approvers(v).collect::<Vec<_>>());
            let edges: Vec<_> = t.edges(v).collect();
            let targets: Vec<Handle> = edges.iter().map(|e| e.target()).collect();
            prop_assert_eq!(targets.as_slice(), t.parents(v));
            for e in &edges {
                prop_assert_eq!(e.source(), v);
                prop_assert!(edge_ids.insert(e.id()), "edge id repeated");
                prop_assert!((e.id() as usize) < EdgeCount::edge_count(&&t));
            }
            by_source.extend(edges);
        }
        prop_assert_eq!(edge_ids.len(), EdgeCount::edge_count(&&t));
        let all: Vec<_> = t.edge_references().collect();
        prop_assert_eq!(all, by_source);
    }
}

/// On a chain the topological order is unique: exactly the insertion order, newest first.
#[test]
fn toposort_of_a_chain_is_reverse_insertion_order() {
    let mut t: Tangle<u64> = Tangle::new(config(4, 10));
    let mut last = t.add_solid_entry_point(0, 1, 0, None).unwrap();
    for id in 1..40 {
        last = t.insert_solid(id, &[last], 1, id).unwrap();
    }
    let order = toposort(&t, None).unwrap();
    let newest_first: Vec<Handle> = handles(&t).rev().collect();
    assert_eq!(order, newest_first);
}

/// The visit map marks, reports and unmarks handles, also past the size it was made for.
#[test]
fn visit_map_marks_and_unmarks() {
    let mut t: Tangle<u64> = Tangle::new(config(4, 10));
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    let mut map = t.visit_map();
    let (a, far) = (Handle::new(0), Handle::new(200));
    assert!(!map.is_visited(&a));
    assert!(map.visit(a));
    assert!(!map.visit(a));
    assert!(map.is_visited(&a));
    assert!(!map.is_visited(&far));
    assert!(map.visit(far));
    assert!(map.unvisit(far));
    assert!(!map.unvisit(far));
    assert!(!map.is_visited(&far));
    t.reset_map(&mut map);
    assert!(!map.is_visited(&a));
}

/// `from_index` refuses an index that is not a vertex.
#[test]
#[should_panic(expected = "not a vertex")]
fn from_index_past_the_end_panics() {
    let mut t: Tangle<u64> = Tangle::new(config(4, 10));
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    let _ = NodeIndexable::from_index(&&t, 1);
}
