//! Helpers shared by the integration tests: a byte writer independent of the library's packers,
//! editable specifications of valid payloads, and proptest strategies.
#![allow(dead_code, unreachable_pub)]

pub mod strategies;

use tangle_model::{MilestoneId, TransactionId};

/// Little-endian byte writer.
#[derive(Default, Clone)]
pub struct W(pub Vec<u8>);

impl W {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn bytes(mut self, v: &[u8]) -> Self {
        self.0.extend_from_slice(v);
        self
    }
    /// A `u32` length prefix and `payload`.
    pub fn payload(self, payload: Option<&[u8]>) -> Self {
        match payload {
            None => self.u32(0),
            Some(p) => self.u32(p.len() as u32).bytes(p),
        }
    }
}

pub fn id(byte: u8) -> [u8; 32] {
    [byte; 32]
}

pub fn indexation(index: &[u8], data: &[u8]) -> Vec<u8> {
    W::new()
        .u32(2)
        .u16(index.len() as u16)
        .bytes(index)
        .u32(data.len() as u32)
        .bytes(data)
        .0
}

pub fn utxo_input(tx: u8, index: u16) -> Vec<u8> {
    W::new().u8(0).bytes(&id(tx)).u16(index).0
}

pub fn output(kind: u8, address: u8, amount: u64) -> Vec<u8> {
    W::new().u8(kind).u8(0).bytes(&id(address)).u64(amount).0
}

pub fn signature_unlock(key: u8, sig: u8) -> Vec<u8> {
    W::new().u8(0).u8(0).bytes(&[key; 32]).bytes(&[sig; 64]).0
}

pub fn reference_unlock(index: u16) -> Vec<u8> {
    W::new().u8(1).u16(index).0
}

/// A transaction payload, field by field; `valid()` decodes.
#[derive(Clone)]
pub struct TxSpec {
    pub essence_type: u8,
    pub inputs: Vec<Vec<u8>>,
    pub outputs: Vec<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub unlock_count: Option<u16>,
    pub unlocks: Vec<Vec<u8>>,
}

impl TxSpec {
    pub fn valid() -> Self {
        Self {
            essence_type: 0,
            inputs: vec![utxo_input(1, 0), utxo_input(1, 1), utxo_input(2, 0)],
            outputs: vec![
                output(0, 5, 1_000),
                output(0, 6, 2_000_000),
                output(1, 5, 1_000_000),
            ],
            payload: Some(indexation(b"tag", b"data")),
            unlock_count: None,
            unlocks: vec![
                signature_unlock(1, 1),
                reference_unlock(0),
                signature_unlock(2, 2),
            ],
        }
    }

    pub fn essence(&self) -> Vec<u8> {
        let mut w = W::new().u8(self.essence_type).u16(self.inputs.len() as u16);
        for input in &self.inputs {
            w = w.bytes(input);
        }
        w = w.u16(self.outputs.len() as u16);
        for output in &self.outputs {
            w = w.bytes(output);
        }
        w.payload(self.payload.as_deref()).0
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut w = W::new().u32(0).bytes(&self.essence());
        w = w.u16(self.unlock_count.unwrap_or(self.unlocks.len() as u16));
        for unlock in &self.unlocks {
            w = w.bytes(unlock);
        }
        w.0
    }
}

/// A receipt payload, field by field.
#[derive(Clone)]
pub struct ReceiptSpec {
    pub migrated_at: u32,
    pub last: u8,
    pub funds: Vec<Vec<u8>>,
    pub transaction: Option<Vec<u8>>,
}

pub fn funds_entry(tail: u8, address: u8, deposit: u64) -> Vec<u8> {
    W::new()
        .bytes(&[tail; 49])
        .u8(0)
        .bytes(&id(address))
        .u64(deposit)
        .0
}

pub fn treasury_transaction(milestone: u8, amount: u64) -> Vec<u8> {
    W::new()
        .u32(4)
        .u8(1)
        .bytes(&id(milestone))
        .u8(2)
        .u64(amount)
        .0
}

impl ReceiptSpec {
    pub fn valid() -> Self {
        Self {
            migrated_at: 1_000,
            last: 1,
            funds: vec![funds_entry(1, 7, 1_000_000), funds_entry(2, 8, 5_000_000)],
            transaction: Some(treasury_transaction(9, 2_000_000_000)),
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut w = W::new()
            .u32(3)
            .u32(self.migrated_at)
            .u8(self.last)
            .u16(self.funds.len() as u16);
        for entry in &self.funds {
            w = w.bytes(entry);
        }
        w.payload(self.transaction.as_deref()).0
    }
}

/// A milestone payload, field by field.
#[derive(Clone)]
pub struct MilestoneSpec {
    pub index: u32,
    pub timestamp: u64,
    pub parents: Vec<[u8; 32]>,
    pub merkle_root: [u8; 32],
    pub next_pow_score: u32,
    pub next_pow_score_milestone_index: u32,
    pub keys: Vec<[u8; 32]>,
    pub payload: Option<Vec<u8>>,
    pub signatures: Vec<[u8; 64]>,
}

impl MilestoneSpec {
    pub fn valid() -> Self {
        Self {
            index: 42,
            timestamp: 1_620_000_000,
            parents: vec![id(1), id(2)],
            merkle_root: id(0xaa),
            next_pow_score: 0,
            next_pow_score_milestone_index: 0,
            keys: vec![id(3), id(4)],
            payload: Some(ReceiptSpec::valid().bytes()),
            signatures: vec![[5; 64], [6; 64]],
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut w = W::new()
            .u32(1)
            .u32(self.index)
            .u64(self.timestamp)
            .u8(self.parents.len() as u8);
        for parent in &self.parents {
            w = w.bytes(parent);
        }
        w = w
            .bytes(&self.merkle_root)
            .u32(self.next_pow_score)
            .u32(self.next_pow_score_milestone_index)
            .u8(self.keys.len() as u8);
        for key in &self.keys {
            w = w.bytes(key);
        }
        w = w
            .payload(self.payload.as_deref())
            .u8(self.signatures.len() as u8);
        for signature in &self.signatures {
            w = w.bytes(signature);
        }
        w.0
    }
}

/// A whole message around `payload`.
pub fn message(parents: &[[u8; 32]], payload: Option<&[u8]>) -> Vec<u8> {
    let mut w = W::new().u64(7).u8(parents.len() as u8);
    for parent in parents {
        w = w.bytes(parent);
    }
    w.payload(payload).u64(99).0
}

pub fn transaction_id(byte: u8) -> TransactionId {
    TransactionId::new(id(byte))
}

pub fn milestone_id(byte: u8) -> MilestoneId {
    MilestoneId::new(id(byte))
}
