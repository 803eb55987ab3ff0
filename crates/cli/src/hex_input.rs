//! Hex arguments: given inline, or `-` for standard input.

use std::io::Read;

/// Why a hex argument could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HexInputError {
    #[error("could not read standard input: {0}")]
    Stdin(#[from] std::io::Error),
    #[error("input is not valid hex: {0}")]
    Hex(#[from] hex::FromHexError),
}

/// Reads `argument` as hex bytes; `None` or `-` read standard input. Surrounding white space and
/// a `0x` prefix are ignored.
pub(crate) fn read_hex(argument: Option<&str>) -> Result<Vec<u8>, HexInputError> {
    let owned;
    let text = match argument {
        Some(text) if text != "-" => text,
        _ => {
            let mut buffer = String::new();
            std::io::stdin().read_to_string(&mut buffer)?;
            owned = buffer;
            owned.as_str()
        }
    };
    let text = text.trim();
    let text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    Ok(hex::decode(text)?)
}

/// Reads exactly `N` bytes of hex.
pub(crate) fn read_hex_array<const N: usize>(text: &str) -> Result<[u8; N], HexInputError> {
    let mut out = [0u8; N];
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    hex::decode_to_slice(text, &mut out)?;
    Ok(out)
}
