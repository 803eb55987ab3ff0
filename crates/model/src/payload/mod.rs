//! Payloads: what a message carries. A message may carry a transaction (type 0), a milestone
//! (type 1) or an indexation payload (type 2); receipts (type 3) and treasury transactions
//! (type 4) only appear nested inside milestones.

pub mod indexation;
pub mod milestone;
pub mod receipt;
pub mod transaction;

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::error::{PayloadContext, RuleError, UnpackError};
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};

use indexation::IndexationPayload;
use milestone::MilestonePayload;
use transaction::TransactionPayload;

/// The payload of a message. Packed as its `u32` type followed by its body.
///
/// ```
/// use tangle_model::{IndexationPayload, Packable, Payload};
/// let payload = Payload::from(IndexationPayload::new(b"tag".to_vec(), vec![])?);
/// assert_eq!(payload.kind(), 2);
/// assert_eq!(Payload::unpack(&payload.pack())?, payload);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payload {
    /// A transaction (type 0).
    Transaction(Box<TransactionPayload>),
    /// A milestone (type 1).
    Milestone(Box<MilestonePayload>),
    /// An indexation payload (type 2).
    Indexation(Box<IndexationPayload>),
}

impl Payload {
    /// The payload type.
    pub fn kind(&self) -> u32 {
        match self {
            Self::Transaction(_) => TransactionPayload::KIND,
            Self::Milestone(_) => MilestonePayload::KIND,
            Self::Indexation(_) => IndexationPayload::KIND,
        }
    }

    /// The transaction, if this is one.
    pub fn as_transaction(&self) -> Option<&TransactionPayload> {
        match self {
            Self::Transaction(payload) => Some(payload),
            _ => None,
        }
    }

    /// The milestone, if this is one.
    pub fn as_milestone(&self) -> Option<&MilestonePayload> {
        match self {
            Self::Milestone(payload) => Some(payload),
            _ => None,
        }
    }

    /// The indexation payload, if this is one.
    pub fn as_indexation(&self) -> Option<&IndexationPayload> {
        match self {
            Self::Indexation(payload) => Some(payload),
            _ => None,
        }
    }

    /// Reads a payload, type included, as the payload of a message.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let (offset, start) = (r.offset(), r.position());
        match r.u32()? {
            TransactionPayload::KIND => Ok(Self::Transaction(Box::new(
                TransactionPayload::read_body(r, start)?,
            ))),
            MilestonePayload::KIND => Ok(Self::Milestone(MilestonePayload::read_boxed(r)?)),
            IndexationPayload::KIND => {
                Ok(Self::Indexation(Box::new(IndexationPayload::read_body(r)?)))
            }
            kind => Err(disallowed(offset, kind, PayloadContext::Message)),
        }
    }
}

impl From<TransactionPayload> for Payload {
    fn from(payload: TransactionPayload) -> Self {
        Self::Transaction(Box::new(payload))
    }
}

impl From<MilestonePayload> for Payload {
    fn from(payload: MilestonePayload) -> Self {
        Self::Milestone(Box::new(payload))
    }
}

impl From<IndexationPayload> for Payload {
    fn from(payload: IndexationPayload) -> Self {
        Self::Indexation(Box::new(payload))
    }
}

impl Packable for Payload {
    fn packed_len(&self) -> usize {
        match self {
            Self::Transaction(payload) => payload.packed_len(),
            Self::Milestone(payload) => payload.packed_len(),
            Self::Indexation(payload) => payload.packed_len(),
        }
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        match self {
            Self::Transaction(payload) => payload.pack_into(out),
            Self::Milestone(payload) => payload.pack_into(out),
            Self::Indexation(payload) => payload.pack_into(out),
        }
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}

/// Highest payload type the protocol defines (4, treasury transaction).
const KIND_MAX: u32 = 4;

/// The error for payload type `kind` found where it is not allowed: a rule error for a type the
/// protocol defines elsewhere, an unknown type otherwise.
pub(crate) fn disallowed(offset: usize, kind: u32, context: PayloadContext) -> UnpackError {
    if kind <= KIND_MAX {
        Reader::rule_at(offset, RuleError::PayloadNotAllowed { kind, context })
    } else {
        UnpackError::UnknownPayloadType { offset, kind }
    }
}

/// Reads a `u32` payload type and fails unless it is `kind`.
pub(crate) fn expect_kind(r: &mut Reader<'_>, kind: u32) -> Result<(), UnpackError> {
    let offset = r.offset();
    let found = r.u32()?;
    if found == kind {
        Ok(())
    } else {
        Err(UnpackError::UnknownPayloadType {
            offset,
            kind: found,
        })
    }
}
