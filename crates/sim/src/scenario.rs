//! Attack scenarios on top of the model: [`Scenario`], [`Simulation::run_scenario`] and
//! [`Simulation::run_attack`].
//!
//! Each scenario runs the whitepaper's model (Poisson arrivals of rate λ, delay `h`, `k` tips
//! from the selector under test) and lets an attacker own a share `q` of the arrivals during
//! its attack: each arrival of the attack window is the attacker's with probability `q`
//! (so honest transactions arrive at rate `(1 − q)λ` then, the attacker's at rate `qλ`).
//! The crate docs define each scenario and its outcome precisely; each is an
//! [`Attack`] in its own file under `attack/`, run by the event loop every run shares.
//!
//! Honest transactions never approve both sides of a conflict: when the selector returns tips
//! whose past cones hold both conflicting transactions, the selection is drawn again (up to
//! [`CONFLICT_RETRIES`] times), then the tips on the side of the first tip that is on a side
//! are kept — what a node that validates its parents does.

use std::collections::BTreeMap;
use std::time::Instant;

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use serde::Serialize;
use tangle_graph::select::TipSelector;
use tangle_graph::{Config, Tangle};

use crate::SimError;
use crate::attack::{
    Attack, AttackReport, ParasiteChain, ParasiteRun, RunEnd, Splitting, SplittingRun, TipSpam,
    TipSpamRun,
};
use crate::engine::{Plan, Recorders, World, run_arrivals};
use crate::ensemble::{Estimate, derive_seed, parallel_runs};
use crate::metrics::{Probe, TipPoint};
use crate::run::{SimTangle, Simulation};

/// Selections drawn again when they approve both sides of a conflict.
pub const CONFLICT_RETRIES: u32 = 10;

/// Key of an attack run's id index (it only affects speed, never results).
const HASH_KEY: u64 = 0x7363_656e_6172_696f;

/// Points of an attack run's tips-over-time series.
const TIP_POINTS: u64 = 1_000;

/// An attack scenario.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Parasite-chain double spend.
    ParasiteChain(ParasiteChain),
    /// Tip spam / lazy tips.
    TipSpam(TipSpam),
    /// Splitting attempt.
    Splitting(Splitting),
}

impl Scenario {
    /// The scenario's name as on the command line (`parasite-chain`, `tip-spam`, `splitting`).
    pub fn name(&self) -> &'static str {
        match self {
            Scenario::ParasiteChain(_) => "parasite-chain",
            Scenario::TipSpam(_) => "tip-spam",
            Scenario::Splitting(_) => "splitting",
        }
    }

    /// The attacker's share `q`.
    pub fn share(&self) -> f64 {
        match self {
            Scenario::ParasiteChain(p) => p.share,
            Scenario::TipSpam(s) => s.share,
            Scenario::Splitting(s) => s.share,
        }
    }

    fn validate(&self) -> Result<(), SimError> {
        check_share(self.share())?;
        match self {
            Scenario::ParasiteChain(p) => p.validate(),
            Scenario::TipSpam(s) => s.validate(),
            Scenario::Splitting(s) => s.validate(),
        }
    }

    /// The parameters with the defaults for rate `lambda` and mean delay `h` filled in.
    #[must_use]
    pub fn resolved(&self, lambda: f64, h: f64) -> Self {
        match self {
            Scenario::ParasiteChain(p) => Scenario::ParasiteChain(p.resolved(lambda, h)),
            Scenario::TipSpam(s) => Scenario::TipSpam(s.resolved(lambda, h)),
            Scenario::Splitting(s) => Scenario::Splitting(s.resolved(lambda, h)),
        }
    }
}

/// The attacker's share must be in `[0, 1)`.
fn check_share(q: f64) -> Result<(), SimError> {
    if (0.0..1.0).contains(&q) {
        Ok(())
    } else {
        Err(SimError::InvalidConfig {
            name: "attacker_share",
            reason: "must be in [0, 1)",
        })
    }
}

/// What decided a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Parasite chain.
    ParasiteChain {
        /// The attacker won: more honest transactions of the second half of the evaluation
        /// window hold the double spend `D` in their past cone than the payment `P`.
        success: bool,
        /// Honest transactions of that half approving `D` (directly or not).
        honest_on_double_spend: u64,
        /// Honest transactions of that half approving `P`.
        honest_on_payment: u64,
        /// Transactions of the parasite (`D` and the chain).
        parasite_size: u64,
        /// Release time.
        released_at: f64,
        /// The run reached the end of the evaluation window (else it hit the transaction cap
        /// and the counts cover what was reached).
        complete: bool,
    },
    /// Tip spam.
    TipSpam {
        /// Lazy transactions issued.
        lazy_transactions: u64,
        /// Share of the measured honest transactions that approve a lazy one directly.
        honest_approving_lazy: Option<f64>,
    },
    /// Splitting.
    Splitting {
        /// Time from the split until the weights of the branches first differed by more than
        /// the gap (or until the last issue, if they never did).
        survival_time: f64,
        /// The branches were still balanced at the last issue (the survival time is then a
        /// lower bound).
        survived: bool,
        /// Weight of branch `A` (transactions whose past cone holds `A` but not `B`) at the
        /// end of the split.
        weight_a: u64,
        /// Weight of branch `B` at the end of the split.
        weight_b: u64,
    },
}

/// Result of one scenario run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioReport {
    /// `parasite-chain`, `tip-spam` or `splitting`.
    pub scenario: &'static str,
    /// The scenario's parameters, defaults filled in.
    pub parameters: Scenario,
    /// Name of the tip selector.
    pub tip_selection: String,
    /// Arrival rate λ.
    pub lambda: f64,
    /// Mean visibility delay `h`.
    pub delay: f64,
    /// Tips per arrival, `k`.
    pub parents: usize,
    /// Seed of the run.
    pub seed: u64,
    /// Transactions issued (honest and attacker's, without the genesis).
    pub transactions: u64,
    /// Of which the attacker's.
    pub attacker_transactions: u64,
    /// Time-average of the tips in the view of an arrival, after the warm-up.
    pub mean_tips: f64,
    /// Tips of the final graph.
    pub final_tips: usize,
    /// Share of the measured honest transactions (issued after the warm-up, a full orphan
    /// horizon before the end) not approved within the orphan horizon.
    pub honest_orphan_rate: Option<f64>,
    /// The same for the attacker's transactions.
    pub attacker_orphan_rate: Option<f64>,
    /// The scenario's outcome.
    pub outcome: Outcome,
    /// Tips over time (not serialised).
    #[serde(skip)]
    pub tips: Vec<TipPoint>,
    /// Wall-clock duration of the run (not deterministic).
    pub elapsed_seconds: f64,
}

impl ScenarioReport {
    /// The outcome as numbers for ensembles: `success` (0 or 1) for a parasite chain,
    /// `survival_time` for a split, `honest_approving_lazy` for tip spam.
    fn outcome_values(&self) -> Vec<(&'static str, Option<f64>)> {
        match &self.outcome {
            Outcome::ParasiteChain { success, .. } => {
                vec![("success", Some(if *success { 1.0 } else { 0.0 }))]
            }
            Outcome::TipSpam {
                honest_approving_lazy,
                ..
            } => vec![("honest_approving_lazy", *honest_approving_lazy)],
            Outcome::Splitting { survival_time, .. } => {
                vec![("survival_time", Some(*survival_time))]
            }
        }
    }
}

/// Results of a scenario ensemble: every run's report and the estimates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioEnsemble {
    /// Number of runs.
    pub runs: u32,
    /// The ensemble seed; run `r` used [`derive_seed`]`(seed, r)`.
    pub seed: u64,
    /// Mean and 95 % CI of `mean_tips`, `final_tips`, `honest_orphan_rate`,
    /// `attacker_orphan_rate` and the outcome (`success` — whose mean is the success rate —,
    /// `survival_time` or `honest_approving_lazy`), over the runs that define them.
    pub estimates: BTreeMap<&'static str, Estimate>,
    /// Per-run reports, run 0 first.
    pub reports: Vec<ScenarioReport>,
}

/// The process, selection and attacker streams of `seed` (ChaCha8 streams 0, 1 and 2).
pub(crate) fn streams(seed: u64) -> (ChaCha8Rng, ChaCha8Rng, ChaCha8Rng) {
    let process = ChaCha8Rng::seed_from_u64(seed);
    let mut choose = ChaCha8Rng::seed_from_u64(seed);
    choose.set_stream(1);
    let mut attack = ChaCha8Rng::seed_from_u64(seed);
    attack.set_stream(2);
    (process, choose, attack)
}

impl Simulation {
    /// Runs `scenario` once with `selector` for the honest transactions (see the crate docs
    /// for each scenario's rules and outcome). The configuration's `transactions` caps the
    /// arrivals, its warm-up sets the start of the attack; delays, weights and edges apply to
    /// honest and attacker transactions alike.
    pub fn run_scenario(
        &self,
        scenario: &Scenario,
        selector: &mut dyn TipSelector<SimTangle>,
        seed: u64,
    ) -> Result<ScenarioReport, SimError> {
        scenario.validate()?;
        let cfg = self.config();
        let parameters = scenario.resolved(cfg.lambda, cfg.delay.mean());
        let report = match &parameters {
            Scenario::ParasiteChain(p) => {
                self.run_attack(&mut ParasiteRun::new(p), selector, seed)?
            }
            Scenario::TipSpam(s) => self.run_attack(&mut TipSpamRun::new(s), selector, seed)?,
            Scenario::Splitting(s) => self.run_attack(&mut SplittingRun::new(s), selector, seed)?,
        };
        Ok(ScenarioReport {
            scenario: scenario.name(),
            parameters,
            tip_selection: cfg.tip_selection.clone(),
            lambda: cfg.lambda,
            delay: cfg.delay.mean(),
            parents: cfg.parents,
            seed,
            transactions: report.transactions,
            attacker_transactions: report.attacker_transactions,
            mean_tips: report.mean_tips,
            final_tips: report.final_tips,
            honest_orphan_rate: report.honest_orphan_rate,
            attacker_orphan_rate: report.attacker_orphan_rate,
            outcome: report.outcome,
            tips: report.tips,
            elapsed_seconds: report.elapsed_seconds,
        })
    }

    /// Runs `attack` once with `selector` for the honest transactions: the attack starts at
    /// the issue of transaction `warmup` (at least the first), which also starts the
    /// measurement window of `mean_tips` and of the orphan rates. Three streams derive from
    /// `seed` (ChaCha8): 0 for the process (inter-arrival times, attacker coins, weights,
    /// delays), 1 for the selector, 2 for the attacker ([`AttackContext::rng`]).
    ///
    /// [`AttackContext::rng`]: crate::attack::AttackContext::rng
    pub fn run_attack<A: Attack + ?Sized>(
        &self,
        attack: &mut A,
        selector: &mut dyn TipSelector<SimTangle>,
        seed: u64,
    ) -> Result<AttackReport<A::Outcome>, SimError> {
        check_share(attack.share())?;
        let started = Instant::now();
        let cfg = self.config();
        let n = cfg.transactions;
        let start = cfg.warmup.max(1);
        let tangle = Tangle::with_capacity(
            Config {
                track_cumulative_weight: cfg.cumulative_weight,
                weight_window: cfg.weight_window,
                hash_key: Some(HASH_KEY),
                ..Config::default()
            },
            usize::try_from(n + 4).unwrap_or(usize::MAX),
        );
        let (process, mut choose, attack_rng) = streams(seed);
        let mut world = World::new(tangle, cfg, true, false, process, attack_rng)?;
        let mut probe = Probe::tips_every((n / TIP_POINTS).max(1));
        let plan = Plan {
            config: cfg,
            request: self.request()?,
            weight_first: true,
            measure_from: start,
            attack_start: start,
        };
        let progress = |done| self.report_progress(done);
        let recorders = Recorders {
            probe: &mut probe,
            confidence: None,
            progress: &progress,
        };
        let end = run_arrivals(&mut world, attack, selector, &mut choose, &plan, recorders)?;
        let tally = world.tally(end.t_warm, end.t_end, cfg.orphan_horizon);
        let outcome = attack.outcome(&RunEnd {
            graph: &world.tangle,
            labels: world.labels(),
            t_end: end.t_end,
            tally,
        });
        let rate = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        Ok(AttackReport {
            transactions: world.issued(),
            attacker_transactions: end.attacker_arrivals + world.attacker_extra,
            mean_tips: world.areas.view / (end.t_end - end.t_warm),
            final_tips: world.tangle.tips().len(),
            honest_orphan_rate: rate(tally.honest_orphans, tally.honest),
            attacker_orphan_rate: rate(tally.attacker_orphans, tally.attacker),
            outcome,
            tips: probe.into_tips(),
            elapsed_seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Runs `scenario` `runs` times with seeds [`derive_seed`]`(seed, r)` on `threads` threads
    /// (0 = available parallelism), like [`Simulation::run_ensemble`]: results do not depend
    /// on `threads`.
    pub fn run_scenario_ensemble<S, F>(
        &self,
        scenario: &Scenario,
        make_selector: F,
        runs: u32,
        seed: u64,
        threads: usize,
    ) -> Result<ScenarioEnsemble, SimError>
    where
        S: TipSelector<SimTangle>,
        F: Fn() -> S + Sync,
    {
        scenario.validate()?;
        let reports = parallel_runs(runs, threads, make_selector, |selector, r| {
            self.run_scenario(scenario, selector, derive_seed(seed, r))
        })?;
        let mut estimates = BTreeMap::new();
        let mut add = |name: &'static str, values: Vec<f64>| {
            estimates.insert(name, Estimate::of(&values));
        };
        add("mean_tips", reports.iter().map(|r| r.mean_tips).collect());
        add(
            "final_tips",
            reports.iter().map(|r| r.final_tips as f64).collect(),
        );
        add(
            "honest_orphan_rate",
            reports
                .iter()
                .filter_map(|r| r.honest_orphan_rate)
                .collect(),
        );
        add(
            "attacker_orphan_rate",
            reports
                .iter()
                .filter_map(|r| r.attacker_orphan_rate)
                .collect(),
        );
        if let Some(first) = reports.first() {
            for (i, (name, _)) in first.outcome_values().into_iter().enumerate() {
                add(
                    name,
                    reports
                        .iter()
                        .filter_map(|r| r.outcome_values().get(i).and_then(|v| v.1))
                        .collect(),
                );
            }
        }
        Ok(ScenarioEnsemble {
            runs,
            seed,
            estimates,
            reports,
        })
    }
}
