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
//! mean and Student 95 % confidence interval of each scalar metric ([`Estimate`]). Results are
//! bit-for-bit the same whatever the thread count.
//!
//! # Features
//! None. No global state; the only clock read is the wall-clock `elapsed_seconds` of a
//! report.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod ensemble;
mod report;
mod run;

pub use config::{Delay, Edges, SimConfig, Weights};
pub use ensemble::{EnsembleReport, Estimate, derive_seed};
pub use report::SimReport;
pub use run::{SimTangle, Simulation, TICKS_PER_UNIT};

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
