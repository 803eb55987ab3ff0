//! The multi-threaded nonce miner (needs `std`).

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use super::{MineError, NonceSearcher};

/// Batches in the whole nonce space (2^64 / batch size).
const TOTAL_BATCHES: u64 = (u64::MAX / NonceSearcher::BATCH_SIZE) + 1;

/// A cloneable flag that stops a running [`Miner`]. All clones share the same flag.
///
/// ```
/// use tangle_crypto::pow::CancelToken;
///
/// let token = CancelToken::new();
/// let clone = token.clone();
/// clone.cancel();
/// assert!(token.is_cancelled());
/// ```
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every miner holding this token (or a clone) to stop after its current batch.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Self::cancel`] was called on this token or a clone.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A successful mining run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MineOutcome {
    /// A nonce reaching the target.
    pub nonce: u64,
    /// Nonces tried, over all threads (whole batches of [`NonceSearcher::BATCH_SIZE`]).
    pub trials: u64,
}

/// Finds nonces with a given proof-of-work score, on as many threads as it is given.
///
/// Threads take batches of [`NonceSearcher::BATCH_SIZE`] consecutive nonces from a shared
/// counter, starting at [`Self::with_start_nonce`] (0 by default); the cancel token and the
/// "found" flag are checked between batches (a batch takes tens of microseconds).
///
/// ```
/// use tangle_crypto::pow::{score, Miner};
///
/// let mut message = b"some payload, then an 8-byte nonce".to_vec();
/// message.extend_from_slice(&[0u8; 8]);
/// let nonce = Miner::single_threaded().mine(&message, 500.0)?;
/// let at = message.len() - 8;
/// message[at..].copy_from_slice(&nonce.to_le_bytes());
/// assert!(score(&message) >= 500.0);
/// # Ok::<(), tangle_crypto::pow::MineError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Miner {
    threads: NonZeroUsize,
    cancel: CancelToken,
    start_nonce: u64,
}

impl Miner {
    /// A miner using `threads` threads (the calling thread is one of them).
    pub fn new(threads: NonZeroUsize) -> Self {
        Miner {
            threads,
            cancel: CancelToken::new(),
            start_nonce: 0,
        }
    }

    /// A miner that works on the calling thread only.
    pub fn single_threaded() -> Self {
        Self::new(NonZeroUsize::MIN)
    }

    /// Uses `token` to stop mining: [`Self::mine`] returns [`MineError::Cancelled`] soon after
    /// it is cancelled (immediately if it already is).
    pub fn with_cancel(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// Starts the search at `nonce` instead of 0 (the search wraps around after `u64::MAX`).
    pub fn with_start_nonce(mut self, nonce: u64) -> Self {
        self.start_nonce = nonce;
        self
    }

    /// Number of threads this miner uses.
    pub fn threads(&self) -> NonZeroUsize {
        self.threads
    }

    /// `message` is the whole serialized message; its last 8 bytes (the nonce) are ignored.
    /// Returns a nonce such that `score(message with that nonce) >= target_score`.
    pub fn mine(&self, message: &[u8], target_score: f64) -> Result<u64, MineError> {
        self.mine_with_stats(message, target_score)
            .map(|outcome| outcome.nonce)
    }

    /// Like [`Self::mine`], also counting the nonces tried.
    pub fn mine_with_stats(
        &self,
        message: &[u8],
        target_score: f64,
    ) -> Result<MineOutcome, MineError> {
        let searcher = NonceSearcher::new(message, target_score)?;
        let next_batch = AtomicU64::new(0);
        let trials = AtomicU64::new(0);
        let found = OnceLock::new();
        let stop = AtomicBool::new(false);
        let shared = Shared {
            cancel: &self.cancel,
            next_batch: &next_batch,
            trials: &trials,
            found: &found,
            stop: &stop,
            start_nonce: self.start_nonce,
        };
        std::thread::scope(|scope| {
            for i in 1..self.threads.get() {
                let worker_searcher = searcher.clone();
                let shared = &shared;
                // If the system refuses a thread, the others (at least this one) cover its share:
                // batches come from a shared counter.
                let _spawned = std::thread::Builder::new()
                    .name(format!("pow-miner-{i}"))
                    .spawn_scoped(scope, move || work(worker_searcher, shared));
            }
            work(searcher, &shared);
        });
        let trials = trials.load(Ordering::Relaxed);
        match found.get() {
            Some(&nonce) => Ok(MineOutcome { nonce, trials }),
            None if self.cancel.is_cancelled() => Err(MineError::Cancelled),
            None => Err(MineError::NonceSpaceExhausted),
        }
    }
}

struct Shared<'a> {
    cancel: &'a CancelToken,
    next_batch: &'a AtomicU64,
    trials: &'a AtomicU64,
    found: &'a OnceLock<u64>,
    stop: &'a AtomicBool,
    start_nonce: u64,
}

fn work(mut searcher: NonceSearcher, shared: &Shared<'_>) {
    let mut batches = 0u64;
    while !shared.stop.load(Ordering::Relaxed) && !shared.cancel.is_cancelled() {
        let batch = shared.next_batch.fetch_add(1, Ordering::Relaxed);
        if batch >= TOTAL_BATCHES {
            break;
        }
        batches += 1;
        let first = shared
            .start_nonce
            .wrapping_add(batch.wrapping_mul(NonceSearcher::BATCH_SIZE));
        if let Some(nonce) = searcher.search_batch(first) {
            let _first_wins = shared.found.set(nonce);
            shared.stop.store(true, Ordering::Relaxed);
            break;
        }
    }
    shared.trials.fetch_add(
        batches.saturating_mul(NonceSearcher::BATCH_SIZE),
        Ordering::Relaxed,
    );
}
