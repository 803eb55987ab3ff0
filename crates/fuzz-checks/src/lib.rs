//! Properties checked by the fuzz targets in `fuzz/`.
//!
//! Each function takes arbitrary bytes, panics only if a property of the library is broken (a
//! decoder accepted bytes it cannot re-encode exactly, for example), and returns whether the decoder
//! accepted the input, so that the replay test can insist that valid seeds stay valid. The fuzz targets call these
//! functions, and `tests/corpus_replay.rs` replays the committed corpora through them on stable.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod graph_sequence;
mod node_sequence;

pub use graph_sequence::graph_sequence;
pub use node_sequence::node_sequence;
use tangle_crypto::address::{Address, decode_bech32};
use tangle_crypto::hash::blake2b_256;
use tangle_crypto::ternary::{b1t6_decode_trytes, b1t6_encode_trytes};
use tangle_model::{Message, Packable, TransactionPayload};
use tangle_wallet::stream::{ChannelId, Packet, Reader};

/// A whole message (TIP-6): an accepted input re-encodes to the same bytes, and its id is the hash
/// of those bytes.
pub fn message_decode(data: &[u8]) -> bool {
    let Ok((message, id)) = Message::unpack_with_id(data) else {
        return false;
    };
    {
        let packed = message.pack();
        assert_eq!(
            packed, data,
            "an accepted message must re-encode byte for byte"
        );
        assert_eq!(
            packed.len(),
            message.packed_len(),
            "packed_len must match pack"
        );
        assert_eq!(
            id,
            message.id(),
            "the id must be the hash of the packed message"
        );
        assert_eq!(
            Message::unpack(data).ok().as_ref(),
            Some(&message),
            "unpack and unpack_with_id must agree"
        );
    }
    true
}

/// A transaction payload (TIP-7): an accepted input re-encodes to the same bytes, and the id and
/// signing hash it carries are the hashes of its bytes and of its essence's bytes.
pub fn transaction_payload_decode(data: &[u8]) -> bool {
    let Ok(payload) = TransactionPayload::unpack(data) else {
        return false;
    };
    {
        assert_eq!(
            payload.pack(),
            data,
            "an accepted payload must re-encode byte for byte"
        );
        assert_eq!(
            payload.packed_len(),
            data.len(),
            "packed_len must match pack"
        );
        assert_eq!(
            payload.id().as_bytes(),
            &blake2b_256(data),
            "the carried id must be the hash of the decoded bytes"
        );
        assert_eq!(
            payload.essence().signing_hash(),
            blake2b_256(&payload.essence().pack()),
            "the carried signing hash must be the hash of the essence bytes"
        );
    }
    true
}

/// A Bech32 address (TIP-11): an accepted string re-encodes to itself in lower case.
pub fn bech32_decode(data: &[u8]) -> bool {
    let Ok(text) = core::str::from_utf8(data) else {
        return false;
    };
    let Ok((hrp, address)) = decode_bech32(text) else {
        return false;
    };
    {
        assert_eq!(
            address.to_bech32(&hrp),
            text.to_ascii_lowercase(),
            "an accepted address must re-encode to the same string"
        );
        assert_eq!(Address::from_bytes(&address.to_bytes()).ok(), Some(address));
    }
    true
}

/// A tryte string as b1t6 (TIP-5): accepted trytes re-encode to themselves.
pub fn b1t6_decode(data: &[u8]) -> bool {
    let Ok(text) = core::str::from_utf8(data) else {
        return false;
    };
    let Ok(bytes) = b1t6_decode_trytes(text) else {
        return false;
    };
    {
        assert_eq!(
            b1t6_encode_trytes(&bytes),
            text,
            "accepted trytes must re-encode to the same string"
        );
    }
    true
}

/// A stream packet (`tangle_wallet::stream::packet`): an accepted input re-encodes to the same
/// bytes, decodes again to the same packet, and a reader refuses it (or not) without panicking.
pub fn stream_packet_decode(data: &[u8]) -> bool {
    let Ok(packet) = Packet::decode(data) else {
        return false;
    };
    {
        assert_eq!(
            packet.as_bytes(),
            data,
            "an accepted packet keeps its bytes"
        );
        assert_eq!(
            Packet::decode(packet.as_bytes()).as_ref(),
            Ok(&packet),
            "decoding is deterministic"
        );
        assert!(
            packet.to_indexation_payload().is_ok(),
            "every packet fits an indexation payload"
        );
        // Signed by an unrelated key: the reader must refuse it with a typed error.
        let key = tangle_crypto::ed25519::SigningKey::from_bytes(&[0x42; 32]).public_key();
        let mut reader = Reader::new(key, packet.channel());
        assert!(reader.open(data).is_err(), "a forged packet was accepted");
        let mut elsewhere = Reader::new(key, ChannelId::new([0xee; 32]));
        let _refused = elsewhere.open(data);
    }
    true
}
