//! Confirmation latency by the confidence of the selector under test, measured during the run.
//!
//! The tip confidence of [`measure`](crate::metrics) is read off the final graph: the share of
//! all tips that approve a transaction, i.e. its confidence under uniform tip selection. A
//! weighted walk does not pick tips uniformly, so its confidence needs selections by that
//! selector on the Tangle as it was at the time, which only the run has. Every
//! [`MetricsConfig::selector_confidence`] > 0, each sampled transaction is checked on the age
//! grid of the growth curve: `N` selections by the run's selector on the current view, with an
//! RNG stream of its own (stream 2 of the run seed), so the run's arrivals and selections are
//! the same with or without this metric. It counts as confirmed at the first check where at
//! least θ of the selections approve it, directly or not; its latency is that check's age.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use tangle_graph::Tangle;
use tangle_graph::select::{TipRequest, TipSelector, confirmation_confidence};

use crate::SimError;
use crate::metrics::MetricsConfig;

/// A sampled transaction not decided yet.
#[derive(Clone, Copy, Debug)]
struct Tracked {
    id: u64,
    issued: f64,
    next_check: f64,
}

/// The tracker the event loop feeds.
#[derive(Debug)]
pub(crate) struct SelectorConfidence {
    draws: u32,
    theta: f64,
    /// Time between two checks of one transaction (the growth curve's age step).
    step: f64,
    horizon: f64,
    candidates: Vec<u64>,
    next: usize,
    active: Vec<Tracked>,
    /// Earliest `next_check` of `active` (∞ when empty).
    earliest: f64,
    rng: ChaCha8Rng,
    /// Issue times and latencies of the confirmed ones.
    confirmed: Vec<(f64, f64)>,
    /// Issue times of those not confirmed within the horizon.
    expired: Vec<f64>,
}

/// What [`SelectorConfidence::finish`] reports.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct SelectorLatency {
    pub(crate) draws: u32,
    pub(crate) mean_latency: Option<f64>,
    pub(crate) confirmed_share: Option<f64>,
}

impl SelectorConfidence {
    /// A tracker of `candidates` (sorted issue numbers) with horizon `horizon`.
    pub(crate) fn new(m: &MetricsConfig, candidates: &[u64], horizon: f64, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(2);
        let intervals = m.curve_points.saturating_sub(1).max(1) as f64;
        SelectorConfidence {
            draws: m.selector_confidence,
            theta: m.confirmation_confidence,
            step: horizon / intervals,
            horizon,
            candidates: if m.selector_confidence > 0 {
                candidates.to_vec()
            } else {
                Vec::new()
            },
            next: 0,
            active: Vec::new(),
            earliest: f64::INFINITY,
            rng,
            confirmed: Vec::new(),
            expired: Vec::new(),
        }
    }

    /// Transaction `seq` was issued at `t`.
    #[inline]
    pub(crate) fn on_issue(&mut self, seq: u64, t: f64) {
        if self.candidates.get(self.next) == Some(&seq) {
            self.next += 1;
            // It is not visible before its delay; the first check is one step later.
            let first = t + self.step;
            self.active.push(Tracked {
                id: seq,
                issued: t,
                next_check: first,
            });
            self.earliest = self.earliest.min(first);
        }
    }

    /// Checks the transactions due at time `t` on the current view.
    #[inline]
    pub(crate) fn check(
        &mut self,
        t: f64,
        tangle: &Tangle<u64>,
        selector: &mut dyn TipSelector<Tangle<u64>>,
        request: TipRequest,
    ) -> Result<(), SimError> {
        if t < self.earliest {
            return Ok(());
        }
        self.check_due(t, tangle, selector, request)
    }

    fn check_due(
        &mut self,
        t: f64,
        tangle: &Tangle<u64>,
        selector: &mut dyn TipSelector<Tangle<u64>>,
        request: TipRequest,
    ) -> Result<(), SimError> {
        let mut earliest = f64::INFINITY;
        let mut i = 0;
        while i < self.active.len() {
            let a = self.active[i];
            if t >= a.next_check {
                let age = t - a.issued;
                if age > self.horizon {
                    self.expired.push(a.issued);
                    self.active.swap_remove(i);
                    continue;
                }
                let share = match tangle.handle(&a.id) {
                    Some(h) => confirmation_confidence(
                        tangle,
                        h,
                        selector,
                        request,
                        self.draws,
                        &mut self.rng,
                    )?,
                    None => 0.0,
                };
                if share >= self.theta {
                    self.confirmed.push((a.issued, age));
                    self.active.swap_remove(i);
                    continue;
                }
                let passed = (age / self.step).floor() + 1.0;
                self.active[i].next_check = a.issued + passed * self.step;
            }
            earliest = earliest.min(self.active[i].next_check);
            i += 1;
        }
        self.earliest = earliest;
        Ok(())
    }

    /// The result over the transactions whose horizon ended by `t_end` (the others are left
    /// out, as in the other sampled metrics).
    pub(crate) fn finish(self, t_end: f64) -> SelectorLatency {
        if self.draws == 0 {
            return SelectorLatency::default();
        }
        let within = |issued: f64| issued + self.horizon <= t_end;
        let latencies: Vec<f64> = self
            .confirmed
            .iter()
            .filter(|(issued, _)| within(*issued))
            .map(|&(_, age)| age)
            .collect();
        let missed = self.expired.iter().filter(|&&i| within(i)).count()
            + self.active.iter().filter(|a| within(a.issued)).count();
        let counted = latencies.len() + missed;
        SelectorLatency {
            draws: self.draws,
            mean_latency: (!latencies.is_empty())
                .then(|| latencies.iter().sum::<f64>() / latencies.len() as f64),
            confirmed_share: (counted > 0).then(|| latencies.len() as f64 / counted as f64),
        }
    }
}
