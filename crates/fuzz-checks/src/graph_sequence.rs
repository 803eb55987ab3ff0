//! The graph under arbitrary arrival sequences, with its three ways of keeping weights.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_graph::select::{Mcmc, WalkStart};
use tangle_graph::{Config, Handle, Tangle};

/// Most operations read from one input (keeps a run short).
const MAX_OPERATIONS: usize = 600;

/// Bytes as arrivals — ids from a pool of 256 (duplicates, orphans waiting for ids that come
/// later, self-references), 1–3 parents or, one time in eight, up to 10 (over the limit), own
/// weights from 0 to `u32::MAX`, solid entry points now and then — fed to three tangles that
/// differ only in how they keep cumulative weights: checkpoints every 3 insertions, a window of
/// 64 vertices, and the naive search. Properties: every answer (accepted, or the error naming
/// the rule) is the same for the three, and so are the final graphs: handles, ids, tips,
/// orphan counts, every cumulative weight and is-ancestor for the newest vertices; and, since
/// walks read nothing else, the same walks for the same seed (URW and MCMC from tiny to huge
/// α, from the oldest, a middle and the newest vertex), each step to an approver and ending at
/// a tip. Returns whether any vertex was inserted.
pub fn graph_sequence(data: &[u8]) -> bool {
    let config = |checkpoint_interval, weight_window| Config {
        max_orphans: 48,
        checkpoint_interval,
        weight_window,
        hash_key: Some(1),
        ..Config::default()
    };
    let mut tangles: [Tangle<u64>; 3] = [
        Tangle::new(config(3, 0)),
        Tangle::new(config(32, 64)),
        Tangle::new(config(0, 0)),
    ];
    let mut bytes = data.iter().copied();
    let mut inserted = false;
    for time in 0..MAX_OPERATIONS as u64 {
        let (Some(kind), Some(id), Some(count)) = (bytes.next(), bytes.next(), bytes.next()) else {
            break;
        };
        let id = u64::from(id);
        let weight = match bytes.next() {
            Some(w @ 251..) => u32::MAX - u32::from(255 - w),
            Some(w) => u32::from(w),
            None => break,
        };
        let answers: Vec<String> = if kind % 8 == 6 {
            tangles
                .iter_mut()
                .map(|t| format!("{:?}", t.add_solid_entry_point(id, weight, time, None)))
                .collect()
        } else {
            let limit = if kind % 8 == 7 { 10 } else { 3 };
            let parents: Vec<u64> = bytes
                .by_ref()
                .take(1 + usize::from(count) % limit)
                .map(u64::from)
                .collect();
            tangles
                .iter_mut()
                .map(|t| format!("{:?}", t.insert(id, &parents, weight, time)))
                .collect()
        };
        assert!(
            answers.iter().all(|a| *a == answers[0]),
            "the weight upkeep changed an answer: {answers:?}"
        );
        inserted |= answers[0].starts_with("Ok(Solid");
    }
    let [checkpoints, window, naive] = &tangles;
    let len = naive.len();
    for t in [checkpoints, window] {
        assert_eq!(t.len(), len, "same vertices");
        assert_eq!(t.tips(), naive.tips(), "same tips");
        assert_eq!(t.orphan_stats(), naive.orphan_stats(), "same orphans");
    }
    for v in 0..len as u32 {
        let v = Handle::new(v);
        let expected = naive.cumulative_weight(v);
        assert!(expected.is_some(), "weights are tracked");
        for t in [checkpoints, window] {
            assert_eq!(t.id(v), naive.id(v), "same handles");
            assert_eq!(t.cumulative_weight(v), expected, "weight of {v}");
        }
    }
    for b in (len.saturating_sub(24)..len).map(|b| Handle::new(b as u32)) {
        for a in (0..b.get()).map(Handle::new) {
            let expected = naive.is_ancestor(a, b);
            assert_eq!(checkpoints.is_ancestor(a, b), expected, "{a} < {b}");
            assert_eq!(window.is_ancestor(a, b), expected, "{a} < {b} (window)");
        }
    }
    check_walks(&tangles);
    inserted
}

/// Walks on the three tangles: identical paths, made of approver steps, ending at tips.
fn check_walks(tangles: &[Tangle<u64>; 3]) {
    let naive = &tangles[2];
    let len = naive.len() as u32;
    if len == 0 {
        return;
    }
    for (seed, alpha) in [0.0, 1e-3, 0.5, 1e6].into_iter().enumerate() {
        for start in [0, len / 2, len - 1].map(Handle::new) {
            let paths: Vec<Vec<Handle>> = tangles
                .iter()
                .map(|t| {
                    let mut mcmc = Mcmc::new(alpha, WalkStart::At(start)).expect("valid α");
                    let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
                    let mut path = Vec::new();
                    let tip = mcmc
                        .walk_from(t, start, &mut rng, Some(&mut path))
                        .expect("a walk on a solid tangle ends");
                    assert_eq!(path.last(), Some(&tip), "the path ends at the tip");
                    path
                })
                .collect();
            assert!(
                paths.iter().all(|p| *p == paths[0]),
                "α = {alpha}, from {start}: the weight upkeep changed a walk"
            );
            let path = &paths[0];
            assert_eq!(path[0], start);
            for step in path.windows(2) {
                assert!(
                    naive.approvers(step[0]).any(|a| a == step[1]),
                    "{} → {} is not a step to an approver",
                    step[0],
                    step[1]
                );
            }
            assert_eq!(
                naive.approver_count(path[path.len() - 1]),
                0,
                "ends at a tip"
            );
        }
    }
}
