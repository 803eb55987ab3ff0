//! tangle-model: decoding with full validation and message id, compared with BLAKE2b-256 alone over
//! the same bytes; packing; building and signing a transaction.

use std::hint::black_box;
use std::time::Instant;

use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::SigningKey;
use tangle_crypto::hash::blake2b_256;
use tangle_model::{
    Address, IndexationPayload, Message, MessageBuilder, MessageId, MilestoneBuilder, Output,
    OutputId, Packable, Parents, TransactionBuilder, TransactionId,
};

/// The 110-byte indexation message of the TIP-6 specification: 2 parents, index "IOTA", data
/// "hello world".
fn tip6_message() -> Vec<u8> {
    hex::decode(
        "000000000000000002210fc7bb818639ac48a4c6afa2f1581a8b9525e20fda68927f2b2ff836f73578db0fa5\
         4c29f7fd928d92ca43f193dee47f591549f597a811c8fa67ab031ebd9c19000000020000000400494f54410b\
         00000068656c6c6f20776f726c64ce6d000000000000",
    )
    .expect("hex")
}

/// A 660-byte milestone message: 6 parents, 2 keys and signatures, no receipt.
fn milestone_message() -> Vec<u8> {
    let ids: Vec<MessageId> = (1..=6u8).map(|i| MessageId::new([i * 17; 32])).collect();
    let parents = Parents::from_unsorted(ids).expect("valid parents");
    let keys = [
        SigningKey::from_bytes(&[1; 32]),
        SigningKey::from_bytes(&[2; 32]),
    ];
    let milestone = MilestoneBuilder::new(1_000_000, 1_625_000_000, parents)
        .merkle_root([0x42; 32])
        .sign(&keys)
        .expect("valid milestone");
    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .payload(milestone)
        .nonce(123_456_789)
        .finish()
        .expect("valid message");
    message.pack()
}

/// A 200-byte indexation message: 2 parents, 4-byte index, 101 bytes of data.
fn indexation_message() -> Vec<u8> {
    let payload = IndexationPayload::new(b"IOTA".to_vec(), vec![0x61; 101]).expect("valid payload");
    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .parents([MessageId::new([3; 32]), MessageId::new([7; 32])])
        .payload(payload)
        .nonce(42)
        .finish()
        .expect("valid message");
    message.pack()
}

fn decode_group(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("blake2b_256", |b| b.iter(|| blake2b_256(black_box(bytes))));
    // The decoded message is dropped inside the timed routine, where it was decoded: only its id
    // leaves, so that moving a large return value around in criterion is not counted as decoding.
    group.bench_function("unpack_with_id", |b| {
        b.iter(|| match &Message::unpack_with_id(black_box(bytes)) {
            Ok((message, id)) => {
                black_box(message);
                *id
            }
            Err(error) => panic!("valid message rejected: {error}"),
        })
    });
    group.bench_function("unpack_without_id", |b| {
        b.iter(|| match &Message::unpack(black_box(bytes)) {
            Ok(message) => black_box(message).nonce(),
            Err(error) => panic!("valid message rejected: {error}"),
        })
    });
    let message = Message::unpack(bytes).expect("valid");
    group.bench_function("pack", |b| b.iter(|| black_box(&message).pack()));
    group.finish();
}

/// Time per call of `f`, the fastest of `blocks` blocks of `per_block` calls.
fn fastest_block(per_block: u32, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..per_block {
        f();
    }
    start.elapsed().as_secs_f64() / f64::from(per_block)
}

/// Decode+validate+id time over BLAKE2b-256 time, from interleaved blocks, each side keeping its
/// fastest block: on a busy machine this ratio is steadier than two criterion medians
/// measured seconds apart.
fn interleaved_ratio(name: &str, bytes: &[u8]) {
    let (mut hash_best, mut decode_best) = (f64::MAX, f64::MAX);
    for _ in 0..200 {
        hash_best = hash_best.min(fastest_block(500, &mut || {
            black_box(blake2b_256(black_box(bytes)));
        }));
        decode_best = decode_best.min(fastest_block(500, &mut || {
            if let Ok((message, id)) = &Message::unpack_with_id(black_box(bytes)) {
                black_box((message, id));
            }
        }));
    }
    eprintln!(
        "{name}: interleaved fastest blocks: blake2b_256 {:.0} ns, unpack_with_id {:.0} ns, ratio {:.2}",
        hash_best * 1e9,
        decode_best * 1e9,
        decode_best / hash_best
    );
}

fn codec(c: &mut Criterion) {
    let tip6 = tip6_message();
    assert_eq!(tip6.len(), 110);
    interleaved_ratio("model/tip6_110", &tip6);
    decode_group(c, "model/tip6_110", &tip6);
    let milestone = milestone_message();
    assert_eq!(milestone.len(), 660);
    interleaved_ratio("model/milestone_660", &milestone);
    decode_group(c, "model/milestone_660", &milestone);
    let indexation = indexation_message();
    assert_eq!(indexation.len(), 200);
    interleaved_ratio("model/indexation_200", &indexation);
    decode_group(c, "model/indexation_200", &indexation);
}

fn transaction(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[9; 32]);
    let to = Address::Ed25519(Ed25519Address::new([5; 32]));
    let input = OutputId::new(TransactionId::new([1; 32]), 0).expect("valid");
    c.bench_function("model/transaction/build_and_sign_1_input", |b| {
        b.iter_batched(
            || Output::single(to, 1_000_000).expect("valid"),
            |output| {
                TransactionBuilder::new()
                    .input(input, &key)
                    .output(output)
                    .finish()
                    .expect("valid")
            },
            BatchSize::SmallInput,
        )
    });
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::{codec, transaction};
    criterion::criterion_group!(benches, codec, transaction);
}

criterion_main!(group::benches);
