//! Selector specifications: a tip selector named and parameterised as `tangle simulate` does
//! it, with the same defaults, so that a library user builds the same selector and reports the
//! same parameters as the command line.
//!
//! The specification lives in the simulator rather than in `tangle-graph` because two of its
//! defaults are simulation quantities: RURTS' maximum age Δ defaults to `5h + 10/λ` (time units
//! of the model, converted to vertex ticks with [`TICKS_PER_UNIT`]), and the automatic weight
//! window is a [`SimConfig`] setting.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tangle_graph::rand_core::RngCore;
use tangle_graph::select::{
    EIota, Hps, Hybrid, MaxAge, Mcmc, Rurts, SelectError, Selection, TipRequest, TipSelector, Urts,
    Urw, WalkStart,
};
use tangle_graph::window::MIN_WINDOW;

use crate::config::SimConfig;
use crate::run::{SimTangle, TICKS_PER_UNIT};

/// The tip-selection algorithms a [`SelectorSpec`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Uniform random tip selection ([`Urts`]).
    Urts,
    /// URTS restricted to tips at most Δ old ([`Rurts`]).
    Rurts,
    /// Unweighted random walk ([`Urw`]).
    Urw,
    /// Popov's weighted random walk with parameter α ([`Mcmc`]).
    Mcmc,
    /// One tip by an MCMC walk, the others uniformly ([`Hybrid`]).
    Hybrid,
    /// E-IOTA's mixture of walks ([`EIota`], [`EIOTA_MIXTURE`]).
    Eiota,
    /// The pair of tips covering the most of a window ([`Hps`]).
    Hps,
}

impl Algorithm {
    /// Every algorithm, in the order of the command line's help.
    pub const ALL: [Algorithm; 7] = [
        Algorithm::Urts,
        Algorithm::Rurts,
        Algorithm::Urw,
        Algorithm::Mcmc,
        Algorithm::Hybrid,
        Algorithm::Eiota,
        Algorithm::Hps,
    ];

    /// The name reports and `--tip-selection` use (`"urts"`, `"mcmc"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Urts => "urts",
            Algorithm::Rurts => "rurts",
            Algorithm::Urw => "urw",
            Algorithm::Mcmc => "mcmc",
            Algorithm::Hybrid => "hybrid",
            Algorithm::Eiota => "eiota",
            Algorithm::Hps => "hps",
        }
    }

    /// Whether the selector reads cumulative weights (the graph maintains them only then).
    pub fn weighted(self) -> bool {
        matches!(self, Algorithm::Mcmc | Algorithm::Hybrid | Algorithm::Eiota)
    }

    /// Whether the selector walks from an entry point (and so uses the walk start).
    fn walks(self) -> bool {
        self.weighted() || self == Algorithm::Urw
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = SpecError;

    fn from_str(s: &str) -> Result<Self, SpecError> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| SpecError::UnknownAlgorithm(s.to_owned()))
    }
}

/// E-IOTA's mixture as (probability, multiple of α): α = 0 with probability 0.1, α with 0.65,
/// 10·α otherwise (Bu et al., *Metamorphic IOTA*).
pub const EIOTA_MIXTURE: [(f64, f64); 3] = [(0.1, 0.0), (0.65, 1.0), (1.0 - 0.1 - 0.65, 10.0)];

/// Largest weight window chosen automatically (rows of 2 KiB, 32 MiB in all).
pub const AUTO_WINDOW_MAX: u32 = 16_384;

/// Default α of the weighted walks.
pub const DEFAULT_ALPHA: f64 = 0.01;
/// Default walk start depth (edges below a uniformly drawn tip).
pub const DEFAULT_WALK_DEPTH: u32 = 100;
/// Default window of HPS.
pub const DEFAULT_HPS_WINDOW: u32 = 256;

/// A tip selector by name and parameters, with `tangle simulate`'s defaults.
///
/// Text form ([`FromStr`], [`Display`](fmt::Display)): the name, then optionally `:` and
/// comma-separated `key=value` pairs with the keys `alpha`, `walk_depth`, `walk_behind`,
/// `weight_window`, `max_age`, `hps_window` (the option names of the command line).
///
/// ```
/// use tangle_sim::{Algorithm, SelectorSpec};
///
/// let spec: SelectorSpec = "mcmc:alpha=0.02,walk_behind=200".parse()?;
/// assert_eq!(spec.algorithm, Algorithm::Mcmc);
/// assert_eq!(spec.effective_weight_window(), 512); // twice the walk, a power of two
/// assert_eq!(spec.to_string().parse::<SelectorSpec>()?, spec);
///
/// // RURTS' Δ defaults to 5h + 10/λ.
/// let rurts: SelectorSpec = "rurts".parse()?;
/// assert_eq!(rurts.max_age(10.0, 1.0), 6.0);
/// # Ok::<(), tangle_sim::SpecError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectorSpec {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// α of the weighted walks (mcmc, hybrid, eiota); ≥ 0, > 0 for hybrid.
    pub alpha: f64,
    /// Walk start: edges below a uniformly drawn tip (urw and the weighted walks), unless
    /// `walk_behind` is set.
    pub walk_depth: u32,
    /// Walk start counted in transactions: steps down until the tip is at least the N-th
    /// transaction after the start (replaces `walk_depth`).
    pub walk_behind: Option<u32>,
    /// Weight window of weighted selectors (0: checkpoints); `None`: automatic
    /// ([`SelectorSpec::effective_weight_window`]).
    pub weight_window: Option<u32>,
    /// Maximum tip age Δ of RURTS in time units; `None`: `5h + 10/λ`.
    pub max_age: Option<f64>,
    /// Window of HPS: the newest vertices whose coverage is compared.
    pub hps_window: u32,
}

/// Why a selector specification is invalid. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// Not one of the algorithm names.
    #[error(
        "selector rule: unknown tip selection {0:?} (urts, rurts, urw, mcmc, hybrid, eiota, hps)"
    )]
    UnknownAlgorithm(String),
    /// A `key=value` pair with an unknown key or an unparsable value.
    #[error("selector rule: bad parameter {0:?}")]
    BadParameter(String),
    /// RURTS' Δ is not a finite non-negative number.
    #[error("selector rule: max_age must be finite and non-negative, got {0}")]
    MaxAge(f64),
    /// The selector refused its parameters.
    #[error(transparent)]
    Select(#[from] SelectError),
}

impl SelectorSpec {
    /// `algorithm` with the default parameters.
    pub fn new(algorithm: Algorithm) -> Self {
        SelectorSpec {
            algorithm,
            alpha: DEFAULT_ALPHA,
            walk_depth: DEFAULT_WALK_DEPTH,
            walk_behind: None,
            weight_window: None,
            max_age: None,
            hps_window: DEFAULT_HPS_WINDOW,
        }
    }

    /// RURTS' Δ in time units: `max_age`, or `5h + 10/λ`.
    pub fn max_age(&self, lambda: f64, delay: f64) -> f64 {
        self.max_age.unwrap_or(5.0 * delay + 10.0 / lambda)
    }

    /// The weight window the run keeps: 0 for unweighted selectors; else `weight_window`, else
    /// one of twice `walk_behind` (a recent tip is at most that far behind the newest
    /// transaction and the walk enters that far below it) rounded up to a power of two when
    /// that is at most [`AUTO_WINDOW_MAX`], else 0 (checkpoints: a walk entering `walk_depth`
    /// edges deep reads weights arbitrarily far back).
    pub fn effective_weight_window(&self) -> u32 {
        if !self.algorithm.weighted() {
            return 0;
        }
        match (self.weight_window, self.walk_behind) {
            (Some(w), _) => w,
            (None, Some(n)) => match n.checked_mul(2).and_then(u32::checked_next_power_of_two) {
                Some(w) if w <= AUTO_WINDOW_MAX => w.max(MIN_WINDOW),
                _ => 0,
            },
            (None, None) => 0,
        }
    }

    /// Sets what the simulation needs for this selector: its name in the reports, whether the
    /// graph maintains cumulative weights, and the weight window.
    pub fn configure(&self, config: &mut SimConfig) {
        config.cumulative_weight = self.algorithm.weighted();
        config.weight_window = self.effective_weight_window();
        config.tip_selection = self.algorithm.name().to_owned();
    }

    fn walk_start(&self) -> WalkStart {
        match self.walk_behind {
            Some(n) => WalkStart::Behind(n),
            None => WalkStart::Depth(self.walk_depth),
        }
    }

    /// Builds the selector for a run of rate λ and delay `h` (which set RURTS' default Δ).
    pub fn build(&self, lambda: f64, delay: f64) -> Result<SpecSelector, SpecError> {
        let start = self.walk_start();
        let alpha = self.alpha;
        Ok(match self.algorithm {
            Algorithm::Urts => SpecSelector::Urts(Urts),
            Algorithm::Rurts => {
                let delta = self.max_age(lambda, delay);
                if !(delta.is_finite() && delta >= 0.0) {
                    return Err(SpecError::MaxAge(delta));
                }
                // Vertex times are in ticks; `as` saturates.
                SpecSelector::Rurts(Rurts::new(MaxAge::Time(
                    (delta * TICKS_PER_UNIT).round() as u64
                )))
            }
            Algorithm::Urw => SpecSelector::Urw(Urw::new(start)),
            Algorithm::Mcmc => SpecSelector::Mcmc(Mcmc::new(alpha, start)?),
            Algorithm::Hybrid => SpecSelector::Hybrid(Hybrid::new(alpha, start)?),
            Algorithm::Eiota => {
                let [(p_zero, _), (p_low, low), (_, high)] = EIOTA_MIXTURE;
                SpecSelector::EIota(EIota::three_way(
                    p_zero,
                    p_low,
                    low * alpha,
                    high * alpha,
                    start,
                )?)
            }
            Algorithm::Hps => SpecSelector::Hps(Hps::new(self.hps_window)?),
        })
    }

    /// The parameters a report needs to be reproduced (JSON `tip_selection_parameters`): α
    /// (and E-IOTA's mixture) and the walk start of the walks with their weight window, Δ of
    /// RURTS, the window of HPS. λ and `h` fill RURTS' default Δ.
    pub fn parameters(&self, lambda: f64, delay: f64) -> Map<String, Value> {
        let mut map = Map::new();
        if self.algorithm.weighted() {
            map.insert("alpha".to_owned(), json!(self.alpha));
        }
        if self.algorithm == Algorithm::Eiota {
            let mixture: Vec<Value> = EIOTA_MIXTURE
                .iter()
                .map(|&(p, m)| json!([p, m * self.alpha]))
                .collect();
            map.insert("alpha_mixture".to_owned(), Value::Array(mixture));
        }
        if self.algorithm == Algorithm::Rurts {
            map.insert("max_age".to_owned(), json!(self.max_age(lambda, delay)));
        }
        if self.algorithm.walks() {
            match self.walk_behind {
                Some(n) => map.insert("walk_behind".to_owned(), json!(n)),
                None => map.insert("walk_depth".to_owned(), json!(self.walk_depth)),
            };
            let window = self.effective_weight_window();
            if window > 0 {
                map.insert("weight_window".to_owned(), json!(window));
            }
        }
        if self.algorithm == Algorithm::Hps {
            map.insert("hps_window".to_owned(), json!(self.hps_window));
        }
        map
    }
}

impl fmt::Display for SelectorSpec {
    /// The name, then the parameters that differ from the defaults and apply to the algorithm.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let default = SelectorSpec::new(self.algorithm);
        let mut pairs = Vec::new();
        if self.algorithm.weighted() && self.alpha.to_bits() != default.alpha.to_bits() {
            pairs.push(format!("alpha={}", self.alpha));
        }
        if self.algorithm.walks() {
            match self.walk_behind {
                Some(n) => pairs.push(format!("walk_behind={n}")),
                None if self.walk_depth != default.walk_depth => {
                    pairs.push(format!("walk_depth={}", self.walk_depth));
                }
                None => {}
            }
        }
        if self.algorithm.weighted()
            && let Some(w) = self.weight_window
        {
            pairs.push(format!("weight_window={w}"));
        }
        if self.algorithm == Algorithm::Rurts
            && let Some(t) = self.max_age
        {
            pairs.push(format!("max_age={t}"));
        }
        if self.algorithm == Algorithm::Hps && self.hps_window != default.hps_window {
            pairs.push(format!("hps_window={}", self.hps_window));
        }
        f.write_str(self.algorithm.name())?;
        if !pairs.is_empty() {
            write!(f, ":{}", pairs.join(","))?;
        }
        Ok(())
    }
}

impl FromStr for SelectorSpec {
    type Err = SpecError;

    fn from_str(s: &str) -> Result<Self, SpecError> {
        let (name, rest) = s.split_once(':').unwrap_or((s, ""));
        let mut spec = SelectorSpec::new(name.trim().parse()?);
        for pair in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || SpecError::BadParameter(pair.to_owned());
            let (key, value) = pair.split_once('=').ok_or_else(bad)?;
            let (key, value) = (key.trim(), value.trim());
            let int = || value.parse::<u32>().map_err(|_| bad());
            let float = || value.parse::<f64>().map_err(|_| bad());
            match key {
                "alpha" => spec.alpha = float()?,
                "walk_depth" => spec.walk_depth = int()?,
                "walk_behind" => spec.walk_behind = Some(int()?),
                "weight_window" => spec.weight_window = Some(int()?),
                "max_age" => spec.max_age = Some(float()?),
                "hps_window" => spec.hps_window = int()?,
                _ => return Err(bad()),
            }
        }
        Ok(spec)
    }
}

/// A selector built from a [`SelectorSpec`]: any of the algorithms, cloneable, so that an
/// ensemble can clone one validated prototype per thread.
#[derive(Clone, Debug)]
pub enum SpecSelector {
    /// [`Urts`].
    Urts(Urts),
    /// [`Rurts`].
    Rurts(Rurts),
    /// [`Urw`].
    Urw(Urw),
    /// [`Mcmc`].
    Mcmc(Mcmc),
    /// [`Hybrid`].
    Hybrid(Hybrid),
    /// [`EIota`].
    EIota(EIota),
    /// [`Hps`].
    Hps(Hps),
}

impl TipSelector<SimTangle> for SpecSelector {
    fn select(
        &mut self,
        view: &SimTangle,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectError> {
        match self {
            SpecSelector::Urts(s) => s.select(view, request, rng),
            SpecSelector::Rurts(s) => s.select(view, request, rng),
            SpecSelector::Urw(s) => s.select(view, request, rng),
            SpecSelector::Mcmc(s) => s.select(view, request, rng),
            SpecSelector::Hybrid(s) => s.select(view, request, rng),
            SpecSelector::EIota(s) => s.select(view, request, rng),
            SpecSelector::Hps(s) => s.select(view, request, rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_spec() -> impl Strategy<Value = SelectorSpec> {
        (
            0..Algorithm::ALL.len(),
            -1e3f64..1e3,
            any::<u32>(),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(-1e6f64..1e6),
            any::<u32>(),
        )
            .prop_map(
                |(a, alpha, depth, behind, window, max_age, hps)| SelectorSpec {
                    algorithm: Algorithm::ALL[a],
                    alpha,
                    walk_depth: depth,
                    walk_behind: behind,
                    weight_window: window,
                    max_age,
                    hps_window: hps,
                },
            )
    }

    proptest! {
        /// The text form keeps everything that matters to the algorithm: the parsed spec has
        /// the same parameters, weight window and text; the JSON form keeps every field.
        #[test]
        fn text_and_json_forms_round_trip(spec in any_spec()) {
            let text = spec.to_string();
            let back: SelectorSpec = text.parse().expect("own text parses");
            prop_assert_eq!(back.to_string(), text);
            prop_assert_eq!(back.parameters(10.0, 1.0), spec.parameters(10.0, 1.0));
            prop_assert_eq!(back.effective_weight_window(), spec.effective_weight_window());
            let json = serde_json::to_string(&spec).expect("serialises");
            prop_assert_eq!(serde_json::from_str::<SelectorSpec>(&json).expect("parses"), spec);
        }
    }

    #[test]
    fn text_form_round_trips_and_rejects_nonsense() {
        for text in [
            "urts",
            "rurts:max_age=2.5",
            "urw:walk_behind=50",
            "mcmc:alpha=0.5,walk_depth=20,weight_window=1024",
            "hybrid:alpha=0.1",
            "eiota",
            "hps:hps_window=64",
        ] {
            let spec: SelectorSpec = text.parse().expect(text);
            assert_eq!(spec.to_string(), text);
        }
        assert!(matches!(
            "walk".parse::<SelectorSpec>(),
            Err(SpecError::UnknownAlgorithm(_))
        ));
        assert!(matches!(
            "mcmc:alpha=x".parse::<SelectorSpec>(),
            Err(SpecError::BadParameter(_))
        ));
        assert!(matches!(
            "mcmc:beta=1".parse::<SelectorSpec>(),
            Err(SpecError::BadParameter(_))
        ));
        assert!(matches!(
            "mcmc:alpha".parse::<SelectorSpec>(),
            Err(SpecError::BadParameter(_))
        ));
    }

    #[test]
    fn build_checks_the_parameters() {
        let mut rurts = SelectorSpec::new(Algorithm::Rurts);
        assert_eq!(rurts.max_age(10.0, 1.0), 6.0);
        rurts.max_age = Some(-1.0);
        assert_eq!(rurts.build(10.0, 1.0).err(), Some(SpecError::MaxAge(-1.0)));
        let mut hybrid = SelectorSpec::new(Algorithm::Hybrid);
        hybrid.alpha = 0.0;
        assert!(matches!(hybrid.build(10.0, 1.0), Err(SpecError::Select(_))));
        for algorithm in Algorithm::ALL {
            assert!(SelectorSpec::new(algorithm).build(10.0, 1.0).is_ok());
        }
    }

    #[test]
    fn weight_window_follows_the_walk() {
        let mut spec = SelectorSpec::new(Algorithm::Mcmc);
        assert_eq!(spec.effective_weight_window(), 0, "checkpoints by default");
        spec.walk_behind = Some(200);
        assert_eq!(spec.effective_weight_window(), 512);
        spec.walk_behind = Some(10_000);
        assert_eq!(spec.effective_weight_window(), 0, "too deep: checkpoints");
        spec.weight_window = Some(4096);
        assert_eq!(spec.effective_weight_window(), 4096);
        spec.algorithm = Algorithm::Urw;
        assert_eq!(spec.effective_weight_window(), 0, "unweighted");
        let params = SelectorSpec::new(Algorithm::Eiota).parameters(10.0, 1.0);
        let keys: Vec<&str> = params.keys().map(String::as_str).collect();
        assert_eq!(keys, ["alpha", "alpha_mixture", "walk_depth"]);
    }
}
