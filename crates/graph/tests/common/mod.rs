//! Helpers shared by the integration tests: random DAGs, a URTS-grown Tangle and naive
//! reference computations.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use tangle_graph::select::{TipRequest, TipSelector, Urts, sample};
use tangle_graph::{Config, Handle, Tangle};

/// A vertex of a generated DAG: id, parents, own weight.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub(crate) id: u64,
    pub(crate) parents: Vec<u64>,
    pub(crate) weight: u32,
}

/// A random DAG on `n` vertices (id 0 is the genesis): each vertex approves 1..=max_parents
/// distinct earlier vertices, mostly recent ones, sometimes arbitrary old ones (the
/// "adversarial" attachments that the weight checkpoints must survive).
pub(crate) fn random_dag(n: usize, max_parents: usize, seed: u64) -> Vec<Spec> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![Spec {
        id: 0,
        parents: vec![],
        weight: 1,
    }];
    for i in 1..n as u64 {
        let k = 1 + sample::below(&mut rng, max_parents as u32) as usize;
        let mut parents = Vec::new();
        for _ in 0..k {
            let p = if sample::below(&mut rng, 5) == 0 {
                u64::from(sample::below(&mut rng, i as u32)) // anywhere in the past
            } else {
                let back = 1 + u64::from(sample::below(&mut rng, 8));
                i.saturating_sub(back)
            };
            if !parents.contains(&p) {
                parents.push(p);
            }
        }
        out.push(Spec {
            id: i,
            parents,
            weight: 1 + sample::below(&mut rng, 3),
        });
    }
    out
}

pub(crate) fn config(interval: u32, max_orphans: usize) -> Config {
    Config {
        max_orphans,
        track_cumulative_weight: true,
        checkpoint_interval: interval,
        weight_window: 0,
        hash_key: Some(99),
        dense_ids: false,
    }
}

/// [`config`] with cumulative weights kept by a window of `window` vertices.
pub(crate) fn config_window(window: u32, max_orphans: usize) -> Config {
    Config {
        weight_window: window,
        ..config(32, max_orphans)
    }
}

/// Inserts `specs` in the given order (genesis as a solid entry point wherever it comes).
pub(crate) fn build(specs: &[Spec], order: &[usize], cfg: Config) -> Tangle<u64> {
    let mut t = Tangle::new(cfg);
    for &i in order {
        let s = &specs[i];
        if s.parents.is_empty() {
            t.add_solid_entry_point(s.id, s.weight, s.id, None).unwrap();
        } else {
            let _ = t.insert(s.id, &s.parents, s.weight, s.id).unwrap();
        }
    }
    t
}

/// A random permutation of `0..n`.
pub(crate) fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = sample::below(&mut rng, (i + 1) as u32) as usize;
        v.swap(i, j);
    }
    v
}

/// Naive cumulative weight: own weight plus the own weight of every vertex in the future cone.
pub(crate) fn naive_cw(t: &Tangle<u64>, v: Handle) -> u64 {
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([v]);
    let mut sum = t.own_weight(v);
    while let Some(x) = queue.pop_front() {
        for a in t.approvers(x) {
            if seen.insert(a) {
                sum += t.own_weight(a);
                queue.push_back(a);
            }
        }
    }
    sum
}

/// Naive past cone (strict) as a set.
pub(crate) fn naive_past(t: &Tangle<u64>, v: Handle) -> HashSet<Handle> {
    let mut seen = HashSet::new();
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        for &p in t.parents(x) {
            if seen.insert(p) {
                stack.push(p);
            }
        }
    }
    seen
}

/// Grows a Tangle with URTS (k = 2) and a network delay: a vertex picks its parents when it
/// is created and becomes visible `delay` creations later (Popov's latency model; the tip pool
/// settles near 2·delay tips).
pub(crate) fn grow(n: usize, delay: usize, seed: u64, cfg: Config) -> Tangle<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut t = Tangle::new(cfg);
    t.add_solid_entry_point(0, 1, 0, None).unwrap();
    let mut in_flight: VecDeque<(u64, Vec<u64>)> = VecDeque::new();
    let mut urts = Urts;
    for id in 1..n as u64 {
        let sel = urts.select(&t, TipRequest::PAIR, &mut rng).unwrap();
        in_flight.push_back((id, sel.ids(&t)));
        if in_flight.len() > delay {
            let (v, ps) = in_flight.pop_front().unwrap();
            let _ = t.insert(v, &ps, 1, v).unwrap();
        }
    }
    while let Some((v, ps)) = in_flight.pop_front() {
        let _ = t.insert(v, &ps, 1, v).unwrap();
    }
    t
}

/// Canonical form of a tangle for order-independence checks: per id, sorted parent ids,
/// sorted approver ids, cumulative weight, height; plus the sorted tip ids.
pub(crate) type Canonical = (Vec<(u64, Vec<u64>, Vec<u64>, Option<u64>, u32)>, Vec<u64>);

pub(crate) fn canonical(t: &Tangle<u64>) -> Canonical {
    let mut rows: Vec<_> = (0..t.len() as u32)
        .map(Handle::new)
        .map(|v| {
            let mut ps: Vec<u64> = t.parents(v).iter().map(|&p| t.id(p)).collect();
            ps.sort_unstable();
            let mut ap: Vec<u64> = t.approvers(v).map(|a| t.id(a)).collect();
            ap.sort_unstable();
            (t.id(v), ps, ap, t.cumulative_weight(v), t.height(v))
        })
        .collect();
    rows.sort_unstable();
    let mut tips: Vec<u64> = t.tips().iter().map(|&h| t.id(h)).collect();
    tips.sort_unstable();
    (rows, tips)
}

/// Upper critical value of the chi-square distribution with `df` degrees of freedom at
/// significance 0.001, by the Wilson–Hilferty cube approximation (accurate to ~1% for
/// df ≥ 10): χ² ≈ df·(1 − 2/(9df) + z·√(2/(9df)))³ with z = 3.0902, the 0.999 normal quantile.
pub(crate) fn chi2_critical_001(df: f64) -> f64 {
    let z = 3.0902;
    let a = 2.0 / (9.0 * df);
    df * (1.0 - a + z * a.sqrt()).powi(3)
}

/// Pearson's statistic of observed counts against equal expected counts.
pub(crate) fn chi2_uniform(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let e = total as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum()
}

pub(crate) fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

pub(crate) fn count_by<T: std::hash::Hash + Eq>(
    items: impl IntoIterator<Item = T>,
) -> HashMap<T, u64> {
    let mut m = HashMap::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

pub(crate) fn next_u64(r: &mut ChaCha8Rng) -> u64 {
    r.next_u64()
}
