//! Attacks as strategies: the [`Attack`] trait, what the event loop lets an attack see and do
//! ([`AttackContext`]), and the three attacks of the crate docs, one file each.
//!
//! The event loop ([`Simulation::run_attack`](crate::Simulation::run_attack)) runs the model
//! and, from the attack start (the issue of transaction `warmup`, at least the first) on,
//! hands each arrival to the attacker with probability `q` ([`Attack::share`]) while
//! [`Attack::attacking`] says so. The attack decides what its transactions approve and
//! whether they become visible after the usual delay ([`AttackContext::submit`]) or when it
//! chooses ([`AttackContext::record_issue`], then [`AttackContext::reveal`]). Every
//! transaction carries a [`Label`]: the attacker's bit, and the sides of a conflict its past
//! cone holds. Honest transactions never approve both sides (the loop redraws their selection
//! up to [`CONFLICT_RETRIES`](crate::CONFLICT_RETRIES) times, then keeps one side).
//!
//! A new attack implements [`Attack`] (see `examples/custom_attack.rs`); the loop needs no
//! change.

mod parasite;
mod splitting;
mod tip_spam;

pub(crate) use parasite::ParasiteRun;
pub use parasite::{ParasiteChain, ParasiteShape};
pub use splitting::Splitting;
pub(crate) use splitting::SplittingRun;
pub use tip_spam::TipSpam;
pub(crate) use tip_spam::TipSpamRun;

use rand_core::RngCore;
use tangle_graph::{Handle, MAX_PARENTS};

use crate::SimError;
use crate::config::SimConfig;
use crate::engine::World;
use crate::metrics::TipPoint;
use crate::run::SimTangle;

/// What a transaction is, for the attacks: issued by the attacker, and which sides of a
/// conflict its past cone (itself included) holds. A transaction inherits the sides of its
/// parents when it becomes visible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Label(u8);

impl Label {
    /// No bit set: an honest transaction outside any conflict.
    pub const NONE: Label = Label(0);
    /// The past cone holds the first conflicting transaction (the honest payment `P` of a
    /// double spend, branch `A` of a split).
    pub const SIDE_A: Label = Label(1);
    /// The past cone holds the second one (the double spend `D`, branch `B`).
    pub const SIDE_B: Label = Label(2);
    /// Issued by the attacker.
    pub const ATTACKER: Label = Label(4);
    const SIDES: u8 = 3;

    /// Both labels' bits.
    #[must_use]
    pub const fn union(self, other: Label) -> Label {
        Label(self.0 | other.0)
    }

    /// Every bit of `other` is set.
    pub const fn contains(self, other: Label) -> bool {
        self.0 & other.0 == other.0
    }

    /// The side bits only (what approvers inherit).
    #[must_use]
    pub const fn sides(self) -> Label {
        Label(self.0 & Self::SIDES)
    }

    /// The past cone holds both sides of the conflict.
    pub const fn is_conflicting(self) -> bool {
        self.0 & Self::SIDES == Self::SIDES
    }

    /// Issued by the attacker.
    pub const fn is_attacker(self) -> bool {
        self.0 & Self::ATTACKER.0 != 0
    }
}

/// What the loop does after [`Attack::before_arrival`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flow {
    /// Go on with the arrival.
    Continue,
    /// End the run at this time (between the last event and the arrival's time, else the
    /// run fails with an `attack` rule error): the arrival is not issued.
    Stop {
        /// The end of the run, `t_N`.
        at: f64,
    },
}

/// An arrival handed to the attacker: its issue number (vertex id), issue time and the own
/// weight and visibility delay the process drew for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// Vertex id of the transaction.
    pub id: u64,
    /// Issue time.
    pub time: f64,
    /// Own weight.
    pub weight: u32,
    /// Visibility delay (used if the attack submits it).
    pub delay: f64,
}

/// An honest transaction just issued.
#[derive(Clone, Copy, Debug)]
pub struct HonestTx<'a> {
    /// Vertex id.
    pub id: u64,
    /// Issue time.
    pub time: f64,
    /// Own weight.
    pub weight: u32,
    /// Its visibility delay.
    pub delay: f64,
    /// Its parents (distinct, in the order of their ids).
    pub parents: &'a [Handle],
    /// The sides its parents' past cones hold (at most one: honest transactions never
    /// approve both).
    pub sides: Label,
}

/// Counts over the *measured* transactions of an attack run: issued after the attack start
/// and at least one orphan horizon before the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Honest measured transactions.
    pub honest: u64,
    /// Of which not approved within the orphan horizon.
    pub honest_orphans: u64,
    /// Of which approving an attacker's transaction directly.
    pub honest_approving_attacker: u64,
    /// The attacker's measured transactions.
    pub attacker: u64,
    /// Of which not approved within the orphan horizon.
    pub attacker_orphans: u64,
}

/// The end of an attack run, for [`Attack::outcome`]: every issued transaction is visible.
#[derive(Clone, Copy, Debug)]
pub struct RunEnd<'a> {
    /// The final graph.
    pub graph: &'a SimTangle,
    /// Label of each vertex, by handle index.
    pub labels: &'a [Label],
    /// Issue time of the last arrival, or where [`Flow::Stop`] ended the run.
    pub t_end: f64,
    /// Orphans and approvals of the measured transactions.
    pub tally: Tally,
}

/// An attack strategy. The loop calls, per arrival at time `t`: [`before_arrival`]; then,
/// after the transactions due by `t` became visible, [`attacking`] (only after the attack
/// start); for an attacker's arrival [`issue`], else the honest selection and [`on_honest`],
/// and at the attack start [`begin`] right after that honest transaction. After the last
/// arrival, once everything submitted is visible: [`finish`], then [`outcome`].
///
/// [`before_arrival`]: Attack::before_arrival
/// [`attacking`]: Attack::attacking
/// [`issue`]: Attack::issue
/// [`on_honest`]: Attack::on_honest
/// [`begin`]: Attack::begin
/// [`finish`]: Attack::finish
/// [`outcome`]: Attack::outcome
pub trait Attack {
    /// What the attack reports (e.g. whether it won).
    type Outcome;

    /// The attacker's share `q` of the arrivals while it attacks, in `[0, 1)`.
    fn share(&self) -> f64;

    /// At the issue time of each arrival, before the transactions due by then become
    /// visible: the place for actions at a time of the attack's choosing (make them visible
    /// first with [`AttackContext::advance_to`]) and for ending the run early.
    fn before_arrival(&mut self, ctx: &mut AttackContext<'_>) -> Result<Flow, SimError> {
        let _ = ctx;
        Ok(Flow::Continue)
    }

    /// Whether an arrival after the attack start may be the attacker's (default: always).
    fn attacking(&self, ctx: &AttackContext<'_>) -> bool {
        let _ = ctx;
        true
    }

    /// At the attack start, right after the honest transaction `start` was issued.
    fn begin(&mut self, ctx: &mut AttackContext<'_>, start: &HonestTx<'_>) -> Result<(), SimError> {
        let _ = (ctx, start);
        Ok(())
    }

    /// Issues the attacker's transaction of `arrival` (with [`AttackContext::submit`], or
    /// [`AttackContext::record_issue`] to keep it hidden).
    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError>;

    /// After each honest transaction was issued.
    fn on_honest(&mut self, tx: &HonestTx<'_>) {
        let _ = tx;
    }

    /// After the last arrival, once every submitted transaction is visible: the place to
    /// reveal what is still hidden.
    fn finish(&mut self, ctx: &mut AttackContext<'_>) -> Result<(), SimError> {
        let _ = ctx;
        Ok(())
    }

    /// The outcome, read off the end of the run.
    fn outcome(&self, end: &RunEnd<'_>) -> Self::Outcome;
}

/// The plain model: no arrival is ever the attacker's.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NoAttack;

impl Attack for NoAttack {
    type Outcome = ();

    fn share(&self) -> f64 {
        0.0
    }

    #[inline]
    fn attacking(&self, _: &AttackContext<'_>) -> bool {
        false
    }

    fn issue(&mut self, _: &mut AttackContext<'_>, _: Arrival) -> Result<(), SimError> {
        Ok(())
    }

    fn outcome(&self, _: &RunEnd<'_>) {}
}

/// What an attack sees of the run and may do to it. Times are simulation times; ids are
/// vertex ids (issue numbers, the genesis is 0).
pub struct AttackContext<'a> {
    pub(crate) world: &'a mut World,
    pub(crate) config: &'a SimConfig,
    pub(crate) time: f64,
}

impl AttackContext<'_> {
    /// The current time (the arrival's issue time; the end time in [`Attack::finish`]).
    pub fn time(&self) -> f64 {
        self.time
    }

    /// The simulation's configuration (λ, delay, `k`, weights, …).
    pub fn config(&self) -> &SimConfig {
        self.config
    }

    /// The visible graph.
    pub fn graph(&self) -> &SimTangle {
        &self.world.tangle
    }

    /// The label of a visible vertex.
    pub fn label(&self, vertex: Handle) -> Label {
        self.world.label(vertex)
    }

    /// The attacker's own random stream (ChaCha8, stream 2 of the seed): drawing from it
    /// changes nothing else in the run.
    pub fn rng(&mut self) -> &mut dyn RngCore {
        &mut self.world.attack_rng
    }

    /// Draws an own weight from the process stream, for a transaction the attack adds beyond
    /// its arrivals.
    pub fn draw_weight(&mut self) -> u32 {
        self.config.weights.sample(&mut self.world.process)
    }

    /// A vertex id for a transaction the attack adds beyond its arrivals (counted as the
    /// attacker's).
    pub fn new_id(&mut self) -> u64 {
        self.world.attacker_extra += 1;
        self.world.allocate_id()
    }

    /// Transactions issued at or before `time`: ids below the result were issued by then.
    pub fn issued_by(&self, time: f64) -> u64 {
        self.world.issue_times.partition_point(|&x| x <= time) as u64
    }

    /// Issues transaction `id` now, approving the visible `parents`, and makes it visible
    /// after `delay` with `label` (its parents' sides are added then).
    pub fn submit(
        &mut self,
        id: u64,
        parents: &[Handle],
        weight: u32,
        delay: f64,
        label: Label,
    ) -> Result<(), SimError> {
        self.world
            .submit(id, self.time, parents, weight, delay, label)
    }

    /// Issues transaction `id` now, approving `parent_ids` (older ids), and keeps it hidden:
    /// it becomes visible only through [`reveal`](Self::reveal).
    pub fn record_issue(&mut self, id: u64, parent_ids: &[u64]) -> Result<(), SimError> {
        self.world.record_issue(id, self.time, parent_ids)
    }

    /// Adds `label` to the label of transaction `id` while it is still invisible (e.g. the
    /// honest payment of a double spend). False if it is not waiting to become visible.
    pub fn mark_pending(&mut self, id: u64, label: Label) -> bool {
        self.world.queue.mark(id, label)
    }

    /// Makes every submitted transaction due by `time` visible and integrates the tip count
    /// up to `time` (before a [`reveal`](Self::reveal) at a time before the arrival's).
    /// `time` must lie between the last event and [`time`](Self::time).
    pub fn advance_to(&mut self, time: f64) -> Result<(), SimError> {
        if !(time >= self.world.areas.last && time <= self.time) {
            return Err(SimError::InvalidConfig {
                name: "attack",
                reason: "advances the clock only to times between the last event and now",
            });
        }
        self.world.advance_to(time)
    }

    /// Makes a hidden transaction (issued at `issued` by [`record_issue`](Self::record_issue))
    /// visible now, approving the visible `parents`; returns its handle.
    pub fn reveal(
        &mut self,
        id: u64,
        parents: &[Handle],
        weight: u32,
        issued: f64,
        label: Label,
    ) -> Result<Handle, SimError> {
        if parents.is_empty() || parents.len() > MAX_PARENTS {
            return Err(SimError::InvalidConfig {
                name: "parents",
                reason: "a revealed transaction approves 1..=8 parents",
            });
        }
        self.world
            .insert(id, parents, weight, crate::engine::ticks(issued), label)
    }
}

/// Reports of an attack run ([`Simulation::run_attack`](crate::Simulation::run_attack)).
#[derive(Clone, Debug, PartialEq)]
pub struct AttackReport<O> {
    /// Transactions issued (honest and attacker's, without the genesis).
    pub transactions: u64,
    /// Of which the attacker's.
    pub attacker_transactions: u64,
    /// Time-average of the tips in the view of an arrival, after the attack start.
    pub mean_tips: f64,
    /// Tips of the final graph.
    pub final_tips: usize,
    /// Share of the measured honest transactions not approved within the orphan horizon.
    pub honest_orphan_rate: Option<f64>,
    /// The same for the attacker's transactions.
    pub attacker_orphan_rate: Option<f64>,
    /// What the attack reported.
    pub outcome: O,
    /// Tips over time (about 1,000 points).
    pub tips: Vec<TipPoint>,
    /// Wall-clock duration of the run (not deterministic).
    pub elapsed_seconds: f64,
}

/// Checks an optional time parameter: finite and positive when set.
pub(crate) fn check_time(name: &'static str, value: Option<f64>) -> Result<(), SimError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(SimError::InvalidConfig {
            name,
            reason: "must be finite and positive",
        }),
        _ => Ok(()),
    }
}
