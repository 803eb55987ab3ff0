//! tangle-graph on a 1,000,000-vertex Tangle grown with URTS (k = 2, 32-byte ids): insertion,
//! exact cumulative-weight upkeep, URTS, an MCMC walk from 1,000 deep, past-cone iteration,
//! plus a few other selectors for comparison.
//!
//! `cargo bench -p tangle-benches --bench graph`. Building the two 1M-vertex tangles takes a
//! few seconds before the first benchmark; their memory use is printed on stderr.
//!
//! Growth model: a vertex picks its two parents by URTS when it is created and becomes visible
//! `h` creations later (network latency; the tip pool settles near 2h tips, Popov's L ≈ 2λh).
//! `h = 10` by default; set `TANGLE_BENCH_DELAY` to change it (`h = 50` is the stress case of
//! docs/BENCHMARKS.md).
//!
//! The insertion benchmarks replay the next 200,000 arrivals of the same growth process,
//! recorded once (so selection is not timed and the tangle keeps exactly the model's shape),
//! into a copy of the 1M tangle, starting over from a fresh copy when they run out: every
//! figure is measured between 1.0M and 1.2M vertices.

use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use criterion::Criterion;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use tangle_graph::select::{Hps, Mcmc, TipRequest, TipSelector, Urts, Urw, WalkStart};
use tangle_graph::traverse::Traversal;
use tangle_graph::{Config, Handle, Tangle};

type Id = [u8; 32];

const VERTICES: usize = 1_000_000;
const REPLAY: usize = 200_000;

fn delay() -> usize {
    std::env::var("TANGLE_BENCH_DELAY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// A 32-byte pseudo-random id (uniform, like a BLAKE2b message id), from a counter.
fn id(i: u64) -> Id {
    let mut out = [0u8; 32];
    let mut x = i;
    for chunk in out.chunks_exact_mut(8) {
        // splitmix64
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

/// Window of the windowed-weight insertion benchmark: what a walk entering 1,000 transactions
/// behind the tips reads (`tangle simulate --walk-behind 1000` picks the same).
const WEIGHT_WINDOW: u32 = 2_048;

/// One arrival: id, parents, time.
type Arrival = (Id, Vec<Id>, u64);

/// Runs the growth process for `steps` creations; returns the arrivals in insertion order.
fn run(
    t: &mut Tangle<Id>,
    in_flight: &mut VecDeque<(u64, Vec<Id>)>,
    next: &mut u64,
    steps: usize,
    rng: &mut ChaCha8Rng,
    record: bool,
) -> Vec<Arrival> {
    let mut out = Vec::with_capacity(if record { steps } else { 0 });
    for _ in 0..steps {
        let tips = Urts.select(t, TipRequest::PAIR, rng).expect("tips");
        in_flight.push_back((*next, tips.ids(t)));
        *next += 1;
        if in_flight.len() > delay() {
            let (v, parents) = in_flight.pop_front().expect("non-empty");
            let _ = t.insert(id(v), &parents, 1, v).expect("valid");
            if record {
                out.push((id(v), parents, v));
            }
        }
    }
    out
}

/// The 1M tangle, the next `REPLAY` arrivals of the same process, and the resident set size
/// right after growing the tangle.
fn grow(config: Config) -> (Tangle<Id>, Vec<Arrival>, usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    // Sized up front, as a benchmark of a 1M-vertex tangle should be: the resident memory is
    // then the data, not the allocator's leftovers from doubling vectors.
    let mut t = Tangle::with_capacity(config, VERTICES);
    t.add_solid_entry_point(id(0), 1, 0, None).expect("genesis");
    let mut in_flight = VecDeque::new();
    let mut next = 1;
    while t.len() < VERTICES {
        let steps = VERTICES - t.len();
        run(&mut t, &mut in_flight, &mut next, steps, &mut rng, false);
    }
    let rss = rss_bytes().unwrap_or(0);
    let mut scratch = t.clone();
    let replay = run(
        &mut scratch,
        &mut in_flight,
        &mut next,
        REPLAY,
        &mut rng,
        true,
    );
    (t, replay, rss)
}

fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

struct Fixture {
    weighted: Tangle<Id>,
    plain: Tangle<Id>,
    replay: Vec<Arrival>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let before = rss_bytes().unwrap_or(0);
        let started = Instant::now();
        let (weighted, replay, after) = grow(config(true));
        let m = weighted.memory_usage();
        eprintln!(
            "graph fixture (h = {}): {} vertices, {} tips, grown in {:.1?}; memory_usage {:.1} B/vertex \
             (arena {} + edges {} + index {} + checkpoints {} + orphans {} bytes); \
             RSS growth {:.1} B/vertex; weight upkeep {:?}",
            delay(),
            weighted.len(),
            weighted.tips().len(),
            started.elapsed(),
            m.per_vertex(),
            m.arena_bytes,
            m.edge_bytes,
            m.index_bytes,
            m.checkpoint_bytes,
            m.orphan_bytes,
            after.saturating_sub(before) as f64 / weighted.len() as f64,
            weighted.weight_stats(),
        );
        let (plain, _, _) = grow(config(false));
        Fixture {
            weighted,
            plain,
            replay,
        }
    })
}

/// The same 1M tangle with weights kept by a window (built only when its benchmark runs).
fn windowed() -> &'static Tangle<Id> {
    static W: OnceLock<Tangle<Id>> = OnceLock::new();
    W.get_or_init(|| {
        grow(Config {
            weight_window: WEIGHT_WINDOW,
            ..config(true)
        })
        .0
    })
}

/// Times `iters` insertions of the recorded arrivals into a copy of `base` (see the module
/// docs); the copy and its reserve are made outside the timed region.
fn timed_insertions(
    base: &Tangle<Id>,
    replay: &[Arrival],
    committed: bool,
    state: &mut Option<(Tangle<Id>, usize)>,
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters as usize;
    while left > 0 {
        if state.as_ref().is_none_or(|(_, at)| *at == replay.len()) {
            let mut copy = base.clone();
            if committed {
                copy.reserve_committed(replay.len());
            } else {
                copy.reserve(replay.len());
            }
            *state = Some((copy, 0));
        }
        let Some((t, at)) = state.as_mut() else {
            unreachable!()
        };
        let n = left.min(replay.len() - *at);
        let chunk = &replay[*at..*at + n];
        let start = Instant::now();
        for (v, parents, time) in chunk {
            let _ = black_box(t.insert(*v, parents, 1, *time));
        }
        total += start.elapsed();
        *at += n;
        left -= n;
    }
    total
}

fn insertion(c: &mut Criterion) {
    let f = fixture();
    let mut group = c.benchmark_group("graph");
    group.sample_size(30);
    // Memory reserved and mapped beforehand (a node that sizes its arena up front).
    let mut state = None;
    group.bench_function("insert_1M_without_cw", |b| {
        b.iter_custom(|iters| timed_insertions(&f.plain, &f.replay, true, &mut state, iters))
    });
    // Reserved but not yet mapped: every new page costs a page fault inside `insert`
    // (what a growing simulation pays).
    let mut state = None;
    group.bench_function("insert_1M_without_cw_first_touch", |b| {
        b.iter_custom(|iters| timed_insertions(&f.plain, &f.replay, false, &mut state, iters))
    });
    let mut state = None;
    group.bench_function("insert_1M_with_exact_cw", |b| {
        b.iter_custom(|iters| timed_insertions(&f.weighted, &f.replay, true, &mut state, iters))
    });
    // Exact weights kept by a window of the newest 2,048 vertices instead of checkpoints.
    let mut state = None;
    group.bench_function("insert_1M_with_window_cw_2048", |b| {
        b.iter_custom(|iters| timed_insertions(windowed(), &f.replay, true, &mut state, iters))
    });
    group.finish();
}

/// An entry point 1,000 deep: the first vertex of depth ≥ 1000 (longest path to a tip) on the
/// path down from a tip through highest parents. Depth grows strictly along that path, so a
/// binary search over it needs a dozen depth computations.
fn deep_entry(t: &Tangle<Id>) -> Handle {
    let mut path = vec![t.tips()[0]];
    while path.len() < 4_000 {
        let cur = path[path.len() - 1];
        match t.parents(cur).iter().max_by_key(|p| t.height(**p)) {
            Some(&p) => path.push(p),
            None => break,
        }
    }
    let i = path.partition_point(|&v| t.depth(v) < 1_000);
    path[i.min(path.len() - 1)]
}

fn selection(c: &mut Criterion) {
    let f = fixture();
    let t = &f.weighted;
    let mut group = c.benchmark_group("graph");
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    group.bench_function("urts_select_2", |b| {
        b.iter(|| Urts.select(black_box(t), TipRequest::PAIR, &mut rng))
    });

    let entry = deep_entry(t);
    let mut mcmc = Mcmc::new(0.01, WalkStart::At(entry)).expect("alpha");
    let mut path = Vec::new();
    let mut by_count = [0usize; 5];
    let steps: usize = (0..200)
        .map(|_| {
            mcmc.walk_from(t, entry, &mut rng, Some(&mut path))
                .expect("walk");
            for &v in &path[..path.len() - 1] {
                by_count[t.approver_count(v).min(4)] += 1;
            }
            path.len() - 1
        })
        .sum();
    eprintln!(
        "mcmc: entry {entry} of depth {} at height {} (max height {}), mean walk {} steps; \
         steps from vertices with 1, 2, 3, ≥ 4 approvers: {:?}",
        t.depth(entry),
        t.height(entry),
        t.max_height(),
        steps / 200,
        by_count[1..].iter().map(|c| c / 200).collect::<Vec<_>>()
    );
    group.bench_function("mcmc_walk_from_1000_deep_alpha_0.01", |b| {
        b.iter(|| mcmc.walk_from(black_box(t), entry, &mut rng, None))
    });
    let mut urw = Urw::new(WalkStart::At(entry));
    group.bench_function("urw_walk_from_1000_deep", |b| {
        b.iter(|| urw.walk_from(black_box(t), entry, &mut rng, None))
    });
    let mut mcmc_select = Mcmc::new(0.01, WalkStart::Depth(1_000)).expect("alpha");
    group.bench_function("mcmc_select_2_depth_1000_alpha_0.01", |b| {
        b.iter(|| mcmc_select.select(black_box(t), TipRequest::PAIR, &mut rng))
    });
    let mut hps = Hps::new(4_096).expect("window");
    group.sample_size(30);
    group.bench_function("hps_select_2_window_4096", |b| {
        b.iter(|| hps.select(black_box(t), TipRequest::PAIR, &mut rng))
    });
    group.finish();
}

fn queries(c: &mut Criterion) {
    let f = fixture();
    let t = &f.weighted;
    let mut group = c.benchmark_group("graph");
    let tip = t.tips()[0];
    let mut trav = Traversal::new();
    assert_eq!(trav.past(t, &[tip]).limit(10_000).count(), 10_000);
    group.bench_function("past_cone_10k", |b| {
        b.iter(|| trav.past(black_box(t), &[tip]).limit(10_000).count())
    });
    let old = Handle::new((t.len() / 2) as u32);
    group.bench_function("is_ancestor_old_to_tip", |b| {
        b.iter(|| t.is_ancestor(black_box(old), black_box(tip)))
    });
    let recent = Handle::new((t.len() - 300) as u32);
    group.bench_function("is_ancestor_recent_to_tip", |b| {
        b.iter(|| t.is_ancestor(black_box(recent), black_box(tip)))
    });
    group.bench_function("cumulative_weight", |b| {
        b.iter(|| t.cumulative_weight(black_box(recent)))
    });
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::{insertion, queries, selection};
    use criterion::Criterion;
    use std::time::Duration;

    criterion::criterion_group! {
        name = benches;
        config = Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        targets = insertion, selection, queries
    }
}

criterion::criterion_main!(group::benches);
