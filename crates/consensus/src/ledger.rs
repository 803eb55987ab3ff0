//! The UTXO ledger: unspent outputs by id and by address, per-address balances and dust counters,
//! the total supply, the ledger index, and one [`LedgerDiff`] per confirmation step.
//!
//! # Semantic rules
//! [`Ledger::apply_transaction`] checks a transaction against the ledger *as mutated so far* and
//! reports the first broken rule, in this order, as a TIP-2 [`ConflictReason`]. The order is the
//! one the deployed Chrysalis nodes (Hornet 1.2.8 with iota.go v2) apply, so every transaction
//! gets the reason they report:
//!
//! 1. every input exists and is unspent, input by input: unknown → [`InputNotFound`](ConflictReason::InputNotFound),
//!    spent in an earlier step → [`InputAlreadySpent`](ConflictReason::InputAlreadySpent), spent
//!    earlier in this step → [`InputSpentInThisMilestone`](ConflictReason::InputSpentInThisMilestone);
//! 2. one unlock per address (TIP-7): all inputs on one address use the signature unlock block
//!    of the first of them, the later ones through reference unlocks. A second signature unlock
//!    for an address, even a valid one, is
//!    [`SemanticValidationFailed`](ConflictReason::SemanticValidationFailed);
//! 3. inputs and outputs sum to the same amount;
//! 4. dust (TIP-15): for every address on which the transaction creates or consumes a dust
//!    output (amount < 1 Mi) or a dust-allowance output, the number of unspent dust outputs on
//!    it *after* the transaction is booked is at most `min(⌊S / 100_000⌋, 100)`, `S` being the
//!    sum of its unspent dust-allowance outputs after booking;
//! 5. every input is unlocked by a signature whose key hashes (BLAKE2b-256, bytes as given) to the
//!    input's address and that verifies under ZIP-215 over the essence hash. Signatures come
//!    last, after dust, as on the deployed nodes (they are the most expensive check).
//!
//! The checks read the ledger only; a transaction is booked only if all pass, so a conflicting
//! transaction never changes the ledger.
//!
//! # Spent outputs are kept
//! The ledger keeps every spent output with the step that spent it and never prunes, so spending
//! a spent output is always [`InputAlreadySpent`](ConflictReason::InputAlreadySpent) (or
//! [`InputSpentInThisMilestone`](ConflictReason::InputSpentInThisMilestone)). A Hornet node
//! deletes spent outputs with the milestones it prunes, and then reports such a spend as
//! [`InputNotFound`](ConflictReason::InputNotFound). Both are conflicts, so the ledger and the
//! inclusion Merkle root are the same either way; only the reported reason differs.
//!
//! # Steps and diffs
//! A confirmation step starts with [`Ledger::begin_step`], which returns an empty diff for index
//! `index + 1`; [`Ledger::apply_transaction`] books transactions into the ledger and records them in
//! the diff (a milestone's receipt, [`Ledger::apply_receipt`], adds its migrated outputs and the
//! treasury change after them); [`Ledger::seal`] then advances the index, or
//! [`Ledger::abort_step`] undoes the step. A sealed diff can be reverted ([`Ledger::revert_diff`]) and applied again to a ledger in the
//! state before it ([`Ledger::apply_diff`]), e.g. by a store replaying persisted diffs.

use std::collections::{BTreeMap, BTreeSet};

use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::{PublicKey, Signature, verify};
use tangle_model::{
    Address, DUST_ALLOWANCE_MIN, IOTA_SUPPLY, MessageId, Output, OutputId, TransactionId,
    TransactionPayload,
};

use crate::conflict::ConflictReason;
use crate::treasury::{ReceiptError, TreasuryMutation, TreasuryOutput};

/// Outputs with an amount below this are dust (TIP-15): 1 Mi.
pub const DUST_THRESHOLD: u64 = DUST_ALLOWANCE_MIN;
/// Each this many tokens of dust allowance allow one dust output (TIP-15).
pub const DUST_ALLOWANCE_DIVISOR: u64 = 100_000;
/// Most dust outputs an address may hold, whatever its allowance (TIP-15).
pub const DUST_OUTPUTS_MAX: u64 = 100;

/// The most dust outputs an address with `allowance_sum` of unspent dust allowance may hold:
/// `min(⌊allowance_sum / 100_000⌋, 100)`.
///
/// ```
/// use tangle_consensus::ledger::dust_outputs_max;
/// assert_eq!(dust_outputs_max(0), 0);
/// assert_eq!(dust_outputs_max(1_000_000), 10);
/// assert_eq!(dust_outputs_max(1_099_999), 10);
/// assert_eq!(dust_outputs_max(50_000_000), 100);
/// ```
pub const fn dust_outputs_max(allowance_sum: u64) -> u64 {
    let allowed = allowance_sum / DUST_ALLOWANCE_DIVISOR;
    if allowed < DUST_OUTPUTS_MAX {
        allowed
    } else {
        DUST_OUTPUTS_MAX
    }
}

/// Whether `output` is a dust output (amount below 1 Mi). A dust-allowance output never is.
pub fn is_dust(output: &Output) -> bool {
    output.amount() < DUST_THRESHOLD
}

/// An output in the ledger and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputEntry {
    /// The output.
    pub output: Output,
    /// The message whose transaction created it (all zeros for genesis outputs).
    pub message_id: MessageId,
    /// The ledger index at which it was booked.
    pub booked_at: u32,
}

/// A spent output and what spent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpentEntry {
    /// The output as it was unspent.
    pub entry: OutputEntry,
    /// The transaction that spent it.
    pub transaction_id: TransactionId,
    /// The message holding that transaction.
    pub message_id: MessageId,
    /// The ledger index (confirmation step) at which it was spent.
    pub spent_at: u32,
}

/// What the ledger holds for one address: its balance and its dust counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressStats {
    /// Sum of its unspent outputs.
    pub balance: u64,
    /// Sum of its unspent dust-allowance outputs (`S` in TIP-15).
    pub dust_allowance_sum: u64,
    /// Number of its unspent dust outputs.
    pub dust_outputs: u64,
}

impl AddressStats {
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the dust rule holds for these counters.
    pub fn dust_ok(&self) -> bool {
        self.dust_outputs <= dust_outputs_max(self.dust_allowance_sum)
    }

    fn add(&mut self, output: &Output) {
        self.balance += output.amount();
        match output {
            Output::SignatureLockedDustAllowance { amount, .. } => {
                self.dust_allowance_sum += amount;
            }
            Output::SignatureLockedSingle { amount, .. } if *amount < DUST_THRESHOLD => {
                self.dust_outputs += 1;
            }
            Output::SignatureLockedSingle { .. } => {}
        }
    }

    fn sub(&mut self, output: &Output) {
        self.balance -= output.amount();
        match output {
            Output::SignatureLockedDustAllowance { amount, .. } => {
                self.dust_allowance_sum -= amount;
            }
            Output::SignatureLockedSingle { amount, .. } if *amount < DUST_THRESHOLD => {
                self.dust_outputs -= 1;
            }
            Output::SignatureLockedSingle { .. } => {}
        }
    }
}

/// The changes of one confirmation step: outputs created and consumed, in booking order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerDiff {
    index: u32,
    created: Vec<(OutputId, OutputEntry)>,
    consumed: Vec<(OutputId, SpentEntry)>,
    treasury: Option<TreasuryMutation>,
}

impl LedgerDiff {
    /// An empty diff for the step that brings the ledger to `index`.
    pub fn new(index: u32) -> Self {
        Self {
            index,
            created: Vec::new(),
            consumed: Vec::new(),
            treasury: None,
        }
    }

    /// The ledger index after this step.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Outputs created, in booking order.
    pub fn created(&self) -> &[(OutputId, OutputEntry)] {
        &self.created
    }

    /// Outputs consumed, in booking order.
    pub fn consumed(&self) -> &[(OutputId, SpentEntry)] {
        &self.consumed
    }

    /// The treasury output the step spent and the one it created (a milestone's receipt).
    pub fn treasury(&self) -> Option<&TreasuryMutation> {
        self.treasury.as_ref()
    }

    /// Whether the step changed nothing.
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.consumed.is_empty() && self.treasury.is_none()
    }
}

/// Why a ledger could not be built, or a diff applied or reverted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// An output id appears twice in the initial outputs.
    #[error("output {0} appears twice in the initial outputs")]
    DuplicateOutput(OutputId),
    /// The initial outputs sum to more than the total supply.
    #[error("the initial outputs sum to more than the total supply {IOTA_SUPPLY}")]
    SupplyExceeded,
    /// The diff is not for the step that follows (apply) or ends at (revert) the ledger's index.
    #[error("the diff is for ledger index {diff}, the ledger is at {ledger}")]
    IndexMismatch {
        /// The ledger's index.
        ledger: u32,
        /// The diff's index.
        diff: u32,
    },
    /// The diff consumes an output that is not unspent.
    #[error("the diff consumes output {0}, which is not unspent")]
    NotUnspent(OutputId),
    /// The diff creates an output that already exists.
    #[error("the diff creates output {0}, which already exists")]
    AlreadyExists(OutputId),
    /// Reverting: an output the diff consumed is not recorded as spent by that step.
    #[error("output {0} is not recorded as spent by the step being reverted")]
    NotSpentInStep(OutputId),
    /// The diff's treasury mutation does not start (apply) or end (revert) at the ledger's
    /// treasury output.
    #[error("the diff's treasury mutation does not match the ledger's treasury output")]
    TreasuryMismatch,
}

/// The UTXO ledger. All maps are ordered, so iteration and equality are deterministic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    index: u32,
    unspent: BTreeMap<OutputId, OutputEntry>,
    spent: BTreeMap<OutputId, SpentEntry>,
    by_address: BTreeMap<Address, BTreeSet<OutputId>>,
    stats: BTreeMap<Address, AddressStats>,
    supply: u64,
    treasury: Option<TreasuryOutput>,
}

impl Ledger {
    /// A ledger at `index` holding `outputs` unspent (genesis outputs), created by the all-zero
    /// message id.
    pub fn from_outputs(
        index: u32,
        outputs: impl IntoIterator<Item = (OutputId, Output)>,
    ) -> Result<Self, LedgerError> {
        Self::from_snapshot(
            index,
            outputs.into_iter().map(|(id, output)| {
                (
                    id,
                    OutputEntry {
                        output,
                        message_id: MessageId::default(),
                        booked_at: index,
                    },
                )
            }),
        )
    }

    /// A ledger at `index` holding the unspent outputs of a snapshot list. The outputs must be
    /// distinct and sum to at most the total supply; their sum becomes the ledger's supply.
    pub fn from_snapshot(
        index: u32,
        outputs: impl IntoIterator<Item = (OutputId, OutputEntry)>,
    ) -> Result<Self, LedgerError> {
        let mut ledger = Self {
            index,
            unspent: BTreeMap::new(),
            spent: BTreeMap::new(),
            by_address: BTreeMap::new(),
            stats: BTreeMap::new(),
            supply: 0,
            treasury: None,
        };
        for (id, entry) in outputs {
            if ledger.unspent.contains_key(&id) {
                return Err(LedgerError::DuplicateOutput(id));
            }
            ledger.supply = ledger
                .supply
                .checked_add(entry.output.amount())
                .filter(|sum| *sum <= IOTA_SUPPLY)
                .ok_or(LedgerError::SupplyExceeded)?;
            ledger.insert_unspent(id, entry);
        }
        Ok(ledger)
    }

    /// The ledger with `treasury` as its unspent treasury output (from a genesis or a snapshot),
    /// replacing any it had. Its amount counts in the total supply, which must stay at most
    /// [`IOTA_SUPPLY`].
    pub fn with_treasury(mut self, treasury: TreasuryOutput) -> Result<Self, LedgerError> {
        let previous = self.treasury.map_or(0, |t| t.amount);
        self.supply = (self.supply - previous)
            .checked_add(treasury.amount)
            .filter(|sum| *sum <= IOTA_SUPPLY)
            .ok_or(LedgerError::SupplyExceeded)?;
        self.treasury = Some(treasury);
        Ok(self)
    }

    /// The unspent treasury output, if the ledger has one.
    pub fn treasury(&self) -> Option<&TreasuryOutput> {
        self.treasury.as_ref()
    }

    /// The ledger index: the last confirmation step applied.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The total supply: the sum of the unspent outputs and the treasury output, constant
    /// across steps.
    pub fn total_supply(&self) -> u64 {
        self.supply
    }

    /// An unspent output.
    pub fn output(&self, id: &OutputId) -> Option<&OutputEntry> {
        self.unspent.get(id)
    }

    /// A spent output and what spent it.
    pub fn spent(&self, id: &OutputId) -> Option<&SpentEntry> {
        self.spent.get(id)
    }

    /// Whether `id` is unspent.
    pub fn is_unspent(&self, id: &OutputId) -> bool {
        self.unspent.contains_key(id)
    }

    /// Every unspent output, by id.
    pub fn unspent_outputs(&self) -> impl Iterator<Item = (&OutputId, &OutputEntry)> {
        self.unspent.iter()
    }

    /// Number of unspent outputs.
    pub fn unspent_count(&self) -> usize {
        self.unspent.len()
    }

    /// The unspent outputs of `address`, by id.
    pub fn outputs_of<'a>(
        &'a self,
        address: &Address,
    ) -> impl Iterator<Item = (&'a OutputId, &'a OutputEntry)> + 'a {
        self.by_address
            .get(address)
            .into_iter()
            .flatten()
            .filter_map(|id| self.unspent.get_key_value(id))
    }

    /// The balance of `address`.
    pub fn balance(&self, address: &Address) -> u64 {
        self.stats(address).balance
    }

    /// Balance and dust counters of `address`.
    pub fn stats(&self, address: &Address) -> AddressStats {
        self.stats.get(address).copied().unwrap_or_default()
    }

    /// Every address with unspent outputs, with its balance and dust counters.
    pub fn addresses(&self) -> impl Iterator<Item = (&Address, &AddressStats)> {
        self.stats.iter()
    }

    /// Recomputes every derived index (by address, balances, dust counters, supply) from the
    /// unspent outputs and says whether they agree. For tests and audits.
    pub fn is_consistent(&self) -> bool {
        let mut by_address: BTreeMap<Address, BTreeSet<OutputId>> = BTreeMap::new();
        let mut stats: BTreeMap<Address, AddressStats> = BTreeMap::new();
        let mut sum: u128 = 0;
        for (id, entry) in &self.unspent {
            let address = *entry.output.address();
            by_address.entry(address).or_default().insert(*id);
            stats.entry(address).or_default().add(&entry.output);
            sum += u128::from(entry.output.amount());
            if self.spent.contains_key(id) {
                return false;
            }
        }
        sum += u128::from(self.treasury.map_or(0, |t| t.amount));
        by_address == self.by_address && stats == self.stats && sum == u128::from(self.supply)
    }

    /// An empty diff for the next confirmation step (index `index + 1`).
    pub fn begin_step(&self) -> LedgerDiff {
        LedgerDiff::new(self.index.saturating_add(1))
    }

    /// Validates `transaction` (carried by `message_id`) against the ledger as mutated so far and,
    /// if it passes, books it and records it in `diff`. Signatures are verified here (ZIP-215).
    ///
    /// `diff` must come from [`Ledger::begin_step`] and not be sealed yet; otherwise the result is
    /// [`ConflictReason::SemanticValidationFailed`] and nothing changes.
    pub fn apply_transaction(
        &mut self,
        diff: &mut LedgerDiff,
        message_id: MessageId,
        transaction: &TransactionPayload,
    ) -> Result<(), ConflictReason> {
        self.apply_checked(diff, message_id, transaction, true)
    }

    /// As [`Ledger::apply_transaction`], for a transaction whose signatures were already verified
    /// (e.g. in a batch by the validation pipeline): it still checks that each signing key's
    /// address owns its input, but does not verify the signatures again.
    pub fn apply_preverified_transaction(
        &mut self,
        diff: &mut LedgerDiff,
        message_id: MessageId,
        transaction: &TransactionPayload,
    ) -> Result<(), ConflictReason> {
        self.apply_checked(diff, message_id, transaction, false)
    }

    /// Checks `transaction` against the ledger for the step `step_index`, without booking it.
    /// With `verify_signatures` false, signatures are taken as valid (ownership is still checked).
    pub fn check_transaction(
        &self,
        transaction: &TransactionPayload,
        step_index: u32,
        verify_signatures: bool,
    ) -> Result<(), ConflictReason> {
        self.check(
            transaction,
            &transaction.id(),
            step_index,
            verify_signatures,
        )
    }

    fn apply_checked(
        &mut self,
        diff: &mut LedgerDiff,
        message_id: MessageId,
        transaction: &TransactionPayload,
        verify_signatures: bool,
    ) -> Result<(), ConflictReason> {
        if diff.index != self.index.wrapping_add(1) || self.index == u32::MAX {
            return Err(ConflictReason::SemanticValidationFailed);
        }
        let transaction_id = transaction.id();
        self.check(transaction, &transaction_id, diff.index, verify_signatures)?;
        for input in transaction.essence().inputs() {
            let id = *input.output_id();
            let Some(entry) = self.remove_unspent(&id) else {
                // `check` found every input unspent.
                continue;
            };
            let spent = SpentEntry {
                entry,
                transaction_id,
                message_id,
                spent_at: diff.index,
            };
            self.spent.insert(id, spent);
            diff.consumed.push((id, spent));
        }
        for (index, output) in transaction.essence().outputs().iter().enumerate() {
            let Ok(id) = OutputId::new(transaction_id, index as u16) else {
                continue;
            };
            let entry = OutputEntry {
                output: *output,
                message_id,
                booked_at: diff.index,
            };
            self.insert_unspent(id, entry);
            diff.created.push((id, entry));
        }
        Ok(())
    }

    /// Books the outputs a receipt mints and replaces the treasury output, in step `diff`
    /// ([`Ledger::apply_receipt`] checks first). Refused with [`ReceiptError::Step`], changing
    /// nothing, if `diff` is not the next step's, already moved the treasury, or an output id
    /// exists already.
    pub(crate) fn book_receipt(
        &mut self,
        diff: &mut LedgerDiff,
        minted: Vec<(OutputId, OutputEntry)>,
        mutation: TreasuryMutation,
    ) -> Result<(), ReceiptError> {
        let taken = |id: &OutputId| self.unspent.contains_key(id) || self.spent.contains_key(id);
        if diff.index != self.index.wrapping_add(1)
            || self.index == u32::MAX
            || diff.treasury.is_some()
            || minted.iter().any(|(id, _)| taken(id))
        {
            return Err(ReceiptError::Step);
        }
        for (id, entry) in minted {
            self.insert_unspent(id, entry);
            diff.created.push((id, entry));
        }
        self.treasury = Some(mutation.created);
        diff.treasury = Some(mutation);
        Ok(())
    }

    /// The semantic checks, in the order documented at the module level.
    fn check(
        &self,
        transaction: &TransactionPayload,
        transaction_id: &TransactionId,
        step_index: u32,
        verify_signatures: bool,
    ) -> Result<(), ConflictReason> {
        let essence = transaction.essence();
        let consumed = self.consumed_outputs(transaction, step_index)?;

        // The outputs it would create must be new (only a hash collision breaks this).
        for index in 0..essence.outputs().len() {
            let id = OutputId::new(*transaction_id, index as u16)
                .map_err(|_| ConflictReason::SemanticValidationFailed)?;
            if self.unspent.contains_key(&id) || self.spent.contains_key(&id) {
                return Err(ConflictReason::SemanticValidationFailed);
            }
        }

        check_one_unlock_per_address(transaction, &consumed)?;

        let inputs: u128 = consumed.iter().map(|o| u128::from(o.amount())).sum();
        let outputs: u128 = essence
            .outputs()
            .iter()
            .map(|o| u128::from(o.amount()))
            .sum();
        if inputs != outputs {
            return Err(ConflictReason::InputOutputSumMismatch);
        }

        self.check_dust(transaction, &consumed)?;
        check_signatures(transaction, &consumed, verify_signatures)
    }

    /// Rule 1: the outputs the inputs spend, in input order, if every one is unspent.
    fn consumed_outputs(
        &self,
        transaction: &TransactionPayload,
        step_index: u32,
    ) -> Result<Vec<&Output>, ConflictReason> {
        let inputs = transaction.essence().inputs();
        let mut consumed: Vec<&Output> = Vec::with_capacity(inputs.len());
        for input in inputs {
            let id = input.output_id();
            match self.unspent.get(id) {
                Some(entry) => consumed.push(&entry.output),
                None => {
                    return Err(match self.spent.get(id) {
                        Some(spent) if spent.spent_at == step_index => {
                            ConflictReason::InputSpentInThisMilestone
                        }
                        Some(_) => ConflictReason::InputAlreadySpent,
                        None => ConflictReason::InputNotFound,
                    });
                }
            }
        }
        Ok(consumed)
    }

    /// Rule 4 (TIP-15 as iota.go v2 applies it): every address on which the transaction creates
    /// or consumes a dust output or a dust-allowance output holds, after booking, no more dust
    /// outputs than its allowance permits.
    fn check_dust(
        &self,
        transaction: &TransactionPayload,
        consumed: &[&Output],
    ) -> Result<(), ConflictReason> {
        let outputs = transaction.essence().outputs();
        let touched: BTreeSet<Address> = consumed
            .iter()
            .copied()
            .chain(outputs)
            .filter(|output| touches_dust_counters(output))
            .map(|output| *output.address())
            .collect();
        for address in touched {
            let mut after = self.stats(&address);
            for output in consumed.iter().filter(|o| *o.address() == address) {
                after.sub(output);
            }
            for output in outputs.iter().filter(|o| *o.address() == address) {
                after.add(output);
            }
            if !after.dust_ok() {
                return Err(ConflictReason::InvalidDustAllowance);
            }
        }
        Ok(())
    }

    /// Ends the step `diff` was recorded in: the ledger index becomes the diff's.
    pub fn seal(&mut self, diff: &LedgerDiff) -> Result<(), LedgerError> {
        if diff.index != self.index.wrapping_add(1) || self.index == u32::MAX {
            return Err(LedgerError::IndexMismatch {
                ledger: self.index,
                diff: diff.index,
            });
        }
        self.index = diff.index;
        Ok(())
    }

    /// Undoes an unsealed step: everything booked into `diff` is taken back; the index is kept.
    pub fn abort_step(&mut self, diff: &LedgerDiff) -> Result<(), LedgerError> {
        if diff.index != self.index.wrapping_add(1) || self.index == u32::MAX {
            return Err(LedgerError::IndexMismatch {
                ledger: self.index,
                diff: diff.index,
            });
        }
        self.undo(diff)
    }

    /// Reverts the last sealed step: the ledger returns exactly to its state before `diff`, and
    /// its index to `diff.index() - 1`. Checks first; on error nothing changes.
    pub fn revert_diff(&mut self, diff: &LedgerDiff) -> Result<(), LedgerError> {
        if diff.index != self.index || self.index == 0 {
            return Err(LedgerError::IndexMismatch {
                ledger: self.index,
                diff: diff.index,
            });
        }
        self.undo(diff)?;
        self.index -= 1;
        Ok(())
    }

    /// Applies a sealed diff to the ledger in the state before it (replay from a store). Checks
    /// first; on error nothing changes.
    pub fn apply_diff(&mut self, diff: &LedgerDiff) -> Result<(), LedgerError> {
        if diff.index != self.index.wrapping_add(1) || self.index == u32::MAX {
            return Err(LedgerError::IndexMismatch {
                ledger: self.index,
                diff: diff.index,
            });
        }
        let mut created: BTreeSet<OutputId> = BTreeSet::new();
        for (id, _) in &diff.created {
            if self.unspent.contains_key(id) || self.spent.contains_key(id) || !created.insert(*id)
            {
                return Err(LedgerError::AlreadyExists(*id));
            }
        }
        let mut consumed: BTreeSet<OutputId> = BTreeSet::new();
        for (id, _) in &diff.consumed {
            if !(self.unspent.contains_key(id) || created.contains(id)) || !consumed.insert(*id) {
                return Err(LedgerError::NotUnspent(*id));
            }
        }
        if let Some(mutation) = &diff.treasury
            && self.treasury != Some(mutation.spent)
        {
            return Err(LedgerError::TreasuryMismatch);
        }
        for (id, entry) in &diff.created {
            self.insert_unspent(*id, *entry);
        }
        if let Some(mutation) = &diff.treasury {
            self.treasury = Some(mutation.created);
        }
        for (id, spent) in &diff.consumed {
            self.remove_unspent(id);
            self.spent.insert(*id, *spent);
        }
        self.index = diff.index;
        Ok(())
    }

    /// Takes back everything `diff` booked, checking first.
    fn undo(&mut self, diff: &LedgerDiff) -> Result<(), LedgerError> {
        let mut consumed: BTreeSet<OutputId> = BTreeSet::new();
        for (id, _) in &diff.consumed {
            match self.spent.get(id) {
                Some(spent) if spent.spent_at == diff.index && consumed.insert(*id) => {}
                _ => return Err(LedgerError::NotSpentInStep(*id)),
            }
        }
        for (id, _) in &diff.created {
            if !(self.unspent.contains_key(id) || consumed.contains(id)) {
                return Err(LedgerError::NotUnspent(*id));
            }
        }
        if let Some(mutation) = &diff.treasury {
            if self.treasury != Some(mutation.created) {
                return Err(LedgerError::TreasuryMismatch);
            }
            self.treasury = Some(mutation.spent);
        }
        for (id, _) in diff.consumed.iter().rev() {
            if let Some(spent) = self.spent.remove(id) {
                self.insert_unspent(*id, spent.entry);
            }
        }
        for (id, _) in diff.created.iter().rev() {
            self.remove_unspent(id);
        }
        Ok(())
    }

    fn insert_unspent(&mut self, id: OutputId, entry: OutputEntry) {
        let address = *entry.output.address();
        self.by_address.entry(address).or_default().insert(id);
        self.stats.entry(address).or_default().add(&entry.output);
        self.unspent.insert(id, entry);
    }

    fn remove_unspent(&mut self, id: &OutputId) -> Option<OutputEntry> {
        let entry = self.unspent.remove(id)?;
        let address = *entry.output.address();
        if let Some(ids) = self.by_address.get_mut(&address) {
            ids.remove(id);
            if ids.is_empty() {
                self.by_address.remove(&address);
            }
        }
        if let Some(stats) = self.stats.get_mut(&address) {
            stats.sub(&entry.output);
            if stats.is_zero() {
                self.stats.remove(&address);
            }
        }
        Some(entry)
    }
}

/// Whether creating or consuming `output` changes its address's dust counters: a dust output or
/// a dust-allowance output.
fn touches_dust_counters(output: &Output) -> bool {
    is_dust(output) || matches!(output, Output::SignatureLockedDustAllowance { .. })
}

/// Rule 2 (TIP-7): all inputs on one address are unlocked by the same signature unlock block —
/// the first input's own, the later ones by reference to it. A second signature unlock on an
/// address already unlocked (even a valid one) breaks it, as does an input whose unlock block
/// resolves to no signature.
fn check_one_unlock_per_address(
    transaction: &TransactionPayload,
    consumed: &[&Output],
) -> Result<(), ConflictReason> {
    let mut unlock_of: BTreeMap<Address, usize> = BTreeMap::new();
    for (index, output) in consumed.iter().enumerate() {
        let (unlock_index, _) = transaction
            .unlock_blocks()
            .signature_for(index)
            .ok_or(ConflictReason::SemanticValidationFailed)?;
        let first = *unlock_of.entry(*output.address()).or_insert(unlock_index);
        if first != unlock_index {
            return Err(ConflictReason::SemanticValidationFailed);
        }
    }
    Ok(())
}

/// Rule 5, run last as it is the most expensive: input by input, the signing key's address owns
/// the input and (with `verify_signatures`) the signature verifies under ZIP-215 over the essence
/// hash. Each signature unlock block is verified once.
fn check_signatures(
    transaction: &TransactionPayload,
    consumed: &[&Output],
    verify_signatures: bool,
) -> Result<(), ConflictReason> {
    // Hashed only if a signature is verified here (not for batch-verified transactions).
    let mut hash: Option<[u8; 32]> = None;
    let mut verified: Vec<usize> = Vec::new();
    for (index, output) in consumed.iter().enumerate() {
        let (unlock_index, signature) = transaction
            .unlock_blocks()
            .signature_for(index)
            .ok_or(ConflictReason::InvalidSignature)?;
        let public_key = PublicKey::from_bytes(signature.public_key);
        let signer = Address::Ed25519(Ed25519Address::from_public_key(&public_key));
        if *output.address() != signer {
            return Err(ConflictReason::InvalidSignature);
        }
        if verify_signatures && !verified.contains(&unlock_index) {
            let hash = *hash.get_or_insert_with(|| transaction.essence().signing_hash());
            verify(
                &public_key,
                &hash,
                &Signature::from_bytes(signature.signature),
            )
            .map_err(|_| ConflictReason::InvalidSignature)?;
            verified.push(unlock_index);
        }
    }
    Ok(())
}
