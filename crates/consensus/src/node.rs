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

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use rand_core::{CryptoRngCore, RngCore};
use tangle_crypto::ed25519::{PublicKey, Signature, verify};
use tangle_graph::select::{SelectError, TipRequest, TipSelector};
use tangle_graph::{Config as GraphConfig, Handle, IdHashBuilder, InsertError, Tangle};
use tangle_model::{
    Address, Message, MessageId, OutputId, Payload, TransactionPayload, UnlockBlock,
};

use crate::confirmation::{Checkpoint, ConfirmationError, ConfirmationRule};
use crate::conflict::ConflictReason;
use crate::ledger::{Ledger, LedgerDiff, OutputEntry};
use crate::pipeline::{self, PipelineConfig, PipelineError, Solidity};
use crate::white_flag::{self, ConeView, WhiteFlagOutcome};

/// What a confirmation did with a message's transaction (TIP-2 ledger inclusion state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerInclusion {
    /// The message carries no transaction.
    NoTransaction,
    /// Its transaction was applied.
    Included,
    /// Its transaction conflicts with the ledger and was not applied.
    Conflicting(ConflictReason),
}

/// What the node knows about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MessageMetadata {
    /// Arrival sequence number (1 for the first message submitted).
    pub arrival: u64,
    /// Whether its whole past cone is known.
    pub solid: bool,
    /// For a solid transaction: whether all its signatures verify (ZIP-215).
    pub signatures_valid: Option<bool>,
    /// The index of the confirmation step (milestone) that referenced it.
    pub referenced_by: Option<u32>,
    /// The ledger inclusion state, once referenced.
    pub inclusion: Option<LedgerInclusion>,
    /// For a milestone message that was applied: its index.
    pub milestone_index: Option<u32>,
}

impl MessageMetadata {
    /// The conflict reason, if the message was referenced and its transaction conflicts.
    pub fn conflict(&self) -> Option<ConflictReason> {
        match self.inclusion {
            Some(LedgerInclusion::Conflicting(reason)) => Some(reason),
            _ => None,
        }
    }

    /// Whether the message's transaction was applied to the ledger.
    pub fn is_included(&self) -> bool {
        self.inclusion == Some(LedgerInclusion::Included)
    }
}

/// A message and its metadata, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// The message.
    pub message: Message,
    /// Its metadata.
    pub metadata: MessageMetadata,
}

/// Where the node keeps messages and their metadata.
pub trait MessageStore {
    /// The message with this id.
    fn get(&self, id: &MessageId) -> Option<&StoredMessage>;
    /// The message with this id, to update its metadata.
    fn get_mut(&mut self, id: &MessageId) -> Option<&mut StoredMessage>;
    /// Stores a message (replacing any with the same id).
    fn insert(&mut self, id: MessageId, message: StoredMessage);
    /// Number of messages stored.
    fn len(&self) -> usize;
    /// Keeps the ledger diff of an applied confirmation step, so the ledger can be reverted or
    /// replayed later. The default keeps nothing.
    fn insert_diff(&mut self, diff: &LedgerDiff) {
        let _ = diff;
    }
    /// The kept diff of the step that brought the ledger to `index`, if any.
    fn diff(&self, index: u32) -> Option<LedgerDiff> {
        let _ = index;
        None
    }
    /// Whether the store is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`MessageStore`] in memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// Keyed by the graph's id hasher: ids are already uniform hashes, SipHash buys nothing.
    messages: HashMap<MessageId, StoredMessage, IdHashBuilder>,
    diffs: BTreeMap<u32, LedgerDiff>,
}

impl MemoryStore {
    /// Every stored message id, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = &MessageId> {
        self.messages.keys()
    }
}

impl MessageStore for MemoryStore {
    fn get(&self, id: &MessageId) -> Option<&StoredMessage> {
        self.messages.get(id)
    }

    fn get_mut(&mut self, id: &MessageId) -> Option<&mut StoredMessage> {
        self.messages.get_mut(id)
    }

    fn insert(&mut self, id: MessageId, message: StoredMessage) {
        self.messages.insert(id, message);
    }

    fn len(&self) -> usize {
        self.messages.len()
    }

    fn insert_diff(&mut self, diff: &LedgerDiff) {
        self.diffs.insert(diff.index(), diff.clone());
    }

    fn diff(&self, index: u32) -> Option<LedgerDiff> {
        self.diffs.get(&index).cloned()
    }
}

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
}

impl<C: ConfirmationRule, G: CryptoRngCore> Node<C, G, MemoryStore> {
    /// A node over an in-memory store, starting from `ledger` (genesis or snapshot).
    pub fn new(config: NodeConfig, rule: C, ledger: Ledger, rng: G) -> Result<Self, NodeError> {
        Self::with_store(config, rule, ledger, rng, MemoryStore::default())
    }
}

/// Solid transactions by the outputs they spend.
type Spenders = HashMap<OutputId, Vec<MessageId>, IdHashBuilder>;

/// The view white flag walks: stored messages, entry points as referenced.
struct StoreView<'a, S> {
    store: &'a S,
    tangle: &'a Tangle<MessageId>,
    /// Conflicts by preference, when the rule asks for it.
    spenders: Option<&'a Spenders>,
}

/// Why `id`'s transaction is not the preferred one among the solid transactions spending one of
/// its inputs: a rival was applied (reason 1), or a rival not known to be invalid is heavier
/// (more cumulative weight; tie: smaller id; reason 2). `None`: preferred, or no transaction.
fn rival_reason<S: MessageStore>(
    store: &S,
    tangle: &Tangle<MessageId>,
    spenders: &Spenders,
    id: &MessageId,
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
            if stored.metadata.signatures_valid == Some(false) {
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
fn signatures_ok(transaction: &TransactionPayload) -> bool {
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
        rival_reason(self.store, self.tangle, self.spenders?, id)
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
        for id in &submission.solidified {
            let Some(stored) = self.store.get_mut(id) else {
                continue;
            };
            stored.metadata.solid = true;
            if let Some(transaction) = stored.message.payload().and_then(Payload::as_transaction) {
                for input in transaction.essence().inputs() {
                    self.spenders
                        .entry(*input.output_id())
                        .or_default()
                        .push(*id);
                }
                self.unverified.push(*id);
            }
        }
        if self.unverified.len() >= self.config.signature_batch {
            self.flush();
        }
        for id in &submission.solidified {
            let Some(stored) = self.store.get(id) else {
                continue;
            };
            match self.rule.inspect(id, &stored.message) {
                Ok(Some(checkpoint)) => self.enqueue(checkpoint, &mut submission.refused),
                Ok(None) => {}
                Err(error) => submission.refused.push((*id, error)),
            }
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
        let view = StoreView {
            store: &self.store,
            tangle: &self.tangle,
            spenders: self.rule.prefers_heavier().then_some(&self.spenders),
        };
        let outcome = match white_flag::apply_cone(
            &mut self.ledger,
            &view,
            &checkpoint.roots,
            checkpoint.index,
        ) {
            Ok(outcome) => outcome,
            // The cone is solid and the index is the next one, so this is not expected.
            Err(error) => return Err(ConfirmationError::WhiteFlag(error)),
        };
        if let Some(expected) = checkpoint.merkle_root
            && expected != outcome.merkle_root
        {
            // Reverting a step just sealed succeeds; if it did not, the ledger is still
            // consistent, only ahead.
            let _: Result<(), _> = self.ledger.revert_diff(&outcome.diff);
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

    /// For a solid transaction not confirmed yet: whether it is the preferred one among the
    /// solid transactions spending any of its inputs (more cumulative weight; tie: smaller id;
    /// a rival already applied always wins; rivals with a bad signature or confirmed as
    /// conflicting do not count). `None` for unknown messages and messages without a
    /// transaction. A coordinator-free rule never applies a non-preferred transaction.
    pub fn preferred(&self, id: &MessageId) -> Option<bool> {
        let stored = self.store.get(id)?;
        stored.message.payload().and_then(Payload::as_transaction)?;
        Some(rival_reason(&self.store, &self.tangle, &self.spenders, id).is_none())
    }

    /// Why a message's transaction is, or will be, conflicting: its ledger inclusion state
    /// once confirmed; before that, for a non-preferred transaction, the reason a
    /// coordinator-free rule will record ([`Node::preferred`]). `None`: no conflict (yet).
    pub fn conflict(&self, id: &MessageId) -> Option<ConflictReason> {
        let stored = self.store.get(id)?;
        if stored.metadata.referenced_by.is_some() {
            return stored.metadata.conflict();
        }
        rival_reason(&self.store, &self.tangle, &self.spenders, id)
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
