//! Plugging a tip-selection algorithm in from outside the crate.
//!
//! `FreshnessBiased` below is not part of `tangle-graph`: it is written here, against the
//! public `TangleView` and `TipSelector` traits only, exactly as a researcher would in their own
//! crate. It picks tips with probability proportional to `exp(−λ · age)`, a soft version of
//! RURTS. The example grows the same Tangle with it and with the built-in URTS and compares the
//! tip pools.
//!
//! Run with `cargo run -p tangle-graph --example custom_selector`.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use tangle_graph::select::{
    SelectError, Selection, TipRequest, TipSelector, Urts, collect_draws, sample,
};
use tangle_graph::{Config, Handle, Tangle, TangleView};

/// Tips drawn with probability ∝ `exp(−λ·age)`, age measured against the newest arrival.
struct FreshnessBiased {
    lambda: f64,
    weights: Vec<f64>,
}

impl FreshnessBiased {
    fn new(lambda: f64) -> Self {
        FreshnessBiased {
            lambda,
            weights: Vec::new(),
        }
    }
}

impl<V: TangleView> TipSelector<V> for FreshnessBiased {
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
        let now = view.latest_time();
        self.weights.clear();
        // Ages are ≥ 0, so every exponent is ≤ 0: no overflow.
        self.weights.extend(
            tips.iter()
                .map(|&t| (-self.lambda * now.saturating_sub(view.time(t)) as f64).exp()),
        );
        let total: f64 = self.weights.iter().sum();
        let weights = &self.weights;
        // `collect_draws` applies the crate's rule: distinct, sorted by id (or repeats if asked).
        collect_draws(view, request, rng, |rng| {
            let mut r = sample::unit(rng) * total;
            for (i, w) in weights.iter().enumerate() {
                if r < *w {
                    return Ok(tips[i]);
                }
                r -= w;
            }
            Ok(tips[tips.len() - 1])
        })
    }
}

/// Grows `n` vertices with `selector`; a vertex becomes visible `delay` arrivals after it
/// chose its parents (network latency), which keeps a realistic tip pool.
fn grow(
    selector: &mut dyn TipSelector<Tangle<u64>>,
    n: u64,
    delay: usize,
    seed: u64,
) -> Tangle<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tangle = Tangle::new(Config::default());
    tangle
        .add_solid_entry_point(0, 1, 0, None)
        .expect("empty tangle accepts a genesis");
    let mut in_flight = std::collections::VecDeque::new();
    for id in 1..=n {
        let tips = selector
            .select(&tangle, TipRequest::PAIR, &mut rng)
            .expect("the genesis is always there");
        in_flight.push_back((id, tips.ids(&tangle)));
        if in_flight.len() > delay
            && let Some((v, parents)) = in_flight.pop_front()
        {
            let _ = tangle.insert(v, &parents, 1, v).expect("valid parents");
        }
    }
    for (v, parents) in in_flight {
        let _ = tangle.insert(v, &parents, 1, v).expect("valid parents");
    }
    tangle
}

/// A selector behind a trait object, with a name.
type Named = (&'static str, Box<dyn TipSelector<Tangle<u64>>>);

fn describe(name: &str, t: &Tangle<u64>) {
    let tips = t.tips();
    let now = t.latest_time();
    let oldest = tips.iter().map(|&h| now - t.time(h)).max().unwrap_or(0);
    let genesis = Handle::new(0);
    println!(
        "{name:>18}: {} vertices, {} tips, oldest tip {} arrivals old, genesis weight {}",
        t.len(),
        tips.len(),
        oldest,
        t.cumulative_weight(genesis).unwrap_or(0),
    );
}

fn main() {
    // Both selectors behind the same trait object: the simulator does not care which.
    let mut selectors: Vec<Named> = vec![
        ("URTS (built in)", Box::new(Urts)),
        ("freshness λ=0.05", Box::new(FreshnessBiased::new(0.05))),
    ];
    for (name, selector) in &mut selectors {
        let tangle = grow(selector.as_mut(), 20_000, 50, 42);
        describe(name, &tangle);
    }
}
