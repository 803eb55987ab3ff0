//! `tangle message decode` on a message whose milestone payload breaks a milestone-only rule: the
//! message is valid (exit 0) and the report names the broken milestone rule.

use std::process::{Command, Output};

use serde_json::Value;
use tangle::crypto::ed25519::SigningKey;
use tangle::model::{Message, MessageId, MilestoneBuilder, Packable, Parents, Payload, RuleError};

fn decode(message: &Message) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(["message", "decode", &hex::encode(message.pack())])
        .output()
        .expect("run tangle")
}

fn milestone_message(message_parents: &[u8]) -> Message {
    let keys = [
        SigningKey::from_bytes(&[11; 32]),
        SigningKey::from_bytes(&[12; 32]),
    ];
    let parents =
        Parents::new(&[MessageId::new([1; 32]), MessageId::new([2; 32])]).expect("parents");
    let milestone = MilestoneBuilder::new(42, 1_650_000_000, parents)
        .sign(&keys)
        .expect("milestone");
    let ids: Vec<MessageId> = message_parents
        .iter()
        .map(|byte| MessageId::new([*byte; 32]))
        .collect();
    let own = Parents::new(&ids).expect("parents");
    Message::new(1, own, Some(Payload::from(milestone)), 7).expect("message")
}

fn report(message: &Message) -> Value {
    let output = decode(message);
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn other_parents_decode_and_name_the_broken_milestone_rule() {
    let message = milestone_message(&[3]);
    let json = report(&message);
    assert_eq!(json["id"], message.id().to_string());
    let milestone = &json["milestone"];
    assert_eq!(milestone["valid"], false);
    assert_eq!(
        milestone["rule"],
        RuleError::MilestoneParentsMismatch.to_string()
    );
    assert_eq!(milestone["allSignaturesValid"], true);
}

#[test]
fn leading_parents_make_a_valid_milestone() {
    let json = report(&milestone_message(&[1]));
    assert_eq!(json["milestone"]["valid"], true);
    assert_eq!(json["milestone"]["rule"], Value::Null);
}
