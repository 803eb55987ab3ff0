//! Ledger rules: one negative test per TIP-2 conflict reason, dust (TIP-15), steps and diffs.

mod common;

use common::*;
use tangle_consensus::{ConflictReason, Ledger, LedgerError};

const MI: u64 = 1_000_000;

fn alice_ledger() -> Ledger {
    let alice = address_of(&key(1));
    ledger_with(&[single(alice, 10 * MI), single(alice, 5 * MI)])
}

#[test]
fn a_valid_transfer_moves_funds() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let supply = ledger.total_supply();
    let tx = transfer(
        &[(genesis_id(0), &alice), (genesis_id(1), &alice)],
        &[single(bob, 12 * MI), single(address_of(&alice), 3 * MI)],
    );
    let mut diff = ledger.begin_step();
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Ok(())
    );
    ledger.seal(&diff).expect("seal");
    assert_eq!(ledger.balance(&bob), 12 * MI);
    assert_eq!(ledger.balance(&address_of(&alice)), 3 * MI);
    assert_eq!(ledger.outputs_of(&bob).count(), 1);
    assert_eq!(ledger.total_supply(), supply);
    assert_eq!(diff.consumed().len(), 2);
    assert_eq!(diff.created().len(), 2);
    assert!(ledger.spent(&genesis_id(0)).is_some());
    assert!(ledger.is_consistent());
}

#[test]
fn reason_1_input_already_spent_in_an_earlier_step() {
    let (alice, bob, carol) = (key(1), address_of(&key(2)), address_of(&key(3)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    let first = transfer(&[(genesis_id(0), &alice)], &[single(bob, 10 * MI)]);
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &first),
        Ok(())
    );
    ledger.seal(&diff).expect("seal");

    let second = transfer(&[(genesis_id(0), &alice)], &[single(carol, 10 * MI)]);
    let mut diff = ledger.begin_step();
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(2), &second),
        Err(ConflictReason::InputAlreadySpent)
    );
    assert!(diff.is_empty());
}

#[test]
fn reason_2_input_spent_in_this_milestone() {
    let (alice, bob, carol) = (key(1), address_of(&key(2)), address_of(&key(3)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    let first = transfer(&[(genesis_id(0), &alice)], &[single(bob, 10 * MI)]);
    let second = transfer(&[(genesis_id(0), &alice)], &[single(carol, 10 * MI)]);
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &first),
        Ok(())
    );
    let before = ledger.clone();
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(2), &second),
        Err(ConflictReason::InputSpentInThisMilestone)
    );
    assert_eq!(ledger, before, "a conflicting transaction changes nothing");
    assert_eq!(ledger.balance(&carol), 0);
}

#[test]
fn reason_3_input_not_found() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    let tx = transfer(&[(genesis_id(9), &alice)], &[single(bob, 10 * MI)]);
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::InputNotFound)
    );
}

#[test]
fn reason_4_sums_do_not_match() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    for amount in [9 * MI, 11 * MI] {
        let tx = transfer(&[(genesis_id(0), &alice)], &[single(bob, amount)]);
        assert_eq!(
            ledger.apply_transaction(&mut diff, message_id(1), &tx),
            Err(ConflictReason::InputOutputSumMismatch)
        );
    }
}

#[test]
fn reason_5_key_does_not_own_the_input() {
    let (mallory, bob) = (key(9), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    let tx = transfer(&[(genesis_id(0), &mallory)], &[single(bob, 10 * MI)]);
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::InvalidSignature)
    );
}

#[test]
fn reason_5_signature_does_not_verify() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    let tx = forge(&transfer(
        &[(genesis_id(0), &alice)],
        &[single(bob, 10 * MI)],
    ));
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::InvalidSignature)
    );
    // The pipeline's path (signatures verified in a batch beforehand) still checks ownership.
    let stolen = transfer(&[(genesis_id(0), &key(9))], &[single(bob, 10 * MI)]);
    assert_eq!(
        ledger.apply_preverified_transaction(&mut diff, message_id(2), &stolen),
        Err(ConflictReason::InvalidSignature)
    );
}

#[test]
fn reason_6_dust_without_allowance() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    let tx = transfer(
        &[(genesis_id(0), &alice)],
        &[single(bob, 500_000), single(address_of(&alice), 9_500_000)],
    );
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::InvalidDustAllowance)
    );
}

#[test]
fn dust_allowance_admits_ten_dust_outputs_per_mi() {
    let (alice, carol) = (key(1), key(3));
    let alice_address = address_of(&alice);
    let carol_address = address_of(&carol);
    // Carol has 1 Mi of dust allowance: 10 dust outputs.
    let mut ledger = ledger_with(&[
        single(alice_address, 100 * MI),
        allowance(carol_address, MI),
    ]);
    let mut diff = ledger.begin_step();
    let mut funds = genesis_id(0);
    let mut left = 100 * MI;
    for round in 0..11u8 {
        left -= 1_000;
        let tx = transfer(
            &[(funds, &alice)],
            &[single(carol_address, 1_000), single(alice_address, left)],
        );
        let result = ledger.apply_transaction(&mut diff, message_id(round), &tx);
        if round < 10 {
            assert_eq!(result, Ok(()), "dust output {round} is allowed");
            let change = tx
                .essence()
                .outputs()
                .iter()
                .position(|o| o.amount() == left)
                .expect("change output");
            funds = tx.output_id(change as u16).expect("output id");
        } else {
            assert_eq!(result, Err(ConflictReason::InvalidDustAllowance));
        }
    }
    assert_eq!(ledger.stats(&carol_address).dust_outputs, 10);

    // Consuming the allowance while the dust stays would leave 10 dust outputs and S = 0.
    let spend_allowance = transfer(&[(genesis_id(1), &carol)], &[single(carol_address, MI)]);
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(20), &spend_allowance),
        Err(ConflictReason::InvalidDustAllowance)
    );
}

#[test]
fn dust_rule_is_checked_only_on_touched_addresses() {
    let (alice, dave) = (key(1), address_of(&key(4)));
    // Dave holds dust without allowance from genesis (a snapshot may hold that).
    let mut ledger = ledger_with(&[single(address_of(&alice), 10 * MI), single(dave, 10)]);
    let mut diff = ledger.begin_step();
    let tx = transfer(
        &[(genesis_id(0), &alice)],
        &[single(address_of(&key(2)), 10 * MI)],
    );
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Ok(())
    );
}

#[test]
fn reason_255_for_a_diff_of_another_step() {
    let (alice, bob) = (key(1), address_of(&key(2)));
    let mut ledger = alice_ledger();
    let mut diff = ledger.begin_step();
    ledger.seal(&diff).expect("seal");
    let tx = transfer(&[(genesis_id(0), &alice)], &[single(bob, 10 * MI)]);
    assert_eq!(
        ledger.apply_transaction(&mut diff, message_id(1), &tx),
        Err(ConflictReason::SemanticValidationFailed)
    );
}

#[test]
fn diffs_revert_abort_and_replay() {
    let (alice, bob, carol) = (key(1), key(2), address_of(&key(3)));
    let mut ledger = alice_ledger();
    let initial = ledger.clone();

    let mut diff = ledger.begin_step();
    let first = transfer(
        &[(genesis_id(0), &alice)],
        &[single(address_of(&bob), 10 * MI)],
    );
    ledger
        .apply_transaction(&mut diff, message_id(1), &first)
        .expect("first");
    // Spends an output created in the same step.
    let second = transfer(
        &[(first.output_id(0).expect("output"), &bob)],
        &[single(carol, 10 * MI)],
    );
    ledger
        .apply_transaction(&mut diff, message_id(2), &second)
        .expect("second");
    ledger.seal(&diff).expect("seal");
    let after = ledger.clone();

    assert_eq!(
        ledger.apply_diff(&diff),
        Err(LedgerError::IndexMismatch { ledger: 1, diff: 1 })
    );
    ledger.revert_diff(&diff).expect("revert");
    assert_eq!(ledger, initial);
    ledger.apply_diff(&diff).expect("replay");
    assert_eq!(ledger, after);

    // Aborting an unsealed step.
    let mut diff = ledger.begin_step();
    let third = transfer(&[(genesis_id(1), &alice)], &[single(carol, 5 * MI)]);
    ledger
        .apply_transaction(&mut diff, message_id(3), &third)
        .expect("third");
    ledger.abort_step(&diff).expect("abort");
    assert_eq!(ledger, after);
}

#[test]
fn genesis_rules() {
    let alice = address_of(&key(1));
    let duplicate = Ledger::from_outputs(
        0,
        [
            (genesis_id(0), single(alice, MI)),
            (genesis_id(0), single(alice, MI)),
        ],
    );
    assert_eq!(duplicate, Err(LedgerError::DuplicateOutput(genesis_id(0))));
    let too_much = Ledger::from_outputs(
        0,
        [
            (genesis_id(0), single(alice, tangle_model::IOTA_SUPPLY)),
            (genesis_id(1), single(alice, 1)),
        ],
    );
    assert_eq!(too_much, Err(LedgerError::SupplyExceeded));
}
