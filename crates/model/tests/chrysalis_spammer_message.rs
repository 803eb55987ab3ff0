//! A real indexation message with the Chrysalis mainnet network id, given as fields: packed by
//! the model, its PoW score reaches the mainnet minimum. The sender mined the nonce over the
//! network's byte layout, so a packing that differed in any byte would miss the score (a wrong
//! layout reaches 13 trailing zero trits with probability 3⁻¹³); any other nonce falls short.
//!
//! The vector is read at test time from `tests/data/chrysalis-spammer-message.json` (the folder's
//! README names the source).

use serde_json::Value;
use tangle_crypto::pow;
use tangle_model::{IndexationPayload, Message, MessageBuilder, MessageId, Packable, Payload};

fn vector() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/chrysalis-spammer-message.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

fn decimal(value: &Value) -> u64 {
    value
        .as_str()
        .expect("a decimal string")
        .parse()
        .expect("u64")
}

fn bytes(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("hex")).expect("hex")
}

fn message_with_nonce(vector: &Value, nonce: u64) -> Message {
    let parents = vector["parents"]
        .as_array()
        .expect("parents")
        .iter()
        .map(|id| id.as_str().expect("hex").parse::<MessageId>().expect("id"));
    let payload = IndexationPayload::new(bytes(&vector["index_hex"]), bytes(&vector["data_hex"]))
        .expect("a valid indexation");
    MessageBuilder::new()
        .network_id(decimal(&vector["network_id"]))
        .parents(parents)
        .payload(payload)
        .nonce(nonce)
        .finish()
        .expect("a valid message")
}

#[test]
fn the_packed_message_reaches_the_mainnet_pow_score() {
    let vector = vector();
    let min = vector["min_pow_score"].as_f64().expect("score");
    let message = message_with_nonce(&vector, decimal(&vector["nonce"]));
    let packed = message.pack();
    let score = pow::score(&packed);
    assert!(score >= min, "score {score}");
    let needed = pow::min_trailing_zeros(min, packed.len()).expect("reachable");
    assert!(pow::trailing_zeros(&packed) >= needed);
}

#[test]
fn the_packed_message_decodes_to_the_same_fields() {
    let vector = vector();
    let packed = message_with_nonce(&vector, decimal(&vector["nonce"])).pack();
    let message = Message::unpack(&packed).expect("decodes");
    assert_eq!(message.pack(), packed);
    assert_eq!(message.network_id(), decimal(&vector["network_id"]));
    assert_eq!(message.nonce(), decimal(&vector["nonce"]));
    assert_eq!(message.parents().len(), 4);
    match message.payload() {
        Some(Payload::Indexation(payload)) => {
            assert_eq!(payload.index(), bytes(&vector["index_hex"]).as_slice());
            assert_eq!(payload.data(), bytes(&vector["data_hex"]).as_slice());
        }
        other => panic!("not an indexation: {other:?}"),
    }
}

#[test]
fn neighbouring_nonces_fall_short_of_the_score() {
    let vector = vector();
    let min = vector["min_pow_score"].as_f64().expect("score");
    let nonce = decimal(&vector["nonce"]);
    for other in [nonce - 1, nonce + 1, nonce ^ (1 << 40)] {
        let score = pow::score(&message_with_nonce(&vector, other).pack());
        assert!(score < min, "nonce {other}: score {score}");
    }
}
