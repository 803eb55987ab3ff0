//! E-IOTA: MCMC with a per-selection random α.

use rand_core::RngCore;

use super::walk::check_alpha;
use super::{Mcmc, SelectError, Selection, TipRequest, TipSelector, WalkStart, sample};
use crate::view::CumulativeWeights;

/// E-IOTA (Bu et al., *Metamorphic IOTA*): each selection first draws α from a finite mixture
/// — typically α = 0 (a cheap unweighted walk that gives left-behind tips a chance), a low α
/// and a high α (weighted walks that resist lazy and parasite attachments) — and then runs
/// every walk of that selection as MCMC with that α.
///
/// Parameters: the mixture as `(probability, α)` pairs (probabilities non-negative, summing to
/// 1 within 1e-9), the walk start and the step budget. The paper's three-way form is
/// [`EIota::three_way`]; its probabilities and α values are left to the caller, as they are
/// tuned per network in the paper. Runs on views with [`CumulativeWeights`].
#[derive(Clone, Debug)]
pub struct EIota {
    mixture: Vec<(f64, f64)>,
    mcmc: Mcmc,
    last_alpha: Option<f64>,
}

impl EIota {
    /// E-IOTA with an arbitrary mixture of `(probability, α)`.
    pub fn new(mixture: &[(f64, f64)], start: WalkStart) -> Result<Self, SelectError> {
        if mixture.is_empty() {
            return Err(SelectError::InvalidParameter {
                name: "mixture",
                reason: "needs at least one component",
            });
        }
        let mut total = 0.0;
        for &(p, a) in mixture {
            check_alpha(a)?;
            if !(p.is_finite() && p >= 0.0) {
                return Err(SelectError::InvalidParameter {
                    name: "mixture probability",
                    reason: "must be finite and non-negative",
                });
            }
            total += p;
        }
        if (total - 1.0).abs() > 1e-9 {
            return Err(SelectError::InvalidParameter {
                name: "mixture",
                reason: "probabilities must sum to 1",
            });
        }
        Ok(EIota {
            mixture: mixture.to_vec(),
            mcmc: Mcmc::new(0.0, start)?,
            last_alpha: None,
        })
    }

    /// The paper's form: α = 0 with probability `p_zero`, `alpha_low` with probability
    /// `p_low`, otherwise `alpha_high`.
    pub fn three_way(
        p_zero: f64,
        p_low: f64,
        alpha_low: f64,
        alpha_high: f64,
        start: WalkStart,
    ) -> Result<Self, SelectError> {
        let p_high = 1.0 - p_zero - p_low;
        if p_high < -1e-9 {
            return Err(SelectError::InvalidParameter {
                name: "mixture",
                reason: "p_zero + p_low must not exceed 1",
            });
        }
        Self::new(
            &[
                (p_zero, 0.0),
                (p_low, alpha_low),
                (p_high.max(0.0), alpha_high),
            ],
            start,
        )
    }

    /// Walk step budget (default 1 000 000).
    pub fn with_max_steps(mut self, max_steps: u32) -> Self {
        self.mcmc = self.mcmc.with_max_steps(max_steps);
        self
    }

    /// The α drawn by the last selection (for analysis).
    pub fn last_alpha(&self) -> Option<f64> {
        self.last_alpha
    }

    fn draw_alpha(&self, rng: &mut dyn RngCore) -> f64 {
        let u = sample::unit(rng);
        let mut acc = 0.0;
        for &(p, a) in &self.mixture {
            acc += p;
            if u < acc {
                return a;
            }
        }
        // Rounding left `u` above the cumulative sum: the last component with mass.
        self.mixture
            .iter()
            .rev()
            .find(|(p, _)| *p > 0.0)
            .map_or(0.0, |&(_, a)| a)
    }
}

impl<V: CumulativeWeights> TipSelector<V> for EIota {
    fn select(
        &mut self,
        view: &V,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        let alpha = self.draw_alpha(rng);
        self.last_alpha = Some(alpha);
        self.mcmc.select_with_alpha(view, alpha, request, rng)
    }
}
