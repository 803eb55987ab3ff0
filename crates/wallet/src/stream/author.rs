//! The [`Author`]: seals packets (sign, chain, optionally encrypt) in sequence.

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand_core::CryptoRngCore;
use tangle_crypto::ed25519::{PublicKey, SIGNATURE_LENGTH, SigningKey};

use super::channel::{ChannelId, ChannelKey, PacketId};
use super::packet::{
    NONCE_LENGTH, OVERHEAD_ENCRYPTED, OVERHEAD_PLAIN, PAYLOAD_MAX, Packet, TAG_LENGTH, packet_id,
    write_header,
};

/// Why a packet could not be sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The payload (with the tag, when encrypted) exceeds [`PAYLOAD_MAX`].
    #[error("payload of {len} bytes exceeds the maximum of {max} for this packet kind")]
    PayloadTooLong {
        /// The plaintext length.
        len: usize,
        /// The largest plaintext allowed.
        max: usize,
    },
    /// The sequence number would overflow `u64`.
    #[error("the channel's sequence numbers are exhausted")]
    SequenceExhausted,
    /// The author holds no channel key, so it cannot encrypt.
    #[error("no channel key: this author publishes public packets only")]
    NoChannelKey,
    /// The AEAD refused to encrypt (only possible for absurd lengths).
    #[error("encryption failed")]
    Encryption,
}

/// Publishes the packets of one channel: numbers them, chains each to the one before, signs
/// them with the author's Ed25519 key and, when it holds the channel key, encrypts them.
///
/// The state (next sequence number, last packet id) lives here; [`Author::resume`] restores it
/// after a restart. Publishing two different packets with one sequence number is a fork that
/// readers report, so keep the state.
///
/// ```
/// use rand_chacha::ChaCha20Rng;
/// use rand_core::SeedableRng;
/// use tangle_crypto::ed25519::SigningKey;
/// use tangle_wallet::stream::{Author, ChannelKey, Reader};
///
/// let mut rng = ChaCha20Rng::seed_from_u64(1);
/// let key = ChannelKey::generate(&mut rng);
/// let mut author = Author::named(SigningKey::generate(&mut rng), b"meter").with_channel_key(key.clone());
/// let packet = author.publish(b"12.5 kWh", &mut rng)?;
///
/// let mut reader = Reader::new(author.public_key(), author.channel()).with_channel_key(key);
/// let opened = reader.open(packet.as_bytes())?;
/// assert_eq!(opened.plaintext(), Some(&b"12.5 kWh"[..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Author {
    signing_key: SigningKey,
    channel: ChannelId,
    channel_key: Option<ChannelKey>,
    next_sequence: u64,
    previous: PacketId,
}

impl Author {
    /// An author of `channel`, starting at packet 0, publishing public packets until given a
    /// channel key.
    pub fn new(signing_key: SigningKey, channel: ChannelId) -> Self {
        Self {
            signing_key,
            channel,
            channel_key: None,
            next_sequence: 0,
            previous: PacketId::GENESIS,
        }
    }

    /// An author of the channel `name` derived from its key ([`ChannelId::derive`]).
    pub fn named(signing_key: SigningKey, name: &[u8]) -> Self {
        let channel = ChannelId::derive(&signing_key.public_key(), name);
        Self::new(signing_key, channel)
    }

    /// Continues a channel after a restart: `next_sequence` is the number of the next packet and
    /// `previous` the id of the last one published.
    pub fn resume(
        signing_key: SigningKey,
        channel: ChannelId,
        next_sequence: u64,
        previous: PacketId,
    ) -> Self {
        Self {
            next_sequence,
            previous,
            ..Self::new(signing_key, channel)
        }
    }

    /// Encrypts every packet of [`Author::publish`] with `key`, which subscribers hold.
    pub fn with_channel_key(mut self, key: ChannelKey) -> Self {
        self.channel_key = Some(key);
        self
    }

    /// The author's public key, which readers verify against.
    pub fn public_key(&self) -> PublicKey {
        self.signing_key.public_key()
    }

    /// The channel.
    pub fn channel(&self) -> ChannelId {
        self.channel
    }

    /// The sequence number of the next packet.
    pub fn next_sequence(&self) -> u64 {
        self.next_sequence
    }

    /// The id of the last packet published ([`PacketId::GENESIS`] before the first).
    pub fn previous(&self) -> PacketId {
        self.previous
    }

    /// Seals the next packet: encrypted with the channel key if the author holds one (a fresh
    /// random 24-byte nonce from `rng`), public otherwise.
    pub fn publish<R: CryptoRngCore + ?Sized>(
        &mut self,
        payload: &[u8],
        rng: &mut R,
    ) -> Result<Packet, SealError> {
        if self.channel_key.is_some() {
            self.publish_encrypted(payload, rng)
        } else {
            self.publish_public(payload)
        }
    }

    /// Seals the next packet in the clear (signed and chained, readable by anyone).
    pub fn publish_public(&mut self, payload: &[u8]) -> Result<Packet, SealError> {
        if payload.len() > PAYLOAD_MAX {
            return Err(SealError::PayloadTooLong {
                len: payload.len(),
                max: PAYLOAD_MAX,
            });
        }
        let sequence = self.sequence()?;
        let mut bytes = Vec::with_capacity(OVERHEAD_PLAIN + payload.len());
        write_header(
            &mut bytes,
            &self.channel,
            sequence,
            &self.previous,
            None,
            payload.len() as u32,
        );
        let payload_start = bytes.len();
        bytes.extend_from_slice(payload);
        Ok(self.sign_and_advance(bytes, sequence, false, payload_start))
    }

    /// Seals the next packet encrypted with the channel key (XChaCha20-Poly1305, a random
    /// 24-byte nonce from `rng`, the header as associated data).
    pub fn publish_encrypted<R: CryptoRngCore + ?Sized>(
        &mut self,
        payload: &[u8],
        rng: &mut R,
    ) -> Result<Packet, SealError> {
        let Some(key) = &self.channel_key else {
            return Err(SealError::NoChannelKey);
        };
        let max = PAYLOAD_MAX - TAG_LENGTH;
        if payload.len() > max {
            return Err(SealError::PayloadTooLong {
                len: payload.len(),
                max,
            });
        }
        let sequence = self.sequence()?;
        let mut nonce = [0; NONCE_LENGTH];
        rng.fill_bytes(&mut nonce);
        let mut bytes = Vec::with_capacity(OVERHEAD_ENCRYPTED + payload.len());
        write_header(
            &mut bytes,
            &self.channel,
            sequence,
            &self.previous,
            Some(&nonce),
            (payload.len() + TAG_LENGTH) as u32,
        );
        let payload_start = bytes.len();
        bytes.extend_from_slice(payload);
        let cipher = XChaCha20Poly1305::new(key.as_bytes().into());
        let (header, body) = bytes.split_at_mut(payload_start);
        let tag = cipher
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), header, body)
            .map_err(|_| SealError::Encryption)?;
        bytes.extend_from_slice(&tag);
        Ok(self.sign_and_advance(bytes, sequence, true, payload_start))
    }

    fn sequence(&self) -> Result<u64, SealError> {
        // The number after this one must exist too, so the author's state stays meaningful.
        self.next_sequence
            .checked_add(1)
            .map(|_| self.next_sequence)
            .ok_or(SealError::SequenceExhausted)
    }

    fn sign_and_advance(
        &mut self,
        mut bytes: Vec<u8>,
        sequence: u64,
        encrypted: bool,
        payload_start: usize,
    ) -> Packet {
        let id = packet_id(&bytes);
        let signature = self.signing_key.sign(id.as_bytes());
        bytes.reserve_exact(SIGNATURE_LENGTH);
        bytes.extend_from_slice(signature.as_ref());
        let packet = Packet::from_sealed(
            bytes,
            self.channel,
            sequence,
            self.previous,
            encrypted,
            payload_start,
            id,
        );
        self.previous = id;
        self.next_sequence = sequence + 1;
        packet
    }
}

impl core::fmt::Debug for Author {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Author")
            .field("public_key", &self.public_key())
            .field("channel", &self.channel)
            .field("encrypts", &self.channel_key.is_some())
            .field("next_sequence", &self.next_sequence)
            .finish_non_exhaustive()
    }
}
