//! Properties of the default input selection, with the real ledger as the oracle: a selected
//! transfer never overspends, always balances, uses at most 127 distinct inputs of the wallet,
//! never leaves a dust remainder, and the ledger books it (so it creates no forbidden dust);
//! every refusal is truthful.

mod common;

use common::*;
use proptest::prelude::*;
use tangle_consensus::Ledger;
use tangle_model::{Address, Ed25519Address, MessageId, Output};
use tangle_wallet::{
    Chain, DefaultInputSelection, DustViolation, SelectionError, Transfer, TransferError,
};

#[derive(Debug, Clone, Copy)]
enum Kind {
    Single,
    Allowance,
}

fn amount(kind: Kind) -> BoxedStrategy<u64> {
    match kind {
        Kind::Single => prop_oneof![1u64..MI, MI..20 * MI].boxed(),
        Kind::Allowance => (MI..5 * MI).boxed(),
    }
}

fn output_spec() -> impl Strategy<Value = (usize, Kind, u64)> {
    (
        0usize..4,
        prop_oneof![4 => Just(Kind::Single), 1 => Just(Kind::Allowance)],
    )
        .prop_flat_map(|(owner, kind)| (Just(owner), Just(kind), amount(kind)))
}

fn external(i: usize) -> Address {
    Address::Ed25519(Ed25519Address::new([0x40 + i as u8; 32]))
}

fn make(address: Address, kind: Kind, amount: u64) -> Output {
    match kind {
        Kind::Single => single(address, amount),
        Kind::Allowance => allowance(address, amount),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn selection_is_sound(
        owned in prop::collection::vec(output_spec(), 1..24),
        // Outputs already on the recipients' addresses (e.g. their allowances).
        theirs in prop::collection::vec(output_spec(), 0..4),
        paid in prop::collection::vec(output_spec(), 1..4),
        seed in any::<u64>(),
    ) {
        let mut wallet = account(1);
        let mine: Vec<Address> = (0..4)
            .map(|i| wallet.address(Chain::Public, i).expect("address").address)
            .collect();
        let mut genesis: Vec<Output> = owned
            .iter()
            .map(|(owner, kind, amount)| make(mine[*owner], *kind, *amount))
            .collect();
        genesis.extend(theirs.iter().map(|(owner, kind, amount)| make(external(*owner), *kind, *amount)));
        let ledger = Ledger::from_outputs(
            0,
            genesis.iter().enumerate().map(|(i, o)| (genesis_id(i as u16), *o)),
        ).expect("genesis");
        for i in 0..4 {
            wallet.record(wallet.address(Chain::Public, i).expect("address"));
        }
        // One output per recipient address and kind (TIP-7).
        let mut transfer = Transfer::new();
        let mut seen = Vec::new();
        for (recipient, kind, amount) in &paid {
            let key = (*recipient, matches!(kind, Kind::Allowance));
            if seen.contains(&key) { continue; }
            seen.push(key);
            transfer = match kind {
                Kind::Single => transfer.pay(external(*recipient), *amount),
                Kind::Allowance => transfer.dust_allowance(external(*recipient), *amount),
            };
        }
        let needed = transfer.amount();
        let available: u64 = owned.iter().map(|(_, _, a)| *a).sum();

        let result = wallet.prepare(
            &ledger,
            &transfer,
            &mut DefaultInputSelection::default(),
            &mut rng(seed),
        );
        match result {
            Ok(prepared) => {
                let essence = prepared.transaction.essence();
                prop_assert!(essence.inputs().len() <= 127);
                let mut ids = prepared.inputs.clone();
                ids.sort();
                ids.dedup();
                prop_assert_eq!(ids.len(), prepared.inputs.len());
                let spent: u64 = prepared
                    .inputs
                    .iter()
                    .map(|id| ledger.output(id).map(|e| e.output.amount()).expect("owned input"))
                    .sum();
                let created: u64 = essence.outputs().iter().map(Output::amount).sum();
                prop_assert_eq!(spent, created);
                prop_assert!(spent <= available);
                let remainder = prepared.remainder.map(|(_, a)| a).unwrap_or(0);
                prop_assert_eq!(created, needed + remainder);
                prop_assert!(remainder == 0 || remainder >= MI);
                for id in &prepared.inputs {
                    let owner = ledger.output(id).expect("input").output;
                    prop_assert!(mine.contains(owner.address()));
                }
                // The ledger books it: sums, signatures and the dust rule hold.
                let mut scratch = ledger.clone();
                let mut diff = scratch.begin_step();
                let booked = scratch.apply_transaction(&mut diff, MessageId::new([1; 32]), &prepared.transaction);
                prop_assert_eq!(booked, Ok(()));
            }
            Err(TransferError::Selection(SelectionError::InsufficientFunds { needed: n, available: a })) => {
                prop_assert_eq!(n, needed);
                prop_assert_eq!(a, available);
                prop_assert!(a < n);
            }
            Err(TransferError::Selection(SelectionError::Dust(DustViolation::DustRemainder { remainder }))) => {
                prop_assert!(available >= needed);
                prop_assert!(remainder > 0 && remainder < MI);
                prop_assert_eq!(remainder, available - needed);
            }
            Err(TransferError::Selection(SelectionError::Dust(DustViolation::AllowanceExceeded { address, dust_outputs, allowed, .. }))) => {
                prop_assert!(dust_outputs > allowed);
                // Only recipients, or own addresses whose allowance had to be spent.
                let recipient = paid.iter().any(|(r, _, _)| external(*r) == address);
                prop_assert!(recipient || mine.contains(&address));
            }
            Err(TransferError::Selection(SelectionError::TooManyInputs { needed: count, .. })) => {
                prop_assert!(count > 127);
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}

/// Many small outputs: selection stays within 127 inputs by taking the largest first.
#[test]
fn largest_first_keeps_within_127_inputs() {
    let mut wallet = account(1);
    let a0 = wallet.address(Chain::Public, 0).expect("address");
    let mut genesis: Vec<Output> = (0..200).map(|_| single(a0.address, MI)).collect();
    genesis.push(single(a0.address, 100 * MI));
    let ledger = Ledger::from_outputs(
        0,
        genesis
            .iter()
            .enumerate()
            .map(|(i, o)| (genesis_id(i as u16), *o)),
    )
    .expect("genesis");
    wallet.record(a0);
    let prepared = wallet
        .prepare(
            &ledger,
            &Transfer::new().pay(external(1), 150 * MI),
            &mut DefaultInputSelection::default(),
            &mut rng(3),
        )
        .expect("prepare");
    assert!(prepared.inputs.len() <= 127);
    assert!(prepared.inputs.len() >= 51);
}
