//! tangle-sim: the whitepaper's model with URTS, λ = 100, h = 1, k = 2, 1,000,000
//! transactions per run; criterion reports simulated transactions per second.
//!
//! `cargo bench -p tangle-benches --bench sim`. `urts_lambda100_h1_k2_1M` is the default run
//! (100 sampled transactions for the cumulative-weight growth and confirmation latency);
//! `…_no_samples` turns that sampling off, so the difference is its cost. Cumulative-weight
//! upkeep in the graph is off: URTS does not
//! read weights. (With it on, this workload — about 100 transactions in flight and 200 tips —
//! currently runs at about 25,000 transactions per second, the graph's weight upkeep
//! dominating; not benchmarked here until that is addressed in tangle-graph.)

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use tangle_graph::select::Urts;
use tangle_sim::{MetricsConfig, SimConfig, Simulation};

const TRANSACTIONS: u64 = 1_000_000;

fn simulation(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(TRANSACTIONS));
    for (name, samples) in [
        ("urts_lambda100_h1_k2_1M", 100),
        ("urts_lambda100_h1_k2_1M_no_samples", 0),
    ] {
        let mut config = SimConfig::new(100.0, 1.0, 2, TRANSACTIONS);
        config.cumulative_weight = false;
        config.tip_selection = "urts".to_owned();
        let metrics = MetricsConfig {
            samples,
            ..MetricsConfig::default()
        };
        let sim = Simulation::new(config)
            .and_then(|s| s.with_metrics(metrics))
            .expect("valid configuration");
        let mut seed = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                seed += 1;
                black_box(sim.run(&mut Urts, seed).expect("URTS run"))
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
