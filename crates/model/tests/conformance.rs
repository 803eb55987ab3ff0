//! The TIP-6 conformance vector from `tests/data/tip6-message.json` (its source is named in
//! `tests/data/README.md`).

use tangle_model::{Message, MessageId, Packable, Payload};

const VECTOR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tip6-message.json");

fn field<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json.get(name)
        .unwrap_or_else(|| panic!("vector has no field {name}"))
}

#[test]
fn tip6_message_decodes_reencodes_and_hashes() {
    let text = std::fs::read_to_string(VECTOR).unwrap_or_else(|e| panic!("reading {VECTOR}: {e}"));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {VECTOR}: {e}"));
    let bytes =
        hex::decode(field(&json, "message_hex").as_str().expect("hex string")).expect("hex");
    let expected_id: MessageId = field(&json, "message_id")
        .as_str()
        .expect("id string")
        .parse()
        .expect("id");

    let (message, id) = Message::unpack_with_id(&bytes).expect("vector decodes");
    assert_eq!(id, expected_id);
    assert_eq!(message.id(), expected_id);
    assert_eq!(message.pack(), bytes);
    assert_eq!(message.packed_len(), bytes.len());
    assert_eq!(
        Some(message.network_id()),
        field(&json, "network_id").as_u64()
    );
    assert_eq!(Some(message.nonce()), field(&json, "nonce").as_u64());
    assert_eq!(message.parents().len(), 2);
    match message.payload() {
        Some(Payload::Indexation(payload)) => {
            assert_eq!(payload.index(), b"IOTA");
            assert_eq!(payload.data(), b"hello world");
        }
        other => panic!("expected an indexation payload, found {other:?}"),
    }
}
