//! `tangle wallet new` and `tangle wallet address`, run as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use tangle::crypto::address::{Ed25519Address, Hrp};
use tangle::wallet::Mnemonic;
use tangle::wallet::slip10::{DerivationPath, ExtendedKey};

const PHRASE: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

fn tangle(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tangle");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("run tangle")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .expect("utf-8")
        .trim_end()
        .to_owned()
}

/// Exit code 1 and exactly one stderr line containing `needle`.
fn fails_with(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{stderr}");
    assert!(output.stdout.is_empty());
}

/// The Bech32 address at `path` below `phrase`, computed through the library directly.
fn expected(phrase: &str, passphrase: &str, path: &str, hrp: &str) -> String {
    let seed = Mnemonic::parse(phrase).expect("phrase").to_seed(passphrase);
    let path: DerivationPath = path.parse().expect("path");
    let key = ExtendedKey::master(seed.as_bytes())
        .derive(&path)
        .expect("derive")
        .signing_key();
    Ed25519Address::from_public_key(&key.public_key()).to_bech32(&Hrp::new(hrp).expect("hrp"))
}

#[test]
fn new_prints_a_valid_fresh_mnemonic() {
    let first = stdout(&tangle(&["wallet", "new"], None));
    assert_eq!(first.split(' ').count(), 24);
    assert!(Mnemonic::parse(&first).is_ok());
    let second = stdout(&tangle(&["wallet", "new"], None));
    assert_ne!(first, second);
    let short = stdout(&tangle(&["wallet", "new", "--words", "12"], None));
    assert_eq!(short.split(' ').count(), 12);
    assert!(Mnemonic::parse(&short).is_ok());
    fails_with(
        &tangle(&["wallet", "new", "--words", "13"], None),
        "not a BIP-39 word count",
    );
}

#[test]
fn address_follows_the_bip44_path() {
    let default = stdout(&tangle(&["wallet", "address", "--mnemonic", PHRASE], None));
    assert_eq!(
        default,
        expected(PHRASE, "", "m/44'/4218'/0'/0'/0'", "iota")
    );
    assert!(default.starts_with("iota1q"));

    let other = stdout(&tangle(
        &[
            "wallet",
            "address",
            "--mnemonic",
            PHRASE,
            "--account",
            "2",
            "--index",
            "5",
            "--internal",
            "--hrp",
            "atoi",
        ],
        None,
    ));
    assert_eq!(other, expected(PHRASE, "", "m/44'/4218'/2'/1'/5'", "atoi"));

    let with_passphrase = stdout(&tangle(
        &[
            "wallet",
            "address",
            "--mnemonic",
            PHRASE,
            "--passphrase",
            "TREZOR",
        ],
        None,
    ));
    assert_eq!(
        with_passphrase,
        expected(PHRASE, "TREZOR", "m/44'/4218'/0'/0'/0'", "iota")
    );
    assert_ne!(with_passphrase, default);

    let coin = stdout(&tangle(
        &[
            "wallet",
            "address",
            "--mnemonic",
            PHRASE,
            "--coin-type",
            "1",
        ],
        None,
    ));
    assert_eq!(coin, expected(PHRASE, "", "m/44'/1'/0'/0'/0'", "iota"));
}

#[test]
fn address_reads_the_mnemonic_from_stdin_and_prints_json() {
    let from_stdin = stdout(&tangle(
        &["wallet", "address", "--mnemonic", "-"],
        Some(&format!("{PHRASE}\n")),
    ));
    assert_eq!(
        from_stdin,
        expected(PHRASE, "", "m/44'/4218'/0'/0'/0'", "iota")
    );

    let json = stdout(&tangle(
        &[
            "wallet",
            "address",
            "--mnemonic",
            PHRASE,
            "--index",
            "3",
            "--json",
        ],
        None,
    ));
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["path"], "m/44'/4218'/0'/0'/3'");
    assert_eq!(
        value["bech32"],
        expected(PHRASE, "", "m/44'/4218'/0'/0'/3'", "iota")
    );
    assert_eq!(value["publicKey"].as_str().map(str::len), Some(64));
}

#[test]
fn address_errors_name_the_rule() {
    fails_with(
        &tangle(
            &["wallet", "address", "--mnemonic", "abandon abandon"],
            None,
        ),
        "word count rule",
    );
    fails_with(
        &tangle(
            &[
                "wallet",
                "address",
                "--mnemonic",
                "legal winner thank year wave sausage worth useful legal winner thank thank",
            ],
            None,
        ),
        "checksum rule",
    );
    let unknown = tangle(
        &[
            "wallet",
            "address",
            "--mnemonic",
            "legal winner thank year wave sausage worth useful legal winner thank mysecret",
        ],
        None,
    );
    fails_with(&unknown, "word 12 is not in the English BIP-39 word list");
    assert!(!String::from_utf8_lossy(&unknown.stderr).contains("mysecret"));
    fails_with(
        &tangle(
            &["wallet", "address", "--mnemonic", PHRASE, "--hrp", "IoTa"],
            None,
        ),
        "hrp",
    );
    fails_with(
        &tangle(
            &[
                "wallet",
                "address",
                "--mnemonic",
                PHRASE,
                "--index",
                "2147483648",
            ],
            None,
        ),
        "hardened index rule",
    );
}
