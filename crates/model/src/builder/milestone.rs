//! [`MilestoneBuilder`]: signed milestones, for tests, tools and private networks.

use alloc::vec::Vec;

use crate::builder::{BuildError, Signer};
use crate::parents::Parents;
use crate::payload::milestone::{MilestoneEssence, MilestonePayload};
use crate::payload::receipt::ReceiptPayload;

/// Builds a milestone and signs it with a list of keys, sorted by public key.
///
/// ```
/// use tangle_crypto::ed25519::SigningKey;
/// use tangle_model::{MessageId, MilestoneBuilder, Parents};
///
/// let keys: Vec<SigningKey> = (1..=3).map(|i| SigningKey::from_bytes(&[i; 32])).collect();
/// let milestone = MilestoneBuilder::new(1, 1_620_000_000, Parents::new(&[MessageId::new([1; 32])])?)
///     .merkle_root([0; 32])
///     .sign(&keys)?;
/// assert_eq!(milestone.signatures().len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MilestoneBuilder {
    index: u32,
    timestamp: u64,
    parents: Parents,
    merkle_root: [u8; 32],
    next_pow_score: (u32, u32),
    receipt: Option<ReceiptPayload>,
}

impl MilestoneBuilder {
    /// A milestone with this index, timestamp (Unix seconds) and parents; no receipt, no PoW
    /// score change, and the Merkle root of no messages until told otherwise.
    pub fn new(index: u32, timestamp: u64, parents: Parents) -> Self {
        Self {
            index,
            timestamp,
            parents,
            merkle_root: tangle_crypto::hash::blake2b_256(&[]),
            next_pow_score: (0, 0),
            receipt: None,
        }
    }

    /// Sets the inclusion Merkle root (TIP-4).
    #[must_use]
    pub fn merkle_root(mut self, root: [u8; 32]) -> Self {
        self.merkle_root = root;
        self
    }

    /// Sets the next PoW score and the milestone index from which it applies.
    #[must_use]
    pub fn next_pow_score(mut self, score: u32, milestone_index: u32) -> Self {
        self.next_pow_score = (score, milestone_index);
        self
    }

    /// Attaches a receipt.
    #[must_use]
    pub fn receipt(mut self, receipt: ReceiptPayload) -> Self {
        self.receipt = Some(receipt);
        self
    }

    /// Signs the essence with every signer (at least one, keys distinct), in public-key order.
    pub fn sign<S: Signer>(self, signers: &[S]) -> Result<MilestonePayload, BuildError> {
        let mut signers: Vec<([u8; 32], &S)> = signers
            .iter()
            .map(|signer| (signer.public_key().to_bytes(), signer))
            .collect();
        signers.sort_by_key(|(key, _)| *key);
        let keys = signers.iter().map(|(key, _)| *key).collect();
        let essence = MilestoneEssence::new(
            self.index,
            self.timestamp,
            self.parents,
            self.merkle_root,
            keys,
            self.receipt,
        )?
        .with_next_pow_score(self.next_pow_score.0, self.next_pow_score.1)?;
        let hash = essence.signing_hash();
        let mut signatures = Vec::with_capacity(signers.len());
        for (_, signer) in &signers {
            signatures.push(signer.sign(&hash)?.to_bytes());
        }
        Ok(MilestonePayload::new(essence, signatures)?)
    }
}
