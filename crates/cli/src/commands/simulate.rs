//! `tangle simulate`: runs the discrete-event Tangle simulator (`tangle::sim`, the whitepaper's
//! model: Poisson arrivals of rate λ, visibility delay h, k parents) with one of the graph
//! crate's tip selectors, and prints the metrics: a readable summary, or one JSON object.
//!
//! With `--runs R > 1` the runs use seeds derived from `--seed` and run in parallel; the scalar
//! metrics are then the ensemble means, each with its 95 % confidence interval.
//!
//! `--scenario` runs an attack instead (parasite chain, tip spam, splitting; see the
//! `tangle_sim` crate docs); `--out DIR` writes CSV series and SVG plots; a progress bar on
//! stderr appears for work lasting over a second when stderr is a terminal (never with
//! `--quiet`).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value, json};
use tangle::graph::dot::{DotOptions, to_dot};
use tangle::graph::rand_core::RngCore;
use tangle::graph::select::{
    EIota, Hps, Hybrid, MaxAge, Mcmc, Rurts, SelectError, Selection, TipRequest, TipSelector, Urts,
    Urw, WalkStart,
};
use tangle::graph::window::MIN_WINDOW;
use tangle::sim::output::{self, OutputError};
use tangle::sim::{
    EnsembleReport, Estimate, MetricsConfig, ParasiteChain, ParasiteShape, Scenario,
    ScenarioEnsemble, ScenarioReport, SimConfig, SimError, SimReport, SimTangle, Simulation,
    Splitting, TICKS_PER_UNIT, TipSpam, derive_seed,
};

/// The attack scenarios `--scenario` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScenarioName {
    /// Parasite-chain double spend: the attacker builds a hidden chain from an old transaction
    /// (double-spending the honest payment issued at the end of the warm-up), then releases it.
    ParasiteChain,
    /// Tip spam / lazy tips: a share of the arrivals approves old transactions.
    TipSpam,
    /// Splitting: the attacker keeps two conflicting branches balanced.
    Splitting,
}

/// The parasite shapes `--parasite-shape` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ShapeName {
    /// Member j approves member ⌊(j−1)/2⌋: a binary tree, half of it tips at the release.
    Tree,
    /// Member j approves member j − 1: one line with a single tip.
    Chain,
}

/// The tip-selection algorithms `--tip-selection` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Algorithm {
    /// Uniform random tip selection.
    Urts,
    /// URTS restricted to tips at most `--max-age` old.
    Rurts,
    /// Unweighted random walk from `--walk-depth` (or `--walk-behind`) below the tips.
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
    /// Transactions issued per run, N (a cap for --scenario parasite-chain, which ends with its
    /// evaluation window).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    transactions: u64,
    /// Warm-up cut: transactions ignored by the metrics, and after which an attack starts
    /// (default N/5).
    #[arg(long, value_name = "N")]
    warmup: Option<u64>,
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
    /// Walk start counted in transactions instead of edges: parent steps down from a uniformly
    /// drawn tip until the tip is at least the N-th transaction after the start (replaces
    /// `--walk-depth`).
    #[arg(long, value_name = "N", conflicts_with = "walk_depth")]
    walk_behind: Option<u32>,
    /// Keep the exact cumulative weights of weighted selectors by a window of the newest W
    /// transactions instead of checkpoints (0: checkpoints; W is rounded up to a power of two,
    /// at most 65,536, and its rows take W²/8 bytes). Default: a window of twice
    /// `--walk-behind` when that is at most 16,384, checkpoints otherwise.
    #[arg(long, value_name = "W")]
    weight_window: Option<u32>,
    /// Maximum tip age Δ of rurts, in time units (default 5·h + 10/λ).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    max_age: Option<f64>,
    /// Window of hps: the newest vertices whose coverage is compared.
    #[arg(long, value_name = "N", default_value_t = 256)]
    hps_window: u32,
    /// Write a Graphviz picture of the newest 200 transactions of the (first) run to FILE.
    #[arg(long, value_name = "FILE")]
    export_dot: Option<PathBuf>,
    /// Weight threshold W of the confirmation latency (time until the cumulative weight of a
    /// sampled transaction reaches W).
    #[arg(long, value_name = "W", default_value_t = 100)]
    confirmation_weight: u64,
    /// Confidence threshold θ of the confirmation latency (time until a share θ of the tips
    /// approves a sampled transaction), in (0, 1].
    #[arg(
        long,
        value_name = "THETA",
        default_value_t = 0.95,
        allow_negative_numbers = true
    )]
    confirmation_confidence: f64,
    /// Transactions sampled for the cumulative-weight growth and the confirmation latency.
    #[arg(long, value_name = "S", default_value_t = 100)]
    cw_samples: u32,
    /// Also measure the confirmation latency by the confidence of the selector under test:
    /// N selections per check of each sampled transaction during the run (0 = off).
    #[arg(long, value_name = "N", default_value_t = 0)]
    confidence_selections: u32,
    /// Run an attack scenario instead of the plain model.
    #[arg(long, value_enum)]
    scenario: Option<ScenarioName>,
    /// Attacker's share q of the arrivals during its attack, in [0, 1).
    #[arg(
        long,
        value_name = "Q",
        default_value_t = 0.2,
        allow_negative_numbers = true
    )]
    attacker_share: f64,
    /// parasite-chain: time the chain is built in secret (default 20·h + 40/λ).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    hide_time: Option<f64>,
    /// parasite-chain: age of the old transaction the double spend approves (default 2·h + 5/λ).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    root_age: Option<f64>,
    /// parasite-chain: how the hidden transactions approve each other.
    #[arg(long, value_enum, default_value_t = ShapeName::Tree)]
    parasite_shape: ShapeName,
    /// parasite-chain: evaluation window after the release (default 10·h + 20/λ); the attacker
    /// wins if more honest transactions of its second half approve the double spend than the
    /// payment.
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    eval_time: Option<f64>,
    /// tip-spam: lazy transactions approve transactions between 2·T and T old (default
    /// 5·h + 10/λ).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    lazy_age: Option<f64>,
    /// splitting: the split ends when the branches' weights differ by more than G (default
    /// 2·λ·h + 10).
    #[arg(long, value_name = "G", allow_negative_numbers = true)]
    split_gap: Option<f64>,
    /// Write CSV series and SVG plots of the (first) run into DIR: tips.csv/svg,
    /// cw_growth.csv/svg, approval_time.csv/svg, approvers.csv (a scenario: tips.csv/svg).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
    /// Print nothing on stderr but errors (no progress bar).
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
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("--export-dot is not available with --scenario")]
    DotWithScenario,
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

/// E-IOTA's mixture: α = 0 with this probability, …
const EIOTA_P_ZERO: f64 = 0.1;
/// … `--alpha` with this one, …
const EIOTA_P_LOW: f64 = 0.65;
/// … otherwise this multiple of `--alpha`.
const EIOTA_HIGH: f64 = 10.0;

/// Δ of RURTS: `--max-age`, or 5·h + 10/λ.
fn rurts_max_age(args: &SimulateArgs) -> f64 {
    args.max_age
        .unwrap_or(5.0 * args.delay + 10.0 / args.lambda)
}

/// Largest window chosen without `--weight-window` (rows of 2 KiB, 32 MiB in all).
const AUTO_WINDOW_MAX: u32 = 16_384;

/// The weight window of a weighted selector: `--weight-window`, else one of twice the walk's
/// `--walk-behind` (a recent tip is at most that far behind the newest transaction and the
/// walk enters that far below it), else 0 (checkpoints: a walk entering `--walk-depth` edges
/// deep reads weights arbitrarily far back).
fn weight_window(args: &SimulateArgs) -> u32 {
    if !args.tip_selection.weighted() {
        return 0;
    }
    match (args.weight_window, args.walk_behind) {
        (Some(w), _) => w,
        (None, Some(n)) => match n.checked_mul(2).and_then(u32::checked_next_power_of_two) {
            Some(w) if w <= AUTO_WINDOW_MAX => w.max(MIN_WINDOW),
            _ => 0, // too deep for a window: checkpoints
        },
        (None, None) => 0,
    }
}

/// The parameters of the tip selection a report needs to be reproduced (the option names of
/// the command line): α and the walk start of the walks, Δ of RURTS, the window of HPS.
fn selector_parameters(args: &SimulateArgs) -> Map<String, Value> {
    let mut map = Map::new();
    let walk_start = |map: &mut Map<String, Value>| {
        match args.walk_behind {
            Some(n) => map.insert("walk_behind".to_owned(), json!(n)),
            None => map.insert("walk_depth".to_owned(), json!(args.walk_depth)),
        };
        let window = weight_window(args);
        if window > 0 {
            map.insert("weight_window".to_owned(), json!(window));
        }
    };
    match args.tip_selection {
        Algorithm::Urts => {}
        Algorithm::Rurts => {
            map.insert("max_age".to_owned(), json!(rurts_max_age(args)));
        }
        Algorithm::Urw => {
            walk_start(&mut map);
        }
        Algorithm::Mcmc | Algorithm::Hybrid => {
            map.insert("alpha".to_owned(), json!(args.alpha));
            walk_start(&mut map);
        }
        Algorithm::Eiota => {
            // The mixture `selector` builds: α = 0, α, 10·α with these probabilities.
            map.insert("alpha".to_owned(), json!(args.alpha));
            map.insert(
                "alpha_mixture".to_owned(),
                json!([
                    [EIOTA_P_ZERO, 0.0],
                    [EIOTA_P_LOW, args.alpha],
                    [1.0 - EIOTA_P_ZERO - EIOTA_P_LOW, EIOTA_HIGH * args.alpha]
                ]),
            );
            walk_start(&mut map);
        }
        Algorithm::Hps => {
            map.insert("hps_window".to_owned(), json!(args.hps_window));
        }
    }
    map
}

/// Adds `tip_selection_parameters` to a report object.
fn with_parameters(mut report: Value, args: &SimulateArgs) -> Value {
    if let Value::Object(map) = &mut report {
        map.insert(
            "tip_selection_parameters".to_owned(),
            Value::Object(selector_parameters(args)),
        );
    }
    report
}

/// `" (alpha = 0.01, walk_depth = 100)"`, or nothing without parameters.
fn parameters_text(report: &Value) -> String {
    match report["tip_selection_parameters"].as_object() {
        Some(map) if !map.is_empty() => {
            let items: Vec<String> = map.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!(" ({})", items.join(", "))
        }
        _ => String::new(),
    }
}

fn selector(args: &SimulateArgs) -> Result<AnySelector, SimulateError> {
    let start = match args.walk_behind {
        Some(n) => WalkStart::Behind(n),
        None => WalkStart::Depth(args.walk_depth),
    };
    Ok(match args.tip_selection {
        Algorithm::Urts => AnySelector::Urts(Urts),
        Algorithm::Rurts => {
            let delta = rurts_max_age(args);
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
            EIOTA_P_ZERO,
            EIOTA_P_LOW,
            args.alpha,
            EIOTA_HIGH * args.alpha,
            start,
        )?),
        Algorithm::Hps => AnySelector::Hps(Hps::new(args.hps_window)?),
    })
}

/// A progress bar on stderr, drawn only when stderr is a terminal, `--quiet` is off and the
/// work has lasted a second; it is fed by the simulator's progress callback.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(total: u64, quiet: bool) -> (Self, Option<tangle::sim::Progress>) {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {percent:>3}% {human_pos}/{human_len} tx, eta {eta}",
        ) {
            bar.set_style(style);
        }
        if quiet || !std::io::stderr().is_terminal() {
            return (Bar { bar }, None);
        }
        let started = Instant::now();
        let shown = Arc::new(AtomicBool::new(false));
        let handle = bar.clone();
        let progress: tangle::sim::Progress = Arc::new(move |done| {
            handle.inc(done);
            if !shown.load(Ordering::Relaxed) && started.elapsed() >= Duration::from_secs(1) {
                shown.store(true, Ordering::Relaxed);
                handle.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        (Bar { bar }, Some(progress))
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

fn scenario(args: &SimulateArgs, name: ScenarioName) -> Scenario {
    let share = args.attacker_share;
    match name {
        ScenarioName::ParasiteChain => Scenario::ParasiteChain(ParasiteChain {
            share,
            root_age: args.root_age,
            hide_time: args.hide_time,
            eval_time: args.eval_time,
            shape: match args.parasite_shape {
                ShapeName::Tree => ParasiteShape::Tree,
                ShapeName::Chain => ParasiteShape::Chain,
            },
        }),
        ScenarioName::TipSpam => Scenario::TipSpam(TipSpam {
            share,
            lazy_age: args.lazy_age,
        }),
        ScenarioName::Splitting => Scenario::Splitting(Splitting {
            share,
            gap: args.split_gap,
        }),
    }
}

fn write_error(dir: &Path, source: std::io::Error) -> SimulateError {
    SimulateError::Write {
        file: dir.display().to_string(),
        source,
    }
}

pub(crate) fn run(args: SimulateArgs) -> Result<String, SimulateError> {
    if args.runs == 0 {
        return Err(SimulateError::ZeroRuns);
    }
    if args.threads == Some(0) {
        return Err(SimulateError::ZeroThreads);
    }
    if args.scenario.is_some() && args.export_dot.is_some() {
        return Err(SimulateError::DotWithScenario);
    }
    let mut config = SimConfig::new(args.lambda, args.delay, args.parents, args.transactions);
    config.cumulative_weight = args.tip_selection.weighted();
    config.weight_window = weight_window(&args);
    config.tip_selection = args.tip_selection.name().to_owned();
    if let Some(warmup) = args.warmup {
        config.warmup = warmup;
    }
    let metrics = MetricsConfig {
        samples: args.cw_samples,
        confirmation_weight: args.confirmation_weight,
        confirmation_confidence: args.confirmation_confidence,
        selector_confidence: args.confidence_selections,
        series: args.out.is_some(),
        ..MetricsConfig::default()
    };
    let simulation = Simulation::new(config)?.with_metrics(metrics)?;
    let prototype = selector(&args)?;
    let work = u64::from(args.runs).saturating_mul(args.transactions);
    let (bar, progress) = Bar::new(work, args.quiet);
    let simulation = match progress {
        Some(progress) => simulation.with_progress(progress),
        None => simulation,
    };
    let threads = args.threads.unwrap_or(0);

    if let Some(name) = args.scenario {
        let scenario = scenario(&args, name);
        let started = Instant::now();
        let (report, tips) = if args.runs == 1 {
            let report = simulation.run_scenario(&scenario, &mut prototype.clone(), args.seed)?;
            let mut json = serde_json::to_value(&report)?;
            if let Value::Object(map) = &mut json {
                map.insert("runs".to_owned(), json!(1));
                if let Some(success) = outcome_success(&report) {
                    map.insert("success_rate".to_owned(), json!(success));
                }
            }
            (json, report.tips)
        } else {
            let ensemble = simulation.run_scenario_ensemble(
                &scenario,
                || prototype.clone(),
                args.runs,
                args.seed,
                threads,
            )?;
            let json = scenario_json(&ensemble, started.elapsed().as_secs_f64())?;
            let tips = ensemble
                .reports
                .into_iter()
                .next()
                .map(|r| r.tips)
                .unwrap_or_default();
            (json, tips)
        };
        drop(bar);
        let report = with_parameters(report, &args);
        if let Some(dir) = &args.out {
            std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
            output::write_tips(dir, &tips)?;
        }
        return if args.json {
            Ok(serde_json::to_string_pretty(&report)?)
        } else {
            Ok(render_scenario_text(&report))
        };
    }

    let (report, first) = if args.runs == 1 {
        let report = simulation.run(&mut prototype.clone(), args.seed)?;
        let mut json = serde_json::to_value(&report)?;
        if let Value::Object(map) = &mut json {
            map.insert("runs".to_owned(), json!(1));
            for (key, value) in summary_metrics(&report) {
                map.insert(key.to_owned(), json!(value));
            }
        }
        (json, report)
    } else {
        let started = std::time::Instant::now();
        let ensemble =
            simulation.run_ensemble(|| prototype.clone(), args.runs, args.seed, threads)?;
        let json = ensemble_json(&ensemble, started.elapsed().as_secs_f64())?;
        let first = ensemble
            .reports
            .into_iter()
            .next()
            .ok_or(SimulateError::ZeroRuns)?;
        (json, first)
    };
    drop(bar);
    let report = with_parameters(report, &args);

    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        output::write_csv(dir, &first)?;
        tangle_sim::output::write_plots(dir, &first)?;
    }

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

/// Scalar summaries of the sampled-transaction metrics, under the keys the ensemble's
/// estimates use (so that single runs and ensembles read alike).
fn summary_metrics(report: &SimReport) -> [(&'static str, Option<f64>); 5] {
    let g = &report.cumulative_weight_growth;
    let c = &report.confirmation;
    [
        ("cw_slope", g.slope),
        ("cw_adaptation_time", g.adaptation_time),
        ("confirmation_latency_weight", c.mean_latency_weight),
        ("confirmation_latency_confidence", c.mean_latency_confidence),
        (
            "confirmation_latency_selector_confidence",
            c.mean_latency_selector_confidence,
        ),
    ]
}

/// 1 if the parasite chain won, 0 if not, `None` for the other scenarios.
fn outcome_success(report: &ScenarioReport) -> Option<f64> {
    match report.outcome {
        tangle::sim::Outcome::ParasiteChain { success, .. } => {
            Some(if success { 1.0 } else { 0.0 })
        }
        _ => None,
    }
}

/// A scenario ensemble as one object: the first run's parameters, the mean of each estimate
/// (`success_rate` for a parasite chain), `ci95` and `estimates`.
fn scenario_json(ensemble: &ScenarioEnsemble, elapsed: f64) -> Result<Value, SimulateError> {
    let first = &ensemble.reports[0];
    let mut map = Map::new();
    map.insert("scenario".to_owned(), json!(first.scenario));
    map.insert(
        "parameters".to_owned(),
        serde_json::to_value(first.parameters)?,
    );
    map.insert("tip_selection".to_owned(), json!(first.tip_selection));
    map.insert("lambda".to_owned(), json!(first.lambda));
    map.insert("delay".to_owned(), json!(first.delay));
    map.insert("parents".to_owned(), json!(first.parents));
    map.insert("runs".to_owned(), json!(ensemble.runs));
    map.insert("seed".to_owned(), json!(ensemble.seed));
    let success_rate = ensemble
        .estimates
        .get("success")
        .map(|success| ("success_rate", json!(success.mean)));
    insert_estimates(&mut map, &ensemble.estimates, success_rate, elapsed)?;
    Ok(Value::Object(map))
}

fn render_scenario_text(report: &Value) -> String {
    let number = |key: &str| report[key].as_f64().unwrap_or(f64::NAN);
    let runs = report["runs"].as_u64().unwrap_or(1);
    let metric = |key: &str| match report["ci95"][key].as_f64() {
        Some(ci) => format!("{:.4} ± {ci:.4} (95 % CI)", number(key)),
        None => format!("{:.4}", number(key)),
    };
    let mut out = vec![format!(
        "scenario {} against {}{}: q = {}, λ = {}, h = {}, k = {}, {} run{}, seed {}",
        report["scenario"].as_str().unwrap_or_default(),
        report["tip_selection"].as_str().unwrap_or_default(),
        parameters_text(report),
        report["parameters"]
            .as_object()
            .and_then(|p| p.values().next())
            .map_or(f64::NAN, |p| p["share"].as_f64().unwrap_or(f64::NAN)),
        number("lambda"),
        number("delay"),
        report["parents"],
        runs,
        if runs == 1 { "" } else { "s" },
        report["seed"],
    )];
    out.push(format!("mean tips:                {}", metric("mean_tips")));
    out.push(format!(
        "final tips:               {}",
        metric("final_tips")
    ));
    out.push(format!(
        "honest orphan rate:       {}",
        metric("honest_orphan_rate")
    ));
    out.push(format!(
        "attacker orphan rate:     {}",
        metric("attacker_orphan_rate")
    ));
    if runs == 1
        && let Some((name, fields)) = report["outcome"].as_object().and_then(|o| o.iter().next())
    {
        let fields: Vec<String> = fields
            .as_object()
            .map(|f| f.iter().map(|(k, v)| format!("{k} = {v}")).collect())
            .unwrap_or_default();
        out.push(format!(
            "outcome ({}):{}{}",
            name.replace('_', " "),
            " ".repeat(16usize.saturating_sub(name.len())),
            fields.join(", ")
        ));
    }
    if report.get("success_rate").is_some() {
        out.push(format!(
            "attack success rate:      {:.4}",
            number("success_rate")
        ));
    }
    if runs > 1 {
        for key in ["survival_time", "honest_approving_lazy"] {
            if report.get(key).is_some() {
                out.push(format!(
                    "{:<26}{}",
                    format!("{}:", key.replace('_', " ")),
                    metric(key)
                ));
            }
        }
    }
    out.push(format!("elapsed: {:.3} s", number("elapsed_seconds")));
    out.join("\n")
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
    map.insert(
        "confirmation".to_owned(),
        json!({
            "weight_threshold": first.confirmation.weight_threshold,
            "confidence_threshold": first.confirmation.confidence_threshold,
            "selector_confidence_selections": first.confirmation.selector_confidence_selections,
        }),
    );
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
    insert_estimates(
        &mut map,
        &ensemble.estimates,
        Some(("approvers_histogram", json!(histogram))),
        elapsed,
    )?;
    Ok(Value::Object(map))
}

/// Appends the shared tail of a JSON report, in this order: the mean of each estimate under
/// its own name, `extra` (if any), `ci95` (the half-widths of the 95 % intervals), the full
/// `estimates` and `elapsed_seconds`.
fn insert_estimates(
    map: &mut Map<String, Value>,
    estimates: &BTreeMap<&'static str, Estimate>,
    extra: Option<(&str, Value)>,
    elapsed: f64,
) -> Result<(), SimulateError> {
    let mut ci95 = Map::new();
    for (name, estimate) in estimates {
        map.insert((*name).to_owned(), json!(estimate.mean));
        ci95.insert((*name).to_owned(), json!(estimate.ci95));
    }
    if let Some((key, value)) = extra {
        map.insert(key.to_owned(), value);
    }
    map.insert("ci95".to_owned(), Value::Object(ci95));
    map.insert("estimates".to_owned(), serde_json::to_value(estimates)?);
    map.insert("elapsed_seconds".to_owned(), json!(elapsed));
    Ok(())
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
        "tip selection {}{}: λ = {}, h = {}, k = {}, {} transactions, {} run{}, seed {}",
        report["tip_selection"].as_str().unwrap_or_default(),
        parameters_text(report),
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
    out.push(format!(
        "cumulative weight:        slope {} per time unit, adaptation phase until age {}",
        metric("cw_slope"),
        metric("cw_adaptation_time"),
    ));
    out.push(format!(
        "confirmation latency:     weight ≥ {}: {}; confidence ≥ {}: {}",
        report["confirmation"]["weight_threshold"],
        metric("confirmation_latency_weight"),
        report["confirmation"]["confidence_threshold"],
        metric("confirmation_latency_confidence"),
    ));
    if report["confirmation"]["selector_confidence_selections"].as_u64() > Some(0) {
        out.push(format!(
            "                          selector confidence ≥ {} ({} selections per check): {}",
            report["confirmation"]["confidence_threshold"],
            report["confirmation"]["selector_confidence_selections"],
            metric("confirmation_latency_selector_confidence"),
        ));
    }
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
    if let Some(window) = report["weight_window"].as_object() {
        out.push(format!(
            "weight window:            {} transactions; {} weights read from older ones (each a \
             future-cone search)",
            window["size"], window["cone_searches"],
        ));
    }
    let elapsed = number("elapsed_seconds");
    out.push(format!(
        "elapsed: {elapsed:.3} s ({:.0} transactions per second)",
        number("transactions") * runs as f64 / elapsed
    ));
    out.join("\n")
}
