//! tangle-sim with MCMC tip selection (throughput target ≥ 100,000 transactions per second per
//! core): α = 0.01, the walk entry point 1,000 deep — measured in edges
//! (`WalkStart::Depth(1000)`: 1,000 parent steps below a uniformly drawn tip) and in
//! transactions (`WalkStart::Behind(1000)`: parent steps down until the tip is at least the
//! 1,000th transaction after the start) — λ = 100, h = 1, k = 2 (the URTS setting of
//! `benches/sim.rs`), exact cumulative weights maintained by the graph: by checkpoints, and for
//! the `Behind` entry also by a window of the newest 2,048 transactions (`SimConfig::weight_window`,
//! what `tangle simulate --walk-behind 1000` picks). Criterion reports simulated transactions
//! per second.
//!
//! `cargo bench -p tangle-benches --bench sim_mcmc`. One sample is one whole run of 20,000
//! transactions (set `TANGLE_BENCH_SIM_MCMC_TX` to change it). At λ = 100 a height level holds
//! ≈ 140 transactions, and 1,000 random parent steps descend more than 1,000 levels, so in
//! runs shorter than ≈ 150,000 transactions the `Depth` entry point is the genesis and the
//! walks are as long as the Tangle is tall (≈ 150 steps at 20,000). Longer runs reach that
//! regime (walks of ~1,000 steps through ~10 MB of records) but take minutes each:
//! docs/BENCHMARKS.md gives those figures from `tangle simulate`. The `Behind` entry is in its
//! steady regime (about ten levels below the tips) from the first thousand transactions on.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use tangle_graph::select::{Mcmc, WalkStart};
use tangle_sim::{SimConfig, Simulation};

fn transactions() -> u64 {
    std::env::var("TANGLE_BENCH_SIM_MCMC_TX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn simulation(c: &mut Criterion) {
    let n = transactions();
    let mut group = c.benchmark_group("sim");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(n));
    let mut config = SimConfig::new(100.0, 1.0, 2, n);
    config.tip_selection = "mcmc".to_owned();
    config.cumulative_weight = true;
    let mut seed = 0u64;
    for (name, start, window) in [
        ("depth1000", WalkStart::Depth(1_000), 0),
        ("behind1000", WalkStart::Behind(1_000), 0),
        ("behind1000_window2048", WalkStart::Behind(1_000), 2_048),
    ] {
        let sim = Simulation::new(SimConfig {
            weight_window: window,
            ..config.clone()
        })
        .expect("valid configuration");
        let mut mcmc = Mcmc::new(0.01, start).expect("alpha");
        group.bench_function(format!("mcmc_alpha0.01_{name}_lambda100_h1_k2_{n}"), |b| {
            b.iter(|| {
                seed += 1;
                black_box(sim.run(&mut mcmc, seed).expect("MCMC run"))
            })
        });
    }
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::simulation;
    use criterion::Criterion;
    use std::time::Duration;

    criterion::criterion_group! {
        name = benches;
        config = Criterion::default().warm_up_time(Duration::from_secs(1));
        targets = simulation
    }
}

criterion::criterion_main!(group::benches);
