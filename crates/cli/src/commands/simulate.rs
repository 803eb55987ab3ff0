//! `tangle simulate`: runs the discrete-event Tangle simulator (`tangle::sim`, the whitepaper's
//! model: Poisson arrivals of rate λ, visibility delay h, k parents) with one of the graph
//! crate's tip selectors, and prints the metrics: a readable summary, or one JSON object.
//!
//! With `--runs R > 1` the runs use seeds derived from `--seed` and run in parallel; the scalar
//! metrics are then the ensemble means, each with its 95 % confidence interval.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};
use tangle::graph::dot::{DotOptions, to_dot};
use tangle::graph::rand_core::RngCore;
use tangle::graph::select::{
    EIota, Hps, Hybrid, MaxAge, Mcmc, Rurts, SelectError, Selection, TipRequest, TipSelector, Urts,
    Urw, WalkStart,
};
use tangle::sim::{
    EnsembleReport, SimConfig, SimError, SimReport, SimTangle, Simulation, TICKS_PER_UNIT,
    derive_seed,
};

/// The tip-selection algorithms `--tip-selection` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Algorithm {
    /// Uniform random tip selection.
    Urts,
    /// URTS restricted to tips at most `--max-age` old.
    Rurts,
    /// Unweighted random walk from `--walk-depth` below the tips.
    Urw,
    /// Popov's weighted random walk with parameter `--alpha`.
    Mcmc,
    /// One tip by an MCMC walk (`--alpha` > 0), the others uniformly.
    Hybrid,
    /// E-IOTA: per selection α = 0 (p = 0.1), `--alpha` (p = 0.65) or 10·`--alpha` (p = 0.25).
    Eiota,
    /// The pair of tips covering the most of the newest `--hps-window` vertices.
    Hps,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Urts => "urts",
            Algorithm::Rurts => "rurts",
            Algorithm::Urw => "urw",
            Algorithm::Mcmc => "mcmc",
            Algorithm::Hybrid => "hybrid",
            Algorithm::Eiota => "eiota",
            Algorithm::Hps => "hps",
        }
    }

    /// Whether the selector reads cumulative weights (the graph maintains them only then).
    fn weighted(self) -> bool {
        matches!(self, Algorithm::Mcmc | Algorithm::Hybrid | Algorithm::Eiota)
    }
}

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// The tip-selection algorithm.
    #[arg(long, value_enum)]
    tip_selection: Algorithm,
    /// MCMC parameter α of the weighted walks (mcmc, hybrid, eiota); ≥ 0, > 0 for hybrid.
    #[arg(
        long,
        value_name = "A",
        default_value_t = 0.01,
        allow_negative_numbers = true
    )]
    alpha: f64,
    /// Arrival rate λ (transactions per time unit).
    #[arg(
        long,
        value_name = "L",
        default_value_t = 10.0,
        allow_negative_numbers = true
    )]
    lambda: f64,
    /// Visibility delay h (time units, fixed for every transaction).
    #[arg(
        long,
        value_name = "H",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    delay: f64,
    /// Tips approved by each transaction, k (1..=8).
    #[arg(long, value_name = "K", default_value_t = 2)]
    parents: usize,
    /// Transactions issued per run, N (the first fifth is the warm-up cut).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    transactions: u64,
    /// Runs R; with R > 1 their seeds derive from `--seed` and the metrics are ensemble means
    /// with 95 % confidence intervals.
    #[arg(long, value_name = "R", default_value_t = 1)]
    runs: u32,
    /// Seed (of the run, or of the ensemble).
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Worker threads of an ensemble (default: every available core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Walk start depth of urw, mcmc, hybrid and eiota: edges below a uniformly drawn tip.
    #[arg(long, value_name = "D", default_value_t = 100)]
    walk_depth: u32,
    /// Maximum tip age Δ of rurts, in time units (default 5·h + 10/λ).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    max_age: Option<f64>,
    /// Window of hps: the newest vertices whose coverage is compared.
    #[arg(long, value_name = "N", default_value_t = 256)]
    hps_window: u32,
    /// Write a Graphviz picture of the newest 200 transactions of the (first) run to FILE.
    #[arg(long, value_name = "FILE")]
    export_dot: Option<PathBuf>,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
    /// Print nothing on stderr but errors (otherwise a one-line notice precedes work of a
    /// million transactions or more when stderr is a terminal; there is no progress bar yet).
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SimulateError {
    #[error("simulation: {0}")]
    Sim(#[from] SimError),
    #[error("tip selection: {0}")]
    Select(#[from] SelectError),
    #[error("--runs must be at least 1")]
    ZeroRuns,
    #[error("--threads must be at least 1")]
    ZeroThreads,
    #[error("--max-age must be finite and non-negative, got {0}")]
    MaxAge(f64),
    #[error("could not write {file}: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
    #[error("could not render JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Any of the selectors, so that an ensemble can clone one validated prototype per thread.
#[derive(Clone, Debug)]
enum AnySelector {
    Urts(Urts),
    Rurts(Rurts),
    Urw(Urw),
    Mcmc(Mcmc),
    Hybrid(Hybrid),
    EIota(EIota),
    Hps(Hps),
}

impl TipSelector<SimTangle> for AnySelector {
    fn select(
        &mut self,
        view: &SimTangle,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        match self {
            AnySelector::Urts(s) => s.select(view, request, rng),
            AnySelector::Rurts(s) => s.select(view, request, rng),
            AnySelector::Urw(s) => s.select(view, request, rng),
            AnySelector::Mcmc(s) => s.select(view, request, rng),
            AnySelector::Hybrid(s) => s.select(view, request, rng),
            AnySelector::EIota(s) => s.select(view, request, rng),
            AnySelector::Hps(s) => s.select(view, request, rng),
        }
    }
}

fn selector(args: &SimulateArgs) -> Result<AnySelector, SimulateError> {
    let start = WalkStart::Depth(args.walk_depth);
    Ok(match args.tip_selection {
        Algorithm::Urts => AnySelector::Urts(Urts),
        Algorithm::Rurts => {
            let delta = args
                .max_age
                .unwrap_or(5.0 * args.delay + 10.0 / args.lambda);
            if !(delta.is_finite() && delta >= 0.0) {
                return Err(SimulateError::MaxAge(delta));
            }
            // Vertex times are in ticks; `as` saturates.
            AnySelector::Rurts(Rurts::new(MaxAge::Time(
                (delta * TICKS_PER_UNIT).round() as u64
            )))
        }
        Algorithm::Urw => AnySelector::Urw(Urw::new(start)),
        Algorithm::Mcmc => AnySelector::Mcmc(Mcmc::new(args.alpha, start)?),
        Algorithm::Hybrid => AnySelector::Hybrid(Hybrid::new(args.alpha, start)?),
        Algorithm::Eiota => AnySelector::EIota(EIota::three_way(
            0.1,
            0.65,
            args.alpha,
            10.0 * args.alpha,
            start,
        )?),
        Algorithm::Hps => AnySelector::Hps(Hps::new(args.hps_window)?),
    })
}

pub(crate) fn run(args: SimulateArgs) -> Result<String, SimulateError> {
    if args.runs == 0 {
        return Err(SimulateError::ZeroRuns);
    }
    if args.threads == Some(0) {
        return Err(SimulateError::ZeroThreads);
    }
    let mut config = SimConfig::new(args.lambda, args.delay, args.parents, args.transactions);
    config.cumulative_weight = args.tip_selection.weighted();
    config.tip_selection = args.tip_selection.name().to_owned();
    let simulation = Simulation::new(config)?;
    let prototype = selector(&args)?;
    let work = u64::from(args.runs).saturating_mul(args.transactions);
    if !args.quiet && work >= 1_000_000 && std::io::stderr().is_terminal() {
        eprintln!(
            "simulating {work} transactions ({} × {})…",
            args.runs, args.transactions
        );
    }

    let report = if args.runs == 1 {
        let report = simulation.run(&mut prototype.clone(), args.seed)?;
        let mut json = serde_json::to_value(&report)?;
        if let Value::Object(map) = &mut json {
            map.insert("runs".to_owned(), json!(1));
        }
        json
    } else {
        let started = std::time::Instant::now();
        let ensemble = simulation.run_ensemble(
            || prototype.clone(),
            args.runs,
            args.seed,
            args.threads.unwrap_or(0),
        )?;
        ensemble_json(&ensemble, started.elapsed().as_secs_f64())?
    };

    if let Some(file) = &args.export_dot {
        // The graph of the (first) run: kept by a single run; an ensemble's first run is
        // repeated (same seed, so the same graph).
        let graph = match simulation.take_graph() {
            Some(graph) if args.runs == 1 => graph,
            _ => {
                simulation.run(&mut prototype.clone(), derive_seed(args.seed, 0))?;
                simulation
                    .take_graph()
                    .ok_or_else(|| SimulateError::Write {
                        file: file.display().to_string(),
                        source: std::io::Error::other("the simulation kept no graph"),
                    })?
            }
        };
        let dot = to_dot(&graph, &DotOptions::default(), |_, id| id.to_string());
        std::fs::write(file, dot).map_err(|source| SimulateError::Write {
            file: file.display().to_string(),
            source,
        })?;
    }

    if args.json {
        Ok(serde_json::to_string_pretty(&report)?)
    } else {
        Ok(render_text(&report))
    }
}

/// The ensemble as one object: the first run's parameters, the means of the scalar metrics
/// and of each histogram entry, `ci95` (half-widths of the 95 % intervals) and `estimates`
/// (mean, standard deviation and half-width per metric).
fn ensemble_json(ensemble: &EnsembleReport, elapsed: f64) -> Result<Value, SimulateError> {
    let reports = &ensemble.reports;
    let first: &SimReport = &reports[0];
    let mut map = Map::new();
    map.insert("transactions".to_owned(), json!(first.transactions));
    map.insert("tip_selection".to_owned(), json!(first.tip_selection));
    map.insert("lambda".to_owned(), json!(first.lambda));
    map.insert("delay".to_owned(), json!(first.delay));
    map.insert("parents".to_owned(), json!(first.parents));
    map.insert("runs".to_owned(), json!(ensemble.runs));
    map.insert("seed".to_owned(), json!(ensemble.seed));
    map.insert("warmup".to_owned(), json!(first.warmup));
    map.insert("orphan_horizon".to_owned(), json!(first.orphan_horizon));
    let mut ci95 = Map::new();
    for (name, estimate) in &ensemble.estimates {
        map.insert((*name).to_owned(), json!(estimate.mean));
        ci95.insert((*name).to_owned(), json!(estimate.ci95));
    }
    let bins = reports
        .iter()
        .map(|r| r.approvers_histogram.len())
        .max()
        .unwrap_or(0);
    let histogram: Vec<f64> = (0..bins)
        .map(|n| {
            reports
                .iter()
                .map(|r| r.approvers_histogram.get(n).copied().unwrap_or(0.0))
                .sum::<f64>()
                / reports.len() as f64
        })
        .collect();
    map.insert("approvers_histogram".to_owned(), json!(histogram));
    map.insert("ci95".to_owned(), Value::Object(ci95));
    map.insert(
        "estimates".to_owned(),
        serde_json::to_value(&ensemble.estimates)?,
    );
    map.insert("elapsed_seconds".to_owned(), json!(elapsed));
    Ok(Value::Object(map))
}

fn render_text(report: &Value) -> String {
    let number = |key: &str| report[key].as_f64().unwrap_or(f64::NAN);
    let runs = report["runs"].as_u64().unwrap_or(1);
    let metric = |key: &str| match report["ci95"][key].as_f64() {
        Some(ci) => format!("{:.4} ± {ci:.4} (95 % CI)", number(key)),
        None => format!("{:.4}", number(key)),
    };
    let mut out = Vec::new();
    out.push(format!(
        "tip selection {}: λ = {}, h = {}, k = {}, {} transactions, {} run{}, seed {}",
        report["tip_selection"].as_str().unwrap_or_default(),
        number("lambda"),
        number("delay"),
        report["parents"],
        report["transactions"],
        runs,
        if runs == 1 { "" } else { "s" },
        report["seed"],
    ));
    let mut tips = format!("mean tips:                {}", metric("mean_tips"));
    if report["tip_selection"] == "urts" && report["parents"] == 2 {
        // The whitepaper's stationary tip count, for comparison.
        tips.push_str(&format!(
            "  (whitepaper: L₀ ≈ 2λh = {})",
            2.0 * number("lambda") * number("delay")
        ));
    }
    out.push(tips);
    out.push(format!(
        "mean global tips:         {}",
        metric("mean_global_tips")
    ));
    out.push(format!(
        "mean first approval time: {}",
        metric("mean_first_approval_time")
    ));
    out.push(format!(
        "orphan rate:              {}  (horizon {})",
        metric("orphan_rate"),
        number("orphan_horizon"),
    ));
    let histogram: Vec<String> = report["approvers_histogram"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(n, share)| format!("{n}: {:.2} %", 100.0 * share.as_f64().unwrap_or(f64::NAN)))
        .collect();
    out.push(format!(
        "direct approvers:         {}",
        histogram.join(", ")
    ));
    let elapsed = number("elapsed_seconds");
    out.push(format!(
        "elapsed: {elapsed:.3} s ({:.0} transactions per second)",
        number("transactions") * runs as f64 / elapsed
    ));
    out.join("\n")
}
