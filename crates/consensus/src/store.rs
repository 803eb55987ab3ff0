//! Where a [`Node`](crate::Node) keeps messages: the [`MessageStore`] trait, the in-memory
//! [`MemoryStore`], and what is stored per message ([`StoredMessage`], [`MessageMetadata`],
//! [`LedgerInclusion`]).

use std::collections::{BTreeMap, HashMap};

use tangle_graph::IdHashBuilder;
use tangle_model::{Message, MessageId};

use crate::conflict::ConflictReason;
use crate::ledger::LedgerDiff;

/// What a confirmation did with a message's transaction (TIP-2 ledger inclusion state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerInclusion {
    /// The message carries no transaction.
    NoTransaction,
    /// Its transaction was applied.
    Included,
    /// Its transaction conflicts with the ledger and was not applied.
    Conflicting(ConflictReason),
}

/// What the node knows about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MessageMetadata {
    /// Arrival sequence number (1 for the first message submitted).
    pub arrival: u64,
    /// Whether its whole past cone is known.
    pub solid: bool,
    /// For a solid transaction: whether all its signatures verify (ZIP-215).
    pub signatures_valid: Option<bool>,
    /// The index of the confirmation step (milestone) that referenced it.
    pub referenced_by: Option<u32>,
    /// The ledger inclusion state, once referenced.
    pub inclusion: Option<LedgerInclusion>,
    /// For a milestone message that was applied: its index.
    pub milestone_index: Option<u32>,
}

impl MessageMetadata {
    /// The conflict reason, if the message was referenced and its transaction conflicts.
    pub fn conflict(&self) -> Option<ConflictReason> {
        match self.inclusion {
            Some(LedgerInclusion::Conflicting(reason)) => Some(reason),
            _ => None,
        }
    }

    /// Whether the message's transaction was applied to the ledger.
    pub fn is_included(&self) -> bool {
        self.inclusion == Some(LedgerInclusion::Included)
    }
}

/// A message and its metadata, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// The message.
    pub message: Message,
    /// Its metadata.
    pub metadata: MessageMetadata,
}

/// Where the node keeps messages and their metadata.
pub trait MessageStore {
    /// The message with this id.
    fn get(&self, id: &MessageId) -> Option<&StoredMessage>;
    /// The message with this id, to update its metadata.
    fn get_mut(&mut self, id: &MessageId) -> Option<&mut StoredMessage>;
    /// Stores a message (replacing any with the same id).
    fn insert(&mut self, id: MessageId, message: StoredMessage);
    /// Number of messages stored.
    fn len(&self) -> usize;
    /// Keeps the ledger diff of an applied confirmation step, so the ledger can be reverted or
    /// replayed later. The default keeps nothing.
    fn insert_diff(&mut self, diff: &LedgerDiff) {
        let _ = diff;
    }
    /// The kept diff of the step that brought the ledger to `index`, if any.
    fn diff(&self, index: u32) -> Option<LedgerDiff> {
        let _ = index;
        None
    }
    /// Whether the store is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`MessageStore`] in memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// Keyed by the graph's id hasher: ids are already uniform hashes, SipHash buys nothing.
    /// Boxed: a stored message is ≈ 330 bytes, and growing the table would move every one.
    messages: HashMap<MessageId, Box<StoredMessage>, IdHashBuilder>,
    diffs: BTreeMap<u32, LedgerDiff>,
}

impl MemoryStore {
    /// Every stored message id, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = &MessageId> {
        self.messages.keys()
    }
}

impl MessageStore for MemoryStore {
    fn get(&self, id: &MessageId) -> Option<&StoredMessage> {
        self.messages.get(id).map(|stored| &**stored)
    }

    fn get_mut(&mut self, id: &MessageId) -> Option<&mut StoredMessage> {
        self.messages.get_mut(id).map(|stored| &mut **stored)
    }

    fn insert(&mut self, id: MessageId, message: StoredMessage) {
        self.messages.insert(id, Box::new(message));
    }

    fn len(&self) -> usize {
        self.messages.len()
    }

    fn insert_diff(&mut self, diff: &LedgerDiff) {
        self.diffs.insert(diff.index(), diff.clone());
    }

    fn diff(&self, index: u32) -> Option<LedgerDiff> {
        self.diffs.get(&index).cloned()
    }
}
