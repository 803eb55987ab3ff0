//! Ensembles in running totals, and ensembles split into shards for clusters.
//!
//! An ensemble of `R` runs keeps, per metric, the count, exact sum and exact sum of squares
//! of the runs' values ([`Moments`]) and drops each run's report once it is added: memory does
//! not grow with `R`. Shard `K` of `N` ([`Shard`]) runs a contiguous block of the runs with
//! the seeds the whole ensemble would use; [`EnsembleTotals::merge`] adds the shards' totals.
//! Because the sums are exact (rounded only when read), the merged totals — and the report
//! rendered from them — are bit for bit those of the ensemble run on one machine, whatever the
//! number of shards or threads (only `elapsed_seconds`, a wall-clock figure, differs: merged
//! totals add the shards' times).
//!
//! ```
//! use tangle_graph::select::Urts;
//! use tangle_sim::{Shard, SimConfig, Simulation};
//!
//! let sim = Simulation::new(SimConfig::new(10.0, 1.0, 2, 2_000))?;
//! let whole = sim.run_ensemble_shard(|| Urts, 4, 7, Shard::WHOLE, 1)?.totals;
//! let mut merged = sim.run_ensemble_shard(|| Urts, 4, 7, "1/2".parse()?, 1)?.totals;
//! merged.merge(&sim.run_ensemble_shard(|| Urts, 4, 7, "2/2".parse()?, 1)?.totals)?;
//! assert!(merged.is_complete());
//! assert_eq!(merged.estimates(), whole.estimates());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tangle_graph::select::TipSelector;

use crate::SimError;
use crate::ensemble::{Estimate, derive_seed};
use crate::report::SimReport;
use crate::run::{SimTangle, Simulation};
use crate::scenario::{Outcome, Scenario, ScenarioReport};
use crate::selector::SelectorSpec;
use crate::totals::{ExactSum, Moments};

/// Shard `K` of `N` (1-based, text form `K/N`, checked when built): runs
/// `⌊(K−1)·R/N⌋ .. ⌊K·R/N⌋` of an ensemble of `R`. With a batch scheduler's array job, shard
/// `K` is the task's index (Slurm: `--array=1-N`, `--shard $SLURM_ARRAY_TASK_ID/N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// Why shards cannot be formed or combined. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShardError {
    /// Not of the form `K/N` with `1 ≤ K ≤ N`.
    #[error("shard rule: expected K/N with 1 ≤ K ≤ N, got {0:?}")]
    Syntax(String),
    /// More shards than runs (a shard would be empty).
    #[error("shard rule: {count} shards for {runs} runs (at most one shard per run)")]
    TooManyShards {
        /// `N`.
        count: u32,
        /// `R`.
        runs: u32,
    },
    /// Totals of different ensembles (configuration, selector, seed, runs or shard count).
    #[error("merge rule: the shards are not of the same ensemble ({0} differs)")]
    Mismatch(&'static str),
    /// The same shard twice.
    #[error("merge rule: shard {0} appears twice")]
    Duplicate(u32),
    /// Totals that no shard run can have produced.
    #[error("shard rule: invalid totals ({0})")]
    Invalid(&'static str),
    /// Some shards are missing.
    #[error("merge rule: shards {missing:?} of {count} are missing")]
    Incomplete {
        /// The missing indices.
        missing: Vec<u32>,
        /// `N`.
        count: u32,
    },
}

impl Shard {
    /// The whole ensemble: shard 1 of 1.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Shard `index` of `count`: `1 ≤ index ≤ count`.
    pub fn new(index: u32, count: u32) -> Result<Self, ShardError> {
        if count == 0 || index == 0 || index > count {
            return Err(ShardError::Syntax(format!("{index}/{count}")));
        }
        Ok(Shard { index, count })
    }

    /// `K`, in `1..=N`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// `N`.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The runs of an ensemble of `runs` that this shard runs.
    pub fn runs(&self, runs: u32) -> Range<u32> {
        // `index ≤ count`, so each bound is at most `runs`.
        let bound = |k: u32| (u64::from(k) * u64::from(runs) / u64::from(self.count)) as u32;
        bound(self.index - 1)..bound(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, ShardError> {
        let bad = || ShardError::Syntax(s.to_owned());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k = k.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n).map_err(|_| bad())
    }
}

/// The parameters of a plain ensemble that its report prints (those of any of its runs: they
/// follow from the configuration).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    /// Transactions per run.
    pub transactions: u64,
    /// Name of the tip selector.
    pub tip_selection: String,
    /// Arrival rate λ.
    pub lambda: f64,
    /// Mean visibility delay `h`.
    pub delay: f64,
    /// Tips per arrival.
    pub parents: usize,
    /// Warm-up cut.
    pub warmup: u64,
    /// Orphan horizon.
    pub orphan_horizon: f64,
    /// Weight threshold of the confirmation latency.
    pub weight_threshold: u64,
    /// Confidence threshold of the confirmation latency.
    pub confidence_threshold: f64,
    /// Selections per check of the selector confidence (0: not measured).
    pub selector_confidence_selections: u32,
}

/// The parameters of a scenario ensemble that its report prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioHeader {
    /// `parasite-chain`, `tip-spam` or `splitting`.
    pub scenario: String,
    /// The scenario's parameters, defaults filled in (the JSON form of [`Scenario`]).
    pub parameters: Value,
    /// Name of the tip selector.
    pub tip_selection: String,
    /// Arrival rate λ.
    pub lambda: f64,
    /// Mean visibility delay `h`.
    pub delay: f64,
    /// Tips per arrival.
    pub parents: usize,
}

/// What an ensemble ran: the plain model or an attack scenario, with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Header {
    /// The plain model ([`Simulation::run`]).
    Runs(RunHeader),
    /// An attack scenario ([`Simulation::run_scenario`]).
    Scenario(ScenarioHeader),
}

impl Header {
    fn of_run(r: &SimReport) -> Self {
        Header::Runs(RunHeader {
            transactions: r.transactions,
            tip_selection: r.tip_selection.clone(),
            lambda: r.lambda,
            delay: r.delay,
            parents: r.parents,
            warmup: r.warmup,
            orphan_horizon: r.orphan_horizon,
            weight_threshold: r.confirmation.weight_threshold,
            confidence_threshold: r.confirmation.confidence_threshold,
            selector_confidence_selections: r.confirmation.selector_confidence_selections,
        })
    }

    fn of_scenario(r: &ScenarioReport) -> Self {
        Header::Scenario(ScenarioHeader {
            scenario: r.scenario.to_owned(),
            parameters: serde_json::to_value(r.parameters).unwrap_or(Value::Null),
            tip_selection: r.tip_selection.clone(),
            lambda: r.lambda,
            delay: r.delay,
            parents: r.parents,
        })
    }
}

/// Running totals of (part of) an ensemble: what its report needs, in memory that does not
/// grow with the number of runs, serialisable (a shard's partial result) and mergeable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnsembleTotals {
    /// What was run.
    pub header: Header,
    /// The selector's specification, when it came from one (its parameters appear in the
    /// report); `None` for another selector.
    pub selector: Option<SelectorSpec>,
    /// Runs `R` of the whole ensemble.
    pub runs: u32,
    /// The ensemble seed.
    pub seed: u64,
    /// Shards `N` the ensemble is split into (1: not split).
    pub shard_count: u32,
    /// The shards these totals hold, in increasing order.
    pub shards: Vec<u32>,
    /// Per metric (the names of [`EnsembleReport::estimates`](crate::EnsembleReport)).
    pub metrics: BTreeMap<String, Moments>,
    /// Plain model: per number `n` of direct approvers, the sum over the runs of the share of
    /// transactions with `n` approvers.
    pub approvers_histogram: Vec<ExactSum>,
    /// Wall-clock seconds spent (summed over merged shards).
    pub elapsed_seconds: f64,
}

impl EnsembleTotals {
    fn empty(header: Header, runs: u32, seed: u64, shard: Shard) -> Self {
        let names: &[&str] = match &header {
            Header::Runs(h) => {
                if h.selector_confidence_selections > 0 {
                    &RUN_METRICS
                } else {
                    &RUN_METRICS[..RUN_METRICS.len() - 1]
                }
            }
            Header::Scenario(h) => match h.scenario.as_str() {
                "parasite-chain" => &["success"],
                "tip-spam" => &["honest_approving_lazy"],
                _ => &["survival_time"],
            },
        };
        let mut metrics: BTreeMap<String, Moments> = names
            .iter()
            .map(|n| ((*n).to_owned(), Moments::default()))
            .collect();
        if matches!(header, Header::Scenario(_)) {
            for n in SCENARIO_METRICS {
                metrics.insert(n.to_owned(), Moments::default());
            }
        }
        EnsembleTotals {
            header,
            selector: None,
            runs,
            seed,
            shard_count: shard.count,
            shards: vec![shard.index],
            metrics,
            approvers_histogram: Vec::new(),
            elapsed_seconds: 0.0,
        }
    }

    fn add_metric(&mut self, name: &str, value: Option<f64>) {
        if let (Some(m), Some(v)) = (self.metrics.get_mut(name), value) {
            m.add(v);
        }
    }

    fn add_run(&mut self, r: &SimReport) {
        self.add_metric("mean_tips", Some(r.mean_tips));
        self.add_metric("mean_global_tips", Some(r.mean_global_tips));
        self.add_metric("mean_first_approval_time", Some(r.mean_first_approval_time));
        self.add_metric("orphan_rate", Some(r.orphan_rate));
        // Metrics that a run may leave undefined are averaged over the runs that define them.
        self.add_metric("cw_slope", r.cumulative_weight_growth.slope);
        self.add_metric(
            "cw_adaptation_time",
            r.cumulative_weight_growth.adaptation_time,
        );
        let c = &r.confirmation;
        self.add_metric("confirmation_latency_weight", c.mean_latency_weight);
        self.add_metric("confirmation_latency_confidence", c.mean_latency_confidence);
        self.add_metric(
            "confirmation_latency_selector_confidence",
            c.mean_latency_selector_confidence,
        );
        if self.approvers_histogram.len() < r.approvers_histogram.len() {
            self.approvers_histogram
                .resize(r.approvers_histogram.len(), ExactSum::default());
        }
        for (sum, &share) in self
            .approvers_histogram
            .iter_mut()
            .zip(&r.approvers_histogram)
        {
            sum.add(share);
        }
    }

    fn add_scenario(&mut self, r: &ScenarioReport) {
        self.add_metric("mean_tips", Some(r.mean_tips));
        self.add_metric("final_tips", Some(r.final_tips as f64));
        self.add_metric("honest_orphan_rate", r.honest_orphan_rate);
        self.add_metric("attacker_orphan_rate", r.attacker_orphan_rate);
        match &r.outcome {
            Outcome::ParasiteChain { success, .. } => {
                self.add_metric("success", Some(if *success { 1.0 } else { 0.0 }));
            }
            Outcome::TipSpam {
                honest_approving_lazy,
                ..
            } => self.add_metric("honest_approving_lazy", *honest_approving_lazy),
            Outcome::Splitting { survival_time, .. } => {
                self.add_metric("survival_time", Some(*survival_time));
            }
        }
    }

    /// Adds the totals of other shards of the same ensemble (both checked by
    /// [`EnsembleTotals::validate`] first).
    pub fn merge(&mut self, other: &EnsembleTotals) -> Result<(), ShardError> {
        self.validate()?;
        other.validate()?;
        let same = |name, equal: bool| {
            if equal {
                Ok(())
            } else {
                Err(ShardError::Mismatch(name))
            }
        };
        same("configuration", self.header == other.header)?;
        same("selector", self.selector == other.selector)?;
        same("runs", self.runs == other.runs)?;
        same("seed", self.seed == other.seed)?;
        same("shard count", self.shard_count == other.shard_count)?;
        same("metric set", self.metrics.keys().eq(other.metrics.keys()))?;
        if let Some(&twice) = other.shards.iter().find(|s| self.shards.contains(s)) {
            return Err(ShardError::Duplicate(twice));
        }
        self.shards.extend_from_slice(&other.shards);
        self.shards.sort_unstable();
        self.add_sums(other);
        self.elapsed_seconds += other.elapsed_seconds;
        Ok(())
    }

    /// Adds the sums of `other` (same metric set).
    fn add_sums(&mut self, other: &EnsembleTotals) {
        for (name, moments) in &mut self.metrics {
            if let Some(m) = other.metrics.get(name) {
                moments.merge(m);
            }
        }
        if self.approvers_histogram.len() < other.approvers_histogram.len() {
            self.approvers_histogram
                .resize(other.approvers_histogram.len(), ExactSum::default());
        }
        for (sum, o) in self
            .approvers_histogram
            .iter_mut()
            .zip(&other.approvers_histogram)
        {
            sum.merge(o);
        }
    }

    /// Whether every shard of the ensemble is in.
    pub fn is_complete(&self) -> bool {
        self.shards.len() == self.shard_count as usize
    }

    /// `Ok` if the totals are valid and every shard is in, else the missing ones.
    pub fn check_complete(&self) -> Result<(), ShardError> {
        self.validate()?;
        if self.is_complete() {
            return Ok(());
        }
        Err(ShardError::Incomplete {
            missing: (1..=self.shard_count)
                .filter(|k| !self.shards.contains(k))
                .collect(),
            count: self.shard_count,
        })
    }

    /// Runs these totals hold (shard indices outside `1..=shard_count`, which
    /// [`EnsembleTotals::validate`] refuses, count none).
    pub fn runs_done(&self) -> u32 {
        self.shards
            .iter()
            .filter_map(|&k| Shard::new(k, self.shard_count).ok())
            .map(|shard| shard.runs(self.runs).len() as u32)
            .sum()
    }

    /// Checks totals read from elsewhere (a shard file): at least one shard, at most one per
    /// run, indices in `1..=shard_count`, increasing, and no metric counting more values than
    /// runs.
    pub fn validate(&self) -> Result<(), ShardError> {
        let bad = |what| Err(ShardError::Invalid(what));
        if self.shard_count == 0 || self.shard_count > self.runs {
            return bad("shard_count must be in 1..=runs");
        }
        if self.shards.is_empty()
            || self.shards.iter().any(|&k| k == 0 || k > self.shard_count)
            || self.shards.windows(2).any(|w| w[0] >= w[1])
        {
            return bad("shards must be increasing indices in 1..=shard_count");
        }
        let done = u64::from(self.runs_done());
        if self.metrics.values().any(|m| m.count > done) {
            return bad("a metric counts more values than the shards have runs");
        }
        Ok(())
    }

    /// Mean, standard deviation and 95 % half-width of each metric over the runs that define
    /// it.
    pub fn estimates(&self) -> BTreeMap<String, Estimate> {
        self.metrics
            .iter()
            .map(|(name, m)| (name.clone(), m.estimate()))
            .collect()
    }

    /// Plain model: entry `n` is the mean over the runs of the share of measured transactions
    /// with `n` direct approvers (a run without that entry counts 0).
    pub fn approvers_histogram(&self) -> Vec<f64> {
        let runs = f64::from(self.runs_done());
        self.approvers_histogram
            .iter()
            .map(|s| s.value() / runs)
            .collect()
    }
}

/// The metrics of a plain ensemble; the last only when the selector confidence is measured.
const RUN_METRICS: [&str; 9] = [
    "mean_tips",
    "mean_global_tips",
    "mean_first_approval_time",
    "orphan_rate",
    "cw_slope",
    "cw_adaptation_time",
    "confirmation_latency_weight",
    "confirmation_latency_confidence",
    "confirmation_latency_selector_confidence",
];

/// The metrics of every scenario ensemble (plus its outcome's).
const SCENARIO_METRICS: [&str; 4] = [
    "mean_tips",
    "final_tips",
    "honest_orphan_rate",
    "attacker_orphan_rate",
];

/// The totals of a shard and the report of its lowest run (run 0 for the whole ensemble: the
/// run whose series `--out` writes).
#[derive(Clone, Debug)]
pub struct ShardRun<R> {
    /// Running totals of the shard's runs.
    pub totals: EnsembleTotals,
    /// The report of the shard's first run.
    pub first: R,
}

impl Simulation {
    /// Runs shard `shard` of an ensemble of `runs` runs with seeds
    /// [`derive_seed`]`(seed, r)`, on `threads` scoped threads (0 = available parallelism),
    /// keeping running totals (each run's report is dropped once added, except the first).
    /// Results do not depend on `threads`; the lowest failing run's error is returned.
    pub fn run_ensemble_shard<S, F>(
        &self,
        make_selector: F,
        runs: u32,
        seed: u64,
        shard: Shard,
        threads: usize,
    ) -> Result<ShardRun<SimReport>, SimError>
    where
        S: TipSelector<SimTangle>,
        F: Fn() -> S + Sync,
    {
        fold_shard(
            runs,
            seed,
            shard,
            threads,
            make_selector,
            |selector, r| self.run(selector, derive_seed(seed, r)),
            Header::of_run,
            EnsembleTotals::add_run,
        )
    }

    /// [`Simulation::run_ensemble_shard`] for an attack scenario.
    pub fn run_scenario_shard<S, F>(
        &self,
        scenario: &Scenario,
        make_selector: F,
        runs: u32,
        seed: u64,
        shard: Shard,
        threads: usize,
    ) -> Result<ShardRun<ScenarioReport>, SimError>
    where
        S: TipSelector<SimTangle>,
        F: Fn() -> S + Sync,
    {
        fold_shard(
            runs,
            seed,
            shard,
            threads,
            make_selector,
            |selector, r| self.run_scenario(scenario, selector, derive_seed(seed, r)),
            Header::of_scenario,
            EnsembleTotals::add_scenario,
        )
    }
}

/// One thread's share: totals of the runs it did, its lowest run's report, its lowest
/// failing run's error.
struct Partial<R> {
    totals: Option<EnsembleTotals>,
    first: Option<(u32, R)>,
    error: Option<(u32, SimError)>,
}

/// Runs the shard's runs on threads that each keep a [`Partial`], then merges them. Runs are
/// claimed in increasing order, so when a run fails every lower run has been claimed and
/// finishes: the lowest failing run is found whatever the timing.
#[allow(clippy::too_many_arguments)]
fn fold_shard<S, R, F, W>(
    runs: u32,
    seed: u64,
    shard: Shard,
    threads: usize,
    make_state: F,
    work: W,
    header: fn(&R) -> Header,
    add: fn(&mut EnsembleTotals, &R),
) -> Result<ShardRun<R>, SimError>
where
    R: Send,
    F: Fn() -> S + Sync,
    W: Fn(&mut S, u32) -> Result<R, SimError> + Sync,
{
    if runs == 0 {
        return Err(SimError::InvalidConfig {
            name: "runs",
            reason: "must be at least 1",
        });
    }
    if shard.count > runs {
        return Err(SimError::InvalidConfig {
            name: "shard",
            reason: "count must be at most the number of runs",
        });
    }
    let started = Instant::now();
    let range = shard.runs(runs);
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        t => t,
    }
    .min(range.len());
    let next = AtomicUsize::new(range.start as usize);
    let failed = AtomicBool::new(false);
    let partials: Mutex<Vec<Partial<R>>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut state = make_state();
                let mut mine = Partial {
                    totals: None,
                    first: None,
                    error: None,
                };
                while !failed.load(Ordering::Relaxed) {
                    let r = next.fetch_add(1, Ordering::Relaxed);
                    if r >= range.end as usize {
                        break;
                    }
                    let r = r as u32;
                    match work(&mut state, r) {
                        Ok(report) => {
                            let totals = mine.totals.get_or_insert_with(|| {
                                EnsembleTotals::empty(header(&report), runs, seed, shard)
                            });
                            add(totals, &report);
                            if mine.first.is_none() {
                                mine.first = Some((r, report));
                            }
                        }
                        Err(e) => {
                            mine.error = Some((r, e));
                            failed.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                if let Ok(mut all) = partials.lock() {
                    all.push(mine);
                }
            });
        }
    });
    // A panicking worker re-panics here when the scope ends, so every partial is in.
    let partials = partials.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut error: Option<(u32, SimError)> = None;
    let mut first: Option<(u32, R)> = None;
    let mut totals: Option<EnsembleTotals> = None;
    for p in partials {
        if let Some((r, e)) = p.error
            && error.as_ref().is_none_or(|(lowest, _)| r < *lowest)
        {
            error = Some((r, e));
        }
        if let Some((r, report)) = p.first
            && first.as_ref().is_none_or(|(lowest, _)| r < *lowest)
        {
            first = Some((r, report));
        }
        if let Some(t) = p.totals {
            // Threads hold parts of the same shard: add their sums.
            match &mut totals {
                None => totals = Some(t),
                Some(all) => all.add_sums(&t),
            }
        }
    }
    if let Some((_, e)) = error {
        return Err(e);
    }
    match (totals, first) {
        (Some(mut totals), Some((_, first))) => {
            totals.elapsed_seconds = started.elapsed().as_secs_f64();
            Ok(ShardRun { totals, first })
        }
        _ => Err(SimError::InvalidConfig {
            name: "runs",
            reason: "must be at least 1",
        }),
    }
}
