//! `tangle message decode`: a serialized message as JSON, with its ids, PoW score and signature
//! checks.

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};
use tangle::crypto::address::{Address, Ed25519Address, Hrp, HrpError};
use tangle::crypto::pow;
use tangle::model::verify::SignatureUnlockReport;
use tangle::model::{
    Message, MilestonePayload, Payload, RuleError, TransactionPayload, UnpackError,
};

use crate::address_input::{AddressInputError, parse_address};
use crate::hex_input::{HexInputError, read_message_hex};

#[derive(Debug, Subcommand)]
pub(crate) enum MessageCommand {
    /// Decode a serialized message (hex) and print it as JSON (the node API's shape, TIP-13) with
    /// its `id` and `powScore`; for a transaction its `transactionId`, `essenceHash` and signature
    /// checks; for a milestone its `milestoneId`, `index`, `timestamp` and signature checks.
    Decode(DecodeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// The message as hex, or `-` (or nothing) to read it from standard input.
    message: Option<String>,
    /// Human-readable part for the Bech32 addresses in the report (`iota`, `atoi`, …).
    #[arg(long, default_value = "iota")]
    hrp: String,
    /// The address that owns input INDEX, as `INDEX=ADDRESS` (Bech32 or 64 hex digits); repeat for
    /// more inputs. With it the report says whether each signature unlock matches its inputs'
    /// addresses, which the message alone cannot tell. INDEX must be an input of the message's
    /// transaction, each at most once.
    #[arg(
        long = "input-address",
        value_name = "INDEX=ADDRESS",
        allow_hyphen_values = true
    )]
    input_addresses: Vec<String>,
    /// Print the JSON on one line.
    #[arg(long)]
    compact: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum MessageCommandError {
    #[error("message: {0}")]
    Input(#[from] HexInputError),
    #[error("invalid message: {0}")]
    Invalid(#[from] UnpackError),
    #[error("hrp: {0}")]
    Hrp(#[from] HrpError),
    #[error("--input-address {0:?}: expected INDEX=ADDRESS with a Bech32 or 64-hex-digit address")]
    InputAddress(String),
    #[error("--input-address {text:?}: {source}")]
    InputAddressValue {
        text: String,
        source: AddressInputError,
    },
    #[error("--input-address {text:?}: INDEX must be a whole number of 0 or more")]
    InputIndex { text: String },
    #[error("--input-address {text:?}: the transaction has no input {index} (it has {inputs})")]
    NoSuchInput {
        text: String,
        index: usize,
        inputs: usize,
    },
    #[error("--input-address {text:?}: input {index} is given twice")]
    RepeatedInput { text: String, index: usize },
    #[error("--input-address {0:?}: the message carries no transaction, so it has no inputs")]
    NotATransaction(String),
    #[error("could not render JSON: {0}")]
    Json(#[from] serde_json::Error),
}

pub(crate) fn run(command: MessageCommand) -> Result<String, MessageCommandError> {
    match command {
        MessageCommand::Decode(args) => decode(args),
    }
}

fn decode(args: DecodeArgs) -> Result<String, MessageCommandError> {
    let bytes = read_message_hex(args.message.as_deref())?;
    let hrp = Hrp::new(&args.hrp)?;
    let input_addresses = args
        .input_addresses
        .iter()
        .map(|text| parse_input_address(text))
        .collect::<Result<Vec<_>, _>>()?;
    let (message, id) = Message::unpack_with_id(&bytes)?;
    check_input_indexes(&message, &args.input_addresses, &input_addresses)?;

    let mut report = Map::new();
    report.insert("id".into(), json!(id.to_string()));
    if let Value::Object(fields) = serde_json::to_value(&message)? {
        report.extend(fields);
    }
    report.insert("length".into(), json!(bytes.len()));
    report.insert("powScore".into(), json!(pow::score(&bytes)));
    match message.payload() {
        Some(Payload::Transaction(transaction)) => {
            report.insert(
                "transaction".into(),
                transaction_report(transaction, &hrp, &input_addresses),
            );
        }
        Some(Payload::Milestone(milestone)) => {
            report.insert(
                "milestone".into(),
                milestone_report(milestone, message.milestone().err()),
            );
        }
        _ => {}
    }
    let report = Value::Object(report);
    Ok(if args.compact {
        serde_json::to_string(&report)?
    } else {
        serde_json::to_string_pretty(&report)?
    })
}

fn parse_input_address(text: &str) -> Result<(usize, Ed25519Address), MessageCommandError> {
    let (index, address) = text
        .split_once('=')
        .ok_or_else(|| MessageCommandError::InputAddress(text.to_owned()))?;
    let index = index
        .trim()
        .parse::<usize>()
        .map_err(|_| MessageCommandError::InputIndex {
            text: text.to_owned(),
        })?;
    let Address::Ed25519(address) =
        parse_address(address).map_err(|source| MessageCommandError::InputAddressValue {
            text: text.to_owned(),
            source,
        })?;
    Ok((index, address))
}

/// Every `--input-address` must name a distinct input of the message's transaction: an address
/// for an input that does not exist would otherwise be silently ignored.
fn check_input_indexes(
    message: &Message,
    texts: &[String],
    input_addresses: &[(usize, Ed25519Address)],
) -> Result<(), MessageCommandError> {
    let Some((text, _)) = texts.iter().zip(input_addresses).next() else {
        return Ok(());
    };
    let Some(Payload::Transaction(transaction)) = message.payload() else {
        return Err(MessageCommandError::NotATransaction(text.clone()));
    };
    let inputs = transaction.essence().inputs().len();
    for (position, (text, (index, _))) in texts.iter().zip(input_addresses).enumerate() {
        if *index >= inputs {
            return Err(MessageCommandError::NoSuchInput {
                text: text.clone(),
                index: *index,
                inputs,
            });
        }
        if input_addresses[..position].iter().any(|(i, _)| i == index) {
            return Err(MessageCommandError::RepeatedInput {
                text: text.clone(),
                index: *index,
            });
        }
    }
    Ok(())
}

fn transaction_report(
    transaction: &TransactionPayload,
    hrp: &Hrp,
    input_addresses: &[(usize, Ed25519Address)],
) -> Value {
    let unlocks: Vec<Value> = transaction
        .signature_report()
        .iter()
        .map(|unlock| unlock_report(unlock, hrp, input_addresses))
        .collect();
    let all_valid = unlocks
        .iter()
        .all(|unlock| unlock["signatureValid"] == json!(true));
    json!({
        "transactionId": transaction.id().to_string(),
        "essenceHash": hex::encode(transaction.essence().signing_hash()),
        "signatureUnlocks": unlocks,
        "allSignaturesValid": all_valid,
    })
}

fn unlock_report(
    unlock: &SignatureUnlockReport,
    hrp: &Hrp,
    input_addresses: &[(usize, Ed25519Address)],
) -> Value {
    // Whether the signer owns the inputs it unlocks: known only for inputs whose address was given.
    let known: Vec<bool> = unlock
        .inputs
        .iter()
        .filter_map(|input| {
            input_addresses
                .iter()
                .find(|(index, _)| index == input)
                .map(|(_, address)| *address == unlock.signer)
        })
        .collect();
    let matches = if known.is_empty() {
        Value::Null
    } else {
        json!(known.iter().all(|matched| *matched))
    };
    json!({
        "unlockIndex": unlock.unlock_index,
        "publicKey": hex::encode(unlock.public_key.as_bytes()),
        "signerAddress": hex::encode(unlock.signer.as_bytes()),
        "signerBech32": unlock.signer.to_bech32(hrp),
        "inputs": unlock.inputs,
        "signatureValid": unlock.valid,
        "matchesInputAddress": matches,
    })
}

/// The milestone payload's report. `valid` and `rule` say whether the message meets the
/// milestone-only rules ([`Message::milestone`]): a message that breaks one is still a valid
/// message (exit 0), just not a milestone. Signatures are reported one by one.
fn milestone_report(milestone: &MilestonePayload, broken: Option<RuleError>) -> Value {
    let essence = milestone.essence();
    let signatures: Vec<Value> = milestone
        .public_keys()
        .zip(milestone.signature_report())
        .map(|(key, valid)| json!({ "publicKey": hex::encode(key.as_bytes()), "valid": valid }))
        .collect();
    let all_valid = signatures.iter().all(|s| s["valid"] == json!(true));
    json!({
        "milestoneId": milestone.id().to_string(),
        "index": essence.index(),
        "timestamp": essence.timestamp(),
        "essenceHash": hex::encode(essence.signing_hash()),
        "signatures": signatures,
        "allSignaturesValid": all_valid,
        "valid": broken.is_none(),
        "rule": broken.map(|rule| rule.to_string()),
    })
}
