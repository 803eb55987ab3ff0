//! Shared helpers: keys, addresses, genesis ledgers, signed transactions and an in-memory cone.
#![allow(dead_code, unreachable_pub)]

use std::collections::{HashMap, HashSet};

use tangle_consensus::{ConeView, Ledger};
use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::SigningKey;
use tangle_model::{
    Address, Message, MessageBuilder, MessageId, Output, OutputId, Payload, TransactionBuilder,
    TransactionId, TransactionPayload, UnlockBlock, UnlockBlocks,
};

pub fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

pub fn address_of(key: &SigningKey) -> Address {
    Address::Ed25519(Ed25519Address::from_public_key(&key.public_key()))
}

pub fn genesis_id(index: u16) -> OutputId {
    OutputId::new(TransactionId::new([0xee; 32]), index).expect("index in range")
}

pub fn single(address: Address, amount: u64) -> Output {
    Output::single(address, amount).expect("valid amount")
}

pub fn allowance(address: Address, amount: u64) -> Output {
    Output::dust_allowance(address, amount).expect("valid amount")
}

/// A ledger at index 0 with the given genesis outputs, numbered 0, 1, ...
pub fn ledger_with(outputs: &[Output]) -> Ledger {
    Ledger::from_outputs(
        0,
        outputs
            .iter()
            .enumerate()
            .map(|(i, output)| (genesis_id(i as u16), *output)),
    )
    .expect("valid genesis")
}

/// A transaction spending `inputs` (each signed by its key) into `outputs`.
pub fn transfer(inputs: &[(OutputId, &SigningKey)], outputs: &[Output]) -> TransactionPayload {
    let mut builder = TransactionBuilder::new();
    for (id, key) in inputs {
        builder = builder.input(*id, *key);
    }
    builder
        .outputs(outputs.iter().copied())
        .finish()
        .expect("valid transaction")
}

pub fn message_id(byte: u8) -> MessageId {
    MessageId::new([byte; 32])
}

/// A hand-built cone: messages with explicit parents and optional transactions.
#[derive(Default)]
pub struct TestCone {
    pub parents: HashMap<MessageId, Vec<MessageId>>,
    pub transactions: HashMap<MessageId, TransactionPayload>,
    pub referenced: HashSet<MessageId>,
}

impl TestCone {
    pub fn add(&mut self, id: MessageId, parents: &[MessageId], tx: Option<TransactionPayload>) {
        self.parents.insert(id, parents.to_vec());
        if let Some(tx) = tx {
            self.transactions.insert(id, tx);
        }
    }

    /// Adds a real message and returns its id.
    pub fn add_message(&mut self, message: &Message) -> MessageId {
        let id = message.id();
        let tx = match message.payload() {
            Some(Payload::Transaction(tx)) => Some((**tx).clone()),
            _ => None,
        };
        self.add(id, message.parents().as_slice(), tx);
        id
    }
}

impl ConeView for TestCone {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.parents.get(id).map(Vec::as_slice)
    }

    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.transactions.get(id)
    }

    fn is_referenced(&self, id: &MessageId) -> bool {
        self.referenced.contains(id)
    }
}

/// A message on network 1 with these parents and payload.
pub fn message(parents: &[MessageId], payload: Option<Payload>) -> Message {
    let mut builder = MessageBuilder::new()
        .network_id(1)
        .parents(parents.iter().copied());
    if let Some(payload) = payload {
        builder = builder.payload(payload);
    }
    builder.finish().expect("valid message")
}

/// `tx` with the signature of its first unlock block altered.
pub fn forge(tx: &TransactionPayload) -> TransactionPayload {
    let mut blocks = tx.unlock_blocks().as_slice().to_vec();
    if let Some(UnlockBlock::Signature(signature)) = blocks.first_mut() {
        signature.signature[0] ^= 1;
    }
    TransactionPayload::new(
        tx.essence().clone(),
        UnlockBlocks::new(blocks).expect("blocks"),
    )
    .expect("transaction")
}
