//! The weight window against the checkpoints on DAGs built to hit its edges: parents exactly
//! at, just inside and just outside the window and at word boundaries, own weights 0, 1 and
//! `u32::MAX`, extra solid entry points, and arrival orders that release orphans later.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use tangle_graph::{Config, Handle, Tangle};

/// One vertex: id, parents, own weight, solid entry point?
type Spec = (u64, Vec<u64>, u32, bool);

fn config(window: u32) -> Config {
    Config {
        hash_key: Some(7),
        weight_window: window,
        max_orphans: 100_000,
        ..Config::default()
    }
}

fn specs(n: u64, seed: u64, window: u64) -> Vec<Spec> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let w = window;
    let edges = [
        1,
        2,
        63,
        64,
        65,
        w - 1,
        w,
        w + 1,
        w / 2,
        w / 2 + 1,
        127,
        128,
        129,
        2 * w,
    ];
    let mut out = Vec::new();
    for i in 0..n {
        let weight = match rng.next_u32() % 4 {
            0 => 0,
            1 => u32::MAX,
            2 => 1,
            _ => rng.next_u32(),
        };
        if i == 0 || rng.next_u32() % 97 == 0 {
            out.push((i, vec![], weight, true));
            continue;
        }
        let k = 1 + (rng.next_u32() % 8) as usize;
        let mut parents: Vec<u64> = Vec::new();
        for _ in 0..k {
            let back = if rng.next_u32() % 2 == 0 {
                edges[rng.next_u32() as usize % edges.len()]
            } else {
                1 + u64::from(rng.next_u32()) % (3 * w)
            };
            if back <= i && !parents.contains(&(i - back)) {
                parents.push(i - back);
            }
        }
        if parents.is_empty() {
            parents.push(i - 1);
        }
        out.push((i, parents, weight, false));
    }
    out
}

/// Inserts `specs`, in order or with chunks of 50 rotated and reversed (orphans then wait
/// for parents that come later in the chunk).
fn build(specs: &[Spec], window: u32, shuffle: Option<u64>) -> Tangle<u64> {
    let mut order: Vec<usize> = (0..specs.len()).collect();
    if let Some(seed) = shuffle {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for chunk in order.chunks_mut(50) {
            let r = rng.next_u32() as usize % chunk.len();
            chunk.rotate_left(r);
            if rng.next_u32() % 2 == 0 {
                chunk.reverse();
            }
        }
    }
    let mut t = Tangle::new(config(window));
    for &i in &order {
        insert(&mut t, &specs[i]);
    }
    t
}

fn insert(t: &mut Tangle<u64>, (id, parents, weight, entry): &Spec) {
    if *entry {
        t.add_solid_entry_point(*id, *weight, *id, None).unwrap();
    } else {
        let _ = t.insert(*id, parents, *weight, *id).unwrap();
    }
}

#[test]
fn window_matches_checkpoints_at_its_edges() {
    for window in [64u64, 128, 256] {
        for seed in 0..3u64 {
            let specs = specs(1_500, seed, window);
            for shuffle in [None, Some(seed + 100)] {
                let checkpoints = build(&specs, 0, shuffle);
                let windowed = build(&specs, window as u32, shuffle);
                assert_eq!(checkpoints.len(), windowed.len());
                for v in 0..checkpoints.len() as u32 {
                    let v = Handle::new(v);
                    assert_eq!(checkpoints.id(v), windowed.id(v), "same handles");
                    assert_eq!(
                        checkpoints.cumulative_weight(v),
                        windowed.cumulative_weight(v),
                        "W = {window}, seed {seed}, {v}"
                    );
                }
                let n = checkpoints.len() as u32;
                for b in n.saturating_sub(2 * window as u32)..n {
                    for a in b.saturating_sub(window as u32 + 3)..b {
                        let (a, b) = (Handle::new(a), Handle::new(b));
                        assert_eq!(
                            checkpoints.is_ancestor(a, b),
                            windowed.is_ancestor(a, b),
                            "W = {window}: {a} < {b}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_cleared_windowed_tangle_is_a_new_one() {
    let specs = specs(600, 3, 64);
    let fresh = build(&specs, 64, None);
    let mut reused = build(&specs, 64, None);
    reused.clear();
    assert_eq!(reused.window_stats().map(|s| s.slot_updates), Some(0));
    for spec in &specs {
        insert(&mut reused, spec);
    }
    for v in 0..fresh.len() as u32 {
        let v = Handle::new(v);
        assert_eq!(
            reused.cumulative_weight(v),
            fresh.cumulative_weight(v),
            "{v}"
        );
    }
    assert_eq!(reused.window_stats(), fresh.window_stats());
}

#[test]
fn an_untracked_tangle_keeps_no_window() {
    let mut t: Tangle<u64> = Tangle::new(Config {
        track_cumulative_weight: false,
        ..config(64)
    });
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    assert!(t.window_stats().is_none());
    assert_eq!(t.cumulative_weight(Handle::new(0)), None);
    assert_eq!(t.memory_usage().window_bytes, 0);
}
