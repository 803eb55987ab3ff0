//! Ensembles in running totals: the estimates are those of the individual runs, shards merge
//! into exactly the whole ensemble (also through their JSON form), and merging refuses shards
//! of different ensembles.

use tangle_graph::select::Urts;
use tangle_sim::{
    Estimate, ParasiteChain, ParasiteShape, Scenario, SelectorSpec, Shard, ShardError, SimConfig,
    Simulation, Summary, derive_seed,
};

fn simulation() -> Simulation {
    Simulation::new(SimConfig::new(10.0, 1.0, 2, 2_000)).expect("valid")
}

/// The report without its wall-clock figure.
fn without_clock(summary: &Summary) -> serde_json::Value {
    let mut json = summary.json().clone();
    json["elapsed_seconds"] = serde_json::Value::Null;
    json
}

#[test]
fn estimates_are_those_of_the_individual_runs() {
    let sim = simulation();
    let ensemble = sim.run_ensemble(|| Urts, 5, 3, 2).expect("ensemble");
    let tips: Vec<f64> = (0..5)
        .map(|r| {
            sim.run(&mut Urts, derive_seed(3, r))
                .expect("run")
                .mean_tips
        })
        .collect();
    let direct = Estimate::of(&tips);
    let got = ensemble.estimates["mean_tips"];
    assert!(
        (got.mean - direct.mean).abs() <= 1e-12 * direct.mean,
        "{got:?} {direct:?}"
    );
    assert!((got.std_dev - direct.std_dev).abs() <= 1e-9 * direct.std_dev);
    assert!((got.ci95 - direct.ci95).abs() <= 1e-9 * direct.ci95);
    assert_eq!(ensemble.first.seed, derive_seed(3, 0));
    let shares: f64 = ensemble.approvers_histogram.iter().sum();
    assert!((shares - 1.0).abs() < 1e-9, "shares sum to {shares}");
}

#[test]
fn shards_merge_into_the_whole_ensemble() {
    let sim = simulation();
    let spec: SelectorSpec = "urts".parse().expect("spec");
    let mut whole = sim
        .run_ensemble_shard(|| Urts, 7, 11, Shard::WHOLE, 2)
        .expect("whole")
        .totals;
    whole.selector = Some(spec.clone());
    for count in [2, 3, 7] {
        let mut shards = Vec::new();
        for index in (1..=count).rev() {
            let shard = Shard::new(index, count).expect("shard");
            let mut totals = sim
                .run_ensemble_shard(|| Urts, 7, 11, shard, 1)
                .expect("shard")
                .totals;
            totals.selector = Some(spec.clone());
            // Through the file format and back.
            let text = serde_json::to_string(&totals).expect("serialises");
            shards.push(serde_json::from_str::<tangle_sim::EnsembleTotals>(&text).expect("parses"));
        }
        let mut merged = shards[0].clone();
        assert!(merged.check_complete().is_err());
        for s in &shards[1..] {
            merged.merge(s).expect("same ensemble");
        }
        merged.check_complete().expect("complete");
        assert_eq!(merged.runs_done(), 7);
        assert_eq!(merged.estimates(), whole.estimates(), "{count} shards");
        assert_eq!(
            without_clock(&Summary::ensemble(&merged)),
            without_clock(&Summary::ensemble(&whole))
        );
        let text = Summary::ensemble(&merged).to_string();
        let whole_text = Summary::ensemble(&whole).to_string();
        let cut = |t: &str| {
            t.lines()
                .filter(|l| !l.starts_with("elapsed"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(cut(&text), cut(&whole_text));
    }
}

#[test]
fn scenario_shards_merge_into_the_whole_ensemble() {
    let sim = simulation();
    let scenario = Scenario::ParasiteChain(ParasiteChain {
        share: 0.3,
        root_age: None,
        hide_time: None,
        eval_time: None,
        shape: ParasiteShape::Tree,
    });
    let whole = sim
        .run_scenario_shard(&scenario, || Urts, 4, 5, Shard::WHOLE, 2)
        .expect("whole");
    let mut merged = sim
        .run_scenario_shard(
            &scenario,
            || Urts,
            4,
            5,
            Shard::new(2, 2).expect("shard"),
            1,
        )
        .expect("shard")
        .totals;
    let first = sim
        .run_scenario_shard(
            &scenario,
            || Urts,
            4,
            5,
            Shard::new(1, 2).expect("shard"),
            1,
        )
        .expect("shard");
    merged.merge(&first.totals).expect("same ensemble");
    assert_eq!(merged.estimates(), whole.totals.estimates());
    assert!(merged.estimates().contains_key("success"));
    assert_eq!(first.first.seed, derive_seed(5, 0));
    let json = Summary::ensemble(&merged).into_json();
    assert_eq!(json["runs"], 4);
    assert!(json["success_rate"].is_number());
}

#[test]
fn merge_refuses_foreign_or_repeated_shards() {
    let sim = simulation();
    let shard = |index, seed| {
        sim.run_ensemble_shard(|| Urts, 4, seed, Shard::new(index, 2).expect("shard"), 1)
            .expect("shard")
            .totals
    };
    let mut a = shard(1, 1);
    assert_eq!(a.merge(&shard(2, 2)), Err(ShardError::Mismatch("seed")));
    assert_eq!(a.merge(&shard(1, 1)), Err(ShardError::Duplicate(1)));
    assert_eq!(
        a.check_complete(),
        Err(ShardError::Incomplete {
            missing: vec![2],
            count: 2
        })
    );
    let other = Simulation::new(SimConfig::new(10.0, 2.0, 2, 2_000)).expect("valid");
    let foreign = other
        .run_ensemble_shard(|| Urts, 4, 1, Shard::new(2, 2).expect("shard"), 1)
        .expect("shard")
        .totals;
    assert_eq!(
        a.merge(&foreign),
        Err(ShardError::Mismatch("configuration"))
    );
    assert!(
        sim.run_ensemble_shard(|| Urts, 2, 1, Shard::new(1, 3).expect("shard"), 1)
            .is_err()
    );
    for bad in ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3"] {
        assert!(bad.parse::<Shard>().is_err(), "{bad}");
    }
    let two_of_five = Shard::new(2, 5).expect("shard");
    assert_eq!("2/5".parse::<Shard>(), Ok(two_of_five));
    assert_eq!((two_of_five.index(), two_of_five.count()), (2, 5));
    assert_eq!(two_of_five.runs(10), 2..4);
    assert_eq!(Shard::new(5, 5).expect("shard").runs(10), 8..10);
}

#[test]
fn totals_from_elsewhere_are_checked() {
    let sim = simulation();
    let good = sim
        .run_ensemble_shard(|| Urts, 4, 1, Shard::new(1, 2).expect("shard"), 1)
        .expect("shard")
        .totals;
    good.validate().expect("a shard run's totals are valid");
    let broken = |f: &dyn Fn(&mut tangle_sim::EnsembleTotals)| {
        let mut t = good.clone();
        f(&mut t);
        assert!(matches!(t.validate(), Err(ShardError::Invalid(_))), "{t:?}");
        assert!(t.check_complete().is_err());
        assert!(good.clone().merge(&t).is_err());
    };
    broken(&|t| t.shards = vec![0]);
    broken(&|t| t.shards = vec![3]);
    broken(&|t| t.shards = vec![]);
    broken(&|t| t.shard_count = 0);
    broken(&|t| t.shard_count = 5);
    broken(&|t| {
        if let Some(m) = t.metrics.get_mut("mean_tips") {
            m.count = 3;
        }
    });
}
