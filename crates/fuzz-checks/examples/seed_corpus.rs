//! Writes the structured seed inputs of the fuzz corpora: valid transaction, milestone (with a
//! receipt) and indexation messages made with the builders, and stream packets, so that fuzzing starts from deep inside
//! the decoders instead of at their first length check.
//!
//! `cargo run -p tangle-fuzz-checks --example seed_corpus` (rewrites the `seed-*` files only).

use std::fs;
use std::path::Path;

use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::SigningKey;
use tangle_model::{
    Address, IndexationPayload, MessageBuilder, MessageId, MigratedFundsEntry, MilestoneBuilder,
    MilestoneId, Output, OutputId, Packable, Parents, ReceiptPayload, TailTransactionHash,
    TransactionBuilder, TransactionId, TreasuryTransactionPayload,
};

type Error = Box<dyn std::error::Error>;

fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

fn address(key: &SigningKey) -> Address {
    Address::Ed25519(Ed25519Address::from_public_key(&key.public_key()))
}

fn write(target: &str, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    fs::create_dir_all(&dir)?;
    fs::write(dir.join(format!("seed-{name}")), bytes)?;
    Ok(())
}

fn main() -> Result<(), Error> {
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let transaction = TransactionBuilder::new()
        .input(OutputId::new(TransactionId::new([0xaa; 32]), 3)?, &alice)
        .input(OutputId::new(TransactionId::new([0x11; 32]), 0)?, &bob)
        .input(OutputId::new(TransactionId::new([0xaa; 32]), 1)?, &alice)
        .output(Output::single(address(&carol), 5_000_000)?)
        .output(Output::single(address(&alice), 1_500_000)?)
        .output(Output::dust_allowance(address(&carol), 1_000_000)?)
        .indexation(IndexationPayload::new(
            b"charging".to_vec(),
            b"kWh 12.5".to_vec(),
        )?)
        .finish()?;
    write(
        "transaction_payload_decode",
        "three-inputs-reference-unlock",
        &transaction.pack(),
    )?;
    let simple = TransactionBuilder::new()
        .input(OutputId::new(TransactionId::new([7; 32]), 0)?, &bob)
        .output(Output::single(address(&alice), 1_000_000)?)
        .finish()?;
    write("transaction_payload_decode", "one-input", &simple.pack())?;

    let parents = [MessageId::new([0x10; 32]), MessageId::new([0x20; 32])];
    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .parents(parents)
        .payload(transaction)
        .nonce(42)
        .finish()?;
    write("message_decode", "transaction", &message.pack())?;

    let receipt = ReceiptPayload::new(
        1_000,
        true,
        vec![MigratedFundsEntry::new(
            TailTransactionHash([9; 49]),
            address(&bob),
            2_000_000,
        )?],
        TreasuryTransactionPayload::new(MilestoneId::new([5; 32]), 10_000_000)?,
    )?;
    let milestone = MilestoneBuilder::new(1_001, 1_650_000_000, Parents::new(&parents)?)
        .merkle_root([3; 32])
        .receipt(receipt)
        .sign(&[key(11), key(12), key(13)])?;
    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .parents(parents)
        .payload(milestone)
        .nonce(7)
        .finish()?;
    write("message_decode", "milestone-with-receipt", &message.pack())?;

    let message = MessageBuilder::for_network("testnet7")
        .parent(MessageId::new([1; 32]))
        .payload(IndexationPayload::new(
            b"sensor/42".to_vec(),
            vec![0x5a; 64],
        )?)
        .nonce(1)
        .finish()?;
    write("message_decode", "indexation", &message.pack())?;
    stream_seeds()?;
    Ok(())
}

/// Stream packets: public and encrypted, first and later in a channel, empty and longer
/// payloads, individually signed (version 1) and batch-signed (version 2).
fn stream_seeds() -> Result<(), Error> {
    use rand_chacha::ChaCha20Rng;
    use rand_chacha::rand_core::SeedableRng;
    use tangle_wallet::stream::{Author, ChannelKey};

    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let mut public = Author::named(key(4), b"public-meter");
    write(
        "stream_packet_decode",
        "public-first",
        public.publish_public(b"")?.as_bytes(),
    )?;
    write(
        "stream_packet_decode",
        "public-second",
        public.publish_public(b"20.5 C")?.as_bytes(),
    )?;
    let mut private =
        Author::named(key(5), b"private-meter").with_channel_key(ChannelKey::generate(&mut rng));
    let first = private.publish(b"kWh 0.000", &mut rng)?;
    write("stream_packet_decode", "encrypted-first", first.as_bytes())?;
    let second = private.publish(&[0x5a; 256], &mut rng)?;
    write("stream_packet_decode", "encrypted-256", second.as_bytes())?;

    // Version 2 (batch-signed): a public batch of 3 (proofs of 2 and 1 hashes) and an
    // encrypted batch of 5, with their own author and RNG so the seeds above stay unchanged.
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let mut batch = Author::named(key(6), b"batch-meter");
    let public = batch.publish_public_batch(&[b"1.0".as_slice(), b"1.1", b"1.2"])?;
    write(
        "stream_packet_decode",
        "v2-public-first",
        public[0].as_bytes(),
    )?;
    write(
        "stream_packet_decode",
        "v2-public-last",
        public[2].as_bytes(),
    )?;
    let mut batch = batch.with_channel_key(ChannelKey::generate(&mut rng));
    let readings: Vec<Vec<u8>> = (0..5).map(|i| vec![i; 32]).collect();
    let encrypted = batch.publish_batch(&readings, &mut rng)?;
    write(
        "stream_packet_decode",
        "v2-encrypted-4-of-5",
        encrypted[4].as_bytes(),
    )?;
    Ok(())
}
