//! Attack scenarios on top of the model: [`Scenario`] and [`Simulation::run_scenario`].
//!
//! Each scenario runs the whitepaper's model (Poisson arrivals of rate λ, delay `h`, `k` tips
//! from the selector under test) and lets an attacker own a share `q` of the arrivals during
//! its attack: each arrival of the attack window is the attacker's with probability `q`
//! (so honest transactions arrive at rate `(1 − q)λ` then, the attacker's at rate `qλ`).
//! The crate docs define each scenario and its outcome precisely.
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
use tangle_graph::select::{TipRequest, TipSelector, sample};
use tangle_graph::{Config, Handle, MAX_PARENTS, Tangle};

use crate::SimError;
use crate::config::{Edges, exponential};
use crate::ensemble::{Estimate, derive_seed, parallel_runs};
use crate::metrics::TipPoint;
use crate::run::{PROGRESS_EVERY, SimTangle, Simulation, TICKS_PER_UNIT};

/// Selections drawn again when they approve both sides of a conflict.
pub const CONFLICT_RETRIES: u32 = 10;

/// Label bit: the past cone (the vertex included) holds the first conflicting transaction
/// (the honest payment `P`, or branch `A` of a split).
const SIDE_X: u8 = 1;
/// Label bit: the past cone holds the second one (the double spend `D`, or branch `B`).
const SIDE_Y: u8 = 2;
const SIDES: u8 = SIDE_X | SIDE_Y;
/// Label bit: issued by the attacker.
const ATTACKER: u8 = 4;

/// Parasite-chain double spend (Popov, §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParasiteChain {
    /// Attacker's share `q` of the arrivals while it builds the chain, in `[0, 1)`.
    pub share: f64,
    /// Age of the old transaction the double spend approves (default `2h + 5/λ`).
    pub root_age: Option<f64>,
    /// How long the chain is built in secret (default `20h + 40/λ`).
    pub hide_time: Option<f64>,
    /// Evaluation window after the release (default `10h + 20/λ`).
    pub eval_time: Option<f64>,
    /// How the hidden transactions approve each other.
    pub shape: ParasiteShape,
}

/// The structure of a hidden parasite; member 0 is the double spend `D`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParasiteShape {
    /// Member `j` approves member `⌊(j−1)/2⌋`: a binary tree whose leaves, half the parasite,
    /// are tips at the release — what lures a selector that picks tips uniformly (default).
    #[default]
    Tree,
    /// Member `j` approves member `j − 1`: one line with a single tip, heavy at its base —
    /// Popov's "parasite chain" taken literally.
    Chain,
}

/// Tip spam / lazy tips: a share `q` of the arrivals approves old transactions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TipSpam {
    /// Share `q` of the arrivals after the warm-up that are lazy, in `[0, 1)`.
    pub share: f64,
    /// Lazy transactions approve transactions issued between `2·lazy_age` and `lazy_age`
    /// earlier (default `5h + 10/λ`).
    pub lazy_age: Option<f64>,
}

/// Splitting attempt: the attacker keeps two conflicting branches balanced.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Splitting {
    /// Attacker's share `q` of the arrivals after the split, in `[0, 1)`.
    pub share: f64,
    /// The split ends when the branches' weights differ by more than this (default
    /// `2λh + 10`, about the tip count plus noise).
    pub gap: Option<f64>,
}

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
        let q = self.share();
        if !(0.0..1.0).contains(&q) {
            return Err(SimError::InvalidConfig {
                name: "attacker_share",
                reason: "must be in [0, 1)",
            });
        }
        let times: &[(&'static str, Option<f64>)] = match self {
            Scenario::ParasiteChain(p) => &[
                ("root_age", p.root_age),
                ("hide_time", p.hide_time),
                ("eval_time", p.eval_time),
            ],
            Scenario::TipSpam(s) => &[("lazy_age", s.lazy_age)],
            Scenario::Splitting(s) => &[("split_gap", s.gap)],
        };
        for &(name, value) in times {
            if let Some(v) = value
                && !(v.is_finite() && v > 0.0)
            {
                return Err(SimError::InvalidConfig {
                    name,
                    reason: "must be finite and positive",
                });
            }
        }
        Ok(())
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

/// A transaction issued but not yet visible.
#[derive(Clone, Copy, Debug)]
struct Tx {
    issued: u64,
    weight: u32,
    len: u8,
    parents: [Handle; MAX_PARENTS],
    own: u8,
}

/// A parent of a hidden parasite transaction.
#[derive(Clone, Copy, Debug)]
enum HiddenParent {
    Visible(Handle),
    Hidden(usize),
}

#[derive(Clone, Copy, Debug)]
struct Hidden {
    id: u64,
    issued: u64,
    weight: u32,
    parent: HiddenParent,
}

fn ticks(t: f64) -> u64 {
    (t * TICKS_PER_UNIT).round() as u64
}

/// The state of a scenario run.
struct World {
    tangle: SimTangle,
    /// Label bits by handle.
    labels: Vec<u8>,
    /// Invisible transactions by (visibility time bits, id).
    queue: BTreeMap<(u64, u64), Tx>,
    /// Issue time by id.
    issue_times: Vec<f64>,
    /// By id: approved by an issued transaction (for the global tip count).
    approved: Vec<bool>,
    global_tips: u64,
    measuring: bool,
    last: f64,
    area: f64,
}

impl World {
    fn insert(&mut self, id: u64, tx: &Tx) -> Result<Handle, SimError> {
        let parents = &tx.parents[..tx.len as usize];
        let h = self
            .tangle
            .insert_solid(id, parents, tx.weight, tx.issued)?;
        let mut label = tx.own;
        for p in parents {
            label |= self.labels.get(p.index()).copied().unwrap_or(0) & SIDES;
        }
        if self.labels.len() <= h.index() {
            self.labels.resize(h.index() + 1, 0);
        }
        self.labels[h.index()] = label;
        Ok(h)
    }

    /// Advances the clock to `to`, integrating the view's tip count.
    fn advance(&mut self, to: f64) {
        if self.measuring {
            self.area += self.tangle.tips().len() as f64 * (to - self.last);
        }
        self.last = to;
    }

    /// Makes visible everything due by `t`.
    fn reveal_until(&mut self, t: f64) -> Result<(), SimError> {
        while let Some((&(bits, id), _)) = self.queue.first_key_value() {
            let visible = f64::from_bits(bits);
            if visible > t {
                break;
            }
            let Some(tx) = self.queue.remove(&(bits, id)) else {
                break;
            };
            self.advance(visible);
            self.insert(id, &tx)?;
        }
        Ok(())
    }

    fn issue(&mut self, id: u64, t: f64, parent_ids: impl Iterator<Item = u64>) {
        if self.issue_times.len() <= id as usize {
            self.issue_times.resize(id as usize + 1, 0.0);
            self.approved.resize(id as usize + 1, false);
        }
        self.issue_times[id as usize] = t;
        for p in parent_ids {
            if let Some(a) = self.approved.get_mut(p as usize)
                && !*a
            {
                *a = true;
                self.global_tips -= 1;
            }
        }
        self.global_tips += 1;
    }

    /// Union of the side bits of `handles`.
    fn sides(&self, handles: &[Handle]) -> u8 {
        handles
            .iter()
            .fold(0, |acc, h| acc | (self.labels[h.index()] & SIDES))
    }

    /// The largest visible id issued at or before `t` (the genesis if none).
    fn visible_at_or_before(&self, t: f64, below: u64) -> Handle {
        let end = self
            .issue_times
            .partition_point(|&x| x <= t)
            .min(below as usize);
        (0..end)
            .rev()
            .take(10_000)
            .find_map(|id| self.tangle.handle(&(id as u64)))
            .unwrap_or(Handle::new(0))
    }
}

/// Inserts the parasite (`D` first, then the chain in issue order, parents before children).
fn release(world: &mut World, hidden: &[Hidden]) -> Result<(), SimError> {
    let mut handles: Vec<Handle> = Vec::with_capacity(hidden.len());
    for x in hidden {
        let parent = match x.parent {
            HiddenParent::Visible(p) => p,
            HiddenParent::Hidden(i) => handles[i],
        };
        let mut parents = [Handle::default(); MAX_PARENTS];
        parents[0] = parent;
        let own = if handles.is_empty() {
            SIDE_Y | ATTACKER
        } else {
            ATTACKER
        };
        let tx = Tx {
            issued: x.issued,
            weight: x.weight,
            len: 1,
            parents,
            own,
        };
        handles.push(world.insert(x.id, &tx)?);
    }
    Ok(())
}

/// The honest parents: a selection that does not approve both sides of the conflict.
fn honest_parents(
    world: &World,
    selector: &mut dyn TipSelector<SimTangle>,
    request: TipRequest,
    rng: &mut ChaCha8Rng,
) -> Result<([Handle; MAX_PARENTS], usize), SimError> {
    let mut attempt = 0;
    loop {
        let selection = selector.select(&world.tangle, request, rng)?;
        attempt += 1;
        let conflict = world.sides(selection.as_slice()) == SIDES;
        if conflict && attempt <= CONFLICT_RETRIES {
            continue;
        }
        let keep = if conflict {
            selection
                .iter()
                .map(|h| world.labels[h.index()] & SIDES)
                .find(|&s| s != 0)
                .unwrap_or(0)
        } else {
            SIDES
        };
        let mut parents = [Handle::default(); MAX_PARENTS];
        let mut len = 0;
        for &h in selection.as_slice() {
            let side = world.labels[h.index()] & SIDES;
            if side & !keep != 0 {
                continue;
            }
            if len == 0 || parents[len - 1] != h {
                parents[len] = h;
                len += 1;
            }
        }
        return Ok((parents, len));
    }
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
        let started = Instant::now();
        let cfg = self.config();
        let lambda = cfg.lambda;
        let h = cfg.delay.mean();
        let q = scenario.share();
        let n = cfg.transactions;
        let start_seq = cfg.warmup.max(1);
        let mut world = World {
            tangle: Tangle::with_capacity(
                Config {
                    track_cumulative_weight: cfg.cumulative_weight,
                    weight_window: cfg.weight_window,
                    hash_key: Some(0x7363_656e_6172_696f),
                    ..Config::default()
                },
                usize::try_from(n + 4).unwrap_or(usize::MAX),
            ),
            labels: vec![0],
            queue: BTreeMap::new(),
            issue_times: vec![0.0],
            approved: vec![false],
            global_tips: 1,
            measuring: false,
            last: 0.0,
            area: 0.0,
        };
        world.tangle.add_solid_entry_point(0, 1, 0, None)?;
        let mut process = ChaCha8Rng::seed_from_u64(seed);
        let mut choose = ChaCha8Rng::seed_from_u64(seed);
        choose.set_stream(1);
        let mut attack = ChaCha8Rng::seed_from_u64(seed);
        attack.set_stream(2);
        let mut request = TipRequest::new(cfg.parents)?;
        if cfg.edges == Edges::Multi {
            request = request.with_repeats();
        }

        // Parasite chain.
        let (root_age, hide_time, eval_time) = match scenario {
            Scenario::ParasiteChain(p) => (
                p.root_age.unwrap_or(2.0 * h + 5.0 / lambda),
                p.hide_time.unwrap_or(20.0 * h + 40.0 / lambda),
                p.eval_time.unwrap_or(10.0 * h + 20.0 / lambda),
            ),
            _ => (0.0, 0.0, 0.0),
        };
        let mut hidden: Vec<Hidden> = Vec::new();
        let mut release_at = f64::INFINITY;
        let mut released = false;
        // Tip spam.
        let lazy_age = match scenario {
            Scenario::TipSpam(s) => s.lazy_age.unwrap_or(5.0 * h + 10.0 / lambda),
            _ => 0.0,
        };
        let mut lazy = 0u64;
        // Splitting.
        let gap = match scenario {
            Scenario::Splitting(s) => s.gap.unwrap_or(2.0 * lambda * h + 10.0),
            _ => 0.0,
        };
        // The parameters with their defaults filled in, for the report.
        let parameters = match *scenario {
            Scenario::ParasiteChain(p) => Scenario::ParasiteChain(ParasiteChain {
                root_age: Some(root_age),
                hide_time: Some(hide_time),
                eval_time: Some(eval_time),
                ..p
            }),
            Scenario::TipSpam(s) => Scenario::TipSpam(TipSpam {
                lazy_age: Some(lazy_age),
                ..s
            }),
            Scenario::Splitting(s) => Scenario::Splitting(Splitting {
                gap: Some(gap),
                ..s
            }),
        };
        let mut roots: Option<(u64, u64)> = None;
        let mut weight_a = 0u64;
        let mut weight_b = 0u64;
        let mut split_end: Option<(f64, u64, u64)> = None;

        let mut t_attack = 0.0;
        let mut t = 0.0;
        let mut t_warm = 0.0;
        let mut next_id = 1u64;
        let mut attacker_count = 0u64;
        let mut tips = Vec::new();
        let stride = (n / 1_000).max(1);
        let mut seq = 0u64;
        let mut complete = false;
        while seq < n {
            seq += 1;
            t += exponential(&mut process) / lambda;
            if matches!(scenario, Scenario::ParasiteChain(_)) && t >= release_at + eval_time {
                complete = true;
                t = release_at + eval_time;
                break;
            }
            if !released && t >= release_at {
                world.reveal_until(release_at)?;
                world.advance(release_at);
                release(&mut world, &hidden)?;
                released = true;
            }
            world.reveal_until(t)?;
            world.advance(t);
            if seq == start_seq {
                world.measuring = true;
                t_warm = t;
                t_attack = t;
            }
            let attacking = seq > start_seq
                && match scenario {
                    Scenario::ParasiteChain(_) => t < release_at,
                    Scenario::TipSpam(_) => true,
                    Scenario::Splitting(_) => roots.is_some_and(|(a, b)| {
                        world.tangle.contains(&a) && world.tangle.contains(&b)
                    }),
                };
            let attacker = attacking && sample::unit(&mut process) < q;
            let weight = cfg.weights.sample(&mut process);
            let delay = cfg.delay.sample(&mut process);
            let id = next_id;
            next_id += 1;

            if attacker {
                attacker_count += 1;
                match scenario {
                    Scenario::ParasiteChain(p) => {
                        // Under D (member 0), as the shape says.
                        let j = hidden.len();
                        let parent = match p.shape {
                            ParasiteShape::Tree => (j - 1) / 2,
                            ParasiteShape::Chain => j - 1,
                        };
                        hidden.push(Hidden {
                            id,
                            issued: ticks(t),
                            weight,
                            parent: HiddenParent::Hidden(parent),
                        });
                        world.issue(id, t, std::iter::once(hidden[parent].id));
                    }
                    Scenario::TipSpam(_) => {
                        lazy += 1;
                        let hi = world.issue_times.partition_point(|&x| x <= t - lazy_age);
                        let lo = world
                            .issue_times
                            .partition_point(|&x| x <= t - 2.0 * lazy_age);
                        let mut parents = [Handle::default(); MAX_PARENTS];
                        let mut len = 0usize;
                        if hi > lo {
                            for _ in 0..4 * cfg.parents {
                                let pick = lo as u64
                                    + u64::from(sample::below(&mut attack, (hi - lo) as u32));
                                if let Some(p) = world.tangle.handle(&pick)
                                    && !parents[..len].contains(&p)
                                {
                                    parents[len] = p;
                                    len += 1;
                                    if len == cfg.parents {
                                        break;
                                    }
                                }
                            }
                        }
                        if len == 0 {
                            parents[0] = Handle::new(0);
                            len = 1;
                        }
                        parents[..len].sort_unstable();
                        let ids: Vec<u64> =
                            parents[..len].iter().map(|&p| world.tangle.id(p)).collect();
                        world.issue(id, t, ids.into_iter());
                        world.queue.insert(
                            ((t + delay).to_bits(), id),
                            Tx {
                                issued: ticks(t),
                                weight,
                                len: len as u8,
                                parents,
                                own: ATTACKER,
                            },
                        );
                    }
                    Scenario::Splitting(_) => {
                        // Support the lighter branch at its root (ties: A).
                        let (a, b) = roots.unwrap_or((0, 0));
                        let (root, side) = if weight_a <= weight_b {
                            (a, SIDE_X)
                        } else {
                            (b, SIDE_Y)
                        };
                        let handle = world.tangle.handle(&root).unwrap_or(Handle::new(0));
                        let mut parents = [Handle::default(); MAX_PARENTS];
                        parents[0] = handle;
                        world.issue(id, t, std::iter::once(root));
                        if side == SIDE_X {
                            weight_a += u64::from(weight);
                        } else {
                            weight_b += u64::from(weight);
                        }
                        world.queue.insert(
                            ((t + delay).to_bits(), id),
                            Tx {
                                issued: ticks(t),
                                weight,
                                len: 1,
                                parents,
                                own: ATTACKER,
                            },
                        );
                    }
                }
            } else {
                let (parents, len) = honest_parents(&world, selector, request, &mut choose)?;
                let side = world.sides(&parents[..len]);
                let ids: Vec<u64> = parents[..len].iter().map(|&p| world.tangle.id(p)).collect();
                world.issue(id, t, ids.iter().copied());
                let mut own = 0;
                if seq == start_seq && matches!(scenario, Scenario::ParasiteChain(_)) {
                    own = SIDE_X;
                }
                match side | own {
                    SIDE_X => weight_a += u64::from(weight),
                    SIDE_Y => weight_b += u64::from(weight),
                    _ => {}
                }
                world.queue.insert(
                    ((t + delay).to_bits(), id),
                    Tx {
                        issued: ticks(t),
                        weight,
                        len: len as u8,
                        parents,
                        own,
                    },
                );
                if seq == start_seq {
                    match scenario {
                        Scenario::ParasiteChain(_) => {
                            // The double spend D approves an old visible transaction and is
                            // kept secret with the chain.
                            let old = world.visible_at_or_before(t - root_age, id);
                            let d = next_id;
                            next_id += 1;
                            attacker_count += 1;
                            hidden.push(Hidden {
                                id: d,
                                issued: ticks(t),
                                weight: cfg.weights.sample(&mut process),
                                parent: HiddenParent::Visible(old),
                            });
                            world.issue(d, t, std::iter::once(world.tangle.id(old)));
                            release_at = t + hide_time;
                        }
                        Scenario::Splitting(_) => {
                            // Two conflicting transactions A and B on the same tips.
                            let (a, b) = (next_id, next_id + 1);
                            next_id += 2;
                            attacker_count += 2;
                            for (root, own) in [(a, SIDE_X | ATTACKER), (b, SIDE_Y | ATTACKER)] {
                                let w = cfg.weights.sample(&mut process);
                                world.issue(root, t, ids.iter().copied());
                                world.queue.insert(
                                    ((t + delay).to_bits(), root),
                                    Tx {
                                        issued: ticks(t),
                                        weight: w,
                                        len: len as u8,
                                        parents,
                                        own,
                                    },
                                );
                                if own & SIDE_X != 0 {
                                    weight_a += u64::from(w);
                                } else {
                                    weight_b += u64::from(w);
                                }
                            }
                            roots = Some((a, b));
                        }
                        Scenario::TipSpam(_) => {}
                    }
                }
            }
            if roots.is_some()
                && split_end.is_none()
                && (weight_a as f64 - weight_b as f64).abs() > gap
            {
                split_end = Some((t, weight_a, weight_b));
            }
            if seq.is_multiple_of(stride) {
                tips.push(TipPoint {
                    time: t,
                    view_tips: world.tangle.tips().len() as u64,
                    global_tips: world.global_tips,
                });
            }
            if seq.is_multiple_of(PROGRESS_EVERY) {
                self.report_progress(PROGRESS_EVERY);
            }
        }
        self.report_progress(seq % PROGRESS_EVERY);
        let t_end = t;
        world.advance(t_end);
        let mean_tips = world.area / (t_end - t_warm);
        // Everything issued becomes visible (the parasite too, if the cap came first).
        world.reveal_until(f64::INFINITY)?;
        if !released && !hidden.is_empty() {
            release(&mut world, &hidden)?;
        }

        // Orphans and the outcome, from the final graph.
        let horizon = ticks(cfg.orphan_horizon);
        let end = ticks(t_end);
        let warm = ticks(t_warm);
        let (mut honest, mut honest_orphans, mut bad, mut bad_orphans) = (0u64, 0, 0u64, 0);
        let mut on_lazy = 0u64;
        let eval_from = ticks(release_at + eval_time / 2.0);
        let (mut on_d, mut on_p) = (0u64, 0u64);
        let tangle = &world.tangle;
        for i in 0..tangle.len() {
            let v = Handle::new(i as u32);
            let issued = tangle.time(v);
            let label = world.labels[i];
            if label & ATTACKER == 0 && released && issued > eval_from {
                if label & SIDE_Y != 0 {
                    on_d += 1;
                } else if label & SIDE_X != 0 {
                    on_p += 1;
                }
            }
            if tangle.id(v) == 0 || issued <= warm || issued.saturating_add(horizon) > end {
                continue;
            }
            let orphan = tangle
                .approvers(v)
                .map(|a| tangle.time(a))
                .min()
                .is_none_or(|first| first.saturating_sub(issued) > horizon);
            if label & ATTACKER == 0 {
                honest += 1;
                honest_orphans += u64::from(orphan);
                if tangle
                    .parents(v)
                    .iter()
                    .any(|p| world.labels[p.index()] & ATTACKER != 0)
                {
                    on_lazy += 1;
                }
            } else {
                bad += 1;
                bad_orphans += u64::from(orphan);
            }
        }
        let rate = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        let outcome = match scenario {
            Scenario::ParasiteChain(_) => Outcome::ParasiteChain {
                success: on_d > on_p,
                honest_on_double_spend: on_d,
                honest_on_payment: on_p,
                parasite_size: hidden.len() as u64,
                released_at: release_at,
                complete,
            },
            Scenario::TipSpam(_) => Outcome::TipSpam {
                lazy_transactions: lazy,
                honest_approving_lazy: rate(on_lazy, honest),
            },
            Scenario::Splitting(_) => {
                let (until, a, b, survived) = match split_end {
                    Some((te, a, b)) => (te, a, b, false),
                    None => (t_end, weight_a, weight_b, true),
                };
                Outcome::Splitting {
                    survival_time: until - t_attack,
                    survived,
                    weight_a: a,
                    weight_b: b,
                }
            }
        };
        Ok(ScenarioReport {
            scenario: scenario.name(),
            parameters,
            tip_selection: cfg.tip_selection.clone(),
            lambda,
            delay: h,
            parents: cfg.parents,
            seed,
            transactions: next_id - 1,
            attacker_transactions: attacker_count,
            mean_tips,
            final_tips: world.tangle.tips().len(),
            honest_orphan_rate: rate(honest_orphans, honest),
            attacker_orphan_rate: rate(bad_orphans, bad),
            outcome,
            tips,
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
