//! One negative test per rejection rule, each asserting the specific error variant.

mod common;

use common::*;
use tangle_model::{
    Address, BuildError, Ed25519Address, Ed25519Signature, IOTA_SUPPLY, IndexationPayload, Input,
    Message, MessageBuilder, MessageId, MigratedFundsEntry, MilestoneEssence, MilestonePayload,
    Output, OutputId, Packable, Parents, PayloadContext, ReceiptPayload, RuleError,
    TailTransactionHash, TransactionEssence, TransactionPayload, TreasuryTransactionPayload,
    UnlockBlock, UnlockBlocks, UnpackError,
};

const PARENTS: [[u8; 32]; 2] = [[1; 32], [2; 32]];

fn rule_of(result: Result<impl core::fmt::Debug, UnpackError>) -> RuleError {
    match result {
        Err(UnpackError::Rule { rule, .. }) => rule,
        other => panic!("expected a rule error, got {other:?}"),
    }
}

fn tx_message(spec: &TxSpec) -> Result<Message, UnpackError> {
    Message::unpack(&message(&PARENTS, Some(&spec.bytes())))
}

fn ms_message(spec: &MilestoneSpec) -> Result<Message, UnpackError> {
    Message::unpack(&message(&spec.parents, Some(&spec.bytes())))
}

fn receipt_message(receipt: &ReceiptSpec) -> Result<Message, UnpackError> {
    let mut spec = MilestoneSpec::valid();
    spec.payload = Some(receipt.bytes());
    ms_message(&spec)
}

#[test]
fn valid_specs_decode() {
    tx_message(&TxSpec::valid()).expect("transaction spec is valid");
    ms_message(&MilestoneSpec::valid()).expect("milestone spec is valid");
    Message::unpack(&message(&PARENTS, Some(&indexation(b"i", b"")))).expect("indexation is valid");
    Message::unpack(&message(&PARENTS, None)).expect("no payload is valid");
}

// ---- wire-level errors ----

#[test]
fn short_input() {
    let bytes = message(&PARENTS, None);
    assert!(matches!(
        Message::unpack(&bytes[..bytes.len() - 1]),
        Err(UnpackError::ShortInput {
            needed: 8,
            available: 7,
            ..
        })
    ));
    assert!(matches!(
        Message::unpack(&[]),
        Err(UnpackError::ShortInput { offset: 0, .. })
    ));
}

#[test]
fn trailing_bytes() {
    let mut bytes = message(&PARENTS, None);
    let len = bytes.len();
    bytes.push(0);
    assert_eq!(
        Message::unpack(&bytes),
        Err(UnpackError::TrailingBytes {
            offset: len,
            count: 1
        })
    );
}

#[test]
fn payload_shorter_than_declared_length() {
    let payload = indexation(b"IOTA", b"data");
    let mut padded = payload.clone();
    padded.push(0);
    let bytes = message(&PARENTS, Some(&padded));
    assert!(matches!(
        Message::unpack(&bytes),
        Err(UnpackError::PayloadLengthMismatch { declared, actual, .. }) if declared as usize == payload.len() + 1 && actual == payload.len()
    ));
}

#[test]
fn payload_longer_than_declared_length() {
    let payload = indexation(b"IOTA", b"data");
    let mut bytes = message(&PARENTS, Some(&payload));
    // Declare one byte less and drop a byte from the end of the nonce so the lengths still add up.
    let at = 8 + 1 + 64;
    bytes[at..at + 4].copy_from_slice(&(payload.len() as u32 - 1).to_le_bytes());
    bytes.pop();
    assert!(matches!(
        Message::unpack(&bytes),
        Err(UnpackError::PayloadTruncated { .. })
    ));
}

#[test]
fn unknown_payload_type() {
    let bytes = message(&PARENTS, Some(&W::new().u32(9).u64(0).0));
    assert!(matches!(
        Message::unpack(&bytes),
        Err(UnpackError::UnknownPayloadType {
            kind: 9,
            offset: 77
        })
    ));
}

#[test]
fn unknown_essence_type() {
    let mut spec = TxSpec::valid();
    spec.essence_type = 1;
    assert!(matches!(
        tx_message(&spec),
        Err(UnpackError::UnknownEssenceType { kind: 1, .. })
    ));
}

#[test]
fn unknown_input_type() {
    let mut spec = TxSpec::valid();
    spec.inputs[0][0] = 1;
    assert!(matches!(
        tx_message(&spec),
        Err(UnpackError::UnknownInputType { kind: 1, .. })
    ));
}

#[test]
fn unknown_output_type() {
    let mut spec = TxSpec::valid();
    spec.outputs[2][0] = 2;
    assert!(matches!(
        tx_message(&spec),
        Err(UnpackError::UnknownOutputType { kind: 2, .. })
    ));
}

#[test]
fn unknown_address_type() {
    let mut spec = TxSpec::valid();
    spec.outputs[0][1] = 1;
    assert!(matches!(
        tx_message(&spec),
        Err(UnpackError::UnknownAddressType { kind: 1, .. })
    ));
}

#[test]
fn unknown_unlock_type() {
    let mut spec = TxSpec::valid();
    spec.unlocks[1] = W::new().u8(2).u16(0).0;
    assert!(matches!(
        tx_message(&spec),
        Err(UnpackError::UnknownUnlockType { kind: 2, .. })
    ));
}

#[test]
fn unknown_signature_type() {
    let mut spec = TxSpec::valid();
    spec.unlocks[0][1] = 1;
    assert!(matches!(
        tx_message(&spec),
        Err(UnpackError::UnknownSignatureType { kind: 1, .. })
    ));
}

#[test]
fn receipt_final_flag_must_be_a_boolean() {
    let mut receipt = ReceiptSpec::valid();
    receipt.last = 2;
    assert!(matches!(
        receipt_message(&receipt),
        Err(UnpackError::InvalidBool { value: 2, .. })
    ));
}

#[test]
fn treasury_input_and_output_types() {
    let mut receipt = ReceiptSpec::valid();
    let mut transaction = treasury_transaction(9, 1);
    transaction[4] = 0;
    receipt.transaction = Some(transaction.clone());
    assert!(matches!(
        receipt_message(&receipt),
        Err(UnpackError::UnknownInputType { kind: 0, .. })
    ));
    transaction[4] = 1;
    transaction[37] = 0;
    receipt.transaction = Some(transaction);
    assert!(matches!(
        receipt_message(&receipt),
        Err(UnpackError::UnknownOutputType { kind: 0, .. })
    ));
}

// ---- TIP-6: messages, parents, indexation ----

#[test]
fn parents_count() {
    assert_eq!(
        rule_of(Message::unpack(&message(&[], None))),
        RuleError::ParentsCount { count: 0 }
    );
    let nine: Vec<[u8; 32]> = (1..=9).map(id).collect();
    assert_eq!(
        rule_of(Message::unpack(&message(&nine, None))),
        RuleError::ParentsCount { count: 9 }
    );
    assert_eq!(Parents::new(&[]), Err(RuleError::ParentsCount { count: 0 }));
}

#[test]
fn parents_not_sorted() {
    let err = Message::unpack(&message(&[id(2), id(1)], None));
    assert_eq!(
        err,
        Err(UnpackError::Rule {
            offset: 9 + 32,
            rule: RuleError::ParentsNotSorted { index: 1 }
        })
    );
    assert_eq!(
        Parents::new(&[MessageId::new(id(2)), MessageId::new(id(1))]),
        Err(RuleError::ParentsNotSorted { index: 1 })
    );
}

#[test]
fn parents_unique() {
    assert_eq!(
        rule_of(Message::unpack(&message(&[id(1), id(1)], None))),
        RuleError::DuplicateParent { index: 1 }
    );
}

#[test]
fn message_too_large() {
    let data = vec![0u8; 32768];
    let bytes = message(&PARENTS, Some(&indexation(b"x", &data)));
    assert!(matches!(
        rule_of(Message::unpack(&bytes)),
        RuleError::MessageTooLarge { .. }
    ));
    let payload = IndexationPayload::new(b"x".to_vec(), vec![0; 32760]).expect("fits on its own");
    let parents = Parents::new(&[MessageId::new(id(1))]).expect("one parent");
    assert!(matches!(
        Message::new(0, parents, Some(payload.into()), 0),
        Err(RuleError::MessageTooLarge { .. })
    ));
}

#[test]
fn message_payload_type_not_allowed() {
    let bytes = message(&PARENTS, Some(&ReceiptSpec::valid().bytes()));
    assert_eq!(
        rule_of(Message::unpack(&bytes)),
        RuleError::PayloadNotAllowed {
            kind: 3,
            context: PayloadContext::Message
        }
    );
}

#[test]
fn index_length() {
    let bytes = message(&PARENTS, Some(&indexation(b"", b"data")));
    assert_eq!(
        rule_of(Message::unpack(&bytes)),
        RuleError::IndexLength { len: 0 }
    );
    let bytes = message(&PARENTS, Some(&indexation(&[7; 65], b"")));
    assert_eq!(
        rule_of(Message::unpack(&bytes)),
        RuleError::IndexLength { len: 65 }
    );
    assert_eq!(
        IndexationPayload::new(vec![1; 65], vec![]),
        Err(RuleError::IndexLength { len: 65 })
    );
}

#[test]
fn data_length() {
    assert_eq!(
        IndexationPayload::new(vec![1], vec![0; 40_000]),
        Err(RuleError::DataLength { len: 40_000 })
    );
}

// ---- TIP-7: transactions ----

#[test]
fn essence_payload_must_be_indexation() {
    let mut spec = TxSpec::valid();
    spec.payload = Some(TxSpec::valid().bytes());
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::PayloadNotAllowed {
            kind: 0,
            context: PayloadContext::TransactionEssence
        }
    );
}

#[test]
fn input_count() {
    let mut spec = TxSpec::valid();
    spec.inputs.clear();
    spec.unlocks.clear();
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::InputCount { count: 0 }
    );
    let mut spec = TxSpec::valid();
    spec.inputs = (0..128u16)
        .map(|i| utxo_input(1 + (i / 100) as u8, i % 100))
        .collect();
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::InputCount { count: 128 }
    );
    assert_eq!(
        TransactionEssence::new(vec![], vec![], None),
        Err(RuleError::InputCount { count: 0 })
    );
}

#[test]
fn output_count() {
    let mut spec = TxSpec::valid();
    spec.outputs.clear();
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::OutputCount { count: 0 }
    );
    let mut spec = TxSpec::valid();
    spec.outputs = (0..128u32)
        .map(|i| output(0, (i % 250) as u8, 1 + i as u64))
        .collect();
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::OutputCount { count: 128 }
    );
}

#[test]
fn output_index() {
    let mut spec = TxSpec::valid();
    spec.inputs[2] = utxo_input(2, 127);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::OutputIndex { index: 127 }
    );
    assert_eq!(
        OutputId::new(transaction_id(1), 127),
        Err(RuleError::OutputIndex { index: 127 })
    );
}

#[test]
fn inputs_sorted() {
    let mut spec = TxSpec::valid();
    spec.inputs.swap(0, 2);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::InputsNotSorted { index: 1 }
    );
    // Sorting is by bytes: index 256 (00 01) sorts before index 1 (01 00).
    let a = Input::Utxo(OutputId::new(transaction_id(1), 1).expect("valid"));
    let b = Input::Utxo(OutputId::new(transaction_id(1), 2).expect("valid"));
    let out = Output::single(Address::Ed25519(Ed25519Address::new(id(1))), 1).expect("valid");
    assert_eq!(
        TransactionEssence::new(vec![b, a], vec![out], None),
        Err(RuleError::InputsNotSorted { index: 1 })
    );
}

#[test]
fn inputs_unique() {
    let mut spec = TxSpec::valid();
    spec.inputs[1] = spec.inputs[0].clone();
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::DuplicateInput { index: 1 }
    );
}

#[test]
fn outputs_sorted() {
    let mut spec = TxSpec::valid();
    spec.outputs.swap(0, 1);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::OutputsNotSorted { index: 1 }
    );
}

#[test]
fn output_address_once_per_type() {
    let mut spec = TxSpec::valid();
    spec.outputs[1] = output(0, 5, 1_001);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::DuplicateOutputAddress { index: 1 }
    );
    // The same address in outputs of different types is fine (TxSpec::valid has one).
}

#[test]
fn output_amount() {
    let mut spec = TxSpec::valid();
    spec.outputs[0] = output(0, 5, 0);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::OutputAmount {
            index: 0,
            amount: 0
        }
    );
    let address = Address::Ed25519(Ed25519Address::new(id(1)));
    assert_eq!(
        Output::single(address, IOTA_SUPPLY + 1),
        Err(RuleError::OutputAmount {
            index: 0,
            amount: IOTA_SUPPLY + 1
        })
    );
}

#[test]
fn dust_allowance_amount() {
    let mut spec = TxSpec::valid();
    spec.outputs[2] = output(1, 5, 999_999);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::DustAllowanceAmount {
            index: 2,
            amount: 999_999
        }
    );
}

#[test]
fn output_sum() {
    let mut spec = TxSpec::valid();
    spec.outputs[1] = output(0, 6, IOTA_SUPPLY);
    assert_eq!(rule_of(tx_message(&spec)), RuleError::OutputSumTooLarge);
}

#[test]
fn unlock_count() {
    let mut spec = TxSpec::valid();
    spec.unlocks.pop();
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::UnlockCount {
            unlocks: 2,
            inputs: 3
        }
    );
}

#[test]
fn signature_unlocks_unique() {
    let mut spec = TxSpec::valid();
    spec.unlocks[2] = signature_unlock(1, 1);
    assert_eq!(
        rule_of(tx_message(&spec)),
        RuleError::DuplicateSignatureUnlock { index: 2, first: 0 }
    );
}

#[test]
fn reference_unlocks_point_back_to_a_signature() {
    for (blocks, index, reference) in [
        (
            vec![
                reference_unlock(0),
                signature_unlock(1, 1),
                signature_unlock(2, 2),
            ],
            0,
            0,
        ),
        (
            vec![
                signature_unlock(1, 1),
                reference_unlock(2),
                signature_unlock(2, 2),
            ],
            1,
            2,
        ),
        (
            vec![
                signature_unlock(1, 1),
                reference_unlock(0),
                reference_unlock(1),
            ],
            2,
            1,
        ),
    ] {
        let mut spec = TxSpec::valid();
        spec.unlocks = blocks;
        assert_eq!(
            rule_of(tx_message(&spec)),
            RuleError::InvalidReferenceUnlock { index, reference }
        );
    }
    assert_eq!(
        UnlockBlocks::new(vec![UnlockBlock::Reference(0)]),
        Err(RuleError::InvalidReferenceUnlock {
            index: 0,
            reference: 0
        })
    );
}

#[test]
fn transaction_unlock_count_in_constructor() {
    let essence = TransactionEssence::unpack(&TxSpec::valid().essence()).expect("valid essence");
    let blocks = UnlockBlocks::new(vec![UnlockBlock::Signature(Ed25519Signature::new(
        [1; 32], [1; 64],
    ))])
    .expect("valid");
    assert_eq!(
        TransactionPayload::new(essence, blocks),
        Err(RuleError::UnlockCount {
            unlocks: 1,
            inputs: 3
        })
    );
}

// ---- TIP-8: milestones ----

#[test]
fn milestone_with_other_parents_is_a_valid_message_but_not_a_milestone() {
    let spec = MilestoneSpec::valid();
    // Parents [1, 3] against essence parents [1, 2]: decodes (iota.go v2 has no such rule), and
    // the milestone rule is broken.
    let bytes = message(&[id(1), id(3)], Some(&spec.bytes()));
    let message = Message::unpack(&bytes).expect("a valid message");
    assert_eq!(message.pack(), bytes);
    assert_eq!(
        message.milestone(),
        Err(RuleError::MilestoneParentsMismatch)
    );
    // More message parents than essence parents, the essence parents leading: not a milestone.
    let bytes = message_bytes_with(&[id(1), id(2), id(3)], &spec);
    let message = Message::unpack(&bytes).expect("a valid message");
    assert_eq!(
        message.milestone(),
        Err(RuleError::MilestoneParentsMismatch)
    );
}

fn message_bytes_with(parents: &[[u8; 32]], spec: &MilestoneSpec) -> Vec<u8> {
    message(parents, Some(&spec.bytes()))
}

#[test]
fn milestone_parents_rule_compares_position_by_position() {
    let spec = MilestoneSpec::valid();
    let same = ms_message(&spec).expect("valid");
    assert!(same.milestone().expect("a milestone").is_some());
    // Hornet 1.2.8 compares each message parent with the essence parent at its position, so
    // message parents that lead the essence parents make a milestone.
    let prefix = Message::unpack(&message_bytes_with(&[id(1)], &spec)).expect("valid");
    assert!(prefix.milestone().expect("a milestone").is_some());
    // No milestone payload: no milestone, and no rule broken.
    let plain = Message::unpack(&message(&PARENTS, None)).expect("valid");
    assert_eq!(plain.milestone(), Ok(None));
}

#[test]
fn milestone_next_pow_score() {
    let mut spec = MilestoneSpec::valid();
    spec.next_pow_score = 4000;
    spec.next_pow_score_milestone_index = 0;
    assert_eq!(
        rule_of(ms_message(&spec)),
        RuleError::MilestonePowScore { score: 4000 }
    );
    // iota.go v2 checks nothing else about these fields: a zero score with a non-zero index, and
    // an index at or below the milestone index, decode and are milestones.
    for (score, score_index) in [
        (0, 50),
        (4000, spec.index),
        (4000, 1),
        (4000, spec.index + 1),
    ] {
        spec.next_pow_score = score;
        spec.next_pow_score_milestone_index = score_index;
        let message = ms_message(&spec).expect("valid");
        assert!(message.milestone().expect("a milestone").is_some());
    }
}

#[test]
fn milestone_key_count() {
    let mut spec = MilestoneSpec::valid();
    spec.keys.clear();
    spec.signatures.clear();
    assert_eq!(
        rule_of(ms_message(&spec)),
        RuleError::MilestoneKeyCount { count: 0 }
    );
}

#[test]
fn milestone_keys_sorted() {
    let mut spec = MilestoneSpec::valid();
    spec.keys.swap(0, 1);
    assert_eq!(
        rule_of(ms_message(&spec)),
        RuleError::MilestoneKeysNotSorted { index: 1 }
    );
}

#[test]
fn milestone_keys_unique() {
    let mut spec = MilestoneSpec::valid();
    spec.keys[1] = spec.keys[0];
    assert_eq!(
        rule_of(ms_message(&spec)),
        RuleError::DuplicateMilestoneKey { index: 1 }
    );
    let parents = Parents::new(&[MessageId::new(id(1))]).expect("valid");
    assert_eq!(
        MilestoneEssence::new(1, 0, parents, [0; 32], vec![[1; 32], [1; 32]], None),
        Err(RuleError::DuplicateMilestoneKey { index: 1 })
    );
}

#[test]
fn milestone_signature_count() {
    let mut spec = MilestoneSpec::valid();
    spec.signatures.pop();
    assert_eq!(
        rule_of(ms_message(&spec)),
        RuleError::MilestoneSignatureCount {
            keys: 2,
            signatures: 1
        }
    );
}

#[test]
fn milestone_payload_must_be_receipt() {
    let mut spec = MilestoneSpec::valid();
    spec.payload = Some(indexation(b"x", b""));
    assert_eq!(
        rule_of(ms_message(&spec)),
        RuleError::PayloadNotAllowed {
            kind: 2,
            context: PayloadContext::MilestoneEssence
        }
    );
}

// ---- TIP-17: receipts ----

#[test]
fn receipt_funds_count() {
    let mut receipt = ReceiptSpec::valid();
    receipt.funds.clear();
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::ReceiptFundsCount { count: 0 }
    );
    receipt.funds = (0..128u32)
        .map(|i| funds_entry((i / 2) as u8, (i % 2) as u8, 1_000_000))
        .collect();
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::ReceiptFundsCount { count: 128 }
    );
}

#[test]
fn receipt_funds_sorted() {
    let mut receipt = ReceiptSpec::valid();
    receipt.funds.swap(0, 1);
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::ReceiptFundsNotSorted { index: 1 }
    );
}

#[test]
fn receipt_tail_hashes_unique() {
    let mut receipt = ReceiptSpec::valid();
    receipt.funds[1] = funds_entry(1, 8, 5_000_000);
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::DuplicateTailTransactionHash { index: 1 }
    );
}

#[test]
fn receipt_deposit() {
    let mut receipt = ReceiptSpec::valid();
    receipt.funds[0] = funds_entry(1, 7, 999_999);
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::MigratedDeposit {
            index: 0,
            amount: 999_999
        }
    );
    let address = Address::Ed25519(Ed25519Address::new(id(1)));
    assert!(MigratedFundsEntry::new(TailTransactionHash([0; 49]), address, 1).is_err());
}

#[test]
fn receipt_deposit_sum() {
    let mut receipt = ReceiptSpec::valid();
    receipt.funds[1] = funds_entry(2, 8, IOTA_SUPPLY);
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::MigratedSumTooLarge
    );
}

#[test]
fn treasury_amount() {
    let mut receipt = ReceiptSpec::valid();
    receipt.transaction = Some(treasury_transaction(9, IOTA_SUPPLY + 1));
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::TreasuryAmount {
            amount: IOTA_SUPPLY + 1
        }
    );
    assert!(TreasuryTransactionPayload::new(milestone_id(1), IOTA_SUPPLY + 1).is_err());
}

#[test]
fn receipt_needs_treasury_transaction() {
    let mut receipt = ReceiptSpec::valid();
    receipt.transaction = None;
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::MissingTreasuryTransaction
    );
}

#[test]
fn receipt_payload_must_be_treasury_transaction() {
    let mut receipt = ReceiptSpec::valid();
    receipt.transaction = Some(indexation(b"x", b""));
    assert_eq!(
        rule_of(receipt_message(&receipt)),
        RuleError::PayloadNotAllowed {
            kind: 2,
            context: PayloadContext::Receipt
        }
    );
    let transaction = TreasuryTransactionPayload::new(milestone_id(1), 5).expect("valid");
    assert_eq!(
        ReceiptPayload::new(1, false, vec![], transaction),
        Err(RuleError::ReceiptFundsCount { count: 0 })
    );
}

// ---- builders ----

#[test]
fn message_builder_needs_network_id() {
    let result = MessageBuilder::new().parent(MessageId::new(id(1))).finish();
    assert_eq!(result, Err(BuildError::MissingNetworkId));
}

#[test]
fn message_builder_needs_parents() {
    let result = MessageBuilder::new().network_id(1).finish();
    assert_eq!(
        result,
        Err(BuildError::Rule(RuleError::ParentsCount { count: 0 }))
    );
}

#[test]
fn errors_name_their_rule() {
    let text = RuleError::ParentsNotSorted { index: 1 }.to_string();
    assert!(
        text.starts_with("parents are not sorted in strictly ascending order (TIP-6)"),
        "{text}"
    );
    let text = UnpackError::Rule {
        offset: 41,
        rule: RuleError::ParentsNotSorted { index: 1 },
    }
    .to_string();
    assert!(text.contains("offset 41"), "{text}");
    let _ = MilestonePayload::unpack(&[]);
}
