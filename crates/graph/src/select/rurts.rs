//! Restricted uniform random tip selection.

use rand_core::RngCore;

use super::urts::uniform_from;
use super::{SelectError, Selection, TipRequest, TipSelector};
use crate::id::Handle;
use crate::view::TangleView;

/// The age bound Δ of [`Rurts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxAge {
    /// Tips whose arrival time is at most this far behind "now" (the view's latest arrival
    /// time, or [`Rurts::set_now`]). Same unit as the vertex times.
    Time(u64),
    /// Tips whose height is at most this far below the highest tip.
    Height(u32),
}

/// RURTS: URTS restricted to tips younger than Δ, so that old tips (left behind, or attached
/// lazily to an old part of the Tangle by an attacker) are never approved. This is the
/// "restricted URTS" used in the IOTA 2.0 / Tangle 2.0 design, where tips older than a maximum
/// age are excluded from the uniform choice. Parameters: Δ as a time or a height.
#[derive(Clone, Debug)]
pub struct Rurts {
    max_age: MaxAge,
    now: Option<u64>,
    eligible: Vec<Handle>,
}

impl Rurts {
    /// A selector with age bound Δ.
    pub fn new(max_age: MaxAge) -> Self {
        Rurts {
            max_age,
            now: None,
            eligible: Vec::new(),
        }
    }

    /// Sets the reference time for [`MaxAge::Time`] (`None`: the view's latest arrival time).
    pub fn set_now(&mut self, now: Option<u64>) {
        self.now = now;
    }

    /// The age bound.
    pub fn max_age(&self) -> MaxAge {
        self.max_age
    }
}

impl<V: TangleView> TipSelector<V> for Rurts {
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
        self.eligible.clear();
        match self.max_age {
            MaxAge::Time(delta) => {
                let now = self.now.unwrap_or_else(|| view.latest_time());
                self.eligible.extend(
                    tips.iter()
                        .copied()
                        .filter(|&t| now.saturating_sub(view.time(t)) <= delta),
                );
            }
            MaxAge::Height(delta) => {
                let top = tips.iter().map(|&t| view.height(t)).max().unwrap_or(0);
                self.eligible.extend(
                    tips.iter()
                        .copied()
                        .filter(|&t| top - view.height(t) <= delta),
                );
            }
        }
        if self.eligible.is_empty() {
            return Err(SelectError::NoEligibleTips {
                rule: "RURTS: every tip is older than the maximum age",
            });
        }
        Ok(uniform_from(view, &self.eligible, request, rng))
    }
}
