//! A tip selector of one's own, plugged into the simulator: one run, then an ensemble, reported
//! exactly as `tangle simulate` reports its built-in selectors.
//!
//! `NewestOfTwo` is written against the prelude only (`TipSelector`, `TangleView`,
//! `TipRequest`, `Selection`, `SelectError`, `Handle`, `RngCore`), as a researcher would in
//! their own crate: for each parent it draws two tips uniformly and keeps the younger, a
//! "power of two choices" bias towards fresh tips.
//!
//! Run with `cargo run --release -p tangle --example custom_selector_simulation`.

use tangle::graph::select::sample;
use tangle::prelude::*;
use tangle::sim::{SimConfig, Simulation, Summary};

/// For each parent: two uniform draws among the tips, the younger one wins.
#[derive(Clone, Debug, Default)]
struct NewestOfTwo;

impl<V: TangleView> TipSelector<V> for NewestOfTwo {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        let tips = view.tips();
        if tips.is_empty() {
            return Err(SelectError::NoTips);
        }
        // `collect_draws` applies the parent rule: distinct tips sorted by id (or repeats if
        // the request asks for them).
        collect_draws(view, request, rng, |rng| {
            // A view holds far fewer than 2³² tips.
            let draw = |rng: &mut dyn RngCore| -> Handle {
                tips[sample::below(rng, tips.len() as u32) as usize]
            };
            let (a, b) = (draw(rng), draw(rng));
            Ok(if view.time(a) >= view.time(b) { a } else { b })
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = SimConfig::new(10.0, 1.0, 2, 20_000);
    config.tip_selection = "newest-of-two".to_owned();
    let simulation = Simulation::new(config)?;

    // One run: the same report type and rendering as the built-in selectors.
    let report = simulation.run(&mut NewestOfTwo, 7)?;
    println!("{}\n", Summary::run(&report, None));

    // An ensemble: 8 runs in running totals, the same whatever the thread count.
    let ensemble = simulation.run_ensemble(|| NewestOfTwo, 8, 7, 0)?;
    println!("{}", Summary::ensemble(&ensemble.totals));
    let tips = &ensemble.estimates["mean_tips"];
    assert!(tips.mean > 0.0 && tips.ci95 > 0.0);
    Ok(())
}
