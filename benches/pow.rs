//! Proof of work: PoW score, Curl-P-81 transform, mining throughput and time to score 4000.
//!
//! `cargo bench -p tangle-benches --bench pow`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_main};
use tangle_crypto::curl::{self, STATE_LENGTH, reference};
use tangle_crypto::pow::{self, Miner, NonceSearcher};
use tangle_crypto::ternary::Trit;

/// A deterministic pseudo-random message of `len` bytes (nonce included).
fn message(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The fastest of 200 blocks of 500 scores of `m`, per score: on a shared, noisy machine the
/// fastest block is close to the time of a quiet one, where a median is not.
fn fastest_score(m: &[u8]) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..200 {
        let start = std::time::Instant::now();
        for _ in 0..500 {
            black_box(pow::score(black_box(m)));
        }
        best = best.min(start.elapsed().as_secs_f64() / 500.0);
    }
    best
}

fn score(c: &mut Criterion) {
    for len in [110usize, 200, 660] {
        let m = message(len, len as u64);
        eprintln!(
            "pow_score/{len}B: fastest block {:.2} µs",
            fastest_score(&m) * 1e6
        );
    }
    let mut group = c.benchmark_group("pow_score");
    for len in [110usize, 200, 660] {
        let m = message(len, len as u64);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{len}B")),
            &m,
            |b, m| b.iter(|| pow::score(black_box(m))),
        );
    }
    group.finish();
}

fn transform(c: &mut Criterion) {
    let mut state = [Trit::Zero; STATE_LENGTH];
    for (i, t) in state.iter_mut().enumerate() {
        *t = Trit::ALL[(i * 7 + i / 3) % 3];
    }
    let mut group = c.benchmark_group("curl_p81_transform");
    group.bench_function("fast", |b| {
        b.iter(|| {
            let mut s = black_box(state);
            curl::transform(&mut s);
            s
        })
    });
    group.bench_function("reference", |b| {
        b.iter(|| {
            let mut s = black_box(state);
            reference::transform(&mut s);
            s
        })
    });
    let mut block = [Trit::Zero; curl::HASH_LENGTH];
    block.copy_from_slice(&state[..curl::HASH_LENGTH]);
    group.bench_function("hash_block", |b| {
        b.iter(|| curl::hash_block(black_box(&block)))
    });
    group.finish();
}

fn mining(c: &mut Criterion) {
    const BATCHES: u64 = 16;
    let m = message(200, 1);
    // The realistic target (score 4000 needs 13 trailing zeros at 200 bytes). Batches run in
    // full whether or not they hold a solution (one in ~25 000 does).
    let mut searcher = match NonceSearcher::new(&m, 4000.0) {
        Ok(s) => s,
        Err(e) => panic!("searcher: {e}"),
    };
    let mut group = c.benchmark_group("mining");
    group.throughput(Throughput::Elements(BATCHES * NonceSearcher::BATCH_SIZE));
    let mut next = 0u64;
    group.bench_function("trials_one_thread", |b| {
        b.iter(|| {
            for _ in 0..BATCHES {
                black_box(searcher.search_batch(next));
                next = next.wrapping_add(NonceSearcher::BATCH_SIZE);
            }
        })
    });
    group.finish();

    // Each iteration mines a different 200-byte message from nonce 0, so the samples follow the
    // (geometric) distribution of the search time; criterion's median is the median time.
    let mut group = c.benchmark_group("mining");
    group.sampling_mode(SamplingMode::Flat).sample_size(20);
    let miner = Miner::single_threaded();
    let mut seed = 1000u64;
    group.bench_function("score_4000_200B_one_thread", |b| {
        b.iter(|| {
            seed += 1;
            let m = message(200, seed);
            match miner.mine(&m, 4000.0) {
                Ok(nonce) => nonce,
                Err(e) => panic!("mining failed: {e}"),
            }
        })
    });
    group.finish();
}

/// The benchmark group, in a private module so that the function the macro generates needs no docs.
mod group {
    use super::{mining, score, transform};
    use criterion::Criterion;
    use std::time::Duration;

    criterion::criterion_group! {
        name = benches;
        config = Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        targets = score, transform, mining
    }
}

criterion_main!(group::benches);
