//! `tangle demo`: the smart-charging story ([`story::smart_charging`]) on an in-process
//! Tangle, printed for a new user.

mod story;

use clap::Args;
use story::{DemoConfig, DemoError, smart_charging};

/// Options of `tangle demo`; the defaults tell the standard story.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Seed of every key and nonce (the same seed prints the same story).
    #[arg(long, default_value_t = DemoConfig::default().seed,
          allow_negative_numbers = true, value_parser = crate::args::unsigned_64)]
    seed: u64,
    /// kWh to deliver; the car pays after each (at most 10: the station's dust allowance of
    /// 1 Mi holds 10 micropayments).
    #[arg(long, default_value_t = DemoConfig::default().kwh,
          value_parser = clap::value_parser!(u32).range(1..=10), allow_negative_numbers = true)]
    kwh: u32,
    /// Price per kWh in IOTA tokens.
    #[arg(long, default_value_t = DemoConfig::default().price_per_kwh,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000), allow_negative_numbers = true)]
    price: u64,
    /// Minimum PoW score of the demo network (kept low so that the story runs in seconds; at
    /// most 4000, the mainnet's).
    #[arg(long, default_value_t = DemoConfig::default().min_pow_score, allow_negative_numbers = true)]
    pow_score: f64,
}

/// Runs the story and returns its text.
pub(crate) fn run(args: DemoArgs) -> Result<String, DemoError> {
    let config = DemoConfig {
        seed: args.seed,
        kwh: args.kwh,
        price_per_kwh: args.price,
        min_pow_score: args.pow_score,
    };
    let mut story = Vec::new();
    smart_charging(&mut story, &config)?;
    Ok(String::from_utf8_lossy(&story).trim_end().to_owned())
}
