//! [`Message`]: the vertex of the Tangle (TIP-6).

use alloc::vec::Vec;

use tangle_crypto::hash::blake2b_256;

use crate::MESSAGE_LENGTH_MAX;
use crate::error::{RuleError, UnpackError};
use crate::ids::MessageId;
use crate::packable::{Packable, optional_len, pack_optional};
use crate::parents::Parents;
use crate::payload::Payload;
use crate::payload::milestone::MilestonePayload;
use crate::unpacker::{Reader, unpack_all};

/// A message: network id, 1..=8 parents, an optional payload and a proof-of-work nonce.
///
/// Packed as `u64 network id ‖ u8 parents count ‖ parents ‖ u32 payload length ‖ payload ‖ u64
/// nonce`, at most 32768 bytes.
///
/// Decoding checks only the rules iota.go v2 checks; a message whose milestone payload breaks a
/// milestone-only rule is still a valid message, just not a milestone: see
/// [`Message::milestone`].
///
/// ```
/// use tangle_model::{Message, Packable};
///
/// let bytes = hex::decode(
///     "000000000000000002210fc7bb818639ac48a4c6afa2f1581a8b9525e20fda68927f2b2ff836f73578db0fa5\
///      4c29f7fd928d92ca43f193dee47f591549f597a811c8fa67ab031ebd9c19000000020000000400494f54410b\
///      00000068656c6c6f20776f726c64ce6d000000000000",
/// )?;
/// let (message, id) = Message::unpack_with_id(&bytes)?;
/// assert_eq!(message.nonce(), 28110);
/// assert_eq!(id.to_string(), "e4a85f984095b4feb1f9e1c03f5baf2f7f5b28920a99fefb539bc5570567cddb");
/// assert_eq!(message.pack(), bytes);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    network_id: u64,
    parents: Parents,
    payload: Option<Payload>,
    nonce: u64,
}

impl Message {
    /// Longest packed message, in bytes.
    pub const LENGTH_MAX: usize = MESSAGE_LENGTH_MAX;

    /// A checked message: the packed message must fit in 32768 bytes. Milestone-only rules are not
    /// checked here (see [`Message::milestone`]); [`crate::MessageBuilder`] checks them too.
    pub fn new(
        network_id: u64,
        parents: Parents,
        payload: Option<Payload>,
        nonce: u64,
    ) -> Result<Self, RuleError> {
        let message = Self {
            network_id,
            parents,
            payload,
            nonce,
        };
        let len = message.packed_len();
        if len > MESSAGE_LENGTH_MAX {
            return Err(RuleError::MessageTooLarge { len });
        }
        Ok(message)
    }

    /// The same message with another nonce.
    #[must_use]
    pub fn with_nonce(mut self, nonce: u64) -> Self {
        self.nonce = nonce;
        self
    }

    /// The network id (first 8 bytes of BLAKE2b-256 of the network name, little-endian).
    pub fn network_id(&self) -> u64 {
        self.network_id
    }

    /// The parents.
    pub fn parents(&self) -> &Parents {
        &self.parents
    }

    /// The payload, if any.
    pub fn payload(&self) -> Option<&Payload> {
        self.payload.as_ref()
    }

    /// The proof-of-work nonce.
    pub fn nonce(&self) -> u64 {
        self.nonce
    }

    /// The message id: BLAKE2b-256 of the packed message. This packs the message; when decoding,
    /// [`Message::unpack_with_id`] hashes the input instead.
    pub fn id(&self) -> MessageId {
        MessageId::new(blake2b_256(&self.pack()))
    }

    /// Decodes and validates `bytes` and returns the message with its id, hashed from `bytes`.
    #[inline]
    pub fn unpack_with_id(bytes: &[u8]) -> Result<(Self, MessageId), UnpackError> {
        // Decoded in place and returned directly: this value is large, and moving it costs a
        // noticeable share of decoding a small message.
        let mut message = Self::placeholder();
        message.read_checked(bytes)?;
        Ok((message, MessageId::new(blake2b_256(bytes))))
    }

    /// A message with no content, to be filled in place by [`Message::read_checked`].
    fn placeholder() -> Self {
        Self {
            network_id: 0,
            parents: Parents::PLACEHOLDER,
            payload: None,
            nonce: 0,
        }
    }

    /// Decodes the whole of `bytes` into `self`.
    fn read_checked(&mut self, bytes: &[u8]) -> Result<(), UnpackError> {
        if bytes.len() > MESSAGE_LENGTH_MAX {
            return Err(Reader::rule_at(
                0,
                RuleError::MessageTooLarge { len: bytes.len() },
            ));
        }
        unpack_all(bytes, |r| self.read_into(r))
    }

    /// The milestone this message is, if its payload is a milestone that meets the milestone-only
    /// rules: `Ok(None)` without a milestone payload, `Err` naming the broken rule otherwise.
    ///
    /// The rule: the message's parents, in order, equal the first parents of the milestone
    /// essence. Hornet 1.2.8 takes a message as a milestone when each of its parents equals the
    /// essence parent at the same position, and otherwise stores it as an ordinary message, so the
    /// rule is checked here rather than when decoding. Signatures are checked separately
    /// ([`MilestonePayload::verify`]).
    ///
    /// ```
    /// use tangle_crypto::ed25519::SigningKey;
    /// use tangle_model::{Message, MessageId, MilestoneBuilder, Parents, Payload, RuleError};
    ///
    /// let parents = Parents::new(&[MessageId::new([5; 32])])?;
    /// let milestone = MilestoneBuilder::new(7, 1_620_000_000, parents)
    ///     .sign(&[SigningKey::from_bytes(&[1; 32])])?;
    /// let other = Parents::new(&[MessageId::new([6; 32])])?;
    /// let message = Message::new(1, other, Some(Payload::Milestone(Box::new(milestone))), 0)?;
    /// assert_eq!(message.milestone(), Err(RuleError::MilestoneParentsMismatch));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// [`MilestonePayload::verify`]: crate::MilestonePayload::verify
    pub fn milestone(&self) -> Result<Option<&MilestonePayload>, RuleError> {
        let Some(Payload::Milestone(milestone)) = &self.payload else {
            return Ok(None);
        };
        let own = self.parents.as_slice();
        let essence = milestone.essence().parents().as_slice();
        if own.len() <= essence.len() && own == &essence[..own.len()] {
            Ok(Some(milestone))
        } else {
            Err(RuleError::MilestoneParentsMismatch)
        }
    }

    /// Reads a message into `self` (decoding in place avoids moving this large value around).
    fn read_into(&mut self, r: &mut Reader<'_>) -> Result<(), UnpackError> {
        self.network_id = r.u64()?;
        self.parents.read_into(r)?;
        self.payload = match r.payload()? {
            None => None,
            Some(mut sub) => {
                let payload = Payload::read(&mut sub)?;
                sub.finish()?;
                Some(payload)
            }
        };
        self.nonce = r.u64()?;
        Ok(())
    }
}

impl Packable for Message {
    fn packed_len(&self) -> usize {
        8 + self.parents.packed_len() + optional_len(self.payload.as_ref()) + 8
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.network_id.to_le_bytes());
        self.parents.pack_into(out);
        pack_optional(self.payload.as_ref(), out);
        out.extend_from_slice(&self.nonce.to_le_bytes());
    }

    /// Decodes and validates a whole message (at most 32768 bytes).
    #[inline]
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        let mut message = Self::placeholder();
        message.read_checked(bytes)?;
        Ok(message)
    }
}
