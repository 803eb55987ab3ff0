//! The micropayment pattern within TIP-15: the receiver funds a dust allowance, payers send
//! many small payments, the wallet refuses the one that would overflow the allowance, and the
//! receiver consolidates to make room again.

mod common;

use common::*;
use tangle_consensus::LedgerView;
use tangle_graph::select::Urts;
use tangle_wallet::{
    Chain, DefaultInputSelection, DustViolation, SelectionError, Transfer, TransferError,
};

#[test]
fn allowance_many_small_payments_then_consolidation() {
    let network = network();
    let mut car = account(1);
    let mut station = account(2);
    let car0 = car.address(Chain::Public, 0).expect("address").address;
    let station0 = station.next_address(Chain::Public).expect("address");
    let (mut node, mut coordinator) =
        funded_node(&[single(car0, 50 * MI), single(station0.address, 2 * MI)]);
    car.discover(&node, 1).expect("discover");
    let mut rng = rng(21);
    let mut selection = DefaultInputSelection::default();
    let mut tips = Urts::new();

    // 1. The station puts 1 Mi of its own funds into a dust allowance: room for 10 dust outputs.
    station
        .send(
            &mut node,
            &network,
            &Transfer::new().dust_allowance(station0.address, MI),
            &mut selection,
            &mut tips,
            &mut rng,
        )
        .expect("allowance");
    coordinator.issue(&mut node, &network).expect("milestone");
    let stats = node.address_stats(&station0.address);
    assert_eq!(stats.dust_allowance_sum, MI);

    // 2. The car pays 100_000 i ten times; each payment is confirmed before the next.
    for i in 0..10 {
        car.refresh(&node);
        let (_, sent) = car
            .send(
                &mut node,
                &network,
                &Transfer::new().pay(station0.address, 100_000),
                &mut selection,
                &mut tips,
                &mut rng,
            )
            .unwrap_or_else(|e| panic!("payment {i}: {e}"));
        coordinator.issue(&mut node, &network).expect("milestone");
        assert!(is_included(&node, &sent.message_id));
    }
    assert_eq!(node.address_stats(&station0.address).dust_outputs, 10);

    // 3. The eleventh is refused by the wallet before anything is signed.
    car.refresh(&node);
    let refused = car.prepare(
        &node,
        &Transfer::new().pay(station0.address, 100_000),
        &mut selection,
        &mut rng,
    );
    assert_eq!(
        refused,
        Err(TransferError::Selection(SelectionError::Dust(
            DustViolation::AllowanceExceeded {
                address: station0.address,
                dust_outputs: 11,
                allowance: MI,
                allowed: 10,
            }
        )))
    );

    // 4. The station consolidates its ten payments into one 1 Mi output.
    let consolidation = station.consolidate(&node, station0).expect("consolidate");
    // Its ten dust outputs; the allowance output stays.
    assert_eq!(consolidation.inputs.len(), 10);
    let sent = tangle_wallet::attach(
        &mut node,
        &network,
        consolidation.transaction.clone(),
        &mut tips,
        &mut rng,
    )
    .expect("attach");
    coordinator.issue(&mut node, &network).expect("milestone");
    assert!(is_included(&node, &sent.message_id));
    let stats = node.address_stats(&station0.address);
    assert_eq!(stats.dust_outputs, 0);
    assert_eq!(stats.dust_allowance_sum, MI);

    // 5. Room again: the next payment goes through.
    car.refresh(&node);
    let (_, sent) = car
        .send(
            &mut node,
            &network,
            &Transfer::new().pay(station0.address, 100_000),
            &mut selection,
            &mut tips,
            &mut rng,
        )
        .expect("payment after consolidation");
    coordinator.issue(&mut node, &network).expect("milestone");
    assert!(is_included(&node, &sent.message_id));
    // Nothing was created or destroyed.
    assert_eq!(node.ledger().total_supply(), 52 * MI);
    assert_eq!(
        car.balance(&node).total + station.balance(&node).total,
        52 * MI
    );
}
