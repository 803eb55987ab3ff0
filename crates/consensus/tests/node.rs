//! The in-process Tangle API end to end: genesis outputs, signed transfers, a double spend and
//! two milestones; confirmation rules and their errors; the same messages in any arrival order
//! give the same ledger, confirmed set and Merkle roots.

mod common;

use common::*;
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{
    ConfirmationError, ConfirmationRule, ConflictReason, LedgerInclusion, MessageMetadata,
    MilestoneRule, Node, NodeConfig, SubmitStatus,
};
use tangle_crypto::ed25519::SigningKey;
use tangle_graph::Config as GraphConfig;
use tangle_graph::select::{TipRequest, Urts};
use tangle_model::{
    Message, MessageId, MilestoneBuilder, MilestoneVerifyError, Packable, Parents, Payload,
};

const MI: u64 = 1_000_000;

fn coordinator() -> [SigningKey; 2] {
    [key(100), key(101)]
}

fn node() -> Node<MilestoneRule, ChaCha8Rng> {
    node_with(GraphConfig::default())
}

fn node_with(graph: GraphConfig) -> Node<MilestoneRule, ChaCha8Rng> {
    let keys = coordinator();
    let rule = MilestoneRule::new(keys.iter().map(SigningKey::public_key), 2);
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        graph,
        ..NodeConfig::default()
    };
    let ledger = ledger_with(&[
        single(address_of(&key(1)), 10 * MI),
        single(address_of(&key(1)), 5 * MI),
    ]);
    Node::new(config, rule, ledger, ChaCha8Rng::seed_from_u64(9)).expect("node")
}

fn milestone(index: u32, parents: &[MessageId], root: [u8; 32], keys: &[SigningKey]) -> Message {
    let parents = Parents::from_unsorted(parents.iter().copied()).expect("parents");
    let payload = MilestoneBuilder::new(index, 1_700_000_000 + u64::from(index), parents)
        .merkle_root(root)
        .sign(keys)
        .expect("milestone");
    message(parents.as_slice(), Some(Payload::from(payload)))
}

/// The scenario's messages in a valid order, and the ids of the interesting ones.
struct Scenario {
    messages: Vec<Message>,
    to_bob: MessageId,
    to_carol: MessageId,
    change: MessageId,
    bob_to_dave: MessageId,
    respend: MessageId,
    milestones: [MessageId; 2],
}

fn scenario() -> Scenario {
    let (alice, bob) = (key(1), key(2));
    let (carol, dave) = (address_of(&key(3)), address_of(&key(4)));
    let genesis = MessageId::default();
    let keys = coordinator();

    // Milestone 1's cone: a double spend of genesis output 0, a transfer of output 1, data.
    let a_tx = transfer(
        &[(genesis_id(0), &alice)],
        &[single(address_of(&bob), 10 * MI)],
    );
    let b_tx = transfer(&[(genesis_id(0), &alice)], &[single(carol, 10 * MI)]);
    let c_tx = transfer(
        &[(genesis_id(1), &alice)],
        &[
            single(address_of(&bob), 3 * MI),
            single(address_of(&alice), 2 * MI),
        ],
    );
    let a = message(&[genesis], Some(Payload::from(a_tx)));
    let b = message(&[genesis], Some(Payload::from(b_tx)));
    let c = message(&[a.id()], Some(Payload::from(c_tx.clone())));
    let d = message(&[b.id(), c.id()], None);

    // White flag on a scratch ledger gives the Merkle root the coordinator signs.
    let mut cone = TestCone::default();
    cone.referenced.insert(genesis);
    for m in [&a, &b, &c, &d] {
        cone.add_message(m);
    }
    let mut scratch = ledger_with(&[
        single(address_of(&alice), 10 * MI),
        single(address_of(&alice), 5 * MI),
    ]);
    let first = apply_cone(&mut scratch, &cone, &[d.id()], 1).expect("step 1");
    let m1 = milestone(1, &[d.id()], first.merkle_root, &keys);
    cone.add_message(&m1);
    for id in first.referenced {
        cone.referenced.insert(id);
    }

    // Milestone 2's cone: Bob spends the change transaction's output; Alice respends output 1.
    let e_tx = transfer(
        &[(c_tx.output_id(0).expect("output"), &bob)],
        &[single(dave, 3 * MI)],
    );
    let f_tx = transfer(&[(genesis_id(1), &alice)], &[single(dave, 5 * MI)]);
    let e = message(&[m1.id()], Some(Payload::from(e_tx)));
    let f = message(&[c.id()], Some(Payload::from(f_tx)));
    cone.add_message(&e);
    cone.add_message(&f);
    let second = apply_cone(&mut scratch, &cone, &[e.id(), f.id()], 2).expect("step 2");
    let m2 = milestone(2, &[e.id(), f.id()], second.merkle_root, &keys);

    Scenario {
        to_bob: a.id(),
        to_carol: b.id(),
        change: c.id(),
        bob_to_dave: e.id(),
        respend: f.id(),
        milestones: [m1.id(), m2.id()],
        messages: vec![a, b, c, d, m1, e, f, m2],
    }
}

/// Feeds the messages in `order` and returns the node.
fn run(scenario: &Scenario, order: &[usize]) -> Node<MilestoneRule, ChaCha8Rng> {
    let mut node = node();
    let supply = node.ledger().total_supply();
    for &i in order {
        let submission = node.submit(&scenario.messages[i].pack()).expect("accepted");
        assert!(submission.refused.is_empty(), "{:?}", submission.refused);
        assert_eq!(node.ledger().total_supply(), supply);
        assert!(node.ledger().is_consistent());
    }
    node
}

fn metadata_of(
    node: &Node<MilestoneRule, ChaCha8Rng>,
    scenario: &Scenario,
) -> Vec<MessageMetadata> {
    scenario
        .messages
        .iter()
        .map(|m| {
            let mut meta = *node.metadata(&m.id()).expect("stored");
            meta.arrival = 0;
            meta
        })
        .collect()
}

#[test]
fn scenario_confirms_with_one_double_spend_conflicting() {
    let scenario = scenario();
    let node = run(&scenario, &(0..scenario.messages.len()).collect::<Vec<_>>());
    assert_eq!(node.ledger().index(), 2);
    assert_eq!(node.confirmations().len(), 2);

    let (a, b) = (
        node.metadata(&scenario.to_bob).expect("a"),
        node.metadata(&scenario.to_carol).expect("b"),
    );
    // Exactly one of the double spend is applied: the one white flag visits first.
    assert_eq!(a.is_included() as u8 + b.is_included() as u8, 1);
    let loser = if a.is_included() { b } else { a };
    assert_eq!(
        loser.conflict(),
        Some(ConflictReason::InputSpentInThisMilestone)
    );
    assert_eq!(loser.referenced_by, Some(1));

    let change = node.metadata(&scenario.change).expect("c");
    assert_eq!(change.inclusion, Some(LedgerInclusion::Included));
    assert_eq!(change.signatures_valid, Some(true));
    let e = node.metadata(&scenario.bob_to_dave).expect("e");
    assert_eq!(
        (e.referenced_by, e.inclusion),
        (Some(2), Some(LedgerInclusion::Included))
    );
    let f = node.metadata(&scenario.respend).expect("f");
    assert_eq!(f.conflict(), Some(ConflictReason::InputAlreadySpent));
    assert_eq!(f.referenced_by, Some(2));
    // A milestone message is referenced by its own index (as Hornet marks it).
    let m1 = node.metadata(&scenario.milestones[0]).expect("m1");
    assert_eq!(
        (m1.milestone_index, m1.referenced_by, m1.inclusion),
        (Some(1), Some(1), Some(LedgerInclusion::NoTransaction))
    );

    let (alice, bob, carol, dave) = (
        address_of(&key(1)),
        address_of(&key(2)),
        address_of(&key(3)),
        address_of(&key(4)),
    );
    assert_eq!(node.balance(&alice), 2 * MI);
    assert_eq!(node.balance(&dave), 3 * MI);
    assert_eq!(node.balance(&bob) + node.balance(&carol), 10 * MI);
    assert_eq!(node.outputs(&dave).len(), 1);

    // Tips come from any selector and are valid parents.
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let tips = node
        .tips(&mut Urts, TipRequest::new(1).expect("request"), &mut rng)
        .expect("tips");
    assert!(Parents::new(&tips).is_ok());
    assert_eq!(tips, vec![scenario.milestones[1]]);
}

#[test]
fn reversed_arrival_gives_the_same_result() {
    let scenario = scenario();
    let forward: Vec<usize> = (0..scenario.messages.len()).collect();
    let backward: Vec<usize> = forward.iter().rev().copied().collect();
    let (x, y) = (run(&scenario, &forward), run(&scenario, &backward));
    assert_eq!(x.ledger(), y.ledger());
    assert_eq!(x.confirmations(), y.confirmations());
    assert_eq!(metadata_of(&x, &scenario), metadata_of(&y, &scenario));
}

#[test]
fn each_milestone_rule_has_its_error() {
    let scenario = scenario();
    let mut node = node();
    for m in &scenario.messages[..4] {
        node.submit(&m.pack()).expect("accepted");
    }
    let d = scenario.messages[3].id();
    let before = node.ledger().clone();

    // Signed by a key that is not the coordinator's.
    let foreign = milestone(1, &[d], [0; 32], &[key(100), key(55)]);
    let refused = node.submit(&foreign.pack()).expect("accepted").refused;
    assert!(matches!(
        refused.as_slice(),
        [(id, ConfirmationError::Signature(MilestoneVerifyError::KeyNotApplicable { index: _, .. }))]
            if *id == foreign.id()
    ));

    // Below the threshold.
    let lonely = milestone(1, &[d], [0; 32], &[key(100)]);
    let refused = node.submit(&lonely.pack()).expect("accepted").refused;
    assert!(matches!(
        refused[0].1,
        ConfirmationError::Signature(MilestoneVerifyError::BelowThreshold { .. })
    ));

    // Message parents that differ from the essence parents: a valid message (as for Hornet), kept
    // in the Tangle, refused as a milestone by the parents rule.
    let mut bytes = milestone(1, &[d], [0; 32], &coordinator()).pack();
    bytes[9..41].copy_from_slice(scenario.to_bob.as_bytes());
    let submission = node.submit(&bytes).expect("a valid message");
    assert_eq!(
        submission.refused,
        vec![(submission.id, ConfirmationError::ParentsMismatch)]
    );
    assert!(node.metadata(&submission.id).expect("stored").solid);

    // A wrong Merkle root halts the node (tests/milestone_parity.rs).
    assert_eq!(node.ledger(), &before);

    // Milestone 2 arrives before milestone 1 (whose message e approves): both wait, then
    // milestone 1 solidifies them and both apply, in index order.
    let [m1, e, f, m2] = [4, 5, 6, 7].map(|i| scenario.messages[i].pack());
    assert_eq!(node.submit(&f).expect("f").status, SubmitStatus::Solid);
    assert_eq!(node.submit(&e).expect("e").status, SubmitStatus::Pending);
    assert_eq!(node.submit(&m2).expect("m2").status, SubmitStatus::Pending);
    let waiting = node.metadata(&scenario.bob_to_dave).expect("stored");
    assert!(!waiting.solid && waiting.signatures_valid.is_none());
    assert_eq!(node.missing_parents(), vec![scenario.milestones[0]]);
    let confirmations = node.submit(&m1).expect("m1").confirmations;
    let indexes: Vec<u32> = confirmations.iter().map(|c| c.checkpoint.index).collect();
    assert_eq!(indexes, vec![1, 2]);
    assert_eq!(node.ledger().index(), 2);

    // A milestone for an index already applied is stale.
    let stale = milestone(1, &[scenario.milestones[1]], [0; 32], &coordinator());
    let refused = node.submit(&stale.pack()).expect("accepted").refused;
    assert_eq!(
        refused[0].1,
        ConfirmationError::StaleIndex {
            index: 1,
            ledger: 2
        }
    );
    assert_eq!(
        node.submit(&stale.pack()).expect("known").status,
        SubmitStatus::Duplicate
    );
}

/// A coordinator-signed milestone payload carried by a message with other parents: Hornet 1.2.8
/// stores and gossips it as an ordinary message, so a later milestone may approve it. The node
/// keeps it, the later milestone's cone takes it in, and it never counts as a milestone.
#[test]
fn rewrapped_milestone_payload_is_an_ordinary_message_in_a_later_cone() {
    let scenario = scenario();
    let mut node = node();
    let mut cone = TestCone::default();
    cone.referenced.insert(MessageId::default());
    for m in &scenario.messages[..4] {
        node.submit(&m.pack()).expect("accepted");
        cone.add_message(m);
    }
    let d = scenario.messages[3].id();

    // The coordinator's payload for index 1 over [d], in a message whose parent is `to_bob`.
    let signed = milestone(1, &[d], [0; 32], &coordinator());
    let payload = signed.payload().cloned();
    let parents = Parents::new(&[scenario.to_bob]).expect("parents");
    let rewrapped = Message::new(1, parents, payload, 0).expect("a valid message");
    assert!(rewrapped.milestone().is_err());
    let submission = node
        .submit(&rewrapped.pack())
        .expect("accepted as a message");
    assert_eq!(submission.status, SubmitStatus::Solid);
    assert_eq!(
        submission.refused,
        vec![(rewrapped.id(), ConfirmationError::ParentsMismatch)]
    );
    assert!(submission.confirmations.is_empty());
    assert_eq!(node.ledger().index(), 0);
    cone.add_message(&rewrapped);

    // The real milestone 1 approves both d and the rewrapped message.
    let roots = [d, rewrapped.id()];
    let mut scratch = ledger_with(&[
        single(address_of(&key(1)), 10 * MI),
        single(address_of(&key(1)), 5 * MI),
    ]);
    let sorted = Parents::from_unsorted(roots).expect("parents");
    let step = apply_cone(&mut scratch, &cone, sorted.as_slice(), 1).expect("step");
    let m1 = milestone(1, &roots, step.merkle_root, &coordinator());
    let submission = node.submit(&m1.pack()).expect("accepted");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    assert_eq!(submission.confirmations.len(), 1);
    assert_eq!(node.ledger().index(), 1);

    let meta = node.metadata(&rewrapped.id()).expect("stored");
    assert_eq!(
        (meta.referenced_by, meta.milestone_index, meta.inclusion),
        (Some(1), None, Some(LedgerInclusion::NoTransaction))
    );
    let records: Vec<MessageId> = node.confirmations().iter().map(|r| r.message_id).collect();
    assert_eq!(records, vec![m1.id()]);
    assert_eq!(
        node.metadata(&m1.id()).expect("m1").milestone_index,
        Some(1)
    );
}

/// Hornet 1.2.8 compares each message parent with the essence parent at the same position: a
/// message whose parents lead the essence parents is a milestone, and its cone starts at the
/// message itself (so it walks the message's own parents, not the essence's).
#[test]
fn milestone_rule_takes_leading_parents_and_roots_the_cone_at_the_message() {
    let keys = coordinator();
    let mut rule = MilestoneRule::new(keys.iter().map(SigningKey::public_key), 2);
    let (a, b) = (MessageId::new([1; 32]), MessageId::new([2; 32]));
    let payload = milestone(1, &[a, b], [0; 32], &keys).payload().cloned();
    let wrap = |parents: &[MessageId]| {
        let parents = Parents::new(parents).expect("parents");
        Message::new(1, parents, payload.clone(), 0).expect("a valid message")
    };

    let leading = wrap(&[a]);
    let checkpoint = rule
        .inspect(&leading.id(), &leading)
        .expect("a milestone")
        .expect("a checkpoint");
    assert_eq!(
        (checkpoint.index, checkpoint.roots),
        (1, vec![leading.id()])
    );
    assert_eq!(leading.parents().as_slice(), &[a]);

    for parents in [&[b][..], &[a, b, MessageId::new([3; 32])][..]] {
        let other = wrap(parents);
        assert_eq!(
            rule.inspect(&other.id(), &other),
            Err(ConfirmationError::ParentsMismatch)
        );
    }
}

#[test]
fn an_evicted_orphan_can_be_submitted_again() {
    let scenario = scenario();
    let mut node = node_with(GraphConfig {
        max_orphans: 1,
        ..GraphConfig::default()
    });
    let bytes: Vec<Vec<u8>> = scenario.messages.iter().map(Packable::pack).collect();
    // Milestone 2 waits, then e (waiting for milestone 1) evicts it from the orphan pool.
    assert_eq!(
        node.submit(&bytes[7]).expect("m2").status,
        SubmitStatus::Pending
    );
    assert_eq!(
        node.submit(&bytes[5]).expect("e").status,
        SubmitStatus::Pending
    );
    for message in [0, 1, 2, 3, 4, 6].map(|i| &bytes[i]) {
        node.submit(message).expect("accepted");
    }
    assert_eq!(node.ledger().index(), 1);
    let again = node.submit(&bytes[7]).expect("m2 again");
    assert_eq!(again.status, SubmitStatus::Solid);
    assert_eq!(again.confirmations.len(), 1);
    assert_eq!(
        node.ledger(),
        run(&scenario, &[0, 1, 2, 3, 4, 5, 6, 7]).ledger()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any arrival order: the same ledger, confirmed set and Merkle roots as in order.
    #[test]
    fn shuffled_arrival_is_deterministic(order in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle()) {
        let scenario = scenario();
        let reference = run(&scenario, &(0..8).collect::<Vec<_>>());
        let shuffled = run(&scenario, &order);
        prop_assert_eq!(reference.ledger(), shuffled.ledger());
        prop_assert_eq!(reference.confirmations(), shuffled.confirmations());
        prop_assert_eq!(metadata_of(&reference, &scenario), metadata_of(&shuffled, &scenario));
    }
}

/// A selector that asks the node whether each tip is clean while it selects: `Node::tips` holds
/// no lock while the selector runs, so this neither deadlocks nor panics, and the verdicts it
/// sees agree with fresh ones.
struct AskingSelector<'a> {
    node: &'a Node<MilestoneRule, ChaCha8Rng>,
    asked: usize,
}

impl tangle_graph::select::TipSelector<tangle_graph::Tangle<MessageId>> for AskingSelector<'_> {
    fn select(
        &mut self,
        view: &tangle_graph::Tangle<MessageId>,
        request: TipRequest,
        rng: &mut dyn rand_chacha::rand_core::RngCore,
    ) -> Result<tangle_graph::select::Selection, tangle_graph::select::SelectError> {
        for &tip in view.tips() {
            let id = view.id(tip);
            assert_eq!(self.node.is_clean(&id), self.node.is_clean_uncached(&id));
            self.asked += 1;
        }
        Urts.select(view, request, rng)
    }
}

#[test]
fn a_selector_may_ask_the_node_while_it_selects() {
    let scenario = scenario();
    let all: Vec<usize> = (0..scenario.messages.len()).collect();
    let node = run(&scenario, &all);
    let mut selector = AskingSelector {
        node: &node,
        asked: 0,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let request = TipRequest::new(1).expect("request");
    let tips = node.tips(&mut selector, request, &mut rng).expect("tips");
    assert_eq!(tips, vec![scenario.milestones[1]]);
    assert!(selector.asked > 0);
    // The verdicts found on both sides are kept: a second request agrees.
    assert_eq!(node.tips(&mut Urts, request, &mut rng).expect("tips"), tips);
}
