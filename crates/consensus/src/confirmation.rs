//! Confirmation rules: what turns a solid message into a confirmation point.
//!
//! A [`ConfirmationRule`] inspects each message as it becomes solid and says whether it is a
//! [`Checkpoint`]: a confirmation step with an index, the roots of the cone it confirms and,
//! optionally, the inclusion Merkle root the step must produce. The driver
//! ([`Node`](crate::node::Node)) owns what is common to every rule: index continuity (steps are
//! applied strictly in index order, later ones wait), white flag over the roots' past cone, and
//! the Merkle-root check, which reverts the step on a mismatch.
//!
//! [`MilestoneRule`] is the coordinator's rule (TIP-8): a milestone payload signed by at least
//! `threshold` of the applicable coordinator keys, whose essence parents equal the message's
//! parents, with keys applicable by milestone index range ([`KeyRange`]). The coordinator-free
//! [`WeightRule`](crate::weight::WeightRule) implements the same trait through
//! [`ConfirmationRule::poll`], which sees the graph after every submission.

use tangle_crypto::ed25519::PublicKey;
use tangle_graph::Tangle;
use tangle_model::{Message, MessageId, MilestoneId, MilestoneVerifyError};

use crate::white_flag::WhiteFlagError;

/// A confirmation step proposed by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The message that carries it (the milestone message).
    pub message_id: MessageId,
    /// The step's index: it must be the ledger index + 1 when applied.
    pub index: u32,
    /// The roots whose not-yet-referenced past cone the step confirms, in walk order.
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
        }
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRange {
    /// The key.
    pub key: PublicKey,
    /// First milestone index it is applicable to.
    pub start: u32,
    /// Last milestone index it is applicable to (`u32::MAX`: no end).
    pub end: u32,
}

impl KeyRange {
    /// `key`, applicable to milestones `start..=end`.
    pub fn new(key: PublicKey, start: u32, end: u32) -> Self {
        Self { key, start, end }
    }

    /// Whether the key may sign milestone `index`.
    pub fn applies_to(&self, index: u32) -> bool {
        (self.start..=self.end).contains(&index)
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
            // The cone hangs from the milestone message itself, as in Hornet.
            roots: message.parents().as_slice().to_vec(),
            merkle_root: Some(*essence.merkle_root()),
            milestone_id: Some(milestone.id()),
            timestamp: essence.timestamp(),
        }))
    }
}
