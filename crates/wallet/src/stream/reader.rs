//! The [`Reader`]: verifies packets of one channel in order and decrypts them.

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};
use tangle_crypto::ed25519::{PublicKey, Signature};

use super::channel::{ChannelId, ChannelKey, PacketId, packet_index};
use super::packet::{Packet, PacketError, TAG_LENGTH};
use super::source::PacketSource;

/// Which check caught a tampered packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TamperCheck {
    /// The Ed25519 signature does not verify under the author's key: some signed byte changed,
    /// or someone else wrote the packet.
    Signature,
    /// The signature holds but the AEAD tag does not: the ciphertext was sealed under another
    /// key than the reader's (a wrong or stale channel key).
    Aead,
}

impl core::fmt::Display for TamperCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Signature => "Ed25519 signature",
            Self::Aead => "XChaCha20-Poly1305 authentication tag",
        })
    }
}

/// How an omission was noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OmissionCause {
    /// The sequence number jumps ahead: the packets in between are missing.
    Gap,
    /// The sequence number is the expected one but the packet names another predecessor than
    /// the last accepted packet (the author's chain forked, or the reader skipped ahead).
    PreviousMismatch,
}

/// Why a reader refused a packet. Each failure of the stream's guarantees has its own variant;
/// a refused packet leaves the reader's state unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The bytes are not a well-formed packet.
    #[error("malformed packet: {0}")]
    Malformed(#[from] PacketError),
    /// The packet belongs to another channel.
    #[error("wrong channel: packet of channel {found}, reader follows {expected}")]
    WrongChannel {
        /// The reader's channel.
        expected: ChannelId,
        /// The packet's channel.
        found: ChannelId,
    },
    /// Tampering: a signature or AEAD check failed.
    #[error("tampered packet {sequence}: the {check} does not verify")]
    Tampered {
        /// The sequence number the packet claims.
        sequence: u64,
        /// The check that failed.
        check: TamperCheck,
    },
    /// Replay: this very packet was accepted before.
    #[error("replayed packet {sequence}: it was already accepted")]
    Replayed {
        /// Its sequence number.
        sequence: u64,
    },
    /// Reordering: the packet's sequence number is not the position it was delivered at (it
    /// is behind the reader and was never accepted, or it sits at another packet's index).
    #[error("reordered packet: expected sequence {expected}, found {found}")]
    Reordered {
        /// The position the reader is at.
        expected: u64,
        /// The sequence number the packet carries.
        found: u64,
    },
    /// Fork: the author signed two different packets with this sequence number (seen when
    /// both sit at the packet's index).
    #[error("forked stream: the author signed another packet {sequence}")]
    Forked {
        /// The sequence number signed twice.
        sequence: u64,
    },
    /// Omission: packets before this one are missing.
    #[error("omitted packets: expected sequence {expected}, found {found} ({cause:?})")]
    Omitted {
        /// The position the reader is at.
        expected: u64,
        /// The sequence number of the packet that revealed the omission.
        found: u64,
        /// How it was noticed.
        cause: OmissionCause,
    },
}

/// The contents of an accepted packet.
#[derive(Clone, PartialEq, Eq)]
pub enum Contents {
    /// A public packet's payload.
    Public(Vec<u8>),
    /// An encrypted packet's payload, decrypted with the channel key.
    Decrypted(Vec<u8>),
    /// An encrypted packet, authentic but unreadable: the reader holds no channel key.
    Sealed,
}

impl core::fmt::Debug for Contents {
    // Decrypted data may be private: show lengths only.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Public(data) => write!(f, "Public({} bytes)", data.len()),
            Self::Decrypted(data) => write!(f, "Decrypted({} bytes)", data.len()),
            Self::Sealed => f.write_str("Sealed"),
        }
    }
}

/// A packet the reader accepted: authentic, in order, chained, decrypted when possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// Its sequence number.
    pub sequence: u64,
    /// Its id (the next packet names it).
    pub id: PacketId,
    /// Its contents.
    pub contents: Contents,
}

impl Opened {
    /// The readable payload: public or decrypted; `None` when sealed.
    pub fn plaintext(&self) -> Option<&[u8]> {
        match &self.contents {
            Contents::Public(data) | Contents::Decrypted(data) => Some(data),
            Contents::Sealed => None,
        }
    }
}

/// A packet fetched from a [`PacketSource`], with the other candidates found at its index
/// that were refused (forgeries, replays, misplaced packets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The accepted packet.
    pub packet: Opened,
    /// Why each other candidate at that index was refused.
    pub rejected: Vec<StreamError>,
}

/// Follows one channel of one author: checks each packet's signature, its place in the
/// sequence and the hash chain, refuses replays, and decrypts with the channel key if given.
///
/// Packets are accepted strictly in order. [`Reader::open`] takes packets as they are
/// delivered; [`Reader::fetch_next`] looks packet `n` up by its index in a [`PacketSource`].
/// The reader remembers the id of every packet it accepted (32 bytes each) to tell a replay
/// from a reordered packet; start a long-lived channel afresh with [`Reader::resume`].
///
/// Batch-signed packets (format version 2) are verified through their batch digest: the first
/// packet of a batch costs one Ed25519 verification, and the reader remembers the digests and
/// signatures of the last four verified batches so that the rest of a batch costs only the
/// hash path (a cache hit needs the very same digest *and* signature bytes).
#[derive(Clone)]
pub struct Reader {
    author: PublicKey,
    channel: ChannelId,
    channel_key: Option<ChannelKey>,
    next_sequence: u64,
    previous: PacketId,
    /// Ids of the accepted packets, sequence `first` onwards.
    accepted: Vec<PacketId>,
    first: u64,
    lookahead: u64,
    /// Batch digests (with the signature seen over them) already verified, newest last: later
    /// packets of the same batch skip the Ed25519 verification.
    verified_batches: Vec<([u8; 32], Signature)>,
}

/// How many verified batch digests a reader remembers.
const VERIFIED_BATCHES: usize = 4;

impl Reader {
    /// How many positions [`Reader::fetch_next`] probes past an empty one to tell an omission
    /// from the end of the stream, unless changed with [`Reader::with_lookahead`].
    pub const DEFAULT_LOOKAHEAD: u64 = 8;

    /// A reader of `channel` written by `author`, expecting packet 0 next.
    pub fn new(author: PublicKey, channel: ChannelId) -> Self {
        Self {
            author,
            channel,
            channel_key: None,
            next_sequence: 0,
            previous: PacketId::GENESIS,
            accepted: Vec::new(),
            first: 0,
            lookahead: Self::DEFAULT_LOOKAHEAD,
            verified_batches: Vec::new(),
        }
    }

    /// Starts mid-stream: expects packet `next_sequence`, whose predecessor is `previous`
    /// (a checkpoint the reader trusts).
    pub fn resume(
        author: PublicKey,
        channel: ChannelId,
        next_sequence: u64,
        previous: PacketId,
    ) -> Self {
        Self {
            next_sequence,
            previous,
            first: next_sequence,
            ..Self::new(author, channel)
        }
    }

    /// Decrypts encrypted packets with `key`.
    pub fn with_channel_key(mut self, key: ChannelKey) -> Self {
        self.channel_key = Some(key);
        self
    }

    /// Sets how far [`Reader::fetch_next`] looks past an empty position.
    pub fn with_lookahead(mut self, lookahead: u64) -> Self {
        self.lookahead = lookahead;
        self
    }

    /// The sequence number expected next.
    pub fn next_sequence(&self) -> u64 {
        self.next_sequence
    }

    /// The id of the last accepted packet.
    pub fn previous(&self) -> PacketId {
        self.previous
    }

    /// The channel followed.
    pub fn channel(&self) -> ChannelId {
        self.channel
    }

    /// Checks and accepts the next packet as delivered (by a subscription, a file, …).
    ///
    /// The checks run in this order, and the first failure is returned: format, channel,
    /// signature (for version 2: over the batch digest recomputed from the proof), replay (an accepted packet again), position (behind: reordered; ahead:
    /// omitted), predecessor (omitted), AEAD tag.
    pub fn open(&mut self, bytes: &[u8]) -> Result<Opened, StreamError> {
        let packet = Packet::decode(bytes)?;
        self.check_authentic(&packet)?;
        self.check_not_replayed(&packet)?;
        let found = packet.sequence();
        let expected = self.next_sequence;
        if found < expected {
            return Err(StreamError::Reordered { expected, found });
        }
        if found > expected {
            return Err(StreamError::Omitted {
                expected,
                found,
                cause: OmissionCause::Gap,
            });
        }
        self.accept(&packet)
    }

    /// Fetches the next packet from `source` by its index ([`packet_index`]).
    ///
    /// Every candidate at the index is checked as [`Reader::open`] does, except that a packet
    /// whose sequence number is not the position is [`StreamError::Reordered`] (or
    /// [`StreamError::Replayed`]); the first one that passes is accepted and why each other
    /// one was refused is reported in [`Fetched::rejected`] (a second authentic packet with
    /// the same number is [`StreamError::Forked`]). If none passes, the first refusal is
    /// returned.
    /// If the index is empty, up to the lookahead positions further are probed: an authentic
    /// packet there means [`StreamError::Omitted`]; nothing means the stream has no new
    /// packet yet (`Ok(None)`).
    pub fn fetch_next<S: PacketSource + ?Sized>(
        &mut self,
        source: &S,
    ) -> Result<Option<Fetched>, StreamError> {
        let position = self.next_sequence;
        let candidates = source.packets_at(&packet_index(&self.channel, position));
        let mut rejected = Vec::new();
        let mut accepted = None;
        for bytes in &candidates {
            if accepted.is_some() {
                rejected.push(self.recheck(position, bytes));
                continue;
            }
            match self.open_at(position, bytes) {
                Ok(packet) => accepted = Some(packet),
                Err(error) => rejected.push(error),
            }
        }
        if let Some(packet) = accepted {
            return Ok(Some(Fetched { packet, rejected }));
        }
        if let Some(first) = rejected.into_iter().next() {
            return Err(first);
        }
        for ahead in 1..=self.lookahead {
            let Some(later) = position.checked_add(ahead) else {
                break;
            };
            let found = source
                .packets_at(&packet_index(&self.channel, later))
                .iter()
                .any(|bytes| {
                    Packet::decode(bytes).is_ok_and(|packet| {
                        packet.sequence() == later && self.check_authentic(&packet).is_ok()
                    })
                });
            if found {
                return Err(StreamError::Omitted {
                    expected: position,
                    found: later,
                    cause: OmissionCause::Gap,
                });
            }
        }
        Ok(None)
    }

    /// Every packet available in `source`, in order, until the stream has nothing new or a
    /// packet is refused (returned with the packets accepted before it).
    pub fn fetch_all<S: PacketSource + ?Sized>(
        &mut self,
        source: &S,
    ) -> (Vec<Opened>, Option<StreamError>) {
        let mut opened = Vec::new();
        loop {
            match self.fetch_next(source) {
                Ok(Some(fetched)) => opened.push(fetched.packet),
                Ok(None) => return (opened, None),
                Err(error) => return (opened, Some(error)),
            }
        }
    }

    fn open_at(&mut self, position: u64, bytes: &[u8]) -> Result<Opened, StreamError> {
        let packet = Packet::decode(bytes)?;
        self.check_authentic(&packet)?;
        self.check_not_replayed(&packet)?;
        if packet.sequence() != position {
            return Err(StreamError::Reordered {
                expected: position,
                found: packet.sequence(),
            });
        }
        self.accept(&packet)
    }

    /// Why a further candidate at `position` is refused once a packet there was accepted.
    fn recheck(&self, position: u64, bytes: &[u8]) -> StreamError {
        let packet = match Packet::decode(bytes) {
            Ok(packet) => packet,
            Err(error) => return error.into(),
        };
        if let Err(error) = self
            .check_authentic(&packet)
            .and_then(|()| self.check_not_replayed(&packet))
        {
            return error;
        }
        if packet.sequence() == position {
            StreamError::Forked { sequence: position }
        } else {
            StreamError::Reordered {
                expected: position,
                found: packet.sequence(),
            }
        }
    }

    /// Channel and signature.
    fn check_authentic(&self, packet: &Packet) -> Result<(), StreamError> {
        if packet.channel() != self.channel {
            return Err(StreamError::WrongChannel {
                expected: self.channel,
                found: packet.channel(),
            });
        }
        if packet.batch().is_some() {
            let signature = packet.signature();
            let known = self
                .verified_batches
                .iter()
                .any(|(digest, seen)| digest == packet.signed_message() && *seen == signature);
            if known {
                return Ok(());
            }
        }
        self.author
            .verify(packet.signed_message(), &packet.signature())
            .map_err(|_| StreamError::Tampered {
                sequence: packet.sequence(),
                check: TamperCheck::Signature,
            })
    }

    fn check_not_replayed(&self, packet: &Packet) -> Result<(), StreamError> {
        let sequence = packet.sequence();
        let seen = sequence
            .checked_sub(self.first)
            .and_then(|offset| usize::try_from(offset).ok())
            .and_then(|offset| self.accepted.get(offset))
            .is_some_and(|id| *id == packet.id());
        if seen {
            Err(StreamError::Replayed { sequence })
        } else {
            Ok(())
        }
    }

    /// Predecessor, decryption, then the state moves on.
    fn accept(&mut self, packet: &Packet) -> Result<Opened, StreamError> {
        let sequence = packet.sequence();
        if packet.previous() != self.previous {
            return Err(StreamError::Omitted {
                expected: self.next_sequence,
                found: sequence,
                cause: OmissionCause::PreviousMismatch,
            });
        }
        let contents = if !packet.is_encrypted() {
            Contents::Public(packet.payload().to_vec())
        } else if let Some(key) = &self.channel_key {
            Contents::Decrypted(decrypt(key, packet).ok_or(StreamError::Tampered {
                sequence,
                check: TamperCheck::Aead,
            })?)
        } else {
            Contents::Sealed
        };
        self.previous = packet.id();
        self.next_sequence = sequence.saturating_add(1);
        self.accepted.push(packet.id());
        if packet.batch().is_some() {
            // Only reached after `check_authentic` verified this digest and signature.
            let entry = (*packet.signed_message(), packet.signature());
            if !self.verified_batches.contains(&entry) {
                if self.verified_batches.len() == VERIFIED_BATCHES {
                    self.verified_batches.remove(0);
                }
                self.verified_batches.push(entry);
            }
        }
        Ok(Opened {
            sequence,
            id: packet.id(),
            contents,
        })
    }
}

/// Decrypts an encrypted packet's payload; `None` if the tag does not verify.
fn decrypt(key: &ChannelKey, packet: &Packet) -> Option<Vec<u8>> {
    let nonce = packet.nonce()?;
    let payload = packet.payload();
    let split = payload.len().checked_sub(TAG_LENGTH)?;
    let (ciphertext, tag) = payload.split_at(split);
    let mut plaintext = ciphertext.to_vec();
    let cipher = XChaCha20Poly1305::new(key.as_bytes().into());
    cipher
        .decrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            packet.header(),
            &mut plaintext,
            Tag::from_slice(tag),
        )
        .ok()?;
    Some(plaintext)
}

impl core::fmt::Debug for Reader {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reader")
            .field("author", &self.author)
            .field("channel", &self.channel)
            .field("decrypts", &self.channel_key.is_some())
            .field("next_sequence", &self.next_sequence)
            .finish_non_exhaustive()
    }
}
