//! Running totals of an ensemble: exact sums and moments that a run adds to in constant memory
//! and that two halves of an ensemble merge into exactly the totals of the whole.
//!
//! Floating-point addition is not associative, so a plain running sum depends on the order of
//! the runs — on the thread that finished first, or on how an ensemble was split into shards.
//! [`ExactSum`] keeps the sum *exactly*, as a short list of non-overlapping `f64` partials
//! (Shewchuk, *Adaptive precision floating-point arithmetic*, 1997), and rounds only when read.
//! The value read is the correctly rounded exact sum, so it does not depend on the order in
//! which values were added or totals merged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ensemble::Estimate;

/// The exact sum of the `f64` values added to it, rounded only when read ([`ExactSum::value`]).
///
/// Memory stays bounded (at most a few dozen partials, one per disjoint range of exponents).
/// Non-finite values are summed apart: once one is added, the value is that non-finite sum
/// (`NaN` for a `NaN` or for infinities of both signs). A finite sum beyond `f64::MAX`
/// reads as an infinity.
///
/// ```
/// use tangle_sim::ExactSum;
///
/// let mut a = ExactSum::default();
/// for x in [1e16, 1.0, -1e16] {
///     a.add(x);
/// }
/// assert_eq!(a.value(), 1.0); // a plain running sum gives 0.0
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExactSum {
    /// Non-overlapping partials in increasing magnitude; their exact sum is the sum.
    partials: Vec<f64>,
    /// The plain sum of the non-finite values added (0 if none).
    special: f64,
}

impl ExactSum {
    /// Adds `x` exactly.
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.special += x;
            return;
        }
        let mut x = x;
        let mut kept = 0;
        for i in 0..self.partials.len() {
            let mut y = self.partials[i];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            if !hi.is_finite() {
                // Beyond f64::MAX: the sum reads as that infinity.
                self.special += hi;
                return;
            }
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        self.partials.push(x);
    }

    /// Adds every value summed by `other`.
    pub fn merge(&mut self, other: &ExactSum) {
        self.special += other.special;
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The exact sum rounded to the nearest `f64` (ties to even).
    pub fn value(&self) -> f64 {
        // `NaN != 0.0` too.
        if self.special != 0.0 {
            return self.special;
        }
        let p = &self.partials;
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let rounded = hi - x;
            lo = y - rounded;
            if lo != 0.0 {
                break;
            }
        }
        // Round half-way cases correctly: if the partials below continue in the direction of
        // `lo`, the exact sum lies beyond the half-way point.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }

    /// The partials (and the non-finite sum, if any, last), for serialisation.
    fn terms(&self) -> Vec<f64> {
        let mut terms = self.partials.clone();
        if self.special != 0.0 {
            terms.push(self.special);
        }
        terms
    }
}

/// Equal when the exact sums are equal (the partials of one sum are not unique).
impl PartialEq for ExactSum {
    fn eq(&self, other: &ExactSum) -> bool {
        if self.special != 0.0 || other.special != 0.0 {
            // The value is the non-finite sum.
            return self.special == other.special
                || (self.special.is_nan() && other.special.is_nan());
        }
        let mut difference = self.clone();
        for &p in &other.partials {
            difference.add(-p);
        }
        difference.partials.iter().all(|&p| p == 0.0)
    }
}

/// Serialised as the bit patterns of its terms (`f64::to_bits`), so that a shard file read
/// back holds exactly the same sum (decimal floats may not round-trip through every JSON
/// parser).
impl Serialize for ExactSum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bits: Vec<u64> = self.terms().iter().map(|t| t.to_bits()).collect();
        bits.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bits = Vec::<u64>::deserialize(deserializer)?;
        let mut sum = ExactSum::default();
        for b in bits {
            sum.add(f64::from_bits(b));
        }
        Ok(sum)
    }
}

/// Count, sum and sum of squares of one metric over runs: enough for its [`Estimate`], in
/// constant memory, and mergeable exactly.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Values added.
    pub count: u64,
    /// Their sum.
    pub sum: ExactSum,
    /// The sum of their squares (each square added exactly, as its rounded value and error).
    pub sum_of_squares: ExactSum,
}

impl Moments {
    /// Adds one run's value.
    pub fn add(&mut self, x: f64) {
        self.count += 1;
        self.sum.add(x);
        add_product(&mut self.sum_of_squares, x, x);
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Moments) {
        self.count += other.count;
        self.sum.merge(&other.sum);
        self.sum_of_squares.merge(&other.sum_of_squares);
    }

    /// Mean, standard deviation and 95 % half-width of the values added.
    ///
    /// The variance is `(n·Σx² − (Σx)²) / (n(n−1))` with the numerator summed exactly from
    /// error-free products of the partials, so it does not suffer the cancellation of the
    /// textbook one-pass formula: it is the exact value rounded twice (the numerator, then the
    /// division; `n·Σx²` is exact below 2⁵³ runs).
    pub fn estimate(&self) -> Estimate {
        let n = self.count;
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                std_dev: f64::NAN,
                ci95: f64::NAN,
            };
        }
        let nf = n as f64;
        let mean = self.sum.value() / nf;
        if n == 1 {
            return Estimate::from_mean_and_std_dev(mean, 0.0, 1);
        }
        let special = self.sum.special + self.sum_of_squares.special;
        if special != 0.0 || !mean.is_finite() {
            return Estimate::from_mean_and_std_dev(mean, f64::NAN, n);
        }
        let mut numerator = ExactSum::default();
        for &q in &self.sum_of_squares.partials {
            add_product(&mut numerator, nf, q);
        }
        for &a in &self.sum.partials {
            for &b in &self.sum.partials {
                add_product(&mut numerator, -a, b);
            }
        }
        let variance = (numerator.value() / (nf * (nf - 1.0))).max(0.0);
        Estimate::from_mean_and_std_dev(mean, variance.sqrt(), n)
    }
}

/// Adds `a·b` exactly (as the rounded product and its error, by a fused multiply-add).
fn add_product(sum: &mut ExactSum, a: f64, b: f64) {
    let p = a * b;
    sum.add(p);
    if p.is_finite() {
        sum.add(a.mul_add(b, -p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum_of(values: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        values.iter().for_each(|&v| s.add(v));
        s
    }

    #[test]
    fn cancellation_is_exact() {
        assert_eq!(sum_of(&[1e16, 1.0, -1e16]).value(), 1.0);
        assert_eq!(sum_of(&[0.1; 10]).value(), 1.0);
        assert_eq!(sum_of(&[]).value(), 0.0);
        // Half-way case: 1 + 2⁻⁵³ + 2⁻¹⁰⁶ rounds up, 1 + 2⁻⁵³ alone rounds to even (down).
        let half = 2f64.powi(-53);
        assert_eq!(sum_of(&[1.0, half]).value(), 1.0);
        assert_eq!(sum_of(&[1.0, half, half * half]).value(), 1.0 + 2.0 * half);
    }

    #[test]
    fn equality_is_of_the_exact_sums() {
        assert_eq!(sum_of(&[0.1, 0.2, 0.3]), sum_of(&[0.3, 0.2, 0.1]));
        assert_eq!(sum_of(&[1e16, 1.0, -1e16]), sum_of(&[1.0]));
        assert_ne!(sum_of(&[0.1, 0.2]), sum_of(&[0.3]));
        assert_ne!(sum_of(&[f64::NAN]), sum_of(&[]));
        assert_eq!(sum_of(&[f64::NAN]), sum_of(&[f64::NAN, 1.0]));
    }

    #[test]
    fn non_finite_values_are_summed_apart() {
        assert!(sum_of(&[1.0, f64::NAN]).value().is_nan());
        assert_eq!(sum_of(&[1.0, f64::INFINITY]).value(), f64::INFINITY);
        assert!(sum_of(&[f64::INFINITY, f64::NEG_INFINITY]).value().is_nan());
        assert_eq!(sum_of(&[f64::MAX, f64::MAX]).value(), f64::INFINITY);
        let mut m = Moments::default();
        [1.0, f64::NAN].iter().for_each(|&v| m.add(v));
        assert!(m.estimate().mean.is_nan() && m.estimate().std_dev.is_nan());
    }

    #[test]
    fn moments_match_the_two_pass_estimate() {
        let values = [20.25, 19.5, 21.0, 20.75, 19.875];
        let mut m = Moments::default();
        values.iter().for_each(|&v| m.add(v));
        let two_pass = Estimate::of(&values);
        let e = m.estimate();
        assert_eq!(e.mean, two_pass.mean);
        assert!((e.std_dev - two_pass.std_dev).abs() <= 1e-15 * two_pass.std_dev);
        assert!((e.ci95 - two_pass.ci95).abs() <= 1e-14 * two_pass.ci95);
        // A large mean and a tiny spread: the one-pass textbook formula loses every digit.
        let mut tight = Moments::default();
        [1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]
            .iter()
            .for_each(|&v| tight.add(v));
        assert_eq!(tight.estimate().std_dev, 1.0);
    }

    #[test]
    fn serialisation_keeps_every_bit() {
        let mut m = Moments::default();
        [0.1, 1e-300, 3.0, -7.5e12].iter().for_each(|&v| m.add(v));
        let text = serde_json::to_string(&m).expect("serialises");
        let back: Moments = serde_json::from_str(&text).expect("parses");
        assert_eq!(back.estimate(), m.estimate());
        assert_eq!(back.sum.value().to_bits(), m.sum.value().to_bits());
        let mut nan = ExactSum::default();
        nan.add(f64::NAN);
        let back: ExactSum =
            serde_json::from_str(&serde_json::to_string(&nan).expect("serialises"))
                .expect("parses");
        assert!(back.value().is_nan());
    }

    proptest! {
        /// Any split of the values into two merged halves, in any order, gives the same bits,
        /// and the sum is within half an ulp of the exact one (checked against i128 fixed
        /// point on values that are multiples of 2⁻²⁰).
        #[test]
        fn merge_is_exact_and_order_free(
            raw in proptest::collection::vec(-(1i64 << 50)..(1i64 << 50), 0..40),
            cut in 0usize..40,
        ) {
            let values: Vec<f64> = raw.iter().map(|&r| r as f64 / (1u64 << 20) as f64).collect();
            let cut = cut.min(values.len());
            let whole = sum_of(&values);
            let mut left = sum_of(&values[..cut]);
            let right = sum_of(&values[cut..]);
            left.merge(&right);
            let mut reversed: Vec<f64> = values.clone();
            reversed.reverse();
            prop_assert_eq!(left.value().to_bits(), whole.value().to_bits());
            prop_assert_eq!(sum_of(&reversed).value().to_bits(), whole.value().to_bits());
            let exact: i128 = raw.iter().map(|&r| i128::from(r)).sum();
            let expected = exact as f64 / (1u64 << 20) as f64; // one rounding of the exact sum
            prop_assert_eq!(whole.value(), expected);
        }
    }
}
