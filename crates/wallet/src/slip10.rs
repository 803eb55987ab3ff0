//! SLIP-10 key derivation for Ed25519: hardened children only, HMAC-SHA512 throughout.
//!
//! ```text
//! master:  I = HMAC-SHA512(key = "ed25519 seed", data = seed)
//! child i: I = HMAC-SHA512(key = chain code, data = 0x00 ‖ parent key ‖ ser32(i + 2^31))
//! key = I[0..32] (an Ed25519 secret seed), chain code = I[32..64]
//! ```
//!
//! Ed25519 has no public derivation, so a non-hardened index is an error
//! ([`Slip10Error::NotHardened`]), never silently hardened.

use core::fmt;
use core::str::FromStr;

use hmac::{Hmac, Mac};
use sha2::Sha512;
use tangle_crypto::ed25519::SigningKey;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The first hardened index, 2^31.
pub const HARDENED: u32 = 0x8000_0000;

const MASTER_KEY: &[u8] = b"ed25519 seed";

/// Why a path could not be parsed or derived. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Slip10Error {
    /// Ed25519 derivation is hardened only.
    #[error("hardened-only rule: index {0} is not hardened (Ed25519 has no public derivation)")]
    NotHardened(u32),
    /// The index is 2^31 or more, so it cannot be hardened.
    #[error("hardened index rule: index {0} is 2^31 or more and cannot be hardened")]
    IndexOutOfRange(u32),
    /// The path does not start with `m`.
    #[error("path syntax rule: a path starts with \"m\"")]
    MissingRoot,
    /// A segment is not a number below 2^31 followed by `'` or `h`.
    #[error("path syntax rule: segment {position} is not an index below 2^31 followed by ' or h")]
    BadSegment {
        /// 1-based position of the segment after `m`.
        position: usize,
    },
}

/// A hardened derivation path such as `m/44'/4218'/0'/0'/0'`. Indexes are stored as given
/// (with the hardened bit set).
///
/// ```
/// use tangle_wallet::slip10::{DerivationPath, HARDENED};
///
/// let path: DerivationPath = "m/44'/4218'/0'/0'/7'".parse()?;
/// assert_eq!(path.as_slice()[4], 7 | HARDENED);
/// assert_eq!(path.to_string(), "m/44'/4218'/0'/0'/7'");
/// assert!("m/44'/0".parse::<DerivationPath>().is_err());
/// # Ok::<(), tangle_wallet::slip10::Slip10Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DerivationPath(Vec<u32>);

impl DerivationPath {
    /// A path of hardened indexes; fails on the first index below 2^31.
    pub fn new(indexes: impl IntoIterator<Item = u32>) -> Result<Self, Slip10Error> {
        let indexes: Vec<u32> = indexes.into_iter().collect();
        match indexes.iter().find(|i| **i < HARDENED) {
            Some(i) => Err(Slip10Error::NotHardened(*i)),
            None => Ok(Self(indexes)),
        }
    }

    /// The BIP-44 path m/44'/`coin_type`'/`account`'/`change`'/`index`' (each value below 2^31
    /// is hardened; the IOTA coin type is 4218).
    pub fn bip44(
        coin_type: u32,
        account: u32,
        change: u32,
        index: u32,
    ) -> Result<Self, Slip10Error> {
        match [coin_type, account, change, index]
            .into_iter()
            .find(|i| *i >= HARDENED)
        {
            Some(i) => Err(Slip10Error::IndexOutOfRange(i)),
            None => Ok(Self(
                [44, coin_type, account, change, index]
                    .map(|i| i | HARDENED)
                    .to_vec(),
            )),
        }
    }

    /// The indexes, hardened bit included.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }
}

impl FromStr for DerivationPath {
    type Err = Slip10Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split('/');
        if parts.next() != Some("m") {
            return Err(Slip10Error::MissingRoot);
        }
        let mut indexes = Vec::new();
        for (i, part) in parts.enumerate() {
            let bad = Slip10Error::BadSegment { position: i + 1 };
            let digits = part
                .strip_suffix('\'')
                .or_else(|| part.strip_suffix('h'))
                .ok_or_else(|| bad.clone())?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad);
            }
            let index: u32 = digits.parse().map_err(|_| bad.clone())?;
            if index >= HARDENED {
                return Err(bad);
            }
            indexes.push(index | HARDENED);
        }
        Ok(Self(indexes))
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for index in &self.0 {
            write!(f, "/{}'", index & !HARDENED)?;
        }
        Ok(())
    }
}

/// A SLIP-10 Ed25519 extended private key: a 32-byte secret and a 32-byte chain code.
/// Zeroized on drop; `Debug` prints neither.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ExtendedKey {
    key: [u8; 32],
    chain_code: [u8; 32],
}

impl ExtendedKey {
    /// The master key of `seed` (any length; BIP-39 seeds are 64 bytes).
    pub fn master(seed: &[u8]) -> Self {
        Self::from_hmac(MASTER_KEY, &[seed])
    }

    /// The hardened child `index` (2^31 or more).
    pub fn child(&self, index: u32) -> Result<Self, Slip10Error> {
        if index < HARDENED {
            return Err(Slip10Error::NotHardened(index));
        }
        Ok(Self::from_hmac(
            &self.chain_code,
            &[&[0], &self.key, &index.to_be_bytes()],
        ))
    }

    /// The key at `path` below this one.
    pub fn derive(&self, path: &DerivationPath) -> Result<Self, Slip10Error> {
        let mut key = self.clone();
        for index in path.as_slice() {
            key = key.child(*index)?;
        }
        Ok(key)
    }

    /// The secret key bytes (the Ed25519 secret seed). Handle with care.
    pub fn secret_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The chain code.
    pub fn chain_code(&self) -> &[u8; 32] {
        &self.chain_code
    }

    /// The Ed25519 signing key of this node.
    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.key)
    }

    fn from_hmac(key: &[u8], data: &[&[u8]]) -> Self {
        // HMAC takes keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(key) else {
            unreachable!("HMAC accepts keys of any length")
        };
        for part in data {
            mac.update(part);
        }
        let mut out = mac.finalize().into_bytes();
        let mut extended = Self {
            key: [0; 32],
            chain_code: [0; 32],
        };
        extended.key.copy_from_slice(&out[..32]);
        extended.chain_code.copy_from_slice(&out[32..]);
        out.as_mut_slice().zeroize();
        extended
    }
}

impl fmt::Debug for ExtendedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExtendedKey(..)")
    }
}
