//! Two real milestone messages of the Chrysalis mainnet, as packed bytes: they decode, re-encode
//! byte-exact, hash to the message id the network knew, carry the fields their source states and
//! the mainnet's network id, and both coordinator signatures verify over the essence's signing
//! hash. Their nonces were mined by the coordinator, so a PoW score at the mainnet minimum shows
//! that the message bytes and the PoW hashing agree with the network's.
//!
//! The vectors are read at test time from `tests/data/chrysalis-mainnet-milestones.json` (the
//! folder's README names the source).

use serde_json::Value;
use tangle_crypto::ed25519::{PublicKey, Signature};
use tangle_crypto::merkle::merkle_root;
use tangle_crypto::pow;
use tangle_model::{Message, MessageId, MilestonePayload, Packable, Payload};

struct Vector {
    entry: Value,
    bytes: Vec<u8>,
}

fn file() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/chrysalis-mainnet-milestones.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

fn vectors() -> Vec<Vector> {
    file()["milestones"]
        .as_array()
        .expect("milestones")
        .iter()
        .map(|entry| Vector {
            bytes: hex::decode(entry["message_hex"].as_str().expect("hex")).expect("hex"),
            entry: entry.clone(),
        })
        .collect()
}

fn decimal(value: &Value) -> u64 {
    value
        .as_str()
        .expect("a decimal string")
        .parse()
        .expect("u64")
}

fn milestone(message: &Message) -> &MilestonePayload {
    match message.milestone() {
        Ok(Some(milestone)) => milestone,
        other => panic!("not a valid milestone message: {other:?}"),
    }
}

fn signatures_valid(milestone: &MilestonePayload) -> Vec<bool> {
    let hash = milestone.essence().signing_hash();
    milestone
        .essence()
        .public_keys()
        .iter()
        .zip(milestone.signatures())
        .map(|(key, signature)| {
            PublicKey::from_bytes(*key)
                .verify(&hash, &Signature::from_bytes(*signature))
                .is_ok()
        })
        .collect()
}

#[test]
fn mainnet_milestones_decode_reencode_and_hash_to_their_ids() {
    let protocol = &file()["mainnet_protocol"];
    let name = protocol["network_name"].as_str().expect("name");
    assert_eq!(
        tangle_crypto::network_id(name),
        decimal(&protocol["network_id"])
    );
    let vectors = vectors();
    assert_eq!(vectors.len(), 2);
    for vector in &vectors {
        let (message, id) = Message::unpack_with_id(&vector.bytes).expect("a real message decodes");
        assert_eq!(message.pack(), vector.bytes);
        assert_eq!(message.packed_len(), vector.bytes.len());
        assert_eq!(message.id(), id);
        if let Some(expected) = vector.entry["message_id"].as_str() {
            assert_eq!(id, expected.parse::<MessageId>().expect("id"));
        }
        assert_eq!(message.network_id(), decimal(&vector.entry["network_id"]));
        assert_eq!(message.network_id(), decimal(&protocol["network_id"]));
        assert_eq!(message.nonce(), decimal(&vector.entry["nonce"]));
        assert!(matches!(message.payload(), Some(Payload::Milestone(_))));
    }
}

#[test]
fn mainnet_milestones_carry_the_stated_fields() {
    for vector in vectors() {
        let message = Message::unpack(&vector.bytes).expect("decodes");
        let essence = milestone(&message).essence();
        let entry = &vector.entry;
        assert_eq!(
            u64::from(essence.index()),
            entry["index"].as_u64().expect("index")
        );
        assert_eq!(Some(essence.timestamp()), entry["timestamp"].as_u64());
        assert_eq!(
            Some(essence.parents().len() as u64),
            entry["parents"].as_u64()
        );
        // The milestone's parents are the message's parents (TIP-8).
        assert_eq!(essence.parents(), message.parents());
        assert_eq!(
            hex::encode(essence.merkle_root()),
            entry["inclusion_merkle_proof"].as_str().expect("hex")
        );
        // No message changed the ledger: the inclusion root is the root of no ids (TIP-4).
        assert_eq!(essence.merkle_root(), &merkle_root(&[]));
        let keys: Vec<String> = essence.public_keys().iter().map(hex::encode).collect();
        let expected: Vec<&str> = entry["public_keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|key| key.as_str().expect("hex"))
            .collect();
        assert_eq!(keys, expected);
        assert_eq!(
            (
                essence.next_pow_score(),
                essence.next_pow_score_milestone_index()
            ),
            (0, 0)
        );
        assert!(essence.receipt().is_none());
    }
}

#[test]
fn mainnet_milestone_signatures_verify() {
    for vector in vectors() {
        let message = Message::unpack(&vector.bytes).expect("decodes");
        let valid = signatures_valid(milestone(&message));
        assert_eq!(
            serde_json::to_value(&valid).expect("json"),
            vector.entry["milestone_signatures_valid"]
        );
    }
}

#[test]
fn a_changed_essence_or_signature_no_longer_verifies() {
    for vector in vectors() {
        // The essence's index starts 4 bytes after the payload length and type: flip its lowest bit.
        let payload_start = 8 + 1 + 32 * 6 + 4;
        let mut index_changed = vector.bytes.clone();
        index_changed[payload_start + 4] ^= 1;
        let message = Message::unpack(&index_changed).expect("still decodes");
        assert_eq!(signatures_valid(milestone(&message)), [false, false]);

        let mut signature_changed = vector.bytes.clone();
        let last_signature_byte = signature_changed.len() - 8 - 1;
        signature_changed[last_signature_byte - 10] ^= 0x80;
        let message = Message::unpack(&signature_changed).expect("still decodes");
        assert_eq!(signatures_valid(milestone(&message)), [true, false]);
    }
}

#[test]
fn mainnet_milestone_nonces_reach_the_mainnet_pow_score() {
    let min_pow_score = file()["mainnet_protocol"]["min_pow_score"]
        .as_f64()
        .expect("score");
    for vector in vectors() {
        let score = pow::score(&vector.bytes);
        assert!(score >= min_pow_score, "score {score}");
        let mut other_nonce = vector.bytes.clone();
        let last = other_nonce.len() - 1;
        other_nonce[last] ^= 1;
        assert!(pow::score(&other_nonce) < score);
    }
}
