//! An in-process coordinator for private networks, tests and demos: it issues signed
//! milestones referencing the current tips of a [`Node`], with the inclusion Merkle root that
//! white flag will compute, so that the node confirms them.

use rand_core::CryptoRngCore;
use tangle_consensus::white_flag::{WhiteFlagError, apply_cone};
use tangle_consensus::{
    ConeView, Confirmation, ConfirmationError, ConfirmationRule, MessageStore, MilestoneRule, Node,
};
use tangle_crypto::ed25519::SigningKey;
use tangle_graph::MAX_PARENTS;
use tangle_model::{
    BuildError, MessageBuilder, MessageId, MilestoneBuilder, Packable, Parents, RuleError,
    TransactionPayload,
};

use crate::network::Network;
use tangle_consensus::pipeline::PipelineError;

/// Why a milestone could not be issued or was not applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoordinatorError {
    /// The Tangle has no tips to reference.
    #[error("milestone parents rule: the Tangle has no tips")]
    NoTips,
    /// White flag could not walk the cone.
    #[error("white flag: {0}")]
    WhiteFlag(#[from] WhiteFlagError),
    /// The milestone or its message could not be built.
    #[error("build: {0}")]
    Build(#[from] BuildError),
    /// The parents are invalid.
    #[error("parents: {0}")]
    Parents(#[from] RuleError),
    /// The node rejected the milestone message.
    #[error("node rejected the milestone: {0}")]
    Rejected(#[from] PipelineError),
    /// The node refused the checkpoint.
    #[error("node refused the milestone: {0}")]
    Refused(ConfirmationError),
    /// The node accepted the message but applied no confirmation step.
    #[error("the milestone was not applied")]
    NotApplied,
}

/// A coordinator holding the milestone signing keys.
///
/// ```
/// use tangle_crypto::ed25519::SigningKey;
/// use tangle_wallet::Coordinator;
///
/// let coordinator = Coordinator::new(vec![SigningKey::from_bytes(&[1; 32])], 1_700_000_000);
/// let rule = coordinator.rule();
/// assert_eq!(rule.threshold(), 1);
/// ```
pub struct Coordinator {
    keys: Vec<SigningKey>,
    timestamp: u64,
}

impl Coordinator {
    /// A coordinator signing with every key in `keys`; the first milestone gets
    /// `timestamp + 1`, each next one a second later.
    pub fn new(keys: Vec<SigningKey>, timestamp: u64) -> Self {
        Self { keys, timestamp }
    }

    /// The confirmation rule a node needs to accept this coordinator's milestones (all keys).
    pub fn rule(&self) -> MilestoneRule {
        MilestoneRule::new(
            self.keys.iter().map(SigningKey::public_key),
            self.keys.len(),
        )
    }

    /// Issues the next milestone (ledger index + 1) referencing the node's newest tips (at
    /// most 8), and returns the confirmation step the node applied. The Merkle root comes from
    /// white flag on a copy of the node's ledger: fine for tests, demos and small private
    /// networks, not for a large ledger.
    pub fn issue<C, G, S>(
        &mut self,
        node: &mut Node<C, G, S>,
        network: &Network,
    ) -> Result<Confirmation, CoordinatorError>
    where
        C: ConfirmationRule,
        G: CryptoRngCore,
        S: MessageStore,
    {
        let tangle = node.tangle();
        let mut tips: Vec<_> = tangle.tips().to_vec();
        tips.sort_by_key(|h| core::cmp::Reverse(tangle.time(*h)));
        tips.truncate(MAX_PARENTS);
        let parents: Vec<MessageId> = tips.iter().map(|h| tangle.id(*h)).collect();
        if parents.is_empty() {
            return Err(CoordinatorError::NoTips);
        }
        let parents = Parents::from_unsorted(parents)?;
        let index = node.ledger().index().saturating_add(1);
        let mut scratch = node.ledger().clone();
        let outcome = apply_cone(&mut scratch, &NodeCone { node }, parents.as_slice(), index)?;
        self.timestamp += 1;
        let milestone = MilestoneBuilder::new(index, self.timestamp, parents)
            .merkle_root(outcome.merkle_root)
            .sign(&self.keys)?;
        let mut builder = MessageBuilder::new()
            .network_id(network.network_id)
            .payload(milestone);
        if network.min_pow_score > 0.0 {
            builder = builder.mine(network.min_pow_score, network.pow_threads);
        }
        let message = builder.finish()?;
        let mut submission = node.submit(&message.pack())?;
        if let Some((_, error)) = submission.refused.pop() {
            return Err(CoordinatorError::Refused(error));
        }
        submission
            .confirmations
            .pop()
            .ok_or(CoordinatorError::NotApplied)
    }
}

impl core::fmt::Debug for Coordinator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Coordinator")
            .field("keys", &self.keys.len())
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// The node's messages as white flag sees them.
struct NodeCone<'a, C, G, S> {
    node: &'a Node<C, G, S>,
}

impl<C: ConfirmationRule, G: CryptoRngCore, S: MessageStore> ConeView for NodeCone<'_, C, G, S> {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.node.message(id).map(|m| m.parents().as_slice())
    }

    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.node
            .message(id)
            .and_then(|m| m.payload())
            .and_then(|p| p.as_transaction())
    }

    fn is_referenced(&self, id: &MessageId) -> bool {
        match self.node.metadata(id) {
            Some(metadata) => metadata.referenced_by.is_some(),
            None => {
                let tangle = self.node.tangle();
                tangle
                    .handle(id)
                    .is_some_and(|handle| tangle.is_solid_entry_point(handle))
            }
        }
    }

    fn signatures_verified(&self, id: &MessageId) -> Option<bool> {
        self.node.metadata(id).and_then(|m| m.signatures_valid)
    }
}
