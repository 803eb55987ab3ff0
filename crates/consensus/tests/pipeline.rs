//! The pipeline stages: typed rejections, out-of-order solidification, batch signatures and
//! their use by white flag.

mod common;

use common::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::{
    PipelineConfig, PipelineError, Solidity, accept, attach, verify_signatures,
};
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{ConeView, ConflictReason};
use tangle_graph::{Config, Tangle};
use tangle_model::{MessageId, Packable, Payload, TransactionPayload};

const MI: u64 = 1_000_000;

fn open() -> PipelineConfig {
    PipelineConfig {
        network_id: Some(1),
        min_pow_score: 0.0,
    }
}

#[test]
fn each_stateless_rule_has_its_error() {
    let bytes = message(&[message_id(1)], None).pack();
    let accepted = accept(&bytes, &open()).expect("accepted");
    assert_eq!(accepted.id, accepted.message.id());

    assert!(matches!(
        accept(&bytes[..bytes.len() - 1], &open()),
        Err(PipelineError::Syntax(_))
    ));
    let other = PipelineConfig {
        network_id: Some(2),
        ..open()
    };
    assert_eq!(
        accept(&bytes, &other),
        Err(PipelineError::WrongNetwork {
            expected: 2,
            found: 1
        })
    );
    let strict = PipelineConfig {
        min_pow_score: 1e30,
        ..open()
    };
    assert!(matches!(
        accept(&bytes, &strict),
        Err(PipelineError::InsufficientPow { .. })
    ));
}

#[test]
fn messages_solidify_in_any_arrival_order() {
    let genesis = message_id(0);
    let parent = message(&[genesis], None);
    let child = message(&[parent.id()], None);
    let mut tangle: Tangle<MessageId> = Tangle::new(Config::default());
    tangle
        .add_solid_entry_point(genesis, 1, 0, None)
        .expect("entry point");

    let child = accept(&child.pack(), &open()).expect("child");
    let parent = accept(&parent.pack(), &open()).expect("parent");
    assert_eq!(attach(&mut tangle, &child, 1), Ok(Solidity::Pending));
    assert_eq!(
        attach(&mut tangle, &parent, 2),
        Ok(Solidity::Solid {
            solidified: vec![parent.id, child.id]
        })
    );
    assert_eq!(attach(&mut tangle, &parent, 3), Ok(Solidity::Duplicate));
}

#[test]
fn a_bad_signature_fails_only_its_transaction() {
    let alice = key(1);
    let bob = address_of(&key(2));
    let txs: Vec<TransactionPayload> = (0..5u16)
        .map(|i| transfer(&[(genesis_id(i), &alice)], &[single(bob, MI)]))
        .collect();
    let mut with_forgery = txs.clone();
    with_forgery[2] = forge(&txs[2]);
    let refs: Vec<&TransactionPayload> = with_forgery.iter().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    assert_eq!(
        verify_signatures(&refs, &mut rng),
        vec![true, true, false, true, true]
    );
}

/// A cone whose signature results come from the batch stage.
struct Verified {
    cone: TestCone,
    valid: std::collections::HashMap<MessageId, bool>,
}

impl ConeView for Verified {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.cone.parents(id)
    }
    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.cone.transaction(id)
    }
    fn is_referenced(&self, id: &MessageId) -> bool {
        self.cone.is_referenced(id)
    }
    fn signatures_verified(&self, id: &MessageId) -> Option<bool> {
        self.valid.get(id).copied()
    }
}

#[test]
fn batch_results_drive_white_flag() {
    let alice = key(1);
    let bob = address_of(&key(2));
    let mut ledger = ledger_with(&[
        single(address_of(&alice), MI),
        single(address_of(&alice), MI),
    ]);
    let good = transfer(&[(genesis_id(0), &alice)], &[single(bob, MI)]);
    let bad = forge(&transfer(&[(genesis_id(1), &alice)], &[single(bob, MI)]));
    let mut cone = TestCone::default();
    cone.referenced.insert(message_id(0));
    let a = cone.add_message(&message(
        &[message_id(0)],
        Some(Payload::from(good.clone())),
    ));
    let b = cone.add_message(&message(&[a], Some(Payload::from(bad.clone()))));
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let results = verify_signatures(&[&good, &bad], &mut rng);
    let view = Verified {
        cone,
        valid: [(a, results[0]), (b, results[1])].into_iter().collect(),
    };
    let outcome = apply_cone(&mut ledger, &view, &[b], 1).expect("step");
    assert_eq!(outcome.applied, vec![a]);
    assert_eq!(
        outcome.conflicts,
        vec![(b, ConflictReason::InvalidSignature)]
    );
    assert_eq!(ledger.balance(&bob), MI);
}
