//! The event loop: [`Simulation::run`].

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use tangle_graph::select::{TipRequest, TipSelector};
use tangle_graph::{Config, Handle, MAX_PARENTS, Tangle};

use crate::SimError;
use crate::confidence::SelectorConfidence;
use crate::config::{Delay, Edges, SimConfig, exponential};
use crate::metrics::{MetricsConfig, Probe, RunFacts, measure};
use crate::report::{SimReport, WeightWindowUse};

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

fn ticks(t: f64) -> u64 {
    // `as` saturates; simulation times are finite and non-negative.
    (t * TICKS_PER_UNIT).round() as u64
}

/// Inserts a transaction that becomes visible. Its parents are visible, hence solid, and the
/// selector handed out their handles: no id lookups (`insert_solid` still checks them).
fn attach(tangle: &mut SimTangle, id: u64, p: &Pending) -> Result<(), SimError> {
    tangle.insert_solid(id, &p.parents[..p.len as usize], p.weight, p.issued)?;
    Ok(())
}

/// A transaction issued but not yet visible.
#[derive(Clone, Copy, Debug)]
struct Pending {
    /// Visibility time `t + h`.
    visible: f64,
    /// Issue time in ticks.
    issued: u64,
    weight: u32,
    len: u8,
    /// Handles of the parents (visible, so solid, when they were selected).
    parents: [Handle; MAX_PARENTS],
}

/// Invisible transactions, by issue number, with the order in which they become visible: the
/// issue order itself for a fixed delay, a min-heap on (visibility time, issue number)
/// otherwise (ties resolved by issue number, so the order is deterministic).
struct Queue {
    base: u64,
    slots: VecDeque<Option<Pending>>,
    heap: Option<BinaryHeap<Reverse<(u64, u64)>>>,
}

impl Queue {
    fn new(delay: &Delay) -> Self {
        Queue {
            base: 1,
            slots: VecDeque::new(),
            heap: match delay {
                Delay::Fixed(_) => None,
                _ => Some(BinaryHeap::new()),
            },
        }
    }

    /// Adds transaction `seq` (issue numbers are pushed in order).
    fn push(&mut self, seq: u64, p: Pending) {
        debug_assert_eq!(seq, self.base + self.slots.len() as u64);
        if let Some(heap) = &mut self.heap {
            // Non-negative floats order like their bit patterns.
            heap.push(Reverse((p.visible.to_bits(), seq)));
        }
        self.slots.push_back(Some(p));
    }

    /// Time at which the next transaction becomes visible.
    fn next_time(&self) -> Option<f64> {
        match &self.heap {
            Some(heap) => heap.peek().map(|Reverse((bits, _))| f64::from_bits(*bits)),
            None => self
                .slots
                .front()
                .and_then(|s| s.as_ref())
                .map(|p| p.visible),
        }
    }

    /// Removes the next transaction to become visible.
    fn pop(&mut self) -> Option<(u64, Pending)> {
        let seq = match &mut self.heap {
            Some(heap) => heap.pop()?.0.1,
            None => self.base,
        };
        let slot = self.slots.get_mut(usize::try_from(seq - self.base).ok()?)?;
        let p = slot.take()?;
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base += 1;
        }
        Some((seq, p))
    }
}

/// Time integrals of the tip counts over the measurement window.
struct Areas {
    measuring: bool,
    last: f64,
    view: f64,
    global: f64,
}

impl Areas {
    /// Advances the clock to `to` with the counts that held since the last call.
    fn advance(&mut self, to: f64, view_tips: usize, global_tips: u64) {
        if self.measuring {
            let dt = to - self.last;
            self.view += view_tips as f64 * dt;
            self.global += global_tips as f64 * dt;
        }
        self.last = to;
    }
}

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
        let n = cfg.transactions;
        // With a fixed delay transactions become visible in issue order, so issue numbers are
        // the graph's handles and it needs no id index.
        let dense_ids = matches!(cfg.delay, Delay::Fixed(_));
        let capacity = usize::try_from(n + 1).unwrap_or(usize::MAX);
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
        // Reuse the previous run's graph (its memory is mapped already) when no concurrent run
        // holds it and, cleared, it has exactly the buffers of a fresh one: the run, and the
        // memory it reports, are then the same whichever graph it grows.
        let spare = self.spare.try_lock().ok().and_then(|mut s| s.take());
        let mut tangle = match spare {
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
        };
        tangle.add_solid_entry_point(0, 1, 0, None)?;
        let mut process = ChaCha8Rng::seed_from_u64(seed);
        let mut choose = ChaCha8Rng::seed_from_u64(seed);
        choose.set_stream(1);
        let mut request = TipRequest::new(cfg.parents)?;
        if cfg.edges == Edges::Multi {
            request = request.with_repeats();
        }

        // Bit `i`: transaction `i` has been approved by an issued transaction.
        let mut approved = vec![0u64; usize::try_from(n / 64 + 1).unwrap_or(usize::MAX)];
        let mut global_tips: u64 = 1;
        let mut view_tips: usize = 1;
        let mut queue = Queue::new(&cfg.delay);
        let mut areas = Areas {
            measuring: cfg.warmup == 0,
            last: 0.0,
            view: 0.0,
            global: 0.0,
        };
        let mut t_warm = 0.0;
        let mut t = 0.0;
        let horizon = self.metrics.horizon_for(cfg.lambda, cfg.delay.mean());
        let mut probe = Probe::new(&self.metrics, n, cfg.warmup, cfg.lambda, horizon);
        let mut confidence =
            SelectorConfidence::new(&self.metrics, probe.candidates(), horizon, seed);

        for seq in 1..=n {
            t += exponential(&mut process) / cfg.lambda;
            while let Some(visible) = queue.next_time() {
                if visible > t {
                    break;
                }
                let Some((id, p)) = queue.pop() else { break };
                areas.advance(visible, view_tips, global_tips);
                attach(&mut tangle, id, &p)?;
                view_tips = tangle.tips().len();
            }
            areas.advance(t, view_tips, global_tips);
            if seq == cfg.warmup {
                areas.measuring = true;
                t_warm = t;
            }

            confidence.check(t, &tangle, selector, request)?;
            let selection = selector.select(&tangle, request, &mut choose)?;
            let mut parents = [Handle::default(); MAX_PARENTS];
            let mut len = 0usize;
            // Selections are sorted by id, so repeated draws (multi-edge) are adjacent.
            for &h in selection.as_slice() {
                if len == 0 || parents[len - 1] != h {
                    parents[len] = h;
                    len += 1;
                    let id = tangle.id(h);
                    let (word, bit) = ((id / 64) as usize, id % 64);
                    if approved[word] & (1 << bit) == 0 {
                        approved[word] |= 1 << bit;
                        global_tips -= 1;
                    }
                }
            }
            global_tips += 1;
            probe.after_arrival(seq, t, view_tips, global_tips);
            confidence.on_issue(seq, t);
            if seq.is_multiple_of(PROGRESS_EVERY) {
                self.report_progress(PROGRESS_EVERY);
            }
            let delay = cfg.delay.sample(&mut process);
            let weight = cfg.weights.sample(&mut process);
            queue.push(
                seq,
                Pending {
                    visible: t + delay,
                    issued: ticks(t),
                    weight,
                    len: len as u8,
                    parents,
                },
            );
        }
        let t_end = t;
        self.report_progress(n % PROGRESS_EVERY);
        // Make everything visible: approver counts and first approvals are then read off the
        // graph, which holds every issued transaction.
        while let Some((id, p)) = queue.pop() {
            attach(&mut tangle, id, &p)?;
        }

        let measured_time = t_end - t_warm;
        let horizon = ticks(cfg.orphan_horizon);
        let end = ticks(t_end);
        let mut measured = 0u64;
        let mut orphans = 0u64;
        let mut approved_count = 0u64;
        let mut first_sum = 0u64;
        let mut histogram: Vec<u64> = Vec::new();
        for i in 0..tangle.len() {
            let v = tangle_graph::Handle::new(i as u32);
            let id = tangle.id(v);
            let issued = tangle.time(v);
            if id == 0 || id <= cfg.warmup || issued.saturating_add(horizon) > end {
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
            &tangle,
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
        let report = SimReport {
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
            mean_tips: areas.view / measured_time,
            mean_global_tips: areas.global / measured_time,
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
            memory_bytes_per_transaction: (tangle.memory_usage().total() + approved.capacity() * 8)
                as f64
                / (n + 1) as f64,
            weight_window: tangle.window_stats().map(|w| WeightWindowUse {
                size: w.window,
                cone_searches: w.cone_searches,
            }),
            cumulative_weight_growth,
            confirmation,
            series,
            elapsed_seconds: started.elapsed().as_secs_f64(),
        };
        if let Ok(mut spare) = self.spare.try_lock() {
            *spare = Some(tangle);
        }
        Ok(report)
    }
}
