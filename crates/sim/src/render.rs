//! The report `tangle simulate` prints, for library users too: [`Summary`] renders a run, a
//! scenario run or an ensemble's totals as readable text ([`Display`](fmt::Display)) or as one
//! JSON object ([`Serialize`]), with the keys and wording of the command line.
//!
//! ```
//! use tangle_sim::{SelectorSpec, SimConfig, Simulation, Summary};
//!
//! let spec: SelectorSpec = "urts".parse()?;
//! let mut config = SimConfig::new(10.0, 1.0, 2, 2_000);
//! spec.configure(&mut config);
//! let sim = Simulation::new(config)?;
//! let report = sim.run(&mut spec.build(10.0, 1.0)?, 1)?;
//! let summary = Summary::run(&report, Some(&spec));
//! assert!(summary.to_string().starts_with("tip selection urts: λ = 10, h = 1, k = 2"));
//! assert_eq!(summary.json()["runs"], 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::report::SimReport;
use crate::scenario::{Outcome, ScenarioReport};
use crate::selector::SelectorSpec;
use crate::shard::{EnsembleTotals, Header};

/// A report as `tangle simulate` prints it: [`fmt::Display`] gives the text, [`Serialize`] the
/// JSON object of `--json` (keys in a fixed order).
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    json: Value,
    scenario: bool,
}

impl Summary {
    /// One run: its report, `runs: 1`, the scalar summaries of the sampled metrics under the
    /// names ensembles use (`cw_slope`, `confirmation_latency_weight`, …) and the selector's
    /// parameters (`tip_selection_parameters`, when `selector` is given).
    pub fn run(report: &SimReport, selector: Option<&SelectorSpec>) -> Self {
        let mut json = serde_json::to_value(report).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut json {
            map.insert("runs".to_owned(), json!(1));
            let g = &report.cumulative_weight_growth;
            let c = &report.confirmation;
            for (key, value) in [
                ("cw_slope", g.slope),
                ("cw_adaptation_time", g.adaptation_time),
                ("confirmation_latency_weight", c.mean_latency_weight),
                ("confirmation_latency_confidence", c.mean_latency_confidence),
                (
                    "confirmation_latency_selector_confidence",
                    c.mean_latency_selector_confidence,
                ),
            ] {
                map.insert(key.to_owned(), json!(value));
            }
        }
        Summary {
            json: with_parameters(json, selector, report.lambda, report.delay),
            scenario: false,
        }
    }

    /// One scenario run: its report, `runs: 1`, `success_rate` (1 or 0) for a parasite chain,
    /// and the selector's parameters.
    pub fn scenario(report: &ScenarioReport, selector: Option<&SelectorSpec>) -> Self {
        let mut json = serde_json::to_value(report).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut json {
            map.insert("runs".to_owned(), json!(1));
            if let Outcome::ParasiteChain { success, .. } = report.outcome {
                map.insert(
                    "success_rate".to_owned(),
                    json!(if success { 1.0 } else { 0.0 }),
                );
            }
        }
        Summary {
            json: with_parameters(json, selector, report.lambda, report.delay),
            scenario: true,
        }
    }

    /// An ensemble (or the merged shards of one) from its totals: the parameters, the mean of
    /// each estimate under its name (and the mean approvers histogram, or a parasite chain's
    /// `success_rate`), `ci95` (the half-widths of the 95 % intervals), the full `estimates`,
    /// `elapsed_seconds` and the parameters of `totals.selector`.
    pub fn ensemble(totals: &EnsembleTotals) -> Self {
        let estimates = totals.estimates();
        let mut map = Map::new();
        let extra;
        let (lambda, delay) = match &totals.header {
            Header::Runs(h) => {
                map.insert("transactions".to_owned(), json!(h.transactions));
                map.insert("tip_selection".to_owned(), json!(h.tip_selection));
                map.insert("lambda".to_owned(), json!(h.lambda));
                map.insert("delay".to_owned(), json!(h.delay));
                map.insert("parents".to_owned(), json!(h.parents));
                map.insert("runs".to_owned(), json!(totals.runs));
                map.insert("seed".to_owned(), json!(totals.seed));
                map.insert("warmup".to_owned(), json!(h.warmup));
                map.insert("orphan_horizon".to_owned(), json!(h.orphan_horizon));
                map.insert(
                    "confirmation".to_owned(),
                    json!({
                        "weight_threshold": h.weight_threshold,
                        "confidence_threshold": h.confidence_threshold,
                        "selector_confidence_selections": h.selector_confidence_selections,
                    }),
                );
                extra = Some(("approvers_histogram", json!(totals.approvers_histogram())));
                (h.lambda, h.delay)
            }
            Header::Scenario(h) => {
                map.insert("scenario".to_owned(), json!(h.scenario));
                map.insert("parameters".to_owned(), h.parameters.clone());
                map.insert("tip_selection".to_owned(), json!(h.tip_selection));
                map.insert("lambda".to_owned(), json!(h.lambda));
                map.insert("delay".to_owned(), json!(h.delay));
                map.insert("parents".to_owned(), json!(h.parents));
                map.insert("runs".to_owned(), json!(totals.runs));
                map.insert("seed".to_owned(), json!(totals.seed));
                extra = estimates
                    .get("success")
                    .map(|success| ("success_rate", json!(success.mean)));
                (h.lambda, h.delay)
            }
        };
        let mut ci95 = Map::new();
        for (name, estimate) in &estimates {
            map.insert(name.clone(), json!(estimate.mean));
            ci95.insert(name.clone(), json!(estimate.ci95));
        }
        if let Some((key, value)) = extra {
            map.insert(key.to_owned(), value);
        }
        map.insert("ci95".to_owned(), Value::Object(ci95));
        map.insert(
            "estimates".to_owned(),
            serde_json::to_value(&estimates).unwrap_or(Value::Null),
        );
        map.insert("elapsed_seconds".to_owned(), json!(totals.elapsed_seconds));
        Summary {
            json: with_parameters(Value::Object(map), totals.selector.as_ref(), lambda, delay),
            scenario: matches!(totals.header, Header::Scenario(_)),
        }
    }

    /// The JSON object.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The JSON object, owned.
    pub fn into_json(self) -> Value {
        self.json
    }
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if self.scenario {
            scenario_text(&self.json)
        } else {
            run_text(&self.json)
        };
        f.write_str(&text)
    }
}

/// Adds `tip_selection_parameters` (when the selector came from a specification).
fn with_parameters(
    mut report: Value,
    selector: Option<&SelectorSpec>,
    lambda: f64,
    delay: f64,
) -> Value {
    if let (Value::Object(map), Some(spec)) = (&mut report, selector) {
        map.insert(
            "tip_selection_parameters".to_owned(),
            Value::Object(spec.parameters(lambda, delay)),
        );
    }
    report
}

/// `" (alpha = 0.01, walk_depth = 100)"`, or nothing without parameters.
fn parameters_text(report: &Value) -> String {
    match report["tip_selection_parameters"].as_object() {
        Some(map) if !map.is_empty() => {
            let items: Vec<String> = map.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!(" ({})", items.join(", "))
        }
        _ => String::new(),
    }
}

/// A number of the report (`NaN` if absent or `null`).
fn number(report: &Value, key: &str) -> f64 {
    report[key].as_f64().unwrap_or(f64::NAN)
}

/// A metric with its 95 % half-width when the report has one (an ensemble).
fn metric(report: &Value, key: &str) -> String {
    match report["ci95"][key].as_f64() {
        Some(ci) => format!("{:.4} ± {ci:.4} (95 % CI)", number(report, key)),
        None => format!("{:.4}", number(report, key)),
    }
}

/// The text of a scenario run or ensemble.
fn scenario_text(report: &Value) -> String {
    let runs = report["runs"].as_u64().unwrap_or(1);
    let metric = |key: &str| metric(report, key);
    let mut out = vec![format!(
        "scenario {} against {}{}: q = {}, λ = {}, h = {}, k = {}, {} run{}, seed {}",
        report["scenario"].as_str().unwrap_or_default(),
        report["tip_selection"].as_str().unwrap_or_default(),
        parameters_text(report),
        report["parameters"]
            .as_object()
            .and_then(|p| p.values().next())
            .map_or(f64::NAN, |p| p["share"].as_f64().unwrap_or(f64::NAN)),
        number(report, "lambda"),
        number(report, "delay"),
        report["parents"],
        runs,
        if runs == 1 { "" } else { "s" },
        report["seed"],
    )];
    out.push(format!("mean tips:                {}", metric("mean_tips")));
    out.push(format!(
        "final tips:               {}",
        metric("final_tips")
    ));
    out.push(format!(
        "honest orphan rate:       {}",
        metric("honest_orphan_rate")
    ));
    out.push(format!(
        "attacker orphan rate:     {}",
        metric("attacker_orphan_rate")
    ));
    if runs == 1
        && let Some((name, fields)) = report["outcome"].as_object().and_then(|o| o.iter().next())
    {
        let fields: Vec<String> = fields
            .as_object()
            .map(|f| f.iter().map(|(k, v)| format!("{k} = {v}")).collect())
            .unwrap_or_default();
        out.push(format!(
            "outcome ({}):{}{}",
            name.replace('_', " "),
            " ".repeat(16usize.saturating_sub(name.len())),
            fields.join(", ")
        ));
    }
    if report.get("success_rate").is_some() {
        out.push(format!(
            "attack success rate:      {:.4}",
            number(report, "success_rate")
        ));
    }
    if runs > 1 {
        for key in ["survival_time", "honest_approving_lazy"] {
            if report.get(key).is_some() {
                out.push(format!(
                    "{:<26}{}",
                    format!("{}:", key.replace('_', " ")),
                    metric(key)
                ));
            }
        }
    }
    out.push(format!(
        "elapsed: {:.3} s",
        number(report, "elapsed_seconds")
    ));
    out.join("\n")
}

/// The text of a plain run or ensemble.
fn run_text(report: &Value) -> String {
    let runs = report["runs"].as_u64().unwrap_or(1);
    let metric = |key: &str| metric(report, key);
    let mut out = Vec::new();
    out.push(format!(
        "tip selection {}{}: λ = {}, h = {}, k = {}, {} transactions, {} run{}, seed {}",
        report["tip_selection"].as_str().unwrap_or_default(),
        parameters_text(report),
        number(report, "lambda"),
        number(report, "delay"),
        report["parents"],
        report["transactions"],
        runs,
        if runs == 1 { "" } else { "s" },
        report["seed"],
    ));
    let mut tips = format!("mean tips:                {}", metric("mean_tips"));
    if report["tip_selection"] == "urts" && report["parents"] == 2 {
        // The whitepaper's stationary tip count, for comparison.
        tips.push_str(&format!(
            "  (whitepaper: L₀ ≈ 2λh = {})",
            2.0 * number(report, "lambda") * number(report, "delay")
        ));
    }
    out.push(tips);
    out.push(format!(
        "mean global tips:         {}",
        metric("mean_global_tips")
    ));
    out.push(format!(
        "mean first approval time: {}",
        metric("mean_first_approval_time")
    ));
    out.push(format!(
        "orphan rate:              {}  (horizon {})",
        metric("orphan_rate"),
        number(report, "orphan_horizon"),
    ));
    out.push(format!(
        "cumulative weight:        slope {} per time unit, adaptation phase until age {}",
        metric("cw_slope"),
        metric("cw_adaptation_time"),
    ));
    out.push(format!(
        "confirmation latency:     weight ≥ {}: {}; confidence ≥ {}: {}",
        report["confirmation"]["weight_threshold"],
        metric("confirmation_latency_weight"),
        report["confirmation"]["confidence_threshold"],
        metric("confirmation_latency_confidence"),
    ));
    if report["confirmation"]["selector_confidence_selections"].as_u64() > Some(0) {
        out.push(format!(
            "                          selector confidence ≥ {} ({} selections per check): {}",
            report["confirmation"]["confidence_threshold"],
            report["confirmation"]["selector_confidence_selections"],
            metric("confirmation_latency_selector_confidence"),
        ));
    }
    let histogram: Vec<String> = report["approvers_histogram"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(n, share)| format!("{n}: {:.2} %", 100.0 * share.as_f64().unwrap_or(f64::NAN)))
        .collect();
    out.push(format!(
        "direct approvers:         {}",
        histogram.join(", ")
    ));
    if let Some(window) = report["weight_window"].as_object() {
        out.push(format!(
            "weight window:            {} transactions; {} weights read from older ones (each a \
             future-cone search)",
            window["size"], window["cone_searches"],
        ));
    }
    let elapsed = number(report, "elapsed_seconds");
    out.push(format!(
        "elapsed: {elapsed:.3} s ({:.0} transactions per second)",
        number(report, "transactions") * runs as f64 / elapsed
    ));
    out.join("\n")
}
