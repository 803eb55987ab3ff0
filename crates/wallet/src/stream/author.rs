//! The [`Author`]: seals packets (sign, chain, optionally encrypt) in sequence.

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand_core::CryptoRngCore;
use tangle_crypto::ed25519::{PublicKey, SIGNATURE_LENGTH, SigningKey};

use super::channel::{ChannelId, ChannelKey, PacketId};
use super::packet::{
    BATCH_FIELDS, BATCH_MAX, BatchPosition, NONCE_LENGTH, OVERHEAD_ENCRYPTED, OVERHEAD_PLAIN,
    PAYLOAD_MAX, Packet, TAG_LENGTH, VERSION, VERSION_BATCH, batch_digest, build_proofs, packet_id,
    packet_id_v2, write_header,
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
    /// A batch must hold 1 to [`BATCH_MAX`] payloads.
    #[error("a batch of {len} payloads is not between 1 and {max}")]
    BatchSize {
        /// The number of payloads given.
        len: usize,
        /// The maximum.
        max: usize,
    },
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
        let sequence = self.sequence()?;
        let (bytes, payload_start) = self.body(VERSION, sequence, &self.previous, payload, None)?;
        Ok(self.sign_and_advance(bytes, sequence, false, payload_start))
    }

    /// Seals the next packet encrypted with the channel key (XChaCha20-Poly1305, a random
    /// 24-byte nonce from `rng`, the header as associated data).
    pub fn publish_encrypted<R: CryptoRngCore + ?Sized>(
        &mut self,
        payload: &[u8],
        rng: &mut R,
    ) -> Result<Packet, SealError> {
        if self.channel_key.is_none() {
            return Err(SealError::NoChannelKey);
        }
        let sequence = self.sequence()?;
        let (bytes, payload_start) = self.body(
            VERSION,
            sequence,
            &self.previous,
            payload,
            Some(fresh_nonce(rng)),
        )?;
        Ok(self.sign_and_advance(bytes, sequence, true, payload_start))
    }

    /// Seals the next `payloads.len()` packets as one batch (format version 2): encrypted with
    /// the channel key if the author holds one, public otherwise.
    ///
    /// One Ed25519 signature over the Merkle root of the packets' ids covers the whole batch;
    /// each packet carries it with its inclusion proof, so a reader of any single packet still
    /// verifies it alone (one signature check, plus a few hashes), and a reader of the whole
    /// batch verifies the signature once. The price is latency: the author publishes `k`
    /// packets at a time, so the first reading of a batch waits for the last.
    ///
    /// All or nothing: on error no packet is sealed and the state is unchanged.
    ///
    /// ```
    /// use rand_chacha::ChaCha20Rng;
    /// use rand_core::SeedableRng;
    /// use tangle_crypto::ed25519::SigningKey;
    /// use tangle_wallet::stream::{Author, ChannelKey, Reader};
    ///
    /// let mut rng = ChaCha20Rng::seed_from_u64(3);
    /// let key = ChannelKey::generate(&mut rng);
    /// let mut author = Author::named(SigningKey::generate(&mut rng), b"meter").with_channel_key(key.clone());
    /// let packets = author.publish_batch(&[b"1.0", b"1.1", b"1.3"], &mut rng)?;
    ///
    /// let mut reader = Reader::new(author.public_key(), author.channel()).with_channel_key(key);
    /// for (packet, expected) in packets.iter().zip(["1.0", "1.1", "1.3"]) {
    ///     assert_eq!(reader.open(packet.as_bytes())?.plaintext(), Some(expected.as_bytes()));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish_batch<P: AsRef<[u8]>, R: CryptoRngCore + ?Sized>(
        &mut self,
        payloads: &[P],
        rng: &mut R,
    ) -> Result<Vec<Packet>, SealError> {
        if self.channel_key.is_some() {
            self.batch(payloads, &mut || Some(fresh_nonce(rng)))
        } else {
            self.batch(payloads, &mut || None)
        }
    }

    /// Seals the next packets as one public batch (see [`Author::publish_batch`]).
    pub fn publish_public_batch<P: AsRef<[u8]>>(
        &mut self,
        payloads: &[P],
    ) -> Result<Vec<Packet>, SealError> {
        self.batch(payloads, &mut || None)
    }

    /// Seals the next packets as one encrypted batch (see [`Author::publish_batch`]).
    pub fn publish_encrypted_batch<P: AsRef<[u8]>, R: CryptoRngCore + ?Sized>(
        &mut self,
        payloads: &[P],
        rng: &mut R,
    ) -> Result<Vec<Packet>, SealError> {
        if self.channel_key.is_none() {
            return Err(SealError::NoChannelKey);
        }
        self.batch(payloads, &mut || Some(fresh_nonce(rng)))
    }

    /// Seals a batch; `nonce` gives each packet's nonce (`None`: public).
    fn batch<P: AsRef<[u8]>>(
        &mut self,
        payloads: &[P],
        nonce: &mut dyn FnMut() -> Option<[u8; NONCE_LENGTH]>,
    ) -> Result<Vec<Packet>, SealError> {
        let count = payloads.len();
        let size = u16::try_from(count)
            .ok()
            .filter(|size| (1..=BATCH_MAX).contains(&usize::from(*size)))
            .ok_or(SealError::BatchSize {
                len: count,
                max: BATCH_MAX,
            })?;
        let first = self.sequence()?;
        // The number after the last one must exist too.
        first
            .checked_add(count as u64)
            .ok_or(SealError::SequenceExhausted)?;
        let mut bodies = Vec::with_capacity(count);
        let mut ids = Vec::with_capacity(count);
        let mut previous = self.previous;
        for (offset, payload) in payloads.iter().enumerate() {
            let sequence = first + offset as u64;
            let nonce = nonce();
            let encrypted = nonce.is_some();
            let (bytes, payload_start) =
                self.body(VERSION_BATCH, sequence, &previous, payload.as_ref(), nonce)?;
            let id = packet_id_v2(&bytes);
            bodies.push((bytes, payload_start, sequence, previous, encrypted));
            ids.push(id);
            previous = id;
        }
        let mut proofs = vec![Vec::new(); count];
        let root = build_proofs(&ids, &mut proofs);
        let digest = batch_digest(size, &root);
        let signature = self.signing_key.sign(&digest);
        let mut packets = Vec::with_capacity(count);
        let parts = bodies.into_iter().zip(proofs).zip(&ids).enumerate();
        for (position, (((mut bytes, payload_start, sequence, previous, encrypted), proof), id)) in
            parts
        {
            let payload_end = bytes.len();
            bytes.reserve_exact(BATCH_FIELDS + proof.len() * 32 + SIGNATURE_LENGTH);
            bytes.extend_from_slice(&size.to_le_bytes());
            bytes.extend_from_slice(&(position as u16).to_le_bytes());
            bytes.push(proof.len() as u8);
            for sibling in &proof {
                bytes.extend_from_slice(sibling);
            }
            bytes.extend_from_slice(signature.as_ref());
            let batch = BatchPosition {
                size,
                position: position as u16,
            };
            let packet = Packet::from_sealed(
                bytes,
                self.channel,
                sequence,
                previous,
                encrypted,
                payload_start,
                *id,
            );
            packets.push(packet.with_batch(payload_end, batch, digest));
        }
        self.previous = previous;
        self.next_sequence = first + count as u64;
        Ok(packets)
    }

    /// Header and payload of one packet (encrypted under `nonce` when given), with the
    /// payload's start.
    fn body(
        &self,
        version: u8,
        sequence: u64,
        previous: &PacketId,
        payload: &[u8],
        nonce: Option<[u8; NONCE_LENGTH]>,
    ) -> Result<(Vec<u8>, usize), SealError> {
        let Some(nonce) = nonce else {
            if payload.len() > PAYLOAD_MAX {
                return Err(SealError::PayloadTooLong {
                    len: payload.len(),
                    max: PAYLOAD_MAX,
                });
            }
            let mut bytes = Vec::with_capacity(OVERHEAD_PLAIN + payload.len());
            write_header(
                &mut bytes,
                version,
                &self.channel,
                sequence,
                previous,
                None,
                payload.len() as u32,
            );
            let payload_start = bytes.len();
            bytes.extend_from_slice(payload);
            return Ok((bytes, payload_start));
        };
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
        let mut bytes = Vec::with_capacity(OVERHEAD_ENCRYPTED + payload.len());
        write_header(
            &mut bytes,
            version,
            &self.channel,
            sequence,
            previous,
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
        Ok((bytes, payload_start))
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

/// A fresh random nonce.
fn fresh_nonce<R: CryptoRngCore + ?Sized>(rng: &mut R) -> [u8; NONCE_LENGTH] {
    let mut nonce = [0; NONCE_LENGTH];
    rng.fill_bytes(&mut nonce);
    nonce
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
