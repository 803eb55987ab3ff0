//! Wallet basics on an in-process Tangle: mnemonic → addresses → a node whose genesis funds the
//! wallet, confirmed by an in-process coordinator → a transfer → confirmation → balances.
//!
//! Run with `cargo run -p tangle-wallet --example wallet_basics`.

use std::error::Error;

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::{Ledger, LedgerView, Node, NodeConfig};
use tangle_crypto::ed25519::SigningKey;
use tangle_graph::select::Urts;
use tangle_model::{Output, OutputId, TransactionId};
use tangle_wallet::{
    Account, Chain, Coordinator, DEFAULT_GAP_LIMIT, DefaultInputSelection, Mnemonic, Network,
    Transfer, WordCount,
};

const MI: u64 = 1_000_000;

fn main() -> Result<(), Box<dyn Error>> {
    // A seeded RNG keeps the run reproducible; a real wallet uses the OS RNG.
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    // A private network with a small PoW target, so that the example runs in a moment.
    let network = Network::custom("wallet-basics", "tst", 100.0)?;

    // 1. Keys and addresses.
    let mnemonic = Mnemonic::generate(&mut rng, WordCount::Words24);
    println!(
        "mnemonic: {} words (never print it in a real wallet)",
        mnemonic.word_count()
    );
    let mut alice = Account::from_mnemonic(&mnemonic, "", &network, 0)?;
    let alice_receive = alice.next_address(Chain::Public)?;
    println!(
        "alice receives on {} ({})",
        alice.bech32(&alice_receive),
        alice.path(Chain::Public, 0)?
    );
    let mut bob = Account::from_mnemonic(
        &Mnemonic::generate(&mut rng, WordCount::Words12),
        "",
        &network,
        0,
    )?;
    let bob_receive = bob.next_address(Chain::Public)?;
    println!("bob receives on   {}", bob.bech32(&bob_receive));

    // 2. A node whose genesis gives Alice 100 Mi, confirmed by milestones.
    let mut coordinator = Coordinator::new(vec![SigningKey::generate(&mut rng)], 1_700_000_000);
    let genesis = OutputId::new(TransactionId::new([0; 32]), 0)?;
    let ledger = Ledger::from_outputs(
        0,
        [(genesis, Output::single(alice_receive.address, 100 * MI)?)],
    )?;
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(network.network_id),
            min_pow_score: network.min_pow_score,
        },
        ..NodeConfig::default()
    };
    let mut node = Node::new(
        config,
        coordinator.rule(),
        ledger,
        ChaCha20Rng::seed_from_u64(1),
    )?;

    // 3. Discover funds and read the balance.
    let found = alice.discover(&node, DEFAULT_GAP_LIMIT)?;
    println!(
        "discovery: {} used address(es) among {} scanned",
        found.used.len(),
        found.scanned
    );
    println!("alice balance: {} i", alice.balance(&node).total);

    // 4. Pay Bob 42 Mi: input selection, remainder, signature, tips, PoW, submission.
    let transfer = Transfer::new().pay(bob_receive.address, 42 * MI);
    let (prepared, sent) = alice.send(
        &mut node,
        &network,
        &transfer,
        &mut DefaultInputSelection::default(),
        &mut Urts::new(),
        &mut rng,
    )?;
    println!(
        "sent transaction {} in message {} ({} input(s), remainder {:?} i)",
        prepared.transaction_id(),
        sent.message_id,
        prepared.inputs.len(),
        prepared.remainder.map(|(_, amount)| amount)
    );

    // 5. The coordinator issues a milestone; the transfer is confirmed.
    let confirmation = coordinator.issue(&mut node, &network)?;
    let included = node
        .metadata(&sent.message_id)
        .is_some_and(|m| m.is_included());
    println!(
        "milestone {} referenced {} message(s); transfer included: {included}",
        confirmation.checkpoint.index,
        confirmation.outcome.referenced.len()
    );
    alice.refresh(&node);

    // 6. Balances after.
    println!("alice balance: {} i", alice.balance(&node).total);
    println!("bob balance:   {} i", bob.balance(&node).total);
    for entry in alice.balance(&node).addresses {
        println!(
            "  alice {:?} #{}: {} i in {} output(s)",
            entry.info.chain,
            entry.info.index,
            entry.stats.balance,
            entry.outputs.len()
        );
    }
    assert!(included);
    assert_eq!(node.balance_of(&bob_receive.address), 42 * MI);
    Ok(())
}
