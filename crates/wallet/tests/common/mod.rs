//! Shared helpers: a funded in-process node with a coordinator, and wallets from fixed mnemonics.
#![allow(dead_code, unreachable_pub)]

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::{Ledger, MilestoneRule, Node, NodeConfig};
use tangle_crypto::ed25519::SigningKey;
use tangle_model::{Address, MessageId, Output, OutputId, TransactionId};
use tangle_wallet::{Account, Coordinator, Mnemonic, Network};

pub const MI: u64 = 1_000_000;

pub type TestNode = Node<MilestoneRule, ChaCha8Rng>;

pub fn network() -> Network {
    Network::custom("wallet-tests", "tst", 0.0).expect("hrp")
}

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

pub fn mnemonic(byte: u8) -> Mnemonic {
    Mnemonic::from_entropy(&[byte; 32]).expect("entropy")
}

pub fn account(byte: u8) -> Account {
    Account::from_mnemonic(&mnemonic(byte), "", &network(), 0).expect("account")
}

/// The id of genesis output `index` (127 outputs per pseudo transaction).
pub fn genesis_id(index: u16) -> OutputId {
    let mut id = [0xee; 32];
    id[0] = (index / 127) as u8;
    OutputId::new(TransactionId::new(id), index % 127).expect("index")
}

/// A node on [`network`] whose genesis holds `outputs`, and its coordinator.
pub fn funded_node(outputs: &[Output]) -> (TestNode, Coordinator) {
    let coordinator = Coordinator::new(vec![SigningKey::from_bytes(&[200; 32])], 1_700_000_000);
    let ledger = Ledger::from_outputs(
        0,
        outputs
            .iter()
            .enumerate()
            .map(|(i, o)| (genesis_id(i as u16), *o)),
    )
    .expect("genesis");
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(network().network_id),
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    };
    let node = Node::new(config, coordinator.rule(), ledger, rng(99)).expect("node");
    (node, coordinator)
}

pub fn single(address: Address, amount: u64) -> Output {
    Output::single(address, amount).expect("amount")
}

pub fn allowance(address: Address, amount: u64) -> Output {
    Output::dust_allowance(address, amount).expect("amount")
}

/// Whether `node` holds message `id` and a milestone has included it.
pub fn is_included(node: &TestNode, id: &MessageId) -> bool {
    node.metadata(id).is_some_and(|m| m.is_included())
}
