//! `tangle pow`: the PoW score of a message (TIP-12), and nonce mining.
//!
//! Both take a message (at most 32768 bytes, decoded and checked as one) and refuse anything
//! else. Mining refuses a target that needs more than [`MINE_TRAILING_ZEROS_MAX`] trailing zero
//! trits: a hash has at least `z` of them with probability `3^-z`, so reaching score `s` on a
//! message of `len` bytes takes `3^z` nonces on average, where `z` is the smallest number with
//! `3^z / len >= s` (so `s·len <= 3^z < 3·s·len`).

use std::num::NonZeroUsize;

use clap::{Args, Subcommand};
use tangle::crypto::pow::{self, MineError, Miner, PowError};
use tangle::model::{Message, UnpackError};

use crate::args::{finite_number, thread_count};
use crate::hex_input::{HexInputError, read_message_hex};

/// Most trailing zero trits `pow mine` will look for: 3^20 ≈ 3.5·10^9 nonces on average, about
/// 27 minutes on one core at the 2.16 M nonces/s of the mining benchmark (docs/BENCHMARKS.md).
/// That is 9 times the work of the mainnet target (score 4000) on the longest message (32768
/// bytes need 18 trits, 3.9·10^8 nonces); one trit more would be 3 times as long again. A target
/// needing more is refused up front rather than left running for hours or years.
pub(crate) const MINE_TRAILING_ZEROS_MAX: u32 = 20;

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
    /// Minimum score to reach (mainnet: 4000); at most what 20 trailing zero trits give the
    /// message (3^20 / length).
    #[arg(long, allow_hyphen_values = true, value_parser = finite_number)]
    target_score: f64,
    /// Worker threads, 1 to 1024 (default: every available core).
    #[arg(long, allow_negative_numbers = true, value_parser = thread_count)]
    threads: Option<usize>,
    /// The serialized message as hex, or `-` to read it from standard input.
    message: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum PowCommandError {
    #[error("message: {0}")]
    Input(#[from] HexInputError),
    #[error("not a valid message: {0}")]
    Invalid(#[from] UnpackError),
    #[error("proof of work: {0}")]
    Pow(#[from] PowError),
    #[error("mining: {0}")]
    Mine(#[from] MineError),
    #[error("--target-score must be a positive number, got {0}")]
    BadTarget(f64),
    #[error(
        "--target-score {target_score} needs {zeros} trailing zero trits on a {len}-byte message \
         (score = 3^zeros / length, TIP-12): about {trials:.1e} nonces on average, more than the \
         3^{MINE_TRAILING_ZEROS_MAX} this command takes on"
    )]
    TooHard {
        target_score: f64,
        zeros: u32,
        len: usize,
        trials: f64,
    },
}

/// Reads the message argument and checks that it is a message (TIP-6).
fn read_message(argument: Option<&str>) -> Result<Vec<u8>, PowCommandError> {
    let bytes = read_message_hex(argument)?;
    Message::unpack_with_id(&bytes)?;
    Ok(bytes)
}

/// Refuses a target that needs more than [`MINE_TRAILING_ZEROS_MAX`] trailing zero trits on a
/// message of `len` bytes (or more than any hash has).
fn check_target(target_score: f64, len: usize) -> Result<(), PowCommandError> {
    let unreachable = MineError::TargetUnreachable {
        target_score,
        message_len: len,
    };
    let zeros = pow::min_trailing_zeros(target_score, len).ok_or(unreachable)?;
    if zeros > MINE_TRAILING_ZEROS_MAX {
        return Err(PowCommandError::TooHard {
            target_score,
            zeros,
            len,
            trials: pow::score_from_trailing_zeros(zeros, 1),
        });
    }
    Ok(())
}

pub(crate) fn run(command: PowCommand) -> Result<String, PowCommandError> {
    match command {
        PowCommand::Score(args) => {
            let message = read_message(args.message.as_deref())?;
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
            let mut message = read_message(args.message.as_deref())?;
            check_target(args.target_score, message.len())?;
            let threads = args
                .threads
                .and_then(NonZeroUsize::new)
                .or_else(|| std::thread::available_parallelism().ok())
                .unwrap_or(NonZeroUsize::MIN);
            let nonce = Miner::new(threads).mine(&message, args.target_score)?;
            let start = message.len().saturating_sub(pow::NONCE_LEN);
            message[start..].copy_from_slice(&nonce.to_le_bytes());
            Ok(hex::encode(message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_up_to_twenty_trailing_zero_trits_are_mined() {
        let len = 200;
        let hardest = pow::score_from_trailing_zeros(MINE_TRAILING_ZEROS_MAX, len);
        assert!(check_target(hardest, len).is_ok());
        assert!(
            check_target(4000.0, 32768).is_ok(),
            "mainnet, longest message"
        );
        match check_target(hardest * 1.001, len) {
            Err(PowCommandError::TooHard { zeros, .. }) => assert_eq!(zeros, 21),
            other => panic!("expected TooHard, got {other:?}"),
        }
        assert!(matches!(
            check_target(1e200, len),
            Err(PowCommandError::Mine(MineError::TargetUnreachable { .. }))
        ));
    }
}
