//! Batch-signed stream packets (format version 2): one Ed25519 signature over the Merkle root
//! of `k` packet ids, each packet carrying an inclusion proof. Round trips, every tampered
//! byte, foreign proofs, the chain checks across batch boundaries, the codec's new rules and
//! proptests.

use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use tangle_crypto::ed25519::SigningKey;
use tangle_crypto::hash::blake2b_256_parts;
use tangle_crypto::merkle::merkle_root;
use tangle_wallet::stream::packet::{BATCH_MAX, Field, VERSION, VERSION_BATCH};
use tangle_wallet::stream::{
    Author, BatchPosition, ChannelKey, IndexedPayloads, OmissionCause, Packet, PacketError,
    PacketId, Reader, SealError, StreamError, TamperCheck,
};

fn author(encrypted: bool) -> (Author, ChannelKey, ChaCha20Rng) {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let key = ChannelKey::generate(&mut rng);
    let mut author = Author::named(SigningKey::from_bytes(&[8; 32]), b"batch");
    if encrypted {
        author = author.with_channel_key(key.clone());
    }
    (author, key, rng)
}

fn reader(author: &Author, key: &ChannelKey) -> Reader {
    Reader::new(author.public_key(), author.channel()).with_channel_key(key.clone())
}

fn payloads(from: usize, count: usize) -> Vec<Vec<u8>> {
    (from..from + count)
        .map(|i| format!("reading {i}").into_bytes())
        .collect()
}

/// Byte offset where the batch fields of a public packet with `payload_len` bytes start.
fn batch_fields_at(payload_len: usize) -> usize {
    1 + 1 + 32 + 8 + 32 + 4 + payload_len
}

#[test]
fn batches_of_many_sizes_round_trip() {
    for encrypted in [true, false] {
        let (mut author, key, mut rng) = author(encrypted);
        let mut reader = reader(&author, &key);
        let mut next = 0;
        for size in [1, 2, 3, 5, 16, 17, 31, 64] {
            let data = payloads(next, size);
            let packets = author.publish_batch(&data, &mut rng).expect("seal");
            assert_eq!(packets.len(), size);
            for (position, (packet, payload)) in packets.iter().zip(&data).enumerate() {
                let decoded = Packet::decode(packet.as_bytes()).expect("decode");
                assert_eq!(&decoded, packet);
                assert_eq!(decoded.version(), VERSION_BATCH);
                assert_eq!(decoded.is_encrypted(), encrypted);
                assert_eq!(
                    decoded.batch(),
                    Some(BatchPosition {
                        size: size as u16,
                        position: position as u16
                    })
                );
                let opened = reader.open(packet.as_bytes()).expect("open");
                assert_eq!(opened.sequence, next as u64);
                assert_eq!(opened.plaintext(), Some(payload.as_slice()));
                next += 1;
            }
        }
        assert_eq!(author.next_sequence(), next as u64);
        assert_eq!(reader.previous(), author.previous());
    }
}

#[test]
fn the_signature_covers_the_tip4_root_of_the_batch_ids() {
    let (mut author, _, mut rng) = author(true);
    for size in [1usize, 2, 3, 7, 16] {
        let packets = author
            .publish_batch(&payloads(0, size), &mut rng)
            .expect("seal");
        let ids: Vec<[u8; 32]> = packets.iter().map(|p| *p.id().as_bytes()).collect();
        let root = merkle_root(&ids);
        let digest = blake2b_256_parts(&[
            b"tangle-stream/batch/v2",
            &(size as u16).to_le_bytes(),
            &root,
        ]);
        for packet in &packets {
            assert_eq!(packet.signed_message(), &digest);
            assert_eq!(packet.signature(), packets[0].signature());
            assert!(
                author
                    .public_key()
                    .verify(&digest, &packet.signature())
                    .is_ok()
            );
        }
    }
}

#[test]
fn version_1_and_batches_share_one_chain() {
    let (mut author, key, mut rng) = author(true);
    let mut packets = vec![author.publish(b"single 0", &mut rng).expect("seal")];
    packets.extend(
        author
            .publish_batch(&[b"a".as_slice(), b"b", b"c"], &mut rng)
            .expect("seal"),
    );
    packets.push(author.publish(b"single 4", &mut rng).expect("seal"));
    packets.extend(author.publish_public_batch(&[b"d", b"e"]).expect("seal"));
    assert_eq!(packets[0].version(), VERSION);
    assert_eq!(packets[4].version(), VERSION);
    // The author holds a channel key, but asked for a public batch.
    assert!(packets[1].is_encrypted());
    assert!(!packets[5].is_encrypted());
    for packet in &packets {
        assert_eq!(&Packet::decode(packet.as_bytes()).expect("decode"), packet);
    }
    for window in packets.windows(2) {
        assert_eq!(window[1].previous(), window[0].id());
    }
    // Pulled by index too.
    let mut index = IndexedPayloads::default();
    for packet in &packets {
        index.insert(&packet.to_indexation_payload().expect("payload"));
    }
    let (opened, error) = reader(&author, &key).fetch_all(&index);
    assert_eq!(error, None);
    assert_eq!(opened.len(), 7);
    assert_eq!(opened[6].plaintext(), Some(&b"e"[..]));
}

#[test]
fn tampering_any_byte_of_any_packet_in_a_batch_is_detected() {
    let (mut author, key, mut rng) = author(true);
    let packets = author
        .publish_batch(&[b"x".as_slice(), b"yy", b"zzz", b"w"], &mut rng)
        .expect("seal");
    let mut ready = reader(&author, &key);
    for packet in &packets {
        let mut tampered_count = 0;
        let bytes = packet.as_bytes();
        for position in 0..bytes.len() {
            let mut forged = bytes.to_vec();
            forged[position] ^= 0x10;
            // `ready` has accepted the packets before this one, so the batch's root is
            // cached for all but the first: the forgery must still fail.
            let mut probe = ready.clone();
            match probe.open(&forged) {
                Err(StreamError::Tampered {
                    check: TamperCheck::Signature,
                    ..
                }) => tampered_count += 1,
                // Structural fields (version, flags, lengths, batch size, position) fail the
                // codec, the channel id fails the channel check.
                Err(StreamError::Malformed(_)) => {}
                Err(StreamError::WrongChannel { .. }) => assert!((2..34).contains(&position)),
                other => panic!("byte {position}: {other:?}"),
            }
            assert_eq!(probe.next_sequence(), ready.next_sequence());
        }
        // Every byte of sequence, previous id (except packet 0's, which the codec checks),
        // nonce, ciphertext, tag, proof and signature fails the signature check.
        let previous = if packet.sequence() == 0 { 0 } else { 32 };
        let authenticator = bytes.len() - batch_fields_at(packet.payload().len() + 24) - 5;
        assert!(
            tampered_count >= previous + 24 + packet.payload().len() + authenticator,
            "packet {}: {tampered_count}",
            packet.sequence()
        );
        ready.open(bytes).expect("genuine packet opens");
    }
}

#[test]
fn a_proof_or_signature_from_another_batch_is_rejected() {
    let (mut author, key, mut rng) = author(false);
    let first = author
        .publish_batch(&payloads(0, 4), &mut rng)
        .expect("seal");
    let second = author
        .publish_batch(&payloads(4, 4), &mut rng)
        .expect("seal");
    // Packet 1's header and payload with the authentication fields of packet 5 (same batch
    // size and position, so the codec accepts it).
    let body_end = batch_fields_at(first[1].payload().len());
    let mut spliced = first[1].as_bytes()[..body_end].to_vec();
    spliced.extend_from_slice(&second[1].as_bytes()[batch_fields_at(second[1].payload().len())..]);
    let mut reader = reader(&author, &key);
    reader.open(first[0].as_bytes()).expect("open");
    assert_eq!(
        reader.open(&spliced),
        Err(StreamError::Tampered {
            sequence: 1,
            check: TamperCheck::Signature
        })
    );
    // Only the signature swapped: the cached root of the first batch does not help.
    let mut swapped = first[1].as_bytes().to_vec();
    let len = swapped.len();
    swapped[len - 64..].copy_from_slice(&second[0].as_bytes()[second[0].as_bytes().len() - 64..]);
    assert!(matches!(
        reader.open(&swapped),
        Err(StreamError::Tampered { .. })
    ));
    reader.open(first[1].as_bytes()).expect("genuine opens");
}

#[test]
fn drops_reorders_and_replays_are_detected_across_batch_boundaries() {
    let (mut author, key, mut rng) = author(true);
    let mut packets = author
        .publish_batch(&payloads(0, 3), &mut rng)
        .expect("seal");
    packets.extend(
        author
            .publish_batch(&payloads(3, 3), &mut rng)
            .expect("seal"),
    );
    // A fork: the same key re-signs a different batch for positions 0..3.
    let mut forker = Author::resume(
        SigningKey::from_bytes(&[8; 32]),
        author.channel(),
        0,
        PacketId::GENESIS,
    )
    .with_channel_key(key.clone());
    let forked = forker
        .publish_batch(&payloads(100, 3), &mut rng)
        .expect("seal");

    let mut reader = reader(&author, &key);
    for packet in &packets[..3] {
        reader.open(packet.as_bytes()).expect("open");
    }
    // Drop packet 3 (the first of the second batch).
    assert_eq!(
        reader.open(packets[4].as_bytes()),
        Err(StreamError::Omitted {
            expected: 3,
            found: 4,
            cause: OmissionCause::Gap
        })
    );
    // Replay the last packet of the first batch.
    assert_eq!(
        reader.open(packets[2].as_bytes()),
        Err(StreamError::Replayed { sequence: 2 })
    );
    // An old, never accepted packet (from the fork): reordering.
    assert_eq!(
        reader.open(forked[1].as_bytes()),
        Err(StreamError::Reordered {
            expected: 3,
            found: 1
        })
    );
    reader.open(packets[3].as_bytes()).expect("open 3");
    // Swap 4 and 5: 5 first is an omission, then both open in order.
    assert!(matches!(
        reader.open(packets[5].as_bytes()),
        Err(StreamError::Omitted { .. })
    ));
    reader.open(packets[4].as_bytes()).expect("open 4");
    reader.open(packets[5].as_bytes()).expect("open 5");
    assert_eq!(
        reader.open(packets[3].as_bytes()),
        Err(StreamError::Replayed { sequence: 3 })
    );

    // A reader that took the fork's packet 0 sees the genuine packet 1 as an omission.
    let mut other = Reader::new(author.public_key(), author.channel()).with_channel_key(key);
    other.open(forked[0].as_bytes()).expect("fork 0");
    assert_eq!(
        other.open(packets[1].as_bytes()),
        Err(StreamError::Omitted {
            expected: 1,
            found: 1,
            cause: OmissionCause::PreviousMismatch
        })
    );
}

#[test]
fn batch_sealing_rules() {
    let (mut author, _, mut rng) = author(false);
    let empty: [&[u8]; 0] = [];
    assert_eq!(
        author.publish_batch(&empty, &mut rng),
        Err(SealError::BatchSize {
            len: 0,
            max: BATCH_MAX
        })
    );
    let too_many = vec![b"x".as_slice(); BATCH_MAX + 1];
    assert_eq!(
        author.publish_batch(&too_many, &mut rng),
        Err(SealError::BatchSize {
            len: BATCH_MAX + 1,
            max: BATCH_MAX
        })
    );
    assert_eq!(
        author.publish_encrypted_batch(&[b"x"], &mut rng),
        Err(SealError::NoChannelKey)
    );
    // A payload too long in the middle: nothing is sealed.
    let long = vec![0; 32_001];
    assert!(matches!(
        author.publish_batch(&[b"ok".as_slice(), &long, b"ok"], &mut rng),
        Err(SealError::PayloadTooLong { .. })
    ));
    assert_eq!(author.next_sequence(), 0);
    assert_eq!(author.previous(), PacketId::GENESIS);
    // The sequence numbers of the whole batch must exist.
    let mut late = Author::resume(
        SigningKey::from_bytes(&[8; 32]),
        author.channel(),
        u64::MAX - 2,
        PacketId::new([1; 32]),
    );
    assert_eq!(
        late.publish_public_batch(&[b"a", b"b", b"c"]),
        Err(SealError::SequenceExhausted)
    );
    assert_eq!(
        late.publish_public_batch(&[b"a", b"b"]).map(|p| p.len()),
        Ok(2)
    );
    // A full batch: proofs of 8 hashes.
    let full = vec![b"x".as_slice(); BATCH_MAX];
    let packets = author.publish_public_batch(&full).expect("seal");
    let at = batch_fields_at(1);
    assert_eq!(packets[255].as_bytes()[at + 4], 8);
    let mut reader = Reader::new(author.public_key(), author.channel());
    for packet in &packets {
        assert!(reader.open(packet.as_bytes()).is_ok());
    }
    assert_eq!(reader.next_sequence(), BATCH_MAX as u64);
}

/// A public batch packet: size 3, position 2 (proof of one hash).
fn v2_packet() -> Vec<u8> {
    let (mut author, _, _) = author(false);
    let packets = author
        .publish_public_batch(&[b"p".as_slice(), b"q", b"payload"])
        .expect("seal");
    packets[2].as_bytes().to_vec()
}

#[test]
fn decode_rejects_each_broken_batch_rule() {
    let good = v2_packet();
    let at = batch_fields_at(7);
    assert_eq!(&good[at..at + 5], &[3, 0, 2, 0, 1]);
    assert_eq!(good.len(), at + 5 + 32 + 64);

    for size in [0u16, BATCH_MAX as u16 + 1, u16::MAX] {
        let mut bad = good.clone();
        bad[at..at + 2].copy_from_slice(&size.to_le_bytes());
        assert_eq!(
            Packet::decode(&bad),
            Err(PacketError::BatchSize {
                size,
                max: BATCH_MAX
            })
        );
    }
    for position in [3u16, 4, u16::MAX] {
        let mut bad = good.clone();
        bad[at + 2..at + 4].copy_from_slice(&position.to_le_bytes());
        assert_eq!(
            Packet::decode(&bad),
            Err(PacketError::PositionOutOfBatch { position, size: 3 })
        );
    }
    for found in [0u8, 2, 9, 255] {
        let mut bad = good.clone();
        bad[at + 4] = found;
        assert_eq!(
            Packet::decode(&bad),
            Err(PacketError::ProofLength {
                expected: 1,
                found: usize::from(found)
            })
        );
    }
    // Position 0 of 3 sits two levels deep: the same one-hash proof is now too short.
    let mut bad = good.clone();
    bad[at + 2] = 0;
    assert_eq!(
        Packet::decode(&bad),
        Err(PacketError::ProofLength {
            expected: 2,
            found: 1
        })
    );
    let mut bad = good.clone();
    bad.push(7);
    assert_eq!(
        Packet::decode(&bad),
        Err(PacketError::TrailingBytes { count: 1 })
    );
    let cases = [
        (at, Field::BatchSize),
        (at + 1, Field::BatchSize),
        (at + 2, Field::Position),
        (at + 4, Field::ProofLength),
        (at + 5, Field::Proof),
        (at + 36, Field::Proof),
        (at + 37, Field::Signature),
        (good.len() - 1, Field::Signature),
    ];
    for (len, field) in cases {
        assert_eq!(
            Packet::decode(&good[..len]),
            Err(PacketError::Truncated { field }),
            "cut at {len}"
        );
    }
    // The reader names the rule too.
    let (author, key, _) = author(false);
    let mut bad = good.clone();
    bad[at] = 0;
    assert!(matches!(
        reader(&author, &key).open(&bad),
        Err(StreamError::Malformed(PacketError::BatchSize {
            size: 0,
            ..
        }))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn batch_codec_round_trip(
        payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..120), 1..20),
        encrypt in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let key = ChannelKey::generate(&mut rng);
        let mut author = Author::named(SigningKey::generate(&mut rng), b"prop");
        if encrypt {
            author = author.with_channel_key(key.clone());
        }
        let packets = author.publish_batch(&payloads, &mut rng).expect("seal");
        let mut reader = reader(&author, &key);
        for (i, (packet, payload)) in packets.iter().zip(&payloads).enumerate() {
            let decoded = Packet::decode(packet.as_bytes()).expect("decode");
            prop_assert_eq!(&decoded, packet);
            prop_assert_eq!(decoded.sequence(), i as u64);
            prop_assert_eq!(decoded.payload(), packet.payload());
            let opened = reader.open(packet.as_bytes()).expect("open");
            prop_assert_eq!(opened.plaintext(), Some(payload.as_slice()));
        }
    }

    #[test]
    fn version_2_decode_never_panics(
        tail in proptest::collection::vec(any::<u8>(), 0..400),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        // Arbitrary bytes behind a version-2 byte.
        let mut bytes = vec![VERSION_BATCH];
        bytes.extend_from_slice(&tail);
        if let Ok(packet) = Packet::decode(&bytes) {
            prop_assert_eq!(packet.as_bytes(), bytes.as_slice());
        }
        // A genuine packet cut short or with one bit flipped.
        let good = v2_packet();
        let _ = Packet::decode(&good[..cut.index(good.len())]);
        let mut mutated = good.clone();
        mutated[flip.index(good.len())] ^= 1 << bit;
        if let Ok(packet) = Packet::decode(&mutated) {
            prop_assert_eq!(packet.as_bytes(), mutated.as_slice());
            let (author, key, _) = author(false);
            prop_assert!(reader(&author, &key).open(&mutated).is_err());
        }
    }
}
