//! Benchmarks of `tangle-crypto`'s hashing, signatures, addresses and Merkle root.
//!
//! `cargo bench -p tangle-benches --bench crypto`. The batch benchmarks report throughput in
//! signatures: criterion's "elem/s" inverted is the time per signature, to compare with
//! `ed25519/verify_single`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tangle_crypto::address::{Ed25519Address, Hrp, decode_bech32};
use tangle_crypto::ed25519::{
    BatchItem, BatchVerifier, PublicKey, Signature, SigningKey, verify, verify_batch,
};
use tangle_crypto::hash::blake2b_256;
use tangle_crypto::merkle::merkle_root;

const BATCH: usize = 256;

fn hashing(c: &mut Criterion) {
    let mut group = c.benchmark_group("blake2b_256");
    for len in [200usize, 660] {
        let data = vec![0xa5u8; len];
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(format!("{len}_bytes"), |b| {
            b.iter(|| blake2b_256(black_box(&data)))
        });
    }
    group.finish();
}

/// `n` distinct keys, each signing its own 32-byte message (as in a transaction's unlocks).
fn signed(n: usize) -> Vec<(PublicKey, [u8; 32], Signature)> {
    (0..n)
        .map(|i| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let key = SigningKey::from_bytes(&seed);
            let message = blake2b_256(&seed);
            (key.public_key(), message, key.sign(&message))
        })
        .collect()
}

fn signatures(c: &mut Criterion) {
    let items = signed(BATCH);
    let mut group = c.benchmark_group("ed25519");

    let (public_key, message, signature) = &items[0];
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_single", |b| {
        b.iter(|| {
            verify(
                black_box(public_key),
                black_box(message),
                black_box(signature),
            )
        })
    });

    let key = SigningKey::from_bytes(&[7; 32]);
    group.bench_function("sign", |b| b.iter(|| key.sign(black_box(message))));

    let borrowed: Vec<BatchItem<'_>> = items
        .iter()
        .map(|(pk, m, s)| BatchItem::new(pk, m, s))
        .collect();
    let mut rng = StdRng::seed_from_u64(1);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("verify_batch_256_all_valid", |b| {
        b.iter(|| {
            let outcome = verify_batch(black_box(&borrowed), &mut rng);
            assert!(outcome.is_all_valid());
            outcome
        })
    });

    // Queuing alone: decoding A and R, checking S and hashing the message, for 256 signatures.
    group.bench_function("batch_queue_256", |b| {
        b.iter(|| {
            let mut batch = BatchVerifier::with_capacity(BATCH);
            for item in &borrowed {
                batch.queue_item(black_box(item));
            }
            batch
        })
    });

    // One forged signature: the batch fails, bisection finds it.
    let mut forged = items.clone();
    forged[137].2 = forged[138].2;
    let borrowed_forged: Vec<BatchItem<'_>> = forged
        .iter()
        .map(|(pk, m, s)| BatchItem::new(pk, m, s))
        .collect();
    group.bench_function("verify_batch_256_one_invalid", |b| {
        b.iter(|| {
            let outcome = verify_batch(black_box(&borrowed_forged), &mut rng);
            assert_eq!(outcome.failed_indices(), vec![137]);
            outcome
        })
    });

    group.bench_function("verify_single_x256", |b| {
        b.iter(|| {
            items
                .iter()
                .filter(|(pk, m, s)| verify(pk, black_box(m), s).is_ok())
                .count()
        })
    });
    group.finish();
}

fn addresses(c: &mut Criterion) {
    let address = Ed25519Address::from_public_key(&signed(1)[0].0);
    let text = address.to_bech32(&Hrp::IOTA);
    let mut group = c.benchmark_group("bech32");
    group.bench_function("encode", |b| {
        b.iter(|| black_box(&address).to_bech32(&Hrp::IOTA))
    });
    group.bench_function("decode", |b| b.iter(|| decode_bech32(black_box(&text))));
    group.finish();
}

fn merkle(c: &mut Criterion) {
    let ids: Vec<[u8; 32]> = (0..1000u32)
        .map(|i| blake2b_256(&i.to_le_bytes()))
        .collect();
    let mut group = c.benchmark_group("merkle");
    group.throughput(Throughput::Elements(ids.len() as u64));
    group.bench_function("root_1000", |b| {
        b.iter_batched_ref(
            || ids.clone(),
            |ids| merkle_root(ids),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::{addresses, hashing, merkle, signatures};
    criterion::criterion_group!(benches, hashing, signatures, addresses, merkle);
}

criterion_main!(group::benches);
