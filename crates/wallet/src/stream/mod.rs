//! Authenticated data streams: an author publishes a sequence of signed, hash-chained and
//! optionally encrypted packets on a channel; readers verify and decrypt them.
//!
//! - [`Author`] seals packet `n`: channel id, sequence number `n`, the id of packet `n − 1`,
//!   the payload (encrypted with XChaCha20-Poly1305 under the [`ChannelKey`] when the author
//!   holds one; fresh random 24-byte nonce from the caller's RNG; the header as associated data)
//!   and an Ed25519 signature over all of it. The byte format is documented in [`packet`].
//! - Packets travel as indexation payloads ([`Packet::to_indexation_payload`]) under the index
//!   [`packet_index`]`(channel, n)` = BLAKE2b-256 of a domain tag, the channel id and `n`, so a
//!   reader finds packet `n` with one index lookup ([`PacketSource`]) instead of scanning.
//! - [`Reader`] holds the author's public key (and the channel key to decrypt), accepts packets
//!   strictly in order and names each failure: [`StreamError::Tampered`] (bad signature or
//!   AEAD tag), [`StreamError::Reordered`], [`StreamError::Omitted`] (gap, or predecessor
//!   mismatch), [`StreamError::Replayed`], [`StreamError::WrongChannel`],
//!   [`StreamError::Forked`] (two packets signed with one number) and
//!   [`StreamError::Malformed`] for bytes that are not a packet.
//!
//! - Batch mode: [`Author::publish_batch`] seals `k` packets (1 to 256) at once and signs the
//!   Merkle root of their ids once (format version 2, see [`packet`]); each packet carries the
//!   signature and its inclusion proof, so it is still verifiable alone. The [`Reader`]
//!   recomputes the root from the packet's id and proof, verifies the signature over it, and
//!   remembers verified roots (the last four batches), so the other packets of a batch cost
//!   only a few hashes. A tampered packet or a proof from another batch fails as
//!   [`TamperCheck::Signature`]; the chain, replay, omission and reorder checks are the same
//!   as for version 1, and both versions can alternate on one channel.
//!
//!   The trade-off: the author publishes `k` packets at a time, so the first reading of a
//!   batch is delayed until the `k`-th exists (latency of `k` readings), and every packet
//!   grows by 5 bytes plus 32 per proof level (≤ 8 levels, 261 bytes for 256). In exchange
//!   sealing costs one signature per batch instead of per packet, and a reader following the
//!   stream verifies one signature per batch; a reader that fetches a single packet still
//!   verifies one signature, as in version 1.
//!
//! Keys ([`ChannelKey`], the author's `SigningKey`) are zeroized on drop and never shown by
//! `Debug`; neither is decrypted data.
//!
//! ```
//! use rand_chacha::ChaCha20Rng;
//! use rand_core::SeedableRng;
//! use tangle_crypto::ed25519::SigningKey;
//! use tangle_wallet::stream::{Author, ChannelKey, IndexedPayloads, Reader, StreamError, TamperCheck};
//!
//! let mut rng = ChaCha20Rng::seed_from_u64(7);
//! let key = ChannelKey::generate(&mut rng);
//! let mut sensor = Author::named(SigningKey::generate(&mut rng), b"temperature")
//!     .with_channel_key(key.clone());
//!
//! // Publish three readings as indexation payloads (here into a local index; on a node,
//! // inside messages).
//! let mut tangle = IndexedPayloads::default();
//! for reading in ["20.5", "20.7", "21.0"] {
//!     let packet = sensor.publish(reading.as_bytes(), &mut rng)?;
//!     tangle.insert(&packet.to_indexation_payload()?);
//! }
//!
//! let mut reader = Reader::new(sensor.public_key(), sensor.channel()).with_channel_key(key);
//! let (readings, error) = reader.fetch_all(&tangle);
//! assert_eq!(error, None);
//! assert_eq!(readings[2].plaintext(), Some(&b"21.0"[..]));
//!
//! // A flipped bit anywhere is caught.
//! let mut forged = sensor.publish(b"21.2", &mut rng)?.into_bytes();
//! forged[80] ^= 1;
//! assert!(matches!(
//!     reader.open(&forged),
//!     Err(StreamError::Tampered { sequence: 3, check: TamperCheck::Signature })
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod author;
mod channel;
pub mod packet;
mod reader;
mod source;

pub use author::{Author, SealError};
pub use channel::{CHANNEL_KEY_LENGTH, ChannelId, ChannelKey, ID_LENGTH, PacketId, packet_index};
pub use packet::{BatchPosition, Packet, PacketError};
pub use reader::{Contents, Fetched, OmissionCause, Opened, Reader, StreamError, TamperCheck};
pub use source::{IndexedPayloads, PacketSource, indexation_of};
