//! Tests of the Ed25519 address and Bech32 codec in `address.rs`.

use super::*;
use alloc::string::ToString;
use alloc::vec::Vec;
use proptest::prelude::*;

fn tip11() -> Ed25519Address {
    "efdc112efe262b304bcf379b26c31bad029f616ee3ec4aa6345a366e4c9e43a3"
        .parse()
        .unwrap_or(Ed25519Address([0; 32]))
}

#[test]
fn hrp_constants_are_valid() {
    assert_eq!(Hrp::new("iota"), Ok(Hrp::IOTA));
    assert_eq!(Hrp::new("atoi"), Ok(Hrp::ATOI));
    assert_eq!(Hrp::MAX_LENGTH, 30);
    assert_eq!(Hrp::IOTA.to_string(), "iota");
}

#[test]
fn hrp_rejections() {
    assert_eq!(Hrp::new(""), Err(HrpError::Empty));
    assert_eq!(Hrp::new("Ab"), Err(HrpError::MixedCase));
    assert_eq!(Hrp::new("a b"), Err(HrpError::InvalidCharacter(' ')));
    assert_eq!(Hrp::new("aé"), Err(HrpError::InvalidCharacter('é')));
    assert_eq!(
        Hrp::new(&"a".repeat(31)),
        Err(HrpError::TooLong {
            length: 31,
            max: 30
        })
    );
    assert!(Hrp::new(&"a".repeat(30)).is_ok());
}

#[test]
fn longest_hrp_gives_a_90_character_address() {
    let hrp = Hrp::new(&"x".repeat(Hrp::MAX_LENGTH)).unwrap_or(Hrp::IOTA);
    let text = tip11().to_bech32(&hrp);
    assert_eq!(text.len(), BECH32_MAX_LENGTH);
    assert_eq!(decode_bech32(&text), Ok((hrp, Address::Ed25519(tip11()))));
}

#[test]
fn rejects_bech32m() {
    let text: String = tip11()
        .to_serialized()
        .iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32m>(&Hrp::IOTA.0)
        .chars()
        .collect();
    assert_eq!(decode_bech32(&text), Err(Bech32Error::Bech32m));
}

#[test]
fn rejects_bad_checksum() {
    let mut text = tip11().to_bech32(&Hrp::IOTA);
    let last = if text.ends_with('q') { 'p' } else { 'q' };
    text.pop();
    text.push(last);
    assert_eq!(decode_bech32(&text), Err(Bech32Error::InvalidChecksum));
}

#[test]
fn rejects_mixed_case() {
    let text = tip11().to_bech32(&Hrp::IOTA).replacen('q', "Q", 1);
    assert_eq!(decode_bech32(&text), Err(Bech32Error::MixedCase));
}

#[test]
fn accepts_upper_case() {
    let text = tip11().to_bech32(&Hrp::IOTA).to_uppercase();
    assert_eq!(
        decode_bech32(&text),
        Ok((Hrp::IOTA, Address::Ed25519(tip11())))
    );
}

#[test]
fn rejects_missing_separator_and_bad_characters() {
    assert_eq!(
        decode_bech32("qpzqpzqpz"),
        Err(Bech32Error::MissingSeparator)
    );
    assert_eq!(decode_bech32(""), Err(Bech32Error::MissingSeparator));
    assert_eq!(
        decode_bech32("iota1qqqbqqqqqq"),
        Err(Bech32Error::InvalidCharacter('b'))
    );
    assert_eq!(
        decode_bech32("1qqqqqqqqq"),
        Err(Bech32Error::InvalidHrp(HrpError::Empty))
    );
    assert!(matches!(
        decode_bech32("io ta1qqqqqqqqq"),
        Err(Bech32Error::InvalidHrp(HrpError::InvalidCharacter(' ')))
    ));
}

fn encode_raw(hrp: &Hrp, data: &[u8]) -> String {
    data.iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32>(&hrp.0)
        .chars()
        .collect()
}

#[test]
fn rejects_wrong_length() {
    assert_eq!(
        decode_bech32(&encode_raw(&Hrp::IOTA, &[0; 32])),
        Err(Bech32Error::Length(32))
    );
    assert_eq!(
        decode_bech32(&encode_raw(&Hrp::IOTA, &[0; 34])),
        Err(Bech32Error::Length(34))
    );
    assert_eq!(
        decode_bech32(&encode_raw(&Hrp::IOTA, &[])),
        Err(Bech32Error::Length(0))
    );
}

#[test]
fn rejects_unknown_type() {
    let mut bytes = tip11().to_serialized();
    bytes[0] = 1;
    assert_eq!(
        decode_bech32(&encode_raw(&Hrp::IOTA, &bytes)),
        Err(Bech32Error::UnknownAddressType(1))
    );
}

#[test]
fn rejects_too_long() {
    let hrp = bech32::Hrp::parse_unchecked(&"x".repeat(31));
    let text: String = tip11()
        .to_serialized()
        .iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32>(&hrp)
        .chars()
        .collect();
    assert_eq!(decode_bech32(&text), Err(Bech32Error::TooLong(91)));
}

#[test]
fn rejects_non_zero_padding() {
    // 53 data characters carry 265 bits: flip the last (padding) bit and fix the checksum.
    let fes: Vec<bech32::Fe32> = tip11()
        .to_serialized()
        .iter()
        .copied()
        .bytes_to_fes()
        .collect();
    let mut fes = fes;
    if let Some(last) = fes.last_mut() {
        *last = bech32::Fe32::try_from(last.to_u8() | 1).unwrap_or(*last);
    }
    let text: String = fes
        .into_iter()
        .with_checksum::<Bech32>(&Hrp::IOTA.0)
        .chars()
        .collect();
    assert_eq!(decode_bech32(&text), Err(Bech32Error::NonZeroPadding));
}

#[test]
fn address_bytes_round_trip() {
    let address = Address::Ed25519(tip11());
    assert_eq!(Address::from_bytes(&address.to_bytes()), Ok(address));
    assert_eq!(address.kind(), 0);
    assert_eq!(
        Address::from_bytes(&[]),
        Err(AddressError::Length {
            expected: 33,
            actual: 0
        })
    );
    let mut long = address.to_bytes().to_vec();
    long.push(0);
    assert_eq!(
        Address::from_bytes(&long),
        Err(AddressError::Length {
            expected: 33,
            actual: 34
        })
    );
}

#[test]
fn unlock_rules() {
    let key = ed25519::SigningKey::from_bytes(&[8; 32]);
    let public_key = key.public_key();
    let address = Ed25519Address::from_public_key(&public_key);
    let signature = key.sign(b"m");
    assert_eq!(
        address.verify_signature_unlock(&public_key, b"m", &signature),
        Ok(())
    );
    assert_eq!(
        address.verify_signature_unlock(&public_key, b"n", &signature),
        Err(UnlockError::Signature(VerifyError::EquationFailed))
    );
    assert_eq!(
        Ed25519Address::new([1; 32]).verify_signature_unlock(&public_key, b"m", &signature),
        Err(UnlockError::AddressMismatch)
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_hex() {
    let json = serde_json::to_string(&tip11()).unwrap_or_default();
    assert_eq!(json, alloc::format!("\"{}\"", tip11()));
    assert_eq!(
        serde_json::from_str::<Ed25519Address>(&json).ok(),
        Some(tip11())
    );
    assert!(serde_json::from_str::<Ed25519Address>("\"0x00\"").is_err());
}

fn hrp_strategy() -> impl Strategy<Value = Hrp> {
    "[!-~]{1,30}".prop_filter_map("mixed case", |s| Hrp::new(&s).ok())
}

/// Arbitrary text, or the Bech32 encoding of 33 bytes under an arbitrary HRP, lower case,
/// upper case, or with one letter's case flipped.
fn bech32_candidates() -> impl Strategy<Value = String> {
    let encoded = (
        any::<[u8; 33]>(),
        any::<bool>(),
        hrp_strategy(),
        0u8..3,
        any::<proptest::sample::Index>(),
    )
        .prop_map(|(mut bytes, ed25519, hrp, case, position)| {
            if ed25519 {
                bytes[0] = ED25519_ADDRESS_TYPE;
            }
            let text = encode_raw(&hrp, &bytes);
            match case {
                0 => text,
                1 => text.to_uppercase(),
                _ => {
                    let mut chars: Vec<char> = text.chars().collect();
                    let i = position.index(chars.len());
                    chars[i] = if chars[i].is_ascii_lowercase() {
                        chars[i].to_ascii_uppercase()
                    } else {
                        chars[i].to_ascii_lowercase()
                    };
                    chars.into_iter().collect()
                }
            }
        });
    prop_oneof![".{0,120}".boxed(), encoded.boxed()]
}

proptest! {
    #[test]
    fn bech32_round_trip(bytes in any::<[u8; 32]>(), hrp in hrp_strategy()) {
        let address = Ed25519Address::new(bytes);
        let text = address.to_bech32(&hrp);
        prop_assert!(text.len() <= BECH32_MAX_LENGTH);
        prop_assert_eq!(Ed25519Address::from_bech32(&text), Ok((hrp, address)));
        prop_assert_eq!(Ed25519Address::from_bech32(&text.to_uppercase()), Ok((hrp, address)));
    }

    /// Arbitrary text, and encodings of 33 arbitrary bytes (a type byte of 0 one time in
    /// two) in lower, upper or mixed case: decoding never panics; accepted text is one case
    /// throughout and re-encodes to itself (lower-cased).
    #[test]
    fn bech32_decode_never_panics(text in bech32_candidates()) {
        let result = decode_bech32(&text);
        let has_lower = text.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = text.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper {
            prop_assert!(result.is_err(), "mixed case accepted: {}", text);
        }
        if let Ok((hrp, address)) = result {
            prop_assert_eq!(address.to_bech32(&hrp), text.to_lowercase());
            prop_assert_eq!(decode_bech32(&address.to_bech32(&hrp)), Ok((hrp, address)));
        }
    }

    #[test]
    fn bech32_decode_never_panics_on_near_misses(
        bytes in any::<[u8; 33]>(),
        position in any::<proptest::sample::Index>(),
        replacement in any::<char>(),
    ) {
        let text = encode_raw(&Hrp::ATOI, &bytes);
        let mut chars: Vec<char> = text.chars().collect();
        let i = position.index(chars.len());
        chars[i] = replacement;
        let mutated: String = chars.into_iter().collect();
        let result = decode_bech32(&mutated);
        if mutated != text {
            // A single substitution is always caught by the checksum or an earlier rule.
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn hrp_new_never_panics(text in ".{0,40}") {
        if let Ok(hrp) = Hrp::new(&text) {
            prop_assert_eq!(hrp.as_str(), text.to_ascii_lowercase());
        }
    }
}
