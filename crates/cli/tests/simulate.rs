//! `tangle simulate`, run as a user would: JSON keys, the whitepaper's tip count,
//! reproducibility, parameter errors and the DOT picture. Runs are small (≤ 20,000
//! transactions with URTS), so each test takes well under a second in a debug build.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn tangle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .output()
        .expect("run tangle")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

/// The report without its wall-clock fields (everything else is a function of the seed).
fn without_clock(mut report: Value) -> Value {
    let map = report.as_object_mut().expect("an object");
    map.remove("elapsed_seconds");
    report
}

/// URTS, λ = 10, h = 1, k = 2: the whitepaper's stationary tip count L₀ ≈ 2λh = 20.
///
/// Tolerance ±5 % (±1 tip). The time-average runs over the window after the warm-up
/// (≈ 0.8 N / λ = 1,600 time units); the tip count decorrelates within about h, so the
/// relative standard error is ≈ 1/√(1.6 N) ≈ 0.6 % here (three seeds of this size spread
/// by 0.8 %, one standard deviation), and the heuristic's own bias at λh = 10 is below 1 %
/// (crates/sim/tests/theory.rs). ±5 % is thus more than five standard errors; the seed is fixed.
#[test]
fn urts_json_has_the_keys_and_the_whitepaper_tip_count() {
    let output = tangle(&[
        "simulate",
        "--tip-selection",
        "urts",
        "--lambda",
        "10",
        "--delay",
        "1",
        "--parents",
        "2",
        "--transactions",
        "20000",
        "--seed",
        "3",
        "--json",
        "--quiet",
    ]);
    let json = stdout_json(&output);
    for key in [
        "transactions",
        "tip_selection",
        "lambda",
        "delay",
        "parents",
        "mean_tips",
        "mean_global_tips",
        "mean_first_approval_time",
        "orphan_rate",
        "approvers_histogram",
        "elapsed_seconds",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {json}");
    }
    assert_eq!(json["tip_selection"], "urts");
    assert_eq!(json["transactions"], 20_000);
    assert_eq!(json["parents"], 2);
    let mean_tips = json["mean_tips"].as_f64().expect("a number");
    assert!(
        (mean_tips / 20.0 - 1.0).abs() < 0.05,
        "mean_tips = {mean_tips}, expected ≈ 2λh = 20"
    );
    let histogram: f64 = json["approvers_histogram"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|share| share.as_f64().expect("a share"))
        .sum();
    assert!((histogram - 1.0).abs() < 1e-9, "shares sum to {histogram}");
}

#[test]
fn same_seed_same_metrics() {
    let args = [
        "simulate",
        "--tip-selection",
        "mcmc",
        "--transactions",
        "2000",
        "--walk-depth",
        "20",
        "--seed",
        "9",
        "--json",
    ];
    let a = without_clock(stdout_json(&tangle(&args)));
    let b = without_clock(stdout_json(&tangle(&args)));
    assert_eq!(a, b);
    let mut other = args;
    other[8] = "10";
    let c = without_clock(stdout_json(&tangle(&other)));
    assert_ne!(a["mean_tips"], c["mean_tips"]);
}

/// `--walk-behind` counts the entry depth in transactions: a different start than the same
/// number of edges (`--walk-depth`), reproducible, recorded in the report, and the two options
/// exclude each other. It keeps weights by a window of twice its depth (`--weight-window`
/// overrides it; 0 means checkpoints), with the same results.
#[test]
fn walk_behind_is_its_own_entry_rule() {
    let run_with = |start: &str, n: &str, more: &[&str]| {
        let args = [
            &[
                "simulate",
                "--tip-selection",
                "mcmc",
                "--alpha",
                "0.01",
                "--transactions",
                "3000",
                start,
                n,
                "--seed",
                "4",
                "--json",
            ][..],
            more,
        ]
        .concat();
        without_clock(stdout_json(&tangle(&args)))
    };
    let run = |start: &str, n: &str| run_with(start, n, &[]);
    let behind = run("--walk-behind", "200");
    assert_eq!(behind, run("--walk-behind", "200"));
    let depth = run("--walk-depth", "200");
    assert_ne!(behind["mean_tips"], depth["mean_tips"]);
    // The report says which entry rule and α made it.
    assert_eq!(
        behind["tip_selection_parameters"],
        serde_json::json!({"alpha": 0.01, "walk_behind": 200, "weight_window": 512})
    );
    assert_eq!(behind["weight_window"]["size"], 512);
    assert_eq!(
        depth["tip_selection_parameters"],
        serde_json::json!({"alpha": 0.01, "walk_depth": 200})
    );
    assert!(depth["weight_window"].is_null(), "checkpoints");
    let checkpoints = run_with("--walk-behind", "200", &["--weight-window", "0"]);
    assert!(checkpoints["weight_window"].is_null());
    for key in [
        "mean_tips",
        "orphan_rate",
        "approvers_histogram",
        "final_tips",
    ] {
        assert_eq!(behind[key], checkpoints[key], "{key}");
    }
    let text = tangle(&[
        "simulate",
        "--tip-selection",
        "mcmc",
        "--transactions",
        "1000",
        "--walk-behind",
        "200",
    ]);
    let text = String::from_utf8(text.stdout).expect("utf-8");
    assert!(
        text.contains("weight window:            512 transactions; "),
        "{text}"
    );
    let wide = run_with("--walk-behind", "200", &["--weight-window", "3000"]);
    assert_eq!(wide["weight_window"]["size"], 4096, "rounded up");
    assert_eq!(wide["mean_tips"], behind["mean_tips"]);
    let both = tangle(&[
        "simulate",
        "--tip-selection",
        "mcmc",
        "--walk-depth",
        "5",
        "--walk-behind",
        "5",
    ]);
    assert_eq!(both.status.code(), Some(1), "a usage error");
    let stderr = String::from_utf8(both.stderr).expect("utf-8");
    assert!(stderr.contains("--walk-behind"), "{stderr}");
}

/// Ensembles and scenarios carry the selector's parameters too; E-IOTA's include its mixture.
#[test]
fn reports_carry_the_selector_parameters() {
    let ensemble = stdout_json(&tangle(&[
        "simulate",
        "--tip-selection",
        "eiota",
        "--alpha",
        "0.02",
        "--transactions",
        "1000",
        "--runs",
        "2",
        "--json",
    ]));
    let p = &ensemble["tip_selection_parameters"];
    assert_eq!(p["alpha"], 0.02);
    assert_eq!(p["walk_depth"], 100);
    let mixture: Vec<(f64, f64)> = p["alpha_mixture"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|pair| (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap()))
        .collect();
    let expected = [(0.1, 0.0), (0.65, 0.02), (0.25, 0.2)];
    assert_eq!(mixture.len(), 3);
    for ((p, a), (ep, ea)) in mixture.iter().zip(expected) {
        assert!(
            (p - ep).abs() < 1e-12 && (a - ea).abs() < 1e-12,
            "{mixture:?}"
        );
    }
    let scenario = stdout_json(&tangle(&[
        "simulate",
        "--tip-selection",
        "hps",
        "--hps-window",
        "64",
        "--scenario",
        "tip-spam",
        "--transactions",
        "1000",
        "--json",
    ]));
    assert_eq!(
        scenario["tip_selection_parameters"],
        serde_json::json!({"hps_window": 64})
    );
    let urts = stdout_json(&tangle(&[
        "simulate",
        "--tip-selection",
        "urts",
        "--transactions",
        "500",
        "--json",
    ]));
    assert_eq!(urts["tip_selection_parameters"], serde_json::json!({}));
}

/// `--confidence-selections N` adds the latency by the selector's own confidence, in the JSON
/// and the text summary; without it the report says 0 selections and prints no such line.
#[test]
fn confidence_selections_add_the_selector_latency() {
    let args = |n: &'static str| {
        [
            "simulate",
            "--tip-selection",
            "mcmc",
            "--transactions",
            "4000",
            "--walk-behind",
            "100",
            "--confidence-selections",
            n,
        ]
    };
    let on = stdout_json(&tangle(&[&args("10")[..], &["--json"]].concat()));
    assert_eq!(on["confirmation"]["selector_confidence_selections"], 10);
    let latency = on["confirmation"]["mean_latency_selector_confidence"]
        .as_f64()
        .expect("a latency");
    assert!(latency > 0.0, "{latency}");
    assert!(on["confirmation_latency_selector_confidence"].is_number());
    let off = stdout_json(&tangle(&[&args("0")[..], &["--json"]].concat()));
    assert_eq!(off["confirmation"]["selector_confidence_selections"], 0);
    assert!(off["confirmation"]["mean_latency_selector_confidence"].is_null());
    assert_eq!(
        on["mean_tips"], off["mean_tips"],
        "the run itself is unchanged"
    );
    let text = String::from_utf8(tangle(&args("10")).stdout).expect("utf-8");
    assert!(
        text.contains("selector confidence ≥ 0.95 (10 selections per check)"),
        "{text}"
    );
    let text = String::from_utf8(tangle(&args("0")).stdout).expect("utf-8");
    assert!(!text.contains("selector confidence"), "{text}");
    // Ensembles estimate it only when it was measured.
    let ensemble = |n| {
        stdout_json(&tangle(
            &[&args(n)[..], &["--runs", "2", "--json"]].concat(),
        ))
    };
    let on = ensemble("10");
    assert!(on["confirmation_latency_selector_confidence"].is_number());
    assert!(on["ci95"]["confirmation_latency_selector_confidence"].is_number());
    let off = ensemble("0");
    assert!(off["confirmation_latency_selector_confidence"].is_null());
    assert!(off["confirmation_latency_confidence"].is_number());
}

/// `--parasite-shape` picks the hidden structure and the report says which.
#[test]
fn parasite_shape_is_chosen_and_reported() {
    let run = |shape: &[&str]| {
        stdout_json(&tangle(
            &[
                &[
                    "simulate",
                    "--tip-selection",
                    "urts",
                    "--scenario",
                    "parasite-chain",
                    "--transactions",
                    "3000",
                    "--json",
                ][..],
                shape,
            ]
            .concat(),
        ))
    };
    let tree = run(&[]);
    let chain = run(&["--parasite-shape", "chain"]);
    assert_eq!(tree["parameters"]["parasite_chain"]["shape"], "tree");
    assert_eq!(chain["parameters"]["parasite_chain"]["shape"], "chain");
    let bad = tangle(&[
        "simulate",
        "--tip-selection",
        "urts",
        "--parasite-shape",
        "star",
    ]);
    assert_eq!(bad.status.code(), Some(1), "a usage error");
}

/// An ensemble reports means with 95 % intervals, identical whatever the thread count.
#[test]
fn ensemble_is_independent_of_threads() {
    let run = |threads: &str| {
        without_clock(stdout_json(&tangle(&[
            "simulate",
            "--tip-selection",
            "urts",
            "--transactions",
            "3000",
            "--runs",
            "3",
            "--threads",
            threads,
            "--json",
        ])))
    };
    let one = run("1");
    assert_eq!(one, run("3"));
    assert_eq!(one["runs"], 3);
    assert!(one["ci95"]["mean_tips"].as_f64().expect("a half-width") > 0.0);
    assert!(one["mean_tips"].as_f64().expect("a mean") > 0.0);
}

#[test]
fn zero_parents_exits_1_naming_the_rule() {
    let output = tangle(&["simulate", "--tip-selection", "urts", "--parents", "0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("parents"), "{stderr}");
}

#[test]
fn invalid_alpha_and_runs_exit_1() {
    for args in [
        &["--tip-selection", "hybrid", "--alpha", "0"][..],
        &["--tip-selection", "mcmc", "--alpha", "-1"][..],
        &["--tip-selection", "urts", "--runs", "0"][..],
        &["--tip-selection", "urts", "--lambda", "0"][..],
        &["--tip-selection", "urts", "--delay", "-1"][..],
        &["--tip-selection", "rurts", "--max-age", "-1"][..],
        &["--tip-selection", "mcmc", "--weight-window", "65537"][..],
    ] {
        let output = tangle(&[&["simulate"][..], args].concat());
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8(output.stderr).expect("utf-8");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn export_dot_writes_a_digraph() {
    let file: PathBuf = [env!("CARGO_TARGET_TMPDIR"), "simulate-export.dot"]
        .iter()
        .collect();
    let _ = std::fs::remove_file(&file);
    let output = tangle(&[
        "simulate",
        "--tip-selection",
        "urts",
        "--transactions",
        "500",
        "--export-dot",
        file.to_str().expect("utf-8 path"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dot = std::fs::read_to_string(&file).expect("the DOT file");
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.contains("->"));
    // The human-readable summary went to stdout.
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.contains("mean tips"), "{stdout}");
}

fn out_dir(name: &str) -> PathBuf {
    let dir: PathBuf = [env!("CARGO_TARGET_TMPDIR"), name].iter().collect();
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every data row of a CSV file: as many fields as the header, each a number (`inf` too).
fn parse_csv(text: &str, header: &str) -> Vec<Vec<f64>> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(header));
    let columns = header.split(',').count();
    let rows: Vec<Vec<f64>> = lines
        .map(|line| {
            let row: Vec<f64> = line
                .split(',')
                .map(|f| {
                    f.parse::<f64>()
                        .unwrap_or_else(|_| panic!("{f:?} in {line:?}"))
                })
                .collect();
            assert_eq!(row.len(), columns, "{line}");
            row
        })
        .collect();
    assert!(!rows.is_empty(), "no rows under {header}");
    rows
}

#[test]
fn out_writes_csv_series_and_svg_plots() {
    let dir = out_dir("simulate-out");
    let output = tangle(&[
        "simulate",
        "--tip-selection",
        "urts",
        "--transactions",
        "4000",
        "--json",
        "--out",
        dir.to_str().expect("utf-8 path"),
    ]);
    let json = stdout_json(&output);
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let tips = parse_csv(&read("tips.csv"), "time,view_tips,global_tips");
    assert!(tips.len() >= 900, "{}", tips.len());
    assert!(tips.windows(2).all(|w| w[0][0] < w[1][0]), "time increases");
    let cw = parse_csv(&read("cw_growth.csv"), "age,mean_weight");
    assert_eq!(cw.len(), 101);
    assert_eq!(cw[0], vec![0.0, 1.0]);
    let waits = parse_csv(&read("approval_time.csv"), "from,to,count");
    assert!(waits.last().expect("a row")[1].is_infinite());
    let counted: f64 = waits.iter().map(|r| r[2]).sum();
    assert!(counted > 1_000.0, "{counted}");
    let approvers = parse_csv(&read("approvers.csv"), "approvers,share");
    let shares: f64 = approvers.iter().map(|r| r[1]).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert_eq!(
        approvers.len(),
        json["approvers_histogram"].as_array().expect("array").len()
    );
    for svg in ["tips.svg", "cw_growth.svg", "approval_time.svg"] {
        let text = read(svg);
        assert!(
            text.starts_with("<svg"),
            "{svg}: {}",
            &text[..40.min(text.len())]
        );
        assert!(text.trim_end().ends_with("</svg>"), "{svg}");
    }
    // The new metrics are in the JSON too.
    for key in [
        "cw_slope",
        "cw_adaptation_time",
        "confirmation_latency_weight",
        "confirmation_latency_confidence",
        "cumulative_weight_growth",
        "confirmation",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let slope = json["cw_slope"].as_f64().expect("a slope");
    assert!(
        (slope / 10.0 - 1.0).abs() < 0.1,
        "URTS weight grows at ≈ λ = 10: {slope}"
    );
}

#[test]
fn each_scenario_runs_and_reports_its_outcome() {
    for (scenario, outcome) in [
        ("parasite-chain", "parasite_chain"),
        ("tip-spam", "tip_spam"),
        ("splitting", "splitting"),
    ] {
        let dir = out_dir(&format!("simulate-{scenario}"));
        let json = stdout_json(&tangle(&[
            "simulate",
            "--tip-selection",
            "urts",
            "--transactions",
            "3000",
            "--warmup",
            "500",
            "--scenario",
            scenario,
            "--attacker-share",
            "0.3",
            "--json",
            "--out",
            dir.to_str().expect("utf-8 path"),
        ]));
        assert_eq!(json["scenario"], scenario);
        assert!(json["outcome"].get(outcome).is_some(), "{json}");
        assert!(json["mean_tips"].as_f64().expect("tips") > 0.0);
        assert!(json["attacker_transactions"].as_u64().expect("count") > 0);
        assert_eq!(json["parameters"][outcome]["share"], 0.3);
        let tips = std::fs::read_to_string(dir.join("tips.csv")).expect("tips.csv");
        parse_csv(&tips, "time,view_tips,global_tips");
        let svg = std::fs::read_to_string(dir.join("tips.svg")).expect("tips.svg");
        assert!(svg.starts_with("<svg"));
    }
    // q = 0.3 against URTS: the parasite's ≈ 36 tips outnumber the honest ≈ 14.
    let json = stdout_json(&tangle(&[
        "simulate",
        "--tip-selection",
        "urts",
        "--transactions",
        "3000",
        "--warmup",
        "500",
        "--scenario",
        "parasite-chain",
        "--attacker-share",
        "0.3",
        "--runs",
        "4",
        "--json",
    ]));
    assert_eq!(json["runs"], 4);
    let rate = json["success_rate"].as_f64().expect("a rate");
    assert!(rate >= 0.5, "{rate}");
}

#[test]
fn quiet_and_piped_runs_print_nothing_on_stderr() {
    for quiet in [true, false] {
        let mut args = vec![
            "simulate",
            "--tip-selection",
            "urts",
            "--transactions",
            "20000",
            "--runs",
            "2",
        ];
        if quiet {
            args.push("--quiet");
        }
        let output = tangle(&args);
        assert!(output.status.success());
        // stderr is a pipe here, so the progress bar stays hidden either way.
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("mean tips"));
    }
}

#[test]
fn invalid_scenario_options_exit_1_naming_the_rule() {
    for (args, rule) in [
        (
            &["--scenario", "tip-spam", "--attacker-share", "1"][..],
            "attacker_share",
        ),
        (
            &["--scenario", "parasite-chain", "--hide-time", "-2"][..],
            "hide_time",
        ),
        (
            &["--scenario", "splitting", "--export-dot", "x.dot"][..],
            "--export-dot",
        ),
        (
            &["--confirmation-confidence", "0"][..],
            "confirmation_confidence",
        ),
    ] {
        let output = tangle(
            &[
                &[
                    "simulate",
                    "--tip-selection",
                    "urts",
                    "--transactions",
                    "2000",
                ][..],
                args,
            ]
            .concat(),
        );
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8(output.stderr).expect("utf-8");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(rule), "{args:?}: {stderr}");
    }
}
