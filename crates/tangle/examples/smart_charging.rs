//! A car pays a charging station per kWh through its wallet while the station publishes signed,
//! encrypted meter readings that only the car can read, on an in-process Tangle confirmed by
//! milestones. The story lives in [`tangle::demo::smart_charging`], which `tangle demo` prints
//! too.
//!
//! Run with `cargo run --release -p tangle --example smart_charging`.

use tangle::demo::{DemoConfig, smart_charging};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let summary = smart_charging(&mut std::io::stdout().lock(), &DemoConfig::default())?;
    println!(
        "({} payments and {} readings, confirmed by milestones {:?})",
        summary.payments.len(),
        summary.readings.len(),
        summary.milestones
    );
    Ok(())
}
