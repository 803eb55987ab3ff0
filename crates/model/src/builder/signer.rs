//! [`Signer`]: whatever can produce Ed25519 signatures for a transaction or a milestone.

use alloc::string::String;

use tangle_crypto::ed25519::{PublicKey, Signature, SigningKey};

/// Why a signer could not sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SignerError(pub String);

/// Produces Ed25519 signatures under one public key: a [`SigningKey`], a reference to a signer,
/// or a callback ([`FnSigner`], e.g. a hardware wallet or a remote signing service).
pub trait Signer {
    /// The public key the signatures verify under.
    fn public_key(&self) -> PublicKey;

    /// Signs `message` (a 32-byte essence hash).
    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError>;
}

impl Signer for SigningKey {
    fn public_key(&self) -> PublicKey {
        SigningKey::public_key(self)
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError> {
        Ok(SigningKey::sign(self, message))
    }
}

impl<T: Signer + ?Sized> Signer for &T {
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError> {
        (**self).sign(message)
    }
}

/// A signer made of a public key and a signing callback.
///
/// ```
/// use tangle_crypto::ed25519::SigningKey;
/// use tangle_model::{FnSigner, Signer};
///
/// let key = SigningKey::from_bytes(&[4; 32]);
/// let signer = FnSigner::new(key.public_key(), |message: &[u8]| Ok(key.sign(message)));
/// assert_eq!(signer.sign(b"m")?, key.sign(b"m"));
/// # Ok::<(), tangle_model::SignerError>(())
/// ```
pub struct FnSigner<F> {
    public_key: PublicKey,
    sign: F,
}

impl<F> FnSigner<F>
where
    F: Fn(&[u8]) -> Result<Signature, SignerError>,
{
    /// A signer for `public_key` that signs with `sign`.
    pub fn new(public_key: PublicKey, sign: F) -> Self {
        Self { public_key, sign }
    }
}

impl<F> Signer for FnSigner<F>
where
    F: Fn(&[u8]) -> Result<Signature, SignerError>,
{
    fn public_key(&self) -> PublicKey {
        self.public_key
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError> {
        (self.sign)(message)
    }
}

impl<F> core::fmt::Debug for FnSigner<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FnSigner")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}
