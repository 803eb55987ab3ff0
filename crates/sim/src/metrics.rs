//! Metrics that follow sampled transactions after the run: cumulative-weight growth and
//! confirmation latency (see the crate docs for their definitions), and the optional time
//! series behind `--out` (tips over time, approval-time histogram).
//!
//! The event loop only records a few numbers (a [`Probe`]): the global tip count right after
//! each sampled transaction was issued, and every `stride`-th point of the tip counts. The rest
//! is read off the final graph, whose vertex ids are issue numbers and whose times are issue
//! times, so the loop stays as fast as without these metrics.

use serde::Serialize;
use tangle_graph::{Handle, Tangle};

use crate::SimError;
use crate::confidence::SelectorLatency;

/// Settings of the metrics that follow sampled transactions, and of the optional series.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsConfig {
    /// Transactions followed for the cumulative-weight growth and the confirmation latency
    /// (default 100; 0 turns both off). Each costs a pass over the `≈ λA` transactions issued
    /// within its horizon: at λ = 100 the default adds ≈ 5 % to a run. They are spread evenly over the issue numbers after the
    /// warm-up whose horizon ends before the last issue.
    pub samples: u32,
    /// Points of the growth curve, ages `0, A/(P−1), …, A` (default 101, at least 11).
    pub curve_points: usize,
    /// Horizon `A` of the growth curve and of the latency (time units). Default
    /// `30·h + (20 + 2W)/λ` (`h` the mean delay): long enough for the whitepaper's adaptation
    /// phase and for a unit-weight transaction to gather weight `W` at rate λ.
    pub horizon: Option<f64>,
    /// Weight threshold `W` of the confirmation latency (default 100).
    pub confirmation_weight: u64,
    /// Confidence threshold θ of the confirmation latency, in `(0, 1]` (default 0.95).
    pub confirmation_confidence: f64,
    /// Record the series written by `--out` (tips over time, approval-time histogram); off
    /// by default (they cost a pass over the graph).
    pub series: bool,
    /// Points of the tips-over-time series (default 1,000).
    pub series_points: usize,
    /// Bins of the approval-time histogram over `[0, orphan horizon]` (default 50).
    pub histogram_bins: usize,
    /// Selections per check of the confirmation latency by the *selector's* confidence
    /// (default 0: off). When set, every sampled transaction is checked during the run at the
    /// ages of the growth curve: that many selections by the run's selector on the view of the
    /// time, and it is confirmed at the first check where a share ≥ θ of them approve it
    /// (module `confidence` in the source). The run itself is unchanged (own RNG stream);
    /// the cost is up to `samples × curve_points × this` selections.
    pub selector_confidence: u32,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            samples: 100,
            curve_points: 101,
            horizon: None,
            confirmation_weight: 100,
            confirmation_confidence: 0.95,
            series: false,
            series_points: 1_000,
            histogram_bins: 50,
            selector_confidence: 0,
        }
    }
}

/// Largest [`MetricsConfig::selector_confidence`]: a run then makes up to
/// `samples × curve_points × 100,000` extra selections (10⁹ with the defaults), hours of work;
/// more would never finish.
pub const MAX_SELECTOR_CONFIDENCE: u32 = 100_000;

impl MetricsConfig {
    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |name, reason| Err(SimError::InvalidConfig { name, reason });
        if self.curve_points < 11 {
            return bad("curve_points", "must be at least 11");
        }
        if let Some(a) = self.horizon
            && !(a.is_finite() && a > 0.0)
        {
            return bad("horizon", "must be finite and positive");
        }
        if self.confirmation_weight == 0 {
            return bad("confirmation_weight", "must be at least 1");
        }
        let theta = self.confirmation_confidence;
        if !(theta > 0.0 && theta <= 1.0) {
            return bad("confirmation_confidence", "must be in (0, 1]");
        }
        if self.series_points == 0 {
            return bad("series_points", "must be at least 1");
        }
        if self.histogram_bins == 0 {
            return bad("histogram_bins", "must be at least 1");
        }
        if self.selector_confidence > MAX_SELECTOR_CONFIDENCE {
            return bad(
                "selector_confidence",
                "must be at most 100000 selections per check",
            );
        }
        Ok(())
    }

    /// The horizon `A` for a model of rate `lambda` and mean delay `h`.
    pub fn horizon_for(&self, lambda: f64, h: f64) -> f64 {
        self.horizon
            .unwrap_or_else(|| 30.0 * h + (20.0 + 2.0 * self.confirmation_weight as f64) / lambda)
    }
}

/// Mean cumulative-weight growth of the sampled transactions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CwGrowth {
    /// Transactions followed.
    pub samples: u32,
    /// The horizon `A` (time units).
    pub horizon: f64,
    /// Ages (time since issue) of the curve points.
    pub ages: Vec<f64>,
    /// Mean cumulative weight at each age.
    pub mean_weight: Vec<f64>,
    /// Slope of the linear phase: least-squares slope of the mean curve over ages
    /// `[A/2, A]` (weight per time unit; λ·E[own weight] once every arrival approves).
    pub slope: Option<f64>,
    /// End of the adaptation phase: the first age `a` from which the mean curve rises by at
    /// least 90 % of `slope` per time unit over `[a, a + A/10]`.
    pub adaptation_time: Option<f64>,
}

/// Confirmation latency of the sampled transactions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Confirmation {
    /// The weight threshold `W`.
    pub weight_threshold: u64,
    /// The confidence threshold θ.
    pub confidence_threshold: f64,
    /// Mean time from issue until the cumulative weight reached `W`, over the samples that
    /// reached it within the horizon.
    pub mean_latency_weight: Option<f64>,
    /// Share of the samples that reached weight `W` within the horizon.
    pub confirmed_share_weight: Option<f64>,
    /// Mean time from issue until the tip confidence reached θ, over the samples that
    /// reached it within the horizon.
    pub mean_latency_confidence: Option<f64>,
    /// Share of the samples whose tip confidence reached θ within the horizon.
    pub confirmed_share_confidence: Option<f64>,
    /// Selections per check of the selector confidence (0: not measured).
    pub selector_confidence_selections: u32,
    /// Mean time from issue until the confidence of the selector under test reached θ (at
    /// the checks on the curve's age grid), over the samples that reached it in the horizon.
    pub mean_latency_selector_confidence: Option<f64>,
    /// Share of the samples whose selector confidence reached θ within the horizon.
    pub confirmed_share_selector_confidence: Option<f64>,
}

/// One point of the tips-over-time series, taken right after an arrival.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TipPoint {
    /// Issue time of the arrival.
    pub time: f64,
    /// Tips in the view of that arrival (`L(t)`).
    pub view_tips: u64,
    /// Global tips right after it was issued (`G(t)`).
    pub global_tips: u64,
}

/// The series behind `--out`; only recorded when [`MetricsConfig::series`] is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Series {
    /// Tip counts over the whole run (warm-up included), every `stride`-th arrival.
    pub tips: Vec<TipPoint>,
    /// Width of an approval-time bin (time units).
    pub approval_bin_width: f64,
    /// Entry `b`: measured transactions first approved after a wait in
    /// `[b·width, (b+1)·width)`; the last entry counts those approved later or never.
    pub approval_time_counts: Vec<u64>,
}

/// What the event loop records for the metrics.
#[derive(Debug)]
pub(crate) struct Probe {
    /// Sorted sample candidates (issue numbers).
    candidates: Vec<u64>,
    next: usize,
    /// Global tips right after each candidate was issued.
    anchors: Vec<u64>,
    stride: u64,
    tips: Vec<TipPoint>,
}

impl Probe {
    /// The sampled issue numbers, sorted.
    pub(crate) fn candidates(&self) -> &[u64] {
        &self.candidates
    }

    /// A probe for a run of `n` transactions at rate `lambda` with horizon `horizon`.
    pub(crate) fn new(m: &MetricsConfig, n: u64, warmup: u64, lambda: f64, horizon: f64) -> Self {
        // Candidates whose horizon should end before the last issue (10 % margin; those that
        // do not are dropped after the run).
        let reach = (1.1 * lambda * horizon).ceil();
        let last = if reach.is_finite() && reach < n as f64 {
            n - reach as u64
        } else {
            0
        };
        let mut candidates = Vec::new();
        if m.samples > 0 && last > warmup {
            let span = last - warmup;
            let s = u64::from(m.samples).min(span);
            candidates = (0..s).map(|i| warmup + 1 + i * span / s).collect();
            candidates.dedup();
        }
        Probe {
            candidates,
            next: 0,
            anchors: Vec::new(),
            stride: if m.series {
                (n / m.series_points as u64).max(1)
            } else {
                0
            },
            tips: Vec::new(),
        }
    }

    /// A probe that only records every `stride`-th point of the tip counts (attack runs).
    pub(crate) fn tips_every(stride: u64) -> Self {
        Probe {
            candidates: Vec::new(),
            next: 0,
            anchors: Vec::new(),
            stride,
            tips: Vec::new(),
        }
    }

    /// The recorded tip counts.
    pub(crate) fn into_tips(self) -> Vec<TipPoint> {
        self.tips
    }

    /// Called right after arrival `seq` (issued at `t`) was counted in `global_tips`.
    #[inline]
    pub(crate) fn after_arrival(&mut self, seq: u64, t: f64, view_tips: usize, global_tips: u64) {
        if self.candidates.get(self.next) == Some(&seq) {
            self.anchors.push(global_tips);
            self.next += 1;
        }
        if self.stride != 0 && seq.is_multiple_of(self.stride) {
            self.tips.push(TipPoint {
                time: t,
                view_tips: view_tips as u64,
                global_tips,
            });
        }
    }
}

fn test(bits: &[u64], bit: u64) -> bool {
    bits.get((bit / 64) as usize)
        .is_some_and(|w| (w >> (bit % 64)) & 1 == 1)
}

fn set(bits: &mut Vec<u64>, bit: u64) {
    let word = (bit / 64) as usize;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (bit % 64);
}

/// Smallest approver id of `v` (`u64::MAX` if none).
fn first_approver(tangle: &Tangle<u64>, v: Handle) -> u64 {
    tangle
        .approvers(v)
        .map(|a| tangle.id(a))
        .min()
        .unwrap_or(u64::MAX)
}

/// Inputs of [`measure`] from the run.
pub(crate) struct RunFacts {
    pub(crate) lambda: f64,
    pub(crate) mean_delay: f64,
    pub(crate) warmup: u64,
    pub(crate) orphan_horizon: f64,
    pub(crate) ticks_per_unit: f64,
    pub(crate) t_end: f64,
}

/// Reads the metrics off the final graph (every issued transaction visible, ids = issue
/// numbers, times = issue times in ticks).
pub(crate) fn measure(
    tangle: &Tangle<u64>,
    m: &MetricsConfig,
    probe: Probe,
    facts: &RunFacts,
    selector: SelectorLatency,
) -> (CwGrowth, Confirmation, Option<Series>) {
    let horizon = m.horizon_for(facts.lambda, facts.mean_delay);
    let tpu = facts.ticks_per_unit;
    let a_ticks = (horizon * tpu).round() as u64;
    let end_ticks = (facts.t_end * tpu).round() as u64;
    let points = m.curve_points;
    let ages: Vec<f64> = (0..points)
        .map(|p| horizon * p as f64 / (points - 1) as f64)
        .collect();
    let grid_ticks: Vec<u64> = ages.iter().map(|a| (a * tpu).round() as u64).collect();
    let mut sums = vec![0.0f64; points];
    let mut used = 0u32;
    let mut lat_w = (0.0f64, 0u32);
    let mut lat_c = (0.0f64, 0u32);

    // Bit `j − x` of `cone`: transaction `j` is `x` or approves it (directly or not); of
    // `approved`: some transaction issued after `x` and by the current one approves `j`.
    let mut cone: Vec<u64> = Vec::new();
    let mut approved: Vec<u64> = Vec::new();
    for (&x, &anchor) in probe.candidates.iter().zip(&probe.anchors) {
        let Some(hx) = tangle.handle(&x) else {
            continue;
        };
        let tx = tangle.time(hx);
        let limit = tx.saturating_add(a_ticks);
        if limit > end_ticks {
            continue;
        }
        used += 1;
        cone.clear();
        approved.clear();

        // Sweep the issue numbers x, x+1, … while they are within the horizon. Parents are
        // issued before their approvers, so one pass in issue order finds the cone: `j` is in
        // it iff it is `x` or one of its parents is.
        let mut cw = 0u64;
        let mut in_cone_tips = 0i64;
        let mut global = anchor as i64;
        let mut grid = 0usize;
        let mut got_w = false;
        let mut got_c = false;
        let mut j = x;
        while let Some(hj) = tangle.handle(&j) {
            let tj = tangle.time(hj);
            if tj > limit {
                break;
            }
            // The curve counts arrivals up to each grid age; fill the grid points before tj.
            while grid < points && tx + grid_ticks[grid] < tj {
                sums[grid] += cw as f64;
                grid += 1;
            }
            let mut member = j == x;
            if j > x {
                // G(j) = G(j−1) + 1 − (parents that j is the first to approve). Parents issued
                // from x on are tracked in `approved`; older ones are looked up.
                let mut freed = 0i64;
                for &p in tangle.parents(hj) {
                    let id = tangle.id(p);
                    if id >= x {
                        let bit = id - x;
                        let in_cone = test(&cone, bit);
                        member |= in_cone;
                        if !test(&approved, bit) {
                            set(&mut approved, bit);
                            freed += 1;
                            // A cone tip stops being one.
                            in_cone_tips -= i64::from(in_cone);
                        }
                    } else if first_approver(tangle, p) == j {
                        freed += 1;
                    }
                }
                global += 1 - freed;
            }
            if member {
                set(&mut cone, j - x);
                cw += tangle.own_weight(hj);
                in_cone_tips += 1;
            }
            let age = (tj - tx) as f64 / tpu;
            if !got_w && cw >= m.confirmation_weight {
                got_w = true;
                lat_w.0 += age;
                lat_w.1 += 1;
            }
            if !got_c
                && global > 0
                && in_cone_tips as f64 >= m.confirmation_confidence * global as f64
            {
                got_c = true;
                lat_c.0 += age;
                lat_c.1 += 1;
            }
            j += 1;
        }
        while grid < points {
            sums[grid] += cw as f64;
            grid += 1;
        }
    }

    let mean_weight: Vec<f64> = if used == 0 {
        Vec::new()
    } else {
        sums.iter().map(|s| s / f64::from(used)).collect()
    };
    let slope = fit_slope(&ages, &mean_weight, horizon / 2.0);
    let adaptation_time = slope.and_then(|s| adaptation(&ages, &mean_weight, s));
    let share = |c: u32| (used > 0).then(|| f64::from(c) / f64::from(used));
    let mean = |(sum, c): (f64, u32)| (c > 0).then(|| sum / f64::from(c));
    let growth = CwGrowth {
        samples: used,
        horizon,
        ages: if used == 0 { Vec::new() } else { ages },
        mean_weight,
        slope,
        adaptation_time,
    };
    let confirmation = Confirmation {
        weight_threshold: m.confirmation_weight,
        confidence_threshold: m.confirmation_confidence,
        mean_latency_weight: mean(lat_w),
        confirmed_share_weight: share(lat_w.1),
        mean_latency_confidence: mean(lat_c),
        confirmed_share_confidence: share(lat_c.1),
        selector_confidence_selections: selector.draws,
        mean_latency_selector_confidence: selector.mean_latency,
        confirmed_share_selector_confidence: selector.confirmed_share,
    };
    let series = m.series.then(|| Series {
        approval_bin_width: facts.orphan_horizon / m.histogram_bins as f64,
        approval_time_counts: approval_histogram(tangle, m, facts),
        tips: probe.tips,
    });
    (growth, confirmation, series)
}

/// Least-squares slope of `y` against `x` over the points with `x ≥ from`.
fn fit_slope(x: &[f64], y: &[f64], from: f64) -> Option<f64> {
    let pts: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, _)| **a >= from)
        .map(|(a, b)| (*a, *b))
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// First grid age from which the curve rises at ≥ 90 % of `slope` over a tenth of the grid.
fn adaptation(ages: &[f64], w: &[f64], slope: f64) -> Option<f64> {
    if slope <= 0.0 || w.len() != ages.len() {
        return None;
    }
    let step = (ages.len() - 1) / 10;
    (0..ages.len().saturating_sub(step)).find_map(|p| {
        let rate = (w[p + step] - w[p]) / (ages[p + step] - ages[p]);
        (rate >= 0.9 * slope).then_some(ages[p])
    })
}

/// Waits until the first approval of the measured transactions (issue number after the
/// warm-up, a full orphan horizon before the end), binned over `[0, H]`, plus a last bin for
/// later or never.
fn approval_histogram(tangle: &Tangle<u64>, m: &MetricsConfig, facts: &RunFacts) -> Vec<u64> {
    let bins = m.histogram_bins;
    let mut counts = vec![0u64; bins + 1];
    let tpu = facts.ticks_per_unit;
    let h = (facts.orphan_horizon * tpu).round() as u64;
    let end = (facts.t_end * tpu).round() as u64;
    for i in 0..tangle.len() {
        let v = Handle::new(i as u32);
        let id = tangle.id(v);
        let issued = tangle.time(v);
        if id == 0 || id <= facts.warmup || issued.saturating_add(h) > end {
            continue;
        }
        let bin = match tangle.approvers(v).map(|a| tangle.time(a)).min() {
            Some(first) if first.saturating_sub(issued) <= h && h > 0 => {
                let wait = first.saturating_sub(issued) as f64 / h as f64;
                ((wait * bins as f64) as usize).min(bins - 1)
            }
            _ => bins,
        };
        counts[bin] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_and_adaptation_of_a_broken_line() {
        // Flat until 5, then slope 3: the fit over [5, 10] finds 3; adaptation at 4–5.
        let ages: Vec<f64> = (0..=100).map(|i| i as f64 / 10.0).collect();
        let w: Vec<f64> = ages.iter().map(|a| 3.0 * (a - 5.0).max(0.0)).collect();
        let s = fit_slope(&ages, &w, 5.0).expect("slope");
        assert!((s - 3.0).abs() < 1e-9);
        let a = adaptation(&ages, &w, s).expect("adapted");
        assert!((4.0..=5.0).contains(&a), "{a}");
        assert!(fit_slope(&ages[..1], &w[..1], 0.0).is_none());
    }

    #[test]
    fn invalid_metrics_config_names_the_rule() {
        let mut m = MetricsConfig::default();
        assert!(m.validate().is_ok());
        m.confirmation_confidence = 1.5;
        assert!(matches!(
            m.validate(),
            Err(SimError::InvalidConfig {
                name: "confirmation_confidence",
                ..
            })
        ));
        let m = MetricsConfig {
            curve_points: 3,
            ..MetricsConfig::default()
        };
        assert!(m.validate().is_err());
    }
}
