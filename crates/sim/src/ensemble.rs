//! Ensembles: `R` runs with seeds derived from one seed, in parallel, summarised by mean and
//! 95 % confidence interval per metric.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use tangle_graph::select::TipSelector;

use crate::SimError;
use crate::report::SimReport;
use crate::run::{SimTangle, Simulation};
use crate::shard::{EnsembleTotals, Shard, ShardRun};

/// Seed of run `r` of an ensemble seeded with `seed`: the SplitMix64 output for
/// `seed + (r + 1)·γ` (γ = 0x9e37_79b9_7f4a_7c15), so neighbouring ensemble seeds do not
/// share runs and the runs' streams are unrelated.
pub fn derive_seed(seed: u64, run: u32) -> u64 {
    let mut z = seed.wrapping_add(
        u64::from(run)
            .wrapping_add(1)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15),
    );
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mean and 95 % confidence interval of one metric over the runs of an ensemble.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Sample mean over the runs.
    pub mean: f64,
    /// Sample standard deviation (`n − 1` denominator; 0 for one run).
    pub std_dev: f64,
    /// Half-width of the 95 % interval, `t₀.₉₇₅,ₙ₋₁ · s / √n` (Student; `NaN` for one run).
    pub ci95: f64,
}

impl Estimate {
    /// The estimate of `n` values with this mean and sample standard deviation (the
    /// half-width is Student's; `NaN` for fewer than two values).
    pub fn from_mean_and_std_dev(mean: f64, std_dev: f64, n: u64) -> Self {
        let ci95 = if n < 2 {
            f64::NAN
        } else {
            student_t975((n - 1) as usize) * std_dev / (n as f64).sqrt()
        };
        Estimate {
            mean,
            std_dev,
            ci95,
        }
    }

    /// The estimate of `values` (one per run, in run order; the sums run in that order, so
    /// the result does not depend on how runs were spread over threads).
    pub fn of(values: &[f64]) -> Self {
        let n = values.len();
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                std_dev: f64::NAN,
                ci95: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate {
                mean,
                std_dev: 0.0,
                ci95: f64::NAN,
            };
        }
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        let std_dev = var.sqrt();
        Estimate {
            mean,
            std_dev,
            ci95: student_t975(n - 1) * std_dev / (n as f64).sqrt(),
        }
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (table to 30, then the
/// Cornish–Fisher expansion around 1.96, accurate to 1e-3 there).
fn student_t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            let z: f64 = 1.959_964;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// Results of an ensemble: the estimates, the mean approvers histogram, run 0's report and
/// the running totals they come from (the per-run reports are not kept: memory does not grow
/// with the number of runs).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnsembleReport {
    /// Number of runs `R`.
    pub runs: u32,
    /// The ensemble seed; run `r` used [`derive_seed`]`(seed, r)`.
    pub seed: u64,
    /// Mean and 95 % CI of `mean_tips`, `mean_global_tips`, `mean_first_approval_time`,
    /// `orphan_rate`, `cw_slope`, `cw_adaptation_time`, `confirmation_latency_weight`,
    /// `confirmation_latency_confidence` and, when measured,
    /// `confirmation_latency_selector_confidence` (keyed by those names; the last five over
    /// the runs that define them).
    pub estimates: BTreeMap<String, Estimate>,
    /// Entry `n`: mean over the runs of the share of measured transactions with `n` direct
    /// approvers.
    pub approvers_histogram: Vec<f64>,
    /// Run 0's report (with its series, when recorded).
    pub first: SimReport,
    /// The running totals (what a shard of the ensemble would write).
    #[serde(skip)]
    pub totals: EnsembleTotals,
}

impl Simulation {
    /// Runs the simulation `runs` times with seeds [`derive_seed`]`(seed, r)` on `threads`
    /// scoped threads (0 = the machine's available parallelism), each with its own selector
    /// from `make_selector`, keeping running totals
    /// ([`Simulation::run_ensemble_shard`] with [`Shard::WHOLE`]). Results do not depend on
    /// `threads`: each run is deterministic and the sums are exact. The first failing run's
    /// error (lowest run number) is returned.
    pub fn run_ensemble<S, F>(
        &self,
        make_selector: F,
        runs: u32,
        seed: u64,
        threads: usize,
    ) -> Result<EnsembleReport, SimError>
    where
        S: TipSelector<SimTangle>,
        F: Fn() -> S + Sync,
    {
        let ShardRun { totals, first } =
            self.run_ensemble_shard(make_selector, runs, seed, Shard::WHOLE, threads)?;
        Ok(EnsembleReport {
            runs,
            seed,
            estimates: totals.estimates(),
            approvers_histogram: totals.approvers_histogram(),
            first,
            totals,
        })
    }
}

/// Runs `work(state, r)` for `r` in `0..runs` on `threads` scoped threads (0 = available
/// parallelism), each thread with its own `state` from `make_state` (a selector). Results come
/// back in run order; the first failing run's error (lowest run number) is returned. Each run
/// must depend only on `r`, so that results do not depend on `threads`.
pub(crate) fn parallel_runs<S, T, F, W>(
    runs: u32,
    threads: usize,
    make_state: F,
    work: W,
) -> Result<Vec<T>, SimError>
where
    T: Send,
    F: Fn() -> S + Sync,
    W: Fn(&mut S, u32) -> Result<T, SimError> + Sync,
{
    if runs == 0 {
        return Err(SimError::InvalidConfig {
            name: "runs",
            reason: "must be at least 1",
        });
    }
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        t => t,
    }
    .min(runs as usize);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<T, SimError>>>> =
        Mutex::new((0..runs).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut state = make_state();
                loop {
                    let r = next.fetch_add(1, Ordering::Relaxed);
                    if r >= runs as usize {
                        break;
                    }
                    let out = work(&mut state, r as u32);
                    if let Ok(mut slots) = results.lock() {
                        slots[r] = Some(out);
                    }
                }
            });
        }
    });
    let slots = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = Vec::with_capacity(runs as usize);
    for slot in slots {
        match slot {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Err(e),
            None => {
                return Err(SimError::InvalidConfig {
                    name: "runs",
                    reason: "a worker thread panicked",
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_matches_hand_computation() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        let s = (5.0f64 / 3.0).sqrt();
        assert!((e.std_dev - s).abs() < 1e-12);
        assert!((e.ci95 - 3.182 * s / 2.0).abs() < 1e-12);
        assert!(Estimate::of(&[7.0]).ci95.is_nan());
        // The expansion continues the table smoothly.
        assert!((student_t975(30) - 2.042).abs() < 1e-3);
        assert!((student_t975(31) - 2.040).abs() < 1e-3);
        assert!((student_t975(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn derived_seeds_differ() {
        assert_ne!(derive_seed(1, 0), derive_seed(1, 1));
        assert_ne!(derive_seed(1, 1), derive_seed(2, 0));
    }
}
