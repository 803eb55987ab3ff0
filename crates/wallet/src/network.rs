//! The network a wallet works on: Bech32 HRP, network id, minimum PoW score, coin type.

use core::num::NonZeroUsize;

use tangle_crypto::address::Hrp;

/// IOTA's registered SLIP-44 coin type.
pub const IOTA_COIN_TYPE: u32 = 4218;
/// The coin type every test network shares (SLIP-44 "testnet").
pub const TESTNET_COIN_TYPE: u32 = 1;

/// Parameters of a network that addresses and messages depend on.
///
/// ```
/// use tangle_wallet::Network;
///
/// let mainnet = Network::mainnet();
/// assert_eq!(mainnet.hrp.as_str(), "iota");
/// assert_eq!(mainnet.network_id, 1454675179895816119);
/// let private = Network::custom("my-tangle", "tst", 0.0)?;
/// assert_eq!(private.network_id, tangle_crypto::network_id("my-tangle"));
/// # Ok::<(), tangle_crypto::address::HrpError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Human-readable part of Bech32 addresses.
    pub hrp: Hrp,
    /// The id messages carry (first 8 bytes of BLAKE2b-256 of the network name).
    pub network_id: u64,
    /// The PoW score messages must reach (TIP-12); 0 means no mining.
    pub min_pow_score: f64,
    /// SLIP-44 coin type of the derivation path.
    pub coin_type: u32,
    /// Threads the nonce miner may use.
    pub pow_threads: NonZeroUsize,
}

impl Network {
    /// The Chrysalis mainnet: "iota", "chrysalis-mainnet", score 4000, coin type 4218.
    pub fn mainnet() -> Self {
        Self {
            hrp: Hrp::IOTA,
            network_id: tangle_crypto::network_id("chrysalis-mainnet"),
            min_pow_score: 4000.0,
            coin_type: IOTA_COIN_TYPE,
            pow_threads: NonZeroUsize::MIN,
        }
    }

    /// A test network called `name`: HRP "atoi", coin type 1 (SLIP-44 "testnet").
    pub fn testnet(name: &str, min_pow_score: f64) -> Self {
        Self {
            hrp: Hrp::ATOI,
            network_id: tangle_crypto::network_id(name),
            min_pow_score,
            coin_type: TESTNET_COIN_TYPE,
            pow_threads: NonZeroUsize::MIN,
        }
    }

    /// A private network called `name` with its own HRP and score (coin type 4218).
    pub fn custom(
        name: &str,
        hrp: &str,
        min_pow_score: f64,
    ) -> Result<Self, tangle_crypto::address::HrpError> {
        Ok(Self {
            hrp: Hrp::new(hrp)?,
            network_id: tangle_crypto::network_id(name),
            min_pow_score,
            coin_type: IOTA_COIN_TYPE,
            pow_threads: NonZeroUsize::MIN,
        })
    }

    /// The same network with another coin type in the derivation path.
    #[must_use]
    pub fn with_coin_type(mut self, coin_type: u32) -> Self {
        self.coin_type = coin_type;
        self
    }

    /// The same network with `threads` mining threads.
    #[must_use]
    pub fn with_pow_threads(mut self, threads: NonZeroUsize) -> Self {
        self.pow_threads = threads;
        self
    }
}
