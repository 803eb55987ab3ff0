//! Where readers find packets: anything that answers "which indexation data has this index".

use std::collections::HashMap;

use rand_core::CryptoRngCore;
use tangle_consensus::{ConfirmationRule, MemoryStore, Node};
use tangle_model::{IndexationPayload, Message, Payload};

/// Looks up indexation payloads by index, the way a node's `messages?index=` query does.
pub trait PacketSource {
    /// The data of every indexation payload published under `index`, in a stable order
    /// (oldest first where the source knows arrival times).
    fn packets_at(&self, index: &[u8]) -> Vec<Vec<u8>>;
}

/// The indexation payload a message carries: its own payload, or the one inside its
/// transaction essence.
pub fn indexation_of(message: &Message) -> Option<&IndexationPayload> {
    match message.payload()? {
        Payload::Indexation(payload) => Some(payload),
        Payload::Transaction(transaction) => transaction.essence().payload(),
        _ => None,
    }
}

/// An index from indexation index to data, filled with the messages a node or a subscription
/// delivers. Lookups cost one hash-map probe.
///
/// ```
/// use tangle_wallet::stream::{IndexedPayloads, PacketSource};
/// use tangle_model::IndexationPayload;
///
/// let mut index = IndexedPayloads::default();
/// index.insert(&IndexationPayload::new(b"key".to_vec(), b"data".to_vec())?);
/// assert_eq!(index.packets_at(b"key"), vec![b"data".to_vec()]);
/// assert!(index.packets_at(b"other").is_empty());
/// # Ok::<(), tangle_model::RuleError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct IndexedPayloads {
    by_index: HashMap<Vec<u8>, Vec<Vec<u8>>>,
}

impl IndexedPayloads {
    /// Adds an indexation payload.
    pub fn insert(&mut self, payload: &IndexationPayload) {
        self.by_index
            .entry(payload.index().to_vec())
            .or_default()
            .push(payload.data().to_vec());
    }

    /// Adds the indexation payload a message carries, if any.
    pub fn insert_message(&mut self, message: &Message) {
        if let Some(payload) = indexation_of(message) {
            self.insert(payload);
        }
    }

    /// Number of distinct indexes.
    pub fn len(&self) -> usize {
        self.by_index.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.by_index.is_empty()
    }
}

impl PacketSource for IndexedPayloads {
    fn packets_at(&self, index: &[u8]) -> Vec<Vec<u8>> {
        self.by_index.get(index).cloned().unwrap_or_default()
    }
}

/// Reading straight from an in-process node: scans its stored messages (in arrival order).
/// Fine for demos and tests; a long-lived reader keeps an [`IndexedPayloads`] up to date
/// instead.
impl<C: ConfirmationRule, G: CryptoRngCore> PacketSource for Node<C, G, MemoryStore> {
    fn packets_at(&self, index: &[u8]) -> Vec<Vec<u8>> {
        let mut found: Vec<(u64, Vec<u8>)> = self
            .store()
            .ids()
            .filter_map(|id| {
                let message = self.message(id)?;
                let payload = indexation_of(message)?;
                let arrival = self.metadata(id).map_or(u64::MAX, |m| m.arrival);
                (payload.index() == index).then(|| (arrival, payload.data().to_vec()))
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, data)| data).collect()
    }
}
