//! Unbiased sampling from a bare [`RngCore`], with algorithms fixed here (not borrowed from
//! `rand`) so that a seed gives the same tips across dependency upgrades.

use rand_core::RngCore;

/// A uniform integer in `0..n` (`n > 0`; returns 0 for `n == 0`), by Lemire's
/// multiply-and-reject method: one 32×32-bit multiplication, and a rejection (with probability
/// below `n / 2^32`) only to remove the bias of the multiplication's low half.
#[inline]
pub fn below(rng: &mut dyn RngCore, n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    let mut low = m as u32;
    if low < n {
        let threshold = n.wrapping_neg() % n;
        while low < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
            low = m as u32;
        }
    }
    (m >> 32) as u32
}

/// A uniform float in `[0, 1)` with 53 random bits.
#[inline]
pub fn unit(rng: &mut dyn RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Fills `out` with `min(k, n, out.len())` distinct uniform indices from `0..n` by Floyd's
/// algorithm (every subset equally likely, `k` draws, no rejection loop) and returns how many.
pub fn distinct(rng: &mut dyn RngCore, n: u32, k: usize, out: &mut [u32]) -> usize {
    let k = k.min(n as usize).min(out.len());
    let mut len = 0;
    for j in (n - k as u32)..n {
        let t = below(rng, j + 1);
        let pick = if out[..len].contains(&t) { j } else { t };
        out[len] = pick;
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let x = below(&mut rng, 7);
            seen[x as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(below(&mut rng, 1), 0);
        assert_eq!(below(&mut rng, 0), 0);
    }

    #[test]
    fn unit_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for _ in 0..1000 {
            let u = unit(&mut rng);
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn floyd_gives_distinct_indices() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut out = [0u32; 8];
        for n in 1..20u32 {
            let got = distinct(&mut rng, n, 8, &mut out);
            assert_eq!(got, (n as usize).min(8));
            let mut v = out[..got].to_vec();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), got);
            assert!(v.iter().all(|&x| x < n));
        }
    }
}
