//! Tip selection for new messages: [`Node::tips`] keeps only tips whose unconfirmed past cone
//! is clean ([`CleanCheck`]).
//!
//! Verdicts are kept across tip requests ([`CleanVerdicts`]) for messages whose unconfirmed
//! cone is *uncontested* (no transaction in it has a solid rival spending one of its inputs).
//! Such a verdict depends only on the ledger, the confirmed set, signatures and the graph's
//! structure, so it stays true until the next confirmation step, which clears the kept
//! verdicts; a new rival for an already spent output clears them too. A contested verdict also
//! depends on cumulative weights, which change with every arrival: it is recomputed for every
//! request.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use rand_core::{CryptoRngCore, RngCore};
use std::sync::MutexGuard;
use tangle_graph::select::{SelectError, TipRequest, TipSelector};
use tangle_graph::{Handle, Tangle};

use tangle_model::{MessageId, OutputId, Payload, TransactionPayload};

use super::Node;
use crate::confirmation::ConfirmationRule;
use crate::store::{MessageStore, StoredMessage};

impl<C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> Node<C, G, S> {
    /// Tips for a new message, chosen by `selector` with the caller's RNG; ids sorted, ready to
    /// be a message's parents.
    ///
    /// Only tips whose not-yet-confirmed past cone is clean are returned: no transaction in it
    /// is a non-preferred conflict ([`Node::preferred`]), has a bad signature, or is
    /// inconsistent with the ledger (an input spent, unknown, or not created in that cone; sums,
    /// ownership or dust broken). Up to 8 selections are drawn to find clean tips; if none is
    /// clean, the clean messages nearest below the tips are taken (by height, then id), so a
    /// new message can always attach; `NoEligibleTips` only if nothing is clean.
    ///
    /// Verdicts over uncontested cones are kept for later requests (module docs), so a request
    /// checks only the messages that arrived since the previous one, until the next
    /// confirmation step.
    pub fn tips<T: TipSelector<Tangle<MessageId>> + ?Sized>(
        &self,
        selector: &mut T,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Vec<MessageId>, SelectError> {
        // The kept verdicts are taken out of their lock for the request, so no lock is held
        // while the selector runs (a selector may itself ask `is_clean`), and put back after.
        // Nothing can change the ledger or the rivals meanwhile (that takes `&mut self`), so
        // every verdict either side found still holds.
        let mut kept = std::mem::take(&mut *self.clean_verdicts());
        let tips = self.tips_with(selector, request, rng, &mut kept);
        self.clean_verdicts().extend(kept);
        tips
    }

    /// [`Node::tips`] with the kept verdicts at hand.
    fn tips_with<T: TipSelector<Tangle<MessageId>> + ?Sized>(
        &self,
        selector: &mut T,
        request: TipRequest,
        rng: &mut dyn RngCore,
        kept: &mut CleanVerdicts,
    ) -> Result<Vec<MessageId>, SelectError> {
        const ATTEMPTS: usize = 8;
        let mut check = CleanCheck::new(self, Some(kept));
        let mut chosen: Vec<Handle> = Vec::new();
        for attempt in 0..ATTEMPTS {
            let selection = match selector.select(&self.tangle, request, rng) {
                Ok(selection) => selection,
                Err(error) if attempt == 0 => return Err(error),
                Err(_) => break,
            };
            let all_clean = selection.iter().all(|&h| check.clean(h));
            if attempt == 0 && all_clean {
                let mut ids = selection.ids(&self.tangle);
                ids.sort();
                return Ok(ids);
            }
            for &h in selection.iter() {
                if chosen.len() < request.count() && !chosen.contains(&h) && check.clean(h) {
                    chosen.push(h);
                }
            }
            if chosen.len() >= request.count() {
                break;
            }
        }
        if chosen.is_empty() {
            chosen = check.nearest_clean(request.count());
        }
        if chosen.is_empty() {
            return Err(SelectError::NoEligibleTips {
                rule: "conflict-free past cone",
            });
        }
        let mut ids: Vec<MessageId> = chosen.iter().map(|&h| self.tangle.id(h)).collect();
        ids.sort();
        Ok(ids)
    }

    /// Whether `id` is solid and its not-yet-confirmed past cone is clean, as [`Node::tips`]
    /// requires of a tip (confirmed messages are clean). `None` for a message that is not solid
    /// in the graph. Uses and fills the verdicts kept across requests.
    pub fn is_clean(&self, id: &MessageId) -> Option<bool> {
        let handle = self.tangle.handle(id)?;
        let mut kept = self.clean_verdicts();
        Some(CleanCheck::new(self, Some(&mut kept)).clean(handle))
    }

    /// [`Node::is_clean`] computed afresh, without reading or filling the kept verdicts: the
    /// reference the kept verdicts are tested against.
    #[doc(hidden)]
    pub fn is_clean_uncached(&self, id: &MessageId) -> Option<bool> {
        let handle = self.tangle.handle(id)?;
        Some(CleanCheck::new(self, None).clean(handle))
    }

    /// Forgets every kept verdict: called when the ledger or the set of rivals changes.
    pub(super) fn forget_clean_verdicts(&self) {
        self.clean_verdicts().clear();
    }

    /// The verdicts kept across requests (a poisoned lock only means a panic elsewhere while
    /// it was held; the map is still valid).
    fn clean_verdicts(&self) -> MutexGuard<'_, CleanVerdicts> {
        match self.clean_verdicts.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Verdicts of [`CleanCheck::clean`] over uncontested cones, kept across tip requests until
/// the next confirmation step or new rival (module docs).
pub(super) type CleanVerdicts = HashMap<Handle, bool>;

/// One message's verdict within a request.
#[derive(Clone, Copy)]
struct Verdict {
    /// Its unconfirmed past cone, itself included, is clean.
    clean: bool,
    /// A transaction of that cone has a solid rival: the verdict depends on weights.
    contested: bool,
}

/// Whether messages have a clean not-yet-confirmed past cone (see [`Node::tips`]), memoised
/// for one tip request, and for uncontested cones across requests.
struct CleanCheck<'a, C, G, S> {
    node: &'a Node<C, G, S>,
    /// Verdicts of this request.
    memo: HashMap<Handle, Verdict>,
    /// Verdicts kept across requests; `None` computes everything afresh.
    kept: Option<&'a mut CleanVerdicts>,
}

impl<'a, C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> CleanCheck<'a, C, G, S> {
    fn new(node: &'a Node<C, G, S>, kept: Option<&'a mut CleanVerdicts>) -> Self {
        Self {
            node,
            memo: HashMap::new(),
            kept,
        }
    }

    /// A verdict of this request, or one kept from an earlier request.
    fn known(&self, v: Handle) -> Option<Verdict> {
        if let Some(&verdict) = self.memo.get(&v) {
            return Some(verdict);
        }
        let clean = *self.kept.as_ref()?.get(&v)?;
        Some(Verdict {
            clean,
            contested: false,
        })
    }

    /// Confirmed messages and entry points are clean: what is confirmed is final.
    fn settled(&self, v: Handle) -> bool {
        let tangle = &self.node.tangle;
        tangle.milestone_index(v).is_some() || tangle.is_solid_entry_point(v)
    }

    /// Whether `v` and its unconfirmed past cone are clean.
    fn clean(&mut self, v: Handle) -> bool {
        if self.settled(v) {
            return true;
        }
        if let Some(known) = self.known(v) {
            return known.clean;
        }
        // Post-order over the unconfirmed cone, without recursion.
        let mut stack: Vec<(Handle, bool)> = vec![(v, false)];
        while let Some((u, expanded)) = stack.pop() {
            if self.memo.contains_key(&u) {
                continue;
            }
            if let Some(known) = self.known(u) {
                self.memo.insert(u, known);
                continue;
            }
            let parents = self.node.tangle.parents(u);
            if expanded {
                let (mut clean, mut contested) = self.own_ok(u);
                for &p in parents {
                    match self.memo.get(&p) {
                        Some(parent) => {
                            clean &= parent.clean;
                            contested |= parent.contested;
                        }
                        None => clean &= self.settled(p),
                    }
                }
                self.memo.insert(u, Verdict { clean, contested });
                if !contested && let Some(kept) = self.kept.as_mut() {
                    kept.insert(u, clean);
                }
            } else {
                stack.push((u, true));
                for &p in parents {
                    if !self.settled(p) && !self.memo.contains_key(&p) {
                        stack.push((p, false));
                    }
                }
            }
        }
        self.memo.get(&v).is_some_and(|verdict| verdict.clean)
    }

    /// The checks on `v`'s own transaction, and whether it has a solid rival.
    fn own_ok(&self, v: Handle) -> (bool, bool) {
        let node = self.node;
        let id = node.tangle.id(v);
        let Some(stored) = node.store.get(&id) else {
            return (false, false);
        };
        let Some(transaction) = stored.message.payload().and_then(Payload::as_transaction) else {
            return (true, false);
        };
        let contested = transaction.essence().inputs().iter().any(|input| {
            node.spenders
                .get(input.output_id())
                .is_some_and(|spenders| spenders.iter().any(|spender| *spender != id))
        });
        (self.transaction_ok(v, &id, stored, transaction), contested)
    }

    /// The checks on the transaction `transaction` of message `v` (id `id`).
    fn transaction_ok(
        &self,
        v: Handle,
        id: &MessageId,
        stored: &StoredMessage,
        transaction: &TransactionPayload,
    ) -> bool {
        let node = self.node;
        if !node.signatures_valid(id, stored) || node.rival_reason(id).is_some() {
            return false;
        }
        let mut all_in_ledger = true;
        for input in transaction.essence().inputs() {
            let output = input.output_id();
            if node.ledger.is_unspent(output) {
                continue;
            }
            all_in_ledger = false;
            if node.ledger.spent(output).is_some() {
                return false;
            }
            // Created by a transaction of the unconfirmed cone: its creator must be an ancestor.
            if !self.created_below(v, output) {
                return false;
            }
        }
        !all_in_ledger
            || node
                .ledger
                .check_transaction(transaction, node.ledger.index().saturating_add(1), false)
                .is_ok()
    }

    /// Whether a transaction in `v`'s unconfirmed strict past cone creates `output` (asked only
    /// for inputs the ledger does not hold yet).
    fn created_below(&self, v: Handle, output: &OutputId) -> bool {
        let node = self.node;
        let mut stack: Vec<Handle> = node.tangle.parents(v).to_vec();
        let mut seen: HashSet<Handle> = HashSet::new();
        while let Some(u) = stack.pop() {
            if self.settled(u) || !seen.insert(u) {
                continue;
            }
            let creates = node
                .store
                .get(&node.tangle.id(u))
                .and_then(|m| m.message.payload())
                .and_then(Payload::as_transaction)
                .is_some_and(|tx| {
                    tx.id() == *output.transaction_id()
                        && usize::from(output.index()) < tx.essence().outputs().len()
                });
            if creates {
                return true;
            }
            stack.extend(node.tangle.parents(u).iter().copied());
        }
        false
    }

    /// Up to `count` clean messages nearest below the tips: highest first, then by id.
    fn nearest_clean(&mut self, count: usize) -> Vec<Handle> {
        let tangle = &self.node.tangle;
        let mut found: Vec<Handle> = Vec::new();
        let mut seen: HashSet<Handle> = HashSet::new();
        let mut queue: Vec<Handle> = tangle.tips().to_vec();
        while let Some(v) = queue.pop() {
            if !seen.insert(v) {
                continue;
            }
            if self.clean(v) {
                found.push(v);
            } else {
                queue.extend(tangle.parents(v).iter().copied());
            }
        }
        found.sort_by_key(|&h| (Reverse(tangle.height(h)), tangle.id(h)));
        found.truncate(count);
        found
    }
}
