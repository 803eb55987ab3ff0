//! Safety properties: no double spend is ever applied, in any order; the total supply is
//! constant; reverting diffs restores the ledger exactly; white flag is deterministic.

mod common;

use std::collections::HashSet;

use common::*;
use proptest::prelude::*;
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{ConflictReason, Ledger, LedgerDiff};
use tangle_model::{OutputId, TransactionPayload};

const MI: u64 = 1_000_000;
const GENESIS_OUTPUTS: usize = 4;

/// Alice (key 1) owns four genesis outputs of 1..=4 Mi.
fn genesis() -> Ledger {
    let alice = address_of(&key(1));
    let outputs: Vec<_> = (1..=GENESIS_OUTPUTS as u64)
        .map(|i| single(alice, i * MI))
        .collect();
    ledger_with(&outputs)
}

/// A transaction spending the genesis outputs in `mask` (non-empty) to recipient key
/// `recipient`, with an amount off by `skew` (0 = balanced).
fn spend(mask: u8, recipient: u8, skew: u8) -> TransactionPayload {
    let alice = key(1);
    let mut inputs = Vec::new();
    let mut sum = 0;
    for i in 0..GENESIS_OUTPUTS {
        if mask & (1 << i) != 0 {
            inputs.push((genesis_id(i as u16), &alice));
            sum += (i as u64 + 1) * MI;
        }
    }
    let amount = sum - u64::from(skew) * 1000;
    transfer(&inputs, &[single(address_of(&key(recipient)), amount)])
}

fn transactions() -> impl Strategy<Value = Vec<TransactionPayload>> {
    prop::collection::vec(
        (1u8..16, 2u8..5, prop_oneof![4 => Just(0u8), 1 => Just(1u8)]),
        2..7,
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .map(|(mask, recipient, skew)| spend(mask, recipient, skew))
            .collect()
    })
}

fn inputs_of(tx: &TransactionPayload) -> Vec<OutputId> {
    tx.essence()
        .inputs()
        .iter()
        .map(|input| *input.output_id())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Transactions arrive in any order, split into any steps: no output is ever spent twice,
    /// the supply never changes, every derived index stays consistent, and reverting all diffs
    /// in reverse order restores the genesis ledger exactly.
    #[test]
    fn no_double_spend_supply_constant_and_revert_restores(
        txs in transactions().prop_shuffle(),
        cuts in prop::collection::vec(any::<bool>(), 7),
    ) {
        let initial = genesis();
        let supply = initial.total_supply();
        let mut ledger = initial.clone();
        let mut spent: HashSet<OutputId> = HashSet::new();
        let mut diffs: Vec<LedgerDiff> = Vec::new();
        let mut diff = ledger.begin_step();
        for (i, tx) in txs.iter().enumerate() {
            let result = ledger.apply_transaction(&mut diff, message_id(i as u8), tx);
            let inputs = inputs_of(tx);
            if result.is_ok() {
                for input in &inputs {
                    prop_assert!(spent.insert(*input), "output {} spent twice", input);
                }
            } else {
                prop_assert!(
                    inputs.iter().any(|input| spent.contains(input))
                        || matches!(result, Err(ConflictReason::InputOutputSumMismatch)),
                    "unexpected conflict {:?}", result
                );
            }
            prop_assert_eq!(ledger.total_supply(), supply);
            let unspent_sum: u64 = ledger.unspent_outputs().map(|(_, e)| e.output.amount()).sum();
            prop_assert_eq!(unspent_sum, supply);
            prop_assert!(ledger.is_consistent());
            if cuts[i] {
                ledger.seal(&diff).expect("seal");
                diffs.push(diff);
                diff = ledger.begin_step();
            }
        }
        ledger.seal(&diff).expect("seal");
        diffs.push(diff);

        let last = ledger.clone();
        for diff in diffs.iter().rev() {
            ledger.revert_diff(diff).expect("revert");
            prop_assert!(ledger.is_consistent());
        }
        prop_assert_eq!(&ledger, &initial);
        for diff in &diffs {
            ledger.apply_diff(diff).expect("replay");
        }
        prop_assert_eq!(&ledger, &last);
    }

    /// Two transactions spending the same output: exactly one is applied, whichever comes first,
    /// in one step (reason 2 for the other) or in two (reason 1).
    #[test]
    fn at_most_one_of_two_double_spends(
        first in 1u8..16,
        second in 1u8..16,
        swap in any::<bool>(),
        separate_steps in any::<bool>(),
    ) {
        prop_assume!(first & second != 0);
        let (a, b) = (spend(first, 2, 0), spend(second, 3, 0));
        let (x, y) = if swap { (&b, &a) } else { (&a, &b) };
        let mut ledger = genesis();
        let mut diff = ledger.begin_step();
        prop_assert_eq!(ledger.apply_transaction(&mut diff, message_id(1), x), Ok(()));
        if separate_steps {
            ledger.seal(&diff).expect("seal");
            diff = ledger.begin_step();
        }
        let expected = if separate_steps {
            ConflictReason::InputAlreadySpent
        } else {
            ConflictReason::InputSpentInThisMilestone
        };
        prop_assert_eq!(ledger.apply_transaction(&mut diff, message_id(2), y), Err(expected));
    }

    /// White flag is deterministic: the same cone gives the same ledger, conflicts and root,
    /// and the applied transactions never share an input.
    #[test]
    fn white_flag_is_deterministic(txs in transactions()) {
        let mut cone = TestCone::default();
        let genesis_message = message_id(0);
        cone.referenced.insert(genesis_message);
        // A chain of messages, each carrying one transaction.
        let mut previous = genesis_message;
        for (i, tx) in txs.iter().enumerate() {
            let id = message_id(i as u8 + 1);
            cone.add(id, &[previous], Some(tx.clone()));
            previous = id;
        }
        let mut one = genesis();
        let mut two = genesis();
        let first = apply_cone(&mut one, &cone, &[previous], 1).expect("step");
        let second = apply_cone(&mut two, &cone, &[previous], 1).expect("step");
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(&one, &two);
        let mut seen = HashSet::new();
        for id in &first.applied {
            for input in inputs_of(&cone.transactions[id]) {
                prop_assert!(seen.insert(input));
            }
        }
        prop_assert_eq!(first.applied.len() + first.conflicts.len(), txs.len());
    }

    /// On a random DAG of messages carrying random (often double-spending) transactions, white
    /// flag applies parents before approvers, never spends an output twice and keeps the supply.
    #[test]
    fn white_flag_on_random_dags(
        txs in transactions(),
        picks in prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 1..3), 7),
    ) {
        let mut cone = TestCone::default();
        let genesis_message = message_id(0);
        cone.referenced.insert(genesis_message);
        let mut ids = vec![genesis_message];
        for (i, tx) in txs.iter().enumerate() {
            let id = message_id(i as u8 + 1);
            let mut parents: Vec<_> = picks[i].iter().map(|pick| *pick.get(&ids)).collect();
            parents.dedup();
            parents.sort();
            parents.dedup();
            cone.add(id, &parents, Some(tx.clone()));
            ids.push(id);
        }
        // Confirm from every message, newest first (older ones are reached or taken as roots).
        let roots: Vec<_> = ids[1..].iter().rev().copied().collect();
        let mut ledger = genesis();
        let supply = ledger.total_supply();
        let outcome = apply_cone(&mut ledger, &cone, &roots, 1).expect("step");
        prop_assert_eq!(outcome.referenced.len(), txs.len());
        let position = |id| outcome.referenced.iter().position(|x| *x == id);
        for id in &outcome.referenced {
            for parent in &cone.parents[id] {
                if *parent != genesis_message {
                    prop_assert!(position(*parent) < position(*id));
                }
            }
        }
        let mut seen = HashSet::new();
        for id in &outcome.applied {
            for input in inputs_of(&cone.transactions[id]) {
                prop_assert!(seen.insert(input));
            }
        }
        prop_assert_eq!(ledger.total_supply(), supply);
        prop_assert!(ledger.is_consistent());
    }
}
