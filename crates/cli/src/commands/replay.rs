//! `tangle replay`: feeds a file of hex messages, in order, to an in-process node and prints what
//! happened: accepted, rejected by rule, milestones applied or refused, conflicts by reason, what
//! was confirmed, and the final balances. Confirmation is by milestones (`--coordinator-key`) or,
//! coordinator-free, by cumulative weight (`--weight`) and/or confidence (`--confidence`).
//!
//! A milestone whose inclusion Merkle root differs from the one computed here means the replayed
//! ledger diverged from the coordinator's: the node halts confirmation, and the replay stops
//! there with an error (exit 1) naming the line, the milestone and both roots, as the deployed
//! Chrysalis nodes stop.

use std::collections::BTreeMap;
use std::io::Read;

use clap::Args;
use rand::SeedableRng;
use rand::rngs::{OsRng, StdRng};
use serde_json::{Value, json};
use tangle::consensus::ledger::LedgerError;
use tangle::consensus::pipeline::{MAINNET_MIN_POW_SCORE, PipelineConfig};
use tangle::consensus::treasury::TreasuryOutput;
use tangle::consensus::weight::DEFAULT_SAMPLES;
use tangle::consensus::{
    ConfirmationRule, ConflictReason, Divergence, Ledger, MessageStore, MilestoneRule, Node,
    NodeConfig, NodeError, SubmitStatus, WeightRule, WeightRuleError,
};
use tangle::crypto::address::{Hrp, HrpError};
use tangle::crypto::ed25519::PublicKey;
use tangle::graph::select::Urts;
use tangle::model::{IOTA_SUPPLY, MilestoneId, Output, OutputId, RuleError, TransactionId};

use crate::address_input::{AddressInputError, parse_address};
use crate::args::{finite_number, positive_count, unsigned_64};
use crate::hex_input::{HexInputError, decode_hex, read_hex_array};

/// Line numbers of lines that are not hex named in the error; the rest are counted.
const GARBAGE_LINES_NAMED: usize = 5;

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// A file of hex messages, one per line, fed in order (`-` reads standard input). Blank lines
    /// and lines starting with `#` are skipped.
    file: String,
    /// A coordinator public key (64 hex digits) whose milestone signatures count; repeat for
    /// more. Without any, every milestone is refused and nothing is confirmed.
    #[arg(long = "coordinator-key", value_name = "HEX")]
    coordinator_keys: Vec<String>,
    /// Signatures a milestone needs (TIP-8), from 1 to the number of coordinator keys; defaults
    /// to the number of coordinator keys.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive_count)]
    threshold: Option<usize>,
    /// The minimum PoW score (TIP-12), 0 or more; messages below it are rejected.
    #[arg(
        long,
        value_name = "N",
        default_value_t = MAINNET_MIN_POW_SCORE,
        allow_hyphen_values = true,
        value_parser = finite_number
    )]
    min_pow_score: f64,
    /// A genesis output, as `ADDRESS=AMOUNT` (Bech32 or 64 hex digits). The i-th one (from 0)
    /// gets output id `0…0` (transaction id of 32 zero bytes) with output index i. Repeat for
    /// more.
    #[arg(long = "genesis", value_name = "ADDRESS=AMOUNT")]
    genesis: Vec<String>,
    /// The genesis treasury output (TIP-17), as `MILESTONE_ID=AMOUNT` (64 hex digits): milestone
    /// receipts migrate funds out of it. Without it, a milestone with a receipt is refused.
    #[arg(long, value_name = "MILESTONE_ID=AMOUNT")]
    treasury: Option<String>,
    /// Coordinator-free: confirm a message (and its past cone) once its cumulative weight (own
    /// weight 1 per message) reaches W. Not with `--coordinator-key`.
    #[arg(long, value_name = "W", allow_negative_numbers = true, value_parser = unsigned_64)]
    weight: Option<u64>,
    /// Coordinator-free: confirm a message once its confirmation confidence (share of 200 URTS
    /// tip selections approving it, fixed seed) reaches θ in (0, 1]. Not with
    /// `--coordinator-key`.
    #[arg(
        long,
        value_name = "THETA",
        allow_hyphen_values = true,
        value_parser = finite_number
    )]
    confidence: Option<f64>,
    /// Human-readable part of the Bech32 addresses printed (`iota`, `atoi`, …).
    #[arg(long, default_value = "iota")]
    hrp: String,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ReplayError {
    #[error("could not read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("--coordinator-key {text:?}: {source}")]
    CoordinatorKey { text: String, source: HexInputError },
    #[error("--threshold {0} needs coordinator keys to count signatures of (--coordinator-key)")]
    ThresholdWithoutKeys(usize),
    #[error(
        "--threshold {threshold} is more than the {keys} coordinator key(s): no milestone could \
         reach it (TIP-8)"
    )]
    ThresholdAboveKeys { threshold: usize, keys: usize },
    #[error("--min-pow-score must be 0 or more, got {0} (a PoW score is 3^zeros / length)")]
    NegativeMinPowScore(f64),
    #[error("--weight/--confidence (coordinator-free) cannot be combined with --coordinator-key")]
    RuleConflict,
    #[error("--weight/--confidence: {0}")]
    Weight(#[from] WeightRuleError),
    #[error("--genesis {0:?}: expected ADDRESS=AMOUNT with a Bech32 or 64-hex-digit address")]
    Genesis(String),
    #[error("--genesis {text:?}: {source}")]
    GenesisAddress {
        text: String,
        source: AddressInputError,
    },
    #[error("--genesis {text:?}: amount {amount:?} is not a whole number of 0 or more")]
    GenesisAmount { text: String, amount: String },
    #[error(
        "--genesis {text:?}: amount {amount} is more than fits in 64 bits (and than the total \
         supply {IOTA_SUPPLY})"
    )]
    GenesisAmountOverflow { text: String, amount: String },
    #[error("--genesis {text:?}: {source}")]
    GenesisOutput { text: String, source: RuleError },
    #[error("{file}: {}", describe_garbage(*count, named, error))]
    GarbageLines {
        file: String,
        /// Lines that are not hex.
        count: usize,
        /// The first few of their numbers (from 1).
        named: Vec<usize>,
        /// What is wrong with the first one.
        error: HexInputError,
    },
    #[error("--coordinator-key {0:?} is given twice")]
    RepeatedCoordinatorKey(String),
    #[error("--treasury {0:?}: expected MILESTONE_ID=AMOUNT with a 64-hex-digit milestone id")]
    Treasury(String),
    #[error("genesis: {0}")]
    Ledger(#[from] LedgerError),
    #[error("node: {0}")]
    Node(#[from] NodeError),
    #[error("hrp: {0}")]
    Hrp(#[from] HrpError),
    #[error("could not render JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{file}: line {line}: {divergence}")]
    Diverged {
        file: String,
        /// The line (from 1) whose message made the diverging milestone apply.
        line: usize,
        divergence: Box<Divergence>,
    },
}

/// What the replay counted.
#[derive(Debug, Default)]
struct Summary {
    lines: usize,
    solid: usize,
    pending: usize,
    duplicates: usize,
    rejected: BTreeMap<&'static str, usize>,
    refused: BTreeMap<&'static str, usize>,
    conflicts: BTreeMap<ConflictReason, usize>,
    confirmed_messages: usize,
    confirmed_transactions: usize,
}

pub(crate) fn run(args: ReplayArgs) -> Result<String, ReplayError> {
    let hrp = Hrp::new(&args.hrp)?;
    let keys = args
        .coordinator_keys
        .iter()
        .map(|text| {
            read_hex_array::<32>(text)
                .map(PublicKey::from_bytes)
                .map_err(|source| ReplayError::CoordinatorKey {
                    text: text.clone(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (position, key) in keys.iter().enumerate() {
        if keys[..position]
            .iter()
            .any(|k| k.as_bytes() == key.as_bytes())
        {
            let text = args.coordinator_keys[position].clone();
            return Err(ReplayError::RepeatedCoordinatorKey(text));
        }
    }
    let threshold = match args.threshold {
        Some(threshold) if keys.is_empty() => {
            return Err(ReplayError::ThresholdWithoutKeys(threshold));
        }
        Some(threshold) if threshold > keys.len() => {
            return Err(ReplayError::ThresholdAboveKeys {
                threshold,
                keys: keys.len(),
            });
        }
        Some(threshold) => threshold,
        None => keys.len().max(1),
    };
    if args.min_pow_score.is_nan() || args.min_pow_score < 0.0 {
        return Err(ReplayError::NegativeMinPowScore(args.min_pow_score));
    }
    let outputs = args
        .genesis
        .iter()
        .enumerate()
        .map(|(index, text)| genesis_output(index, text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ledger = Ledger::from_outputs(0, outputs)?;
    if let Some(text) = &args.treasury {
        ledger = ledger.with_treasury(treasury_output(text)?)?;
    }
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: None,
            min_pow_score: args.min_pow_score,
        },
        ..NodeConfig::default()
    };
    let text = read_file(&args.file)?;
    check_lines_are_hex(&args.file, &text)?;
    if args.weight.is_some() || args.confidence.is_some() {
        if !keys.is_empty() {
            return Err(ReplayError::RuleConflict);
        }
        let mut rule = match args.weight {
            Some(weight) => WeightRule::new(weight)?,
            None => WeightRule::confidence_only(),
        };
        if let Some(theta) = args.confidence {
            rule = rule.with_confidence(
                theta,
                DEFAULT_SAMPLES,
                Urts::new(),
                StdRng::seed_from_u64(0),
            )?;
        }
        let node = Node::new(config, rule, ledger, OsRng)?;
        replay(node, &text, &args, &hrp, "weight")
    } else {
        let node = Node::new(config, MilestoneRule::new(keys, threshold), ledger, OsRng)?;
        replay(node, &text, &args, &hrp, "milestones")
    }
}

/// Feeds every line of `text` to `node` and renders the summary.
fn replay<C: ConfirmationRule>(
    mut node: Node<C, OsRng>,
    text: &str,
    args: &ReplayArgs,
    hrp: &Hrp,
    confirmation: &str,
) -> Result<String, ReplayError> {
    let mut summary = Summary::default();
    for (line_number, line) in message_lines(text) {
        summary.lines += 1;
        // Every line was checked to be hex before the node saw the first one.
        let Ok(bytes) = decode_hex(hex_digits(line)) else {
            continue;
        };
        let submission = match node.submit(&bytes) {
            Ok(submission) => submission,
            Err(error) => {
                *summary.rejected.entry(error.rule()).or_default() += 1;
                continue;
            }
        };
        match submission.status {
            SubmitStatus::Solid => summary.solid += 1,
            SubmitStatus::Pending => summary.pending += 1,
            SubmitStatus::Duplicate => summary.duplicates += 1,
        }
        for (_, error) in &submission.refused {
            *summary.refused.entry(error.rule()).or_default() += 1;
        }
        for confirmation in &submission.confirmations {
            let outcome = &confirmation.outcome;
            summary.confirmed_messages += outcome.referenced.len();
            summary.confirmed_transactions += outcome.applied.len();
            for (_, reason) in &outcome.conflicts {
                *summary.conflicts.entry(*reason).or_default() += 1;
            }
        }
        if let Some(divergence) = node.halted() {
            return Err(ReplayError::Diverged {
                file: args.file.clone(),
                line: line_number,
                divergence: Box::new(*divergence),
            });
        }
    }
    // Messages still waiting for parents (those that arrived pending may have become solid).
    let still_pending = node.store().len().saturating_sub(node_solid(&node));
    let mut report = report(&node, &summary, still_pending, hrp);
    report["confirmation"] = json!(confirmation);
    if args.json {
        Ok(serde_json::to_string_pretty(&report)?)
    } else {
        Ok(render_text(&report))
    }
}

fn node_solid<C: ConfirmationRule>(node: &Node<C, OsRng>) -> usize {
    node.store()
        .ids()
        .filter(|id| node.metadata(id).is_some_and(|m| m.solid))
        .count()
}

fn read_file(file: &str) -> Result<String, ReplayError> {
    let read_error = |source| ReplayError::Read {
        file: file.to_owned(),
        source,
    };
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(read_error)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).map_err(read_error)
    }
}

/// The messages of a replay file: lines that are neither blank nor `#` comments.
fn message_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// A line's hex digits, without a `0x` prefix.
fn hex_digits(line: &str) -> &str {
    line.strip_prefix("0x")
        .or_else(|| line.strip_prefix("0X"))
        .unwrap_or(line)
}

/// Refuses a file with lines that are not hex, naming the first few line numbers (from 1) and
/// counting the rest, before any message reaches the node.
fn check_lines_are_hex(file: &str, text: &str) -> Result<(), ReplayError> {
    let mut garbage = message_lines(text)
        .filter_map(|(number, line)| decode_hex(hex_digits(line)).err().map(|e| (number, e)));
    let Some((first, error)) = garbage.next() else {
        return Ok(());
    };
    let mut named = vec![first];
    let mut count = 1;
    for (number, _) in garbage {
        count += 1;
        if named.len() < GARBAGE_LINES_NAMED {
            named.push(number);
        }
    }
    Err(ReplayError::GarbageLines {
        file: file.to_owned(),
        count,
        named,
        error,
    })
}

/// `line 4 is not hex (…)`, or `8 lines are not hex: lines 3, 5, 6, 8, 9 and 3 more (line 3: …)`.
fn describe_garbage(count: usize, named: &[usize], error: &HexInputError) -> String {
    let first = named.first().copied().unwrap_or_default();
    if count == 1 {
        return format!("line {first} is not hex ({error})");
    }
    let list: Vec<String> = named.iter().map(usize::to_string).collect();
    let more = match count.saturating_sub(named.len()) {
        0 => String::new(),
        more => format!(" and {more} more"),
    };
    format!(
        "{count} lines are not hex: lines {}{more} (line {first}: {error})",
        list.join(", ")
    )
}

fn genesis_output(index: usize, text: &str) -> Result<(OutputId, Output), ReplayError> {
    let bad = || ReplayError::Genesis(text.to_owned());
    let (address, amount) = text.split_once('=').ok_or_else(bad)?;
    let address = parse_address(address).map_err(|source| ReplayError::GenesisAddress {
        text: text.to_owned(),
        source,
    })?;
    let amount = genesis_amount(text, amount.trim())?;
    let rule = |source| ReplayError::GenesisOutput {
        text: text.to_owned(),
        source,
    };
    // An index past u16 breaks the output index rule just as 127 does.
    let index = u16::try_from(index).unwrap_or(u16::MAX);
    let id = OutputId::new(TransactionId::new([0; 32]), index).map_err(rule)?;
    let output = Output::single(address, amount).map_err(rule)?;
    Ok((id, output))
}

fn treasury_output(text: &str) -> Result<TreasuryOutput, ReplayError> {
    let bad = || ReplayError::Treasury(text.to_owned());
    let (id, amount) = text.split_once('=').ok_or_else(bad)?;
    let milestone_id = MilestoneId::new(read_hex_array::<32>(id.trim()).map_err(|_| bad())?);
    let amount = genesis_amount(text, amount.trim())?;
    Ok(TreasuryOutput {
        milestone_id,
        amount,
    })
}

fn genesis_amount(text: &str, amount: &str) -> Result<u64, ReplayError> {
    if !amount.is_empty() && amount.chars().all(|c| c.is_ascii_digit()) {
        return amount
            .parse::<u64>()
            .map_err(|_| ReplayError::GenesisAmountOverflow {
                text: text.to_owned(),
                amount: amount.to_owned(),
            });
    }
    Err(ReplayError::GenesisAmount {
        text: text.to_owned(),
        amount: amount.to_owned(),
    })
}

fn report<C: ConfirmationRule>(
    node: &Node<C, OsRng>,
    summary: &Summary,
    still_pending: usize,
    hrp: &Hrp,
) -> Value {
    let rejected: usize = summary.rejected.values().sum();
    let milestones: Vec<Value> = node
        .confirmations()
        .iter()
        .map(|record| {
            json!({
                "index": record.index,
                "messageId": record.message_id.to_string(),
                "timestamp": record.timestamp,
                "merkleRoot": hex::encode(record.merkle_root),
                "referenced": record.referenced,
                "applied": record.applied,
                "conflicting": record.conflicts,
            })
        })
        .collect();
    let conflicts: Vec<Value> = summary
        .conflicts
        .iter()
        .map(|(reason, count)| {
            json!({ "code": reason.code(), "reason": reason.to_string(), "count": count })
        })
        .collect();
    let ledger = node.ledger();
    let balances: Vec<Value> = ledger
        .addresses()
        .map(|(address, stats)| {
            json!({
                "address": address.to_bech32(hrp),
                "hex": hex::encode(&address.to_bytes()[1..]),
                "balance": stats.balance,
                "outputs": ledger.outputs_of(address).count(),
            })
        })
        .collect();
    json!({
        "messages": summary.lines,
        "accepted": summary.solid + summary.pending,
        "duplicates": summary.duplicates,
        "pending": still_pending,
        "rejected": rejected,
        "rejectedByRule": summary.rejected,
        "milestones": milestones,
        "milestonesRefusedByRule": summary.refused,
        "conflicting": summary.conflicts.values().sum::<usize>(),
        "conflictingByReason": conflicts,
        "confirmedMessages": summary.confirmed_messages,
        "confirmedTransactions": summary.confirmed_transactions,
        "ledgerIndex": ledger.index(),
        "totalSupply": ledger.total_supply(),
        "balances": balances,
    })
}

fn render_text(report: &Value) -> String {
    let mut out = Vec::new();
    let count = |key: &str| report[key].as_u64().unwrap_or(0);
    out.push(format!(
        "messages: {}, accepted: {}, duplicates: {}, still pending: {}, rejected: {}",
        count("messages"),
        count("accepted"),
        count("duplicates"),
        count("pending"),
        count("rejected"),
    ));
    if let Some(rules) = report["rejectedByRule"].as_object() {
        for (rule, n) in rules {
            out.push(format!("  rejected by rule {rule}: {n}"));
        }
    }
    let milestones = report["milestones"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let weight = report["confirmation"] == "weight";
    out.push(format!(
        "{} applied: {}, ledger index: {}",
        if weight {
            "confirmation steps (by weight/confidence)"
        } else {
            "milestones"
        },
        milestones.len(),
        count("ledgerIndex")
    ));
    for milestone in milestones {
        out.push(format!(
            "  {} {} ({}): {} referenced, {} applied, {} conflicting, merkle root {}",
            if weight { "step" } else { "milestone" },
            milestone["index"],
            milestone["messageId"].as_str().unwrap_or_default(),
            milestone["referenced"],
            milestone["applied"],
            milestone["conflicting"],
            milestone["merkleRoot"].as_str().unwrap_or_default(),
        ));
    }
    if let Some(rules) = report["milestonesRefusedByRule"].as_object() {
        for (rule, n) in rules {
            out.push(format!("  milestones refused by rule {rule}: {n}"));
        }
    }
    out.push(format!("conflicting: {}", count("conflicting")));
    for conflict in report["conflictingByReason"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
    {
        out.push(format!(
            "  {}: {}",
            conflict["reason"].as_str().unwrap_or_default(),
            conflict["count"]
        ));
    }
    out.push(format!(
        "confirmed: {} messages, {} transactions applied",
        count("confirmedMessages"),
        count("confirmedTransactions")
    ));
    out.push(format!("balances (total supply {}):", count("totalSupply")));
    for balance in report["balances"].as_array().map_or(&[][..], Vec::as_slice) {
        out.push(format!(
            "  {} {}",
            balance["address"].as_str().unwrap_or_default(),
            balance["balance"]
        ));
    }
    out.join("\n")
}
