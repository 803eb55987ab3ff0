//! The `tangle` binary, run as a user would: output, exit codes and error lines.

mod common;

use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tangle::crypto::address::Ed25519Address;
use tangle::crypto::ed25519::SigningKey;
use tangle::crypto::pow;
use tangle::model::{
    MessageBuilder, MessageId, MilestoneBuilder, Output as TxOutput, OutputId, Packable, Parents,
    TransactionBuilder, TransactionId,
};

fn tangle(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tangle");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("run tangle")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn conformance(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

#[test]
fn decodes_the_tip6_example_with_id_and_pow_score() {
    let vector = conformance("tip6-message.json");
    let hex = vector["message_hex"].as_str().expect("hex");
    let json = stdout_json(&tangle(&["message", "decode", hex], None));
    assert_eq!(json["id"], vector["message_id"]);
    assert_eq!(json["powScore"], vector["pow_score"]);
    assert_eq!(json["networkId"], "0");
    assert_eq!(json["nonce"], vector["nonce"].to_string());
    assert_eq!(json["payload"]["type"], 2);
    assert_eq!(json["payload"]["data"], hex::encode("hello world"));
}

#[test]
fn reads_the_message_from_stdin() {
    let vector = conformance("tip6-message.json");
    let hex = vector["message_hex"].as_str().expect("hex");
    let json = stdout_json(&tangle(
        &["message", "decode", "-"],
        Some(&format!("{hex}\n")),
    ));
    assert_eq!(json["id"], vector["message_id"]);
}

#[test]
fn invalid_bytes_exit_1_with_one_line_naming_the_rule() {
    let vector = conformance("tip6-message.json");
    let mut bytes = hex::decode(vector["message_hex"].as_str().expect("hex")).expect("hex");
    // Swap the two parents: no longer strictly ascending.
    let (first, second) = (9..41, 41..73);
    let a = bytes[first.clone()].to_vec();
    let b = bytes[second.clone()].to_vec();
    bytes[first].copy_from_slice(&b);
    bytes[second].copy_from_slice(&a);
    for input in [hex::encode(&bytes), "00".repeat(3), "zz".into()] {
        let output = tangle(&["message", "decode", &input], None);
        assert_eq!(output.status.code(), Some(1), "input {input}");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8(output.stderr).expect("utf-8");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    }
    let output = tangle(&["message", "decode", &hex::encode(&bytes)], None);
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(stderr.contains("sorted"), "names the parent rule: {stderr}");
}

#[test]
fn transaction_report_checks_signatures_and_input_addresses() {
    let alice = key(1);
    let bob = key(2);
    let transaction = TransactionBuilder::new()
        .input(
            OutputId::new(TransactionId::new([0xaa; 32]), 0).expect("index"),
            &alice,
        )
        .input(
            OutputId::new(TransactionId::new([0xbb; 32]), 1).expect("index"),
            &alice,
        )
        .output(TxOutput::single(address_of(&bob), 2_000_000).expect("output"))
        .finish()
        .expect("transaction");
    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .parent(MessageId::new([7; 32]))
        .payload(transaction.clone())
        .nonce(0)
        .finish()
        .expect("message");
    let hex = hex::encode(message.pack());
    let alice_address =
        hex::encode(Ed25519Address::from_public_key(&alice.public_key()).as_bytes());
    let bob_address = hex::encode(Ed25519Address::from_public_key(&bob.public_key()).as_bytes());

    let json = stdout_json(&tangle(&["message", "decode", &hex], None));
    let report = &json["transaction"];
    assert_eq!(report["transactionId"], transaction.id().to_string());
    assert_eq!(
        report["essenceHash"],
        hex::encode(transaction.essence().signing_hash())
    );
    let unlock = &report["signatureUnlocks"][0];
    assert_eq!(unlock["signatureValid"], true);
    assert_eq!(unlock["inputs"], serde_json::json!([0, 1]));
    assert_eq!(unlock["signerAddress"], alice_address);
    assert_eq!(unlock["matchesInputAddress"], Value::Null);

    let owned = format!("0={alice_address}");
    let json = stdout_json(&tangle(
        &["message", "decode", &hex, "--input-address", &owned],
        None,
    ));
    assert_eq!(
        json["transaction"]["signatureUnlocks"][0]["matchesInputAddress"],
        true
    );
    let stolen = format!("1={bob_address}");
    let json = stdout_json(&tangle(
        &[
            "message",
            "decode",
            &hex,
            "--input-address",
            &owned,
            "--input-address",
            &stolen,
        ],
        None,
    ));
    assert_eq!(
        json["transaction"]["signatureUnlocks"][0]["matchesInputAddress"],
        false
    );

    // A corrupted signature still decodes (it is a semantic rule) but is reported invalid.
    let mut bytes = message.pack();
    // The unlocks end with a 3-byte reference unlock; the signature unlock comes before it.
    let last_signature_byte = bytes.len() - 8 - 3 - 1;
    bytes[last_signature_byte] ^= 1;
    let json = stdout_json(&tangle(&["message", "decode", &hex::encode(&bytes)], None));
    assert_eq!(
        json["transaction"]["signatureUnlocks"][0]["signatureValid"],
        false
    );
    assert_eq!(json["transaction"]["allSignaturesValid"], false);
}

#[test]
fn milestone_report_lists_each_signature() {
    let keys = [key(11), key(12), key(13)];
    let parents =
        Parents::new(&[MessageId::new([1; 32]), MessageId::new([2; 32])]).expect("parents");
    let milestone = MilestoneBuilder::new(42, 1_650_000_000, parents)
        .sign(&keys)
        .expect("milestone");
    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .parents(parents.iter().copied())
        .payload(milestone.clone())
        .nonce(7)
        .finish()
        .expect("message");
    let json = stdout_json(&tangle(
        &["message", "decode", &hex::encode(message.pack())],
        None,
    ));
    let report = &json["milestone"];
    assert_eq!(report["milestoneId"], milestone.id().to_string());
    assert_eq!(report["index"], 42);
    assert_eq!(report["timestamp"], 1_650_000_000u64);
    assert_eq!(report["signatures"].as_array().expect("array").len(), 3);
    assert_eq!(report["allSignaturesValid"], true);
    assert_eq!(report["valid"], true);
    assert_eq!(report["rule"], Value::Null);
}

#[test]
fn address_matches_the_tip11_vector() {
    let vector = &conformance("bech32-address.json")["cases"][0];
    let public_key = vector["public_key"].as_str().expect("key");
    for hrp in ["iota", "atoi"] {
        let output = tangle(&["address", "--public-key", public_key, "--hrp", hrp], None);
        assert!(output.status.success());
        assert_eq!(
            String::from_utf8(output.stdout).expect("utf-8").trim(),
            vector["bech32"][hrp]
        );
    }
    let output = tangle(&["address", "--public-key", "abcd"], None);
    assert_eq!(output.status.code(), Some(1));
    let output = tangle(
        &["address", "--public-key", public_key, "--hrp", "io ta"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn pow_score_and_mine() {
    // `pow score` takes messages only: the TIP-6 example message and its score.
    let vector = conformance("tip6-message.json");
    let output = tangle(
        &["pow", "score", vector["message_hex"].as_str().expect("hex")],
        None,
    );
    assert!(output.status.success());
    let score: f64 = String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .parse()
        .expect("a number");
    // The vector's decimal may differ in the last digit from 3^z / len correctly rounded.
    let expected = vector["pow_score"].as_f64().expect("score");
    assert!(
        (score - expected).abs() <= expected * 1e-12,
        "{score} vs {expected}"
    );

    let message = MessageBuilder::new()
        .network_id(1)
        .parent(MessageId::new([7; 32]))
        .payload(
            tangle::model::IndexationPayload::new(b"pow".to_vec(), vec![0u8; 50]).expect("payload"),
        )
        .finish()
        .expect("message")
        .pack();
    let length = message.len();
    let message = hex::encode(&message);
    let output = tangle(
        &[
            "pow",
            "mine",
            "--target-score",
            "500",
            "--threads",
            "1",
            &message,
        ],
        None,
    );
    assert!(output.status.success());
    let mined = hex::decode(String::from_utf8(output.stdout).expect("utf-8").trim()).expect("hex");
    assert_eq!(mined.len(), length);
    assert_eq!(
        mined[..length - 8],
        hex::decode(&message).expect("hex")[..length - 8]
    );
    assert!(pow::score(&mined) >= 500.0);

    let output = tangle(&["pow", "mine", "--target-score=-1", &message], None);
    assert_eq!(output.status.code(), Some(1));
}

/// A coordinator-signed milestone message with index 1 approving `parents`.
fn milestone_message(
    parents: &[MessageId],
    root: [u8; 32],
    keys: &[SigningKey],
) -> tangle::model::Message {
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
fn replay_summarises_rejections_conflicts_milestones_and_balances() {
    use tangle::consensus::ConfirmationError;

    let (alice, bob, carol) = (key(1), key(2), key(3));
    let coordinator = [key(100), key(101)];
    let genesis = OutputId::new(TransactionId::new([0; 32]), 0).expect("output id");
    let spend_to = |to: &SigningKey| {
        let transaction = TransactionBuilder::new()
            .input(genesis, &alice)
            .output(TxOutput::single(address_of(to), 10_000_000).expect("output"))
            .finish()
            .expect("transaction");
        MessageBuilder::new()
            .network_id(1)
            .parent(MessageId::default())
            .payload(transaction)
            .finish()
            .expect("message")
    };
    let (a, b) = (spend_to(&bob), spend_to(&carol));
    let d = MessageBuilder::new()
        .network_id(1)
        .parents([a.id(), b.id()])
        .finish()
        .expect("message");

    // The Merkle root the coordinator signs: what a node computes (it reports it on a mismatch).
    let mut scratch = scratch_node(&coordinator, genesis, &alice, 10_000_000);
    for message in [&a, &b, &d] {
        scratch.submit(&message.pack()).expect("accepted");
    }
    let probe = milestone_message(&[d.id()], [0; 32], &coordinator);
    let refused = scratch.submit(&probe.pack()).expect("accepted").refused;
    let root = match refused.as_slice() {
        [(_, ConfirmationError::MerkleRootMismatch { computed, .. })] => *computed,
        other => panic!("expected a Merkle root mismatch, got {other:?}"),
    };
    let m1 = milestone_message(&[d.id()], root, &coordinator);
    let foreign = milestone_message(&[m1.id()], [0; 32], &[key(100), key(55)]);

    let truncated = {
        let bytes = a.pack();
        hex::encode(&bytes[..bytes.len() - 3])
    };
    let lines = [
        "# a replay file".to_owned(),
        hex::encode(a.pack()),
        hex::encode(b.pack()),
        truncated,
        String::new(),
        hex::encode(d.pack()),
        hex::encode(m1.pack()),
        hex::encode(a.pack()),
        hex::encode(foreign.pack()),
    ];
    let path = std::env::temp_dir().join(format!("tangle-replay-{}.txt", std::process::id()));
    std::fs::write(&path, lines.join("\n")).expect("write replay file");
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
        "--threshold",
        "2",
        "--genesis",
        &genesis_arg,
    ];

    let mut json_args = args.to_vec();
    json_args.extend(["--min-pow-score", "0", "--json"]);
    let json = stdout_json(&tangle(&json_args, None));
    assert_eq!(json["messages"], 7);
    assert_eq!(json["accepted"], 5);
    assert_eq!(json["duplicates"], 1);
    assert_eq!(json["pending"], 0);
    assert_eq!(json["rejected"], 1);
    assert_eq!(json["rejectedByRule"]["syntax"], 1);
    assert_eq!(json["milestones"].as_array().expect("milestones").len(), 1);
    assert_eq!(json["milestones"][0]["merkleRoot"], hex::encode(root));
    // a, b, d and the milestone message itself.
    assert_eq!(json["milestones"][0]["referenced"], 4);
    assert_eq!(json["milestonesRefusedByRule"]["milestone-signature"], 1);
    assert_eq!(json["conflicting"], 1);
    assert_eq!(json["conflictingByReason"][0]["code"], 2);
    assert_eq!(json["confirmedTransactions"], 1);
    assert_eq!(json["ledgerIndex"], 1);
    assert_eq!(json["totalSupply"], 10_000_000);
    let balances = json["balances"].as_array().expect("balances");
    assert_eq!(balances.len(), 1);
    assert_eq!(balances[0]["balance"], 10_000_000);
    let owner = balances[0]["hex"].as_str().expect("hex");
    assert!(
        owner == hex::encode(&address_of(&bob).to_bytes()[1..])
            || owner == hex::encode(&address_of(&carol).to_bytes()[1..])
    );

    // Text form, and the mainnet PoW minimum rejecting every unmined message.
    let mut text_args = args.to_vec();
    text_args.extend(["--min-pow-score", "0"]);
    let output = tangle(&text_args, None);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        text.contains("milestones applied: 1, ledger index: 1"),
        "{text}"
    );
    assert!(
        text.contains("input already spent in this milestone"),
        "{text}"
    );
    let json = stdout_json(&tangle(&[&args[..], &["--json"]].concat(), None));
    assert_eq!(json["rejectedByRule"]["pow"], 6);
    assert_eq!(json["ledgerIndex"], 0);

    // A line that is not hex is an error naming its line number; no message is replayed.
    let mut garbage = lines.to_vec();
    garbage.insert(3, "zz".to_owned());
    std::fs::write(&path, garbage.join("\n")).expect("write replay file");
    let output = tangle(&json_args, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 4 is not hex"), "{stderr}");

    // A bad key is an error naming the option.
    let output = tangle(&["replay", path_text, "--coordinator-key", "12"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--coordinator-key"));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn replay_confirms_by_weight_without_a_coordinator() {
    let alice = key(1);
    let genesis = OutputId::new(TransactionId::new([0; 32]), 0).expect("output id");
    let spend_to = |to: &SigningKey| {
        let transaction = TransactionBuilder::new()
            .input(genesis, &alice)
            .output(TxOutput::single(address_of(to), 10_000_000).expect("output"))
            .finish()
            .expect("transaction");
        MessageBuilder::new()
            .network_id(1)
            .parent(MessageId::default())
            .payload(transaction)
            .finish()
            .expect("message")
    };
    let (a, b) = (spend_to(&key(2)), spend_to(&key(3)));
    let d = MessageBuilder::new()
        .network_id(1)
        .parents([a.id(), b.id()])
        .finish()
        .expect("message");
    let lines = [a.pack(), b.pack(), d.pack()].map(hex::encode);
    let path =
        std::env::temp_dir().join(format!("tangle-replay-weight-{}.txt", std::process::id()));
    std::fs::write(&path, lines.join("\n")).expect("write replay file");
    let path_text = path.to_str().expect("utf-8 path");
    let genesis_arg = format!(
        "{}=10000000",
        hex::encode(&address_of(&alice).to_bytes()[1..])
    );
    let args = [
        "replay",
        path_text,
        "--genesis",
        &genesis_arg,
        "--min-pow-score",
        "0",
        "--weight",
        "2",
    ];
    // d gives both conflicting transfers weight 2: one step; the smaller id wins the tie.
    let json = stdout_json(&tangle(&[&args[..], &["--json"]].concat(), None));
    assert_eq!(json["confirmation"], "weight");
    assert_eq!(json["ledgerIndex"], 1);
    assert_eq!(json["milestones"][0]["referenced"], 2);
    assert_eq!(json["confirmedTransactions"], 1);
    assert_eq!(json["conflictingByReason"][0]["code"], 2);
    let winner = a.id().min(b.id());
    let owner = if winner == a.id() { key(2) } else { key(3) };
    assert_eq!(
        json["balances"][0]["hex"],
        hex::encode(&address_of(&owner).to_bytes()[1..])
    );
    let text = String::from_utf8(tangle(&args, None).stdout).expect("utf-8");
    assert!(
        text.contains("confirmation steps (by weight/confidence) applied: 1, ledger index: 1"),
        "{text}"
    );
    // Confidence alone: d is the only tip, so every selection approves the whole Tangle.
    let json = stdout_json(&tangle(
        &[&args[..6], &["--confidence", "0.9", "--json"]].concat(),
        None,
    ));
    assert_eq!(json["confirmedTransactions"], 1);

    // Coordinator-free and milestones do not mix; W = 0 is refused.
    let key_hex = hex::encode(key(100).public_key().as_bytes());
    let output = tangle(
        &[&args[..], &["--coordinator-key", &key_hex]].concat(),
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--coordinator-key"));
    let output = tangle(&[&args[..7], &["0"]].concat(), None);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("W must be at least 1"));
    let _ = std::fs::remove_file(&path);
}
