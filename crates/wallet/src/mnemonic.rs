//! BIP-39 mnemonics (English word list) and the 64-byte seed they stretch to.
//!
//! The word list, checksum and PBKDF2 stretching come from the `bip39` crate (ADR 0003); this
//! module adds typed errors naming the broken rule, entropy drawn from the caller's RNG, and
//! zeroizing, redacted wrappers so that secrets never reach a log.

use core::fmt;

use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of a BIP-39 seed in bytes.
pub const SEED_LENGTH: usize = 64;

/// How many words a mnemonic has: 12 (128 bits of entropy) to 24 (256 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WordCount {
    /// 12 words, 128 bits of entropy.
    Words12,
    /// 15 words, 160 bits.
    Words15,
    /// 18 words, 192 bits.
    Words18,
    /// 21 words, 224 bits.
    Words21,
    /// 24 words, 256 bits (the default).
    #[default]
    Words24,
}

impl WordCount {
    /// The number of words.
    pub const fn words(self) -> usize {
        match self {
            Self::Words12 => 12,
            Self::Words15 => 15,
            Self::Words18 => 18,
            Self::Words21 => 21,
            Self::Words24 => 24,
        }
    }

    /// Bytes of entropy behind that many words (4 per 3 words).
    pub const fn entropy_bytes(self) -> usize {
        self.words() / 3 * 4
    }

    /// The word count for `words` words, if BIP-39 allows it.
    pub const fn from_words(words: usize) -> Option<Self> {
        match words {
            12 => Some(Self::Words12),
            15 => Some(Self::Words15),
            18 => Some(Self::Words18),
            21 => Some(Self::Words21),
            24 => Some(Self::Words24),
            _ => None,
        }
    }
}

/// Why a phrase or entropy is not a valid BIP-39 mnemonic. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MnemonicError {
    /// The phrase does not have 12, 15, 18, 21 or 24 words.
    #[error("word count rule: {0} words, a mnemonic has 12, 15, 18, 21 or 24")]
    BadLength(usize),
    /// A word is not in the English BIP-39 word list. The word itself is not repeated, since it
    /// may be a mistyped secret; `position` counts from 1.
    #[error("word list rule: word {position} is not in the English BIP-39 word list")]
    UnknownWord {
        /// 1-based position of the word in the phrase.
        position: usize,
    },
    /// The checksum bits in the last word do not match the entropy.
    #[error("checksum rule: the last word does not match the checksum of the others")]
    BadChecksum,
    /// Entropy must be 16, 20, 24, 28 or 32 bytes.
    #[error("entropy length rule: {0} bytes, entropy has 16, 20, 24, 28 or 32")]
    BadEntropyLength(usize),
}

impl MnemonicError {
    fn from_bip39(error: bip39::Error) -> Self {
        match error {
            bip39::Error::BadWordCount(count) => Self::BadLength(count),
            bip39::Error::UnknownWord(index) => Self::UnknownWord {
                position: index + 1,
            },
            bip39::Error::InvalidChecksum => Self::BadChecksum,
            bip39::Error::BadEntropyBitCount(bits) => Self::BadEntropyLength(bits / 8),
            // Only one language is enabled, so no phrase is ambiguous.
            bip39::Error::AmbiguousLanguages(_) => Self::UnknownWord { position: 1 },
        }
    }
}

/// A validated English BIP-39 mnemonic. Zeroized on drop; `Debug` shows only the word count.
///
/// ```
/// use tangle_wallet::{Mnemonic, MnemonicError};
///
/// let phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow";
/// let mnemonic = Mnemonic::parse(phrase)?;
/// assert_eq!(mnemonic.word_count(), 12);
/// assert_eq!(format!("{mnemonic:?}"), "Mnemonic { words: 12, .. }");
/// assert_eq!(
///     Mnemonic::parse("legal winner thank year wave sausage worth useful legal winner thank thank"),
///     Err(MnemonicError::BadChecksum),
/// );
/// # Ok::<(), MnemonicError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Mnemonic(bip39::Mnemonic);

impl Mnemonic {
    /// A fresh mnemonic of `count` words from entropy drawn from `rng`.
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R, count: WordCount) -> Self {
        let mut entropy = Zeroizing::new([0u8; 32]);
        let entropy = &mut entropy[..count.entropy_bytes()];
        rng.fill_bytes(entropy);
        match bip39::Mnemonic::from_entropy(entropy) {
            Ok(mnemonic) => Self(mnemonic),
            // Every `WordCount` has a valid entropy length.
            Err(_) => unreachable!("entropy length comes from a WordCount"),
        }
    }

    /// The mnemonic encoding `entropy` (16, 20, 24, 28 or 32 bytes).
    pub fn from_entropy(entropy: &[u8]) -> Result<Self, MnemonicError> {
        if WordCount::from_words(entropy.len() * 3 / 4).is_none()
            || !entropy.len().is_multiple_of(4)
        {
            return Err(MnemonicError::BadEntropyLength(entropy.len()));
        }
        bip39::Mnemonic::from_entropy(entropy)
            .map(Self)
            .map_err(MnemonicError::from_bip39)
    }

    /// Parses and validates a phrase: words separated by whitespace, each in the English word
    /// list (lower case), then the checksum.
    pub fn parse(phrase: &str) -> Result<Self, MnemonicError> {
        let count = phrase.split_whitespace().count();
        if WordCount::from_words(count).is_none() {
            return Err(MnemonicError::BadLength(count));
        }
        bip39::Mnemonic::parse_in(bip39::Language::English, phrase)
            .map(Self)
            .map_err(MnemonicError::from_bip39)
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.0.word_count()
    }

    /// The words, separated by single spaces. Handle with care: this is the secret.
    pub fn phrase(&self) -> Zeroizing<String> {
        let mut phrase = String::new();
        for (i, word) in self.0.words().enumerate() {
            if i > 0 {
                phrase.push(' ');
            }
            phrase.push_str(word);
        }
        Zeroizing::new(phrase)
    }

    /// The entropy the words encode.
    pub fn entropy(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.to_entropy())
    }

    /// The BIP-39 seed: PBKDF2-HMAC-SHA512 over the words with salt "mnemonic" ‖ `passphrase`
    /// (NFKD-normalized), 2048 rounds. An empty passphrase is the usual choice.
    pub fn to_seed(&self, passphrase: &str) -> Seed {
        Seed(self.0.to_seed(passphrase))
    }
}

impl core::str::FromStr for Mnemonic {
    type Err = MnemonicError;

    fn from_str(phrase: &str) -> Result<Self, Self::Err> {
        Self::parse(phrase)
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mnemonic {{ words: {}, .. }}", self.word_count())
    }
}

/// A 64-byte BIP-39 seed, the root of every key of a wallet. Zeroized on drop, never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Seed([u8; SEED_LENGTH]);

impl Seed {
    /// A seed from raw bytes (e.g. SLIP-10 test vectors use 16-byte seeds: see
    /// [`ExtendedKey::master`](crate::slip10::ExtendedKey::master), which takes any length).
    pub fn from_bytes(bytes: [u8; SEED_LENGTH]) -> Self {
        Self(bytes)
    }

    /// The seed bytes.
    pub fn as_bytes(&self) -> &[u8; SEED_LENGTH] {
        &self.0
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed(..)")
    }
}
