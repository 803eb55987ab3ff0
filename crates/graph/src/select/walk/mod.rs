//! Random walks towards the tips: URW and MCMC. One job per file: the walk start
//! ([`start`]), the fixed-point weighted step ([`step`]), the walk engine ([`engine`]) and the
//! two selectors ([`urw`], [`mcmc`]).

mod engine;
mod mcmc;
mod start;
mod step;
mod urw;

pub(crate) use engine::walk;
pub use mcmc::Mcmc;
pub(crate) use mcmc::{check_alpha, check_not_empty};
pub use start::WalkStart;
pub(crate) use start::resolve_start;
pub(crate) use step::StepBuf;
pub use urw::Urw;

/// Tangles shared by the tests of the walk's files.
#[cfg(test)]
mod fixtures {
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    use crate::select::{TipRequest, TipSelector, Urts};
    use crate::{Config, Handle, Tangle};

    /// A URTS Tangle where each vertex sees only vertices `delay` arrivals older (a wide
    /// Tangle: about `2·delay` tips).
    pub(super) fn wide(n: u64, delay: u64) -> Tangle<u64> {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut pending = std::collections::VecDeque::new();
        for id in 1..n {
            let tips = Urts.select(&t, TipRequest::PAIR, &mut rng).unwrap();
            pending.push_back((id, tips.ids(&t)));
            if pending.len() as u64 > delay {
                let (id, parents) = pending.pop_front().unwrap();
                let _ = t.insert(id, &parents, 1, id).unwrap();
            }
        }
        t
    }

    /// A root approved by tips of the given own weights (their cumulative weights).
    pub(super) fn fan(weights: &[u32]) -> (Tangle<u64>, Handle) {
        let mut t: Tangle<u64> = Tangle::new(Config::default());
        t.add_solid_entry_point(0, 1, 0, None).unwrap();
        for (id, &w) in (1u64..).zip(weights) {
            let _ = t.insert(id, &[0], w, id).unwrap();
        }
        let root = t.handle(&0).unwrap();
        (t, root)
    }
}
