//! Channel identifiers, channel keys, packet ids and the Tangle index of each packet.

use core::fmt;

use rand_core::CryptoRngCore;
use tangle_crypto::ed25519::PublicKey;
use tangle_crypto::hash::blake2b_256_parts;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Domain separation of channel ids derived from an author key and a name.
const CHANNEL_DOMAIN: &[u8] = b"tangle-stream/channel/v1";
/// Domain separation of the indexation index of a packet.
const INDEX_DOMAIN: &[u8] = b"tangle-stream/index/v1";

/// Length of a channel id, a packet id and a packet index.
pub const ID_LENGTH: usize = 32;
/// Length of a channel key (XChaCha20-Poly1305).
pub const CHANNEL_KEY_LENGTH: usize = 32;

/// The 32-byte identifier of a channel. Every packet names its channel, and a reader refuses
/// packets of another channel.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelId([u8; ID_LENGTH]);

impl ChannelId {
    /// A channel id from raw bytes.
    pub const fn new(bytes: [u8; ID_LENGTH]) -> Self {
        Self(bytes)
    }

    /// The channel `name` of the author holding `author`'s key:
    /// `BLAKE2b-256("tangle-stream/channel/v1" ‖ author public key ‖ name)`.
    ///
    /// Deriving the id from the author's key keeps two authors who pick the same name apart.
    ///
    /// ```
    /// use tangle_crypto::ed25519::SigningKey;
    /// use tangle_wallet::stream::ChannelId;
    /// let author = SigningKey::from_bytes(&[1; 32]).public_key();
    /// let other = SigningKey::from_bytes(&[2; 32]).public_key();
    /// assert_ne!(ChannelId::derive(&author, b"meter"), ChannelId::derive(&other, b"meter"));
    /// ```
    pub fn derive(author: &PublicKey, name: &[u8]) -> Self {
        Self(blake2b_256_parts(&[CHANNEL_DOMAIN, author.as_ref(), name]))
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; ID_LENGTH] {
        &self.0
    }
}

impl fmt::Debug for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChannelId({self})")
    }
}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// The identity of a packet: `BLAKE2b-256("tangle-stream/packet/v1" ‖ header ‖ payload)`, i.e.
/// the hash of everything the signature covers. The next packet names it as its predecessor.
///
/// It leaves the signature out on purpose: ZIP-215 accepts several encodings of one signature,
/// so a hash over the signature bytes could be changed by anyone; this one cannot.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PacketId([u8; ID_LENGTH]);

impl PacketId {
    /// The predecessor named by the first packet (sequence number 0) of every channel.
    pub const GENESIS: Self = Self([0; ID_LENGTH]);

    /// A packet id from raw bytes.
    pub const fn new(bytes: [u8; ID_LENGTH]) -> Self {
        Self(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; ID_LENGTH] {
        &self.0
    }
}

impl fmt::Debug for PacketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PacketId({self})")
    }
}

impl fmt::Display for PacketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// The indexation index under which packet `sequence` of `channel` is published:
/// `BLAKE2b-256("tangle-stream/index/v1" ‖ channel id ‖ sequence as u64 little-endian)`, all
/// 32 bytes (an index may hold 1..=64).
///
/// A reader computes the index of packet `n` and asks a node for the messages with that index,
/// without scanning the channel. Someone who does not know the channel id cannot tell which
/// indexes belong together.
///
/// ```
/// use tangle_wallet::stream::{packet_index, ChannelId};
/// let channel = ChannelId::new([7; 32]);
/// assert_ne!(packet_index(&channel, 0), packet_index(&channel, 1));
/// assert_eq!(packet_index(&channel, 5).len(), 32);
/// ```
pub fn packet_index(channel: &ChannelId, sequence: u64) -> [u8; ID_LENGTH] {
    blake2b_256_parts(&[INDEX_DOMAIN, &channel.0, &sequence.to_le_bytes()])
}

/// The symmetric key subscribers of an encrypted channel share (XChaCha20-Poly1305).
///
/// Zeroized on drop; `Debug` never shows it. The cipher built from it for each packet wipes
/// its own copy when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ChannelKey([u8; CHANNEL_KEY_LENGTH]);

impl ChannelKey {
    /// A key from raw bytes (for example agreed out of band).
    pub fn from_bytes(bytes: [u8; CHANNEL_KEY_LENGTH]) -> Self {
        Self(bytes)
    }

    /// A fresh random key from the caller's RNG.
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        let mut key = Self([0; CHANNEL_KEY_LENGTH]);
        rng.fill_bytes(&mut key.0);
        key
    }

    /// The raw key bytes, to hand to a subscriber over a secure channel.
    pub fn as_bytes(&self) -> &[u8; CHANNEL_KEY_LENGTH] {
        &self.0
    }
}

impl fmt::Debug for ChannelKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChannelKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_debug_hides_the_key() {
        let key = ChannelKey::from_bytes([0xab; 32]);
        let shown = format!("{key:?}");
        assert!(!shown.contains("ab"), "{shown}");
        assert!(!shown.contains("171"), "{shown}");
    }

    #[test]
    fn index_depends_on_channel_and_sequence() {
        let a = ChannelId::new([1; 32]);
        let b = ChannelId::new([2; 32]);
        assert_ne!(packet_index(&a, 3), packet_index(&b, 3));
        assert_ne!(packet_index(&a, 3), packet_index(&a, 4));
        assert_eq!(packet_index(&a, 3), packet_index(&a, 3));
    }
}
