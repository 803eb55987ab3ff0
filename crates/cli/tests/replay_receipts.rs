//! `tangle replay --treasury`: a milestone's receipt migrates funds out of the genesis treasury
//! output; without a treasury output the milestone is refused by the receipt rule.

mod common;

use common::*;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tangle::crypto::ed25519::SigningKey;
use tangle::crypto::merkle::merkle_root_by;
use tangle::model::{
    Message, MessageBuilder, MessageId, MigratedFundsEntry, MilestoneBuilder, MilestoneId,
    Packable, Parents, ReceiptPayload, TailTransactionHash, TreasuryTransactionPayload,
};

fn tangle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tangle")
}

/// Milestone 1 on the genesis, confirming nothing, whose receipt pays 3 Mi to key 2 out of a
/// 100 Mi treasury.
fn milestone_with_receipt(coordinator: &[SigningKey]) -> Message {
    let funds = vec![
        MigratedFundsEntry::new(TailTransactionHash([1; 49]), address_of(&key(2)), 3_000_000)
            .expect("entry"),
    ];
    let treasury =
        TreasuryTransactionPayload::new(MilestoneId::new([9; 32]), 97_000_000).expect("treasury");
    let receipt = ReceiptPayload::new(7, true, funds, treasury).expect("receipt");
    let parents = Parents::from_unsorted([MessageId::default()]).expect("parents");
    let payload = MilestoneBuilder::new(1, 1_700_000_000, parents)
        .merkle_root(merkle_root_by(&[] as &[MessageId], MessageId::as_bytes))
        .receipt(receipt)
        .sign(coordinator)
        .expect("milestone");
    MessageBuilder::new()
        .network_id(1)
        .payload(payload)
        .finish()
        .expect("message")
}

#[test]
fn replay_books_a_receipt_out_of_the_given_treasury() {
    let coordinator = [key(100), key(101)];
    let m1 = milestone_with_receipt(&coordinator);
    let path =
        std::env::temp_dir().join(format!("tangle-replay-receipt-{}.txt", std::process::id()));
    std::fs::write(&path, hex::encode(m1.pack())).expect("write replay file");
    let path_text = path.to_str().expect("utf-8 path");
    let keys: Vec<String> = coordinator
        .iter()
        .map(|k| hex::encode(k.public_key().as_bytes()))
        .collect();
    let treasury = format!("{}=100000000", hex::encode([9u8; 32]));
    let base = [
        "replay",
        path_text,
        "--coordinator-key",
        &keys[0],
        "--coordinator-key",
        &keys[1],
        "--min-pow-score",
        "0",
        "--json",
    ];

    let output = tangle(&[&base[..], &["--treasury", &treasury]].concat());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["ledgerIndex"], 1);
    assert_eq!(json["totalSupply"], 100_000_000);
    let balances = json["balances"].as_array().expect("balances");
    assert_eq!(balances.len(), 1);
    assert_eq!(balances[0]["balance"], 3_000_000);
    assert_eq!(
        balances[0]["hex"],
        hex::encode(&address_of(&key(2)).to_bytes()[1..])
    );

    // Without a treasury output the receipt cannot be funded: the milestone is refused.
    let output = tangle(&base);
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["ledgerIndex"], 0);
    assert_eq!(json["milestonesRefusedByRule"]["milestone-receipt"], 1);

    // A malformed --treasury is one error line and exit 1.
    let output = tangle(&[&base[..], &["--treasury", "nothex=5"]].concat());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--treasury"), "{stderr}");
    let _ = std::fs::remove_file(&path);
}
