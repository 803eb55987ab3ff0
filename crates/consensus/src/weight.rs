//! Coordinator-free confirmation (the Tangle whitepaper's rule): a message is confirmed when
//! its cumulative weight reaches `W`, or when its confirmation confidence reaches `θ`.
//!
//! [`WeightRule`] implements [`ConfirmationRule`] through its `poll` hook: after every
//! submission it looks at the not-yet-confirmed solid messages and, when some pass the rule,
//! proposes one [`Checkpoint`] whose roots are those messages sorted by id. The node then
//! applies their past cone with white flag, as for a milestone but without a Merkle root to
//! match. Confirmed is final: a confirmed message is never looked at again.
//!
//! Cumulative weight only grows, and every message in the past cone of a message has at least
//! its weight, so the set of messages confirmed by weight once every message has arrived is
//! `{m : weight(m) ≥ W}` whatever the arrival order; what depends on the order is only how
//! that set is cut into steps.
//!
//! Conflicts: the rule asks the node to prefer the heavier of two transactions spending the same
//! output ([`ConfirmationRule::prefers_heavier`]): the node never applies the lighter one (tie:
//! the larger message id) and marks it conflicting. With `W` above the weight the lighter branch
//! can ever gather, the heavier branch is the only one confirmed, in any arrival order.
//!
//! Weights need [`tangle_graph::Config::track_cumulative_weight`] (on by default); without
//! them only confidence can confirm.
//!
//! # Example
//! ```
//! use rand_chacha::ChaCha8Rng;
//! use rand_chacha::rand_core::SeedableRng;
//! use tangle_consensus::pipeline::PipelineConfig;
//! use tangle_consensus::{Ledger, Node, NodeConfig, WeightRule};
//! use tangle_model::{MessageBuilder, MessageId, Packable};
//!
//! let config = NodeConfig {
//!     pipeline: PipelineConfig { network_id: Some(1), min_pow_score: 0.0 },
//!     ..NodeConfig::default()
//! };
//! let rule = WeightRule::new(2)?; // W = 2: one approver is enough
//! let mut node = Node::new(config, rule, Ledger::from_outputs(0, [])?, ChaCha8Rng::seed_from_u64(1))?;
//! let first = MessageBuilder::new().network_id(1).parent(MessageId::default()).finish()?;
//! let second = MessageBuilder::new().network_id(1).parent(first.id()).finish()?;
//! node.submit(&first.pack())?;
//! assert!(node.metadata(&first.id()).is_some_and(|m| m.referenced_by.is_none()));
//! node.submit(&second.pack())?;
//! assert_eq!(node.metadata(&first.id()).and_then(|m| m.referenced_by), Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Defaults and why
//! - [`DEFAULT_WEIGHT`] `W = 100`: every message has own weight 1, so `W` counts the messages
//!   that approve (directly or not) the message. An attacker who wants a conflicting branch
//!   preferred must issue more than that many messages on it before honest approvers push the
//!   original past `W`; 100 is a few seconds of the tens of messages per second a Chrysalis
//!   network carried, a small latency for a cost no single device pays by accident.
//! - [`DEFAULT_CONFIDENCE`] `θ = 0.95` with [`DEFAULT_SAMPLES`] = 200 URTS draws: the
//!   whitepaper's "confirmed with 95 % confidence" example; 200 samples put the standard error of
//!   an estimate near 0.95 at about 1.5 %, so a message at 0.9 rarely passes.

use std::collections::HashMap;
use std::fmt;

use rand_core::RngCore;
use tangle_graph::select::{TipRequest, TipSelector};
use tangle_graph::{Handle, Tangle};
use tangle_model::{Message, MessageId};

use crate::confirmation::{Checkpoint, ConfirmationError, ConfirmationRule};

/// Default cumulative-weight threshold `W` (see the module docs).
pub const DEFAULT_WEIGHT: u64 = 100;
/// Default confirmation-confidence threshold `θ` (see the module docs).
pub const DEFAULT_CONFIDENCE: f64 = 0.95;
/// Default number of tip selections sampled to estimate confidence.
pub const DEFAULT_SAMPLES: u32 = 200;

/// The confidence part of a [`WeightRule`]: a tip selector, its RNG, `θ` and the sample count.
pub struct Confidence {
    theta: f64,
    samples: u32,
    request: TipRequest,
    selector: Box<dyn TipSelector<Tangle<MessageId>> + Send>,
    rng: Box<dyn RngCore + Send>,
}

impl fmt::Debug for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Confidence")
            .field("theta", &self.theta)
            .field("samples", &self.samples)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// Why a [`WeightRule`] could not be built.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WeightRuleError {
    /// `W` must be at least 1 (every message has weight ≥ 1, so 0 would confirm all at once).
    #[error("weight rule: the threshold W must be at least 1")]
    ZeroWeight,
    /// `θ` must be in `(0, 1]`.
    #[error("confidence rule: θ = {0} is not in (0, 1]")]
    Theta(f64),
    /// At least one sample is needed to estimate confidence.
    #[error("confidence rule: at least one sample is needed")]
    ZeroSamples,
}

/// Coordinator-free confirmation by cumulative weight and, optionally, confidence.
#[derive(Debug)]
pub struct WeightRule {
    weight: u64,
    confidence: Option<Confidence>,
    /// Solid messages not confirmed yet (by handle; handles only grow).
    frontier: Vec<Handle>,
    /// Vertices of the tangle already put in the frontier.
    seen: usize,
}

impl Default for WeightRule {
    /// `W` = [`DEFAULT_WEIGHT`], no confidence rule.
    fn default() -> Self {
        Self {
            weight: DEFAULT_WEIGHT,
            confidence: None,
            frontier: Vec::new(),
            seen: 0,
        }
    }
}

impl WeightRule {
    /// Confirms messages whose cumulative weight reaches `weight` (≥ 1).
    pub fn new(weight: u64) -> Result<Self, WeightRuleError> {
        if weight == 0 {
            return Err(WeightRuleError::ZeroWeight);
        }
        Ok(Self {
            weight,
            ..Self::default()
        })
    }

    /// A rule confirming by confidence only (`W` is never reached).
    pub fn confidence_only() -> Self {
        Self {
            weight: u64::MAX,
            ..Self::default()
        }
    }

    /// Also confirms messages whose confirmation confidence reaches `theta`: the share of
    /// `samples` selections by `selector` (drawing from `rng`, reused across polls) in which a
    /// selected tip is the message or approves it.
    pub fn with_confidence(
        mut self,
        theta: f64,
        samples: u32,
        selector: impl TipSelector<Tangle<MessageId>> + Send + 'static,
        rng: impl RngCore + Send + 'static,
    ) -> Result<Self, WeightRuleError> {
        if !(theta > 0.0 && theta <= 1.0) {
            return Err(WeightRuleError::Theta(theta));
        }
        if samples == 0 {
            return Err(WeightRuleError::ZeroSamples);
        }
        self.confidence = Some(Confidence {
            theta,
            samples,
            request: TipRequest::PAIR,
            selector: Box::new(selector),
            rng: Box::new(rng),
        });
        Ok(self)
    }

    /// The weight threshold `W` (`u64::MAX` when only confidence confirms).
    pub fn weight(&self) -> u64 {
        self.weight
    }

    /// The confidence threshold `θ`, if confidence confirms too.
    pub fn theta(&self) -> Option<f64> {
        self.confidence.as_ref().map(|c| c.theta)
    }

    /// Number of solid messages not confirmed yet that the rule keeps watching.
    pub fn unconfirmed(&self) -> usize {
        self.frontier.len()
    }

    /// For every unconfirmed vertex reached, how many of the sampled selections approve it.
    fn confidence_hits(
        confidence: &mut Confidence,
        tangle: &Tangle<MessageId>,
    ) -> HashMap<Handle, u32> {
        let mut hits: HashMap<Handle, u32> = HashMap::new();
        let mut stack: Vec<Handle> = Vec::new();
        let mut visited: std::collections::HashSet<Handle> = std::collections::HashSet::new();
        for _ in 0..confidence.samples {
            let Ok(selection) =
                confidence
                    .selector
                    .select(tangle, confidence.request, &mut *confidence.rng)
            else {
                return HashMap::new();
            };
            visited.clear();
            stack.extend(selection.iter().copied());
            while let Some(v) = stack.pop() {
                if tangle.milestone_index(v).is_some()
                    || tangle.is_solid_entry_point(v)
                    || !visited.insert(v)
                {
                    continue;
                }
                *hits.entry(v).or_default() += 1;
                stack.extend(tangle.parents(v).iter().copied());
            }
        }
        hits
    }
}

impl ConfirmationRule for WeightRule {
    fn inspect(
        &mut self,
        _id: &MessageId,
        _message: &Message,
    ) -> Result<Option<Checkpoint>, ConfirmationError> {
        Ok(None)
    }

    fn poll(&mut self, tangle: &Tangle<MessageId>, next_index: u32) -> Vec<Checkpoint> {
        let len = tangle.len();
        if self.seen > len {
            // A different (cleared) tangle: start over.
            self.frontier.clear();
            self.seen = 0;
        }
        self.frontier
            .extend((self.seen..len).map(|i| Handle::new(i as u32)));
        self.seen = len;
        self.frontier
            .retain(|&v| tangle.milestone_index(v).is_none() && !tangle.is_solid_entry_point(v));
        let hits = match self.confidence.as_mut() {
            Some(confidence) if !self.frontier.is_empty() => {
                Self::confidence_hits(confidence, tangle)
            }
            _ => HashMap::new(),
        };
        let needed = self.confidence.as_ref().map_or(u32::MAX, |c| {
            // The smallest hit count with hits / samples ≥ θ.
            (c.theta * f64::from(c.samples)).ceil() as u32
        });
        let mut roots: Vec<MessageId> = self
            .frontier
            .iter()
            .filter(|&&v| {
                tangle
                    .cumulative_weight(v)
                    .is_some_and(|w| w >= self.weight)
                    || hits.get(&v).is_some_and(|&h| h >= needed)
            })
            .map(|&v| tangle.id(v))
            .collect();
        if roots.is_empty() {
            return Vec::new();
        }
        roots.sort();
        vec![Checkpoint {
            message_id: roots[0],
            index: next_index,
            roots,
            merkle_root: None,
            milestone_id: None,
            timestamp: tangle.latest_time(),
        }]
    }

    fn prefers_heavier(&self) -> bool {
        true
    }
}
