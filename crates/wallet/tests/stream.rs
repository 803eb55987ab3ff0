//! Authenticated data streams: every guarantee is attacked once (tamper, drop, reorder,
//! replay, wrong key, wrong channel), in push mode (`Reader::open`) and pull mode
//! (`Reader::fetch_next` by index), plus the codec's rejection rules and a proptest round trip.

use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use tangle_crypto::ed25519::SigningKey;
use tangle_wallet::stream::packet::{
    FLAG_ENCRYPTED, Field, OVERHEAD_ENCRYPTED, OVERHEAD_PLAIN, PAYLOAD_MAX, TAG_LENGTH,
};
use tangle_wallet::stream::{
    Author, ChannelId, ChannelKey, Contents, IndexedPayloads, OmissionCause, Packet, PacketError,
    PacketId, Reader, SealError, StreamError, TamperCheck, packet_index,
};

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(42)
}

/// An encrypting author, its channel key, and `count` packets with payloads "reading i".
fn stream(count: usize) -> (Author, ChannelKey, Vec<Packet>, ChaCha20Rng) {
    let mut rng = rng();
    let key = ChannelKey::generate(&mut rng);
    let mut author =
        Author::named(SigningKey::from_bytes(&[1; 32]), b"meter").with_channel_key(key.clone());
    let packets = (0..count)
        .map(|i| {
            author
                .publish(format!("reading {i}").as_bytes(), &mut rng)
                .expect("seal")
        })
        .collect();
    (author, key, packets, rng)
}

fn reader(author: &Author, key: &ChannelKey) -> Reader {
    Reader::new(author.public_key(), author.channel()).with_channel_key(key.clone())
}

fn index_of(packets: &[&Packet]) -> IndexedPayloads {
    let mut index = IndexedPayloads::default();
    for packet in packets {
        index.insert(&packet.to_indexation_payload().expect("payload"));
    }
    index
}

#[test]
fn in_order_packets_open_and_decrypt() {
    let (author, key, packets, _) = stream(4);
    let mut reader = reader(&author, &key);
    for (i, packet) in packets.iter().enumerate() {
        let opened = reader.open(packet.as_bytes()).expect("open");
        assert_eq!(opened.sequence, i as u64);
        assert_eq!(opened.id, packet.id());
        assert_eq!(
            opened.contents,
            Contents::Decrypted(format!("reading {i}").into_bytes())
        );
    }
    assert_eq!(reader.next_sequence(), 4);
    assert_eq!(reader.previous(), packets[3].id());
    // The ciphertext does not contain the plaintext.
    assert!(!packets[0].as_bytes().windows(9).any(|w| w == b"reading 0"));
}

#[test]
fn chain_links_each_packet_to_the_one_before() {
    let (_, _, packets, _) = stream(3);
    assert_eq!(packets[0].previous(), PacketId::GENESIS);
    assert_eq!(packets[1].previous(), packets[0].id());
    assert_eq!(packets[2].previous(), packets[1].id());
    assert_eq!(packets[2].sequence(), 2);
}

#[test]
fn public_packets_are_readable_without_a_key() {
    let mut author = Author::named(SigningKey::from_bytes(&[2; 32]), b"public");
    let packet = author.publish(b"hello", &mut rng()).expect("seal");
    assert!(!packet.is_encrypted());
    let mut reader = Reader::new(author.public_key(), author.channel());
    let opened = reader.open(packet.as_bytes()).expect("open");
    assert_eq!(opened.contents, Contents::Public(b"hello".to_vec()));
}

#[test]
fn encrypted_packets_without_the_key_verify_but_stay_sealed() {
    let (author, _, packets, _) = stream(2);
    let mut reader = Reader::new(author.public_key(), author.channel());
    let opened = reader.open(packets[0].as_bytes()).expect("open");
    assert_eq!(opened.contents, Contents::Sealed);
    assert_eq!(opened.plaintext(), None);
    assert!(reader.open(packets[1].as_bytes()).is_ok());
}

#[test]
fn tampering_with_any_signed_byte_or_the_signature_is_detected() {
    let (author, key, packets, _) = stream(1);
    let bytes = packets[0].as_bytes();
    // One byte in each region: flags/channel/sequence are covered by the decoder or the
    // signature; test previous id, nonce, ciphertext, tag and signature.
    let positions = [36, 80, 105, bytes.len() - 70, bytes.len() - 1];
    for position in positions {
        let mut forged = bytes.to_vec();
        forged[position] ^= 0x04;
        let mut reader = reader(&author, &key);
        // (The sequence number reported is the one the forged packet claims.)
        assert!(
            matches!(
                reader.open(&forged),
                Err(StreamError::Tampered {
                    check: TamperCheck::Signature,
                    ..
                })
            ),
            "byte {position}"
        );
        // Nothing was accepted: the genuine packet still opens.
        assert!(reader.open(bytes).is_ok());
    }
}

#[test]
fn a_packet_signed_by_someone_else_is_tampering() {
    let (author, key, _, mut rng) = stream(0);
    let mut impostor = Author::new(SigningKey::from_bytes(&[9; 32]), author.channel())
        .with_channel_key(key.clone());
    let forged = impostor.publish(b"fake reading", &mut rng).expect("seal");
    assert_eq!(
        reader(&author, &key).open(forged.as_bytes()),
        Err(StreamError::Tampered {
            sequence: 0,
            check: TamperCheck::Signature
        })
    );
}

#[test]
fn the_wrong_channel_key_fails_the_aead_check() {
    let (author, _, packets, mut rng) = stream(1);
    let wrong = ChannelKey::generate(&mut rng);
    let mut reader = reader(&author, &wrong);
    assert_eq!(
        reader.open(packets[0].as_bytes()),
        Err(StreamError::Tampered {
            sequence: 0,
            check: TamperCheck::Aead
        })
    );
    assert_eq!(
        reader.next_sequence(),
        0,
        "a refused packet changes nothing"
    );
}

#[test]
fn a_packet_of_another_channel_is_refused() {
    let (author, key, _, mut rng) = stream(0);
    let mut other =
        Author::named(SigningKey::from_bytes(&[1; 32]), b"other").with_channel_key(key.clone());
    let packet = other.publish(b"x", &mut rng).expect("seal");
    assert_eq!(
        reader(&author, &key).open(packet.as_bytes()),
        Err(StreamError::WrongChannel {
            expected: author.channel(),
            found: other.channel()
        })
    );
}

#[test]
fn a_dropped_packet_is_an_omission() {
    let (author, key, packets, _) = stream(4);
    let mut reader = reader(&author, &key);
    reader.open(packets[0].as_bytes()).expect("0");
    reader.open(packets[1].as_bytes()).expect("1");
    assert_eq!(
        reader.open(packets[3].as_bytes()),
        Err(StreamError::Omitted {
            expected: 2,
            found: 3,
            cause: OmissionCause::Gap
        })
    );
    // Once the missing packet arrives the stream continues.
    reader.open(packets[2].as_bytes()).expect("2");
    reader.open(packets[3].as_bytes()).expect("3");
}

#[test]
fn a_forked_predecessor_is_an_omission() {
    let (author, key, packets, mut rng) = stream(1);
    let mut fork = Author::resume(
        SigningKey::from_bytes(&[1; 32]),
        author.channel(),
        1,
        PacketId::new([7; 32]),
    )
    .with_channel_key(key.clone());
    let stray = fork.publish(b"from a fork", &mut rng).expect("seal");
    let mut reader = reader(&author, &key);
    reader.open(packets[0].as_bytes()).expect("0");
    assert_eq!(
        reader.open(stray.as_bytes()),
        Err(StreamError::Omitted {
            expected: 1,
            found: 1,
            cause: OmissionCause::PreviousMismatch
        })
    );
}

#[test]
fn an_old_packet_never_accepted_is_reordering() {
    // The author restarted from scratch and republished position 1 with other contents;
    // the reader is already past it.
    let (author, key, packets, mut rng) = stream(3);
    let mut restarted = Author::resume(
        SigningKey::from_bytes(&[1; 32]),
        author.channel(),
        1,
        packets[0].id(),
    )
    .with_channel_key(key.clone());
    let late = restarted.publish(b"late", &mut rng).expect("seal");
    let mut reader = reader(&author, &key);
    for packet in &packets {
        reader.open(packet.as_bytes()).expect("in order");
    }
    assert_eq!(
        reader.open(late.as_bytes()),
        Err(StreamError::Reordered {
            expected: 3,
            found: 1
        })
    );
}

#[test]
fn the_same_packet_twice_is_a_replay() {
    let (author, key, packets, _) = stream(2);
    let mut reader = reader(&author, &key);
    reader.open(packets[0].as_bytes()).expect("0");
    assert_eq!(
        reader.open(packets[0].as_bytes()),
        Err(StreamError::Replayed { sequence: 0 })
    );
    reader.open(packets[1].as_bytes()).expect("1");
    assert_eq!(
        reader.open(packets[1].as_bytes()),
        Err(StreamError::Replayed { sequence: 1 })
    );
}

#[test]
fn fetching_by_index_reads_the_whole_stream() {
    let (author, key, packets, _) = stream(5);
    let refs: Vec<&Packet> = packets.iter().rev().collect();
    let tangle = index_of(&refs);
    let mut reader = reader(&author, &key);
    let (opened, error) = reader.fetch_all(&tangle);
    assert_eq!(error, None);
    assert_eq!(opened.len(), 5);
    assert_eq!(opened[4].plaintext(), Some(&b"reading 4"[..]));
    assert!(reader.fetch_next(&tangle).expect("no error").is_none());
}

#[test]
fn fetching_reports_an_omission_behind_an_empty_index() {
    let (author, key, packets, _) = stream(4);
    let tangle = index_of(&[&packets[0], &packets[1], &packets[3]]);
    let mut reader = reader(&author, &key);
    let (opened, error) = reader.fetch_all(&tangle);
    assert_eq!(opened.len(), 2);
    assert_eq!(
        error,
        Some(StreamError::Omitted {
            expected: 2,
            found: 3,
            cause: OmissionCause::Gap
        })
    );
    // Beyond the lookahead, an empty index is just the end of the stream.
    let mut short_sighted = self::reader(&author, &key).with_lookahead(0);
    let (opened, error) = short_sighted.fetch_all(&tangle);
    assert_eq!((opened.len(), error), (2, None));
}

#[test]
fn fetching_reports_a_packet_moved_to_another_index_as_reordering() {
    let (author, key, packets, _) = stream(3);
    // Packet 2 re-posted under packet 1's index; packet 1 withheld.
    let mut tangle = index_of(&[&packets[0]]);
    let moved = tangle_model::IndexationPayload::new(
        packet_index(&author.channel(), 1).to_vec(),
        packets[2].as_bytes().to_vec(),
    )
    .expect("payload");
    tangle.insert(&moved);
    let mut reader = reader(&author, &key);
    let (opened, error) = reader.fetch_all(&tangle);
    assert_eq!(opened.len(), 1);
    assert_eq!(
        error,
        Some(StreamError::Reordered {
            expected: 1,
            found: 2
        })
    );
}

#[test]
fn fetching_skips_replays_and_forgeries_next_to_the_genuine_packet() {
    let (author, key, packets, _) = stream(2);
    let index1 = packet_index(&author.channel(), 1).to_vec();
    let mut forged = packets[1].as_bytes().to_vec();
    forged[110] ^= 1;
    let mut tangle = index_of(&[&packets[0]]);
    for data in [packets[0].as_bytes().to_vec(), forged] {
        tangle.insert(&tangle_model::IndexationPayload::new(index1.clone(), data).expect("p"));
    }
    tangle.insert(&packets[1].to_indexation_payload().expect("payload"));
    // After the genuine packet: the same bytes again, and a fork signed by the author.
    tangle.insert(&packets[1].to_indexation_payload().expect("payload"));
    let mut fork = Author::resume(
        SigningKey::from_bytes(&[1; 32]),
        author.channel(),
        1,
        packets[0].id(),
    );
    let forked = fork.publish_public(b"other reading 1").expect("seal");
    tangle.insert(&forked.to_indexation_payload().expect("payload"));
    let mut reader = reader(&author, &key);
    reader.fetch_next(&tangle).expect("0").expect("some");
    let fetched = reader.fetch_next(&tangle).expect("1").expect("some");
    assert_eq!(fetched.packet.plaintext(), Some(&b"reading 1"[..]));
    assert_eq!(
        fetched.rejected,
        vec![
            StreamError::Replayed { sequence: 0 },
            StreamError::Tampered {
                sequence: 1,
                check: TamperCheck::Signature
            },
            StreamError::Replayed { sequence: 1 },
            StreamError::Forked { sequence: 1 },
        ]
    );
}

#[test]
fn packets_travel_through_an_in_process_node() {
    use tangle_consensus::pipeline::PipelineConfig;
    use tangle_consensus::{Ledger, NoConfirmation, Node, NodeConfig};
    use tangle_model::{MessageBuilder, MessageId, Packable};

    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    };
    let ledger = Ledger::from_outputs(0, []).expect("ledger");
    let mut node = Node::new(
        config,
        NoConfirmation,
        ledger,
        ChaCha20Rng::seed_from_u64(3),
    )
    .expect("node");
    let (author, key, packets, _) = stream(3);
    let mut parent = MessageId::default();
    for packet in &packets {
        let message = MessageBuilder::new()
            .network_id(1)
            .parent(parent)
            .payload(packet.to_indexation_payload().expect("payload"))
            .finish()
            .expect("message");
        parent = message.id();
        node.submit(&message.pack()).expect("submit");
    }
    let mut reader = reader(&author, &key);
    let (opened, error) = reader.fetch_all(&node);
    assert_eq!(error, None);
    assert_eq!(opened.len(), 3);
    assert_eq!(opened[1].plaintext(), Some(&b"reading 1"[..]));
}

#[test]
fn resuming_a_reader_at_a_checkpoint() {
    let (author, key, packets, _) = stream(3);
    let mut reader = Reader::resume(author.public_key(), author.channel(), 2, packets[1].id())
        .with_channel_key(key);
    assert_eq!(
        reader.open(packets[1].as_bytes()),
        Err(StreamError::Reordered {
            expected: 2,
            found: 1
        })
    );
    assert!(reader.open(packets[2].as_bytes()).is_ok());
}

#[test]
fn sealing_rules() {
    let mut rng = rng();
    let mut public = Author::named(SigningKey::from_bytes(&[3; 32]), b"p");
    assert_eq!(
        public.publish_encrypted(b"x", &mut rng).err(),
        Some(SealError::NoChannelKey)
    );
    assert_eq!(
        public.publish_public(&vec![0; PAYLOAD_MAX + 1]).err(),
        Some(SealError::PayloadTooLong {
            len: PAYLOAD_MAX + 1,
            max: PAYLOAD_MAX
        })
    );
    assert!(public.publish_public(&vec![0; PAYLOAD_MAX]).is_ok());
    let mut private = public.with_channel_key(ChannelKey::generate(&mut rng));
    assert_eq!(
        private
            .publish(&vec![0; PAYLOAD_MAX - TAG_LENGTH + 1], &mut rng)
            .err(),
        Some(SealError::PayloadTooLong {
            len: PAYLOAD_MAX - TAG_LENGTH + 1,
            max: PAYLOAD_MAX - TAG_LENGTH
        })
    );
    let biggest = private
        .publish(&vec![0; PAYLOAD_MAX - TAG_LENGTH], &mut rng)
        .expect("largest encrypted packet");
    // The largest packet still fits a message as indexation data.
    assert!(biggest.to_indexation_payload().is_ok());
    let mut last = Author::resume(
        SigningKey::from_bytes(&[3; 32]),
        ChannelId::new([0; 32]),
        u64::MAX,
        PacketId::new([1; 32]),
    );
    assert_eq!(
        last.publish_public(b"x").err(),
        Some(SealError::SequenceExhausted)
    );
}

#[test]
fn overhead_constants_match_the_encoding() {
    let (_, _, packets, _) = stream(1);
    assert_eq!(
        packets[0].as_bytes().len(),
        OVERHEAD_ENCRYPTED + b"reading 0".len()
    );
    let mut public = Author::named(SigningKey::from_bytes(&[3; 32]), b"p");
    assert_eq!(
        public
            .publish_public(b"abc")
            .expect("seal")
            .as_bytes()
            .len(),
        OVERHEAD_PLAIN + 3
    );
}

#[test]
fn secrets_are_not_printed() {
    let key = ChannelKey::from_bytes([0x5a; 32]);
    let author =
        Author::named(SigningKey::from_bytes(&[0x5a; 32]), b"m").with_channel_key(key.clone());
    let reader = Reader::new(author.public_key(), author.channel()).with_channel_key(key.clone());
    for shown in [
        format!("{key:?}"),
        format!("{author:?}"),
        format!("{reader:?}"),
    ] {
        assert!(!shown.contains("5a5a"), "{shown}");
        assert!(!shown.contains("90, 90"), "{shown}");
    }
}

// ---- Decoder rules -------------------------------------------------------------------------

fn plain_packet() -> Vec<u8> {
    let mut author = Author::named(SigningKey::from_bytes(&[4; 32]), b"codec");
    author
        .publish_public(b"payload")
        .expect("seal")
        .into_bytes()
}

#[test]
fn decode_rejects_each_broken_rule() {
    let good = plain_packet();
    assert!(Packet::decode(&good).is_ok());

    let mut bad = good.clone();
    bad[0] = 3;
    assert_eq!(
        Packet::decode(&bad),
        Err(PacketError::UnsupportedVersion { version: 3 })
    );

    let mut bad = good.clone();
    bad[1] = 0x82;
    assert_eq!(
        Packet::decode(&bad),
        Err(PacketError::UnknownFlags { flags: 0x82 })
    );

    let mut bad = good.clone();
    bad[50] = 1; // previous id of packet 0 must be zero
    assert_eq!(Packet::decode(&bad), Err(PacketError::GenesisPredecessor));

    let mut bad = good.clone();
    bad[74..78].copy_from_slice(&(PAYLOAD_MAX as u32 + 1).to_le_bytes());
    assert_eq!(
        Packet::decode(&bad),
        Err(PacketError::PayloadTooLong {
            len: PAYLOAD_MAX + 1,
            max: PAYLOAD_MAX
        })
    );

    // Claiming encryption: the 24 bytes after the previous id become the nonce, and the
    // length read after them is garbage or too short.
    let mut short = Vec::new();
    short.extend_from_slice(&good[..74]);
    short[1] = FLAG_ENCRYPTED;
    short.extend_from_slice(&[0; 24]);
    short.extend_from_slice(&15u32.to_le_bytes());
    short.extend_from_slice(&[0; 15 + 64]);
    assert_eq!(
        Packet::decode(&short),
        Err(PacketError::CiphertextTooShort { len: 15 })
    );

    let mut bad = good.clone();
    bad.push(0);
    assert_eq!(
        Packet::decode(&bad),
        Err(PacketError::TrailingBytes { count: 1 })
    );

    let cases = [
        (0, Field::Version),
        (1, Field::Flags),
        (2, Field::Channel),
        (40, Field::Sequence),
        (42, Field::Previous),
        (74, Field::PayloadLength),
        (80, Field::Payload),
        (good.len() - 1, Field::Signature),
    ];
    for (len, field) in cases {
        assert_eq!(
            Packet::decode(&good[..len]),
            Err(PacketError::Truncated { field }),
            "cut at {len}"
        );
    }
    let (_, _, packets, _) = stream(1);
    assert_eq!(
        Packet::decode(&packets[0].as_bytes()[..90]),
        Err(PacketError::Truncated {
            field: Field::Nonce
        })
    );
}

#[test]
fn malformed_bytes_are_reported_by_the_reader() {
    let (author, key, _, _) = stream(0);
    assert_eq!(
        reader(&author, &key).open(&[]),
        Err(StreamError::Malformed(PacketError::Truncated {
            field: Field::Version
        }))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn codec_round_trip(
        payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..4),
        encrypt in any::<bool>(),
        seed in any::<u64>(),
        start in 0u64..u64::MAX / 2,
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let key = ChannelKey::generate(&mut rng);
        let signing = SigningKey::generate(&mut rng);
        let channel = ChannelId::derive(&signing.public_key(), b"prop");
        let previous = if start == 0 { PacketId::GENESIS } else { PacketId::new([3; 32]) };
        let mut author = Author::resume(signing, channel, start, previous);
        if encrypt {
            author = author.with_channel_key(key.clone());
        }
        let mut reader = Reader::resume(author.public_key(), channel, start, previous)
            .with_channel_key(key);
        for (i, payload) in payloads.iter().enumerate() {
            let packet = author.publish(payload, &mut rng).expect("seal");
            let decoded = Packet::decode(packet.as_bytes()).expect("decode");
            prop_assert_eq!(&decoded, &packet);
            prop_assert_eq!(decoded.sequence(), start + i as u64);
            prop_assert_eq!(decoded.is_encrypted(), encrypt);
            prop_assert_eq!(decoded.channel(), channel);
            let opened = reader.open(packet.as_bytes()).expect("open");
            prop_assert_eq!(opened.plaintext(), Some(payload.as_slice()));
        }
    }

    /// Genuine packets delivered in any order, with drops and duplicates: the reader accepts
    /// exactly the next one, calls an older one a replay and a newer one an omission, and its
    /// accepted sequence is always 0, 1, 2, …
    #[test]
    fn any_delivery_order_is_classified(deliveries in proptest::collection::vec(0usize..6, 0..24)) {
        let (author, key, packets, _) = stream(6);
        let mut reader = reader(&author, &key);
        let mut next = 0usize;
        for i in deliveries {
            let result = reader.open(packets[i].as_bytes());
            if i == next {
                prop_assert_eq!(result.map(|o| o.sequence), Ok(i as u64));
                next += 1;
            } else if i < next {
                prop_assert_eq!(result, Err(StreamError::Replayed { sequence: i as u64 }));
            } else {
                prop_assert_eq!(
                    result,
                    Err(StreamError::Omitted {
                        expected: next as u64,
                        found: i as u64,
                        cause: OmissionCause::Gap
                    })
                );
            }
            prop_assert_eq!(reader.next_sequence(), next as u64);
        }
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(packet) = Packet::decode(&bytes) {
            prop_assert_eq!(packet.as_bytes(), bytes.as_slice());
        }
    }

    #[test]
    fn mutated_packets_never_open(position in 0usize..200, bit in 0u8..8, encrypt in any::<bool>()) {
        let mut rng = rng();
        let key = ChannelKey::generate(&mut rng);
        let mut author = Author::named(SigningKey::from_bytes(&[6; 32]), b"mut");
        if encrypt {
            author = author.with_channel_key(key.clone());
        }
        let packet = author.publish(&[0x11; 64], &mut rng).expect("seal");
        let mut bytes = packet.into_bytes();
        let position = position % bytes.len();
        bytes[position] ^= 1 << bit;
        let mut reader = Reader::new(author.public_key(), author.channel()).with_channel_key(key);
        prop_assert!(reader.open(&bytes).is_err());
        prop_assert_eq!(reader.next_sequence(), 0);
    }
}
