//! Transfers end to end through an in-process node confirmed by a coordinator: discovery,
//! balances, remainders, reference unlocks, PoW, a double spend through the wallet API, and
//! every rejection rule of the transfer path.

mod common;

use common::*;
use tangle_consensus::{ConflictReason, LedgerView};
use tangle_graph::select::Urts;
use tangle_model::{Address, Payload, UnlockBlock};
use tangle_wallet::{
    Account, Chain, Coordinator, DefaultInputSelection, DustViolation, PreparedTransfer,
    SelectionError, Transfer, TransferError,
};

/// The first public address of the account from mnemonic byte `byte`.
fn public0(byte: u8) -> Address {
    account(byte)
        .address(Chain::Public, 0)
        .expect("address")
        .address
}

/// Alice (account 1) after discovery on a node whose genesis pays each of `amounts` to her
/// first public address; returns her, that address, and the node with its coordinator.
fn funded_alice(amounts: &[u64]) -> (Account, Address, TestNode, Coordinator) {
    let mut alice = account(1);
    let a0 = alice.address(Chain::Public, 0).expect("address").address;
    let outputs: Vec<_> = amounts.iter().map(|&amount| single(a0, amount)).collect();
    let (node, coordinator) = funded_node(&outputs);
    alice.discover(&node, 1).expect("discover");
    (alice, a0, node, coordinator)
}

/// Prepares `transfer` with the default input selection and a fresh `rng(seed)`.
fn prepare(
    wallet: &mut Account,
    node: &TestNode,
    transfer: &Transfer,
    seed: u64,
) -> Result<PreparedTransfer, TransferError> {
    wallet.prepare(
        node,
        transfer,
        &mut DefaultInputSelection::default(),
        &mut rng(seed),
    )
}

#[test]
fn discovery_balance_transfer_and_confirmation() {
    let mut alice = account(1);
    let bob = account(2);
    let a0 = alice.address(Chain::Public, 0).expect("address").address;
    let a3 = alice.address(Chain::Public, 3).expect("address").address;
    let b0 = bob.address(Chain::Public, 0).expect("address").address;
    let (mut node, mut coordinator) = funded_node(&[single(a0, 10 * MI), single(a3, 5 * MI)]);
    let network = network();

    let found = alice.discover(&node, 20).expect("discover");
    assert_eq!(found.used.len(), 2);
    assert_eq!(found.used[1].index, 3);
    assert_eq!(alice.next_index(Chain::Public), 4);
    let balance = alice.balance(&node);
    assert_eq!(balance.total, 15 * MI);
    assert_eq!(balance.addresses.len(), 2);

    let mut rng = rng(1);
    let transfer = Transfer::new().pay(b0, 12 * MI);
    let (prepared, sent) = alice
        .send(
            &mut node,
            &network,
            &transfer,
            &mut DefaultInputSelection::default(),
            &mut Urts::new(),
            &mut rng,
        )
        .expect("send");
    assert_eq!(prepared.inputs.len(), 2);
    let (remainder, amount) = prepared.remainder.expect("remainder");
    assert_eq!(
        (remainder.chain, remainder.index, amount),
        (Chain::Internal, 0, 3 * MI)
    );
    // Not confirmed yet: balances unchanged, inputs reserved.
    assert_eq!(node.balance(&b0), 0);
    assert_eq!(alice.reserved().len(), 2);

    let confirmation = coordinator.issue(&mut node, &network).expect("milestone");
    assert_eq!(confirmation.outcome.applied, vec![sent.message_id]);
    assert!(is_included(&node, &sent.message_id));
    assert_eq!(node.balance(&b0), 12 * MI);
    assert_eq!(alice.balance(&node).total, 3 * MI);
    alice.refresh(&node);
    assert!(alice.reserved().is_empty());

    // A fresh wallet from the same mnemonic finds the remainder on the internal chain.
    let mut restored = account(1);
    restored.discover(&node, 5).expect("discover");
    assert_eq!(restored.balance(&node).total, 3 * MI);
    assert_eq!(restored.next_index(Chain::Internal), 1);
}

#[test]
fn repeated_address_signs_once_and_references() {
    let (mut alice, _, node, _) = funded_alice(&[2 * MI, 3 * MI, 4 * MI]);
    let b0 = public0(2);
    let prepared =
        prepare(&mut alice, &node, &Transfer::new().pay(b0, 9 * MI), 3).expect("prepare");
    let blocks = prepared.transaction.unlock_blocks().as_slice();
    assert_eq!(blocks.len(), 3);
    assert!(matches!(blocks[0], UnlockBlock::Signature(_)));
    assert_eq!(blocks[1], UnlockBlock::Reference(0));
    assert_eq!(blocks[2], UnlockBlock::Reference(0));
    assert!(
        prepared
            .transaction
            .signature_report()
            .iter()
            .all(|r| r.valid)
    );
    assert!(prepared.remainder.is_none());
}

#[test]
fn double_spend_through_the_wallet_only_one_applies() {
    let a0 = public0(1);
    let b0 = public0(2);
    let c0 = public0(3);
    let (mut node, mut coordinator) = funded_node(&[single(a0, 10 * MI)]);
    let network = network();
    let mut rng = rng(4);

    // The same account refuses to spend a reserved output twice.
    let mut alice = account(1);
    alice.discover(&node, 1).expect("discover");
    let first = alice.send(
        &mut node,
        &network,
        &Transfer::new().pay(b0, 10 * MI),
        &mut DefaultInputSelection::default(),
        &mut Urts::new(),
        &mut rng,
    );
    let (_, to_bob) = first.expect("first send");
    let again = alice.prepare(
        &node,
        &Transfer::new().pay(c0, 10 * MI),
        &mut DefaultInputSelection::default(),
        &mut rng,
    );
    assert_eq!(
        again,
        Err(TransferError::Selection(
            SelectionError::InsufficientFunds {
                needed: 10 * MI,
                available: 0
            }
        ))
    );

    // A second wallet restored from the same mnemonic does not know the reservation.
    let mut twin = account(1);
    twin.discover(&node, 1).expect("discover");
    let (_, to_carol) = twin
        .send(
            &mut node,
            &network,
            &Transfer::new().pay(c0, 10 * MI),
            &mut DefaultInputSelection::default(),
            &mut Urts::new(),
            &mut rng,
        )
        .expect("the node accepts the conflicting message");

    let confirmation = coordinator.issue(&mut node, &network).expect("milestone");
    assert_eq!(confirmation.outcome.applied.len(), 1);
    assert_eq!(confirmation.outcome.conflicts.len(), 1);
    let included: Vec<_> = [to_bob.message_id, to_carol.message_id]
        .into_iter()
        .filter(|id| is_included(&node, id))
        .collect();
    assert_eq!(included.len(), 1);
    let loser = if included[0] == to_bob.message_id {
        to_carol.message_id
    } else {
        to_bob.message_id
    };
    assert_eq!(
        node.metadata(&loser).and_then(|m| m.conflict()),
        Some(ConflictReason::InputSpentInThisMilestone)
    );
    assert_eq!(node.balance(&b0) + node.balance(&c0), 10 * MI);
    assert_eq!(node.balance(&a0), 0);
    assert_eq!(node.ledger().total_supply(), 10 * MI);
}

#[test]
fn insufficient_funds_reports_both_amounts() {
    let (mut alice, _, node, _) = funded_alice(&[3 * MI, 2 * MI]);
    let b0 = public0(2);
    let error =
        prepare(&mut alice, &node, &Transfer::new().pay(b0, 6 * MI), 5).expect_err("too much");
    assert_eq!(
        error,
        TransferError::Selection(SelectionError::InsufficientFunds {
            needed: 6 * MI,
            available: 5 * MI
        })
    );
    assert!(error.to_string().contains("6000000") && error.to_string().contains("5000000"));
    // Nothing was reserved.
    assert!(alice.reserved().is_empty());
}

#[test]
fn gap_limit_bounds_discovery() {
    let a25 = account(1)
        .address(Chain::Public, 25)
        .expect("address")
        .address;
    let (node, _) = funded_node(&[single(a25, 2 * MI)]);
    let mut short = account(1);
    let found = short.discover(&node, 20).expect("discover");
    assert!(found.used.is_empty());
    assert_eq!(found.scanned, 40);
    assert_eq!(short.balance(&node).total, 0);
    let mut long = account(1);
    let found = long.discover(&node, 26).expect("discover");
    assert_eq!(found.used.len(), 1);
    assert_eq!(long.balance(&node).total, 2 * MI);
    assert_eq!(long.next_index(Chain::Public), 26);
}

#[test]
fn dust_to_a_recipient_without_allowance_is_refused() {
    let (mut alice, _, node, _) = funded_alice(&[10 * MI]);
    let b0 = public0(2);
    let error = prepare(&mut alice, &node, &Transfer::new().pay(b0, 500_000), 6).expect_err("dust");
    assert_eq!(
        error,
        TransferError::Selection(SelectionError::Dust(DustViolation::AllowanceExceeded {
            address: b0,
            dust_outputs: 1,
            allowance: 0,
            allowed: 0,
        }))
    );
    assert!(error.to_string().contains("dust allowance rule"));
}

#[test]
fn a_dust_remainder_is_refused_when_no_input_lifts_it() {
    let (mut alice, _, node, _) = funded_alice(&[10 * MI]);
    let b0 = public0(2);
    let error = prepare(&mut alice, &node, &Transfer::new().pay(b0, 9_500_000), 7)
        .expect_err("dust remainder");
    assert_eq!(
        error,
        TransferError::Selection(SelectionError::Dust(DustViolation::DustRemainder {
            remainder: 500_000
        }))
    );
}

#[test]
fn a_dust_remainder_is_avoided_with_one_more_input() {
    let (_, _, node, _) = funded_alice(&[10 * MI, 2 * MI]);
    let b0 = public0(2);
    for seed in 0..8 {
        let mut wallet = account(1);
        wallet.discover(&node, 1).expect("discover");
        let prepared = prepare(
            &mut wallet,
            &node,
            &Transfer::new().pay(b0, 9_500_000),
            seed,
        )
        .expect("prepare");
        assert_eq!(prepared.inputs.len(), 2, "seed {seed}");
        assert_eq!(prepared.remainder.map(|(_, a)| a), Some(2_500_000));
    }
}

#[test]
fn more_than_127_inputs_is_refused_and_127_work() {
    let (mut alice, _, node, _) = funded_alice(&[MI; 130]);
    let b0 = public0(2);
    let error = prepare(&mut alice, &node, &Transfer::new().pay(b0, 128 * MI), 8)
        .expect_err("too many inputs");
    assert_eq!(
        error,
        TransferError::Selection(SelectionError::TooManyInputs {
            needed: 128,
            max: 127
        })
    );
    let prepared =
        prepare(&mut alice, &node, &Transfer::new().pay(b0, 127 * MI), 8).expect("127 inputs");
    assert_eq!(prepared.transaction.essence().inputs().len(), 127);
}

#[test]
fn transfer_rules_on_outputs() {
    let (mut alice, a0, node, _) = funded_alice(&[10 * MI]);
    let mut selection = DefaultInputSelection::default();
    let mut rng = rng(9);
    assert_eq!(
        alice.prepare(&node, &Transfer::new(), &mut selection, &mut rng),
        Err(TransferError::NoOutputs)
    );
    assert!(matches!(
        alice.prepare(&node, &Transfer::new().pay(a0, 0), &mut selection, &mut rng),
        Err(TransferError::Output(_))
    ));
    assert!(matches!(
        alice.prepare(
            &node,
            &Transfer::new().dust_allowance(a0, 999_999),
            &mut selection,
            &mut rng
        ),
        Err(TransferError::Output(_))
    ));
    let many = (0..127u8).fold(Transfer::new(), |t, i| {
        t.pay(
            tangle_model::Address::Ed25519(tangle_model::Ed25519Address::new([i; 32])),
            MI,
        )
    });
    assert_eq!(
        alice.prepare(&node, &many, &mut selection, &mut rng),
        Err(TransferError::TooManyOutputs {
            count: 127,
            max: 126
        })
    );
}

#[test]
fn proof_of_work_reaches_the_network_minimum() {
    let (mut alice, _, mut node, _) = funded_alice(&[10 * MI]);
    let b0 = public0(2);
    // The node here accepts any score; the message must reach the wallet's target anyway.
    let mut network = network();
    network.min_pow_score = 200.0;
    let (_, sent) = alice
        .send(
            &mut node,
            &network,
            &Transfer::new().pay(b0, 10 * MI),
            &mut DefaultInputSelection::default(),
            &mut Urts::new(),
            &mut rng(10),
        )
        .expect("send");
    let message = node.message(&sent.message_id).expect("stored");
    let bytes = tangle_model::Packable::pack(message);
    assert!(tangle_crypto::pow::score(&bytes) >= 200.0);
    assert!(matches!(message.payload(), Some(Payload::Transaction(_))));
}

#[test]
fn a_rejected_submission_releases_the_inputs() {
    let (mut alice, _, mut node, _) = funded_alice(&[10 * MI]);
    let b0 = public0(2);
    // Wrong network id: the node's pipeline rejects the message.
    let wrong = tangle_wallet::Network::custom("another-network", "tst", 0.0).expect("hrp");
    let result = alice.send(
        &mut node,
        &wrong,
        &Transfer::new().pay(b0, 10 * MI),
        &mut DefaultInputSelection::default(),
        &mut Urts::new(),
        &mut rng(11),
    );
    assert!(matches!(result, Err(TransferError::Rejected(_))));
    assert!(alice.reserved().is_empty());
    assert!(node.is_unspent(&genesis_id(0)));
}

#[test]
fn consolidation_makes_a_too_fragmented_transfer_possible() {
    let mut alice = account(1);
    let a0 = alice.address(Chain::Public, 0).expect("address");
    let b0 = public0(2);
    let outputs: Vec<_> = (0..130).map(|_| single(a0.address, MI)).collect();
    let (mut node, mut coordinator) = funded_node(&outputs);
    let network = network();
    let mut rng = rng(12);
    alice.discover(&node, 1).expect("discover");
    let payment = Transfer::new().pay(b0, 128 * MI);
    assert!(matches!(
        alice.prepare(
            &node,
            &payment,
            &mut DefaultInputSelection::default(),
            &mut rng
        ),
        Err(TransferError::Selection(
            SelectionError::TooManyInputs { .. }
        ))
    ));

    let consolidation = alice.consolidate(&node, a0).expect("consolidate");
    assert_eq!(consolidation.inputs.len(), 127);
    let sent = tangle_wallet::attach(
        &mut node,
        &network,
        consolidation.transaction.clone(),
        &mut Urts::new(),
        &mut rng,
    )
    .expect("attach");
    coordinator.issue(&mut node, &network).expect("milestone");
    assert!(is_included(&node, &sent.message_id));
    alice.refresh(&node);
    assert_eq!(node.unspent_outputs(&a0.address).len(), 4);

    let (prepared, sent) = alice
        .send(
            &mut node,
            &network,
            &payment,
            &mut DefaultInputSelection::default(),
            &mut Urts::new(),
            &mut rng,
        )
        .expect("send after consolidation");
    assert!(prepared.inputs.len() <= 4);
    coordinator.issue(&mut node, &network).expect("milestone");
    assert!(is_included(&node, &sent.message_id));
    assert_eq!(node.balance(&b0), 128 * MI);
    assert_eq!(alice.balance(&node).total, 2 * MI);
}
