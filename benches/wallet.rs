//! Benchmarks of `tangle-wallet`: address derivation (SLIP-10 from the master key down the whole
//! BIP-44 path, then the Ed25519 public key and the address) and building + signing a one-input
//! transfer without proof of work (input selection, key derivation, signing, the message).
//!
//! `cargo bench -p tangle-benches --bench wallet`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use tangle_consensus::Ledger;
use tangle_crypto::address::Ed25519Address;
use tangle_model::{Address, MessageBuilder, MessageId, Output, OutputId, Packable, TransactionId};
use tangle_wallet::slip10::{DerivationPath, ExtendedKey};
use tangle_wallet::{Account, Chain, DefaultInputSelection, Mnemonic, Network, Transfer};

const PHRASE: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

fn derivation(c: &mut Criterion) {
    let seed = Mnemonic::parse(PHRASE).expect("phrase").to_seed("");
    let master = ExtendedKey::master(seed.as_bytes());
    let network = Network::mainnet();
    let account = Account::from_seed(&seed, &network, 0).expect("account");

    let mut group = c.benchmark_group("wallet/derive");
    group.throughput(Throughput::Elements(1));
    let mut index = 0u32;
    group.bench_function("full path m/44'/4218'/0'/0'/i' + address", |b| {
        b.iter(|| {
            index = (index + 1) % 1_000_000;
            let path = DerivationPath::bip44(4218, 0, 0, index).expect("path");
            let key = master.derive(&path).expect("derive").signing_key();
            black_box(Ed25519Address::from_public_key(&key.public_key()))
        });
    });
    group.bench_function("from the cached chain key + address", |b| {
        b.iter(|| {
            index = (index + 1) % 1_000_000;
            black_box(account.address(Chain::Public, index).expect("address"))
        });
    });
    // Reference measured in the same run: one Ed25519 signature (a base-point multiplication,
    // as in each derivation of a public key), to compare against the quieter runs elsewhere.
    let key = account.signing_key(Chain::Public, 0).expect("key");
    group.bench_function("reference: Ed25519 sign", |b| {
        b.iter(|| black_box(key.sign(black_box(&[5u8; 32]))));
    });
    group.bench_function("mnemonic to seed (PBKDF2, 2048 rounds)", |b| {
        let mnemonic = Mnemonic::parse(PHRASE).expect("phrase");
        b.iter(|| black_box(mnemonic.to_seed("")));
    });
    group.finish();
}

fn transfer(c: &mut Criterion) {
    let network = Network::mainnet();
    let mnemonic = Mnemonic::parse(PHRASE).expect("phrase");
    let mut account = Account::from_mnemonic(&mnemonic, "", &network, 0).expect("account");
    let owner = account.next_address(Chain::Public).expect("address");
    let genesis = OutputId::new(TransactionId::new([1; 32]), 0).expect("id");
    let ledger = Ledger::from_outputs(
        0,
        [(
            genesis,
            Output::single(owner.address, 10_000_000).expect("output"),
        )],
    )
    .expect("ledger");
    let to = Address::Ed25519(Ed25519Address::new([7; 32]));
    let payment = Transfer::new().pay(to, 4_000_000);
    let parents = [MessageId::new([3; 32]), MessageId::new([4; 32])];
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut selection = DefaultInputSelection::default();

    // Warm up once so that the owner's key is kept, as after a first transfer; each timed
    // iteration then starts from a copy of that account (made outside the timing), so the
    // fresh remainder address is derived every time, as in real use.
    let warm = account
        .prepare(&ledger, &payment, &mut selection, &mut rng)
        .expect("prepare");
    account.release(&warm.inputs);

    let mut group = c.benchmark_group("wallet/transfer");
    group.throughput(Throughput::Elements(1));
    group.bench_function("build + sign one input, remainder, message (no PoW)", |b| {
        b.iter_batched(
            || account.clone(),
            |mut account| {
                let prepared = account
                    .prepare(&ledger, &payment, &mut selection, &mut rng)
                    .expect("prepare");
                let message = MessageBuilder::new()
                    .network_id(network.network_id)
                    .parents(parents)
                    .payload(prepared.transaction)
                    .nonce(0)
                    .finish()
                    .expect("message");
                (black_box(message.pack()), account)
            },
            BatchSize::SmallInput,
        );
    });
    let exact = Transfer::new().pay(to, 10_000_000);
    group.bench_function(
        "build + sign one input, no remainder, message (no PoW)",
        |b| {
            b.iter(|| {
                let prepared = account
                    .prepare(&ledger, &exact, &mut selection, &mut rng)
                    .expect("prepare");
                account.release(&prepared.inputs);
                let message = MessageBuilder::new()
                    .network_id(network.network_id)
                    .parents(parents)
                    .payload(prepared.transaction)
                    .nonce(0)
                    .finish()
                    .expect("message");
                black_box(message.pack())
            });
        },
    );
    group.finish();
}

fn benches() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    derivation(&mut criterion);
    transfer(&mut criterion);
}

criterion_main!(benches);
