//! Receipts (payload type 3) and treasury transactions (payload type 4), which Chrysalis mainnet
//! milestones carry to mint funds migrated from the legacy network (TIP-17).
//!
//! Rules enforced: 1..=127 funds entries, sorted by their serialized bytes, tail transaction
//! hashes unique, each deposit in 1_000_000..=total supply and their sum at most the total supply,
//! the `final` flag a byte 0 or 1, a non-empty payload that is a treasury transaction (type 4) with
//! a treasury input (type 1) and a treasury output (type 2) of at most the total supply. Semantic
//! rules (migrated-at ordering, treasury balance) belong to the ledger.

use core::fmt;

use alloc::vec::Vec;

use crate::address::{ADDRESS_LENGTH, Address, read_address};
use crate::error::{PayloadContext, RuleError, UnpackError};
use crate::ids::MilestoneId;
use crate::packable::Packable;
use crate::unpacker::{Reader, unpack_all};
use crate::{IOTA_SUPPLY, MIGRATED_DEPOSIT_MIN, RECEIPT_FUNDS_MAX};

/// The 49-byte hash of the tail transaction of a legacy migration bundle.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TailTransactionHash(pub [u8; 49]);

impl fmt::Debug for TailTransactionHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TailTransactionHash(")?;
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        f.write_str(")")
    }
}

/// Funds migrated from the legacy network: `49 B tail transaction hash ‖ address ‖ u64 deposit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MigratedFundsEntry {
    tail_transaction_hash: TailTransactionHash,
    address: Address,
    deposit: u64,
}

impl MigratedFundsEntry {
    /// Packed length.
    pub const LENGTH: usize = 49 + ADDRESS_LENGTH + 8;

    /// An entry; the deposit must be in 1_000_000..=total supply.
    pub fn new(
        tail_transaction_hash: TailTransactionHash,
        address: Address,
        deposit: u64,
    ) -> Result<Self, RuleError> {
        check_deposit(deposit, 0)?;
        Ok(Self {
            tail_transaction_hash,
            address,
            deposit,
        })
    }

    /// The legacy tail transaction hash.
    pub fn tail_transaction_hash(&self) -> &TailTransactionHash {
        &self.tail_transaction_hash
    }

    /// The address that receives the funds.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The amount migrated.
    pub fn deposit(&self) -> u64 {
        self.deposit
    }

    fn to_array(self) -> [u8; Self::LENGTH] {
        let mut out = [0u8; Self::LENGTH];
        out[..49].copy_from_slice(&self.tail_transaction_hash.0);
        out[49..82].copy_from_slice(&self.address.to_bytes());
        out[82..].copy_from_slice(&self.deposit.to_le_bytes());
        out
    }
}

fn check_deposit(amount: u64, index: usize) -> Result<(), RuleError> {
    if (MIGRATED_DEPOSIT_MIN..=IOTA_SUPPLY).contains(&amount) {
        Ok(())
    } else {
        Err(RuleError::MigratedDeposit { index, amount })
    }
}

/// A treasury transaction (payload type 4): spends the treasury output created by a milestone and
/// creates the new treasury output. Packed as `u32 4 ‖ u8 1 ‖ 32 B milestone id ‖ u8 2 ‖ u64 amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TreasuryTransactionPayload {
    input: MilestoneId,
    amount: u64,
}

impl TreasuryTransactionPayload {
    /// Payload type.
    pub const KIND: u32 = 4;
    /// Type byte of the treasury input.
    pub const INPUT_KIND: u8 = 1;
    /// Type byte of the treasury output.
    pub const OUTPUT_KIND: u8 = 2;
    /// Packed length, type included.
    pub const LENGTH: usize = 4 + 1 + 32 + 1 + 8;

    /// A treasury transaction; the amount must not exceed the total supply.
    pub fn new(input: MilestoneId, amount: u64) -> Result<Self, RuleError> {
        if amount > IOTA_SUPPLY {
            return Err(RuleError::TreasuryAmount { amount });
        }
        Ok(Self { input, amount })
    }

    /// The milestone whose treasury output this spends (the treasury input).
    pub fn input_milestone_id(&self) -> &MilestoneId {
        &self.input
    }

    /// The amount of the new treasury output.
    pub fn output_amount(&self) -> u64 {
        self.amount
    }

    fn read_body(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let offset = r.offset();
        let kind = r.u8()?;
        if kind != Self::INPUT_KIND {
            return Err(UnpackError::UnknownInputType { offset, kind });
        }
        let input = MilestoneId::new(r.array()?);
        let offset = r.offset();
        let kind = r.u8()?;
        if kind != Self::OUTPUT_KIND {
            return Err(UnpackError::UnknownOutputType { offset, kind });
        }
        let offset = r.offset();
        let amount = r.u64()?;
        Self::new(input, amount).map_err(|rule| Reader::rule_at(offset, rule))
    }
}

impl Packable for TreasuryTransactionPayload {
    fn packed_len(&self) -> usize {
        Self::LENGTH
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&Self::KIND.to_le_bytes());
        out.push(Self::INPUT_KIND);
        out.extend_from_slice(self.input.as_bytes());
        out.push(Self::OUTPUT_KIND);
        out.extend_from_slice(&self.amount.to_le_bytes());
    }

    /// Decodes a payload including its `u32` type, which must be 4.
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, |r| {
            super::expect_kind(r, Self::KIND)?;
            Self::read_body(r)
        })
    }
}

/// A receipt (payload type 3), carried only inside a milestone essence.
///
/// Packed as `u32 3 ‖ u32 migrated at ‖ u8 final ‖ u16 funds count ‖ funds ‖ u32 payload length ‖
/// treasury transaction`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReceiptPayload {
    migrated_at: u32,
    last: bool,
    funds: Vec<MigratedFundsEntry>,
    transaction: TreasuryTransactionPayload,
}

impl ReceiptPayload {
    /// Payload type.
    pub const KIND: u32 = 3;

    /// A checked receipt; `funds` must already be sorted by serialized bytes.
    pub fn new(
        migrated_at: u32,
        last: bool,
        funds: Vec<MigratedFundsEntry>,
        transaction: TreasuryTransactionPayload,
    ) -> Result<Self, RuleError> {
        check_funds_count(funds.len())?;
        let mut sum = 0u64;
        let mut previous: Option<[u8; MigratedFundsEntry::LENGTH]> = None;
        for (index, entry) in funds.iter().enumerate() {
            let bytes = entry.to_array();
            check_entry(
                &bytes,
                previous.as_ref().map(|p| &p[..]),
                index,
                entry.deposit,
                &mut sum,
            )?;
            previous = Some(bytes);
        }
        Ok(Self {
            migrated_at,
            last,
            funds,
            transaction,
        })
    }

    /// The legacy milestone index at which the funds were migrated.
    pub fn migrated_at(&self) -> u32 {
        self.migrated_at
    }

    /// Whether this is the last receipt for `migrated_at`.
    pub fn is_final(&self) -> bool {
        self.last
    }

    /// The migrated funds.
    pub fn funds(&self) -> &[MigratedFundsEntry] {
        &self.funds
    }

    /// The treasury transaction.
    pub fn transaction(&self) -> &TreasuryTransactionPayload {
        &self.transaction
    }

    /// Sum of the deposits.
    pub fn amount(&self) -> u64 {
        self.funds.iter().map(|entry| entry.deposit).sum()
    }

    pub(crate) fn read_body(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let migrated_at = r.u32()?;
        let last = r.bool()?;
        let offset = r.offset();
        let count = r.u16()? as usize;
        check_funds_count(count).map_err(|rule| Reader::rule_at(offset, rule))?;
        r.ensure(count * MigratedFundsEntry::LENGTH)?;
        let mut funds = Vec::with_capacity(count);
        let mut previous: Option<&[u8]> = None;
        let mut sum = 0u64;
        for index in 0..count {
            let (offset, start) = (r.offset(), r.position());
            let tail_transaction_hash = TailTransactionHash(r.array()?);
            let address = read_address(r)?;
            let deposit = r.u64()?;
            let bytes = r.since(start);
            check_entry(bytes, previous, index, deposit, &mut sum)
                .map_err(|rule| Reader::rule_at(offset, rule))?;
            funds.push(MigratedFundsEntry {
                tail_transaction_hash,
                address,
                deposit,
            });
            previous = Some(bytes);
        }
        let offset = r.offset();
        let transaction = match r.payload()? {
            None => {
                return Err(Reader::rule_at(
                    offset,
                    RuleError::MissingTreasuryTransaction,
                ));
            }
            Some(mut sub) => {
                let offset = sub.offset();
                let kind = sub.u32()?;
                if kind != TreasuryTransactionPayload::KIND {
                    return Err(super::disallowed(offset, kind, PayloadContext::Receipt));
                }
                let transaction = TreasuryTransactionPayload::read_body(&mut sub)?;
                sub.finish()?;
                transaction
            }
        };
        Ok(Self {
            migrated_at,
            last,
            funds,
            transaction,
        })
    }
}

fn check_funds_count(count: usize) -> Result<(), RuleError> {
    if (1..=RECEIPT_FUNDS_MAX).contains(&count) {
        Ok(())
    } else {
        Err(RuleError::ReceiptFundsCount { count })
    }
}

fn check_entry(
    bytes: &[u8],
    previous: Option<&[u8]>,
    index: usize,
    deposit: u64,
    sum: &mut u64,
) -> Result<(), RuleError> {
    check_deposit(deposit, index)?;
    *sum = match sum.checked_add(deposit) {
        Some(total) if total <= IOTA_SUPPLY => total,
        _ => return Err(RuleError::MigratedSumTooLarge),
    };
    if let Some(previous) = previous {
        if bytes < previous {
            return Err(RuleError::ReceiptFundsNotSorted { index });
        }
        if bytes.get(..49) == previous.get(..49) {
            return Err(RuleError::DuplicateTailTransactionHash { index });
        }
    }
    Ok(())
}

impl Packable for ReceiptPayload {
    fn packed_len(&self) -> usize {
        4 + 4
            + 1
            + 2
            + self.funds.len() * MigratedFundsEntry::LENGTH
            + 4
            + TreasuryTransactionPayload::LENGTH
    }

    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&Self::KIND.to_le_bytes());
        out.extend_from_slice(&self.migrated_at.to_le_bytes());
        out.push(u8::from(self.last));
        out.extend_from_slice(&(self.funds.len() as u16).to_le_bytes());
        for entry in &self.funds {
            out.extend_from_slice(&entry.to_array());
        }
        out.extend_from_slice(&(TreasuryTransactionPayload::LENGTH as u32).to_le_bytes());
        self.transaction.pack_into(out);
    }

    /// Decodes a payload including its `u32` type, which must be 3.
    fn unpack(bytes: &[u8]) -> Result<Self, UnpackError> {
        unpack_all(bytes, |r| {
            super::expect_kind(r, Self::KIND)?;
            Self::read_body(r)
        })
    }
}
