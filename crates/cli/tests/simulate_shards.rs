//! `tangle simulate --shard K/N` and `tangle simulate merge`: shards of an ensemble merge into
//! exactly the report of the whole ensemble (text and JSON, all but the wall-clock figures),
//! whatever the number and order of the shards; and a library user gets the CLI's report from
//! `tangle::sim` (SelectorSpec + Summary).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use tangle::sim::{MetricsConfig, SelectorSpec, SimConfig, Simulation, Summary};

fn tangle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .output()
        .expect("run tangle")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// JSON without its wall-clock figure.
fn json_without_clock(text: &str) -> Value {
    let mut json: Value = serde_json::from_str(text).expect("one JSON object");
    json.as_object_mut()
        .expect("an object")
        .remove("elapsed_seconds");
    json
}

/// Text without its wall-clock line.
fn text_without_clock(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("elapsed:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn shard_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs every shard of `args` split `count` ways, writes each one's output to a file, and
/// returns the files (last shard first, to show that order does not matter).
fn write_shards(name: &str, args: &[&str], count: u32) -> Vec<String> {
    let dir = shard_dir(name);
    (1..=count)
        .rev()
        .map(|k| {
            let shard = format!("{k}/{count}");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard, "--quiet"]);
            let file = dir.join(format!("shard-{k}.json"));
            std::fs::write(&file, stdout(&tangle(&all))).expect("write shard");
            file.display().to_string()
        })
        .collect()
}

fn merge(files: &[String], json: bool) -> Output {
    let mut args = vec!["simulate", "merge"];
    args.extend(files.iter().map(String::as_str));
    if json {
        args.push("--json");
    }
    tangle(&args)
}

fn check_merge_matches_whole(name: &str, args: &[&str], counts: &[u32]) {
    let mut whole_args = args.to_vec();
    whole_args.extend(["--json", "--quiet"]);
    let whole_json = json_without_clock(&stdout(&tangle(&whole_args)));
    whole_args.retain(|a| *a != "--json");
    let whole_text = text_without_clock(&stdout(&tangle(&whole_args)));
    for &count in counts {
        let files = write_shards(&format!("{name}-{count}"), args, count);
        let merged_json = json_without_clock(&stdout(&merge(&files, true)));
        assert_eq!(merged_json, whole_json, "{name}, {count} shards");
        let merged_text = text_without_clock(&stdout(&merge(&files, false)));
        assert_eq!(merged_text, whole_text, "{name}, {count} shards");
    }
}

#[test]
fn merged_shards_print_the_whole_ensemble_report() {
    check_merge_matches_whole(
        "plain",
        &[
            "simulate",
            "--tip-selection",
            "mcmc",
            "--walk-behind",
            "50",
            "--transactions",
            "1500",
            "--runs",
            "5",
            "--seed",
            "4",
            "--threads",
            "2",
        ],
        &[1, 2, 5],
    );
}

#[test]
fn merged_scenario_shards_print_the_whole_ensemble_report() {
    check_merge_matches_whole(
        "parasite",
        &[
            "simulate",
            "--tip-selection",
            "urts",
            "--scenario",
            "parasite-chain",
            "--transactions",
            "2000",
            "--runs",
            "3",
        ],
        &[3],
    );
}

#[test]
fn a_shard_holds_running_totals_not_reports() {
    let files = write_shards(
        "totals",
        &[
            "simulate",
            "--tip-selection",
            "urts",
            "--transactions",
            "800",
            "--runs",
            "4",
        ],
        2,
    );
    let shard: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).expect("read")).expect("JSON");
    assert_eq!(shard["shards"], serde_json::json!([2]));
    assert_eq!(shard["shard_count"], 2);
    assert_eq!(shard["runs"], 4);
    assert_eq!(shard["metrics"]["mean_tips"]["count"], 2, "runs 2 and 3");
    assert!(shard.get("reports").is_none());
}

/// The CLI's report of `args` (JSON without the clock) and text (without the elapsed line).
fn cli_report(args: &[&str]) -> (Value, String) {
    let mut all = vec!["simulate", "--quiet"];
    all.extend_from_slice(args);
    let text = text_without_clock(&stdout(&tangle(&all)));
    all.push("--json");
    (json_without_clock(&stdout(&tangle(&all))), text)
}

fn library_report(spec: &str, transactions: u64, runs: u32, seed: u64) -> (Value, String) {
    let spec: SelectorSpec = spec.parse().expect("spec");
    let mut config = SimConfig::new(10.0, 1.0, 2, transactions);
    spec.configure(&mut config);
    let simulation = Simulation::new(config)
        .and_then(|s| s.with_metrics(MetricsConfig::default()))
        .expect("valid");
    let selector = spec.build(10.0, 1.0).expect("valid selector");
    let summary = if runs == 1 {
        let report = simulation.run(&mut selector.clone(), seed).expect("run");
        Summary::run(&report, Some(&spec))
    } else {
        let mut totals = simulation
            .run_ensemble(|| selector.clone(), runs, seed, 1)
            .expect("ensemble")
            .totals;
        totals.selector = Some(spec);
        Summary::ensemble(&totals)
    };
    let json = json_without_clock(&serde_json::to_string_pretty(&summary).expect("JSON"));
    (json, text_without_clock(&summary.to_string()))
}

#[test]
fn a_library_user_gets_the_cli_report() {
    let cases: [(&str, &[&str], u32); 4] = [
        ("rurts", &["--tip-selection", "rurts"], 1),
        (
            "mcmc:alpha=0.02,walk_behind=100",
            &[
                "--tip-selection",
                "mcmc",
                "--alpha",
                "0.02",
                "--walk-behind",
                "100",
            ],
            1,
        ),
        ("eiota", &["--tip-selection", "eiota"], 1),
        (
            "hps:hps_window=64",
            &["--tip-selection", "hps", "--hps-window", "64"],
            3,
        ),
    ];
    for (spec, args, runs) in cases {
        let runs_text = runs.to_string();
        let mut all = args.to_vec();
        all.extend([
            "--transactions",
            "1500",
            "--seed",
            "9",
            "--runs",
            &runs_text,
        ]);
        let (cli_json, cli_text) = cli_report(&all);
        let (lib_json, lib_text) = library_report(spec, 1500, runs, 9);
        assert_eq!(lib_json, cli_json, "{spec}");
        assert_eq!(lib_text, cli_text, "{spec}");
    }
}

#[test]
fn a_library_user_gets_the_cli_scenario_report() {
    use tangle::sim::{Scenario, TipSpam};
    let (cli_json, cli_text) = cli_report(&[
        "--tip-selection",
        "urts",
        "--scenario",
        "tip-spam",
        "--attacker-share",
        "0.3",
        "--transactions",
        "2000",
        "--seed",
        "5",
    ]);
    let spec: SelectorSpec = "urts".parse().expect("spec");
    let mut config = SimConfig::new(10.0, 1.0, 2, 2000);
    spec.configure(&mut config);
    let simulation = Simulation::new(config).expect("valid");
    let scenario = Scenario::TipSpam(TipSpam {
        share: 0.3,
        lazy_age: None,
    });
    let mut selector = spec.build(10.0, 1.0).expect("selector");
    let report = simulation
        .run_scenario(&scenario, &mut selector, 5)
        .expect("run");
    let summary = Summary::scenario(&report, Some(&spec));
    let lib_json = json_without_clock(&serde_json::to_string_pretty(&summary).expect("JSON"));
    assert_eq!(lib_json, cli_json);
    assert_eq!(text_without_clock(&summary.to_string()), cli_text);
}
