//! Two real milestone messages of the public Chrysalis testnet through the consensus checks: the
//! stateless pipeline stages accept them on their network at the mainnet PoW minimum, and the
//! coordinator rule with the testnet's two keys and threshold 2 turns each into a checkpoint.
//! Other networks, PoW minimums, keys, key ranges and thresholds refuse them by the rule they
//! break.
//!
//! The vectors are read at test time from `tests/data/chrysalis-testnet-milestones.json` (the
//! folder's README names the source).

use serde_json::Value;
use tangle_consensus::pipeline::{self, PipelineConfig, PipelineError};
use tangle_consensus::{ConfirmationError, ConfirmationRule, KeyRange, MilestoneRule};
use tangle_crypto::ed25519::{PublicKey, SigningKey};
use tangle_crypto::merkle::merkle_root;
use tangle_model::{Message, MessageId, MilestoneVerifyError};

struct Vector {
    entry: Value,
    bytes: Vec<u8>,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/chrysalis-testnet-milestones.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    let vectors: Vec<Vector> = file["milestones"]
        .as_array()
        .expect("milestones")
        .iter()
        .map(|entry| Vector {
            bytes: hex::decode(entry["message_hex"].as_str().expect("hex")).expect("hex"),
            entry: entry.clone(),
        })
        .collect();
    assert_eq!(vectors.len(), 2);
    vectors
}

fn network_id(entry: &Value) -> u64 {
    entry["network_id"]
        .as_str()
        .expect("decimal")
        .parse()
        .expect("u64")
}

fn coordinator_keys(entry: &Value) -> Vec<PublicKey> {
    entry["public_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|key| {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(key.as_str().expect("hex"), &mut bytes).expect("32 bytes");
            PublicKey::from_bytes(bytes)
        })
        .collect()
}

fn testnet(entry: &Value) -> PipelineConfig {
    PipelineConfig {
        network_id: Some(network_id(entry)),
        ..PipelineConfig::default()
    }
}

#[test]
fn the_pipeline_accepts_testnet_milestones_on_their_network() {
    for vector in vectors() {
        let config = testnet(&vector.entry);
        assert_eq!(config.min_pow_score, pipeline::MAINNET_MIN_POW_SCORE);
        let accepted = pipeline::accept(&vector.bytes, &config).expect("accepted");
        assert!(accepted.score >= config.min_pow_score);
        if let Some(expected) = vector.entry["message_id"].as_str() {
            assert_eq!(accepted.id, expected.parse::<MessageId>().expect("id"));
        }

        let other_network = PipelineConfig {
            network_id: Some(network_id(&vector.entry) ^ 1),
            ..config.clone()
        };
        assert!(matches!(
            pipeline::accept(&vector.bytes, &other_network),
            Err(PipelineError::WrongNetwork { .. })
        ));
        let stricter = PipelineConfig {
            min_pow_score: 2.0 * accepted.score,
            ..config
        };
        assert!(matches!(
            pipeline::accept(&vector.bytes, &stricter),
            Err(PipelineError::InsufficientPow { .. })
        ));
    }
}

#[test]
fn the_coordinator_rule_turns_testnet_milestones_into_checkpoints() {
    for vector in vectors() {
        let (message, id) = Message::unpack_with_id(&vector.bytes).expect("decodes");
        let mut rule = MilestoneRule::new(coordinator_keys(&vector.entry), 2);
        let checkpoint = rule
            .inspect(&id, &message)
            .expect("valid milestone")
            .expect("a checkpoint");
        let milestone = message.milestone().expect("rules").expect("milestone");
        assert_eq!(checkpoint.message_id, id);
        assert_eq!(
            Some(u64::from(checkpoint.index)),
            vector.entry["index"].as_u64()
        );
        assert_eq!(
            Some(checkpoint.timestamp),
            vector.entry["timestamp"].as_u64()
        );
        assert_eq!(checkpoint.roots, vec![id]);
        // A milestone whose cone changed nothing carries the root of no ids (TIP-4).
        assert_eq!(checkpoint.merkle_root, Some(merkle_root(&[])));
        assert_eq!(checkpoint.milestone_id, Some(milestone.id()));
    }
}

#[test]
fn other_keys_ranges_and_thresholds_refuse_testnet_milestones() {
    for vector in vectors() {
        let (message, id) = Message::unpack_with_id(&vector.bytes).expect("decodes");
        let keys = coordinator_keys(&vector.entry);
        let index = u32::try_from(vector.entry["index"].as_u64().expect("index")).expect("u32");
        let refusal = |mut rule: MilestoneRule| rule.inspect(&id, &message).expect_err("refused");

        assert!(matches!(
            refusal(MilestoneRule::new(keys.clone(), 3)),
            ConfirmationError::Signature(MilestoneVerifyError::BelowThreshold { .. })
        ));
        let stranger = SigningKey::from_bytes(&[7; 32]).public_key();
        assert!(matches!(
            refusal(MilestoneRule::new([keys[0], stranger], 1)),
            ConfirmationError::Signature(MilestoneVerifyError::KeyNotApplicable { index: 1, .. })
        ));
        // The second key's range ends just before this milestone.
        let expired = MilestoneRule::with_ranges(
            [
                KeyRange::new(keys[0], 0, 0),
                KeyRange::new(keys[1], 0, index - 1),
            ],
            1,
        );
        assert!(matches!(
            refusal(expired),
            ConfirmationError::Signature(MilestoneVerifyError::KeyNotApplicable { index: 1, .. })
        ));
        // Ranges that cover the index accept it.
        let mut covering = MilestoneRule::with_ranges(
            [
                KeyRange::new(keys[0], index, 0),
                KeyRange::new(keys[1], 0, index),
            ],
            2,
        );
        assert!(matches!(covering.inspect(&id, &message), Ok(Some(_))));
    }
}

#[test]
fn a_changed_signature_is_refused_by_the_coordinator_rule() {
    for vector in vectors() {
        let mut bytes = vector.bytes.clone();
        // The last signature ends just before the 8-byte nonce.
        let inside_last_signature = bytes.len() - 8 - 11;
        bytes[inside_last_signature] ^= 0x80;
        let (message, id) = Message::unpack_with_id(&bytes).expect("still decodes");
        let mut rule = MilestoneRule::new(coordinator_keys(&vector.entry), 2);
        assert!(matches!(
            rule.inspect(&id, &message),
            Err(ConfirmationError::Signature(
                MilestoneVerifyError::InvalidSignature { index: 1, .. }
            ))
        ));
    }
}
