//! A sensor publishes temperature readings on an encrypted, signed channel; a subscriber who
//! holds the channel key fetches them by index from an in-process node, verifies and decrypts
//! them; a tampered copy, a replayed packet and a reader with the wrong key are all caught.
//!
//! Run with `cargo run -p tangle --example sensor_stream`.

use tangle::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let network = Network::custom("sensor-net", "tst", 0.0)?;
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(network.network_id),
            min_pow_score: network.min_pow_score,
        },
        ..NodeConfig::default()
    };
    // Data only: no funds and no confirmation needed.
    let mut node = Node::new(
        config,
        NoConfirmation,
        Ledger::from_outputs(0, [])?,
        ChaCha20Rng::seed_from_u64(8),
    )?;
    let mut tips = Urts::new();

    // The sensor and its channel; the key is given to subscribers out of band.
    let key = ChannelKey::generate(&mut rng);
    let mut sensor = Author::named(SigningKey::generate(&mut rng), b"greenhouse/temperature")
        .with_channel_key(key.clone());
    println!("sensor channel {}", sensor.channel());
    let mut published = Vec::new();
    for reading in ["20.5 C", "20.9 C", "21.4 C"] {
        let packet = sensor.publish(reading.as_bytes(), &mut rng)?;
        let sent = attach(
            &mut node,
            &network,
            packet.to_indexation_payload()?,
            &mut tips,
            &mut rng,
        )?;
        println!(
            "published packet #{} in message {}",
            packet.sequence(),
            sent.message_id
        );
        published.push(packet);
    }

    // A subscriber reads the channel by index: no scan of the Tangle.
    let mut subscriber = Reader::new(sensor.public_key(), sensor.channel()).with_channel_key(key);
    let (readings, end) = subscriber.fetch_all(&node);
    for opened in &readings {
        let text = String::from_utf8_lossy(opened.plaintext().unwrap_or_default());
        println!("verified #{}: {text}", opened.sequence);
    }
    println!("stream end: {end:?} (None = no error, nothing newer yet)");

    // Tampering: one flipped bit in the next packet.
    let next = sensor.publish(b"21.8 C", &mut rng)?;
    let mut forged = next.as_bytes().to_vec();
    let last = forged.len() - 100;
    forged[last] ^= 0x10;
    println!("tampered copy: {}", describe(subscriber.open(&forged)));
    println!(
        "genuine packet: {}",
        describe(subscriber.open(next.as_bytes()))
    );

    // Replay: the same packet again.
    println!(
        "replayed packet: {}",
        describe(subscriber.open(next.as_bytes()))
    );

    // A reader with a wrong key: authentic, but the AEAD tag fails.
    let mut wrong = Reader::new(sensor.public_key(), sensor.channel())
        .with_channel_key(ChannelKey::generate(&mut rng));
    println!(
        "wrong key: {}",
        describe(wrong.open(published[0].as_bytes()))
    );
    Ok(())
}

fn describe(result: Result<Opened, StreamError>) -> String {
    match result {
        Ok(opened) => format!(
            "accepted #{} ({})",
            opened.sequence,
            String::from_utf8_lossy(opened.plaintext().unwrap_or_default())
        ),
        Err(error) => format!("refused: {error}"),
    }
}
