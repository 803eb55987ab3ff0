//! Unit and property tests of signing, ZIP-215 verification and batch verification.

use super::*;
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// L, the order of the prime subgroup, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// p = 2^255 − 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// A y coordinate with no x on the curve.
fn not_a_point() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[0] = 2;
    bytes
}

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

/// Every encoding of a small-order point, canonical or not: the eight torsion points, their
/// encodings with y + p where y + p < 2^255, and "negative zero" x for the points with x = 0.
fn small_order_encodings() -> Vec<[u8; 32]> {
    let mut out = Vec::new();
    for point in EIGHT_TORSION {
        let canonical = point.compress().to_bytes();
        let mut variants = alloc::vec![canonical];
        let sign = canonical[31] & 0x80;
        let mut y = canonical;
        y[31] &= 0x7f;
        if y[1..].iter().all(|&b| b == 0) && y[0] < 19 {
            let mut big = add_le(&y, &P);
            big[31] |= sign;
            variants.push(big);
        }
        if point.compress().to_bytes()[31] & 0x80 == 0
            && (point.is_identity() || (point + point).is_identity())
        {
            for v in variants.clone() {
                let mut negative_zero = v;
                negative_zero[31] |= 0x80;
                variants.push(negative_zero);
            }
        }
        out.extend(variants);
    }
    out.sort();
    out.dedup();
    out
}

fn zebra_accepts(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let signature = ed25519_zebra::Signature::from_bytes(signature);
    ed25519_zebra::VerificationKey::try_from(*public_key)
        .and_then(|vk| vk.verify(&signature, message))
        .is_ok()
}

#[test]
fn sign_then_verify() {
    let k = key(1);
    let signature = k.sign(b"abc");
    assert_eq!(verify(&k.public_key(), b"abc", &signature), Ok(()));
    assert_eq!(k.public_key().verify(b"abc", &signature), Ok(()));
}

#[test]
fn rfc8032_test_1() {
    // RFC 8032, section 7.1, TEST 1 (empty message).
    let seed: [u8; 32] = core::array::from_fn(|i| {
        let hex = b"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        let nibble = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        (nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1])
    });
    let k = SigningKey::from_bytes(&seed);
    assert_eq!(
        k.public_key().to_string(),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    assert_eq!(
        k.sign(b"").to_string(),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    );
}

#[test]
fn rejection_rule_malformed_public_key() {
    let k = key(2);
    let signature = k.sign(b"m");
    let bad = PublicKey::from_bytes(not_a_point());
    assert!(!bad.is_curve_point());
    assert_eq!(
        verify(&bad, b"m", &signature),
        Err(VerifyError::MalformedPublicKey)
    );
}

#[test]
fn rejection_rule_malformed_r() {
    let k = key(3);
    let signature = k.sign(b"m");
    let bad = Signature::from_components(not_a_point(), signature.s_bytes());
    assert_eq!(
        verify(&k.public_key(), b"m", &bad),
        Err(VerifyError::MalformedR)
    );
}

#[test]
fn rejection_rule_non_canonical_s() {
    let k = key(4);
    let signature = k.sign(b"m");
    // S = L exactly is the smallest rejected value.
    let at_l = Signature::from_components(signature.r_bytes(), L);
    assert_eq!(
        verify(&k.public_key(), b"m", &at_l),
        Err(VerifyError::NonCanonicalS)
    );
    // S + L is the same scalar modulo L, but not canonical: a malleated signature.
    let malleated =
        Signature::from_components(signature.r_bytes(), add_le(&signature.s_bytes(), &L));
    assert_eq!(
        verify(&k.public_key(), b"m", &malleated),
        Err(VerifyError::NonCanonicalS)
    );
    // High bit set.
    let mut high = signature.s_bytes();
    high[31] |= 0x80;
    let high = Signature::from_components(signature.r_bytes(), high);
    assert_eq!(
        verify(&k.public_key(), b"m", &high),
        Err(VerifyError::NonCanonicalS)
    );
    // L − 1 is canonical: it decodes and only the equation fails.
    let mut below = L;
    below[0] -= 1;
    let below = Signature::from_components(signature.r_bytes(), below);
    assert_eq!(
        verify(&k.public_key(), b"m", &below),
        Err(VerifyError::EquationFailed)
    );
}

#[test]
fn rejection_rule_equation() {
    let k = key(5);
    let signature = k.sign(b"m");
    assert_eq!(
        verify(&k.public_key(), b"n", &signature),
        Err(VerifyError::EquationFailed)
    );
    assert_eq!(
        verify(&key(6).public_key(), b"m", &signature),
        Err(VerifyError::EquationFailed)
    );
}

#[test]
fn rules_are_checked_in_order() {
    // Everything wrong: the public key is reported first, then R, then S.
    let s_bad = Signature::from_components(not_a_point(), [0xff; 32]);
    assert_eq!(
        verify(&PublicKey::from_bytes(not_a_point()), b"", &s_bad),
        Err(VerifyError::MalformedPublicKey)
    );
    assert_eq!(
        verify(&key(1).public_key(), b"", &s_bad),
        Err(VerifyError::MalformedR)
    );
}

#[test]
fn small_order_encodings_all_verify_with_zero_s() {
    // ZIP-215: every encoding of a small-order point is accepted for A and R, and with S = 0 the
    // cofactored equation holds. This is the ZIP-215 "small order" test family.
    let encodings = small_order_encodings();
    assert_eq!(encodings.len(), 14);
    for a in &encodings {
        for r in &encodings {
            let signature = Signature::from_components(*r, [0; 32]);
            assert_eq!(
                verify(&PublicKey::from_bytes(*a), b"Zcash", &signature),
                Ok(())
            );
            assert!(zebra_accepts(a, b"Zcash", &signature.to_bytes()));
        }
    }
}

#[test]
fn cofactored_equation_accepts_torsion_in_r() {
    // A = identity, R = [S]B + T with T of order 8: valid under ZIP-215 (cofactored), while a
    // cofactorless verifier such as ed25519-dalek's `verify` rejects it.
    let s = Scalar::from(1234u64);
    let r = (ED25519_BASEPOINT_POINT * s + EIGHT_TORSION[1])
        .compress()
        .to_bytes();
    let a = EIGHT_TORSION[0].compress().to_bytes();
    let signature = Signature::from_components(r, s.to_bytes());
    assert_eq!(
        verify(&PublicKey::from_bytes(a), b"msg", &signature),
        Ok(())
    );
    let dalek = ed25519_dalek::VerifyingKey::from_bytes(&a).map(|vk| {
        use ed25519_dalek::Verifier;
        vk.verify(
            b"msg",
            &ed25519_dalek::Signature::from_bytes(&signature.to_bytes()),
        )
        .is_ok()
    });
    assert_eq!(dalek.ok(), Some(false));
}

#[test]
fn signing_key_debug_hides_the_secret() {
    let k = key(0xab);
    let text = format!("{k:?}");
    assert!(text.contains(&k.public_key().to_string()));
    assert!(!text.contains("abab"));
    assert_eq!(*k.to_bytes(), [0xab; 32]);
}

#[test]
fn generate_uses_the_rng() {
    let mut rng = StdRng::seed_from_u64(1);
    let a = SigningKey::generate(&mut rng);
    let b = SigningKey::generate(&mut rng);
    assert_ne!(a.public_key(), b.public_key());
    let mut rng = StdRng::seed_from_u64(1);
    assert_eq!(SigningKey::generate(&mut rng).public_key(), a.public_key());
}

#[test]
fn hex_forms() {
    let k = key(7);
    let pk = k.public_key();
    let sig = k.sign(b"x");
    assert_eq!(pk.to_string().parse::<PublicKey>(), Ok(pk));
    assert_eq!(sig.to_string().parse::<Signature>(), Ok(sig));
    assert_eq!(
        "ab".parse::<PublicKey>(),
        Err(ParseHexError::Length {
            expected: 64,
            actual: 2
        })
    );
    assert_eq!(
        "zz".repeat(32).parse::<PublicKey>(),
        Err(ParseHexError::InvalidCharacter)
    );
    assert_eq!(
        PublicKey::try_from(&[0u8; 31][..]),
        Err(LengthError {
            expected: 32,
            actual: 31
        })
    );
    assert_eq!(
        Signature::try_from(&[0u8; 64][..]),
        Ok(Signature::from_bytes([0; 64]))
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_hex() {
    let k = key(9);
    let pk = k.public_key();
    let sig = k.sign(b"x");
    let json = serde_json::to_string(&pk).unwrap_or_default();
    assert_eq!(json, format!("\"{pk}\""));
    assert_eq!(serde_json::from_str::<PublicKey>(&json).ok(), Some(pk));
    let json = serde_json::to_string(&sig).unwrap_or_default();
    assert_eq!(json, format!("\"{sig}\""));
    assert_eq!(serde_json::from_str::<Signature>(&json).ok(), Some(sig));
    assert!(serde_json::from_str::<PublicKey>("\"00\"").is_err());
}

#[test]
fn batch_of_nothing_and_of_one() {
    let mut rng = StdRng::seed_from_u64(2);
    assert!(BatchVerifier::new().verify(&mut rng).is_empty());
    let k = key(1);
    let sig = k.sign(b"a");
    let mut batch = BatchVerifier::new();
    batch.queue(&k.public_key(), b"b", &sig);
    assert_eq!(
        batch.verify(&mut rng).results(),
        &[Err(VerifyError::EquationFailed)]
    );
}

#[test]
fn batch_names_the_bad_signatures() {
    let mut rng = StdRng::seed_from_u64(3);
    let keys: Vec<SigningKey> = (0..64u8).map(key).collect();
    let messages: Vec<[u8; 8]> = (0..64u64).map(u64::to_le_bytes).collect();
    let mut signatures: Vec<Signature> =
        keys.iter().zip(&messages).map(|(k, m)| k.sign(m)).collect();
    let public_keys: Vec<PublicKey> = keys.iter().map(SigningKey::public_key).collect();
    // Corrupt a few, with different rules.
    signatures[3] = keys[4].sign(&messages[3]);
    signatures[17] = Signature::from_components(signatures[17].r_bytes(), L);
    signatures[40] = Signature::from_components(not_a_point(), signatures[40].s_bytes());
    signatures[63] = keys[63].sign(b"other");
    let items: Vec<BatchItem<'_>> = (0..64)
        .map(|i| BatchItem::new(&public_keys[i], &messages[i], &signatures[i]))
        .collect();
    let outcome = verify_batch(&items, &mut rng);
    assert_eq!(outcome.failed_indices(), alloc::vec![3, 17, 40, 63]);
    assert_eq!(outcome.get(17), Some(Err(VerifyError::NonCanonicalS)));
    assert_eq!(outcome.get(40), Some(Err(VerifyError::MalformedR)));
    assert_eq!(outcome.get(3), Some(Err(VerifyError::EquationFailed)));
    for (i, item) in items.iter().enumerate() {
        assert_eq!(
            outcome.get(i),
            Some(verify(item.public_key, item.message, item.signature))
        );
    }
}

#[test]
fn batch_accepts_small_order_mixtures() {
    // Batch and single verification agree on the ZIP-215 edge cases too.
    let mut rng = StdRng::seed_from_u64(4);
    let encodings = small_order_encodings();
    let mut batch = BatchVerifier::new();
    for a in &encodings {
        for r in &encodings {
            batch.queue(
                &PublicKey::from_bytes(*a),
                b"Zcash",
                &Signature::from_components(*r, [0; 32]),
            );
        }
    }
    let k = key(1);
    batch.queue(&k.public_key(), b"x", &k.sign(b"x"));
    assert!(batch.verify(&mut rng).is_all_valid());
}

/// How a test item is damaged.
#[derive(Clone, Copy, Debug)]
enum Damage {
    None,
    SignatureBit(usize),
    MessageBit(usize),
    KeyBit(usize),
    SmallOrderKey(usize),
}

fn damage_strategy() -> impl Strategy<Value = Damage> {
    prop_oneof![
        4 => Just(Damage::None),
        2 => (0usize..512).prop_map(Damage::SignatureBit),
        1 => (0usize..64).prop_map(Damage::MessageBit),
        1 => (0usize..256).prop_map(Damage::KeyBit),
        1 => (0usize..14).prop_map(Damage::SmallOrderKey),
    ]
}

fn damaged_item(seed: u8, damage: Damage) -> (PublicKey, Vec<u8>, Signature) {
    let k = key(seed);
    let mut message = alloc::vec![seed, 1, 2, 3, 4, 5, 6, 7];
    let mut signature = k.sign(&message).to_bytes();
    let mut public_key = k.public_key().to_bytes();
    match damage {
        Damage::None => {}
        Damage::SignatureBit(bit) => signature[bit / 8] ^= 1 << (bit % 8),
        Damage::MessageBit(bit) => message[bit / 8] ^= 1 << (bit % 8),
        Damage::KeyBit(bit) => public_key[bit / 8] ^= 1 << (bit % 8),
        Damage::SmallOrderKey(i) => {
            let encodings = small_order_encodings();
            public_key = encodings[i % encodings.len()];
        }
    }
    (
        PublicKey::from_bytes(public_key),
        message,
        Signature::from_bytes(signature),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn sign_verify_round_trip(seed in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..300)) {
        let k = SigningKey::from_bytes(&seed);
        let signature = k.sign(&message);
        prop_assert_eq!(verify(&k.public_key(), &message, &signature), Ok(()));
        prop_assert!(zebra_accepts(k.public_key().as_bytes(), &message, signature.as_bytes()));
    }

    #[test]
    fn agrees_with_ed25519_zebra(seed in any::<u8>(), damage in damage_strategy()) {
        let (public_key, message, signature) = damaged_item(seed, damage);
        let ours = verify(&public_key, &message, &signature);
        prop_assert_eq!(ours.is_ok(), zebra_accepts(public_key.as_bytes(), &message, signature.as_bytes()));
        if matches!(damage, Damage::None) {
            prop_assert_eq!(ours, Ok(()));
        }
    }

    #[test]
    fn arbitrary_bytes_agree_with_ed25519_zebra(
        public_key in any::<[u8; 32]>(),
        signature in proptest::collection::vec(any::<u8>(), 64),
        message in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(&signature);
        let ours = verify(&PublicKey::from_bytes(public_key), &message, &Signature::from_bytes(bytes));
        prop_assert_eq!(ours.is_ok(), zebra_accepts(&public_key, &message, &bytes));
    }

    #[test]
    fn batch_equals_single(
        items in proptest::collection::vec((any::<u8>(), damage_strategy()), 0..48),
        rng_seed in any::<u64>(),
    ) {
        let items: Vec<_> = items.into_iter().map(|(seed, damage)| damaged_item(seed, damage)).collect();
        let borrowed: Vec<BatchItem<'_>> =
            items.iter().map(|(pk, m, s)| BatchItem::new(pk, m, s)).collect();
        let outcome = verify_batch(&borrowed, &mut StdRng::seed_from_u64(rng_seed));
        prop_assert_eq!(outcome.len(), items.len());
        for (i, (pk, m, s)) in items.iter().enumerate() {
            prop_assert_eq!(outcome.get(i), Some(verify(pk, m, s)));
        }
    }
}
