//! Benchmarks of `tangle-consensus`: end-to-end validation of signed value transactions through
//! the [`Node`] API (bytes → pipeline → solidity → batch signatures → milestone → white flag →
//! ledger), next to the batch Ed25519 verification rate measured in the same run, and one
//! milestone confirming 10,000 transactions (white flag + ledger).
//!
//! `cargo bench -p tangle-benches --bench consensus`. Every group reports throughput in
//! transactions (or signatures): criterion's "elem/s" is directly comparable across groups.
//! Fixtures (keys, signed transactions, packed messages, the milestone and its Merkle root) are
//! built once, outside the timed part; each timed iteration starts from a fresh node or ledger
//! made in criterion's untimed setup.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_main};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_chacha::ChaCha8Rng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{ConeView, Ledger, MilestoneRule, Node, NodeConfig};
use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::{BatchItem, PublicKey, Signature, SigningKey, verify_batch};
use tangle_crypto::hash::blake2b_256;
use tangle_graph::select::{TipRequest, Urts};
use tangle_model::{
    Address, IndexationPayload, Message, MessageBuilder, MessageId, MilestoneBuilder, Output,
    OutputId, Packable, Parents, Payload, TransactionBuilder, TransactionId, TransactionPayload,
};

const MI: u64 = 1_000_000;
/// Transactions per end-to-end iteration.
const END_TO_END: usize = 1_000;
/// Transactions confirmed by the big milestone.
const MILESTONE: usize = 10_000;
/// Signatures per reference batch.
const BATCH: usize = 256;

fn key(i: usize, domain: u8) -> SigningKey {
    let mut seed = [domain; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    SigningKey::from_bytes(&seed)
}

/// `n` signatures by distinct keys over distinct messages: the batch-verification reference.
fn reference_signatures(n: usize) -> Vec<(PublicKey, [u8; 32], Signature)> {
    (0..n)
        .map(|i| {
            let key = key(i, 3);
            let message = blake2b_256(&(i as u64).to_le_bytes());
            (key.public_key(), message, key.sign(&message))
        })
        .collect()
}

fn address_of(key: &SigningKey) -> Address {
    Address::Ed25519(Ed25519Address::from_public_key(&key.public_key()))
}

/// Genesis output `i`: 1 Mi, owned by key `i`, in its own genesis transaction.
fn genesis_id(i: usize) -> OutputId {
    let mut bytes = [0xee; 32];
    bytes[..8].copy_from_slice(&(i as u64).to_le_bytes());
    OutputId::new(TransactionId::new(bytes), 0).expect("index 0")
}

fn genesis_ledger(n: usize) -> Ledger {
    Ledger::from_outputs(
        0,
        (0..n).map(|i| {
            (
                genesis_id(i),
                Output::single(address_of(&key(i, 1)), MI).expect("amount"),
            )
        }),
    )
    .expect("genesis")
}

fn coordinator() -> [SigningKey; 2] {
    [key(0, 100), key(1, 100)]
}

/// A chain of `n` messages, each carrying a transfer of genesis output `i` (signed by its own key)
/// to one receiver, each message approving the previous one (the first approves the genesis).
fn transactions(n: usize) -> Vec<Message> {
    let receiver = address_of(&key(0, 2));
    let mut messages: Vec<Message> = Vec::with_capacity(n);
    for i in 0..n {
        let tx = TransactionBuilder::new()
            .input(genesis_id(i), &key(i, 1))
            .output(Output::single(receiver, MI).expect("amount"))
            .finish()
            .expect("transaction");
        let parent = messages.last().map_or(MessageId::default(), Message::id);
        let message = MessageBuilder::new()
            .network_id(1)
            .parents([parent])
            .payload(Payload::from(tx))
            .finish()
            .expect("message");
        messages.push(message);
    }
    messages
}

/// The messages of a cone, for white flag outside a node.
struct Cone {
    messages: HashMap<MessageId, (Vec<MessageId>, Option<TransactionPayload>)>,
    preverified: bool,
}

impl Cone {
    fn new(messages: &[Message], preverified: bool) -> Self {
        let messages = messages
            .iter()
            .map(|m| {
                let tx = m.payload().and_then(Payload::as_transaction).cloned();
                (m.id(), (m.parents().as_slice().to_vec(), tx))
            })
            .collect();
        Self {
            messages,
            preverified,
        }
    }
}

impl ConeView for Cone {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.messages.get(id).map(|(parents, _)| parents.as_slice())
    }

    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.messages.get(id).and_then(|(_, tx)| tx.as_ref())
    }

    fn is_referenced(&self, id: &MessageId) -> bool {
        *id == MessageId::default()
    }

    fn signatures_verified(&self, _id: &MessageId) -> Option<bool> {
        self.preverified.then_some(true)
    }
}

/// Milestone 1 confirming the whole chain, with the Merkle root white flag computes.
fn milestone(messages: &[Message], ledger: &Ledger) -> Message {
    let tip = messages.last().expect("messages").id();
    let cone = Cone::new(messages, false);
    let mut scratch = ledger.clone();
    let outcome = apply_cone(&mut scratch, &cone, &[tip], 1).expect("white flag");
    assert_eq!(outcome.applied.len(), messages.len());
    let parents = Parents::from_unsorted([tip]).expect("parents");
    let payload = MilestoneBuilder::new(1, 1_700_000_000, parents)
        .merkle_root(outcome.merkle_root)
        .sign(&coordinator())
        .expect("milestone");
    MessageBuilder::new()
        .network_id(1)
        .parents([tip])
        .payload(Payload::from(payload))
        .finish()
        .expect("milestone message")
}

fn node(ledger: Ledger) -> Node<MilestoneRule, ChaCha8Rng> {
    node_batching(ledger, NodeConfig::default().signature_batch)
}

/// A node verifying signatures in batches of `batch` transactions.
fn node_batching(ledger: Ledger, batch: usize) -> Node<MilestoneRule, ChaCha8Rng> {
    let keys = coordinator();
    let rule = MilestoneRule::new(keys.iter().map(SigningKey::public_key), 2);
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        signature_batch: batch,
        ..NodeConfig::default()
    };
    Node::new(config, rule, ledger, ChaCha8Rng::seed_from_u64(9)).expect("node")
}

/// Bytes → applied in the ledger, per transaction, beside batch verification per signature.
fn end_to_end(c: &mut Criterion) {
    let ledger = genesis_ledger(END_TO_END);
    let messages = transactions(END_TO_END);
    let milestone = milestone(&messages, &ledger);
    let mut bytes: Vec<Vec<u8>> = messages.iter().map(Packable::pack).collect();
    bytes.push(milestone.pack());

    let mut group = c.benchmark_group("consensus");
    group.throughput(Throughput::Elements(END_TO_END as u64));
    // In arrival order: each transaction solidifies on its own; signatures are verified in
    // batches of `NodeConfig::default().signature_batch` (256) and at the milestone.
    group.bench_function("end_to_end_1000_tx_in_order", |b| {
        b.iter_batched(
            || node(ledger.clone()),
            |mut node| {
                for message in &bytes {
                    node.submit(black_box(message)).expect("accepted");
                }
                assert_eq!(node.ledger().index(), 1);
                node
            },
            BatchSize::PerIteration,
        )
    });
    // In arrival order, one batch at the milestone (signature_batch ≥ 1,000).
    group.bench_function("end_to_end_1000_tx_in_order_batch_1000", |b| {
        b.iter_batched(
            || node_batching(ledger.clone(), END_TO_END),
            |mut node| {
                for message in &bytes {
                    node.submit(black_box(message)).expect("accepted");
                }
                assert_eq!(node.ledger().index(), 1);
                node
            },
            BatchSize::PerIteration,
        )
    });
    // Reverse arrival: every transaction waits for its parent and the whole chain solidifies
    // (and is verified in one batch) when the first arrives.
    let mut reversed = bytes[..END_TO_END].to_vec();
    reversed.reverse();
    reversed.push(bytes[END_TO_END].clone());
    group.bench_function("end_to_end_1000_tx_one_burst", |b| {
        b.iter_batched(
            || node(ledger.clone()),
            |mut node| {
                for message in &reversed {
                    node.submit(black_box(message)).expect("accepted");
                }
                assert_eq!(node.ledger().index(), 1);
                node
            },
            BatchSize::PerIteration,
        )
    });

    // The reference: single-core batch verification, distinct keys, per signature.
    let items = reference_signatures(BATCH);
    let borrowed: Vec<BatchItem<'_>> = items
        .iter()
        .map(|(pk, m, s)| BatchItem::new(pk, m, s))
        .collect();
    let mut rng = StdRng::seed_from_u64(1);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("ed25519_verify_batch_256", |b| {
        b.iter(|| {
            let outcome = verify_batch(black_box(&borrowed), &mut rng);
            assert!(outcome.is_all_valid());
            outcome
        })
    });
    group.finish();
}

/// One milestone confirming 10,000 transactions: white flag (walk, ordering, Merkle root) and
/// the ledger, on a fresh clone of the genesis ledger each iteration.
fn big_milestone(c: &mut Criterion) {
    let ledger = genesis_ledger(MILESTONE);
    let messages = transactions(MILESTONE);
    let tip = messages.last().expect("messages").id();

    let mut group = c.benchmark_group("consensus");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(Throughput::Elements(MILESTONE as u64));
    // As in a node: signatures were batch-verified when the messages became solid.
    let preverified = Cone::new(&messages, true);
    group.bench_function("milestone_10000_tx_preverified", |b| {
        b.iter_batched(
            || ledger.clone(),
            |mut ledger| {
                let outcome = apply_cone(&mut ledger, &preverified, &[tip], 1).expect("step");
                assert_eq!(outcome.applied.len(), MILESTONE);
                (ledger, outcome)
            },
            BatchSize::PerIteration,
        )
    });
    // Worst case: the ledger verifies every signature itself, one by one.
    let unverified = Cone::new(&messages, false);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("milestone_10000_tx_verifying", |b| {
        b.iter_batched(
            || ledger.clone(),
            |mut ledger| {
                let outcome = apply_cone(&mut ledger, &unverified, &[tip], 1).expect("step");
                assert_eq!(outcome.applied.len(), MILESTONE);
                (ledger, outcome)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Tip requests over 1,000 unconfirmed signed transfers (a chain, so every tip's unconfirmed cone
/// holds all of them): repeated requests with no arrival in between, and requests each followed
/// by an arrival (a data message approving the tips returned), so that every request sees a new
/// tip.
fn tips(c: &mut Criterion) {
    let ledger = genesis_ledger(END_TO_END);
    let messages = transactions(END_TO_END);
    let mut node = node(ledger);
    for message in &messages {
        node.submit(&message.pack()).expect("accepted");
    }
    node.flush();
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut group = c.benchmark_group("consensus");
    group.bench_function("tips_over_1000_unconfirmed_tx", |b| {
        b.iter(|| {
            node.tips(&mut Urts, TipRequest::PAIR, &mut rng)
                .expect("tips")
        })
    });
    let mut counter = 0u64;
    group.bench_function("arrival_then_tips_over_1000_unconfirmed_tx", |b| {
        b.iter(|| {
            counter += 1;
            let tip = node
                .tips(&mut Urts, TipRequest::PAIR, &mut rng)
                .expect("tips");
            let data = IndexationPayload::new(b"bench".to_vec(), counter.to_le_bytes().to_vec())
                .expect("payload");
            let message = MessageBuilder::new()
                .network_id(1)
                .parents(tip)
                .payload(Payload::from(data))
                .finish()
                .expect("message");
            node.submit(black_box(&message.pack())).expect("accepted");
        })
    });
    group.finish();
}

/// The target is a ratio of two rates on a noisy machine: measure both alternately,
/// round after round, so that load from other processes hits both alike, and print the medians
/// and their ratio (`cargo bench -p tangle-benches --bench consensus -- interleaved`).
fn interleaved() {
    const ROUNDS: usize = 21;
    let ledger = genesis_ledger(END_TO_END);
    let messages = transactions(END_TO_END);
    let milestone = milestone(&messages, &ledger);
    let mut bytes: Vec<Vec<u8>> = messages.iter().map(Packable::pack).collect();
    bytes.push(milestone.pack());
    let items = reference_signatures(END_TO_END);
    let borrowed: Vec<BatchItem<'_>> = items
        .iter()
        .map(|(pk, m, s)| BatchItem::new(pk, m, s))
        .collect();
    let mut rng = StdRng::seed_from_u64(2);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (mut in_order, mut batch256) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut node = node(ledger.clone());
        let start = std::time::Instant::now();
        for message in &bytes {
            node.submit(black_box(message)).expect("accepted");
        }
        in_order.push(start.elapsed().as_secs_f64() / END_TO_END as f64);
        assert_eq!(node.ledger().index(), 1);
        drop(node);
        let start = std::time::Instant::now();
        for chunk in borrowed.chunks(BATCH) {
            assert!(verify_batch(black_box(chunk), &mut rng).is_all_valid());
        }
        batch256.push(start.elapsed().as_secs_f64() / END_TO_END as f64);
    }
    let (e2e, reference) = (median(in_order), median(batch256));
    println!(
        "consensus/interleaved ({ROUNDS} rounds): end to end in arrival order {:.1} µs/tx, \
         batch-256 verification {:.1} µs/signature, ratio {:.0} %",
        e2e * 1e6,
        reference * 1e6,
        100.0 * reference / e2e
    );
}

fn benches() {
    if std::env::args().any(|arg| arg == "interleaved") {
        interleaved();
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    end_to_end(&mut criterion);
    big_milestone(&mut criterion);
    tips(&mut criterion);
}

criterion_main!(benches);
