//! Invariants on random DAGs inserted in random orders (proptest), and the cumulative-weight
//! checkpoints against a naive count, including adversarial arrivals that approve old
//! vertices.

mod common;

use std::collections::HashSet;

use common::{
    Spec, build, canonical, config, config_window, grow, naive_cw, naive_past, permutation,
    random_dag,
};
use proptest::prelude::*;
use tangle_graph::traverse::Traversal;
use tangle_graph::{Config, Handle, Insertion, Tangle};

/// Random DAG parameters: size, max parents, DAG seed, order seed, checkpoint interval.
fn dag_params() -> impl Strategy<Value = (usize, usize, u64, u64, u32)> {
    (2usize..70, 1usize..=4, any::<u64>(), any::<u64>(), 0u32..6)
}

/// Inserts the DAG in a random order, withholding a random subset of vertices (so orphans
/// remain), and returns the tangle and the withheld ids.
fn partial(specs: &[Spec], order_seed: u64, interval: u32) -> (Tangle<u64>, HashSet<u64>) {
    partial_with(specs, order_seed, config(interval, 1_000))
}

/// [`partial`] with any tangle settings.
fn partial_with(specs: &[Spec], order_seed: u64, cfg: Config) -> (Tangle<u64>, HashSet<u64>) {
    let order = permutation(specs.len(), order_seed);
    let withheld: HashSet<u64> = order
        .iter()
        .filter(|&&i| i != 0 && (order_seed.rotate_left(i as u32) & 7) == 0)
        .map(|&i| specs[i].id)
        .collect();
    let kept: Vec<usize> = order
        .into_iter()
        .filter(|&i| !withheld.contains(&specs[i].id))
        .collect();
    (build(specs, &kept, cfg), withheld)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The tips are exactly the solid vertices nobody (solid) approves; solid vertices are
    /// exactly those whose whole past arrived.
    #[test]
    fn tips_are_the_unapproved_solid_vertices((n, k, seed, order_seed, interval) in dag_params()) {
        let specs = random_dag(n, k, seed);
        let (t, withheld) = partial(&specs, order_seed, interval);
        // Expected solid set: vertices none of whose ancestors (or themselves) were withheld.
        let mut solid: HashSet<u64> = HashSet::new();
        for s in &specs {
            if !withheld.contains(&s.id) && s.parents.iter().all(|p| solid.contains(p)) {
                solid.insert(s.id);
            }
        }
        let actual: HashSet<u64> = (0..t.len() as u32).map(|v| t.id(Handle::new(v))).collect();
        prop_assert_eq!(&actual, &solid);
        let approved: HashSet<u64> = specs
            .iter()
            .filter(|s| solid.contains(&s.id))
            .flat_map(|s| s.parents.iter().copied())
            .collect();
        let expected_tips: HashSet<u64> = solid.difference(&approved).copied().collect();
        let tips: HashSet<u64> = t.tips().iter().map(|&h| t.id(h)).collect();
        prop_assert_eq!(tips.len(), t.tips().len(), "no duplicate tips");
        prop_assert_eq!(tips, expected_tips);
        prop_assert_eq!(t.orphan_stats().pending, specs.len() - withheld.len() - solid.len());
    }

    /// Cumulative weight equals a naive count at every vertex, for any arrival order and any
    /// checkpoint interval (0 = no checkpoints).
    #[test]
    fn cumulative_weight_equals_naive_count((n, k, seed, order_seed, interval) in dag_params()) {
        let specs = random_dag(n, k, seed);
        let (t, _) = partial(&specs, order_seed, interval);
        for v in 0..t.len() as u32 {
            let v = Handle::new(v);
            prop_assert_eq!(t.cumulative_weight(v), Some(naive_cw(&t, v)), "vertex {}", t.id(v));
        }
    }

    /// With a weight window instead of checkpoints, the weight is still exact at every vertex:
    /// read from the window for the newest ones, by a future-cone search for older ones (a
    /// 64- or 128-vertex window on up to 200 vertices takes both paths); is-ancestor answered
    /// from the window's rows agrees with the past cones.
    #[test]
    fn window_weights_equal_naive_count(
        n in 2usize..200,
        k in 1usize..=4,
        seed: u64,
        order_seed: u64,
        window in prop_oneof![Just(64u32), Just(128)],
    ) {
        let specs = random_dag(n, k, seed);
        let (t, _) = partial_with(&specs, order_seed, config_window(window, 1_000));
        for v in 0..t.len() as u32 {
            let v = Handle::new(v);
            prop_assert_eq!(t.cumulative_weight(v), Some(naive_cw(&t, v)), "vertex {}", t.id(v));
        }
        for b in (0..t.len() as u32).rev().take(80) {
            let b = Handle::new(b);
            let past = naive_past(&t, b);
            for a in 0..b.get() {
                let a = Handle::new(a);
                prop_assert_eq!(t.is_ancestor(a, b), past.contains(&a), "{} < {}", a, b);
            }
        }
        prop_assert_eq!(t.weight_stats().eager_updates, 0, "no checkpoint upkeep");
        let searches = t.window_stats().map(|s| s.cone_searches);
        let older = t.len().saturating_sub(window as usize) as u64;
        prop_assert_eq!(searches, Some(older), "one search per vertex older than the window");
    }

    /// Past and future cones agree with is-ancestor, and with a naive search.
    #[test]
    fn cones_agree_with_is_ancestor((n, k, seed, order_seed, interval) in dag_params()) {
        let specs = random_dag(n, k, seed);
        let (t, _) = partial(&specs, order_seed, interval);
        let mut trav = Traversal::new();
        for b in 0..t.len() as u32 {
            let b = Handle::new(b);
            let past: HashSet<Handle> = trav.past(&t, &[b]).collect();
            prop_assert_eq!(&past, &naive_past(&t, b));
            for a in 0..t.len() as u32 {
                let a = Handle::new(a);
                prop_assert_eq!(t.is_ancestor(a, b), past.contains(&a), "{} < {}", a, b);
            }
            let future: HashSet<Handle> = trav.future(&t, &[b]).collect();
            for a in 0..t.len() as u32 {
                let a = Handle::new(a);
                prop_assert_eq!(future.contains(&a), t.is_ancestor(b, a));
            }
        }
    }

    /// The final graph does not depend on the arrival order (or on the checkpoint interval).
    #[test]
    fn final_graph_is_independent_of_arrival_order(
        (n, k, seed, order_seed, interval) in dag_params(),
        other_seed in any::<u64>(),
        other_interval in 0u32..6,
    ) {
        let specs = random_dag(n, k, seed);
        let a = build(&specs, &permutation(n, order_seed), config(interval, 1_000));
        let b = build(&specs, &permutation(n, other_seed), config(other_interval, 1_000));
        prop_assert_eq!(a.len(), n);
        prop_assert_eq!(a.orphan_stats().pending, 0);
        prop_assert_eq!(canonical(&a), canonical(&b));
    }

    /// Duplicate deliveries anywhere in the stream change nothing.
    #[test]
    fn duplicates_change_nothing((n, k, seed, order_seed, interval) in dag_params()) {
        let specs = random_dag(n, k, seed);
        let order = permutation(n, order_seed);
        let mut doubled = order.clone();
        doubled.extend(order.iter().rev().copied());
        let a = build(&specs, &order, config(interval, 1_000));
        let b = build(&specs, &doubled, config(interval, 1_000));
        prop_assert_eq!(canonical(&a), canonical(&b));
    }
}

/// A URTS-grown Tangle with frequent checkpoints plus a stream of adversarial arrivals that
/// approve random old vertices (and pairs of old vertices): exact weights throughout.
#[test]
fn checkpoints_stay_exact_under_adversarial_arrivals() {
    let mut t = grow(6_000, 25, 3, config(32, 100));
    assert!(
        t.weight_stats().checkpoints > 10,
        "the checkpoint machinery must be exercised: {:?}",
        t.weight_stats()
    );
    let mut rng = common::rng(17);
    let mut next_id = 1_000_000u64;
    for round in 0..600 {
        let n = t.len() as u32;
        let old = Handle::new(tangle_graph::select::sample::below(&mut rng, n));
        let parents = if round % 3 == 0 {
            let other = Handle::new(tangle_graph::select::sample::below(&mut rng, n));
            if other == old {
                vec![t.id(old)]
            } else {
                vec![t.id(old), t.id(other)]
            }
        } else {
            // One recent tip and one old vertex.
            let tip = t.tips()[round % t.tips().len()];
            if tip == old {
                vec![t.id(tip)]
            } else {
                vec![t.id(tip), t.id(old)]
            }
        };
        let r = t
            .insert(next_id, &parents, 1 + (round % 3) as u32, next_id)
            .unwrap();
        assert!(matches!(r, Insertion::Solid { .. }));
        next_id += 1;
        // Honest arrivals keep going in between.
        let tips: Vec<u64> = t.tips().iter().take(2).map(|&h| t.id(h)).collect();
        let _ = t.insert(next_id, &tips, 1, next_id).unwrap();
        next_id += 1;
    }
    // Check every vertex of the recent part and a sample of the rest.
    let n = t.len() as u32;
    for v in (0..n).filter(|v| v % 7 == 0 || *v + 1_500 > n) {
        let v = Handle::new(v);
        assert_eq!(t.cumulative_weight(v), Some(naive_cw(&t, v)), "vertex {v}");
    }
}

/// With checkpoints the upkeep visits only a small part of each past cone.
#[test]
fn checkpoints_bound_the_eager_work() {
    let t = grow(20_000, 25, 8, config(128, 100));
    let s = t.weight_stats();
    let per_arrival = s.eager_updates as f64 / t.len() as f64;
    assert!(s.checkpoints > 20, "{s:?}");
    // Without checkpoints this would be ~n/2 = 10 000 per arrival.
    assert!(
        per_arrival < 2_000.0,
        "{per_arrival} eager updates per arrival ({s:?})"
    );
}

/// The default checkpoint schedule (an attempt every 32 insertions, accepted when a quarter of
/// the newest arrivals descend from the candidate) keeps the band each arrival visits narrow
/// on the main model (h = 10, ~20 tips): ≈ 100 vertices, where one attempt every 256
/// insertions at a 3/4 bar visited ≈ 340. Weights stay exact.
#[test]
fn default_checkpoints_keep_the_band_narrow() {
    let cfg = tangle_graph::Config {
        hash_key: Some(99),
        ..tangle_graph::Config::default()
    };
    let t = grow(20_000, 10, 8, cfg);
    let old = grow(20_000, 10, 8, config(256, 100));
    let per_arrival = |t: &Tangle<u64>| t.weight_stats().eager_updates as f64 / t.len() as f64;
    let (new_visits, old_visits) = (per_arrival(&t), per_arrival(&old));
    assert!(
        new_visits < 160.0 && new_visits * 2.0 < old_visits,
        "{new_visits} visits per arrival (256 at 3/4: {old_visits}; {:?})",
        t.weight_stats()
    );
    let n = t.len() as u32;
    for v in (0..n).filter(|v| v % 97 == 0 || *v + 300 > n) {
        let v = Handle::new(v);
        assert_eq!(
            t.cumulative_weight(v),
            old.cumulative_weight(v),
            "vertex {v}"
        );
    }
    for v in (0..n).step_by(1_999) {
        let v = Handle::new(v);
        assert_eq!(t.cumulative_weight(v), Some(naive_cw(&t, v)), "vertex {v}");
    }
}

/// The proptest DAGs are small; make sure checkpoints are created on such DAGs at all, so the
/// weight and ancestor properties above exercise the checkpoint paths and not only the naive
/// walk.
#[test]
fn small_random_dags_create_checkpoints() {
    let mut created = 0;
    for seed in 0..40 {
        let specs = random_dag(69, 3, seed);
        let t = build(&specs, &permutation(specs.len(), seed), config(2, 1_000));
        created += t.weight_stats().checkpoints;
        for v in 0..t.len() as u32 {
            let v = Handle::new(v);
            assert_eq!(t.cumulative_weight(v), Some(naive_cw(&t, v)));
        }
    }
    assert!(created > 40, "{created} checkpoints over 40 DAGs");
}
