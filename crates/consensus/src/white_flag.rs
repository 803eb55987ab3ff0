//! White flag (TIP-2): deterministic application of a newly confirmed cone, and its inclusion
//! Merkle root (TIP-4).
//!
//! The past cone of a confirmation point is walked depth first, in post-order, parents in the
//! order they are listed, stopping at messages already referenced (confirmed by an earlier step,
//! or solid entry points). That order is the order in which transactions are applied to the
//! ledger as mutated so far: a transaction that breaks a semantic rule is marked conflicting with
//! its [`ConflictReason`] and ignored. The inclusion Merkle root is computed over the ids of the
//! messages whose transactions were applied, in that order.
//!
//! The walk sees the Tangle only through [`ConeView`], so the same code runs on an in-memory
//! Tangle, a persistent store, or a test's hand-built graph.

use std::collections::HashSet;

use tangle_crypto::merkle::merkle_root_by;
use tangle_graph::IdHashBuilder;
use tangle_model::{MessageId, MilestoneId, MilestonePayload, ReceiptPayload, TransactionPayload};

use crate::conflict::ConflictReason;
use crate::ledger::{Ledger, LedgerDiff, LedgerError};
use crate::treasury::ReceiptError;

/// What white flag needs to know about the messages of a cone.
pub trait ConeView {
    /// The parents of `id`, in the order the message lists them; `None` if the message is not
    /// available.
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]>;

    /// The transaction `id` carries, if any.
    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload>;

    /// Whether `id` was already referenced by an earlier confirmation step (or is a solid entry
    /// point): the walk stops there.
    fn is_referenced(&self, id: &MessageId) -> bool;

    /// Whether the signatures of `id`'s transaction were already verified (e.g. in a batch by
    /// the [`pipeline`](crate::pipeline)): `Some(true)` valid, `Some(false)` one does not verify
    /// (the transaction then conflicts with reason 5, or with the reason of a rule the ledger
    /// checks before signatures if it breaks one too), `None` (the default) not checked yet, in
    /// which case the ledger verifies them.
    fn signatures_verified(&self, id: &MessageId) -> Option<bool> {
        let _ = id;
        None
    }

    /// A conflict decided outside the ledger: `Some(reason)` if `id`'s transaction must not be
    /// applied whatever the ledger says (a coordinator-free node's non-preferred conflict); the
    /// default, `None`, leaves the decision to the ledger.
    fn excluded(&self, id: &MessageId) -> Option<ConflictReason> {
        let _ = id;
        None
    }
}

/// Why a confirmation step could not be applied. The ledger is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WhiteFlagError {
    /// A message of the cone is not available (the cone is not solid).
    #[error("message {0} of the confirmed cone is missing")]
    MissingMessage(MessageId),
    /// The step's index does not follow the ledger's.
    #[error("confirmation step {step} does not follow ledger index {ledger}")]
    IndexMismatch {
        /// The ledger's index.
        ledger: u32,
        /// The step's index.
        step: u32,
    },
    /// The computed inclusion Merkle root differs from the milestone's.
    #[error(
        "inclusion Merkle root mismatch: milestone has {}, computed {}",
        hex32(expected),
        hex32(computed)
    )]
    MerkleRootMismatch {
        /// The milestone's root.
        expected: [u8; 32],
        /// The root computed by white flag.
        computed: [u8; 32],
    },
    /// The ledger refused to take back or seal the step.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The milestone's receipt breaks a receipt rule: the milestone is not applied.
    #[error(transparent)]
    Receipt(#[from] ReceiptError),
}

/// A milestone's receipt, applied after the transactions of its cone.
#[derive(Debug, Clone, Copy)]
pub struct MilestoneReceipt<'a> {
    /// The message carrying the milestone: the origin of the migrated outputs.
    pub message_id: MessageId,
    /// The milestone id: the migrated outputs' ids start with it.
    pub milestone_id: MilestoneId,
    /// The receipt.
    pub receipt: &'a ReceiptPayload,
}

fn hex32(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The result of one confirmation step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhiteFlagOutcome {
    /// Every newly referenced message, in white-flag order (post-order).
    pub referenced: Vec<MessageId>,
    /// The messages whose transactions were applied, in order: the Merkle leaves.
    pub applied: Vec<MessageId>,
    /// The messages whose transactions conflict, with their reasons, in order.
    pub conflicts: Vec<(MessageId, ConflictReason)>,
    /// The TIP-4 inclusion Merkle root of `applied`.
    pub merkle_root: [u8; 32],
    /// The ledger changes of the step.
    pub diff: LedgerDiff,
}

/// The newly referenced messages of the cone below `roots`, in white-flag order: depth first,
/// post-order, parents in listed order, roots in the order given, skipping referenced messages.
pub fn order<V: ConeView + ?Sized>(
    view: &V,
    roots: &[MessageId],
) -> Result<Vec<MessageId>, WhiteFlagError> {
    let mut order = Vec::new();
    // Ids are uniform hashes: the graph's keyed hasher is enough, and cheaper than SipHash.
    let mut visited: HashSet<MessageId, IdHashBuilder> = HashSet::default();
    // Each frame: a message and the position of the next parent to look at.
    let mut stack: Vec<(MessageId, usize)> = Vec::new();
    for root in roots {
        if view.is_referenced(root) || visited.contains(root) {
            continue;
        }
        visited.insert(*root);
        stack.push((*root, 0));
        while let Some(&(current, next)) = stack.last() {
            let parents = view
                .parents(&current)
                .ok_or(WhiteFlagError::MissingMessage(current))?;
            let mut position = next;
            let mut descend = None;
            while let Some(parent) = parents.get(position) {
                position += 1;
                if !view.is_referenced(parent) && !visited.contains(parent) {
                    descend = Some(*parent);
                    break;
                }
            }
            if let Some(frame) = stack.last_mut() {
                frame.1 = position;
            }
            match descend {
                Some(parent) => {
                    visited.insert(parent);
                    stack.push((parent, 0));
                }
                None => {
                    order.push(current);
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}

/// Applies the cone below `roots` to `ledger` as confirmation step `index` (which must be
/// `ledger.index() + 1`), seals the step and returns what happened. For a milestone, `roots` are
/// its parents; for a coordinator-free confirmation point, the point itself.
///
/// On error the ledger is unchanged.
pub fn apply_cone<V: ConeView + ?Sized>(
    ledger: &mut Ledger,
    view: &V,
    roots: &[MessageId],
    index: u32,
) -> Result<WhiteFlagOutcome, WhiteFlagError> {
    apply_cone_with_receipt(ledger, view, roots, index, None)
}

/// As [`apply_cone`], then, before sealing, applies `receipt` ([`Ledger::apply_receipt`]): the
/// migrated outputs are booked in the same step, after every transaction of the cone, so no
/// transaction of that cone can spend them. An invalid receipt aborts the step.
///
/// On error the ledger is unchanged.
pub fn apply_cone_with_receipt<V: ConeView + ?Sized>(
    ledger: &mut Ledger,
    view: &V,
    roots: &[MessageId],
    index: u32,
    receipt: Option<MilestoneReceipt<'_>>,
) -> Result<WhiteFlagOutcome, WhiteFlagError> {
    let mut diff = ledger.begin_step();
    if diff.index() != index || ledger.index() == u32::MAX {
        return Err(WhiteFlagError::IndexMismatch {
            ledger: ledger.index(),
            step: index,
        });
    }
    let referenced = order(view, roots)?;
    let mut applied = Vec::new();
    let mut conflicts = Vec::new();
    for id in &referenced {
        if let Some(transaction) = view.transaction(id) {
            if let Some(reason) = view.excluded(id) {
                conflicts.push((*id, reason));
                continue;
            }
            let result = match view.signatures_verified(id) {
                None => ledger.apply_transaction(&mut diff, *id, transaction),
                Some(true) => ledger.apply_preverified_transaction(&mut diff, *id, transaction),
                // Signatures are the last rule: every other broken rule takes precedence.
                Some(false) => ledger
                    .check_transaction(transaction, diff.index(), false)
                    .and(Err(ConflictReason::InvalidSignature)),
            };
            match result {
                Ok(()) => applied.push(*id),
                Err(reason) => conflicts.push((*id, reason)),
            }
        }
    }
    if let Some(milestone) = receipt
        && let Err(error) = ledger.apply_receipt(
            &mut diff,
            milestone.message_id,
            milestone.milestone_id,
            milestone.receipt,
        )
    {
        ledger.abort_step(&diff)?;
        return Err(WhiteFlagError::Receipt(error));
    }
    ledger.seal(&diff)?;
    let merkle_root = merkle_root_by(&applied, MessageId::as_bytes);
    Ok(WhiteFlagOutcome {
        referenced,
        applied,
        conflicts,
        merkle_root,
        diff,
    })
}

/// Applies the cone of `milestone` (below its parents) as step `milestone.essence().index()`
/// and checks the inclusion Merkle root. On a mismatch the step is reverted and the ledger is
/// unchanged. The milestone's signatures are not checked here, and neither is its receipt
/// applied: the message carrying the milestone is needed for that, see
/// [`apply_cone_with_receipt`], which [`Node`](crate::node::Node) uses.
pub fn confirm_milestone<V: ConeView + ?Sized>(
    ledger: &mut Ledger,
    view: &V,
    milestone: &MilestonePayload,
) -> Result<WhiteFlagOutcome, WhiteFlagError> {
    let essence = milestone.essence();
    let outcome = apply_cone(ledger, view, essence.parents().as_slice(), essence.index())?;
    if outcome.merkle_root != *essence.merkle_root() {
        ledger.revert_diff(&outcome.diff)?;
        return Err(WhiteFlagError::MerkleRootMismatch {
            expected: *essence.merkle_root(),
            computed: outcome.merkle_root,
        });
    }
    Ok(outcome)
}
