//! An account: the keys under m/44'/coin'/account', its two address chains, gap-limit discovery
//! and balances read from any [`LedgerView`].

use std::collections::{BTreeMap, BTreeSet};

use tangle_consensus::{AddressStats, LedgerView, OutputEntry};
use tangle_crypto::address::{Ed25519Address, Hrp};
use tangle_crypto::ed25519::SigningKey;
use tangle_model::{Address, OutputId};

use crate::mnemonic::{Mnemonic, Seed};
use crate::network::Network;
use crate::slip10::{DerivationPath, ExtendedKey, HARDENED, Slip10Error};

/// Default gap limit: scanning stops after this many consecutive unused addresses.
pub const DEFAULT_GAP_LIMIT: u32 = 20;

/// An address chain (the BIP-44 `change` level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chain {
    /// Addresses given out to receive funds (change = 0).
    Public,
    /// Addresses the wallet sends its own remainders to (change = 1).
    Internal,
}

impl Chain {
    /// The `change` index of the path: 0 or 1.
    pub const fn change(self) -> u32 {
        match self {
            Self::Public => 0,
            Self::Internal => 1,
        }
    }

    const fn slot(self) -> usize {
        self.change() as usize
    }
}

/// One address of an account and where it sits in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddressInfo {
    /// Its chain.
    pub chain: Chain,
    /// Its index on the chain (below 2^31).
    pub index: u32,
    /// The address.
    pub address: Address,
}

/// The balance of one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressBalance {
    /// The address.
    pub info: AddressInfo,
    /// Balance and dust counters from the ledger.
    pub stats: AddressStats,
    /// Its unspent outputs, by id.
    pub outputs: Vec<(OutputId, OutputEntry)>,
}

/// The balance of an account over the addresses it knows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Balance {
    /// Sum over every address.
    pub total: u64,
    /// Addresses holding something, in (chain, index) order.
    pub addresses: Vec<AddressBalance>,
}

impl Balance {
    /// Every unspent output of the account.
    pub fn outputs(&self) -> impl Iterator<Item = (&AddressInfo, &OutputId, &OutputEntry)> {
        self.addresses.iter().flat_map(|a| {
            a.outputs
                .iter()
                .map(move |(id, entry)| (&a.info, id, entry))
        })
    }
}

/// What [`Account::discover`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Discovery {
    /// Addresses holding outputs, in (chain, index) order.
    pub used: Vec<AddressInfo>,
    /// Addresses looked at on both chains.
    pub scanned: u32,
}

/// One account of a wallet: m/44'/coin'/account'. Holds the two chain keys (zeroized on drop,
/// never printed), the next fresh index of each chain, the addresses it has handed out or
/// found, and the outputs reserved by transfers not confirmed yet.
///
/// ```
/// use tangle_wallet::{Account, Chain, Mnemonic, Network};
///
/// let mnemonic = Mnemonic::parse(
///     "legal winner thank year wave sausage worth useful legal winner thank yellow",
/// )?;
/// let mut account = Account::from_mnemonic(&mnemonic, "", &Network::mainnet(), 0)?;
/// let first = account.next_address(Chain::Public)?;
/// assert_eq!(first.index, 0);
/// assert!(account.bech32(&first).starts_with("iota1q"));
/// assert_eq!(account.next_address(Chain::Public)?.index, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Account {
    chains: [ExtendedKey; 2],
    coin_type: u32,
    index: u32,
    hrp: Hrp,
    next: [u32; 2],
    known: BTreeMap<(Chain, u32), Address>,
    /// Signing keys of known addresses and of the next fresh ones, so that a transfer signs
    /// without deriving again (each derivation costs an Ed25519 base-point multiplication).
    keys: BTreeMap<(Chain, u32), SigningKey>,
    reserved: BTreeSet<OutputId>,
}

impl Account {
    /// Account `account` of the wallet with this mnemonic and passphrase on `network`.
    pub fn from_mnemonic(
        mnemonic: &Mnemonic,
        passphrase: &str,
        network: &Network,
        account: u32,
    ) -> Result<Self, Slip10Error> {
        Self::from_seed(&mnemonic.to_seed(passphrase), network, account)
    }

    /// Account `account` of the wallet with this seed on `network`.
    pub fn from_seed(seed: &Seed, network: &Network, account: u32) -> Result<Self, Slip10Error> {
        Self::from_master(&ExtendedKey::master(seed.as_bytes()), network, account)
    }

    /// Account `account` below a SLIP-10 master key.
    pub fn from_master(
        master: &ExtendedKey,
        network: &Network,
        account: u32,
    ) -> Result<Self, Slip10Error> {
        let path = DerivationPath::new(
            [44, hardened(network.coin_type)?, hardened(account)?].map(|i| i | HARDENED),
        )?;
        let key = master.derive(&path)?;
        Ok(Self {
            chains: [
                key.child(Chain::Public.change() | HARDENED)?,
                key.child(Chain::Internal.change() | HARDENED)?,
            ],
            coin_type: network.coin_type,
            index: account,
            hrp: network.hrp,
            next: [0; 2],
            known: BTreeMap::new(),
            keys: BTreeMap::new(),
            reserved: BTreeSet::new(),
        })
    }

    /// The account index.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The Bech32 HRP addresses are shown with.
    pub fn hrp(&self) -> &Hrp {
        &self.hrp
    }

    /// The derivation path of an address.
    pub fn path(&self, chain: Chain, index: u32) -> Result<DerivationPath, Slip10Error> {
        DerivationPath::bip44(self.coin_type, self.index, chain.change(), index)
    }

    /// The signing key of address `index` on `chain`.
    pub fn signing_key(&self, chain: Chain, index: u32) -> Result<SigningKey, Slip10Error> {
        Ok(self.chains[chain.slot()]
            .child(hardened(index)? | HARDENED)?
            .signing_key())
    }

    /// The address `index` on `chain` (derived, not recorded).
    pub fn address(&self, chain: Chain, index: u32) -> Result<AddressInfo, Slip10Error> {
        let key = self.signing_key(chain, index)?;
        Ok(AddressInfo {
            chain,
            index,
            address: Address::Ed25519(Ed25519Address::from_public_key(&key.public_key())),
        })
    }

    /// The Bech32 form of an address under this account's HRP.
    pub fn bech32(&self, info: &AddressInfo) -> String {
        info.address.to_bech32(&self.hrp)
    }

    /// The next fresh address of `chain`, recorded as known; the chain's counter advances.
    pub fn next_address(&mut self, chain: Chain) -> Result<AddressInfo, Slip10Error> {
        let info = self.fresh_address(chain)?;
        self.record(info);
        Ok(info)
    }

    /// Like [`Account::peek_address`], keeping the address's key for a later signature.
    pub(crate) fn fresh_address(&mut self, chain: Chain) -> Result<AddressInfo, Slip10Error> {
        let index = self.next[chain.slot()];
        let key = self.cached_key(chain, index)?;
        Ok(AddressInfo {
            chain,
            index,
            address: Address::Ed25519(Ed25519Address::from_public_key(&key.public_key())),
        })
    }

    /// The signing key of an address, derived once and then kept.
    pub(crate) fn cached_key(
        &mut self,
        chain: Chain,
        index: u32,
    ) -> Result<&SigningKey, Slip10Error> {
        if !self.keys.contains_key(&(chain, index)) {
            let key = self.signing_key(chain, index)?;
            self.keys.insert((chain, index), key);
        }
        self.keys
            .get(&(chain, index))
            .ok_or(Slip10Error::IndexOutOfRange(index))
    }

    /// A key already kept by [`Account::cached_key`].
    pub(crate) fn kept_key(&self, chain: Chain, index: u32) -> Option<&SigningKey> {
        self.keys.get(&(chain, index))
    }

    /// The next fresh address of `chain`, without advancing the counter.
    pub fn peek_address(&self, chain: Chain) -> Result<AddressInfo, Slip10Error> {
        self.address(chain, self.next[chain.slot()])
    }

    /// The index the next fresh address of `chain` will get.
    pub fn next_index(&self, chain: Chain) -> u32 {
        self.next[chain.slot()]
    }

    /// Records `info` as known (its outputs count in balances and transfers) and moves the
    /// chain's counter past it.
    pub fn record(&mut self, info: AddressInfo) {
        self.known.insert((info.chain, info.index), info.address);
        let next = &mut self.next[info.chain.slot()];
        *next = (*next).max(info.index.saturating_add(1));
    }

    /// The addresses the account knows, in (chain, index) order.
    pub fn known_addresses(&self) -> impl Iterator<Item = AddressInfo> + '_ {
        self.known
            .iter()
            .map(|((chain, index), address)| AddressInfo {
                chain: *chain,
                index: *index,
                address: *address,
            })
    }

    /// Scans both chains from index 0 until `gap_limit` consecutive addresses hold nothing in
    /// `view` (at least one address is always scanned), records the used ones and moves the
    /// counters past the last used index.
    ///
    /// The view shows unspent outputs only, so an address that received and spent everything
    /// looks unused; addresses this account handed out itself stay recorded anyway.
    pub fn discover<V: LedgerView + ?Sized>(
        &mut self,
        view: &V,
        gap_limit: u32,
    ) -> Result<Discovery, Slip10Error> {
        let gap_limit = gap_limit.max(1);
        let mut discovery = Discovery::default();
        for chain in [Chain::Public, Chain::Internal] {
            let mut gap = 0;
            let mut index = 0u32;
            while gap < gap_limit && index < HARDENED {
                let info = self.address(chain, index)?;
                discovery.scanned += 1;
                if view.address_stats(&info.address).balance > 0 {
                    self.record(info);
                    discovery.used.push(info);
                    gap = 0;
                } else {
                    gap += 1;
                }
                index += 1;
            }
        }
        Ok(discovery)
    }

    /// The balance of every known address, from `view`.
    pub fn balance<V: LedgerView + ?Sized>(&self, view: &V) -> Balance {
        let mut balance = Balance::default();
        for info in self.known_addresses() {
            let stats = view.address_stats(&info.address);
            if stats.balance == 0 {
                continue;
            }
            balance.total = balance.total.saturating_add(stats.balance);
            balance.addresses.push(AddressBalance {
                info,
                stats,
                outputs: view.unspent_outputs(&info.address),
            });
        }
        balance
    }

    /// Outputs reserved by transfers prepared but not confirmed yet.
    pub fn reserved(&self) -> &BTreeSet<OutputId> {
        &self.reserved
    }

    /// Reserves outputs so that later transfers do not spend them again.
    pub fn reserve(&mut self, outputs: impl IntoIterator<Item = OutputId>) {
        self.reserved.extend(outputs);
    }

    /// Releases reserved outputs (e.g. of a transfer that was never submitted or conflicted).
    pub fn release<'a>(&mut self, outputs: impl IntoIterator<Item = &'a OutputId>) {
        for output in outputs {
            self.reserved.remove(output);
        }
    }

    /// Drops reservations of outputs `view` no longer has unspent (their transfer confirmed).
    pub fn refresh<V: LedgerView + ?Sized>(&mut self, view: &V) {
        self.reserved.retain(|output| view.is_unspent(output));
    }
}

/// `value` if it is below 2^31, so that it can be hardened.
fn hardened(value: u32) -> Result<u32, Slip10Error> {
    if value < HARDENED {
        Ok(value)
    } else {
        Err(Slip10Error::IndexOutOfRange(value))
    }
}

impl core::fmt::Debug for Account {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Account")
            .field("coin_type", &self.coin_type)
            .field("index", &self.index)
            .field("hrp", &self.hrp)
            .field("next", &self.next)
            .field("known", &self.known.len())
            .field("reserved", &self.reserved.len())
            .finish_non_exhaustive()
    }
}
