//! Conflicts among solid, not yet confirmed transactions: who spends what ([`Spenders`]),
//! which of two rivals is preferred ([`rival_reason`]), single signature checks, and the view
//! white flag walks over the store ([`StoreView`]).

use std::cmp::Reverse;
use std::collections::HashMap;

use rand_core::CryptoRngCore;
use tangle_crypto::ed25519::{PublicKey, Signature, verify};
use tangle_graph::{IdHashBuilder, Tangle};
use tangle_model::{MessageId, OutputId, Payload, TransactionPayload, UnlockBlock};

use crate::confirmation::ConfirmationRule;
use crate::conflict::ConflictReason;
use crate::store::{LedgerInclusion, MessageStore, StoredMessage};
use crate::white_flag::ConeView;

use super::Node;

/// Solid transactions by the outputs they spend.
pub(super) type Spenders = HashMap<OutputId, Vec<MessageId>, IdHashBuilder>;

/// The view white flag walks: stored messages, entry points as referenced.
pub(super) struct StoreView<'a, S> {
    pub(super) store: &'a S,
    pub(super) tangle: &'a Tangle<MessageId>,
    /// Conflicts by preference, when the rule asks for it.
    pub(super) spenders: Option<&'a Spenders>,
}

impl<C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> Node<C, G, S> {
    /// Whether the signatures of a stored message's transaction verify (`true` without one):
    /// the batch result once known; before its batch, one single verification, kept so that
    /// the batch skips it. Queries before and after a batch thus agree, whatever the order in
    /// which messages arrived.
    pub(super) fn signatures_valid(&self, id: &MessageId, stored: &StoredMessage) -> bool {
        if let Some(valid) = stored.metadata.signatures_valid {
            return valid;
        }
        let Some(transaction) = stored.message.payload().and_then(Payload::as_transaction) else {
            return true;
        };
        *self
            .checked_early()
            .entry(*id)
            .or_insert_with(|| signatures_ok(transaction))
    }

    /// [`rival_reason`] for this node, rivals' signatures judged by
    /// [`Node::signatures_valid`].
    pub(super) fn rival_reason(&self, id: &MessageId) -> Option<ConflictReason> {
        rival_reason(
            &self.store,
            &self.tangle,
            &self.spenders,
            id,
            |rival, stored| self.signatures_valid(rival, stored),
        )
    }
}

/// Why `id`'s transaction is not the preferred one among the solid transactions spending one of
/// its inputs: a rival was applied (reason 1), or a rival whose signatures verify
/// (`signatures_valid`) is heavier (more cumulative weight; tie: smaller id; reason 2). `None`:
/// preferred, or no transaction.
pub(super) fn rival_reason<S: MessageStore>(
    store: &S,
    tangle: &Tangle<MessageId>,
    spenders: &Spenders,
    id: &MessageId,
    signatures_valid: impl Fn(&MessageId, &StoredMessage) -> bool,
) -> Option<ConflictReason> {
    let transaction = store
        .get(id)
        .and_then(|m| m.message.payload())
        .and_then(Payload::as_transaction)?;
    let weight = |m: &MessageId| {
        tangle
            .handle(m)
            .and_then(|h| tangle.cumulative_weight(h))
            .unwrap_or(0)
    };
    let own = (weight(id), Reverse(*id));
    let mut reason = None;
    for input in transaction.essence().inputs() {
        for rival in spenders.get(input.output_id()).into_iter().flatten() {
            if rival == id {
                continue;
            }
            let Some(stored) = store.get(rival) else {
                continue;
            };
            match stored.metadata.inclusion {
                Some(LedgerInclusion::Included) => return Some(ConflictReason::InputAlreadySpent),
                Some(LedgerInclusion::Conflicting(_)) => continue,
                _ => {}
            }
            if !signatures_valid(rival, stored) {
                continue;
            }
            if (weight(rival), Reverse(*rival)) > own {
                reason = Some(ConflictReason::InputSpentInThisMilestone);
            }
        }
    }
    reason
}

/// Whether every signature of `transaction` verifies (one by one; ZIP-215).
pub(super) fn signatures_ok(transaction: &TransactionPayload) -> bool {
    let hash = transaction.essence().signing_hash();
    transaction
        .unlock_blocks()
        .as_slice()
        .iter()
        .all(|block| match block {
            UnlockBlock::Signature(signature) => verify(
                &PublicKey::from_bytes(signature.public_key),
                &hash,
                &Signature::from_bytes(signature.signature),
            )
            .is_ok(),
            _ => true,
        })
}

impl<S: MessageStore> ConeView for StoreView<'_, S> {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.store.get(id).map(|m| m.message.parents().as_slice())
    }

    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.store
            .get(id)
            .and_then(|m| m.message.payload())
            .and_then(Payload::as_transaction)
    }

    fn is_referenced(&self, id: &MessageId) -> bool {
        match self.store.get(id) {
            Some(stored) => stored.metadata.referenced_by.is_some(),
            None => self
                .tangle
                .handle(id)
                .is_some_and(|handle| self.tangle.is_solid_entry_point(handle)),
        }
    }

    fn signatures_verified(&self, id: &MessageId) -> Option<bool> {
        self.store.get(id).and_then(|m| m.metadata.signatures_valid)
    }

    fn excluded(&self, id: &MessageId) -> Option<ConflictReason> {
        // White flag runs after the batch: every solid transaction's result is known.
        rival_reason(self.store, self.tangle, self.spenders?, id, |_, stored| {
            stored.metadata.signatures_valid != Some(false)
        })
    }
}
