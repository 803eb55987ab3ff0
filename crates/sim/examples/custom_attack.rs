//! A new attack without touching the simulator: implement [`Attack`] and run it with
//! [`Simulation::run_attack`].
//!
//! The "blowball" attacker makes every one of its transactions approve the same honest
//! transaction (the one issued at the attack start), so that transaction gathers approvers and
//! the attacker's transactions sit as tips around it. Run with
//! `cargo run -p tangle-sim --example custom_attack`.

use tangle_graph::Handle;
use tangle_graph::select::Urts;
use tangle_sim::attack::{Arrival, Attack, AttackContext, HonestTx, Label, RunEnd};
use tangle_sim::{SimConfig, SimError, Simulation};

/// Every attacker transaction approves `center`.
struct Blowball {
    share: f64,
    center: Option<u64>,
}

/// What the blowball reports.
#[derive(Debug)]
struct BlowballOutcome {
    /// Direct approvers of the center at the end.
    center_approvers: usize,
    /// Tips of the final graph that are the attacker's.
    attacker_tips: usize,
}

impl Attack for Blowball {
    type Outcome = BlowballOutcome;

    fn share(&self) -> f64 {
        self.share
    }

    /// Attack once the center is visible.
    fn attacking(&self, ctx: &AttackContext<'_>) -> bool {
        self.center.is_some_and(|c| ctx.graph().contains(&c))
    }

    fn begin(&mut self, _: &mut AttackContext<'_>, start: &HonestTx<'_>) -> Result<(), SimError> {
        self.center = Some(start.id);
        Ok(())
    }

    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError> {
        let center = self
            .center
            .and_then(|c| ctx.graph().handle(&c))
            .unwrap_or(Handle::new(0));
        ctx.submit(
            arrival.id,
            &[center],
            arrival.weight,
            arrival.delay,
            Label::ATTACKER,
        )
    }

    fn outcome(&self, end: &RunEnd<'_>) -> BlowballOutcome {
        let graph = end.graph;
        BlowballOutcome {
            center_approvers: self
                .center
                .and_then(|c| graph.handle(&c))
                .map_or(0, |c| graph.approver_count(c)),
            attacker_tips: graph
                .tips()
                .iter()
                .filter(|t| end.labels[t.index()].is_attacker())
                .count(),
        }
    }
}

fn main() -> Result<(), SimError> {
    let sim = Simulation::new(SimConfig::new(10.0, 1.0, 2, 5_000))?;
    let mut attack = Blowball {
        share: 0.3,
        center: None,
    };
    let report = sim.run_attack(&mut attack, &mut Urts, 7)?;
    println!(
        "{} of {} transactions were the attacker's; the center has {} approvers, {} of the {} \
         final tips are the attacker's; mean tips {:.1}, honest orphan rate {:?}",
        report.attacker_transactions,
        report.transactions,
        report.outcome.center_approvers,
        report.outcome.attacker_tips,
        report.final_tips,
        report.mean_tips,
        report.honest_orphan_rate,
    );
    assert!(report.outcome.center_approvers as u64 >= report.attacker_transactions);
    Ok(())
}
