//! Receipts and the treasury (TIP-17), as the deployed Chrysalis nodes (Hornet 1.2.8) book them:
//! a milestone's receipt mints the migrated funds (output id: milestone id ‖ u16 index) after
//! its cone, replaces the treasury output, and an invalid receipt refuses the milestone.

mod common;

use common::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::{
    ConfirmationError, Ledger, LedgerInclusion, MilestoneRule, Node, NodeConfig, ReceiptError,
    TreasuryOutput,
};
use tangle_crypto::ed25519::SigningKey;
use tangle_crypto::merkle::merkle_root_by;
use tangle_model::{
    Message, MessageId, MigratedFundsEntry, MilestoneBuilder, MilestoneId, OutputId, Packable,
    Parents, Payload, ReceiptPayload, TailTransactionHash, TransactionId,
    TreasuryTransactionPayload,
};

const MI: u64 = 1_000_000;

fn coordinator() -> [SigningKey; 2] {
    [key(100), key(101)]
}

fn genesis_treasury() -> TreasuryOutput {
    TreasuryOutput {
        milestone_id: MilestoneId::new([9; 32]),
        amount: 100 * MI,
    }
}

fn genesis_ledger() -> Ledger {
    ledger_with(&[single(address_of(&key(1)), 10 * MI)])
        .with_treasury(genesis_treasury())
        .expect("treasury within supply")
}

fn node_on(ledger: Ledger) -> Node<MilestoneRule, ChaCha8Rng> {
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    };
    let rule = MilestoneRule::new(coordinator().iter().map(SigningKey::public_key), 2);
    Node::new(config, rule, ledger, ChaCha8Rng::seed_from_u64(3)).expect("node")
}

/// A receipt paying 3 Mi to key 2 (entry 0) and 2 Mi to key 3 (entry 1), spending the
/// treasury output of `input` and leaving `new_amount` in the new one.
fn receipt(input: MilestoneId, new_amount: u64) -> ReceiptPayload {
    let funds = vec![
        MigratedFundsEntry::new(TailTransactionHash([1; 49]), address_of(&key(2)), 3 * MI)
            .expect("entry"),
        MigratedFundsEntry::new(TailTransactionHash([2; 49]), address_of(&key(3)), 2 * MI)
            .expect("entry"),
    ];
    let treasury = TreasuryTransactionPayload::new(input, new_amount).expect("treasury");
    ReceiptPayload::new(7, true, funds, treasury).expect("receipt")
}

fn milestone(
    index: u32,
    parents: &[MessageId],
    root: [u8; 32],
    receipt: Option<ReceiptPayload>,
) -> Message {
    let parents = Parents::from_unsorted(parents.iter().copied()).expect("parents");
    let mut builder =
        MilestoneBuilder::new(index, 1_700_000_000 + u64::from(index), parents).merkle_root(root);
    if let Some(receipt) = receipt {
        builder = builder.receipt(receipt);
    }
    let payload = builder.sign(&coordinator()).expect("milestone");
    message(parents.as_slice(), Some(Payload::from(payload)))
}

fn milestone_id(message: &Message) -> MilestoneId {
    match message.payload() {
        Some(Payload::Milestone(milestone)) => milestone.id(),
        _ => panic!("not a milestone"),
    }
}

fn migrated(milestone: MilestoneId, index: u16) -> OutputId {
    OutputId::new(TransactionId::new(milestone.to_bytes()), index).expect("index")
}

/// The Merkle root of a cone that applies no transaction.
fn empty_root() -> [u8; 32] {
    merkle_root_by(&[] as &[MessageId], MessageId::as_bytes)
}

#[test]
fn a_valid_receipt_books_the_migrated_funds_and_moves_the_treasury() {
    let mut node = node_on(genesis_ledger());
    let supply = node.ledger().total_supply();
    let m1 = milestone(
        1,
        &[MessageId::default()],
        empty_root(),
        Some(receipt(genesis_treasury().milestone_id, 95 * MI)),
    );
    let submission = node.submit(&m1.pack()).expect("accepted");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    assert_eq!(node.ledger().index(), 1);

    let id = milestone_id(&m1);
    assert_eq!(node.balance(&address_of(&key(2))), 3 * MI);
    assert_eq!(node.balance(&address_of(&key(3))), 2 * MI);
    for (index, owner, amount) in [(0, 2, 3 * MI), (1, 3, 2 * MI)] {
        let entry = node
            .ledger()
            .output(&migrated(id, index))
            .expect("migrated output booked");
        assert_eq!(*entry.output.address(), address_of(&key(owner)));
        assert_eq!(entry.output.amount(), amount);
        assert_eq!(entry.message_id, m1.id());
        assert_eq!(entry.booked_at, 1);
    }
    let treasury = TreasuryOutput {
        milestone_id: id,
        amount: 95 * MI,
    };
    assert_eq!(node.ledger().treasury(), Some(&treasury));
    let diff = &submission.confirmations[0].outcome.diff;
    let mutation = diff.treasury().expect("treasury mutation in the diff");
    assert_eq!(
        (mutation.spent, mutation.created),
        (genesis_treasury(), treasury)
    );
    assert_eq!(diff.created().len(), 2);
    assert_eq!(node.ledger().total_supply(), supply);
    assert!(node.ledger().is_consistent());
}

#[test]
fn a_migrated_output_can_be_spent_under_a_later_milestone() {
    let mut node = node_on(genesis_ledger());
    let m1 = milestone(
        1,
        &[MessageId::default()],
        empty_root(),
        Some(receipt(genesis_treasury().milestone_id, 95 * MI)),
    );
    node.submit(&m1.pack()).expect("m1");
    assert_eq!(node.ledger().index(), 1);

    let spend = transfer(
        &[(migrated(milestone_id(&m1), 0), &key(2))],
        &[single(address_of(&key(4)), 3 * MI)],
    );
    let payment = message(&[m1.id()], Some(Payload::from(spend)));
    let root = merkle_root_by(&[payment.id()], MessageId::as_bytes);
    let m2 = milestone(2, &[payment.id()], root, None);
    node.submit(&payment.pack()).expect("payment");
    let submission = node.submit(&m2.pack()).expect("m2");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    assert_eq!(node.ledger().index(), 2);
    assert!(node.halted().is_none());
    assert_eq!(
        node.metadata(&payment.id()).and_then(|m| m.inclusion),
        Some(LedgerInclusion::Included)
    );
    assert_eq!(node.balance(&address_of(&key(2))), 0);
    assert_eq!(node.balance(&address_of(&key(4))), 3 * MI);
    assert!(node.ledger().is_consistent());
}

#[test]
fn a_receipt_whose_sums_do_not_add_up_refuses_the_milestone() {
    let mut node = node_on(genesis_ledger());
    let before = node.ledger().clone();
    let m1 = milestone(
        1,
        &[MessageId::default()],
        empty_root(),
        Some(receipt(genesis_treasury().milestone_id, 96 * MI)),
    );
    let refused = node.submit(&m1.pack()).expect("accepted").refused;
    let expected = ConfirmationError::Receipt(ReceiptError::TreasuryBalance {
        previous: 100 * MI,
        migrated: 5 * MI,
        new: 96 * MI,
    });
    assert_eq!(refused, vec![(m1.id(), expected.clone())]);
    assert_eq!(expected.rule(), "milestone-receipt");
    assert!(expected.to_string().contains("treasury balance rule"));
    assert_eq!(node.ledger(), &before);
    assert_eq!(node.balance(&address_of(&key(2))), 0);
    assert_eq!(node.metadata(&m1.id()).and_then(|m| m.referenced_by), None);

    // Confirmation stops there: a later milestone waits for index 1 and is not applied.
    let m2 = milestone(2, &[m1.id()], empty_root(), None);
    let submission = node.submit(&m2.pack()).expect("m2 accepted");
    assert!(submission.confirmations.is_empty());
    assert_eq!(node.ledger().index(), 0);
    assert!(node.waiting_checkpoints().any(|c| c.index == 2));
}

#[test]
fn a_receipt_migrating_more_than_the_treasury_holds_is_refused() {
    let small = ledger_with(&[])
        .with_treasury(TreasuryOutput {
            milestone_id: genesis_treasury().milestone_id,
            amount: 4 * MI,
        })
        .expect("treasury");
    let mut node = node_on(small.clone());
    let m1 = milestone(
        1,
        &[MessageId::default()],
        empty_root(),
        Some(receipt(genesis_treasury().milestone_id, 0)),
    );
    let refused = node.submit(&m1.pack()).expect("accepted").refused;
    assert_eq!(
        refused,
        vec![(
            m1.id(),
            ConfirmationError::Receipt(ReceiptError::TreasuryBalance {
                previous: 4 * MI,
                migrated: 5 * MI,
                new: 0,
            })
        )]
    );
    assert_eq!(node.ledger(), &small);
}

#[test]
fn a_receipt_without_a_treasury_output_is_refused() {
    let ledger = ledger_with(&[single(address_of(&key(1)), 10 * MI)]);
    let mut node = node_on(ledger.clone());
    let m1 = milestone(
        1,
        &[MessageId::default()],
        empty_root(),
        Some(receipt(genesis_treasury().milestone_id, 95 * MI)),
    );
    let refused = node.submit(&m1.pack()).expect("accepted").refused;
    assert_eq!(
        refused,
        vec![(
            m1.id(),
            ConfirmationError::Receipt(ReceiptError::NoTreasury)
        )]
    );
    assert_eq!(node.ledger(), &ledger);
}

/// Hornet 1.2.8 checks a receipt against the current treasury output's amount only: the
/// milestone id its treasury input names is not compared, and the current output is spent.
#[test]
fn the_treasury_input_is_not_compared_with_the_current_treasury_output() {
    let mut node = node_on(genesis_ledger());
    let other = MilestoneId::new([5; 32]);
    let m1 = milestone(
        1,
        &[MessageId::default()],
        empty_root(),
        Some(receipt(other, 95 * MI)),
    );
    let submission = node.submit(&m1.pack()).expect("accepted");
    assert!(submission.refused.is_empty(), "{:?}", submission.refused);
    let mutation = *submission.confirmations[0]
        .outcome
        .diff
        .treasury()
        .expect("mutation");
    assert_eq!(mutation.spent, genesis_treasury());
    assert_eq!(node.balance(&address_of(&key(2))), 3 * MI);
}

#[test]
fn a_receipt_step_reverts_and_replays_exactly() {
    let mut ledger = genesis_ledger();
    let before = ledger.clone();
    let id = MilestoneId::new([6; 32]);
    let mut diff = ledger.begin_step();
    ledger
        .apply_receipt(
            &mut diff,
            message_id(6),
            id,
            &receipt(genesis_treasury().milestone_id, 95 * MI),
        )
        .expect("valid receipt");
    ledger.seal(&diff).expect("seal");
    let after = ledger.clone();
    assert_eq!(
        after.output(&migrated(id, 1)).map(|e| e.output.amount()),
        Some(2 * MI)
    );

    ledger.revert_diff(&diff).expect("revert");
    assert_eq!(ledger, before);
    ledger.apply_diff(&diff).expect("replay");
    assert_eq!(ledger, after);
    assert!(ledger.is_consistent());

    // A second receipt in one step is refused and changes nothing.
    let mut ledger = before.clone();
    let mut diff = ledger.begin_step();
    let receipt = receipt(genesis_treasury().milestone_id, 95 * MI);
    ledger
        .apply_receipt(&mut diff, message_id(6), id, &receipt)
        .expect("first");
    let once = ledger.clone();
    assert_eq!(
        ledger.apply_receipt(&mut diff, message_id(6), id, &receipt),
        Err(ReceiptError::Step)
    );
    assert_eq!(ledger, once);
}

#[test]
fn a_genesis_treasury_counts_in_the_supply_and_may_not_exceed_it() {
    let ledger = genesis_ledger();
    assert_eq!(ledger.total_supply(), 110 * MI);
    assert!(ledger.is_consistent());
    let too_much = TreasuryOutput {
        milestone_id: MilestoneId::new([1; 32]),
        amount: tangle_model::IOTA_SUPPLY,
    };
    assert_eq!(
        ledger.with_treasury(too_much),
        Err(tangle_consensus::LedgerError::SupplyExceeded)
    );
}

proptest::proptest! {
    /// A receipt is booked exactly when treasury = migrated + new treasury; booked, it keeps the
    /// supply and the ledger consistent and reverts exactly; refused, it changes nothing.
    #[test]
    fn a_receipt_books_iff_the_treasury_balances(
        deposits in proptest::collection::vec(1u64..=20, 1..=6),
        new in 0u64..=150,
        skew in -2i64..=2,
    ) {
        // The treasury balances when skew is 0, and is off by one or two Mi otherwise.
        let treasury = (deposits.iter().sum::<u64>() + new).saturating_add_signed(skew);
        let funds: Vec<MigratedFundsEntry> = deposits
            .iter()
            .enumerate()
            .map(|(i, deposit)| {
                MigratedFundsEntry::new(
                    TailTransactionHash([i as u8 + 1; 49]),
                    address_of(&key(i as u8 + 2)),
                    deposit * MI,
                )
                .expect("entry")
            })
            .collect();
        let migrated: u64 = deposits.iter().sum::<u64>() * MI;
        let transaction =
            TreasuryTransactionPayload::new(MilestoneId::new([9; 32]), new * MI).expect("tx");
        let receipt = ReceiptPayload::new(1, false, funds, transaction).expect("receipt");
        let mut ledger = ledger_with(&[single(address_of(&key(1)), MI)])
            .with_treasury(TreasuryOutput {
                milestone_id: MilestoneId::new([9; 32]),
                amount: treasury * MI,
            })
            .expect("treasury");
        let before = ledger.clone();
        let id = MilestoneId::new([3; 32]);
        let mut diff = ledger.begin_step();
        let result = ledger.apply_receipt(&mut diff, message_id(3), id, &receipt);
        proptest::prop_assert_eq!(result.is_ok(), treasury * MI == migrated + new * MI);
        if result.is_ok() {
            ledger.seal(&diff).expect("seal");
            proptest::prop_assert_eq!(ledger.total_supply(), before.total_supply());
            proptest::prop_assert!(ledger.is_consistent());
            proptest::prop_assert_eq!(ledger.unspent_count(), 1 + deposits.len());
            ledger.revert_diff(&diff).expect("revert");
        }
        proptest::prop_assert_eq!(ledger, before);
    }
}
