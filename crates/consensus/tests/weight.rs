//! Coordinator-free confirmation (cumulative weight, confidence), the heavier-branch preference
//! between conflicts, conflict-aware tip selection, batched signatures, coordinator key ranges
//! and diffs kept by the store.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use common::*;
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::{
    ConfirmationError, ConflictReason, KeyRange, Ledger, LedgerInclusion, MessageStore,
    MilestoneRule, Node, NodeConfig, WeightRule, WeightRuleError,
};
use tangle_crypto::ed25519::SigningKey;
use tangle_crypto::merkle::merkle_root_by;
use tangle_graph::select::{TipRequest, Urts};
use tangle_model::{
    Message, MessageId, MilestoneBuilder, MilestoneVerifyError, OutputId, Packable, Parents,
    Payload, TransactionPayload,
};

const MI: u64 = 1_000_000;
const GENESIS_OUTPUTS: u16 = 4;

fn config() -> NodeConfig {
    NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    }
}

/// Alice (key 1) owns genesis outputs 0..4 of 10 Mi each.
fn genesis() -> Ledger {
    ledger_with(&vec![
        single(address_of(&key(1)), 10 * MI);
        usize::from(GENESIS_OUTPUTS)
    ])
}

fn weight_node(weight: u64) -> Node<WeightRule, ChaCha8Rng> {
    let rule = WeightRule::new(weight).expect("rule");
    Node::new(config(), rule, genesis(), ChaCha8Rng::seed_from_u64(3)).expect("node")
}

/// Alice sends genesis output `input` to the owner of `to`.
fn spend(input: u16, to: u8) -> TransactionPayload {
    transfer(
        &[(genesis_id(input), &key(1))],
        &[single(address_of(&key(to)), 10 * MI)],
    )
}

fn tx_message(parents: &[MessageId], tx: TransactionPayload) -> Message {
    message(parents, Some(Payload::from(tx)))
}

fn submit(node: &mut Node<WeightRule, ChaCha8Rng>, message: &Message) {
    node.submit(&message.pack()).expect("accepted");
}

fn inclusion<C, G, S: MessageStore>(node: &Node<C, G, S>, id: &MessageId) -> Option<LedgerInclusion>
where
    C: tangle_consensus::ConfirmationRule,
    G: rand_core::CryptoRngCore,
{
    node.metadata(id).and_then(|m| m.inclusion)
}

#[test]
fn weight_rule_parameters_are_checked() {
    assert_eq!(WeightRule::new(0).unwrap_err(), WeightRuleError::ZeroWeight);
    let rng = || ChaCha8Rng::seed_from_u64(1);
    for theta in [0.0, 1.5, f64::NAN] {
        assert!(matches!(
            WeightRule::default().with_confidence(theta, 10, Urts::new(), rng()),
            Err(WeightRuleError::Theta(_))
        ));
    }
    assert!(matches!(
        WeightRule::default().with_confidence(0.9, 0, Urts::new(), rng()),
        Err(WeightRuleError::ZeroSamples)
    ));
    assert_eq!(WeightRule::default().weight(), 100);
}

#[test]
fn a_message_is_confirmed_when_its_weight_reaches_w_and_stays_confirmed() {
    let mut node = weight_node(3);
    let root = MessageId::default();
    let a = tx_message(&[root], spend(0, 2));
    let x1 = message(&[a.id()], None);
    let x2 = message(&[x1.id()], None);
    submit(&mut node, &a);
    submit(&mut node, &x1);
    assert_eq!(node.ledger().index(), 0, "weight 2 < W");
    assert!(
        node.metadata(&a.id())
            .is_some_and(|m| m.referenced_by.is_none())
    );
    submit(&mut node, &x2);
    assert_eq!(node.ledger().index(), 1);
    assert_eq!(
        node.metadata(&a.id()).and_then(|m| m.referenced_by),
        Some(1)
    );
    assert_eq!(inclusion(&node, &a.id()), Some(LedgerInclusion::Included));
    assert_eq!(node.balance(&address_of(&key(2))), 10 * MI);
    // x1 has weight 2: not confirmed; the step record has no Merkle root to match.
    assert!(
        node.metadata(&x1.id())
            .is_some_and(|m| m.referenced_by.is_none())
    );
    assert_eq!(node.confirmations()[0].applied, 1);
    assert!(
        node.metadata(&a.id())
            .is_some_and(|m| m.milestone_index.is_none())
    );

    // More approvers: x1 confirmed in step 2, a stays confirmed by step 1.
    let x3 = message(&[x2.id()], None);
    submit(&mut node, &x3);
    assert_eq!(node.ledger().index(), 2);
    assert_eq!(
        node.metadata(&a.id()).and_then(|m| m.referenced_by),
        Some(1)
    );
    assert_eq!(
        node.metadata(&x1.id()).and_then(|m| m.referenced_by),
        Some(2)
    );
}

/// Two conflicting transfers of genesis output 0; the one with the larger message id ("heavy")
/// gets one more approver. Returns (light, heavy, k approving heavy, j1..j3 approving both).
fn conflict_fixture() -> (Message, Message, Message, Vec<Message>) {
    let root = MessageId::default();
    let one = tx_message(&[root], spend(0, 2));
    let two = tx_message(&[root], spend(0, 3));
    let (light, heavy) = if one.id() < two.id() {
        (one, two)
    } else {
        (two, one)
    };
    let k = message(&[heavy.id()], None);
    let joint: Vec<Message> = (0..3u8)
        .map(|i| {
            let data = tangle_model::IndexationPayload::new(vec![i], vec![]).expect("indexation");
            message(&[light.id(), heavy.id()], Some(Payload::from(data)))
        })
        .collect();
    (light, heavy, k, joint)
}

#[test]
fn the_heavier_conflict_is_applied_even_when_white_flag_meets_the_lighter_first() {
    let (light, heavy, k, joint) = conflict_fixture();
    // W = 4: light gets 1 + 3 joint approvers = 4, heavy 5; nothing else reaches 4, so the
    // step's roots are exactly {light, heavy}, sorted by id: white flag meets light first.
    let mut node = weight_node(4);
    // Everything waits for the two conflicting messages, then solidifies at once.
    submit(&mut node, &k);
    for j in &joint {
        submit(&mut node, j);
    }
    submit(&mut node, &heavy);
    assert_eq!(node.ledger().index(), 0);
    submit(&mut node, &light);
    assert_eq!(node.ledger().index(), 1);
    assert_eq!(node.confirmations().len(), 1);
    assert_eq!(
        inclusion(&node, &heavy.id()),
        Some(LedgerInclusion::Included)
    );
    assert_eq!(
        inclusion(&node, &light.id()),
        Some(LedgerInclusion::Conflicting(
            ConflictReason::InputSpentInThisMilestone
        ))
    );
    assert_eq!(node.balance(&address_of(&key(3))), 10 * MI);
    assert_eq!(node.balance(&address_of(&key(2))), 0);
}

#[test]
fn preference_follows_weight_and_ties_go_to_the_smaller_id() {
    let (light, heavy, k, joint) = conflict_fixture();
    let mut node = weight_node(100);
    submit(&mut node, &light);
    submit(&mut node, &heavy);
    // Equal weight (1 each): the smaller id is preferred.
    assert_eq!(node.preferred(&light.id()), Some(true));
    assert_eq!(node.preferred(&heavy.id()), Some(false));
    submit(&mut node, &k);
    assert_eq!(node.preferred(&light.id()), Some(false));
    assert_eq!(node.preferred(&heavy.id()), Some(true));
    assert_eq!(
        node.conflict(&light.id()),
        Some(ConflictReason::InputSpentInThisMilestone)
    );
    assert_eq!(node.conflict(&heavy.id()), None);
    submit(&mut node, &joint[0]);
    assert_eq!(node.preferred(&heavy.id()), Some(true));
    assert_eq!(node.preferred(&k.id()), None, "no transaction");
}

#[test]
fn tips_avoid_cones_with_a_non_preferred_conflict() {
    let (light, heavy, k, joint) = conflict_fixture();
    let mut node = weight_node(100);
    for m in [&light, &heavy, &k] {
        submit(&mut node, m);
    }
    for j in &joint {
        submit(&mut node, j);
    }
    // Tips: k (clean) and j1..j3 (approve the non-preferred light transaction).
    let bad: HashSet<MessageId> = joint.iter().map(Message::id).chain([light.id()]).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..20 {
        let tips = node
            .tips(&mut Urts::new(), TipRequest::PAIR, &mut rng)
            .expect("tips");
        assert!(!tips.is_empty());
        assert!(tips.iter().all(|t| !bad.contains(t)), "{tips:?}");
    }
}

#[test]
fn tips_avoid_bad_signatures_and_ledger_inconsistent_cones() {
    let mut node = weight_node(100);
    let root = MessageId::default();
    let forged = tx_message(&[root], forge(&spend(1, 2)));
    let unknown_input = tx_message(
        &[root],
        transfer(
            &[(genesis_id(9), &key(1))],
            &[single(address_of(&key(2)), 10 * MI)],
        ),
    );
    let sum_mismatch = tx_message(
        &[root],
        transfer(
            &[(genesis_id(2), &key(1))],
            &[single(address_of(&key(2)), 9 * MI)],
        ),
    );
    let above_forged = message(&[forged.id()], None);
    let good = tx_message(&[root], spend(3, 2));
    // Spends the good transaction's output: consistent, its creator is in its cone.
    let chained = tx_message(
        &[good.id()],
        transfer(
            &[(output_of(&good), &key(2))],
            &[single(address_of(&key(4)), 10 * MI)],
        ),
    );
    // A spend attached beside its creator (not in its past cone): not consistent.
    let other = tx_message(&[root], spend(0, 3));
    let detached = tx_message(
        &[root],
        transfer(
            &[(output_of(&other), &key(3))],
            &[single(address_of(&key(5)), 10 * MI)],
        ),
    );
    for m in [
        &forged,
        &unknown_input,
        &sum_mismatch,
        &above_forged,
        &good,
        &chained,
        &other,
        &detached,
    ] {
        submit(&mut node, m);
    }
    let bad: HashSet<MessageId> = [
        &forged,
        &unknown_input,
        &sum_mismatch,
        &above_forged,
        &detached,
    ]
    .iter()
    .map(|m| m.id())
    .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let mut seen = BTreeSet::new();
    for _ in 0..30 {
        let tips = node
            .tips(&mut Urts::new(), TipRequest::PAIR, &mut rng)
            .expect("tips");
        for tip in tips {
            assert!(!bad.contains(&tip), "unclean tip {tip}");
            seen.insert(tip);
        }
    }
    assert_eq!(
        seen,
        BTreeSet::from([chained.id(), other.id()]),
        "the clean tips are found"
    );
    // The forged signature was checked early by tip selection (still queued for the batch);
    // the batch takes that result.
    assert!(node.unverified() > 0);
    assert!(
        node.metadata(&forged.id())
            .is_some_and(|m| m.signatures_valid.is_none())
    );
    node.flush();
    assert_eq!(
        node.metadata(&forged.id()).and_then(|m| m.signatures_valid),
        Some(false)
    );
    assert_eq!(
        node.metadata(&good.id()).and_then(|m| m.signatures_valid),
        Some(true)
    );
}

fn output_of(message: &Message) -> OutputId {
    message
        .payload()
        .and_then(Payload::as_transaction)
        .and_then(|tx| tx.output_id(0))
        .expect("output")
}

#[test]
fn when_every_tip_is_unclean_the_nearest_clean_messages_are_returned() {
    let mut node = weight_node(100);
    let root = MessageId::default();
    let forged = tx_message(&[root], forge(&spend(1, 2)));
    let above = message(&[forged.id()], None);
    submit(&mut node, &forged);
    submit(&mut node, &above);
    let tips = node
        .tips(
            &mut Urts::new(),
            TipRequest::PAIR,
            &mut ChaCha8Rng::seed_from_u64(1),
        )
        .expect("tips");
    assert_eq!(tips, vec![root]);
}

#[test]
fn confidence_confirms_what_every_selection_approves() {
    let rule = WeightRule::confidence_only()
        .with_confidence(0.95, 200, Urts::new(), ChaCha8Rng::seed_from_u64(2))
        .expect("rule");
    let mut node =
        Node::new(config(), rule, genesis(), ChaCha8Rng::seed_from_u64(3)).expect("node");
    let root = MessageId::default();
    // a, b and c approve x and arrive first; x releases them all at once.
    let x = message(&[root], None);
    let a = tx_message(&[x.id()], spend(0, 2));
    let data = |i: u8| {
        let payload = tangle_model::IndexationPayload::new(vec![i], vec![]).expect("indexation");
        Some(Payload::from(payload))
    };
    let (b, c) = (message(&[x.id()], data(1)), message(&[x.id()], data(2)));
    for m in [&a, &b, &c, &x] {
        node.submit(&m.pack()).expect("accepted");
    }
    // Three tips, a pair drawn each time: each tip is approved by about 2/3 of the
    // selections, their common parent x by all of them.
    assert_eq!(node.ledger().index(), 1);
    assert_eq!(
        node.metadata(&x.id()).and_then(|m| m.referenced_by),
        Some(1)
    );
    for m in [&a, &b, &c] {
        assert_eq!(node.metadata(&m.id()).and_then(|m| m.referenced_by), None);
    }
    let d = message(&[a.id(), b.id(), c.id()], None);
    node.submit(&d.pack()).expect("accepted");
    assert_eq!(node.ledger().index(), 2);
    for m in [&a, &b, &c, &d] {
        assert_eq!(
            node.metadata(&m.id()).and_then(|m| m.referenced_by),
            Some(2)
        );
    }
    assert_eq!(node.balance(&address_of(&key(2))), 10 * MI);
    assert_eq!(node.rule().theta(), Some(0.95));
}

#[test]
fn signatures_are_verified_in_batches_and_one_bad_one_fails_alone() {
    let mut config = config();
    config.signature_batch = 4;
    let mut node = Node::new(
        config,
        WeightRule::default(),
        genesis(),
        ChaCha8Rng::seed_from_u64(3),
    )
    .expect("node");
    let root = MessageId::default();
    let messages = [
        tx_message(&[root], spend(0, 2)),
        tx_message(&[root], forge(&spend(1, 2))),
        tx_message(&[root], spend(2, 2)),
        tx_message(&[root], spend(3, 2)),
    ];
    for m in &messages[..3] {
        node.submit(&m.pack()).expect("accepted");
    }
    assert_eq!(node.unverified(), 3);
    assert!(
        node.metadata(&messages[0].id())
            .is_some_and(|m| m.signatures_valid.is_none())
    );
    node.submit(&messages[3].pack()).expect("accepted");
    assert_eq!(node.unverified(), 0);
    let valid: Vec<Option<bool>> = messages
        .iter()
        .map(|m| node.metadata(&m.id()).and_then(|m| m.signatures_valid))
        .collect();
    assert_eq!(valid, vec![Some(true), Some(false), Some(true), Some(true)]);

    // An explicit flush verifies a partial batch.
    let more = tx_message(&[messages[0].id()], forge(&spend(0, 3)));
    node.submit(&more.pack()).expect("accepted");
    assert_eq!(node.unverified(), 1);
    node.flush();
    assert_eq!(
        node.metadata(&more.id()).and_then(|m| m.signatures_valid),
        Some(false)
    );
}

fn empty_root() -> [u8; 32] {
    merkle_root_by(&[] as &[MessageId], MessageId::as_bytes)
}

fn milestone(index: u32, parent: MessageId, keys: &[SigningKey]) -> Message {
    let parents = Parents::from_unsorted([parent]).expect("parents");
    let payload = MilestoneBuilder::new(index, 1_700_000_000 + u64::from(index), parents)
        .merkle_root(empty_root())
        .sign(keys)
        .expect("milestone");
    message(&[parent], Some(Payload::from(payload)))
}

#[test]
fn coordinator_keys_apply_by_milestone_index_range() {
    let (old, new) = (key(100), key(101));
    let rule = MilestoneRule::with_ranges(
        [
            KeyRange::new(old.public_key(), 1, 1),
            KeyRange::new(new.public_key(), 2, u32::MAX),
        ],
        1,
    );
    assert_eq!(rule.keys(), &[old.public_key(), new.public_key()]);
    assert_eq!(rule.keys_for(1), vec![old.public_key()]);
    assert_eq!(rule.keys_for(7), vec![new.public_key()]);
    let mut node =
        Node::new(config(), rule, genesis(), ChaCha8Rng::seed_from_u64(3)).expect("node");
    let m1 = milestone(1, MessageId::default(), std::slice::from_ref(&old));
    assert_eq!(node.submit(&m1.pack()).expect("m1").confirmations.len(), 1);
    // The old key no longer applies at index 2.
    let stale_key = milestone(2, m1.id(), std::slice::from_ref(&old));
    let refused = node.submit(&stale_key.pack()).expect("accepted").refused;
    assert!(matches!(
        refused.as_slice(),
        [(
            _,
            ConfirmationError::Signature(MilestoneVerifyError::KeyNotApplicable { .. })
        )]
    ));
    assert_eq!(node.ledger().index(), 1);
    let m2 = milestone(2, m1.id(), std::slice::from_ref(&new));
    assert_eq!(node.submit(&m2.pack()).expect("m2").confirmations.len(), 1);
    // Threshold 2 over two keys applicable at every index: one signature is not enough.
    let both = MilestoneRule::new([old.public_key(), new.public_key()], 2);
    let mut node =
        Node::new(config(), both, genesis(), ChaCha8Rng::seed_from_u64(3)).expect("node");
    let one = milestone(1, MessageId::default(), std::slice::from_ref(&old));
    let refused = node.submit(&one.pack()).expect("accepted").refused;
    assert!(matches!(
        refused.as_slice(),
        [(
            _,
            ConfirmationError::Signature(MilestoneVerifyError::BelowThreshold { .. })
        )]
    ));
}

#[test]
fn the_store_keeps_every_step_diff_to_revert_and_replay() {
    let mut node = weight_node(2);
    let root = MessageId::default();
    let a = tx_message(&[root], spend(0, 2));
    let b = tx_message(&[a.id()], spend(1, 3));
    let c = tx_message(
        &[b.id()],
        transfer(
            &[(output_of(&a), &key(2))],
            &[single(address_of(&key(4)), 10 * MI)],
        ),
    );
    let d = message(&[c.id()], None);
    for m in [&a, &b, &c, &d] {
        submit(&mut node, m);
    }
    let last = node.ledger().index();
    assert_eq!(last, 3);
    let diffs: Vec<_> = (1..=last)
        .map(|i| node.store().diff(i).expect("kept"))
        .collect();
    assert!(diffs.iter().all(|d| !d.is_empty()));
    let mut ledger = node.ledger().clone();
    for diff in diffs.iter().rev() {
        ledger.revert_diff(diff).expect("revert");
    }
    assert_eq!(ledger, genesis());
    for diff in &diffs {
        ledger.apply_diff(diff).expect("replay");
    }
    assert_eq!(&ledger, node.ledger());
}

/// One generated message: parents (indexes into the earlier messages, 0 = genesis) and maybe a
/// transfer of a genesis output to a receiver, possibly with a forged signature.
#[derive(Debug, Clone)]
struct Spec {
    parents: Vec<prop::sample::Index>,
    transfer: Option<(u16, u8, bool)>,
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    let spec = (
        prop::collection::vec(any::<prop::sample::Index>(), 1..3),
        prop::option::weighted(0.6, (0..GENESIS_OUTPUTS, 2u8..5, prop::bool::weighted(0.1))),
    )
        .prop_map(|(parents, transfer)| Spec { parents, transfer });
    prop::collection::vec(spec, 4..13)
}

fn build(specs: &[Spec]) -> Vec<Message> {
    let mut ids = vec![MessageId::default()];
    let mut messages: Vec<Message> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let mut parents: Vec<MessageId> = spec.parents.iter().map(|p| *p.get(&ids)).collect();
        parents.sort();
        parents.dedup();
        let payload = match spec.transfer {
            Some((input, to, forged)) => {
                let tx = spend(input, to);
                Some(Payload::from(if forged { forge(&tx) } else { tx }))
            }
            None => {
                let data = tangle_model::IndexationPayload::new(vec![i as u8], vec![])
                    .expect("indexation");
                Some(Payload::from(data))
            }
        };
        let m = message(&parents, payload);
        ids.push(m.id());
        messages.push(m);
    }
    messages
}

/// What must not depend on arrival order: unspent outputs, confirmed set with inclusion
/// states, and the Merkle root of the applied messages in id order.
type Outcome = (
    BTreeMap<OutputId, (u64, MessageId)>,
    BTreeMap<MessageId, Option<LedgerInclusion>>,
    [u8; 32],
);

fn outcome(node: &Node<WeightRule, ChaCha8Rng>, messages: &[Message]) -> Outcome {
    let unspent = node
        .ledger()
        .unspent_outputs()
        .map(|(id, e)| (*id, (e.output.amount(), e.message_id)))
        .collect();
    let mut confirmed = BTreeMap::new();
    let mut applied = Vec::new();
    for m in messages {
        let meta = node.metadata(&m.id()).expect("stored");
        if meta.referenced_by.is_some() {
            confirmed.insert(m.id(), meta.inclusion);
            if meta.is_included() {
                applied.push(m.id());
            }
        }
    }
    applied.sort();
    applied.dedup();
    (
        unspent,
        confirmed,
        merkle_root_by(&applied, MessageId::as_bytes),
    )
}

/// Feeds `messages` in `order`, checking after every step that the supply is constant and that
/// no two applied transactions share an input.
fn feed(weight: u64, messages: &[Message], order: &[usize]) -> Node<WeightRule, ChaCha8Rng> {
    let mut node = weight_node(weight);
    let supply = node.ledger().total_supply();
    for &i in order {
        node.submit(&messages[i].pack()).expect("accepted");
        assert_eq!(node.ledger().total_supply(), supply);
        assert!(node.ledger().is_consistent());
        let mut spent = HashSet::new();
        let mut distinct = HashSet::new();
        // Two specs can build the same message (same parents and payload): count it once.
        for m in messages.iter().filter(|m| distinct.insert(m.id())) {
            if node
                .metadata(&m.id())
                .is_some_and(|meta| meta.is_included())
            {
                let tx = m.payload().and_then(Payload::as_transaction).expect("tx");
                for input in tx.essence().inputs() {
                    assert!(spent.insert(*input.output_id()), "double spend applied");
                }
            }
        }
    }
    node
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random DAGs of (often double-spending) transfers under the weight rule, in creation
    /// order and shuffled: supply constant and never two spends of one output applied, at
    /// every step. When no two conflicting transactions both reach W (the rule's safety
    /// assumption), both orders end with the same unspent outputs, confirmed set, inclusion
    /// states and Merkle root of the applied messages.
    #[test]
    fn weight_rule_is_safe_and_order_independent(
        specs in specs(),
        weight in 1u64..6,
        seed in any::<u64>(),
    ) {
        let messages = build(&specs);
        let in_order: Vec<usize> = (0..messages.len()).collect();
        let mut shuffled = in_order.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for i in (1..shuffled.len()).rev() {
            let j = (rand_core::RngCore::next_u64(&mut rng) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let reference = feed(weight, &messages, &in_order);
        let other = feed(weight, &messages, &shuffled);

        // The safety assumption: of two transactions spending one output, at most one reaches W.
        let tangle = reference.tangle();
        let heavy = |m: &Message| {
            tangle
                .handle(&m.id())
                .and_then(|h| tangle.cumulative_weight(h))
                .is_some_and(|w| w >= weight)
        };
        let mut spenders: BTreeMap<u16, usize> = BTreeMap::new();
        for (spec, m) in specs.iter().zip(&messages) {
            if let Some((input, _, _)) = spec.transfer && heavy(m) {
                *spenders.entry(input).or_default() += 1;
            }
        }
        if spenders.values().all(|&n| n <= 1) {
            prop_assert_eq!(outcome(&reference, &messages), outcome(&other, &messages));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// On random DAGs of (often double-spending, sometimes forged) transfers, every tip returned
    /// has an unconfirmed past cone in which each transaction is preferred and correctly signed
    /// (checked here by walking the cone independently of the node's own check).
    #[test]
    fn tips_never_approve_a_non_preferred_or_forged_transaction(
        specs in specs(),
        weight in 2u64..20,
        seed in any::<u64>(),
    ) {
        let messages = build(&specs);
        let mut node = weight_node(weight);
        for m in &messages {
            node.submit(&m.pack()).expect("accepted");
        }
        node.flush();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..4 {
            let tips = node
                .tips(&mut Urts::new(), TipRequest::PAIR, &mut rng)
                .expect("a clean message always exists: the genesis");
            prop_assert!(!tips.is_empty());
            let mut stack = tips.clone();
            let mut seen = HashSet::new();
            while let Some(id) = stack.pop() {
                let Some(meta) = node.metadata(&id) else {
                    continue; // the genesis
                };
                if meta.referenced_by.is_some() || !seen.insert(id) {
                    continue;
                }
                if let Some(preferred) = node.preferred(&id) {
                    prop_assert!(preferred, "non-preferred {} under a tip", id);
                    prop_assert_eq!(meta.signatures_valid, Some(true));
                }
                stack.extend(node.message(&id).expect("stored").parents().iter().copied());
            }
        }
    }
}

/// A forged transaction's cone is unclean; once a confirmation settles it (as conflicting), a
/// message approving it is clean. The verdict kept from before the confirmation must not
/// survive it.
#[test]
fn kept_tip_verdicts_are_dropped_when_a_confirmation_settles_a_cone() {
    let mut node = weight_node(3);
    let forged = tx_message(&[MessageId::default()], forge(&spend(0, 2)));
    let approver = message(&[forged.id()], None);
    submit(&mut node, &forged);
    submit(&mut node, &approver);
    assert_eq!(node.is_clean(&approver.id()), Some(false));
    assert_eq!(node.is_clean(&forged.id()), Some(false));
    // The third message gives the forged one weight 3: it is confirmed, as conflicting.
    let top = message(&[approver.id()], None);
    submit(&mut node, &top);
    assert!(
        node.metadata(&forged.id())
            .is_some_and(|m| m.conflict().is_some())
    );
    for id in [forged.id(), approver.id(), top.id()] {
        assert_eq!(node.is_clean(&id), Some(true), "{id}");
        assert_eq!(node.is_clean_uncached(&id), Some(true));
    }
    assert_eq!(node.is_clean(&MessageId::new([9; 32])), None, "unknown");
}

/// A clean, kept verdict turns unclean when a heavier rival of a transaction in its cone
/// arrives, and clean again when that rival loses its lead.
#[test]
fn kept_tip_verdicts_follow_new_rivals_and_weights() {
    let mut node = weight_node(100);
    let root = MessageId::default();
    let first = tx_message(&[root], spend(0, 2));
    let above = message(&[first.id()], None);
    submit(&mut node, &first);
    submit(&mut node, &above);
    assert_eq!(node.is_clean(&above.id()), Some(true));
    // A rival with two approvers outweighs `first` (weight 2 against 3).
    let rival = tx_message(&[root], spend(0, 3));
    let rival_approvers = [
        message(&[rival.id()], None),
        message(&[rival.id(), root], None),
    ];
    submit(&mut node, &rival);
    for m in &rival_approvers {
        submit(&mut node, m);
    }
    assert_eq!(node.preferred(&first.id()), Some(false));
    assert_eq!(node.is_clean(&above.id()), Some(false));
    assert_eq!(node.is_clean(&rival_approvers[0].id()), Some(true));
    // Two more approvers of `first`: it is heavier again (4 against 3).
    let more = [
        message(&[above.id()], None),
        message(&[above.id(), root], None),
    ];
    for m in &more {
        submit(&mut node, m);
        for id in [first.id(), above.id(), rival.id(), m.id()] {
            assert_eq!(node.is_clean(&id), node.is_clean_uncached(&id), "{id}");
        }
    }
    assert_eq!(node.preferred(&first.id()), Some(true));
    assert_eq!(node.is_clean(&above.id()), Some(true));
    assert_eq!(node.is_clean(&rival_approvers[0].id()), Some(false));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// On random DAGs of (often double-spending, sometimes forged) transfers under the weight
    /// rule, fed in creation order and shuffled with tip requests between arrivals: after every
    /// arrival, every kept tip verdict equals one computed afresh, and — under the weight rule's
    /// safety assumption (of two transactions spending one output, at most one reaches W;
    /// otherwise the confirmed ledger itself depends on the order) — the final verdicts are the
    /// same in both orders.
    #[test]
    fn kept_tip_verdicts_equal_fresh_ones_in_any_arrival_order(
        specs in specs(),
        weight in 2u64..8,
        seed in any::<u64>(),
    ) {
        let messages = build(&specs);
        let mut order: Vec<usize> = (0..messages.len()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut finals = Vec::new();
        for shuffle in [false, true] {
            if shuffle {
                for i in (1..order.len()).rev() {
                    let j = (rand_core::RngCore::next_u64(&mut rng) % (i as u64 + 1)) as usize;
                    order.swap(i, j);
                }
            }
            let mut node = weight_node(weight);
            for &i in &order {
                submit(&mut node, &messages[i]);
                let _ = node.tips(&mut Urts::new(), TipRequest::PAIR, &mut rng);
                for m in &messages {
                    prop_assert_eq!(node.is_clean(&m.id()), node.is_clean_uncached(&m.id()));
                }
            }
            let verdicts: BTreeMap<MessageId, Option<bool>> = messages
                .iter()
                .map(|m| (m.id(), node.is_clean(&m.id())))
                .collect();
            for m in &messages {
                prop_assert_eq!(node.is_clean(&m.id()), node.is_clean_uncached(&m.id()));
            }
            let tangle = node.tangle();
            let heavy = |m: &Message| {
                tangle
                    .handle(&m.id())
                    .and_then(|h| tangle.cumulative_weight(h))
                    .is_some_and(|w| w >= weight)
            };
            let mut heavy_spenders: BTreeMap<u16, usize> = BTreeMap::new();
            for (spec, m) in specs.iter().zip(&messages) {
                if let Some((input, _, _)) = spec.transfer && heavy(m) {
                    *heavy_spenders.entry(input).or_default() += 1;
                }
            }
            finals.push((verdicts, heavy_spenders.values().all(|&n| n <= 1)));
        }
        if finals[0].1 {
            prop_assert_eq!(&finals[0].0, &finals[1].0);
        }
    }
}

/// A heavier rival with a forged signature never makes a transaction non-preferred, whether its
/// signature batch has run yet or not: the answer must not depend on when batches run, which
/// depends on the arrival order.
#[test]
fn a_forged_rival_does_not_count_before_its_batch_either() {
    let mut node = weight_node(100);
    let root = MessageId::default();
    let honest = tx_message(&[root], spend(0, 2));
    let forged = tx_message(&[root], forge(&spend(0, 3)));
    let approvers = [
        message(&[forged.id()], None),
        message(&[forged.id(), root], None),
    ];
    for m in [&honest, &forged].into_iter().chain(&approvers) {
        submit(&mut node, m);
    }
    assert!(node.unverified() > 0, "the batch has not run");
    assert_eq!(node.preferred(&honest.id()), Some(true));
    assert_eq!(node.conflict(&honest.id()), None);
    assert_eq!(node.is_clean(&honest.id()), Some(true));
    node.flush();
    assert_eq!(
        node.metadata(&forged.id()).and_then(|m| m.signatures_valid),
        Some(false)
    );
    assert_eq!(node.preferred(&honest.id()), Some(true));
    assert_eq!(node.is_clean(&honest.id()), Some(true));
}
