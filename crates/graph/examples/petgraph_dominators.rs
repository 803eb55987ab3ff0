//! petgraph's algorithms on a simulated Tangle, through the `petgraph` feature.
//!
//! The Tangle grows as in a simulation with network delay: arrivals come in batches of five,
//! every arrival of a batch selects its tips by MCMC on the Tangle as it was before the batch
//! (it has not seen the others yet). Then, with no copy into a petgraph graph:
//! * `dominators::simple_fast` from the newest tip: a vertex `d` dominates `v` when every
//!   approval path from the tip down to `v` passes through `d`. The strict dominators of the
//!   genesis, other than the tip, are the vertices that the tip's whole confirmation of the
//!   genesis hangs on (usually none: two parents per vertex leave many paths).
//! * `page_rank` over the approval edges: rank flows from approvers to parents, so old,
//!   heavily approved vertices rank high, like cumulative weight.
//!
//! Run with `cargo run -p tangle-graph --features petgraph --example petgraph_dominators`.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use tangle_graph::petgraph::algo::{dominators, page_rank};
use tangle_graph::select::{Mcmc, TipRequest, TipSelector, WalkStart};
use tangle_graph::{Config, Handle, Tangle};

/// Arrivals that select tips on the same, slightly stale, Tangle.
const BATCH: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut tangle: Tangle<u64> = Tangle::new(Config::default());
    let genesis = tangle.add_solid_entry_point(0, 1, 0, None)?;
    let mut mcmc = Mcmc::new(0.05, WalkStart::Depth(20))?;
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut next_id = 1u64;
    for batch in 1..=60u64 {
        let mut arrivals = Vec::with_capacity(BATCH);
        for _ in 0..BATCH {
            let tips = mcmc.select(&tangle, TipRequest::PAIR, &mut rng)?;
            arrivals.push((next_id, tips));
            next_id += 1;
        }
        for (id, tips) in arrivals {
            tangle.insert_solid(id, &tips, 1, batch)?;
        }
    }
    let tip = Handle::new(tangle.len() as u32 - 1);
    println!(
        "Tangle: {} vertices, {} tips; newest tip {tip:?}",
        tangle.len(),
        tangle.tips().len()
    );

    let doms = dominators::simple_fast(&tangle, tip);
    let hangs_on: Vec<Handle> = doms
        .strict_dominators(genesis)
        .map(|it| it.filter(|&d| d != tip).collect())
        .unwrap_or_default();
    let past = tangle.past_cone(tip).len();
    let bottlenecks = tangle
        .past_cone(tip)
        .into_iter()
        .filter(|&v| doms.immediate_dominator(v) != Some(tip))
        .count();
    println!(
        "dominators from the newest tip: {past} vertices in its past cone, {bottlenecks} of them \
         reached only through another vertex of the cone"
    );
    println!(
        "  the genesis hangs on {} vertices besides the tip (its strict dominators): {:?}",
        hangs_on.len(),
        hangs_on
    );

    let ranks = page_rank(&tangle, 0.85_f64, 30);
    let mut by_rank: Vec<Handle> = (0..tangle.len() as u32).map(Handle::new).collect();
    by_rank.sort_by(|a, b| ranks[b.index()].total_cmp(&ranks[a.index()]));
    println!("page rank, top five (handle, rank, cumulative weight):");
    for &v in by_rank.iter().take(5) {
        println!(
            "  {:>4} {:.4} {:>4}",
            v.get(),
            ranks[v.index()],
            tangle.cumulative_weight(v).unwrap_or(0)
        );
    }
    Ok(())
}
