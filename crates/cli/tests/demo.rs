//! `tangle demo`, run as a new user would: the story's key lines and the final balances.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn tangle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .output()
        .expect("run tangle")
}

#[test]
fn demo_tells_the_smart_charging_story() {
    let started = Instant::now();
    let output = tangle(&["demo"]);
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let story = String::from_utf8(output.stdout).expect("utf-8");
    for line in [
        "Car      tst1",
        "balance 10.000000 Mi",
        "Station opens its address for micropayments: a dust allowance of 1.000000 Mi, confirmed by milestone 1",
        "kWh 1: station published reading #0 (encrypted, message ",
        "car verified and decrypted it: \"kWh 1 of 4: meter 1.000 kWh, 11.0 kW, 250000 i/kWh\"",
        "a forged copy of reading #1 was posted: car rejected it (tampered packet 1: the Ed25519 signature does not verify)",
        "car paid station 0.250000 Mi (message ",
        "milestone 5 confirmed it",
        "An eavesdropper without the channel key authenticated 4 readings but could read none",
        "Car paid station 1.000000 Mi for 4 kWh in 4 confirmed micropayments",
        "Balances: car 10.000000 Mi -> 9.000000 Mi, station 1.000000 Mi -> 2.000000 Mi",
    ] {
        assert!(story.contains(line), "missing {line:?} in:\n{story}");
    }
    assert_eq!(story.matches("car paid station").count(), 4);
    // "Finishes in seconds" (generous bound for a loaded debug build).
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}

#[test]
fn demo_options_change_the_story() {
    let output = tangle(&["demo", "--kwh", "2", "--price", "100000", "--seed", "9"]);
    assert!(output.status.success());
    let story = String::from_utf8(output.stdout).expect("utf-8");
    assert!(story.contains("Car paid station 0.200000 Mi for 2 kWh in 2 confirmed micropayments"));
    assert!(
        story.contains(
            "Balances: car 10.000000 Mi -> 9.800000 Mi, station 1.000000 Mi -> 1.200000 Mi"
        )
    );
}

#[test]
fn demo_refuses_more_kwh_than_the_dust_allowance_holds() {
    let output = tangle(&["demo", "--kwh", "11"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("11"), "{stderr}");
}
