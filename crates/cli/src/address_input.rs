//! Address arguments: a Bech32 address (`iota1…`, any HRP) or the 32-byte Ed25519 address as 64
//! hex digits. Text made only of hex digits is read as hex, anything else as Bech32, so each
//! mistake gets its own message (a bad checksum, a wrong hex length).

use tangle::crypto::address::{Address, Bech32Error, Ed25519Address, decode_bech32};

use crate::hex_input::{HexInputError, is_hex, read_hex_array};

/// Why an address argument could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AddressInputError {
    #[error("address is empty")]
    Empty,
    #[error("Bech32 address: {0}")]
    Bech32(#[from] Bech32Error),
    #[error("hex Ed25519 address: {0}")]
    Hex(#[from] HexInputError),
}

/// Reads an address given as Bech32 or as 64 hex digits.
pub(crate) fn parse_address(text: &str) -> Result<Address, AddressInputError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AddressInputError::Empty);
    }
    if is_hex(text) {
        return Ok(Address::Ed25519(Ed25519Address::new(read_hex_array::<32>(
            text,
        )?)));
    }
    Ok(decode_bech32(text)?.1)
}
