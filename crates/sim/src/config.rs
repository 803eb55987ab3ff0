//! Parameters of one simulation: [`SimConfig`] and the distributions it uses.

use rand_core::RngCore;
use serde::Serialize;
use tangle_graph::MAX_PARENTS;
use tangle_graph::select::sample;

use crate::SimError;

/// The visibility delay `h` of a transaction: the time between its issue and the moment other
/// arrivals can see (and approve) it (the whitepaper's network-propagation and computation
/// time). Drawn independently per transaction from the simulation's process RNG.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delay {
    /// Every transaction has delay `h` (the whitepaper's model).
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform {
        /// Smallest delay.
        min: f64,
        /// Largest delay.
        max: f64,
    },
    /// Exponential with this mean.
    Exponential {
        /// Mean delay.
        mean: f64,
    },
}

impl Delay {
    /// The mean delay (the `h` of formulas such as L₀ ≈ 2λh).
    pub fn mean(&self) -> f64 {
        match *self {
            Delay::Fixed(h) => h,
            Delay::Uniform { min, max } => 0.5 * (min + max),
            Delay::Exponential { mean } => mean,
        }
    }

    /// Draws one delay.
    pub fn sample(&self, rng: &mut dyn RngCore) -> f64 {
        match *self {
            Delay::Fixed(h) => h,
            Delay::Uniform { min, max } => min + (max - min) * sample::unit(rng),
            Delay::Exponential { mean } => mean * exponential(rng),
        }
    }

    fn validate(&self) -> Result<(), SimError> {
        let ok = match *self {
            Delay::Fixed(h) => h.is_finite() && h >= 0.0,
            Delay::Uniform { min, max } => {
                min.is_finite() && max.is_finite() && min >= 0.0 && max >= min
            }
            Delay::Exponential { mean } => mean.is_finite() && mean >= 0.0,
        };
        if ok {
            Ok(())
        } else {
            Err(SimError::InvalidConfig {
                name: "delay",
                reason: "must be finite and non-negative (min ≤ max)",
            })
        }
    }
}

/// Own weights of transactions (the genesis has weight 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// Every transaction has own weight 1 (the whitepaper's main case).
    Unit,
    /// Uniform integer on `min..=max` (1 ≤ min ≤ max).
    Uniform {
        /// Smallest weight.
        min: u32,
        /// Largest weight.
        max: u32,
    },
}

impl Weights {
    /// Draws one own weight. `Unit` draws nothing from the RNG.
    pub fn sample(&self, rng: &mut dyn RngCore) -> u32 {
        match *self {
            Weights::Unit => 1,
            Weights::Uniform { min, max } => match (max - min).checked_add(1) {
                Some(span) => min + sample::below(rng, span),
                None => rng.next_u32().max(1),
            },
        }
    }
}

/// How the `k` selected tips become edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edges {
    /// `k` *distinct* tips are requested (fewer when fewer tips are visible).
    Single,
    /// `k` independent draws, repeats allowed (the whitepaper's multi-edge variant). The graph
    /// stores parents as a set, so a tip drawn twice is approved by one edge; what matters for
    /// the dynamics — how many distinct tips an arrival removes — is kept.
    Multi,
}

/// Parameters of a simulation. Time is in arbitrary units (λ arrivals per unit).
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Arrival rate λ (> 0): inter-arrival times are exponential with mean 1/λ.
    pub lambda: f64,
    /// Visibility delay `h` of each transaction.
    pub delay: Delay,
    /// Tips approved by each arrival, `k` (1..=8).
    pub parents: usize,
    /// Single- or multi-edge approvals.
    pub edges: Edges,
    /// Own weights.
    pub weights: Weights,
    /// Transactions issued, `N` (not counting the genesis).
    pub transactions: u64,
    /// Warm-up cut: metrics ignore the first `warmup` transactions and the time before the
    /// `warmup`-th was issued. Must be below `transactions`.
    pub warmup: u64,
    /// Horizon of the orphan rate (time units): a transaction is an orphan if no transaction
    /// issued within this time after it approves it.
    pub orphan_horizon: f64,
    /// Maintain exact cumulative weights in the graph (needed by weighted selectors such as
    /// MCMC; URTS/RURTS do not need them and run faster without).
    pub cumulative_weight: bool,
    /// Keep those weights by a window of this many newest transactions instead of
    /// checkpoints ([`tangle_graph::Config::weight_window`]; `0`, the default, means
    /// checkpoints). Weights stay exact either way; the window is much cheaper per arrival
    /// when the selector only reads recent weights (walks entering a bounded number of
    /// transactions behind the tips), and slow when it reads old ones. At most
    /// [`MAX_WINDOW`](tangle_graph::window::MAX_WINDOW).
    pub weight_window: u32,
    /// Name reported under `tip_selection` (not interpreted).
    pub tip_selection: String,
}

impl SimConfig {
    /// The whitepaper's model: rate `lambda`, fixed delay `h`, `k` distinct parents, unit
    /// weights, `transactions` arrivals; warm-up = the first fifth, orphan horizon =
    /// `10·h + 20/λ`, cumulative weights maintained, `tip_selection` = `"custom"`.
    pub fn new(lambda: f64, h: f64, k: usize, transactions: u64) -> Self {
        SimConfig {
            lambda,
            delay: Delay::Fixed(h),
            parents: k,
            edges: Edges::Single,
            weights: Weights::Unit,
            transactions,
            warmup: transactions / 5,
            orphan_horizon: 10.0 * h + 20.0 / lambda,
            cumulative_weight: true,
            weight_window: 0,
            tip_selection: "custom".to_owned(),
        }
    }

    /// Checks every parameter; [`Simulation::new`](crate::Simulation::new) calls it.
    pub fn validate(&self) -> Result<(), SimError> {
        if !(self.lambda.is_finite() && self.lambda > 0.0) {
            return Err(SimError::InvalidConfig {
                name: "lambda",
                reason: "must be finite and positive",
            });
        }
        self.delay.validate()?;
        if self.parents == 0 || self.parents > MAX_PARENTS {
            return Err(SimError::InvalidConfig {
                name: "parents",
                reason: "must be in 1..=8",
            });
        }
        if let Weights::Uniform { min, max } = self.weights
            && (min == 0 || max < min)
        {
            return Err(SimError::InvalidConfig {
                name: "weights",
                reason: "need 1 ≤ min ≤ max",
            });
        }
        if self.transactions == 0 || self.transactions > u64::from(u32::MAX - 2) {
            return Err(SimError::InvalidConfig {
                name: "transactions",
                reason: "must be in 1..u32::MAX - 2",
            });
        }
        if self.warmup >= self.transactions {
            return Err(SimError::InvalidConfig {
                name: "warmup",
                reason: "must be below transactions",
            });
        }
        if !(self.orphan_horizon.is_finite() && self.orphan_horizon > 0.0) {
            return Err(SimError::InvalidConfig {
                name: "orphan_horizon",
                reason: "must be finite and positive",
            });
        }
        if self.weight_window > tangle_graph::window::MAX_WINDOW {
            return Err(SimError::InvalidConfig {
                name: "weight_window",
                reason: "must be at most 65,536 (rows of W²/8 bytes)",
            });
        }
        Ok(())
    }
}

/// An Exp(1) variate: `−ln(1 − U)` with `U` uniform on `[0, 1)`, so never infinite.
pub(crate) fn exponential(rng: &mut dyn RngCore) -> f64 {
    -(1.0 - sample::unit(rng)).ln()
}
