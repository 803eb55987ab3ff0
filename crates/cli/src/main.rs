//! The `tangle` command-line tool: inspect Chrysalis messages, mine proof of work, derive addresses,
//! replay messages through an in-process node, simulate tip selection, manage wallet keys, and
//! tell the smart-charging story (`tangle demo`).
//!
//! Every failure prints one line on stderr naming the rule that was broken and exits with code 1.

mod address_input;
mod args;
mod commands;
mod hex_input;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// A Rust implementation of the IOTA Tangle.
#[derive(Debug, Parser)]
#[command(name = "tangle", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode and inspect serialized messages.
    #[command(subcommand)]
    Message(commands::message::MessageCommand),
    /// Proof of work (TIP-12): score a message or mine its nonce.
    #[command(subcommand)]
    Pow(commands::pow::PowCommand),
    /// Derive the Ed25519 address of a public key and its Bech32 form.
    Address(commands::address::AddressArgs),
    /// Feed a file of hex messages (one per line) to an in-process node and summarise: accepted,
    /// rejected by rule, milestones, conflicts by reason, confirmed, final balances.
    Replay(commands::replay::ReplayArgs),
    /// Simulate the Tangle (Poisson arrivals of rate λ, visibility delay h, k parents) with a
    /// tip-selection algorithm and print the metrics: tips, first approval, orphans, approvers.
    Simulate(commands::simulate::SimulateArgs),
    /// Wallet keys: a fresh BIP-39 mnemonic, or the SLIP-10 address of a mnemonic.
    #[command(subcommand)]
    Wallet(commands::wallet::WalletCommand),
    /// The smart-charging story: a car pays a charging station per kWh through its wallet while
    /// the station publishes signed, encrypted meter readings, confirmed by milestones.
    Demo(commands::demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = match parse_arguments() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let outcome = match cli.command {
        Command::Message(command) => commands::message::run(command).map_err(|e| e.to_string()),
        Command::Pow(command) => commands::pow::run(command).map_err(|e| e.to_string()),
        Command::Address(args) => commands::address::run(args).map_err(|e| e.to_string()),
        Command::Replay(args) => commands::replay::run(args).map_err(|e| e.to_string()),
        Command::Simulate(args) => commands::simulate::run(args).map_err(|e| e.to_string()),
        Command::Wallet(command) => commands::wallet::run(command).map_err(|e| e.to_string()),
        Command::Demo(args) => commands::demo::run(args).map_err(|e| e.to_string()),
    };
    match outcome {
        Ok(output) => {
            // A closed pipe (`tangle … | head`) is not an error of ours: stop quietly.
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{output}").and_then(|()| stdout.flush()) {
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("error: could not write the output: {error}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(error) => {
            // One line, whatever the error's own formatting: scripts read it with `head -1`.
            let line = error.replace('\n', " ");
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the command line. `--help` and `--version` print on stdout and exit 0; any other
/// argument error prints one line on stderr and gives exit code 1, like every other failure.
fn parse_arguments() -> Result<Cli, ExitCode> {
    let command = require_subcommands_without_help(Cli::command());
    let parsed = command
        .try_get_matches()
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches));
    parsed.map_err(|error| {
        use clap::error::ErrorKind;
        if matches!(
            error.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            // Prints on stdout and exits 0 (or quietly if stdout is closed).
            error.exit();
        }
        eprintln!("error: {}", args::one_line_error(&error.to_string()));
        ExitCode::FAILURE
    })
}

/// A missing subcommand (`tangle`, `tangle pow`) is an argument error like any other, not a help
/// page on stderr: clap's derive asks for the help page, so it is switched off at every level.
fn require_subcommands_without_help(command: clap::Command) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    names
        .iter()
        .fold(command.arg_required_else_help(false), |command, name| {
            command.mut_subcommand(name, require_subcommands_without_help)
        })
}
