//! The in-process Tangle API: one synchronous [`Node`] tying the pipeline, the graph, the
//! ledger and a [`ConfirmationRule`] together. No threads, no clocks, no network.
//!
//! [`Node::submit`] runs a message through the pipeline: syntax, network id and PoW
//! ([`pipeline::accept`]), solidity in a [`Tangle`] keyed by [`MessageId`] (messages missing
//! parents wait and become solid with them), then the transactions that became solid join a
//! queue whose signatures are verified in one batch when it holds
//! [`NodeConfig::signature_batch`] transactions, before any confirmation step, or on
//! [`Node::flush`] (no threads: the caller's `submit` or `flush` does the work), then the
//! confirmation rule on every newly solid message and its `poll` hook.
//! Checkpoints are applied strictly in index order with white flag; a checkpoint whose index is
//! ahead of the ledger waits for the ones before it, so the outcome does not depend on the
//! arrival order.
//!
//! # Divergence
//! A milestone whose inclusion Merkle root differs from the one white flag computes means this
//! node booked a different ledger from the network's. The node then halts confirmation, as the
//! deployed Chrysalis nodes stop: the step is reverted (the ledger stays at the index before the
//! milestone), the evidence is kept ([`Node::halted`] gives the [`Divergence`]: milestone id and
//! index, expected and computed roots), and no checkpoint is applied any more; later ones are
//! refused with [`ConfirmationError::Halted`]. Messages are still accepted, stored and solidified
//! (so the diverging cone can be examined and a network layer is not stalled), but nothing
//! becomes confirmed.
//!
//! Messages, their metadata and the ledger diff of every applied step live in a
//! [`MessageStore`]; [`MemoryStore`] keeps them in memory. A persistent store implements the same trait; a network layer calls
//! [`Node::submit`] with the bytes it receives and asks [`Node::missing_parents`] what to
//! request.
//!
//! # Example
//! ```
//! use rand_chacha::ChaCha8Rng;
//! use rand_chacha::rand_core::SeedableRng;
//! use tangle_consensus::pipeline::PipelineConfig;
//! use tangle_consensus::{Ledger, NoConfirmation, Node, NodeConfig, SubmitStatus};
//! use tangle_model::{MessageBuilder, MessageId, Packable};
//!
//! let config = NodeConfig {
//!     pipeline: PipelineConfig { network_id: Some(1), min_pow_score: 0.0 },
//!     ..NodeConfig::default()
//! };
//! let ledger = Ledger::from_outputs(0, [])?;
//! let mut node = Node::new(config, NoConfirmation, ledger, ChaCha8Rng::seed_from_u64(1))?;
//!
//! let first = MessageBuilder::new().network_id(1).parent(MessageId::default()).finish()?;
//! let second = MessageBuilder::new().network_id(1).parent(first.id()).finish()?;
//! // Out of order: the child waits for its parent.
//! assert_eq!(node.submit(&second.pack())?.status, SubmitStatus::Pending);
//! let submission = node.submit(&first.pack())?;
//! assert_eq!(submission.solidified, vec![first.id(), second.id()]);
//! assert!(node.metadata(&second.id()).is_some_and(|m| m.solid && m.referenced_by.is_none()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use rand_core::CryptoRngCore;
use tangle_graph::{Config as GraphConfig, IdHashBuilder, InsertError, Tangle};
use tangle_model::{Address, Message, MessageId, OutputId, Payload, TransactionPayload};

use crate::confirmation::{Checkpoint, ConfirmationError, ConfirmationRule, Divergence};
use crate::conflict::ConflictReason;
use crate::ledger::{Ledger, OutputEntry};
use crate::pipeline::{self, PipelineConfig, PipelineError, Solidity};
use crate::white_flag::{self, WhiteFlagError, WhiteFlagOutcome};

mod preference;
mod tips;

pub use crate::store::{
    LedgerInclusion, MemoryStore, MessageMetadata, MessageStore, StoredMessage,
};
use preference::{Spenders, StoreView};

/// Settings of a [`Node`].
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// Network id and minimum PoW score.
    pub pipeline: PipelineConfig,
    /// Graph settings (orphan pool size, weight tracking).
    pub graph: GraphConfig,
    /// Solid entry points: ids taken as solid and referenced without being stored (the
    /// all-zero id stands for the genesis by default).
    pub entry_points: Vec<MessageId>,
    /// Solid transactions queued before their signatures are verified in one batch (default
    /// [`DEFAULT_SIGNATURE_BATCH`]). The queue is also verified before any confirmation step
    /// and on [`Node::flush`]; 0 or 1 verifies each solidification's transactions at once.
    /// Larger batches are cheaper per signature (one multiscalar multiplication).
    pub signature_batch: usize,
}

/// Default [`NodeConfig::signature_batch`]: past ~256 signatures a batch gains little per
/// signature, and a tip-selection check that meets queued transactions verifies them one by
/// one (once: the result is kept for the batch), so the queue stays short.
pub const DEFAULT_SIGNATURE_BATCH: usize = 256;

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            pipeline: PipelineConfig::default(),
            graph: GraphConfig::default(),
            entry_points: vec![MessageId::default()],
            signature_batch: DEFAULT_SIGNATURE_BATCH,
        }
    }
}

/// Why a [`Node`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// A solid entry point could not be added to the graph.
    #[error("entry point rule: {0}")]
    EntryPoint(#[from] InsertError),
}

/// One applied confirmation step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The checkpoint that triggered it.
    pub checkpoint: Checkpoint,
    /// What white flag did.
    pub outcome: WhiteFlagOutcome,
}

/// A summary of an applied confirmation step, kept by the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmationRecord {
    /// The step's index.
    pub index: u32,
    /// The checkpoint (milestone) message.
    pub message_id: MessageId,
    /// The checkpoint's timestamp.
    pub timestamp: u64,
    /// The inclusion Merkle root computed by white flag.
    pub merkle_root: [u8; 32],
    /// Messages newly referenced.
    pub referenced: usize,
    /// Transactions applied.
    pub applied: usize,
    /// Transactions conflicting.
    pub conflicts: usize,
}

/// Where a submitted message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitStatus {
    /// Solid (with its past cone).
    Solid,
    /// Waiting for parents.
    Pending,
    /// Already known; nothing changed.
    Duplicate,
}

/// What [`Node::submit`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The message id.
    pub id: MessageId,
    /// Where it stands.
    pub status: SubmitStatus,
    /// Every message that became solid, in topological order.
    pub solidified: Vec<MessageId>,
    /// Confirmation steps applied, in index order.
    pub confirmations: Vec<Confirmation>,
    /// Checkpoints refused (the messages stay in the Tangle), with the broken rule.
    pub refused: Vec<(MessageId, ConfirmationError)>,
}

/// The in-process Tangle: graph, ledger, metadata and a confirmation rule.
///
/// `C` is the confirmation rule, `G` the RNG of batch signature verification, `S` the store.
#[derive(Debug)]
pub struct Node<C, G, S = MemoryStore> {
    config: NodeConfig,
    rule: C,
    rng: G,
    store: S,
    tangle: Tangle<MessageId>,
    ledger: Ledger,
    waiting: BTreeMap<u32, Checkpoint>,
    history: Vec<ConfirmationRecord>,
    arrivals: u64,
    /// Solid transactions spending each output (to find conflicts).
    spenders: Spenders,
    /// Solid transactions whose signatures wait for the next batch.
    unverified: Vec<MessageId>,
    /// Results of queued transactions that tip selection had to verify one by one (so that
    /// repeated tip requests do not verify them again, and the batch skips them).
    checked_early: Mutex<HashMap<MessageId, bool, IdHashBuilder>>,
    /// Tip-cleanliness verdicts kept across tip requests (see [`Node::tips`]).
    clean_verdicts: Mutex<tips::CleanVerdicts>,
    /// Set on a Merkle-root mismatch: confirmation is halted for good.
    halted: Option<Divergence>,
}

impl<C: ConfirmationRule, G: CryptoRngCore> Node<C, G, MemoryStore> {
    /// A node over an in-memory store, starting from `ledger` (genesis or snapshot).
    pub fn new(config: NodeConfig, rule: C, ledger: Ledger, rng: G) -> Result<Self, NodeError> {
        Self::with_store(config, rule, ledger, rng, MemoryStore::default())
    }
}

impl<C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> Node<C, G, S> {
    /// A node over `store`, starting from `ledger`.
    pub fn with_store(
        config: NodeConfig,
        rule: C,
        ledger: Ledger,
        rng: G,
        store: S,
    ) -> Result<Self, NodeError> {
        let mut tangle = Tangle::new(config.graph.clone());
        for id in &config.entry_points {
            let index = (ledger.index() > 0).then_some(ledger.index());
            tangle.add_solid_entry_point(*id, 1, 0, index)?;
        }
        Ok(Self {
            config,
            rule,
            rng,
            store,
            tangle,
            ledger,
            waiting: BTreeMap::new(),
            history: Vec::new(),
            arrivals: 0,
            spenders: Spenders::default(),
            unverified: Vec::new(),
            checked_early: Mutex::default(),
            clean_verdicts: Mutex::default(),
            halted: None,
        })
    }

    /// Runs `bytes` through the pipeline. A message rejected by a rule is not kept; an accepted
    /// one is kept even if its transaction later conflicts.
    pub fn submit(&mut self, bytes: &[u8]) -> Result<Submission, PipelineError> {
        let accepted = pipeline::accept(bytes, &self.config.pipeline)?;
        let id = accepted.id;
        let mut submission = Submission {
            id,
            status: SubmitStatus::Duplicate,
            solidified: Vec::new(),
            confirmations: Vec::new(),
            refused: Vec::new(),
        };
        // A message the graph evicted from its orphan pool is stored but may come again.
        if self.tangle.contains(&id) || self.tangle.is_pending(&id) {
            return Ok(submission);
        }
        self.arrivals += 1;
        let solidity = pipeline::attach(&mut self.tangle, &accepted, self.arrivals)?;
        self.store.insert(
            id,
            StoredMessage {
                message: accepted.message,
                metadata: MessageMetadata {
                    arrival: self.arrivals,
                    ..MessageMetadata::default()
                },
            },
        );
        match solidity {
            Solidity::Solid { solidified } => {
                submission.status = SubmitStatus::Solid;
                submission.solidified = solidified;
            }
            Solidity::Pending => submission.status = SubmitStatus::Pending,
            Solidity::Duplicate => {}
        }
        self.on_solid(&mut submission);
        Ok(submission)
    }

    /// Marks newly solid messages, queues their transactions for batch verification (verifying
    /// the queue when it is full), runs the rule, and applies the checkpoints that are due.
    fn on_solid(&mut self, submission: &mut Submission) {
        let mut forget_clean_verdicts = false;
        for id in &submission.solidified {
            let Some(stored) = self.store.get_mut(id) else {
                continue;
            };
            stored.metadata.solid = true;
            if let Some(transaction) = stored.message.payload().and_then(Payload::as_transaction) {
                for input in transaction.essence().inputs() {
                    let spenders = self.spenders.entry(*input.output_id()).or_default();
                    if !spenders.is_empty() {
                        // A new rival: kept tip verdicts over its rivals' cones are stale.
                        forget_clean_verdicts = true;
                    }
                    spenders.push(*id);
                }
                self.unverified.push(*id);
            }
        }
        if forget_clean_verdicts {
            self.forget_clean_verdicts();
        }
        if self.unverified.len() >= self.config.signature_batch {
            self.flush();
        }
        for id in &submission.solidified {
            let Some(stored) = self.store.get(id) else {
                continue;
            };
            match self.rule.inspect(id, &stored.message) {
                Ok(Some(checkpoint)) => match &self.halted {
                    Some(divergence) => submission.refused.push((
                        checkpoint.message_id,
                        ConfirmationError::Halted {
                            diverged_at: divergence.index,
                            index: checkpoint.index,
                        },
                    )),
                    None => self.enqueue(checkpoint, &mut submission.refused),
                },
                Ok(None) => {}
                Err(error) => submission.refused.push((*id, error)),
            }
        }
        if self.halted.is_some() {
            return;
        }
        let next = self.ledger.index().saturating_add(1);
        for checkpoint in self.rule.poll(&self.tangle, next) {
            self.enqueue(checkpoint, &mut submission.refused);
        }
        self.apply_waiting(submission);
    }

    /// Verifies the signatures of every queued solid transaction in one batch (one bad
    /// signature fails only its own transaction) and records the results in the metadata.
    /// The node calls it when the queue fills and before each confirmation step; call it to
    /// have every solid transaction's `signatures_valid` known now.
    pub fn flush(&mut self) {
        if self.unverified.is_empty() {
            return;
        }
        let mut queued = std::mem::take(&mut self.unverified);
        let early = std::mem::take(&mut *self.checked_early());
        queued.retain(|id| match early.get(id) {
            Some(&valid) => {
                if let Some(stored) = self.store.get_mut(id) {
                    stored.metadata.signatures_valid = Some(valid);
                }
                false
            }
            None => true,
        });
        let results = {
            let transactions: Vec<&TransactionPayload> = queued
                .iter()
                .filter_map(|id| self.store.get(id))
                .filter_map(|m| m.message.payload().and_then(Payload::as_transaction))
                .collect();
            pipeline::verify_signatures(&transactions, &mut self.rng)
        };
        // Every queued id is a stored transaction, so the results line up.
        for (id, valid) in queued.iter().zip(results) {
            if let Some(stored) = self.store.get_mut(id) {
                stored.metadata.signatures_valid = Some(valid);
            }
        }
    }

    /// Transactions waiting for the next signature batch.
    pub fn unverified(&self) -> usize {
        self.unverified.len()
    }

    /// The cache of early single verifications (a poisoned lock only means a panic elsewhere
    /// while it was held; the map is still valid).
    fn checked_early(&self) -> MutexGuard<'_, HashMap<MessageId, bool, IdHashBuilder>> {
        match self.checked_early.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn enqueue(
        &mut self,
        checkpoint: Checkpoint,
        refused: &mut Vec<(MessageId, ConfirmationError)>,
    ) {
        let ledger = self.ledger.index();
        if checkpoint.index <= ledger {
            refused.push((
                checkpoint.message_id,
                ConfirmationError::StaleIndex {
                    index: checkpoint.index,
                    ledger,
                },
            ));
            return;
        }
        match self.waiting.get(&checkpoint.index) {
            Some(known) if known.message_id <= checkpoint.message_id => {
                refused.push((
                    checkpoint.message_id,
                    ConfirmationError::DuplicateIndex(checkpoint.index),
                ));
            }
            Some(known) => {
                refused.push((
                    known.message_id,
                    ConfirmationError::DuplicateIndex(checkpoint.index),
                ));
                self.waiting.insert(checkpoint.index, checkpoint);
            }
            None => {
                self.waiting.insert(checkpoint.index, checkpoint);
            }
        }
    }

    /// Applies waiting checkpoints while the next index is there.
    fn apply_waiting(&mut self, submission: &mut Submission) {
        if self.halted.is_some() {
            return;
        }
        if self
            .waiting
            .contains_key(&self.ledger.index().saturating_add(1))
        {
            self.flush();
        }
        while let Some(checkpoint) = self.waiting.remove(&self.ledger.index().saturating_add(1)) {
            match self.confirm(&checkpoint) {
                Ok(outcome) => submission.confirmations.push(Confirmation {
                    checkpoint,
                    outcome,
                }),
                Err(error) => {
                    submission.refused.push((checkpoint.message_id, error));
                    break;
                }
            }
        }
    }

    /// White flag over the checkpoint's cone, the Merkle-root check, then the metadata.
    fn confirm(&mut self, checkpoint: &Checkpoint) -> Result<WhiteFlagOutcome, ConfirmationError> {
        // The ledger and the confirmed set change: kept tip verdicts are stale.
        self.forget_clean_verdicts();
        let view = StoreView {
            store: &self.store,
            tangle: &self.tangle,
            spenders: self.rule.prefers_heavier().then_some(&self.spenders),
        };
        // A milestone's receipt (TIP-17) is booked in the same step, after the cone.
        let milestone = self
            .store
            .get(&checkpoint.message_id)
            .and_then(|stored| stored.message.milestone().ok().flatten());
        let receipt = match (checkpoint.milestone_id, &milestone) {
            (Some(milestone_id), Some(milestone)) => {
                milestone
                    .essence()
                    .receipt()
                    .map(|receipt| white_flag::MilestoneReceipt {
                        message_id: checkpoint.message_id,
                        milestone_id,
                        receipt,
                    })
            }
            _ => None,
        };
        let outcome = match white_flag::apply_cone_with_receipt(
            &mut self.ledger,
            &view,
            &checkpoint.roots,
            checkpoint.index,
            receipt,
        ) {
            Ok(outcome) => outcome,
            // An invalid receipt, or (not expected: the cone is solid and the index is the next
            // one) a missing message. The step is not applied.
            Err(WhiteFlagError::Receipt(error)) => return Err(ConfirmationError::Receipt(error)),
            Err(error) => return Err(ConfirmationError::WhiteFlag(error)),
        };
        if let Some(expected) = checkpoint.merkle_root
            && expected != outcome.merkle_root
        {
            // Reverting a step just sealed succeeds; if it did not, the ledger is still
            // consistent, only ahead.
            let _: Result<(), _> = self.ledger.revert_diff(&outcome.diff);
            // This node's ledger is not the network's: halt confirmation, keep the evidence.
            self.halted = Some(Divergence {
                index: checkpoint.index,
                message_id: checkpoint.message_id,
                milestone_id: checkpoint.milestone_id,
                expected,
                computed: outcome.merkle_root,
            });
            return Err(ConfirmationError::MerkleRootMismatch {
                expected,
                computed: outcome.merkle_root,
            });
        }
        let index = checkpoint.index;
        for id in &outcome.referenced {
            if let Some(stored) = self.store.get_mut(id) {
                stored.metadata.referenced_by = Some(index);
                stored.metadata.inclusion = Some(LedgerInclusion::NoTransaction);
            }
            if let Some(handle) = self.tangle.handle(id) {
                let _: Result<(), _> = self.tangle.mark_referenced(handle, index);
            }
        }
        for id in &outcome.applied {
            if let Some(stored) = self.store.get_mut(id) {
                stored.metadata.inclusion = Some(LedgerInclusion::Included);
            }
        }
        for (id, reason) in &outcome.conflicts {
            if let Some(stored) = self.store.get_mut(id) {
                stored.metadata.inclusion = Some(LedgerInclusion::Conflicting(*reason));
            }
        }
        if checkpoint.milestone_id.is_some()
            && let Some(stored) = self.store.get_mut(&checkpoint.message_id)
        {
            stored.metadata.milestone_index = Some(index);
        }
        self.store.insert_diff(&outcome.diff);
        self.history.push(ConfirmationRecord {
            index,
            message_id: checkpoint.message_id,
            timestamp: checkpoint.timestamp,
            merkle_root: outcome.merkle_root,
            referenced: outcome.referenced.len(),
            applied: outcome.applied.len(),
            conflicts: outcome.conflicts.len(),
        });
        Ok(outcome)
    }

    /// Why confirmation is halted, if it is: the milestone whose inclusion Merkle root differs
    /// from the one white flag computed here (this node's ledger diverged from the network's).
    /// Once set, it stays set and no checkpoint is applied any more; `None` while the node
    /// confirms.
    pub fn halted(&self) -> Option<&Divergence> {
        self.halted.as_ref()
    }

    /// The metadata of a message.
    pub fn metadata(&self, id: &MessageId) -> Option<&MessageMetadata> {
        self.store.get(id).map(|m| &m.metadata)
    }

    /// A stored message.
    pub fn message(&self, id: &MessageId) -> Option<&Message> {
        self.store.get(id).map(|m| &m.message)
    }

    /// The balance of `address` in the confirmed ledger.
    pub fn balance(&self, address: &Address) -> u64 {
        self.ledger.balance(address)
    }

    /// The unspent outputs of `address` in the confirmed ledger.
    pub fn outputs(&self, address: &Address) -> Vec<(OutputId, OutputEntry)> {
        self.ledger
            .outputs_of(address)
            .map(|(id, entry)| (*id, *entry))
            .collect()
    }

    /// solid transactions spending any of its inputs (more cumulative weight; tie: smaller id;
    /// a rival already applied always wins; rivals with a bad signature or confirmed as
    /// conflicting do not count). `None` for unknown messages and messages without a
    /// transaction. A coordinator-free rule never applies a non-preferred transaction.
    pub fn preferred(&self, id: &MessageId) -> Option<bool> {
        let stored = self.store.get(id)?;
        stored.message.payload().and_then(Payload::as_transaction)?;
        Some(self.rival_reason(id).is_none())
    }

    /// Why a message's transaction is, or will be, conflicting: its ledger inclusion state
    /// once confirmed; before that, for a non-preferred transaction, the reason a
    /// coordinator-free rule will record ([`Node::preferred`]). `None`: no conflict (yet).
    pub fn conflict(&self, id: &MessageId) -> Option<ConflictReason> {
        let stored = self.store.get(id)?;
        if stored.metadata.referenced_by.is_some() {
            return stored.metadata.conflict();
        }
        self.rival_reason(id)
    }

    /// Ids the graph waits for (parents of pending messages): what a network layer requests.
    pub fn missing_parents(&self) -> Vec<MessageId> {
        self.tangle.missing_parents()
    }

    /// The confirmed ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The graph.
    pub fn tangle(&self) -> &Tangle<MessageId> {
        &self.tangle
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The confirmation rule.
    pub fn rule(&self) -> &C {
        &self.rule
    }

    /// The confirmation steps applied so far, in index order.
    pub fn confirmations(&self) -> &[ConfirmationRecord] {
        &self.history
    }

    /// Checkpoints waiting for an earlier index, by index.
    pub fn waiting_checkpoints(&self) -> impl Iterator<Item = &Checkpoint> {
        self.waiting.values()
    }
}
