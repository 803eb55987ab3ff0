//! The validation pipeline as stateless stages: bytes → syntax → network → proof of work →
//! solidity → batch signatures; the ledger stage is white flag ([`crate::white_flag`]), run when
//! a confirmation point arrives.
//!
//! Every rejection is a [`PipelineError`] naming the rule. A message that passes is kept in the
//! Tangle even if its transaction later conflicts with the ledger (TIP-2). Signatures are not a
//! rejection rule: as on Chrysalis, a confirmed transaction with a bad signature stays in the
//! Tangle and conflicts with reason 5, so [`verify_signatures`] reports per transaction and its
//! results feed [`ConeView::signatures_verified`](crate::ConeView::signatures_verified).
//!
//! The stateful driver that ties these stages to a [`Tangle`], a ledger and a confirmation rule
//! is [`Node`](crate::node::Node).

use rand_core::CryptoRngCore;
use tangle_crypto::ed25519::{BatchVerifier, PublicKey, Signature};
use tangle_crypto::pow;
use tangle_graph::{InsertError, Insertion, Tangle};
use tangle_model::{Message, MessageId, TransactionPayload, UnlockBlock, UnpackError};

/// Mainnet's minimum PoW score.
pub const MAINNET_MIN_POW_SCORE: f64 = 4000.0;

/// Network parameters the pipeline checks.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineConfig {
    /// The network id messages must carry; `None` accepts any.
    pub network_id: Option<u64>,
    /// The minimum PoW score (TIP-12); 0 accepts any.
    pub min_pow_score: f64,
}

impl Default for PipelineConfig {
    /// Any network, the mainnet minimum score (4000).
    fn default() -> Self {
        Self {
            network_id: None,
            min_pow_score: MAINNET_MIN_POW_SCORE,
        }
    }
}

/// Why the pipeline rejected a message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The bytes break a syntactic rule (TIP-6, 7, 8).
    #[error("syntax rule: {0}")]
    Syntax(#[from] UnpackError),
    /// The message is for another network.
    #[error("network rule: network id {found}, expected {expected}")]
    WrongNetwork {
        /// The network id expected.
        expected: u64,
        /// The network id found.
        found: u64,
    },
    /// The proof of work is too weak.
    #[error("PoW rule: score {score} below the minimum {min}")]
    InsufficientPow {
        /// The message's score.
        score: f64,
        /// The minimum.
        min: f64,
    },
    /// The graph refused the message.
    #[error("graph rule: {0}")]
    Graph(#[from] InsertError),
    /// The orphan pool holds nothing: a message with missing parents cannot wait.
    #[error("solidity rule: parents missing and the orphan pool is disabled")]
    OrphanRefused,
}

impl PipelineError {
    /// A short stable name of the broken rule, for summaries.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "syntax",
            Self::WrongNetwork { .. } => "network",
            Self::InsufficientPow { .. } => "pow",
            Self::Graph(_) => "graph",
            Self::OrphanRefused => "solidity",
        }
    }
}

/// A message that passed syntax, network and proof of work.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The message.
    pub message: Message,
    /// Its id.
    pub id: MessageId,
    /// Its PoW score; 0 when the minimum is 0 (the score is then not computed).
    pub score: f64,
}

/// The stateless stages: syntax, network, proof of work.
pub fn accept(bytes: &[u8], config: &PipelineConfig) -> Result<Accepted, PipelineError> {
    let (message, id) = Message::unpack_with_id(bytes)?;
    if let Some(expected) = config.network_id
        && message.network_id() != expected
    {
        return Err(PipelineError::WrongNetwork {
            expected,
            found: message.network_id(),
        });
    }
    // No minimum: the score (a Curl-P-81 hash of the message, ~12 % of end-to-end validation)
    // is not computed.
    if config.min_pow_score <= 0.0 {
        return Ok(Accepted {
            message,
            id,
            score: 0.0,
        });
    }
    // A decoded message is longer than 8 bytes, so the score is defined.
    let score = pow::score(bytes);
    if score < config.min_pow_score {
        return Err(PipelineError::InsufficientPow {
            score,
            min: config.min_pow_score,
        });
    }
    Ok(Accepted { message, id, score })
}

/// What solidification did with an accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Solidity {
    /// Solid; `solidified` lists it and every waiting message that became solid with it, in
    /// topological order.
    Solid {
        /// Newly solid messages.
        solidified: Vec<MessageId>,
    },
    /// Waiting for parents.
    Pending,
    /// Already known.
    Duplicate,
}

/// The solidity stage: inserts `accepted` into `tangle` (own weight 1, arrival `time`).
pub fn attach(
    tangle: &mut Tangle<MessageId>,
    accepted: &Accepted,
    time: u64,
) -> Result<Solidity, PipelineError> {
    match tangle.insert(accepted.id, accepted.message.parents().as_slice(), 1, time)? {
        Insertion::Solid { .. } => Ok(Solidity::Solid {
            solidified: tangle
                .last_solidified()
                .iter()
                .map(|handle| tangle.id(*handle))
                .collect(),
        }),
        Insertion::Pending { .. } => Ok(Solidity::Pending),
        Insertion::Duplicate { .. } => Ok(Solidity::Duplicate),
        Insertion::Dropped => Err(PipelineError::OrphanRefused),
    }
}

/// The signature stage: verifies every signature unlock of `transactions` in one batch (ZIP-215)
/// and says, per transaction, whether all of its signatures verify. One bad signature fails only
/// its own transaction. Whether each key owns its input is the ledger's check.
pub fn verify_signatures<R: CryptoRngCore + ?Sized>(
    transactions: &[&TransactionPayload],
    rng: &mut R,
) -> Vec<bool> {
    let hashes: Vec<[u8; 32]> = transactions
        .iter()
        .map(|tx| tx.essence().signing_hash())
        .collect();
    let mut batch = BatchVerifier::new();
    let mut owner: Vec<usize> = Vec::new();
    for (index, (tx, hash)) in transactions.iter().zip(&hashes).enumerate() {
        for block in tx.unlock_blocks().as_slice() {
            if let UnlockBlock::Signature(signature) = block {
                batch.queue(
                    &PublicKey::from_bytes(signature.public_key),
                    hash,
                    &Signature::from_bytes(signature.signature),
                );
                owner.push(index);
            }
        }
    }
    let outcome = batch.verify(rng);
    let mut valid = vec![true; transactions.len()];
    for (queued, _) in outcome.failures() {
        if let Some(slot) = owner.get(queued).and_then(|&tx| valid.get_mut(tx)) {
            *slot = false;
        }
    }
    valid
}
