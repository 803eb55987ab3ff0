//! TIP-3 uniform random tip selection, as deployed in Chrysalis nodes.

use std::collections::HashMap;

use rand_core::RngCore;

use super::urts::uniform_from;
use super::{SelectError, Selection, TipRequest, TipSelector};
use crate::id::{Handle, IdHashBuilder};
use crate::view::MilestoneMarks;

/// TIP-3 score of a tip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Score {
    /// Attaches to a cone that milestones left behind: never selected.
    Lazy,
    /// Somewhat lazy: kept in a separate pool (for spammers and coordinators), not selected by
    /// default.
    SemiLazy,
    /// Selectable.
    NonLazy,
}

/// Which pool [`Tip3`] selects from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TipPool {
    /// The non-lazy pool (what nodes do).
    NonLazy,
    /// The semi-lazy pool (what a spammer that rescues semi-lazy tips does).
    SemiLazy,
}

/// Retention rules of one tip pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// While the pool holds at most this many tips, the retention rules below apply; above it,
    /// a tip is removed as soon as it gets its first approver (Hornet's
    /// "retentionRulesTipsLimit"; protocol.md: "pools are capped (100 non-lazy)").
    pub retention_limit: usize,
    /// A tip leaves the pool when it has this many approvers (TIP-3: X = 2).
    pub max_children: u32,
    /// A tip leaves the pool this long after its first approver (TIP-3: T = 3 s; the unit is
    /// that of the vertex times, so 3000 for milliseconds).
    pub max_referenced_age: u64,
    /// Hard bound on the pool size, oldest tip evicted first. Not part of TIP-3 (lazy tips
    /// leave at the next milestone anyway); it bounds memory between milestones.
    pub max_size: usize,
}

/// Parameters of [`Tip3`]; the defaults are TIP-3's recommended values with times in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tip3Config {
    /// C1: a tip is lazy if `LSMI − YMRSI > C1` (8).
    pub ymrsi_delta: u32,
    /// C2: a tip is semi-lazy if `LSMI − OMRSI > C2` (13).
    pub omrsi_delta: u32,
    /// M, below max depth: a tip is lazy if `LSMI − OMRSI > M` (15).
    pub below_max_depth: u32,
    /// Rules of the non-lazy pool (limit 100, 2 children, 3 s).
    pub non_lazy: PoolConfig,
    /// Rules of the semi-lazy pool (limit 20, 2 children, 3 s).
    pub semi_lazy: PoolConfig,
    /// Pool that [`TipSelector::select`] draws from.
    pub source: TipPool,
}

impl Default for Tip3Config {
    fn default() -> Self {
        Tip3Config {
            ymrsi_delta: 8,
            omrsi_delta: 13,
            below_max_depth: 15,
            non_lazy: PoolConfig {
                retention_limit: 100,
                max_children: 2,
                max_referenced_age: 3000,
                max_size: 10_000,
            },
            semi_lazy: PoolConfig {
                retention_limit: 20,
                max_children: 2,
                max_referenced_age: 3000,
                max_size: 10_000,
            },
            source: TipPool::NonLazy,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Meta {
    children: u32,
    first_child: Option<u64>,
    seq: u64,
}

/// One pool: tips in a `Vec` (for uniform draws) with metadata, and a position index.
#[derive(Clone, Debug)]
struct Pool {
    config: PoolConfig,
    tips: Vec<Handle>,
    meta: Vec<Meta>,
    pos: HashMap<u32, usize, IdHashBuilder>,
    next_seq: u64,
    next_expiry: u64,
}

impl Pool {
    fn new(config: PoolConfig) -> Self {
        Pool {
            config,
            tips: Vec::new(),
            meta: Vec::new(),
            // Never iterated, so the key does not influence any result.
            pos: HashMap::with_hasher(IdHashBuilder::with_key(0)),
            next_seq: 0,
            next_expiry: u64::MAX,
        }
    }

    fn contains(&self, h: Handle) -> bool {
        self.pos.contains_key(&h.get())
    }

    fn add(&mut self, h: Handle) {
        if self.contains(h) {
            return;
        }
        if self.tips.len() >= self.config.max_size {
            let oldest = (0..self.meta.len()).min_by_key(|&i| self.meta[i].seq);
            if let Some(i) = oldest {
                self.remove(self.tips[i]);
            }
            if self.config.max_size == 0 {
                return;
            }
        }
        self.pos.insert(h.get(), self.tips.len());
        self.tips.push(h);
        self.meta.push(Meta {
            children: 0,
            first_child: None,
            seq: self.next_seq,
        });
        self.next_seq += 1;
    }

    fn remove(&mut self, h: Handle) {
        let Some(i) = self.pos.remove(&h.get()) else {
            return;
        };
        self.tips.swap_remove(i);
        self.meta.swap_remove(i);
        if let Some(&moved) = self.tips.get(i) {
            self.pos.insert(moved.get(), i);
        }
    }

    /// `h` got an approver at time `now`.
    fn approved(&mut self, h: Handle, now: u64) {
        let Some(&i) = self.pos.get(&h.get()) else {
            return;
        };
        let over_limit = self.tips.len() > self.config.retention_limit;
        let m = &mut self.meta[i];
        m.children += 1;
        if m.first_child.is_none() {
            m.first_child = Some(now);
            self.next_expiry = self
                .next_expiry
                .min(now.saturating_add(self.config.max_referenced_age));
        }
        if over_limit || m.children >= self.config.max_children {
            self.remove(h);
        }
    }

    /// Removes tips whose first approver is older than the retention time.
    fn expire(&mut self, now: u64) {
        if now <= self.next_expiry {
            return;
        }
        let age = self.config.max_referenced_age;
        let mut i = 0;
        let mut next = u64::MAX;
        while i < self.tips.len() {
            match self.meta[i].first_child {
                Some(t) if now.saturating_sub(t) > age => self.remove(self.tips[i]),
                Some(t) => {
                    next = next.min(t.saturating_add(age));
                    i += 1;
                }
                None => i += 1,
            }
        }
        self.next_expiry = next;
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Roots {
    omrsi: u32,
    ymrsi: u32,
    epoch: u32,
}

/// TIP-3 URTS (Chrysalis): uniform selection from a pool of *non-lazy* tips.
///
/// Each solid vertex gets OMRSI/YMRSI, the oldest/youngest index of the milestones that
/// referenced the "roots" of its past cone (the first vertices met, walking down, that a
/// milestone already referenced). With LSMI the latest solid milestone index, a tip is lazy if
/// `LSMI − YMRSI > C1` or `LSMI − OMRSI > M`, semi-lazy if `LSMI − OMRSI > C2`, else non-lazy
/// (TIP-3; protocol.md). Non-lazy and semi-lazy tips go to separate pools; a tip leaves its pool
/// after `max_children` approvers, `max_referenced_age` after its first approver, or at once on
/// its first approver while the pool is above `retention_limit`. Milestones are modelled
/// generically: the caller marks referenced vertices on the view (e.g.
/// [`Tangle::mark_cone_referenced`](crate::Tangle::mark_cone_referenced)) and reports each new
/// LSMI with [`Tip3::on_milestone`].
///
/// Root indexes are cached per vertex and recomputed lazily once per milestone (TIP-3's
/// "recompute when a new milestone solidifies", with the cache making each vertex cost O(1)
/// per milestone however many tips share it).
///
/// Driving it: call [`Tip3::on_solid`] for every vertex that becomes solid (in the order of
/// [`Tangle::last_solidified`](crate::Tangle::last_solidified)) and [`Tip3::on_milestone`] for
/// each new LSMI. Nodes must not select tips while unsynchronised; that check is the caller's.
#[derive(Clone, Debug)]
pub struct Tip3 {
    config: Tip3Config,
    lsmi: u32,
    epoch: u32,
    roots: Vec<Roots>,
    stack: Vec<Handle>,
    non_lazy: Pool,
    semi_lazy: Pool,
}

impl Tip3 {
    /// A TIP-3 selector with the given parameters and LSMI 0.
    pub fn new(config: Tip3Config) -> Self {
        Tip3 {
            config,
            lsmi: 0,
            epoch: 1,
            roots: Vec::new(),
            stack: Vec::new(),
            non_lazy: Pool::new(config.non_lazy),
            semi_lazy: Pool::new(config.semi_lazy),
        }
    }

    /// The parameters.
    pub fn config(&self) -> &Tip3Config {
        &self.config
    }

    /// Latest solid milestone index reported.
    pub fn lsmi(&self) -> u32 {
        self.lsmi
    }

    /// Tips of the non-lazy pool.
    pub fn non_lazy_tips(&self) -> &[Handle] {
        &self.non_lazy.tips
    }

    /// Tips of the semi-lazy pool.
    pub fn semi_lazy_tips(&self) -> &[Handle] {
        &self.semi_lazy.tips
    }

    /// `(OMRSI, YMRSI)` of `v` under the current milestone marks. A referenced vertex is its
    /// own root; an unreferenced root (no parents, no milestone) counts as index 0.
    pub fn root_indexes<V: MilestoneMarks>(&mut self, view: &V, v: Handle) -> (u32, u32) {
        if let Some(i) = view.milestone_index(v) {
            return (i, i);
        }
        if self.roots.len() < view.len() {
            self.roots.resize(view.len(), Roots::default());
        }
        let epoch = self.epoch;
        let done = |roots: &[Roots], x: Handle| {
            view.milestone_index(x).is_some() || roots[x.index()].epoch == epoch
        };
        let value = |roots: &[Roots], x: Handle| match view.milestone_index(x) {
            Some(i) => (i, i),
            None => (roots[x.index()].omrsi, roots[x.index()].ymrsi),
        };
        self.stack.clear();
        self.stack.push(v);
        while let Some(&u) = self.stack.last() {
            if done(&self.roots, u) {
                self.stack.pop();
                continue;
            }
            let mut ready = true;
            for &p in view.parents(u) {
                if !done(&self.roots, p) {
                    self.stack.push(p);
                    ready = false;
                }
            }
            if ready {
                let (mut lo, mut hi) = (u32::MAX, 0);
                for &p in view.parents(u) {
                    let (o, y) = value(&self.roots, p);
                    lo = lo.min(o);
                    hi = hi.max(y);
                }
                if lo == u32::MAX {
                    lo = 0; // unreferenced root
                }
                self.roots[u.index()] = Roots {
                    omrsi: lo,
                    ymrsi: hi,
                    epoch,
                };
                self.stack.pop();
            }
        }
        value(&self.roots, v)
    }

    /// The TIP-3 score of `v` against the current LSMI.
    pub fn score<V: MilestoneMarks>(&mut self, view: &V, v: Handle) -> Score {
        let (omrsi, ymrsi) = self.root_indexes(view, v);
        let c = &self.config;
        if self.lsmi.saturating_sub(ymrsi) > c.ymrsi_delta
            || self.lsmi.saturating_sub(omrsi) > c.below_max_depth
        {
            Score::Lazy
        } else if self.lsmi.saturating_sub(omrsi) > c.omrsi_delta {
            Score::SemiLazy
        } else {
            Score::NonLazy
        }
    }

    /// A vertex became solid at time `now`: its parents count one more approver (and may leave
    /// their pools), and it enters the pool of its score.
    pub fn on_solid<V: MilestoneMarks>(&mut self, view: &V, v: Handle, now: u64) {
        for &p in view.parents(v) {
            self.non_lazy.approved(p, now);
            self.semi_lazy.approved(p, now);
        }
        match self.score(view, v) {
            Score::NonLazy => self.non_lazy.add(v),
            Score::SemiLazy => self.semi_lazy.add(v),
            Score::Lazy => {}
        }
        self.expire(now);
    }

    /// A new latest solid milestone: root indexes are recomputed (lazily), every pooled tip is
    /// rescored and moves pool or leaves, and expired tips are dropped.
    pub fn on_milestone<V: MilestoneMarks>(&mut self, view: &V, lsmi: u32, now: u64) {
        self.lsmi = lsmi;
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.roots.iter_mut().for_each(|r| r.epoch = 0);
            self.epoch = 1;
        }
        let non_lazy = self.non_lazy.tips.clone();
        for t in non_lazy {
            match self.score(view, t) {
                Score::NonLazy => {}
                Score::SemiLazy => {
                    self.non_lazy.remove(t);
                    self.semi_lazy.add(t);
                }
                Score::Lazy => self.non_lazy.remove(t),
            }
        }
        let semi = self.semi_lazy.tips.clone();
        for t in semi {
            match self.score(view, t) {
                Score::SemiLazy => {}
                Score::NonLazy => {
                    self.semi_lazy.remove(t);
                    self.non_lazy.add(t);
                }
                Score::Lazy => self.semi_lazy.remove(t),
            }
        }
        self.expire(now);
    }

    /// Drops tips whose first approver is older than the retention time.
    pub fn expire(&mut self, now: u64) {
        self.non_lazy.expire(now);
        self.semi_lazy.expire(now);
    }
}

impl<V: MilestoneMarks> TipSelector<V> for Tip3 {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        let (pool, rule) = match self.config.source {
            TipPool::NonLazy => (&self.non_lazy, "TIP-3: the non-lazy pool is empty"),
            TipPool::SemiLazy => (&self.semi_lazy, "TIP-3: the semi-lazy pool is empty"),
        };
        if pool.tips.is_empty() {
            if view.tips().is_empty() {
                return Err(SelectError::NoTips);
            }
            return Err(SelectError::NoEligibleTips { rule });
        }
        Ok(uniform_from(view, &pool.tips, request, rng))
    }
}
