//! `tangle replay` on a milestone whose Merkle root differs from the one computed: the replayed
//! ledger diverged, so the replay stops with exit 1 and one stderr line naming the milestone and
//! both roots.

mod common;

use common::*;
use std::process::{Command, Output, Stdio};

use tangle::crypto::ed25519::SigningKey;
use tangle::model::{
    Message, MessageBuilder, MessageId, MilestoneBuilder, Output as TxOutput, OutputId, Packable,
    Parents, TransactionBuilder, TransactionId,
};

fn tangle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tangle")
}

fn milestone(parents: &[MessageId], root: [u8; 32], keys: &[SigningKey]) -> Message {
    let parents = Parents::from_unsorted(parents.iter().copied()).expect("parents");
    let payload = MilestoneBuilder::new(1, 1_700_000_000, parents)
        .merkle_root(root)
        .sign(keys)
        .expect("milestone");
    MessageBuilder::new()
        .network_id(1)
        .payload(payload)
        .finish()
        .expect("message")
}

#[test]
fn replay_exits_1_naming_the_diverging_milestone_and_both_roots() {
    let (alice, bob) = (key(1), key(2));
    let coordinator = [key(100), key(101)];
    let genesis = OutputId::new(TransactionId::new([0; 32]), 0).expect("output id");
    let transaction = TransactionBuilder::new()
        .input(genesis, &alice)
        .output(TxOutput::single(address_of(&bob), 10_000_000).expect("output"))
        .finish()
        .expect("transaction");
    let payment = MessageBuilder::new()
        .network_id(1)
        .parent(MessageId::default())
        .payload(transaction)
        .finish()
        .expect("message");

    // The root a node computes for the payment's cone, read from the evidence it keeps.
    let mut scratch = scratch_node(&coordinator, genesis, &alice, 10_000_000);
    let wrong = milestone(&[payment.id()], [7; 32], &coordinator);
    for message in [&payment, &wrong] {
        scratch.submit(&message.pack()).expect("accepted");
    }
    let computed = scratch.halted().expect("diverged").computed;
    let right = milestone(&[payment.id()], computed, &coordinator);
    let after = MessageBuilder::new()
        .network_id(1)
        .parent(wrong.id())
        .finish()
        .expect("message");

    let path = std::env::temp_dir().join(format!("tangle-diverge-{}.txt", std::process::id()));
    let path_text = path.to_str().expect("utf-8 path");
    let keys: Vec<String> = coordinator
        .iter()
        .map(|k| hex::encode(k.public_key().as_bytes()))
        .collect();
    let genesis_arg = format!(
        "{}=10000000",
        hex::encode(&address_of(&alice).to_bytes()[1..])
    );
    let args = [
        "replay",
        path_text,
        "--coordinator-key",
        &keys[0],
        "--coordinator-key",
        &keys[1],
        "--genesis",
        &genesis_arg,
        "--min-pow-score",
        "0",
    ];

    // The right root: the replay confirms milestone 1 and exits 0.
    let lines = [hex::encode(payment.pack()), hex::encode(right.pack())];
    std::fs::write(&path, lines.join("\n")).expect("write replay file");
    let output = tangle(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("ledger index: 1"));

    // A wrong root: exit 1, nothing on stdout, one stderr line with the line, milestone and
    // both roots.
    let lines = [
        "# the milestone on line 3 carries a root this ledger does not give".to_owned(),
        hex::encode(payment.pack()),
        hex::encode(wrong.pack()),
        hex::encode(after.pack()),
    ];
    std::fs::write(&path, lines.join("\n")).expect("write replay file");
    let output = tangle(&args);
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    for needle in [
        "line 3".to_owned(),
        "milestone 1".to_owned(),
        wrong.id().to_string(),
        hex::encode([7; 32]),
        hex::encode(computed),
    ] {
        assert!(stderr.contains(&needle), "{needle} not in {stderr}");
    }
}
