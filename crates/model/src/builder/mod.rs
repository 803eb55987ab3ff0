//! Builders that only produce valid values: messages, transactions and milestones.

mod message;
mod milestone;
mod signer;
mod transaction;

pub use message::MessageBuilder;
pub use milestone::MilestoneBuilder;
pub use signer::{FnSigner, Signer, SignerError};
pub use transaction::TransactionBuilder;

use crate::error::RuleError;

/// Why a builder could not produce a value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The value would break a syntactic rule.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A signer failed.
    #[error("signer failed: {0}")]
    Signer(#[from] SignerError),
    /// No network id was given.
    #[error("no network id was given")]
    MissingNetworkId,
    /// Nonce mining failed.
    #[cfg(feature = "std")]
    #[error("nonce mining failed: {0}")]
    Mine(#[from] tangle_crypto::pow::MineError),
}
