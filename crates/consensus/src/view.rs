//! A read-only view of a ledger, so that wallets can read balances and unspent outputs from the
//! in-process [`Ledger`] or [`Node`] today, and from a remote node
//! later, through one trait.

use tangle_model::{Address, OutputId};

use rand_core::CryptoRngCore;

use crate::confirmation::ConfirmationRule;
use crate::ledger::{AddressStats, Ledger, OutputEntry};
use crate::node::{MessageStore, Node};

/// What a wallet needs to know about the confirmed ledger.
///
/// Implemented by [`Ledger`] and [`Node`]; a client for a remote node can implement it too.
pub trait LedgerView {
    /// The unspent outputs held by `address`, in ascending output-id order.
    fn unspent_outputs(&self, address: &Address) -> Vec<(OutputId, OutputEntry)>;

    /// Balance and dust counters of `address` (all zero when it holds nothing).
    fn address_stats(&self, address: &Address) -> AddressStats;

    /// The confirmed balance of `address`.
    fn balance_of(&self, address: &Address) -> u64 {
        self.address_stats(address).balance
    }

    /// The index of the last applied confirmation step.
    fn ledger_index(&self) -> u32;

    /// Whether `output` is still unspent.
    fn is_unspent(&self, output: &OutputId) -> bool;
}

impl LedgerView for Ledger {
    fn unspent_outputs(&self, address: &Address) -> Vec<(OutputId, OutputEntry)> {
        let mut outputs: Vec<_> = self
            .outputs_of(address)
            .map(|(id, entry)| (*id, *entry))
            .collect();
        outputs.sort_by_key(|(id, _)| *id);
        outputs
    }

    fn address_stats(&self, address: &Address) -> AddressStats {
        self.stats(address)
    }

    fn ledger_index(&self) -> u32 {
        self.index()
    }

    fn is_unspent(&self, output: &OutputId) -> bool {
        Ledger::is_unspent(self, output)
    }
}

impl<C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> LedgerView for Node<C, G, S> {
    fn unspent_outputs(&self, address: &Address) -> Vec<(OutputId, OutputEntry)> {
        LedgerView::unspent_outputs(self.ledger(), address)
    }

    fn address_stats(&self, address: &Address) -> AddressStats {
        self.ledger().stats(address)
    }

    fn ledger_index(&self) -> u32 {
        self.ledger().index()
    }

    fn is_unspent(&self, output: &OutputId) -> bool {
        self.ledger().is_unspent(output)
    }
}
