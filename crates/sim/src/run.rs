//! A configured simulation and its plain runs: [`Simulation::run`] (the event loop itself is
//! in `engine.rs`, shared with the attack runs).

use std::sync::Mutex;
use std::time::Instant;

use tangle_graph::select::{TipRequest, TipSelector};
use tangle_graph::{Config, Tangle};

use crate::SimError;
use crate::attack::NoAttack;
use crate::confidence::SelectorConfidence;
use crate::config::{Delay, Edges, SimConfig};
use crate::engine::{LoopEnd, Plan, Recorders, World, run_arrivals, ticks};
use crate::metrics::{MetricsConfig, Probe, RunFacts, measure};
use crate::report::{SimReport, WeightWindowUse};
use crate::scenario::streams;

/// A progress callback: called from the simulating thread(s) with the number of transactions
/// issued since its last call (every [`PROGRESS_EVERY`] arrivals of a run, and once with the
/// rest at its end). The library draws nothing itself; the CLI turns this into a bar.
pub type Progress = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

/// Arrivals between two calls of the progress callback.
pub const PROGRESS_EVERY: u64 = 1 << 14;

/// The graph a simulation grows: vertex ids are issue numbers (`0` is the genesis), vertex
/// times are issue times in ticks ([`TICKS_PER_UNIT`] per time unit). Tip selectors run on it.
pub type SimTangle = Tangle<u64>;

/// Resolution of the vertex times stored in the graph: ticks per simulation time unit.
/// Age-based selectors (RURTS with a time limit) take their limits in ticks.
pub const TICKS_PER_UNIT: f64 = 1_000_000.0;

/// Key of the graph's id index (it only affects speed, never results).
const HASH_KEY: u64 = 0x7369_6d75_6c61_7465;

/// A configured simulation; [`Simulation::run`] runs it for one seed.
///
/// It keeps the graph of its last finished run and reuses its buffers for the next one (runs
/// of one simulation have the same size): a 1M-transaction graph is ≈ 93 MB, and mapping fresh
/// memory costs about a fifth of a run. Only one graph is kept; concurrent runs (ensembles)
/// that find it taken allocate their own.
pub struct Simulation {
    config: SimConfig,
    spare: Mutex<Option<SimTangle>>,
    metrics: MetricsConfig,
    progress: Option<Progress>,
}

impl Clone for Simulation {
    fn clone(&self) -> Self {
        Simulation {
            config: self.config.clone(),
            spare: Mutex::new(None),
            metrics: self.metrics.clone(),
            progress: self.progress.clone(),
        }
    }
}

impl core::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Simulation")
            .field("config", &self.config)
            .field("metrics", &self.metrics)
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// A simulation of this configuration (validated).
    pub fn new(config: SimConfig) -> Result<Self, SimError> {
        config.validate()?;
        Ok(Simulation {
            config,
            spare: Mutex::new(None),
            metrics: MetricsConfig::default(),
            progress: None,
        })
    }

    /// Replaces the settings of the sampled-transaction metrics and series (validated).
    pub fn with_metrics(mut self, metrics: MetricsConfig) -> Result<Self, SimError> {
        metrics.validate()?;
        self.metrics = metrics;
        Ok(self)
    }

    /// The metrics settings.
    pub fn metrics(&self) -> &MetricsConfig {
        &self.metrics
    }

    /// Reports progress to `progress` (see [`Progress`]); it must not block for long.
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Calls the progress callback, if any.
    pub(crate) fn report_progress(&self, done: u64) {
        if let Some(p) = &self.progress
            && done > 0
        {
            p(done);
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Takes the graph of the last finished run out of the simulation (the next run then
    /// allocates a fresh one). It holds every issued transaction, all visible (e.g. for
    /// [`tangle_graph::dot::to_dot`]). `None` before any run, after a take, or when the last
    /// run finished while another (an ensemble's) held the slot.
    ///
    /// ```
    /// use tangle_graph::select::Urts;
    /// use tangle_sim::{SimConfig, Simulation};
    ///
    /// let sim = Simulation::new(SimConfig::new(10.0, 1.0, 2, 100))?;
    /// assert!(sim.take_graph().is_none());
    /// sim.run(&mut Urts, 1)?;
    /// let graph = sim.take_graph().expect("the last run's graph");
    /// assert_eq!(graph.len(), 101); // the genesis and every transaction
    /// assert!(sim.take_graph().is_none());
    /// # Ok::<(), tangle_sim::SimError>(())
    /// ```
    pub fn take_graph(&self) -> Option<SimTangle> {
        self.spare.lock().ok().and_then(|mut spare| spare.take())
    }

    /// The tip request of every honest arrival: `k` tips, with repeats for multi-edges.
    pub(crate) fn request(&self) -> Result<TipRequest, SimError> {
        let request = TipRequest::new(self.config.parents)?;
        Ok(if self.config.edges == Edges::Multi {
            request.with_repeats()
        } else {
            request
        })
    }

    /// A graph for a plain run: the previous run's (its memory is mapped already) when no
    /// concurrent run holds it and, cleared, it has exactly the buffers of a fresh one — the
    /// run, and the memory it reports, are then the same whichever graph it grows.
    fn plain_graph(&self) -> SimTangle {
        let cfg = &self.config;
        // With a fixed delay transactions become visible in issue order, so issue numbers are
        // the graph's handles and it needs no id index.
        let dense_ids = matches!(cfg.delay, Delay::Fixed(_));
        let capacity = usize::try_from(cfg.transactions + 1).unwrap_or(usize::MAX);
        let fresh: SimTangle = Tangle::with_capacity(
            Config {
                track_cumulative_weight: cfg.cumulative_weight,
                weight_window: cfg.weight_window,
                hash_key: Some(HASH_KEY),
                dense_ids,
                ..Config::default()
            },
            capacity,
        );
        let spare = self.spare.try_lock().ok().and_then(|mut s| s.take());
        match spare {
            Some(mut t) => {
                t.clear();
                if t.memory_usage() == fresh.memory_usage() {
                    drop(fresh);
                    t
                } else {
                    fresh
                }
            }
            None => fresh,
        }
    }

    /// Runs the model once with `selector` and returns its metrics (see the crate docs).
    ///
    /// Two RNG streams derive from `seed` (ChaCha8, streams 0 and 1): the *process* stream
    /// draws inter-arrival times, delays and weights, the *selection* stream is handed to the
    /// selector. Runs of different selectors with one seed therefore see the same arrivals
    /// (common random numbers).
    pub fn run(
        &self,
        selector: &mut dyn TipSelector<SimTangle>,
        seed: u64,
    ) -> Result<SimReport, SimError> {
        let started = Instant::now();
        let cfg = &self.config;
        let (process, mut choose, attack_rng) = streams(seed);
        let mut world = World::new(
            self.plain_graph(),
            cfg,
            false,
            cfg.warmup == 0,
            process,
            attack_rng,
        )?;
        let horizon = self.metrics.horizon_for(cfg.lambda, cfg.delay.mean());
        let mut probe = Probe::new(
            &self.metrics,
            cfg.transactions,
            cfg.warmup,
            cfg.lambda,
            horizon,
        );
        let mut confidence =
            SelectorConfidence::new(&self.metrics, probe.candidates(), horizon, seed);
        let plan = Plan {
            config: cfg,
            request: self.request()?,
            weight_first: false,
            measure_from: cfg.warmup,
            attack_start: cfg.warmup.max(1),
        };
        let progress = |done| self.report_progress(done);
        let recorders = Recorders {
            probe: &mut probe,
            confidence: Some(&mut confidence),
            progress: &progress,
        };
        let end = run_arrivals(
            &mut world,
            &mut NoAttack,
            selector,
            &mut choose,
            &plan,
            recorders,
        )?;
        let report = self.plain_report(&world, probe, confidence, end, seed, started);
        if let Ok(mut spare) = self.spare.try_lock() {
            *spare = Some(world.tangle);
        }
        Ok(report)
    }

    /// The metrics of a plain run, read off its final graph (every issued transaction
    /// visible, ids = issue numbers).
    fn plain_report(
        &self,
        world: &World,
        probe: Probe,
        confidence: SelectorConfidence,
        end: LoopEnd,
        seed: u64,
        started: Instant,
    ) -> SimReport {
        let cfg = &self.config;
        let n = cfg.transactions;
        let tangle = &world.tangle;
        let t_end = end.t_end;
        let measured_time = t_end - end.t_warm;
        let horizon = ticks(cfg.orphan_horizon);
        let end_ticks = ticks(t_end);
        let mut measured = 0u64;
        let mut orphans = 0u64;
        let mut approved_count = 0u64;
        let mut first_sum = 0u64;
        let mut histogram: Vec<u64> = Vec::new();
        for i in 0..tangle.len() {
            let v = tangle_graph::Handle::new(i as u32);
            let id = tangle.id(v);
            let issued = tangle.time(v);
            if id == 0 || id <= cfg.warmup || issued.saturating_add(horizon) > end_ticks {
                continue;
            }
            measured += 1;
            let count = tangle.approver_count(v);
            if histogram.len() <= count {
                histogram.resize(count + 1, 0);
            }
            histogram[count] += 1;
            match tangle.approvers(v).map(|a| tangle.time(a)).min() {
                Some(first) => {
                    let wait = first.saturating_sub(issued);
                    approved_count += 1;
                    first_sum += wait;
                    if wait > horizon {
                        orphans += 1;
                    }
                }
                None => orphans += 1,
            }
        }
        let share = |c: u64| {
            if measured == 0 {
                f64::NAN
            } else {
                c as f64 / measured as f64
            }
        };
        let (cumulative_weight_growth, confirmation, series) = measure(
            tangle,
            &self.metrics,
            probe,
            &RunFacts {
                lambda: cfg.lambda,
                mean_delay: cfg.delay.mean(),
                warmup: cfg.warmup,
                orphan_horizon: cfg.orphan_horizon,
                ticks_per_unit: TICKS_PER_UNIT,
                t_end,
            },
            confidence.finish(t_end),
        );
        SimReport {
            transactions: n,
            tip_selection: cfg.tip_selection.clone(),
            lambda: cfg.lambda,
            delay: cfg.delay.mean(),
            delay_distribution: cfg.delay,
            parents: cfg.parents,
            edges: cfg.edges,
            weights: cfg.weights,
            seed,
            warmup: cfg.warmup,
            measured_time,
            mean_tips: world.areas.view / measured_time,
            mean_global_tips: world.areas.global / measured_time,
            measured_transactions: measured,
            mean_first_approval_time: if approved_count == 0 {
                f64::NAN
            } else {
                first_sum as f64 / approved_count as f64 / TICKS_PER_UNIT
            },
            orphan_rate: share(orphans),
            orphan_horizon: cfg.orphan_horizon,
            approvers_histogram: histogram.iter().map(|&c| share(c)).collect(),
            final_tips: tangle.tips().len(),
            memory_bytes_per_transaction: (tangle.memory_usage().total()
                + world.approved.capacity() * 8) as f64
                / (n + 1) as f64,
            weight_window: tangle.window_stats().map(|w| WeightWindowUse {
                size: w.window,
                cone_searches: w.cone_searches,
            }),
            cumulative_weight_growth,
            confirmation,
            series,
            elapsed_seconds: started.elapsed().as_secs_f64(),
        }
    }
}
