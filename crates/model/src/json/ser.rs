//! The writing side of the JSON form: lower-case hexadecimal and decimal strings, written straight
//! to the serializer.

use core::fmt;

use serde::{Serialize, Serializer};

/// Bytes written as lower-case hexadecimal without a prefix.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 64];
        for chunk in self.0.chunks(buf.len() / 2) {
            let mut len = 0;
            for byte in chunk {
                buf[len] = DIGITS[usize::from(byte >> 4)];
                buf[len + 1] = DIGITS[usize::from(byte & 0x0f)];
                len += 2;
            }
            // Only ASCII digits were written.
            f.write_str(core::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A `u64` written as a decimal string (`networkId`, `nonce`): JSON numbers are doubles in many
/// readers and cannot hold every `u64` exactly.
pub(crate) struct Decimal(pub(crate) u64);

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A list of byte strings written as an array of hexadecimal strings.
pub(crate) struct HexList<'a, T>(pub(crate) &'a [T]);

impl<T: AsRef<[u8]>> Serialize for HexList<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|item| Hex(item.as_ref())))
    }
}
