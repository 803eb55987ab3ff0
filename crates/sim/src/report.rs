//! The result of one run: [`SimReport`].

use serde::Serialize;

use crate::config::{Delay, Edges, Weights};
use crate::metrics::{Confirmation, CwGrowth, Series};

/// Metrics of one run, serialisable to JSON (the keys of `tangle simulate --json`).
///
/// All metrics are measured after the warm-up cut; the crate docs define each one precisely.
/// Everything except `elapsed_seconds` (wall-clock time) is a deterministic function of the
/// configuration, the selector and the seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimReport {
    /// Transactions issued, `N` (without the genesis).
    pub transactions: u64,
    /// Name of the tip selector (from the configuration).
    pub tip_selection: String,
    /// Arrival rate λ.
    pub lambda: f64,
    /// Mean visibility delay `h`.
    pub delay: f64,
    /// The delay distribution.
    pub delay_distribution: Delay,
    /// Tips requested per arrival, `k`.
    pub parents: usize,
    /// Single- or multi-edge.
    pub edges: Edges,
    /// Own-weight distribution.
    pub weights: Weights,
    /// Seed of the run.
    pub seed: u64,
    /// Transactions ignored by the warm-up cut.
    pub warmup: u64,
    /// Length of the measurement window `[t_w, t_N]` in time units.
    pub measured_time: f64,
    /// Time-average of the number of tips in the view of an arriving transaction.
    pub mean_tips: f64,
    /// Time-average of the global tip count (invisible transactions included).
    pub mean_global_tips: f64,
    /// Transactions whose approval metrics were measured (issued after the warm-up, at least
    /// one orphan horizon before the end).
    pub measured_transactions: u64,
    /// Mean time from issue to the issue of the first approver, over measured transactions
    /// that were approved before the end of the run (`NaN`, serialised as `null`, if none).
    pub mean_first_approval_time: f64,
    /// Share of measured transactions not approved within the orphan horizon.
    pub orphan_rate: f64,
    /// The orphan horizon (time units).
    pub orphan_horizon: f64,
    /// Entry `n`: share of measured transactions with exactly `n` direct approvers at the end
    /// of the run.
    pub approvers_histogram: Vec<f64>,
    /// Tips of the final graph (every issued transaction made visible).
    pub final_tips: usize,
    /// Bytes held by the graph and the approval bitmap at the end, per transaction (genesis
    /// included).
    pub memory_bytes_per_transaction: f64,
    /// How the weight window served the selector, when the run kept weights by one
    /// ([`SimConfig::weight_window`](crate::SimConfig::weight_window); `null` with
    /// checkpoints).
    pub weight_window: Option<WeightWindowUse>,
    /// Mean cumulative-weight growth of the sampled transactions (crate docs).
    pub cumulative_weight_growth: CwGrowth,
    /// Confirmation latency of the sampled transactions (crate docs).
    pub confirmation: Confirmation,
    /// The `--out` series, when [`MetricsConfig::series`](crate::MetricsConfig::series) was
    /// set (not serialised: the CSV files carry them).
    #[serde(skip)]
    pub series: Option<Series>,
    /// Wall-clock duration of the run (not deterministic).
    pub elapsed_seconds: f64,
}

/// The weight window of a run: its size and how often it was too small.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WeightWindowUse {
    /// Window size `W` (the configured value rounded up to a power of two).
    pub size: u32,
    /// Weights the selector read from transactions older than the window, each answered by
    /// a search of its future cone: exact, but slow if common (then widen the window).
    pub cone_searches: u64,
}

impl SimReport {
    /// Simulated transactions per wall-clock second.
    pub fn transactions_per_second(&self) -> f64 {
        self.transactions as f64 / self.elapsed_seconds
    }
}
