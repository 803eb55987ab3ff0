//! `tangle wallet`: BIP-39 mnemonics and SLIP-10 addresses (m/44'/coin'/account'/change'/index').

use std::io::Read;

use clap::{Args, Subcommand};
use rand::rngs::OsRng;
use tangle::crypto::address::{Hrp, HrpError};
use tangle::wallet::network::IOTA_COIN_TYPE;
use tangle::wallet::{Account, Chain, Mnemonic, MnemonicError, Network, Slip10Error, WordCount};

use crate::args::{hardened_index, unsigned_32};

/// Most bytes `--mnemonic -` reads: 24 words of at most 8 letters with their spaces take 215, so
/// this leaves room for any white space around them while a huge input is refused unread.
const MNEMONIC_STDIN_MAX: usize = 4096;

#[derive(Debug, Subcommand)]
pub(crate) enum WalletCommand {
    /// Print a fresh BIP-39 mnemonic (English) from the operating system's RNG. Keep it secret.
    New(NewArgs),
    /// Derive an address from a mnemonic.
    Address(AddressArgs),
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// Number of words: 12, 15, 18, 21 or 24.
    #[arg(long, default_value_t = 24, allow_negative_numbers = true, value_parser = word_count)]
    words: usize,
}

#[derive(Debug, Args)]
pub(crate) struct AddressArgs {
    /// The mnemonic, in quotes; `-` reads it from standard input (keeps it out of the process
    /// list and the shell history).
    #[arg(long)]
    mnemonic: String,
    /// Optional BIP-39 passphrase (it may start with `-`).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    passphrase: String,
    /// Account index (hardened, below 2^31).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = hardened_index)]
    account: u32,
    /// Address index (hardened, below 2^31).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = hardened_index)]
    index: u32,
    /// The internal (change) chain instead of the public one.
    #[arg(long)]
    internal: bool,
    /// Human-readable part of the Bech32 form: `iota`, `atoi` or any valid HRP.
    #[arg(long, default_value = "iota")]
    hrp: String,
    /// SLIP-44 coin type of the path (IOTA: 4218).
    #[arg(
        long,
        default_value_t = IOTA_COIN_TYPE,
        allow_negative_numbers = true,
        value_parser = unsigned_32
    )]
    coin_type: u32,
    /// Print JSON (path, address, public key) instead of the Bech32 address alone.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum WalletCommandError {
    #[error("mnemonic: {0}")]
    Mnemonic(#[from] MnemonicError),
    #[error(
        "mnemonic: word list rule: word {position} is not in the English BIP-39 word list, \
         whose words are all lowercase; write the phrase in lowercase"
    )]
    CapitalLetters { position: usize },
    #[error("derivation: {0}")]
    Derivation(#[from] Slip10Error),
    #[error("hrp: {0}")]
    Hrp(#[from] HrpError),
    #[error("words: {0} is not a BIP-39 word count (12, 15, 18, 21 or 24)")]
    WordCount(usize),
    #[error("mnemonic: could not read standard input: {0}")]
    Stdin(std::io::Error),
    #[error(
        "mnemonic: more than {MNEMONIC_STDIN_MAX} bytes on standard input; a mnemonic has at \
         most 24 words"
    )]
    StdinTooLong,
}

pub(crate) fn run(command: WalletCommand) -> Result<String, WalletCommandError> {
    match command {
        WalletCommand::New(args) => {
            let count = WordCount::from_words(args.words)
                .ok_or(WalletCommandError::WordCount(args.words))?;
            let mnemonic = Mnemonic::generate(&mut OsRng, count);
            Ok(mnemonic.phrase().to_string())
        }
        WalletCommand::Address(args) => address(args),
    }
}

fn address(args: AddressArgs) -> Result<String, WalletCommandError> {
    let phrase = if args.mnemonic == "-" {
        // Room for the whole read up front: no reallocation leaves a copy of the secret behind.
        let mut text = zeroize::Zeroizing::new(String::with_capacity(MNEMONIC_STDIN_MAX + 1));
        std::io::stdin()
            .take(MNEMONIC_STDIN_MAX as u64 + 1)
            .read_to_string(&mut text)
            .map_err(WalletCommandError::Stdin)?;
        if text.len() > MNEMONIC_STDIN_MAX {
            return Err(WalletCommandError::StdinTooLong);
        }
        text
    } else {
        zeroize::Zeroizing::new(args.mnemonic.clone())
    };
    let mnemonic = Mnemonic::parse(phrase.trim()).map_err(|error| match error {
        // BIP-39 derives the seed from the phrase as written, so a capitalised phrase is not
        // silently lowercased: it would derive keys from a different phrase than the one given.
        MnemonicError::UnknownWord { position }
            if phrase
                .split_whitespace()
                .nth(position.saturating_sub(1))
                .is_some_and(|word| word.chars().any(char::is_uppercase)) =>
        {
            WalletCommandError::CapitalLetters { position }
        }
        error => WalletCommandError::Mnemonic(error),
    })?;
    let network = Network {
        hrp: Hrp::new(&args.hrp)?,
        coin_type: args.coin_type,
        ..Network::mainnet()
    };
    let chain = if args.internal {
        Chain::Internal
    } else {
        Chain::Public
    };
    let account = Account::from_mnemonic(&mnemonic, &args.passphrase, &network, args.account)?;
    let info = account.address(chain, args.index)?;
    let bech32 = account.bech32(&info);
    if !args.json {
        return Ok(bech32);
    }
    let public_key = account.signing_key(chain, args.index)?.public_key();
    let json = serde_json::json!({
        "path": account.path(chain, args.index)?.to_string(),
        "account": args.account,
        "internal": args.internal,
        "index": args.index,
        "publicKey": hex::encode(public_key.as_bytes()),
        "ed25519Address": hex::encode(&info.address.to_bytes()[1..]),
        "hrp": network.hrp.as_str(),
        "bech32": bech32,
    });
    Ok(serde_json::to_string_pretty(&json).unwrap_or_default())
}

/// `--words`: a whole number (the BIP-39 counts are checked when the mnemonic is made).
fn word_count(text: &str) -> Result<usize, String> {
    let words = unsigned_32(text)
        .map_err(|_| format!("{text:?} is not a BIP-39 word count (12, 15, 18, 21 or 24)"))?;
    Ok(usize::try_from(words).unwrap_or(usize::MAX))
}
