//! The JSON form (feature `serde`): the node API shape (TIP-13), round trips with the byte codec,
//! real Chrysalis JSON, a differential test against the codec on mutated JSON, and rejections that
//! name the rule.
#![cfg(feature = "serde")]

use proptest::prelude::*;
use serde_json::{Value, json};
use tangle_crypto::ed25519::{PublicKey, Signature, SigningKey};
use tangle_model::{
    Address, Ed25519Address, Ed25519Signature, IndexationPayload, Input, Message, MessageId,
    MigratedFundsEntry, MilestoneEssence, MilestoneId, MilestonePayload, Output, OutputId,
    Packable, Parents, Payload, ReceiptPayload, RuleError, TailTransactionHash, TransactionEssence,
    TransactionId, TransactionPayload, TreasuryTransactionPayload, UnlockBlock, UnlockBlocks,
};

const TIP6_VECTOR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tip6-message.json");
const REAL_DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/chrysalis-real.json"
);

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

fn tip6_bytes() -> Vec<u8> {
    let vector = read_json(TIP6_VECTOR);
    hex::decode(vector["message_hex"].as_str().expect("hex string")).expect("hex")
}

/// bytes → Message → JSON text → Message → bytes, and the same through `serde_json::Value`.
fn assert_round_trip(bytes: &[u8]) -> Value {
    let message = Message::unpack(bytes).expect("valid message");
    let text = serde_json::to_string(&message).expect("serializes");
    let back: Message = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, message);
    assert_eq!(back.pack(), bytes);
    let value = serde_json::to_value(&message).expect("serializes");
    let back: Message = serde_json::from_value(value.clone()).expect("reads back");
    assert_eq!(back.pack(), bytes);
    value
}

/// The error message of reading `value` as a message, which must fail.
fn message_error(value: Value) -> String {
    match serde_json::from_value::<Message>(value.clone()) {
        Ok(message) => panic!("accepted {value}: {message:?}"),
        Err(error) => error.to_string(),
    }
}

fn assert_rule(value: Value, path: &str, rule: RuleError) {
    let error = message_error(value);
    let expected = format!("{path}: {rule}");
    assert!(
        error.starts_with(&expected),
        "error `{error}` does not start with `{expected}`"
    );
}

fn assert_error(value: Value, path: &str, text: &str) {
    let error = message_error(value);
    assert!(
        error.starts_with(path),
        "error `{error}` is not at `{path}`"
    );
    assert!(
        error.contains(text),
        "error `{error}` does not mention `{text}`"
    );
}

// ---------------------------------------------------------------------------------------------
// Valid values.

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn address_of(key: &SigningKey) -> Address {
    Address::Ed25519(Ed25519Address::from_public_key(&key.public_key()))
}

fn sorted_by_bytes<T: Packable>(mut items: Vec<T>) -> Vec<T> {
    items.sort_by_key(Packable::pack);
    items
}

/// A transaction with two inputs signed by one key (a signature and a reference unlock), a
/// single and a dust-allowance output and an indexation payload.
fn signed_transaction() -> TransactionPayload {
    let signer = key(7);
    let inputs = sorted_by_bytes(vec![
        Input::Utxo(OutputId::new(TransactionId::new([0x42; 32]), 3).expect("index")),
        Input::Utxo(OutputId::new(TransactionId::new([0x17; 32]), 0).expect("index")),
    ]);
    let outputs = sorted_by_bytes(vec![
        Output::single(address_of(&key(8)), 1_500_000).expect("amount"),
        Output::dust_allowance(address_of(&signer), 1_000_000).expect("amount"),
    ]);
    let payload = IndexationPayload::new(b"tangle".to_vec(), b"json".to_vec()).expect("indexation");
    let essence = TransactionEssence::new(inputs, outputs, Some(payload)).expect("essence");
    let signature = signer.sign(&essence.signing_hash());
    let unlocks = UnlockBlocks::new(vec![
        UnlockBlock::Signature(Ed25519Signature::new(
            signer.public_key().to_bytes(),
            signature.to_bytes(),
        )),
        UnlockBlock::Reference(0),
    ])
    .expect("unlocks");
    TransactionPayload::new(essence, unlocks).expect("transaction")
}

fn parents(seeds: &[u8]) -> Parents {
    Parents::from_unsorted(seeds.iter().map(|&seed| MessageId::new([seed; 32]))).expect("parents")
}

/// A milestone signed by two keys, carrying a receipt with two migrated funds entries.
fn milestone_with_receipt(parents: Parents) -> MilestonePayload {
    let mut keys = [key(1), key(2)];
    keys.sort_by_key(|key| key.public_key().to_bytes());
    let funds = vec![
        MigratedFundsEntry::new(
            TailTransactionHash([0xaa; 49]),
            address_of(&key(3)),
            2_000_000,
        )
        .expect("entry"),
        MigratedFundsEntry::new(
            TailTransactionHash([0xbb; 49]),
            address_of(&key(4)),
            5_000_000,
        )
        .expect("entry"),
    ];
    let treasury = TreasuryTransactionPayload::new(MilestoneId::new([0x33; 32]), 1_000_000_000)
        .expect("treasury");
    let receipt = ReceiptPayload::new(1_000, true, funds, treasury).expect("receipt");
    let public_keys = keys.iter().map(|key| key.public_key().to_bytes()).collect();
    let essence = MilestoneEssence::new(
        16_241,
        1_617_959_712,
        parents,
        [0x5a; 32],
        public_keys,
        Some(receipt),
    )
    .and_then(|essence| essence.with_next_pow_score(4_000, 16_300))
    .expect("essence");
    let hash = essence.signing_hash();
    let signatures = keys.iter().map(|key| key.sign(&hash).to_bytes()).collect();
    MilestonePayload::new(essence, signatures).expect("milestone")
}

fn message(payload: Option<Payload>, parents: Parents) -> Message {
    Message::new(1_454_675_179_895_816_119, parents, payload, u64::MAX - 5).expect("message")
}

fn transaction_message() -> Message {
    message(Some(signed_transaction().into()), parents(&[1, 2, 3]))
}

fn milestone_message() -> Message {
    let parents = parents(&[9, 4, 6, 200]);
    message(Some(milestone_with_receipt(parents).into()), parents)
}

// ---------------------------------------------------------------------------------------------
// The shape.

#[test]
fn tip6_example_to_json() {
    let bytes = tip6_bytes();
    let message = Message::unpack(&bytes).expect("TIP-6 example decodes");
    let text = serde_json::to_string(&message).expect("serializes");
    assert_eq!(
        text,
        concat!(
            r#"{"networkId":"0","parentMessageIds":["#,
            r#""210fc7bb818639ac48a4c6afa2f1581a8b9525e20fda68927f2b2ff836f73578","#,
            r#""db0fa54c29f7fd928d92ca43f193dee47f591549f597a811c8fa67ab031ebd9c"],"#,
            r#""payload":{"type":2,"index":"494f5441","data":"68656c6c6f20776f726c64"},"nonce":"28110"}"#,
        )
    );
    let value = assert_round_trip(&bytes);
    let vector = read_json(TIP6_VECTOR);
    assert_eq!(value["networkId"], vector["network_id"].to_string());
    assert_eq!(value["nonce"], vector["nonce"].to_string());
    assert_eq!(value["payload"]["index"], hex::encode("IOTA"));
    assert_eq!(value["payload"]["data"], hex::encode("hello world"));
}

#[test]
fn message_without_payload() {
    let message = message(None, parents(&[5]));
    let value = assert_round_trip(&message.pack());
    assert_eq!(value["payload"], Value::Null);
    assert_eq!(value["networkId"], "1454675179895816119");
    assert_eq!(value["nonce"], (u64::MAX - 5).to_string());
    // An absent payload reads as none, as a null one does.
    let mut object = value.as_object().expect("object").clone();
    object.remove("payload");
    assert_eq!(
        serde_json::from_value::<Message>(Value::Object(object)).expect("reads"),
        message
    );
}

#[test]
fn transaction_shape_and_round_trip() {
    let message = transaction_message();
    let value = assert_round_trip(&message.pack());
    let transaction = signed_transaction();
    let essence = transaction.essence();
    let Input::Utxo(first) = essence.inputs()[0];
    let Ed25519Signature {
        public_key,
        signature,
    } = match transaction.unlock_blocks().as_slice()[0] {
        UnlockBlock::Signature(signature) => signature,
        UnlockBlock::Reference(_) => unreachable!(),
    };
    let output = |index: usize| {
        let output = essence.outputs()[index];
        let Address::Ed25519(address) = output.address();
        json!({ "type": output.kind(), "address": { "type": 0, "address": hex::encode(address.as_bytes()) }, "amount": output.amount() })
    };
    let second = essence.inputs()[1].output_id();
    let expected = json!({
        "type": 0,
        "essence": {
            "type": 0,
            "inputs": [
                { "type": 0, "transactionId": first.transaction_id().to_string(), "transactionOutputIndex": first.index() },
                { "type": 0, "transactionId": second.transaction_id().to_string(), "transactionOutputIndex": second.index() },
            ],
            "outputs": [output(0), output(1)],
            "payload": { "type": 2, "index": hex::encode("tangle"), "data": hex::encode("json") },
        },
        "unlockBlocks": [
            { "type": 0, "signature": { "type": 0, "publicKey": hex::encode(public_key), "signature": hex::encode(signature) } },
            { "type": 1, "reference": 0 },
        ],
    });
    assert_eq!(value["payload"], expected);
    // Member order is the node's.
    let text = serde_json::to_string(&transaction).expect("serializes");
    assert!(
        text.starts_with(r#"{"type":0,"essence":{"type":0,"inputs":[{"type":0,"transactionId":"#)
    );
    assert_eq!(
        serde_json::from_str::<TransactionPayload>(&text)
            .expect("reads")
            .id(),
        transaction.id()
    );
}

#[test]
fn milestone_with_receipt_shape_and_round_trip() {
    let message = milestone_message();
    let value = assert_round_trip(&message.pack());
    let payload = &value["payload"];
    let milestone = message
        .payload()
        .and_then(Payload::as_milestone)
        .expect("milestone");
    let essence = milestone.essence();
    assert_eq!(payload["type"], 1);
    assert_eq!(payload["index"], 16_241);
    assert_eq!(payload["timestamp"], 1_617_959_712);
    assert_eq!(payload["parentMessageIds"], value["parentMessageIds"]);
    assert_eq!(payload["inclusionMerkleProof"], hex::encode([0x5a; 32]));
    assert_eq!(payload["nextPoWScore"], 4_000);
    assert_eq!(payload["nextPoWScoreMilestoneIndex"], 16_300);
    assert_eq!(
        payload["publicKeys"],
        json!(
            essence
                .public_keys()
                .iter()
                .map(hex::encode)
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        payload["signatures"],
        json!(
            milestone
                .signatures()
                .iter()
                .map(hex::encode)
                .collect::<Vec<_>>()
        )
    );
    let Address::Ed25519(address) = address_of(&key(3));
    assert_eq!(
        payload["receipt"],
        json!({
            "type": 3,
            "migratedAt": 1_000,
            "final": true,
            "funds": [
                { "tailTransactionHash": hex::encode([0xaa; 49]), "address": { "type": 0, "address": hex::encode(address.as_bytes()) }, "deposit": 2_000_000 },
                payload["receipt"]["funds"][1].clone(),
            ],
            "transaction": {
                "type": 4,
                "input": { "type": 1, "milestoneId": hex::encode([0x33; 32]) },
                "output": { "type": 2, "amount": 1_000_000_000 },
            },
        })
    );
    assert_eq!(payload.as_object().expect("object").len(), 10);
    // Standalone payload types read and write the same JSON.
    let receipt: ReceiptPayload =
        serde_json::from_value(payload["receipt"].clone()).expect("receipt");
    assert_eq!(Some(&receipt), essence.receipt());
    let again: MilestonePayload = serde_json::from_value(payload.clone()).expect("milestone");
    assert_eq!(&again, milestone);
}

#[test]
fn serializer_member_order_matches_the_node() {
    let text = serde_json::to_string(&milestone_message()).expect("text");
    let order = [
        "\"networkId\"",
        "\"parentMessageIds\"",
        "\"payload\"",
        "\"type\":1",
        "\"index\"",
        "\"timestamp\"",
        "\"inclusionMerkleProof\"",
        "\"nextPoWScore\"",
        "\"nextPoWScoreMilestoneIndex\"",
        "\"publicKeys\"",
        "\"receipt\"",
        "\"migratedAt\"",
        "\"final\"",
        "\"funds\"",
        "\"tailTransactionHash\"",
        "\"deposit\"",
        "\"transaction\"",
        "\"milestoneId\"",
        "\"signatures\"",
        "\"nonce\"",
    ];
    let positions: Vec<usize> = order.iter().map(|key| text.find(key).expect(key)).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
}

#[test]
fn indexation_round_trip_with_empty_data() {
    let payload = IndexationPayload::new(vec![0xff; 64], Vec::new()).expect("indexation");
    let message = message(Some(payload.clone().into()), parents(&[1, 2]));
    let value = assert_round_trip(&message.pack());
    assert_eq!(
        value["payload"],
        json!({ "type": 2, "index": "ff".repeat(64), "data": "" })
    );
    let alone: IndexationPayload = serde_json::from_value(value["payload"].clone()).expect("reads");
    assert_eq!(alone, payload);
}

#[test]
fn identifiers_and_parts() {
    let id = MessageId::new([0xab; 32]);
    assert_eq!(
        serde_json::to_value(id).expect("id"),
        json!("ab".repeat(32))
    );
    let upper = format!("0x{}", "AB".repeat(32));
    assert_eq!(
        serde_json::from_value::<MessageId>(json!(upper)).expect("prefix and upper case"),
        id
    );
    let output_id = OutputId::new(TransactionId::new([1; 32]), 5).expect("output id");
    let text = serde_json::to_value(output_id).expect("output id");
    assert_eq!(text, json!(format!("{}0500", "01".repeat(32))));
    assert_eq!(
        serde_json::from_value::<OutputId>(text).expect("reads"),
        output_id
    );
    let error =
        serde_json::from_value::<OutputId>(json!(format!("{}7f00", "01".repeat(32)))).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("$: {}", RuleError::OutputIndex { index: 127 }))
    );
    let parents = parents(&[3, 1]);
    let value = serde_json::to_value(parents).expect("parents");
    assert_eq!(
        serde_json::from_value::<Parents>(value).expect("reads"),
        parents
    );
    let output = Output::single(address_of(&key(1)), 0);
    assert!(output.is_err());
    let zero =
        json!({ "type": 0, "address": { "type": 0, "address": "00".repeat(32) }, "amount": 0 });
    let error = serde_json::from_value::<Output>(zero)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!(
            "$: {}",
            RuleError::OutputAmount {
                index: 0,
                amount: 0
            }
        )),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// Real Chrysalis JSON.

#[test]
fn real_devnet_transaction_reads_to_its_id() {
    let data = read_json(REAL_DATA);
    for entry in data["transaction_payloads"].as_array().expect("list") {
        let payload: TransactionPayload =
            serde_json::from_value(entry["json"].clone()).expect("real transaction");
        assert_eq!(
            payload.id().to_string(),
            entry["transaction_id"].as_str().expect("id")
        );
        assert_eq!(
            serde_json::to_value(&payload).expect("writes"),
            entry["json"]
        );
        let as_payload: Payload =
            serde_json::from_value(entry["json"].clone()).expect("as a payload");
        assert_eq!(as_payload, Payload::from(payload));
    }
}

#[test]
fn real_milestone_message_reads_and_verifies() {
    let data = read_json(REAL_DATA);
    for entry in data["messages"].as_array().expect("list") {
        let message: Message = serde_json::from_value(entry["json"].clone()).expect("real message");
        assert_eq!(
            serde_json::to_value(&message).expect("writes"),
            entry["json"]
        );
        assert_round_trip(&message.pack());
        let milestone = message
            .payload()
            .and_then(Payload::as_milestone)
            .expect("milestone");
        let hash = milestone.essence().signing_hash();
        let valid: Vec<bool> = milestone
            .essence()
            .public_keys()
            .iter()
            .zip(milestone.signatures())
            .map(|(key, signature)| {
                PublicKey::from_bytes(*key)
                    .verify(&hash, &Signature::from_bytes(*signature))
                    .is_ok()
            })
            .collect();
        assert_eq!(json!(valid), entry["milestone_signatures_valid"]);
    }
}

#[test]
fn extra_members_are_ignored_and_aliases_accepted() {
    let message = milestone_message();
    let mut value = serde_json::to_value(&message).expect("writes");
    value["messageId"] = json!(message.id().to_string());
    value["payload"]["extra"] = json!({ "anything": [1, 2, 3] });
    assert_eq!(
        serde_json::from_value::<Message>(value.clone()).expect("reads"),
        message
    );

    // The TIP-13 schema calls a milestone's parents `parents`.
    let payload = value["payload"].as_object_mut().expect("object");
    let parents = payload.remove("parentMessageIds").expect("parents");
    payload.insert("parents".into(), parents.clone());
    assert_eq!(
        serde_json::from_value::<Message>(value.clone()).expect("reads"),
        message
    );
    value["payload"]["parentMessageIds"] = parents;
    assert_error(
        value,
        "$.payload",
        "fields `parentMessageIds` and `parents` are aliases",
    );

    // The receipts endpoint of TIP-13 writes receipts and treasury transactions without `type`.
    let mut value = serde_json::to_value(&message).expect("writes");
    let receipt = value["payload"]["receipt"]
        .as_object_mut()
        .expect("receipt");
    receipt.remove("type");
    receipt["transaction"]
        .as_object_mut()
        .expect("transaction")
        .remove("type");
    assert_eq!(
        serde_json::from_value::<Message>(value).expect("reads"),
        message
    );
}

// ---------------------------------------------------------------------------------------------
// Rejections: each names the rule (or the JSON problem) and where.

fn tip6_json() -> Value {
    serde_json::to_value(Message::unpack(&tip6_bytes()).expect("decodes")).expect("writes")
}

#[test]
fn rejects_bad_hex() {
    let mut value = tip6_json();
    value["parentMessageIds"][1] = json!("zz".repeat(32));
    assert_error(
        value,
        "$.parentMessageIds[1]",
        "invalid hexadecimal: Invalid character 'z' at position 0",
    );
    let mut value = tip6_json();
    value["payload"]["data"] = json!("abc");
    assert_error(
        value,
        "$.payload.data",
        "invalid hexadecimal: Odd number of digits",
    );
    let mut value = tip6_json();
    value["payload"]["index"] = json!(17);
    assert_error(
        value,
        "$.payload.index",
        "expected a hexadecimal string, found an unsigned integer",
    );
}

#[test]
fn rejects_wrong_lengths() {
    let mut value = tip6_json();
    value["parentMessageIds"][0] = json!("00".repeat(31));
    assert_error(
        value,
        "$.parentMessageIds[0]",
        "expected 32 bytes of hexadecimal, found 31",
    );
    let mut value = serde_json::to_value(transaction_message()).expect("writes");
    value["payload"]["unlockBlocks"][0]["signature"]["signature"] = json!("00".repeat(65));
    assert_error(
        value,
        "$.payload.unlockBlocks[0].signature.signature",
        "expected 64 bytes of hexadecimal, found 65",
    );
    let mut value = serde_json::to_value(milestone_message()).expect("writes");
    value["payload"]["receipt"]["funds"][0]["tailTransactionHash"] = json!("00".repeat(48));
    assert_error(
        value,
        "$.payload.receipt.funds[0].tailTransactionHash",
        "expected 49 bytes of hexadecimal, found 48",
    );
    let mut value = tip6_json();
    value["payload"]["index"] = json!("");
    assert_rule(value, "$.payload", RuleError::IndexLength { len: 0 });
    let mut value = tip6_json();
    value["payload"]["index"] = json!("00".repeat(65));
    assert_rule(value, "$.payload", RuleError::IndexLength { len: 65 });
}

#[test]
fn rejects_non_decimal_network_id_and_nonce() {
    for bad in [
        json!("12a"),
        json!("-1"),
        json!("+1"),
        json!(""),
        json!(" 1"),
        json!("1.0"),
        json!("0x10"),
        json!("18446744073709551616"),
    ] {
        let mut value = tip6_json();
        value["networkId"] = bad.clone();
        assert_error(
            value,
            "$.networkId",
            "expected a string of decimal digits holding an unsigned 64-bit integer",
        );
        let mut value = tip6_json();
        value["nonce"] = bad;
        assert_error(value, "$.nonce", "decimal digits");
    }
    let mut value = tip6_json();
    value["nonce"] = json!(28110);
    assert_error(
        value,
        "$.nonce",
        "expected a decimal string, found an unsigned integer",
    );
    let mut value = tip6_json();
    value["networkId"] = json!("18446744073709551615");
    assert_eq!(
        serde_json::from_value::<Message>(value)
            .expect("u64::MAX")
            .network_id(),
        u64::MAX
    );
}

#[test]
fn rejects_unsorted_duplicate_and_miscounted_parents() {
    let mut value = tip6_json();
    let ids = value["parentMessageIds"].as_array_mut().expect("array");
    ids.swap(0, 1);
    assert_rule(
        value,
        "$.parentMessageIds",
        RuleError::ParentsNotSorted { index: 1 },
    );
    let mut value = tip6_json();
    value["parentMessageIds"][1] = value["parentMessageIds"][0].clone();
    assert_rule(
        value,
        "$.parentMessageIds",
        RuleError::DuplicateParent { index: 1 },
    );
    let mut value = tip6_json();
    value["parentMessageIds"] = json!([]);
    assert_rule(
        value,
        "$.parentMessageIds",
        RuleError::ParentsCount { count: 0 },
    );
    let mut value = tip6_json();
    value["parentMessageIds"] = json!(
        (0..9)
            .map(|i| format!("{i:02x}").repeat(32))
            .collect::<Vec<_>>()
    );
    assert_rule(
        value,
        "$.parentMessageIds",
        RuleError::ParentsCount { count: 9 },
    );
}

#[test]
fn rejects_unknown_and_misplaced_payload_types() {
    let mut value = tip6_json();
    value["payload"]["type"] = json!(7);
    assert_error(
        value,
        "$.payload.type",
        "unknown payload type 7 in a message",
    );
    for kind in [3u32, 4] {
        let mut value = tip6_json();
        value["payload"]["type"] = json!(kind);
        let rule = RuleError::PayloadNotAllowed {
            kind,
            context: tangle_model::PayloadContext::Message,
        };
        assert_rule(value, "$.payload.type", rule);
    }
    let mut value = serde_json::to_value(transaction_message()).expect("writes");
    value["payload"]["essence"]["payload"]["type"] = json!(1);
    let rule = RuleError::PayloadNotAllowed {
        kind: 1,
        context: tangle_model::PayloadContext::TransactionEssence,
    };
    assert_rule(value, "$.payload.essence.payload.type", rule);
    let mut value = serde_json::to_value(milestone_message()).expect("writes");
    value["payload"]["receipt"]["type"] = json!(2);
    let rule = RuleError::PayloadNotAllowed {
        kind: 2,
        context: tangle_model::PayloadContext::MilestoneEssence,
    };
    assert_rule(value, "$.payload.receipt.type", rule);
    let mut value = serde_json::to_value(milestone_message()).expect("writes");
    value["payload"]["receipt"]["transaction"]["type"] = json!(99);
    assert_error(
        value,
        "$.payload.receipt.transaction.type",
        "unknown payload type 99 in a receipt",
    );
    let error =
        serde_json::from_value::<TransactionPayload>(tip6_json()["payload"].clone()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("$.type: unsupported payload type 2: expected 0 (transaction)"),
        "{error}"
    );
}

#[test]
fn rejects_other_unknown_types() {
    let cases: [(&[&str], u64, &str); 6] = [
        (
            &["essence", "type"],
            1,
            "unsupported transaction essence type 1",
        ),
        (
            &["essence", "inputs", "0", "type"],
            1,
            "unsupported input type 1: expected 0 (UTXO input)",
        ),
        (
            &["essence", "outputs", "0", "type"],
            2,
            "unsupported output type 2",
        ),
        (
            &["essence", "outputs", "0", "address", "type"],
            1,
            "unsupported address type 1",
        ),
        (
            &["unlockBlocks", "0", "type"],
            2,
            "unsupported unlock block type 2",
        ),
        (
            &["unlockBlocks", "0", "signature", "type"],
            1,
            "unsupported signature type 1",
        ),
    ];
    for (path, kind, text) in cases {
        let mut value = serde_json::to_value(transaction_message()).expect("writes");
        let mut target = &mut value["payload"];
        for step in path {
            target = match step.parse::<usize>() {
                Ok(index) => &mut target[index],
                Err(_) => &mut target[*step],
            };
        }
        *target = json!(kind);
        let json_path = path
            .iter()
            .fold(String::from("$.payload"), |mut out, step| {
                match step.parse::<usize>() {
                    Ok(index) => out.push_str(&format!("[{index}]")),
                    Err(_) => out.push_str(&format!(".{step}")),
                }
                out
            });
        assert_error(value, &json_path, text);
    }
}

#[test]
fn rejects_transaction_rule_violations() {
    let value = serde_json::to_value(transaction_message()).expect("writes");
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut value = value.clone();
        edit(&mut value["payload"]);
        value
    };
    assert_rule(
        with(&|p| p["essence"]["outputs"][0]["amount"] = json!(0)),
        "$.payload.essence",
        RuleError::OutputAmount {
            index: 0,
            amount: 0,
        },
    );
    assert_rule(
        with(&|p| p["essence"]["outputs"][1]["amount"] = json!(999_999)),
        "$.payload.essence",
        RuleError::DustAllowanceAmount {
            index: 1,
            amount: 999_999,
        },
    );
    assert_rule(
        with(&|p| p["essence"]["outputs"][1] = p["essence"]["outputs"][0].clone()),
        "$.payload.essence",
        RuleError::DuplicateOutputAddress { index: 1 },
    );
    assert_rule(
        with(&|p| {
            p["essence"]["outputs"]
                .as_array_mut()
                .expect("outputs")
                .swap(0, 1)
        }),
        "$.payload.essence",
        RuleError::OutputsNotSorted { index: 1 },
    );
    assert_rule(
        with(&|p| {
            p["essence"]["inputs"]
                .as_array_mut()
                .expect("inputs")
                .swap(0, 1)
        }),
        "$.payload.essence",
        RuleError::InputsNotSorted { index: 1 },
    );
    assert_rule(
        with(&|p| p["essence"]["inputs"][1] = p["essence"]["inputs"][0].clone()),
        "$.payload.essence",
        RuleError::DuplicateInput { index: 1 },
    );
    assert_rule(
        with(&|p| p["essence"]["inputs"][0]["transactionOutputIndex"] = json!(127)),
        "$.payload.essence.inputs[0].transactionOutputIndex",
        RuleError::OutputIndex { index: 127 },
    );
    assert_error(
        with(&|p| p["essence"]["inputs"][0]["transactionOutputIndex"] = json!(65_536)),
        "$.payload.essence.inputs[0].transactionOutputIndex",
        "integer 65536 is above the maximum 65535",
    );
    assert_rule(
        with(&|p| p["essence"]["inputs"] = json!([])),
        "$.payload.essence.inputs",
        RuleError::InputCount { count: 0 },
    );
    assert_rule(
        with(&|p| {
            p["unlockBlocks"]
                .as_array_mut()
                .expect("unlocks")
                .truncate(1)
        }),
        "$.payload.unlockBlocks",
        RuleError::UnlockCount {
            unlocks: 1,
            inputs: 2,
        },
    );
    assert_rule(
        with(&|p| p["unlockBlocks"][1]["reference"] = json!(1)),
        "$.payload.unlockBlocks",
        RuleError::InvalidReferenceUnlock {
            index: 1,
            reference: 1,
        },
    );
    assert_rule(
        with(&|p| p["unlockBlocks"][1] = p["unlockBlocks"][0].clone()),
        "$.payload.unlockBlocks",
        RuleError::DuplicateSignatureUnlock { index: 1, first: 0 },
    );
    assert_error(
        with(&|p| p["essence"]["outputs"][0]["amount"] = json!(-1)),
        "$.payload.essence.outputs[0].amount",
        "expected an unsigned integer, found a negative integer",
    );
    assert_error(
        with(&|p| p["essence"]["outputs"][0]["amount"] = json!(1.5)),
        "$.payload.essence.outputs[0].amount",
        "found a floating-point number",
    );
}

#[test]
fn milestone_with_other_parents_reads_as_a_message_that_is_not_a_milestone() {
    let mut value = serde_json::to_value(milestone_message()).expect("writes");
    value["payload"]["parentMessageIds"]
        .as_array_mut()
        .expect("parents")
        .truncate(2);
    let message: Message = serde_json::from_value(value.clone()).expect("a valid message");
    assert_eq!(
        message.milestone(),
        Err(RuleError::MilestoneParentsMismatch)
    );
    assert_eq!(serde_json::to_value(&message).expect("writes"), value);
}

#[test]
fn rejects_milestone_rule_violations() {
    let value = serde_json::to_value(milestone_message()).expect("writes");
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut value = value.clone();
        edit(&mut value["payload"]);
        value
    };
    assert_rule(
        with(&|p| p["publicKeys"] = json!([])),
        "$.payload.publicKeys",
        RuleError::MilestoneKeyCount { count: 0 },
    );
    assert_rule(
        with(&|p| p["publicKeys"].as_array_mut().expect("keys").swap(0, 1)),
        "$.payload",
        RuleError::MilestoneKeysNotSorted { index: 1 },
    );
    assert_rule(
        with(&|p| {
            p["signatures"]
                .as_array_mut()
                .expect("signatures")
                .truncate(1)
        }),
        "$.payload",
        RuleError::MilestoneSignatureCount {
            keys: 2,
            signatures: 1,
        },
    );
    assert_rule(
        with(&|p| p["nextPoWScoreMilestoneIndex"] = json!(0)),
        "$.payload",
        RuleError::MilestonePowScore { score: 4_000 },
    );
    assert_rule(
        with(&|p| p["receipt"]["transaction"] = Value::Null),
        "$.payload.receipt",
        RuleError::MissingTreasuryTransaction,
    );
    assert_rule(
        with(&|p| p["receipt"]["funds"][1]["deposit"] = json!(999_999)),
        "$.payload.receipt.funds[1]",
        RuleError::MigratedDeposit {
            index: 1,
            amount: 999_999,
        },
    );
    assert_rule(
        with(&|p| {
            p["receipt"]["funds"]
                .as_array_mut()
                .expect("funds")
                .swap(0, 1)
        }),
        "$.payload.receipt",
        RuleError::ReceiptFundsNotSorted { index: 1 },
    );
    assert_rule(
        with(&|p| p["receipt"]["transaction"]["output"]["amount"] = json!(u64::MAX)),
        "$.payload.receipt.transaction",
        RuleError::TreasuryAmount { amount: u64::MAX },
    );
    assert_error(
        with(&|p| p["receipt"]["final"] = json!(1)),
        "$.payload.receipt.final",
        "expected a boolean, found an unsigned integer",
    );
    assert_error(
        with(&|p| p["index"] = json!(1u64 << 32)),
        "$.payload.index",
        "above the maximum 4294967295",
    );
}

#[test]
fn rejects_oversized_messages() {
    let mut value = tip6_json();
    value["payload"]["data"] = json!("00".repeat(32_700));
    // network id, parents, payload length, indexation payload (type, index, data), nonce
    assert_rule(
        value,
        "$",
        RuleError::MessageTooLarge {
            len: 8 + 1 + 64 + 4 + (4 + 2 + 4 + 4 + 32_700) + 8,
        },
    );
}

#[test]
fn rejects_malformed_json_structure() {
    let mut value = tip6_json();
    value.as_object_mut().expect("object").remove("nonce");
    assert_error(value, "$", "missing field `nonce`");
    let text =
        tip6_json()
            .to_string()
            .replacen(r#""nonce":"28110""#, r#""nonce":"1","nonce":"2""#, 1);
    let error = serde_json::from_str::<Message>(&text)
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("$: duplicate field `nonce`"), "{error}");
    assert_error(json!([1, 2]), "$", "expected an object, found an array");
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    let text =
        tip6_json()
            .to_string()
            .replacen(r#""nonce":"#, &format!(r#""extra":{deep},"nonce":"#), 1);
    let error = serde_json::from_str::<Message>(&text)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("JSON nested deeper than 32 levels"),
        "{error}"
    );
    let error = serde_json::from_str::<Message>("{").unwrap_err();
    assert!(error.is_eof());
}

// ---------------------------------------------------------------------------------------------
// A reference JSON → bytes encoder, written from the shape alone, for the differential test. It
// returns `None` for JSON that has no byte form (wrong JSON types, bad hex, out-of-range integers).

mod reference {
    use serde_json::Value;

    fn hex_bytes(value: &Value) -> Option<Vec<u8>> {
        let text = value.as_str()?;
        hex::decode(text.strip_prefix("0x").unwrap_or(text)).ok()
    }

    fn hex_n(value: &Value, n: usize) -> Option<Vec<u8>> {
        hex_bytes(value).filter(|bytes| bytes.len() == n)
    }

    fn decimal(value: &Value) -> Option<u64> {
        let text = value.as_str()?;
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
    }

    fn int<T: TryFrom<u64>>(value: &Value) -> Option<T> {
        T::try_from(value.as_u64()?).ok()
    }

    fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
        value.as_object()?.get(name)
    }

    fn list<'a>(value: &'a Value, name: &str) -> Option<&'a Vec<Value>> {
        field(value, name)?.as_array()
    }

    fn optional(
        value: Option<&Value>,
        out: &mut Vec<u8>,
        body: fn(&Value) -> Option<Vec<u8>>,
    ) -> Option<()> {
        match value {
            None | Some(Value::Null) => out.extend(0u32.to_le_bytes()),
            Some(value) => {
                let bytes = body(value)?;
                out.extend(u32::try_from(bytes.len()).ok()?.to_le_bytes());
                out.extend(bytes);
            }
        }
        Some(())
    }

    fn parents(value: &Value, out: &mut Vec<u8>) -> Option<()> {
        let ids = value.as_array()?;
        out.push(u8::try_from(ids.len()).ok()?);
        for id in ids {
            out.extend(hex_n(id, 32)?);
        }
        Some(())
    }

    pub(super) fn message(value: &Value) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        out.extend(decimal(field(value, "networkId")?)?.to_le_bytes());
        parents(field(value, "parentMessageIds")?, &mut out)?;
        optional(field(value, "payload"), &mut out, payload)?;
        out.extend(decimal(field(value, "nonce")?)?.to_le_bytes());
        Some(out)
    }

    fn payload(value: &Value) -> Option<Vec<u8>> {
        typed_payload(value, None)
    }

    fn typed_payload(value: &Value, default: Option<u32>) -> Option<Vec<u8>> {
        let kind: u32 = match field(value, "type") {
            Some(kind) => int(kind)?,
            None => default?,
        };
        let mut out = kind.to_le_bytes().to_vec();
        match kind {
            0 => transaction(value, &mut out)?,
            1 => milestone(value, &mut out)?,
            2 => {
                let index = hex_bytes(field(value, "index")?)?;
                let data = hex_bytes(field(value, "data")?)?;
                out.extend(u16::try_from(index.len()).ok()?.to_le_bytes());
                out.extend(index);
                out.extend(u32::try_from(data.len()).ok()?.to_le_bytes());
                out.extend(data);
            }
            3 => receipt(value, &mut out)?,
            4 => treasury(value, &mut out)?,
            _ => {}
        }
        Some(out)
    }

    fn address(value: &Value, out: &mut Vec<u8>) -> Option<()> {
        out.push(int(field(value, "type")?)?);
        out.extend(hex_n(field(value, "address")?, 32)?);
        Some(())
    }

    fn transaction(value: &Value, out: &mut Vec<u8>) -> Option<()> {
        let essence = field(value, "essence")?;
        out.push(int(field(essence, "type")?)?);
        let inputs = list(essence, "inputs")?;
        out.extend(u16::try_from(inputs.len()).ok()?.to_le_bytes());
        for input in inputs {
            out.push(int(field(input, "type")?)?);
            out.extend(hex_n(field(input, "transactionId")?, 32)?);
            out.extend(int::<u16>(field(input, "transactionOutputIndex")?)?.to_le_bytes());
        }
        let outputs = list(essence, "outputs")?;
        out.extend(u16::try_from(outputs.len()).ok()?.to_le_bytes());
        for output in outputs {
            out.push(int(field(output, "type")?)?);
            address(field(output, "address")?, out)?;
            out.extend(int::<u64>(field(output, "amount")?)?.to_le_bytes());
        }
        optional(field(essence, "payload"), out, payload)?;
        let unlocks = list(value, "unlockBlocks")?;
        out.extend(u16::try_from(unlocks.len()).ok()?.to_le_bytes());
        for unlock in unlocks {
            let kind: u8 = int(field(unlock, "type")?)?;
            out.push(kind);
            match kind {
                0 => {
                    let signature = field(unlock, "signature")?;
                    out.push(int(field(signature, "type")?)?);
                    out.extend(hex_n(field(signature, "publicKey")?, 32)?);
                    out.extend(hex_n(field(signature, "signature")?, 64)?);
                }
                1 => out.extend(int::<u16>(field(unlock, "reference")?)?.to_le_bytes()),
                _ => {}
            }
        }
        Some(())
    }

    fn milestone(value: &Value, out: &mut Vec<u8>) -> Option<()> {
        out.extend(int::<u32>(field(value, "index")?)?.to_le_bytes());
        out.extend(int::<u64>(field(value, "timestamp")?)?.to_le_bytes());
        parents(field(value, "parentMessageIds")?, out)?;
        out.extend(hex_n(field(value, "inclusionMerkleProof")?, 32)?);
        out.extend(int::<u32>(field(value, "nextPoWScore")?)?.to_le_bytes());
        out.extend(int::<u32>(field(value, "nextPoWScoreMilestoneIndex")?)?.to_le_bytes());
        let keys = list(value, "publicKeys")?;
        out.push(u8::try_from(keys.len()).ok()?);
        for key in keys {
            out.extend(hex_n(key, 32)?);
        }
        optional(field(value, "receipt"), out, |receipt| {
            typed_payload(receipt, Some(3))
        })?;
        let signatures = list(value, "signatures")?;
        out.push(u8::try_from(signatures.len()).ok()?);
        for signature in signatures {
            out.extend(hex_n(signature, 64)?);
        }
        Some(())
    }

    fn receipt(value: &Value, out: &mut Vec<u8>) -> Option<()> {
        out.extend(int::<u32>(field(value, "migratedAt")?)?.to_le_bytes());
        out.push(u8::from(field(value, "final")?.as_bool()?));
        let funds = list(value, "funds")?;
        out.extend(u16::try_from(funds.len()).ok()?.to_le_bytes());
        for entry in funds {
            out.extend(hex_n(field(entry, "tailTransactionHash")?, 49)?);
            address(field(entry, "address")?, out)?;
            out.extend(int::<u64>(field(entry, "deposit")?)?.to_le_bytes());
        }
        optional(field(value, "transaction"), out, |transaction| {
            typed_payload(transaction, Some(4))
        })
    }

    fn treasury(value: &Value, out: &mut Vec<u8>) -> Option<()> {
        let input = field(value, "input")?;
        out.push(int(field(input, "type")?)?);
        out.extend(hex_n(field(input, "milestoneId")?, 32)?);
        let output = field(value, "output")?;
        out.push(int(field(output, "type")?)?);
        out.extend(int::<u64>(field(output, "amount")?)?.to_le_bytes());
        Some(())
    }
}

#[test]
fn reference_encoder_agrees_on_valid_messages() {
    for message in [
        Message::unpack(&tip6_bytes()).expect("tip6"),
        transaction_message(),
        milestone_message(),
    ] {
        let value = serde_json::to_value(&message).expect("writes");
        assert_eq!(reference::message(&value), Some(message.pack()));
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies for arbitrary valid messages.

fn id32() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

fn parents_strategy() -> impl Strategy<Value = Parents> {
    prop::collection::vec(id32(), 1..=8).prop_map(|ids| {
        Parents::from_unsorted(ids.into_iter().map(MessageId::new)).expect("1..=8 parents")
    })
}

fn indexation_strategy() -> impl Strategy<Value = IndexationPayload> {
    (
        prop::collection::vec(any::<u8>(), 1..=64),
        prop::collection::vec(any::<u8>(), 0..=96),
    )
        .prop_map(|(index, data)| IndexationPayload::new(index, data).expect("indexation"))
}

fn address_strategy() -> impl Strategy<Value = Address> {
    prop_oneof![id32(), (0u8..4).prop_map(|seed| [seed; 32])]
        .prop_map(|bytes| Address::Ed25519(Ed25519Address::new(bytes)))
}

fn transaction_strategy() -> impl Strategy<Value = TransactionPayload> {
    let inputs = prop::collection::vec((prop_oneof![id32(), Just([0; 32])], 0u16..=126), 1..=5);
    let outputs = prop::collection::vec(
        (any::<bool>(), address_strategy(), 1u64..=10_000_000_000),
        1..=5,
    );
    let unlocks = prop::collection::vec(
        (any::<bool>(), id32(), any::<[u8; 32]>(), any::<[u8; 32]>()),
        5,
    );
    (
        inputs,
        outputs,
        prop::option::of(indexation_strategy()),
        unlocks,
    )
        .prop_map(|(inputs, outputs, payload, unlocks)| {
            let mut inputs: Vec<Input> = inputs
                .into_iter()
                .map(|(id, index)| {
                    Input::Utxo(OutputId::new(TransactionId::new(id), index).expect("index"))
                })
                .collect();
            inputs.sort_by_key(Packable::pack);
            inputs.dedup();
            let mut outputs: Vec<Output> = outputs
                .into_iter()
                .map(|(dust, address, amount)| {
                    if dust {
                        Output::dust_allowance(address, amount.max(1_000_000))
                    } else {
                        Output::single(address, amount)
                    }
                    .expect("amount")
                })
                .collect();
            outputs.sort_by_key(Packable::pack);
            outputs.dedup_by_key(|output| (output.kind(), *output.address()));
            let essence = TransactionEssence::new(inputs, outputs, payload).expect("essence");
            let mut blocks: Vec<UnlockBlock> = Vec::new();
            for (index, (reference, key, r, s)) in
                unlocks.into_iter().take(essence.inputs().len()).enumerate()
            {
                let mut signature = [0; 64];
                signature[..32].copy_from_slice(&r);
                signature[32..].copy_from_slice(&s);
                // Distinct even when shrinking makes the random bytes equal.
                signature[63] = index as u8;
                blocks.push(if reference && !blocks.is_empty() {
                    UnlockBlock::Reference(0)
                } else {
                    UnlockBlock::Signature(Ed25519Signature::new(key, signature))
                });
            }
            let unlocks = UnlockBlocks::new(blocks).expect("random signatures are distinct");
            TransactionPayload::new(essence, unlocks).expect("transaction")
        })
}

fn receipt_strategy() -> impl Strategy<Value = ReceiptPayload> {
    let funds = prop::collection::vec(
        (
            any::<[u8; 32]>(),
            address_strategy(),
            1_000_000u64..=100_000_000_000,
        ),
        1..=4,
    );
    (
        any::<u32>(),
        any::<bool>(),
        funds,
        id32(),
        0u64..=2_000_000_000_000_000,
    )
        .prop_map(|(migrated_at, last, funds, milestone, amount)| {
            let mut funds: Vec<MigratedFundsEntry> = funds
                .into_iter()
                .map(|(hash, address, deposit)| {
                    let mut tail = [0x39; 49];
                    tail[..32].copy_from_slice(&hash);
                    MigratedFundsEntry::new(TailTransactionHash(tail), address, deposit)
                        .expect("deposit")
                })
                .collect();
            funds.sort_by_key(|entry| *entry.tail_transaction_hash());
            funds.dedup_by_key(|entry| *entry.tail_transaction_hash());
            let treasury = TreasuryTransactionPayload::new(MilestoneId::new(milestone), amount)
                .expect("amount");
            ReceiptPayload::new(migrated_at, last, funds, treasury).expect("receipt")
        })
}

fn milestone_strategy(parents: Parents) -> impl Strategy<Value = MilestonePayload> {
    let keys = prop::collection::btree_set(id32(), 1..=3);
    let signatures = prop::collection::vec(any::<[u8; 32]>(), 6);
    (
        0u32..u32::MAX - 10,
        any::<u64>(),
        id32(),
        keys,
        prop::option::of(receipt_strategy()),
        any::<bool>(),
        signatures,
    )
        .prop_map(
            move |(index, timestamp, root, keys, receipt, pow, halves)| {
                let keys: Vec<[u8; 32]> = keys.into_iter().collect();
                let signatures = halves[..2 * keys.len()]
                    .chunks(2)
                    .map(|pair| {
                        let mut signature = [0; 64];
                        signature[..32].copy_from_slice(&pair[0]);
                        signature[32..].copy_from_slice(&pair[1]);
                        signature
                    })
                    .collect();
                let (score, score_index) = if pow { (4_000, index + 5) } else { (0, 0) };
                let essence = MilestoneEssence::new(index, timestamp, parents, root, keys, receipt)
                    .and_then(|essence| essence.with_next_pow_score(score, score_index))
                    .expect("essence");
                MilestonePayload::new(essence, signatures).expect("milestone")
            },
        )
}

fn message_strategy() -> impl Strategy<Value = Message> {
    (parents_strategy(), any::<u64>(), any::<u64>(), 0u8..4).prop_flat_map(
        |(parents, network_id, nonce, kind)| {
            let payload = match kind {
                0 => Just(None).boxed(),
                1 => indexation_strategy()
                    .prop_map(|p| Some(Payload::from(p)))
                    .boxed(),
                2 => transaction_strategy()
                    .prop_map(|p| Some(Payload::from(p)))
                    .boxed(),
                _ => milestone_strategy(parents)
                    .prop_map(|p| Some(Payload::from(p)))
                    .boxed(),
            };
            payload.prop_map(move |payload| {
                Message::new(network_id, parents, payload, nonce).expect("message")
            })
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Mutations of a message's JSON, for the differential test.

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace a value (leaf or not) with another.
    Replace(Value),
    /// Swap an array item with the next one.
    SwapNext,
    /// Copy an array item over the next one.
    CopyNext,
    /// Remove an array item.
    Remove,
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(2)),
        Just(json!(3)),
        Just(json!(4)),
        Just(json!(127)),
        Just(json!(999_999)),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        Just(json!(0.5)),
        Just(json!(true)),
        Just(json!("")),
        Just(json!("0")),
        Just(json!([])),
        Just(json!({})),
        any::<u64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n.to_string())),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(|bytes| json!(hex::encode(bytes))),
        Just(json!("00".repeat(32))),
        Just(json!("ff".repeat(32))),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => replacement().prop_map(Mutation::Replace),
        1 => Just(Mutation::SwapNext),
        1 => Just(Mutation::CopyNext),
        1 => Just(Mutation::Remove),
    ]
}

/// JSON pointers of every value below the root, in document order.
fn pointers(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                let pointer = format!("{prefix}/{name}");
                out.push(pointer.clone());
                pointers(member, &pointer, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let pointer = format!("{prefix}/{index}");
                out.push(pointer.clone());
                pointers(item, &pointer, out);
            }
        }
        _ => {}
    }
}

fn mutate(value: &mut Value, pointer: &str, mutation: &Mutation) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    let Some(container) = value.pointer_mut(parent) else {
        return;
    };
    match (mutation, container) {
        (Mutation::Replace(new), container) => {
            if let Some(target) = container.pointer_mut(&format!("/{last}")) {
                *target = new.clone();
            }
        }
        (mutation, Value::Array(items)) => {
            let index: usize = last.parse().expect("array index");
            match mutation {
                Mutation::SwapNext if index + 1 < items.len() => items.swap(index, index + 1),
                Mutation::CopyNext if index + 1 < items.len() => {
                    items[index + 1] = items[index].clone()
                }
                Mutation::Remove => {
                    items.remove(index);
                }
                _ => {}
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// bytes → Message → JSON → Message → identical bytes, for arbitrary valid messages.
    #[test]
    fn json_round_trip(message in message_strategy()) {
        let bytes = message.pack();
        prop_assert_eq!(Message::unpack(&bytes), Ok(message.clone()));
        let text = serde_json::to_string(&message).expect("serializes");
        let back: Message = serde_json::from_str(&text).expect("reads back");
        prop_assert_eq!(back.pack(), bytes);
        prop_assert_eq!(reference::message(&serde_json::to_value(&message).expect("value")), Some(message.pack()));
    }

    /// A mutated message reads from JSON exactly when its byte form decodes, to the same message,
    /// and a rule broken by a single mutation is reported with the codec's words.
    #[test]
    fn json_agrees_with_the_codec(
        message in message_strategy(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..=2),
    ) {
        let mut value = serde_json::to_value(&message).expect("value");
        for (at, mutation) in &mutations {
            let mut all = Vec::new();
            pointers(&value, "", &mut all);
            if all.is_empty() {
                break;
            }
            let pointer = at.get(&all).clone();
            mutate(&mut value, &pointer, mutation);
        }
        let from_json = serde_json::from_value::<Message>(value.clone());
        if let Ok(read) = &from_json {
            // Whatever JSON accepts is a valid message that reads back the same.
            prop_assert_eq!(Message::unpack(&read.pack()), Ok(read.clone()));
            let again: Message = serde_json::from_value(serde_json::to_value(read).expect("value")).expect("reads");
            prop_assert_eq!(&again, read);
        }
        if let Some(bytes) = reference::message(&value) {
            match (Message::unpack(&bytes), &from_json) {
                (Ok(decoded), Ok(read)) => prop_assert_eq!(&decoded, read),
                (Err(error), Err(json_error)) => {
                    // With several mutations, several rules may break, and the codec reports
                    // the first in byte order; one mutation breaks one rule.
                    if let (Some(rule), 1) = (error.rule(), mutations.len()) {
                        let json_error = json_error.to_string();
                        prop_assert!(
                            json_error.contains(&rule.to_string()),
                            "codec: {}; JSON: {}; value: {}", error, json_error, value
                        );
                    }
                }
                (codec, json) => prop_assert!(false, "codec {:?} but JSON {:?} for {}", codec, json, value),
            }
        }
    }

    /// Arbitrary JSON never panics any reader; whatever a reader accepts writes out as JSON that
    /// reads back to the same value and writes out the same again, and an accepted message is
    /// valid for the byte codec too. Reading the text and reading the value agree.
    #[test]
    fn arbitrary_json_never_panics(
        value in prop_oneof![
            arbitrary_json(),
            // Valid messages and their payloads, so that the accepting branches run too.
            message_strategy().prop_flat_map(|message| {
                let whole = serde_json::to_value(&message).expect("value");
                let payload = whole["payload"].clone();
                prop::sample::select(vec![whole, payload])
            }),
        ]
    ) {
        macro_rules! accepted_reads_back {
            ($type:ty) => {
                if let Ok(read) = serde_json::from_value::<$type>(value.clone()) {
                    let written = serde_json::to_value(&read).expect("writes");
                    let again: $type = serde_json::from_value(written.clone()).expect("reads back");
                    prop_assert_eq!(&again, &read);
                    prop_assert_eq!(serde_json::to_value(&again).expect("writes"), written);
                }
            };
        }
        accepted_reads_back!(Message);
        accepted_reads_back!(Payload);
        accepted_reads_back!(TransactionPayload);
        accepted_reads_back!(MilestonePayload);
        accepted_reads_back!(ReceiptPayload);
        accepted_reads_back!(OutputId);
        let from_value = serde_json::from_value::<Message>(value.clone()).ok();
        if let Some(message) = &from_value {
            prop_assert_eq!(Message::unpack(&message.pack()), Ok(message.clone()));
        }
        prop_assert_eq!(serde_json::from_str::<Message>(&value.to_string()).ok(), from_value);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "type",
        "networkId",
        "parentMessageIds",
        "payload",
        "nonce",
        "essence",
        "inputs",
        "outputs",
        "unlockBlocks",
        "index",
        "data",
        "receipt",
        "funds",
        "transaction",
        "address",
        "amount",
        "signature",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[0-9a-fA-Fx]{0,70}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((names.clone(), inner), 0..8).prop_map(|members| Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            )),
        ]
    })
}
