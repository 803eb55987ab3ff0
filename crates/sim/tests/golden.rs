//! Golden reports: every tip selector × no attack and each attack × several seeds and model
//! settings, each report reduced to a digest of all its deterministic values (everything but
//! `elapsed_seconds`) and compared with `tests/data/golden_reports.txt`.
//!
//! The data file pins the report each seed gives, so a change of the engine that should leave
//! the results alone can be checked to do so. When a change is *meant* to change the reports,
//! regenerate the file with
//! `TANGLE_SIM_GOLDEN=write cargo test -p tangle-sim --test golden` and say why in the commit.

use std::fmt::Write as _;

use tangle_graph::select::{
    EIota, Hps, Hybrid, MaxAge, Mcmc, Rurts, TipSelector, Urts, Urw, WalkStart,
};
use tangle_sim::{
    Delay, Edges, MetricsConfig, ParasiteChain, ParasiteShape, Scenario, ScenarioReport, SimConfig,
    SimReport, SimTangle, Simulation, Splitting, TICKS_PER_UNIT, TipSpam, Weights,
};

const DATA: &str = "tests/data/golden_reports.txt";
const SEEDS: [u64; 3] = [1, 2, 0x5eed_cafe];
/// Every selector that runs in the simulator (TIP-3 draws from pools that milestones fill, and
/// the simulator issues none).
const SELECTORS: [&str; 7] = ["urts", "rurts", "urw", "mcmc", "hybrid", "eiota", "hps"];

/// The model settings: the whitepaper's model, and one with drawn delays and weights,
/// multi-edges, three parents, no warm-up and the optional metrics switched on.
fn simulations() -> Vec<(&'static str, Simulation)> {
    let mut plain = SimConfig::new(10.0, 1.0, 2, 500);
    plain.warmup = 100;
    let plain_metrics = MetricsConfig {
        samples: 10,
        horizon: Some(6.0),
        confirmation_weight: 5,
        ..MetricsConfig::default()
    };
    let drawn = SimConfig {
        delay: Delay::Exponential { mean: 0.8 },
        weights: Weights::Uniform { min: 1, max: 3 },
        edges: Edges::Multi,
        parents: 3,
        warmup: 0,
        orphan_horizon: 4.0,
        ..SimConfig::new(12.0, 0.8, 3, 400)
    };
    let drawn_metrics = MetricsConfig {
        samples: 8,
        horizon: Some(5.0),
        confirmation_weight: 6,
        confirmation_confidence: 0.8,
        series: true,
        series_points: 40,
        histogram_bins: 7,
        selector_confidence: 4,
        ..MetricsConfig::default()
    };
    let uniform = SimConfig {
        delay: Delay::Uniform { min: 0.5, max: 1.5 },
        ..SimConfig::new(10.0, 1.0, 2, 450)
    };
    [
        ("fixed", plain, plain_metrics),
        ("drawn", drawn, drawn_metrics),
        ("uniform", uniform, MetricsConfig::default()),
    ]
    .into_iter()
    .map(|(name, config, metrics)| {
        let sim = Simulation::new(config)
            .and_then(|s| s.with_metrics(metrics))
            .expect("valid settings");
        (name, sim)
    })
    .collect()
}

fn selector(name: &str, h: f64) -> Box<dyn TipSelector<SimTangle>> {
    let start = WalkStart::Depth(20);
    match name {
        "urts" => Box::new(Urts),
        "rurts" => Box::new(Rurts::new(MaxAge::Time(
            ((1.5 * h) * TICKS_PER_UNIT).round() as u64,
        ))),
        "urw" => Box::new(Urw::new(start)),
        "mcmc" => Box::new(Mcmc::new(0.05, start).expect("α")),
        "hybrid" => Box::new(Hybrid::new(0.05, WalkStart::Behind(30)).expect("α")),
        "eiota" => Box::new(EIota::three_way(0.1, 0.65, 0.05, 0.5, start).expect("mixture")),
        "hps" => Box::new(Hps::new(64).expect("window")),
        other => panic!("unknown selector {other}"),
    }
}

/// No attack, and each attack (the parasite in both shapes, one that ends its evaluation
/// window within the run and one cut by the transaction cap).
fn attacks() -> Vec<(&'static str, Option<Scenario>)> {
    vec![
        ("none", None),
        (
            "parasite-tree",
            Some(Scenario::ParasiteChain(ParasiteChain {
                share: 0.3,
                root_age: Some(1.5),
                hide_time: Some(8.0),
                eval_time: Some(6.0),
                shape: ParasiteShape::Tree,
            })),
        ),
        (
            "parasite-chain",
            Some(Scenario::ParasiteChain(ParasiteChain {
                share: 0.2,
                root_age: None,
                hide_time: None,
                eval_time: None,
                shape: ParasiteShape::Chain,
            })),
        ),
        (
            "tip-spam",
            Some(Scenario::TipSpam(TipSpam {
                share: 0.25,
                lazy_age: None,
            })),
        ),
        (
            "splitting",
            Some(Scenario::Splitting(Splitting {
                share: 0.4,
                gap: Some(6.0),
            })),
        ),
    ]
}

/// Every deterministic value of a plain report, with floats in their exact (round-trip) form.
fn plain_values(r: &SimReport) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{} {} {:?} {:?} {:?} {} {:?} {:?} {} {} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?} {} {:?} \
         {:?} {:?} {:?} {:?}",
        r.transactions,
        r.tip_selection,
        r.lambda,
        r.delay,
        r.delay_distribution,
        r.parents,
        r.edges,
        r.weights,
        r.seed,
        r.warmup,
        r.measured_time,
        r.mean_tips,
        r.mean_global_tips,
        r.measured_transactions,
        r.mean_first_approval_time,
        r.orphan_rate,
        r.orphan_horizon,
        r.approvers_histogram,
        r.final_tips,
        r.memory_bytes_per_transaction,
        r.weight_window,
        r.cumulative_weight_growth,
        r.confirmation,
        r.series,
    );
    s
}

/// Every deterministic value of a scenario report.
fn scenario_values(r: &ScenarioReport) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{} {:?} {} {:?} {:?} {} {} {} {} {:?} {} {:?} {:?} {:?} {:?}",
        r.scenario,
        r.parameters,
        r.tip_selection,
        r.lambda,
        r.delay,
        r.parents,
        r.seed,
        r.transactions,
        r.attacker_transactions,
        r.mean_tips,
        r.final_tips,
        r.honest_orphan_rate,
        r.attacker_orphan_rate,
        r.outcome,
        r.tips,
    );
    s
}

/// FNV-1a, 64 bits: a stable digest (no dependency, same on every platform).
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One line per run: `settings selector attack seed digest headline`.
fn current_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for (settings, sim) in simulations() {
        let h = sim.config().delay.mean();
        for name in SELECTORS {
            for (attack, scenario) in attacks() {
                for seed in SEEDS {
                    let mut selector = selector(name, h);
                    let (values, headline) = match &scenario {
                        None => {
                            let r = sim.run(selector.as_mut(), seed).expect("plain run");
                            (plain_values(&r), r.mean_tips)
                        }
                        Some(s) => {
                            let r = sim
                                .run_scenario(s, selector.as_mut(), seed)
                                .expect("scenario run");
                            (scenario_values(&r), r.mean_tips)
                        }
                    };
                    lines.push(format!(
                        "{settings} {name} {attack} {seed} {:016x} mean_tips={headline:?}",
                        digest(&values)
                    ));
                }
            }
        }
    }
    lines
}

#[test]
fn reports_match_the_golden_digests() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA);
    let lines = current_lines();
    if std::env::var("TANGLE_SIM_GOLDEN").as_deref() == Ok("write") {
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(&path, text).expect("write the golden file");
        return;
    }
    let golden = std::fs::read_to_string(&path).expect("the golden file");
    let golden: Vec<&str> = golden.lines().collect();
    assert_eq!(golden.len(), lines.len(), "number of golden runs");
    let differing: Vec<String> = golden
        .iter()
        .zip(&lines)
        .filter(|(g, l)| *g != l)
        .map(|(g, l)| format!("expected {g}\n     got {l}"))
        .collect();
    assert!(
        differing.is_empty(),
        "{} of {} reports differ:\n{}",
        differing.len(),
        lines.len(),
        differing.join("\n")
    );
}

/// The digest sees a change in any value: two runs that differ only in the seed differ.
#[test]
fn the_digest_tells_reports_apart() {
    let (_, sim) = simulations().remove(0);
    let a = sim.run(&mut Urts, 1).expect("run");
    let b = sim.run(&mut Urts, 2).expect("run");
    assert_ne!(digest(&plain_values(&a)), digest(&plain_values(&b)));
    let mut c = a.clone();
    c.elapsed_seconds += 1.0;
    assert_eq!(digest(&plain_values(&a)), digest(&plain_values(&c)));
    c.orphan_rate = f64::from_bits(c.orphan_rate.to_bits() ^ 1);
    assert_ne!(digest(&plain_values(&a)), digest(&plain_values(&c)));
}
