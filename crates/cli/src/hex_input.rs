//! Hex arguments: given inline, or `-` for standard input. Errors say what is wrong: which
//! character is not hex, or how many bytes were expected and given.

use std::io::Read;

use tangle::model::MESSAGE_LENGTH_MAX;

/// Why a hex argument could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HexInputError {
    #[error("could not read standard input: {0}")]
    Stdin(#[from] std::io::Error),
    #[error("not hex: character {character:?} at position {position}")]
    NotHex { character: char, position: usize },
    #[error("not hex: an odd number of hex digits ({0})")]
    OddDigits(usize),
    #[error("expected {expected} bytes, got {got}")]
    Length { expected: usize, got: usize },
    #[error("more than {MESSAGE_LENGTH_MAX} bytes, the longest message (TIP-6)")]
    TooLong,
}

/// Hex characters a message may take on standard input: two per byte, a `0x` prefix and some
/// white space around it. Reading stops there, so a huge input costs neither time nor memory.
const MESSAGE_HEX_READ_LIMIT: usize = 2 * MESSAGE_LENGTH_MAX + 4096;

/// Reads `argument` as the hex of a message of at most [`MESSAGE_LENGTH_MAX`] bytes; `None` or
/// `-` read standard input. Surrounding white space and a `0x` prefix are ignored.
pub(crate) fn read_message_hex(argument: Option<&str>) -> Result<Vec<u8>, HexInputError> {
    let owned;
    let text = match argument {
        Some(text) if text != "-" => text,
        _ => {
            let mut buffer = Vec::new();
            std::io::stdin()
                .take(MESSAGE_HEX_READ_LIMIT as u64 + 1)
                .read_to_end(&mut buffer)?;
            if buffer.len() > MESSAGE_HEX_READ_LIMIT {
                return Err(HexInputError::TooLong);
            }
            owned = String::from_utf8_lossy(&buffer).into_owned();
            owned.as_str()
        }
    };
    let digits = strip_prefix(text);
    if digits.len() > 2 * MESSAGE_LENGTH_MAX {
        return Err(HexInputError::TooLong);
    }
    decode_hex(digits)
}

/// Reads exactly `N` bytes of hex (surrounding white space and a `0x` prefix are ignored).
pub(crate) fn read_hex_array<const N: usize>(text: &str) -> Result<[u8; N], HexInputError> {
    let bytes = decode_hex(strip_prefix(text))?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| HexInputError::Length {
        expected: N,
        got: bytes.len(),
    })
}

/// Whether `text` (white space and `0x` aside) is made of hex digits only.
pub(crate) fn is_hex(text: &str) -> bool {
    strip_prefix(text).chars().all(|c| c.is_ascii_hexdigit())
}

fn strip_prefix(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text)
}

/// Decodes hex digits, naming the first character that is not one, or an odd count.
pub(crate) fn decode_hex(digits: &str) -> Result<Vec<u8>, HexInputError> {
    if let Some((position, character)) = digits
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_hexdigit())
    {
        return Err(HexInputError::NotHex {
            character,
            position,
        });
    }
    if digits.len() % 2 == 1 {
        return Err(HexInputError::OddDigits(digits.len()));
    }
    hex::decode(digits).map_err(|_| HexInputError::OddDigits(digits.len()))
}
