//! Tip spam / lazy tips: a share of the arrivals approves old transactions instead of tips.

use serde::Serialize;
use tangle_graph::select::sample;
use tangle_graph::{Handle, MAX_PARENTS};

use super::{Arrival, Attack, AttackContext, Label, RunEnd, check_time};
use crate::SimError;
use crate::scenario::Outcome;

/// Tip spam / lazy tips: a share `q` of the arrivals approves old transactions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TipSpam {
    /// Share `q` of the arrivals after the warm-up that are lazy, in `[0, 1)`.
    pub share: f64,
    /// Lazy transactions approve transactions issued between `2·lazy_age` and `lazy_age`
    /// earlier (default `5h + 10/λ`).
    pub lazy_age: Option<f64>,
}

/// The command line's defaults: share 0.2, the age derived from λ and `h`.
impl Default for TipSpam {
    fn default() -> Self {
        TipSpam {
            share: 0.2,
            lazy_age: None,
        }
    }
}

impl TipSpam {
    /// The parameters with the default for rate `lambda` and mean delay `h` filled in.
    #[must_use]
    pub fn resolved(&self, lambda: f64, h: f64) -> Self {
        TipSpam {
            lazy_age: Some(self.lazy_age.unwrap_or(5.0 * h + 10.0 / lambda)),
            ..*self
        }
    }

    pub(crate) fn validate(&self) -> Result<(), SimError> {
        check_time("lazy_age", self.lazy_age)
    }
}

/// A tip-spam run.
#[derive(Debug)]
pub(crate) struct TipSpamRun {
    share: f64,
    lazy_age: f64,
    lazy: u64,
}

impl TipSpamRun {
    /// A run of `s`, whose age is resolved.
    pub(crate) fn new(s: &TipSpam) -> Self {
        TipSpamRun {
            share: s.share,
            lazy_age: s.lazy_age.unwrap_or_default(),
            lazy: 0,
        }
    }
}

impl Attack for TipSpamRun {
    type Outcome = Outcome;

    fn share(&self) -> f64 {
        self.share
    }

    /// Up to `k` distinct visible transactions drawn uniformly among those issued in
    /// `(t − 2·lazy_age, t − lazy_age]` (`4k` draws), else the genesis.
    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError> {
        self.lazy += 1;
        let t = arrival.time;
        let hi = ctx.issued_by(t - self.lazy_age);
        let lo = ctx.issued_by(t - 2.0 * self.lazy_age);
        let k = ctx.config().parents;
        let mut parents = [Handle::default(); MAX_PARENTS];
        let mut len = 0usize;
        if hi > lo {
            for _ in 0..4 * k {
                let pick = lo + u64::from(sample::below(ctx.rng(), (hi - lo) as u32));
                if let Some(p) = ctx.graph().handle(&pick)
                    && !parents[..len].contains(&p)
                {
                    parents[len] = p;
                    len += 1;
                    if len == k {
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
        ctx.submit(
            arrival.id,
            &parents[..len],
            arrival.weight,
            arrival.delay,
            Label::ATTACKER,
        )
    }

    fn outcome(&self, end: &RunEnd<'_>) -> Outcome {
        let t = end.tally;
        Outcome::TipSpam {
            lazy_transactions: self.lazy,
            honest_approving_lazy: (t.honest > 0)
                .then(|| t.honest_approving_attacker as f64 / t.honest as f64),
        }
    }
}
