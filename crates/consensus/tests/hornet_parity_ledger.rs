//! The ledger rules where the deployed Chrysalis nodes (Hornet 1.2.8 with iota.go v2) decide
//! differently from a plain reading of the TIPs: one unlock per address (TIP-7), the order in
//! which conflict reasons take precedence, and the addresses the dust rule (TIP-15) checks.

mod common;

use common::*;
use curve25519_dalek::constants::ED25519_BASEPOINT_TABLE;
use curve25519_dalek::scalar::Scalar;
use sha2::{Digest, Sha512};
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{ConeView, ConflictReason, Ledger};
use tangle_crypto::ed25519::{Signature, SigningKey, verify};
use tangle_model::{
    Ed25519Signature, MessageId, Output, TransactionPayload, UnlockBlock, UnlockBlocks,
};

const MI: u64 = 1_000_000;

/// An RFC 8032 signature of `message` by `key`, with the nonce `r` derived from `nonce_seed`
/// instead of from the key: as valid as the deterministic one, but different bytes.
fn sign_with_nonce(key: &SigningKey, message: &[u8], nonce_seed: u8) -> [u8; 64] {
    let expanded = Sha512::digest(key.to_bytes().as_slice());
    let mut secret = [0u8; 32];
    secret.copy_from_slice(&expanded[..32]);
    secret[0] &= 248;
    secret[31] &= 127;
    secret[31] |= 64;
    let secret = Scalar::from_bytes_mod_order(secret);
    let nonce = Scalar::from_bytes_mod_order_wide(&Sha512::digest([nonce_seed; 40]).into());
    let r = (&nonce * ED25519_BASEPOINT_TABLE).compress().to_bytes();
    let public = key.public_key();
    let mut hasher = Sha512::new();
    hasher.update(r);
    hasher.update(public.as_ref());
    hasher.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&hasher.finalize().into());
    let s = nonce + k * secret;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&r);
    signature[32..].copy_from_slice(s.as_bytes());
    signature
}

/// `tx` with every reference unlock replaced by a signature unlock of `key` (its own
/// signature, with a different nonce each): several signature unlocks on one address.
fn with_repeated_signatures(tx: &TransactionPayload, key: &SigningKey) -> TransactionPayload {
    let hash = tx.essence().signing_hash();
    let blocks = tx
        .unlock_blocks()
        .as_slice()
        .iter()
        .enumerate()
        .map(|(index, block)| match block {
            UnlockBlock::Reference(_) => UnlockBlock::Signature(Ed25519Signature {
                public_key: *key.public_key().as_bytes(),
                signature: sign_with_nonce(key, &hash, index as u8),
            }),
            other => *other,
        })
        .collect();
    TransactionPayload::new(
        tx.essence().clone(),
        UnlockBlocks::new(blocks).expect("distinct signature unlocks"),
    )
    .expect("transaction")
}

/// `tx` with the signature of its last unlock block altered.
fn forge_last(tx: &TransactionPayload) -> TransactionPayload {
    let mut blocks = tx.unlock_blocks().as_slice().to_vec();
    if let Some(UnlockBlock::Signature(signature)) = blocks.last_mut() {
        signature.signature[0] ^= 1;
    }
    TransactionPayload::new(
        tx.essence().clone(),
        UnlockBlocks::new(blocks).expect("blocks"),
    )
    .expect("transaction")
}

/// Alice holds 10 Mi and 5 Mi; Bob holds nothing.
fn alice_ledger() -> Ledger {
    let alice = address_of(&key(1));
    ledger_with(&[single(alice, 10 * MI), single(alice, 5 * MI)])
}

fn carol() -> tangle_model::Address {
    address_of(&key(3))
}

/// Alice spends both her outputs into `outputs`, one signature unlock per input.
fn two_signatures(outputs: &[Output]) -> TransactionPayload {
    let alice = key(1);
    let tx = transfer(&[(genesis_id(0), &alice), (genesis_id(1), &alice)], outputs);
    with_repeated_signatures(&tx, &alice)
}

/// Applies `tx` in a fresh step and returns the result and whether the ledger changed.
fn apply(ledger: &mut Ledger, tx: &TransactionPayload) -> (Result<(), ConflictReason>, bool) {
    let before = ledger.clone();
    let mut diff = ledger.begin_step();
    let result = ledger.apply_transaction(&mut diff, message_id(1), tx);
    let changed = *ledger != before || !diff.is_empty();
    (result, changed)
}

#[test]
fn the_nonce_signer_makes_a_second_valid_signature() {
    let alice = key(1);
    let message = [7u8; 32];
    let first = sign_with_nonce(&alice, &message, 1);
    let second = sign_with_nonce(&alice, &message, 2);
    assert_ne!(first, second);
    for signature in [first, second] {
        assert!(
            verify(
                &alice.public_key(),
                &message,
                &Signature::from_bytes(signature)
            )
            .is_ok()
        );
    }
    assert!(
        verify(
            &key(2).public_key(),
            &message,
            &Signature::from_bytes(first)
        )
        .is_err()
    );
}

#[test]
fn same_address_two_valid_signature_unlocks_conflict_255_and_book_nothing() {
    let bob = address_of(&key(2));
    let tx = two_signatures(&[single(bob, 15 * MI)]);
    // Both unlocks are valid signatures by Alice's key, each unlocking one input.
    let report = tx.signature_report();
    assert_eq!(report.len(), 2);
    assert!(report.iter().all(|unlock| unlock.valid));
    assert!(report.iter().all(|unlock| unlock.inputs.len() == 1));

    let mut ledger = alice_ledger();
    let (result, changed) = apply(&mut ledger, &tx);
    assert_eq!(result, Err(ConflictReason::SemanticValidationFailed));
    assert!(!changed, "a conflicting transaction books nothing");

    // Signatures verified beforehand (the pipeline's path): the same verdict.
    let mut diff = ledger.begin_step();
    assert_eq!(
        ledger.apply_preverified_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::SemanticValidationFailed)
    );
    assert!(diff.is_empty());

    // The same transfer with a reference unlock is applied.
    let alice = key(1);
    let referenced = transfer(
        &[(genesis_id(0), &alice), (genesis_id(1), &alice)],
        &[single(bob, 15 * MI)],
    );
    assert_eq!(apply(&mut ledger, &referenced).0, Ok(()));
}

#[test]
fn same_address_two_signature_unlocks_conflict_255_in_white_flag() {
    let bob = address_of(&key(2));
    let tx = two_signatures(&[single(bob, 15 * MI)]);
    let mut ledger = alice_ledger();
    let genesis = message_id(0);
    let mut cone = TestCone::default();
    cone.referenced.insert(genesis);
    cone.add(message_id(1), &[genesis], Some(tx));
    let outcome = apply_cone(&mut ledger, &cone, &[message_id(1)], 1).expect("step");
    assert!(outcome.applied.is_empty());
    assert_eq!(
        outcome.conflicts,
        vec![(message_id(1), ConflictReason::SemanticValidationFailed)]
    );
    assert!(outcome.diff.is_empty());
    assert_eq!(ledger.balance(&bob), 0);
}

#[test]
fn an_address_reached_through_another_inputs_unlock_cannot_sign_again() {
    // Input 0 (Alice) signs; input 1 (Bob) references Alice's unlock; input 2 (Bob) signs with
    // Bob's key. iota.go v2 takes Bob's first unlock to be block 0 and refuses block 2 (255)
    // before it looks at sums or signatures.
    let (alice, bob, carol) = (key(1), key(2), address_of(&key(3)));
    let mut ledger = ledger_with(&[
        single(address_of(&alice), 10 * MI),
        single(address_of(&bob), 5 * MI),
        single(address_of(&bob), 5 * MI),
    ]);
    let honest = transfer(
        &[
            (genesis_id(0), &alice),
            (genesis_id(1), &bob),
            (genesis_id(2), &bob),
        ],
        &[single(carol, 20 * MI)],
    );
    let hash = honest.essence().signing_hash();
    let signature_of = |key: &SigningKey, nonce: u8| {
        UnlockBlock::Signature(Ed25519Signature {
            public_key: *key.public_key().as_bytes(),
            signature: sign_with_nonce(key, &hash, nonce),
        })
    };
    let blocks = vec![
        signature_of(&alice, 0),
        UnlockBlock::Reference(0),
        signature_of(&bob, 2),
    ];
    let tx = TransactionPayload::new(
        honest.essence().clone(),
        UnlockBlocks::new(blocks).expect("blocks"),
    )
    .expect("transaction");
    // The builder kept the inputs in the order given.
    let order: Vec<_> = tx
        .essence()
        .inputs()
        .iter()
        .map(|input| *input.output_id())
        .collect();
    assert_eq!(order, vec![genesis_id(0), genesis_id(1), genesis_id(2)]);
    let (result, changed) = apply(&mut ledger, &tx);
    assert_eq!(result, Err(ConflictReason::SemanticValidationFailed));
    assert!(!changed);
}

// Precedence: unlock rule (255), then sums (4), then dust (6), then signatures (5).

#[test]
fn the_unlock_rule_takes_precedence_over_the_sums() {
    let bob = address_of(&key(2));
    let tx = two_signatures(&[single(bob, 14 * MI)]);
    assert_eq!(
        apply(&mut alice_ledger(), &tx).0,
        Err(ConflictReason::SemanticValidationFailed)
    );
}

#[test]
fn the_unlock_rule_takes_precedence_over_dust() {
    // Bob receives a dust output without any allowance.
    let bob = address_of(&key(2));
    let tx = two_signatures(&[single(carol(), 14 * MI + MI / 2), single(bob, MI / 2)]);
    assert_eq!(
        apply(&mut alice_ledger(), &tx).0,
        Err(ConflictReason::SemanticValidationFailed)
    );
}

#[test]
fn the_unlock_rule_takes_precedence_over_a_bad_signature() {
    let bob = address_of(&key(2));
    let tx = forge_last(&two_signatures(&[single(bob, 15 * MI)]));
    assert!(!tx.signature_report()[1].valid);
    assert_eq!(
        apply(&mut alice_ledger(), &tx).0,
        Err(ConflictReason::SemanticValidationFailed)
    );
}

#[test]
fn dust_takes_precedence_over_a_bad_signature() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let tx = forge(&transfer(
        &[(genesis_id(0), &alice)],
        &[single(carol(), 9 * MI + MI / 2), single(bob, MI / 2)],
    ));
    assert_eq!(
        apply(&mut alice_ledger(), &tx).0,
        Err(ConflictReason::InvalidDustAllowance)
    );
}

#[test]
fn dust_takes_precedence_over_a_key_that_does_not_own_the_input() {
    let (mallory, bob) = (key(9), address_of(&key(2)));
    let tx = transfer(
        &[(genesis_id(0), &mallory)],
        &[single(carol(), 9 * MI + MI / 2), single(bob, MI / 2)],
    );
    let mut ledger = alice_ledger();
    assert_eq!(
        apply(&mut ledger, &tx).0,
        Err(ConflictReason::InvalidDustAllowance)
    );
    // Signatures verified beforehand: ownership is still checked after dust.
    let mut diff = ledger.begin_step();
    assert_eq!(
        ledger.apply_preverified_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::InvalidDustAllowance)
    );
}

/// A cone whose transactions' signatures were all found invalid by a batch beforehand.
struct BatchRejected(TestCone);

impl ConeView for BatchRejected {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.0.parents(id)
    }

    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.0.transaction(id)
    }

    fn is_referenced(&self, id: &MessageId) -> bool {
        self.0.is_referenced(id)
    }

    fn signatures_verified(&self, _id: &MessageId) -> Option<bool> {
        Some(false)
    }
}

#[test]
fn dust_takes_precedence_over_a_batch_rejected_signature_in_white_flag() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let dusty = forge(&transfer(
        &[(genesis_id(0), &alice)],
        &[single(carol(), 9 * MI + MI / 2), single(bob, MI / 2)],
    ));
    let clean = forge(&transfer(
        &[(genesis_id(1), &alice)],
        &[single(bob, 5 * MI)],
    ));
    let genesis = message_id(0);
    let mut cone = TestCone::default();
    cone.referenced.insert(genesis);
    cone.add(message_id(1), &[genesis], Some(dusty));
    cone.add(message_id(2), &[message_id(1)], Some(clean));
    let mut ledger = alice_ledger();
    let outcome = apply_cone(&mut ledger, &BatchRejected(cone), &[message_id(2)], 1).expect("step");
    assert_eq!(
        outcome.conflicts,
        vec![
            (message_id(1), ConflictReason::InvalidDustAllowance),
            (message_id(2), ConflictReason::InvalidSignature),
        ]
    );
    assert!(outcome.applied.is_empty());
}

// Dust: iota.go v2 checks every address on which the transaction creates or consumes a dust
// output or a dust-allowance output.

/// Alice holds 10 Mi and three dust outputs of 0.1 Mi, without any allowance (a state a
/// snapshot can hold: the rule is checked per transaction, not on the ledger as a whole).
fn alice_over_the_dust_limit() -> Ledger {
    let alice = address_of(&key(1));
    ledger_with(&[
        single(alice, 10 * MI),
        single(alice, MI / 10),
        single(alice, MI / 10),
        single(alice, MI / 10),
    ])
}

#[test]
fn spending_a_dust_output_checks_its_address() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_over_the_dust_limit();
    let tx = transfer(
        &[(genesis_id(0), &alice), (genesis_id(1), &alice)],
        &[single(bob, 10 * MI + MI / 10)],
    );
    // After it, Alice still holds two dust outputs and no allowance.
    let (result, changed) = apply(&mut ledger, &tx);
    assert_eq!(result, Err(ConflictReason::InvalidDustAllowance));
    assert!(!changed);
}

#[test]
fn spending_all_dust_outputs_of_an_address_is_allowed() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_over_the_dust_limit();
    let tx = transfer(
        &[
            (genesis_id(1), &alice),
            (genesis_id(2), &alice),
            (genesis_id(3), &alice),
        ],
        &[single(bob, 3 * MI / 10)],
    );
    // Bob receives dust without an allowance: that is what breaks the rule here.
    assert_eq!(
        apply(&mut ledger, &tx).0,
        Err(ConflictReason::InvalidDustAllowance)
    );
    let tx = transfer(
        &[
            (genesis_id(0), &alice),
            (genesis_id(1), &alice),
            (genesis_id(2), &alice),
            (genesis_id(3), &alice),
        ],
        &[single(bob, 10 * MI + 3 * MI / 10)],
    );
    assert_eq!(apply(&mut ledger, &tx).0, Ok(()));
}

#[test]
fn creating_a_dust_allowance_checks_its_address() {
    let (alice, carol) = (address_of(&key(1)), key(3));
    let mut outputs = vec![single(address_of(&carol), 10 * MI)];
    outputs.extend((0..20).map(|_| single(alice, MI / 10)));
    let mut ledger = ledger_with(&outputs);
    // Carol gives Alice a 1 Mi allowance: it allows 10 dust outputs, Alice holds 20.
    let small = transfer(
        &[(genesis_id(0), &carol)],
        &[allowance(alice, MI), single(address_of(&carol), 9 * MI)],
    );
    let (result, changed) = apply(&mut ledger, &small);
    assert_eq!(result, Err(ConflictReason::InvalidDustAllowance));
    assert!(!changed);
    // A 2 Mi allowance covers all 20.
    let enough = transfer(
        &[(genesis_id(0), &carol)],
        &[allowance(alice, 2 * MI), single(address_of(&carol), 8 * MI)],
    );
    assert_eq!(apply(&mut ledger, &enough).0, Ok(()));
}
