//! The parasite-chain double spend (Popov, §4.1): a hidden sub-tangle under a double spend,
//! released at once to lure the honest tip selection away from the payment.

use serde::Serialize;
use tangle_graph::Handle;

use super::{Arrival, Attack, AttackContext, Flow, HonestTx, Label, RunEnd, check_time};
use crate::SimError;
use crate::engine::ticks;
use crate::scenario::Outcome;

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

/// The command line's defaults: share 0.2, the times derived from λ and `h`, a tree.
impl Default for ParasiteChain {
    fn default() -> Self {
        ParasiteChain {
            share: 0.2,
            root_age: None,
            hide_time: None,
            eval_time: None,
            shape: ParasiteShape::Tree,
        }
    }
}

impl ParasiteChain {
    /// The parameters with the defaults for rate `lambda` and mean delay `h` filled in.
    #[must_use]
    pub fn resolved(&self, lambda: f64, h: f64) -> Self {
        ParasiteChain {
            root_age: Some(self.root_age.unwrap_or(2.0 * h + 5.0 / lambda)),
            hide_time: Some(self.hide_time.unwrap_or(20.0 * h + 40.0 / lambda)),
            eval_time: Some(self.eval_time.unwrap_or(10.0 * h + 20.0 / lambda)),
            ..*self
        }
    }

    pub(crate) fn validate(&self) -> Result<(), SimError> {
        check_time("root_age", self.root_age)?;
        check_time("hide_time", self.hide_time)?;
        check_time("eval_time", self.eval_time)
    }
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

/// The parent of a hidden member.
#[derive(Clone, Copy, Debug)]
enum HiddenParent {
    /// A visible transaction (the old one under `D`).
    Visible(Handle),
    /// An earlier member.
    Member(usize),
}

/// A member of the hidden parasite.
#[derive(Clone, Copy, Debug)]
struct Hidden {
    id: u64,
    issued: f64,
    weight: u32,
    parent: HiddenParent,
}

/// A parasite-chain run: `D` at the attack start, hidden members until the release, then the
/// evaluation window.
#[derive(Debug)]
pub(crate) struct ParasiteRun {
    share: f64,
    root_age: f64,
    hide_time: f64,
    eval_time: f64,
    shape: ParasiteShape,
    hidden: Vec<Hidden>,
    release_at: f64,
    released: bool,
    complete: bool,
}

impl ParasiteRun {
    /// A run of `p`, whose times are resolved.
    pub(crate) fn new(p: &ParasiteChain) -> Self {
        ParasiteRun {
            share: p.share,
            root_age: p.root_age.unwrap_or_default(),
            hide_time: p.hide_time.unwrap_or_default(),
            eval_time: p.eval_time.unwrap_or_default(),
            shape: p.shape,
            hidden: Vec::new(),
            release_at: f64::INFINITY,
            released: false,
            complete: false,
        }
    }

    /// Inserts the parasite (`D` first, then the members in issue order, parents first).
    fn release(&mut self, ctx: &mut AttackContext<'_>) -> Result<(), SimError> {
        let mut handles: Vec<Handle> = Vec::with_capacity(self.hidden.len());
        for x in &self.hidden {
            let parent = match x.parent {
                HiddenParent::Visible(p) => p,
                HiddenParent::Member(i) => handles[i],
            };
            let own = if handles.is_empty() {
                Label::SIDE_B.union(Label::ATTACKER)
            } else {
                Label::ATTACKER
            };
            handles.push(ctx.reveal(x.id, &[parent], x.weight, x.issued, own)?);
        }
        Ok(())
    }
}

/// The newest visible transaction with an id below `below` issued at or before `t` (the
/// genesis if none of the 10,000 ids before it is visible).
fn visible_at_or_before(ctx: &AttackContext<'_>, t: f64, below: u64) -> Handle {
    let end = ctx.issued_by(t).min(below);
    (0..end)
        .rev()
        .take(10_000)
        .find_map(|id| ctx.graph().handle(&id))
        .unwrap_or(Handle::new(0))
}

impl Attack for ParasiteRun {
    type Outcome = Outcome;

    fn share(&self) -> f64 {
        self.share
    }

    fn before_arrival(&mut self, ctx: &mut AttackContext<'_>) -> Result<Flow, SimError> {
        let end = self.release_at + self.eval_time;
        if ctx.time() >= end {
            self.complete = true;
            return Ok(Flow::Stop { at: end });
        }
        if !self.released && ctx.time() >= self.release_at {
            ctx.advance_to(self.release_at)?;
            self.release(ctx)?;
            self.released = true;
        }
        Ok(Flow::Continue)
    }

    fn attacking(&self, ctx: &AttackContext<'_>) -> bool {
        ctx.time() < self.release_at
    }

    /// The honest transaction of the start is the payment `P`; the double spend `D`
    /// approves an old visible transaction and is kept secret with the chain.
    fn begin(&mut self, ctx: &mut AttackContext<'_>, start: &HonestTx<'_>) -> Result<(), SimError> {
        ctx.mark_pending(start.id, Label::SIDE_A);
        let t = ctx.time();
        let old = visible_at_or_before(ctx, t - self.root_age, start.id);
        let d = ctx.new_id();
        let weight = ctx.draw_weight();
        self.hidden.push(Hidden {
            id: d,
            issued: t,
            weight,
            parent: HiddenParent::Visible(old),
        });
        let old_id = ctx.graph().id(old);
        ctx.record_issue(d, &[old_id])?;
        self.release_at = t + self.hide_time;
        Ok(())
    }

    /// A new member under `D`, as the shape says.
    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError> {
        let j = self.hidden.len();
        let parent = match self.shape {
            ParasiteShape::Tree => (j - 1) / 2,
            ParasiteShape::Chain => j - 1,
        };
        self.hidden.push(Hidden {
            id: arrival.id,
            issued: arrival.time,
            weight: arrival.weight,
            parent: HiddenParent::Member(parent),
        });
        let parent_id = self.hidden[parent].id;
        ctx.record_issue(arrival.id, &[parent_id])
    }

    /// The parasite becomes visible if the run ended before the release (then nothing is
    /// evaluated: `released` stays false).
    fn finish(&mut self, ctx: &mut AttackContext<'_>) -> Result<(), SimError> {
        if !self.released && !self.hidden.is_empty() {
            self.release(ctx)?;
        }
        Ok(())
    }

    fn outcome(&self, end: &RunEnd<'_>) -> Outcome {
        let (mut on_d, mut on_p) = (0u64, 0u64);
        if self.released {
            let eval_from = ticks(self.release_at + self.eval_time / 2.0);
            for (i, label) in end.labels.iter().enumerate() {
                let v = Handle::new(i as u32);
                if label.is_attacker() || end.graph.time(v) <= eval_from {
                    continue;
                }
                if label.contains(Label::SIDE_B) {
                    on_d += 1;
                } else if label.contains(Label::SIDE_A) {
                    on_p += 1;
                }
            }
        }
        Outcome::ParasiteChain {
            success: on_d > on_p,
            honest_on_double_spend: on_d,
            honest_on_payment: on_p,
            parasite_size: self.hidden.len() as u64,
            released_at: self.release_at,
            complete: self.complete,
        }
    }
}
