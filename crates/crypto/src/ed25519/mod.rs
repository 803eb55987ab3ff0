//! Ed25519 keys and signatures, verified under ZIP-215 (TIP-14).
//!
//! Chrysalis validates Ed25519 signatures with the rules of
//! [ZIP-215](https://zips.z.cash/zip-0215), which TIP-14 adopts unchanged:
//!
//! 1. the public key `A` and the signature's `R` must decode to points of the curve; non-canonical
//!    encodings (a `y` coordinate ≥ p, or a "negative zero" `x`) are **accepted**;
//! 2. the signature's `S` must be canonical: `S < L`, the order of the prime subgroup;
//! 3. the **cofactored** equation `[8][S]B = [8]R + [8][k]A` must hold, where
//!    `k = SHA-512(R ‖ A ‖ M) mod L` is computed over the bytes exactly as given.
//!
//! These rules make single and batch verification agree on every input, which a consensus
//! protocol needs. The verifier is written directly on `curve25519-dalek`; see
//! `docs/adr/0001-zip215-verification.md` for the reasoning. Signing follows RFC 8032 (via
//! `ed25519-dalek`); every RFC 8032 signature also verifies under ZIP-215.
//!
//! When a signature fails, [`VerifyError`] names the rule it broke. The rules are checked in a
//! fixed order — `A`, then `R`, then `S`, then the equation — so [`verify`] and
//! [`BatchVerifier`] report the same error for the same input.
//!
//! ```
//! use tangle_crypto::ed25519::{verify, SigningKey};
//!
//! let key = SigningKey::from_bytes(&[7; 32]);
//! let signature = key.sign(b"hello tangle");
//! assert!(verify(&key.public_key(), b"hello tangle", &signature).is_ok());
//! assert!(verify(&key.public_key(), b"hello tangle!", &signature).is_err());
//! ```

pub mod batch;
#[cfg(feature = "serde")]
pub(crate) mod serde_impl;

use core::fmt;

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

pub use batch::{BatchItem, BatchOutcome, BatchVerifier, verify_batch};

/// Length in bytes of an encoded public key.
pub const PUBLIC_KEY_LENGTH: usize = 32;
/// Length in bytes of a signature (`R ‖ S`).
pub const SIGNATURE_LENGTH: usize = 64;
/// Length in bytes of a signing key seed.
pub const SEED_LENGTH: usize = 32;

/// Why a signature does not verify under ZIP-215.
///
/// Each variant names one rule. They are checked in declaration order, so the same input always
/// yields the same variant, in single and in batch verification alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum VerifyError {
    /// The public key `A` is not the encoding of a curve point (its `y` has no matching `x`).
    #[error("malformed public key: A is not the encoding of a curve point")]
    MalformedPublicKey,
    /// The signature's `R` (first 32 bytes) is not the encoding of a curve point.
    #[error("malformed signature: R is not the encoding of a curve point")]
    MalformedR,
    /// The signature's `S` (last 32 bytes) is not canonical: `S ≥ L`.
    #[error("non-canonical signature: S is not below the group order L")]
    NonCanonicalS,
    /// Every part decodes, but the cofactored equation `[8][S]B = [8]R + [8][k]A` does not hold.
    #[error("invalid signature: the cofactored equation [8][S]B = [8]R + [8][k]A does not hold")]
    EquationFailed,
}

/// A byte string of the wrong length was given where a key or signature was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("wrong length: expected {expected} bytes, got {actual}")]
pub struct LengthError {
    /// The length required.
    pub expected: usize,
    /// The length received.
    pub actual: usize,
}

/// A hexadecimal string could not be parsed into a key or signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ParseHexError {
    /// The string does not have twice as many characters as the value has bytes.
    #[error("wrong hex length: expected {expected} characters, got {actual}")]
    Length {
        /// The number of hex characters required.
        expected: usize,
        /// The number of characters received.
        actual: usize,
    },
    /// The string holds a character that is not a hexadecimal digit.
    #[error("invalid hex character")]
    InvalidCharacter,
}

fn parse_hex<const N: usize>(s: &str) -> Result<[u8; N], ParseHexError> {
    if s.len() != 2 * N {
        return Err(ParseHexError::Length {
            expected: 2 * N,
            actual: s.len(),
        });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).map_err(|_| ParseHexError::InvalidCharacter)?;
    Ok(out)
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for byte in bytes {
        write!(f, "{byte:02x}")?;
    }
    Ok(())
}

/// An Ed25519 public key: 32 bytes, kept exactly as given.
///
/// No validation happens on construction. ZIP-215 accepts non-canonical encodings, and an address
/// is the hash of the key bytes as they appear on the wire, so the bytes are never normalised.
/// Whether they decode to a curve point is checked when a signature is verified (see
/// [`PublicKey::is_curve_point`]).
///
/// `Display`, `Debug` and `FromStr` use lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey([u8; PUBLIC_KEY_LENGTH]);

impl PublicKey {
    /// Length in bytes of an encoded public key.
    pub const LENGTH: usize = PUBLIC_KEY_LENGTH;

    /// Wraps 32 bytes as a public key, without any check.
    pub const fn from_bytes(bytes: [u8; PUBLIC_KEY_LENGTH]) -> Self {
        Self(bytes)
    }

    /// The key bytes, as given.
    pub const fn to_bytes(&self) -> [u8; PUBLIC_KEY_LENGTH] {
        self.0
    }

    /// A reference to the key bytes, as given.
    pub const fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LENGTH] {
        &self.0
    }

    /// Whether the bytes decode to a curve point under ZIP-215 (non-canonical encodings count).
    ///
    /// ```
    /// use tangle_crypto::ed25519::PublicKey;
    /// // y = 2 has no matching x on the curve.
    /// let mut bytes = [0u8; 32];
    /// bytes[0] = 2;
    /// assert!(!PublicKey::from_bytes(bytes).is_curve_point());
    /// ```
    pub fn is_curve_point(&self) -> bool {
        decompress(&self.0).is_some()
    }

    /// Verifies `signature` on `message` under this key with the ZIP-215 rules; same as [`verify`].
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), VerifyError> {
        verify(self, message, signature)
    }
}

impl From<[u8; PUBLIC_KEY_LENGTH]> for PublicKey {
    fn from(bytes: [u8; PUBLIC_KEY_LENGTH]) -> Self {
        Self(bytes)
    }
}

impl From<PublicKey> for [u8; PUBLIC_KEY_LENGTH] {
    fn from(key: PublicKey) -> Self {
        key.0
    }
}

impl TryFrom<&[u8]> for PublicKey {
    type Error = LengthError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        <[u8; PUBLIC_KEY_LENGTH]>::try_from(bytes)
            .map(Self)
            .map_err(|_| LengthError {
                expected: PUBLIC_KEY_LENGTH,
                actual: bytes.len(),
            })
    }
}

impl AsRef<[u8]> for PublicKey {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl core::str::FromStr for PublicKey {
    type Err = ParseHexError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex(s).map(Self)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(")?;
        write_hex(f, &self.0)?;
        f.write_str(")")
    }
}

/// An Ed25519 signature: `R` (32 bytes) followed by `S` (32 bytes), kept exactly as given.
///
/// No validation happens on construction; the ZIP-215 rules are applied by [`verify`].
/// `Display`, `Debug` and `FromStr` use lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signature([u8; SIGNATURE_LENGTH]);

impl Signature {
    /// Length in bytes of a signature.
    pub const LENGTH: usize = SIGNATURE_LENGTH;

    /// Wraps 64 bytes as a signature, without any check.
    pub const fn from_bytes(bytes: [u8; SIGNATURE_LENGTH]) -> Self {
        Self(bytes)
    }

    /// Builds a signature from its two halves, `R` and `S`.
    pub fn from_components(r: [u8; 32], s: [u8; 32]) -> Self {
        let mut bytes = [0u8; SIGNATURE_LENGTH];
        bytes[..32].copy_from_slice(&r);
        bytes[32..].copy_from_slice(&s);
        Self(bytes)
    }

    /// The signature bytes, as given.
    pub const fn to_bytes(&self) -> [u8; SIGNATURE_LENGTH] {
        self.0
    }

    /// A reference to the signature bytes, as given.
    pub const fn as_bytes(&self) -> &[u8; SIGNATURE_LENGTH] {
        &self.0
    }

    /// The encoded point `R`: the first 32 bytes.
    pub fn r_bytes(&self) -> [u8; 32] {
        core::array::from_fn(|i| self.0[i])
    }

    /// The scalar `S`: the last 32 bytes, little-endian.
    pub fn s_bytes(&self) -> [u8; 32] {
        core::array::from_fn(|i| self.0[32 + i])
    }
}

impl From<[u8; SIGNATURE_LENGTH]> for Signature {
    fn from(bytes: [u8; SIGNATURE_LENGTH]) -> Self {
        Self(bytes)
    }
}

impl From<Signature> for [u8; SIGNATURE_LENGTH] {
    fn from(signature: Signature) -> Self {
        signature.0
    }
}

impl TryFrom<&[u8]> for Signature {
    type Error = LengthError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        <[u8; SIGNATURE_LENGTH]>::try_from(bytes)
            .map(Self)
            .map_err(|_| LengthError {
                expected: SIGNATURE_LENGTH,
                actual: bytes.len(),
            })
    }
}

impl AsRef<[u8]> for Signature {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl core::str::FromStr for Signature {
    type Err = ParseHexError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex(s).map(Self)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(")?;
        write_hex(f, &self.0)?;
        f.write_str(")")
    }
}

/// An Ed25519 signing key (RFC 8032), made from a 32-byte seed.
///
/// The secret is zeroized when the key is dropped, and `Debug` shows only the public key.
///
/// ```
/// use tangle_crypto::ed25519::SigningKey;
///
/// let key = SigningKey::from_bytes(&[1; 32]);
/// let signature = key.sign(b"message");
/// assert!(key.public_key().verify(b"message", &signature).is_ok());
/// assert!(!format!("{key:?}").contains("0101"));
/// ```
#[derive(Clone)]
pub struct SigningKey {
    inner: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// The signing key for a 32-byte seed (the RFC 8032 "private key").
    pub fn from_bytes(seed: &[u8; SEED_LENGTH]) -> Self {
        Self {
            inner: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// A fresh signing key from a seed drawn from `rng`.
    ///
    /// ```
    /// use tangle_crypto::ed25519::SigningKey;
    /// let key = SigningKey::generate(&mut rand::rngs::OsRng);
    /// # let _ = key;
    /// ```
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; SEED_LENGTH]);
        rng.fill_bytes(seed.as_mut());
        Self::from_bytes(&seed)
    }

    /// The seed this key was made from, in a buffer that is zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SEED_LENGTH]> {
        Zeroizing::new(self.inner.to_bytes())
    }

    /// The matching public key (its canonical encoding).
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.inner.verifying_key().to_bytes())
    }

    /// Signs `message` (RFC 8032, deterministic).
    pub fn sign(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer;
        Signature(self.inner.sign(message).to_bytes())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

// The inner `ed25519_dalek::SigningKey` zeroizes its secret scalar, seed and hash prefix in its own
// `Drop` implementation (crate feature `zeroize`), so dropping a `SigningKey` wipes the secret.
impl zeroize::ZeroizeOnDrop for SigningKey {}

/// Decodes a point under ZIP-215: any `y` (reduced mod p) with a square root for `x` is accepted,
/// and the sign bit is applied even when `x = 0`.
fn decompress(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
    CompressedEdwardsY(*bytes).decompress()
}

/// `k = SHA-512(R ‖ A ‖ M) mod L`, over the bytes exactly as given.
fn challenge(r: &[u8; 32], a: &[u8; 32], message: &[u8]) -> Scalar {
    let digest = Sha512::new()
        .chain_update(r)
        .chain_update(a)
        .chain_update(message)
        .finalize();
    Scalar::from_bytes_mod_order_wide(&digest.into())
}

/// A signature whose parts all decode, ready for the equation.
#[derive(Clone, Copy)]
struct Decoded {
    a: EdwardsPoint,
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

impl Decoded {
    /// Applies the decoding rules in their fixed order: `A`, `R`, `S`.
    fn new(
        public_key: &PublicKey,
        message: &[u8],
        signature: &Signature,
    ) -> Result<Self, VerifyError> {
        let r_bytes = signature.r_bytes();
        let a = decompress(&public_key.0).ok_or(VerifyError::MalformedPublicKey)?;
        let r = decompress(&r_bytes).ok_or(VerifyError::MalformedR)?;
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(signature.s_bytes()))
            .ok_or(VerifyError::NonCanonicalS)?;
        let k = challenge(&r_bytes, &public_key.0, message);
        Ok(Self { a, r, s, k })
    }

    /// The cofactored equation for this one signature: `[8](R - ([S]B - [k]A)) = 0`.
    fn equation_holds(&self) -> bool {
        let minus_a = -self.a;
        let r_prime = EdwardsPoint::vartime_double_scalar_mul_basepoint(&self.k, &minus_a, &self.s);
        (self.r - r_prime).mul_by_cofactor().is_identity()
    }
}

/// Verifies `signature` on `message` under `public_key` with the ZIP-215 (TIP-14) rules.
///
/// Non-canonical encodings of `A` and `R` are accepted, `S ≥ L` is rejected, and the cofactored
/// equation `[8][S]B = [8]R + [8][k]A` must hold with `k = SHA-512(R ‖ A ‖ M)`. The error names
/// the first rule that fails, in the order `A`, `R`, `S`, equation.
///
/// ```
/// use tangle_crypto::ed25519::{verify, PublicKey, Signature, SigningKey, VerifyError};
///
/// let key = SigningKey::from_bytes(&[3; 32]);
/// let mut bytes = key.sign(b"msg").to_bytes();
/// bytes[63] = 0xff; // S far above L
/// assert_eq!(
///     verify(&key.public_key(), b"msg", &Signature::from_bytes(bytes)),
///     Err(VerifyError::NonCanonicalS)
/// );
/// ```
pub fn verify(
    public_key: &PublicKey,
    message: &[u8],
    signature: &Signature,
) -> Result<(), VerifyError> {
    let decoded = Decoded::new(public_key, message, signature)?;
    if decoded.equation_holds() {
        Ok(())
    } else {
        Err(VerifyError::EquationFailed)
    }
}

#[cfg(test)]
mod tests;
