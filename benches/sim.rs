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
//!
//! `sim_scenario/…` runs each attack scenario against URTS (λ = 100, h = 1, k = 2, 100,000
//! transactions, the attack from the 20,000th on, attacker share 0.2, other settings at their
//! defaults). The parasite chain stops at the end of its evaluation window, ≈ 3,000 arrivals
//! after the attack starts, so its throughput counts the arrivals it simulated.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use tangle_graph::select::Urts;
use tangle_sim::{
    MetricsConfig, ParasiteChain, ParasiteShape, Scenario, SimConfig, Simulation, Splitting,
    TipSpam,
};

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

const SCENARIO_TRANSACTIONS: u64 = 100_000;

fn scenarios(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim_scenario");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    let mut config = SimConfig::new(100.0, 1.0, 2, SCENARIO_TRANSACTIONS);
    config.cumulative_weight = false;
    config.tip_selection = "urts".to_owned();
    let sim = Simulation::new(config).expect("valid configuration");
    let share = 0.2;
    for scenario in [
        Scenario::ParasiteChain(ParasiteChain {
            share,
            root_age: None,
            hide_time: None,
            eval_time: None,
            shape: ParasiteShape::Tree,
        }),
        Scenario::TipSpam(TipSpam {
            share,
            lazy_age: None,
        }),
        Scenario::Splitting(Splitting { share, gap: None }),
    ] {
        // Throughput in arrivals simulated (the parasite chain stops early).
        let arrivals = sim
            .run_scenario(&scenario, &mut Urts, 0)
            .expect("scenario run")
            .transactions;
        group.throughput(Throughput::Elements(arrivals));
        let mut seed = 0u64;
        group.bench_function(
            format!("{}_urts_lambda100_h1_k2_100k", scenario.name()),
            |b| {
                b.iter(|| {
                    seed += 1;
                    black_box(
                        sim.run_scenario(&scenario, &mut Urts, seed)
                            .expect("scenario run"),
                    )
                })
            },
        );
    }
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::{scenarios, simulation};
    use criterion::Criterion;
    use std::time::Duration;

    criterion::criterion_group! {
        name = benches;
        config = Criterion::default().warm_up_time(Duration::from_secs(1));
        targets = simulation, scenarios
    }
}

criterion::criterion_main!(group::benches);
