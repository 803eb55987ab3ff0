//! Tip selection for new messages: [`Node::tips`] keeps only tips whose unconfirmed past cone
//! is clean ([`CleanCheck`]).

use std::cmp::Reverse;
use std::collections::HashMap;

use rand_core::{CryptoRngCore, RngCore};
use tangle_graph::select::{SelectError, TipRequest, TipSelector};
use tangle_graph::{Handle, Tangle};
use tangle_model::{MessageId, OutputId, Payload};

use super::Node;
use super::preference::{rival_reason, signatures_ok};
use crate::confirmation::ConfirmationRule;
use crate::store::MessageStore;

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
    pub fn tips<T: TipSelector<Tangle<MessageId>> + ?Sized>(
        &self,
        selector: &mut T,
        request: TipRequest,
        rng: &mut dyn RngCore,
    ) -> Result<Vec<MessageId>, SelectError> {
        const ATTEMPTS: usize = 8;
        let mut check = CleanCheck {
            node: self,
            memo: HashMap::new(),
        };
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
}

/// Whether messages have a clean not-yet-confirmed past cone (see [`Node::tips`]), memoised
/// for one tip request.
struct CleanCheck<'a, C, G, S> {
    node: &'a Node<C, G, S>,
    memo: HashMap<Handle, bool>,
}

impl<C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> CleanCheck<'_, C, G, S> {
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
        if let Some(&known) = self.memo.get(&v) {
            return known;
        }
        // Post-order over the unconfirmed cone, without recursion.
        let mut stack: Vec<(Handle, bool)> = vec![(v, false)];
        while let Some((u, expanded)) = stack.pop() {
            if self.memo.contains_key(&u) {
                continue;
            }
            let parents = self.node.tangle.parents(u);
            if expanded {
                let ok = parents
                    .iter()
                    .all(|&p| self.settled(p) || self.memo.get(&p).copied().unwrap_or(false))
                    && self.own_ok(u);
                self.memo.insert(u, ok);
            } else {
                stack.push((u, true));
                for &p in parents {
                    if !self.settled(p) && !self.memo.contains_key(&p) {
                        stack.push((p, false));
                    }
                }
            }
        }
        self.memo.get(&v).copied().unwrap_or(false)
    }

    /// The checks on `v`'s own transaction.
    fn own_ok(&self, v: Handle) -> bool {
        let node = self.node;
        let id = node.tangle.id(v);
        let Some(stored) = node.store.get(&id) else {
            return false;
        };
        let Some(transaction) = stored.message.payload().and_then(Payload::as_transaction) else {
            return true;
        };
        let signatures = match stored.metadata.signatures_valid {
            Some(valid) => valid,
            None => *node
                .checked_early()
                .entry(id)
                .or_insert_with(|| signatures_ok(transaction)),
        };
        if !signatures || rival_reason(&node.store, &node.tangle, &node.spenders, &id).is_some() {
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

    /// Whether a transaction in `v`'s unconfirmed strict past cone creates `output` (rare: only
    /// for inputs the ledger does not hold yet, so the transaction ids are hashed only then).
    fn created_below(&self, v: Handle, output: &OutputId) -> bool {
        let node = self.node;
        let mut stack: Vec<Handle> = node.tangle.parents(v).to_vec();
        let mut seen: std::collections::HashSet<Handle> = std::collections::HashSet::new();
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
        let mut seen: std::collections::HashSet<Handle> = std::collections::HashSet::new();
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
