//! Invalid input to `tangle simulate` and `tangle demo`: each case exits with code 1 and one
//! line on stderr naming the parameter or rule, prints nothing on stdout, does not panic, and
//! is refused at once (no long job is started).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn tangle(args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .output()
        .expect("run tangle");
    (output, started.elapsed())
}

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn check(args: &[&str], names: &str) {
    let (output, elapsed) = tangle(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(
        stderr.contains(names),
        "{args:?} should name {names}: {stderr}"
    );
    assert!(
        elapsed < Duration::from_secs(20),
        "{args:?} took {elapsed:?}"
    );
}

#[test]
fn long_jobs_and_bad_numbers_are_refused() {
    let urts = [
        "simulate",
        "--tip-selection",
        "urts",
        "--transactions",
        "500",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        urts.iter().chain(extra).map(|a| (*a).to_owned()).collect()
    };
    let check_owned = |args: Vec<String>, names: &str| {
        check(&args.iter().map(String::as_str).collect::<Vec<_>>(), names);
    };
    check_owned(
        with(&["--confidence-selections", "1000000000"]),
        "--confidence-selections",
    );
    check_owned(
        with(&["--confidence-selections", "4294967295"]),
        "--confidence-selections",
    );
    check(&["demo", "--pow-score", "1e9"], "--pow-score");
    check(&["demo", "--pow-score", "NaN"], "--pow-score");
    check(&["demo", "--pow-score", "inf"], "--pow-score");
    check(&["demo", "--pow-score=-1"], "--pow-score");
    // Negative numbers reach the value parsers (not read as flags) and are refused by name.
    for option in [
        "--runs",
        "--parents",
        "--seed",
        "--warmup",
        "--walk-depth",
        "--weight-window",
        "--cw-samples",
        "--confidence-selections",
        "--threads",
    ] {
        check_owned(with(&[option, "-1"]), &format!("{option} <"));
    }
    check_owned(with(&["--confidence-selections", "1e9"]), "whole number");
    check(&["demo", "--pow-score", "-1"], "--pow-score");
    check(&["demo", "--kwh", "-1"], "--kwh");
    check(&["demo", "--seed", "-5"], "negative");
    check_owned(with(&["--runs", "2", "--shard", "3/3"]), "shard");
    let out = dir("invalid-shard-out");
    let out = out.display().to_string();
    check_owned(
        with(&["--runs", "2", "--shard", "1/2", "--out", &out]),
        "--shard",
    );
}

#[test]
fn merge_refuses_bad_shard_sets() {
    let dir = dir("invalid-merge");
    let shard = |k: u32, seed: &str| -> String {
        let spec = format!("{k}/2");
        let (output, _) = tangle(&[
            "simulate",
            "--tip-selection",
            "urts",
            "--transactions",
            "500",
            "--runs",
            "2",
            "--seed",
            seed,
            "--shard",
            &spec,
        ]);
        assert!(output.status.success());
        let file = dir.join(format!("shard-{k}-{seed}.json"));
        std::fs::write(&file, &output.stdout).expect("write");
        file.display().to_string()
    };
    let (one, two, foreign) = (shard(1, "1"), shard(2, "1"), shard(2, "2"));
    check(&["simulate", "merge", &one], "missing");
    check(&["simulate", "merge", &one, &one, &two], "twice");
    check(&["simulate", "merge", &one, &foreign], "seed");
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{\"not\": \"a shard\"}").expect("write");
    check(
        &["simulate", "merge", &garbage.display().to_string()],
        "--shard",
    );
    let mut forged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&one).expect("read")).expect("JSON");
    forged["shards"] = serde_json::json!([0]);
    let forged_file = dir.join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).expect("write");
    check(
        &["simulate", "merge", &forged_file.display().to_string()],
        "invalid totals",
    );
    let absent = dir.join("absent.json").display().to_string();
    check(&["simulate", "merge", &absent], "absent.json");
}
