//! Splitting: two conflicting branches, the attacker always adding to the lighter one.

use serde::Serialize;

use super::{Arrival, Attack, AttackContext, HonestTx, Label, RunEnd, check_time};
use crate::SimError;
use crate::scenario::Outcome;

/// Splitting attempt: the attacker keeps two conflicting branches balanced.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Splitting {
    /// Attacker's share `q` of the arrivals after the split, in `[0, 1)`.
    pub share: f64,
    /// The split ends when the branches' weights differ by more than this (default
    /// `2λh + 10`, about the tip count plus noise).
    pub gap: Option<f64>,
}

/// The command line's defaults: share 0.2, the gap derived from λ and `h`.
impl Default for Splitting {
    fn default() -> Self {
        Splitting {
            share: 0.2,
            gap: None,
        }
    }
}

impl Splitting {
    /// The parameters with the default for rate `lambda` and mean delay `h` filled in.
    #[must_use]
    pub fn resolved(&self, lambda: f64, h: f64) -> Self {
        Splitting {
            gap: Some(self.gap.unwrap_or(2.0 * lambda * h + 10.0)),
            ..*self
        }
    }

    pub(crate) fn validate(&self) -> Result<(), SimError> {
        check_time("split_gap", self.gap)
    }
}

/// A splitting run: the roots `A` and `B`, the branch weights and the end of the split.
#[derive(Debug)]
pub(crate) struct SplittingRun {
    share: f64,
    gap: f64,
    roots: Option<(u64, u64)>,
    weight_a: u64,
    weight_b: u64,
    started: f64,
    /// Time and weights when the weights first differed by more than the gap.
    end: Option<(f64, u64, u64)>,
}

impl SplittingRun {
    /// A run of `s`, whose gap is resolved.
    pub(crate) fn new(s: &Splitting) -> Self {
        SplittingRun {
            share: s.share,
            gap: s.gap.unwrap_or_default(),
            roots: None,
            weight_a: 0,
            weight_b: 0,
            started: 0.0,
            end: None,
        }
    }

    /// Adds `weight` to the branch of `side` (nothing for no side).
    fn add(&mut self, side: Label, weight: u32) {
        if side == Label::SIDE_A {
            self.weight_a += u64::from(weight);
        } else if side == Label::SIDE_B {
            self.weight_b += u64::from(weight);
        }
    }

    /// Records the end of the split at `t` once the weights differ by more than the gap.
    fn check_end(&mut self, t: f64) {
        if self.roots.is_some()
            && self.end.is_none()
            && (self.weight_a as f64 - self.weight_b as f64).abs() > self.gap
        {
            self.end = Some((t, self.weight_a, self.weight_b));
        }
    }
}

impl Attack for SplittingRun {
    type Outcome = Outcome;

    fn share(&self) -> f64 {
        self.share
    }

    /// Once both roots are visible.
    fn attacking(&self, ctx: &AttackContext<'_>) -> bool {
        self.roots
            .is_some_and(|(a, b)| ctx.graph().contains(&a) && ctx.graph().contains(&b))
    }

    /// Two conflicting transactions `A` and `B` on the tips of the start's honest
    /// transaction, with its delay.
    fn begin(&mut self, ctx: &mut AttackContext<'_>, start: &HonestTx<'_>) -> Result<(), SimError> {
        self.started = start.time;
        let (a, b) = (ctx.new_id(), ctx.new_id());
        for (root, side) in [(a, Label::SIDE_A), (b, Label::SIDE_B)] {
            let weight = ctx.draw_weight();
            ctx.submit(
                root,
                start.parents,
                weight,
                start.delay,
                side.union(Label::ATTACKER),
            )?;
            self.add(side, weight);
        }
        self.roots = Some((a, b));
        self.check_end(start.time);
        Ok(())
    }

    /// Approves the root of the lighter branch (ties: `A`).
    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError> {
        let (a, b) = self.roots.unwrap_or((0, 0));
        let (root, side) = if self.weight_a <= self.weight_b {
            (a, Label::SIDE_A)
        } else {
            (b, Label::SIDE_B)
        };
        let handle = ctx
            .graph()
            .handle(&root)
            .unwrap_or(tangle_graph::Handle::new(0));
        ctx.submit(
            arrival.id,
            &[handle],
            arrival.weight,
            arrival.delay,
            Label::ATTACKER,
        )?;
        self.add(side, arrival.weight);
        self.check_end(arrival.time);
        Ok(())
    }

    fn on_honest(&mut self, tx: &HonestTx<'_>) {
        self.add(tx.sides, tx.weight);
        self.check_end(tx.time);
    }

    fn outcome(&self, end: &RunEnd<'_>) -> Outcome {
        let (until, weight_a, weight_b, survived) = match self.end {
            Some((t, a, b)) => (t, a, b, false),
            None => (end.t_end, self.weight_a, self.weight_b, true),
        };
        Outcome::Splitting {
            survival_time: until - self.started,
            survived,
            weight_a,
            weight_b,
        }
    }
}
