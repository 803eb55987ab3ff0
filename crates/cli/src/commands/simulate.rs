//! `tangle simulate`: runs the discrete-event Tangle simulator (`tangle::sim`, the whitepaper's
//! model: Poisson arrivals of rate λ, visibility delay h, k parents) with one of the graph
//! crate's tip selectors, and prints the metrics: a readable summary, or one JSON object.
//!
//! With `--runs R > 1` the runs use seeds derived from `--seed` and run in parallel; the scalar
//! metrics are then the ensemble means, each with its 95 % confidence interval.
//!
//! `--shard K/N` runs only shard K of the N into which the `--runs` ensemble is split (the same
//! seeds), and prints its running totals as JSON; `tangle simulate merge FILES…` adds the
//! shards' totals and prints the report one machine would have printed.
//!
//! The selector (`tangle::sim::SelectorSpec`), the ensembles' totals and the report's text and
//! JSON (`tangle::sim::Summary`) come from the simulator library; this module maps options and
//! draws the progress bar.
//!
//! `--scenario` runs an attack instead (parasite chain, tip spam, splitting; see the
//! `tangle::sim` docs); `--out DIR` writes CSV series and SVG plots; a progress bar on
//! stderr appears for work lasting over a second when stderr is a terminal (never with
//! `--quiet`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};

use crate::args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tangle::graph::dot::{DotOptions, to_dot};
use tangle::graph::select::SelectError;
use tangle::sim::output::{self, OutputError};
use tangle::sim::{
    EnsembleTotals, MAX_SELECTOR_CONFIDENCE, MetricsConfig, ParasiteChain, ParasiteShape, Scenario,
    SelectorSpec, Shard, ShardError, SimConfig, SimError, Simulation, SpecError, Splitting,
    Summary, TipSpam, derive_seed,
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
    /// The simulator's name for the algorithm.
    fn library(self) -> tangle::sim::Algorithm {
        use tangle::sim::Algorithm as A;
        match self {
            Algorithm::Urts => A::Urts,
            Algorithm::Rurts => A::Rurts,
            Algorithm::Urw => A::Urw,
            Algorithm::Mcmc => A::Mcmc,
            Algorithm::Hybrid => A::Hybrid,
            Algorithm::Eiota => A::Eiota,
            Algorithm::Hps => A::Hps,
        }
    }
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct SimulateArgs {
    #[command(subcommand)]
    command: Option<SimulateCommand>,
    /// The tip-selection algorithm.
    #[arg(long, value_enum, required = true)]
    tip_selection: Option<Algorithm>,
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
    #[arg(long, value_name = "K", default_value_t = 2, allow_negative_numbers = true, value_parser = args::unsigned_usize)]
    parents: usize,
    /// Transactions issued per run, N (a cap for --scenario parasite-chain, which ends with its
    /// evaluation window).
    #[arg(long, value_name = "N", default_value_t = 100_000, allow_negative_numbers = true, value_parser = args::unsigned_64)]
    transactions: u64,
    /// Warm-up cut: transactions ignored by the metrics, and after which an attack starts
    /// (default N/5).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = args::unsigned_64)]
    warmup: Option<u64>,
    /// Runs R; with R > 1 their seeds derive from `--seed` and the metrics are ensemble means
    /// with 95 % confidence intervals.
    #[arg(long, value_name = "R", default_value_t = 1, allow_negative_numbers = true, value_parser = args::unsigned_32)]
    runs: u32,
    /// Run only shard K of N of the `--runs` ensemble (runs ⌊(K−1)R/N⌋ to ⌊KR/N⌋ − 1, with the
    /// seeds of the whole ensemble) and print its running totals as JSON, for
    /// `tangle simulate merge` (e.g. one Slurm array task per shard: `--array=1-N`,
    /// `--shard $SLURM_ARRAY_TASK_ID/N`).
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Seed (of the run, or of the ensemble).
    #[arg(long, value_name = "S", default_value_t = 1, allow_negative_numbers = true, value_parser = args::unsigned_64)]
    seed: u64,
    /// Worker threads of an ensemble (default: every available core).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = args::thread_count)]
    threads: Option<usize>,
    /// Walk start depth of urw, mcmc, hybrid and eiota: edges below a uniformly drawn tip.
    #[arg(long, value_name = "D", default_value_t = 100, allow_negative_numbers = true, value_parser = args::unsigned_32)]
    walk_depth: u32,
    /// Walk start counted in transactions instead of edges: parent steps down from a uniformly
    /// drawn tip until the tip is at least the N-th transaction after the start (replaces
    /// `--walk-depth`).
    #[arg(long, value_name = "N", conflicts_with = "walk_depth", allow_negative_numbers = true, value_parser = args::unsigned_32)]
    walk_behind: Option<u32>,
    /// Keep the exact cumulative weights of weighted selectors by a window of the newest W
    /// transactions instead of checkpoints (0: checkpoints; W is rounded up to a power of two,
    /// at most 65,536, and its rows take W²/8 bytes). Default: a window of twice
    /// `--walk-behind` when that is at most 16,384, checkpoints otherwise.
    #[arg(long, value_name = "W", allow_negative_numbers = true, value_parser = args::unsigned_32)]
    weight_window: Option<u32>,
    /// Maximum tip age Δ of rurts, in time units (default 5·h + 10/λ).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    max_age: Option<f64>,
    /// Window of hps: the newest vertices whose coverage is compared.
    #[arg(long, value_name = "N", default_value_t = 256, allow_negative_numbers = true, value_parser = args::unsigned_32)]
    hps_window: u32,
    /// Write a Graphviz picture of the newest 200 transactions of the (first) run to FILE.
    #[arg(long, value_name = "FILE")]
    export_dot: Option<PathBuf>,
    /// Weight threshold W of the confirmation latency (time until the cumulative weight of a
    /// sampled transaction reaches W).
    #[arg(long, value_name = "W", default_value_t = 100, allow_negative_numbers = true, value_parser = args::unsigned_64)]
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
    #[arg(long, value_name = "S", default_value_t = 100, allow_negative_numbers = true, value_parser = args::unsigned_32)]
    cw_samples: u32,
    /// Also measure the confirmation latency by the confidence of the selector under test:
    /// N selections per check of each sampled transaction during the run (0 = off; at most
    /// 100000).
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = args::unsigned_32)]
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

/// `tangle simulate merge`.
#[derive(Debug, Subcommand)]
pub(crate) enum SimulateCommand {
    /// Add the running totals of the shards of one ensemble (the outputs of
    /// `simulate --shard K/N`) and print the report one machine would have printed.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The shards' totals, one file per shard, every shard of the ensemble once.
    #[arg(value_name = "FILES", required = true)]
    files: Vec<PathBuf>,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
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
    #[error(
        "--confidence-selections must be at most {MAX_SELECTOR_CONFIDENCE} (selections per \
         check of each sampled transaction), got {0}"
    )]
    ConfidenceSelections(u32),
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
    #[error("--out and --export-dot are not available with --shard (merge the shards first)")]
    OutputWithShard,
    #[error("--tip-selection is required")]
    NoAlgorithm,
    #[error("{0}")]
    Shard(#[from] ShardError),
    #[error("tip selection: {0}")]
    Spec(SpecError),
    #[error("could not read {file}: {reason}")]
    Read { file: String, reason: String },
}

impl From<SpecError> for SimulateError {
    fn from(error: SpecError) -> Self {
        match error {
            SpecError::MaxAge(delta) => SimulateError::MaxAge(delta),
            SpecError::Select(e) => SimulateError::Select(e),
            other => SimulateError::Spec(other),
        }
    }
}

/// The selector the options describe.
fn selector_spec(args: &SimulateArgs, algorithm: Algorithm) -> SelectorSpec {
    SelectorSpec {
        alpha: args.alpha,
        walk_depth: args.walk_depth,
        walk_behind: args.walk_behind,
        weight_window: args.weight_window,
        max_age: args.max_age,
        hps_window: args.hps_window,
        ..SelectorSpec::new(algorithm.library())
    }
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
    if let Some(SimulateCommand::Merge(merge_args)) = &args.command {
        return merge(merge_args);
    }
    let algorithm = args.tip_selection.ok_or(SimulateError::NoAlgorithm)?;
    if args.runs == 0 {
        return Err(SimulateError::ZeroRuns);
    }
    if args.threads == Some(0) {
        return Err(SimulateError::ZeroThreads);
    }
    if args.confidence_selections > MAX_SELECTOR_CONFIDENCE {
        return Err(SimulateError::ConfidenceSelections(
            args.confidence_selections,
        ));
    }
    if args.scenario.is_some() && args.export_dot.is_some() {
        return Err(SimulateError::DotWithScenario);
    }
    if args.shard.is_some() && (args.out.is_some() || args.export_dot.is_some()) {
        return Err(SimulateError::OutputWithShard);
    }
    let spec = selector_spec(&args, algorithm);
    let mut config = SimConfig::new(args.lambda, args.delay, args.parents, args.transactions);
    spec.configure(&mut config);
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
    let prototype = spec.build(args.lambda, args.delay)?;
    if let Some(shard) = args.shard
        && shard.count() > args.runs
    {
        return Err(ShardError::TooManyShards {
            count: shard.count(),
            runs: args.runs,
        }
        .into());
    }
    let shard_runs = args.shard.unwrap_or(Shard::WHOLE).runs(args.runs).len() as u64;
    let work = shard_runs.saturating_mul(args.transactions);
    let (bar, progress) = Bar::new(work, args.quiet);
    let simulation = match progress {
        Some(progress) => simulation.with_progress(progress),
        None => simulation,
    };
    let threads = args.threads.unwrap_or(0);
    let ensemble = args.runs > 1 || args.shard.is_some();
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let finish = |totals| ensemble_output(totals, &spec, args.shard.is_some());

    if let Some(name) = args.scenario {
        let scenario = scenario(&args, name);
        let (summary, tips) = if ensemble {
            let shard_run = simulation.run_scenario_shard(
                &scenario,
                || prototype.clone(),
                args.runs,
                args.seed,
                shard,
                threads,
            )?;
            match finish(shard_run.totals)? {
                EnsembleOutput::Report(summary) => (summary, shard_run.first.tips),
                EnsembleOutput::Partial(totals) => return Ok(totals),
            }
        } else {
            let report = simulation.run_scenario(&scenario, &mut prototype.clone(), args.seed)?;
            (Summary::scenario(&report, Some(&spec)), report.tips)
        };
        drop(bar);
        if let Some(dir) = &args.out {
            std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
            output::write_tips(dir, &tips)?;
        }
        return print(&summary, args.json);
    }

    let (summary, first) = if ensemble {
        let shard_run = simulation.run_ensemble_shard(
            || prototype.clone(),
            args.runs,
            args.seed,
            shard,
            threads,
        )?;
        match finish(shard_run.totals)? {
            EnsembleOutput::Report(summary) => (summary, shard_run.first),
            EnsembleOutput::Partial(totals) => return Ok(totals),
        }
    } else {
        let report = simulation.run(&mut prototype.clone(), args.seed)?;
        (Summary::run(&report, Some(&spec)), report)
    };
    drop(bar);

    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        output::write_csv(dir, &first)?;
        tangle::sim::output::write_plots(dir, &first)?;
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

    print(&summary, args.json)
}

/// What an ensemble prints: a shard its running totals (JSON, for `simulate merge`), the whole
/// ensemble its report.
enum EnsembleOutput {
    Partial(String),
    Report(Summary),
}

fn ensemble_output(
    mut totals: EnsembleTotals,
    spec: &SelectorSpec,
    shard: bool,
) -> Result<EnsembleOutput, SimulateError> {
    totals.selector = Some(spec.clone());
    Ok(if shard {
        EnsembleOutput::Partial(serde_json::to_string_pretty(&totals)?)
    } else {
        EnsembleOutput::Report(Summary::ensemble(&totals))
    })
}

/// The report as text, or as one JSON object.
fn print(summary: &Summary, json: bool) -> Result<String, SimulateError> {
    if json {
        Ok(serde_json::to_string_pretty(summary)?)
    } else {
        Ok(summary.to_string())
    }
}

/// `tangle simulate merge`: reads every shard's totals, adds them, and prints the report of
/// the whole ensemble (refusing shards of different ensembles, repeated or missing ones).
fn merge(args: &MergeArgs) -> Result<String, SimulateError> {
    let mut merged: Option<EnsembleTotals> = None;
    for file in &args.files {
        let read = |reason: String| SimulateError::Read {
            file: file.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(file).map_err(|e| read(e.to_string()))?;
        let totals: EnsembleTotals = serde_json::from_str(&text)
            .map_err(|e| read(format!("not the output of `simulate --shard`: {e}")))?;
        match &mut merged {
            None => merged = Some(totals),
            Some(all) => all.merge(&totals)?,
        }
    }
    let merged = merged.ok_or(ShardError::Incomplete {
        missing: Vec::new(),
        count: 0,
    })?;
    merged.check_complete()?;
    print(&Summary::ensemble(&merged), args.json)
}
