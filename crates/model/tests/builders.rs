//! Realistic messages made with the builders: a signed transaction and a 3-key milestone with a
//! receipt, round-tripped through bytes; signature checks and their errors.

mod common;

use std::num::NonZeroUsize;

use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::{SigningKey, VerifyError};
use tangle_model::{
    Address, BuildError, FnSigner, IndexationPayload, Message, MessageBuilder, MessageId,
    MigratedFundsEntry, MilestoneBuilder, MilestonePayload, MilestoneVerifyError, Output, OutputId,
    Packable, Parents, Payload, ReceiptPayload, RuleError, SignerError, TailTransactionHash,
    TransactionBuilder, TransactionId, TreasuryTransactionPayload, UnlockBlock,
};

fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

fn address_of(key: &SigningKey) -> Address {
    Address::Ed25519(Ed25519Address::from_public_key(&key.public_key()))
}

fn output_id(tx: u8, index: u16) -> OutputId {
    OutputId::new(TransactionId::new([tx; 32]), index).expect("index in range")
}

#[test]
fn signed_transaction_message_round_trips() {
    let alice = key(1);
    let bob = key(2);
    let carol = address_of(&key(3));
    let transaction = TransactionBuilder::new()
        .input(output_id(0xaa, 3), &alice)
        .input(output_id(0x11, 0), &bob)
        .input(output_id(0xaa, 1), &alice)
        .output(Output::single(carol, 5_000_000).expect("valid"))
        .output(Output::single(address_of(&alice), 1_500_000).expect("valid"))
        .output(Output::dust_allowance(carol, 1_000_000).expect("valid"))
        .indexation(IndexationPayload::new(b"wallet".to_vec(), b"rent".to_vec()).expect("valid"))
        .finish()
        .expect("valid transaction");

    let inputs: Vec<u16> = transaction
        .essence()
        .inputs()
        .iter()
        .map(|i| i.output_id().index())
        .collect();
    assert_eq!(inputs, [0, 1, 3], "inputs sorted by bytes");
    let blocks = transaction.unlock_blocks().as_slice();
    assert!(
        matches!(blocks[0], UnlockBlock::Signature(s) if s.public_key == bob.public_key().to_bytes())
    );
    assert!(
        matches!(blocks[1], UnlockBlock::Signature(s) if s.public_key == alice.public_key().to_bytes())
    );
    assert_eq!(blocks[2], UnlockBlock::Reference(1));

    let report = transaction.signature_report();
    assert_eq!(report.len(), 2);
    assert!(report.iter().all(|r| r.valid));
    assert_eq!(
        report[1].signer,
        Ed25519Address::from_public_key(&alice.public_key())
    );
    assert_eq!(report[0].inputs, [0]);
    assert_eq!(report[1].inputs, [1, 2]);

    let message = MessageBuilder::for_network("chrysalis-mainnet")
        .parents([
            MessageId::new([9; 32]),
            MessageId::new([3; 32]),
            MessageId::new([9; 32]),
        ])
        .payload(transaction.clone())
        .mine(1.0, NonZeroUsize::MIN)
        .finish()
        .expect("valid message");
    let bytes = message.pack();
    assert!(tangle_crypto::pow::score(&bytes) >= 1.0);
    let (decoded, id) = Message::unpack_with_id(&bytes).expect("decodes");
    assert_eq!(decoded, message);
    assert_eq!(id, message.id());
    assert_eq!(decoded.parents().len(), 2);
    assert_eq!(
        decoded
            .payload()
            .and_then(Payload::as_transaction)
            .map(|t| t.id()),
        Some(transaction.id())
    );
    assert_eq!(
        transaction.output_id(1).map(|o| *o.transaction_id()),
        Some(transaction.id())
    );
    assert_eq!(transaction.output_id(3), None);
}

#[test]
fn tampered_transaction_signature_is_reported() {
    let alice = key(1);
    let transaction = TransactionBuilder::new()
        .input(output_id(1, 0), &alice)
        .output(Output::single(address_of(&alice), 10).expect("valid"))
        .finish()
        .expect("valid");
    let mut bytes = transaction.pack();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered = tangle_model::TransactionPayload::unpack(&bytes).expect("still well-formed");
    assert!(!tampered.signature_report()[0].valid);
}

#[test]
fn failing_signer_is_a_typed_error() {
    let alice = key(1);
    let signer = FnSigner::new(alice.public_key(), |_: &[u8]| {
        Err(SignerError("device unplugged".into()))
    });
    let result = TransactionBuilder::new()
        .input(output_id(1, 0), &signer)
        .output(Output::single(address_of(&alice), 10).expect("valid"))
        .finish();
    assert_eq!(
        result,
        Err(BuildError::Signer(SignerError("device unplugged".into())))
    );
}

#[test]
fn transaction_builder_rejects_invalid_combinations() {
    let alice = key(1);
    let to = address_of(&alice);
    let duplicate_input = TransactionBuilder::new()
        .input(output_id(1, 0), &alice)
        .input(output_id(1, 0), &alice)
        .output(Output::single(to, 10).expect("valid"))
        .finish();
    assert_eq!(
        duplicate_input,
        Err(BuildError::Rule(RuleError::DuplicateInput { index: 1 }))
    );
    let no_outputs = TransactionBuilder::new()
        .input(output_id(1, 0), &alice)
        .finish();
    assert_eq!(
        no_outputs,
        Err(BuildError::Rule(RuleError::OutputCount { count: 0 }))
    );
    let same_address = TransactionBuilder::new()
        .input(output_id(1, 0), &alice)
        .output(Output::single(to, 10).expect("valid"))
        .output(Output::single(to, 20).expect("valid"))
        .finish();
    assert!(matches!(
        same_address,
        Err(BuildError::Rule(RuleError::DuplicateOutputAddress { .. }))
    ));
}

fn receipt() -> ReceiptPayload {
    let funds = vec![
        MigratedFundsEntry::new(TailTransactionHash([1; 49]), address_of(&key(7)), 1_000_000)
            .expect("valid"),
        MigratedFundsEntry::new(TailTransactionHash([2; 49]), address_of(&key(8)), 2_500_000)
            .expect("valid"),
    ];
    let treasury =
        TreasuryTransactionPayload::new(tangle_model::MilestoneId::new([4; 32]), 1_000_000_000)
            .expect("valid");
    ReceiptPayload::new(100, true, funds, treasury).expect("valid receipt")
}

fn milestone(keys: &[SigningKey]) -> MilestonePayload {
    let parents =
        Parents::from_unsorted([MessageId::new([8; 32]), MessageId::new([2; 32])]).expect("valid");
    MilestoneBuilder::new(1234, 1_625_000_000, parents)
        .merkle_root([0x5a; 32])
        .next_pow_score(2000, 1300)
        .receipt(receipt())
        .sign(keys)
        .expect("valid milestone")
}

#[test]
fn milestone_message_round_trips_and_verifies() {
    let keys = [key(30), key(10), key(20)];
    let applicable: Vec<_> = keys.iter().map(SigningKey::public_key).collect();
    let milestone = milestone(&keys);
    let sorted: Vec<_> = milestone.essence().public_keys().to_vec();
    let mut expected: Vec<_> = applicable.iter().map(|k| k.to_bytes()).collect();
    expected.sort();
    assert_eq!(sorted, expected);

    let message = MessageBuilder::new()
        .network_id(1)
        .payload(milestone.clone())
        .nonce(7)
        .finish()
        .expect("valid");
    assert_eq!(message.parents(), milestone.essence().parents());
    let bytes = message.pack();
    let (decoded, id) = Message::unpack_with_id(&bytes).expect("decodes");
    assert_eq!(decoded, message);
    assert_eq!(id, message.id());
    let decoded_milestone = decoded
        .payload()
        .and_then(Payload::as_milestone)
        .expect("milestone");
    assert_eq!(decoded_milestone.id(), milestone.id());
    assert_eq!(decoded_milestone.essence().receipt(), Some(&receipt()));

    assert_eq!(decoded_milestone.verify(&applicable, 3), Ok(()));
    assert_eq!(decoded_milestone.signature_report(), [true, true, true]);
}

#[test]
fn milestone_verify_errors() {
    let keys = [key(1), key(2), key(3)];
    let applicable: Vec<_> = keys.iter().map(SigningKey::public_key).collect();
    let milestone = milestone(&keys);

    assert_eq!(
        milestone.verify(&applicable, 0),
        Err(MilestoneVerifyError::ZeroThreshold)
    );
    assert_eq!(
        milestone.verify(&applicable, 4),
        Err(MilestoneVerifyError::BelowThreshold {
            keys: 3,
            threshold: 4
        })
    );
    let first = milestone.public_keys().next().expect("a key");
    let others: Vec<_> = applicable.iter().copied().filter(|k| *k != first).collect();
    assert_eq!(
        milestone.verify(&others, 1),
        Err(MilestoneVerifyError::KeyNotApplicable {
            index: 0,
            key: first
        })
    );

    // Flip a bit of the second signature's R.
    let mut bytes = milestone.pack();
    let at = bytes.len() - 64 * 2 + 1;
    bytes[at] ^= 0x40;
    let tampered = MilestonePayload::unpack(&bytes).expect("well-formed");
    assert!(matches!(
        tampered.verify(&applicable, 1),
        Err(MilestoneVerifyError::InvalidSignature {
            index: 1,
            source: VerifyError::EquationFailed | VerifyError::MalformedR
        })
    ));
    assert_eq!(tampered.signature_report(), [true, false, true]);
}

#[test]
fn milestone_builder_rejects_duplicate_keys() {
    let keys = [key(1), key(1)];
    let parents = Parents::new(&[MessageId::new([1; 32])]).expect("valid");
    let result = MilestoneBuilder::new(1, 0, parents).sign(&keys);
    assert_eq!(
        result,
        Err(BuildError::Rule(RuleError::DuplicateMilestoneKey {
            index: 1
        }))
    );
    let none: [SigningKey; 0] = [];
    let result = MilestoneBuilder::new(1, 0, parents).sign(&none);
    assert_eq!(
        result,
        Err(BuildError::Rule(RuleError::MilestoneKeyCount { count: 0 }))
    );
}

#[test]
fn builder_refuses_a_milestone_message_with_other_parents() {
    let milestone = milestone(&[key(1)]);
    let result = MessageBuilder::new()
        .network_id(1)
        .parent(MessageId::new([1; 32]))
        .payload(milestone)
        .finish();
    assert_eq!(
        result,
        Err(BuildError::Rule(RuleError::MilestoneParentsMismatch))
    );
}
