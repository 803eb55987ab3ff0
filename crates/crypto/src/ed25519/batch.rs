//! Batch verification that names the failing signatures.
//!
//! # How it works
//!
//! Each queued signature is decoded at once with the same rules, in the same order, as
//! [`verify`](super::verify): a key, `R` or `S` that breaks a decoding rule is recorded as failed
//! with that rule's error and never enters an equation. Every remaining signature `i` gets a random
//! non-zero 128-bit weight `z_i` from the caller's RNG, and all of them are checked with one
//! multi-scalar multiplication:
//!
//! ```text
//! [8] ( Σ z_i·R_i + Σ (z_i·k_i)·A_i − (Σ z_i·S_i)·B ) = 0
//! ```
//!
//! Let `P_i = [8](R_i + [k_i]A_i − [S_i]B)`. A signature is valid under ZIP-215 exactly when
//! `P_i = 0`, and `P_i` always lies in the prime-order subgroup, so the batch sum is `Σ z_i·P_i`:
//!
//! - if every signature is valid, every term is exactly zero and the batch passes, whatever the
//!   weights: **a valid signature is never reported as failed**;
//! - if some `P_i ≠ 0`, the sum vanishes only if the random weights happen to cancel, which has
//!   probability below 2⁻¹²⁷ (the usual soundness bound of batch verification).
//!
//! # Finding the failures: bisection
//!
//! When the whole batch fails, the range is split in two halves, recursively, keeping the
//! weights fixed. The weighted sum (before the cofactor) is linear, so only the left half's sum
//! is computed; the right half's is the parent's minus the left's. A range whose sum vanishes
//! after the cofactor is clean; a one-signature range whose sum does not vanish holds an invalid
//! signature: `[8]·(z_i·P_i) ≠ 0` with `z_i` odd and below `L` means `P_i ≠ 0`. So a failure is
//! reported only for a signature whose own equation does not hold. (A lone decodable signature
//! is simply checked with the single equation.)
//!
//! Bisection was chosen over re-verifying every item one by one: with `f` bad signatures among `n`
//! it computes about `f·log₂(n/f)` multi-scalar multiplications of shrinking size, in total about
//! `f` times the size of the first one, instead of `n` single verifications. One forged signature
//! in a block of 256 thus costs about one more batch equation, not 256 single ones. Decoded
//! points and hashes are kept, so no point is decompressed and no message hashed twice.

use alloc::vec::Vec;
use core::fmt;
use core::iter::once;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity, VartimeMultiscalarMul};
use rand_core::CryptoRngCore;

use super::{Decoded, PublicKey, Signature, VerifyError};

/// One signature to check: a public key, a message and a signature, all borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchItem<'a> {
    /// The public key, as given.
    pub public_key: &'a PublicKey,
    /// The signed message.
    pub message: &'a [u8],
    /// The signature, as given.
    pub signature: &'a Signature,
}

impl<'a> BatchItem<'a> {
    /// Bundles a key, a message and a signature.
    pub const fn new(
        public_key: &'a PublicKey,
        message: &'a [u8],
        signature: &'a Signature,
    ) -> Self {
        Self {
            public_key,
            message,
            signature,
        }
    }
}

/// The result of a batch: one `Result` per queued signature, in queue order, each equal to what
/// [`verify`](super::verify) returns for that signature.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    results: Vec<Result<(), VerifyError>>,
}

impl BatchOutcome {
    /// Whether every signature verified (true for an empty batch).
    pub fn is_all_valid(&self) -> bool {
        self.results.iter().all(Result::is_ok)
    }

    /// The number of signatures checked.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether the batch was empty.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// The result for the signature queued at `index`, or `None` if there is no such index.
    pub fn get(&self, index: usize) -> Option<Result<(), VerifyError>> {
        self.results.get(index).copied()
    }

    /// Whether the signature queued at `index` verified (false for an index out of range).
    pub fn is_valid(&self, index: usize) -> bool {
        matches!(self.results.get(index), Some(Ok(())))
    }

    /// The failed signatures: their queue index and the rule they broke, in queue order.
    pub fn failures(&self) -> impl Iterator<Item = (usize, VerifyError)> + '_ {
        self.results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.err().map(|e| (i, e)))
    }

    /// The queue indices of the failed signatures, in ascending order.
    pub fn failed_indices(&self) -> Vec<usize> {
        self.failures().map(|(i, _)| i).collect()
    }

    /// All results, in queue order.
    pub fn results(&self) -> &[Result<(), VerifyError>] {
        &self.results
    }

    /// All results, in queue order, by value.
    pub fn into_results(self) -> Vec<Result<(), VerifyError>> {
        self.results
    }
}

/// Collects signatures and verifies them together, reporting each one's result.
///
/// Queuing decodes the key and the signature and hashes the message, so the message need not
/// outlive the call. [`BatchVerifier::verify`] then checks all decodable signatures with one
/// equation and, only if that fails, bisects to find the bad ones (see the
/// [module documentation](crate::ed25519::batch) for the method and its guarantees).
///
/// ```
/// use tangle_crypto::ed25519::{BatchVerifier, SigningKey, VerifyError};
///
/// let mut batch = BatchVerifier::new();
/// for seed in 0..8u8 {
///     let key = SigningKey::from_bytes(&[seed; 32]);
///     let message = [seed; 10];
///     let signature = key.sign(&message);
///     // Queue the signature of key 5 on the wrong message.
///     let message = if seed == 5 { [0xee; 10] } else { message };
///     batch.queue(&key.public_key(), &message, &signature);
/// }
/// let outcome = batch.verify(&mut rand::rngs::OsRng);
/// assert_eq!(outcome.failed_indices(), vec![5]);
/// assert_eq!(outcome.get(5), Some(Err(VerifyError::EquationFailed)));
/// assert!(outcome.is_valid(4));
/// ```
#[derive(Clone, Default)]
pub struct BatchVerifier {
    entries: Vec<Result<Decoded, VerifyError>>,
}

impl BatchVerifier {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty batch with room for `capacity` signatures.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Queues one signature and returns its index in the [`BatchOutcome`].
    pub fn queue(
        &mut self,
        public_key: &PublicKey,
        message: &[u8],
        signature: &Signature,
    ) -> usize {
        self.entries
            .push(Decoded::new(public_key, message, signature));
        self.entries.len() - 1
    }

    /// Queues one [`BatchItem`] and returns its index in the [`BatchOutcome`].
    pub fn queue_item(&mut self, item: &BatchItem<'_>) -> usize {
        self.queue(item.public_key, item.message, item.signature)
    }

    /// The number of queued signatures.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Verifies every queued signature, drawing the random weights from `rng`.
    ///
    /// The result for each signature is the one [`verify`](super::verify) gives (up to the
    /// negligible probability, below 2⁻¹²⁷, that random weights hide an invalid signature).
    pub fn verify<R: CryptoRngCore + ?Sized>(&self, rng: &mut R) -> BatchOutcome {
        let mut results: Vec<Result<(), VerifyError>> = self
            .entries
            .iter()
            .map(|entry| entry.as_ref().map(|_| ()).map_err(|e| *e))
            .collect();

        let mut index = Vec::with_capacity(self.entries.len());
        let mut decoded = Vec::with_capacity(self.entries.len());
        for (i, entry) in self.entries.iter().enumerate() {
            if let Ok(d) = entry {
                index.push(i);
                decoded.push(d);
            }
        }

        let equations = Equations::new(decoded, rng);
        let mut failed = Vec::new();
        equations.find_failures(&mut failed);
        for position in failed {
            if let Some(slot) = index.get(position).and_then(|&i| results.get_mut(i)) {
                *slot = Err(VerifyError::EquationFailed);
            }
        }
        BatchOutcome { results }
    }
}

impl fmt::Debug for BatchVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchVerifier")
            .field("len", &self.entries.len())
            .finish()
    }
}

impl<'a> Extend<BatchItem<'a>> for BatchVerifier {
    fn extend<T: IntoIterator<Item = BatchItem<'a>>>(&mut self, iter: T) {
        for item in iter {
            self.queue_item(&item);
        }
    }
}

impl<'a> FromIterator<BatchItem<'a>> for BatchVerifier {
    fn from_iter<T: IntoIterator<Item = BatchItem<'a>>>(iter: T) -> Self {
        let mut batch = Self::new();
        batch.extend(iter);
        batch
    }
}

/// Verifies many signatures at once and reports each one's result; see [`BatchVerifier`].
///
/// ```
/// use tangle_crypto::ed25519::{verify_batch, BatchItem, SigningKey};
///
/// let key = SigningKey::from_bytes(&[9; 32]);
/// let public_key = key.public_key();
/// let messages: Vec<[u8; 4]> = (0..16u32).map(u32::to_le_bytes).collect();
/// let signatures: Vec<_> = messages.iter().map(|m| key.sign(m)).collect();
/// let items: Vec<_> = messages
///     .iter()
///     .zip(&signatures)
///     .map(|(m, s)| BatchItem::new(&public_key, m, s))
///     .collect();
/// assert!(verify_batch(&items, &mut rand::rngs::OsRng).is_all_valid());
/// ```
pub fn verify_batch<R: CryptoRngCore + ?Sized>(
    items: &[BatchItem<'_>],
    rng: &mut R,
) -> BatchOutcome {
    let mut batch = BatchVerifier::with_capacity(items.len());
    for item in items {
        batch.queue_item(item);
    }
    batch.verify(rng)
}

/// The weighted equations of the decodable signatures, with the weights fixed for the whole run.
struct Equations<'d> {
    decoded: Vec<&'d Decoded>,
    /// `z_i`, the weight of `R_i`.
    z: Vec<Scalar>,
    /// `z_i·k_i`, the weight of `A_i`.
    zk: Vec<Scalar>,
    /// `z_i·S_i`, summed (negated) into the weight of `B`.
    zs: Vec<Scalar>,
}

impl<'d> Equations<'d> {
    fn new<R: CryptoRngCore + ?Sized>(decoded: Vec<&'d Decoded>, rng: &mut R) -> Self {
        let n = decoded.len();
        let mut z = Vec::with_capacity(n);
        let mut zk = Vec::with_capacity(n);
        let mut zs = Vec::with_capacity(n);
        // A single signature needs no weight: it is checked with the exact single equation.
        if n > 1 {
            for d in &decoded {
                let mut bytes = [0u8; 16];
                rng.fill_bytes(&mut bytes);
                // Odd, hence non-zero modulo L: a weight of zero would hide an invalid signature.
                let weight = Scalar::from(u128::from_le_bytes(bytes) | 1);
                z.push(weight);
                zk.push(weight * d.k);
                zs.push(weight * d.s);
            }
        }
        Self { decoded, z, zk, zs }
    }

    fn len(&self) -> usize {
        self.decoded.len()
    }

    /// The weighted sum over `lo..hi`, before the cofactor:
    /// `Σ z_i·R_i + Σ (z_i·k_i)·A_i − (Σ z_i·S_i)·B`.
    fn range_sum(&self, lo: usize, hi: usize) -> EdwardsPoint {
        let (Some(decoded), Some(z), Some(zk), Some(zs)) = (
            self.decoded.get(lo..hi),
            self.z.get(lo..hi),
            self.zk.get(lo..hi),
            self.zs.get(lo..hi),
        ) else {
            return EdwardsPoint::identity();
        };
        let b_weight = -zs.iter().sum::<Scalar>();
        EdwardsPoint::vartime_multiscalar_mul(
            once(&b_weight).chain(zk).chain(z),
            once(&ED25519_BASEPOINT_POINT)
                .chain(decoded.iter().map(|d| &d.a))
                .chain(decoded.iter().map(|d| &d.r)),
        )
    }

    /// Pushes onto `failed`, in ascending order, the positions of the invalid signatures.
    fn find_failures(&self, failed: &mut Vec<usize>) {
        match self.decoded.as_slice() {
            [] => {}
            // A lone signature is decided by the exact single equation; it needs no weight.
            [single] => {
                if !single.equation_holds() {
                    failed.push(0);
                }
            }
            _ => {
                let n = self.len();
                self.bisect(0, n, self.range_sum(0, n), failed);
            }
        }
    }

    /// Bisection over `lo..hi`, whose weighted sum `sum` is already known. Only the left half's
    /// sum is computed; the right half's is `sum − left`, by linearity, so each visited range
    /// costs one multi-scalar multiplication of half its size.
    fn bisect(&self, lo: usize, hi: usize, sum: EdwardsPoint, failed: &mut Vec<usize>) {
        if sum.mul_by_cofactor().is_identity() {
            return;
        }
        let len = hi.saturating_sub(lo);
        if len <= 1 {
            // `sum = z·P` with `z` odd and below L, and `[8]P` of prime order L: `[8]·sum ≠ 0`
            // means `[8]P ≠ 0`, i.e. this signature's own equation fails.
            if len == 1 {
                failed.push(lo);
            }
            return;
        }
        let mid = lo + len / 2;
        let left = self.range_sum(lo, mid);
        let right = sum - left;
        self.bisect(lo, mid, left, failed);
        self.bisect(mid, hi, right, failed);
    }
}
