//! Confirmation rules: what turns a solid message into a confirmation point.
//!
//! A [`ConfirmationRule`] inspects each message as it becomes solid and says whether it is a
//! [`Checkpoint`]: a confirmation step with an index, the roots of the cone it confirms and,
//! optionally, the inclusion Merkle root the step must produce. The driver
//! ([`Node`](crate::node::Node)) owns what is common to every rule: index continuity (steps are
//! applied strictly in index order, later ones wait), white flag over the roots' cone, and
//! the Merkle-root check: a mismatch reverts the step and halts confirmation, with the evidence
//! kept as a [`Divergence`].
//!
//! [`MilestoneRule`] is the coordinator's rule (TIP-8): a milestone payload signed by at least
//! `threshold` of the applicable coordinator keys, whose essence parents equal the message's
//! parents, with keys applicable by milestone index range ([`KeyRange`]). The coordinator-free
//! [`WeightRule`](crate::weight::WeightRule) implements the same trait through
//! [`ConfirmationRule::poll`], which sees the graph after every submission.

use tangle_crypto::ed25519::PublicKey;
use tangle_graph::Tangle;
use tangle_model::{Message, MessageId, MilestoneId, MilestoneVerifyError};

use crate::treasury::ReceiptError;
use crate::white_flag::WhiteFlagError;

/// A confirmation step proposed by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The message that carries it (the milestone message).
    pub message_id: MessageId,
    /// The step's index: it must be the ledger index + 1 when applied.
    pub index: u32,
    /// The roots whose not-yet-referenced cone (the roots themselves and their past) the step
    /// confirms, in walk order. A milestone's root is its own message, so the milestone message
    /// is referenced by its own index, last in white-flag order, as the deployed Chrysalis nodes
    /// (Hornet 1.2.8) mark it; it carries no transaction, so the Merkle root is that of its
    /// parents' cone.
    pub roots: Vec<MessageId>,
    /// The inclusion Merkle root (TIP-4) the step must produce, if the rule fixes one.
    pub merkle_root: Option<[u8; 32]>,
    /// The milestone id, for milestone checkpoints.
    pub milestone_id: Option<MilestoneId>,
    /// The checkpoint's timestamp (seconds since the Unix epoch for milestones).
    pub timestamp: u64,
}

/// Why a confirmation point was refused. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfirmationError {
    /// The milestone's signatures do not meet the coordinator's keys and threshold.
    #[error("milestone signature rule: {0}")]
    Signature(#[from] MilestoneVerifyError),
    /// The message's parents do not lead the milestone's essence parents
    /// ([`tangle_model::Message::milestone`]).
    #[error("milestone parents rule: the message parents do not lead the essence parents")]
    ParentsMismatch,
    /// The step's index is not above the ledger index (already confirmed, or a replay).
    #[error("milestone index rule: index {index} is not above the ledger index {ledger}")]
    StaleIndex {
        /// The checkpoint's index.
        index: u32,
        /// The ledger index.
        ledger: u32,
    },
    /// Another checkpoint with the same index is already waiting (the one with the smaller
    /// message id is kept, so the outcome does not depend on arrival order).
    #[error("milestone index rule: another milestone with index {0} is already known")]
    DuplicateIndex(u32),
    /// The inclusion Merkle root computed by white flag differs from the checkpoint's.
    #[error(
        "milestone Merkle root rule: milestone has {}, white flag computed {}",
        hex32(expected),
        hex32(computed)
    )]
    MerkleRootMismatch {
        /// The checkpoint's root.
        expected: [u8; 32],
        /// The root computed by white flag.
        computed: [u8; 32],
    },
    /// White flag could not walk or apply the cone (a store that lost a message).
    #[error("white flag rule: {0}")]
    WhiteFlag(WhiteFlagError),
    /// The milestone's receipt (TIP-17) breaks a receipt rule: the milestone is not applied and
    /// the ledger stays before it, as the deployed nodes stop there.
    #[error("milestone receipt rule: {0}")]
    Receipt(ReceiptError),
    /// The node halted confirmation after a Merkle-root mismatch ([`Divergence`]): no
    /// checkpoint is applied any more.
    #[error(
        "confirmation halted rule: the ledger diverged at milestone {diverged_at}, so milestone \
         {index} is not applied"
    )]
    Halted {
        /// The index of the milestone whose Merkle root did not match.
        diverged_at: u32,
        /// The refused checkpoint's index.
        index: u32,
    },
}

impl ConfirmationError {
    /// A short stable name of the broken rule, for summaries.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Signature(_) => "milestone-signature",
            Self::ParentsMismatch => "milestone-parents",
            Self::StaleIndex { .. } | Self::DuplicateIndex(_) => "milestone-index",
            Self::MerkleRootMismatch { .. } => "milestone-merkle-root",
            Self::WhiteFlag(_) => "white-flag",
            Self::Receipt(_) => "milestone-receipt",
            Self::Halted { .. } => "confirmation-halted",
        }
    }
}

/// Evidence that this node's ledger diverged from the coordinator's: white flag over a
/// milestone's cone gave another inclusion Merkle root than the one the milestone carries.
///
/// The milestone is signed, so its root is what the network's nodes computed; a different one
/// here means this node booked a different ledger. The deployed Chrysalis nodes (Hornet 1.2.8)
/// stop with an error at that point instead of going on; a [`Node`](crate::node::Node) keeps
/// this evidence, reverts the step and applies no checkpoint any more
/// ([`Node::halted`](crate::node::Node::halted)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "ledger diverged at milestone {index} (message {message_id}): the milestone's Merkle root is \
     {}, this node computed {}; confirmation halted",
    hex32(expected),
    hex32(computed)
)]
pub struct Divergence {
    /// The milestone's index.
    pub index: u32,
    /// The message carrying the milestone.
    pub message_id: MessageId,
    /// The milestone id (`None` for a checkpoint of a rule without milestones).
    pub milestone_id: Option<MilestoneId>,
    /// The Merkle root the milestone carries.
    pub expected: [u8; 32],
    /// The Merkle root this node's white flag computed.
    pub computed: [u8; 32],
}

fn hex32(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A confirmation rule.
pub trait ConfirmationRule {
    /// Inspects a message that just became solid: `Ok(None)` if it is not a confirmation point
    /// under this rule, `Ok(Some(_))` if it is, `Err` if it claims to be one but breaks a rule.
    fn inspect(
        &mut self,
        id: &MessageId,
        message: &Message,
    ) -> Result<Option<Checkpoint>, ConfirmationError>;

    /// Called after every submission with the graph and the next step's index; a rule that
    /// confirms by weight or confidence proposes its checkpoints here. The default proposes
    /// none.
    fn poll(&mut self, tangle: &Tangle<MessageId>, next_index: u32) -> Vec<Checkpoint> {
        let _ = (tangle, next_index);
        Vec::new()
    }

    /// Whether the node must prefer the heavier of conflicting transactions (more cumulative
    /// weight; tie: smaller message id) and never apply the other one, whatever white flag's
    /// order. Coordinator-free rules need it; milestones (the default, `false`) follow white
    /// flag's order alone, as the coordinator's Merkle root does.
    fn prefers_heavier(&self) -> bool {
        false
    }
}

/// A rule that never confirms anything (a Tangle without a coordinator or weight rule).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoConfirmation;

impl ConfirmationRule for NoConfirmation {
    fn inspect(
        &mut self,
        _id: &MessageId,
        _message: &Message,
    ) -> Result<Option<Checkpoint>, ConfirmationError> {
        Ok(None)
    }
}

/// A coordinator public key and the milestone indexes it may sign, `start..=end` (as the
/// Chrysalis node configuration listed them, so keys could be rotated at a given index).
///
/// An `end` of 0 means "no end", as in the deployed nodes' `publicKeyRanges` (Hornet 1.2.8's
/// key manager takes `EndIndex == 0` as valid forever, and mainnet's current keys are listed
/// that way), so a key configuration copied from those nodes means the same here.
///
/// ```
/// use tangle_consensus::KeyRange;
/// use tangle_crypto::ed25519::SigningKey;
///
/// let key = SigningKey::from_bytes(&[1; 32]).public_key();
/// let open = KeyRange::new(key, 3_360_000, 0);
/// assert!(!open.applies_to(3_359_999));
/// assert!(open.applies_to(3_360_000) && open.applies_to(u32::MAX));
/// assert!(!KeyRange::new(key, 1, 777_600).applies_to(777_601));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRange {
    /// The key.
    pub key: PublicKey,
    /// First milestone index it is applicable to.
    pub start: u32,
    /// Last milestone index it is applicable to (0 or `u32::MAX`: no end).
    pub end: u32,
}

impl KeyRange {
    /// `key`, applicable to milestones `start..=end`; `end` 0 means no end.
    pub fn new(key: PublicKey, start: u32, end: u32) -> Self {
        Self { key, start, end }
    }

    /// The last milestone index the key applies to, with "no end" (0) read as `u32::MAX`.
    pub fn last_index(&self) -> u32 {
        if self.end == 0 { u32::MAX } else { self.end }
    }

    /// Whether the key may sign milestone `index`.
    pub fn applies_to(&self, index: u32) -> bool {
        (self.start..=self.last_index()).contains(&index)
    }
}

/// Milestones from a coordinator (TIP-8): the public keys with the milestone indexes each
/// applies to, and the signature threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneRule {
    keys: Vec<PublicKey>,
    ranges: Vec<KeyRange>,
    threshold: usize,
}

impl MilestoneRule {
    /// A rule accepting milestones signed by at least `threshold` (≥ 1, checked per milestone)
    /// of `keys`, every signing key being one of `keys`, at every index.
    pub fn new(keys: impl IntoIterator<Item = PublicKey>, threshold: usize) -> Self {
        Self::with_ranges(
            keys.into_iter().map(|key| KeyRange::new(key, 0, u32::MAX)),
            threshold,
        )
    }

    /// A rule whose keys apply by milestone index: milestone `i` must be signed by at least
    /// `threshold` keys, each applicable to `i` ([`KeyRange::applies_to`]).
    pub fn with_ranges(ranges: impl IntoIterator<Item = KeyRange>, threshold: usize) -> Self {
        let ranges: Vec<KeyRange> = ranges.into_iter().collect();
        let mut keys: Vec<PublicKey> = Vec::new();
        for range in &ranges {
            if !keys.contains(&range.key) {
                keys.push(range.key);
            }
        }
        Self {
            keys,
            ranges,
            threshold,
        }
    }

    /// Every key of the rule, whatever its range, each once, in the order first given.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The key ranges.
    pub fn ranges(&self) -> &[KeyRange] {
        &self.ranges
    }

    /// The keys applicable to milestone `index`.
    pub fn keys_for(&self, index: u32) -> Vec<PublicKey> {
        let mut keys: Vec<PublicKey> = Vec::new();
        for range in self.ranges.iter().filter(|r| r.applies_to(index)) {
            if !keys.contains(&range.key) {
                keys.push(range.key);
            }
        }
        keys
    }

    /// The signature threshold.
    pub fn threshold(&self) -> usize {
        self.threshold
    }
}

impl ConfirmationRule for MilestoneRule {
    fn inspect(
        &mut self,
        id: &MessageId,
        message: &Message,
    ) -> Result<Option<Checkpoint>, ConfirmationError> {
        // The model's milestone rules decide whether a milestone payload makes this message a
        // milestone; a message that breaks them stays stored as an ordinary message.
        let milestone = match message.milestone() {
            Ok(Some(milestone)) => milestone,
            Ok(None) => return Ok(None),
            Err(_) => return Err(ConfirmationError::ParentsMismatch),
        };
        let essence = milestone.essence();
        milestone.verify(&self.keys_for(essence.index()), self.threshold)?;
        Ok(Some(Checkpoint {
            message_id: *id,
            index: essence.index(),
            // The cone starts at the milestone message itself (its own parents), as in Hornet.
            roots: vec![*id],
            merkle_root: Some(*essence.merkle_root()),
            milestone_id: Some(milestone.id()),
            timestamp: essence.timestamp(),
        }))
    }
}
