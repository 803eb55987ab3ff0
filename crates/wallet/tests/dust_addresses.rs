//! The wallet's dust check looks at the same addresses as the ledger: every address on which a
//! transaction creates or consumes a dust output or a dust-allowance output.

mod common;

use common::*;
use tangle_consensus::Ledger;
use tangle_model::{Address, Ed25519Address, Output};
use tangle_wallet::{DustViolation, check_dust};

fn address(byte: u8) -> Address {
    Address::Ed25519(Ed25519Address::new([byte; 32]))
}

/// `over` holds 10 Mi and 20 dust outputs of 0.1 Mi, without any allowance.
fn over_the_limit(over: Address) -> (Ledger, Vec<Output>) {
    let mut outputs = vec![single(over, 10 * MI)];
    outputs.extend((0..20).map(|_| single(over, MI / 10)));
    let ledger = Ledger::from_outputs(
        0,
        outputs
            .iter()
            .enumerate()
            .map(|(i, o)| (genesis_id(i as u16), *o)),
    )
    .expect("genesis");
    (ledger, outputs)
}

#[test]
fn spending_some_dust_of_an_address_over_the_limit_is_refused() {
    let (over, other) = (address(1), address(2));
    let (ledger, outputs) = over_the_limit(over);
    let spent = [outputs[0], outputs[1]];
    let created = [single(other, 10 * MI + MI / 10)];
    assert_eq!(
        check_dust(&ledger, spent.iter(), &created),
        Err(DustViolation::AllowanceExceeded {
            address: over,
            dust_outputs: 19,
            allowance: 0,
            allowed: 0,
        })
    );
    // Spending all its dust leaves it within the rule.
    assert_eq!(
        check_dust(&ledger, outputs.iter(), &[single(other, 12 * MI)]),
        Ok(())
    );
}

#[test]
fn an_allowance_too_small_for_the_dust_already_there_is_refused() {
    let (over, other) = (address(1), address(2));
    let (ledger, outputs) = over_the_limit(over);
    let spent = [outputs[0]];
    let small = [allowance(over, MI), single(other, 9 * MI)];
    assert_eq!(
        check_dust(&ledger, spent.iter(), &small),
        Err(DustViolation::AllowanceExceeded {
            address: over,
            dust_outputs: 20,
            allowance: MI,
            allowed: 10,
        })
    );
    let enough = [allowance(over, 2 * MI), single(other, 8 * MI)];
    assert_eq!(check_dust(&ledger, spent.iter(), &enough), Ok(()));
}
