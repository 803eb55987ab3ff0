//! Helpers shared by the CLI's integration tests: keys, addresses, and a node that computes the
//! Merkle root a coordinator would sign.
#![allow(dead_code)] // each test binary uses only some of them

use rand::rngs::OsRng;
use tangle::consensus::pipeline::PipelineConfig;
use tangle::consensus::{Ledger, MilestoneRule, Node, NodeConfig};
use tangle::crypto::address::Ed25519Address;
use tangle::crypto::ed25519::SigningKey;
use tangle::model::{Address, Output as TxOutput, OutputId};

/// The signing key whose 32 seed bytes are all `byte`.
pub(crate) fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

/// The Ed25519 address of `key`.
pub(crate) fn address_of(key: &SigningKey) -> Address {
    Address::Ed25519(Ed25519Address::from_public_key(&key.public_key()))
}

/// A node with no PoW minimum and any network id, the `coordinator` keys at threshold 2, and one
/// genesis output of `amount` owned by `owner`: submitting a cone and a milestone with a wrong
/// root makes it report the root it computed ([`Node::halted`]).
pub(crate) fn scratch_node(
    coordinator: &[SigningKey],
    genesis: OutputId,
    owner: &SigningKey,
    amount: u64,
) -> Node<MilestoneRule, OsRng> {
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: None,
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    };
    let output = TxOutput::single(address_of(owner), amount).expect("output");
    let ledger = Ledger::from_outputs(0, [(genesis, output)]).expect("ledger");
    let rule = MilestoneRule::new(coordinator.iter().map(SigningKey::public_key), 2);
    Node::new(config, rule, ledger, OsRng).expect("node")
}
