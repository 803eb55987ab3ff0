//! Exact cumulative weights of the newest `W` vertices from bit-parallel past cones.
//!
//! # Why
//! The checkpoint upkeep of the [`weight`](crate::weight) module keeps every vertex's weight
//! exact in O(1) per query, but each arrival must visit the band of its past cone that the
//! latest checkpoint does not cover: hundreds of scattered records once the tip pool holds
//! ~100 tips. Random walks that enter a bounded number of insertions behind the tips (a
//! simulator's walker, IOTA's) only ever read the weights of recent vertices. For them this
//! module trades the band search for word-parallel work on a fixed window.
//!
//! # Method
//! Handles are topological, so every vertex of a path from a vertex `x` down to an older `v`
//! lies between them: the part of `x`'s past cone inside the window of the `W` vertices
//! before `x` is the union, over the parents `p` inside it, of `{p}` and `p`'s own windowed
//! past shifted by `x − p` positions. Each vertex keeps that set as a `W`-bit row, *relative*
//! to itself (bit `d` stands for vertex `x − 1 − d`), so a parent's row is merged with one
//! shift and bits that leave the window fall off the end — no stale positions to clear.
//!
//! An arrival `x` of own weight `w` adds `w` to every window vertex of its past. It does so
//! through whichever side of the row is smaller: to each ancestor's slot, or to a global
//! counter `G` minus each non-ancestor's slot. With `slot(v)` holding the sum of those
//! updates and `w(v) − G` at `v`'s insertion, `cw(v) = slot(v) + G` (wrapping arithmetic).
//!
//! **Exactness.** A vertex `v` is in the window while fewer than `W` vertices are newer. Every
//! arrival `x` after `v` then has `x − 1 − v < W − 1`, so `v` is inside `x`'s row and `x`'s
//! update reaches `v` on exactly one side: `w(x)` is counted once if `v ∈ past(x)` and not
//! otherwise. Vertices older than the window are answered by the caller with a search of
//! their future cone (exact, O(cone)).
//!
//! # Cost
//! An arrival merges `k` rows of `W/64` words and iterates `min(ancestors, non-ancestors)`
//! bits of its row; memory is `W²/8` bytes of rows plus 8 bytes per slot, whatever the size
//! of the Tangle (2 MiB for `W = 4096`).

/// Smallest window: one word of bits.
pub const MIN_WINDOW: u32 = 64;

/// Largest window: rows of 8 KiB, 512 MiB in all.
pub const MAX_WINDOW: u32 = 1 << 16;

/// Counters of the windowed upkeep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WindowStats {
    /// The window size `W` (vertices).
    pub window: u32,
    /// Slots updated (sum over all arrivals of the smaller side of their rows).
    pub slot_updates: u64,
    /// Arrivals that updated their non-ancestors (and the global counter).
    pub complement_updates: u64,
    /// Weights asked of vertices older than the window, answered by a search of their future
    /// cone (exact but O(cone)); a window too small for its workload shows here.
    pub cone_searches: u64,
}

/// The window's rows, slots and counter.
#[derive(Clone, Debug)]
pub(crate) struct WindowWeights {
    /// `W`, a power of two.
    bits: usize,
    words: usize,
    /// `W` rows of `words` words; row `v mod W` is `v`'s relative past.
    rows: Vec<u64>,
    /// `slot[v mod W]`: `cw(v) − G`, wrapping.
    slots: Vec<u64>,
    global: u64,
    /// Vertices pushed (the next handle).
    len: u64,
    row: Vec<u64>,
    stats: WindowStats,
}

impl WindowWeights {
    /// A window of `bits` vertices, rounded up to a power of two in
    /// [`MIN_WINDOW`]..=[`MAX_WINDOW`].
    pub(crate) fn new(bits: u32) -> Self {
        let bits = bits.clamp(MIN_WINDOW, MAX_WINDOW).next_power_of_two() as usize;
        let words = bits / 64;
        WindowWeights {
            bits,
            words,
            rows: Vec::new(),
            slots: Vec::new(),
            global: 0,
            len: 0,
            row: vec![0; words],
            stats: WindowStats::default(),
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        (self.rows.capacity() + self.slots.capacity() + self.row.capacity()) * 8
    }

    pub(crate) fn stats(&self) -> WindowStats {
        WindowStats {
            window: self.bits as u32,
            ..self.stats
        }
    }

    /// Records vertex `len` (the next handle) with its parents (older handles) and own weight.
    pub(crate) fn push(&mut self, parents: impl Iterator<Item = u64>, weight: u64) {
        if self.rows.is_empty() {
            // Allocated on first use, so a cleared or unused tangle holds no window.
            self.rows = vec![0; self.bits * self.words];
            self.slots = vec![0; self.bits];
        }
        let x = self.len;
        let (bits, words) = (self.bits, self.words);
        let mask = (bits - 1) as u64;
        let mut row = core::mem::take(&mut self.row);
        row.fill(0);
        for p in parents {
            let shift = (x - p) as usize;
            if shift > bits {
                continue; // p and its whole past lie before the window of x
            }
            if shift < bits {
                let start = (p & mask) as usize * words;
                let source = &self.rows[start..start + words];
                let (q, r) = (shift / 64, shift % 64);
                if r == 0 {
                    for (out, &word) in row[q..].iter_mut().zip(source) {
                        *out |= word;
                    }
                } else {
                    row[q] |= source[0] << r;
                    for (i, out) in row[q + 1..].iter_mut().enumerate() {
                        *out |= (source[i + 1] << r) | (source[i] >> (64 - r));
                    }
                }
            }
            let d = shift - 1;
            row[d / 64] |= 1 << (d % 64);
        }
        // Vertices x − 1 − d for d < valid stay in the window after x; x − W (d = W − 1)
        // leaves it now and its slot becomes x's.
        let valid = (bits - 1).min(x as usize);
        let full_words = valid / 64;
        let tail = valid % 64;
        let tail_mask = (1u64 << tail) - 1;
        let ones: usize = row[..full_words]
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>()
            + row
                .get(full_words)
                .map_or(0, |w| (w & tail_mask).count_ones()) as usize;
        let complement = ones > valid - ones;
        let base = x.wrapping_sub(1);
        let slots = &mut self.slots;
        let mut visit = |i: usize, mut word: u64| {
            while word != 0 {
                let d = i * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let slot = &mut slots[(base.wrapping_sub(d as u64) & mask) as usize];
                *slot = if complement {
                    slot.wrapping_sub(weight)
                } else {
                    slot.wrapping_add(weight)
                };
            }
        };
        let flip = if complement { u64::MAX } else { 0 };
        for (i, &word) in row[..full_words].iter().enumerate() {
            visit(i, word ^ flip);
        }
        if tail > 0 {
            visit(full_words, (row[full_words] ^ flip) & tail_mask);
        }
        self.stats.slot_updates += (if complement { valid - ones } else { ones }) as u64;
        if complement {
            self.stats.complement_updates += 1;
            self.global = self.global.wrapping_add(weight);
        }
        let own = (x & mask) as usize;
        self.slots[own] = weight.wrapping_sub(self.global);
        self.rows[own * words..(own + 1) * words].copy_from_slice(&row);
        self.row = row;
        self.len += 1;
    }

    /// `cw(v)` if `v` is in the window (fewer than `W` vertices are newer), else `None`.
    #[inline]
    pub(crate) fn weight(&self, v: u64) -> Option<u64> {
        if v >= self.len || self.len - v > self.bits as u64 {
            return None;
        }
        let slot = self.slots[(v & (self.bits as u64 - 1)) as usize];
        Some(slot.wrapping_add(self.global))
    }

    /// Is `a` a strict ancestor of `b`, if the window of `b` reaches back to `a`?
    #[inline]
    pub(crate) fn is_ancestor(&self, a: u64, b: u64) -> Option<bool> {
        if a >= b || b >= self.len || self.len - b > self.bits as u64 {
            return None;
        }
        let d = (b - 1 - a) as usize;
        if d >= self.bits {
            return None;
        }
        let row = (b & (self.bits as u64 - 1)) as usize * self.words;
        Some(self.rows[row + d / 64] >> (d % 64) & 1 == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weights and ancestry of a small DAG against a brute-force closure, for a window that
    /// is smaller than the DAG (so vertices leave it) and one that is larger.
    #[test]
    fn matches_brute_force_inside_the_window() {
        // Two interleaved strands that cross now and then, and long jumps back: vertices of
        // one strand are often not ancestors of the other's, so both update sides are used.
        let n = 300u64;
        let parents = |v: u64| -> Vec<u64> {
            let mut ps = Vec::new();
            if v >= 2 {
                ps.push(v - 2);
            } else if v == 1 {
                ps.push(0);
            }
            let back = 1 + (v * 7 % 5) * 2 + (v % 9 / 8) * 90;
            if v.is_multiple_of(5) && back <= v && !ps.contains(&(v - back)) {
                ps.push(v - back);
            }
            ps
        };
        for bits in [64u32, 128, 512] {
            let mut win = WindowWeights::new(bits);
            let mut past: Vec<Vec<bool>> = Vec::new();
            let weight = |v: u64| 1 + v % 4;
            for v in 0..n {
                let ps = parents(v);
                let mut mine = vec![false; n as usize];
                for &p in &ps {
                    mine[p as usize] = true;
                    for (u, &a) in past[p as usize].iter().enumerate() {
                        mine[u] |= a;
                    }
                }
                past.push(mine);
                win.push(ps.iter().copied(), weight(v));
                let len = v + 1;
                for u in 0..len {
                    let naive: u64 = weight(u)
                        + (u + 1..len)
                            .filter(|&x| past[x as usize][u as usize])
                            .map(weight)
                            .sum::<u64>();
                    let inside = len - u <= u64::from(bits);
                    assert_eq!(
                        win.weight(u),
                        inside.then_some(naive),
                        "W={bits} v={u} at {len}"
                    );
                }
                for a in v.saturating_sub(u64::from(bits))..v {
                    if let Some(known) = win.is_ancestor(a, v) {
                        assert_eq!(known, past[v as usize][a as usize], "W={bits} {a}<{v}");
                    }
                }
            }
            let stats = win.stats();
            assert!(stats.complement_updates > 0, "W={bits}: {stats:?}");
            assert!(stats.complement_updates < n - 1, "W={bits}: {stats:?}");
        }
    }

    #[test]
    fn window_sizes_are_rounded_powers_of_two() {
        assert_eq!(WindowWeights::new(0).stats().window, 64);
        assert_eq!(WindowWeights::new(100).stats().window, 128);
        assert_eq!(WindowWeights::new(4096).stats().window, 4096);
        assert_eq!(WindowWeights::new(u32::MAX).stats().window, 1 << 16);
    }
}
