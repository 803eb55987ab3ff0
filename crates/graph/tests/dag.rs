//! The DAG: parent rules, solidification of out-of-order arrivals, the orphan bound, entry
//! points, queries, memory accounting and DOT export.

mod common;

use common::{config, grow, naive_cw};
use tangle_graph::dot::{DotOptions, to_dot};
use tangle_graph::traverse::Traversal;
use tangle_graph::{Config, Handle, InsertError, Insertion, ReferenceError, Tangle};

fn genesis() -> Tangle<u64> {
    let mut t = Tangle::new(config(4, 100));
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    t
}

fn solid(r: Result<Insertion, InsertError>) -> Handle {
    match r.unwrap() {
        Insertion::Solid { handle, .. } => handle,
        other => panic!("expected solid, got {other:?}"),
    }
}

#[test]
fn self_reference_is_rejected_and_changes_nothing() {
    let mut t = genesis();
    assert_eq!(
        t.insert(5, &[0, 5], 1, 1),
        Err(InsertError::SelfReference { position: 1 })
    );
    assert_eq!(t.len(), 1);
    assert!(!t.is_pending(&5));
}

#[test]
fn duplicate_parents_are_rejected() {
    let mut t = genesis();
    assert_eq!(
        t.insert(1, &[0, 0], 1, 1),
        Err(InsertError::DuplicateParent {
            first: 0,
            second: 1
        })
    );
    assert_eq!(t.len(), 1);
}

#[test]
fn more_than_eight_parents_are_rejected() {
    let mut t = genesis();
    for i in 1..=8 {
        solid(t.insert(i, &[0], 1, i));
    }
    let parents: Vec<u64> = (0..=8).collect();
    assert_eq!(
        t.insert(100, &parents, 1, 9),
        Err(InsertError::TooManyParents { count: 9 })
    );
    // Eight is fine.
    solid(t.insert(100, &parents[1..], 1, 9));
}

#[test]
fn zero_parents_are_rejected() {
    let mut t = genesis();
    assert_eq!(t.insert(1, &[], 1, 1), Err(InsertError::NoParents));
}

#[test]
fn a_cycle_cannot_be_built() {
    // 1 approves 2 and 2 approves 1: each waits for the other, neither ever becomes solid.
    let mut t = genesis();
    assert!(matches!(
        t.insert(1, &[0, 2], 1, 1),
        Ok(Insertion::Pending { missing: 1, .. })
    ));
    assert!(matches!(
        t.insert(2, &[1], 1, 2),
        Ok(Insertion::Pending { missing: 1, .. })
    ));
    assert_eq!(t.len(), 1);
    assert_eq!(t.orphan_stats().pending, 2);
    // Nothing is requested: both ids are known (pending), just never solid.
    assert!(t.missing_parents().is_empty());
    // A longer cycle through a solid vertex is equally impossible: handles are topological.
    for v in 0..t.len() as u32 {
        for &p in t.parents(Handle::new(v)) {
            assert!(p.get() < v);
        }
    }
}

#[test]
fn out_of_order_arrivals_solidify_with_their_parents() {
    let mut t = genesis();
    // 3 approves 1 and 2; 2 approves 1; 1 approves 0. Arrive backwards.
    assert!(matches!(
        t.insert(3, &[1, 2], 1, 3),
        Ok(Insertion::Pending { missing: 2, .. })
    ));
    assert!(matches!(
        t.insert(2, &[1], 1, 2),
        Ok(Insertion::Pending { missing: 1, .. })
    ));
    assert_eq!(t.missing_parents(), vec![1]);
    let r = t.insert(1, &[0], 1, 1).unwrap();
    assert!(matches!(r, Insertion::Solid { solidified: 3, .. }));
    let order: Vec<u64> = t.last_solidified().iter().map(|&h| t.id(h)).collect();
    assert_eq!(order, vec![1, 2, 3]);
    assert_eq!(t.orphan_stats().pending, 0);
    assert!(t.missing_parents().is_empty());
    let g = t.handle(&0).unwrap();
    assert_eq!(t.cumulative_weight(g), Some(4));
    assert_eq!(t.tips().len(), 1);
}

#[test]
fn duplicates_are_reported_and_ignored() {
    let mut t = genesis();
    let h = solid(t.insert(1, &[0], 1, 1));
    assert_eq!(
        t.insert(1, &[0], 1, 1),
        Ok(Insertion::Duplicate { handle: Some(h) })
    );
    assert!(matches!(
        t.insert(5, &[4], 1, 1),
        Ok(Insertion::Pending { .. })
    ));
    assert_eq!(
        t.insert(5, &[4], 1, 1),
        Ok(Insertion::Duplicate { handle: None })
    );
    assert_eq!(t.cumulative_weight(t.handle(&0).unwrap()), Some(2));
}

#[test]
fn missing_parents_lists_unknown_ids_only() {
    let mut t = genesis();
    let _ = t.insert(10, &[7, 0], 1, 1).unwrap();
    let _ = t.insert(11, &[10, 9], 1, 1).unwrap();
    // 10 is pending (known), 7 and 9 are unknown.
    assert_eq!(t.missing_parents(), vec![7, 9]);
}

#[test]
fn solid_entry_points_release_orphans_and_count_as_solid() {
    let mut t: Tangle<u64> = Tangle::new(config(4, 100));
    let _ = t.insert(2, &[1], 1, 2).unwrap();
    let _ = t.insert(3, &[2, 1], 1, 3).unwrap();
    assert_eq!(t.missing_parents(), vec![1]);
    let sep = t.add_solid_entry_point(1, 0, 1, Some(40)).unwrap();
    assert!(t.is_solid_entry_point(sep));
    assert_eq!(t.milestone_index(sep), Some(40));
    assert_eq!(t.len(), 3);
    assert_eq!(t.last_solidified().len(), 3);
    // Declaring it again is harmless.
    assert_eq!(t.add_solid_entry_point(1, 0, 1, Some(40)), Ok(sep));
    // A pending vertex can be declared an entry point: it stops waiting.
    let _ = t.insert(9, &[8], 1, 9).unwrap();
    let nine = t.add_solid_entry_point(9, 0, 9, None).unwrap();
    assert!(t.parents(nine).is_empty());
    assert!(!t.is_pending(&9));
}

#[test]
fn orphan_flood_memory_is_bounded_and_drops_are_counted() {
    let cap = 100;
    let mut t: Tangle<u64> = Tangle::new(config(4, cap));
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    let mut bytes_after_1k = 0;
    for i in 0..20_000u64 {
        // Each orphan waits for 8 distinct ids that never arrive.
        let parents: Vec<u64> = (0..8).map(|j| 1_000_000 + i * 8 + j).collect();
        let r = t.insert(10 + i, &parents, 1, i).unwrap();
        assert!(matches!(r, Insertion::Pending { missing: 8, .. }));
        if i == 999 {
            bytes_after_1k = t.memory_usage().orphan_bytes;
        }
    }
    let s = t.orphan_stats();
    assert_eq!(s.pending, cap);
    assert_eq!(s.dropped, 20_000 - cap as u64);
    assert!(s.awaited_ids <= 8 * cap);
    let bytes = t.memory_usage().orphan_bytes;
    assert!(
        bytes <= 2 * bytes_after_1k,
        "orphan memory grew from {bytes_after_1k} to {bytes}"
    );
    assert!(t.missing_parents().len() <= 8 * cap);
    // The newest orphans survive: the oldest were evicted.
    assert!(t.is_pending(&(10 + 19_999)));
    assert!(!t.is_pending(&10));
    // A zero-capacity pool refuses and counts.
    let mut z: Tangle<u64> = Tangle::new(config(4, 0));
    z.add_solid_entry_point(0, 1, 0, None).unwrap();
    assert_eq!(z.insert(5, &[4], 1, 1), Ok(Insertion::Dropped));
    assert_eq!(z.orphan_stats().dropped, 1);
    assert_eq!(z.orphan_stats().pending, 0);
}

#[test]
fn evicted_orphan_becomes_missing_again_and_can_return() {
    let mut t: Tangle<u64> = Tangle::new(config(4, 1));
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    let _ = t.insert(2, &[1], 1, 2).unwrap(); // waits for 1
    let _ = t.insert(3, &[2], 1, 3).unwrap(); // evicts 2; waits for 2
    assert_eq!(t.orphan_stats().dropped, 1);
    assert_eq!(t.missing_parents(), vec![2]);
    let _ = t.insert(2, &[0], 1, 2).unwrap();
    assert!(t.contains(&2) && t.contains(&3));
}

#[test]
fn tips_heights_depths_and_approvers() {
    //      0 ← 1 ← 3 ← 4
    //      0 ← 2 ← 3
    let mut t = genesis();
    let one = solid(t.insert(1, &[0], 1, 1));
    let two = solid(t.insert(2, &[0], 1, 2));
    let three = solid(t.insert(3, &[1, 2], 1, 3));
    let four = solid(t.insert(4, &[3], 1, 4));
    let g = t.handle(&0).unwrap();
    assert_eq!(t.tips(), &[four]);
    assert!(t.is_tip(four) && !t.is_tip(three));
    assert_eq!(t.height(g), 0);
    assert_eq!(t.height(three), 2);
    assert_eq!(t.height(four), 3);
    assert_eq!(t.depth(g), 3);
    assert_eq!(t.depth(one), 2);
    assert_eq!(t.depth(four), 0);
    let mut ap: Vec<Handle> = t.approvers(g).collect();
    ap.sort();
    assert_eq!(ap, vec![one, two]);
    assert_eq!(t.approver_count(g), 2);
    assert!(t.is_ancestor(g, four));
    assert!(t.is_ancestor(two, four));
    assert!(!t.is_ancestor(four, two));
    assert!(!t.is_ancestor(one, two));
    assert!(!t.is_ancestor(four, four));
    assert_eq!(t.cumulative_weight(g), Some(5));
    assert_eq!(t.cumulative_weight(two), Some(3));
}

#[test]
fn cones_respect_limit_window_and_inclusive() {
    let t = grow(3_000, 20, 5, config(64, 100));
    let tip = t.tips()[0];
    let mut trav = Traversal::new();
    let all: Vec<Handle> = trav.past(&t, &[tip]).collect();
    assert!(!all.contains(&tip));
    assert_eq!(all.len(), common::naive_past(&t, tip).len());
    let first_100: Vec<Handle> = trav.past(&t, &[tip]).limit(100).collect();
    assert_eq!(first_100, all[..100]);
    let lo = Handle::new(2_500);
    let windowed: Vec<Handle> = trav
        .past(&t, &[tip])
        .window(lo, Handle::new(u32::MAX))
        .collect();
    assert!(windowed.iter().all(|h| *h >= lo));
    let with_start: Vec<Handle> = trav.past(&t, &[tip]).inclusive().limit(3).collect();
    assert_eq!(with_start[0], tip);
    let g = Handle::new(0);
    let fut = trav.future(&t, &[g]).count();
    assert_eq!(fut, t.len() - 1);
}

#[test]
fn milestone_references() {
    let mut t = genesis();
    let a = solid(t.insert(1, &[0], 1, 1));
    let b = solid(t.insert(2, &[1], 1, 2));
    assert_eq!(t.mark_referenced(a, 0), Err(ReferenceError::ZeroIndex));
    assert_eq!(
        t.mark_referenced(Handle::new(99), 1),
        Err(ReferenceError::UnknownHandle(Handle::new(99)))
    );
    assert_eq!(t.mark_cone_referenced(a, 1), Ok(2)); // 1 and the genesis
    assert_eq!(t.mark_cone_referenced(b, 2), Ok(1)); // only 2: the rest was referenced
    assert_eq!(t.milestone_index(a), Some(1));
    assert_eq!(t.milestone_index(b), Some(2));
}

#[test]
fn memory_per_vertex_is_within_budget() {
    // 32-byte ids, as on the node path.
    let mut t: Tangle<[u8; 32]> = Tangle::with_capacity(Config::default(), 20_001);
    let id = |i: u64| {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes());
        b[8..16].copy_from_slice(&i.to_le_bytes());
        b
    };
    t.add_solid_entry_point(id(0), 1, 0, None).unwrap();
    let _ = t.insert(id(1), &[id(0)], 1, 1).unwrap();
    for i in 2..20_001u64 {
        let _ = t.insert(id(i), &[id(i - 1), id(i - 2)], 1, i).unwrap();
    }
    let m = t.memory_usage();
    assert!(
        m.per_vertex() < 160.0,
        "{m:?} → {} B/vertex",
        m.per_vertex()
    );
}

#[test]
fn cumulative_weight_tracking_can_be_disabled() {
    let mut cfg = config(4, 10);
    cfg.track_cumulative_weight = false;
    let mut t: Tangle<u64> = Tangle::new(cfg);
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    let h = solid(t.insert(1, &[0], 1, 1));
    assert_eq!(t.cumulative_weight(h), None);
    assert!(t.is_ancestor(Handle::new(0), h));
}

#[test]
fn small_tangle_weights_match_naive() {
    let t = grow(2_000, 10, 11, config(16, 100));
    for v in 0..t.len() as u32 {
        let v = Handle::new(v);
        assert_eq!(t.cumulative_weight(v), Some(naive_cw(&t, v)));
    }
}

#[test]
fn dot_export_marks_tips_and_confirmed_vertices() {
    let mut t = genesis();
    let a = solid(t.insert(1, &[0], 1, 1));
    let _ = solid(t.insert(2, &[1], 1, 2));
    t.mark_cone_referenced(a, 1).unwrap();
    let dot = to_dot(&t, &DotOptions::default(), |h, id| format!("{h} \"{id}\""));
    assert!(dot.starts_with("digraph tangle {"));
    assert!(dot.contains(
        "v2 [label=\"#2 \\\"2\\\"\", style=\"rounded,filled\", fillcolor=\"lightblue\"]"
    ));
    assert!(dot.contains("fillcolor=\"palegreen\""));
    assert!(dot.contains("v2 -> v1;"));
    assert!(dot.contains("v1 -> v0;"));
    let window = to_dot(
        &t,
        &DotOptions {
            last: 1,
            ..DotOptions::default()
        },
        |h, _| h.to_string(),
    );
    assert!(
        !window.contains("->"),
        "edges leaving the window are omitted"
    );
}

#[test]
fn reserve_committed_keeps_the_tangle_intact() {
    let mut t = grow(2_000, 10, 3, config(64, 100));
    let before = common::canonical(&t);
    t.reserve_committed(5_000);
    assert_eq!(common::canonical(&t), before);
    let m = t.memory_usage();
    let tips: Vec<u64> = t.tips().iter().take(2).map(|&h| t.id(h)).collect();
    let _ = t.insert(1_000_000, &tips, 1, 1).unwrap();
    assert_eq!(t.memory_usage(), MemoryUsageAfterOne::of(m, &t));
    assert_eq!(t.cumulative_weight(Handle::new(0)), Some(2_001));
}

/// After one insertion into reserved room, only the vertex count changes.
struct MemoryUsageAfterOne;

impl MemoryUsageAfterOne {
    fn of(m: tangle_graph::MemoryUsage, t: &Tangle<u64>) -> tangle_graph::MemoryUsage {
        tangle_graph::MemoryUsage {
            vertices: t.len(),
            ..m
        }
    }
}
