//! The packet byte formats (version 1: one signature per packet; version 2: one signature per
//! batch) and their typed decoder.
//!
//! All integers are little-endian.
//!
//! ## Version 1
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
//!
//! ## Version 2 (batch-signed)
//!
//! The author seals `k` packets at once ([`Author::publish_batch`](super::Author::publish_batch))
//! and signs them with one Ed25519 signature over the Merkle root of their ids; each packet
//! carries that signature and its inclusion proof.
//!
//! | field | bytes | notes |
//! |---|---|---|
//! | version | 1 | `2` |
//! | flags … payload | | as in version 1 |
//! | batch size | 2 | `u16` `k`, from 1 to [`BATCH_MAX`] |
//! | position | 2 | `u16`, the packet's index in its batch, below `k` |
//! | proof length | 1 | number of sibling hashes: must equal the depth of `position` in the tree of `k` leaves (at most 8) |
//! | proof | 32 × length | sibling hashes, from the leaf's sibling up to the root's child |
//! | signature | 64 | Ed25519 (ZIP-215 verified) over the batch digest |
//!
//! The [`PacketId`] is `BLAKE2b-256("tangle-stream/packet/v2" ‖ header ‖ payload)` (the header
//! starts with the version byte, so v1 and v2 ids never coincide). The batch root is the TIP-4
//! Merkle root ([`tangle_crypto::merkle`]: leaves `BLAKE2b-256(0x00 ‖ id)`, nodes
//! `BLAKE2b-256(0x01 ‖ left ‖ right)`, split at the largest power of two below the count) of
//! the `k` ids in sequence order; the signature covers the *batch digest*
//! `BLAKE2b-256("tangle-stream/batch/v2" ‖ k as u16 ‖ root)`, which binds the batch size (else
//! the same proof could be re-read under another tree shape) and is domain-separated from
//! packet ids and transaction essences. Changing any byte of a packet changes its id, its
//! computed root or the digest, so the signature check fails.

use tangle_crypto::ed25519::{SIGNATURE_LENGTH, Signature};
use tangle_crypto::hash::blake2b_256_parts;
use tangle_crypto::merkle::{LEAF_PREFIX, NODE_PREFIX};

use super::channel::{ChannelId, ID_LENGTH, PacketId, packet_index};

/// Domain separation of packet ids.
const PACKET_DOMAIN: &[u8] = b"tangle-stream/packet/v1";
/// Domain separation of version-2 packet ids.
const PACKET_DOMAIN_V2: &[u8] = b"tangle-stream/packet/v2";
/// Domain separation of the batch digest a version-2 signature covers.
const BATCH_DOMAIN: &[u8] = b"tangle-stream/batch/v2";

/// The format version of individually signed packets.
pub const VERSION: u8 = 1;
/// The format version of batch-signed packets.
pub const VERSION_BATCH: u8 = 2;
/// Largest batch: one signature covers at most 256 packets (proofs of at most 8 hashes).
pub const BATCH_MAX: usize = 256;
/// Longest inclusion proof, for a batch of [`BATCH_MAX`].
pub const PROOF_MAX: usize = 8;
/// Bytes a version-2 packet adds to a version-1 packet besides its proof hashes (batch size,
/// position, proof length).
pub const BATCH_FIELDS: usize = 2 + 2 + 1;
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
    /// The batch size (version 2).
    BatchSize,
    /// The position in the batch (version 2).
    Position,
    /// The proof length (version 2).
    ProofLength,
    /// The inclusion proof (version 2).
    Proof,
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
            Self::BatchSize => "batch size",
            Self::Position => "batch position",
            Self::ProofLength => "proof length",
            Self::Proof => "inclusion proof",
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
    #[error("unsupported packet version {version} (this reader knows versions 1 and 2)")]
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
    /// A version-2 batch size is 0 or above [`BATCH_MAX`].
    #[error("batch size {size} is not between 1 and {max}")]
    BatchSize {
        /// The declared size.
        size: u16,
        /// The maximum.
        max: usize,
    },
    /// A version-2 position is not inside its batch.
    #[error("position {position} is outside a batch of {size}")]
    PositionOutOfBatch {
        /// The declared position.
        position: u16,
        /// The declared batch size.
        size: u16,
    },
    /// A version-2 proof does not have one hash per level of the leaf's path.
    #[error("inclusion proof of {found} hashes where position and batch size need {expected}")]
    ProofLength {
        /// The depth of the position in the batch's tree.
        expected: usize,
        /// The declared proof length.
        found: usize,
    },
    /// Bytes follow the signature.
    #[error("{count} trailing bytes after the signature")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

/// Where a version-2 packet sits in its batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchPosition {
    /// The batch size `k`.
    pub size: u16,
    /// The packet's index in the batch.
    pub position: u16,
}

/// A decoded packet. Decoding checks the format only (and computes the id and, for version 2,
/// the batch digest from the proof); the signature, the chain and the ciphertext are checked
/// by a [`Reader`](super::Reader).
#[derive(Clone, PartialEq, Eq)]
pub struct Packet {
    bytes: Vec<u8>,
    channel: ChannelId,
    sequence: u64,
    previous: PacketId,
    encrypted: bool,
    /// Start of the payload (= length of the header).
    payload_start: usize,
    /// End of the payload.
    payload_end: usize,
    id: PacketId,
    /// Version 2: batch size and position.
    batch: Option<BatchPosition>,
    /// What the signature covers: the id (version 1) or the batch digest (version 2).
    signed: [u8; ID_LENGTH],
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
    /// Decodes a version-1 or version-2 packet. Never panics; every rejection names its rule.
    ///
    /// ```
    /// use tangle_wallet::stream::{Packet, PacketError};
    /// assert_eq!(Packet::decode(&[3]), Err(PacketError::UnsupportedVersion { version: 3 }));
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self, PacketError> {
        let mut cursor = Cursor { bytes, offset: 0 };
        let [version] = cursor.array::<1>(Field::Version)?;
        if version != VERSION && version != VERSION_BATCH {
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
        let payload_end = cursor.offset;
        let body = bytes.get(..payload_end).unwrap_or_default();
        let (id, batch, signed) = if version == VERSION {
            let id = packet_id(body);
            (id, None, *id.as_bytes())
        } else {
            let id = packet_id_v2(body);
            let size = u16::from_le_bytes(cursor.array(Field::BatchSize)?);
            if size == 0 || usize::from(size) > BATCH_MAX {
                return Err(PacketError::BatchSize {
                    size,
                    max: BATCH_MAX,
                });
            }
            let position = u16::from_le_bytes(cursor.array(Field::Position)?);
            if position >= size {
                return Err(PacketError::PositionOutOfBatch { position, size });
            }
            let [found] = cursor.array::<1>(Field::ProofLength)?;
            let expected = depth(usize::from(size), usize::from(position));
            if usize::from(found) != expected {
                return Err(PacketError::ProofLength {
                    expected,
                    found: usize::from(found),
                });
            }
            let proof = cursor.take(expected * ID_LENGTH, Field::Proof)?;
            let root = root_from_proof(&id, usize::from(size), usize::from(position), proof);
            let batch = BatchPosition { size, position };
            (id, Some(batch), batch_digest(size, &root))
        };
        cursor.take(SIGNATURE_LENGTH, Field::Signature)?;
        let count = bytes.len() - cursor.offset;
        if count != 0 {
            return Err(PacketError::TrailingBytes { count });
        }
        Ok(Self {
            bytes: bytes.to_vec(),
            channel,
            sequence,
            previous,
            encrypted,
            payload_start,
            payload_end,
            id,
            batch,
            signed,
        })
    }

    /// Builds a version-1 packet from bytes the author just wrote (header, payload, signature).
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
            payload_end: bytes.len().saturating_sub(SIGNATURE_LENGTH),
            bytes,
            channel,
            sequence,
            previous,
            encrypted,
            payload_start,
            id,
            batch: None,
            signed: *id.as_bytes(),
        }
    }

    /// Turns a packet built by [`Packet::from_sealed`] from a sealed version-2 packet's bytes
    /// into that version-2 packet (the author knows the fields; no re-decoding).
    pub(crate) fn with_batch(
        mut self,
        payload_end: usize,
        batch: BatchPosition,
        signed: [u8; ID_LENGTH],
    ) -> Self {
        self.payload_end = payload_end;
        self.batch = Some(batch);
        self.signed = signed;
        self
    }

    /// The format version: [`VERSION`] or [`VERSION_BATCH`].
    pub fn version(&self) -> u8 {
        if self.batch.is_some() {
            VERSION_BATCH
        } else {
            VERSION
        }
    }

    /// For a version-2 packet, its batch size and position.
    pub fn batch(&self) -> Option<BatchPosition> {
        self.batch
    }

    /// The 32 bytes the signature covers: the id (version 1) or the batch digest computed from
    /// the id and the inclusion proof (version 2).
    pub fn signed_message(&self) -> &[u8; ID_LENGTH] {
        &self.signed
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
        self.bytes
            .get(self.payload_start..self.payload_end)
            .unwrap_or_default()
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
            .field("batch", &self.batch)
            .field("payload_len", &self.payload().len())
            .field("id", &self.id)
            .finish()
    }
}

/// The packet id of the signed part of a packet.
pub(crate) fn packet_id(signed: &[u8]) -> PacketId {
    PacketId::new(blake2b_256_parts(&[PACKET_DOMAIN, signed]))
}

/// The id of a version-2 packet from its header and payload.
pub(crate) fn packet_id_v2(body: &[u8]) -> PacketId {
    PacketId::new(blake2b_256_parts(&[PACKET_DOMAIN_V2, body]))
}

/// What a version-2 signature covers: the batch size and the Merkle root, domain-separated.
pub(crate) fn batch_digest(size: u16, root: &[u8; ID_LENGTH]) -> [u8; ID_LENGTH] {
    blake2b_256_parts(&[BATCH_DOMAIN, &size.to_le_bytes(), root])
}

/// The TIP-4 split of `n ≥ 2` leaves: the largest power of two below `n`.
fn split_point(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

fn leaf_hash(id: &PacketId) -> [u8; ID_LENGTH] {
    blake2b_256_parts(&[&[LEAF_PREFIX], id.as_bytes()])
}

fn node_hash(left: &[u8; ID_LENGTH], right: &[u8; ID_LENGTH]) -> [u8; ID_LENGTH] {
    blake2b_256_parts(&[&[NODE_PREFIX], left, right])
}

/// Depth of leaf `position` in the TIP-4 tree of `size` leaves (`position < size`).
pub(crate) fn depth(mut size: usize, mut position: usize) -> usize {
    let mut depth = 0;
    while size > 1 {
        let split = split_point(size);
        if position < split {
            size = split;
        } else {
            position -= split;
            size -= split;
        }
        depth += 1;
    }
    depth
}

/// Recomputes the root from a leaf's id and its proof (sibling hashes, bottom-up). The proof
/// must hold `depth(size, position)` hashes; extra or missing ones give a wrong root.
fn root_from_proof(id: &PacketId, size: usize, position: usize, proof: &[u8]) -> [u8; ID_LENGTH] {
    // Top-down: is the leaf in the right subtree at each level?
    let mut right = [false; PROOF_MAX];
    let (mut size, mut position, mut levels) = (size, position, 0);
    while size > 1 && levels < PROOF_MAX {
        let split = split_point(size);
        let is_right = position >= split;
        if let Some(slot) = right.get_mut(levels) {
            *slot = is_right;
        }
        if is_right {
            position -= split;
            size -= split;
        } else {
            size = split;
        }
        levels += 1;
    }
    let mut hash = leaf_hash(id);
    for (level, sibling) in proof.chunks_exact(ID_LENGTH).enumerate() {
        let mut sibling_hash = [0; ID_LENGTH];
        sibling_hash.copy_from_slice(sibling);
        let is_right = levels
            .checked_sub(level + 1)
            .and_then(|top_down| right.get(top_down))
            .copied()
            .unwrap_or(false);
        hash = if is_right {
            node_hash(&sibling_hash, &hash)
        } else {
            node_hash(&hash, &sibling_hash)
        };
    }
    hash
}

/// The TIP-4 root of `ids` (non-empty), pushing onto `proofs[i]` the siblings of leaf `i`,
/// bottom-up. Hashes every leaf and inner node once.
pub(crate) fn build_proofs(
    ids: &[PacketId],
    proofs: &mut [Vec<[u8; ID_LENGTH]>],
) -> [u8; ID_LENGTH] {
    match ids {
        [] => blake2b_256_parts(&[]),
        [single] => leaf_hash(single),
        _ => {
            let split = split_point(ids.len());
            let (left_ids, right_ids) = ids.split_at(split);
            let (left_proofs, right_proofs) = proofs.split_at_mut(split.min(proofs.len()));
            let left = build_proofs(left_ids, left_proofs);
            let right = build_proofs(right_ids, right_proofs);
            for proof in left_proofs {
                proof.push(right);
            }
            for proof in right_proofs {
                proof.push(left);
            }
            node_hash(&left, &right)
        }
    }
}

/// Writes a header: version, flags, channel, sequence, previous, optional nonce, payload length.
pub(crate) fn write_header(
    out: &mut Vec<u8>,
    version: u8,
    channel: &ChannelId,
    sequence: u64,
    previous: &PacketId,
    nonce: Option<&[u8; NONCE_LENGTH]>,
    payload_len: u32,
) {
    out.push(version);
    out.push(if nonce.is_some() { FLAG_ENCRYPTED } else { 0 });
    out.extend_from_slice(channel.as_bytes());
    out.extend_from_slice(&sequence.to_le_bytes());
    out.extend_from_slice(previous.as_bytes());
    if let Some(nonce) = nonce {
        out.extend_from_slice(nonce);
    }
    out.extend_from_slice(&payload_len.to_le_bytes());
}
