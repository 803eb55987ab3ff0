//! Balanced ternary: trits, trytes and the b1t6 byte encoding (TIP-5).
//!
//! - A [`Trit`] is a balanced ternary digit: −1, 0 or 1.
//! - A tryte is three trits, least significant first, with a value in −13..=13. It is written as one
//!   character of [`TRYTE_ALPHABET`]: `9` is 0, `A`..=`M` are 1..=13 and `N`..=`Z` are −13..=−1.
//! - b1t6 turns each byte, read as a signed `i8`, into six trits (two trytes), least significant
//!   first. Two trytes can hold −364..=364, so decoding must reject pairs outside −128..=127.
//!
//! ```
//! use tangle_crypto::ternary::{b1t6_decode_trytes, b1t6_encode_trytes};
//!
//! let trytes = b1t6_encode_trytes(&[0x00, 0x01, 0x7f, 0x80, 0xff]);
//! assert_eq!(trytes, "99A9SEGVZ9");
//! assert_eq!(b1t6_decode_trytes(&trytes)?, [0x00, 0x01, 0x7f, 0x80, 0xff]);
//! # Ok::<(), tangle_crypto::ternary::TernaryError>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;

/// The 27 tryte characters, in the order of their unsigned index: `9` = 0, `A` = 1, ..., `M` = 13,
/// `N` = 14 (value −13), ..., `Z` = 26 (value −1).
pub const TRYTE_ALPHABET: &str = "9ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Trits per tryte.
pub const TRITS_PER_TRYTE: usize = 3;

/// Trits per byte in b1t6.
pub const TRITS_PER_BYTE: usize = 6;

/// Trytes per byte in b1t6.
pub const TRYTES_PER_BYTE: usize = 2;

/// Largest tryte value (`M`); the smallest is its negation (`N`).
pub const MAX_TRYTE_VALUE: i8 = 13;

/// Why a ternary conversion or a b1t6 decoding was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TernaryError {
    /// An integer that is not −1, 0 or 1 was offered as a trit.
    #[error("invalid trit value {value}: a balanced trit is -1, 0 or 1")]
    InvalidTrit {
        /// The rejected value.
        value: i8,
    },
    /// A character outside the tryte alphabet `9A..Z`.
    #[error("invalid tryte character {found:?} at byte offset {index}: trytes are 9 or A..=Z")]
    InvalidTryte {
        /// Byte offset of the character in the input string.
        index: usize,
        /// The rejected character.
        found: char,
    },
    /// A trit sequence whose length is not a whole number of trytes.
    #[error("trit count {len} is not a multiple of 3, so it is not a whole number of trytes")]
    TritCountNotMultipleOfThree {
        /// Number of trits in the input.
        len: usize,
    },
    /// b1t6: an odd number of trytes (every byte is two trytes).
    #[error("b1t6: odd tryte count {len}: every byte is encoded as two trytes")]
    OddTryteCount {
        /// Number of trytes in the input.
        len: usize,
    },
    /// b1t6: a trit count that is not a multiple of 6 (every byte is six trits).
    #[error("b1t6: trit count {len} is not a multiple of 6: every byte is encoded as six trits")]
    TritCountNotMultipleOfSix {
        /// Number of trits in the input.
        len: usize,
    },
    /// b1t6: a group of six trits (a tryte pair) whose value does not fit a signed byte, such as
    /// the tryte pair `LI` (12 + 27·9 = 255).
    #[error("b1t6: group {index} has value {value}, outside the i8 range -128..=127")]
    ValueOutOfByteRange {
        /// Index of the offending group, which is also the index of the byte it would decode to.
        index: usize,
        /// The value the group encodes (within −364..=364).
        value: i16,
    },
}

/// A balanced ternary digit.
///
/// ```
/// use tangle_crypto::ternary::Trit;
///
/// assert_eq!(Trit::try_from(-1)?, Trit::MinusOne);
/// assert_eq!(i8::from(Trit::PlusOne), 1);
/// assert!(Trit::try_from(2).is_err());
/// # Ok::<(), tangle_crypto::ternary::TernaryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(i8)]
pub enum Trit {
    /// −1.
    MinusOne = -1,
    /// 0.
    #[default]
    Zero = 0,
    /// 1.
    PlusOne = 1,
}

impl Trit {
    /// All three trits, in increasing order.
    pub const ALL: [Trit; 3] = [Trit::MinusOne, Trit::Zero, Trit::PlusOne];

    /// The trit's value: −1, 0 or 1.
    pub const fn value(self) -> i8 {
        self as i8
    }

    /// The trit with value `value`, or `None` when `value` is not −1, 0 or 1.
    pub const fn from_i8(value: i8) -> Option<Trit> {
        match value {
            -1 => Some(Trit::MinusOne),
            0 => Some(Trit::Zero),
            1 => Some(Trit::PlusOne),
            _ => None,
        }
    }
}

impl From<Trit> for i8 {
    fn from(trit: Trit) -> i8 {
        trit.value()
    }
}

impl TryFrom<i8> for Trit {
    type Error = TernaryError;

    fn try_from(value: i8) -> Result<Trit, TernaryError> {
        Trit::from_i8(value).ok_or(TernaryError::InvalidTrit { value })
    }
}

/// Checks a slice of integers and turns it into trits.
///
/// ```
/// use tangle_crypto::ternary::{trits_from_i8s, Trit};
///
/// assert_eq!(trits_from_i8s(&[1, 0, -1])?, [Trit::PlusOne, Trit::Zero, Trit::MinusOne]);
/// assert!(trits_from_i8s(&[1, 3]).is_err());
/// # Ok::<(), tangle_crypto::ternary::TernaryError>(())
/// ```
pub fn trits_from_i8s(values: &[i8]) -> Result<Vec<Trit>, TernaryError> {
    values.iter().map(|&v| Trit::try_from(v)).collect()
}

/// The value (−13..=13) of a tryte character, or `None` if `c` is not in [`TRYTE_ALPHABET`].
///
/// ```
/// use tangle_crypto::ternary::tryte_value;
///
/// assert_eq!(tryte_value('9'), Some(0));
/// assert_eq!(tryte_value('M'), Some(13));
/// assert_eq!(tryte_value('N'), Some(-13));
/// assert_eq!(tryte_value('a'), None);
/// ```
pub const fn tryte_value(c: char) -> Option<i8> {
    match c {
        '9' => Some(0),
        'A'..='M' => Some((c as u32 - 'A' as u32) as i8 + 1),
        'N'..='Z' => Some((c as u32 - 'N' as u32) as i8 - 13),
        _ => None,
    }
}

/// The character of a tryte value, or `None` when `value` is outside −13..=13.
///
/// ```
/// use tangle_crypto::ternary::tryte_char;
///
/// assert_eq!(tryte_char(-1), Some('Z'));
/// assert_eq!(tryte_char(14), None);
/// ```
pub const fn tryte_char(value: i8) -> Option<char> {
    if value < -MAX_TRYTE_VALUE || value > MAX_TRYTE_VALUE {
        return None;
    }
    let index = if value < 0 { value + 27 } else { value } as usize;
    Some(TRYTE_ALPHABET.as_bytes()[index] as char)
}

/// The three trits (least significant first) of a tryte value, or `None` outside −13..=13.
///
/// ```
/// use tangle_crypto::ternary::{tryte_value_to_trits, Trit};
///
/// // 5 = -1 + 3·(-1) + 9·1
/// assert_eq!(tryte_value_to_trits(5), Some([Trit::MinusOne, Trit::MinusOne, Trit::PlusOne]));
/// ```
pub const fn tryte_value_to_trits(value: i8) -> Option<[Trit; 3]> {
    if value < -MAX_TRYTE_VALUE || value > MAX_TRYTE_VALUE {
        return None;
    }
    Some(small_to_trits::<3>(value as i16))
}

/// The value of three trits, least significant first (−13..=13).
pub const fn trits_to_tryte_value(trits: [Trit; 3]) -> i8 {
    trits[0].value() + 3 * trits[1].value() + 9 * trits[2].value()
}

/// Balanced ternary digits of `value`, least significant first. `value` must fit in `N` trits.
const fn small_to_trits<const N: usize>(mut value: i16) -> [Trit; N] {
    let mut out = [Trit::Zero; N];
    let mut i = 0;
    while i < N {
        // Remainder in -1..=1: shift to 0..=2 with a non-negative modulus first.
        let r = (value + 1).rem_euclid(3) - 1;
        out[i] = match r {
            -1 => Trit::MinusOne,
            0 => Trit::Zero,
            _ => Trit::PlusOne,
        };
        value = (value - r) / 3;
        i += 1;
    }
    out
}

/// Converts a tryte string to trits (three per character, least significant first).
///
/// ```
/// use tangle_crypto::ternary::{trytes_to_trits, Trit};
///
/// assert_eq!(trytes_to_trits("A")?, [Trit::PlusOne, Trit::Zero, Trit::Zero]);
/// assert!(trytes_to_trits("a").is_err());
/// # Ok::<(), tangle_crypto::ternary::TernaryError>(())
/// ```
pub fn trytes_to_trits(trytes: &str) -> Result<Vec<Trit>, TernaryError> {
    let mut out = Vec::with_capacity(trytes.len().saturating_mul(TRITS_PER_TRYTE));
    for (index, c) in trytes.char_indices() {
        let value = tryte_value(c).ok_or(TernaryError::InvalidTryte { index, found: c })?;
        out.extend_from_slice(&small_to_trits::<3>(i16::from(value)));
    }
    Ok(out)
}

/// Converts trits to a tryte string; the trit count must be a multiple of 3.
///
/// ```
/// use tangle_crypto::ternary::{trits_to_trytes, Trit};
///
/// assert_eq!(trits_to_trytes(&[Trit::MinusOne, Trit::Zero, Trit::Zero])?, "Z");
/// assert!(trits_to_trytes(&[Trit::Zero]).is_err());
/// # Ok::<(), tangle_crypto::ternary::TernaryError>(())
/// ```
pub fn trits_to_trytes(trits: &[Trit]) -> Result<String, TernaryError> {
    if !trits.len().is_multiple_of(TRITS_PER_TRYTE) {
        return Err(TernaryError::TritCountNotMultipleOfThree { len: trits.len() });
    }
    Ok(trits
        .chunks_exact(TRITS_PER_TRYTE)
        .map(|t| {
            let index = (trits_to_tryte_value([t[0], t[1], t[2]]) + 27) % 27;
            TRYTE_ALPHABET.as_bytes()[index as usize] as char
        })
        .collect())
}

/// b1t6 of a single byte: six trits, least significant first, of the byte read as an `i8`.
///
/// ```
/// use tangle_crypto::ternary::{b1t6_encode_byte, Trit};
///
/// assert_eq!(b1t6_encode_byte(0x01)[0], Trit::PlusOne);
/// assert_eq!(b1t6_encode_byte(0xff)[0], Trit::MinusOne);
/// ```
pub const fn b1t6_encode_byte(byte: u8) -> [Trit; 6] {
    small_to_trits::<6>(byte as i8 as i16)
}

/// b1t6 encoding of `bytes` into trits (six per byte).
pub fn b1t6_encode(bytes: &[u8]) -> Vec<Trit> {
    let mut out = Vec::with_capacity(bytes.len() * TRITS_PER_BYTE);
    for &b in bytes {
        out.extend_from_slice(&b1t6_encode_byte(b));
    }
    out
}

/// b1t6 encoding of `bytes` into trytes (two per byte).
///
/// ```
/// use tangle_crypto::ternary::b1t6_encode_trytes;
///
/// assert_eq!(b1t6_encode_trytes(&[0x00, 0x01, 0x02]), "99A9B9");
/// ```
pub fn b1t6_encode_trytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * TRYTES_PER_BYTE);
    for &b in bytes {
        let v = i16::from(b as i8);
        // v = low + 27·high with both in -13..=13.
        let low = (v + 13).rem_euclid(27) - 13;
        let high = (v - low) / 27;
        for t in [low, high] {
            let index = (t + 27) % 27;
            out.push(TRYTE_ALPHABET.as_bytes()[index as usize] as char);
        }
    }
    out
}

/// Decodes b1t6 trits (six per byte) back to bytes.
///
/// Errors: [`TernaryError::TritCountNotMultipleOfSix`], then
/// [`TernaryError::ValueOutOfByteRange`] for the first group of six trits outside −128..=127.
///
/// ```
/// use tangle_crypto::ternary::{b1t6_decode_trits, b1t6_encode};
///
/// assert_eq!(b1t6_decode_trits(&b1t6_encode(b"iota"))?, b"iota");
/// # Ok::<(), tangle_crypto::ternary::TernaryError>(())
/// ```
pub fn b1t6_decode_trits(trits: &[Trit]) -> Result<Vec<u8>, TernaryError> {
    if !trits.len().is_multiple_of(TRITS_PER_BYTE) {
        return Err(TernaryError::TritCountNotMultipleOfSix { len: trits.len() });
    }
    trits
        .chunks_exact(TRITS_PER_BYTE)
        .enumerate()
        .map(|(index, group)| {
            let value = group
                .iter()
                .rev()
                .fold(0i16, |acc, t| acc * 3 + i16::from(t.value()));
            group_to_byte(index, value)
        })
        .collect()
}

/// Decodes b1t6 trytes (two per byte) back to bytes.
///
/// The checks run in this order: every character must be in [`TRYTE_ALPHABET`]
/// ([`TernaryError::InvalidTryte`], first offender), the count must be even
/// ([`TernaryError::OddTryteCount`]), and every pair must encode a value in −128..=127
/// ([`TernaryError::ValueOutOfByteRange`], first offender). It never panics.
///
/// ```
/// use tangle_crypto::ternary::{b1t6_decode_trytes, TernaryError};
///
/// assert_eq!(b1t6_decode_trytes("99A9")?, [0, 1]);
/// assert_eq!(b1t6_decode_trytes("LI"), Err(TernaryError::ValueOutOfByteRange { index: 0, value: 255 }));
/// assert_eq!(b1t6_decode_trytes("999"), Err(TernaryError::OddTryteCount { len: 3 }));
/// # Ok::<(), TernaryError>(())
/// ```
pub fn b1t6_decode_trytes(trytes: &str) -> Result<Vec<u8>, TernaryError> {
    let mut values = Vec::with_capacity(trytes.len());
    for (index, c) in trytes.char_indices() {
        values.push(tryte_value(c).ok_or(TernaryError::InvalidTryte { index, found: c })?);
    }
    if !values.len().is_multiple_of(TRYTES_PER_BYTE) {
        return Err(TernaryError::OddTryteCount { len: values.len() });
    }
    values
        .chunks_exact(TRYTES_PER_BYTE)
        .enumerate()
        .map(|(index, pair)| group_to_byte(index, i16::from(pair[0]) + 27 * i16::from(pair[1])))
        .collect()
}

fn group_to_byte(index: usize, value: i16) -> Result<u8, TernaryError> {
    i8::try_from(value)
        .map(|v| v as u8)
        .map_err(|_| TernaryError::ValueOutOfByteRange { index, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tryte_values_cover_the_alphabet_in_order() {
        for (i, c) in TRYTE_ALPHABET.chars().enumerate() {
            let v = tryte_value(c).map(i32::from);
            let expected = if i <= 13 { i as i32 } else { i as i32 - 27 };
            assert_eq!(v, Some(expected));
            assert_eq!(tryte_char(expected as i8), Some(c));
            let trits = tryte_value_to_trits(expected as i8).map(trits_to_tryte_value);
            assert_eq!(trits, Some(expected as i8));
        }
        assert_eq!(tryte_char(-14), None);
        assert_eq!(tryte_value_to_trits(14), None);
    }

    #[test]
    fn every_byte_round_trips_through_trits_and_trytes() {
        for b in 0..=255u8 {
            let trits = b1t6_encode(&[b]);
            let trytes = b1t6_encode_trytes(&[b]);
            assert_eq!(trits_to_trytes(&trits).as_deref(), Ok(trytes.as_str()));
            assert_eq!(b1t6_decode_trits(&trits), Ok(alloc::vec![b]));
            assert_eq!(b1t6_decode_trytes(&trytes), Ok(alloc::vec![b]));
        }
    }

    #[test]
    fn trit_conversions_reject_bad_values() {
        assert_eq!(
            Trit::try_from(2),
            Err(TernaryError::InvalidTrit { value: 2 })
        );
        assert_eq!(
            Trit::try_from(i8::MIN),
            Err(TernaryError::InvalidTrit { value: i8::MIN })
        );
        for t in Trit::ALL {
            assert_eq!(Trit::try_from(t.value()), Ok(t));
        }
    }
}
