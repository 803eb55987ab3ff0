//! The event loop shared by plain runs and attack runs: Poisson arrivals, visibility delays,
//! the tip-count integrals, and the hooks of an [`Attack`].
//!
//! Per arrival at time `t`, the loop draws the inter-arrival time, asks the attack whether to
//! go on ([`Attack::before_arrival`]), makes visible what is due by `t`, draws the attacker's
//! coin (only while it attacks), the own weight and the delay, and issues the transaction:
//! the attacker's through [`Attack::issue`], an honest one with the selector's tips. A plain
//! run draws the delay before the weight, an attack run the weight before the delay; the
//! selector draws from a stream of its own, so the arrivals of a seed are the same for every
//! selector.
//!
//! A plain run is the loop with [`NoAttack`](crate::attack::NoAttack): no labels, so honest
//! parents need no conflict check and are written straight into their queue slot, and the
//! honest-transaction hooks are skipped (they would do nothing).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand_chacha::ChaCha8Rng;
use tangle_graph::select::{TipRequest, TipSelector, sample};
use tangle_graph::{Handle, MAX_PARENTS};

use crate::SimError;
use crate::attack::{Arrival, Attack, AttackContext, Flow, HonestTx, Label, Tally};
use crate::confidence::SelectorConfidence;
use crate::config::{Delay, SimConfig, exponential};
use crate::metrics::Probe;
use crate::run::{PROGRESS_EVERY, SimTangle, TICKS_PER_UNIT};
use crate::scenario::CONFLICT_RETRIES;

/// A simulation time in ticks of the graph's vertex times.
pub(crate) fn ticks(t: f64) -> u64 {
    // `as` saturates; simulation times are finite and non-negative.
    (t * TICKS_PER_UNIT).round() as u64
}

/// An attack issued an id it was not handed, or out of order.
const BAD_ID: SimError = SimError::InvalidConfig {
    name: "attack",
    reason: "issues only ids it was handed (arrivals, new_id), each once and in increasing order, approving older ids",
};

/// A transaction issued but not yet visible.
#[derive(Clone, Copy, Debug)]
struct Pending {
    /// Visibility time `t + h`.
    visible: f64,
    /// Issue time in ticks.
    issued: u64,
    weight: u32,
    len: u8,
    /// Its own label (attack runs).
    own: Label,
    /// Handles of the parents (visible, so solid, when they were selected).
    parents: [Handle; MAX_PARENTS],
}

/// Invisible transactions, by id, with the order in which they become visible: the id order
/// itself for a fixed delay, a min-heap on (visibility time, id) otherwise (ties resolved by
/// id, so the order is deterministic). Ids are pushed in increasing order; ids never pushed
/// (transactions an attack keeps hidden) leave empty slots.
pub(crate) struct Queue {
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

    /// The smallest id that may be pushed next.
    fn end(&self) -> u64 {
        self.base + self.slots.len() as u64
    }

    /// Adds transaction `id` (at least [`end`](Self::end)); returns its slot.
    #[inline(always)]
    fn push(&mut self, id: u64, p: Pending) -> &mut Pending {
        if self.slots.is_empty() {
            self.base = id;
        }
        let end = self.end();
        for _ in end..id {
            self.slots.push_back(None);
        }
        if let Some(heap) = &mut self.heap {
            // Non-negative floats order like their bit patterns.
            heap.push(Reverse((p.visible.to_bits(), id)));
        }
        self.slots.push_back(Some(p));
        match self.slots.back_mut() {
            Some(Some(slot)) => slot,
            // Pushed just above.
            _ => unreachable!("the slot just pushed"),
        }
    }

    /// Time at which the next transaction becomes visible.
    #[inline(always)]
    fn next_time(&self) -> Option<f64> {
        match &self.heap {
            Some(heap) => heap.peek().map(|Reverse((bits, _))| f64::from_bits(*bits)),
            // The front slot is never empty: `pop` drops empty slots there.
            None => self
                .slots
                .front()
                .and_then(|s| s.as_ref())
                .map(|p| p.visible),
        }
    }

    /// Removes the next transaction to become visible.
    #[inline(always)]
    fn pop(&mut self) -> Option<(u64, Pending)> {
        let id = match &mut self.heap {
            Some(heap) => heap.pop()?.0.1,
            None => self.base,
        };
        let slot = self.slots.get_mut(usize::try_from(id - self.base).ok()?)?;
        let p = slot.take()?;
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base += 1;
        }
        Some((id, p))
    }

    /// Adds `label` to the label of waiting transaction `id`.
    pub(crate) fn mark(&mut self, id: u64, label: Label) -> bool {
        let Some(i) = id.checked_sub(self.base) else {
            return false;
        };
        match self.slots.get_mut(i as usize) {
            Some(Some(p)) => {
                p.own = p.own.union(label);
                true
            }
            _ => false,
        }
    }
}

/// Time integrals of the tip counts over the measurement window.
pub(crate) struct Areas {
    pub(crate) measuring: bool,
    pub(crate) last: f64,
    pub(crate) view: f64,
    pub(crate) global: f64,
}

impl Areas {
    /// Advances the clock to `to` with the counts that held since the last call.
    #[inline(always)]
    fn advance(&mut self, to: f64, view_tips: usize, global_tips: u64) {
        if self.measuring {
            let dt = to - self.last;
            self.view += view_tips as f64 * dt;
            self.global += global_tips as f64 * dt;
        }
        self.last = to;
    }
}

/// The state of a run: the graph, what is still invisible, the tip counts and the streams.
pub(crate) struct World {
    pub(crate) tangle: SimTangle,
    /// Labels by handle index; empty in plain runs (no attack labels anything).
    labels: Vec<Label>,
    /// Issue time by id; recorded in attack runs only.
    pub(crate) issue_times: Vec<f64>,
    /// Bit `i`: transaction `i` has been approved by an issued transaction.
    pub(crate) approved: Vec<u64>,
    pub(crate) global_tips: u64,
    view_tips: usize,
    pub(crate) queue: Queue,
    pub(crate) areas: Areas,
    next_id: u64,
    /// Transactions the attack added beyond its arrivals.
    pub(crate) attacker_extra: u64,
    /// Inter-arrival times, coins, delays and weights.
    pub(crate) process: ChaCha8Rng,
    /// The attacker's own stream.
    pub(crate) attack_rng: ChaCha8Rng,
}

impl World {
    /// A run on `tangle` (the genesis added here). `attack_run` turns on labels and issue
    /// times; `measuring` says whether the tip integrals start at time 0.
    pub(crate) fn new(
        mut tangle: SimTangle,
        config: &SimConfig,
        attack_run: bool,
        measuring: bool,
        process: ChaCha8Rng,
        attack_rng: ChaCha8Rng,
    ) -> Result<Self, SimError> {
        tangle.add_solid_entry_point(0, 1, 0, None)?;
        let n = config.transactions;
        Ok(World {
            tangle,
            labels: if attack_run {
                vec![Label::NONE]
            } else {
                Vec::new()
            },
            issue_times: if attack_run { vec![0.0] } else { Vec::new() },
            approved: vec![0u64; usize::try_from(n / 64 + 1).unwrap_or(usize::MAX)],
            global_tips: 1,
            view_tips: 1,
            queue: Queue::new(&config.delay),
            areas: Areas {
                measuring,
                last: 0.0,
                view: 0.0,
                global: 0.0,
            },
            next_id: 1,
            attacker_extra: 0,
            process,
            attack_rng,
        })
    }

    /// Labels by handle index (empty in plain runs).
    pub(crate) fn labels(&self) -> &[Label] {
        &self.labels
    }

    pub(crate) fn label(&self, h: Handle) -> Label {
        self.labels.get(h.index()).copied().unwrap_or_default()
    }

    pub(crate) fn allocate_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Ids handed out so far (the genesis excluded).
    pub(crate) fn issued(&self) -> u64 {
        self.next_id - 1
    }

    /// Counts transaction `id`, issued at `t` approving `parent_ids`, in the global tips.
    pub(crate) fn record_issue(
        &mut self,
        id: u64,
        t: f64,
        parent_ids: &[u64],
    ) -> Result<(), SimError> {
        if id >= self.next_id || parent_ids.iter().any(|&p| p >= id) {
            return Err(BAD_ID);
        }
        for &p in parent_ids {
            self.mark_approved(p);
        }
        self.count_issue(id, t);
        Ok(())
    }

    /// Transaction `p` has an approver now.
    #[inline(always)]
    fn mark_approved(&mut self, p: u64) {
        mark_approved(&mut self.approved, &mut self.global_tips, p);
    }

    /// Transaction `id`, issued at `t`, is a global tip (its approvals already counted).
    #[inline(always)]
    fn count_issue(&mut self, id: u64, t: f64) {
        if !self.labels.is_empty() {
            let i = id as usize;
            if self.issue_times.len() <= i {
                self.issue_times.resize(i + 1, 0.0);
            }
            self.issue_times[i] = t;
        }
        self.global_tips += 1;
    }

    /// Issues `id` at `t` and queues it to become visible at `t + delay`.
    #[inline]
    pub(crate) fn submit(
        &mut self,
        id: u64,
        t: f64,
        parents: &[Handle],
        weight: u32,
        delay: f64,
        own: Label,
    ) -> Result<(), SimError> {
        if parents.is_empty() || parents.len() > MAX_PARENTS {
            return Err(SimError::InvalidConfig {
                name: "parents",
                reason: "a transaction approves 1..=8 parents",
            });
        }
        if id >= self.next_id || (!self.queue.slots.is_empty() && id < self.queue.end()) {
            return Err(BAD_ID);
        }
        let mut slots = [Handle::default(); MAX_PARENTS];
        slots[..parents.len()].copy_from_slice(parents);
        self.push_issue(id, t, slots, parents.len(), weight, delay, own);
        Ok(())
    }

    /// [`submit`](Self::submit) without the checks, for the loop's own transactions: `id`
    /// is the newest handed out and `parents[..len]` are 1..=8 visible vertices.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn push_issue(
        &mut self,
        id: u64,
        t: f64,
        parents: [Handle; MAX_PARENTS],
        len: usize,
        weight: u32,
        delay: f64,
        own: Label,
    ) {
        for &h in &parents[..len] {
            let p = self.tangle.id(h);
            self.mark_approved(p);
        }
        self.count_issue(id, t);
        self.queue.push(
            id,
            Pending {
                visible: t + delay,
                issued: ticks(t),
                weight,
                len: len as u8,
                own,
                parents,
            },
        );
    }

    /// Inserts a transaction that becomes visible; its label gets its parents' sides.
    #[inline(always)]
    pub(crate) fn insert(
        &mut self,
        id: u64,
        parents: &[Handle],
        weight: u32,
        issued: u64,
        own: Label,
    ) -> Result<Handle, SimError> {
        let h = self.tangle.insert_solid(id, parents, weight, issued)?;
        if !self.labels.is_empty() {
            let label = parents
                .iter()
                .fold(own, |acc, &p| acc.union(self.label(p).sides()));
            if self.labels.len() <= h.index() {
                self.labels.resize(h.index() + 1, Label::NONE);
            }
            self.labels[h.index()] = label;
        }
        self.view_tips = self.tangle.tips().len();
        Ok(h)
    }

    /// Makes visible everything due by `t`, integrating the tip counts up to each insertion.
    #[inline(always)]
    fn reveal_until(&mut self, t: f64) -> Result<(), SimError> {
        while let Some(visible) = self.queue.next_time() {
            if visible > t {
                break;
            }
            let Some((id, p)) = self.queue.pop() else {
                break;
            };
            self.areas
                .advance(visible, self.view_tips, self.global_tips);
            self.insert(id, &p.parents[..p.len as usize], p.weight, p.issued, p.own)?;
        }
        Ok(())
    }

    /// [`reveal_until`](Self::reveal_until) `t`, then integrates the counts up to `t`.
    #[inline(always)]
    pub(crate) fn advance_to(&mut self, t: f64) -> Result<(), SimError> {
        self.reveal_until(t)?;
        self.areas.advance(t, self.view_tips, self.global_tips);
        Ok(())
    }

    /// The union of the sides of `handles`.
    #[inline(always)]
    fn sides(&self, handles: &[Handle]) -> Label {
        if self.labels.is_empty() {
            return Label::NONE;
        }
        handles
            .iter()
            .fold(Label::NONE, |acc, &h| acc.union(self.label(h).sides()))
    }

    /// Issues honest transaction `id` of a plain run (no labels, so no conflict): the
    /// selector's tips without repeats, written straight into its queue slot.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn issue_plain(
        &mut self,
        id: u64,
        t: f64,
        selector: &mut dyn TipSelector<SimTangle>,
        request: TipRequest,
        choose: &mut ChaCha8Rng,
        weight: u32,
        delay: f64,
    ) -> Result<(), SimError> {
        let selection = selector.select(&self.tangle, request, choose)?;
        let slot = self.queue.push(
            id,
            Pending {
                visible: t + delay,
                issued: ticks(t),
                weight,
                len: 0,
                own: Label::NONE,
                parents: [Handle::default(); MAX_PARENTS],
            },
        );
        let mut len = 0;
        // Selections are sorted by id, so repeated draws (multi-edge) are adjacent.
        for &h in selection.as_slice() {
            if len == 0 || slot.parents[len - 1] != h {
                slot.parents[len] = h;
                len += 1;
                mark_approved(&mut self.approved, &mut self.global_tips, self.tangle.id(h));
            }
        }
        slot.len = len as u8;
        self.count_issue(id, t);
        Ok(())
    }

    /// The parents of an honest transaction of an attack run: the selector's tips, without
    /// repeats, never on both sides of a conflict (redrawn up to [`CONFLICT_RETRIES`] times,
    /// then the tips on the side of the first tip on a side are kept).
    #[inline(never)]
    fn conflict_free_parents(
        &self,
        selector: &mut dyn TipSelector<SimTangle>,
        request: TipRequest,
        choose: &mut ChaCha8Rng,
    ) -> Result<([Handle; MAX_PARENTS], usize), SimError> {
        let mut attempt = 0;
        loop {
            let selection = selector.select(&self.tangle, request, choose)?;
            attempt += 1;
            let conflict = self.sides(selection.as_slice()).is_conflicting();
            if conflict && attempt <= CONFLICT_RETRIES {
                continue;
            }
            let keep = if conflict {
                selection
                    .iter()
                    .map(|&h| self.label(h).sides())
                    .find(|&s| s != Label::NONE)
                    .unwrap_or(Label::NONE)
            } else {
                Label::SIDE_A.union(Label::SIDE_B)
            };
            let mut parents = [Handle::default(); MAX_PARENTS];
            let mut len = 0;
            // Selections are sorted by id, so repeated draws (multi-edge) are adjacent.
            for &h in selection.as_slice() {
                if !keep.contains(self.label(h).sides()) {
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

    /// Orphans and approvals of the transactions issued after `t_warm` and at least
    /// `orphan_horizon` before `t_end`, split by issuer.
    pub(crate) fn tally(&self, t_warm: f64, t_end: f64, orphan_horizon: f64) -> Tally {
        let horizon = ticks(orphan_horizon);
        let end = ticks(t_end);
        let warm = ticks(t_warm);
        let tangle = &self.tangle;
        let mut tally = Tally::default();
        for i in 0..tangle.len() {
            let v = Handle::new(i as u32);
            let issued = tangle.time(v);
            if tangle.id(v) == 0 || issued <= warm || issued.saturating_add(horizon) > end {
                continue;
            }
            let orphan = tangle
                .approvers(v)
                .map(|a| tangle.time(a))
                .min()
                .is_none_or(|first| first.saturating_sub(issued) > horizon);
            if self.label(v).is_attacker() {
                tally.attacker += 1;
                tally.attacker_orphans += u64::from(orphan);
            } else {
                tally.honest += 1;
                tally.honest_orphans += u64::from(orphan);
                if tangle
                    .parents(v)
                    .iter()
                    .any(|&p| self.label(p).is_attacker())
                {
                    tally.honest_approving_attacker += 1;
                }
            }
        }
        tally
    }
}

/// Sets bit `p` of `approved`, counting a global tip less if it was clear.
#[inline(always)]
fn mark_approved(approved: &mut Vec<u64>, global_tips: &mut u64, p: u64) {
    let (word, bit) = ((p / 64) as usize, p % 64);
    if approved.len() <= word {
        approved.resize(word + 1, 0);
    }
    if approved[word] & (1 << bit) == 0 {
        approved[word] |= 1 << bit;
        *global_tips -= 1;
    }
}

/// How a run drives the loop.
pub(crate) struct Plan<'a> {
    pub(crate) config: &'a SimConfig,
    pub(crate) request: TipRequest,
    /// Draw the own weight before the delay (attack runs) or after it (plain runs).
    pub(crate) weight_first: bool,
    /// Arrival whose issue starts the measurement window (0: time 0).
    pub(crate) measure_from: u64,
    /// Arrival at whose issue the attack begins.
    pub(crate) attack_start: u64,
}

/// Where the loop ended.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoopEnd {
    /// Issue time of the last arrival, or the time the attack stopped the run.
    pub(crate) t_end: f64,
    /// Start of the measurement window.
    pub(crate) t_warm: f64,
    /// Arrivals the attacker issued.
    pub(crate) attacker_arrivals: u64,
}

/// What the loop records besides the graph: the metrics probe and, in plain runs, the
/// selector's confirmation confidence.
pub(crate) struct Recorders<'a> {
    pub(crate) probe: &'a mut Probe,
    pub(crate) confidence: Option<&'a mut SelectorConfidence>,
    pub(crate) progress: &'a dyn Fn(u64),
}

/// Runs the arrivals of `plan` on `world`, then makes every issued transaction visible and
/// lets the attack finish.
pub(crate) fn run_arrivals<A: Attack + ?Sized>(
    world: &mut World,
    attack: &mut A,
    selector: &mut dyn TipSelector<SimTangle>,
    choose: &mut ChaCha8Rng,
    plan: &Plan<'_>,
    rec: Recorders<'_>,
) -> Result<LoopEnd, SimError> {
    let cfg = plan.config;
    let q = attack.share();
    let Recorders {
        probe,
        mut confidence,
        progress,
    } = rec;
    let mut t = 0.0;
    let mut t_warm = 0.0;
    let mut seq = 0u64;
    let mut attacker_arrivals = 0u64;
    while seq < cfg.transactions {
        seq += 1;
        t += exponential(&mut world.process) / cfg.lambda;
        let mut ctx = AttackContext {
            world,
            config: cfg,
            time: t,
        };
        if let Flow::Stop { at } = attack.before_arrival(&mut ctx)? {
            if !(at >= world.areas.last && at <= t) {
                return Err(SimError::InvalidConfig {
                    name: "attack",
                    reason: "stops the run only between the last event and the arrival",
                });
            }
            t = at;
            break;
        }
        world.advance_to(t)?;
        if seq == plan.measure_from {
            world.areas.measuring = true;
            t_warm = t;
        }
        let attacking = seq > plan.attack_start
            && attack.attacking(&AttackContext {
                world,
                config: cfg,
                time: t,
            });
        let attacker = attacking && sample::unit(&mut world.process) < q;
        let (weight, delay) = if plan.weight_first {
            let w = cfg.weights.sample(&mut world.process);
            (w, cfg.delay.sample(&mut world.process))
        } else {
            let d = cfg.delay.sample(&mut world.process);
            (cfg.weights.sample(&mut world.process), d)
        };
        let id = world.allocate_id();
        if !attacker && let Some(c) = confidence.as_deref_mut() {
            c.check(t, &world.tangle, selector, plan.request)?;
        }
        if attacker {
            attacker_arrivals += 1;
            let arrival = Arrival {
                id,
                time: t,
                weight,
                delay,
            };
            let mut ctx = AttackContext {
                world,
                config: cfg,
                time: t,
            };
            attack.issue(&mut ctx, arrival)?;
        } else if world.labels.is_empty() {
            // A plain run: no attack watches honest transactions.
            world.issue_plain(id, t, selector, plan.request, choose, weight, delay)?;
        } else {
            let (chosen, len) = world.conflict_free_parents(selector, plan.request, choose)?;
            world.push_issue(id, t, chosen, len, weight, delay, Label::NONE);
            let parents = &chosen[..len];
            let sides = world.sides(parents);
            let tx = HonestTx {
                id,
                time: t,
                weight,
                delay,
                parents,
                sides,
            };
            attack.on_honest(&tx);
            if seq == plan.attack_start {
                let mut ctx = AttackContext {
                    world,
                    config: cfg,
                    time: t,
                };
                attack.begin(&mut ctx, &tx)?;
            }
        }
        probe.after_arrival(seq, t, world.view_tips, world.global_tips);
        if let Some(c) = confidence.as_deref_mut() {
            c.on_issue(seq, t);
        }
        if seq.is_multiple_of(PROGRESS_EVERY) {
            progress(PROGRESS_EVERY);
        }
    }
    if !seq.is_multiple_of(PROGRESS_EVERY) {
        progress(seq % PROGRESS_EVERY);
    }
    world.areas.advance(t, world.view_tips, world.global_tips);
    world.areas.measuring = false;
    // Make everything visible: approvals are then read off the graph, which holds every
    // issued transaction.
    world.reveal_until(f64::INFINITY)?;
    let mut ctx = AttackContext {
        world,
        config: cfg,
        time: t,
    };
    attack.finish(&mut ctx)?;
    Ok(LoopEnd {
        t_end: t,
        t_warm,
        attacker_arrivals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(visible: f64) -> Pending {
        Pending {
            visible,
            issued: 0,
            weight: 1,
            len: 1,
            own: Label::NONE,
            parents: [Handle::default(); MAX_PARENTS],
        }
    }

    fn drain(queue: &mut Queue) -> Vec<u64> {
        let mut ids = Vec::new();
        while let Some(t) = queue.next_time() {
            let (id, p) = queue.pop().expect("a transaction at the front");
            assert_eq!(p.visible, t);
            ids.push(id);
        }
        ids
    }

    /// Ids never pushed (hidden transactions) leave gaps the fixed-delay queue skips.
    #[test]
    fn fixed_delay_queue_skips_gaps_in_id_order() {
        let mut queue = Queue::new(&Delay::Fixed(1.0));
        for (id, t) in [(1, 1.0), (2, 1.5), (5, 2.0), (6, 2.0), (9, 3.0)] {
            queue.push(id, pending(t));
        }
        assert!(queue.mark(5, Label::SIDE_A));
        assert!(!queue.mark(3, Label::SIDE_A), "a gap is not waiting");
        assert!(!queue.mark(12, Label::SIDE_A), "nor an id not pushed yet");
        assert_eq!(queue.pop().map(|(id, _)| id), Some(1));
        assert_eq!(queue.pop().map(|(id, _)| id), Some(2));
        let (id, p) = queue.pop().expect("5");
        assert_eq!((id, p.own), (5, Label::SIDE_A));
        assert_eq!(drain(&mut queue), [6, 9]);
        // Empty again: the next push may start anywhere above.
        queue.push(20, pending(4.0));
        assert_eq!(drain(&mut queue), [20]);
    }

    /// Drawn delays: visibility order, ties by id, gaps allowed.
    #[test]
    fn drawn_delay_queue_orders_by_time_then_id() {
        let mut queue = Queue::new(&Delay::Exponential { mean: 1.0 });
        for (id, t) in [(1, 3.0), (2, 1.0), (4, 2.0), (5, 1.0), (8, 0.5)] {
            queue.push(id, pending(t));
        }
        assert_eq!(drain(&mut queue), [8, 2, 5, 4, 1]);
    }
}
