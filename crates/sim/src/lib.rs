//! A discrete-event Tangle simulator that runs the *same* graph ([`tangle_graph::Tangle`]) and
//! tip selectors ([`tangle_graph::select::TipSelector`]) as the node path.
//!
//! # The model (Popov, *The Tangle*, the whitepaper's continuous-time model)
//! * Transactions are issued by a Poisson process of rate λ: inter-arrival times are
//!   independent exponentials of mean 1/λ. Transaction `i` (issue number `i ≥ 1`, issued at
//!   `tᵢ`) is vertex id `i`; the genesis is id `0`, issued and visible at time 0.
//! * Each transaction has a visibility delay `hᵢ` ([`Delay`]: fixed, as in the whitepaper, or
//!   drawn). It *becomes visible* — enters the graph the selectors see — at `tᵢ + hᵢ`. An
//!   event queue ordered by visibility time (ties by issue number) inserts it then.
//! * At its issue time `tᵢ` a transaction selects `k` tips with the selector from the graph of
//!   the transactions visible at `tᵢ` (those with `tⱼ + hⱼ ≤ tᵢ`): `k` distinct tips
//!   ([`Edges::Single`]) or `k` draws with repeats ([`Edges::Multi`]). Its parents are fixed
//!   then; they are visible, so the graph never holds orphans.
//! * Own weights are 1 or drawn ([`Weights`]); vertex times in the graph are issue times in
//!   ticks ([`TICKS_PER_UNIT`]).
//!
//! This is the growth model of the graph benchmark (a vertex picks its parents when created
//! and becomes visible later) in continuous time.
//!
//! # Metrics (all after the warm-up cut)
//! Let `t_w` be the issue time of transaction number `warmup` (0 if `warmup = 0`) and `t_N`
//! that of the last one; the *measurement window* is `[t_w, t_N]`.
//! * **`mean_tips`** — `(1/(t_N − t_w)) ∫ L(t) dt` over the window, where `L(t)` is the
//!   number of tips in the view of a transaction arriving at `t`: visible transactions that
//!   no visible transaction approves. `L` is piecewise constant (it changes when a transaction
//!   becomes visible) and is integrated exactly. By PASTA this is also the mean tip count seen
//!   by the arrivals.
//! * **`mean_global_tips`** — the same time-average of `G(t)`: issued transactions (visible or
//!   not, genesis included) that no issued transaction approves. With a fixed delay,
//!   `L(t) = G(t − h)`.
//! * **Measured transactions** — issue number `> warmup` and `tᵢ + H ≤ t_N`, where `H` is the
//!   orphan horizon (so each had a full horizon to be approved).
//! * **`mean_first_approval_time`** — over measured transactions with at least one approver
//!   issued by `t_N`: the mean of `(issue time of the first approver) − tᵢ`.
//! * **`orphan_rate`** — share of measured transactions with no approver issued in
//!   `[tᵢ, tᵢ + H]`.
//! * **`approvers_histogram`** — entry `n` is the share of measured transactions with exactly
//!   `n` distinct direct approvers issued by `t_N`.
//!
//! ## Sampled transactions ([`MetricsConfig`])
//! `S` transactions (default 100) are followed: issue numbers spread evenly over those after
//! the warm-up whose horizon `A` (default `30h + (20 + 2W)/λ`) ends by `t_N`. For a sample `x`
//! issued at `tₓ` and a time `t`, `cw(x, t)` is its cumulative weight counting the transactions
//! *issued* by `t` (its own weight plus that of every direct or indirect approver issued by
//! `t`; a node that sees with delay `h` sees the same curve `h` later).
//! * **Cumulative-weight growth** ([`CwGrowth`], JSON `cumulative_weight_growth`) — the mean
//!   over the samples of `cw(x, tₓ + a)` at ages `a = 0, A/(P−1), …, A` (`P = 101`). Its
//!   **`slope`** (`cw_slope`) is the least-squares slope over `a ∈ [A/2, A]` (the linear phase;
//!   λ·E[own weight] once every arrival approves `x`, as the whitepaper shows for URTS); its
//!   **`adaptation_time`** (`cw_adaptation_time`) is the first grid age `a` from which the curve
//!   rises by at least 90 % of the slope per time unit over `[a, a + A/10]` (the end of the
//!   whitepaper's adaptation phase).
//! * **Confirmation latency** ([`Confirmation`]) — for threshold `W` (default 100), the time
//!   from `tₓ` until the first issue at which `cw(x, ·) ≥ W`; for θ (default 0.95), the time until
//!   the first issue after which the **tip confidence** — the share of the global tips (see
//!   `G`) whose past cone holds `x` (or that are `x`) — is at least θ. The tip confidence is
//!   the confirmation confidence under uniform tip selection of one tip, the same yardstick
//!   for every algorithm (a selector that leaves tips behind never reaches a high θ). Means
//!   (`confirmation_latency_weight`, `confirmation_latency_confidence`) are over the samples
//!   that reach the threshold within `A`; the shares that do are reported too.
//! * **Selector confidence latency** (opt-in: [`MetricsConfig::selector_confidence`] = `N`,
//!   `tangle simulate --confidence-selections N`) — the confirmation confidence *of the
//!   selector under test*: at the ages `A/(P−1), 2A/(P−1), …` of each sample, `N` selections by
//!   the run's selector on the view of that moment; the latency is the first such age at which
//!   a share ≥ θ of them approve `x` (directly or not), i.e. resolved to the curve's age step
//!   (`confirmation_latency_selector_confidence`, with its share). It runs on an RNG stream of
//!   its own, so the run is the same with or without it, and costs up to `samples × P × N`
//!   selections.
//!
//! The event loop only records the global tip count at each sample's issue (and, when asked,
//! checks the selector confidence); the rest is read off the final graph, so these metrics
//! cost a few milliseconds per run.
//!
//! # Attack scenarios ([`Scenario`], [`Simulation::run_scenario`])
//! An attacker owns a share `q` of the arrivals while it attacks: each arrival is its own with
//! probability `q`. Honest transactions never approve both sides of a conflict (a conflicting
//! selection is redrawn up to [`CONFLICT_RETRIES`] times, then the tips of the first side
//! drawn are kept). The attack starts at `t_c`, the issue of transaction `warmup`.
//! * **Parasite chain** ([`ParasiteChain`]) — the honest transaction issued at `t_c` is the
//!   payment `P`. At `t_c` the attacker issues the double spend `D`, approving the newest
//!   visible transaction issued at least `root_age` earlier (an old one),
//!   and keeps it hidden. Until `t_r = t_c + hide_time` each of its arrivals extends the hidden
//!   parasite: member `j` approves member `⌊(j−1)/2⌋` (`D` = member 0), a binary tree whose
//!   leaves — half the parasite — are tips, or member `j − 1` with
//!   [`ParasiteShape::Chain`] (a line with one tip). At `t_r` the parasite becomes visible at once and
//!   the attacker stops. **Success**: of the honest transactions issued in
//!   `(t_r + eval_time/2, t_r + eval_time]`, more have `D` than `P` in their past cone, i.e. the
//!   honest tip selection has moved to the attacker's branch. The run ends at
//!   `t_r + eval_time`. Ensembles report the success rate (`success`).
//! * **Tip spam** ([`TipSpam`]) — from `t_c` on, each attacker arrival is a lazy transaction:
//!   it approves up to `k` distinct visible transactions drawn uniformly among those issued in
//!   `[t − 2·lazy_age, t − lazy_age]`. Reported: tips (`mean_tips`, `final_tips`), the orphan
//!   rates of honest and lazy transactions (measured transactions as above, split by issuer),
//!   and the share of honest transactions approving a lazy one.
//! * **Splitting** ([`Splitting`]) — at `t_c` the attacker issues two conflicting transactions
//!   `A` and `B` approving the same tips (those the selector returns). The *weight* of a branch
//!   is the own weight of the issued transactions whose past cone holds its root but not the
//!   other. Once both roots are visible, each attacker arrival approves the root of the lighter
//!   branch (adding weight and a tip to it). The split **ends** at the first issue after which
//!   the weights differ by more than `gap` (default `2λh + 10`); `survival_time` is the time
//!   from `t_c` until then, or until `t_N` if it never ends (`survived`).
//!
//! Runs are deterministic per seed (the attacker draws from its own stream), and
//! [`Simulation::run_scenario_ensemble`] gives the same results whatever the thread count.
//!
//! Each attack is a strategy ([`Attack`], module [`attack`]) driven by the event loop that
//! also runs the plain model; [`Simulation::run_attack`] runs any implementation, so a new
//! attack needs no change to the loop (`examples/custom_attack.rs`). The settings of the
//! three attacks have `Default`s, the command line's (share 0.2, the times above).
//!
//! # Example
//! ```
//! use tangle_graph::select::Urts;
//! use tangle_sim::{SimConfig, Simulation};
//!
//! let sim = Simulation::new(SimConfig::new(10.0, 1.0, 2, 5_000))?;
//! let report = sim.run(&mut Urts, 42)?;
//! assert!(report.mean_tips > 10.0 && report.mean_tips < 30.0); // L₀ ≈ 2λh = 20
//! # Ok::<(), tangle_sim::SimError>(())
//! ```
//!
//! # Ensembles
//! [`Simulation::run_ensemble`] runs `R` seeds derived from one ([`derive_seed`]) on scoped
//! threads — the only place the crate starts threads, and only when asked — and reports the
//! mean and Student 95 % confidence interval of each scalar metric ([`Estimate`]). It keeps
//! running totals ([`EnsembleTotals`]: count, exact sum and exact sum of squares per metric,
//! [`ExactSum`], [`Moments`]), so memory does not grow with `R`, and results are bit-for-bit
//! the same whatever the thread count. [`Simulation::run_ensemble_shard`] (and
//! [`Simulation::run_scenario_shard`]) run shard `K` of `N` ([`Shard`]) with the seeds of the
//! whole ensemble; [`EnsembleTotals::merge`] adds shards (their JSON form keeps every bit) into
//! exactly the totals of one machine — the ensemble can be spread over a cluster's array job.
//!
//! # Selectors and reports as the command line has them
//! [`SelectorSpec`] names a built-in selector with `tangle simulate`'s parameters and defaults
//! (RURTS' Δ = `5h + 10/λ`, E-IOTA's mixture [`EIOTA_MIXTURE`], the automatic weight window)
//! and builds it ([`SpecSelector`]); [`Summary`] renders a run, a scenario run or an ensemble's
//! totals as the command line's text ([`Display`](std::fmt::Display)) or JSON
//! ([`serde::Serialize`]).
//!
//! # Output and progress
//! [`output`] writes the `--out` files: CSV series (tips over time, cumulative-weight growth,
//! approval-time histogram, approvers histogram; [`MetricsConfig::series`] records them) and,
//! with the `plots` feature, SVG plots of the first three. [`Simulation::with_progress`] takes
//! a callback that the running thread(s) call every [`PROGRESS_EVERY`] arrivals; the library
//! draws nothing and starts no thread for it.
//!
//! # Limits
//! The parasite is a tree or a line under `D` that never references the main tangle while
//! hidden (no mixed shapes), and scenarios record no cumulative-weight or approval-time series.
//!
//! # Speed of weighted walks
//! MCMC with the entry a fixed number of *transactions* deep ([`SimConfig::weight_window`] with
//! `WalkStart::Behind`) keeps exact weights of the newest transactions in a window and runs
//! hundreds of thousands of transactions per second; with the entry a number of *edges* deep
//! the walks read weights arbitrarily far back, the weights are kept by checkpoints, and a run
//! is more than a hundred times slower. `docs/BENCHMARKS.md` gives the figures, the commands that
//! produce them, and where the time goes.
//!
//! # Features
//! * `plots` (off by default) — SVG plots in [`output`] (plotters with its SVG backend only).
//!
//! No global state; the only clock read is the wall-clock `elapsed_seconds` of a report.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod attack;
mod confidence;
mod config;
mod engine;
mod ensemble;
mod metrics;
pub mod output;
mod render;
mod report;
mod run;
mod scenario;
mod selector;
mod shard;
mod totals;

pub use attack::{Attack, AttackReport, ParasiteChain, ParasiteShape, Splitting, TipSpam};
pub use config::{Delay, Edges, SimConfig, Weights};
pub use ensemble::{EnsembleReport, Estimate, derive_seed};
pub use metrics::{
    Confirmation, CwGrowth, MAX_SELECTOR_CONFIDENCE, MetricsConfig, Series, TipPoint,
};
pub use render::Summary;
pub use report::{SimReport, WeightWindowUse};
pub use run::{PROGRESS_EVERY, Progress, SimTangle, Simulation, TICKS_PER_UNIT};
pub use scenario::{CONFLICT_RETRIES, Outcome, Scenario, ScenarioEnsemble, ScenarioReport};
pub use selector::{
    AUTO_WINDOW_MAX, Algorithm, DEFAULT_ALPHA, DEFAULT_HPS_WINDOW, DEFAULT_WALK_DEPTH,
    EIOTA_MIXTURE, SelectorSpec, SpecError, SpecSelector,
};
pub use shard::{EnsembleTotals, Header, RunHeader, ScenarioHeader, Shard, ShardError, ShardRun};
pub use totals::{ExactSum, Moments};

use tangle_graph::InsertError;
use tangle_graph::select::SelectError;
use thiserror::Error;

/// Why a simulation could not be built or run. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SimError {
    /// A configuration parameter outside its domain.
    #[error("config rule: {name} {reason}")]
    InvalidConfig {
        /// The parameter.
        name: &'static str,
        /// What it must satisfy.
        reason: &'static str,
    },
    /// The tip selector failed.
    #[error(transparent)]
    Select(#[from] SelectError),
    /// The graph refused a transaction (a selector returned an inconsistent selection).
    #[error(transparent)]
    Insert(#[from] InsertError),
    /// A transaction whose parents should all be visible did not attach to the graph (it was
    /// left pending or reported as a duplicate); a selector returned foreign handles.
    #[error("visibility rule: transaction {id} did not attach to the graph")]
    NotAttached {
        /// Issue number of the transaction.
        id: u64,
    },
}
