//! [`IndexationPayload`] (type 2): an index of 1..=64 bytes and arbitrary data (TIP-6).

use alloc::vec::Vec;

use crate::MESSAGE_LENGTH_MAX;
use crate::error::{RuleError, UnpackError};
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};

/// A data payload: `u32 type 2 ‖ u16 index length ‖ index ‖ u32 data length ‖ data`.
///
/// ```
/// use tangle_model::{IndexationPayload, Packable, RuleError};
/// let payload = IndexationPayload::new(b"IOTA".to_vec(), b"hello world".to_vec())?;
/// assert_eq!(payload.index(), b"IOTA");
/// assert_eq!(payload.packed_len(), 25);
/// assert_eq!(IndexationPayload::new(Vec::new(), Vec::new()), Err(RuleError::IndexLength { len: 0 }));
/// # Ok::<(), RuleError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IndexationPayload {
    /// The index followed by the data, in one allocation.
    bytes: Vec<u8>,
    /// Length of the index (1..=64).
    index_len: u8,
}

impl IndexationPayload {
    /// Payload type.
    pub const KIND: u32 = 2;
    /// Shortest index.
    pub const INDEX_LENGTH_MIN: usize = 1;
    /// Longest index.
    pub const INDEX_LENGTH_MAX: usize = 64;

    /// An indexation payload; the index must be 1..=64 bytes, the data small enough for a message.
    pub fn new(index: Vec<u8>, data: Vec<u8>) -> Result<Self, RuleError> {
        check_index(index.len())?;
        if data.len() > MESSAGE_LENGTH_MAX {
            return Err(RuleError::DataLength { len: data.len() });
        }
        let mut bytes = index;
        bytes.extend_from_slice(&data);
        Ok(Self {
            index_len: (bytes.len() - data.len()) as u8,
            bytes,
        })
    }

    /// The index.
    pub fn index(&self) -> &[u8] {
        self.bytes
            .get(..self.index_len as usize)
            .unwrap_or_default()
    }

    /// The data.
    pub fn data(&self) -> &[u8] {
        self.bytes
            .get(self.index_len as usize..)
            .unwrap_or_default()
    }

    /// Reads the body, after the type.
    pub(crate) fn read_body(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let offset = r.offset();
        let index_len = r.u16()? as usize;
        check_index(index_len).map_err(|rule| Reader::rule_at(offset, rule))?;
        let index = r.bytes(index_len)?;
        let data_len = r.u32()? as usize;
        let data = r.bytes(data_len)?;
        let mut bytes = Vec::with_capacity(index_len + data_len);
        bytes.extend_from_slice(index);
        bytes.extend_from_slice(data);
        Ok(Self {
            bytes,
            index_len: index_len as u8,
        })
    }
}

fn check_index(len: usize) -> Result<(), RuleError> {
    if (IndexationPayload::INDEX_LENGTH_MIN..=IndexationPayload::INDEX_LENGTH_MAX).contains(&len) {
        Ok(())
    } else {
        Err(RuleError::IndexLength { len })
    }
}

impl core::fmt::Debug for IndexationPayload {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IndexationPayload")
            .field("index", &self.index())
            .field("data", &self.data())
            .finish()
    }
}

impl Packable for IndexationPayload {
    fn packed_len(&self) -> usize {
        4 + 2 + 4 + self.bytes.len()
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&Self::KIND.to_le_bytes());
        out.extend_from_slice(&u16::from(self.index_len).to_le_bytes());
        out.extend_from_slice(self.index());
        out.extend_from_slice(&(self.data().len() as u32).to_le_bytes());
        out.extend_from_slice(self.data());
    }

    /// Decodes a payload including its `u32` type, which must be 2.
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, |r| {
            super::expect_kind(r, Self::KIND)?;
            Self::read_body(r)
        })
    }
}
