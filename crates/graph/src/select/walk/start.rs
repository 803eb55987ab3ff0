//! Where a walk starts: a fixed vertex, the oldest, or a descent from a tip (by edges or by
//! transactions).

use rand_core::RngCore;

use crate::id::Handle;
use crate::select::{SelectError, sample};
use crate::view::TangleView;

/// Where a walk starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkStart {
    /// A fixed vertex (e.g. a milestone chosen by the caller).
    At(Handle),
    /// The oldest vertex (handle 0, the genesis in a simulation). Walks from it are long.
    Oldest,
    /// `d` steps below the tips: from a uniformly drawn tip, follow a uniformly drawn parent
    /// `d` times (stopping early at a root). Popov's recommendation is to start "deep enough"
    /// that the walk sees the weights, yet not so deep that it is slow; `d` sets that depth in
    /// edges (hence at least `d` below the tip in height).
    Depth(u32),
    /// `n` transactions below the tips: from a tip drawn uniformly among the *recent* ones,
    /// follow uniformly drawn parents until the tip is at least the `n`-th vertex solidified
    /// after the current one (handle difference ≥ `n`, i.e. `n − 1` in between), stopping
    /// early at a root; `0` starts at a uniformly drawn tip. Depth counted in transactions, as
    /// IOTA's random-walker studies measure distance (the number of transactions announced in
    /// between), rather than in edges: on a wide Tangle (λh = 100) 1,000 transactions are about
    /// ten levels, where [`WalkStart::Depth`]`(1000)` is a thousand.
    ///
    /// A tip is recent if its [time](TangleView::time) is no earlier than that of the vertex
    /// `n` places before the newest one. Tips left behind long ago are thus not drawn (a
    /// descent from one would start the walk arbitrarily deep), and a burst of vertices that
    /// were issued over a long time but became solid at once (a released parasite chain) does
    /// not push the other tips out. The entry is then usually within about `2n` transactions
    /// of the newest; a recent vertex approving an old one can still lead deeper. For `n ≥ 1`
    /// the start is an ancestor of a tip, hence approved (never a left-behind tip), unless it
    /// is a root.
    Behind(u32),
}

/// Resolves the start of a walk; consumes randomness only for [`WalkStart::Depth`] and
/// [`WalkStart::Behind`].
pub(crate) fn resolve_start<V: TangleView>(
    view: &V,
    start: WalkStart,
    rng: &mut dyn RngCore,
) -> Result<Handle, SelectError> {
    if view.is_empty() {
        return Err(SelectError::NoTips);
    }
    match start {
        WalkStart::At(h) => {
            if h.index() < view.len() {
                Ok(h)
            } else {
                Err(SelectError::UnknownEntryPoint(h))
            }
        }
        WalkStart::Oldest => Ok(Handle::new(0)),
        WalkStart::Depth(d) => {
            let tips = view.tips();
            if tips.is_empty() {
                return Err(SelectError::NoTips);
            }
            let mut cur = tips[sample::below(rng, tips.len() as u32) as usize];
            for _ in 0..d {
                let ps = view.parents(cur);
                if ps.is_empty() {
                    break;
                }
                cur = ps[sample::below(rng, ps.len() as u32) as usize];
            }
            Ok(cur)
        }
        WalkStart::Behind(n) => {
            let tip = recent_tip(view, n, rng)?;
            let mut cur = tip;
            while tip.get() - cur.get() < n {
                let ps = view.parents(cur);
                if ps.is_empty() {
                    break;
                }
                cur = ps[sample::below(rng, ps.len() as u32) as usize];
            }
            Ok(cur)
        }
    }
}

/// Draws of a tip before [`recent_tip`] counts the recent ones instead.
const RECENT_TIP_DRAWS: u32 = 32;

/// A tip drawn uniformly among the recent ones (see [`WalkStart::Behind`]; all of them for
/// `n = 0`): by rejection while recent tips are common, else by counting them.
fn recent_tip<V: TangleView>(
    view: &V,
    n: u32,
    rng: &mut dyn RngCore,
) -> Result<Handle, SelectError> {
    let tips = view.tips();
    if tips.is_empty() {
        return Err(SelectError::NoTips);
    }
    if n == 0 {
        return Ok(tips[sample::below(rng, tips.len() as u32) as usize]);
    }
    let newest = (view.len() as u32).saturating_sub(1);
    let since = view.time(Handle::new(newest.saturating_sub(n)));
    let recent = |t: &&Handle| view.time(**t) >= since;
    for _ in 0..RECENT_TIP_DRAWS {
        let tip = &tips[sample::below(rng, tips.len() as u32) as usize];
        if recent(&tip) {
            return Ok(*tip);
        }
    }
    let count = tips.iter().filter(recent).count() as u32;
    if count == 0 {
        // Times out of step with handles can leave no tip that recent: take the latest.
        let latest = tips.iter().copied().max_by_key(|&t| (view.time(t), t));
        return Ok(latest.unwrap_or(tips[0]));
    }
    let k = sample::below(rng, count) as usize;
    Ok(tips
        .iter()
        .filter(recent)
        .nth(k)
        .copied()
        .unwrap_or(tips[0]))
}

#[cfg(test)]
mod tests {
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    use super::*;
    use crate::select::walk::fixtures::wide;
    use crate::{Config, Tangle};

    #[test]
    fn behind_starts_at_the_first_ancestor_n_arrivals_below_its_tip() {
        let t = wide(3_000, 20);
        let newest = t.len() as u32 - 1;
        for n in [300u32, 1_000, 10_000] {
            // Every tip is recent here, so the first draw is the tip (as replayed below).
            assert!(t.tips().iter().all(|tip| newest - tip.get() <= n));
            for seed in 0..40 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let start = resolve_start(&t, WalkStart::Behind(n), &mut rng).unwrap();
                // Replay the descent with the same draws: the tip, then one parent per step.
                let mut replay = ChaCha8Rng::seed_from_u64(seed);
                let tips = t.tips();
                let tip = tips[sample::below(&mut replay, tips.len() as u32) as usize];
                let mut cur = tip;
                let mut path = vec![cur];
                while tip.get() - cur.get() < n && !t.parents(cur).is_empty() {
                    let ps = t.parents(cur);
                    cur = ps[sample::below(&mut replay, ps.len() as u32) as usize];
                    path.push(cur);
                }
                assert_eq!(start, cur, "n = {n}, seed = {seed}");
                assert!(start == tip || t.is_ancestor(start, tip));
                let reached = tip.get() - start.get() >= n;
                assert!(reached || t.parents(start).is_empty(), "stopped early");
                // The first vertex of the path that is deep enough: its predecessor was not.
                if let [.., before, _] = path[..] {
                    assert!(tip.get() - before.get() < n);
                }
            }
        }
        // Depth in arrivals is far shallower than in edges on a wide Tangle.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let by_arrivals = resolve_start(&t, WalkStart::Behind(300), &mut rng).unwrap();
        let by_edges = resolve_start(&t, WalkStart::Depth(300), &mut rng).unwrap();
        assert!(t.height(by_arrivals) > t.height(by_edges));
    }

    /// Tips left behind are not drawn: beside a chain, an old tip (250, approving 249 like
    /// the chain's 251) is drawn only once `n` reaches its age, and then a descent from it
    /// goes to the root.
    #[test]
    fn behind_draws_only_recent_tips() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=500u64 {
            let parent = if id == 250 || id == 251 { 249 } else { id - 1 };
            let _ = t.insert(id, &[parent], 1, id).unwrap();
        }
        assert_eq!(t.tips().len(), 2);
        for seed in 0..64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for (n, expected) in [(1u32, 499u32), (10, 490), (249, 251)] {
                let start = resolve_start(&t, WalkStart::Behind(n), &mut rng).unwrap();
                assert_eq!(start.get(), expected, "n = {n}, seed = {seed}");
            }
        }
        let mut starts = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            starts.insert(
                resolve_start(&t, WalkStart::Behind(250), &mut rng)
                    .unwrap()
                    .get(),
            );
        }
        assert_eq!(
            starts,
            [0, 249].into(),
            "from the chain's head and from the old tip"
        );
        // n = 0 starts at any tip.
        let zero: std::collections::BTreeSet<u32> = (0..64)
            .map(|seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                resolve_start(&t, WalkStart::Behind(0), &mut rng)
                    .unwrap()
                    .get()
            })
            .collect();
        assert_eq!(zero, [250, 500].into());
    }

    /// Recency is by time, not by solidification order: a burst of 60 vertices issued long
    /// ago (a released parasite, times 100..160) that become solid after an honest chain
    /// (times = ids up to 300) does not hide the chain's head from `Behind(10)`.
    #[test]
    fn behind_recency_survives_a_burst() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=300u64 {
            let _ = t.insert(id, &[id - 1], 1, id).unwrap();
        }
        for i in 0..60u64 {
            // Two strands from vertex 99, so the burst has two tips of its own.
            let parent = if i < 2 { 99 } else { 1_000 + i - 2 };
            let _ = t.insert(1_000 + i, &[parent], 1, 100 + i).unwrap();
        }
        assert_eq!(t.tips().len(), 3);
        let head = t.handle(&300).unwrap();
        let from_head = (0..64)
            .filter(|&seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let start = resolve_start(&t, WalkStart::Behind(10), &mut rng).unwrap();
                start.get() == head.get() - 10
            })
            .count();
        // Recent: the head (time 300) and the burst's two tips (times 158, 159 ≥ 149).
        assert!(
            (10..=35).contains(&from_head),
            "{from_head} of 64 from the head"
        );
    }

    /// The recent tip is uniform among the recent ones, by rejection (a quarter recent) and
    /// by counting (2 of 200 recent): chi-square over 20,000 draws each.
    #[test]
    fn recent_tip_is_uniform_in_both_branches() {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for id in 1..=200u64 {
            let _ = t.insert(id, &[0], 1, id).unwrap();
        }
        for (n, recent, critical) in [(49u32, 50u32, 85.4), (1, 2, 10.8)] {
            let mut rng = ChaCha8Rng::seed_from_u64(n.into());
            let mut counts = vec![0u32; 201];
            let draws = 20_000;
            for _ in 0..draws {
                counts[recent_tip(&t, n, &mut rng).unwrap().index()] += 1;
            }
            let first = 201 - recent as usize;
            assert!(
                counts[..first].iter().all(|&c| c == 0),
                "n = {n}: old tip drawn"
            );
            let expected = f64::from(draws) / f64::from(recent);
            let chi2: f64 = counts[first..]
                .iter()
                .map(|&c| (f64::from(c) - expected).powi(2) / expected)
                .sum();
            // Critical values at p = 0.001 for 49 and 1 degrees of freedom.
            assert!(chi2 < critical, "n = {n}: chi-square {chi2}");
        }
    }

    #[test]
    fn behind_on_an_empty_view_has_no_tips() {
        let t: Tangle<u64> = Tangle::new(Config::default());
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(
            resolve_start(&t, WalkStart::Behind(5), &mut rng),
            Err(SelectError::NoTips)
        );
    }
}
