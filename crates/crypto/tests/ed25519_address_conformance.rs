//! Conformance with the public Chrysalis test vectors: ZIP-215 signature unlocks (TIP-14), Bech32
//! addresses (TIP-11), network ids (TIP-6) and the inclusion Merkle root (TIP-4).
//!
//! The vectors are read at test time from this crate's `tests/data/` (its README names each
//! file's source).

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;
use tangle_crypto::address::{
    Address, Ed25519Address, Hrp, UnlockError, decode_bech32, verify_signature_unlock,
};
use tangle_crypto::ed25519::{BatchVerifier, PublicKey, Signature, verify};
use tangle_crypto::merkle::merkle_root;
use tangle_crypto::network_id;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

fn bytes<const N: usize>(value: &Value) -> [u8; N] {
    let text = value.as_str().expect("a hex string");
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).expect("hex of the right length");
    out
}

fn vec_bytes(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("a hex string")).expect("hex")
}

struct UnlockCase {
    address: [u8; 33],
    message: Vec<u8>,
    public_key: PublicKey,
    signature: Signature,
    valid: bool,
}

fn unlock_cases() -> Vec<UnlockCase> {
    let file = load("ed25519-zip215.json");
    let cases = file["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 12, "the README announces 12 cases");
    cases
        .iter()
        .map(|case| UnlockCase {
            address: bytes(&case["address"]),
            message: vec_bytes(&case["message"]),
            public_key: PublicKey::from_bytes(bytes(&case["pub_key"])),
            signature: Signature::from_bytes(bytes(&case["signature"])),
            valid: case["valid"].as_bool().expect("valid flag"),
        })
        .collect()
}

/// The serialized address of a case, as an `Ed25519Address`.
fn case_address(case: &UnlockCase) -> Ed25519Address {
    match Address::from_bytes(&case.address) {
        Ok(Address::Ed25519(address)) => address,
        Err(e) => panic!("case address does not decode: {e}"),
    }
}

#[test]
fn zip215_unlock_cases() {
    let mut signature_only_invalid = 0;
    let mut address_only_invalid = 0;
    for (i, case) in unlock_cases().iter().enumerate() {
        let signature_ok = verify(&case.public_key, &case.message, &case.signature).is_ok();
        let address = case_address(case);
        let address_ok = Ed25519Address::from_public_key(&case.public_key) == address;

        // The consensus answer is the conjunction of both parts.
        assert_eq!(
            signature_ok && address_ok,
            case.valid,
            "case {i}: signature {signature_ok}, address {address_ok}"
        );
        let unlock =
            verify_signature_unlock(&address, &case.public_key, &case.message, &case.signature);
        assert_eq!(unlock.is_ok(), case.valid, "case {i}: {unlock:?}");
        if !address_ok {
            assert_eq!(unlock, Err(UnlockError::AddressMismatch), "case {i}");
        } else if !signature_ok {
            assert!(matches!(unlock, Err(UnlockError::Signature(_))), "case {i}");
        }
        if signature_ok && !address_ok {
            address_only_invalid += 1;
        }
        if !signature_ok && address_ok {
            signature_only_invalid += 1;
        }
    }
    assert!(
        address_only_invalid >= 1,
        "the file promises a case invalid only because of its address"
    );
    assert!(signature_only_invalid >= 1);
}

#[test]
fn zip215_signature_part_per_case() {
    // The signature part alone, case by case: cases 6 and 7 carry S ≥ L, case 8 (R a
    // non-canonical encoding) fails the equation, and the others verify, including non-canonical
    // and small-order A and R (cases 0, 8-11). ed25519-zebra, the reference ZIP-215
    // implementation, must agree on each.
    use tangle_crypto::ed25519::VerifyError::{EquationFailed, NonCanonicalS};
    let expected = [
        Ok(()),
        Ok(()),
        Ok(()),
        Ok(()),
        Ok(()),
        Ok(()),
        Err(NonCanonicalS),
        Err(NonCanonicalS),
        Err(EquationFailed),
        Ok(()),
        Ok(()),
        Ok(()),
    ];
    for (i, (case, expected)) in unlock_cases().iter().zip(expected).enumerate() {
        assert_eq!(
            verify(&case.public_key, &case.message, &case.signature),
            expected,
            "case {i}"
        );
        let zebra =
            ed25519_zebra::VerificationKey::try_from(case.public_key.to_bytes()).and_then(|vk| {
                vk.verify(
                    &ed25519_zebra::Signature::from_bytes(case.signature.as_bytes()),
                    &case.message,
                )
            });
        assert_eq!(
            zebra.is_ok(),
            expected.is_ok(),
            "case {i}: ed25519-zebra disagrees"
        );
    }
}

#[test]
fn zip215_address_part_per_case() {
    // The address part alone: only case 10 carries an address that is not the hash of its key.
    for (i, case) in unlock_cases().iter().enumerate() {
        let matches = case_address(case).matches(&case.public_key);
        assert_eq!(matches, i != 10, "case {i}");
    }
}

#[test]
fn zip215_cases_in_one_batch() {
    let cases = unlock_cases();
    let mut batch = BatchVerifier::new();
    for case in &cases {
        batch.queue(&case.public_key, &case.message, &case.signature);
    }
    for seed in 0..8 {
        let outcome = batch.verify(&mut StdRng::seed_from_u64(seed));
        for (i, case) in cases.iter().enumerate() {
            assert_eq!(
                outcome.get(i),
                Some(verify(&case.public_key, &case.message, &case.signature)),
                "case {i}"
            );
        }
    }
}

#[test]
fn bech32_addresses() {
    let file = load("bech32-address.json");
    let cases = file["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        let public_key = PublicKey::from_bytes(bytes(&case["public_key"]));
        let address = Ed25519Address::from_public_key(&public_key);
        assert_eq!(address.as_bytes(), &bytes::<32>(&case["ed25519_address"]));
        assert_eq!(
            address.to_serialized(),
            bytes::<33>(&case["serialized_address"])
        );
        assert_eq!(
            Address::Ed25519(address).to_bytes(),
            bytes::<33>(&case["serialized_address"])
        );

        let forms = case["bech32"].as_object().expect("bech32 forms");
        assert!(forms.contains_key("iota") && forms.contains_key("atoi"));
        for (hrp_text, expected) in forms {
            let expected = expected.as_str().expect("bech32 string");
            let hrp = Hrp::new(hrp_text).expect("valid hrp");
            assert_eq!(address.to_bech32(&hrp), expected);
            assert_eq!(Address::Ed25519(address).to_bech32(&hrp), expected);
            assert_eq!(
                decode_bech32(expected),
                Ok((hrp, Address::Ed25519(address)))
            );
            assert_eq!(Ed25519Address::from_bech32(expected), Ok((hrp, address)));
        }
        assert_eq!(
            address.to_bech32(&Hrp::IOTA),
            forms["iota"].as_str().expect("iota")
        );
        assert_eq!(
            address.to_bech32(&Hrp::ATOI),
            forms["atoi"].as_str().expect("atoi")
        );
    }
}

#[test]
fn network_ids() {
    let file = load("network-id.json");
    let cases = file["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let id = case["id"].as_u64().expect("u64 id");
        assert_eq!(network_id(name), id, "{name}");
    }
}

#[test]
fn merkle_roots() {
    let file = load("merkle-root.json");
    let leaves: Vec<[u8; 32]> = file["leaves"]
        .as_array()
        .expect("leaves")
        .iter()
        .map(bytes)
        .collect();
    assert_eq!(merkle_root(&leaves), bytes::<32>(&file["root"]));
    assert_eq!(merkle_root(&[]), bytes::<32>(&file["empty_root"]));
}
