//! The packet byte format (version 1) and its typed decoder.
//!
//! All integers are little-endian.
//!
//! | field | bytes | notes |
//! |---|---|---|
//! | version | 1 | `1` |
//! | flags | 1 | bit 0: payload encrypted; the other bits must be 0 |
//! | channel id | 32 | see [`ChannelId`] |
//! | sequence number | 8 | `u64`, 0 for the first packet of a channel |
//! | previous packet id | 32 | [`PacketId`] of packet `sequence − 1`; all zero for sequence 0 |
//! | nonce | 24 | only when encrypted: the XChaCha20-Poly1305 nonce |
//! | payload length | 4 | `u32`, at most [`PAYLOAD_MAX`]; at least 16 when encrypted |
//! | payload | length | the data, or ciphertext ‖ 16-byte Poly1305 tag when encrypted |
//! | signature | 64 | Ed25519 (ZIP-215 verified) over the 32-byte [`PacketId`] |
//!
//! The *header* is everything before the payload (version through payload length); it is the
//! associated data of the AEAD, so a ciphertext cannot be moved to another channel, position or
//! predecessor. The [`PacketId`] is `BLAKE2b-256("tangle-stream/packet/v1" ‖ header ‖ payload)`.
//! The signature covers the id and therefore every byte before it. Because the signed message is
//! a domain-separated hash starting with the byte `t`, it can never equal a transaction essence
//! hash preimage (essences start with type byte 0), so an author key cannot be tricked into
//! signing a transaction through a stream.

use tangle_crypto::ed25519::{SIGNATURE_LENGTH, Signature};
use tangle_crypto::hash::blake2b_256_parts;

use super::channel::{ChannelId, ID_LENGTH, PacketId, packet_index};

/// Domain separation of packet ids.
const PACKET_DOMAIN: &[u8] = b"tangle-stream/packet/v1";

/// The format version this crate writes and reads.
pub const VERSION: u8 = 1;
/// Flag bit: the payload is encrypted.
pub const FLAG_ENCRYPTED: u8 = 0x01;
/// Length of an XChaCha20-Poly1305 nonce.
pub const NONCE_LENGTH: usize = 24;
/// Length of a Poly1305 tag.
pub const TAG_LENGTH: usize = 16;
/// Largest payload (ciphertext and tag included): a packet then still fits, as indexation data,
/// in one message of at most 32,768 bytes with eight parents.
pub const PAYLOAD_MAX: usize = 32_000;
/// Bytes of a packet besides its payload, unencrypted.
pub const OVERHEAD_PLAIN: usize = 1 + 1 + ID_LENGTH + 8 + ID_LENGTH + 4 + SIGNATURE_LENGTH;
/// Bytes of a packet besides its plaintext, encrypted (nonce and tag added).
pub const OVERHEAD_ENCRYPTED: usize = OVERHEAD_PLAIN + NONCE_LENGTH + TAG_LENGTH;

/// A field of the packet format, named in decoding errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The version byte.
    Version,
    /// The flags byte.
    Flags,
    /// The channel id.
    Channel,
    /// The sequence number.
    Sequence,
    /// The previous packet id.
    Previous,
    /// The AEAD nonce.
    Nonce,
    /// The payload length.
    PayloadLength,
    /// The payload.
    Payload,
    /// The signature.
    Signature,
}

impl core::fmt::Display for Field {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Version => "version",
            Self::Flags => "flags",
            Self::Channel => "channel id",
            Self::Sequence => "sequence number",
            Self::Previous => "previous packet id",
            Self::Nonce => "nonce",
            Self::PayloadLength => "payload length",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why bytes are not a well-formed packet. Each variant names the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PacketError {
    /// The bytes end inside a field.
    #[error("truncated packet: the bytes end inside the {field}")]
    Truncated {
        /// The field that is cut short.
        field: Field,
    },
    /// The version byte is not one this crate reads.
    #[error("unsupported packet version {version} (this reader knows version 1)")]
    UnsupportedVersion {
        /// The version found.
        version: u8,
    },
    /// A reserved flag bit is set.
    #[error("unknown packet flags {flags:#04x} (only bit 0, encrypted, is defined)")]
    UnknownFlags {
        /// The flags byte.
        flags: u8,
    },
    /// The first packet of a channel names a predecessor.
    #[error("packet 0 must name the all-zero previous packet id")]
    GenesisPredecessor,
    /// The payload is longer than [`PAYLOAD_MAX`].
    #[error("payload of {len} bytes exceeds the maximum of {max}")]
    PayloadTooLong {
        /// The declared length.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// An encrypted payload is shorter than its authentication tag.
    #[error("encrypted payload of {len} bytes is shorter than the 16-byte tag")]
    CiphertextTooShort {
        /// The declared length.
        len: usize,
    },
    /// Bytes follow the signature.
    #[error("{count} trailing bytes after the signature")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

/// A decoded packet. Decoding checks the format only; the signature, the chain and the
/// ciphertext are checked by a [`Reader`](super::Reader).
#[derive(Clone, PartialEq, Eq)]
pub struct Packet {
    bytes: Vec<u8>,
    channel: ChannelId,
    sequence: u64,
    previous: PacketId,
    encrypted: bool,
    /// Start of the payload (= length of the header).
    payload_start: usize,
    id: PacketId,
}

/// Reads fixed-size fields front to back, naming the field that runs out.
struct Cursor<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize, field: Field) -> Result<&'a [u8], PacketError> {
        let end = self
            .offset
            .checked_add(len)
            .ok_or(PacketError::Truncated { field })?;
        let slice = self
            .bytes
            .get(self.offset..end)
            .ok_or(PacketError::Truncated { field })?;
        self.offset = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, field: Field) -> Result<[u8; N], PacketError> {
        let slice = self.take(N, field)?;
        let mut out = [0; N];
        out.copy_from_slice(slice);
        Ok(out)
    }
}

impl Packet {
    /// Decodes a version-1 packet. Never panics; every rejection names its rule.
    ///
    /// ```
    /// use tangle_wallet::stream::{Packet, PacketError};
    /// assert_eq!(Packet::decode(&[2]), Err(PacketError::UnsupportedVersion { version: 2 }));
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self, PacketError> {
        let mut cursor = Cursor { bytes, offset: 0 };
        let [version] = cursor.array::<1>(Field::Version)?;
        if version != VERSION {
            return Err(PacketError::UnsupportedVersion { version });
        }
        let [flags] = cursor.array::<1>(Field::Flags)?;
        if flags & !FLAG_ENCRYPTED != 0 {
            return Err(PacketError::UnknownFlags { flags });
        }
        let encrypted = flags & FLAG_ENCRYPTED != 0;
        let channel = ChannelId::new(cursor.array(Field::Channel)?);
        let sequence = u64::from_le_bytes(cursor.array(Field::Sequence)?);
        let previous = PacketId::new(cursor.array(Field::Previous)?);
        if sequence == 0 && previous != PacketId::GENESIS {
            return Err(PacketError::GenesisPredecessor);
        }
        if encrypted {
            cursor.take(NONCE_LENGTH, Field::Nonce)?;
        }
        let len = u32::from_le_bytes(cursor.array(Field::PayloadLength)?) as usize;
        if len > PAYLOAD_MAX {
            return Err(PacketError::PayloadTooLong {
                len,
                max: PAYLOAD_MAX,
            });
        }
        if encrypted && len < TAG_LENGTH {
            return Err(PacketError::CiphertextTooShort { len });
        }
        let payload_start = cursor.offset;
        cursor.take(len, Field::Payload)?;
        let signed_end = cursor.offset;
        cursor.take(SIGNATURE_LENGTH, Field::Signature)?;
        let count = bytes.len() - cursor.offset;
        if count != 0 {
            return Err(PacketError::TrailingBytes { count });
        }
        let id = packet_id(bytes.get(..signed_end).unwrap_or_default());
        Ok(Self {
            bytes: bytes.to_vec(),
            channel,
            sequence,
            previous,
            encrypted,
            payload_start,
            id,
        })
    }

    /// Builds a packet from bytes the author just wrote (header, payload, signature).
    pub(crate) fn from_sealed(
        bytes: Vec<u8>,
        channel: ChannelId,
        sequence: u64,
        previous: PacketId,
        encrypted: bool,
        payload_start: usize,
        id: PacketId,
    ) -> Self {
        Self {
            bytes,
            channel,
            sequence,
            previous,
            encrypted,
            payload_start,
            id,
        }
    }

    /// The encoded packet.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The encoded packet, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The channel the packet claims to belong to.
    pub fn channel(&self) -> ChannelId {
        self.channel
    }

    /// Its sequence number.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The id of the packet before it ([`PacketId::GENESIS`] for packet 0).
    pub fn previous(&self) -> PacketId {
        self.previous
    }

    /// Whether the payload is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// Its id: the hash of everything the signature covers.
    pub fn id(&self) -> PacketId {
        self.id
    }

    /// The header: the AEAD's associated data.
    pub fn header(&self) -> &[u8] {
        self.bytes.get(..self.payload_start).unwrap_or_default()
    }

    /// The nonce, if encrypted.
    pub fn nonce(&self) -> Option<[u8; NONCE_LENGTH]> {
        if !self.encrypted {
            return None;
        }
        let start = 1 + 1 + ID_LENGTH + 8 + ID_LENGTH;
        let slice = self.bytes.get(start..start + NONCE_LENGTH)?;
        let mut nonce = [0; NONCE_LENGTH];
        nonce.copy_from_slice(slice);
        Some(nonce)
    }

    /// The payload as carried: plaintext, or ciphertext ‖ tag when encrypted.
    pub fn payload(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(SIGNATURE_LENGTH);
        self.bytes.get(self.payload_start..end).unwrap_or_default()
    }

    /// The signature.
    pub fn signature(&self) -> Signature {
        let start = self.bytes.len().saturating_sub(SIGNATURE_LENGTH);
        let mut raw = [0; SIGNATURE_LENGTH];
        if let Some(slice) = self.bytes.get(start..)
            && slice.len() == SIGNATURE_LENGTH
        {
            raw.copy_from_slice(slice);
        }
        Signature::from_bytes(raw)
    }

    /// The indexation index it is published under: [`packet_index`] of its channel and sequence.
    pub fn index(&self) -> [u8; ID_LENGTH] {
        packet_index(&self.channel, self.sequence)
    }

    /// The indexation payload that carries it on the Tangle.
    ///
    /// Cannot fail for a packet within [`PAYLOAD_MAX`] (32-byte index, data below the message
    /// size limit); the error is passed on rather than assumed away.
    pub fn to_indexation_payload(
        &self,
    ) -> Result<tangle_model::IndexationPayload, tangle_model::RuleError> {
        tangle_model::IndexationPayload::new(self.index().to_vec(), self.bytes.clone())
    }
}

impl core::fmt::Debug for Packet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Packet")
            .field("channel", &self.channel)
            .field("sequence", &self.sequence)
            .field("previous", &self.previous)
            .field("encrypted", &self.encrypted)
            .field("payload_len", &self.payload().len())
            .field("id", &self.id)
            .finish()
    }
}

/// The packet id of the signed part of a packet.
pub(crate) fn packet_id(signed: &[u8]) -> PacketId {
    PacketId::new(blake2b_256_parts(&[PACKET_DOMAIN, signed]))
}

/// Writes a header: version, flags, channel, sequence, previous, optional nonce, payload length.
pub(crate) fn write_header(
    out: &mut Vec<u8>,
    channel: &ChannelId,
    sequence: u64,
    previous: &PacketId,
    nonce: Option<&[u8; NONCE_LENGTH]>,
    payload_len: u32,
) {
    out.push(VERSION);
    out.push(if nonce.is_some() { FLAG_ENCRYPTED } else { 0 });
    out.extend_from_slice(channel.as_bytes());
    out.extend_from_slice(&sequence.to_le_bytes());
    out.extend_from_slice(previous.as_bytes());
    if let Some(nonce) = nonce {
        out.extend_from_slice(nonce);
    }
    out.extend_from_slice(&payload_len.to_le_bytes());
}
