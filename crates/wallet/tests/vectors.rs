//! Public test vectors: BIP-39 (Trezor English set, passphrase "TREZOR") and SLIP-0010 Ed25519
//! (both vector sets of the SLIP document). The data files name their sources.

use tangle_wallet::slip10::{DerivationPath, ExtendedKey};
use tangle_wallet::{Mnemonic, MnemonicError, WordCount};

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('|').collect())
}

#[test]
fn bip39_trezor_vectors() {
    let text = include_str!("data/bip39_trezor_english.txt");
    let mut count = 0;
    for row in rows(text) {
        let [entropy, phrase, seed] = row[..] else {
            panic!("bad row {row:?}");
        };
        let entropy = hex::decode(entropy).expect("hex");
        let from_entropy = Mnemonic::from_entropy(&entropy).expect("valid entropy");
        assert_eq!(from_entropy.phrase().as_str(), phrase);
        let parsed = Mnemonic::parse(phrase).expect("valid phrase");
        assert_eq!(parsed, from_entropy);
        // Words are separated by any whitespace.
        let spaced = format!(" {}\n", phrase.replace(' ', "\t  "));
        assert_eq!(Mnemonic::parse(&spaced).expect("any whitespace"), parsed);
        assert_eq!(parsed.entropy().as_slice(), entropy.as_slice());
        assert_eq!(hex::encode(parsed.to_seed("TREZOR").as_bytes()), seed);
        count += 1;
    }
    assert_eq!(count, 24);
}

#[test]
fn slip10_ed25519_vectors() {
    let text = include_str!("data/slip10_ed25519.txt");
    let mut count = 0;
    for row in rows(text) {
        let [seed, path, chain_code, private, public] = row[..] else {
            panic!("bad row {row:?}");
        };
        let master = ExtendedKey::master(&hex::decode(seed).expect("hex"));
        let path: DerivationPath = path.parse().expect("path");
        let key = master.derive(&path).expect("hardened path");
        assert_eq!(hex::encode(key.chain_code()), chain_code, "{path}");
        assert_eq!(hex::encode(key.secret_bytes()), private, "{path}");
        let public_key = key.signing_key().public_key();
        assert_eq!(
            format!("00{}", hex::encode(public_key.to_bytes())),
            public,
            "{path}"
        );
        count += 1;
    }
    assert_eq!(count, 12);
}

#[test]
fn mnemonic_rejections_name_the_rule() {
    // Bad length.
    assert_eq!(
        Mnemonic::parse("abandon abandon abandon"),
        Err(MnemonicError::BadLength(3))
    );
    assert_eq!(Mnemonic::parse(""), Err(MnemonicError::BadLength(0)));
    // Unknown word at position 2.
    assert_eq!(
        Mnemonic::parse(
            "abandon abandonx abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
        ),
        Err(MnemonicError::UnknownWord { position: 2 })
    );
    // Upper case is not in the list.
    assert_eq!(
        Mnemonic::parse(
            "Abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
        ),
        Err(MnemonicError::UnknownWord { position: 1 })
    );
    // Bad checksum: a valid word in last place, but the wrong one.
    assert_eq!(
        Mnemonic::parse(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"
        ),
        Err(MnemonicError::BadChecksum)
    );
    assert_eq!(
        Mnemonic::from_entropy(&[0; 15]),
        Err(MnemonicError::BadEntropyLength(15))
    );
    assert_eq!(
        Mnemonic::from_entropy(&[0; 36]),
        Err(MnemonicError::BadEntropyLength(36))
    );
    // The error never repeats the (possibly secret) word.
    let error = Mnemonic::parse(
        "abandon secretword abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    )
    .expect_err("unknown word");
    assert!(!error.to_string().contains("secretword"));
}

#[test]
fn generated_mnemonics_round_trip_and_hide_secrets() {
    use rand_chacha::ChaCha20Rng;
    use rand_chacha::rand_core::SeedableRng;
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for count in [
        WordCount::Words12,
        WordCount::Words15,
        WordCount::Words18,
        WordCount::Words21,
        WordCount::Words24,
    ] {
        let mnemonic = Mnemonic::generate(&mut rng, count);
        assert_eq!(mnemonic.word_count(), count.words());
        assert_eq!(Mnemonic::parse(&mnemonic.phrase()), Ok(mnemonic.clone()));
        let debug = format!("{mnemonic:?}");
        let first_word = mnemonic
            .phrase()
            .split(' ')
            .next()
            .map(str::to_owned)
            .unwrap_or_default();
        assert!(!debug.contains(&first_word), "{debug}");
        let seed = mnemonic.to_seed("");
        assert_eq!(format!("{seed:?}"), "Seed(..)");
        let key = ExtendedKey::master(seed.as_bytes());
        assert_eq!(format!("{key:?}"), "ExtendedKey(..)");
    }
    // Two draws differ.
    let a = Mnemonic::generate(&mut rng, WordCount::Words24);
    let b = Mnemonic::generate(&mut rng, WordCount::Words24);
    assert_ne!(a, b);
}

#[test]
fn passphrase_changes_the_seed() {
    let mnemonic = Mnemonic::parse(
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
    )
    .expect("valid");
    assert_ne!(mnemonic.to_seed(""), mnemonic.to_seed("TREZOR"));
}

#[test]
fn derivation_refuses_non_hardened_and_bad_paths() {
    use tangle_wallet::Slip10Error;
    use tangle_wallet::slip10::HARDENED;
    let master = ExtendedKey::master(&[1; 64]);
    assert_eq!(master.child(5), Err(Slip10Error::NotHardened(5)));
    assert_eq!(
        "m/0'/1".parse::<DerivationPath>(),
        Err(Slip10Error::BadSegment { position: 2 })
    );
    assert_eq!(
        "0'/1'".parse::<DerivationPath>(),
        Err(Slip10Error::MissingRoot)
    );
    assert_eq!(
        "m/2147483648'".parse::<DerivationPath>(),
        Err(Slip10Error::BadSegment { position: 1 })
    );
    assert_eq!(
        "m/'".parse::<DerivationPath>(),
        Err(Slip10Error::BadSegment { position: 1 })
    );
    assert_eq!(
        DerivationPath::new([HARDENED, 3]),
        Err(Slip10Error::NotHardened(3))
    );
    assert_eq!(
        DerivationPath::bip44(4218, HARDENED, 0, 0),
        Err(Slip10Error::IndexOutOfRange(HARDENED))
    );
    // "h" is accepted as the hardened marker too.
    assert_eq!(
        "m/44h/4218h/0h/0h/0h".parse::<DerivationPath>(),
        DerivationPath::bip44(4218, 0, 0, 0)
    );
}

#[test]
fn account_debug_shows_no_key_material() {
    use tangle_wallet::{Account, Chain, Network};
    let mnemonic = Mnemonic::parse(
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
    )
    .expect("valid");
    let account = Account::from_mnemonic(&mnemonic, "", &Network::mainnet(), 0).expect("account");
    let key = account.signing_key(Chain::Public, 0).expect("key");
    let secret = hex::encode(key.to_bytes().as_slice());
    let debug = format!("{account:?} {key:?}");
    assert!(!debug.contains(&secret), "{debug}");
    assert!(!debug.contains(&secret[..16]), "{debug}");
    assert_eq!(
        account.path(Chain::Internal, 7).expect("path").to_string(),
        "m/44'/4218'/0'/1'/7'"
    );
}

mod props {
    use proptest::prelude::*;
    use tangle_wallet::slip10::{DerivationPath, HARDENED};
    use tangle_wallet::{Mnemonic, MnemonicError, WordCount};

    /// Arbitrary lower-case text, or the words of a valid phrase with one word possibly taken
    /// from another phrase (the checksum then fails unless it happens to match) and arbitrary
    /// whitespace between the words.
    fn phrase_candidates() -> impl Strategy<Value = String> {
        let words = (
            prop::sample::select(vec![12usize, 15, 18, 21, 24]),
            prop::collection::vec(any::<u8>(), 32),
            prop::collection::vec(any::<u8>(), 32),
            any::<Option<prop::sample::Index>>(),
            prop::collection::vec(prop::sample::select(vec![" ", "  ", "\t", "\n"]), 25),
        )
            .prop_map(|(count, entropy, other, swap, gaps)| {
                let length = count / 3 * 4;
                let phrase = Mnemonic::from_entropy(&entropy[..length])
                    .expect("valid")
                    .phrase();
                let other = Mnemonic::from_entropy(&other[..length])
                    .expect("valid")
                    .phrase();
                let mut words: Vec<String> = phrase.split(' ').map(String::from).collect();
                if let Some(at) = swap {
                    let i = at.index(count);
                    words[i] = other.split(' ').nth(i).expect("same length").to_string();
                }
                let mut text = String::from(gaps[24]);
                for (word, gap) in words.iter().zip(&gaps) {
                    text.push_str(word);
                    text.push_str(gap);
                }
                text
            });
        prop_oneof!["[a-z ]{0,200}".boxed(), words.boxed()]
    }

    /// Arbitrary short text over the path alphabet, or well-formed paths with optional
    /// leading zeros and either hardened marker.
    fn path_candidates() -> impl Strategy<Value = String> {
        let well_formed = prop::collection::vec(
            (
                "0{0,2}",
                0u32..HARDENED,
                prop::sample::select(vec!["'", "h"]),
            ),
            0..8,
        )
        .prop_map(|segments| {
            let mut text = String::from("m");
            for (zeros, index, mark) in segments {
                text.push_str(&format!("/{zeros}{index}{mark}"));
            }
            text
        });
        prop_oneof!["[m0-9/'h]{0,40}".boxed(), well_formed.boxed()]
    }

    proptest! {
        #[test]
        fn entropy_phrase_round_trip(
            words in prop::sample::select(vec![12usize, 15, 18, 21, 24]),
            bytes in prop::collection::vec(any::<u8>(), 32),
        ) {
            let entropy = &bytes[..words / 3 * 4];
            let mnemonic = Mnemonic::from_entropy(entropy).expect("valid length");
            let parsed = Mnemonic::parse(&mnemonic.phrase()).expect("own phrase parses");
            let decoded = parsed.entropy();
            prop_assert_eq!(decoded.as_slice(), entropy);
            prop_assert_eq!(parsed.word_count(), words);
        }

        /// Arbitrary text never panics the phrase parser; a phrase it accepts is its words
        /// joined by single spaces and encodes entropy that gives the same mnemonic back.
        #[test]
        fn arbitrary_text_never_panics(text in phrase_candidates()) {
            let words: Vec<&str> = text.split_whitespace().collect();
            match Mnemonic::parse(&text) {
                Ok(mnemonic) => {
                    let phrase = mnemonic.phrase();
                    prop_assert_eq!(phrase.as_str(), words.join(" "));
                    let again = Mnemonic::from_entropy(&mnemonic.entropy()).expect("valid length");
                    prop_assert_eq!(again, mnemonic);
                }
                Err(MnemonicError::BadLength(count)) => prop_assert_eq!(count, words.len()),
                Err(error) => {
                    prop_assert!(WordCount::from_words(words.len()).is_some());
                    prop_assert!(
                        matches!(error, MnemonicError::UnknownWord { .. } | MnemonicError::BadChecksum),
                        "{:?}", error
                    );
                }
            }
        }

        /// Arbitrary path-like text never panics the path parser; a path it accepts has one
        /// hardened index per segment and prints in the canonical form (`'`, no leading zeros).
        #[test]
        fn arbitrary_path_text_never_panics(text in path_candidates()) {
            if let Ok(path) = text.parse::<DerivationPath>() {
                let segments: Vec<&str> = text.split('/').skip(1).collect();
                prop_assert_eq!(path.as_slice().len(), segments.len());
                let canonical: String = segments
                    .iter()
                    .map(|s| {
                        let digits = s.trim_end_matches(['\'', 'h']);
                        format!("/{}'", digits.parse::<u32>().expect("accepted digits"))
                    })
                    .collect();
                prop_assert_eq!(path.to_string(), format!("m{canonical}"));
                prop_assert_eq!(path.to_string().parse::<DerivationPath>(), Ok(path));
            }
        }

        #[test]
        fn path_text_round_trip(indexes in prop::collection::vec(0u32..HARDENED, 0..8)) {
            let path = DerivationPath::new(indexes.iter().map(|i| i | HARDENED)).expect("hardened");
            let text = path.to_string();
            prop_assert_eq!(text.parse::<DerivationPath>(), Ok(path));
        }
    }
}
