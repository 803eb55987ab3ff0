//! The treasury (TIP-17): the one output holding the funds not yet migrated from the legacy
//! network, and the receipt rules a milestone must meet to move funds out of it.
//!
//! A milestone carrying a receipt books, after the transactions of its cone, one output per
//! migrated funds entry (output id: the milestone id followed by the entry's `u16` index) and
//! replaces the treasury output by the one its treasury transaction creates. The checks are the
//! ones the deployed Chrysalis nodes (Hornet 1.2.8 with iota.go v2) make: the receipt is read
//! against the *current* treasury output's amount only; the milestone id the treasury input names
//! is not compared with it (see `docs/hornet-parity.md`, "Receipts and the treasury").

use tangle_model::{MessageId, MilestoneId, Output, OutputId, ReceiptPayload, TransactionId};

use crate::ledger::{Ledger, LedgerDiff, OutputEntry};

/// The unspent treasury output: created by the milestone `milestone_id`, holding `amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TreasuryOutput {
    /// The milestone whose receipt created it (or the one a snapshot names).
    pub milestone_id: MilestoneId,
    /// The tokens it holds.
    pub amount: u64,
}

/// A receipt's change to the treasury: the output it spent and the one it created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TreasuryMutation {
    /// The treasury output before the step.
    pub spent: TreasuryOutput,
    /// The treasury output after the step.
    pub created: TreasuryOutput,
}

/// Why a milestone's receipt cannot be applied. Each variant names the rule; the deployed nodes
/// stop confirming at such a milestone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// The ledger has no treasury output to fund the receipt.
    #[error("receipt treasury rule: the ledger has no treasury output")]
    NoTreasury,
    /// The current treasury amount minus the migrated funds is not the new treasury amount.
    #[error(
        "receipt treasury balance rule: treasury {previous} minus migrated {migrated} is not the \
         new treasury {new}"
    )]
    TreasuryBalance {
        /// The current treasury output's amount.
        previous: u64,
        /// The sum of the migrated deposits.
        migrated: u64,
        /// The new treasury output's amount.
        new: u64,
    },
    /// The step already changed the treasury, or the diff is not the next step's.
    #[error("receipt step rule: the step cannot take a receipt")]
    Step,
}

/// Checks `receipt` against the current treasury output, as the deployed nodes do, and
/// returns the treasury mutation it makes when the milestone `milestone_id` applies it.
pub fn check_receipt(
    receipt: &ReceiptPayload,
    current: Option<TreasuryOutput>,
    milestone_id: MilestoneId,
) -> Result<TreasuryMutation, ReceiptError> {
    let current = current.ok_or(ReceiptError::NoTreasury)?;
    // The funds entry rules of iota.go's `ValidateReceipt` (at least one entry, tail transaction
    // hashes unique, each deposit in 1 Mi..=supply, their sum at most the supply) hold for every
    // `ReceiptPayload`: the model refuses to build or decode one that breaks them.
    let migrated: u64 = receipt.amount();
    let new = receipt.transaction().output_amount();
    if current.amount.checked_sub(migrated) != Some(new) {
        return Err(ReceiptError::TreasuryBalance {
            previous: current.amount,
            migrated,
            new,
        });
    }
    Ok(TreasuryMutation {
        spent: current,
        created: TreasuryOutput {
            milestone_id,
            amount: new,
        },
    })
}

impl Ledger {
    /// Applies the receipt of the milestone `milestone_id` (carried by `message_id`) to the step
    /// `diff` records, after its cone's transactions, as the deployed nodes do: checks it against
    /// the treasury output ([`check_receipt`]), books one output per migrated funds entry (id:
    /// the milestone id followed by the entry's `u16` index, created by `message_id`, booked at
    /// the step's index), and replaces the treasury output. On error nothing changes.
    pub fn apply_receipt(
        &mut self,
        diff: &mut LedgerDiff,
        message_id: MessageId,
        milestone_id: MilestoneId,
        receipt: &ReceiptPayload,
    ) -> Result<(), ReceiptError> {
        if diff.treasury().is_some() {
            return Err(ReceiptError::Step);
        }
        let mutation = check_receipt(receipt, self.treasury().copied(), milestone_id)?;
        let origin = TransactionId::new(milestone_id.to_bytes());
        let mut minted = Vec::with_capacity(receipt.funds().len());
        for (index, entry) in receipt.funds().iter().enumerate() {
            let id = u16::try_from(index)
                .ok()
                .and_then(|index| OutputId::new(origin, index).ok())
                .ok_or(ReceiptError::Step)?;
            let output = Output::SignatureLockedSingle {
                address: *entry.address(),
                amount: entry.deposit(),
            };
            let entry = OutputEntry {
                output,
                message_id,
                booked_at: diff.index(),
            };
            minted.push((id, entry));
        }
        self.book_receipt(diff, minted, mutation)
    }
}
