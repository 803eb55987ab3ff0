//! Ed25519 addresses and their Bech32 form (TIP-11).
//!
//! - An [`Ed25519Address`] is BLAKE2b-256 of the public key, over the key bytes exactly as given.
//! - Its serialized form is `0x00 ‖ 32 bytes`: the [`Address`] type byte, then the hash.
//! - Its human form is Bech32 (BIP-173, **not** Bech32m) of those 33 bytes, after a human-readable
//!   part ([`Hrp`]): `iota` on mainnet, `atoi` on testnet, or any other valid one.
//!
//! BIP-173 limits a Bech32 string to 90 characters. The 33 serialized bytes take 53 characters
//! and the checksum 6, so with the separator a human-readable part may have at most
//! [`Hrp::MAX_LENGTH`] = 30 characters. Decoding enforces the same limit.
//!
//! ```
//! use tangle_crypto::address::{Address, Ed25519Address, Hrp};
//! use tangle_crypto::ed25519::PublicKey;
//!
//! let public_key: PublicKey =
//!     "6f1581709bb7b1ef030d210db18e3b0ba1c776fba65d8cdaad05415142d189f8".parse()?;
//! let address = Ed25519Address::from_public_key(&public_key);
//! let bech32 = address.to_bech32(&Hrp::IOTA);
//! assert_eq!(bech32, "iota1qrhacyfwlcnzkvzteumekfkrrwks98mpdm37cj4xx3drvmjvnep6xqgyzyx");
//!
//! let (hrp, decoded) = Address::from_bech32(&bech32)?;
//! assert_eq!(hrp, Hrp::IOTA);
//! assert_eq!(decoded, Address::Ed25519(address));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::String;
use core::fmt;

use bech32::primitives::decode::{CharError, ChecksumError, UncheckedHrpstring};
use bech32::{Bech32, Bech32m, ByteIterExt, Fe32IterExt};

use crate::ed25519::{self, PublicKey, Signature, VerifyError};
use crate::hash::blake2b_256;

/// The type byte of an Ed25519 address in its serialized form.
pub const ED25519_ADDRESS_TYPE: u8 = 0;
/// Length in bytes of an Ed25519 address (a BLAKE2b-256 digest).
pub const ED25519_ADDRESS_LENGTH: usize = 32;
/// Length in bytes of a serialized address: the type byte and the 32-byte hash.
pub const SERIALIZED_ADDRESS_LENGTH: usize = 1 + ED25519_ADDRESS_LENGTH;
/// The longest Bech32 string BIP-173 allows.
pub const BECH32_MAX_LENGTH: usize = 90;

/// Bech32 characters taken by the 33 serialized bytes (264 bits, 5 bits per character).
const DATA_CHARS: usize = (SERIALIZED_ADDRESS_LENGTH * 8).div_ceil(5);
/// Bech32 characters taken by the checksum.
const CHECKSUM_CHARS: usize = 6;

/// An Ed25519 address: BLAKE2b-256 of a public key.
///
/// `Display`, `Debug` and `FromStr` use lower-case hex of the 32 bytes (no type byte).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ed25519Address([u8; ED25519_ADDRESS_LENGTH]);

impl Ed25519Address {
    /// The type byte of this kind of address.
    pub const KIND: u8 = ED25519_ADDRESS_TYPE;
    /// Length in bytes of the address.
    pub const LENGTH: usize = ED25519_ADDRESS_LENGTH;

    /// Wraps a 32-byte hash as an address.
    pub const fn new(bytes: [u8; ED25519_ADDRESS_LENGTH]) -> Self {
        Self(bytes)
    }

    /// The address of `public_key`: BLAKE2b-256 of its bytes exactly as given.
    ///
    /// ```
    /// use tangle_crypto::address::Ed25519Address;
    /// use tangle_crypto::ed25519::PublicKey;
    /// use tangle_crypto::hash::blake2b_256;
    ///
    /// let key = PublicKey::from_bytes([5; 32]);
    /// assert_eq!(Ed25519Address::from_public_key(&key).as_bytes(), &blake2b_256(&[5; 32]));
    /// ```
    pub fn from_public_key(public_key: &PublicKey) -> Self {
        Self(blake2b_256(public_key.as_bytes()))
    }

    /// A reference to the 32 address bytes.
    pub const fn as_bytes(&self) -> &[u8; ED25519_ADDRESS_LENGTH] {
        &self.0
    }

    /// The 32 address bytes.
    pub const fn to_bytes(&self) -> [u8; ED25519_ADDRESS_LENGTH] {
        self.0
    }

    /// The serialized form: the type byte `0x00`, then the 32 address bytes.
    pub fn to_serialized(&self) -> [u8; SERIALIZED_ADDRESS_LENGTH] {
        let mut out = [0u8; SERIALIZED_ADDRESS_LENGTH];
        out[0] = ED25519_ADDRESS_TYPE;
        out[1..].copy_from_slice(&self.0);
        out
    }

    /// Whether this is the address of `public_key` (hash of the key bytes as given).
    pub fn matches(&self, public_key: &PublicKey) -> bool {
        *self == Self::from_public_key(public_key)
    }

    /// The Bech32 (BIP-173) form of the serialized address, in lower case.
    ///
    /// ```
    /// use tangle_crypto::address::{Ed25519Address, Hrp};
    /// let text = Ed25519Address::new([0; 32]).to_bech32(&Hrp::ATOI);
    /// assert!(text.starts_with("atoi1qq"));
    /// ```
    pub fn to_bech32(&self, hrp: &Hrp) -> String {
        encode_bech32(hrp, &self.to_serialized())
    }

    /// Decodes a Bech32 address that must be an Ed25519 address; returns its [`Hrp`] too.
    pub fn from_bech32(text: &str) -> Result<(Hrp, Self), Bech32Error> {
        let (hrp, Address::Ed25519(address)) = Address::from_bech32(text)?;
        Ok((hrp, address))
    }

    /// Checks a signature unlock for this address; see [`verify_signature_unlock`].
    pub fn verify_signature_unlock(
        &self,
        public_key: &PublicKey,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), UnlockError> {
        verify_signature_unlock(self, public_key, message, signature)
    }
}

impl From<[u8; ED25519_ADDRESS_LENGTH]> for Ed25519Address {
    fn from(bytes: [u8; ED25519_ADDRESS_LENGTH]) -> Self {
        Self(bytes)
    }
}

impl From<Ed25519Address> for [u8; ED25519_ADDRESS_LENGTH] {
    fn from(address: Ed25519Address) -> Self {
        address.0
    }
}

impl From<&PublicKey> for Ed25519Address {
    fn from(public_key: &PublicKey) -> Self {
        Self::from_public_key(public_key)
    }
}

impl AsRef<[u8]> for Ed25519Address {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl core::str::FromStr for Ed25519Address {
    type Err = ed25519::ParseHexError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: PublicKey = s.parse()?;
        Ok(Self(key.to_bytes()))
    }
}

impl fmt::Display for Ed25519Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in &self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Ed25519Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519Address({self})")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Ed25519Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ed25519::serde_impl::serialize_bytes(&self.0, serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Ed25519Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ed25519::serde_impl::deserialize_bytes(deserializer).map(Self)
    }
}

/// An address of any kind the protocol knows. Chrysalis has one: Ed25519 (type byte `0`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Address {
    /// An Ed25519 address (type byte [`ED25519_ADDRESS_TYPE`]).
    Ed25519(Ed25519Address),
}

impl Address {
    /// The type byte of this address.
    pub const fn kind(&self) -> u8 {
        match self {
            Self::Ed25519(_) => ED25519_ADDRESS_TYPE,
        }
    }

    /// The serialized form: type byte, then the address bytes.
    pub fn to_bytes(&self) -> [u8; SERIALIZED_ADDRESS_LENGTH] {
        match self {
            Self::Ed25519(address) => address.to_serialized(),
        }
    }

    /// Decodes a serialized address; the input must be exactly one address. The type byte is
    /// checked before the length.
    ///
    /// ```
    /// use tangle_crypto::address::{Address, AddressError};
    /// let mut bytes = [0u8; 33];
    /// assert!(Address::from_bytes(&bytes).is_ok());
    /// bytes[0] = 1;
    /// assert_eq!(Address::from_bytes(&bytes), Err(AddressError::UnknownType(1)));
    /// assert!(matches!(Address::from_bytes(&[0u8; 32]), Err(AddressError::Length { .. })));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AddressError> {
        let (&kind, rest) = bytes.split_first().ok_or(AddressError::Length {
            expected: SERIALIZED_ADDRESS_LENGTH,
            actual: 0,
        })?;
        if kind != ED25519_ADDRESS_TYPE {
            return Err(AddressError::UnknownType(kind));
        }
        let hash =
            <[u8; ED25519_ADDRESS_LENGTH]>::try_from(rest).map_err(|_| AddressError::Length {
                expected: SERIALIZED_ADDRESS_LENGTH,
                actual: bytes.len(),
            })?;
        Ok(Self::Ed25519(Ed25519Address(hash)))
    }

    /// The Bech32 (BIP-173) form of the serialized address, in lower case.
    pub fn to_bech32(&self, hrp: &Hrp) -> String {
        encode_bech32(hrp, &self.to_bytes())
    }

    /// Decodes a Bech32 address; returns its human-readable part and the address.
    ///
    /// Never panics. Upper-case strings are accepted (BIP-173); mixed case is not.
    ///
    /// ```
    /// use tangle_crypto::address::{Address, Bech32Error};
    /// let text = "iota1qrhacyfwlcnzkvzteumekfkrrwks98mpdm37cj4xx3drvmjvnep6xqgyzyx";
    /// assert!(Address::from_bech32(text).is_ok());
    /// assert!(Address::from_bech32(&text.to_uppercase()).is_ok());
    /// let typo = text.replace("qrha", "qrhc");
    /// assert_eq!(Address::from_bech32(&typo), Err(Bech32Error::InvalidChecksum));
    /// ```
    pub fn from_bech32(text: &str) -> Result<(Hrp, Self), Bech32Error> {
        decode_bech32(text)
    }
}

impl From<Ed25519Address> for Address {
    fn from(address: Ed25519Address) -> Self {
        Self::Ed25519(address)
    }
}

/// A serialized address could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AddressError {
    /// The type byte is not one the protocol defines (only `0`, Ed25519, is).
    #[error("unknown address type {0}")]
    UnknownType(u8),
    /// The input is not exactly the length of a serialized address.
    #[error("wrong address length: expected {expected} bytes, got {actual}")]
    Length {
        /// The length required.
        expected: usize,
        /// The length received.
        actual: usize,
    },
}

/// The human-readable part of a Bech32 address, such as `iota` or `atoi`.
///
/// Valid: 1 to [`Hrp::MAX_LENGTH`] ASCII characters in the range 33..=126, not mixed case (BIP-173).
/// It is stored in lower case, so `IOTA` and `iota` are the same part.
///
/// ```
/// use tangle_crypto::address::{Hrp, HrpError};
/// assert_eq!(Hrp::new("IOTA")?, Hrp::IOTA);
/// assert_eq!(Hrp::new("smr")?.as_str(), "smr");
/// assert_eq!(Hrp::new(""), Err(HrpError::Empty));
/// assert_eq!(Hrp::new("IoTa"), Err(HrpError::MixedCase));
/// # Ok::<(), HrpError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hrp(bech32::Hrp);

impl Hrp {
    /// Mainnet: `iota`.
    pub const IOTA: Hrp = Hrp(bech32::Hrp::parse_unchecked("iota"));
    /// Testnet: `atoi`.
    pub const ATOI: Hrp = Hrp(bech32::Hrp::parse_unchecked("atoi"));
    /// The longest human-readable part whose addresses fit BIP-173's 90 characters.
    pub const MAX_LENGTH: usize = BECH32_MAX_LENGTH - 1 - DATA_CHARS - CHECKSUM_CHARS;

    /// Checks and stores `hrp` (in lower case).
    pub fn new(hrp: &str) -> Result<Self, HrpError> {
        if hrp.len() > Self::MAX_LENGTH {
            return Err(HrpError::TooLong {
                length: hrp.len(),
                max: Self::MAX_LENGTH,
            });
        }
        let lower = hrp.bytes().any(|b| b.is_ascii_lowercase());
        let upper = hrp.bytes().any(|b| b.is_ascii_uppercase());
        if lower && upper {
            return Err(HrpError::MixedCase);
        }
        let mut buf = [0u8; Self::MAX_LENGTH];
        let Some(out) = buf.get_mut(..hrp.len()) else {
            return Err(HrpError::TooLong {
                length: hrp.len(),
                max: Self::MAX_LENGTH,
            });
        };
        for (slot, c) in out.iter_mut().zip(hrp.chars()) {
            if !c.is_ascii() || !(33..=126).contains(&(c as u32)) {
                return Err(HrpError::InvalidCharacter(c));
            }
            *slot = (c as u8).to_ascii_lowercase();
        }
        let lowered = core::str::from_utf8(out).map_err(|_| HrpError::Empty)?;
        bech32::Hrp::parse(lowered).map(Self).map_err(|e| match e {
            bech32::primitives::hrp::Error::NonAsciiChar(c) => HrpError::InvalidCharacter(c),
            bech32::primitives::hrp::Error::InvalidAsciiByte(b) => {
                HrpError::InvalidCharacter(char::from(b))
            }
            bech32::primitives::hrp::Error::MixedCase => HrpError::MixedCase,
            bech32::primitives::hrp::Error::TooLong(length) => HrpError::TooLong {
                length,
                max: Self::MAX_LENGTH,
            },
            _ => HrpError::Empty,
        })
    }

    /// The human-readable part, in lower case.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Its length in characters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a human-readable part has at least one character.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }
}

impl core::str::FromStr for Hrp {
    type Err = HrpError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Hrp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Hrp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hrp({:?})", self.as_str())
    }
}

/// A human-readable part is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum HrpError {
    /// The human-readable part is empty.
    #[error("empty human-readable part")]
    Empty,
    /// The human-readable part is too long for a 90-character Bech32 address.
    #[error("human-readable part of {length} characters is longer than {max}")]
    TooLong {
        /// The length given (in bytes).
        length: usize,
        /// The longest allowed.
        max: usize,
    },
    /// A character outside ASCII 33..=126.
    #[error("invalid character {0:?} in human-readable part")]
    InvalidCharacter(char),
    /// Upper and lower case letters mixed.
    #[error("human-readable part mixes upper and lower case")]
    MixedCase,
}

/// A Bech32 address string could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Bech32Error {
    /// The string has no `1` separating the human-readable part from the data.
    #[error("missing separator '1'")]
    MissingSeparator,
    /// The human-readable part is invalid.
    #[error("invalid human-readable part: {0}")]
    InvalidHrp(HrpError),
    /// A data character is not in the Bech32 alphabet.
    #[error("invalid character {0:?} in data part")]
    InvalidCharacter(char),
    /// The string mixes upper and lower case.
    #[error("mixed case")]
    MixedCase,
    /// The string is longer than BIP-173 allows.
    #[error("string of {0} characters is longer than 90")]
    TooLong(usize),
    /// The data part is too short to hold a checksum, or the checksum is wrong.
    #[error("invalid Bech32 checksum")]
    InvalidChecksum,
    /// The checksum is a valid Bech32m (BIP-350) checksum; addresses use Bech32 (BIP-173).
    #[error("Bech32m checksum; addresses use Bech32 (BIP-173)")]
    Bech32m,
    /// The data does not decode to exactly 33 bytes.
    #[error("wrong address length: expected 33 bytes, got {0}")]
    Length(usize),
    /// The padding bit after the 33 bytes is not zero (a non-canonical encoding).
    #[error("non-zero padding bits")]
    NonZeroPadding,
    /// The type byte is not one the protocol defines.
    #[error("unknown address type {0}")]
    UnknownAddressType(u8),
}

/// Encodes the 33 serialized bytes of an address as Bech32 (BIP-173), in lower case.
pub fn encode_bech32(hrp: &Hrp, serialized: &[u8; SERIALIZED_ADDRESS_LENGTH]) -> String {
    serialized
        .iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32>(&hrp.0)
        .chars()
        .collect()
}

/// Decodes a Bech32 (BIP-173) address into its human-readable part and address.
///
/// Checks, in order: characters, separator, case and human-readable part; total length ≤ 90;
/// the Bech32 checksum (telling a Bech32m one apart); exactly 33 data bytes with zero padding;
/// a known type byte. Never panics.
pub fn decode_bech32(text: &str) -> Result<(Hrp, Address), Bech32Error> {
    let unchecked = UncheckedHrpstring::new(text).map_err(|e| {
        use bech32::primitives::decode::UncheckedHrpstringError as E;
        match e {
            E::Char(CharError::MissingSeparator) => Bech32Error::MissingSeparator,
            E::Char(CharError::NothingAfterSeparator) => Bech32Error::InvalidChecksum,
            E::Char(CharError::InvalidChar(c)) => Bech32Error::InvalidCharacter(c),
            E::Char(CharError::MixedCase) => Bech32Error::MixedCase,
            E::Char(_) => Bech32Error::InvalidChecksum,
            E::Hrp(e) => Bech32Error::InvalidHrp(match e {
                bech32::primitives::hrp::Error::Empty => HrpError::Empty,
                bech32::primitives::hrp::Error::TooLong(length) => HrpError::TooLong {
                    length,
                    max: Hrp::MAX_LENGTH,
                },
                bech32::primitives::hrp::Error::NonAsciiChar(c) => HrpError::InvalidCharacter(c),
                bech32::primitives::hrp::Error::InvalidAsciiByte(b) => {
                    HrpError::InvalidCharacter(char::from(b))
                }
                _ => HrpError::MixedCase,
            }),
            _ => Bech32Error::InvalidChecksum,
        }
    })?;
    if text.len() > BECH32_MAX_LENGTH {
        return Err(Bech32Error::TooLong(text.len()));
    }
    let hrp = Hrp::new(unchecked.hrp().as_str()).map_err(Bech32Error::InvalidHrp)?;

    if let Err(e) = unchecked.validate_checksum::<Bech32>() {
        return Err(match e {
            ChecksumError::InvalidResidue if unchecked.has_valid_checksum::<Bech32m>() => {
                Bech32Error::Bech32m
            }
            _ => Bech32Error::InvalidChecksum,
        });
    }
    let checked = unchecked.remove_checksum::<Bech32>();
    let data_chars = checked.data_part_ascii_no_checksum().len();
    if data_chars != DATA_CHARS {
        return Err(Bech32Error::Length(data_chars * 5 / 8));
    }
    checked
        .validate_segwit_padding()
        .map_err(|_| Bech32Error::NonZeroPadding)?;

    let mut serialized = [0u8; SERIALIZED_ADDRESS_LENGTH];
    let mut count = 0;
    for (slot, byte) in serialized.iter_mut().zip(checked.byte_iter()) {
        *slot = byte;
        count += 1;
    }
    if count != SERIALIZED_ADDRESS_LENGTH {
        return Err(Bech32Error::Length(count));
    }
    let address = Address::from_bytes(&serialized).map_err(|e| match e {
        AddressError::UnknownType(kind) => Bech32Error::UnknownAddressType(kind),
        AddressError::Length { actual, .. } => Bech32Error::Length(actual),
    })?;
    Ok((hrp, address))
}

/// A signature unlock does not unlock its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum UnlockError {
    /// BLAKE2b-256 of the public key (bytes as given) is not the input's address.
    #[error("public key does not hash to the input's address")]
    AddressMismatch,
    /// The signature does not verify under ZIP-215.
    #[error(transparent)]
    Signature(#[from] VerifyError),
}

/// Checks a signature unlock (TIP-7/TIP-14): BLAKE2b-256 of `public_key` (bytes as given) must
/// equal `address`, and `signature` must verify on `message` under ZIP-215.
///
/// The address is checked first (it is cheaper), so a key that does not match the address is
/// reported as [`UnlockError::AddressMismatch`] whatever its signature.
///
/// ```
/// use tangle_crypto::address::{verify_signature_unlock, Ed25519Address, UnlockError};
/// use tangle_crypto::ed25519::SigningKey;
///
/// let key = SigningKey::from_bytes(&[4; 32]);
/// let address = Ed25519Address::from_public_key(&key.public_key());
/// let signature = key.sign(b"essence hash");
/// assert!(verify_signature_unlock(&address, &key.public_key(), b"essence hash", &signature).is_ok());
///
/// let other = Ed25519Address::new([0; 32]);
/// assert_eq!(
///     verify_signature_unlock(&other, &key.public_key(), b"essence hash", &signature),
///     Err(UnlockError::AddressMismatch)
/// );
/// ```
pub fn verify_signature_unlock(
    address: &Ed25519Address,
    public_key: &PublicKey,
    message: &[u8],
    signature: &Signature,
) -> Result<(), UnlockError> {
    if !address.matches(public_key) {
        return Err(UnlockError::AddressMismatch);
    }
    ed25519::verify(public_key, message, signature)?;
    Ok(())
}

#[cfg(test)]
#[path = "address_tests.rs"]
mod tests;
