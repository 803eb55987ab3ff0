//! A bounds-checked little-endian reader over a byte slice, which tracks absolute offsets for errors.

use crate::error::{RuleError, UnpackError};

/// What running out of bytes means for this reader.
#[derive(Clone, Copy)]
enum Bound {
    /// The end of the caller's input.
    Input,
    /// The end of a payload whose length prefix said `declared`.
    Payload { declared: u32 },
}

/// Reads fields from a byte slice. Never panics; every read checks the remaining length.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
    bound: Bound,
}

impl<'a> Reader<'a> {
    /// A reader over the whole of `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            base: 0,
            bound: Bound::Input,
        }
    }

    /// Absolute offset of the next byte.
    #[inline]
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Bytes left.
    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// A rule error located at absolute offset `offset`.
    #[inline]
    pub(crate) fn rule_at(offset: usize, rule: RuleError) -> UnpackError {
        UnpackError::Rule { offset, rule }
    }

    #[cold]
    fn short(&self, needed: usize) -> UnpackError {
        match self.bound {
            Bound::Input => UnpackError::ShortInput {
                offset: self.offset(),
                needed,
                available: self.remaining(),
            },
            Bound::Payload { declared } => UnpackError::PayloadTruncated {
                offset: self.base,
                declared,
            },
        }
    }

    /// Fails unless at least `n` bytes remain (used before allocating for `n` bytes' worth of items).
    #[inline]
    pub(crate) fn ensure(&self, n: usize) -> Result<(), UnpackError> {
        if self.remaining() < n {
            Err(self.short(n))
        } else {
            Ok(())
        }
    }

    /// The next `n` bytes.
    #[inline]
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], UnpackError> {
        let buf: &'a [u8] = self.buf;
        match buf.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(self.short(n)),
        }
    }

    /// The bytes read since position `start` (a value of [`Reader::position`]).
    #[inline]
    pub(crate) fn since(&self, start: usize) -> &'a [u8] {
        let buf: &'a [u8] = self.buf;
        buf.get(start..self.pos).unwrap_or_default()
    }

    /// The position inside this reader (for [`Reader::since`]).
    #[inline]
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// The next `N` bytes as an array.
    #[inline]
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], UnpackError> {
        let slice = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// A `u8`.
    #[inline]
    pub(crate) fn u8(&mut self) -> Result<u8, UnpackError> {
        Ok(self.array::<1>()?[0])
    }

    /// A little-endian `u16`.
    #[inline]
    pub(crate) fn u16(&mut self) -> Result<u16, UnpackError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// A little-endian `u32`.
    #[inline]
    pub(crate) fn u32(&mut self) -> Result<u32, UnpackError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A little-endian `u64`.
    #[inline]
    pub(crate) fn u64(&mut self) -> Result<u64, UnpackError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A boolean byte: 0 or 1.
    pub(crate) fn bool(&mut self) -> Result<bool, UnpackError> {
        let offset = self.offset();
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(UnpackError::InvalidBool { offset, value }),
        }
    }

    /// A `u32` length prefix followed by that many bytes, as a reader of its own, or `None` for a zero
    /// length. The sub-reader reports a payload that overruns or underruns its declared length.
    pub(crate) fn payload(&mut self) -> Result<Option<Reader<'a>>, UnpackError> {
        let declared = self.u32()?;
        if declared == 0 {
            return Ok(None);
        }
        let base = self.offset();
        let buf = self.bytes(declared as usize)?;
        Ok(Some(Reader {
            buf,
            pos: 0,
            base,
            bound: Bound::Payload { declared },
        }))
    }

    /// Fails if bytes remain.
    pub(crate) fn finish(&self) -> Result<(), UnpackError> {
        if self.pos == self.buf.len() {
            return Ok(());
        }
        Err(match self.bound {
            Bound::Input => UnpackError::TrailingBytes {
                offset: self.offset(),
                count: self.remaining(),
            },
            Bound::Payload { declared } => UnpackError::PayloadLengthMismatch {
                offset: self.base,
                declared,
                actual: self.pos,
            },
        })
    }
}

/// Decodes a whole slice with `read`, rejecting trailing bytes.
pub(crate) fn unpack_all<'a, T>(
    bytes: &'a [u8],
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, UnpackError>,
) -> Result<T, UnpackError> {
    let mut reader = Reader::new(bytes);
    let value = read(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Orders two 32-byte strings as `[u8]` comparison would, without a call to `memcmp`.
#[inline]
pub(crate) fn cmp32(a: &[u8; 32], b: &[u8; 32]) -> core::cmp::Ordering {
    let (a_hi, a_lo) = halves(a);
    let (b_hi, b_lo) = halves(b);
    a_hi.cmp(&b_hi).then(a_lo.cmp(&b_lo))
}

#[inline]
fn halves(bytes: &[u8; 32]) -> (u128, u128) {
    let mut hi = [0u8; 16];
    let mut lo = [0u8; 16];
    hi.copy_from_slice(&bytes[..16]);
    lo.copy_from_slice(&bytes[16..]);
    (u128::from_be_bytes(hi), u128::from_be_bytes(lo))
}
