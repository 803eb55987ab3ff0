//! The attack API: the default settings, an attack written outside the crate (tip spam again,
//! through the public [`Attack`] trait only) giving the same report as the built-in one, and
//! the rules an attack must keep.

use tangle_graph::Handle;
use tangle_graph::select::{Urts, sample};
use tangle_sim::attack::{Arrival, Attack, AttackContext, Flow, Label, RunEnd};
use tangle_sim::{
    Outcome, ParasiteChain, ParasiteShape, Scenario, SimConfig, SimError, Simulation, Splitting,
    TipSpam,
};

fn simulation(transactions: u64) -> Simulation {
    let mut cfg = SimConfig::new(10.0, 1.0, 2, transactions);
    cfg.warmup = 200;
    Simulation::new(cfg).expect("valid")
}

/// The defaults are the command line's: share 0.2, times derived from λ and `h`, a tree.
#[test]
fn defaults_are_the_command_lines() {
    assert_eq!(
        ParasiteChain::default(),
        ParasiteChain {
            share: 0.2,
            root_age: None,
            hide_time: None,
            eval_time: None,
            shape: ParasiteShape::Tree,
        }
    );
    assert_eq!(
        TipSpam::default(),
        TipSpam {
            share: 0.2,
            lazy_age: None
        }
    );
    assert_eq!(
        Splitting::default(),
        Splitting {
            share: 0.2,
            gap: None
        }
    );
    // λ = 10, h = 1: 2h + 5/λ, 20h + 40/λ, 10h + 20/λ; 5h + 10/λ; 2λh + 10.
    let p = ParasiteChain::default().resolved(10.0, 1.0);
    assert_eq!(
        (p.root_age, p.hide_time, p.eval_time),
        (Some(2.5), Some(24.0), Some(12.0))
    );
    assert_eq!(TipSpam::default().resolved(10.0, 1.0).lazy_age, Some(6.0));
    assert_eq!(Splitting::default().resolved(10.0, 1.0).gap, Some(30.0));
    // Set values are kept.
    let set = TipSpam {
        share: 0.1,
        lazy_age: Some(3.0),
    };
    assert_eq!(set.resolved(10.0, 1.0), set);
    // And a default scenario runs.
    let report = simulation(2_000)
        .run_scenario(&Scenario::Splitting(Splitting::default()), &mut Urts, 3)
        .expect("run");
    assert_eq!(
        report.parameters,
        Scenario::Splitting(Splitting::default().resolved(10.0, 1.0))
    );
    assert!(report.attacker_transactions > 0);
}

/// Tip spam written against the public API only.
struct Lazy {
    share: f64,
    age: f64,
    count: u64,
}

impl Attack for Lazy {
    type Outcome = (u64, Option<f64>);

    fn share(&self) -> f64 {
        self.share
    }

    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError> {
        self.count += 1;
        let hi = ctx.issued_by(arrival.time - self.age);
        let lo = ctx.issued_by(arrival.time - 2.0 * self.age);
        let k = ctx.config().parents;
        let mut parents: Vec<Handle> = Vec::new();
        if hi > lo {
            for _ in 0..4 * k {
                let pick = lo + u64::from(sample::below(ctx.rng(), (hi - lo) as u32));
                if let Some(p) = ctx.graph().handle(&pick)
                    && !parents.contains(&p)
                {
                    parents.push(p);
                    if parents.len() == k {
                        break;
                    }
                }
            }
        }
        if parents.is_empty() {
            parents.push(Handle::new(0));
        }
        parents.sort_unstable();
        ctx.submit(
            arrival.id,
            &parents,
            arrival.weight,
            arrival.delay,
            Label::ATTACKER,
        )
    }

    fn outcome(&self, end: &RunEnd<'_>) -> (u64, Option<f64>) {
        let t = end.tally;
        (
            self.count,
            (t.honest > 0).then(|| t.honest_approving_attacker as f64 / t.honest as f64),
        )
    }
}

#[test]
fn an_attack_written_outside_the_crate_matches_the_built_in_one() {
    let sim = simulation(3_000);
    for seed in [1, 2, 3] {
        let built_in = sim
            .run_scenario(
                &Scenario::TipSpam(TipSpam {
                    share: 0.3,
                    lazy_age: Some(4.0),
                }),
                &mut Urts,
                seed,
            )
            .expect("scenario");
        let mut lazy = Lazy {
            share: 0.3,
            age: 4.0,
            count: 0,
        };
        let outside = sim.run_attack(&mut lazy, &mut Urts, seed).expect("attack");
        let Outcome::TipSpam {
            lazy_transactions,
            honest_approving_lazy,
        } = built_in.outcome
        else {
            panic!("a tip-spam outcome");
        };
        assert!(lazy_transactions > 500, "{lazy_transactions} lazy");
        assert_eq!(outside.outcome, (lazy_transactions, honest_approving_lazy));
        assert_eq!(outside.transactions, built_in.transactions);
        assert_eq!(
            outside.attacker_transactions,
            built_in.attacker_transactions
        );
        assert_eq!(outside.mean_tips, built_in.mean_tips);
        assert_eq!(outside.final_tips, built_in.final_tips);
        assert_eq!(outside.honest_orphan_rate, built_in.honest_orphan_rate);
        assert_eq!(outside.attacker_orphan_rate, built_in.attacker_orphan_rate);
        assert_eq!(outside.tips, built_in.tips);
    }
}

/// An attack that breaks one rule at its first arrival.
enum Misbehaving {
    /// Submits an id it was not handed.
    ForeignId,
    /// Submits a transaction without parents.
    NoParents,
    /// Hides a transaction that approves a newer one.
    NewerParent,
    /// Moves the clock past the arrival.
    ClockAhead,
    /// Ends the run before the last event.
    StopInThePast,
}

impl Attack for Misbehaving {
    type Outcome = ();

    fn share(&self) -> f64 {
        0.5
    }

    fn before_arrival(&mut self, ctx: &mut AttackContext<'_>) -> Result<Flow, SimError> {
        if ctx.time() > 25.0 {
            match self {
                Misbehaving::ClockAhead => ctx.advance_to(ctx.time() + 1.0)?,
                Misbehaving::StopInThePast => return Ok(Flow::Stop { at: 1.0 }),
                _ => {}
            }
        }
        Ok(Flow::Continue)
    }

    fn issue(&mut self, ctx: &mut AttackContext<'_>, arrival: Arrival) -> Result<(), SimError> {
        let genesis = [Handle::new(0)];
        match self {
            Misbehaving::ForeignId => ctx.submit(arrival.id + 5, &genesis, 1, 1.0, Label::ATTACKER),
            Misbehaving::NoParents => ctx.submit(arrival.id, &[], 1, 1.0, Label::ATTACKER),
            Misbehaving::NewerParent => ctx.record_issue(arrival.id, &[arrival.id + 1]),
            Misbehaving::ClockAhead | Misbehaving::StopInThePast => {
                ctx.submit(arrival.id, &genesis, 1, 1.0, Label::ATTACKER)
            }
        }
    }

    fn outcome(&self, _: &RunEnd<'_>) {}
}

#[test]
fn an_attack_that_breaks_a_rule_gets_an_error_naming_it() {
    let sim = simulation(1_000);
    for (attack, rule) in [
        (Misbehaving::ForeignId, "attack"),
        (Misbehaving::NoParents, "parents"),
        (Misbehaving::NewerParent, "attack"),
        (Misbehaving::ClockAhead, "attack"),
        (Misbehaving::StopInThePast, "attack"),
    ] {
        let mut attack = attack;
        match sim.run_attack(&mut attack, &mut Urts, 1) {
            Err(SimError::InvalidConfig { name, .. }) => assert_eq!(name, rule),
            other => panic!("expected the {rule} rule, got {other:?}"),
        }
    }
    let mut lazy = Lazy {
        share: 1.0,
        age: 1.0,
        count: 0,
    };
    assert!(matches!(
        sim.run_attack(&mut lazy, &mut Urts, 1),
        Err(SimError::InvalidConfig {
            name: "attacker_share",
            ..
        })
    ));
}

#[test]
fn labels_combine_sides_and_the_attacker_bit() {
    let both = Label::SIDE_A.union(Label::SIDE_B);
    assert!(both.is_conflicting());
    assert!(!Label::SIDE_A.is_conflicting());
    let d = Label::SIDE_B.union(Label::ATTACKER);
    assert!(d.is_attacker() && d.contains(Label::SIDE_B) && !d.contains(Label::SIDE_A));
    assert_eq!(d.sides(), Label::SIDE_B);
    assert!(!Label::NONE.is_attacker());
    assert!(Label::NONE.contains(Label::NONE));
}
