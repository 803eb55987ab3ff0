//! The smart-charging story that `tangle demo` prints: a car pays a charging station per kWh
//! while the station publishes signed, encrypted meter readings that only the car can read, all
//! on an in-process Tangle confirmed by milestones. It is application code on top of the
//! `tangle` facade: every step uses the library's public API only.

use std::io::Write;

use tangle::consensus::pipeline::PipelineConfig;
use tangle::consensus::{Ledger, LedgerError, MilestoneRule, Node, NodeConfig, NodeError};
use tangle::crypto::address::HrpError;
use tangle::crypto::ed25519::SigningKey;
use tangle::graph::select::Urts;
use tangle::model::{IndexationPayload, MessageId, Output, OutputId, RuleError, TransactionId};
use tangle::rand_chacha::ChaCha20Rng;
use tangle::rand_chacha::rand_core::SeedableRng;
use tangle::wallet::stream::{Author, ChannelKey, Contents, Reader, SealError, StreamError};
use tangle::wallet::{
    Account, Chain, Coordinator, CoordinatorError, DefaultInputSelection, Mnemonic, Network,
    Slip10Error, Transfer, TransferError, WordCount, attach,
};

/// One Mi (10⁶ IOTA tokens).
pub(crate) const MI: u64 = 1_000_000;

/// Highest minimum PoW score the story accepts: the Chrysalis mainnet's. Each message then
/// takes about 3¹³ Curl hashes to mine; far higher scores would run for hours.
pub(crate) const MAX_POW_SCORE: f64 = 4_000.0;

/// Settings of the story.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DemoConfig {
    /// Seed of every key and nonce, so that a run is reproducible.
    pub(crate) seed: u64,
    /// kWh delivered; the car pays after each one.
    pub(crate) kwh: u32,
    /// Price of one kWh in IOTA tokens (below 1 Mi: a micropayment into the station's dust
    /// allowance).
    pub(crate) price_per_kwh: u64,
    /// The network's minimum PoW score (low, so the story runs in seconds).
    pub(crate) min_pow_score: f64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            seed: 2026,
            kwh: 4,
            price_per_kwh: 250_000,
            min_pow_score: 10.0,
        }
    }
}

/// A payment the car made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payment {
    /// The kWh paid for (1-based).
    pub(crate) kwh: u32,
    /// Amount in IOTA tokens.
    pub(crate) amount: u64,
    /// The message carrying the transaction.
    pub(crate) message_id: MessageId,
    /// The milestone that confirmed it.
    pub(crate) milestone: u32,
}

/// A meter reading the car verified and decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reading {
    /// The packet's sequence number.
    pub(crate) sequence: u64,
    /// The decrypted text.
    pub(crate) text: String,
    /// The message carrying the packet.
    pub(crate) message_id: MessageId,
}

/// What happened, for tests and callers that print their own summary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DemoSummary {
    /// The car's balance before charging.
    pub(crate) car_before: u64,
    /// The car's balance after.
    pub(crate) car_after: u64,
    /// The station's balance before charging (its dust allowance).
    pub(crate) station_before: u64,
    /// The station's balance after.
    pub(crate) station_after: u64,
    /// Total paid.
    pub(crate) paid: u64,
    /// Every payment, confirmed.
    pub(crate) payments: Vec<Payment>,
    /// Every reading the car accepted.
    pub(crate) readings: Vec<Reading>,
    /// The forged reading an attacker posted, and how the car's reader refused it.
    pub(crate) forgery_rejected: Option<StreamError>,
    /// How many readings an eavesdropper without the channel key could authenticate (but not
    /// read).
    pub(crate) sealed_for_eavesdropper: usize,
    /// The milestones issued, in order.
    pub(crate) milestones: Vec<u32>,
}

/// Why the story stopped. Each variant wraps the layer's own typed error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum DemoError {
    /// Writing the story failed.
    #[error("output: {0}")]
    Io(#[from] std::io::Error),
    /// The network's address prefix is invalid.
    #[error("network: {0}")]
    Hrp(#[from] HrpError),
    /// Key derivation failed.
    #[error("keys: {0}")]
    Keys(#[from] Slip10Error),
    /// A genesis output or identifier broke a rule.
    #[error("genesis: {0}")]
    Rule(#[from] RuleError),
    /// The genesis ledger is inconsistent.
    #[error("ledger: {0}")]
    Ledger(#[from] LedgerError),
    /// The node could not start.
    #[error("node: {0}")]
    Node(#[from] NodeError),
    /// A payment failed.
    #[error("payment: {0}")]
    Transfer(#[from] TransferError),
    /// A milestone was not applied.
    #[error("coordinator: {0}")]
    Coordinator(#[from] CoordinatorError),
    /// A reading could not be sealed.
    #[error("meter: {0}")]
    Seal(#[from] SealError),
    /// The car refused a genuine reading (never expected).
    #[error("reading refused: {0}")]
    Stream(#[from] StreamError),
    /// The minimum PoW score is not a number in `[0, MAX_POW_SCORE]`.
    #[error("--pow-score must be a number in [0, {MAX_POW_SCORE}] (the mainnet minimum), got {0}")]
    PowScore(f64),
    /// A step did not do what the story needs.
    #[error("story: {0}")]
    Story(&'static str),
}

type DemoNode = Node<MilestoneRule, ChaCha20Rng>;

/// Formats an amount in Mi with six decimals.
fn mi(amount: u64) -> String {
    format!("{}.{:06} Mi", amount / MI, amount % MI)
}

fn short(id: &MessageId) -> String {
    let text = id.to_string();
    let hex = text.trim_start_matches("0x");
    format!("{}…", hex.get(..12).unwrap_or(hex))
}

/// Runs the smart-charging story on a fresh in-process Tangle and writes it to `out`.
pub(crate) fn smart_charging<W: Write + ?Sized>(
    out: &mut W,
    config: &DemoConfig,
) -> Result<DemoSummary, DemoError> {
    let score = config.min_pow_score;
    if !(score.is_finite() && (0.0..=MAX_POW_SCORE).contains(&score)) {
        return Err(DemoError::PowScore(score));
    }
    let mut rng = ChaCha20Rng::seed_from_u64(config.seed);
    let network = Network::custom("smart-charging-demo", "tst", config.min_pow_score)?;
    writeln!(
        out,
        "Smart charging on an in-process Tangle (network \"smart-charging-demo\", PoW score ≥ {})",
        config.min_pow_score
    )?;

    // Wallets: the car holds funds; the station receives micropayments.
    let mut car = Account::from_mnemonic(
        &Mnemonic::generate(&mut rng, WordCount::Words24),
        "",
        &network,
        0,
    )?;
    let car_address = car.next_address(Chain::Public)?;
    let mut station = Account::from_mnemonic(
        &Mnemonic::generate(&mut rng, WordCount::Words24),
        "",
        &network,
        0,
    )?;
    let station_address = station.next_address(Chain::Public)?;

    // Genesis: 10 Mi for the car, 1 Mi for the station.
    let mut coordinator = Coordinator::new(vec![SigningKey::generate(&mut rng)], 1_700_000_000);
    let ledger = Ledger::from_outputs(
        0,
        [
            (
                OutputId::new(TransactionId::new([0; 32]), 0)?,
                Output::single(car_address.address, 10 * MI)?,
            ),
            (
                OutputId::new(TransactionId::new([0; 32]), 1)?,
                Output::single(station_address.address, MI)?,
            ),
        ],
    )?;
    let node_config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(network.network_id),
            min_pow_score: network.min_pow_score,
        },
        ..NodeConfig::default()
    };
    let mut node: DemoNode = Node::new(
        node_config,
        coordinator.rule(),
        ledger,
        ChaCha20Rng::seed_from_u64(config.seed ^ 1),
    )?;
    car.discover(&node, 5)?;
    station.discover(&node, 5)?;
    let car_before = car.balance(&node).total;
    writeln!(
        out,
        "Car      {}  balance {}",
        car.bech32(&car_address),
        mi(car_before)
    )?;
    writeln!(
        out,
        "Station  {}  balance {}",
        station.bech32(&station_address),
        mi(station.balance(&node).total)
    )?;

    // The station turns its 1 Mi into a dust allowance so that it can receive payments below
    // 1 Mi (TIP-15: 1 Mi allows 10 dust outputs).
    let mut tips = Urts::new();
    let mut selection = DefaultInputSelection::default();
    let allowance = Transfer::new().dust_allowance(station_address.address, MI);
    station.send(
        &mut node,
        &network,
        &allowance,
        &mut selection,
        &mut tips,
        &mut rng,
    )?;
    let mut milestones = Vec::new();
    let confirmation = coordinator.issue(&mut node, &network)?;
    milestones.push(confirmation.checkpoint.index);
    station.refresh(&node);
    let station_before = station.balance(&node).total;
    writeln!(
        out,
        "Station opens its address for micropayments: a dust allowance of {}, confirmed by milestone {}",
        mi(MI),
        confirmation.checkpoint.index
    )?;

    // The meter channel: signed by the station, encrypted with a key the car received when it
    // plugged in (a key exchange over the cable is outside this story).
    let channel_key = ChannelKey::generate(&mut rng);
    let mut meter = Author::named(SigningKey::generate(&mut rng), b"charger-7/meter")
        .with_channel_key(channel_key.clone());
    let mut car_reader =
        Reader::new(meter.public_key(), meter.channel()).with_channel_key(channel_key);
    let mut eavesdropper = Reader::new(meter.public_key(), meter.channel());
    writeln!(
        out,
        "Station publishes encrypted meter readings on channel {}…; only the car holds the key",
        meter.channel().to_string().get(..12).unwrap_or_default()
    )?;

    let mut payments = Vec::new();
    let mut readings = Vec::new();
    let mut forgery_rejected = None;
    let mut sealed_for_eavesdropper = 0;
    let mut paid = 0u64;
    let forged_round = config.kwh.min(2);
    for kwh in 1..=config.kwh {
        // The station measures and publishes.
        let text = format!(
            "kWh {kwh} of {}: meter {}.000 kWh, 11.0 kW, {} i/kWh",
            config.kwh, kwh, config.price_per_kwh
        );
        let packet = meter.publish(text.as_bytes(), &mut rng)?;
        let sent = attach(
            &mut node,
            &network,
            packet.to_indexation_payload()?,
            &mut tips,
            &mut rng,
        )?;
        writeln!(
            out,
            "kWh {kwh}: station published reading #{} (encrypted, message {})",
            packet.sequence(),
            short(&sent.message_id)
        )?;
        if kwh == forged_round {
            // Someone posts a doctored copy (a lower meter value) under the same index.
            let mut forged = packet.as_bytes().to_vec();
            if let Some(byte) = forged.get_mut(110) {
                *byte ^= 0x01;
            }
            let payload = IndexationPayload::new(packet.index().to_vec(), forged)?;
            attach(&mut node, &network, payload, &mut tips, &mut rng)?;
        }

        // The car fetches the reading by its index, verifies and decrypts it.
        let fetched = car_reader
            .fetch_next(&node)?
            .ok_or(DemoError::Story("the reading was not found"))?;
        for rejection in &fetched.rejected {
            writeln!(
                out,
                "       a forged copy of reading #{} was posted: car rejected it ({rejection})",
                packet.sequence()
            )?;
            forgery_rejected = Some(*rejection);
        }
        let plain = match &fetched.packet.contents {
            Contents::Decrypted(data) => String::from_utf8_lossy(data).into_owned(),
            _ => return Err(DemoError::Story("the reading was not encrypted")),
        };
        writeln!(out, "       car verified and decrypted it: \"{plain}\"")?;
        readings.push(Reading {
            sequence: fetched.packet.sequence,
            text: plain,
            message_id: sent.message_id,
        });
        if let Some(seen) = eavesdropper.fetch_next(&node)?
            && seen.packet.contents == Contents::Sealed
        {
            sealed_for_eavesdropper += 1;
        }

        // The car pays for the kWh it has verified.
        let transfer = Transfer::new().pay(station_address.address, config.price_per_kwh);
        let (_, payment) = car.send(
            &mut node,
            &network,
            &transfer,
            &mut selection,
            &mut tips,
            &mut rng,
        )?;
        let confirmation = coordinator.issue(&mut node, &network)?;
        let index = confirmation.checkpoint.index;
        milestones.push(index);
        let included = node
            .metadata(&payment.message_id)
            .is_some_and(|m| m.is_included());
        if !included {
            return Err(DemoError::Story("a payment was not confirmed"));
        }
        car.refresh(&node);
        paid += config.price_per_kwh;
        writeln!(
            out,
            "       car paid station {} (message {}); milestone {index} confirmed it ({} messages referenced, {} transaction applied)",
            mi(config.price_per_kwh),
            short(&payment.message_id),
            confirmation.outcome.referenced.len(),
            confirmation.outcome.applied.len(),
        )?;
        payments.push(Payment {
            kwh,
            amount: config.price_per_kwh,
            message_id: payment.message_id,
            milestone: index,
        });
    }

    station.refresh(&node);
    let car_after = car.balance(&node).total;
    let station_after = station.balance(&node).total;
    writeln!(
        out,
        "An eavesdropper without the channel key authenticated {sealed_for_eavesdropper} readings but could read none"
    )?;
    writeln!(
        out,
        "Car paid station {} for {} kWh in {} confirmed micropayments",
        mi(paid),
        config.kwh,
        payments.len()
    )?;
    writeln!(
        out,
        "Balances: car {} -> {}, station {} -> {}",
        mi(car_before),
        mi(car_after),
        mi(station_before),
        mi(station_after)
    )?;
    Ok(DemoSummary {
        car_before,
        car_after,
        station_before,
        station_after,
        paid,
        payments,
        readings,
        forgery_rejected,
        sealed_for_eavesdropper,
        milestones,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_story_conserves_money_and_confirms_every_payment() {
        let summary =
            smart_charging(&mut std::io::sink(), &DemoConfig::default()).expect("the story runs");
        assert_eq!(summary.car_after, summary.car_before - summary.paid);
        assert_eq!(summary.station_after, summary.station_before + summary.paid);
        assert_eq!(summary.readings.len(), summary.payments.len());
        assert!(summary.forgery_rejected.is_some());
    }

    #[test]
    fn pow_scores_outside_the_range_are_refused_before_any_work() {
        for score in [f64::NAN, -1.0, 1e9, f64::INFINITY] {
            let config = DemoConfig {
                min_pow_score: score,
                ..DemoConfig::default()
            };
            let mut out = Vec::new();
            assert!(matches!(
                smart_charging(&mut out, &config),
                Err(DemoError::PowScore(_))
            ));
            assert!(out.is_empty(), "nothing printed");
        }
    }

    #[test]
    fn amounts_are_shown_in_mi() {
        assert_eq!(mi(8_750_000), "8.750000 Mi");
        assert_eq!(mi(250_000), "0.250000 Mi");
    }
}
