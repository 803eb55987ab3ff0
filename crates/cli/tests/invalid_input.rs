//! Invalid input, one table row per case: each must exit with code 1, print exactly one
//! non-empty line on stderr containing the row's text (and nothing on stdout), never mention a
//! panic, and finish within [`TIME_LIMIT`]. A row's standard input can be huge: such input must be
//! refused after reading a bounded prefix of it (see [`Stdin::Huge`]).
//!
//! To add a case, append a [`Case`] to the table in [`cases`] (or push it from a helper like
//! [`pow_cases`]); the runner needs nothing else.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tangle::crypto::address::{Ed25519Address, Hrp};
use tangle::crypto::ed25519::SigningKey;
use tangle::model::{
    Address, IOTA_SUPPLY, IndexationPayload, MessageBuilder, MessageId, Output as TxOutput,
    OutputId, Packable, TransactionBuilder, TransactionId,
};

/// Longest any row may run before it is killed and fails.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// A valid BIP-39 mnemonic (a BIP-39 test vector).
const PHRASE: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

/// Bytes of a [`Stdin::Huge`] input: far above the 32768-byte message cap.
const HUGE_INPUT: usize = 10 * 1024 * 1024;

/// Most bytes of a [`Stdin::Huge`] input the binary may take before refusing it (what it reads,
/// plus what the pipe buffers): a tenth of the input.
const HUGE_INPUT_ACCEPTED_MAX: usize = HUGE_INPUT / 10;

/// What the binary gets on standard input.
#[derive(Clone, Debug)]
enum Stdin {
    /// Nothing (standard input is closed at once).
    Empty,
    /// This text.
    Text(String),
    /// [`HUGE_INPUT`] copies of this character, which must be refused before most of it is read.
    Huge(char),
}

/// One invalid invocation and the text its error line must contain.
#[derive(Clone, Debug)]
struct Case {
    args: Vec<String>,
    stdin: Stdin,
    expected: String,
}

/// A row: `args`, `stdin`, and a piece of the expected stderr line.
fn case(args: &[&str], stdin: Stdin, expected: &str) -> Case {
    Case {
        args: args.iter().map(|arg| (*arg).to_owned()).collect(),
        stdin,
        expected: expected.to_owned(),
    }
}

fn text(input: &str) -> Stdin {
    Stdin::Text(input.to_owned())
}

fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

fn address_of(key: &SigningKey) -> Ed25519Address {
    Ed25519Address::from_public_key(&key.public_key())
}

/// A message with an indexation payload, as hex.
fn indexation_message_hex() -> String {
    let payload = IndexationPayload::new(b"invalid input".to_vec(), vec![7; 20]).expect("payload");
    let message = MessageBuilder::new()
        .network_id(1)
        .parent(MessageId::new([3; 32]))
        .payload(payload)
        .finish()
        .expect("message");
    hex::encode(message.pack())
}

/// A message carrying a transaction with exactly one input, as hex.
fn one_input_transaction_hex() -> String {
    let transaction = TransactionBuilder::new()
        .input(
            OutputId::new(TransactionId::new([0xaa; 32]), 0).expect("index"),
            &key(1),
        )
        .output(TxOutput::single(Address::Ed25519(address_of(&key(2))), 1_000_000).expect("output"))
        .finish()
        .expect("transaction");
    let message = MessageBuilder::new()
        .network_id(1)
        .parent(MessageId::new([3; 32]))
        .payload(transaction)
        .finish()
        .expect("message");
    hex::encode(message.pack())
}

/// A valid Bech32 address with its last character changed: the checksum no longer matches.
fn bech32_with_bad_checksum() -> String {
    let mut bech32 = address_of(&key(5)).to_bech32(&Hrp::new("iota").expect("hrp"));
    let last = bech32.pop().expect("a character");
    bech32.push(if last == 'q' { 'p' } else { 'q' });
    bech32
}

/// Argument errors: every one is a single line and exit code 1, never clap's usage block.
fn argument_cases() -> Vec<Case> {
    let message = indexation_message_hex();
    vec![
        case(&[], Stdin::Empty, "requires a subcommand"),
        case(&["pow"], Stdin::Empty, "requires a subcommand"),
        case(&["message"], Stdin::Empty, "requires a subcommand"),
        case(&["wallet"], Stdin::Empty, "requires a subcommand"),
        case(&["frobnicate"], Stdin::Empty, "unrecognized subcommand"),
        case(&["pow", "score", "--foo"], Stdin::Empty, "'--foo'"),
        case(&["--frobnicate"], Stdin::Empty, "'--frobnicate'"),
        case(&["address"], Stdin::Empty, "--public-key"),
        case(&["address", "--public-key"], Stdin::Empty, "--public-key"),
        case(&["pow", "mine", &message], Stdin::Empty, "--target-score"),
        case(&["pow", "mine", "--target-score"], Stdin::Empty, "value"),
        case(
            &["pow", "mine", "--target-score", "four", &message],
            Stdin::Empty,
            "not a number",
        ),
        case(
            &["pow", "score", &message, &message],
            Stdin::Empty,
            "unexpected argument",
        ),
        case(
            &["message", "decode", "--hrp"],
            Stdin::Empty,
            "a value is required",
        ),
        case(&["replay"], Stdin::Empty, "<FILE>"),
        case(
            &["replay", "-", "--json=yes"],
            Stdin::Empty,
            "unexpected value",
        ),
        case(
            &[
                "wallet",
                "address",
                "--mnemonic",
                "x",
                "--internal",
                "--internal",
            ],
            Stdin::Empty,
            "cannot be used multiple times",
        ),
        case(&["wallet", "address"], Stdin::Empty, "--mnemonic"),
        case(
            &["wallet", "new", "--words", "many"],
            Stdin::Empty,
            "word count",
        ),
        case(
            &["wallet", "new", "--words", "-1"],
            Stdin::Empty,
            "word count",
        ),
        case(
            &["wallet", "new", "--words", "13"],
            Stdin::Empty,
            "word count",
        ),
        case(
            &["wallet", "address", "--mnemonic", "x", "--index", "-1"],
            Stdin::Empty,
            "negative",
        ),
        case(
            &[
                "wallet",
                "address",
                "--mnemonic",
                PHRASE,
                "--index",
                "2147483648",
            ],
            Stdin::Empty,
            "hardened index rule: index 2147483648",
        ),
        case(
            &[
                "wallet",
                "address",
                "--mnemonic",
                PHRASE,
                "--index",
                "4294967296",
            ],
            Stdin::Empty,
            "hardened index rule",
        ),
        case(
            &["wallet", "address", "--mnemonic", "x", "--account", "-3"],
            Stdin::Empty,
            "hardened index rule",
        ),
        case(
            &["wallet", "address", "--mnemonic", "x", "--coin-type", "-1"],
            Stdin::Empty,
            "32-bit",
        ),
    ]
}

/// `pow score` and `pow mine`: messages only, at most 32768 bytes, reachable targets.
fn pow_cases() -> Vec<Case> {
    let message = indexation_message_hex();
    let trailing_byte = format!("{message}00");
    let too_long = "00".repeat(40_000);
    let mut rows = Vec::new();
    for command in ["score", "mine"] {
        let pow = |rest: &[&str]| {
            let mut args = vec!["pow", command];
            if command == "mine" {
                args.extend(["--target-score", "100", "--threads", "1"]);
            }
            args.extend_from_slice(rest);
            args.iter().map(|arg| (*arg).to_owned()).collect::<Vec<_>>()
        };
        let row = |rest: &[&str], stdin: Stdin, expected: &str| Case {
            args: pow(rest),
            stdin,
            expected: expected.to_owned(),
        };
        rows.extend([
            row(&["-"], Stdin::Huge('0'), "more than 32768 bytes"),
            row(&[], Stdin::Huge('a'), "more than 32768 bytes"),
            row(&[&too_long], Stdin::Empty, "more than 32768 bytes"),
            row(&[&trailing_byte], Stdin::Empty, "1 trailing bytes"),
            row(&[&"00".repeat(100)], Stdin::Empty, "not a valid message"),
            row(&["zz"], Stdin::Empty, "character 'z' at position 0"),
            row(&["abc"], Stdin::Empty, "odd number of hex digits (3)"),
            row(&["-"], text(""), "input too short"),
        ]);
    }
    let mine = |target: &str, expected: &str| {
        case(
            &["pow", "mine", "--target-score", target, &message],
            Stdin::Empty,
            expected,
        )
    };
    let threads = |count: &str, expected: &str| {
        case(
            &[
                "pow",
                "mine",
                "--target-score",
                "10",
                "--threads",
                count,
                &message,
            ],
            Stdin::Empty,
            expected,
        )
    };
    rows.extend([
        mine("-1", "must be a positive number, got -1"),
        mine("0", "must be a positive number, got 0"),
        mine("NaN", "must be a finite number"),
        mine("inf", "must be a finite number"),
        // 20 trailing zero trits give this 96-byte message 3^20 / 96 ≈ 3.6·10^7 at most.
        mine("1000000000", "more than the 3^20"),
        mine("1e200", "unreachable"),
        threads("0", "from 1 to 1024 (worker threads)"),
        threads("-2", "negative"),
        threads("100000", "from 1 to 1024 (worker threads)"),
    ]);
    rows.push(case(
        &["pow", "mine", "--target-score=-1", &message],
        Stdin::Empty,
        "must be a positive number, got -1",
    ));
    rows
}

/// `message decode`: the message cap and `--input-address` checked against the transaction.
fn message_cases() -> Vec<Case> {
    let indexation = indexation_message_hex();
    let transaction = one_input_transaction_hex();
    let owner = address_of(&key(1)).to_bech32(&Hrp::new("iota").expect("hrp"));
    let input = |argument: &str, message: &str, expected: &str| {
        case(
            &["message", "decode", message, "--input-address", argument],
            Stdin::Empty,
            expected,
        )
    };
    let owner_at = |index: &str| format!("{index}={owner}");
    vec![
        case(
            &["message", "decode", "-"],
            Stdin::Huge('f'),
            "more than 32768 bytes",
        ),
        case(&["message", "decode"], text("0x"), "input too short"),
        input(
            &owner_at("5"),
            &transaction,
            "the transaction has no input 5 (it has 1)",
        ),
        input(&owner_at("1"), &transaction, "no input 1"),
        input(&owner_at("0"), &indexation, "carries no transaction"),
        input(
            &owner_at("-1"),
            &transaction,
            "INDEX must be a whole number",
        ),
        input(&owner, &transaction, "expected INDEX=ADDRESS"),
        input(
            &format!("0={}", "ab".repeat(31)),
            &transaction,
            "expected 32 bytes, got 31",
        ),
        input(
            &format!("0={}", bech32_with_bad_checksum()),
            &transaction,
            "invalid Bech32 checksum",
        ),
        case(
            &[
                "message",
                "decode",
                &transaction,
                "--input-address",
                &owner_at("0"),
                "--input-address",
                &owner_at("0"),
            ],
            Stdin::Empty,
            "input 0 is given twice",
        ),
        case(
            &["message", "decode", &indexation, "--hrp", "io ta"],
            Stdin::Empty,
            "hrp",
        ),
    ]
}

/// `address` and `wallet address`: keys and mnemonics say what is wrong with them.
fn key_cases() -> Vec<Case> {
    let upper = PHRASE.replacen('l', "L", 1);
    vec![
        case(
            &["address", "--public-key", &"ab".repeat(31)],
            Stdin::Empty,
            "public key: expected 32 bytes, got 31",
        ),
        case(
            &["address", "--public-key", &"ab".repeat(33)],
            Stdin::Empty,
            "expected 32 bytes, got 33",
        ),
        case(
            &["address", "--public-key", &format!("{}zz", "ab".repeat(31))],
            Stdin::Empty,
            "character 'z' at position 62",
        ),
        case(
            &["address", "--public-key", &"a".repeat(63)],
            Stdin::Empty,
            "odd number of hex digits (63)",
        ),
        case(
            &["wallet", "address", "--mnemonic", &upper],
            Stdin::Empty,
            "word 1 is not in the English BIP-39 word list, whose words are all lowercase",
        ),
        case(
            &["wallet", "address", "--mnemonic", "-"],
            text(&upper.to_uppercase()),
            "lowercase",
        ),
        case(
            &["wallet", "address", "--mnemonic", "-"],
            Stdin::Huge('a'),
            "more than 4096 bytes on standard input",
        ),
        case(
            &["wallet", "address", "--mnemonic", "legal winner"],
            Stdin::Empty,
            "word count rule",
        ),
    ]
}

/// `replay`: thresholds, scores, genesis outputs and garbage lines.
fn replay_cases() -> Vec<Case> {
    let coordinator = hex::encode(key(100).public_key().as_bytes());
    let genesis_hex = hex::encode(address_of(&key(1)).as_bytes());
    let genesis_bech32 = address_of(&key(1)).to_bech32(&Hrp::new("iota").expect("hrp"));
    let replay = |rest: &[&str], expected: &str| {
        let mut args = vec!["replay", "-"];
        args.extend_from_slice(rest);
        case(&args, Stdin::Empty, expected)
    };
    let genesis = |value: &str, expected: &str| replay(&["--genesis", value], expected);
    let message = indexation_message_hex();
    let garbage = [
        "# a comment", // line 1
        &message,      // line 2
        "not hex",     // line 3: garbage
        "",            // line 4
        "0xzz",        // line 5: garbage
        "abc",         // line 6: garbage (odd)
        &message,      // line 7
        "g0",
        "g1",
        "g2",
        "g3",
        "g4", // lines 8 to 12: garbage
    ]
    .join("\n");
    vec![
        replay(
            &["--coordinator-key", &coordinator, "--threshold", "2"],
            "--threshold 2 is more than the 1 coordinator key(s)",
        ),
        replay(&["--threshold", "1"], "needs coordinator keys"),
        replay(&["--threshold", "0"], "at least 1"),
        replay(&["--threshold", "-1"], "negative"),
        replay(&["--min-pow-score", "NaN"], "must be a finite number"),
        replay(
            &["--min-pow-score", "-1"],
            "--min-pow-score must be 0 or more, got -1",
        ),
        replay(&["--min-pow-score", "-inf"], "must be a finite number"),
        replay(&["--weight", "-1"], "negative"),
        replay(&["--confidence", "-0.5"], "not in (0, 1]"),
        replay(&["--weight", "0"], "W must be at least 1"),
        replay(
            &["--coordinator-key", &"ab".repeat(31)],
            "--coordinator-key",
        ),
        replay(
            &["--coordinator-key", &"ab".repeat(31)],
            "expected 32 bytes, got 31",
        ),
        genesis(
            &format!("{}=5", bech32_with_bad_checksum()),
            "Bech32 address: invalid Bech32 checksum",
        ),
        genesis(
            &format!("{}=5", "ab".repeat(31)),
            "hex Ed25519 address: expected 32 bytes, got 31",
        ),
        genesis(
            &format!("{genesis_hex}=18446744073709551616"),
            "more than fits in 64 bits",
        ),
        genesis(
            &format!("{genesis_hex}={}", IOTA_SUPPLY + 1),
            "is outside 1..=2_779_530_283_277_761",
        ),
        genesis(&format!("{genesis_hex}=-5"), "not a whole number"),
        genesis(&format!("{genesis_bech32}=five"), "not a whole number"),
        genesis(&genesis_hex, "expected ADDRESS=AMOUNT"),
        genesis(&format!("={IOTA_SUPPLY}"), "address is empty"),
        replay(
            &[
                "--genesis",
                &format!("{genesis_hex}={IOTA_SUPPLY}"),
                "--genesis",
                &format!("{genesis_bech32}=1"),
            ],
            "sum to more than the total supply",
        ),
        case(
            &["replay", "-"],
            text(&garbage),
            "-: 8 lines are not hex: lines 3, 5, 6, 8, 9 and 3 more \
             (line 3: not hex: character 'n' at position 0)",
        ),
        case(
            &["replay", "-"],
            text(&format!("{message}\n0x{message}\n{message}0\n")),
            "-: line 3 is not hex (not hex: an odd number of hex digits",
        ),
        replay(
            &[
                "--coordinator-key",
                &coordinator,
                "--coordinator-key",
                &coordinator,
            ],
            "is given twice",
        ),
        case(
            &["replay", "/nonexistent/replay-file"],
            Stdin::Empty,
            "could not read /nonexistent/replay-file",
        ),
    ]
}

/// Every row of the table.
fn cases() -> Vec<Case> {
    let mut rows = argument_cases();
    rows.extend(pow_cases());
    rows.extend(message_cases());
    rows.extend(key_cases());
    rows.extend(replay_cases());
    rows
}

/// What one run produced.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Bytes of standard input the binary took (read or buffered) before it exited.
    stdin_accepted: usize,
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Writes `stdin` in 64 KiB pieces until done or until the binary stops reading; returns how
/// many bytes it took.
fn feed(mut pipe: impl Write + Send + 'static, stdin: Stdin) -> JoinHandle<usize> {
    std::thread::spawn(move || {
        let bytes = match stdin {
            Stdin::Empty => Vec::new(),
            Stdin::Text(text) => text.into_bytes(),
            Stdin::Huge(character) => character.to_string().repeat(HUGE_INPUT).into_bytes(),
        };
        let mut accepted = 0;
        for piece in bytes.chunks(64 * 1024) {
            if pipe.write_all(piece).is_err() {
                break;
            }
            accepted += piece.len();
        }
        accepted
    })
}

/// Waits for `child`, killing it after [`TIME_LIMIT`].
fn wait_or_kill(child: &mut Child, description: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for tangle") {
            return status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{description}: still running after {TIME_LIMIT:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn run(case: &Case) -> Run {
    let description = format!("tangle {:?}", case.args);
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tangle"))
        .args(&case.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tangle");
    let feeder = feed(child.stdin.take().expect("stdin"), case.stdin.clone());
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let status = wait_or_kill(&mut child, &description);
    let elapsed = start.elapsed();
    Run {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        elapsed,
        stdin_accepted: feeder.join().expect("stdin writer"),
    }
}

/// The failures of one row, empty when it holds.
fn check(case: &Case, run: &Run) -> Vec<String> {
    let mut failures = Vec::new();
    if run.status.code() != Some(1) {
        failures.push(format!("exit status {:?}, expected code 1", run.status));
    }
    let lines: Vec<&str> = run.stderr.lines().collect();
    if lines.len() != 1 || lines[0].trim().is_empty() {
        failures.push(format!(
            "stderr is not one non-empty line: {:?}",
            run.stderr
        ));
    }
    if !run.stderr.contains(&case.expected) {
        failures.push(format!(
            "stderr {:?} does not contain {:?}",
            run.stderr, case.expected
        ));
    }
    if run.stderr.contains("panicked") {
        failures.push("the binary panicked".to_owned());
    }
    if !run.stdout.is_empty() {
        failures.push(format!("stdout is not empty: {:?}", run.stdout));
    }
    if run.elapsed > TIME_LIMIT {
        failures.push(format!("took {:?}", run.elapsed));
    }
    if matches!(case.stdin, Stdin::Huge(_)) && run.stdin_accepted > HUGE_INPUT_ACCEPTED_MAX {
        failures.push(format!(
            "took {} bytes of a {HUGE_INPUT}-byte input before refusing it",
            run.stdin_accepted
        ));
    }
    failures
}

#[test]
fn every_invalid_input_exits_1_with_one_line_naming_the_problem() {
    let rows = cases();
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|case| {
            let run = run(case);
            check(case, &run)
                .into_iter()
                .map(move |failure| format!("tangle {:?}: {failure}", case.args))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn help_and_version_still_print_on_stdout_and_exit_0() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["pow", "mine", "--help"],
        &["help", "replay"],
        &["wallet", "-h"],
    ] {
        let run = run(&case(args, Stdin::Empty, ""));
        assert_eq!(run.status.code(), Some(0), "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
        assert!(!run.stdout.trim().is_empty(), "{args:?}");
    }
}

#[test]
fn the_runner_catches_a_row_that_does_not_hold() {
    // A valid invocation exits 0 with its answer on stdout: every check of a row must object.
    let valid = case(
        &["pow", "score", &indexation_message_hex()],
        Stdin::Empty,
        "x",
    );
    let failures = check(&valid, &run(&valid));
    assert!(
        failures.iter().any(|f| f.contains("exit status")),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|f| f.contains("one non-empty line")),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|f| f.contains("stdout is not empty")),
        "{failures:?}"
    );
}
