//! Benchmarks of authenticated data streams (`tangle_wallet::stream`).
//!
//! `cargo bench -p tangle-benches --bench streams`. The target is sealing plus
//! opening a 256-byte packet in ≤ 20 µs; `ed25519/sign_32` and `ed25519/verify_32` in the same
//! run show how much of that the one signature and its verification take, and
//! `xchacha20poly1305/seal_open_256` the symmetric part. `streams_batch/*` measure the
//! batch-signed mode (one signature per batch of 16 or 64 packets), per batch, with the
//! throughput in packets.

use std::hint::black_box;

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use tangle_crypto::ed25519::SigningKey;
use tangle_wallet::stream::{Author, ChannelKey, Packet, Reader};

const PAYLOAD: [u8; 256] = [0x5a; 256];

fn pair(encrypted: bool) -> (Author, Reader, ChaCha20Rng) {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let key = ChannelKey::generate(&mut rng);
    let mut author = Author::named(SigningKey::from_bytes(&[7; 32]), b"bench");
    let mut reader = Reader::new(author.public_key(), author.channel());
    if encrypted {
        author = author.with_channel_key(key.clone());
        reader = reader.with_channel_key(key);
    }
    (author, reader, rng)
}

fn seal_and_open(c: &mut Criterion) {
    let mut group = c.benchmark_group("streams");
    for (name, encrypted) in [("encrypted", true), ("public", false)] {
        let (mut author, mut reader, mut rng) = pair(encrypted);
        group.bench_function(format!("seal_open_256_{name}"), |b| {
            b.iter(|| {
                let packet = author.publish(black_box(&PAYLOAD), &mut rng).expect("seal");
                reader.open(packet.as_bytes()).expect("open")
            })
        });
    }

    let (mut author, _, mut rng) = pair(true);
    group.bench_function("seal_256_encrypted", |b| {
        b.iter(|| author.publish(black_box(&PAYLOAD), &mut rng).expect("seal"))
    });

    let (mut author, reader, mut rng) = pair(true);
    let first = author.publish(&PAYLOAD, &mut rng).expect("seal");
    group.bench_function("open_256_encrypted", |b| {
        b.iter_batched(
            || reader.clone(),
            |mut reader| reader.open(black_box(first.as_bytes())).expect("open"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("decode_256_encrypted", |b| {
        b.iter(|| Packet::decode(black_box(first.as_bytes())).expect("decode"))
    });
    group.finish();

    // Batch-signed packets (format version 2): seal a batch of `k` with one signature, then a
    // fresh reader opens all `k` (one verification, then cached root + hash path). Criterion's
    // throughput is `k` elements, so its "thrpt" line is packets per second; the time line
    // is per batch: divide by `k` for the per-packet cost.
    let mut group = c.benchmark_group("streams_batch");
    for k in [16usize, 64] {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let key = ChannelKey::generate(&mut rng);
        let mut author =
            Author::named(SigningKey::from_bytes(&[7; 32]), b"bench").with_channel_key(key.clone());
        let payloads = vec![PAYLOAD; k];
        group.throughput(Throughput::Elements(k as u64));
        group.bench_function(format!("seal_open_256_encrypted_batch_{k}"), |b| {
            b.iter(|| {
                let packets = author
                    .publish_batch(black_box(&payloads), &mut rng)
                    .expect("seal");
                // A reader positioned at this batch: fresh, so no root cached from before.
                let mut reader = Reader::resume(
                    author.public_key(),
                    author.channel(),
                    packets[0].sequence(),
                    packets[0].previous(),
                )
                .with_channel_key(key.clone());
                for packet in &packets {
                    reader.open(packet.as_bytes()).expect("open");
                }
                packets
            })
        });
    }
    group.finish();

    // The symmetric part alone: XChaCha20-Poly1305 seal + open of 256 bytes.
    let cipher = XChaCha20Poly1305::new(&[9u8; 32].into());
    let nonce = XNonce::from([3u8; 24]);
    c.bench_function("xchacha20poly1305/seal_open_256", |b| {
        b.iter(|| {
            let mut buffer = PAYLOAD.to_vec();
            let tag = cipher
                .encrypt_in_place_detached(&nonce, b"header", &mut buffer)
                .expect("seal");
            cipher
                .decrypt_in_place_detached(&nonce, b"header", &mut buffer, &tag)
                .expect("open");
            buffer
        })
    });

    let key = SigningKey::from_bytes(&[7; 32]);
    let public = key.public_key();
    let message = [0x11u8; 32];
    let signature = key.sign(&message);
    let mut group = c.benchmark_group("ed25519");
    group.bench_function("sign_32", |b| b.iter(|| key.sign(black_box(&message))));
    group.bench_function("verify_32", |b| {
        b.iter(|| public.verify(black_box(&message), &signature))
    });
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::seal_and_open;
    criterion::criterion_group!(benches, seal_and_open);
}
criterion_main!(group::benches);
