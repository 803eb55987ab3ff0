//! `tangle address`: a public key's Ed25519 address (TIP-11).

use clap::Args;
use tangle::crypto::address::{Ed25519Address, Hrp, HrpError};
use tangle::crypto::ed25519::PublicKey;

use crate::hex_input::{HexInputError, read_hex_array};

#[derive(Debug, Args)]
pub(crate) struct AddressArgs {
    /// The 32-byte Ed25519 public key, hex.
    #[arg(long)]
    public_key: String,
    /// Human-readable part of the Bech32 form: `iota` (mainnet), `atoi` (testnet) or any valid HRP.
    #[arg(long, default_value = "iota")]
    hrp: String,
    /// Print JSON instead of the Bech32 address alone.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum AddressCommandError {
    #[error("public key: {0}")]
    PublicKey(#[from] HexInputError),
    #[error("hrp: {0}")]
    Hrp(#[from] HrpError),
}

pub(crate) fn run(args: AddressArgs) -> Result<String, AddressCommandError> {
    let public_key = PublicKey::from_bytes(read_hex_array::<32>(&args.public_key)?);
    let hrp = Hrp::new(&args.hrp)?;
    let address = Ed25519Address::from_public_key(&public_key);
    let bech32 = address.to_bech32(&hrp);
    if !args.json {
        return Ok(bech32);
    }
    let json = serde_json::json!({
        "publicKey": hex::encode(public_key.as_bytes()),
        "ed25519Address": hex::encode(address.as_bytes()),
        "serialized": hex::encode(address.to_serialized()),
        "hrp": hrp.as_str(),
        "bech32": bech32,
    });
    Ok(serde_json::to_string_pretty(&json).unwrap_or_default())
}
