//! [`Output`]: what a transaction creates (TIP-7, dust allowance from TIP-15).

use alloc::vec::Vec;

use crate::address::Address;
use crate::error::{RuleError, UnpackError};
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};
use crate::{DUST_ALLOWANCE_MIN, IOTA_SUPPLY};

/// A transaction output, packed as `u8 type ‖ address ‖ u64 amount`.
///
/// Build one with [`Output::single`] or [`Output::dust_allowance`], which check the amount.
///
/// ```
/// use tangle_model::{Address, Ed25519Address, Output, RuleError};
/// let address = Address::Ed25519(Ed25519Address::new([3; 32]));
/// assert!(Output::single(address, 1).is_ok());
/// assert_eq!(Output::single(address, 0), Err(RuleError::OutputAmount { index: 0, amount: 0 }));
/// assert!(Output::dust_allowance(address, 999_999).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    /// A signature-locked single output (type 0): `amount` in 1..=total supply.
    SignatureLockedSingle {
        /// The address that can spend it.
        address: Address,
        /// The amount.
        amount: u64,
    },
    /// A signature-locked dust-allowance output (type 1): `amount` in 1_000_000..=total supply.
    SignatureLockedDustAllowance {
        /// The address that can spend it.
        address: Address,
        /// The amount.
        amount: u64,
    },
}

impl Output {
    /// Type byte of a signature-locked single output.
    pub const SINGLE_KIND: u8 = 0;
    /// Type byte of a signature-locked dust-allowance output.
    pub const DUST_ALLOWANCE_KIND: u8 = 1;
    /// Packed length of either output.
    pub const LENGTH: usize = 42;

    /// A signature-locked single output; `amount` must be in 1..=total supply.
    pub fn single(address: Address, amount: u64) -> Result<Self, RuleError> {
        let output = Self::SignatureLockedSingle { address, amount };
        output.check(0)?;
        Ok(output)
    }

    /// A signature-locked dust-allowance output; `amount` must be in 1_000_000..=total supply.
    pub fn dust_allowance(address: Address, amount: u64) -> Result<Self, RuleError> {
        let output = Self::SignatureLockedDustAllowance { address, amount };
        output.check(0)?;
        Ok(output)
    }

    /// The type byte.
    pub fn kind(&self) -> u8 {
        match self {
            Self::SignatureLockedSingle { .. } => Self::SINGLE_KIND,
            Self::SignatureLockedDustAllowance { .. } => Self::DUST_ALLOWANCE_KIND,
        }
    }

    /// The address that can spend it.
    pub fn address(&self) -> &Address {
        match self {
            Self::SignatureLockedSingle { address, .. }
            | Self::SignatureLockedDustAllowance { address, .. } => address,
        }
    }

    /// The amount.
    pub fn amount(&self) -> u64 {
        match self {
            Self::SignatureLockedSingle { amount, .. }
            | Self::SignatureLockedDustAllowance { amount, .. } => *amount,
        }
    }

    /// Checks the amount rule; `index` is reported in the error.
    pub(crate) fn check(&self, index: usize) -> Result<(), RuleError> {
        match *self {
            Self::SignatureLockedSingle { amount, .. } if amount == 0 || amount > IOTA_SUPPLY => {
                Err(RuleError::OutputAmount { index, amount })
            }
            Self::SignatureLockedDustAllowance { amount, .. }
                if !(DUST_ALLOWANCE_MIN..=IOTA_SUPPLY).contains(&amount) =>
            {
                Err(RuleError::DustAllowanceAmount { index, amount })
            }
            _ => Ok(()),
        }
    }

    /// Reads an output without checking its amount (the caller knows its index).
    pub(crate) fn read_unchecked(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let offset = r.offset();
        let kind = r.u8()?;
        if kind > Self::DUST_ALLOWANCE_KIND {
            return Err(UnpackError::UnknownOutputType { offset, kind });
        }
        let address = crate::address::read_address(r)?;
        let amount = r.u64()?;
        Ok(if kind == Self::SINGLE_KIND {
            Self::SignatureLockedSingle { address, amount }
        } else {
            Self::SignatureLockedDustAllowance { address, amount }
        })
    }
}

impl Packable for Output {
    fn packed_len(&self) -> usize {
        Self::LENGTH
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.push(self.kind());
        self.address().pack_into(out);
        out.extend_from_slice(&self.amount().to_le_bytes());
    }

    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, |r| {
            let output = Self::read_unchecked(r)?;
            output.check(0).map_err(|rule| Reader::rule_at(0, rule))?;
            Ok(output)
        })
    }
}
