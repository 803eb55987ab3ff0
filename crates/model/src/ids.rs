//! Identifiers: 32-byte BLAKE2b-256 digests naming messages, transactions and milestones, and
//! output ids.

use core::fmt;
use core::str::FromStr;

use alloc::vec::Vec;

use crate::OUTPUT_INDEX_MAX;
use crate::error::{RuleError, UnpackError};
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};

/// Why a hexadecimal identifier could not be parsed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseIdError {
    /// Not valid hexadecimal.
    #[error("invalid hexadecimal: {0}")]
    Hex(hex::FromHexError),
    /// Valid hexadecimal of the wrong length.
    #[error("expected {expected} bytes, found {found}")]
    Length {
        /// Bytes expected.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// The output index is above 126.
    #[error(transparent)]
    Rule(#[from] RuleError),
}

impl From<hex::FromHexError> for ParseIdError {
    fn from(error: hex::FromHexError) -> Self {
        Self::Hex(error)
    }
}

fn parse_hex<const N: usize>(s: &str) -> Result<[u8; N], ParseIdError> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    let bytes: Vec<u8> = hex::decode(s)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| ParseIdError::Length {
        expected: N,
        found: bytes.len(),
    })
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name([u8; 32]);

        /// Byte order, as `[u8]` compares, in two 128-bit comparisons instead of a `memcmp`
        /// call: ledger and store maps keyed by ids compare them on every look-up.
        impl Ord for $name {
            #[inline]
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                crate::unpacker::cmp32(&self.0, &other.0)
            }
        }

        impl PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl $name {
            /// Length in bytes.
            pub const LENGTH: usize = 32;

            /// Wraps raw bytes.
            pub const fn new(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// The raw bytes, for decoding in place.
            #[allow(dead_code)]
            pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8; 32] {
                &mut self.0
            }

            /// The raw bytes, by value.
            pub const fn to_bytes(self) -> [u8; 32] {
                self.0
            }
        }

        impl From<[u8; 32]> for $name {
            fn from(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }
        }

        impl From<$name> for [u8; 32] {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        /// Lower-case hexadecimal, no prefix.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                for byte in self.0 {
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        /// Parses 64 hexadecimal digits, with or without a `0x` prefix.
        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_hex::<32>(s).map(Self)
            }
        }

        impl Packable for $name {
            fn packed_len(&self) -> usize {
                32
            }

            fn pack_into(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.0);
            }

            fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
                unpack_all(bytes, |r| Ok(Self(r.array()?)))
            }
        }
    };
}

id_type!(
    /// A message id: BLAKE2b-256 of the whole serialized message, nonce included (TIP-6).
    ///
    /// ```
    /// use tangle_model::MessageId;
    /// let id: MessageId = "0x0000000000000000000000000000000000000000000000000000000000000001".parse()?;
    /// assert_eq!(id.as_bytes()[31], 1);
    /// assert_eq!(id.to_string().len(), 64);
    /// # Ok::<(), tangle_model::ParseIdError>(())
    /// ```
    MessageId
);
id_type!(
    /// A transaction id: BLAKE2b-256 of the whole transaction payload, its type included (TIP-7).
    TransactionId
);
id_type!(
    /// A milestone id: BLAKE2b-256 of the whole milestone payload, its type included (TIP-8).
    MilestoneId
);

/// An output id: the id of the transaction that created the output and the output's index in it
/// (0..=126). Packed as 32 bytes of transaction id then a little-endian `u16` (TIP-7).
///
/// ```
/// use tangle_model::{OutputId, TransactionId};
/// let id = OutputId::new(TransactionId::new([7; 32]), 3)?;
/// assert_eq!(id.index(), 3);
/// assert!(OutputId::new(TransactionId::new([7; 32]), 127).is_err());
/// # Ok::<(), tangle_model::RuleError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutputId {
    transaction_id: TransactionId,
    index: u16,
}

impl OutputId {
    /// Packed length: 34 bytes.
    pub const LENGTH: usize = 34;

    /// An output id; the index must be at most 126.
    pub fn new(transaction_id: TransactionId, index: u16) -> Result<Self, RuleError> {
        if index > OUTPUT_INDEX_MAX {
            return Err(RuleError::OutputIndex { index });
        }
        Ok(Self {
            transaction_id,
            index,
        })
    }

    /// The transaction that created the output.
    pub fn transaction_id(&self) -> &TransactionId {
        &self.transaction_id
    }

    /// The index of the output in that transaction.
    pub fn index(&self) -> u16 {
        self.index
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let transaction_id = TransactionId::new(r.array()?);
        let offset = r.offset();
        let index = r.u16()?;
        Self::new(transaction_id, index).map_err(|rule| Reader::rule_at(offset, rule))
    }
}

impl Packable for OutputId {
    fn packed_len(&self) -> usize {
        Self::LENGTH
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.transaction_id.as_bytes());
        out.extend_from_slice(&self.index.to_le_bytes());
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, Self::read)
    }
}

/// 68 hexadecimal digits: the transaction id then the index as a little-endian `u16`, as in the
/// Chrysalis node API.
impl fmt::Display for OutputId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.transaction_id)?;
        for byte in self.index.to_le_bytes() {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for OutputId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OutputId({self})")
    }
}

/// Parses the form written by `Display` (68 hexadecimal digits, optional `0x` prefix).
impl FromStr for OutputId {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = parse_hex::<34>(s)?;
        let mut id = [0u8; 32];
        id.copy_from_slice(&bytes[..32]);
        let index = u16::from_le_bytes([bytes[32], bytes[33]]);
        Ok(Self::new(TransactionId::new(id), index)?)
    }
}
