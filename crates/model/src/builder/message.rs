//! [`MessageBuilder`]: messages with sorted parents and a given or mined nonce.

use alloc::vec::Vec;
#[cfg(feature = "std")]
use core::num::NonZeroUsize;

use crate::builder::BuildError;
use crate::ids::MessageId;
use crate::message::Message;
use crate::parents::Parents;
use crate::payload::Payload;

#[derive(Debug, Clone, Copy)]
enum Nonce {
    Fixed(u64),
    #[cfg(feature = "std")]
    Mine {
        target_score: f64,
        threads: NonZeroUsize,
    },
}

/// Builds a message: sorts and deduplicates the parents (a milestone's parents are used when none
/// are given), checks the payload, and takes a nonce or mines one.
///
/// ```
/// use tangle_model::{IndexationPayload, MessageBuilder, MessageId};
///
/// let message = MessageBuilder::for_network("chrysalis-mainnet")
///     .parents([MessageId::new([2; 32]), MessageId::new([1; 32])])
///     .payload(IndexationPayload::new(b"IOTA".to_vec(), b"hi".to_vec())?)
///     .nonce(42)
///     .finish()?;
/// assert_eq!(message.network_id(), 1454675179895816119);
/// assert_eq!(message.parents().as_slice()[0], MessageId::new([1; 32]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MessageBuilder {
    network_id: Option<u64>,
    parents: Vec<MessageId>,
    payload: Option<Payload>,
    nonce: Nonce,
}

impl Default for MessageBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl MessageBuilder {
    /// An empty builder: a network id and parents (or a milestone payload) must be given.
    pub fn new() -> Self {
        Self {
            network_id: None,
            parents: Vec::new(),
            payload: None,
            nonce: Nonce::Fixed(0),
        }
    }

    /// A builder for the network called `name` (its id is derived from the name).
    pub fn for_network(name: &str) -> Self {
        Self::new().network_id(tangle_crypto::network_id(name))
    }

    /// Sets the network id.
    #[must_use]
    pub fn network_id(mut self, network_id: u64) -> Self {
        self.network_id = Some(network_id);
        self
    }

    /// Adds a parent.
    #[must_use]
    pub fn parent(mut self, id: MessageId) -> Self {
        self.parents.push(id);
        self
    }

    /// Adds parents, in any order.
    #[must_use]
    pub fn parents(mut self, ids: impl IntoIterator<Item = MessageId>) -> Self {
        self.parents.extend(ids);
        self
    }

    /// Sets the payload.
    #[must_use]
    pub fn payload(mut self, payload: impl Into<Payload>) -> Self {
        self.payload = Some(payload.into());
        self
    }

    /// Uses this nonce (0 unless set or mined).
    #[must_use]
    pub fn nonce(mut self, nonce: u64) -> Self {
        self.nonce = Nonce::Fixed(nonce);
        self
    }

    /// Mines a nonce reaching `target_score` (TIP-12) on `threads` threads when finishing.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn mine(mut self, target_score: f64, threads: NonZeroUsize) -> Self {
        self.nonce = Nonce::Mine {
            target_score,
            threads,
        };
        self
    }

    /// The message, or the rule it would break.
    pub fn finish(self) -> Result<Message, BuildError> {
        let network_id = self.network_id.ok_or(BuildError::MissingNetworkId)?;
        let parents = match (&self.payload, self.parents.is_empty()) {
            (Some(Payload::Milestone(milestone)), true) => *milestone.essence().parents(),
            _ => Parents::from_unsorted(self.parents)?,
        };
        let message = Message::new(network_id, parents, self.payload, 0)?;
        // A message built here should also be a valid milestone when it carries one.
        message.milestone()?;
        match self.nonce {
            Nonce::Fixed(nonce) => Ok(message.with_nonce(nonce)),
            #[cfg(feature = "std")]
            Nonce::Mine {
                target_score,
                threads,
            } => {
                use crate::packable::Packable;
                let nonce =
                    tangle_crypto::pow::Miner::new(threads).mine(&message.pack(), target_score)?;
                Ok(message.with_nonce(nonce))
            }
        }
    }
}
