//! Milestone handling where the node follows the deployed Chrysalis nodes (Hornet 1.2.8): the
//! milestone message is referenced by its own index, a key range ending at 0 has no end, and a
//! Merkle-root mismatch halts confirmation with its evidence kept.

mod common;

use common::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{
    ConfirmationError, KeyRange, LedgerInclusion, MilestoneRule, Node, NodeConfig, SubmitStatus,
};
use tangle_crypto::ed25519::SigningKey;
use tangle_model::{
    Message, MessageId, MilestoneBuilder, MilestoneVerifyError, Packable, Parents, Payload,
};

const MI: u64 = 1_000_000;

fn coordinator() -> [SigningKey; 2] {
    [key(100), key(101)]
}

fn config() -> NodeConfig {
    NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    }
}

fn genesis_ledger() -> tangle_consensus::Ledger {
    ledger_with(&[single(address_of(&key(1)), 10 * MI)])
}

fn node_with(rule: MilestoneRule) -> Node<MilestoneRule, ChaCha8Rng> {
    Node::new(
        config(),
        rule,
        genesis_ledger(),
        ChaCha8Rng::seed_from_u64(5),
    )
    .expect("node")
}

fn node() -> Node<MilestoneRule, ChaCha8Rng> {
    node_with(MilestoneRule::new(
        coordinator().iter().map(SigningKey::public_key),
        2,
    ))
}

fn milestone(index: u32, parents: &[MessageId], root: [u8; 32], keys: &[SigningKey]) -> Message {
    let parents = Parents::from_unsorted(parents.iter().copied()).expect("parents");
    let payload = MilestoneBuilder::new(index, 1_700_000_000 + u64::from(index), parents)
        .merkle_root(root)
        .sign(keys)
        .expect("milestone");
    message(parents.as_slice(), Some(Payload::from(payload)))
}

/// The Merkle root white flag computes for `roots` over `messages` from the genesis ledger, as
/// step 1.
fn root_of(messages: &[&Message], roots: &[MessageId]) -> [u8; 32] {
    let mut cone = TestCone::default();
    cone.referenced.insert(MessageId::default());
    for m in messages {
        cone.add_message(m);
    }
    let mut scratch = genesis_ledger();
    apply_cone(&mut scratch, &cone, roots, 1)
        .expect("step")
        .merkle_root
}

/// Alice's genesis output to Bob, in a message on the genesis.
fn payment() -> Message {
    let tx = transfer(
        &[(genesis_id(0), &key(1))],
        &[single(address_of(&key(2)), 10 * MI)],
    );
    message(&[MessageId::default()], Some(Payload::from(tx)))
}

#[test]
fn the_milestone_message_is_referenced_by_its_own_index() {
    let mut node = node();
    let a = payment();
    let data = message(&[a.id()], None);
    let m1 = milestone(
        1,
        &[data.id()],
        root_of(&[&a, &data], &[data.id()]),
        &coordinator(),
    );
    node.submit(&a.pack()).expect("a");
    node.submit(&data.pack()).expect("data");
    let submission = node.submit(&m1.pack()).expect("m1");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    let [confirmation] = submission.confirmations.as_slice() else {
        panic!(
            "one confirmation expected, got {:?}",
            submission.confirmations
        );
    };
    // White-flag order: the milestone's cone, then the milestone itself.
    assert_eq!(
        confirmation.outcome.referenced,
        vec![a.id(), data.id(), m1.id()]
    );
    assert_eq!(confirmation.outcome.applied, vec![a.id()]);
    let meta = node.metadata(&m1.id()).expect("m1 stored");
    assert_eq!(
        (meta.milestone_index, meta.referenced_by, meta.inclusion),
        (Some(1), Some(1), Some(LedgerInclusion::NoTransaction))
    );
    assert_eq!(node.confirmations()[0].referenced, 3);

    // The next milestone's cone does not hold milestone 1 again: only the milestone itself.
    let m2 = milestone(2, &[m1.id()], root_of(&[], &[]), &coordinator());
    let submission = node.submit(&m2.pack()).expect("m2");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    assert_eq!(
        submission.confirmations[0].outcome.referenced,
        vec![m2.id()]
    );
    assert_eq!(
        node.metadata(&m1.id()).and_then(|m| m.referenced_by),
        Some(1)
    );
    assert_eq!(
        node.metadata(&m2.id()).and_then(|m| m.referenced_by),
        Some(2)
    );
}

#[test]
fn a_key_range_ending_at_zero_has_no_end() {
    let [old, new] = coordinator();
    // As mainnet's configuration lists them: the old key up to 3, the new one from 4 on, end 0.
    let ranges = [
        KeyRange::new(old.public_key(), 0, 3),
        KeyRange::new(new.public_key(), 4, 0),
    ];
    assert!(ranges[1].applies_to(4) && ranges[1].applies_to(u32::MAX));
    assert!(!ranges[1].applies_to(3));
    assert!(!ranges[0].applies_to(4));
    // Ranges overlap during a rotation (as on mainnet): both keys apply where both ranges do.
    let overlapping = MilestoneRule::with_ranges(
        [
            KeyRange::new(old.public_key(), 0, 5),
            KeyRange::new(new.public_key(), 4, 0),
        ],
        1,
    );
    assert_eq!(
        overlapping.keys_for(5),
        vec![old.public_key(), new.public_key()]
    );
    assert_eq!(overlapping.keys_for(6), vec![new.public_key()]);
    let rule = MilestoneRule::with_ranges(ranges, 1);
    assert_eq!(rule.keys_for(3), vec![old.public_key()]);
    assert_eq!(rule.keys_for(4), vec![new.public_key()]);
    assert_eq!(rule.keys_for(4_000_000), vec![new.public_key()]);

    // End to end: a milestone at index 4 signed by the new key confirms; one signed by the old
    // key is refused by name.
    let mut node = node_with(rule);
    let mut parent = MessageId::default();
    for index in 1..=3 {
        let m = milestone(
            index,
            &[parent],
            root_of(&[], &[]),
            std::slice::from_ref(&old),
        );
        let submission = node.submit(&m.pack()).expect("milestone");
        assert_eq!(
            submission.confirmations.len(),
            1,
            "{:?}",
            submission.refused
        );
        parent = m.id();
    }
    let stale_key = milestone(4, &[parent], root_of(&[], &[]), std::slice::from_ref(&old));
    let refused = node.submit(&stale_key.pack()).expect("accepted").refused;
    assert!(matches!(
        refused.as_slice(),
        [(id, ConfirmationError::Signature(MilestoneVerifyError::KeyNotApplicable { .. }))]
            if *id == stale_key.id()
    ));
    let fourth = milestone(4, &[parent], root_of(&[], &[]), &[new]);
    let submission = node.submit(&fourth.pack()).expect("milestone 4");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    assert_eq!(node.ledger().index(), 4);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn milestone_id(message: &Message) -> Option<tangle_model::MilestoneId> {
    match message.payload() {
        Some(Payload::Milestone(milestone)) => Some(milestone.id()),
        _ => None,
    }
}

/// After a Merkle-root mismatch the node keeps the evidence, reverts the step and confirms
/// nothing more, not even the right milestone; messages are still stored and solidified.
#[test]
fn a_merkle_root_mismatch_halts_confirmation_and_keeps_the_evidence() {
    let mut node = node();
    let a = payment();
    let data = message(&[a.id()], None);
    let root = root_of(&[&a, &data], &[data.id()]);
    let wrong = milestone(1, &[data.id()], [7; 32], &coordinator());
    let right = milestone(1, &[data.id(), a.id()], root, &coordinator());
    node.submit(&a.pack()).expect("a");
    node.submit(&data.pack()).expect("data");
    let before = node.ledger().clone();
    assert!(node.halted().is_none());

    let refused = node.submit(&wrong.pack()).expect("accepted").refused;
    assert_eq!(
        refused,
        vec![(
            wrong.id(),
            ConfirmationError::MerkleRootMismatch {
                expected: [7; 32],
                computed: root
            }
        )]
    );
    let divergence = *node.halted().expect("halted");
    assert_eq!(divergence.index, 1);
    assert_eq!(divergence.message_id, wrong.id());
    assert_eq!(divergence.milestone_id, milestone_id(&wrong));
    assert!(divergence.milestone_id.is_some());
    assert_eq!((divergence.expected, divergence.computed), ([7; 32], root));
    let text = divergence.to_string();
    assert!(text.contains("milestone 1"), "{text}");
    assert!(text.contains(&"07".repeat(32)), "{text}");
    assert!(text.contains(&hex(&root)), "{text}");
    // The step is undone: the ledger and the metadata are as before it.
    assert_eq!(node.ledger(), &before);
    assert!(node.confirmations().is_empty());
    for id in [a.id(), data.id(), wrong.id()] {
        assert_eq!(node.metadata(&id).and_then(|m| m.referenced_by), None);
    }

    // The right milestone 1 (it confirms on a fresh node) is refused: confirmation is halted.
    let mut fresh = self::node();
    for m in [&a, &data, &right] {
        fresh.submit(&m.pack()).expect("fresh");
    }
    assert_eq!(fresh.ledger().index(), 1);
    let submission = node.submit(&right.pack()).expect("accepted");
    assert_eq!(
        submission.refused,
        vec![(
            right.id(),
            ConfirmationError::Halted {
                diverged_at: 1,
                index: 1
            }
        )]
    );
    assert!(submission.confirmations.is_empty());
    assert_eq!(
        ConfirmationError::Halted {
            diverged_at: 1,
            index: 1
        }
        .rule(),
        "confirmation-halted"
    );

    // Messages are still stored and solidified, but nothing is referenced any more.
    let later = message(&[right.id()], None);
    let submission = node.submit(&later.pack()).expect("later");
    assert_eq!(submission.status, SubmitStatus::Solid);
    assert!(submission.confirmations.is_empty());
    let meta = node.metadata(&later.id()).expect("stored");
    assert!(meta.solid && meta.referenced_by.is_none());
    assert_eq!(node.ledger(), &before);
    assert_eq!(node.halted(), Some(&divergence));
}
