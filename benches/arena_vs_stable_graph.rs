//! The Tangle's arena against petgraph's `StableGraph`, side by side on the same Tangle
//! (docs/adr/0006-arena-vs-stable-graph.md): insertion, memory per vertex, a past-cone walk.
//!
//! `cargo bench -p tangle-benches --bench arena_vs_stable_graph`. The memory figures are
//! printed on stderr.
//!
//! Both sides get what a node needs for an arriving message: 32-byte id, own weight, arrival
//! time, parents looked up by id, approvers reachable from each vertex. The arena keeps this in
//! its records and id index (exact cumulative weights off, so both do the same work;
//! `tangle_node_config` adds them back). The `StableGraph` holds the same per-vertex data as
//! node weight, an edge per approval (so incoming edges are the approvers) and a `HashMap`
//! from id to node index. The insertion order is a URTS growth with network delay 10 (see
//! `graph.rs`), recorded once.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::OnceLock;

use criterion::{BatchSize, Criterion, Throughput};
use petgraph::Direction;
use petgraph::graph::{Edge, Node, NodeIndex};
use petgraph::stable_graph::StableGraph;
use petgraph::visit::Bfs;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use tangle_graph::select::{TipRequest, TipSelector, Urts};
use tangle_graph::traverse::Traversal;
use tangle_graph::{Config, Handle, Tangle};

type Id = [u8; 32];

/// Vertices of the compared graphs.
const VERTICES: usize = 200_000;
/// Vertices of a timed cone walk.
const CONE: usize = 10_000;

/// What the `StableGraph` keeps per vertex: the arena's per-vertex data.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // Stored, as a node stores it; the benchmark reads only the id.
struct Vertex {
    id: Id,
    time: u64,
    weight: u32,
    height: u32,
    milestone: u32,
}

type Petgraph = StableGraph<Vertex, (), petgraph::Directed, u32>;

/// A 32-byte pseudo-random id (splitmix64 of a counter), like a BLAKE2b message id.
fn id(i: u64) -> Id {
    let mut out = [0u8; 32];
    let mut x = i;
    for chunk in out.chunks_exact_mut(8) {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

fn config(track: bool) -> Config {
    Config {
        track_cumulative_weight: track,
        hash_key: Some(0x5eed),
        ..Config::default()
    }
}

/// Arrivals in solidification order: id and parent ids (the genesis, id 0, comes first).
fn arrivals() -> &'static [(Id, Vec<Id>)] {
    static ARRIVALS: OnceLock<Vec<(Id, Vec<Id>)>> = OnceLock::new();
    ARRIVALS.get_or_init(|| {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let mut t: Tangle<Id> = Tangle::with_capacity(config(false), VERTICES);
        t.add_solid_entry_point(id(0), 1, 0, None).expect("genesis");
        let mut in_flight = std::collections::VecDeque::new();
        let mut urts = Urts;
        for i in 1..VERTICES as u64 {
            let tips = urts.select(&t, TipRequest::PAIR, &mut rng).expect("tips");
            in_flight.push_back((id(i), tips.ids(&t), i));
            if in_flight.len() > 10 {
                let (v, ps, time) = in_flight.pop_front().expect("queued");
                let _ = t.insert(v, &ps, 1, time).expect("insert");
            }
        }
        for (v, ps, time) in in_flight {
            let _ = t.insert(v, &ps, 1, time).expect("insert");
        }
        (0..t.len() as u32)
            .map(Handle::new)
            .map(|h| (t.id(h), t.parents(h).iter().map(|&p| t.id(p)).collect()))
            .collect()
    })
}

fn build_tangle(track: bool) -> Tangle<Id> {
    let mut t = Tangle::new(config(track));
    for (time, (v, parents)) in arrivals().iter().enumerate() {
        if parents.is_empty() {
            t.add_solid_entry_point(*v, 1, 0, None).expect("genesis");
        } else {
            let _ = t.insert(*v, parents, 1, time as u64).expect("insert");
        }
    }
    t
}

fn build_petgraph() -> (Petgraph, HashMap<Id, NodeIndex<u32>>) {
    let mut g = Petgraph::default();
    let mut index = HashMap::new();
    for (time, (v, parents)) in arrivals().iter().enumerate() {
        let mut resolved = [NodeIndex::end(); 8];
        let mut height = 0;
        for (slot, p) in resolved.iter_mut().zip(parents) {
            *slot = index[p];
            height = height.max(g[*slot].height + 1);
        }
        let n = g.add_node(Vertex {
            id: *v,
            time: time as u64,
            weight: 1,
            height,
            milestone: 0,
        });
        for &p in &resolved[..parents.len()] {
            g.add_edge(n, p, ());
        }
        index.insert(*v, n);
    }
    (g, index)
}

/// Bytes held by the `StableGraph` and its id index, from capacities (the index: one bucket
/// of key, value and control byte per slot of a table at 7/8 load, a lower bound).
fn petgraph_bytes(g: &Petgraph, index: &HashMap<Id, NodeIndex<u32>>) -> (usize, usize) {
    let (nodes, edges) = g.capacity();
    let graph =
        nodes * size_of::<Node<Option<Vertex>, u32>>() + edges * size_of::<Edge<Option<()>, u32>>();
    let buckets = (index.capacity() * 8 / 7).next_power_of_two();
    let table = buckets * (size_of::<(Id, NodeIndex<u32>)>() + 1);
    (graph, table)
}

fn report_memory() {
    let t = build_tangle(false);
    let node = build_tangle(true);
    let (g, index) = build_petgraph();
    let (graph, table) = petgraph_bytes(&g, &index);
    let n = t.len() as f64;
    let m = t.memory_usage();
    eprintln!(
        "memory per vertex at {} vertices (Vec growth by doubling on both sides): \
         arena {:.1} B (records {:.1}, edges {:.1}, id index {:.1}); \
         arena with exact cumulative weights {:.1} B; \
         StableGraph {:.1} B (graph {:.1}, id index {:.1})",
        t.len(),
        m.per_vertex(),
        m.arena_bytes as f64 / n,
        m.edge_bytes as f64 / n,
        m.index_bytes as f64 / n,
        node.memory_usage().per_vertex(),
        (graph + table) as f64 / n,
        graph as f64 / n,
        table as f64 / n,
    );
}

fn insert(c: &mut Criterion) {
    report_memory();
    let mut group = c.benchmark_group("arena_vs_stable_graph");
    group.sample_size(10);
    group.throughput(Throughput::Elements(arrivals().len() as u64));
    group.bench_function("insert_200k_arena", |b| {
        b.iter_batched(|| (), |()| build_tangle(false), BatchSize::PerIteration)
    });
    group.bench_function("insert_200k_stable_graph", |b| {
        b.iter_batched(|| (), |()| build_petgraph(), BatchSize::PerIteration)
    });
    group.bench_function("insert_200k_tangle_node_config", |b| {
        b.iter_batched(|| (), |()| build_tangle(true), BatchSize::PerIteration)
    });
    group.finish();
}

fn cone_walk(c: &mut Criterion) {
    let t = build_tangle(false);
    let (g, index) = build_petgraph();
    let tip = t.tips()[0];
    let tip_node = index[&t.id(tip)];
    let mut group = c.benchmark_group("arena_vs_stable_graph");
    group.throughput(Throughput::Elements(CONE as u64));

    let mut trav = Traversal::new();
    assert_eq!(trav.past(&t, &[tip]).limit(CONE).count(), CONE);
    group.bench_function("past_cone_10k_arena_traversal", |b| {
        b.iter(|| trav.past(black_box(&t), &[tip]).limit(CONE).count())
    });

    // petgraph's own breadth-first search, on the arena through the visit traits.
    let bfs_arena = |t: &Tangle<Id>| {
        let mut bfs = Bfs::new(t, tip);
        let mut n = 0;
        while n <= CONE && bfs.next(t).is_some() {
            n += 1;
        }
        n
    };
    // The same search over the StableGraph (outgoing edges lead to the parents).
    let bfs_stable = |g: &Petgraph| {
        let mut bfs = Bfs::new(g, tip_node);
        let mut n = 0;
        while n <= CONE && bfs.next(g).is_some() {
            n += 1;
        }
        n
    };
    assert_eq!(bfs_arena(&t), CONE + 1);
    assert_eq!(bfs_stable(&g), CONE + 1);
    group.bench_function("past_cone_10k_bfs_on_arena", |b| {
        b.iter(|| bfs_arena(black_box(&t)))
    });
    group.bench_function("past_cone_10k_bfs_on_stable_graph", |b| {
        b.iter(|| bfs_stable(black_box(&g)))
    });
    // Approvers: the arena's list against the StableGraph's incoming edges.
    let sample: Vec<Handle> = (0..t.len() as u32).step_by(97).map(Handle::new).collect();
    let sample_nodes: Vec<NodeIndex<u32>> = sample.iter().map(|&h| index[&t.id(h)]).collect();
    group.throughput(Throughput::Elements(sample.len() as u64));
    group.bench_function("approvers_of_2k_vertices_arena", |b| {
        b.iter(|| {
            sample
                .iter()
                .map(|&h| black_box(&t).approvers(h).count())
                .sum::<usize>()
        })
    });
    group.bench_function("approvers_of_2k_vertices_stable_graph", |b| {
        b.iter(|| {
            sample_nodes
                .iter()
                .map(|&n| {
                    black_box(&g)
                        .neighbors_directed(n, Direction::Incoming)
                        .count()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::{cone_walk, insert};
    use criterion::Criterion;
    use std::time::Duration;

    criterion::criterion_group! {
        name = benches;
        config = Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        targets = insert, cone_walk
    }
}

criterion::criterion_main!(group::benches);
