//! `tangle pow`: the PoW score of a message (TIP-12), and nonce mining.

use std::num::NonZeroUsize;

use clap::{Args, Subcommand};
use tangle::crypto::pow::{self, MineError, Miner, PowError};

use crate::hex_input::{HexInputError, read_hex};

#[derive(Debug, Subcommand)]
pub(crate) enum PowCommand {
    /// Print the PoW score of a serialized message (its last 8 bytes are the nonce).
    Score(ScoreArgs),
    /// Find a nonce that gives the message at least the target score; print the message with it.
    Mine(MineArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ScoreArgs {
    /// The serialized message as hex, or `-` to read it from standard input.
    message: Option<String>,
    /// Print JSON with the trailing zero trits too.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct MineArgs {
    /// Minimum score to reach (mainnet: 4000).
    #[arg(long)]
    target_score: f64,
    /// Worker threads (default: every available core).
    #[arg(long)]
    threads: Option<NonZeroUsize>,
    /// The serialized message as hex, or `-` to read it from standard input.
    message: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum PowCommandError {
    #[error("message: {0}")]
    Input(#[from] HexInputError),
    #[error("proof of work: {0}")]
    Pow(#[from] PowError),
    #[error("mining: {0}")]
    Mine(#[from] MineError),
    #[error("target score must be a positive number, got {0}")]
    BadTarget(f64),
}

pub(crate) fn run(command: PowCommand) -> Result<String, PowCommandError> {
    match command {
        PowCommand::Score(args) => {
            let message = read_hex(args.message.as_deref())?;
            let score = pow::try_score(&message)?;
            if args.json {
                let json = serde_json::json!({
                    "powScore": score,
                    "trailingZeroTrits": pow::try_trailing_zeros(&message)?,
                    "length": message.len(),
                });
                return Ok(json.to_string());
            }
            Ok(score.to_string())
        }
        PowCommand::Mine(args) => {
            if !(args.target_score.is_finite() && args.target_score > 0.0) {
                return Err(PowCommandError::BadTarget(args.target_score));
            }
            let mut message = read_hex(args.message.as_deref())?;
            let threads = args
                .threads
                .or_else(|| std::thread::available_parallelism().ok())
                .unwrap_or(NonZeroUsize::MIN);
            let nonce = Miner::new(threads).mine(&message, args.target_score)?;
            let start = message.len().saturating_sub(pow::NONCE_LEN);
            message[start..].copy_from_slice(&nonce.to_le_bytes());
            Ok(hex::encode(message))
        }
    }
}
