//! Input selection: which unspent outputs a transfer spends, behind the [`InputSelection`]
//! trait (the RNG is the caller's, as in bdk's coin selection), and the dust rules of TIP-15
//! checked before anything is signed.
//!
//! The default, [`DustAwareSelection`]:
//! 1. spends plain outputs (not dust-allowance outputs) in random order, adding inputs until
//!    the remainder is zero or at least 1 Mi, so that it never leaves a dust remainder;
//! 2. if that needs more than 127 inputs, starts again largest first;
//! 3. only if plain outputs do not suffice, also spends dust-allowance outputs, each together
//!    with the dust outputs of its address (consolidating them), because spending an allowance
//!    while keeping the dust it allows would break TIP-15 on that address;
//! 4. checks the result with [`check_dust`]: every address on which the transfer consumes or
//!    creates dust or an allowance must stay within `min(⌊allowance / 100_000⌋, 100)` dust
//!    outputs — recipients of micropayments need an allowance of their own.

use std::collections::BTreeSet;

use rand_core::RngCore;
use tangle_consensus::LedgerView;
use tangle_consensus::ledger::{DUST_THRESHOLD, dust_outputs_max};
use tangle_model::{Address, INPUT_COUNT_MAX, Output, OutputId};

use crate::account::AddressInfo;

/// An unspent output the wallet may spend, and the address (with its path) that owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The output's id.
    pub output_id: OutputId,
    /// The output.
    pub output: Output,
    /// The owning address.
    pub owner: AddressInfo,
}

impl Candidate {
    fn amount(&self) -> u64 {
        self.output.amount()
    }

    fn is_allowance(&self) -> bool {
        matches!(self.output, Output::SignatureLockedDustAllowance { .. })
    }

    fn is_dust(&self) -> bool {
        !self.is_allowance() && self.amount() < DUST_THRESHOLD
    }
}

/// What a selection has to fund.
#[derive(Clone, Copy)]
pub struct SelectionRequest<'a> {
    /// Outputs the wallet may spend.
    pub candidates: &'a [Candidate],
    /// Outputs the transfer creates (not counting the remainder).
    pub outputs: &'a [Output],
    /// Where a remainder goes (a fresh internal address).
    pub remainder_address: Address,
    /// The ledger, for the dust counters of the addresses involved.
    pub view: &'a dyn LedgerView,
}

impl core::fmt::Debug for SelectionRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SelectionRequest")
            .field("candidates", &self.candidates)
            .field("outputs", &self.outputs)
            .field("remainder_address", &self.remainder_address)
            .finish_non_exhaustive()
    }
}

/// The inputs chosen and the remainder output, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Inputs, in the order chosen.
    pub inputs: Vec<Candidate>,
    /// The remainder (to the request's remainder address), if the inputs exceed the outputs.
    pub remainder: Option<Output>,
}

/// A TIP-15 dust rule a transfer would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DustViolation {
    /// The remainder would be a dust output on a fresh address (which has no allowance), and no
    /// other input could lift it to 1 Mi.
    #[error(
        "no-dust-remainder rule: the remainder of {remainder} i would be dust (below 1 Mi) and no \
         further input lifts it to 1 Mi"
    )]
    DustRemainder {
        /// The remainder.
        remainder: u64,
    },
    /// After the transfer, an address would hold more dust outputs than its dust allowance
    /// permits (TIP-15: `min(⌊allowance / 100_000⌋, 100)`).
    #[error(
        "dust allowance rule (TIP-15): address {} would hold {dust_outputs} dust outputs, its \
         allowance of {allowance} i permits {allowed}",
        address_hex(address)
    )]
    AllowanceExceeded {
        /// The address.
        address: Address,
        /// Its dust outputs after the transfer.
        dust_outputs: u64,
        /// Its dust allowance after the transfer.
        allowance: u64,
        /// The dust outputs that allowance permits.
        allowed: u64,
    },
}

fn address_hex(address: &Address) -> String {
    match address {
        Address::Ed25519(address) => address.to_string(),
    }
}

/// Why no selection could fund the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectionError {
    /// The spendable outputs add up to less than the transfer.
    #[error("insufficient funds: {needed} i needed, {available} i available")]
    InsufficientFunds {
        /// The amount of the transfer.
        needed: u64,
        /// The sum of the spendable outputs.
        available: u64,
    },
    /// A dust rule would be broken.
    #[error(transparent)]
    Dust(#[from] DustViolation),
    /// Even the largest outputs need more inputs than a transaction holds: consolidate first
    /// ([`Account::consolidate`](crate::Account::consolidate)).
    #[error("input count rule: {needed} inputs needed, a transaction holds at most {max}")]
    TooManyInputs {
        /// Inputs the largest-first selection needed.
        needed: usize,
        /// The limit (127).
        max: usize,
    },
}

/// Chooses the inputs of a transfer. Implementations take their randomness from `rng` only,
/// so a seed reproduces a selection.
pub trait InputSelection {
    /// Chooses inputs funding `request.outputs`, or says why none can.
    fn select(
        &mut self,
        request: &SelectionRequest<'_>,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectionError>;
}

impl<T: InputSelection + ?Sized> InputSelection for &mut T {
    fn select(
        &mut self,
        request: &SelectionRequest<'_>,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectionError> {
        (**self).select(request, rng)
    }
}

/// The default selection strategy (see the module docs).
pub type DefaultInputSelection = DustAwareSelection;

/// Random order, no dust remainder, allowances spent last and with their dust, ≤ 127 inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DustAwareSelection;

impl InputSelection for DustAwareSelection {
    fn select(
        &mut self,
        request: &SelectionRequest<'_>,
        rng: &mut dyn RngCore,
    ) -> Result<Selection, SelectionError> {
        let needed = request
            .outputs
            .iter()
            .try_fold(0u64, |sum, o| sum.checked_add(o.amount()));
        let available = request
            .candidates
            .iter()
            .try_fold(0u64, |sum, c| sum.checked_add(c.amount()));
        let (Some(needed), Some(available)) = (needed, available) else {
            return Err(SelectionError::InsufficientFunds {
                needed: u64::MAX,
                available: 0,
            });
        };
        if available < needed {
            return Err(SelectionError::InsufficientFunds { needed, available });
        }

        let mut plain: Vec<Candidate> = request
            .candidates
            .iter()
            .filter(|c| !c.is_allowance())
            .copied()
            .collect();
        shuffle(&mut plain, rng);
        let mut largest_first = plain.clone();
        largest_first.sort_by_key(|c| core::cmp::Reverse(c.amount()));

        // Plain outputs in random order, then largest first.
        let mut too_many = None;
        let mut dust_error = None;
        for order in [&plain, &largest_first] {
            match accumulate(order, needed) {
                Accumulated::Done(inputs) if inputs.len() > INPUT_COUNT_MAX => {
                    too_many = Some(inputs.len());
                }
                Accumulated::Done(inputs) => match finish(request, inputs, needed) {
                    Ok(selection) => return Ok(selection),
                    Err(error) => dust_error = Some(error),
                },
                Accumulated::Short(_) => {}
            }
        }

        // Then with allowances, each followed by its address's dust (largest groups first).
        let mut groups: Vec<Vec<Candidate>> = Vec::new();
        let allowances: Vec<&Candidate> = request
            .candidates
            .iter()
            .filter(|c| c.is_allowance())
            .collect();
        let mut grouped: BTreeSet<OutputId> = BTreeSet::new();
        for allowance in &allowances {
            let address = allowance.owner.address;
            let mut group = vec![**allowance];
            if grouped.insert(allowance.output_id) {
                for dust in request
                    .candidates
                    .iter()
                    .filter(|c| c.is_dust() && c.owner.address == address)
                {
                    if grouped.insert(dust.output_id) {
                        group.push(*dust);
                    }
                }
                groups.push(group);
            }
        }
        groups.sort_by_key(|g| core::cmp::Reverse(saturating_sum(g)));
        let mut order: Vec<Candidate> = largest_first
            .iter()
            .filter(|c| !grouped.contains(&c.output_id))
            .copied()
            .collect();
        order.extend(groups.into_iter().flatten());
        match accumulate(&order, needed) {
            Accumulated::Done(inputs) if inputs.len() > INPUT_COUNT_MAX => {
                too_many = Some(too_many.unwrap_or(usize::MAX).min(inputs.len()));
            }
            Accumulated::Done(inputs) => match finish(request, inputs, needed) {
                Ok(selection) => return Ok(selection),
                Err(error) => dust_error = Some(error),
            },
            Accumulated::Short(remainder) => {
                // Everything spent and the remainder is still dust.
                dust_error = dust_error.or(Some(DustViolation::DustRemainder { remainder }));
            }
        }
        if let Some(error) = dust_error {
            return Err(error.into());
        }
        Err(SelectionError::TooManyInputs {
            needed: too_many.unwrap_or(INPUT_COUNT_MAX + 1),
            max: INPUT_COUNT_MAX,
        })
    }
}

fn saturating_sum(candidates: &[Candidate]) -> u64 {
    candidates
        .iter()
        .fold(0u64, |sum, c| sum.saturating_add(c.amount()))
}

enum Accumulated {
    /// Inputs covering `needed` with a remainder of 0 or ≥ 1 Mi.
    Done(Vec<Candidate>),
    /// All inputs were used and the remainder is still dust (or the sum is short: 0).
    Short(u64),
}

fn accumulate(order: &[Candidate], needed: u64) -> Accumulated {
    let mut inputs = Vec::new();
    let mut sum = 0u64;
    for candidate in order {
        if sum >= needed && (sum == needed || sum - needed >= DUST_THRESHOLD) {
            break;
        }
        sum = sum.saturating_add(candidate.amount());
        inputs.push(*candidate);
    }
    if sum >= needed && (sum == needed || sum - needed >= DUST_THRESHOLD) {
        Accumulated::Done(inputs)
    } else {
        Accumulated::Short(sum.saturating_sub(needed))
    }
}

fn finish(
    request: &SelectionRequest<'_>,
    inputs: Vec<Candidate>,
    needed: u64,
) -> Result<Selection, DustViolation> {
    let sum = saturating_sum(&inputs);
    let remainder = match sum.saturating_sub(needed) {
        0 => None,
        amount => Some(Output::SignatureLockedSingle {
            address: request.remainder_address,
            amount,
        }),
    };
    let mut created = request.outputs.to_vec();
    created.extend(remainder);
    check_dust(request.view, inputs.iter().map(|c| &c.output), &created)?;
    Ok(Selection { inputs, remainder })
}

/// Checks the TIP-15 dust rule for a transaction consuming `consumed` and creating `created`,
/// as the ledger will: on every address where it consumes or creates a dust output or a
/// dust-allowance output, the dust outputs after the transaction must be at most
/// `min(⌊allowance / 100_000⌋, 100)`.
pub fn check_dust<'a, V: LedgerView + ?Sized>(
    view: &V,
    consumed: impl IntoIterator<Item = &'a Output> + Clone,
    created: &[Output],
) -> Result<(), DustViolation> {
    let counted = |output: &Output| match output {
        Output::SignatureLockedDustAllowance { .. } => true,
        Output::SignatureLockedSingle { amount, .. } => *amount < DUST_THRESHOLD,
    };
    let mut affected: BTreeSet<Address> = BTreeSet::new();
    for output in consumed.clone() {
        if counted(output) {
            affected.insert(*output.address());
        }
    }
    for output in created {
        if counted(output) {
            affected.insert(*output.address());
        }
    }
    for address in affected {
        let stats = view.address_stats(&address);
        let (mut allowance, mut dust) = (stats.dust_allowance_sum, stats.dust_outputs);
        for output in consumed
            .clone()
            .into_iter()
            .filter(|o| *o.address() == address)
        {
            match output {
                Output::SignatureLockedDustAllowance { amount, .. } => {
                    allowance = allowance.saturating_sub(*amount);
                }
                Output::SignatureLockedSingle { amount, .. } if *amount < DUST_THRESHOLD => {
                    dust = dust.saturating_sub(1);
                }
                Output::SignatureLockedSingle { .. } => {}
            }
        }
        for output in created.iter().filter(|o| *o.address() == address) {
            match output {
                Output::SignatureLockedDustAllowance { amount, .. } => {
                    allowance = allowance.saturating_add(*amount);
                }
                Output::SignatureLockedSingle { amount, .. } if *amount < DUST_THRESHOLD => {
                    dust += 1;
                }
                Output::SignatureLockedSingle { .. } => {}
            }
        }
        let allowed = dust_outputs_max(allowance);
        if dust > allowed {
            return Err(DustViolation::AllowanceExceeded {
                address,
                dust_outputs: dust,
                allowance,
                allowed,
            });
        }
    }
    Ok(())
}

/// Fisher–Yates with the caller's RNG (the tiny modulo bias does not matter for privacy).
fn shuffle<T>(items: &mut [T], rng: &mut dyn RngCore) {
    for i in (1..items.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
