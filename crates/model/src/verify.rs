//! Signature checks: milestone signatures against the applicable keys (TIP-8), and a per-unlock
//! report for transactions (TIP-7). Verification is ZIP-215 (TIP-14), via `tangle-crypto`.

use alloc::vec::Vec;

use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::{PublicKey, Signature, VerifyError, verify};

use crate::payload::milestone::MilestonePayload;
use crate::payload::transaction::TransactionPayload;
use crate::unlock::UnlockBlock;

/// Why a milestone's signatures are not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MilestoneVerifyError {
    /// The threshold must be at least 1.
    #[error("the signature threshold must be at least 1 (TIP-8)")]
    ZeroThreshold,
    /// Fewer keys (and signatures) than the threshold.
    #[error(
        "milestone has {keys} keys and signatures, fewer than the threshold {threshold} (TIP-8)"
    )]
    BelowThreshold {
        /// Keys in the milestone.
        keys: usize,
        /// The threshold.
        threshold: usize,
    },
    /// A key of the milestone is not in the applicable set.
    #[error("milestone key {index} ({key}) is not an applicable public key (TIP-8)")]
    KeyNotApplicable {
        /// Index of the key in the milestone.
        index: usize,
        /// The key.
        key: PublicKey,
    },
    /// A signature does not verify under its key.
    #[error("milestone signature {index} does not verify: {source} (TIP-8, TIP-14)")]
    InvalidSignature {
        /// Index of the signature.
        index: usize,
        /// Why it does not verify.
        source: VerifyError,
    },
}

impl MilestonePayload {
    /// The public keys, as crypto keys.
    pub fn public_keys(&self) -> impl ExactSizeIterator<Item = PublicKey> + '_ {
        self.essence()
            .public_keys()
            .iter()
            .map(|key| PublicKey::from_bytes(*key))
    }

    /// Checks the milestone's signatures: at least `min_threshold` (≥ 1) keys, every key in
    /// `applicable`, and every signature valid (ZIP-215) over BLAKE2b-256 of the essence.
    ///
    /// ```
    /// use tangle_crypto::ed25519::SigningKey;
    /// use tangle_model::{MessageId, MilestoneBuilder, Parents};
    ///
    /// let keys = [SigningKey::from_bytes(&[1; 32]), SigningKey::from_bytes(&[2; 32])];
    /// let parents = Parents::new(&[MessageId::new([5; 32])])?;
    /// let milestone = MilestoneBuilder::new(7, 1_620_000_000, parents).sign(&keys)?;
    /// let applicable: Vec<_> = keys.iter().map(SigningKey::public_key).collect();
    /// assert!(milestone.verify(&applicable, 2).is_ok());
    /// assert!(milestone.verify(&applicable, 3).is_err());
    /// assert_eq!(milestone.signature_report(), vec![true, true]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(
        &self,
        applicable: &[PublicKey],
        min_threshold: usize,
    ) -> Result<(), MilestoneVerifyError> {
        if min_threshold == 0 {
            return Err(MilestoneVerifyError::ZeroThreshold);
        }
        let keys = self.essence().public_keys().len();
        if keys < min_threshold {
            return Err(MilestoneVerifyError::BelowThreshold {
                keys,
                threshold: min_threshold,
            });
        }
        for (index, key) in self.public_keys().enumerate() {
            if !applicable.contains(&key) {
                return Err(MilestoneVerifyError::KeyNotApplicable { index, key });
            }
        }
        let hash = self.essence().signing_hash();
        for (index, (key, signature)) in self.public_keys().zip(self.signatures()).enumerate() {
            verify(&key, &hash, &Signature::from_bytes(*signature))
                .map_err(|source| MilestoneVerifyError::InvalidSignature { index, source })?;
        }
        Ok(())
    }

    /// For each signature, in key order, whether it verifies under its key.
    pub fn signature_report(&self) -> Vec<bool> {
        let hash = self.essence().signing_hash();
        self.public_keys()
            .zip(self.signatures())
            .map(|(key, signature)| verify(&key, &hash, &Signature::from_bytes(*signature)).is_ok())
            .collect()
    }
}

/// What one signature unlock block of a transaction proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureUnlockReport {
    /// Index of the signature unlock block.
    pub unlock_index: usize,
    /// The public key it holds.
    pub public_key: PublicKey,
    /// The address of that key: BLAKE2b-256 of the key bytes as given.
    pub signer: Ed25519Address,
    /// Whether the signature verifies (ZIP-215) over the essence hash. Whether `signer` owns the
    /// inputs is a ledger question.
    pub valid: bool,
    /// The inputs this block unlocks, directly or through reference unlocks, ascending.
    pub inputs: Vec<usize>,
}

impl TransactionPayload {
    /// One report per signature unlock block, in block order.
    pub fn signature_report(&self) -> Vec<SignatureUnlockReport> {
        let hash = self.essence().signing_hash();
        let blocks = self.unlock_blocks().as_slice();
        let mut reports: Vec<SignatureUnlockReport> = Vec::new();
        for (unlock_index, block) in blocks.iter().enumerate() {
            if let UnlockBlock::Signature(signature) = block {
                let public_key = PublicKey::from_bytes(signature.public_key);
                let valid = verify(
                    &public_key,
                    &hash,
                    &Signature::from_bytes(signature.signature),
                )
                .is_ok();
                reports.push(SignatureUnlockReport {
                    unlock_index,
                    public_key,
                    signer: Ed25519Address::from_public_key(&public_key),
                    valid,
                    inputs: Vec::new(),
                });
            }
        }
        for input in 0..blocks.len() {
            if let Some((unlock_index, _)) = self.unlock_blocks().signature_for(input)
                && let Some(report) = reports.iter_mut().find(|r| r.unlock_index == unlock_index)
            {
                report.inputs.push(input);
            }
        }
        reports
    }
}
