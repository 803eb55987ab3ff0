//! Two real milestone messages of the Chrysalis mainnet through the consensus checks, with the
//! mainnet parameters of the deployed nodes (Hornet 1.x): the stateless pipeline stages accept
//! them on the mainnet network id at the mainnet PoW minimum, and the coordinator rule with the
//! mainnet key ranges and 2 signatures per milestone turns each into a checkpoint. Other
//! networks, PoW minimums, keys, key ranges and thresholds refuse them by the rule they break.
//!
//! The vectors are read at test time from `tests/data/chrysalis-mainnet-milestones.json` (the
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
    index: u32,
}

/// The mainnet parameters: network id, minimum PoW score, key ranges, signatures per milestone.
struct Mainnet {
    network_id: u64,
    min_pow_score: f64,
    ranges: Vec<KeyRange>,
    key_count: usize,
}

fn file() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/chrysalis-mainnet-milestones.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

fn key(value: &Value) -> PublicKey {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(value.as_str().expect("hex"), &mut bytes).expect("32 bytes");
    PublicKey::from_bytes(bytes)
}

fn u32_of(value: &Value) -> u32 {
    u32::try_from(value.as_u64().expect("a number")).expect("u32")
}

fn mainnet() -> Mainnet {
    let protocol = &file()["mainnet_protocol"];
    Mainnet {
        network_id: protocol["network_id"]
            .as_str()
            .expect("decimal")
            .parse()
            .expect("u64"),
        min_pow_score: protocol["min_pow_score"].as_f64().expect("score"),
        ranges: protocol["public_key_ranges"]
            .as_array()
            .expect("ranges")
            .iter()
            .map(|range| {
                KeyRange::new(
                    key(&range["key"]),
                    u32_of(&range["start"]),
                    u32_of(&range["end"]),
                )
            })
            .collect(),
        key_count: usize::try_from(u32_of(&protocol["milestone_public_key_count"])).expect("usize"),
    }
}

impl Mainnet {
    fn rule(&self) -> MilestoneRule {
        MilestoneRule::with_ranges(self.ranges.clone(), self.key_count)
    }

    fn pipeline(&self) -> PipelineConfig {
        PipelineConfig {
            network_id: Some(self.network_id),
            min_pow_score: self.min_pow_score,
        }
    }
}

fn vectors() -> Vec<Vector> {
    let vectors: Vec<Vector> = file()["milestones"]
        .as_array()
        .expect("milestones")
        .iter()
        .map(|entry| Vector {
            bytes: hex::decode(entry["message_hex"].as_str().expect("hex")).expect("hex"),
            index: u32_of(&entry["index"]),
            entry: entry.clone(),
        })
        .collect();
    assert_eq!(vectors.len(), 2);
    vectors
}

fn milestone_keys(entry: &Value) -> Vec<PublicKey> {
    entry["public_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(key)
        .collect()
}

#[test]
fn the_pipeline_accepts_mainnet_milestones_with_mainnet_parameters() {
    let mainnet = mainnet();
    assert_eq!(mainnet.min_pow_score, pipeline::MAINNET_MIN_POW_SCORE);
    for vector in vectors() {
        let config = mainnet.pipeline();
        let accepted = pipeline::accept(&vector.bytes, &config).expect("accepted");
        assert!(accepted.score >= config.min_pow_score);
        if let Some(expected) = vector.entry["message_id"].as_str() {
            assert_eq!(accepted.id, expected.parse::<MessageId>().expect("id"));
        }

        let other_network = PipelineConfig {
            network_id: Some(mainnet.network_id ^ 1),
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
fn the_mainnet_rule_turns_mainnet_milestones_into_checkpoints() {
    let mainnet = mainnet();
    for vector in vectors() {
        // At these indexes exactly the milestone's two keys are applicable.
        let mut applicable = mainnet.rule().keys_for(vector.index);
        let mut signed = milestone_keys(&vector.entry);
        applicable.sort_by_key(|key| key.to_bytes());
        signed.sort_by_key(|key| key.to_bytes());
        assert_eq!(applicable, signed);

        let (message, id) = Message::unpack_with_id(&vector.bytes).expect("decodes");
        let checkpoint = mainnet
            .rule()
            .inspect(&id, &message)
            .expect("valid milestone")
            .expect("a checkpoint");
        let milestone = message.milestone().expect("rules").expect("milestone");
        assert_eq!(checkpoint.message_id, id);
        assert_eq!(checkpoint.index, vector.index);
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
fn other_keys_ranges_and_thresholds_refuse_mainnet_milestones() {
    let mainnet = mainnet();
    for vector in vectors() {
        let (message, id) = Message::unpack_with_id(&vector.bytes).expect("decodes");
        let keys = milestone_keys(&vector.entry);
        let index = vector.index;
        let refusal = |mut rule: MilestoneRule| rule.inspect(&id, &message).expect_err("refused");

        assert!(matches!(
            refusal(MilestoneRule::with_ranges(mainnet.ranges.clone(), 3)),
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
        // The mainnet keys of later ranges alone do not apply at these indexes.
        let later: Vec<KeyRange> = mainnet
            .ranges
            .iter()
            .copied()
            .filter(|range| !keys.contains(&range.key))
            .collect();
        assert!(matches!(
            refusal(MilestoneRule::with_ranges(later, 2)),
            ConfirmationError::Signature(MilestoneVerifyError::KeyNotApplicable { index: 0, .. })
        ));
    }
}

#[test]
fn a_changed_signature_is_refused_by_the_mainnet_rule() {
    let mainnet = mainnet();
    for vector in vectors() {
        let mut bytes = vector.bytes.clone();
        // The last signature ends just before the 8-byte nonce.
        let inside_last_signature = bytes.len() - 8 - 11;
        bytes[inside_last_signature] ^= 0x80;
        let (message, id) = Message::unpack_with_id(&bytes).expect("still decodes");
        assert!(matches!(
            mainnet.rule().inspect(&id, &message),
            Err(ConfirmationError::Signature(
                MilestoneVerifyError::InvalidSignature { index: 1, .. }
            ))
        ));
    }
}
